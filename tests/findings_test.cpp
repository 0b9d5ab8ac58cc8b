// Pins of spec/findings.md, the launch-era coinbase, drain, EMA and emission findings: one
// test per finding, each reproducing the finding's minimal counterexample in the chain model
// (and, where the finding contrasts them, the exact model's differing value). The pool and
// stake findings are in findings_pool_stake_test.cpp.
// Rules: COIN-004 COIN-005 COIN-006 COIN-008 DRAIN-004 DRAIN-005 DRAIN-006
//        DRAIN-007 EMA-002 EMIS-001 FIX-010 POOL-006 (and RSET-003 RSET-004
//        RSET-008 RSET-009 behaviourally)
//
// Every expected value below is derived in the comment above its assertion
// from the chain source the finding cites, not copied from the reference's
// output. Notation: bits(v) are the raw bits of a fixed-point value (I96F32:
// v·2^32, I110F18: v·2^18); ⌊·⌋ is the chain's truncation of a non-negative
// value to u64 (`saturating_to_num::<u64>()` / `tou64!`).
#include "dtao/coinbase.hpp"
#include "dtao/drain.hpp"
#include "dtao/ema.hpp"
#include "dtao/emission.hpp"
#include "dtao/pool.hpp"
#include "dtao/ruleset.hpp"
#include "findings_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

using namespace dtao;
using namespace dtao::test::findings;
using dtao::test::big;
using dtao::test::pow2;
using dtao::test::root_subnet;
using fixed::I96F32;

namespace {

I96F32 num(u64 v) { return I96F32::saturating_from_u64(v); }

/// A chain state at a block where no subnet with netuid ≥ 1 and tempo 360 runs
/// its epoch: blocks_until_next_epoch = 360 − (1000 + netuid + 1) mod 361 ≠ 0 for
/// netuid ≤ 3 (EPOCH-001), so the pending amounts stay readable.
ChainState state_of(std::vector<Subnet> subnets, u64 owner_cut = 0)
{
    ChainState st;
    st.block = 1'000;
    st.subnet_owner_cut = owner_cut;
    st.subnets = std::move(subnets);
    return st;
}

const Int S = Int(TOTAL_SUPPLY);

/// The exact threshold of halving n, ⌈S·(1 − 2^−n)⌉ (EMIS-001).
Int exact_threshold(unsigned n) { return ceil_div(S * (pow2(n) - 1), pow2(n)); }

}  // namespace

// ---------------------------------------------------------------- F-001

