// dtao-reference: the big-integer primitives of the Balancer era.
// SPDX-License-Identifier: Apache-2.0
//
// Two primitives the v3.4.8+ swap pallet builds on: `sp_arithmetic::Perquintill`
// (the Balancer weights, parts per 10^18) and safe-bigmath's
// `SafeInt::pow_ratio_scaled` (the weighted-pool power). Both are integer
// arithmetic on the chain, so the chain model is exact integer code here; the
// exact model is the real power it approximates. Spec: spec/bigmath.md (BIGM-*).
#pragma once

#include "dtao/numeric/arith.hpp"

#include <cstddef>
#include <optional>

namespace dtao {

/// `sp_arithmetic::Perquintill`: parts per 10^18 in a u64.
struct Perquintill
{
    static constexpr u64 ACCURACY = 1'000'000'000'000'000'000;
    u64 parts = 0;

    [[nodiscard]] static constexpr Perquintill one() noexcept { return {ACCURACY}; }
    [[nodiscard]] static constexpr Perquintill from_parts(u64 p) noexcept { return {p > ACCURACY ? ACCURACY : p}; }
    friend constexpr bool operator==(Perquintill, Perquintill) = default;
    friend constexpr auto operator<=>(Perquintill, Perquintill) = default;
};

namespace bigmath {

/// safe-bigmath `MAX_EXACT_EXPONENT`: both reduced exponents at most this take the exact path.
inline constexpr unsigned MAX_EXACT_EXPONENT = 1'024;
/// Largest fallback working precision rp this reference accepts (not a library limit).
inline constexpr unsigned MAX_FALLBACK_PRECISION = 1U << 20;
/// safe-bigmath `DEFAULT_MAX_ITERS`: the series cap is min(this, internal precision + 128).
inline constexpr std::size_t DEFAULT_MAX_ITERS = 4'096;

/// @rule BIGM-001  `Perquintill::from_rational(p, q)` = `from_rational_with_rounding(p, q, Down)`
/// with `Err` mapped to `one()`: ⌊10^18·p/q⌋ exactly (u128 operands go through sp-arithmetic's
/// exact 256-bit `multiply_by_rational_with_rounding`); q = 0 → one(); **p > q → one()** (the
/// `p > q` check returns `Err` before any arithmetic). Never fails.
[[nodiscard]] Perquintill perquintill_from_rational(u128 p, u128 q);

/// @rule BIGM-002  `Perquintill::one() - x`: exact parts subtraction.
[[nodiscard]] constexpr Perquintill one_minus(Perquintill x) noexcept { return {Perquintill::ACCURACY - x.parts}; }

/// @rule BIGM-003  balancer.rs `mul_perquintill_round(p, v)` = ⌊(v·parts + 5·10^17) / 10^18⌋
/// (round half up), computed in U256 (cannot saturate: v·parts + 5·10^17 < 2^188), capped at
/// u128::MAX (never reached: the result is ≤ v).
[[nodiscard]] u128 mul_perquintill_round(Perquintill p, u128 v);

/// @rule BIGM-004  safe-bigmath `SafeInt::pow_ratio_scaled(bn, bd, en, ed, precision, scale)`
/// ≈ (bn/bd)^(en/ed) · scale, bit-exact. In this order: nullopt if bd = 0 or ed = 0; 0 if
/// bn = 0; nullopt if scale < 0, bn < 0, bd < 0, en < 0 or ed < 0; `scale` if en = 0. Then
/// en/ed is reduced by its gcd and
/// - @rule BIGM-005  both reduced exponents ≤ 1024: the exact path,
///   ⌊(bn^en·scale^ed / bd^en)^(1/ed)⌋ (the exact floor of the true value);
/// - @rule BIGM-006  otherwise the fixed-point ln/exp fallback with 24 guard bits at
///   rp = max(precision, 32, bits(scale) + 8) fractional bits; within 2 units of the true value
///   for |t| ≤ 100, t = (en/ed)·ln(bn/bd), at the chain's settings, but it can exceed ⌊true⌋,
///   and beyond |t| ≈ 130 (precision 256) the capped series return garbage (spec/bigmath.md).
/// Throws std::domain_error when the fallback would work at rp > MAX_FALLBACK_PRECISION bits
/// (rp-bit numbers and up to rp + 152 series terms; the chain passes 256 and 1024).
/// Cost: the exact path grows with en·bits(bn, bd) + ed·bits(scale) (µs for small exponents,
/// ~8 ms near 1024/1023 with 64-bit operands); the fallback's series run on GMP, ~10–16 µs
/// at precision 256 and ~0.13–0.18 ms at 1024 (`pow_ratio_scaled_oracle`'s cpp_int: ~5 and
/// ~4 times that); a repeat of the previous call on the same thread is answered at once.
[[nodiscard]] std::optional<Int> pow_ratio_scaled(const Int& bn, const Int& bd, const Int& en, const Int& ed,
                                                  unsigned precision, const Int& scale);

/// @rule BIGM-006  `SafeInt::pow_ratio_scaled_with_max_iters`: as `pow_ratio_scaled`, with the
/// series cap `max_iters` (nullopt = min(4096, internal precision + 128); 0 acts as 1).
[[nodiscard]] std::optional<Int> pow_ratio_scaled_with_max_iters(const Int& bn, const Int& bd, const Int& en,
                                                                 const Int& ed, unsigned precision, const Int& scale,
                                                                 std::optional<std::size_t> max_iters);

/// The same function with the fallback series on Boost's cpp_int, step for step as the
/// library writes it: the oracle of the GMP series `pow_ratio_scaled_with_max_iters` runs
/// (reference/src/numeric/bigmath_series.cpp). Equal on every input; several times slower.
[[nodiscard]] std::optional<Int> pow_ratio_scaled_oracle(const Int& bn, const Int& bd, const Int& en, const Int& ed,
                                                         unsigned precision, const Int& scale,
                                                         std::optional<std::size_t> max_iters);

// ---------------------------------------------------------------- exact model

/// A closed integer interval [lo, hi].
struct Interval
{
    Int lo;
    Int hi;
    friend bool operator==(const Interval&, const Interval&) = default;
};

/// @rule BIGM-007  Rigorous enclosure of V = (bn/bd)^(en/ed)·scale: returns integers with
/// lo ≤ V ≤ hi (so lo ≤ ⌊V⌋ ≤ hi). Needs bn ≥ 0, bd > 0, en ≥ 0, ed > 0, scale ≥ 0 (else
/// throws std::domain_error); x^0 = 1, also for x = 0.
///
/// Method: integer interval arithmetic at P = max(bits, 64) fractional bits, every rounding
/// directed outward. ln 2 = 2·atanh(1/3); ln(bn/bd) = k·ln 2 + 2·atanh(z), z = (m−1)/(m+1),
/// m = (bn/bd)/2^k ∈ [2/3, 4/3]; the atanh series is summed with floors (lower) and ceilings
/// plus a tail bound (upper). t = (en/ed)·ln(bn/bd) with floor/ceil. exp(t) = 2^j·exp(r),
/// r = t − j·ln 2, |r| ≲ 0.35, by the all-positive Taylor series of exp(|r|) (inverted for
/// r < 0) with a tail bound. Width: hi − lo ≤ V·δ + 2 with δ ≈ 2^(6−P)·(1 + (en/ed)·(|k| + 1))
/// + 2^(4−P)·(|j| + 1); at P = 192 and Balancer-sized inputs that is ≤ 2 units.
[[nodiscard]] Interval pow_ratio_reference(const Int& bn, const Int& bd, const Int& en, const Int& ed, const Int& scale,
                                           unsigned bits = 192);

/// @rule BIGM-007  r ≤ (bn/bd)^(en/ed)·scale, decided exactly: r^ed·bd^en ≤ bn^en·scale^ed
/// (r, bn, scale ≥ 0, bd > 0).
[[nodiscard]] bool pow_ratio_le(const Int& r, const Int& bn, const Int& bd, unsigned en, unsigned ed, const Int& scale);

/// Largest reduced exponent `pow_ratio_floor_exact` accepts.
inline constexpr unsigned EXACT_FLOOR_MAX_EXPONENT = 4'096;

/// @rule BIGM-007  ⌊(bn/bd)^(en/ed)·scale⌋ exactly: bisection inside `pow_ratio_reference`
/// decided by `pow_ratio_le`. Only for reduced exponents ≤ EXACT_FLOOR_MAX_EXPONENT (else
/// throws std::domain_error); same argument domain as `pow_ratio_reference`.
[[nodiscard]] Int pow_ratio_floor_exact(const Int& bn, const Int& bd, const Int& en, const Int& ed, const Int& scale);

}  // namespace bigmath

namespace exact {
using bigmath::pow_ratio_floor_exact;
using bigmath::pow_ratio_reference;
}  // namespace exact

}  // namespace dtao
