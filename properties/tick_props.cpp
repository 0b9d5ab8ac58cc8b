/// The v3 pool's tick math (@rule TICK-001 TICK-002 TICK-004): prices increase with the tick;
/// the tick of a price is the greatest tick whose price is at most it, everywhere in the range
/// (the chain's log estimate and its correction step together); and the pallet's index of a
/// U64F64 price brackets it between the index's price and the next one's [chain]. The mutation
/// check rounds the tick to the nearest instead of down, as a port through a floating log might.
// SPDX-License-Identifier: Apache-2.0
#include "generators.hpp"
#include "prop_support.hpp"

#include "dtao/tick.hpp"

#include <functional>
#include <optional>

namespace dtao::prop {

namespace {

using TickFn = std::function<std::optional<tick::i32>(const Int&)>;

/// A Q64.96 price in range: between a random tick's price and the next one's, or at a tick.
rc::Gen<Int> sqrt_ratio_in_range()
{
    return rc::gen::map(
        rc::gen::tuple(rc::gen::inRange<tick::i32>(tick::MIN_TICK, tick::MAX_TICK), rc::gen::inRange<int>(0, 1001)),
        [](const std::tuple<tick::i32, int>& g) {
            const auto [t, per_mille] = g;
            const Int lo = *tick::get_sqrt_ratio_at_tick(t);
            const Int hi = *tick::get_sqrt_ratio_at_tick(t + 1);
            const Int x = lo + (hi - lo) * per_mille / 1000;
            return x < tick::max_sqrt_ratio() ? x : Int(tick::max_sqrt_ratio() - 1);
        });
}

void prop_greatest_tick_at_or_below(const TickFn& tick_at, const Int& x)
{
    const auto t = tick_at(x);
    RC_ASSERT(t.has_value());
    RC_ASSERT(*tick::get_sqrt_ratio_at_tick(*t) <= x);
    RC_ASSERT(*t == tick::MAX_TICK || x < *tick::get_sqrt_ratio_at_tick(*t + 1));
}

/// TICK-002 rounded to the nearest tick instead of down.
TickFn mutant_nearest_tick()
{
    return [](const Int& x) -> std::optional<tick::i32> {
        const auto t = tick::get_tick_at_sqrt_ratio(x);
        if (!t || *t == tick::MAX_TICK)
            return t;
        const Int lo = *tick::get_sqrt_ratio_at_tick(*t), hi = *tick::get_sqrt_ratio_at_tick(*t + 1);
        return hi - x < x - lo ? *t + 1 : *t;
    };
}

}  // namespace

RC_GTEST_PROP(tick, tick_001_prices_increase_with_the_tick, ())
{
    const auto t = *rc::gen::inRange<tick::i32>(tick::MIN_TICK, tick::MAX_TICK);
    RC_ASSERT(*tick::get_sqrt_ratio_at_tick(t) < *tick::get_sqrt_ratio_at_tick(t + 1));
}

RC_GTEST_PROP(tick, tick_002_greatest_tick_at_or_below, ())
{
    prop_greatest_tick_at_or_below([](const Int& x) { return tick::get_tick_at_sqrt_ratio(x); },
                                   *sqrt_ratio_in_range());
}

RC_GTEST_PROP(tick, tick_004_index_brackets_the_price, ())
{
    const auto i = *rc::gen::inRange<tick::i32>(tick::MIN_INDEX, tick::MAX_INDEX);
    const fixed::U64F64 lo = *tick::try_to_sqrt_price(i);
    const fixed::U64F64 hi = *tick::try_to_sqrt_price(i + 1);
    RC_ASSERT(tick::try_from_sqrt_price(lo) == std::optional<tick::i32>(i));
    // a price inside [lo, hi): the same index (TICK-003 rounds the index's price up, so lo is
    // the least U64F64 price of the index)
    const Int offset = (hi.int_bits() - lo.int_bits()) * *rc::gen::inRange<int>(0, 1000) / 1000;
    const auto p = fixed::U64F64::from_int_bits(lo.int_bits() + offset).value();
    RC_ASSERT(tick::try_from_sqrt_price(p) == std::optional<tick::i32>(i));
}

TEST(mutation, tick_rounded_to_the_nearest_is_caught)
{
    expect_failure(
        "mutant (nearest tick): greatest tick at or below",
        [] { prop_greatest_tick_at_or_below(mutant_nearest_tick(), *sqrt_ratio_in_range()); }, 200);
}

}  // namespace dtao::prop
