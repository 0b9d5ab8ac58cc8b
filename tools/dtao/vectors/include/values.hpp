// dtao: numeric values of the eval protocol as exact rationals (for the
// generator's chain-vs-exact diff and the runner's declared tolerances).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/arith.hpp"

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

/// Strict decimal integer (optional '-', no leading zeros) to Int.
inline std::optional<Int> parse_int_strict(const std::string& s)
{
    std::size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
    if (i >= s.size() || s.size() - i > 200)
        return std::nullopt;
    if (s.size() - i > 1 && s[i] == '0')
        return std::nullopt;
    for (std::size_t j = i; j < s.size(); ++j)
        if (s[j] < '0' || s[j] > '9')
            return std::nullopt;
    if (s == "-0")
        return std::nullopt;
    Int v(s.substr(i));
    return i ? Int(-v) : v;
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
            const auto bits = parse_int_strict(j["bits"].get<std::string>());
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
                const auto m = parse_int_strict(base.substr(0, star));
                if (!m)
                    return std::nullopt;
                mant = *m;
                base = base.substr(star + 1);
            }
            if (base != "2")
                return std::nullopt;
            const auto e = parse_int_strict(s.substr(caret + 1));
            if (!e || *e > 512 || *e < -512)
                return std::nullopt;
            const int ei = e->convert_to<int>();
            return ei >= 0 ? Rational(mant * (Int(1) << ei)) : Rational(mant, Int(1) << -ei);
        }
        const auto slash = s.find('/');
        if (slash == std::string::npos) {
            const auto v = parse_int_strict(s);
            return v ? std::optional<Rational>(Rational(*v)) : std::nullopt;
        }
        const auto p = parse_int_strict(s.substr(0, slash));
        const auto q = parse_int_strict(s.substr(slash + 1));
        if (!p || !q || *q <= 0)
            return std::nullopt;
        return Rational(*p, *q);
    } catch (...) {
        return std::nullopt;
    }
}

}  // namespace dtao::vectors
