// Unit tests of the launch-era constant-product pool.
// Rules: POOL-001 POOL-002 POOL-003 POOL-004 POOL-005 POOL-006
//
// Chain source: staking/stake_utils.rs (get_alpha_price, get_moving_alpha_price,
// sim_swap_*, swap_*), unchanged v2.0.1–v2.0.10 (subtensor_v2.md §Q7).
//
// Exact-vs-chain relationship (proved here, asserted below). With u64 reserves
// x (paid-in side), y (paid-out side) and an input a, the chain works in
// I110F18 (F = 18):
//   bits(k)  = ⌊x·2^18 · y·2^18 / 2^18⌋ = x·y·2^18        (no saturation: x·y·2^18 < 2^127)
//   bits(y') = trunc(bits(k)·2^18 / ((x+a)·2^18)) = ⌊x·y·2^18 / (x+a)⌋
//   out      = ⌊(y·2^18 − bits(y')) / 2^18⌋
// Let o = y − x·y/(x+a) = y·a/(x+a) be the exact output. Then
//   y·2^18 − ⌊x·y·2^18/(x+a)⌋ = ⌈2^18·o⌉, so   out = ⌊⌈2^18·o⌉ / 2^18⌋.
// Consequently ⌊o⌋ ≤ out ≤ ⌊o⌋ + 1, and out = ⌊o⌋ + 1 exactly when
// frac(o) > 1 − 2^−18: flooring the new reserve to 18 fractional bits can pay
// out one rao *more* than the exact output. So "chain ≤ exact" is false in
// general; "chain == ⌊exact⌋ unless frac(exact) > 1 − 2^−18" is the law.
#include "dtao/pool.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

using namespace dtao;
using dtao::test::dyn;
using fixed::I96F32;

namespace {

/// ⌊⌈2^18·o⌉ / 2^18⌋ with o = y·a/(x+a): the proved chain output.
Int predicted_out(u64 x, u64 y, u64 a)
{
    const Int num = Int(y) * Int(a) * (Int(1) << 18), den = Int(x) + Int(a);
    return floor_div(ceil_div(num, den), Int(1) << 18);
}

}  // namespace

// ---------------------------------------------------------------- POOL-001/002

