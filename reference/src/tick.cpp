// dtao-reference: the tick math of the v3 pool (dtao/tick.hpp, spec/tick.md).
// SPDX-License-Identifier: Apache-2.0
#include "dtao/tick.hpp"

#include <array>
#include <cstdlib>

namespace dtao::tick {

namespace {

/// A U256 constant from alloy's little-endian 64-bit limbs.
Int limbs(u64 l0, u64 l1, u64 l2 = 0) { return (Int(l2) << 128) | (Int(l1) << 64) | Int(l0); }

const Int TWO_128 = Int(1) << 128;
const Int U256_MAX = (Int(1) << 256) - 1;

/// 2^128/√(1.0001^(2^k)) for bit k = 1 … 19 of |tick|, rounded as Uniswap's TickMath has them.
const std::array<Int, 19>& factors()
{
    static const std::array<Int, 19> f{
        limbs(6459403834229662010ULL, 18444899583751176498ULL),
        limbs(17226890335427755468ULL, 18443055278223354162ULL),
        limbs(2032852871939366096ULL, 18439367220385604838ULL),
        limbs(14545316742740207172ULL, 18431993317065449817ULL),
        limbs(5129152022828963008ULL, 18417254355718160513ULL),
        limbs(4894419605888772193ULL, 18387811781193591352ULL),
        limbs(1280255884321894483ULL, 18329067761203520168ULL),
        limbs(15924666964335305636ULL, 18212142134806087854ULL),
        limbs(8010504389359918676ULL, 17980523815641551639ULL),
        limbs(10668036004952895731ULL, 17526086738831147013ULL),
        limbs(4878133418470705625ULL, 16651378430235024244ULL),
        limbs(9537173718739605541ULL, 15030750278693429944ULL),
        limbs(9972618978014552549ULL, 12247334978882834399ULL),
        limbs(10428997489610666743ULL, 8131365268884726200ULL),
        limbs(9305304367709015974ULL, 3584323654723342297ULL),
        limbs(14301143598189091785ULL, 696457651847595233ULL),
        limbs(7393154844743099908ULL, 26294789957452057ULL),
        limbs(2209338891292245656ULL, 37481735321082ULL),
        limbs(10518117631919034274ULL, 76158723ULL),
    };
    return f;
}

/// log_sqrt(1.0001)(2)·2^64 and the error bounds of the tick estimate (alloy I256 constants).
const Int& sqrt_10001()
{
    static const Int v = limbs(11745905768312294533ULL, 13863ULL);
    return v;
}
const Int& tick_low_error()
{
    static const Int v = limbs(6552757943157144234ULL, 184476617836266586ULL);
    return v;
}
const Int& tick_high_error()
{
    static const Int v = limbs(4998474450511881007ULL, 15793544031827761793ULL);
    return v;
}

unsigned msb(const Int& v) { return static_cast<unsigned>(boost::multiprecision::msb(v)); }

i32 to_i32(const Int& v) { return static_cast<i32>(v.convert_to<long long>()); }

}  // namespace

const Int& min_sqrt_ratio()
{
    static const Int v(4295128739ULL);
    return v;
}

const Int& max_sqrt_ratio()
{
    static const Int v = limbs(6743328256752651558ULL, 17280870778742802505ULL, 4294805859ULL);
    return v;
}

std::optional<Int> get_sqrt_ratio_at_tick(i32 tick)
{
    // In 64 bits: −i32::MIN does not fit an i32 (Rust's `tick.neg()` would overflow there; the
    // pallet never passes it, its indices being bounded). It is out of range either way.
    const std::int64_t abs_tick = tick < 0 ? -static_cast<std::int64_t>(tick) : tick;
    if (abs_tick > MAX_TICK)
        return std::nullopt;
    // TICK-001: ratio < 2^128·(1 + 2^-64) and each factor < 2^128, so the chain's saturating_mul
    // never saturates and the product is exact in 256 bits.
    Int ratio = (abs_tick & 1) != 0 ? limbs(12262481743371124737ULL, 18445821805675392311ULL) : TWO_128;
    for (unsigned k = 1; k < 20; ++k)
        if ((abs_tick & (std::int64_t{1} << k)) != 0)
            ratio = (ratio * factors()[k - 1]) >> 128;
    if (tick > 0)
        ratio = U256_MAX / ratio;
    // TICK-001: Q128.128 to Q64.96, rounded up
    const Int shifted = ratio >> 32;
    return (ratio & ((Int(1) << 32) - 1)) != 0 ? Int(shifted + 1) : shifted;
}

std::optional<i32> get_tick_at_sqrt_ratio(const Int& sqrt_price_x96)
{
    if (!(sqrt_price_x96 >= min_sqrt_ratio() && sqrt_price_x96 < max_sqrt_ratio()))
        return std::nullopt;
    const Int ratio = sqrt_price_x96 << 32;  // < 2^192
    // TICK-002: the chain's cascade of comparisons finds the most significant bit of `ratio`.
    const unsigned m = msb(ratio);
    Int r = m >= 128 ? Int(ratio >> (m - 127)) : Int(ratio << (127 - m));
    // log2(ratio / 2^128) in Q64.64; the fraction bits 63 … 50 by repeated squaring. The low
    // 64 bits of (m − 128)·2^64 are zero in two's complement too, so the chain's OR is a sum.
    Int log_2 = (Int(static_cast<long long>(m)) - 128) << 64;
    for (int i = 63; i >= 50; --i) {
        r = (r * r) >> 127;  // r ∈ [2^127, 2^128) here, so r·r fits the chain's 256 bits
        const Int f = r >> 128;
        log_2 += f << i;
        r >>= static_cast<unsigned>(f.convert_to<unsigned>());
    }
    // TICK-002: log_sqrt(1.0001) of the ratio in Q128.128, then the two candidate ticks (I256 `>>`
    // is arithmetic: floor).
    const Int log_sqrt10001 = log_2 * sqrt_10001();
    const i32 tick_low = to_i32(floor_div(log_sqrt10001 - tick_low_error(), TWO_128));
    const i32 tick_high = to_i32(floor_div(log_sqrt10001 + tick_high_error(), TWO_128));
    if (tick_low == tick_high)
        return tick_low;
    const auto at_high = get_sqrt_ratio_at_tick(tick_high);
    if (!at_high)
        return std::nullopt;
    return *at_high <= sqrt_price_x96 ? tick_high : tick_low;
}

Int u64f64_to_q64_96(fixed::U64F64 v) { return v.int_bits() << 32; }

std::optional<fixed::U64F64> q64_96_to_u64f64(const Int& v)
{
    const Int shifted = v >> 32;
    const Int rounded = (v & ((Int(1) << 32) - 1)) != 0 ? Int(shifted + 1) : shifted;
    if ((rounded >> 128) != 0)
        return std::nullopt;
    return fixed::U64F64::from_int_bits(rounded);
}

std::optional<fixed::U64F64> try_to_sqrt_price(i32 index)
{
    if (index < MIN_INDEX || index > MAX_INDEX)
        return std::nullopt;
    const auto ratio = get_sqrt_ratio_at_tick(index);
    if (!ratio)
        return std::nullopt;
    return q64_96_to_u64f64(*ratio);
}

std::optional<i32> try_from_sqrt_price(fixed::U64F64 sqrt_price)
{
    const Int x = u64f64_to_q64_96(sqrt_price);
    const auto estimate = get_tick_at_sqrt_ratio(x);
    if (!estimate)
        return std::nullopt;
    i32 tick = *estimate;
    // TICK-004: the estimate checked in both directions
    const auto at = get_sqrt_ratio_at_tick(tick);
    if (!at)
        return std::nullopt;
    if (*at > x) {
        tick -= 1;
    } else {
        const auto above = get_sqrt_ratio_at_tick(tick + 1);
        if (!above)
            return std::nullopt;
        if (*above <= x)
            tick += 1;
    }
    if (tick < MIN_INDEX || tick > MAX_INDEX)
        return std::nullopt;
    return tick;
}

fixed::U64F64 min_sqrt_price()
{
    static const fixed::U64F64 v = fixed::U64F64::from_f64(0.0000000002328350195);
    return v;
}

fixed::U64F64 max_sqrt_price()
{
    static const fixed::U64F64 v = fixed::U64F64::from_f64(4294886577.20989222513899790805);
    return v;
}

fixed::U64F64 as_sqrt_price_bounded(i32 index)
{
    if (const auto p = try_to_sqrt_price(index))
        return *p;
    return index >= MAX_INDEX ? max_sqrt_price() : min_sqrt_price();
}

i32 from_sqrt_price_bounded(fixed::U64F64 sqrt_price)
{
    if (const auto t = try_from_sqrt_price(sqrt_price))
        return *t;
    return sqrt_price > as_sqrt_price_bounded(MAX_INDEX) ? MAX_INDEX : MIN_INDEX;
}

V3Init initialize_v3(u64 tao_reserve, u64 alpha_reserve)
{
    using fixed::U64F64;
    const U64F64 price = U64F64::saturating_from_u64(tao_reserve).safe_div(U64F64::saturating_from_u64(alpha_reserve));
    // `U64F64::saturating_from_num(0.000000000001)`, an f64 literal (FIX-002)
    static const U64F64 epsilon = U64F64::from_f64(0.000000000001);
    V3Init out;
    out.sqrt_price = price.checked_sqrt(epsilon).value_or(U64F64::zero());
    out.tick = from_sqrt_price_bounded(out.sqrt_price);
    // TICK-006: adding the protocol's position clamps the price at the ends of the index range
    if (out.tick >= MAX_INDEX || out.tick <= MIN_INDEX)
        out.sqrt_price = as_sqrt_price_bounded(out.tick);
    // `helpers_128bit::sqrt` is the integer square root, rounded down
    out.liquidity = boost::multiprecision::sqrt(Int(tao_reserve) * alpha_reserve).convert_to<u64>();
    return out;
}

}  // namespace dtao::tick
