// What the exact-versus-chain model tests of the Balancer era share
// (balancer_stake_models_test.cpp, injection_capped_models_test.cpp,
// injection_capped_models_cases_test.cpp): the rulesets, a log-uniform draw and rational
// shorthands.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/ruleset.hpp"
#include "test_support.hpp"

#include <cmath>
#include <random>

namespace dtao::test::models {

using fixed::U96F32;

inline const Ruleset* const ERA3_RULESETS[] = {&V3_4_8_423, &V3_4_9_424, &MAIN_14BC6F9};

/// A log-uniform integer in [lo, hi] (every scale equally likely).
inline u64 log_uniform(std::mt19937_64& rng, double lo, double hi)
{
    const double u = static_cast<double>(rng() >> 11) / 9007199254740992.0;
    return static_cast<u64>(std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo))));
}

inline Rational pow2r(int k) { return k >= 0 ? Rational(Int(1) << k) : Rational(Int(1), Int(1) << -k); }
inline Rational q(u64 v) { return Rational(v); }
inline Rational q(U96F32 v) { return v.to_rational(); }
inline double d(const Rational& v) { return static_cast<double>(v); }

}  // namespace dtao::test::models
