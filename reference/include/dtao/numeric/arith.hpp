// dtao-reference: integer vocabulary shared by both arithmetic models.
// SPDX-License-Identifier: Apache-2.0
//
// The chain stores every amount as a u64 and updates storage with Rust's
// `saturating_*` operations; the exact model uses unbounded integers and
// rationals. Rounding is always spelled as a named helper so that a reader
// never has to guess what a bare `/` does. Spec: spec/arithmetic.md (ARITH-*).
#pragma once

#include <boost/multiprecision/cpp_int.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace dtao {

using u64 = std::uint64_t;
using i64 = std::int64_t;
using u128 = unsigned __int128;
using i128 = __int128;

/// Unbounded signed integer of the exact model.
using Int = boost::multiprecision::cpp_int;
/// Exact rational of the exact model (always normalised, denominator > 0).
using Rational = boost::multiprecision::cpp_rational;

inline constexpr u64 U64_MAX = std::numeric_limits<u64>::max();

// ---------------------------------------------------------------- u64 (chain)

/// @rule ARITH-001  u64 `saturating_add`: clamps at u64::MAX.
[[nodiscard]] constexpr u64 sat_add(u64 a, u64 b) noexcept
{
    u64 r = 0;
    return __builtin_add_overflow(a, b, &r) ? U64_MAX : r;
}

/// @rule ARITH-001  u64 `saturating_sub`: clamps at 0.
[[nodiscard]] constexpr u64 sat_sub(u64 a, u64 b) noexcept { return a > b ? a - b : 0; }

/// @rule ARITH-001  u64 `saturating_mul`: clamps at u64::MAX.
[[nodiscard]] constexpr u64 sat_mul(u64 a, u64 b) noexcept
{
    u64 r = 0;
    return __builtin_mul_overflow(a, b, &r) ? U64_MAX : r;
}

/// @rule ARITH-001  u128 `saturating_mul`.
[[nodiscard]] constexpr u128 sat_mul_u128(u128 a, u128 b) noexcept
{
    if (a == 0 || b == 0)
        return 0;
    const u128 max = ~u128{0};
    return a > max / b ? max : a * b;
}

/// @rule ARITH-001  u128 `saturating_add` (`SubnetVolume`).
[[nodiscard]] constexpr u128 sat_add_u128(u128 a, u128 b) noexcept { return a > ~u128{0} - b ? ~u128{0} : a + b; }

/// @rule ARITH-001  u128 `saturating_sub`.
[[nodiscard]] constexpr u128 sat_sub_u128(u128 a, u128 b) noexcept { return a > b ? a - b : 0; }

/// Integer division rounding toward −∞ for non-negative operands; the chain's
/// `u64 / u64` and `u128 / u128`. Division by zero is a caller bug.
[[nodiscard]] constexpr u128 floor_div(u128 a, u128 b) noexcept { return a / b; }

/// Rust's `a.safe_div(b)` on unsigned integers (subtensor `primitives/safe-math`):
/// the floor quotient, or 0 when b = 0.
[[nodiscard]] constexpr u128 safe_div_int(u128 a, u128 b) noexcept { return b == 0 ? 0 : a / b; }

/// u128 → u64 clamped at u64::MAX (Rust `u64::try_from(x).unwrap_or(u64::MAX)` and
/// `.min(u64::MAX as u128) as u64`).
[[nodiscard]] constexpr u64 clamp_to_u64(u128 v) noexcept { return v > U64_MAX ? U64_MAX : static_cast<u64>(v); }

// ---------------------------------------------------------------- exact model

/// floor(a / b) for any signs; b ≠ 0. Boost's `/` truncates toward zero.
[[nodiscard]] inline Int floor_div(const Int& a, const Int& b)
{
    Int q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

/// ceil(a / b) for any signs; b ≠ 0.
[[nodiscard]] inline Int ceil_div(const Int& a, const Int& b) { return -floor_div(-a, b); }

/// floor of a rational.
[[nodiscard]] inline Int floor(const Rational& r)
{
    return floor_div(boost::multiprecision::numerator(r), boost::multiprecision::denominator(r));
}

/// Narrow an exact integer to u64, throwing when it does not fit: an overflow
/// here is a bug in a rule's domain argument, never something to wrap.
[[nodiscard]] inline u64 to_u64_checked(const Int& v)
{
    if (v < 0 || v > Int(U64_MAX))
        throw std::overflow_error("value " + v.str() + " does not fit in u64");
    return v.convert_to<u64>();
}

/// Clamp an exact integer into [0, u64::MAX], the exact analogue of a u64
/// saturating store.
[[nodiscard]] inline u64 to_u64_saturating(const Int& v)
{
    if (v < 0)
        return 0;
    if (v > Int(U64_MAX))
        return U64_MAX;
    return v.convert_to<u64>();
}

[[nodiscard]] inline Int to_int(u128 v)
{
    Int r = static_cast<u64>(v >> 64);
    r <<= 64;
    r += static_cast<u64>(v);
    return r;
}

/// Low 128 bits of a non-negative exact integer known to be < 2^128.
[[nodiscard]] inline u128 to_u128(const Int& v)
{
    const Int lo_mask = (Int(1) << 64) - 1;
    const u64 lo = Int(v & lo_mask).convert_to<u64>();
    const u64 hi = Int((v >> 64) & lo_mask).convert_to<u64>();
    return (static_cast<u128>(hi) << 64) | lo;
}

[[nodiscard]] inline Rational rational(const Int& p, const Int& q = 1) { return Rational(p, q); }

/// Canonical text of a rational: "p" when integral, else "p/q" in lowest terms.
[[nodiscard]] inline std::string to_string(const Rational& r)
{
    const Int& q = boost::multiprecision::denominator(r);
    if (q == 1)
        return boost::multiprecision::numerator(r).str();
    return boost::multiprecision::numerator(r).str() + "/" + q.str();
}

}  // namespace dtao
