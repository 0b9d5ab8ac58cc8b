// dtao-reference: block emission and halving.
// SPDX-License-Identifier: Apache-2.0
#include "dtao/emission.hpp"

#include "dtao/constants.hpp"

namespace dtao {

namespace chain {

using fixed::I96F32;

namespace {

/// The library's `rs`: shift right by one bit *with rounding* (adds the bit
/// shifted out back in), on raw bits.
constexpr I96F32 rs(I96F32 x) noexcept { return I96F32::from_bits((x.bits >> 1) + (x.bits & 1)); }

const I96F32 TWO = I96F32::saturating_from_u64(2);

/// The integer loop of `log2_inner`: halve with rounding while x ≥ 2. Leaves
/// x in [1, 2) and returns how many halvings it took.
u64 log2_integer_part(I96F32& x)
{
    u64 n = 0;
    while (x >= TWO) {
        ++n;
        x = rs(x);
    }
    return n;
}

/// `log2_inner` for x ≥ 1 (transcendental.rs at a4fb461).
I96F32 log2_inner(I96F32 x)
{
    i128 result = static_cast<i128>(log2_integer_part(x));
    if (x == I96F32::one())  // the library returns `from_num(result)`: an integer value
        return I96F32::saturating_from_u64(static_cast<u64>(result));
    for (unsigned i = 0; i < I96F32::frac_bits; ++i) {
        x = x.saturating_mul(x);  // x < 2 here, so x² < 4 never saturates
        result <<= 1;
        if (x >= TWO) {
            result |= 1;
            x = rs(x);
        }
    }
    return I96F32::from_bits(result);
}

/// q = I / (2.0 · 10_500_000_000_000_000.0) and 1 / (1 − q), with the chain's
/// checked operations (`None` maps to "Logarithm calculation failed").
struct InverseRemaining
{
    I96F32 q;
    I96F32 inverse;
};

std::optional<InverseRemaining> inverse_remaining(I96F32 total_issuance)
{
    static const I96F32 supply = I96F32::from_f64(2.0).saturating_mul(I96F32::from_f64(10'500'000'000'000'000.0));
    const auto q = total_issuance.checked_div(supply);
    if (!q)
        return std::nullopt;
    const auto one_minus_q = I96F32::one().checked_sub(*q);
    if (!one_minus_q)
        return std::nullopt;
    const auto inverse = I96F32::one().checked_div(*one_minus_q);
    if (!inverse)
        return std::nullopt;
    return InverseRemaining{*q, *inverse};
}

/// 10^9 / 2^k the chain's way: 2^k by repeated saturating doubling, then
/// `1.0.safe_div(2^k)` (0 once 2^k leaves I96F32), times 10^9, truncated.
u64 emission_for_halvings(u64 halvings)
{
    I96F32 multiplier = I96F32::one();
    for (u64 i = 0; i < halvings; ++i)
        multiplier = multiplier.saturating_mul(TWO);
    const I96F32 percentage = I96F32::one().safe_div(multiplier);
    return percentage.saturating_mul(I96F32::saturating_from_u64(DEFAULT_BLOCK_EMISSION)).saturating_to_u64();
}

bool at_or_above_supply(I96F32 total_issuance) { return total_issuance >= I96F32::saturating_from_u64(TOTAL_SUPPLY); }

}  // namespace

std::optional<I96F32> log2(I96F32 x)
{
    if (x.bits <= 0)
        return std::nullopt;
    if (x < I96F32::one()) {
        const auto inverse = I96F32::one().checked_div(x);
        if (!inverse)  // the library unwraps here and would panic; not reachable from the rules
            return std::nullopt;
        return I96F32::from_bits(-log2_inner(*inverse).bits);
    }
    return log2_inner(x);
}

Result<BlockEmission> block_emission(u64 issuance)
{
    BlockEmission out;
    const I96F32 total_issuance = I96F32::saturating_from_u64(issuance);
    if (at_or_above_supply(total_issuance))
        return out;
    const auto inv = inverse_remaining(total_issuance);
    if (!inv)
        return Error::logarithm_failed;
    const auto residual = log2(inv->inverse);
    if (!residual)
        return Error::logarithm_failed;
    out.q = inv->q;
    out.residual = *residual;
    out.halvings = residual->floor().saturating_to_u64();
    out.emission = emission_for_halvings(out.halvings);
    return out;
}

u64 block_emission_amount(u64 issuance)
{
    const I96F32 total_issuance = I96F32::saturating_from_u64(issuance);
    if (at_or_above_supply(total_issuance))
        return 0;
    const auto inv = inverse_remaining(total_issuance);
    if (!inv)
        return 0;
    // inverse ≥ 1, so floor(log2) is the integer loop's count: the fractional
    // loop only appends bits below the binary point.
    I96F32 x = inv->inverse;
    return emission_for_halvings(log2_integer_part(x));
}

}  // namespace chain

namespace exact {

BlockEmission block_emission(const Rational& issuance)
{
    const Rational supply = TOTAL_SUPPLY;
    if (issuance >= supply)
        return {Rational(0), 0};
    // floor(log2(r)) = floor(log2(floor(r))) for r ≥ 1, and r = S / (S − I) ≥ 1
    // (for a negative issuance, r < 1 and k = 0).
    if (issuance < 0)
        return {Rational(DEFAULT_BLOCK_EMISSION), 0};
    const Int ratio = floor(Rational(supply / (supply - issuance)));
    const u64 k = boost::multiprecision::msb(ratio);
    return {Rational(Int(DEFAULT_BLOCK_EMISSION), Int(1) << k), k};
}

}  // namespace exact

}  // namespace dtao
