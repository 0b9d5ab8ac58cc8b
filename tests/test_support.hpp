// Shared helpers of the unit tests: unbounded-integer images of fixed-point
// bits written independently of the reference, and the seeded PRNG.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/arith.hpp"
#include "dtao/state.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

namespace dtao::test {

/// A dynamic (mechanism 1) subnet on netuid 1 with the given reserves.
inline Subnet dyn(u64 tao, u64 alpha_in, u64 alpha_out = 0)
{
    Subnet s;
    s.netuid = 1;
    s.mechanism = Mechanism::dynamic;
    s.subnet_tao = tao;
    s.subnet_alpha_in = alpha_in;
    s.subnet_alpha_out = alpha_out;
    return s;
}

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

inline Int pow2(unsigned k) { return Int(1) << k; }

/// Seed of the randomized loops: DTAO_TEST_SEED when set, else a fresh one.
/// Printed, and recorded as a test property, so a failure can be replayed.
inline std::uint64_t test_seed()
{
    static const std::uint64_t seed = [] {
        if (const char* s = std::getenv("DTAO_TEST_SEED"))
            return static_cast<std::uint64_t>(std::strtoull(s, nullptr, 0));
        return (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
    }();
    return seed;
}

/// Iterations of the randomized loops: DTAO_TEST_ITERS, default 2000.
inline unsigned test_iters()
{
    if (const char* s = std::getenv("DTAO_TEST_ITERS"))
        return static_cast<unsigned>(std::strtoul(s, nullptr, 0));
    return 2000;
}

inline std::mt19937_64 seeded_rng(const char* what)
{
    const auto seed = test_seed();
    std::cout << "[ seed     ] " << what << ": DTAO_TEST_SEED=" << seed << "\n";
    ::testing::Test::RecordProperty("DTAO_TEST_SEED", std::to_string(seed));
    return std::mt19937_64(seed);
}

/// A random 128-bit magnitude whose bit length is uniform in [0, 128], so
/// every scale is exercised.
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
