// Shared machinery of the property tests: running a property programmatically
// (for the expected-failure and mutation checks) and small numeric helpers.
// SPDX-License-Identifier: Apache-2.0
//
// Cases per property: RapidCheck's `RC_PARAMS="max_success=N"` (default 100)
// sets both the RC_GTEST_PROP properties and the programmatic checks below;
// `RC_PARAMS="seed=S"` replays a run (the seed is printed by every test
// process as "Using configuration: seed=..."). See properties/README.md.
#pragma once

#include "dtao/arith.hpp"
#include "dtao/fixed.hpp"

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

inline Int big(u128 v) { return to_int(v); }

/// 2^k as an unbounded integer.
inline Int pow2(unsigned k) { return Int(1) << k; }

/// A chain fixed-point value as an exact rational.
template <typename F>
Rational rat(F f)
{
    return f.to_rational();
}

/// A power-of-two bucket for RC_TAG: "0", "2^0", "2^1", ..., "2^63".
inline std::string bucket(u64 v)
{
    if (v == 0)
        return "0";
    return "2^" + std::to_string(63 - __builtin_clzll(v));
}

}  // namespace dtao::prop

#include "../tests/test_support.hpp"

namespace dtao::prop {

/// A dynamic subnet on netuid 1 with the given reserves (the unit tests' builder).
inline Subnet make_pool(u64 tao, u64 alpha_in, u64 alpha_out = 0) { return test::dyn(tao, alpha_in, alpha_out); }

/// Field-by-field equality of the stored subnet state (the moving price by bits).
inline bool same_subnet(const Subnet& a, const Subnet& b)
{
    return a.netuid == b.netuid && a.mechanism == b.mechanism && a.subnet_tao == b.subnet_tao &&
           a.subnet_alpha_in == b.subnet_alpha_in && a.subnet_alpha_out == b.subnet_alpha_out &&
           a.subnet_moving_price == b.subnet_moving_price && a.subnet_volume == b.subnet_volume &&
           a.pending_emission == b.pending_emission && a.pending_root_divs == b.pending_root_divs &&
           a.pending_alpha_swapped == b.pending_alpha_swapped && a.pending_owner_cut == b.pending_owner_cut;
}

}  // namespace dtao::prop

namespace dtao::prop {

/// The exact image of one subnet (as `dtao::to_exact` maps a whole state).
inline ExactSubnet to_exact_subnet(const Subnet& s)
{
    ChainState st;
    st.subnets.push_back(s);
    return to_exact(st).subnets.front();
}

}  // namespace dtao::prop
