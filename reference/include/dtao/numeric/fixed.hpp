// dtao-reference: bit-exact emulation of the substrate-fixed 128-bit types.
// SPDX-License-Identifier: Apache-2.0
//
// The chain computes every launch-era economic quantity in `substrate-fixed`
// (opentensor fork v0.5.9, a4fb461) types: I96F32, U96F32, U64F64, I64F64 and
// I110F18. This header reproduces their raw-bit semantics exactly. Spec:
// spec/fixed.md (FIX-*).
//
// Overflow is never silent. Each operation either proves its intermediate fits
// (a 256-bit product is formed explicitly; a 256-by-128 quotient falls back to
// an unbounded integer), or saturates exactly where the Rust operation
// saturates, or reports failure where the Rust operation returns `None`.
// tests/fixed_test.cpp checks every operation against its definition written
// in unbounded integers.
#pragma once

#include "dtao/numeric/arith.hpp"

#include <bit>
#include <cmath>
#include <compare>
#include <optional>
#include <string>
#include <type_traits>

namespace dtao::fixed {

namespace detail {

/// 256-bit unsigned magnitude, hi:lo.
struct U256
{
    u128 hi = 0;
    u128 lo = 0;
};

[[nodiscard]] constexpr U256 mul_wide(u128 a, u128 b) noexcept
{
    if (((a | b) >> 64) == 0)  // both below 2^64: one multiply is the whole product
        return {0, a * b};
    const u128 a0 = static_cast<u64>(a), a1 = a >> 64;
    const u128 b0 = static_cast<u64>(b), b1 = b >> 64;
    const u128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const u128 mid = (p00 >> 64) + static_cast<u64>(p01) + static_cast<u64>(p10);
    return {p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64), (mid << 64) | static_cast<u64>(p00)};
}

/// m >> s for 0 < s < 128; `inexact` tells whether any 1 bit was shifted out.
[[nodiscard]] constexpr U256 shr(U256 m, unsigned s, bool& inexact) noexcept
{
    inexact = (m.lo & ((u128{1} << s) - 1)) != 0;
    return {m.hi >> s, (m.lo >> s) | (m.hi << (128 - s))};
}

[[nodiscard]] inline Int to_int(U256 m)
{
    Int r = dtao::to_int(m.hi);
    r <<= 128;
    r += dtao::to_int(m.lo);
    return r;
}

[[nodiscard]] constexpr u128 magnitude(i128 v) noexcept
{
    return v < 0 ? u128{0} - static_cast<u128>(v) : static_cast<u128>(v);
}

}  // namespace detail

/// A substrate-fixed number: `bits` / 2^Frac, stored in a 128-bit two's
/// complement (Signed) or unsigned integer.
template <bool Signed, unsigned Frac>
struct Fixed
{
    static_assert(Frac > 0 && Frac < 128);
    using Bits = std::conditional_t<Signed, i128, u128>;
    static constexpr bool is_signed = Signed;
    static constexpr unsigned frac_bits = Frac;
    static constexpr Bits max_bits = Signed ? static_cast<Bits>(~u128{0} >> 1) : static_cast<Bits>(~u128{0});
    static constexpr Bits min_bits = Signed ? -max_bits - 1 : 0;
    /// magnitude of the most negative value (0 for unsigned types)
    static constexpr u128 neg_limit = Signed ? u128{1} << 127 : 0;

    Bits bits = 0;

    [[nodiscard]] static constexpr Fixed from_bits(Bits b) noexcept { return Fixed{b}; }
    [[nodiscard]] static constexpr Fixed max() noexcept { return Fixed{max_bits}; }
    [[nodiscard]] static constexpr Fixed zero() noexcept { return Fixed{0}; }
    [[nodiscard]] static constexpr Fixed one() noexcept { return Fixed{static_cast<Bits>(Bits{1} << Frac)}; }

    /// Build from a sign and a magnitude, clamping to the type's range
    /// (`saturating_*` semantics; negative → 0 for unsigned types).
    [[nodiscard]] static constexpr Fixed saturate(bool negative, detail::U256 mag) noexcept
    {
        if (negative) {
            if (mag.hi != 0 || mag.lo >= neg_limit)
                return Fixed{min_bits};
            return Fixed{static_cast<Bits>(u128{0} - mag.lo)};
        }
        if (mag.hi != 0 || mag.lo > static_cast<u128>(max_bits))
            return Fixed{max_bits};
        return Fixed{static_cast<Bits>(mag.lo)};
    }

