// Unit tests of the exact model of the Balancer-era coinbase, cases derived by hand: one
// subnet at w = ½, a capped subnet's chain buy, the dividend distribution, registration at
// the median price and the epoch scheduler, each against the chain model on the same state.
// The random-state comparisons are in injection_capped_models_test.cpp.
// Rules: BCOIN-001, BCOIN-004 … BCOIN-009, BCOIN-011 … BCOIN-013, BEMA-001, BEPOCH-003,
//        BEPOCH-004, BREG-001, BREG-002
#include "models_support.hpp"
#include "dtao/injection_capped.hpp"
#include "dtao/ruleset.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

using namespace dtao;
using fixed::I96F32;
using fixed::U96F32;
namespace cb = dtao::chain::injection_capped;
namespace xcb = dtao::exact::injection_capped;
using namespace dtao::test::models;

/// @rule BCOIN-004 BCOIN-006 BCOIN-007 BCOIN-008 BCOIN-009 BCOIN-011 BCOIN-012 BEMA-001
/// One subnet at w = ½, no cap hit, derived by hand (every ruleset gives the same: one subnet's
/// share is 1 whatever its weight factor, as long as it is > 0).
///
/// State: block 1000, TotalIssuance 0, root SubnetTAO R = 4e12, TaoWeight = u64::MAX (tw = 1),
/// SubnetOwnerCut 13107 (= 65535/5, cut = 1/5); subnet 1 dynamic at w = ½ with y = 8e12 TAO,
/// x = 2e12 alpha in, 2e12 alpha out, moving price ½, FEB 1, tempo 360, LastEpochBlock 900.
///
/// * EMIS-001: TI = 0 → S/(S − 0) = 1, k = 0, emission = 10^9 = credit (room 21e15).
/// * BCOIN-003/004/005: one emitting subnet, share 1, tao_emission E = 10^9.
/// * BCOIN-009: Σ mp = ½ ≤ 1 → no root sell (root alpha recycled).
/// * BCOIN-006: alpha issuance 4e12 → α_em = 10^9; p = (½/½)·8e12/2e12 = 4; alpha_in = E/p = 2.5e8;
///   rp_pre = 4e12/(4e12 + 4e12) = ½; cap = 5e8 ≥ 2.5e8: not capped, tao_in = 10^9, excess 0.
/// * BCOIN-007: w2' = ½·x(y+τ) / (½·y(x+α) + ½·x(y+τ)) with x(y+τ) = 2e12·8.001e12 = 1.6002e25 and
///   y(x+α) = 8e12·2.00025e12 = 1.6002e25: w2' = ½ (injection in proportion y : x). No buy.
///   SubnetTAO = 8.001e12, AlphaIn = 2.00025e12, TotalStake += 10^9; spent 10^9, recycled 0.
/// * BCOIN-008: AlphaOut = 2e12 + 10^9 = 2.001e12; owner cut = 10^9/5 = 2e8, a = 8e8;
///   rp_post = 4e12/(4e12 + 2.00025e12 + 2.001e12) = 4/8.00125 = 3200/6401;
///   root alpha = (3200/6401)·8e8·½ = 1.28e12/6401 (= 199 968 754.88…); server = 4e8;
///   validator = 4e8 − 1.28e12/6401 = 1.2804e12/6401; root alpha recycled: AlphaOut −= 1.28e12/6401.
/// * BEPOCH-002: 1000 − 900 = 100 < 360: not due; BlocksSinceLastStep += 1.
/// * BEMA-001: b = 1000 − (1 − 1) = 1000, h = 201 600, α = (12885/2^32)·1000/202 600 =
///   64425/4350801870848; price after = 8.001e12/2.00025e12 = 4 → min(4, 1) = 1;
///   m' = α·1 + (1 − α)·½ = ½ + α/2 = 4350801935273/8701603741696.
/// * TotalIssuance = 0 + 10^9 − 0 = 10^9.
TEST(injection_capped_models, one_subnet_half_weight_by_hand)
{
    ChainState cst;
    cst.block = 1000;
    cst.total_issuance = 0;
    cst.total_stake = 12'000'000'000'000;
    cst.tao_weight = U64_MAX;
    cst.subnet_owner_cut = 13'107;
    Subnet root;
    root.netuid = 0;
    root.mechanism = Mechanism::stable;
    root.subnet_tao = 4'000'000'000'000;
    cst.subnets.push_back(root);
    Subnet s = test::dyn(8'000'000'000'000, 2'000'000'000'000, 2'000'000'000'000);
    s.first_emission_block_number = 1;
    s.subnet_moving_price = I96F32::from_bits(i128{1} << 31);
    s.tempo = 360;
    s.last_epoch_block = 900;
    s.blocks_since_last_step = 5;
    cst.subnets.push_back(s);

    const Rational root_alpha(Int(1'280'000'000'000), Int(6401));
    const Rational alpha_ema(Int(64'425), Int("4350801870848"));
    for (const Ruleset* rules : ERA3_RULESETS) {
        ExactChainState st = to_exact(cst);
        const auto r = xcb::block_step(*rules, st);
        ASSERT_EQ(r.credit, 1'000'000'000);
        EXPECT_FALSE(r.root_sell_flag);
        ASSERT_EQ(r.emissions.size(), 1u);
        const auto& e = r.emissions[0];
        EXPECT_EQ(e.price_share, 1);
        EXPECT_EQ(e.share, 1);
        EXPECT_EQ(e.tao_emission, 1'000'000'000);
        EXPECT_EQ(e.alpha_emission, 1'000'000'000);
        EXPECT_EQ(e.price, 4);
        EXPECT_EQ(e.alpha_in, 250'000'000);
        EXPECT_EQ(e.root_proportion_pre, Rational(1, 2));
        EXPECT_EQ(e.cap, 500'000'000);
        EXPECT_FALSE(e.capped);
        EXPECT_EQ(e.tao_in, 1'000'000'000);
        EXPECT_EQ(e.excess_tao, 0);
        EXPECT_EQ(e.quote_weight, Rational(1, 2));
        EXPECT_EQ(e.injected_tao, 1'000'000'000);
        EXPECT_EQ(e.injected_alpha, 250'000'000);
        EXPECT_EQ(e.excess_spent, 0);
        EXPECT_FALSE(e.chain_buy_ok);
        EXPECT_EQ(e.owner_cut, 200'000'000);
        EXPECT_EQ(e.root_proportion_post, Rational(3200, 6401));
        EXPECT_EQ(e.root_alpha, root_alpha);
        EXPECT_EQ(e.server, 400'000'000);
        EXPECT_EQ(e.validator, Rational(Int(1'280'400'000'000), Int(6401)));
        EXPECT_EQ(e.root_alpha_recycled, root_alpha);
        EXPECT_EQ(r.tao_spent, 1'000'000'000);
        EXPECT_EQ(r.tao_recycled, 0);
        EXPECT_TRUE(r.epochs.empty());
        const ExactSubnet& a = *st.find(1);
        EXPECT_EQ(a.subnet_tao, 8'001'000'000'000);
        EXPECT_EQ(a.subnet_alpha_in, 2'000'250'000'000);
        EXPECT_EQ(a.subnet_alpha_out, Rational(2'001'000'000'000) - root_alpha);
        EXPECT_EQ(a.swap_balancer_quote_parts, 500'000'000'000'000'000u);
        EXPECT_EQ(a.pending_server_emission, 400'000'000);
        EXPECT_EQ(a.pending_owner_cut, 200'000'000);
        EXPECT_EQ(a.pending_root_alpha_divs, 0);
        EXPECT_EQ(a.blocks_since_last_step, 6u);
        EXPECT_EQ(a.subnet_moving_price, Rational(1, 2) + alpha_ema / 2);
        EXPECT_EQ(a.subnet_moving_price, Rational(Int("4350801935273"), Int("8701603741696")));
        EXPECT_EQ(st.total_issuance, 1'000'000'000);
        EXPECT_EQ(st.total_stake, 12'001'000'000'000);

        // The chain on the same state: exact here except the root alpha (rp_post truncated to
        // 32 fractional bits, then ⌊·⌋) and the validator part (⌊·⌋ of 4e8 − root alpha).
        ChainState c = cst;
        const auto cr = cb::block_step(*rules, c);
        ASSERT_EQ(cr.emissions.size(), 1u);
        EXPECT_EQ(cr.emissions[0].alpha_in, U96F32::saturating_from_u64(250'000'000));
        EXPECT_EQ(cr.emissions[0].injected_tao, 1'000'000'000u);
        EXPECT_EQ(c.find(1)->subnet_alpha_in, 2'000'250'000'000u);
        const u64 recycled = cr.emissions[0].root_alpha_recycled;
        EXPECT_TRUE(recycled == 199'968'754u || recycled == 199'968'753u) << recycled;
        EXPECT_EQ(c.find(1)->subnet_alpha_out, 2'001'000'000'000u - recycled);
    }
}

/// @rule BCOIN-007 BCOIN-001
/// A capped subnet: the excess is chain-bought with the exact weight, the protocol alpha and
/// SubnetExcessTao record it, and root proportion counts the bought alpha (in AlphaOut).
/// Also the uninitialised pool: the buy resets w2 to ½ (BAL-008), in both models.
TEST(injection_capped_models, capped_subnet_chain_buy_and_uninitialised_pool)
{
    for (bool initialised : {true, false}) {
        ChainState cst;
        cst.block = 1000;
        cst.tao_weight = U64_MAX;
        cst.subnet_owner_cut = 0;
        Subnet root;
        root.netuid = 0;
        root.mechanism = Mechanism::stable;
        root.subnet_tao = 1'000'000'000'000;  // rp = 1e12/(1e12 + 9e12) = 0.1
        cst.subnets.push_back(root);
        Subnet s = test::dyn(1'000'000'000'000, 4'000'000'000'000, 5'000'000'000'000);  // p = ¼
        s.first_emission_block_number = 1;
        s.subnet_moving_price = I96F32::from_bits(i128{1} << 31);
        s.last_epoch_block = 990;
        s.pal_swap_initialized = initialised;
        cst.subnets.push_back(s);
        ExactChainState st = to_exact(cst);
        const auto r = xcb::run_coinbase(MAIN_14BC6F9, st, 1'000'000'000);
        const auto& e = r.emissions.at(0);
        // alpha_in = 1e9 / ¼ = 4e9 > cap = 0.1·1e9 = 1e8: capped, tao_in = 1e8·¼ = 2.5e7.
        EXPECT_TRUE(e.capped);
        EXPECT_EQ(e.cap, 100'000'000);
        EXPECT_EQ(e.tao_in, 25'000'000);
        EXPECT_EQ(e.excess_tao, 975'000'000);
        EXPECT_TRUE(e.chain_buy_ok);
        EXPECT_EQ(e.chain_buy_paid_in, 975'000'000);
        EXPECT_EQ(e.stranded_tao, 0);
        const ExactSubnet& a = *st.find(1);
        EXPECT_EQ(a.subnet_protocol_alpha, e.chain_buy_alpha);
        EXPECT_EQ(a.subnet_excess_tao, 975'000'000);
        EXPECT_EQ(a.pal_swap_initialized, true);
        if (initialised) {
            // The injection (2.5e7, 1e8) is in proportion y : x (p = ¼ at w = ½): w stays ½.
            EXPECT_EQ(e.quote_weight, Rational(1, 2));
        }
        EXPECT_EQ(e.quote_weight, Rational(1, 2));  // uninitialised: the buy's BAL-008 sets ½
        const Rational x0(4'000'000'000'000), y0(1'000'000'000'000), dy(975'000'000);
        EXPECT_EQ(e.chain_buy_alpha, x0 * dy / (y0 + dy));  // the buy runs before the injection is added
        EXPECT_EQ(e.root_proportion_post,
                  Rational(1'000'000'000'000) /
                      (Rational(1'000'000'000'000) + a.subnet_alpha_in + a.subnet_alpha_out + e.root_alpha_recycled));
        // The chain agrees within its rounding.
        ChainState c = cst;
        const auto cr = cb::run_coinbase(MAIN_14BC6F9, c, 1'000'000'000);
        EXPECT_LE(abs(Rational(cr.emissions.at(0).chain_buy_alpha) - e.chain_buy_alpha), 8);
        EXPECT_EQ(c.find(1)->pal_swap_initialized, true);
        // Uninitialised: both reset to ½ by the buy. Initialised: the chain reweights with the
        // floored injection (⌊cap⌋ = 99 999 999 from the truncated rp, ⌊cap·p⌋ = 24 999 999),
        // which moves its weight by ~10^-13; the exact weight stays ½.
        if (!initialised)
            EXPECT_EQ(c.find(1)->swap_balancer_quote_parts, a.swap_balancer_quote_parts);
        else
            EXPECT_LE(abs(Rational(c.find(1)->swap_balancer_quote_parts) - Rational(a.swap_balancer_quote_parts)),
                      1'000'000);
    }
}

/// @rule BCOIN-013
/// Two alpha-only hotkeys with dividends 1 and 3 share a pot of 1 000: 250 and 750 in both
/// models (1/4 and 3/4 are exact in U96F32, and 1 000 · 2^-2 has no fractional bits to lose).
/// With root stake the chain truncates the root proportion; it stays within 2^-32 per unit
/// of the pot.
TEST(injection_capped_models, dividend_distribution_matches_chain)
{
    std::map<u64, cb::DividendInput> chain_in;
    std::map<u64, xcb::DividendInput> exact_in;
    chain_in[1] = {U96F32::saturating_from_u64(1), std::pair<u64, u64>{100, 0}};
    chain_in[2] = {U96F32::saturating_from_u64(3), std::pair<u64, u64>{300, 0}};
    exact_in[1] = {Rational(1), std::pair<Rational, Rational>{100, 0}};
    exact_in[2] = {Rational(3), std::pair<Rational, Rational>{300, 0}};
    const auto c = cb::calculate_dividend_distribution(1000, 0, U96F32::zero(), chain_in);
    const auto x = xcb::calculate_dividend_distribution(1000, 0, 0, exact_in);
    EXPECT_EQ(x.alpha_dividends.at(1), Rational(250));
    EXPECT_EQ(x.alpha_dividends.at(2), Rational(750));
    EXPECT_EQ(c.alpha_dividends.at(1).to_rational(), Rational(250));
    EXPECT_EQ(c.alpha_dividends.at(2).to_rational(), Rational(750));

    // root stake: hotkey 1 has equal alpha and weighted root stake (tw = ½ exactly in U96F32)
    chain_in[1].stake = std::pair<u64, u64>{100, 200};
    exact_in[1].stake = std::pair<Rational, Rational>{100, 200};
    const U96F32 tw = U96F32::from_bits(u128{1} << 31);
    const auto c2 = cb::calculate_dividend_distribution(1000, 500, tw, chain_in);
    const auto x2 = xcb::calculate_dividend_distribution(1000, 500, Rational(1, 2), exact_in);
    // hotkey 1: root_prop = 100/200 = ½, root_divs ½, alpha_divs ½; hotkey 2: alpha_divs 3
    EXPECT_EQ(x2.root_alpha_dividends.at(1), Rational(500));
    EXPECT_EQ(x2.alpha_dividends.at(1), Rational(1000, 7));
    for (const auto& [h, v] : x2.alpha_dividends) {
        EXPECT_LE(abs(c2.alpha_dividends.at(h).to_rational() - v), Rational(1000, Int(1) << 30)) << h;
    }
}

/// @rule BREG-001 BREG-002
/// Prices 1 and 1/3 (w = ½): the median of an even count is their mean, 2/3, so the exact pool
/// alpha for the 1 TAO minimum lock is 10^9 / (2/3) = 1.5·10^9; the chain's truncated U64F64
/// median gives at most one unit less.
TEST(injection_capped_models, registration_at_the_median_matches_chain)
{
    ChainState st;
    st.block = 100'000;
    Subnet root;
    root.netuid = ROOT_NETUID;
    root.mechanism = Mechanism::stable;
    st.subnets.push_back(root);
    st.subnets.push_back(test::dyn(1'000'000'000'000, 1'000'000'000'000));
    Subnet s3 = test::dyn(1'000'000'000'000, 3'000'000'000'000);
    s3.netuid = 3;
    st.subnets.push_back(s3);
    ExactChainState est = to_exact(st);
    const auto c = cb::do_register_network(MAIN_14BC6F9, st);
    const auto x = xcb::do_register_network(MAIN_14BC6F9, est);
    ASSERT_TRUE(c);
    ASSERT_TRUE(x);
    EXPECT_EQ(x->median_price, Rational(2, 3));
    EXPECT_EQ(c->netuid, 2u);  // the lowest free netuid
    EXPECT_EQ(x->netuid, 2u);
    EXPECT_EQ(x->lock_cost, st.network_min_lock_cost);
    EXPECT_EQ(x->pool_alpha, Rational(Int(st.network_min_lock_cost) * 3, 2));
    EXPECT_LE(x->pool_alpha - Rational(c->pool_alpha), Rational(1));
    EXPECT_GE(x->pool_alpha - Rational(c->pool_alpha), Rational(0));
    // a second registration in the same block is rate-limited in both models
    EXPECT_EQ(cb::do_register_network(MAIN_14BC6F9, st).error(), Error::network_tx_rate_limit_exceeded);
    EXPECT_EQ(xcb::do_register_network(MAIN_14BC6F9, est).error(), Error::network_tx_rate_limit_exceeded);
}

/// @rule BEPOCH-003 BEPOCH-004
/// The scheduler is one template: on the same state the exact model defers the same subnets
/// and resets the same anchor. Three subnets with tempo 10, last epoch at 980, block 1000: all
/// three are due (1000 − 980 ≥ 10); with MaxEpochsPerBlock = 1 the first in storage-key order
/// (netuid 1: keys are u16 little-endian, so 1 < 2 < 3) runs and 2 and 3 are deferred.
TEST(injection_capped_models, scheduler_agrees_between_models)
{
    ChainState st;
    st.block = 1000;
    st.max_epochs_per_block = 1;
    for (u64 n = 1; n <= 3; ++n) {
        Subnet s;
        s.netuid = n;
        s.tempo = 10;
        s.last_epoch_block = 980;
        st.subnets.push_back(s);
    }
    ExactChainState est = to_exact(st);
    const std::vector<u64> deferred{2, 3};
    EXPECT_EQ(cb::epochs_deferred_this_block(st, st.block), deferred);
    EXPECT_EQ(xcb::epochs_deferred_this_block(est, est.block), deferred);

    // set_tempo: the new tempo and the anchor moved to now, in both models.
    cb::set_tempo(*st.find(2), 20, 1000);
    xcb::set_tempo(*est.find(2), 20, 1000);
    EXPECT_EQ(st.find(2)->tempo, 20U);
    EXPECT_EQ(st.find(2)->last_epoch_block, 1000U);
    EXPECT_EQ(est.find(2)->tempo, 20U);
    EXPECT_EQ(est.find(2)->last_epoch_block, 1000U);
    // subnet 2 is no longer due, so only subnet 3 waits behind subnet 1
    EXPECT_EQ(xcb::epochs_deferred_this_block(est, est.block), std::vector<u64>{3});
    EXPECT_EQ(cb::epochs_deferred_this_block(st, st.block), std::vector<u64>{3});
}
