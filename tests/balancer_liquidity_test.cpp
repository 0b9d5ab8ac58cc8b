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

/// A subnet as the v3 pool's last block left it: the reserves, the `*Provided` maps and the
/// stored square-root price.
V3Remnant remnant(u64 tao, u64 alpha, std::optional<U64F64> sqrt_price, u64 tao_provided = 0, u64 alpha_provided = 0)
{
    V3Remnant v3;
    v3.subnet = pool(tao, alpha);
    v3.tao_provided = tao_provided;
    v3.alpha_in_provided = alpha_provided;
    v3.alpha_sqrt_price = sqrt_price;
    return v3;
}

/// @rule BAL-009
/// tests.rs::test_migrate_swapv3_to_balancer (price 1.23² ± 0.1) and the fallback test.
TEST(balancer, migrate_swapv3_to_balancer)
{
    const Bridged b = migrate_swapv3_to_balancer(remnant(1'000'000'000, 4'000'000'000, U64F64::from_f64(1.23)));
    EXPECT_TRUE(b.price_initialized);
    EXPECT_TRUE(b.subnet.pal_swap_initialized);
    EXPECT_EQ(b.quote_weight.parts, b.subnet.swap_balancer_quote_parts);
    EXPECT_NEAR(to_f64(current_price(b.subnet)), 1.23 * 1.23, 0.1);
    EXPECT_NEAR(to_f64(current_price(b.subnet)), 1.5129, 1e-8);  // ours: the weight rounds to 10^-18
    const Bridged t = migrate_swapv3_to_balancer(remnant(1, 1'000'000'000'000, U64F64::one()));
    EXPECT_FALSE(t.price_initialized);
    EXPECT_TRUE(t.subnet.pal_swap_initialized);
    EXPECT_EQ(t.subnet.swap_balancer_quote_parts, half().parts);
}

/// @rule BAL-009
/// A subnet the v3 pool never initialised has no stored price: the migration leaves it to its
/// first swap, which sets ½ (BAL-008).
TEST(balancer, migrate_swapv3_to_balancer_without_a_price)
{
    Subnet before = pool(1'000'000'000, 4'000'000'000, quarter());
    V3Remnant v3 = remnant(1'000'000'000, 4'000'000'000, std::nullopt);
    v3.subnet = before;
    const Bridged b = migrate_swapv3_to_balancer(v3);
    EXPECT_FALSE(b.price_initialized);
    EXPECT_FALSE(b.subnet.pal_swap_initialized);
    EXPECT_EQ(b.subnet.swap_balancer_quote_parts, half().parts);  // the Balancer's storage starts empty
}

/// @rule BAL-009
/// F-045: the `*Provided` maps are not folded into the reserves. The weight is the one the
/// reserves without them give: the price is kept, the pool is thinner by what the providers gave.
TEST(balancer, migrate_swapv3_to_balancer_leaves_the_provided_reserves_out)
{
    const auto sqrt_price = U64F64::from_f64(0.5);  // p = 0.25
    const Bridged with = migrate_swapv3_to_balancer(remnant(1'000'000'000, 4'000'000'000, sqrt_price, 500, 2'000));
    const Bridged without = migrate_swapv3_to_balancer(remnant(1'000'000'000, 4'000'000'000, sqrt_price));
    EXPECT_EQ(with.subnet.subnet_tao, 1'000'000'000U);
    EXPECT_EQ(with.subnet.subnet_alpha_in, 4'000'000'000U);
    EXPECT_EQ(with.tao_provided_unread, 500U);
    EXPECT_EQ(with.alpha_in_provided_unread, 2'000U);
    EXPECT_EQ(with.subnet.swap_balancer_quote_parts, without.subnet.swap_balancer_quote_parts);
    // y = p·x here, so w2 = y/(p·x + y) = ½ exactly.
    EXPECT_EQ(with.subnet.swap_balancer_quote_parts, half().parts);
}

/// @rule BAL-009
/// Both models take the same decisions; the exact weight is y/(s²·x + y) unrounded.
TEST(balancer, migrate_swapv3_to_balancer_exact)
{
    const auto sqrt_price = U64F64::from_bits(u128{3} << 63);  // s = 1.5, p = 2.25 exactly
    exact::balancer::V3Remnant v3;
    v3.subnet = to_exact(pool(900'000'000, 1'000'000'000));
    v3.alpha_sqrt_price = sqrt_price;
    const exact::balancer::Bridged e = exact::balancer::migrate_swapv3_to_balancer(v3);
    EXPECT_TRUE(e.price_initialized);
    EXPECT_EQ(e.quote_weight, Rational(900'000'000, 2'250'000'000 + 900'000'000));  // 2/7
    const Bridged c = migrate_swapv3_to_balancer(remnant(900'000'000, 1'000'000'000, sqrt_price));
    EXPECT_TRUE(c.price_initialized);
    // 2/7 rounded by Perquintill::from_rational (to nearest): 285714285714285714.28… → …714
    EXPECT_EQ(c.subnet.swap_balancer_quote_parts, 285'714'285'714'285'714U);
    // Out of range in both: w2 = y/(p·x + y) < 0.01.
    v3.subnet = to_exact(pool(1, 1'000'000'000'000));
    EXPECT_FALSE(exact::balancer::migrate_swapv3_to_balancer(v3).price_initialized);
}
