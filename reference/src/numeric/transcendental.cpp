// dtao-reference: substrate-fixed v0.6.0 `transcendental` (I32F32) and subtensor's safe_pow.
// SPDX-License-Identifier: Apache-2.0
//
// Upstream: encointer/substrate-fixed@d5f7036 (tag v0.6.0) src/transcendental.rs;
// RaoFoundation/subtensor@f8ff769 pallets/subtensor/src/coinbase/subnet_emissions.rs.
// Spec: spec/fixed.md FIX-011, FIX-012.
#include "dtao/numeric/transcendental.hpp"

namespace dtao::transcendental {

using fixed::I32F32;

namespace {

constexpr i64 ONE_BITS = I32F32::one_bits;
constexpr i64 TWO_BITS = 2 * ONE_BITS;

/// The crate's `rs`: a halving that rounds half up, (x >> 1) + (x & lsb).
/// Applied repeatedly it is not a single shift: 2^34 − 1 reaches 2^32 in two
/// steps, so log2 counts 2 whole bits for a value just below 4.
constexpr i64 rs(i64 x) noexcept { return (x >> 1) + (x & 1); }

/// `log2_inner` for x ≥ 1; the caller guarantees it.
i64 log2_inner(i64 x) noexcept
{
    i64 result = 0;
    while (x >= TWO_BITS) {
        result += 1;
        x = rs(x);
    }
    // `D::from_num(result)`: the count is still an integer, not yet bits.
    if (x == ONE_BITS)
        return result * ONE_BITS;
    for (unsigned i = 0; i < I32F32::frac_bits; ++i) {
        // `x *= x` is the unchecked Mul (floor); x < 2 so the square fits.
        x = static_cast<i64>((static_cast<i128>(x) * x) >> 32);
        result <<= 1;
        if (x >= TWO_BITS) {
            result |= 1;
            x = rs(x);
        }
    }
    return result;
}

}  // namespace

std::optional<I32F32> log2(I32F32 x) noexcept
{
    if (x.bits <= 0)
        return std::nullopt;
    if (x.bits < ONE_BITS) {
        const auto inverse = I32F32::one().checked_div(x);
        if (!inverse)
            return std::nullopt;
        return I32F32::from_bits(-log2_inner(inverse->bits));
    }
    return I32F32::from_bits(log2_inner(x.bits));
}

std::optional<I32F32> ln(I32F32 x) noexcept
{
    const auto l = log2(x);
    if (!l)
        return std::nullopt;
    // Plain `/` (no overflow possible: |log2| < 32 and LOG2_E > 1): truncation
    // toward zero, so ln of x < 1 is rounded up, not down.
    return I32F32::from_bits(static_cast<i64>((static_cast<i128>(l->bits) * (i128{1} << 32)) / LOG2_E.bits));
}

std::optional<I32F32> exp(I32F32 x) noexcept
{
    // Both shortcuts compare exactly against the I9F23 constants ZERO and ONE;
    // e^1 is therefore the 23-bit E, while e^-1 runs the series.
    if (x.bits == 0)
        return I32F32::one();
    if (x.bits == ONE_BITS)
        return E;
    const bool neg = x.bits < 0;
    if (neg) {
        const auto n = x.checked_neg();
        if (!n)
            return std::nullopt;
        x = *n;
    }
    auto result = x.checked_add(I32F32::one());
    if (!result)
        return std::nullopt;
    I32F32 term = x;
    // `for i in 2..D::frac_nbits()`: terms x^2/2! … x^31/31!, each from the
    // previous by a floor multiply then a truncating divide. Overflow of the
    // product term·x (before the divide) is an error even when the final sum
    // would fit, which sets the failure threshold near |x| ≈ 21.
    for (std::int32_t i = 2; i < static_cast<std::int32_t>(I32F32::frac_bits); ++i) {
        const auto prod = term.checked_mul(x);
        if (!prod)
            return std::nullopt;
        const auto quot = prod->checked_div(I32F32::from_int(i));
        if (!quot)
            return std::nullopt;
        term = *quot;
        result = result->checked_add(term);
        if (!result)
            return std::nullopt;
    }
    if (neg)
        return I32F32::one().checked_div(*result);
    return result;
}

fixed::U64F64 safe_pow(fixed::U64F64 val, fixed::U64F64 p) noexcept
{
    const auto val_ln = ln(I32F32::saturating_from(val));
    if (!val_ln)
        return fixed::U64F64::zero();
    // `I32F32::saturating_from_num(i32::MAX)` is 2^31 − 1 exactly, one below
    // I32F32::MAX's integer part, and is what an exp failure yields — also for
    // a hugely negative argument, where the true power is ~0.
    const I32F32 exp_fallback = I32F32::from_int(std::numeric_limits<std::int32_t>::max());
    const auto e = exp(I32F32::saturating_from(p).saturating_mul(*val_ln));
    return e.value_or(exp_fallback).saturating_to_u64f64();
}

}  // namespace dtao::transcendental
