// Unit tests of the moving price (EMA).
// Rules: EMA-001 EMA-002 (and RSET-002 RSET-006 RSET-007 RSET-009 behaviourally)
//
// Chain source: staking/stake_utils.rs::update_moving_price at e2b8367
// (v2.0.0), f95810a (v2.0.1), a27fff2 (v2.0.6), b61dd30 (v2.0.8), 719a6f5
// (v2.0.10); subtensor_v2.md §Q1. Expected values are the chain's own tests in
// tests/coinbase.rs at those commits (chain-rules.md §7.1 L5; subtensor_v2.md
// §Q10), or derivations shown in the comments.
#include "dtao/ema.hpp"
#include "dtao/pool.hpp"
#include "dtao/ruleset.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace dtao;
using fixed::I96F32;

namespace {

/// The tests' subnet: `add_network(1, 1, 0)`, SubnetTAO = SubnetAlphaIn = 1e6
/// (price 1.0), mechanism 1.
Subnet test_subnet(u64 tao = 1'000'000, u64 alpha = 1'000'000) { return test::dyn(tao, alpha); }

double to_f64(I96F32 v) { return std::ldexp(static_cast<double>(v.bits), -32); }

}  // namespace

/// @rule EMA-001 RSET-002
TEST(ema, coinbase_moving_prices_v2_0_1_L5)
{
    // L5: tests/coinbase.rs::test_coinbase_moving_prices @ f95810a.
    Subnet s = test_subnet();
    s.subnet_moving_price = I96F32::saturating_from_u64(1);
    EXPECT_EQ(chain::moving_alpha_price(s), I96F32::one());
    chain::update_moving_price(V2_0_1, s, 1, I96F32::from_bits(DEFAULT_MOVING_ALPHA_BITS));
    EXPECT_EQ(s.subnet_moving_price, I96F32::one());  // assert_eq: stays 1
    // alpha 1.0, moving 0: one update gives exactly from_num(1.0)
    s.subnet_moving_price = I96F32::zero();
    chain::update_moving_price(V2_0_1, s, 1, I96F32::from_f64(1.0));
    EXPECT_EQ(s.subnet_moving_price, I96F32::from_f64(1.0));
    // alpha 0.1 (bits 429496730), moving 0: six updates give exactly
    // I96F32::from_num(0.468559), bits 2 012 445 581 (assert_eq in the test).
    s.subnet_moving_price = I96F32::zero();
    for (int i = 0; i < 6; ++i)
        chain::update_moving_price(V2_0_1, s, 1, I96F32::from_f64(0.1));
    EXPECT_EQ(s.subnet_moving_price, I96F32::from_f64(0.468559));
    EXPECT_EQ(s.subnet_moving_price.bits, 2012445581);
    // The exact model with α = 1/10 gives 1 − 0.9^6 = 0.468559 exactly, the
    // value the test's literal names.
    ExactSubnet e = to_exact(ChainState{.subnets = {test_subnet()}}).subnets[0];
    for (int i = 0; i < 6; ++i)
        exact::update_moving_price(V2_0_1, e, 1, Rational(1, 10));
    EXPECT_EQ(e.subnet_moving_price, Rational(468'559, 1'000'000));
}

/// @rule EMA-001 RSET-002
TEST(ema, clamp_at_one_from_v2_0_1)
{
    // price 2 (2e6/1e6), α = 1, m = 0: v2.0.0 has no clamp → m' = 2;
    // v2.0.1 clamps the input → m' = 1 (RSET-002).
    Subnet a = test_subnet(2'000'000, 1'000'000), b = a;
    chain::update_moving_price(V2_0_0, a, 1, I96F32::one());
    chain::update_moving_price(V2_0_1, b, 1, I96F32::one());
    EXPECT_EQ(a.subnet_moving_price, I96F32::saturating_from_u64(2));
    EXPECT_EQ(b.subnet_moving_price, I96F32::one());
    ExactSubnet ea = to_exact(ChainState{.subnets = {test_subnet(2'000'000, 1'000'000)}}).subnets[0], eb = ea;
    exact::update_moving_price(V2_0_0, ea, 1, 1);
    exact::update_moving_price(V2_0_1, eb, 1, 1);
    EXPECT_EQ(ea.subnet_moving_price, 2);
    EXPECT_EQ(eb.subnet_moving_price, 1);
    // floor multiplications: α = 3 ulp, p = 0.5 → α·p = 1 ulp (⌊1.5⌋), (1−α)·m with m = 0 → 0
    Subnet c = test_subnet(500'000, 1'000'000);
    const auto u = chain::update_moving_price(V2_0_1, c, 1, I96F32::from_bits(3));
    EXPECT_EQ(u.moving_price.bits, 1);
}

/// @rule EMA-002 RSET-006
TEST(ema, coinbase_moving_prices_v2_0_6)
{
    // tests/coinbase.rs::test_coinbase_moving_prices @ a27fff2 (v2.0.6):
    // NetworkRegisteredAt = 1, block 7 200 000.
    Subnet s = test_subnet();
    s.network_registered_at = 1;
    s.subnet_moving_price = I96F32::one();
    chain::update_moving_price(V2_0_6, s, 7'200'000, I96F32::from_bits(DEFAULT_MOVING_ALPHA_BITS));
    EXPECT_EQ(s.subnet_moving_price, I96F32::one());
    s.subnet_moving_price = I96F32::zero();
    chain::update_moving_price(V2_0_6, s, 7'200'000, I96F32::one());
    EXPECT_LT(1.0 - to_f64(s.subnet_moving_price), 0.05);
    // block 7200·14 = 100 800: b = 100 799, h = 100 800; 14 updates with α = 0.1
    s.subnet_moving_price = I96F32::zero();
    for (int i = 0; i < 14; ++i)
        chain::update_moving_price(V2_0_6, s, 7'200 * 14, I96F32::from_f64(0.1));
    EXPECT_LT(std::fabs(0.512325 - to_f64(s.subnet_moving_price)), 0.001);
    // the ramp: b = 100 799, h = 100 800 (constant, not the subnet field)
    s.ema_price_halving_blocks = 5;
    const auto m = chain::moving_alpha(V2_0_6, s, 100'800, I96F32::one());
    EXPECT_EQ(m.blocks_since, 100'799u);
    // α = 1 · trunc(100 799·2^32 / 201 599)
    EXPECT_EQ(dtao::test::big(m.alpha.bits), (Int(100'799) << 32) / Int(201'599));
}

/// @rule EMA-002 RSET-007
TEST(ema, coinbase_moving_prices_v2_0_8)
{
    // @ b61dd30 (v2.0.8, same at v2.0.9): block 7200·28 = 201 600,
    // NetworkRegisteredAt = 1, h = EMAPriceHalvingBlocks = 201 600 (mock default).
    Subnet s = test_subnet();
    s.network_registered_at = 1;
    s.subnet_moving_price = I96F32::zero();
    chain::update_moving_price(V2_0_8, s, 7'200'000, I96F32::one());
    EXPECT_LT(1.0 - to_f64(s.subnet_moving_price), 0.05);
    for (const Ruleset& r : {V2_0_8, V2_0_9}) {
        s.subnet_moving_price = I96F32::zero();
        for (int i = 0; i < 14; ++i)
            chain::update_moving_price(r, s, 7'200 * 28, I96F32::from_f64(0.1));
        EXPECT_LT(std::fabs(0.512325 - to_f64(s.subnet_moving_price)), 0.001) << r.id;
    }
    // h is the per-subnet field from v2.0.8 (RSET-007): b = 10, h = 10 → ratio ½
    s.ema_price_halving_blocks = 10;
    EXPECT_EQ(chain::moving_alpha(V2_0_8, s, 11, I96F32::one()).alpha.bits, i128{1} << 31);
    EXPECT_EQ(ema_halving_blocks(V2_0_6, 10), EMA_RAMP_CONSTANT_BLOCKS);
    EXPECT_EQ(ema_halving_blocks(V2_0_8, 10), 10u);
}

/// @rule EMA-001 EMA-002 RSET-009
TEST(ema, coinbase_moving_prices_v2_0_10)
{
    // @ 719a6f5 (v2.0.10): FirstEmissionBlockNumber = 1 → start_call block 0, b = block.
    Subnet s = test_subnet();
    s.first_emission_block_number = 1;
    s.subnet_moving_price = I96F32::one();
    chain::update_moving_price(V2_0_10, s, 7'200'000, I96F32::from_bits(DEFAULT_MOVING_ALPHA_BITS));
    EXPECT_EQ(s.subnet_moving_price, I96F32::one());
    s.subnet_moving_price = I96F32::zero();
    chain::update_moving_price(V2_0_10, s, 7'200'000, I96F32::one());
    EXPECT_LT(1.0 - to_f64(s.subnet_moving_price), 0.05);
    // block 201 600: b = 201 600 = h, ratio trunc(2^32·201600/403200) = 2^31
    // exactly, α = bits(0.1)·2^31/2^32 = 429 496 730 / 2 = 214 748 365 bits.
    const auto m = chain::moving_alpha(V2_0_10, s, 7'200 * 28, I96F32::from_f64(0.1));
    EXPECT_EQ(m.blocks_since, 201'600u);
    EXPECT_EQ(m.alpha.bits, 214748365);
    s.subnet_moving_price = I96F32::zero();
    for (int i = 0; i < 14; ++i)
        chain::update_moving_price(V2_0_10, s, 7'200 * 28, I96F32::from_f64(0.1));
    EXPECT_LT(std::fabs(0.512325 - to_f64(s.subnet_moving_price)), 0.001);
    // exact model: α = 1/20 exactly, m = 1 − (19/20)^14 = 0.51232502…
    ExactSubnet e = to_exact(ChainState{.subnets = {test_subnet()}}).subnets[0];
    e.first_emission_block_number = 1;
    for (int i = 0; i < 14; ++i)
        exact::update_moving_price(V2_0_10, e, 7'200 * 28, Rational(1, 10));
    Rational p = 1;
    for (int i = 0; i < 14; ++i)
        p *= Rational(19, 20);
    EXPECT_EQ(e.subnet_moving_price, 1 - p);
}

/// @rule EMA-002 RSET-006 RSET-007 RSET-009
TEST(ema, update_moving_price_initial_and_after_time)
{
    // tests/coinbase.rs::test_update_moving_price_initial / _after_time at
    // a27fff2 (v2.0.6), b61dd30 (v2.0.8) and 719a6f5 (v2.0.10): α = 0.5,
    // price 1, m = 0; registered (or FEB) at 500.
    struct Case
    {
        const Ruleset& r;
        u64 after_block;
        u64 b_initial;  // derived: v2.0.6/8: 510 − 500; v2.0.10: 510 − (500 − 1)
    };
    const Case cases[] = {{V2_0_6, 72'000'500, 10}, {V2_0_8, 144'000'500, 10}, {V2_0_10, 144'000'500, 11}};
    for (const auto& c : cases) {
        Subnet s = test_subnet();
        if (c.r.ema_ramp == EmaRamp::since_start_call)
            s.first_emission_block_number = 500;
        else
            s.network_registered_at = 500;
        Subnet t = s;
        const auto u = chain::update_moving_price(c.r, s, 510, I96F32::from_f64(0.5));
        EXPECT_EQ(u.blocks_since, c.b_initial) << c.r.id;
        EXPECT_LT(to_f64(s.subnet_moving_price), 0.001) << c.r.id;
        chain::update_moving_price(c.r, t, c.after_block, I96F32::from_f64(0.5));
        EXPECT_LT(std::fabs(to_f64(t.subnet_moving_price) - 0.5), 0.001) << c.r.id;
    }
}

/// @rule EMA-002 RSET-009
TEST(ema, ramp_edge_cases)
{
    Subnet s = test_subnet();
    // b = 0 ⇒ 0.safe_div(h) = 0 ⇒ α = 0 ⇒ m unchanged (start_call in the same block: FEB = block + 1).
    s.first_emission_block_number = 1001;
    s.subnet_moving_price = I96F32::from_bits(777);
    const auto u = chain::update_moving_price(V2_0_10, s, 1000, I96F32::one());
    EXPECT_EQ(u.blocks_since, 0u);
    EXPECT_EQ(u.alpha, I96F32::zero());
    EXPECT_EQ(s.subnet_moving_price.bits, 777);
    // an unset FEB counts from block 0 (unwrap_or_default().saturating_sub(1))
    EXPECT_EQ(ema_blocks_since(V2_0_10, 0, std::nullopt, 12'345), 12'345u);
    EXPECT_EQ(ema_blocks_since(V2_0_10, 0, 0, 12'345), 12'345u);
    EXPECT_EQ(ema_blocks_since(V2_0_10, 100, 200, 150), 0u);  // saturating
    EXPECT_EQ(ema_blocks_since(V2_0_6, 100, 7, 150), 50u);
    EXPECT_EQ(ema_blocks_since(V2_0_1, 100, 7, 150), 0u);  // no ramp
    // exact ramp: α = A·b/(b + h)
    ExactSubnet e;
    e.netuid = 1;
    e.network_registered_at = 0;
    e.ema_price_halving_blocks = 30;
    EXPECT_EQ(exact::moving_alpha(V2_0_8, e, 10, Rational(1, 2)).alpha, Rational(1, 8));
    EXPECT_EQ(exact::moving_alpha(V2_0_8, e, 0, Rational(1, 2)).alpha, 0);
    e.ema_price_halving_blocks = 0;
    EXPECT_EQ(exact::moving_alpha(V2_0_8, e, 0, Rational(1, 2)).alpha, 0);  // b + h = 0
    // chain with b + h = 0: safe_div gives 0
    Subnet z = test_subnet();
    z.ema_price_halving_blocks = 0;
    EXPECT_EQ(chain::moving_alpha(V2_0_8, z, 0, I96F32::one()).alpha, I96F32::zero());
    // stable subnets read m as 1: m' = α·1 + (1−α)·1 = 1 (exact in I96F32)
    Subnet st = test_subnet();
    st.mechanism = Mechanism::stable;
    chain::update_moving_price(V2_0_1, st, 1, I96F32::from_bits(12885));
    EXPECT_EQ(st.subnet_moving_price, I96F32::one());
}
