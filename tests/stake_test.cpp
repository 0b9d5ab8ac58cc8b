// Unit tests of staking through the pool, validation, limit maxima and fees.
// Rules: STAKE-001 STAKE-002 STAKE-003 STAKE-004 STAKE-005 STAKE-006 STAKE-007
//        STAKE-008 STAKE-009
//
// Chain sources: staking/{stake_utils.rs,add_stake.rs,remove_stake.rs} at
// f95810a (v2.0.1), b61dd30 (v2.0.8) and 8de0d23 (v2.0.9); subtensor_v2.md §Q6.
// L13–L15 are the chain's own tables (chain-rules.md §7.1), copied row by row
// from tests/staking.rs @ f95810a.
#include "dtao/pool.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/stake.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

using namespace dtao;
using dtao::test::dyn;
using fixed::I96F32;

namespace {

Subnet stable()
{
    Subnet s = dyn(0, 0);
    s.mechanism = Mechanism::stable;  // mock `add_network`: mechanism 0
    return s;
}

Subnet root() { return test::root_subnet(); }

ExactSubnet ex(const Subnet& s) { return to_exact(ChainState{.subnets = {s}}).subnets[0]; }

struct Row
{
    u64 tao, alpha, limit, expected;
};

}  // namespace

// ---------------------------------------------------------------- L13–L15

