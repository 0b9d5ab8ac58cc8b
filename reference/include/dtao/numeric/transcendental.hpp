// dtao-reference: substrate-fixed's I32F32 log2/ln/exp and subtensor's safe_pow.
// SPDX-License-Identifier: Apache-2.0
//
// The Hill emission gate of mainnet spec 440+ (subnet_emissions.rs,
// apply_emission_gate) raises theta/s to the power h through `safe_pow`, which
// evaluates exp(h·ln(x)) in I32F32 with the `transcendental` module of
// encointer/substrate-fixed v0.6.0 (d5f7036). Neither routine is a correctly
// rounded libm function: log2 halves with a rounding shift, ln divides by a
// 23-bit LOG2_E, and exp is a 30-term Taylor series that fails on any
// intermediate overflow. The chain's result is whatever those steps produce,
// so they are reproduced step by step on the raw 64-bit integers.
// Spec: spec/fixed.md FIX-011, FIX-012.
#pragma once

#include "dtao/numeric/arith.hpp"
#include "dtao/numeric/fixed.hpp"

#include <cstdint>
#include <limits>
#include <optional>

namespace dtao::fixed {

/// substrate-fixed `I32F32` (FixedI64<U32>): raw i64 bits, value = bits / 2^32.
/// Only the operations the transcendental routines and `safe_pow` use.
struct I32F32
{
    static constexpr unsigned frac_bits = 32;
    static constexpr i64 one_bits = i64{1} << 32;

    i64 bits = 0;

    [[nodiscard]] static constexpr I32F32 from_bits(i64 b) noexcept { return I32F32{b}; }
    [[nodiscard]] static constexpr I32F32 max() noexcept { return I32F32{std::numeric_limits<i64>::max()}; }
    [[nodiscard]] static constexpr I32F32 min() noexcept { return I32F32{std::numeric_limits<i64>::min()}; }
    [[nodiscard]] static constexpr I32F32 one() noexcept { return I32F32{one_bits}; }
    /// `I32F32::from_num(n)` for an integer that fits (|n| < 2^31).
    [[nodiscard]] static constexpr I32F32 from_int(std::int32_t n) noexcept
    {
        return I32F32{static_cast<i64>(n) * one_bits};
    }

    /// @rule FIX-011  `I32F32::saturating_from_num(U64F64)`: the 32 extra
    /// fractional bits are dropped (floor); a value ≥ 2^31 becomes MAX, not 2^31.
    [[nodiscard]] static constexpr I32F32 saturating_from(U64F64 v) noexcept
    {
        const u128 shifted = v.bits >> 32;
        if (shifted > static_cast<u128>(std::numeric_limits<i64>::max()))
            return max();
        return I32F32{static_cast<i64>(shifted)};
    }

    /// @rule FIX-011  `U64F64::saturating_from_num(I32F32)`: exact for x ≥ 0,
    /// negative → 0 (the unsigned minimum).
    [[nodiscard]] constexpr U64F64 saturating_to_u64f64() const noexcept
    {
        if (bits < 0)
            return U64F64::zero();
        return U64F64::from_bits(static_cast<u128>(bits) << 32);
    }

    /// @rule FIX-011  `checked_mul`: ⌊a·b / 2^32⌋ (arithmetic shift, toward −∞);
    /// None when that does not fit i64. The crate's i128 overflow flag on
    /// a·(b·2^32) fires exactly when the floored quotient leaves i64.
    [[nodiscard]] constexpr std::optional<I32F32> checked_mul(I32F32 o) const noexcept
    {
        const i128 q = (static_cast<i128>(bits) * o.bits) >> 32;
        if (q > std::numeric_limits<i64>::max() || q < std::numeric_limits<i64>::min())
            return std::nullopt;
        return I32F32{static_cast<i64>(q)};
    }

    /// @rule FIX-011  `saturating_mul`: checked_mul, else MIN when the operand
    /// signs differ and MAX otherwise.
    [[nodiscard]] constexpr I32F32 saturating_mul(I32F32 o) const noexcept
    {
        if (const auto r = checked_mul(o))
            return *r;
        return ((bits < 0) != (o.bits < 0)) ? min() : max();
    }

