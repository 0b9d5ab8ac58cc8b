// Unit tests of the exact model of the Balancer-era add_stake / remove_stake (BAL-011) against
// the chain model; the coinbase's are in injection_capped_models_test.cpp and
// injection_capped_models_cases_test.cpp.
// Rules: BAL-011
//
// Three kinds of checks: (a) the exact model against the chain model on random states, within
// bounds derived from the chain's rounding (each bound is derived where it is used); (b) exact
// identities of the exact model (conservation, no tolerance); (c) a case derived by hand.
// Randomised loops print their seed; replay with DTAO_TEST_SEED=<seed>.
#include "dtao/balancer.hpp"
#include "models_support.hpp"
#include "dtao/injection_capped.hpp"
#include "dtao/emission.hpp"
#include "dtao/ruleset.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

using namespace dtao;
using fixed::I96F32;
using fixed::U64F64;
using fixed::U96F32;
namespace cb = dtao::chain::injection_capped;
namespace xcb = dtao::exact::injection_capped;
using namespace dtao::test::models;

namespace {

/// One Balancer-era subnet with a root entry: the pool for the stake tests.
ChainState pool_state(std::mt19937_64& rng)
{
    ChainState st;
    st.block = 1000;
    st.total_stake = u64{1} << 62;  // room for the unstakes
    st.block_author = rng() % 2 != 0;
    Subnet root;
    root.netuid = 0;
    root.mechanism = Mechanism::stable;
    st.subnets.push_back(root);
    // AlphaOut ≥ 3·10^14 covers every unstake below (≤ 2·10^14).
    Subnet s = test::dyn(log_uniform(rng, 1e9, 1e15), log_uniform(rng, 1e9, 1e15), log_uniform(rng, 3e14, 1e15));
    s.swap_balancer_quote_parts = 50'000'000'000'000'000 + rng() % 900'000'000'000'000'001;  // w2 ∈ [0.05, 0.95]
    s.pal_swap_initialized = rng() % 8 != 0;
    s.fee_rate = rng() % 2 ? DEFAULT_SWAP_FEE_RATE : rng() % 10'001;
    st.subnets.push_back(s);
    return st;
}

/// Whether `get_max_amount_add`'s probe (1000·SubnetTAO, or u64::MAX before RSET-021) buys the
/// whole alpha reserve on the chain: its power (y/(y+dy))^(w2/w1) floors to 0 at 10^-18, the
/// target price reads 0 (x' = 0, `safe_div`) and counts as within any limit, so the chain's
/// maximum is the whole probe (helper notes, "max_amount_add probe drains the pool").
bool probe_drains_pool(const Ruleset& rules, const Subnet& s)
{
    const u64 probe = rules.swap_input_reserve_cap ? sat_mul(s.subnet_tao, MAX_SWAP_INPUT_RESERVE_MULTIPLIER) : U64_MAX;
    const u64 net = probe - chain::balancer::calculate_fee_amount(s, probe, Fees::charged);
    const Perquintill w =
        s.pal_swap_initialized ? chain::balancer::quote_weight(s) : Perquintill::from_parts(Perquintill::ACCURACY / 2);
    return chain::balancer::convert_deltas_buy(rules, w, s.subnet_alpha_in, s.subnet_tao, net) >= s.subnet_alpha_in;
}

}  // namespace

// ============================================================== A. add_stake / remove_stake

