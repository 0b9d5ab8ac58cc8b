// Pins of spec/findings.md, the launch-era pool and stake findings: one test per finding,
// each reproducing the finding's minimal counterexample in the chain model and the exact
// model's value where the finding contrasts them. The coinbase, drain, EMA and emission
// findings are in findings_test.cpp.
// Rules: POOL-003 POOL-004 POOL-005 STAKE-001 STAKE-003 STAKE-005 STAKE-007
//        STAKE-008 STAKE-009 (and RSET-015 behaviourally)
//
// Every expected value below is derived in the comment above its assertion
// from the chain source the finding cites, not copied from the reference's
// output. Notation: bits(v) are the raw bits of a fixed-point value (I96F32:
// v·2^32, I110F18: v·2^18); ⌊·⌋ is the chain's truncation of a non-negative
// value to u64 (`saturating_to_num::<u64>()` / `tou64!`).
#include "dtao/pool.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/stake.hpp"
#include "findings_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

using namespace dtao;
using namespace dtao::test::findings;
using dtao::test::big;
using dtao::test::pow2;
using fixed::I110F18;

// ---------------------------------------------------------------- F-003

/// @rule STAKE-005
/// Pins F-003 (spec/findings.md)
TEST(findings, f003_max_amount_add_truncated_price_guard)
{
    // x = 5·10^8, y = 10^9: price bits ⌊5·10^8·2^32 / 10^9⌋ = 2^31 (0.5),
    // truncated to the integer 0 before the guard.
    const Subnet s = dyn(1, 500'000'000, 1'000'000'000);
    EXPECT_EQ(chain::alpha_price(s).bits, i128{1} << 31);
    EXPECT_EQ(chain::alpha_price(s).saturating_to_u64(), 0u);
    const ExactSubnet se = exact_of(s);
    // L = 4·10^8 (0.4 < 0.5): guard 4·10^8 < 0·10^9 is false → no rejection;
    // result = sat_sub(⌊4·10^8·10^9 / 10^9⌋, 5·10^8) = sat_sub(4·10^8, 5·10^8) = 0.
    // Unsaturated, the same difference is negative: the saturation is the protection.
    EXPECT_LT(Int(400'000'000) * Int(1'000'000'000) / Int(1'000'000'000) - Int(500'000'000), 0);
    EXPECT_EQ(chain::max_amount_add(s, 400'000'000), 0u);
    EXPECT_EQ(exact::max_amount_add(se, 400'000'000), 0);
    // L = 6·10^8: ⌊6·10^8·10^9/10^9⌋ − 5·10^8 = 10^8; exact 0.6·10^9 − 5·10^8 = 10^8.
    EXPECT_EQ(chain::max_amount_add(s, 600'000'000), 100'000'000u);
    EXPECT_EQ(exact::max_amount_add(se, 600'000'000), 100'000'000);
    // p ≥ 1: x = 150·10^9, y = 100·10^9 (p = 1.5, integer part 1). L = 1 499 999 999
    // passes the guard (1 499 999 999 < 1·10^9 is false); result =
    // sat_sub(⌊1 499 999 999·10^11 / 10^9⌋ = 149 999 999 900, 150·10^9) = 0.
    const Subnet p = dyn(1, 150'000'000'000, 100'000'000'000);
    EXPECT_EQ(chain::alpha_price(p).saturating_to_u64(), 1u);
    EXPECT_EQ(chain::max_amount_add(p, 1'499'999'999), 0u);
    EXPECT_EQ(exact::max_amount_add(exact_of(p), 1'499'999'999), 0);
}

// ---------------------------------------------------------------- F-008

/// @rule POOL-003 POOL-004
/// Pins F-008 (spec/findings.md)
TEST(findings, f008_k_saturates_above_2_pow_109)
{
    // Real supply does not saturate: x = y = 2.1·10^16 → bits(k) = (2.1·10^16)^2·2^18
    // = 115 605 504 000 000 000 000 000 000 000 000 000 000 < 2^127 − 1.
    const u64 sup = TOTAL_SUPPLY;
    const auto real = chain::sim_swap_tao_for_alpha(dyn(1, sup, sup), 1'000'000'000);
    ASSERT_TRUE(real.ok());
    EXPECT_EQ(big(real->k.bits), Int("115605504000000000000000000000000000000"));
    EXPECT_LT(big(real->k.bits), pow2(127) - 1);

    // x = y = τ = 2^56: bits(k) = 2^56·2^56·2^18 = 2^130 ≥ 2^127 → k = I110F18::MAX (2^127 − 1).
    // bits(y') = ⌊(2^127 − 1)·2^18 / (2^57·2^18)⌋ = 2^70 − 1 = 1 180 591 620 717 411 303 423;
    // out = ⌊(2^74 − (2^70 − 1)) / 2^18⌋ = 2^56 − 2^52 = 67 553 994 410 557 440.
    // Exact: y·τ/(x + τ) = 2^56·2^56 / 2^57 = 2^55 = 36 028 797 018 963 968.
    const u64 p56 = u64{1} << 56;
    const Subnet a = dyn(1, p56, p56);
    for (bool buy : {true, false}) {
        const auto q = buy ? chain::sim_swap_tao_for_alpha(a, p56) : chain::sim_swap_alpha_for_tao(a, p56);
        ASSERT_TRUE(q.ok());
        EXPECT_EQ(q->k, I110F18::max());
        EXPECT_EQ(big(q->new_reserve.bits), Int("1180591620717411303423"));
        EXPECT_EQ(big(q->new_reserve.bits), pow2(70) - 1);
        EXPECT_EQ(q->amount_out, 67'553'994'410'557'440u);
        EXPECT_EQ(q->amount_out, p56 - (u64{1} << 52));
    }
    EXPECT_EQ(exact::sim_swap_tao_for_alpha(exact_of(a), Rational(p56))->amount_out, Rational(u64{1} << 55));
    EXPECT_EQ(u64{1} << 55, 36'028'797'018'963'968u);

    // x = y = τ = 2^55: bits(k) = 2^128 saturates; bits(y') = ⌊(2^127 − 1)/2^56⌋ = 2^71 − 1;
    // out = ⌊(2^73 − 2^71 + 1)/2^18⌋ = 2^55 − 2^53 = 27 021 597 764 222 976; exact 2^54.
    const u64 p55 = u64{1} << 55;
    const auto b = chain::sim_swap_tao_for_alpha(dyn(1, p55, p55), p55);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->k, I110F18::max());
    EXPECT_EQ(b->amount_out, 27'021'597'764'222'976u);
    EXPECT_EQ(exact::sim_swap_tao_for_alpha(exact_of(dyn(1, p55, p55)), Rational(p55))->amount_out,
              Rational(18'014'398'509'481'984ULL));
}

// ---------------------------------------------------------------- F-011

/// @rule STAKE-001 STAKE-005 STAKE-007
/// Pins F-011 (spec/findings.md)
TEST(findings, f011_limit_order_validates_requested_amount)
{
    // x = 150·10^9, y = 100·10^9, L = 1 500 000 001, amount 10^9, partial fill.
    // max = sat_sub(⌊1 500 000 001·10^11 / 10^9⌋, 150·10^9) = 150 000 000 100 − 150·10^9 = 100.
    // Validation of 10^9 passes (≥ 550 000; partial; the 10^9 swap is liquid).
    // stake_into_subnet(100, 50 000): swapped sat_sub(100, 50 000) = 0, alpha 0
    // (y − k/x = 0), fee = 100 − 0 = 100 into SubnetTAO: 150 000 000 100.
    Subnet s = dyn(1, 150'000'000'000, 100'000'000'000);
    EXPECT_EQ(chain::max_amount_add(s, 1'500'000'001), 100u);
    u64 ts = 150'000'000'000;
    const auto r = chain::add_stake(s, ts, 1'000'000'000, 1'500'000'001, Fill::partial);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->tao_staked, 0u);
    EXPECT_EQ(r->alpha, 0u);
    EXPECT_EQ(r->fee, 100u);
    EXPECT_EQ(s.subnet_tao, 150'000'000'100u);
    EXPECT_EQ(s.subnet_alpha_in, 100'000'000'000u);
    EXPECT_EQ(ts, 150'000'000'100u);
    // exact model: max = 1.500000001·10^11 − 1.5·10^11 = 100 as well; same outcome.
    ExactSubnet e = exact_of(dyn(1, 150'000'000'000, 100'000'000'000));
    Rational ets = 150'000'000'000;
    const auto er = exact::add_stake(e, ets, 1'000'000'000, 1'500'000'001, Fill::partial);
    ASSERT_TRUE(er.ok());
    EXPECT_EQ(er->alpha, 0);
    EXPECT_EQ(er->fee, 100);
}

// ---------------------------------------------------------------- F-012

/// @rule STAKE-008 STAKE-009 RSET-015
/// Pins F-012 (spec/findings.md)
TEST(findings, f012_partial_unstake_fee_on_full_request)
{
    // x = y = 10^15, L = 999 999 999, request 10^15 alpha, partial fill, no dividends.
    // max = ⌊10^15·10^9 / 999 999 999⌋ − 10^15 = 1 000 001 000 000 − 10^15 = 1 000 000.
    // TAO out of 10^6 alpha: o = 10^15·10^6/(10^15 + 10^6) = 999 999.000000999…; frac(o) < 1 − 2^−18
    //   so out = ⌊o⌋ = 999 999 (POOL-004, F-015).
    // v2.0.9 fee: bits(0.00005) = RNE(214 748.3648) = 214 748; ⌊10^15·214 748 / 2^32⌋ = 49 999 915 063
    //   ≥ 50 000 → the whole 999 999 is kept, 0 paid.
    // v2.0.8 (no floor, no dividends): fee 50 000, 999 999 − 50 000 = 949 999 paid.
    const u64 P = 1'000'000'000'000'000;
    ASSERT_EQ(Int(P) * Int(214'748) >> 32, Int(49'999'915'063));
    EXPECT_EQ(chain::max_amount_remove(dyn(1, P, P), 999'999'999), 1'000'000u);
    EXPECT_EQ(chain::unstake_fee(V2_0_9, dyn(1, P, P), P, {}), 49'999'915'063u);
    {
        Subnet s = dyn(1, P, P, P);
        u64 ts = P;
        const auto r = chain::remove_stake(V2_0_9, s, ts, P, 999'999'999, Fill::partial);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->tao, 999'999u);
        EXPECT_EQ(r->fee, 999'999u);
        EXPECT_EQ(r->tao_unstaked, 0u);
        EXPECT_EQ(s.subnet_alpha_in, P + 1'000'000);
    }
    {
        Subnet s = dyn(1, P, P, P);
        u64 ts = P;
        const auto r = chain::remove_stake(V2_0_8, s, ts, P, 999'999'999, Fill::partial);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->fee, 50'000u);
        EXPECT_EQ(r->tao_unstaked, 949'999u);
    }
    // exact model: fee 10^15·5/10^5 = 5·10^10 (chain 49 999 915 063): everything kept too.
    ExactSubnet e = exact_of(dyn(1, P, P, P));
    Rational ets = P;
    const auto er = exact::remove_stake(V2_0_9, e, ets, P, 999'999'999, Fill::partial);
    ASSERT_TRUE(er.ok());
    EXPECT_EQ(exact::unstake_fee(V2_0_9, exact_of(dyn(1, P, P)), Rational(P), {}), 50'000'000'000);
    EXPECT_EQ(er->tao_unstaked, 0);
}

// ---------------------------------------------------------------- F-015

/// @rule POOL-003 POOL-004 POOL-005
/// Pins F-015 (spec/findings.md)
TEST(findings, f015_chain_swap_pays_one_more_than_exact)
{
    // x = y = d = 2^24 − 1, buy with 1 rao. I110F18:
    //   bits(k)  = d·d·2^18 (< 2^127, no saturation)
    //   bits(y') = ⌊d²·2^18 / 2^24⌋ = ⌊(2^48 − 2^25 + 1)/2^6⌋ = 2^42 − 2^19   (the +1/64 truncated away)
    //   bits(y)  = d·2^18 = 2^42 − 2^18
    //   y − y'   = 2^19 − 2^18 = 2^18 bits = 1.0 → out = 1.
    // Exact: o = y·1/(x + 1) = (2^24 − 1)/2^24 ≈ 0.99999994, ⌊o⌋ = 0; frac(o) = 1 − 2^−24 > 1 − 2^−18.
    const u64 d = (u64{1} << 24) - 1;
    const Subnet s = dyn(1, d, d);
    const auto q = chain::sim_swap_tao_for_alpha(s, 1);
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(big(q->k.bits), Int(d) * Int(d) * pow2(18));
    EXPECT_EQ(big(q->new_reserve.bits), pow2(42) - pow2(19));
    EXPECT_EQ(q->amount_out, 1u);
    const auto eq = exact::sim_swap_tao_for_alpha(exact_of(s), 1);
    ASSERT_TRUE(eq.ok());
    EXPECT_EQ(eq->amount_out, Rational(d, d + 1));
    EXPECT_EQ(floor(eq->amount_out), 0);
    EXPECT_GT(eq->amount_out, Rational(1) - Rational(1, pow2(18)));
    // The same on the sell side (POOL-004 is symmetric): 1 alpha into x = y = d pays 1 rao.
    EXPECT_EQ(chain::sim_swap_alpha_for_tao(s, 1)->amount_out, 1u);

    // k decreases: x·y = (2^24 − 1)² = 2^48 − 2^25 + 1 = 281 474 943 156 225 before;
    // (x + 1)·(y − 1) = 2^24·(2^24 − 2) = 2^48 − 2^25 = 281 474 943 156 224 after: 1 less.
    Subnet after = s;
    u64 ts = 0;
    EXPECT_EQ(chain::swap_tao_for_alpha(after, ts, 1), 1u);
    EXPECT_EQ(after.subnet_tao, u64{1} << 24);
    EXPECT_EQ(after.subnet_alpha_in, (u64{1} << 24) - 2);
    const Int k_before = Int(s.subnet_tao) * Int(s.subnet_alpha_in);
    const Int k_after = Int(after.subnet_tao) * Int(after.subnet_alpha_in);
    EXPECT_EQ(k_before, Int("281474943156225"));
    EXPECT_EQ(k_after, Int("281474943156224"));
    EXPECT_EQ(k_before - k_after, 1);
    // exact model: (x + 1)·(y − o) = 2^24·(d − d/2^24) = d·2^24 − d = d² — k is preserved.
    ExactSubnet e = exact_of(s);
    Rational ets = 0;
    exact::swap_tao_for_alpha(e, ets, 1);
    EXPECT_EQ(e.subnet_tao * e.subnet_alpha_in, Rational(k_before));
}

// ---------------------------------------------------------------- F-025

/// @rule STAKE-003 STAKE-007 POOL-003
/// Pins F-025 (spec/findings.md): a stake that buys no alpha is accepted and
/// its TAO stays in the pool. x = 2·10^16, y = 10^9 (price 2·10^7 TAO per
/// alpha); stake 10^6 rao: ≥ 550 000 and the simulation is Some(0), so it
/// validates. tao_staked = 10^6 − 50 000 = 950 000; exact out =
/// 10^9·950 000/(2·10^16 + 950 000) ≈ 0.0475; in I110F18 bits y − y' =
/// ⌈2^18·0.0475⌉ = 12 452 < 2^18, so the chain pays ⌊12 452/2^18⌋ = 0 alpha.
/// The staker is credited nothing; SubnetTAO grows by the whole 10^6.
TEST(findings, f025_stake_buying_zero_alpha_is_accepted)
{
    Subnet s = test::dyn(20'000'000'000'000'000, 1'000'000'000);
    u64 total_stake = 0;
    const auto r = chain::add_stake(s, total_stake, 1'000'000, std::nullopt, Fill::whole);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->tao_staked, 950'000u);
    EXPECT_EQ(r->alpha, 0u);
    EXPECT_EQ(r->fee, 50'000u);
    EXPECT_EQ(s.subnet_tao, 20'000'000'001'000'000u);
    EXPECT_EQ(s.subnet_alpha_in, 1'000'000'000u);
    EXPECT_EQ(total_stake, 1'000'000u);
    const auto q = exact::sim_swap_tao_for_alpha(
        to_exact(ChainState{.subnets = {test::dyn(20'000'000'000'000'000, 1'000'000'000)}}).subnets[0],
        Rational(950'000));
    ASSERT_TRUE(q.ok());
    EXPECT_GT(q->amount_out, 0);
    EXPECT_LT(q->amount_out, Rational(1, 20));
}
