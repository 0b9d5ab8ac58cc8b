// dtao-testsupport: plain draws from a std::mt19937_64, shared by the unit
// tests, the fuzz targets' helpers and the benchmarks (no framework).
// SPDX-License-Identifier: Apache-2.0
//
// The draw order of each function is fixed: a seeded caller replays exactly.
// log_uniform and uniform go through the standard distributions, whose values
// depend on the standard library (libstdc++ and libc++ differ).
#pragma once

#include "dtao/numeric/arith.hpp"

#include <cmath>
#include <random>

namespace dtao::test {

/// Log-uniform integer in [lo, hi] (std::uniform_real_distribution over the logs).
inline u64 log_uniform(std::mt19937_64& rng, double lo, double hi)
{
    std::uniform_real_distribution<double> d(std::log(lo), std::log(hi));
    return static_cast<u64>(std::exp(d(rng)));
}

/// Uniform integer in [lo, hi].
inline u64 uniform(std::mt19937_64& rng, u64 lo, u64 hi) { return std::uniform_int_distribution<u64>(lo, hi)(rng); }

/// A random 128-bit magnitude whose bit length is uniform in [0, 128], so
/// every scale is exercised (three draws).
inline u128 random_magnitude(std::mt19937_64& rng)
{
    const unsigned len = static_cast<unsigned>(rng() % 129);
    u128 v = (static_cast<u128>(rng()) << 64) | rng();
    if (len == 0)
        return 0;
    if (len < 128)
        v &= (u128{1} << len) - 1;
    return v;
}

}  // namespace dtao::test