/// @rule BAL-011
/// The exact add_stake / remove_stake against the chain's on random pools (w2 ∈ [0.05, 0.95],
/// reserves 10^9 … 10^15, fee rate 33 or random, with or without a limit, partial or not).
/// Both succeed or both fail with the same error, and every amount agrees within
///   TAO side:   B_τ = 8·(1 + p) + (y + p·x)·2^-50,   alpha side: B_α = B_τ / p,
/// p the exact spot price before the order. Derivation: the chain floors the fee (rate truncated
/// first: ≤ 1 rao + amount·2^-64), the output (≤ 1), the limit-path input (≤ 1 + y·10^-18 from the
/// 10^18-scaled power), and its powers are within a few 10^-18 of the real ones (so an output is
/// within reserve·2^-58 + 1); an input that differs by ≤ 4 rao moves an output by ≤ 4/p (marginal
/// rate ≤ 1/p for a buy, ≤ p for a sell); the author's fee sale adds one more such step. Factor 2
/// of margin on each term, then rounded up.
TEST(injection_capped_models, stake_unstake_agree_with_chain_random)
{
    auto rng = test::seeded_rng("injection_capped_models.stake_unstake_agree_with_chain_random");
    unsigned ok_add = 0, ok_remove = 0, power_cap = 0, fee_sale_at_min = 0, probe_drain = 0, drained = 0,
             fee_sale_dust = 0, above_stake = 0;
    const double POWER_CAP_LN = std::log(18.446744073709551615) - 1e-6;
    Rational worst_ratio = 0;
    for (unsigned it = 0; it < test::test_iters() / 4; ++it) {
        const Ruleset& rules = *ERA3_RULESETS[rng() % 3];
        ChainState cst = pool_state(rng);
        ExactChainState est = to_exact(cst);
        const Subnet& s0 = *cst.find(1);
        const Rational x = s0.subnet_alpha_in, y = s0.subnet_tao;
        const ExactSubnet es0 = *est.find(1);
        const Rational p = s0.pal_swap_initialized ? exact::balancer::current_price(es0) : Rational(y / x);
        const Rational b_tao = 8 * (1 + p) + (y + p * x) * pow2r(-50);
        const Rational b_alpha = b_tao / p;
        const double w2d = s0.pal_swap_initialized ? static_cast<double>(s0.swap_balancer_quote_parts) / 1e18 : 0.5;
        const double w1d = 1 - w2d;
        const bool buy = rng() % 2 != 0;
        const Fill partial = rng() % 2 != 0 ? Fill::partial : Fill::whole;
        std::optional<u64> limit;
        if (rng() % 2) {
            // A limit between ½ and 2 times the spot price, in rao per alpha.
            const double f = 0.5 + 1.5 * static_cast<double>(rng() % 1'000'000) / 1e6;
            limit = static_cast<u64>(d(p) * f * 1e9) + 1;
        }
        std::ostringstream ctx;
        ctx << rules.id << " it=" << it << " x=" << s0.subnet_alpha_in << " y=" << s0.subnet_tao
            << " w=" << s0.swap_balancer_quote_parts << " init=" << s0.pal_swap_initialized << " fee=" << s0.fee_rate
            << " limit=" << (limit ? std::to_string(*limit) : "none") << " partial=" << (partial == Fill::partial)
            << " author=" << cst.block_author;
        auto check = [&](const Rational& chain_v, const Rational& exact_v, const Rational& bound, const char* what) {
            const Rational diff = abs(chain_v - exact_v);
            if (diff / bound > worst_ratio)
                worst_ratio = diff / bound;
            EXPECT_LE(diff, bound) << what << ": chain " << d(chain_v) << " exact " << d(exact_v) << " " << ctx.str();
        };
        if (buy) {
            // Mostly within 10× the TAO reserve (the regime the chain computes well); a quarter
            // up to 10^14, where the documented divergences below show up.
            const u64 amount = log_uniform(rng, 1e6, rng() % 4 ? std::min(1e14, 10 * d(y)) : 1e14);
            ctx << " add " << amount;
            if (limit && probe_drains_pool(rules, s0)) {
                ++probe_drain;
                continue;
            }
            const auto c = chain::balancer::add_stake(rules, cst, 1, amount, limit, partial);
            const auto e = exact::balancer::add_stake(rules, est, 1, Rational(amount), limit, partial);
            // BAL-006's power cap: the chain caps (L/p)^w1 at u64::MAX/10^18 ≈ 18.45, so an
            // order cut at a limit beyond that ratio is cut shorter than the exact model's
            // (helper notes, "limit-path power cap"). Not compared.
            const bool chain_cut = c && c->swap.amount_paid_in + c->swap.fee_paid < c->tao_requested;
            const double l = static_cast<double>(limit.value_or(SWAP_MAX_PRICE)) / 1e9;
            if (chain_cut && w1d * std::log(l / d(p)) >= POWER_CAP_LN) {
                ++power_cap;
                continue;
            }
            // F-034 on the buy side: the chain's power (y/(y+dy))^(w2/w1) floors to 0, it pays
            // the whole alpha reserve and reads the target price as 0 (within any limit); the
            // exact model cuts the order at the limit. Not compared.
            if (c && c->alpha >= s0.subnet_alpha_in) {
                ++drained;
                continue;
            }
            ASSERT_EQ(c.ok(), e.ok()) << (c ? "exact: " + std::string(to_string(e.error()))
                                            : "chain: " + std::string(to_string(c.error())))
                                      << " " << ctx.str();
            if (!c) {
                ASSERT_EQ(c.error(), e.error()) << ctx.str();
                continue;
            }
            ++ok_add;
            check(q(c->tao_requested), e->tao_requested, b_tao, "tao_requested");
            check(q(c->swap.amount_paid_in), e->swap.amount_paid_in, b_tao, "paid_in");
            check(q(c->swap.fee_paid), e->swap.fee_paid, b_tao, "fee");
            check(q(c->alpha), e->alpha, b_alpha, "alpha");
            check(q(c->tao_unswapped), e->tao_unswapped, b_tao, "tao_unswapped");
            check(q(c->author_tao), e->author_tao, b_tao, "author_tao");
            check(q(c->burned_tao), e->burned_tao, b_tao, "burned_tao");
        } else {
            const u64 alpha = log_uniform(rng, 1e6, rng() % 4 ? std::min(1e14, 10 * d(x)) : 1e14);
            // The whole stake, more than the request, or (1 in 8) half of it: above the stake a
            // limit order is refused before the sale in both models (BAL-011).
            const u64 pick = rng() % 8;
            const u64 available = pick < 2 ? alpha : pick == 2 ? alpha / 2 : alpha + log_uniform(rng, 1, 1e14);
            ctx << " remove " << alpha << " of " << available;
            const auto c = chain::balancer::remove_stake(rules, cst, 1, alpha, available, limit, partial);
            const auto e =
                exact::balancer::remove_stake(rules, est, 1, Rational(alpha), Rational(available), limit, partial);
            const bool chain_cut = c && c->swap.amount_paid_in + c->swap.fee_paid < c->alpha_requested;
            const double l = static_cast<double>(limit.value_or(SWAP_MIN_PRICE)) / 1e9;
            if (chain_cut && w2d * std::log(d(p) / l) >= POWER_CAP_LN) {
                ++power_cap;
                continue;
            }
            // A sale cut at the minimum price ends at that price exactly in the exact model, so
            // the author's fee sale (limit: the minimum price) is refused; the chain's floored
            // input leaves the price just above it (remove_stake's comment).
            if (chain_cut && cst.block_author && limit.value_or(SWAP_MIN_PRICE) <= SWAP_MIN_PRICE) {
                ASSERT_FALSE(e) << ctx.str();
                ASSERT_EQ(e.error(), Error::price_limit_exceeded) << ctx.str();
                ++fee_sale_at_min;
                continue;
            }
            if (c && c->tao >= s0.subnet_tao) {  // F-034: the sale's power floors to 0
                ++drained;
                continue;
            }
            // The author's fee sale pays less than one rao: the chain floors it to 0 and fails
            // the unstake with ReservesTooLow (zero output); the exact output is positive.
            if (!c && c.error() == Error::reserves_too_low && e && e->author_tao < 1) {
                ++fee_sale_dust;
                continue;
            }
            // Cut at the minimum price with an author: the chain's fee sale starts just above the
            // minimum, is cut to a sliver whose output floors to 0 and fails with ReservesTooLow;
            // the exact fee sale starts at the minimum and fails its price check.
            if (!c && c.error() == Error::reserves_too_low && !e && e.error() == Error::price_limit_exceeded &&
                cst.block_author && limit.value_or(SWAP_MIN_PRICE) <= SWAP_MIN_PRICE) {
                ++fee_sale_at_min;
                continue;
            }
            ASSERT_EQ(c.ok(), e.ok()) << (c ? "exact: " + std::string(to_string(e.error()))
                                            : "chain: " + std::string(to_string(c.error())))
                                      << " " << ctx.str();
            if (!c) {
                ASSERT_EQ(c.error(), e.error()) << ctx.str();
                above_stake += c.error() == Error::not_enough_stake_to_withdraw;
                continue;
            }
            ++ok_remove;
            check(q(c->alpha_requested), e->alpha_requested, b_alpha, "alpha_requested");
            check(q(c->swap.amount_paid_in), e->swap.amount_paid_in, b_alpha, "paid_in");
            check(q(c->swap.fee_paid), e->swap.fee_paid, b_alpha, "fee");
            check(q(c->alpha_refund), e->alpha_refund, b_alpha, "alpha_refund");
            check(q(c->tao), e->tao, b_tao, "tao");
            check(q(c->author_tao), e->author_tao, b_tao, "author_tao");
            check(q(c->burned_alpha), e->burned_alpha, b_alpha, "burned_alpha");
        }
        // The committed state.
        const Subnet& ca = *cst.find(1);
        const ExactSubnet& ea = *est.find(1);
        check(q(ca.subnet_tao), ea.subnet_tao, 2 * b_tao, "SubnetTAO");
        check(q(ca.subnet_alpha_in), ea.subnet_alpha_in, 2 * b_alpha, "SubnetAlphaIn");
        check(q(ca.subnet_alpha_out), ea.subnet_alpha_out, 2 * b_alpha, "SubnetAlphaOut");
        check(q(cst.total_stake), est.total_stake, 2 * b_tao, "TotalStake");
        EXPECT_EQ(ca.pal_swap_initialized, ea.pal_swap_initialized) << ctx.str();
        EXPECT_EQ(ca.swap_balancer_quote_parts, ea.swap_balancer_quote_parts) << ctx.str();
    }
    std::cout << "[ info     ] successful add " << ok_add << ", remove " << ok_remove << "; power cap skipped "
              << power_cap << ", probe drains pool " << probe_drain << ", swap drains pool " << drained
              << ", fee sale below one rao " << fee_sale_dust << ", fee sale at the minimum price " << fee_sale_at_min
              << ", limit above the stake " << above_stake << "; worst |Δ|/bound " << d(worst_ratio) << "\n";
    EXPECT_GT(ok_add, 0u);
    EXPECT_GT(ok_remove, 0u);
    // `above_stake` is only reported: about 1 seed in 75 draws no limit order above the stake
    // that reaches the comparison, so the case is pinned on its own below.
}

