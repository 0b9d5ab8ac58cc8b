// dtao: the one strict reader of decimal integer strings (see decimal.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "decimal.hpp"

namespace dtao::protocol {

std::string decimal_syntax_error(std::string_view s, const DecimalLimits& limits)
{
    const auto quoted = [&] { return "\"" + std::string(s) + "\""; };
    std::size_t i = 0;
    const bool negative = limits.allow_negative && !s.empty() && s[0] == '-';
    if (negative)
        i = 1;
    if (i >= s.size())
        return "expected a decimal integer string, got " + quoted();
    if (s.size() - i > 1 && s[i] == '0')
        return "leading zeros are not allowed in " + quoted();
    if (s.size() - i > limits.max_digits)
        return "number has too many digits";
    for (std::size_t j = i; j < s.size(); ++j)
        if (s[j] < '0' || s[j] > '9')
            return "expected a decimal integer string, got " + quoted();
    if (negative && s == "-0")
        return "\"-0\" is not canonical";
    return "";
}

Decimal parse_decimal(std::string_view sv, const DecimalLimits& limits)
{
    Decimal out;
    auto refuse = [&](std::string why) {
        out.error = std::move(why);
        return out;
    };
    if (auto why = decimal_syntax_error(sv, limits); !why.empty())
        return refuse(std::move(why));
    const std::string s(sv);
    const bool negative = s[0] == '-';
    const std::size_t i = negative ? 1 : 0;
    Int v(s.substr(i));
    if (negative)
        v = -v;
    if ((limits.lo && v < *limits.lo) || (limits.hi && v > *limits.hi))
        return refuse(v.str() + " is out of range [" + (limits.lo ? limits.lo->str() : std::string("-inf")) + ", " +
                      (limits.hi ? limits.hi->str() : std::string("inf")) + "]");
    out.value = std::move(v);
    return out;
}

}  // namespace dtao::protocol
