// Unit tests of the Balancer-era protocol liquidity: the reweighting that keeps the price
// (BAL-007), the pool's initialisation (BAL-008) and the v3 migration (BAL-009), v3.4.8-423+.
// Rules: BAL-007 BAL-008 BAL-009
//
// Chain source: subtensor 14bc6f9 pallets/swap/src/pallet/{balancer.rs,impls.rs,tests.rs}.
// H9–H10 are the chain's own assertions (chain-rules.md §7.2).
#include "balancer_pools.hpp"
#include "dtao/balancer.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

using namespace dtao;
using namespace dtao::chain::balancer;
using namespace dtao::test::balancer_pools;

// ---------------------------------------------------------------- BAL-007 reweighting

/// @rule BAL-007
TEST(balancer, weight_bounds)
{
    // balancer.rs::test_balancer_rejects_invalid_boundary_weights_without_panicking
    for (u64 q : {u64{0}, u64{1}, BALANCER_MIN_WEIGHT_PARTS - 1, ACCURACY - BALANCER_MIN_WEIGHT_PARTS + 1, ACCURACY}) {
        EXPECT_FALSE(check_constraints(Perquintill::from_parts(q))) << q;
    }
    for (u64 q : {BALANCER_MIN_WEIGHT_PARTS, ACCURACY / 2, ACCURACY - BALANCER_MIN_WEIGHT_PARTS}) {
        EXPECT_TRUE(check_constraints(Perquintill::from_parts(q))) << q;
    }
}