/// @rule STAKE-005
TEST(stake, max_amount_add_dynamic_L13)
{
    // L13: tests/staking.rs::test_max_amount_add_dynamic @ f95810a (exact table).
    const Row rows[] = {
        {0, 1'000'000'000, 100, 0},
        {1'000'000'000, 0, 100, 0},
        {1'000'000'000, 1'000'000'000, 0, 0},
        {1, 1, 0, 0},
        {1, 1, 1, 0},
        {1, 1, 2, 0},
        {1, 1, 50'000'000'000, 49},
        {1'000, 1'000, 2'000'000'000, 1'000},
        {1'000, 1'000, 4'000'000'000, 3'000},
        {1'000, 1'000, 16'000'000'000, 15'000},
        {1'000'000'000'000, 1'000'000'000'000, 16'000'000'000, 15'000'000'000'000},
        {150'000'000'000, 100'000'000'000, 0, 0},
        {150'000'000'000, 100'000'000'000, 100'000'000, 0},
        {150'000'000'000, 100'000'000'000, 500'000'000, 0},
        {150'000'000'000, 100'000'000'000, 1'499'999'999, 0},
        {150'000'000'000, 100'000'000'000, 1'500'000'000, 0},
        {150'000'000'000, 100'000'000'000, 1'500'000'001, 100},
        {150'000'000'000, 100'000'000'000, 3'000'000'000, 150'000'000'000},
        {150'000'000'000, 100'000'000'000, U64_MAX, U64_MAX},
        {150'000'000'000, 100'000'000'000, U64_MAX / 2, U64_MAX},
        {1'000'000, 1'000'000'000'000'000'000, 1, 999'000'000},
        {1'000'000, 1'000'000'000'000'000'000, 2, 1'999'000'000},
        {1'000'000, 1'000'000'000'000'000'000, 10'000, 9'999'999'000'000},
        {1'000'000, 1'000'000'000'000'000'000, 100'000, 99'999'999'000'000},
        {1'000'000, 1'000'000'000'000'000'000, 1'000'000, 999'999'999'000'000},
        {1'000'000, 1'000'000'000'000'000'000, 1'000'000'000, 999'999'999'999'000'000},
        {21'000'000'000'000'000, 10'000'000, 4'200'000'000'000'000'000, 21'000'000'000'000'000},
        {21'000'000'000'000'000, 1'000'000'000'000'000'000, U64_MAX, U64_MAX},
        {21'000'000'000'000'000, 1'000'000'000'000'000'000, 42'000'000, 21'000'000'000'000'000},
    };
    for (const auto& r : rows) {
        const Subnet s = dyn(r.tao, r.alpha);
        if (r.alpha != 0) {  // the test also asserts the price equals I96F32(tao) / I96F32(alpha)
            EXPECT_EQ(chain::alpha_price(s),
                      *I96F32::saturating_from_u64(r.tao).checked_div(I96F32::saturating_from_u64(r.alpha)));
        }
        EXPECT_EQ(chain::max_amount_add(s, r.limit), r.expected) << r.tao << " " << r.alpha << " " << r.limit;
    }
}

/// @rule STAKE-006
TEST(stake, max_amount_remove_dynamic_L14)
{
    // L14: tests/staking.rs::test_max_amount_remove_dynamic @ f95810a (exact table).
    const Row rows[] = {
        {0, 1'000'000'000, 100, 0},
        {1'000'000'000, 0, 100, 0},
        {1'000'000'000, 1'000'000'000, 0, U64_MAX},
        {1, 1, 0, U64_MAX},
        {1, 1, 1, 999'999'999},
        {1, 1, 2, 499'999'999},
        {1, 1, 250'000'000, 3},
        {1'000, 1'000, 250'000'000, 3'000},
        {1'000, 1'000, 62'500'000, 15'000},
        {1'000'000'000'000, 1'000'000'000'000, 62'500'000, 15'000'000'000'000},
        {200'000'000'000, 100'000'000'000, 0, U64_MAX},
        {200'000'000'000, 100'000'000'000, 1'000'000'000, 100'000'000'000},
        {200'000'000'000, 100'000'000'000, 500'000'000, 300'000'000'000},
        {200'000'000'000, 100'000'000'000, 2'000'000'000, 0},
        {200'000'000'000, 100'000'000'000, 2'000'000'001, 0},
        {200'000'000'000, 100'000'000'000, 1'999'999'999, 50},
        {200'000'000'000, 100'000'000'000, 1'999'999'990, 500},
        {2'000'000'000'000, 100'000'000'000, U64_MAX, 0},
        {200'000'000'000, 100'000'000'000, U64_MAX / 2, 0},
        {1'000'000, 1'000'000'000'000'000'000, 1, 0},
        {1'000'000, 1'000'000'000'000'000'000, 10, 0},
        {1'000'000, 1'000'000'000'000'000'000, 100, 0},
        {1'000'000, 1'000'000'000'000'000'000, 1'000, 0},
        {1'000'000, 1'000'000'000'000'000'000, U64_MAX, 0},
        {21'000'000'000'000'000, 1'000'000, 21'000'000'000'000'000, 999'000'000},
        {21'000'000'000'000'000, 1'000'000, U64_MAX, 138'412},
        {21'000'000'000'000'000, 1'000'000'000'000'000'000, U64_MAX, 0},
        {21'000'000'000'000'000, 1'000'000'000'000'000'000, 20'000'000, 50'000'000'000'000'000},
    };
    for (const auto& r : rows) {
        const Subnet s = dyn(r.tao, r.alpha);
        if (r.alpha != 0) {
            EXPECT_EQ(chain::alpha_price(s),
                      *I96F32::saturating_from_u64(r.tao).checked_div(I96F32::saturating_from_u64(r.alpha)));
        }
        EXPECT_EQ(chain::max_amount_remove(s, r.limit), r.expected) << r.tao << " " << r.alpha << " " << r.limit;
    }
}

/// @rule STAKE-005 STAKE-006
TEST(stake, max_amount_root_and_stable_L15)
{
    // L15: tests/staking.rs::test_max_amount_{add,remove}_{root,stable} @ f95810a.
    for (const Subnet& s : {root(), stable()}) {
        EXPECT_EQ(chain::max_amount_add(s, 0), 0u);
        EXPECT_EQ(chain::max_amount_add(s, 999'999'999), 0u);
        EXPECT_EQ(chain::max_amount_add(s, 1'000'000'000), U64_MAX);
        EXPECT_EQ(chain::max_amount_add(s, 1'000'000'001), U64_MAX);
        EXPECT_EQ(chain::max_amount_add(s, 2'000'000'000), U64_MAX);
        EXPECT_EQ(chain::max_amount_remove(s, 0), U64_MAX);
        EXPECT_EQ(chain::max_amount_remove(s, 500'000'000), U64_MAX);
        EXPECT_EQ(chain::max_amount_remove(s, 999'999'999), U64_MAX);
        EXPECT_EQ(chain::max_amount_remove(s, 1'000'000'000), U64_MAX);
        EXPECT_EQ(chain::max_amount_remove(s, 1'000'000'001), 0u);
        EXPECT_EQ(chain::max_amount_remove(s, 2'000'000'000), 0u);
        EXPECT_EQ(exact::max_amount_add(ex(s), 1'000'000'000), Rational(U64_MAX));
        EXPECT_EQ(exact::max_amount_remove(ex(s), 1'000'000'001), 0);
    }
}

/// @rule STAKE-005 STAKE-006
TEST(stake, exact_max_amounts_are_the_average_price_bound)
{
    // (x + dx)/y = L/1e9 ⇒ dx = L·y/1e9 − x;  x/(y + da) = L/1e9 ⇒ da = x·1e9/L − y.
    EXPECT_EQ(exact::max_amount_add(ex(dyn(150'000'000'000, 100'000'000'000)), 1'500'000'001), 100);
    EXPECT_EQ(exact::max_amount_add(ex(dyn(150'000'000'000, 100'000'000'000)), 1'500'000'000), 0);
    EXPECT_EQ(exact::max_amount_add(ex(dyn(1, 1, 0)), 50'000'000'000), 49);
    EXPECT_EQ(exact::max_amount_add(ex(dyn(150'000'000'000, 100'000'000'000)), 1'400'000'000), 0);  // limit < price
    // 200e9·1e9/1 999 999 999 − 100e9 = 50.000000025…: the chain floors to 50.
    EXPECT_EQ(exact::max_amount_remove(ex(dyn(200'000'000'000, 100'000'000'000)), 1'999'999'999),
              Rational(Int("200000000000000000000"), Int(1'999'999'999)) - Rational(100'000'000'000));
    EXPECT_EQ(exact::max_amount_remove(ex(dyn(200'000'000'000, 100'000'000'000)), 0), Rational(U64_MAX));
    EXPECT_EQ(exact::max_amount_remove(ex(dyn(200'000'000'000, 100'000'000'000)), 2'000'000'000), 0);
}

// ---------------------------------------------------------------- STAKE-001/002

/// @rule STAKE-001
TEST(stake, stake_into_subnet_keeps_fee_in_pool)
{
    // x = 10e9, y = 5e9, 1e9 TAO with the 50 000 fee: 999 950 000 is swapped,
    // α = ⌊5e9·999 950 000 / 10 999 950 000⌋ = ⌊454 524 793.29…⌋ (frac < 1 − 2^−18,
    // see pool_test.cpp), and the fee stays in SubnetTAO: 10e9 + 1e9 in total.
    Subnet s = dyn(10'000'000'000, 5'000'000'000);
    u64 ts = 0;
    const auto o = chain::stake_into_subnet(s, ts, 1'000'000'000, DEFAULT_STAKING_FEE);
    const Rational exact_alpha(Int(5'000'000'000) * 999'950'000, Int(10'999'950'000));
    EXPECT_EQ(Int(o.alpha), floor(exact_alpha));
    EXPECT_EQ(o.alpha, 454'524'793u);
    EXPECT_EQ(o.tao_staked, 999'950'000u);
    EXPECT_EQ(o.fee, 50'000u);
    EXPECT_EQ(s.subnet_tao, 11'000'000'000u);
    EXPECT_EQ(ts, 1'000'000'000u);
    EXPECT_EQ(s.subnet_alpha_in, 5'000'000'000u - o.alpha);
    // fee larger than the amount: nothing is swapped, the whole amount is fee
    Subnet t = dyn(10'000'000'000, 5'000'000'000);
    u64 ts2 = 0;
    const auto small = chain::stake_into_subnet(t, ts2, 30'000, DEFAULT_STAKING_FEE);
    EXPECT_EQ(small.tao_staked, 0u);
    EXPECT_EQ(small.fee, 30'000u);
    EXPECT_EQ(small.alpha, 0u);
    EXPECT_EQ(t.subnet_tao, 10'000'030'000u);
    // exact model
    ExactSubnet e = ex(dyn(10'000'000'000, 5'000'000'000));
    Rational ets = 0;
    const auto eo = exact::stake_into_subnet(e, ets, 1'000'000'000, Rational(DEFAULT_STAKING_FEE));
    EXPECT_EQ(eo.alpha, exact_alpha);
    EXPECT_EQ(e.subnet_tao, 11'000'000'000);
}

/// @rule STAKE-002
TEST(stake, unstake_from_subnet_returns_fee_to_pool)
{
    // sell 1e9 alpha into x = 10e9, y = 5e9: τ = ⌊10e9·1e9/6e9⌋ = 1 666 666 666;
    // paid τ − 50 000; the fee goes back to SubnetTAO and TotalStake.
    Subnet s = dyn(10'000'000'000, 5'000'000'000, 1'000'000'000);
    u64 ts = 10'000'000'000;
    const auto o = chain::unstake_from_subnet(s, ts, 1'000'000'000, DEFAULT_STAKING_FEE);
    EXPECT_EQ(o.tao, 1'666'666'666u);
    EXPECT_EQ(o.tao_unstaked, 1'666'616'666u);
    EXPECT_EQ(o.fee, 50'000u);
    EXPECT_EQ(s.subnet_tao, 10'000'000'000u - 1'666'666'666u + 50'000u);
    EXPECT_EQ(ts, 10'000'000'000u - 1'666'616'666u);
    ExactSubnet e = ex(dyn(10'000'000'000, 5'000'000'000, 1'000'000'000));
    Rational ets = 0;
    const auto eo = exact::unstake_from_subnet(e, ets, 1'000'000'000, Rational(DEFAULT_STAKING_FEE));
    EXPECT_EQ(eo.tao, Rational(5'000'000'000, 3));
    EXPECT_EQ(eo.tao_unstaked, Rational(5'000'000'000, 3) - 50'000);
}

// ---------------------------------------------------------------- STAKE-003/004

/// @rule STAKE-003
TEST(stake, validate_add_stake_order_of_checks)
{
    const Subnet s = dyn(1'000'000'000, 20'000'000);
    // min stake + fee = 550 000
    EXPECT_EQ(chain::validate_add_stake(s, 549'999, U64_MAX, Fill::whole).error(), Error::amount_too_low);
    EXPECT_TRUE(chain::validate_add_stake(s, 550'000, U64_MAX, Fill::whole).ok());
    // amount_too_low precedes slippage
    EXPECT_EQ(chain::validate_add_stake(s, 1, 0, Fill::whole).error(), Error::amount_too_low);
    EXPECT_EQ(chain::validate_add_stake(s, 600'000, 599'999, Fill::whole).error(), Error::slippage_too_high);
    EXPECT_TRUE(chain::validate_add_stake(s, 600'000, 599'999, Fill::partial).ok());
    // the simulation uses the *gross* amount: 1e9 leaves y' = 1e7 (ok), 1e9 + 1 fails
    EXPECT_TRUE(chain::validate_add_stake(s, 1'000'000'000, U64_MAX, Fill::whole).ok());
    EXPECT_EQ(chain::validate_add_stake(s, 1'000'000'001, U64_MAX, Fill::whole).error(), Error::insufficient_liquidity);
    EXPECT_EQ(exact::validate_add_stake(ex(s), 1'000'000'001, Rational(U64_MAX), Fill::whole).error(),
              Error::insufficient_liquidity);
    EXPECT_EQ(exact::validate_add_stake(ex(s), 549'999, Rational(U64_MAX), Fill::whole).error(), Error::amount_too_low);
}

/// @rule STAKE-004
TEST(stake, validate_remove_stake_strict_min)
{
    const Subnet s = stable();  // 1:1
    // τ must be strictly greater than DefaultMinStake (500 000)
    EXPECT_EQ(chain::validate_remove_stake(s, 500'000, U64_MAX, Fill::whole).error(), Error::amount_too_low);
    EXPECT_TRUE(chain::validate_remove_stake(s, 500'001, U64_MAX, Fill::whole).ok());
    EXPECT_EQ(chain::validate_remove_stake(s, 600'000, 599'999, Fill::whole).error(), Error::slippage_too_high);
    EXPECT_TRUE(chain::validate_remove_stake(s, 600'000, 599'999, Fill::partial).ok());
    const Subnet d = dyn(20'000'000, 1'000'000'000);
    EXPECT_EQ(chain::validate_remove_stake(d, 1'000'000'001, U64_MAX, Fill::whole).error(),
              Error::insufficient_liquidity);
    EXPECT_EQ(exact::validate_remove_stake(ex(s), 500'000, Rational(U64_MAX), Fill::whole).error(),
              Error::amount_too_low);
    EXPECT_TRUE(exact::validate_remove_stake(ex(s), 500'001, Rational(U64_MAX), Fill::whole).ok());
}

// ---------------------------------------------------------------- STAKE-007/008

/// @rule STAKE-007
TEST(stake, add_stake_with_and_without_limit)
{
    // no limit: the whole amount with the flat fee
    Subnet s = dyn(10'000'000'000, 5'000'000'000);
    u64 ts = 0;
    auto r = chain::add_stake(s, ts, 1'000'000'000, std::nullopt, Fill::whole);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->alpha, 454'524'793u);  // as in stake_into_subnet_keeps_fee_in_pool
    // limit: x = 150e9, y = 100e9, L = 1 500 000 001 ⇒ max 100 (L13 row);
    // without partial fill: SlippageTooHigh; with it, min(amount, 100) = 100
    // is staked with the 50 000 fee, so nothing is swapped and 100 is fee.
    Subnet t = dyn(150'000'000'000, 100'000'000'000);
    u64 ts2 = 0;
    EXPECT_EQ(chain::add_stake(t, ts2, 1'000'000'000, 1'500'000'001, Fill::whole).error(), Error::slippage_too_high);
    auto p = chain::add_stake(t, ts2, 1'000'000'000, 1'500'000'001, Fill::partial);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->tao_staked, 0u);
    EXPECT_EQ(p->fee, 100u);
    EXPECT_EQ(t.subnet_tao, 150'000'000'100u);
    // limit 3e9 ⇒ max 150e9 ≥ 1e9: everything goes through
    Subnet u = dyn(150'000'000'000, 100'000'000'000);
    u64 ts3 = 0;
    auto q = chain::add_stake(u, ts3, 1'000'000'000, 3'000'000'000, Fill::whole);
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->tao_staked, 999'950'000u);
    // exact model mirrors the limit logic
    ExactSubnet e = ex(dyn(150'000'000'000, 100'000'000'000));
    Rational ets = 0;
    EXPECT_EQ(exact::add_stake(e, ets, 1'000'000'000, 1'500'000'001, Fill::whole).error(), Error::slippage_too_high);
}

/// @rule STAKE-008 STAKE-009
TEST(stake, remove_stake_fee_from_requested_alpha)
{
    // v2.0.1: flat fee. Stable pool 1:1: 1e9 alpha → 1e9 TAO − 50 000.
    Subnet s = stable();
    s.subnet_tao = 5'000'000'000;
    s.subnet_alpha_out = 5'000'000'000;
    u64 ts = 5'000'000'000;
    auto r = chain::remove_stake(V2_0_1, s, ts, 1'000'000'000, std::nullopt, Fill::whole);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->tao, 1'000'000'000u);
    EXPECT_EQ(r->tao_unstaked, 999'950'000u);
    // limit on a dynamic pool: x = 200e9, y = 100e9, L = 1 999 999 990 ⇒ max 500
    // (L14 row). Partial fill unstakes 500 alpha, but the v2.0.9 fee is
    // computed on the *requested* 1e12 alpha: ⌊1e12 · bits(0.00005)/2^32⌋ with
    // bits(0.00005) = RNE(0.00005·2^32 = 214 748.3648) = 214 748, giving
    // ⌊214 748e12 / 2^32⌋ = 49 999 915; the 500-alpha swap returns
    // ⌊200e9·500/(100e9+500)⌋ = 999 (below the fee), so nothing is paid out.
    Subnet d = dyn(200'000'000'000, 100'000'000'000, 2'000'000'000'000);
    u64 ts2 = 200'000'000'000;
    auto p = chain::remove_stake(V2_0_9, d, ts2, 1'000'000'000'000, 1'999'999'990, Fill::partial);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->tao, 999u);
    EXPECT_EQ(p->tao_unstaked, 0u);
    EXPECT_EQ(p->fee, 999u);
    EXPECT_EQ(d.subnet_alpha_in, 100'000'000'500u);
    Subnet d2 = dyn(200'000'000'000, 100'000'000'000, 2'000'000'000'000);
    EXPECT_EQ(chain::remove_stake(V2_0_9, d2, ts2, 1'000'000'000'000, 1'999'999'990, Fill::whole).error(),
              Error::slippage_too_high);
}

/// @rule STAKE-004 STAKE-008
/// The launch era has the stake check too (`has_enough_stake_on_subnet` → NotEnoughStakeToWithdraw
/// in `validate_remove_stake`, v2.0.0 … v2.0.10), for both extrinsics (neither caps the request),
/// but last: after the simulated sale's minimum and the slippage check (and the hotkey, outside
/// the model). Absent, the stake is the request, so old requests keep their answers.
TEST(stake, remove_stake_above_the_stake_is_refused_last)
{
    for (const Ruleset* rules : {&V2_0_0, &V2_0_1, &V2_0_9, &V2_0_10}) {
        SCOPED_TRACE(rules->id);
        const Subnet d = dyn(200'000'000'000, 100'000'000'000, 2'000'000'000'000);
        u64 ts = 200'000'000'000;
        {
            // plain: 10^9 alpha out of 3·10^8
            Subnet s = d;
            const Subnet pre = s;
            EXPECT_EQ(
                chain::remove_stake(*rules, s, ts, 1'000'000'000, std::nullopt, Fill::whole, {}, 300'000'000).error(),
                Error::not_enough_stake_to_withdraw);
            EXPECT_EQ(s, pre);
            ExactSubnet e = ex(d);
            Rational ets = ts;
            EXPECT_EQ(
                exact::remove_stake(*rules, e, ets, 1'000'000'000, std::nullopt, Fill::whole, {}, Rational(300'000'000))
                    .error(),
                Error::not_enough_stake_to_withdraw);
        }
        {
            // exactly the stake, and no stake given: accepted
            Subnet s = d, t = d;
            EXPECT_TRUE(
                chain::remove_stake(*rules, s, ts, 1'000'000'000, std::nullopt, Fill::whole, {}, 1'000'000'000));
            EXPECT_TRUE(chain::remove_stake(*rules, t, ts, 1'000'000'000, std::nullopt, Fill::whole));
        }
        {
            // limit L14 (max 500, see above): slippage is checked before the stake ...
            Subnet s = d;
            EXPECT_EQ(chain::remove_stake(*rules, s, ts, 1'000'000'000'000, 1'999'999'990, Fill::whole, {}, 300'000'000)
                          .error(),
                      Error::slippage_too_high);
            // ... and with partial fill the stake check refuses what slippage allowed
            EXPECT_EQ(
                chain::remove_stake(*rules, s, ts, 1'000'000'000'000, 1'999'999'990, Fill::partial, {}, 300'000'000)
                    .error(),
                Error::not_enough_stake_to_withdraw);
        }
        {
            // a sale worth ≤ DefaultMinStake is refused before the stake check:
            // ⌊200e9·1000/(100e9 + 1000)⌋ = 1 999 < 500 000
            Subnet s = d;
            EXPECT_EQ(chain::remove_stake(*rules, s, ts, 1'000, std::nullopt, Fill::whole, {}, 10).error(),
                      Error::amount_too_low);
        }
    }
}

// ---------------------------------------------------------------- STAKE-009

/// @rule STAKE-009 RSET-014 RSET-015
TEST(stake, unstake_fee_by_ruleset)
{
    // price 2 (x = 2e9, y = 1e9); unstake 1e9 alpha; hotkey dividends 1e8 of 1e9.
    const Subnet s = dyn(2'000'000'000, 1'000'000'000);
    const UnstakeFeeInputs hk{100'000'000, 1'000'000'000};
    // ≤ v2.0.6: flat DefaultStakingFee
    EXPECT_EQ(chain::unstake_fee(V2_0_1, s, 1'000'000'000, hk), 50'000u);
    EXPECT_EQ(chain::unstake_fee(V2_0_6, s, 1'000'000'000, hk), 50'000u);
    // v2.0.8: share = trunc(1e8·2^32/1e9) = 429 496 729 bits; 1e9·share =
    // 1e9·429 496 729 / 2^32 = 99 999 999.906…; × 2 = 199 999 999.81… → 199 999 999.
    EXPECT_EQ(chain::unstake_fee(V2_0_8, s, 1'000'000'000, hk), 199'999'999u);
    EXPECT_EQ(exact::unstake_fee(V2_0_8, ex(s), 1'000'000'000, hk), 200'000'000);
    // v2.0.8 without dividends: the flat fee is the floor
    EXPECT_EQ(chain::unstake_fee(V2_0_8, s, 1'000'000'000'000, {}), 50'000u);
    // v2.0.9: at least 0.00005 of the alpha: ⌊1e12·214 748/2^32⌋ = 49 999 915
    // (exact: 1e12·5/100 000 = 5e7).
    EXPECT_EQ(chain::unstake_fee(V2_0_9, s, 1'000'000'000'000, {}), 49'999'915u);
    EXPECT_EQ(exact::unstake_fee(V2_0_9, ex(s), 1'000'000'000'000, {}), 50'000'000);
    // and the flat fee still floors it: 1e9·214 748/2^32 = 49 999.9 < 50 000
    EXPECT_EQ(chain::unstake_fee(V2_0_9, s, 1'000'000'000, {}), 50'000u);
    // root and stable subnets always pay the flat fee
    EXPECT_EQ(chain::unstake_fee(V2_0_9, stable(), 1'000'000'000'000, hk), 50'000u);
    EXPECT_EQ(chain::unstake_fee(V2_0_10, root(), 1'000'000'000'000, hk), 50'000u);
    // hotkey alpha 0: safe_div gives 0 share
    EXPECT_EQ(chain::unstake_fee(V2_0_8, s, 1'000'000'000, {5, 0}), 50'000u);
}