    /// Build from a sign and magnitude, or nothing when out of range
    /// (`checked_*` semantics).
    [[nodiscard]] static constexpr std::optional<Fixed> fit(bool negative, detail::U256 mag) noexcept
    {
        if (negative) {
            if (mag.hi != 0 || mag.lo > neg_limit)
                return std::nullopt;
            return Fixed{static_cast<Bits>(u128{0} - mag.lo)};
        }
        if (mag.hi != 0 || mag.lo > static_cast<u128>(max_bits))
            return std::nullopt;
        return Fixed{static_cast<Bits>(mag.lo)};
    }

    [[nodiscard]] constexpr bool negative() const noexcept
    {
        if constexpr (Signed)
            return bits < 0;
        else
            return false;
    }
    [[nodiscard]] constexpr u128 mag() const noexcept
    {
        if constexpr (Signed)
            return detail::magnitude(bits);
        else
            return bits;
    }

    /// @rule FIX-001  `saturating_from_num(u64)`: bits = v·2^F, clamped.
    [[nodiscard]] static constexpr Fixed saturating_from_u64(u64 v) noexcept
    {
        const u128 m = v;
        return saturate(false, {Frac >= 64 ? (m >> (128 - Frac)) : 0, m << Frac});
    }

    /// @rule FIX-001  `saturating_from_num(u128)`.
    [[nodiscard]] static constexpr Fixed saturating_from_u128(u128 v) noexcept
    {
        return saturate(false, {v >> (128 - Frac), v << Frac});
    }

    /// @rule FIX-002  `from_num(f64)`: the double's exact binary value times
    /// 2^F, rounded to nearest with ties to even. Used for source literals;
    /// throws (it panics on chain) when the value does not fit.
    [[nodiscard]] static Fixed from_f64(double d)
    {
        if (!std::isfinite(d))
            throw std::domain_error("fixed from_f64: not finite");
        const bool neg = std::signbit(d);
        const u64 raw = std::bit_cast<u64>(std::fabs(d));
        const int biased = static_cast<int>(raw >> 52);
        u64 mant = raw & ((u64{1} << 52) - 1);
        int exp2 = -1074;
        if (biased != 0) {
            mant |= u64{1} << 52;
            exp2 = biased - 1075;
        }
        // value · 2^F = mant · 2^shift with mant < 2^53, in native 128-bit arithmetic.
        const int shift = exp2 + static_cast<int>(Frac);
        u128 m = 0;
        if (shift >= 0) {
            // Does mant · 2^shift reach 2^128? (`fit` below checks the type's own range.)
            if (mant != 0 && (shift >= 128 || (shift > 0 && (u128{mant} >> (128 - shift)) != 0)))
                throw std::overflow_error("fixed from_f64: out of range");
            m = mant == 0 ? 0 : u128{mant} << shift;
        } else if (-shift < 128) {
            const unsigned down = static_cast<unsigned>(-shift);
            const u128 den = u128{1} << down;
            const u128 rem = u128{mant} & (den - 1);
            m = u128{mant} >> down;
            const u128 twice = rem << 1;  // rem < 2^down ≤ 2^127: no overflow
            if (twice > den || (twice == den && (m & 1) != 0))
                ++m;  // round to nearest, ties to even
        }
        const auto out = fit(neg && m != 0, {0, m});
        if (!out)
            throw std::overflow_error("fixed from_f64: out of range");
        return *out;
    }

    /// Bits given as an unbounded integer, or nothing when out of range.
    [[nodiscard]] static std::optional<Fixed> from_int_bits(const Int& b)
    {
        const bool neg = b < 0;
        const Int m = neg ? Int(-b) : b;
        if (m >= (Int(1) << 128))
            return std::nullopt;
        return fit(neg, {0, to_u128(m)});
    }

    /// The raw bits as an unbounded integer.
    [[nodiscard]] Int int_bits() const
    {
        Int m = to_int(mag());
        return negative() ? Int(-m) : m;
    }

    /// The exact value as a rational (bits / 2^F).
    [[nodiscard]] Rational to_rational() const { return Rational(int_bits(), Int(1) << Frac); }

    /// @rule FIX-003  `saturating_add`.
    [[nodiscard]] constexpr Fixed saturating_add(Fixed o) const noexcept
    {
        Bits r{};
        if (!__builtin_add_overflow(bits, o.bits, &r))
            return Fixed{r};
        return (Signed && o.negative()) ? Fixed{min_bits} : Fixed{max_bits};
    }

    /// @rule FIX-003  `saturating_sub`.
    [[nodiscard]] constexpr Fixed saturating_sub(Fixed o) const noexcept
    {
        Bits r{};
        if (!__builtin_sub_overflow(bits, o.bits, &r))
            return Fixed{r};
        if constexpr (Signed)
            return o.negative() ? Fixed{max_bits} : Fixed{min_bits};
        else
            return Fixed{0};
    }

