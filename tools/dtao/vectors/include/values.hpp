// dtao: numeric values of the eval protocol as exact rationals (for the
// generator's chain-vs-exact diff and the runner's declared tolerances).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "decimal.hpp"

#include "dtao/numeric/arith.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace dtao::vectors {

/// Fractional bits of a fixed-point type name, or -1.
inline int frac_bits_of(const std::string& type)
{
    if (type == "I96F32" || type == "U96F32")
        return 32;
    if (type == "U64F64" || type == "I64F64")
        return 64;
    if (type == "I110F18")
        return 18;
    return -1;
}

/// Digits a number of a vector file, filler or profile may have (after the sign):
/// exact-model rationals are longer than any protocol field.
inline constexpr std::size_t FILE_MAX_DIGITS = 200;

/// The limits of a signed integer of a vector file, filler or profile for the one
/// strict decimal reader (protocol::parse_decimal), with the caller's range.
inline protocol::DecimalLimits file_integer(std::optional<Int> lo = std::nullopt, std::optional<Int> hi = std::nullopt)
{
    return {true, FILE_MAX_DIGITS, std::move(lo), std::move(hi)};
}

/// A protocol number ("12", "-3", "5/11", {"type","bits"}) or a tolerance
/// literal ("2^-53", "3*2^-50") as a rational; nullopt if not a number.
inline std::optional<Rational> numeric_value(const nlohmann::json& j)
{
    try {
        if (j.is_object()) {
            if (j.size() != 2 || !j.contains("type") || !j.contains("bits") || !j["type"].is_string() ||
                !j["bits"].is_string())
                return std::nullopt;
            const int f = frac_bits_of(j["type"].get<std::string>());
            const auto bits = protocol::parse_decimal(j["bits"].get<std::string>(), file_integer()).value;
            if (f < 0 || !bits)
                return std::nullopt;
            return Rational(*bits, Int(1) << f);
        }
        if (!j.is_string())
            return std::nullopt;
        const std::string s = j.get<std::string>();
        if (const auto caret = s.find("^"); caret != std::string::npos) {
            // [m*]2^e
            Int mant = 1;
            std::string base = s.substr(0, caret);
            if (const auto star = base.find('*'); star != std::string::npos) {
                const auto m = protocol::parse_decimal(base.substr(0, star), file_integer()).value;
                if (!m)
                    return std::nullopt;
                mant = *m;
                base = base.substr(star + 1);
            }
            if (base != "2")
                return std::nullopt;
            const auto e = protocol::parse_decimal(s.substr(caret + 1), file_integer(-512, 512)).value;
            if (!e)
                return std::nullopt;
            const int ei = e->convert_to<int>();
            return ei >= 0 ? Rational(mant * (Int(1) << ei)) : Rational(mant, Int(1) << -ei);
        }
        const auto slash = s.find('/');
        if (slash == std::string::npos) {
            const auto v = protocol::parse_decimal(s, file_integer()).value;
            return v ? std::optional<Rational>(Rational(*v)) : std::nullopt;
        }
        const auto p = protocol::parse_decimal(s.substr(0, slash), file_integer()).value;
        const auto q = protocol::parse_decimal(s.substr(slash + 1), file_integer(1)).value;
        if (!p || !q)
            return std::nullopt;
        return Rational(*p, *q);
    } catch (...) {
        return std::nullopt;
    }
}

}  // namespace dtao::vectors
