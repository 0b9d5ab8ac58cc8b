// Unit tests of the v3 pool's tick math (TICK-*), with the chain's own test values:
// opentensor/subtensor@v3.2.10-334 `pallets/swap/src/tick.rs`, `mod tests`
// (`test_get_sqrt_ratio_at_tick_values`, `test_get_tick_at_sqrt_ratio`, `test_roundtrip`,
// `test_u256_to_u64f64_q64_96`, `test_tick_index_to_sqrt_price`, `test_sqrt_price_to_tick_index`,
// `test_roundtrip_tick_index_sqrt_price`, `test_tick_price_sanity_check`,
// `test_to_sqrt_price_bounded`). Where the chain's test compares with a tolerance, so does this one.
#include "dtao/numeric/bigmath.hpp"
#include "dtao/tick.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <utility>
#include <vector>

using namespace dtao;
using fixed::U64F64;

namespace {

Int dec(const char* s) { return Int(s); }

/// |a − b| as a rational, for the chain's `abs_diff(…) < SqrtPrice::from_num(eps)` checks.
Rational abs_diff(U64F64 a, const Rational& b)
{
    const Rational d = a.to_rational() - b;
    return d < 0 ? Rational(-d) : d;
}

/// The chain's `SqrtPrice::from_num(x)` of an f64 literal, exactly (FIX-002).
Rational f64(double x) { return U64F64::from_f64(x).to_rational(); }

}  // namespace

/// @rule TICK-001
TEST(tick, sqrt_ratio_at_tick_values_of_the_chain)
{
    const std::vector<std::pair<tick::i32, const char*>> cases{
        {tick::MIN_TICK, "4295128739"},
        {tick::MIN_TICK + 1, "4295343490"},
        {tick::MAX_TICK - 1, "1461373636630004318706518188784493106690254656249"},
        {tick::MAX_TICK, "1461446703485210103287273052203988822378723970342"},
        {50, "79426470787362580746886972461"},
        {100, "79625275426524748796330556128"},
        {250, "80224679980005306637834519095"},
        {500, "81233731461783161732293370115"},
        {1000, "83290069058676223003182343270"},
        {2500, "89776708723587163891445672585"},
        {3000, "92049301871182272007977902845"},
        {4000, "96768528593268422080558758223"},
        {5000, "101729702841318637793976746270"},
        {50000, "965075977353221155028623082916"},
        {150000, "143194173941309278083010301478497"},
        {250000, "21246587762933397357449903968194344"},
        {500000, "5697689776495288729098254600827762987878"},
        {738203, "847134979253254120489401328389043031315994541"},
    };
    for (const auto& [t, want] : cases)
        EXPECT_EQ(tick::get_sqrt_ratio_at_tick(t), dec(want)) << "tick " << t;
    EXPECT_EQ(tick::get_sqrt_ratio_at_tick(tick::MIN_TICK), tick::min_sqrt_ratio());
    EXPECT_FALSE(tick::get_sqrt_ratio_at_tick(tick::MAX_TICK + 1));
    EXPECT_FALSE(tick::get_sqrt_ratio_at_tick(tick::MIN_TICK - 1));
    // −i32::MIN does not fit an i32: the fuzz target's first seed found the reference negating
    // it; out of range like any other tick beyond MIN_TICK.
    EXPECT_FALSE(tick::get_sqrt_ratio_at_tick(std::numeric_limits<tick::i32>::min()));
    EXPECT_FALSE(tick::get_sqrt_ratio_at_tick(std::numeric_limits<tick::i32>::max()));
}

/// @rule TICK-002
TEST(tick, tick_at_sqrt_ratio_of_the_chain)
{
    EXPECT_FALSE(tick::get_tick_at_sqrt_ratio(tick::min_sqrt_ratio() - 1));  // too low
    EXPECT_FALSE(tick::get_tick_at_sqrt_ratio(tick::max_sqrt_ratio()));      // too high
    EXPECT_EQ(tick::get_tick_at_sqrt_ratio(tick::min_sqrt_ratio()), tick::MIN_TICK);
    EXPECT_EQ(tick::get_tick_at_sqrt_ratio(dec("4295343490")), tick::MIN_TICK + 1);
    // test_roundtrip
    for (const tick::i32 t : {tick::MIN_TICK + 1, -1000, -100, -10, -4, -2, 0, 2, 4, 10, 100, 1000, tick::MAX_TICK - 1})
        EXPECT_EQ(tick::get_tick_at_sqrt_ratio(*tick::get_sqrt_ratio_at_tick(t)), t) << "tick " << t;
}

/// @rule TICK-002
TEST(tick, tick_at_sqrt_ratio_is_the_greatest_tick_at_or_below)
{
    // Derived from TICK-001's monotonicity: just below a tick's price the answer is the tick
    // before, at the price the tick itself. Every 997th tick of the range, both sides.
    for (tick::i32 t = tick::MIN_TICK + 1; t < tick::MAX_TICK; t += 997) {
        const Int p = *tick::get_sqrt_ratio_at_tick(t);
        EXPECT_EQ(tick::get_tick_at_sqrt_ratio(p), t);
        EXPECT_EQ(tick::get_tick_at_sqrt_ratio(p - 1), t - 1);
    }
}

