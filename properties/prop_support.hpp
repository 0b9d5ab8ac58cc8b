// Shared machinery of the property tests: running a property programmatically
// (for the expected-failure and mutation checks) and the RapidCheck-side names
// of the support library's helpers (tests/support/README.md).
// SPDX-License-Identifier: Apache-2.0
//
// Cases per property: RapidCheck's `RC_PARAMS="max_success=N"` (default 100)
// sets both the RC_GTEST_PROP properties and the programmatic checks below;
// `RC_PARAMS="seed=S"` replays a run (the seed is printed by every test
// process as "Using configuration: seed=..."). See properties/README.md.
#pragma once

#include "dtao/numeric/arith.hpp"
#include "dtao/numeric/fixed.hpp"
#include "dtao/state.hpp"
#include "dtao/testing/bigint.hpp"
#include "dtao/testing/builders.hpp"
#include "dtao/testing/compare.hpp"

#include "../tests/test_support.hpp"  // dtao::test: the library plus the gtest seed record (seeded_rng)

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

namespace dtao::prop {

/// The outcome of running one property programmatically.
struct CheckOutcome
{
    bool failed = false;
    bool gave_up = false;
    int successes = 0;
    std::string description;     ///< RapidCheck's failure description
    std::string counterexample;  ///< the shrunk counterexample, as RapidCheck shows it
};

/// Run `testable` (a callable with generated arguments, as for `rc::check`) with
/// the configured parameters (seed from RC_PARAMS), at least `min_cases` cases.
template <typename Testable>
CheckOutcome run_property(const std::string& name, Testable&& testable, int min_cases = 0)
{
    using namespace rc::detail;
    TestParams params = configuration().testParams;
    params.maxSuccess = std::max(params.maxSuccess, min_cases);
    TestMetadata meta;
    meta.id = name;
    meta.description = name;
    const TestResult r = checkTestable(std::forward<Testable>(testable), meta, params);
    CheckOutcome out;
    if (r.template is<FailureResult>()) {
        const auto* f = &r.template get<FailureResult>();
        out.failed = true;
        out.successes = f->numSuccess;
        out.description = f->description;
        std::ostringstream os;
        for (const auto& [type, value] : f->counterExample)
            os << "  " << type << ": " << value << "\n";
        out.counterexample = os.str();
    } else if (r.template is<GaveUpResult>()) {
        const auto* g = &r.template get<GaveUpResult>();
        out.gave_up = true;
        out.successes = g->numSuccess;
        out.description = g->description;
    } else if (r.template is<SuccessResult>()) {
        out.successes = r.template get<SuccessResult>().numSuccess;
    }
    std::cout << "[ property ] " << name << ": " << (out.failed ? "FAILED (as expected?)" : "passed") << " after "
              << out.successes << " cases, seed=" << params.seed << "\n";
    if (out.failed)
        std::cout << out.description << "\nCounterexample:\n" << out.counterexample;
    return out;
}

/// The property must fail (a naive invariant the chain breaks, or a mutated rule).
template <typename Testable>
CheckOutcome expect_failure(const std::string& name, Testable&& testable, int min_cases = 0)
{
    auto out = run_property(name, std::forward<Testable>(testable), min_cases);
    EXPECT_TRUE(out.failed) << name << ": expected a counterexample, none found in " << out.successes
                            << " cases (raise RC_PARAMS max_success or check the generator)";
    return out;
}

/// The property must pass (the reference run through the same programmatic path).
template <typename Testable>
void expect_success(const std::string& name, Testable&& testable, int min_cases = 0)
{
    auto out = run_property(name, std::forward<Testable>(testable), min_cases);
    EXPECT_FALSE(out.failed) << name << ": " << out.description << "\n" << out.counterexample;
    EXPECT_FALSE(out.gave_up) << name << ": gave up: " << out.description;
}

/// The last inputs for which a property failed: after shrinking this is the
/// minimal counterexample (every later call, on smaller inputs, passed).
template <typename T>
struct LastFailure
{
    static std::optional<T>& get()
    {
        static std::optional<T> v;
        return v;
    }
};

/// A power-of-two bucket for RC_TAG: "0", "2^0", "2^1", ..., "2^63".
inline std::string bucket(u64 v)
{
    if (v == 0)
        return "0";
    return "2^" + std::to_string(63 - __builtin_clzll(v));
}

// The support library's helpers under the names the properties use
// (tests/support/include/dtao/testing/).
using test::pow2;
using test::rat;
using test::same_subnet;
using test::to_exact_subnet;

/// Unbounded image of an unsigned 128-bit value (u128 only, so a u64 converts unambiguously).
inline Int big(u128 v) { return test::big(v); }

/// A dynamic subnet on netuid 1 with the given reserves (the unit tests' builder).
inline Subnet make_pool(u64 tao, u64 alpha_in, u64 alpha_out = 0) { return test::dyn(tao, alpha_in, alpha_out); }

}  // namespace dtao::prop
