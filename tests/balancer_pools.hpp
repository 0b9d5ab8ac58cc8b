// The pools the Balancer-era unit tests share (balancer_test.cpp, balancer_stake_test.cpp).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/balancer.hpp"
#include "test_support.hpp"

#include <cmath>

namespace dtao::test::balancer_pools {

inline constexpr u64 MOCK_MIN_RESERVE = 100;  // subtensor mock `SwapMinimumReserve`
inline const Ruleset& HEAD = MAIN_14BC6F9;

inline Perquintill half() { return bigmath::perquintill_from_rational(1, 2); }
inline Perquintill quarter() { return bigmath::perquintill_from_rational(250'000'000'000, 1'000'000'000'000); }

inline double to_f64(fixed::U64F64 v) { return std::ldexp(static_cast<double>(v.bits), -64); }

/// A dynamic subnet with TAO reserve y and alpha reserve x (chain-rules order: tao first).
inline Subnet pool(u64 tao, u64 alpha, Perquintill w2 = half())
{
    Subnet s = dyn(tao, alpha);
    s.swap_balancer_quote_parts = w2.parts;
    s.pal_swap_initialized = true;
    return s;
}

inline ExactSubnet ex(const Subnet& s) { return to_exact(s); }

}  // namespace dtao::test::balancer_pools
