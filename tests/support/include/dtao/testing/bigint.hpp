// dtao-testsupport: unbounded-integer and rational images of chain values,
// written independently of the reference (dtao::to_int) so that tests can use
// them as an oracle.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/numeric/arith.hpp"

#include <cstdint>

namespace dtao::test {

/// Unbounded image of an unsigned 128-bit value (independent of dtao::to_int).
inline Int big(u128 v)
{
    Int r = 0;
    for (int shift = 96; shift >= 0; shift -= 32) {
        r <<= 32;
        r += static_cast<std::uint32_t>(v >> shift);
    }
    return r;
}

/// Unbounded image of a signed 128-bit value.
inline Int big(i128 v)
{
    if (v >= 0)
        return big(static_cast<u128>(v));
    return -big(u128{0} - static_cast<u128>(v));
}

/// 2^k as an unbounded integer.
inline Int pow2(unsigned k) { return Int(1) << k; }

/// A chain fixed-point value as an exact rational.
template <typename F>
Rational rat(F f)
{
    return f.to_rational();
}

}  // namespace dtao::test
