// dtao: the one strict reader of decimal integer strings (see decimal.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "decimal.hpp"

namespace dtao::protocol {

Decimal parse_decimal(std::string_view sv, const DecimalLimits& limits)
{
    const std::string s(sv);
    Decimal out;
    auto refuse = [&](std::string why) {
        out.error = std::move(why);
        return out;
    };
    std::size_t i = 0;
    bool negative = false;
    if (limits.allow_negative && !s.empty() && s[0] == '-') {
        negative = true;
        i = 1;
    }
    if (i >= s.size())
        return refuse("expected a decimal integer string, got \"" + s + "\"");
    if (s.size() - i > 1 && s[i] == '0')
        return refuse("leading zeros are not allowed in \"" + s + "\"");
    if (s.size() - i > limits.max_digits)
        return refuse("number has too many digits");
    for (std::size_t j = i; j < s.size(); ++j)
        if (s[j] < '0' || s[j] > '9')
            return refuse("expected a decimal integer string, got \"" + s + "\"");
    if (negative && s == "-0")
        return refuse("\"-0\" is not canonical");
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