/// @rule BAL-011
/// A limit unstake of more alpha than the staker holds is refused before the sale, by both
/// models alike, on every Balancer-era ruleset, with or without a block author, partial or not.
TEST(injection_capped_models, limit_remove_above_stake_refused_in_both_models)
{
    for (const Ruleset* rules : ERA3_RULESETS)
        for (const bool author : {false, true})
            for (const Fill fill : {Fill::whole, Fill::partial}) {
                ChainState cst;
                cst.block = 1000;
                cst.total_stake = u64{1} << 62;
                cst.block_author = author;
                Subnet root;
                root.netuid = 0;
                root.mechanism = Mechanism::stable;
                cst.subnets.push_back(root);
                cst.subnets.push_back(test::dyn(1'000'000'000'000, 4'000'000'000'000, 500'000'000'000'000));
                ExactChainState est = to_exact(cst);
                const ChainState before = cst;
                // price 0.25 TAO per alpha; the limit 0.1 is below it, so a sale within the stake would run
                const u64 limit = 100'000'000;
                const auto c = chain::balancer::remove_stake(*rules, cst, 1, 2'000'000'000, 1'000'000'000, limit, fill);
                const auto e = exact::balancer::remove_stake(*rules, est, 1, Rational(2'000'000'000),
                                                             Rational(1'000'000'000), limit, fill);
                ASSERT_FALSE(c) << rules->id;
                ASSERT_FALSE(e) << rules->id;
                EXPECT_EQ(c.error(), Error::not_enough_stake_to_withdraw) << rules->id;
                EXPECT_EQ(e.error(), Error::not_enough_stake_to_withdraw) << rules->id;
                EXPECT_EQ(cst, before) << rules->id;
                const auto within =
                    chain::balancer::remove_stake(*rules, cst, 1, 1'000'000'000, 1'000'000'000, limit, fill);
                EXPECT_TRUE(within) << rules->id << ": the same order within the stake runs";
            }
}

/// @rule BAL-011
/// Exact identities of one add_stake and one remove_stake (no tolerance): the staker's TAO is
/// paid_in + fee + unswapped; SubnetTAO grows by paid_in, TotalStake by the gross amount; the fee
/// goes to the author or is burned; the unstake refunds alpha − paid_in − fee and, with an
/// author, sells the fee fee-free.
TEST(injection_capped_models, stake_unstake_exact_identities)
{
    ChainState cst;
    Subnet root;
    root.netuid = 0;
    root.mechanism = Mechanism::stable;
    cst.subnets.push_back(root);
    cst.subnets.push_back(test::dyn(1'000'000'000'000, 4'000'000'000'000, 1'000'000'000'000));
    cst.total_stake = 10'000'000'000'000;
    for (bool author : {true, false}) {
        cst.block_author = author;
        ExactChainState st = to_exact(cst);
        const ExactSubnet before = *st.find(1);
        const Rational stake0 = st.total_stake;
        // w = ½, y/x = ¼: a buy of τ net of the fee f = τ·33/65535 pays x·d/(y + d), d = τ − f.
        const Rational tao(5'000'000'000);
        const auto r = exact::balancer::add_stake(MAIN_14BC6F9, st, 1, tao, std::nullopt, Fill::whole);
        ASSERT_TRUE(r);
        const Rational fee = tao * Rational(33, 65'535);
        const Rational dy = tao - fee;
        EXPECT_EQ(r->swap.fee_paid, fee);
        EXPECT_EQ(r->swap.amount_paid_in, dy);
        EXPECT_EQ(r->alpha, before.subnet_alpha_in * dy / (before.subnet_tao + dy));
        EXPECT_EQ(r->tao_unswapped, 0);
        EXPECT_EQ(r->author_tao + r->burned_tao, fee);
        EXPECT_EQ(author ? r->burned_tao : r->author_tao, 0);
        const ExactSubnet& mid = *st.find(1);
        EXPECT_EQ(mid.subnet_tao, before.subnet_tao + dy);
        EXPECT_EQ(mid.subnet_alpha_in, before.subnet_alpha_in - r->alpha);
        EXPECT_EQ(mid.subnet_alpha_out, before.subnet_alpha_out + r->alpha);
        EXPECT_EQ(st.total_stake, stake0 + tao);  // gross
        // Unstake everything just bought.
        const ExactSubnet m = mid;
        const Rational stake1 = st.total_stake;
        const auto u =
            exact::balancer::remove_stake(MAIN_14BC6F9, st, 1, r->alpha, r->alpha, std::nullopt, Fill::whole);
        ASSERT_TRUE(u);
        const Rational afee = r->alpha * Rational(33, 65'535);
        EXPECT_EQ(u->swap.fee_paid, afee);
        EXPECT_EQ(u->swap.amount_paid_in, r->alpha - afee);
        EXPECT_EQ(u->alpha_refund, 0);
        EXPECT_EQ(u->tao, m.subnet_tao * u->swap.amount_paid_in / (m.subnet_alpha_in + u->swap.amount_paid_in));
        const ExactSubnet& after = *st.find(1);
        if (author) {
            EXPECT_EQ(u->fee_swap.amount_paid_in, afee);
            EXPECT_EQ(u->fee_swap.fee_paid, 0);
            EXPECT_EQ(u->author_tao, u->fee_swap.amount_paid_out);
            EXPECT_EQ(u->burned_alpha, 0);
            EXPECT_EQ(after.subnet_alpha_out, m.subnet_alpha_out - r->alpha);
        } else {
            EXPECT_EQ(u->burned_alpha, afee);
            EXPECT_EQ(u->author_tao, 0);
            EXPECT_EQ(after.subnet_alpha_out, m.subnet_alpha_out - (r->alpha - afee));  // the burned fee stays
        }
        EXPECT_EQ(after.subnet_tao, m.subnet_tao - u->tao - u->author_tao);
        EXPECT_EQ(st.total_stake, stake1 - u->tao - u->author_tao);
    }
}

/// @rule BAL-011
/// Errors and the state on error: an unknown subnet, an amount below min stake + the exact fee
/// (2·10^6 + 1007.09…: 2 001 007 passes on the chain, whose fee is ⌊·⌋ = 1007, and fails in the
/// exact model), a limit below the price; the state is unchanged on error.
TEST(injection_capped_models, stake_errors_and_min_stake_boundary)
{
    ChainState cst;
    cst.subnets.push_back(test::dyn(1'000'000'000'000, 1'000'000'000'000));
    cst.total_stake = 1'000'000'000'000;
    const ExactChainState est0 = to_exact(cst);
    ExactChainState est = est0;
    EXPECT_EQ(exact::balancer::add_stake(MAIN_14BC6F9, est, 7, 10'000'000, std::nullopt, Fill::whole).error(),
              Error::subnet_not_exists);
    EXPECT_EQ(exact::balancer::add_stake(MAIN_14BC6F9, est, 1, 2'001'007, std::nullopt, Fill::whole).error(),
              Error::amount_too_low);
    EXPECT_TRUE(chain::balancer::add_stake(MAIN_14BC6F9, cst, 1, 2'001'007, std::nullopt, Fill::whole));
    EXPECT_TRUE(exact::balancer::add_stake(MAIN_14BC6F9, est, 1, Rational(2'001'008), std::nullopt, Fill::whole));
    est = est0;
    EXPECT_EQ(exact::balancer::add_stake(MAIN_14BC6F9, est, 1, 10'000'000, 999'999'999, Fill::whole).error(),
              Error::price_limit_exceeded);  // BAL-012's probe: the price (1) is not below the limit
    EXPECT_EQ(exact::balancer::remove_stake(MAIN_14BC6F9, est, 1, 0, 5, std::nullopt, Fill::whole).error(),
              Error::amount_too_low);
    EXPECT_EQ(est.find(1)->subnet_tao, est0.find(1)->subnet_tao);
    EXPECT_EQ(est.total_stake, est0.total_stake);
}
