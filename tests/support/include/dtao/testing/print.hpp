// dtao-testsupport: values as text, for failure messages (fuzz assertions,
// property counterexamples, state diffs). Plain decimal; no framework.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/numeric/arith.hpp"

#include <string>

namespace dtao::test {

/// Decimal text of an unsigned 128-bit value.
inline std::string str(u128 v)
{
    if (v == 0)
        return "0";
    std::string s;
    while (v != 0) {
        s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
        v /= 10;
    }
    return s;
}
inline std::string str(i128 v)
{
    return v < 0 ? "-" + str(static_cast<u128>(0) - static_cast<u128>(v)) : str(static_cast<u128>(v));
}
inline std::string str(u64 v) { return std::to_string(v); }
inline std::string str(unsigned v) { return std::to_string(v); }
inline std::string str(int v) { return std::to_string(v); }
inline std::string str(bool v) { return v ? "true" : "false"; }
inline std::string str(const Int& v) { return v.str(); }
inline std::string str(const Rational& v) { return to_string(v); }
inline std::string str(const std::string& v) { return v; }
inline std::string str(const char* v) { return v; }

}  // namespace dtao::test
