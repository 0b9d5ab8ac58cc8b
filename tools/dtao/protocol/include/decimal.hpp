// dtao: the one strict reader of decimal integer strings, shared by the eval
// protocol (amounts, fixed-point bits), the vector files, the fillers and the
// divergence profiles. Spec: spec/protocol.md (amounts are decimal strings).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/numeric/arith.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dtao::protocol {

/// What one caller accepts. There is one parser; each caller states its own sign,
/// digit bound and range here instead of having a parser of its own.
struct DecimalLimits
{
    bool allow_negative = false;  ///< a leading '-' (never "-0")
    std::size_t max_digits = 80;  ///< digits after the sign: a guard checked before any digit reaches Boost
    std::optional<Int> lo;        ///< inclusive lower bound of the value; nullopt: none
    std::optional<Int> hi;        ///< inclusive upper bound of the value; nullopt: none
};

/// The result of `parse_decimal`: the value, or a message saying why the string was
/// refused (without a location: callers put the field's path in front).
struct Decimal
{
    std::optional<Int> value;
    std::string error;  ///< empty exactly when `value` is set
    explicit operator bool() const { return value.has_value(); }
};

/// Why `s` is not a decimal integer string under `limits`' sign and digit bound ("" when it is):
/// the syntax half of `parse_decimal`, without building the value or checking its range.
[[nodiscard]] std::string decimal_syntax_error(std::string_view s, const DecimalLimits& limits);

/// Strictly read a decimal integer: an optional '-' (only when `allow_negative`),
/// then 1 to `max_digits` digits without leading zeros; no '+', no spaces, no
/// other base, no "-0". `cpp_int("010")` would read octal, so nothing reaches
/// Boost unvalidated. Then the value is checked against [lo, hi]. Never throws.
[[nodiscard]] Decimal parse_decimal(std::string_view s, const DecimalLimits& limits);

}  // namespace dtao::protocol
