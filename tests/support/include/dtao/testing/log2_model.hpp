// dtao-testsupport: the substrate-fixed log2 (FIX-010) restated on unbounded integers.
// SPDX-License-Identifier: Apache-2.0
//
// An independent transcription of transcendental.rs `log2` for I96F32 bits
// (substrate_fixed.md §7.2), used as the oracle of the reference's
// `chain::log2` by tests/fixed_test.cpp and fuzz/fixed_fuzz.cpp. No gtest here:
// fuzz targets include it too.
#pragma once

#include "dtao/numeric/arith.hpp"

#include <optional>

namespace dtao::oracle {

/// log2 of the I96F32 value with raw bits x, as raw I96F32 bits; nothing for x ≤ 0.
inline std::optional<Int> log2_model(const Int& x)
{
    const Int one = Int(1) << 32, two = Int(1) << 33;
    auto rs = [](const Int& v) { return Int((v >> 1) + (v & 1)); };  // v > 0 here
    auto inner = [&](Int v) {
        Int res = 0;
        while (v >= two) {
            ++res;
            v = rs(v);
        }
        for (int i = 0; i < 32; ++i) {
            v = (v * v) >> 32;
            res <<= 1;
            if (v >= two) {
                res |= 1;
                v = rs(v);
            }
        }
        return res;
    };
    if (x <= 0)
        return std::nullopt;
    if (x < one)
        return Int(-inner(Int((Int(1) << 64) / x)));  // 1.0.checked_div(x): truncating
    return inner(x);
}

}  // namespace dtao::oracle