/// @rule TICK-001
TEST(tick, sqrt_ratio_is_the_real_square_root_price_to_2_pow_minus_64)
{
    // The exact value V = 2^96·1.0001^(t/2) (BIGM-007 enclosure at scale 2^96). The chain's
    // factors for the high bits of |t| are small numbers in Q128.128 (2^-38 for bit 19) and
    // carry fewer significant bits, so the relative error grows with |t|: measured 2^-97 at
    // t = 50, 2^-92 at 500 000, 2^-75 at 738 203 and 2^-64.9 at MAX_TICK (Python decimal, 120
    // digits). The bound |got − V| ≤ V·2^-64 + 2 holds at every tick tested, the final rounding
    // up included.
    for (const tick::i32 t :
         {tick::MIN_TICK, -500000, -10000, -2, 0, 1, 2, 50, 10000, 500000, 738203, tick::MAX_TICK}) {
        const tick::i32 a = t < 0 ? -t : t;
        const auto iv = bigmath::pow_ratio_reference(t < 0 ? Int(10000) : Int(10001), t < 0 ? Int(10001) : Int(10000),
                                                     Int(a), Int(2), Int(1) << 96, 256);
        const Int got = *tick::get_sqrt_ratio_at_tick(t);
        const Int slack = (iv.hi >> 64) + 2;
        EXPECT_LE(got, iv.hi + slack) << "tick " << t;
        EXPECT_GE(got + slack, iv.lo) << "tick " << t;
    }
}

/// @rule TICK-003
TEST(tick, q64_96_and_u64f64)
{
    // test_u256_to_u64f64_q64_96: 2^96 is 1.0 and back.
    const Int one_q96 = Int(1) << 96;
    const auto one = tick::q64_96_to_u64f64(one_q96);
    ASSERT_TRUE(one);
    EXPECT_EQ(*one, U64F64::one());
    EXPECT_EQ(tick::u64f64_to_q64_96(*one), one_q96);
    // Dropped bits round up (derived: 2^96 + 1 is one unit of 2^-96 above 1.0, so 1.0 + 2^-64).
    EXPECT_EQ(tick::q64_96_to_u64f64(one_q96 + 1)->int_bits(), (Int(1) << 64) + 1);
    // More than 128 bits after the shift: the chain's Overflow.
    EXPECT_FALSE(tick::q64_96_to_u64f64(Int(1) << 160));
    EXPECT_TRUE(tick::q64_96_to_u64f64((Int(1) << 160) - (Int(1) << 32)));
}

/// @rule TICK-004 TICK-005
TEST(tick, tick_index_to_sqrt_price_of_the_chain)
{
    EXPECT_FALSE(tick::try_to_sqrt_price(tick::MIN_TICK));
    EXPECT_FALSE(tick::try_to_sqrt_price(tick::MAX_TICK));
    const Rational micro = f64(1e-6), eps10 = f64(1e-10);
    EXPECT_LT(abs_diff(*tick::try_to_sqrt_price(tick::MAX_INDEX),
                       tick::as_sqrt_price_bounded(tick::MAX_INDEX + 1).to_rational()),
              micro);
    EXPECT_LT(abs_diff(*tick::try_to_sqrt_price(tick::MIN_INDEX),
                       tick::as_sqrt_price_bounded(tick::MIN_INDEX - 1).to_rational()),
              micro);
    EXPECT_EQ(*tick::try_to_sqrt_price(0), U64F64::one());
    const Rational spacing = f64(1.0001);
    EXPECT_LT(abs_diff(*tick::try_to_sqrt_price(2), spacing), eps10);
    EXPECT_LT(abs_diff(*tick::try_to_sqrt_price(4), spacing * spacing), eps10);
    Rational fifth = 1;
    for (int i = 0; i < 5; ++i)
        fifth *= spacing;
    EXPECT_LT(abs_diff(*tick::try_to_sqrt_price(10), fifth), eps10);
}