    /// @rule FIX-003  `checked_sub`.
    [[nodiscard]] constexpr std::optional<Fixed> checked_sub(Fixed o) const noexcept
    {
        Bits r{};
        if (__builtin_sub_overflow(bits, o.bits, &r))
            return std::nullopt;
        return Fixed{r};
    }

    /// @rule FIX-003  `checked_add`.
    [[nodiscard]] constexpr std::optional<Fixed> checked_add(Fixed o) const noexcept
    {
        Bits r{};
        if (__builtin_add_overflow(bits, o.bits, &r))
            return std::nullopt;
        return Fixed{r};
    }

    /// Exact product of the bits shifted right by F with floor rounding
    /// (arithmetic shift), as sign and 256-bit magnitude.
    [[nodiscard]] constexpr std::pair<bool, detail::U256> product(Fixed o) const noexcept
    {
        const bool neg = negative() != o.negative();
        bool inexact = false;
        detail::U256 m = detail::shr(detail::mul_wide(mag(), o.mag()), Frac, inexact);
        if (neg && inexact) {  // floor toward −∞ means one more unit of magnitude
            if (++m.lo == 0)
                ++m.hi;
        }
        const bool is_zero = m.hi == 0 && m.lo == 0;
        return {neg && !is_zero, m};
    }

    /// @rule FIX-004  `saturating_mul`: floor((a·b) / 2^F), clamped.
    [[nodiscard]] constexpr Fixed saturating_mul(Fixed o) const noexcept
    {
        const auto [neg, m] = product(o);
        return saturate(neg, m);
    }

    /// @rule FIX-004  `checked_mul`.
    [[nodiscard]] constexpr std::optional<Fixed> checked_mul(Fixed o) const noexcept
    {
        const auto [neg, m] = product(o);
        return fit(neg, m);
    }

    /// @rule FIX-005  `checked_div`: (a·2^F) / b truncated toward zero;
    /// nothing on division by zero or when the quotient does not fit.
    [[nodiscard]] std::optional<Fixed> checked_div(Fixed o) const
    {
        if (o.bits == 0)
            return std::nullopt;
        const bool neg = negative() != o.negative();
        const u128 a = mag(), b = o.mag();
        detail::U256 q;
        if ((a >> (128 - Frac)) == 0) {
            q.lo = (a << Frac) / b;  // the shifted numerator fits in 128 bits
        } else if ((b & ((u128{1} << Frac) - 1)) == 0) {
            // an integral divisor b = b'·2^F: trunc(a·2^F / (b'·2^F)) = trunc(a / b')
            q.lo = a / (b >> Frac);
        } else {
            const Int qi = (dtao::to_int(a) << Frac) / dtao::to_int(b);
            q.hi = to_u128(Int(qi >> 128));
            q.lo = to_u128(Int(qi & ((Int(1) << 128) - 1)));
        }
        const bool is_zero = q.hi == 0 && q.lo == 0;
        return fit(neg && !is_zero, q);
    }

    /// @rule FIX-006  subtensor `safe_div`: `checked_div(..).unwrap_or_default()`,
    /// i.e. 0 on division by zero **and** on overflow.
    [[nodiscard]] Fixed safe_div(Fixed o) const { return checked_div(o).value_or(Fixed{0}); }

    /// @rule FIX-013  subtensor `checked_sqrt(epsilon)` (safe_math `FixedExt`): bisection on
    /// [min(1, v), max(1, v)] with `saturating_add`, `safe_div` and `abs_diff`, stopping when
    /// |v / middle − middle| ≤ epsilon or after 129 halvings. Unsigned types only (the chain
    /// calls it on U64F64; its nullopt for v < 0 cannot happen there).
    [[nodiscard]] std::optional<Fixed> checked_sqrt(Fixed epsilon) const requires(!Signed)
    {
        // |a − b| exactly: the types it is used on are unsigned, so neither side can overflow.
        const auto abs_diff = [](Fixed a, Fixed b) { return a < b ? Fixed{b.bits - a.bits} : Fixed{a.bits - b.bits}; };
        const Fixed one = Fixed::one(), two = Fixed{static_cast<Bits>(Bits{2} << Frac)};
        Fixed high = *this > one ? *this : one;
        Fixed low = *this > one ? Fixed{0} : *this;
        Fixed middle = high.saturating_add(low).safe_div(two);
        Fixed check = safe_div(middle);
        for (int iteration = 0; abs_diff(check, middle) > epsilon;) {
            if (check < middle)
                high = middle;
            else
                low = middle;
            middle = high.saturating_add(low).safe_div(two);
            check = safe_div(middle);
            if (++iteration > 128)
                break;
        }
        return middle;
    }