/// @rule COIN-004 COIN-006
/// Pins F-001 (spec/findings.md)
TEST(findings, f001_tao_rounding_dust_never_minted)
{
    // Three emitting subnets, moving price 1 each (Σ = 3, bits 3·2^32), E = 10^9.
    // tao_in_i = (E·1).checked_div(3): bits ⌊10^9·2^32·2^32 / (3·2^32)⌋
    //          = ⌊4 294 967 296 000 000 000 / 3⌋ = 1 431 655 765 333 333 333,
    // ⌊tao_in_i⌋ = ⌊1 431 655 765 333 333 333 / 2^32⌋ = 333 333 333; Σ = 999 999 999.
    // Pools x = y = 10^12 (price 1), registration allowed: COIN-005 never zeroes.
    const Int tao_in_bits = (Int(1'000'000'000) << 64) / (Int(3) << 32);
    ASSERT_EQ(tao_in_bits, Int("1431655765333333333"));
    ASSERT_EQ(tao_in_bits >> 32, Int(333'333'333));
    const u64 E = 1'000'000'000;
    for (const Ruleset& r : LAUNCH_RULESETS) {
        ChainState st =
            state_of({dyn(1, 1'000'000'000'000, 1'000'000'000'000), dyn(2, 1'000'000'000'000, 1'000'000'000'000),
                      dyn(3, 1'000'000'000'000, 1'000'000'000'000)});
        const ExactChainState est0 = to_exact(st);
        const auto res = chain::run_coinbase(r, st, num(E));
        ASSERT_EQ(res.emissions.size(), 3u) << r.id;
        for (const auto& e : res.emissions) {
            EXPECT_EQ(big(e.tao_in.bits), tao_in_bits) << r.id;
        }
        for (u64 n : {1, 2, 3}) {
            EXPECT_EQ(st.find(n)->subnet_tao_in_emission, 333'333'333u) << r.id;
        }
        // TotalIssuance grows by 999 999 999: one rao less than E.
        EXPECT_EQ(st.total_issuance, 999'999'999u) << r.id;
        EXPECT_EQ(st.total_stake, 999'999'999u) << r.id;
        // exact model: tao_in_i = 10^9/3, Σ = 10^9 = E exactly.
        ExactChainState est = est0;
        exact::run_coinbase(r, est, Rational(E));
        EXPECT_EQ(est.find(1)->subnet_tao_in_emission, Rational(1'000'000'000, 3)) << r.id;
        EXPECT_EQ(est.total_issuance, Rational(E)) << r.id;
    }
}

// ---------------------------------------------------------------- F-002

/// @rule DRAIN-004 DRAIN-005 COIN-008
/// Pins F-002 (spec/findings.md)
TEST(findings, f002_root_tao_lost_without_root_stake)
{
    // One hotkey, alpha stake 10^9, root stake 0, epoch dividend 1000;
    // pending_alpha 1000, pending_tao 500.
    // DRAIN-004: root_alpha = 0·tao_weight = 0, root_prop = 0/10^9 = 0,
    // root_divs = 1000·0 = 0, so total_root_divs = 0.
    // DRAIN-005: share = 0.checked_div(0) = None → 0; TAO = 500·0 = 0.
    DrainInput in;
    in.pending_alpha = 1'000;
    in.pending_tao = 500;
    in.hotkeys["v"] = HotkeyInfo{.owner = "c", .alpha_stake = 1'000'000'000, .root_stake = 0};
    in.epoch = {{"v", 0, 1'000}};
    const auto r = drain_pending_emission<ChainModel>(V2_0_4, in);
    EXPECT_EQ(r.total_root_divs, I96F32::zero());
    EXPECT_EQ(r.tao_paid, 0u);
    EXPECT_EQ(r.payouts.at("v").tao_take + r.payouts.at("v").tao_dividend, 0u);
    // alpha dividend = 1000 − root_divs 0 = 1000: only the TAO is lost.
    EXPECT_EQ(r.payouts.at("v").alpha_dividend, 1'000u);
    // The exact model has the same rule (0/0 has no share): the 500 rao are lost too.
    const auto e = drain_pending_emission<ExactModel>(V2_0_4, in);
    EXPECT_EQ(e.tao_paid, 0);
    // every ruleset: no TAO credited
    for (const Ruleset& rs : LAUNCH_RULESETS) {
        EXPECT_EQ(drain_pending_emission<ChainModel>(rs, in).tao_paid, 0u) << rs.id;
    }
}

// ---------------------------------------------------------------- F-004

/// @rule COIN-004 COIN-006
/// Pins F-004 (spec/findings.md)
TEST(findings, f004_alpha_in_cap_keeps_tao_in)
{
    // v2.0.4; x = 1000, y = 10^9: price bits ⌊1000·2^32 / 10^9⌋ = ⌊4294.967296⌋ = 4294.
    // Moving price 1 (Σ = 1), E = 10^9 → tao_in = 10^9. α emission for alpha
    // issuance 10^9 (k = 0) = 10^9. tao_in / price ≈ 10^15 > 10^9 → alpha_in = 10^9.
    // No root subnet (root_tao 0 → root_alpha 0, the sell of 0 changes nothing),
    // owner cut 0. After injection x = 1000 + 10^9 = 1 000 001 000, y = 2·10^9;
    // price bits ⌊1 000 001 000·2^32 / (2·10^9)⌋ = ⌊2 147 485 795.48…⌋ = 2 147 485 795.
    ChainState st = state_of({dyn(1, 1'000, 1'000'000'000)});
    const ExactChainState est0 = to_exact(st);
    const auto res = chain::run_coinbase(V2_0_4, st, num(1'000'000'000));
    EXPECT_EQ(res.emissions[0].price.bits, 4294);
    EXPECT_EQ(res.emissions[0].tao_in, num(1'000'000'000));
    EXPECT_EQ(res.emissions[0].alpha_in, num(1'000'000'000));
    const Subnet& s = *st.find(1);
    EXPECT_EQ(s.subnet_tao, 1'000'001'000u);
    EXPECT_EQ(s.subnet_alpha_in, 2'000'000'000u);
    EXPECT_EQ(chain::alpha_price(s).bits, 2'147'485'795);
    EXPECT_EQ(big(chain::alpha_price(s).bits), (Int(1'000'001'000) << 32) / Int(2'000'000'000));
    // A price-preserving injection would add α_emission·p = 10^9·4294/2^32 ≈ 1000 rao of TAO.
    EXPECT_EQ((Int(1'000'000'000) * 4294) >> 32, 999);
    // exact model: price 10^−6, tao_in/price = 10^15 > 10^9: the same cap, the same jump.
    ExactChainState est = est0;
    exact::run_coinbase(V2_0_4, est, Rational(1'000'000'000));
    EXPECT_EQ(est.find(1)->subnet_tao, 1'000'001'000);
    EXPECT_EQ(est.find(1)->subnet_alpha_in, 2'000'000'000);
}

// ---------------------------------------------------------------- F-005

/// @rule COIN-005 RSET-003
/// Pins F-005 (spec/findings.md)
TEST(findings, f005_registration_rule_inverted_before_v2_0_2)
{
    // x = y = 10^12 (price 1), moving price 1, E = 10^9 → tao_in = 10^9 before COIN-005;
    // alpha_in = min(10^9 / 1, α emission 10^9) = 10^9 in every case.
    // v2.0.0/v2.0.1 zero when !reg && pow; v2.0.2+ when !reg && !pow.
    auto tao_in = [](const Ruleset& r, bool pow, u64* alpha_in) {
        Subnet s = dyn(1, 1'000'000'000'000, 1'000'000'000'000);
        s.network_registration_allowed = false;
        s.network_pow_registration_allowed = pow;
        ChainState st = state_of({s});
        chain::run_coinbase(r, st, num(1'000'000'000));
        *alpha_in = st.find(1)->subnet_alpha_in_emission;
        return st.find(1)->subnet_tao_in_emission;
    };
    for (const Ruleset& r : LAUNCH_RULESETS) {
        const bool buggy = !r.registration_off_needs_pow_off;
        EXPECT_EQ(buggy, r.id == "v2.0.0" || r.id == "v2.0.1") << r.id;
        u64 a_off = 0, a_on = 0;
        const u64 off_off = tao_in(r, false, &a_off);  // (reg, pow) = (off, off)
        const u64 off_on = tao_in(r, true, &a_on);     // (reg, pow) = (off, on)
        EXPECT_EQ(off_off, buggy ? 1'000'000'000u : 0u) << r.id;
        EXPECT_EQ(off_on, buggy ? 0u : 1'000'000'000u) << r.id;
        EXPECT_EQ(a_off, 1'000'000'000u) << r.id;
        EXPECT_EQ(a_on, 1'000'000'000u) << r.id;
    }
}

// ---------------------------------------------------------------- F-006

/// @rule EMA-002 RSET-009
/// Pins F-006 (spec/findings.md)
TEST(findings, f006_unset_first_emission_block_counts_from_zero)
{
    // v2.0.10, block 201 600, h = 201 600, A = bits 12 885.
    // FEB unset: b = 201 600 − sat_sub(0, 1) = 201 600; b.safe_div(b + h) =
    // bits ⌊201 600·2^32 / 403 200⌋ = 2^31 (½); α = bits ⌊12 885·2^31 / 2^32⌋ = ⌊6 442.5⌋ = 6 442.
    // FEB = 201 601 (start_call in block 201 600): b = 201 600 − 201 600 = 0 → α = 0.
    const I96F32 A = I96F32::from_bits(12'885);
    Subnet s = dyn(1, 1'000'000'000, 1'000'000'000);
    s.ema_price_halving_blocks = 201'600;
    s.first_emission_block_number.reset();
    auto u = chain::moving_alpha(V2_0_10, s, 201'600, A);
    EXPECT_EQ(u.blocks_since, 201'600u);
    EXPECT_EQ(u.alpha.bits, 6'442);
    // FEB = 0 and FEB = 1 also give start block 0 (sat_sub(0,1) = sat_sub(1,1) = 0).
    for (u64 feb : {0, 1}) {
        s.first_emission_block_number = feb;
        EXPECT_EQ(chain::moving_alpha(V2_0_10, s, 201'600, A).alpha.bits, 6'442) << feb;
    }
    s.first_emission_block_number = 201'601;
    u = chain::moving_alpha(V2_0_10, s, 201'600, A);
    EXPECT_EQ(u.blocks_since, 0u);
    EXPECT_EQ(u.alpha, I96F32::zero());
    // exact model: α = (12 885/2^32)·½ = 12 885/2^33 with FEB unset, 0 with FEB 201 601.
    ExactSubnet e = exact_of(s);
    e.first_emission_block_number.reset();
    EXPECT_EQ(exact::moving_alpha(V2_0_10, e, 201'600, Rational(12'885, pow2(32))).alpha, Rational(12'885, pow2(33)));
    e.first_emission_block_number = 201'601;
    EXPECT_EQ(exact::moving_alpha(V2_0_10, e, 201'600, Rational(12'885, pow2(32))).alpha, 0);
}

// ---------------------------------------------------------------- F-007

namespace {

/// F-007's drain: one hotkey, alpha 10^9 and root 10^9, TaoWeight u64::MAX,
/// dividend 1000, pending_tao 700.
DrainInput f007_drain()
{
    DrainInput in;
    in.tao_weight = U64_MAX;
    in.pending_alpha = 1'000;
    in.pending_tao = 700;
    in.hotkeys["v"] = HotkeyInfo{.owner = "c", .alpha_stake = 1'000'000'000, .root_stake = 1'000'000'000};
    in.epoch = {{"v", 0, 1'000}};
    return in;
}

}  // namespace

/// @rule DRAIN-004 DRAIN-005 RSET-004
/// Pins F-007 (spec/findings.md)
TEST(findings, f007_alpha_dividends_double_count_root_before_v2_0_4)
{
    // tao_weight = I96F32(u64::MAX).safe_div(I96F32(u64::MAX)) = 1 (bits 2^32).
    // root_alpha = 10^9·1; total = 2·10^9; root_prop = bits ⌊10^9·2^32 / (2·10^9)⌋ = 2^31;
    // root_divs = 1000·½ = 500 = total_root_divs; TAO = 700·(500/500) = 700.
    // v2.0.1: alpha dividend = the full 1000; v2.0.4: 1000 − 500 = 500.
    const DrainInput in = f007_drain();
    const auto old = drain_pending_emission<ChainModel>(V2_0_1, in);
    EXPECT_EQ(old.payouts.at("v").alpha_dividend, 1'000u);
    EXPECT_EQ(old.payouts.at("v").tao_dividend, 700u);
    const auto fixed_r = drain_pending_emission<ChainModel>(V2_0_4, in);
    EXPECT_EQ(fixed_r.payouts.at("v").alpha_dividend, 500u);
    EXPECT_EQ(fixed_r.payouts.at("v").tao_dividend, 700u);
    for (const Ruleset& r : LAUNCH_RULESETS) {
        if (r.drain_validator_alpha_from_pending)
            continue;  // v2.0.9+ pay validators from pending alpha (DRAIN-006)
        const u64 want = r.alpha_dividends_exclude_root ? 500u : 1'000u;
        EXPECT_EQ(drain_pending_emission<ChainModel>(r, in).payouts.at("v").alpha_dividend, want) << r.id;
    }
}

// ---------------------------------------------------------------- F-009

/// @rule FIX-010 EMIS-001
/// Pins F-009 (spec/findings.md)
TEST(findings, f009_log2_rounds_up_but_not_in_emission)
{
    // FIX-010: x = 4 − 2^−32 (bits 2^34 − 1). rs(x) = bits ⌈(2^34 − 1)/2⌉ = 2^33 (2.0),
    // one more halving gives 1.0: integer part 2, fraction loop skipped → bits 2·2^32 = 2^33,
    // though ⌊log2 x⌋ = 1.
    const auto l = chain::log2(I96F32::from_bits((i128{1} << 34) - 1));
    ASSERT_TRUE(l.has_value());
    EXPECT_EQ(l->bits, i128{1} << 33);
    // EMIS-001: the chain's switch points equal the exact thresholds ⌈S(1 − 2^−k)⌉:
    // k = 1 at 10 500 000 000 000 000, k = 29 at ⌈S − S/2^29⌉ = ⌈20 999 999 960 884 451.87⌉
    // = 20 999 999 960 884 452. No early count one rao below either.
    EXPECT_EQ(exact_threshold(1), Int("10500000000000000"));
    EXPECT_EQ(exact_threshold(29), Int("20999999960884452"));
    for (unsigned k : {1u, 29u}) {
        const u64 t = to_u64_checked(exact_threshold(k));
        EXPECT_EQ(chain::block_emission(t - 1)->halvings, k - 1) << k;
        EXPECT_EQ(chain::block_emission(t)->halvings, k) << k;
        EXPECT_EQ(exact::block_emission(Rational(t - 1)).halvings, k - 1) << k;
        EXPECT_EQ(exact::block_emission(Rational(t)).halvings, k) << k;
    }
}

// ---------------------------------------------------------------- F-010

/// @rule COIN-008 DRAIN-006
/// Pins F-010 (spec/findings.md)
TEST(findings, f010_pending_swapped_grows_when_root_sell_fails)
{
    // v2.0.4 coinbase: SubnetTAO[0] = 10^12, TaoWeight = launch value, x = 10^7, y = 10^9,
    // AlphaOut 0, moving price 1, owner cut 0, E = 0.
    // tao_in = 0 → alpha_in = min(0/price, 10^9) = 0; alpha_out = α emission(10^9) = 10^9.
    // tao_weight bits = ⌊3 320 413 933 267 719 290·2^32 / u64::MAX⌋ = 773 094 113;
    // weighted root bits = 10^12·773 094 113; alpha issuance = 2·10^9 (bits 2·10^9·2^32);
    // root_prop bits = ⌊773 094 113·10^12·2^32 / (773 094 113·10^12 + 2·10^9·2^32)⌋ = 4 247 769 853;
    // root_alpha bits = ⌊4 247 769 853·10^9 · 2^31 / 2^32⌋ = 2 123 884 926 500 000 000
    //   → ⌊·/2^32⌋ = 494 505 494;
    // pending bits = 10^9·2^32 − 2 123 884 926 500 000 000 → ⌊·/2^32⌋ = 505 494 505.
    // The sale of 494 505 494 alpha: x' = 10^7·10^9/(10^9 + 494 505 494) < 10^7 → fails, τ = 0.
    const Int tw = (Int(LAUNCH_TAO_WEIGHT) << 32) / Int(U64_MAX);
    ASSERT_EQ(tw, 773'094'113);
    const Int wr = Int(1'000'000'000'000) * tw;
    const Int prop = (wr << 32) / (wr + (Int(2'000'000'000) << 32));
    ASSERT_EQ(prop, Int(4'247'769'853));
    const Int root_alpha_bits = (prop * Int(1'000'000'000) * pow2(31)) >> 32;
    ASSERT_EQ(root_alpha_bits, Int("2123884926500000000"));
    ASSERT_EQ(root_alpha_bits >> 32, 494'505'494);
    ASSERT_EQ(((Int(1'000'000'000) << 32) - root_alpha_bits) >> 32, 505'494'505);

    ChainState st = state_of({root_subnet(1'000'000'000'000), dyn(1, 10'000'000, 1'000'000'000)});
    st.tao_weight = LAUNCH_TAO_WEIGHT;
    const auto res = chain::run_coinbase(V2_0_4, st, num(0));
    ASSERT_EQ(res.emissions.size(), 1u);
    EXPECT_EQ(res.emissions[0].root_proportion.bits, 4'247'769'853);
    EXPECT_EQ(res.emissions[0].root_tao, 0u);
    const Subnet& s = *st.find(1);
    EXPECT_EQ(s.pending_alpha_swapped, 494'505'494u);
    EXPECT_EQ(s.pending_emission, 505'494'505u);
    EXPECT_EQ(s.pending_root_divs, 0u);
    EXPECT_EQ(s.subnet_tao, 10'000'000u);  // the sale did not happen
    EXPECT_EQ(s.subnet_alpha_in, 1'000'000'000u);
    EXPECT_EQ(s.subnet_alpha_out, 1'000'000'000u);  // the "sold" alpha is still outstanding

    // v2.0.9 drain of these amounts. Epoch: miner incentive 5·10^8; validator
    // dividend 5·10^8 with alpha stake 10^9 and root stake 10^9.
    // pending validator alpha = ⌊(505 494 505 + 494 505 494)/2⌋ − 494 505 494
    //   = 499 999 999 − 494 505 494 = 5 494 505, all to the only validator (share 1).
    // Alpha credited 5·10^8 + 5 494 505 = 505 494 505; TAO 0; of the epoch's
    // 999 999 999, the 494 505 494 "swapped" alpha is credited to nobody.
    DrainInput in;
    in.tao_weight = LAUNCH_TAO_WEIGHT;
    in.pending_alpha = s.pending_emission;
    in.pending_tao = s.pending_root_divs;
    in.pending_swapped = s.pending_alpha_swapped;
    in.hotkeys["val"] = HotkeyInfo{.owner = "c", .alpha_stake = 1'000'000'000, .root_stake = 1'000'000'000};
    in.epoch = {{"miner", 500'000'000, 0}, {"val", 0, 500'000'000}};
    const auto d = drain_pending_emission<ChainModel>(V2_0_9, in);
    EXPECT_EQ(d.pending_validator_alpha, 5'494'505u);
    EXPECT_EQ(d.payouts.at("miner").incentive, 500'000'000u);
    EXPECT_EQ(d.payouts.at("val").alpha_take + d.payouts.at("val").alpha_dividend, 5'494'505u);
    EXPECT_EQ(d.alpha_paid, 505'494'505u);
    EXPECT_EQ(d.tao_paid, 0u);
    EXPECT_EQ(in.pending_alpha + in.pending_swapped - d.alpha_paid, 494'505'494u);
}

// ---------------------------------------------------------------- F-013

/// @rule COIN-004 COIN-005
/// Pins F-013 (spec/findings.md)
TEST(findings, f013_registration_disabled_subnet_gets_alpha_without_tao)
{
    // v2.0.2; registration and PoW registration disabled; x = y = 10^12, moving price 1,
    // E = 10^9. alpha_in = min(10^9/1, 10^9) = 10^9 is computed before tao_in is zeroed:
    // after the coinbase x = 10^12, y = 10^12 + 10^9 = 1 001 000 000 000; TotalIssuance 0.
    Subnet s = dyn(1, 1'000'000'000'000, 1'000'000'000'000);
    s.network_registration_allowed = false;
    s.network_pow_registration_allowed = false;
    ChainState st = state_of({s});
    const ExactChainState est0 = to_exact(st);
    chain::run_coinbase(V2_0_2, st, num(1'000'000'000));
    EXPECT_EQ(st.find(1)->subnet_tao, 1'000'000'000'000u);
    EXPECT_EQ(st.find(1)->subnet_alpha_in, 1'001'000'000'000u);
    EXPECT_EQ(st.total_issuance, 0u);
    // price bits ⌊10^12·2^32 / 1 001 000 000 000⌋ < 2^32: below 1.
    EXPECT_EQ(big(chain::alpha_price(*st.find(1)).bits), (Int(1'000'000'000'000) << 32) / Int(1'001'000'000'000));
    ExactChainState est = est0;
    exact::run_coinbase(V2_0_2, est, Rational(1'000'000'000));
    EXPECT_EQ(est.find(1)->subnet_alpha_in, 1'001'000'000'000);
    EXPECT_EQ(est.total_issuance, 0);
}

// ---------------------------------------------------------------- F-014

/// @rule COIN-008 DRAIN-007 POOL-006
/// Pins F-014 (spec/findings.md)
TEST(findings, f014_root_tao_dividends_without_reserve)
{
    // The root sell (COIN-008 → POOL-006) takes τ out of SubnetTAO[n] and TotalStake.
    // Pool x = y = 10^12, sell 10^9 alpha: o = 10^12·10^9/(10^12 + 10^9) = 10^12/1001
    // = 999 000 999.000999…, frac(o) < 1 − 2^−18 → τ = 999 000 999.
    Subnet n = dyn(1, 1'000'000'000'000, 1'000'000'000'000, 1'000'000'000);
    u64 total_stake = 2'000'000'000'000;
    const u64 tau = chain::swap_alpha_for_tao(n, total_stake, 1'000'000'000);
    EXPECT_EQ(tau, 999'000'999u);
    EXPECT_EQ(n.subnet_tao, 1'000'000'000'000u - 999'000'999u);
    EXPECT_EQ(total_stake, 2'000'000'000'000u - 999'000'999u);
    // F-007's drain at v2.0.4 credits 700 rao of root stake (take 0 → tao_dividend 700).
    // The drain's only outputs are credits (DrainResult has no SubnetTAO[0] or TotalStake
    // term): SubnetTAO[0] and TotalStake are unchanged, so Σ root stake − SubnetTAO[0]
    // grows by tao_paid = 700.
    const auto r = drain_pending_emission<ChainModel>(V2_0_4, f007_drain());
    EXPECT_EQ(r.tao_paid, 700u);
    EXPECT_EQ(r.payouts.at("v").tao_take + r.payouts.at("v").tao_dividend, 700u);
    // the same in the coinbase: the root entry's SubnetTAO is read, never written.
    ChainState st = state_of({root_subnet(1'000'000'000'000), dyn(1, 1'000'000'000'000, 1'000'000'000'000)});
    st.total_stake = 3'000'000'000'000;
    st.tao_weight = U64_MAX;
    const auto res = chain::run_coinbase(V2_0_4, st, num(0));
    ASSERT_GT(res.emissions[0].root_tao, 0u);
    EXPECT_EQ(st.root_tao(), 1'000'000'000'000u);
    EXPECT_EQ(st.find(1)->subnet_tao, 1'000'000'000'000u - res.emissions[0].root_tao);
    EXPECT_EQ(st.total_stake, 3'000'000'000'000u - res.emissions[0].root_tao);
    EXPECT_EQ(st.find(1)->pending_root_divs, res.emissions[0].root_tao);
}

// ---------------------------------------------------------------- F-016

/// @rule EMIS-001 FIX-010
/// Pins F-016 (spec/findings.md)
TEST(findings, f016_halving_count_stops_at_32)
{
    // Chain: q = bits ⌊I·2^32/S⌋ ≤ 2^32 − 1 for I < S, so d = 2^32 − q ≥ 1 and
    // inv = ⌊2^64/d⌋ ≤ 2^64 (bits) = 2^32: log2's integer part is at most 32.
    // It is exactly 32 once d = 1, i.e. q = 2^32 − 1 ⇔ I ≥ ⌈S(1 − 2^−32)⌉ = 20 999 999 995 110 557
    // (S/2^32 = 4 889 443.52, S − that = …110 556.48).
    // Exact: k ≥ 33 ⇔ I ≥ ⌈S(1 − 2^−33)⌉; S/2^33 = 2 444 721.76, S − that =
    // 20 999 999 997 555 278.24 → the boundary is 20 999 999 997 555 279.
    EXPECT_EQ(exact_threshold(32), Int("20999999995110557"));
    EXPECT_EQ(exact_threshold(33), Int("20999999997555279"));
    const u64 t32 = 20'999'999'995'110'557, below = 20'999'999'997'555'278, at = 20'999'999'997'555'279;
    EXPECT_EQ(chain::block_emission(t32 - 1)->halvings, 31u);
    EXPECT_EQ(chain::block_emission(t32)->halvings, 32u);
    // the divergence boundary: both 32 at …278; at …279 the chain stays 32, exact 33
    EXPECT_EQ(chain::block_emission(below)->halvings, 32u);
    EXPECT_EQ(exact::block_emission(Rational(below)).halvings, 32u);
    EXPECT_EQ(chain::block_emission(at)->halvings, 32u);
    EXPECT_EQ(exact::block_emission(Rational(at)).halvings, 33u);
    // at S − 1: chain 32, exact ⌊log2(S/1)⌋ = ⌊log2(2.1·10^16)⌋ = 54 (2^54 ≈ 1.80·10^16 ≤ S < 2^55).
    EXPECT_LE(pow2(54), S);
    EXPECT_LT(S, pow2(55));
    EXPECT_EQ(chain::block_emission(TOTAL_SUPPLY - 1)->halvings, 32u);
    EXPECT_EQ(exact::block_emission(Rational(TOTAL_SUPPLY - 1)).halvings, 54u);
    // No whole-rao amount differs: chain emission ⌊10^9/2^32⌋ = 0 (bits of 1/2^32 = 1,
    // times 10^9 → bits 10^9 < 2^32); the exact emission 10^9/2^k is below one rao for
    // every k ≥ 30, so its floor is 0 as well.
    for (u64 i : {below, at, TOTAL_SUPPLY - 1}) {
        EXPECT_EQ(chain::block_emission(i)->emission, 0u) << i;
        EXPECT_EQ(chain::block_emission_amount(i), 0u) << i;
        const Rational ex = exact::block_emission(Rational(i)).emission;
        EXPECT_LT(ex, 1) << i;
        EXPECT_EQ(floor(ex), 0) << i;
    }
    EXPECT_EQ(exact::block_emission(Rational(at)).emission, Rational(1'000'000'000, pow2(33)));
}