/// @rule POOL-001
TEST(pool, alpha_price)
{
    Subnet s = dyn(150'000'000'000, 100'000'000'000);
    // get_alpha_price = I96F32(tao).checked_div(I96F32(alpha_in)): bits ⌊1.5·2^32⌋ = 6442450944.
    EXPECT_EQ(chain::alpha_price(s).bits, 6442450944);
    s.subnet_alpha_in = 0;
    EXPECT_EQ(chain::alpha_price(s), I96F32::zero());
    s.mechanism = Mechanism::stable;
    EXPECT_EQ(chain::alpha_price(s), I96F32::one());
    Subnet root = dyn(5, 7);
    root.netuid = 0;
    EXPECT_EQ(chain::alpha_price(root), I96F32::one());
    // staking.rs::test_max_amount_add_dynamic @ f95810a asserts, for every row,
    // get_alpha_price == I96F32::from_num(tao) / I96F32::from_num(alpha_in).
    const std::pair<u64, u64> rows[] = {{1, 1},
                                        {1000, 1000},
                                        {150'000'000'000, 100'000'000'000},
                                        {1'000'000, 1'000'000'000'000'000'000},
                                        {21'000'000'000'000'000, 10'000'000}};
    for (auto [x, y] : rows) {
        const auto want = I96F32::saturating_from_u64(x).checked_div(I96F32::saturating_from_u64(y));
        EXPECT_EQ(chain::alpha_price(dyn(x, y)), *want);
        // and its definition: trunc(x·2^32 / y)
        EXPECT_EQ(dtao::test::big(chain::alpha_price(dyn(x, y)).bits), (Int(x) << 32) / Int(y));
    }
    ExactSubnet e = to_exact(ChainState{.subnets = {dyn(3, 7)}}).subnets[0];
    EXPECT_EQ(exact::alpha_price(e), Rational(3, 7));
    e.subnet_alpha_in = 0;
    EXPECT_EQ(exact::alpha_price(e), 0);
}

/// @rule POOL-002
TEST(pool, moving_alpha_price)
{
    Subnet s = dyn(1, 1);
    s.subnet_moving_price = I96F32::from_bits(12345);
    EXPECT_EQ(chain::moving_alpha_price(s).bits, 12345);
    s.mechanism = Mechanism::stable;
    EXPECT_EQ(chain::moving_alpha_price(s), I96F32::one());
    s.mechanism = Mechanism::dynamic;
    s.netuid = 0;
    EXPECT_EQ(chain::moving_alpha_price(s), I96F32::one());
    ExactSubnet e;
    e.netuid = 2;
    e.subnet_moving_price = Rational(1, 3);
    EXPECT_EQ(exact::moving_alpha_price(e), Rational(1, 3));
    e.mechanism = Mechanism::stable;
    EXPECT_EQ(exact::moving_alpha_price(e), 1);
}

// ---------------------------------------------------------------- POOL-003/004

/// @rule POOL-003 POOL-004
TEST(pool, min_liquidity_boundary)
{
    // x = 1e9 TAO, y = 2e7 alpha: buying with a = 1e9 leaves y' = 2e16/2e9 = 1e7
    // exactly (allowed, ≥ DefaultMinimumPoolLiquidity); a = 1e9 + 1 leaves
    // 2e16/(2e9+1) = 9 999 999.995… < 1e7 → InsufficientLiquidity.
    const Subnet s = dyn(1'000'000'000, 20'000'000);
    auto ok = chain::sim_swap_tao_for_alpha(s, 1'000'000'000);
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->amount_out, 10'000'000u);
    EXPECT_EQ(ok->new_reserve.bits, i128{10'000'000} << 18);
    auto bad = chain::sim_swap_tao_for_alpha(s, 1'000'000'001);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error(), Error::insufficient_liquidity);
    const ExactSubnet e = to_exact(ChainState{.subnets = {s}}).subnets[0];
    EXPECT_EQ(exact::sim_swap_tao_for_alpha(e, Rational(1'000'000'000))->amount_out, 10'000'000);
    EXPECT_FALSE(exact::sim_swap_tao_for_alpha(e, Rational(1'000'000'001)).ok());
    // Sell side: x' = k / (y + a) with x = TAO reserve.
    const Subnet t = dyn(20'000'000, 1'000'000'000);
    EXPECT_EQ(chain::sim_swap_alpha_for_tao(t, 1'000'000'000)->amount_out, 10'000'000u);
    EXPECT_EQ(chain::sim_swap_alpha_for_tao(t, 1'000'000'001).error(), Error::insufficient_liquidity);
    // Empty pool: k = 0 → y' = 0 < 1e7.
    EXPECT_EQ(chain::sim_swap_tao_for_alpha(dyn(0, 0), 5).error(), Error::insufficient_liquidity);
    EXPECT_EQ(chain::sim_swap_alpha_for_tao(dyn(0, 0), 5).error(), Error::insufficient_liquidity);
}

/// @rule POOL-003 POOL-004
TEST(pool, stable_and_root_swap_one_to_one)
{
    Subnet s = dyn(0, 0);
    s.mechanism = Mechanism::stable;
    EXPECT_EQ(chain::sim_swap_tao_for_alpha(s, 123)->amount_out, 123u);
    EXPECT_EQ(chain::sim_swap_alpha_for_tao(s, 456)->amount_out, 456u);
    ExactSubnet e;
    e.mechanism = Mechanism::stable;
    EXPECT_EQ(exact::sim_swap_tao_for_alpha(e, Rational(7, 2))->amount_out, Rational(7, 2));
}

/// @rule POOL-003 POOL-004
TEST(pool, chain_output_law_against_exact)
{
    // A case of out = ⌊o⌋ + 1: x = y = 2^24 − 1, a = 1, o = (2^24−1)/2^24.
    // bits(y') = ⌊(2^24−1)^2·2^18/2^24⌋ = 2^42 − 2^19, bits(y) = 2^42 − 2^18,
    // y − y' = 2^18 bits = 1.0, so the chain pays 1 rao for 0.99999994 exact.
    const u64 d = (u64{1} << 24) - 1;
    const Subnet s = dyn(d, d);
    EXPECT_EQ(chain::sim_swap_tao_for_alpha(s, 1)->amount_out, 1u);
    const ExactSubnet e = to_exact(ChainState{.subnets = {s}}).subnets[0];
    EXPECT_EQ(exact::sim_swap_tao_for_alpha(e, 1)->amount_out, Rational(d, d + 1));

    auto rng = dtao::test::seeded_rng("pool.chain_output_law");
    unsigned plus_one = 0;
    for (unsigned i = 0; i < dtao::test::test_iters(); ++i) {
        // reserves up to ~2^50 so that x·y·2^18 < 2^127 (no saturation of k)
        const u64 x = 10'000'000 + (rng() >> (14 + rng() % 40));
        const u64 y = 10'000'000 + (rng() >> (14 + rng() % 40));
        const u64 a = rng() >> (rng() % 64);
        ASSERT_LT(Int(x) * Int(y) * (Int(1) << 18), Int(1) << 127);
        const Subnet p = dyn(x, y);
        const ExactSubnet pe = to_exact(ChainState{.subnets = {p}}).subnets[0];
        for (bool buy : {true, false}) {
            const auto c = buy ? chain::sim_swap_tao_for_alpha(p, a) : chain::sim_swap_alpha_for_tao(p, a);
            const auto ex =
                buy ? exact::sim_swap_tao_for_alpha(pe, Rational(a)) : exact::sim_swap_alpha_for_tao(pe, Rational(a));
            const u64 in = buy ? x : y, out_side = buy ? y : x;
            // acceptance: the chain compares ⌊x·y·2^18/(in+a)⌋/2^18 with 1e7,
            // which is ≥ 1e7 ⇔ x·y/(in+a) ≥ 1e7: both models agree.
            ASSERT_EQ(c.ok(), ex.ok()) << x << " " << y << " " << a;
            if (!c.ok())
                continue;
            const Int want = predicted_out(in, out_side, a);
            EXPECT_EQ(Int(c->amount_out), want) << x << " " << y << " " << a;
            const Int fl = floor(ex->amount_out);
            EXPECT_TRUE(Int(c->amount_out) == fl || Int(c->amount_out) == fl + 1);
            if (Int(c->amount_out) == fl + 1) {
                ++plus_one;
                // only when frac(o) > 1 − 2^−18
                EXPECT_GT(Rational(ex->amount_out - Rational(fl)), Rational(1) - Rational(1, Int(1) << 18));
            }
        }
    }
    std::cout << "[ info     ] chain = floor(exact) + 1 in " << plus_one << " random swaps\n";
}

/// @rule POOL-003
TEST(pool, saturated_k_follows_its_definition)
{
    // x·y·2^18 ≥ 2^127 saturates k at I110F18::MAX (bits 2^127 − 1); then
    // bits(y') = ⌊(2^127 − 1)/(x + a)⌋ and out = ⌊(y·2^18 − bits(y'))/2^18⌋.
    const u64 x = u64{1} << 60, y = u64{1} << 60, a = u64{1} << 40;
    const auto q = chain::sim_swap_tao_for_alpha(dyn(x, y), a);
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->k, fixed::I110F18::max());
    const Int yp = ((Int(1) << 127) - 1) / (Int(x) + Int(a));
    EXPECT_EQ(dtao::test::big(q->new_reserve.bits), yp);
    EXPECT_EQ(Int(q->amount_out), floor_div(Int(y) * (Int(1) << 18) - yp, Int(1) << 18));
}

// ---------------------------------------------------------------- POOL-005/006

/// @rule POOL-005
TEST(pool, swap_tao_for_alpha_stake_base_case)
{
    // L12: tests/staking2.rs::test_stake_base_case @ f95810a. SubnetTAO 10e9,
    // AlphaIn 5e9, AlphaOut 5e9, swap 1e9 TAO. Asserted:
    // α = to_num(I96F32(5e9) − I96F32(5e9)·I96F32(10e9) / I96F32(11e9)).
    // 5e19/11e9 = 4 545 454 545.4545…, not an integer, so truncating the
    // quotient to 32 fractional bits leaves 5e9 − it in (454 545 454, 454 545 455):
    // α = ⌊5e9 − 5e19/11e9⌋ = 454 545 454.
    Subnet s = dyn(10'000'000'000, 5'000'000'000, 5'000'000'000);
    u64 total_stake = 777;
    const u64 alpha = chain::swap_tao_for_alpha(s, total_stake, 1'000'000'000);
    EXPECT_EQ(alpha, 454'545'454u);
    EXPECT_EQ(Int(alpha), floor(Rational(5'000'000'000) - Rational(Int("50000000000000000000"), Int(11'000'000'000))));
    EXPECT_EQ(s.subnet_tao, 11'000'000'000u);
    EXPECT_EQ(s.subnet_alpha_in, 5'000'000'000u - alpha);
    EXPECT_EQ(s.subnet_alpha_out, 5'000'000'000u + alpha);
    EXPECT_EQ(total_stake, 777u + 1'000'000'000u);
    EXPECT_EQ(s.subnet_volume, u128{1'000'000'000});
    // exact model: α = 5e9·1e9/11e9 = 5e9/11 exactly
    ExactSubnet e = to_exact(ChainState{.subnets = {dyn(10'000'000'000, 5'000'000'000, 5'000'000'000)}}).subnets[0];
    Rational ts = 777;
    EXPECT_EQ(exact::swap_tao_for_alpha(e, ts, 1'000'000'000), Rational(5'000'000'000, 11));
    EXPECT_EQ(e.subnet_tao, 11'000'000'000);
    EXPECT_EQ(ts, 1'000'000'777);
}

/// @rule POOL-005 POOL-006
TEST(pool, failed_swaps_change_nothing)
{
    Subnet s = dyn(1'000'000'000, 20'000'000, 5);
    const Subnet before = s;
    u64 ts = 10;
    EXPECT_EQ(chain::swap_tao_for_alpha(s, ts, 1'000'000'001), 0u);
    EXPECT_EQ(chain::swap_alpha_for_tao(s, ts, U64_MAX), 0u);
    EXPECT_EQ(s.subnet_tao, before.subnet_tao);
    EXPECT_EQ(s.subnet_alpha_in, before.subnet_alpha_in);
    EXPECT_EQ(s.subnet_alpha_out, before.subnet_alpha_out);
    EXPECT_EQ(s.subnet_volume, u128{0});
    EXPECT_EQ(ts, 10u);
}

/// @rule POOL-006
TEST(pool, swap_alpha_for_tao_updates)
{
    // x = 10e9 TAO, y = 5e9 alpha, sell 1e9 alpha: o = 10e9·1e9/6e9 =
    // 1 666 666 666.67, frac < 1 − 2^−18, so τ = 1 666 666 666.
    Subnet s = dyn(10'000'000'000, 5'000'000'000, 2'000'000'000);
    u64 ts = 20'000'000'000;
    const u64 tao = chain::swap_alpha_for_tao(s, ts, 1'000'000'000);
    EXPECT_EQ(tao, 1'666'666'666u);
    EXPECT_EQ(s.subnet_alpha_in, 6'000'000'000u);
    EXPECT_EQ(s.subnet_alpha_out, 1'000'000'000u);
    EXPECT_EQ(s.subnet_tao, 10'000'000'000u - tao);
    EXPECT_EQ(ts, 20'000'000'000u - tao);
    EXPECT_EQ(s.subnet_volume, u128{tao});
    // saturating storage: AlphaOut smaller than the alpha sold clamps at 0
    Subnet t = dyn(10'000'000'000, 5'000'000'000, 1);
    u64 ts2 = 0;
    (void)chain::swap_alpha_for_tao(t, ts2, 1'000'000'000);
    EXPECT_EQ(t.subnet_alpha_out, 0u);
    EXPECT_EQ(ts2, 0u);
    // stable: 1:1 and still the storage updates of A.2.4
    Subnet st = dyn(100, 0, 50);
    st.mechanism = Mechanism::stable;
    u64 ts3 = 100;
    EXPECT_EQ(chain::swap_alpha_for_tao(st, ts3, 30), 30u);
    EXPECT_EQ(st.subnet_tao, 70u);
    EXPECT_EQ(st.subnet_alpha_in, 30u);
    EXPECT_EQ(st.subnet_alpha_out, 20u);
    ExactSubnet e = to_exact(ChainState{.subnets = {dyn(10'000'000'000, 5'000'000'000, 2'000'000'000)}}).subnets[0];
    Rational ets = 0;
    EXPECT_EQ(exact::swap_alpha_for_tao(e, ets, 1'000'000'000), Rational(5'000'000'000, 3));
    EXPECT_EQ(ets, Rational(-5'000'000'000, 3));
}
