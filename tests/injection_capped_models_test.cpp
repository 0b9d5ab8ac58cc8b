// Unit tests of the exact model of the Balancer-era coinbase (BCOIN-*, BEPOCH-*, BEMA-001) on
// random states; the cases derived by hand and the small rules (dividends, registration, the
// scheduler) are in injection_capped_models_cases_test.cpp, add_stake / remove_stake (BAL-011)
// in balancer_stake_models_test.cpp.
// Rules: BCOIN-003 … BCOIN-012, BEPOCH-002, BEMA-001
//
// Two kinds of checks: (a) the exact model against the chain model on random states, within
// bounds derived from the chain's rounding (each bound is derived where it is used); (b) exact
// identities of the exact model (conservation, no tolerance).
// Randomised loops print their seed; replay with DTAO_TEST_SEED=<seed>.
#include "dtao/balancer.hpp"
#include "models_support.hpp"
#include "dtao/injection_capped.hpp"
#include "dtao/emission.hpp"
#include "dtao/ruleset.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>

using namespace dtao;
using fixed::I96F32;
using fixed::U96F32;
namespace cb = dtao::chain::injection_capped;
namespace xcb = dtao::exact::injection_capped;
using namespace dtao::test::models;

namespace {

/// A random Balancer-era state: a root entry and 1–5 subnets, mostly dynamic and emitting, with
/// reserves 10^9 … 10^15, w2 ∈ [0.1, 0.9], moving prices 2^-10 … 2, random owner cut, TaoWeight,
/// MinerBurned, emission flags and epoch anchors. TotalIssuance < 10^16 and alpha issuance
/// < 2·10^15 keep both emissions at 10^9 (no halving boundary in reach; EMIS-001 is tested
/// elsewhere).
ChainState coinbase_state(std::mt19937_64& rng)
{
    ChainState st;
    st.block = 10'000 + rng() % 1'000'000;
    st.total_issuance = rng() % 10'000'000'000'000'000;
    st.total_stake = rng() % 10'000'000'000'000'000;
    st.tao_weight = rng() % 3 == 0 ? U64_MAX : (rng() | (u64{1} << 60));
    st.subnet_owner_cut = rng() % 65'536;
    st.max_epochs_per_block = 1 + rng() % 3;
    Subnet root;
    root.netuid = 0;
    root.mechanism = Mechanism::stable;
    root.subnet_tao = log_uniform(rng, 1e12, 1e17);
    st.subnets.push_back(root);
    const unsigned n = 1 + rng() % 5;
    for (u64 k = 1; k <= n; ++k) {
        Subnet s = test::dyn(log_uniform(rng, 1e9, 1e15), log_uniform(rng, 1e9, 1e15), log_uniform(rng, 1, 1e15));
        s.netuid = k;
        s.mechanism = rng() % 8 ? Mechanism::dynamic : Mechanism::stable;
        s.swap_balancer_quote_parts = 100'000'000'000'000'000 + rng() % 800'000'000'000'000'001;
        s.pal_swap_initialized = rng() % 8 != 0;
        s.first_emission_block_number = rng() % 6 ? std::optional<u64>(1 + rng() % 5'000) : std::nullopt;
        s.subtoken_enabled = true;
        s.network_registration_allowed = rng() % 10 != 0;
        s.subnet_emission_enabled = rng() % 5 != 0;
        s.owner_cut_enabled = rng() % 4 != 0;
        s.subnet_moving_price =
            I96F32::from_bits(static_cast<i128>(u64{1} << 22) + static_cast<i128>(rng() % (u64{1} << 33)));
        s.miner_burned = U96F32::from_bits(static_cast<u128>(rng() % ((u64{1} << 32) + 1)));
        s.tempo = 1 + rng() % 400;
        s.last_epoch_block = st.block - rng() % 450;
        s.blocks_since_last_step = rng() % 400;
        s.pending_server_emission = rng() % 1'000'000'000'000;
        s.pending_validator_emission = rng() % 1'000'000'000'000;
        s.pending_root_alpha_divs = rng() % 1'000'000'000'000;
        s.pending_owner_cut = rng() % 1'000'000'000'000;
        s.subnet_protocol_alpha = rng() % 1'000'000'000;
        st.subnets.push_back(s);
    }
    return st;
}

}  // namespace

/// @rule BCOIN-007 BCOIN-008 BCOIN-010 BCOIN-011 BCOIN-012
/// Exact conservation of the exact block_step, with no tolerance, on random states:
/// * credit = min(10^9/2^k, 21e15 − TI) and credit = tao_spent + tao_recycled;
/// * TotalIssuance after = before + credit − recycled;
/// * per subnet tao_in + excess = tao_emission; ΔSubnetTAO = injected τ + chain-buy paid_in;
///   excess spent = paid_in + stranded; Σ(injected τ + excess spent) = tao_spent; recycled =
///   credit − Σ tao_emission + Σ tao_in of refused reweightings; ΔTotalStake = Σ injected τ +
///   Σ excess of successful buys (gross);
/// * alpha: ΔAlphaIn = injected α − bought α; ΔAlphaOut = alpha_out + bought − recycled root
///   alpha; ΔSubnetProtocolAlpha = bought; owner cut + server + validator + root alpha =
///   alpha_out; each pending amount grows by its part (or is drained with it);
/// * the injection keeps the price: alpha_in·price = tao_in, and, without a chain buy, the
///   price after (at the exact weight) equals the price before.
TEST(injection_capped_models, coinbase_exact_conservation_random)
{
    auto rng = test::seeded_rng("injection_capped_models.coinbase_exact_conservation_random");
    unsigned buys = 0, capped = 0;
    for (unsigned it = 0; it < test::test_iters() / 20; ++it) {
        const Ruleset& rules = *ERA3_RULESETS[rng() % 3];
        ExactChainState st = to_exact(coinbase_state(rng));
        if (rng() % 10 == 0)  // near the supply cap: the mint is capped
            st.total_issuance = Rational(TOTAL_SUPPLY) - Rational(Int(rng() % 2'000'000'000), 3);
        const ExactChainState before = st;
        const auto res = xcb::block_step(rules, st);
        const Rational e = exact::block_emission(before.total_issuance).emission;
        const Rational room = Rational(TOTAL_SUPPLY) - before.total_issuance;
        ASSERT_EQ(res.credit, e < room ? e : room) << it;
        ASSERT_EQ(res.tao_spent + res.tao_recycled, res.credit);
        ASSERT_EQ(st.total_issuance, before.total_issuance + res.credit - res.tao_recycled);
        Rational spent = 0, emitted = 0, refused = 0, stake = 0;
        for (const auto& em : res.emissions) {
            const ExactSubnet& b = *before.find(em.netuid);
            const ExactSubnet& a = *st.find(em.netuid);
            buys += em.chain_buy_ok;
            capped += em.capped;
            ASSERT_EQ(em.tao_in + em.excess_tao, em.tao_emission);
            if (em.price != 0) {
                ASSERT_EQ(em.alpha_in * em.price, em.tao_in);
            }
            ASSERT_EQ(a.subnet_tao, b.subnet_tao + em.injected_tao + em.chain_buy_paid_in);
            ASSERT_EQ(em.excess_spent, em.chain_buy_paid_in + em.stranded_tao);
            spent += em.injected_tao + em.excess_spent;
            emitted += em.tao_emission;
            if (em.injected_tao == 0)
                refused += em.tao_in;
            stake += em.injected_tao + (em.chain_buy_ok ? em.excess_spent : Rational(0));
            ASSERT_EQ(a.subnet_alpha_in, b.subnet_alpha_in + em.injected_alpha - em.chain_buy_alpha);
            ASSERT_EQ(a.subnet_alpha_out,
                      b.subnet_alpha_out + em.alpha_out + em.chain_buy_alpha - em.root_alpha_recycled);
            ASSERT_EQ(a.subnet_protocol_alpha, b.subnet_protocol_alpha + em.chain_buy_alpha);
            ASSERT_EQ(em.owner_cut + em.server + em.validator + em.root_alpha, em.alpha_out);
            ASSERT_EQ(em.root_alpha_recycled, res.root_sell_flag ? Rational(0) : em.root_alpha);
            // Drained this block: the record holds before + this block's part; else the state does.
            bool drained = false;
            for (const auto& ep : res.epochs)
                if (ep.netuid == em.netuid && !ep.deferred) {
                    drained = true;
                    ASSERT_EQ(ep.pending_server, b.pending_server_emission + em.server);
                    ASSERT_EQ(ep.pending_validator, b.pending_validator_emission + em.validator);
                    ASSERT_EQ(ep.pending_owner_cut, b.pending_owner_cut + em.owner_cut);
                    ASSERT_EQ(ep.pending_root_alpha,
                              b.pending_root_alpha_divs + (res.root_sell_flag ? em.root_alpha : Rational(0)));
                }
            if (!drained) {
                ASSERT_EQ(a.pending_server_emission, b.pending_server_emission + em.server);
                ASSERT_EQ(a.pending_validator_emission, b.pending_validator_emission + em.validator);
                ASSERT_EQ(a.pending_owner_cut, b.pending_owner_cut + em.owner_cut);
            }
            // The reweighting keeps the price exactly (at the exact weight, before any buy).
            if (a.mechanism == Mechanism::dynamic && em.injected_tao > 0 && em.excess_spent == 0 &&
                b.subnet_alpha_in > 0 && b.pal_swap_initialized) {
                ASSERT_EQ(exact::balancer::calculate_price(em.quote_weight, a.subnet_alpha_in, a.subnet_tao), em.price);
            }
        }
        ASSERT_EQ(spent, res.tao_spent);
        ASSERT_EQ(res.tao_recycled, res.credit - emitted + refused);
        ASSERT_EQ(st.total_stake, before.total_stake + stake);
    }
    std::cout << "[ info     ] chain buys " << buys << ", capped " << capped << "\n";
    EXPECT_GT(buys, 0u);
}

/// @rule BCOIN-003 BCOIN-004 BCOIN-005 BCOIN-006 BCOIN-007 BCOIN-008 BCOIN-012 BEMA-001 BEPOCH-002
/// Chain vs exact block_step on random multi-subnet states (coinbase_state). Per emitting subnet,
/// with E = the exact tao_emission, p = the exact spot price, rp = the exact root proportion,
/// α_em = 10^9 and x = AlphaIn before, every chain amount is within
///   T = 16 + E·(ε_s + 2^-29/p) + α_em·p·2^-29   (TAO)   and   A = T/p + 16 + α_em·2^-27 + x·2^-50   (alpha)
/// of the exact one. Derivation: the chain's U96F32 price is truncated to 2^-32 and its U64F64
/// value is within 2^-32 for p < 2^32, so relative 2^-31/p; E/p then errs by E·2^-31/p (relative
/// to alpha: ·1/p) and cap·p by cap·2^-31; the root proportion (U96F32, TaoWeight / u64::MAX
/// truncated) is within 2^-31 absolute, so the cap and root alpha within α_em·2^-31; the shares
/// err by ε_s = 2^-56 (U64F64 only, main) or 2^-29/min rp (v3.4.8/9: weighted by the U96F32 root
/// proportion, then renormalised); the chain floors tao_in, alpha_in, excess, alpha_out, owner cut,
/// server, validator, root alpha (≤ 1 rao each, ≤ 8 on one amount); a chain-buy input that differs
/// by T moves its output by ≤ T/p plus the power error x·2^-58 and the effect of the chain's
/// weight (rounded from floored injections: relative ≤ 2^-29 of the output). Each term has a
/// factor 2–4 of margin. TotalIssuance and TotalStake: Σ T. Moving price: 2^-30 (stored I96F32
/// truncation 2^-32 and the chain's U64F64 update). A subnet whose cap decision is a tie within
/// the bound is skipped (counted; rare).
TEST(injection_capped_models, coinbase_chain_vs_exact_random)
{
    auto rng = test::seeded_rng("injection_capped_models.coinbase_chain_vs_exact_random");
    unsigned compared = 0, ties = 0;
    Rational worst = 0;
    for (unsigned it = 0; it < test::test_iters() / 20; ++it) {
        const Ruleset& rules = *ERA3_RULESETS[rng() % 3];
        ChainState cst = coinbase_state(rng);
        ExactChainState est = to_exact(cst);
        const ChainState before = cst;
        const ExactChainState ebefore = est;
        const auto cr = cb::block_step(rules, cst);
        const auto er = xcb::block_step(rules, est);
        std::ostringstream ctx;
        ctx << rules.id << " it=" << it;
        ASSERT_EQ(cr.root_sell_flag, er.root_sell_flag) << ctx.str();
        ASSERT_EQ(cr.emissions.size(), er.emissions.size()) << ctx.str();
        ASSERT_EQ(Rational(cr.credit), er.credit) << ctx.str();  // 10^9 in both (TI < 10^16)

        Rational rp_min = 1;
        for (const auto& e : er.emissions)
            if (e.root_proportion_pre < rp_min)
                rp_min = e.root_proportion_pre;
        const Rational eps_s = rules.share_weight == ShareWeight::root_proportion_unburned
                                   ? (rp_min > 0 ? Rational(pow2r(-29) / rp_min) : Rational(1))
                                   : pow2r(-56);
        // The cap decision: a tie within the bound makes the two models take different branches.
        bool tie = false;
        for (const auto& e : er.emissions) {
            if (e.price == 0)
                continue;
            const Rational uncapped = e.tao_emission / e.price;
            const Rational t =
                16 + e.tao_emission * (eps_s + pow2r(-29) / e.price) + e.alpha_emission * e.price * pow2r(-29);
            if (abs(uncapped - e.cap) <= t / e.price + 16 + e.alpha_emission * pow2r(-27))
                tie = true;
        }
        if (tie) {
            ++ties;
            continue;
        }
        Rational t_sum = 0;
        for (std::size_t i = 0; i < er.emissions.size(); ++i) {
            const auto& c = cr.emissions[i];
            const auto& e = er.emissions[i];
            ASSERT_EQ(c.netuid, e.netuid);
            const ExactSubnet& eb = *ebefore.find(e.netuid);
            const Rational p = e.price == 0 ? Rational(1) : e.price;
            const Rational T = 16 + e.tao_emission * (eps_s + pow2r(-29) / p) + e.alpha_emission * p * pow2r(-29);
            const Rational A = T / p + 16 + e.alpha_emission * pow2r(-27) + eb.subnet_alpha_in * pow2r(-50);
            t_sum += T;
            std::ostringstream sub;
            sub << ctx.str() << " netuid=" << e.netuid << " p=" << d(e.price) << " rp=" << d(e.root_proportion_pre)
                << " capped=" << e.capped;
            auto near = [&](const Rational& cv, const Rational& ev, const Rational& bound, const char* what) {
                const Rational diff = abs(cv - ev);
                if (diff / bound > worst)
                    worst = diff / bound;
                EXPECT_LE(diff, bound) << what << ": chain " << d(cv) << " exact " << d(ev) << " " << sub.str();
            };
            ASSERT_EQ(c.capped, e.capped) << sub.str();
            ASSERT_EQ(c.chain_buy_ok, e.chain_buy_ok) << sub.str();
            ASSERT_EQ(c.injected_tao == 0, e.injected_tao == 0 || floor(e.tao_in) == 0) << sub.str();
            near(q(c.tao_emission), e.tao_emission, T, "tao_emission");
            near(q(c.tao_in), e.tao_in, T, "tao_in");
            near(q(c.excess_tao), e.excess_tao, T, "excess_tao");
            near(q(c.alpha_in), e.alpha_in, A, "alpha_in");
            near(q(c.cap), e.cap, A, "cap");
            near(q(c.injected_tao), e.injected_tao, T, "injected_tao");
            near(q(c.injected_alpha), e.injected_alpha, A, "injected_alpha");
            near(q(c.excess_spent), e.excess_spent, T, "excess_spent");
            near(q(c.chain_buy_paid_in), e.chain_buy_paid_in, T, "chain_buy_paid_in");
            near(q(c.chain_buy_alpha), e.chain_buy_alpha, A, "chain_buy_alpha");
            near(q(c.owner_cut), e.owner_cut, A, "owner_cut");
            near(q(c.server), e.server, A, "server");
            near(q(c.validator), e.validator, A, "validator");
            near(q(c.root_alpha), e.root_alpha, A, "root_alpha");
            near(q(c.root_alpha_recycled), e.root_alpha_recycled, A, "root_alpha_recycled");
            const Subnet& ca = *cst.find(e.netuid);
            const ExactSubnet& ea = *est.find(e.netuid);
            near(q(ca.subnet_tao), ea.subnet_tao, 2 * T, "SubnetTAO");
            near(q(ca.subnet_alpha_in), ea.subnet_alpha_in, 2 * A, "SubnetAlphaIn");
            near(q(ca.subnet_alpha_out), ea.subnet_alpha_out, 4 * A, "SubnetAlphaOut");
            near(q(ca.subnet_protocol_alpha), ea.subnet_protocol_alpha, A, "SubnetProtocolAlpha");
            near(q(ca.pending_server_emission), ea.pending_server_emission, A, "PendingServerEmission");
            near(q(ca.pending_validator_emission), ea.pending_validator_emission, A, "PendingValidatorEmission");
            near(q(ca.pending_root_alpha_divs), ea.pending_root_alpha_divs, A, "PendingRootAlphaDivs");
            near(q(ca.pending_owner_cut), ea.pending_owner_cut, A, "PendingOwnerCut");
            near(ca.subnet_moving_price.to_rational(), ea.subnet_moving_price, pow2r(-30), "SubnetMovingPrice");
            ASSERT_EQ(ca.pal_swap_initialized, ea.pal_swap_initialized) << sub.str();
            ++compared;
        }
        {
            const Rational dti = abs(Rational(cst.total_issuance) - est.total_issuance);
            EXPECT_LE(dti, 2 * t_sum + 16) << "TotalIssuance " << ctx.str();
            const Rational dts = abs(Rational(cst.total_stake) - est.total_stake);
            EXPECT_LE(dts, 2 * t_sum + 16) << "TotalStake " << ctx.str();
        }
        // The scheduler is integer-only: the same epochs, and the drained amounts within the
        // pending bounds above (checked through the state for undrained subnets).
        ASSERT_EQ(cr.epochs.size(), er.epochs.size()) << ctx.str();
        for (std::size_t i = 0; i < cr.epochs.size(); ++i) {
            ASSERT_EQ(cr.epochs[i].netuid, er.epochs[i].netuid);
            ASSERT_EQ(cr.epochs[i].deferred, er.epochs[i].deferred);
        }
        for (const auto& s : cst.subnets) {
            const ExactSubnet& x = *est.find(s.netuid);
            ASSERT_EQ(s.last_epoch_block, x.last_epoch_block);
            ASSERT_EQ(s.pending_epoch_at, x.pending_epoch_at);
            ASSERT_EQ(s.subnet_epoch_index, x.subnet_epoch_index);
            ASSERT_EQ(s.blocks_since_last_step, x.blocks_since_last_step);
        }
        (void)before;
    }
    std::cout << "[ info     ] subnets compared " << compared << ", cap ties skipped " << ties << "; worst |Δ|/bound "
              << d(worst) << "\n";
    EXPECT_GT(compared, 0u);
    EXPECT_LE(ties * 10, test::test_iters() / 20 + 10);
}

/// @rule BCOIN-011 BCOIN-012 BEMA-001 BEPOCH-002
/// Chain vs exact over three consecutive blocks (main and v3.4.9-424), from random states: the
/// per-block bounds of `coinbase_chain_vs_exact_random` add up (the models start each block
/// from states that differ by the earlier blocks' rounding, and an amount's error moves the
/// next block's amounts by at most the same order; the moving prices, and so the shares,
/// drift by ≤ 2^-30 per block, which moves E by ≤ E·2^-30/Σmp ≤ 2 rao here). So after k blocks
/// every pool amount is within 4·Σ T (TAO) or 4·Σ A (alpha) of the per-block bounds, and the
/// moving price within k·2^-30. (Three blocks: the exact rationals grow with every block, as the
/// non-rational powers of the chain buys leave 2^-251-sized denominators in the reserves, and
/// ten blocks take minutes.)
TEST(injection_capped_models, coinbase_chain_vs_exact_three_blocks)
{
    auto rng = test::seeded_rng("injection_capped_models.coinbase_chain_vs_exact_three_blocks");
    unsigned compared = 0;
    // A drawn state can have no emitting subnet and so nothing to compare; draw on until `states`
    // of them compared something (at most 64 draws more), so that no seed passes vacuously.
    const unsigned states = std::max(1u, test::test_iters() / 1000);
    unsigned states_compared = 0;
    for (unsigned it = 0; states_compared < states && it < states + 64; ++it) {
        const unsigned compared_before = compared;
        const Ruleset& rules = rng() % 2 ? MAIN_14BC6F9 : V3_4_9_424;
        ChainState cst = coinbase_state(rng);
        ExactChainState est = to_exact(cst);
        std::map<u64, Rational> sum_t, sum_a;
        for (unsigned k = 1; k <= 3; ++k) {
            const ExactChainState eb = est;
            const auto cr = cb::block_step(rules, cst);
            const auto er = xcb::block_step(rules, est);
            ASSERT_EQ(cr.emissions.size(), er.emissions.size());
            Rational rp_min = 1;
            for (const auto& e : er.emissions)
                if (e.root_proportion_pre < rp_min)
                    rp_min = e.root_proportion_pre;
            const Rational eps_s = rules.share_weight == ShareWeight::root_proportion_unburned
                                       ? (rp_min > 0 ? Rational(pow2r(-29) / rp_min) : Rational(1))
                                       : pow2r(-56);
            for (std::size_t i = 0; i < er.emissions.size(); ++i) {
                const auto& e = er.emissions[i];
                ASSERT_EQ(cr.emissions[i].capped, e.capped) << "block " << k << " netuid " << e.netuid;
                const Rational p = e.price == 0 ? Rational(1) : e.price;
                const Rational T = 16 + e.tao_emission * (eps_s + pow2r(-29) / p) + e.alpha_emission * p * pow2r(-29);
                sum_t[e.netuid] += T;
                sum_a[e.netuid] +=
                    T / p + 16 + e.alpha_emission * pow2r(-27) + eb.find(e.netuid)->subnet_alpha_in * pow2r(-50);
            }
            for (const auto& [n, t] : sum_t) {
                const Subnet& c = *cst.find(n);
                const ExactSubnet& x = *est.find(n);
                const Rational a = sum_a[n];
                EXPECT_LE(abs(Rational(c.subnet_tao) - x.subnet_tao), 4 * t) << "block " << k << " netuid " << n;
                EXPECT_LE(abs(Rational(c.subnet_alpha_in) - x.subnet_alpha_in), 4 * a)
                    << "block " << k << " netuid " << n;
                EXPECT_LE(abs(Rational(c.subnet_alpha_out) - x.subnet_alpha_out), 4 * a)
                    << "block " << k << " netuid " << n;
                EXPECT_LE(abs(Rational(c.pending_server_emission) - x.pending_server_emission), 4 * a) << "block " << k;
                EXPECT_LE(abs(Rational(c.pending_validator_emission) - x.pending_validator_emission), 4 * a)
                    << "block " << k;
                EXPECT_LE(abs(c.subnet_moving_price.to_rational() - x.subnet_moving_price), k * pow2r(-30))
                    << "block " << k;
                ++compared;
            }
            Rational all_t = 0;
            for (const auto& [n, t] : sum_t)
                all_t += t;
            EXPECT_LE(abs(Rational(cst.total_issuance) - est.total_issuance), 4 * all_t + 16) << "block " << k;
            EXPECT_LE(abs(Rational(cst.total_stake) - est.total_stake), 4 * all_t + 16) << "block " << k;
            ++cst.block;
            ++est.block;
        }
        if (compared > compared_before)
            ++states_compared;
    }
    EXPECT_EQ(states_compared, states);
}
