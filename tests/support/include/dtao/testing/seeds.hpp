// dtao-testsupport: the seed convention of every randomized check that draws
// from a std::mt19937_64 (unit tests, exact-model loops, anything seeded here).
// SPDX-License-Identifier: Apache-2.0
//
// One convention: the seed is DTAO_TEST_SEED when set, else a fresh one; it is
// printed as `[ seed     ] <what>: DTAO_TEST_SEED=<seed>`, so a failing run is
// replayed by setting that variable. DTAO_TEST_ITERS sets the loop counts.
// Property tests seed RapidCheck instead (RC_PARAMS="seed=<seed>", printed by
// RapidCheck); fuzz targets are seeded by their input bytes (a corpus file);
// benchmarks use fixed seeds so that runs compare. See tests/support/README.md.
// No test framework here: tests/test_support.hpp adds GoogleTest's record.
#pragma once

#include <cstdint>
#include <random>

namespace dtao::test {

/// Seed of the randomized loops: DTAO_TEST_SEED when set, else a fresh one
/// (drawn once per process).
std::uint64_t test_seed();

/// Iterations of the randomized loops: DTAO_TEST_ITERS, default 2000.
unsigned test_iters();

/// Print the seed of `what` in the replayable form and return it.
std::uint64_t announce_seed(const char* what);

/// A generator seeded with test_seed(), its seed printed (announce_seed).
inline std::mt19937_64 announced_rng(const char* what) { return std::mt19937_64(announce_seed(what)); }

}  // namespace dtao::test