    /// @rule FIX-007  `saturating_to_num::<u64>()`: drop the fraction toward
    /// −∞ (the fixed crate's `to_num` floors), clamp to [0, u64::MAX].
    [[nodiscard]] constexpr u64 saturating_to_u64() const noexcept
    {
        if (negative())
            return 0;
        return clamp_to_u64(static_cast<u128>(bits) >> Frac);
    }

    /// @rule FIX-008  `floor()`: clear the fractional bits (toward −∞).
    [[nodiscard]] constexpr Fixed floor() const noexcept
    {
        constexpr u128 frac_mask = (u128{1} << Frac) - 1;
        return Fixed{static_cast<Bits>(static_cast<u128>(bits) & ~frac_mask)};
    }

    /// Exact comparison between fixed types (also across types).
    template <bool S2, unsigned F2>
    [[nodiscard]] constexpr std::strong_ordering cmp(Fixed<S2, F2> o) const noexcept
    {
        const bool na = negative(), nb = o.negative();
        if (na != nb)
            return na ? std::strong_ordering::less : std::strong_ordering::greater;
        // scale both magnitudes to max(F, F2) fractional bits in 256 bits
        constexpr unsigned F = Frac > F2 ? Frac : F2;
        if (const u128 a = mag(), b = o.mag(); F - Frac < 64 && F - F2 < 64 && (a >> 64) == 0 && (b >> 64) == 0) {
            // both scaled magnitudes fit in 128 bits
            const u128 sa = a << (F - Frac), sb = b << (F - F2);
            return na ? (sb <=> sa) : (sa <=> sb);
        }
        const detail::U256 ma = widen(mag(), F - Frac), mb = widen(o.mag(), F - F2);
        std::strong_ordering c = (ma.hi != mb.hi) ? (ma.hi <=> mb.hi) : (ma.lo <=> mb.lo);
        if (na)
            c = 0 <=> c;
        return c;
    }

    [[nodiscard]] static constexpr detail::U256 widen(u128 m, unsigned s) noexcept
    {
        if (s == 0)
            return {0, m};
        return {m >> (128 - s), m << s};
    }

    template <bool S2, unsigned F2>
    [[nodiscard]] constexpr bool operator<(Fixed<S2, F2> o) const noexcept
    {
        return cmp(o) < 0;
    }
    template <bool S2, unsigned F2>
    [[nodiscard]] constexpr bool operator>=(Fixed<S2, F2> o) const noexcept
    {
        return cmp(o) >= 0;
    }
    template <bool S2, unsigned F2>
    [[nodiscard]] constexpr bool operator>(Fixed<S2, F2> o) const noexcept
    {
        return cmp(o) > 0;
    }
    template <bool S2, unsigned F2>
    [[nodiscard]] constexpr bool operator<=(Fixed<S2, F2> o) const noexcept
    {
        return cmp(o) <= 0;
    }
    [[nodiscard]] constexpr bool operator==(const Fixed&) const noexcept = default;

    /// `min` as in Rust's `Ord::min` (same type).
    [[nodiscard]] constexpr Fixed min(Fixed o) const noexcept { return cmp(o) <= 0 ? *this : o; }
};

using I96F32 = Fixed<true, 32>;
using U96F32 = Fixed<false, 32>;
using U64F64 = Fixed<false, 64>;
using I64F64 = Fixed<true, 64>;
using I110F18 = Fixed<true, 18>;

/// @rule FIX-009  `To::saturating_from_num(from)` between fixed types: exact
/// when `To` has more fractional bits, floor (arithmetic shift) when fewer,
/// clamped to `To`'s range (negative → 0 for unsigned).
template <typename To, bool S, unsigned F>
[[nodiscard]] constexpr To convert(Fixed<S, F> v) noexcept
{
    const bool neg = v.negative();
    u128 m = v.mag();
    if constexpr (To::frac_bits >= F) {
        return To::saturate(neg, Fixed<S, F>::widen(m, To::frac_bits - F));
    } else {
        bool inexact = false;
        detail::U256 r = detail::shr({0, m}, F - To::frac_bits, inexact);
        if (neg && inexact)
            ++r.lo;  // floor of a negative value; cannot carry: r.lo < 2^127
        return To::saturate(neg && (r.lo != 0), r);
    }
}

/// The text form used by the eval protocol: type name.
template <typename T>
inline constexpr const char* type_name = "";
template <>
inline constexpr const char* type_name<I96F32> = "I96F32";
template <>
inline constexpr const char* type_name<U96F32> = "U96F32";
template <>
inline constexpr const char* type_name<U64F64> = "U64F64";
template <>
inline constexpr const char* type_name<I64F64> = "I64F64";
template <>
inline constexpr const char* type_name<I110F18> = "I110F18";

}  // namespace dtao::fixed