/// @rule TICK-004 TICK-005
TEST(tick, sqrt_price_to_tick_index_of_the_chain)
{
    EXPECT_EQ(tick::try_from_sqrt_price(U64F64::one()), 0);
    const Rational spacing = f64(1.0001), eps = f64(0.0000000000000001);
    EXPECT_LT(abs_diff(tick::as_sqrt_price_bounded(2), spacing), eps);
    EXPECT_LT(abs_diff(tick::as_sqrt_price_bounded(4), spacing * spacing), eps);
    Rational fifth = 1;
    for (int i = 0; i < 5; ++i)
        fifth *= spacing;
    EXPECT_LT(abs_diff(tick::as_sqrt_price_bounded(10), fifth), eps);
    // test_roundtrip_tick_index_sqrt_price
    for (const tick::i32 t : {tick::MIN_INDEX, -1000, -100, -10, -4, -2, 0, 2, 4, 10, 100, 1000, tick::MAX_INDEX})
        EXPECT_EQ(tick::try_from_sqrt_price(*tick::try_to_sqrt_price(t)), t) << "index " << t;
    // test_tick_price_sanity_check
    const Rational min_price = tick::try_to_sqrt_price(tick::MIN_INDEX)->to_rational();
    const Rational max_price = tick::try_to_sqrt_price(tick::MAX_INDEX)->to_rational();
    EXPECT_GT(min_price, 0);
    EXPECT_GT(max_price, min_price);
    EXPECT_LT(min_price, f64(0.000001));
    EXPECT_GT(max_price, 10);
    // test_to_sqrt_price_bounded
    EXPECT_EQ(tick::as_sqrt_price_bounded(tick::MAX_INDEX), *tick::try_to_sqrt_price(tick::MAX_INDEX));
    EXPECT_EQ(tick::as_sqrt_price_bounded(tick::MIN_INDEX), *tick::try_to_sqrt_price(tick::MIN_INDEX));
}

/// @rule TICK-005
TEST(tick, bounded_conversions_clamp_to_the_index_range)
{
    // Derived: outside the index range the bounded conversions answer the range's ends.
    EXPECT_EQ(tick::as_sqrt_price_bounded(tick::MAX_INDEX + 1), tick::max_sqrt_price());
    EXPECT_EQ(tick::as_sqrt_price_bounded(tick::MIN_INDEX - 1), tick::min_sqrt_price());
    EXPECT_EQ(tick::from_sqrt_price_bounded(U64F64::from_int_bits(Int(1) << 127).value()), tick::MAX_INDEX);
    EXPECT_EQ(tick::from_sqrt_price_bounded(U64F64::from_int_bits(Int(1)).value()), tick::MIN_INDEX);
    EXPECT_EQ(tick::from_sqrt_price_bounded(U64F64::one()), 0);
}

/// @rule FIX-013
TEST(tick, checked_sqrt_by_bisection)
{
    const U64F64 eps = U64F64::from_f64(0.000000000001);
    // Derived: 1 and 4 are found at once (the first middle is the root, v / middle = middle).
    EXPECT_EQ(U64F64::one().checked_sqrt(eps), U64F64::one());
    EXPECT_EQ(U64F64::saturating_from_u64(4).checked_sqrt(eps), U64F64::saturating_from_u64(2));
    // Derived: for 0 the bisection halves [0, 1] until the middle is at most epsilon:
    // 2^-40 ≈ 9.1e-13 ≤ 10^-12 < 2^-39, so the "root" of 0 is 2^-40, not 0.
    EXPECT_EQ(U64F64::zero().checked_sqrt(eps)->int_bits(), Int(1) << 24);
    // Within epsilon of the real root where the bisection converges (v / m − m and m − √v
    // differ by a factor of about 2√v).
    for (const u64 v : {2ULL, 3ULL, 1000ULL, 123456789ULL}) {
        const Rational m = U64F64::saturating_from_u64(v).checked_sqrt(eps)->to_rational();
        EXPECT_LE(
            abs_diff(U64F64::saturating_from_u64(v).safe_div(*U64F64::from_int_bits(floor(m * (Int(1) << 64)))), m),
            eps.to_rational())
            << v;
    }
}

/// @rule TICK-006
TEST(tick, v3_initialisation_of_the_chain)
{
    // test_swap_initialization: the mock's netuid 1 has τ = 10^12, α = 4·10^12.
    const auto init = tick::initialize_v3(1'000'000'000'000ULL, 4'000'000'000'000ULL);
    EXPECT_LT(abs_diff(init.sqrt_price, Rational(1, 2)), f64(0.000000001));
    EXPECT_EQ(init.tick, tick::from_sqrt_price_bounded(U64F64::from_f64(0.5)));
    EXPECT_EQ(init.liquidity, 2'000'000'000'000ULL);  // ⌊√(4·10^24)⌋
    // Derived: equal reserves give the root 1 exactly, tick 0; no TAO gives the bisection's
    // 2^-40 (FIX-013), far below the lowest index, so the tick is MIN_INDEX and the price is
    // clamped to that index's; no alpha gives price 0 (`safe_div`) and the same.
    const auto even = tick::initialize_v3(5'000'000'000ULL, 5'000'000'000ULL);
    EXPECT_EQ(even.sqrt_price, U64F64::one());
    EXPECT_EQ(even.tick, 0);
    EXPECT_EQ(even.liquidity, 5'000'000'000ULL);
    for (const auto& empty : {tick::initialize_v3(0, 5'000'000'000ULL), tick::initialize_v3(5'000'000'000ULL, 0)}) {
        EXPECT_EQ(empty.tick, tick::MIN_INDEX);
        EXPECT_EQ(empty.sqrt_price, *tick::try_to_sqrt_price(tick::MIN_INDEX));
        EXPECT_EQ(empty.liquidity, 0u);
    }
}
