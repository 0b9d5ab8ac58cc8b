// Shared helpers of the unit tests: the support library (tests/support/:
// builders, big-integer images, seeds, random draws, state comparison) plus
// the GoogleTest part of the seed convention.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/numeric/arith.hpp"
#include "dtao/state.hpp"
#include "dtao/testing/bigint.hpp"
#include "dtao/testing/builders.hpp"
#include "dtao/testing/compare.hpp"
#include "dtao/testing/random.hpp"
#include "dtao/testing/seeds.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

namespace dtao::test {

/// A generator seeded with DTAO_TEST_SEED (or a fresh seed): the seed is
/// printed, and recorded as a test property, so a failure can be replayed.
inline std::mt19937_64 seeded_rng(const char* what)
{
    const auto seed = announce_seed(what);
    ::testing::Test::RecordProperty("DTAO_TEST_SEED", std::to_string(seed));
    return std::mt19937_64(seed);
}

}  // namespace dtao::test