    /// @rule FIX-011  `checked_div`: a·2^32 / b truncated toward zero; None on
    /// b = 0 or when the quotient does not fit i64.
    [[nodiscard]] constexpr std::optional<I32F32> checked_div(I32F32 o) const noexcept
    {
        if (o.bits == 0)
            return std::nullopt;
        const i128 q = (static_cast<i128>(bits) * (i128{1} << 32)) / o.bits;
        if (q > std::numeric_limits<i64>::max() || q < std::numeric_limits<i64>::min())
            return std::nullopt;
        return I32F32{static_cast<i64>(q)};
    }

    /// @rule FIX-011  `checked_add`.
    [[nodiscard]] constexpr std::optional<I32F32> checked_add(I32F32 o) const noexcept
    {
        i64 r = 0;
        if (__builtin_add_overflow(bits, o.bits, &r))
            return std::nullopt;
        return I32F32{r};
    }

    /// @rule FIX-011  `checked_neg`: None only for MIN.
    [[nodiscard]] constexpr std::optional<I32F32> checked_neg() const noexcept
    {
        if (bits == std::numeric_limits<i64>::min())
            return std::nullopt;
        return I32F32{-bits};
    }

    [[nodiscard]] constexpr bool operator==(const I32F32&) const noexcept = default;
};

}  // namespace dtao::fixed

namespace dtao::transcendental {

/// The crate's constants are I9F23 (`ConstType`), cut from the 128-bit
/// `consts` by a plain right shift, i.e. truncated to 23 fractional bits.
/// consts::LOG2_E is U1F127 (>> 104), consts::E is U2F126 (>> 103).
inline constexpr std::int32_t LOG2_E_I9F23 =
    static_cast<std::int32_t>(((static_cast<u128>(0xB8AA'3B29'5C17'F0BBULL) << 64) | 0xBE87'FED0'691D'3E88ULL) >> 104);
inline constexpr std::int32_t E_I9F23 =
    static_cast<std::int32_t>(((static_cast<u128>(0xADF8'5458'A2BB'4A9AULL) << 64) | 0xAFDC'5620'273D'3CF1ULL) >> 103);
static_assert(LOG2_E_I9F23 == 12102203 && E_I9F23 == 22802600);

/// The same constants widened losslessly to I32F32 (`D::from(I9F23)`).
inline constexpr fixed::I32F32 LOG2_E = fixed::I32F32::from_bits(static_cast<i64>(LOG2_E_I9F23) << 9);
inline constexpr fixed::I32F32 E = fixed::I32F32::from_bits(static_cast<i64>(E_I9F23) << 9);

/// @rule FIX-011  `transcendental::log2::<I32F32, I32F32>`; nullopt is the
/// crate's `Err(())`: x ≤ 0, or 0 < x < 1 with 1/x not representable
/// (bits 1 and 2, i.e. x ≤ 2^-31).
[[nodiscard]] std::optional<fixed::I32F32> log2(fixed::I32F32 x) noexcept;

/// @rule FIX-011  `transcendental::ln::<I32F32, I32F32>`: log2(x) / LOG2_E,
/// the division truncating toward zero; nullopt exactly when log2 fails.
[[nodiscard]] std::optional<fixed::I32F32> ln(fixed::I32F32 x) noexcept;

/// @rule FIX-011  `transcendental::exp::<I32F32, I32F32>`: Taylor series of
/// e^|x| through the x^31/31! term, inverted for x < 0; nullopt when any
/// intermediate overflows (so also for large negative x, whose true value is
/// tiny).
[[nodiscard]] std::optional<fixed::I32F32> exp(fixed::I32F32 x) noexcept;

/// @rule FIX-012  subtensor `Pallet::safe_pow(val, p)` (subnet_emissions.rs):
/// exp(p·ln(val)) in I32F32. 0 when ln fails (val < 3·2^-32 after the cast);
/// 2^31 − 1 (`I32F32::saturating_from_num(i32::MAX)`) when exp fails.
[[nodiscard]] fixed::U64F64 safe_pow(fixed::U64F64 val, fixed::U64F64 p) noexcept;

}  // namespace dtao::transcendental
