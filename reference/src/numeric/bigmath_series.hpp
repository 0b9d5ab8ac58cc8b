// dtao-reference: the fallback series of pow_ratio_scaled (BIGM-006), private to bigmath.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/numeric/arith.hpp"

#include <cstddef>

namespace dtao::bigmath::detail {

/// The fallback's precisions, as the library derives them from the caller's precision
/// and scale: rp fractional bits, the mantissa shift `int_prec` (u32, saturating), the
/// internal precision p = rp + 24 and the series cap.
struct FallbackPrecision
{
    unsigned rp;
    unsigned int_prec;
    unsigned p;
    std::size_t iterations;
};

/// ⌊round_guard(exp(⌊(ln bn − ln bd)·num / den⌋)) · scale / 2^rp⌋ with the library's ln and
/// exp series, on GMP integers (bigmath_series.cpp). bn, bd > 0, den > 0.
[[nodiscard]] Int fallback_series(const Int& bn, const Int& bd, const Int& num, const Int& den, const Int& scale,
                                  const FallbackPrecision& fp);

}  // namespace dtao::bigmath::detail