/// @rule BAL-007
/// tests.rs::test_adjust_protocol_liquidity_happy: the price is unchanged (relative 1e-12,
/// asserted) and w2' = y'/(x'·p + y') (relative 1e-12).
TEST(balancer, adjust_protocol_liquidity_keeps_the_price)
{
    const std::pair<u64, u64> deltas[] = {{0, 0},
                                          {0, 1},
                                          {1, 0},
                                          {1, 1},
                                          {10, 20},
                                          {1'000'000, 0},
                                          {0, 1'000'000},
                                          {1'000'000'000, 2'000'000'000},
                                          {1'000'000'000'000, 0},
                                          {0, 1'000'000'000'000},
                                          {1'000'000'000'000, 1'000'000'000'000},
                                          {1'234'567, 2'432'765'890}};
    for (auto [dt, da] : deltas) {
        Subnet s = pool(1'000'000'000'000, 4'000'000'000'000);
        const U64F64 before = current_price(s);
        EXPECT_EQ(adjust_protocol_liquidity(s, dt, da), (std::pair<u64, u64>{dt, da}));
        s.subnet_tao += dt;
        s.subnet_alpha_in += da;
        const double pb = to_f64(before), pa = to_f64(current_price(s));
        EXPECT_NEAR(pa, pb, pb / 1e12) << dt << " " << da;
        const double nt = static_cast<double>(s.subnet_tao), na = static_cast<double>(s.subnet_alpha_in);
        const double w2 = static_cast<double>(s.swap_balancer_quote_parts) / 1e18;
        EXPECT_NEAR(w2, nt / (na * pb + nt), 1e-12) << dt << " " << da;
    }
}

/// @rule BAL-007
/// tests.rs::test_adjust_protocol_liquidity_zero_alpha: with x = 0 the weight stays ½.
/// And rejection: a weight below 0.01 injects nothing and changes nothing.
TEST(balancer, adjust_protocol_liquidity_zero_alpha_and_rejection)
{
    // x = 0: q2 = w2·0·(y + dτ) = 0. With dα = 0 also q1 = 0 → the ½ branch (accepted);
    // with dα > 0, w2' = from_rational(0, q1) = 0 < 0.01 → rejected, (0, 0), weight kept.
    // Either way the weight stays ½, as the chain test asserts.
    for (auto [dt, da] : {std::pair<u64, u64>{0, 0}, {1, 0}, {1'000'000, 0}}) {
        Subnet s = pool(1'000'000'000'000, 0);
        EXPECT_EQ(adjust_protocol_liquidity(s, dt, da), (std::pair<u64, u64>{dt, da}));
        EXPECT_EQ(s.swap_balancer_quote_parts, half().parts);
    }
    for (auto [dt, da] : {std::pair<u64, u64>{0, 1}, {1, 1}, {1'000'000, 1'000'000}}) {
        Subnet s = pool(1'000'000'000'000, 0);
        EXPECT_EQ(adjust_protocol_liquidity(s, dt, da), (std::pair<u64, u64>{0, 0}));
        EXPECT_EQ(s.swap_balancer_quote_parts, half().parts);
    }
    // Rejection: x = y = 10^9, dα = 200·10^9 → w2' = x(y)/(y(x+dα) + x·y) = 1/202 < 0.01.
    Subnet s = pool(1'000'000'000, 1'000'000'000);
    EXPECT_EQ(adjust_protocol_liquidity(s, 0, 200'000'000'000), (std::pair<u64, u64>{0, 0}));
    EXPECT_EQ(s.swap_balancer_quote_parts, half().parts);
    // 98·10^9 → w2' = 1/100 exactly: accepted at the bound.
    EXPECT_EQ(adjust_protocol_liquidity(s, 0, 98'000'000'000), (std::pair<u64, u64>{0, 98'000'000'000}));
    EXPECT_EQ(s.swap_balancer_quote_parts, BALANCER_MIN_WEIGHT_PARTS);
    // The exact model agrees on the decision and the price.
    const auto w = exact::balancer::update_weights_for_added_liquidity(Rational(1, 2), 1'000'000'000, 1'000'000'000, 0,
                                                                       98'000'000'000);
    ASSERT_TRUE(w);
    EXPECT_EQ(*w, Rational(1, 100));
    EXPECT_EQ(exact::balancer::calculate_price(*w, 99'000'000'000, 1'000'000'000), 1);
    EXPECT_FALSE(exact::balancer::update_weights_for_added_liquidity(Rational(1, 2), 1'000'000'000, 1'000'000'000, 0,
                                                                     200'000'000'000));
}

// ---------------------------------------------------------------- BAL-008 initialisation

/// @rule BAL-008
/// H9, H10 (tests.rs::test_swap_initialization{,_with_price}, 1e-9 as asserted).
TEST(balancer, h9_h10_initialisation)
{
    Subnet s = pool(1'000'000'000, 4'000'000'000, quarter());
    s.pal_swap_initialized = false;
    ASSERT_TRUE(maybe_initialize_palswap(s, std::nullopt));
    EXPECT_TRUE(s.pal_swap_initialized);
    EXPECT_EQ(s.swap_balancer_quote_parts, half().parts);
    EXPECT_NEAR(to_f64(current_price(s)), 0.25, 1e-9);
    EXPECT_EQ(current_price(s).bits, u128{1} << 62);  // exactly 0.25

    Subnet t = pool(1'000'000'000, 4'000'000'000);
    t.pal_swap_initialized = false;
    const U64F64 fifth = U64F64::saturating_from_u64(1).checked_div(U64F64::saturating_from_u64(5)).value();
    ASSERT_TRUE(maybe_initialize_palswap(t, fifth));
    EXPECT_NEAR(to_f64(current_price(t)), 0.2, 1e-9);
    // px = 0·x + ⌊4·10^9·frac(0.2)⌋ = 799 999 999 (frac truncated), w2 = ⌊10^18·10^9/(1 799 999 999)⌋.
    EXPECT_EQ(t.swap_balancer_quote_parts, (Int(ACCURACY) * 1'000'000'000 / 1'799'999'999).convert_to<u64>());
    // Already initialised: nothing changes.
    ASSERT_TRUE(maybe_initialize_palswap(t, U64F64::one()));
    EXPECT_EQ(t.swap_balancer_quote_parts, (Int(ACCURACY) * 1'000'000'000 / 1'799'999'999).convert_to<u64>());
}

/// @rule BAL-008
TEST(balancer, initialisation_errors)
{
    Subnet s = pool(0, 0);
    s.pal_swap_initialized = false;
    EXPECT_EQ(maybe_initialize_palswap(s, U64F64::one()).error(), Error::reserves_out_of_balance);  // px + y = 0
    EXPECT_FALSE(s.pal_swap_initialized);
    Subnet t = pool(1, 1'000'000'000'000);  // p = 1: w2 = 1/(10^12 + 1) < 0.01
    t.pal_swap_initialized = false;
    EXPECT_EQ(maybe_initialize_palswap(t, U64F64::one()).error(), Error::reserves_out_of_balance);
    Subnet u = pool(1'000'000'000, 0);  // x = 0: px = 0, w2 = 1 > 0.99
    u.pal_swap_initialized = false;
    EXPECT_EQ(maybe_initialize_palswap(u, U64F64::one()).error(), Error::reserves_out_of_balance);
    EXPECT_TRUE(maybe_initialize_palswap(u, std::nullopt));  // without a price: ½
}

/// @rule BAL-008
/// The initialisation without a price is one function for both models: an uninitialised pool
/// stores w2 = ½ (the chain's and the exact model's view of it agree); an initialised pool keeps
/// its weight, whatever it is.
TEST(balancer, default_weights_in_both_models)
{
    Subnet s = pool(1'000'000'000, 4'000'000'000, quarter());
    s.pal_swap_initialized = false;
    ExactSubnet e = to_exact(s);
    initialize_default_weights(s);
    initialize_default_weights(e);
    EXPECT_TRUE(s.pal_swap_initialized);
    EXPECT_TRUE(e.pal_swap_initialized);
    EXPECT_EQ(s.swap_balancer_quote_parts, half().parts);
    EXPECT_EQ(exact::balancer::quote_weight(e), Rational(1, 2));

    Subnet t = pool(1'000'000'000, 4'000'000'000, quarter());
    ExactSubnet f = to_exact(t);
    initialize_default_weights(t);
    initialize_default_weights(f);
    EXPECT_EQ(t.swap_balancer_quote_parts, quarter().parts);
    EXPECT_EQ(exact::balancer::quote_weight(f), Rational(1, 4));
}

// ---------------------------------------------------------------- BAL-009 migration

/// @rule BAL-009
/// tests.rs::test_migrate_swapv3_to_balancer (price 1.23² ± 0.1) and the fallback test.
TEST(balancer, migrate_swapv3_to_balancer)
{
    Subnet s = pool(1'000'000'000, 4'000'000'000);
    s.pal_swap_initialized = false;
    EXPECT_TRUE(migrate_swapv3_to_balancer(s, U64F64::from_f64(1.23)));
    EXPECT_TRUE(s.pal_swap_initialized);
    EXPECT_NEAR(to_f64(current_price(s)), 1.23 * 1.23, 0.1);
    EXPECT_NEAR(to_f64(current_price(s)), 1.5129, 1e-8);  // ours: the weight rounds to 10^-18
    Subnet t = pool(1, 1'000'000'000'000);
    t.pal_swap_initialized = false;
    EXPECT_FALSE(migrate_swapv3_to_balancer(t, U64F64::one()));
    EXPECT_TRUE(t.pal_swap_initialized);
    EXPECT_EQ(t.swap_balancer_quote_parts, half().parts);
}
