// The Taoflow shares (VFLOW-001 … VFLOW-003): the chain's own tests of v3.2.10-334
// (`pallets/subtensor/src/tests/subnet_emissions.rs`) with their own tolerances, and the
// derivations that pin what the tolerances leave open.
// SPDX-License-Identifier: Apache-2.0
#include "dtao/numeric/transcendental.hpp"
#include "dtao/taoflow.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <utility>
#include <vector>

using namespace dtao;
using fixed::I64F64;
using fixed::U64F64;
using taoflow::ByNetuid;

namespace {

/// The tests' `u64f64(x)` / `i64f64(x)`: `from_num(f64)` (FIX-002).
U64F64 u64f64(double x) { return U64F64::from_f64(x); }
I64F64 i64f64(double x) { return I64F64::from_f64(x); }

/// `to_num::<f64>()`, within a rounding of the double (the tests' tolerances are far wider).
double f64(U64F64 v) { return static_cast<double>(static_cast<long double>(v.bits) / 18446744073709551616.0L); }

ByNetuid<U64F64> flows(std::vector<std::pair<u64, double>> v)
{
    ByNetuid<U64F64> m;
    for (const auto& [n, x] : v)
        m[n] = u64f64(x);
    return m;
}

ByNetuid<I64F64> ema(std::vector<std::pair<u64, double>> v)
{
    ByNetuid<I64F64> m;
    for (const auto& [n, x] : v)
        m[n] = i64f64(x);
    return m;
}

double sum(const ByNetuid<U64F64>& m)
{
    double s = 0;
    for (const auto& [n, v] : m)
        s += f64(v);
    return s;
}

}  // namespace

/// @rule VFLOW-002
/// `inplace_pow_normalize_all_zero_inputs_no_panic_and_unchanged`: zeros stay zeros.
TEST(taoflow, chain_test_all_zero_inputs_unchanged)
{
    auto m = flows({{1, 0.0}, {2, 0.0}, {3, 0.0}});
    const auto before = m;
    taoflow::inplace_pow_normalize(m, u64f64(1.0));
    EXPECT_EQ(m, before);
}

/// @rule VFLOW-002
/// `inplace_pow_normalize_tiny_values_no_panic`: 1e-9, 2e-9, 3e-9 at p = 2 become v²/Σv² (the
/// test writes it v · 10^18 · v / 14), each within 1 %.
TEST(taoflow, chain_test_tiny_values)
{
    auto m = flows({{10, 1e-9}, {11, 2e-9}, {12, 3e-9}});
    const auto before = m;
    taoflow::inplace_pow_normalize(m, u64f64(2.0));
    for (const auto& [k, v] : before) {
        const double x = f64(v);
        const double expected = x * 1e18 * x / 14.0;
        EXPECT_NEAR(f64(m.at(k)), expected, expected / 100.0) << k;
    }
}

/// @rule VFLOW-002
/// `inplace_pow_normalize_large_values_no_overflow_and_sum_to_one`: 1e9, 5e9, 1e10 at p = 2 sum to
/// 1 within 1e-9, each in [0, 1].
TEST(taoflow, chain_test_large_values_sum_to_one)
{
    auto m = flows({{1, 1e9}, {2, 5e9}, {3, 1e10}});
    taoflow::inplace_pow_normalize(m, u64f64(2.0));
    EXPECT_NEAR(sum(m), 1.0, 1e-9);
    for (const auto& [k, v] : m) {
        EXPECT_GE(f64(v), 0.0) << k;
        EXPECT_LE(f64(v), 1.0) << k;
    }
}

/// @rule VFLOW-002
/// `inplace_pow_normalize_regular_case_relative_proportions_preserved`: 2, 3, 5 at p = 1 give 0.2,
/// 0.3, 0.5 within 0.001, summing to 1 within 1e-12.
TEST(taoflow, chain_test_regular_case_proportions)
{
    auto m = flows({{7, 2.0}, {8, 3.0}, {9, 5.0}});
    taoflow::inplace_pow_normalize(m, u64f64(1.0));
    EXPECT_NEAR(f64(m.at(7)), 0.2, 0.001);
    EXPECT_NEAR(f64(m.at(8)), 0.3, 0.001);
    EXPECT_NEAR(f64(m.at(9)), 0.5, 0.001);
    EXPECT_NEAR(sum(m), 1.0, 1e-12);
}

/// @rule VFLOW-002
/// `inplace_pow_normalize_fractional_exponent`: 2, 3, 5 at p = 1.0, 1.1, …, 2.0 give x^p / Σ x^p
/// within 1 % each, summing to 1 within 1e-12.
TEST(taoflow, chain_test_fractional_exponent)
{
    for (const double p : {1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0}) {
        SCOPED_TRACE(p);
        auto m = flows({{7, 2.0}, {8, 3.0}, {9, 5.0}});
        taoflow::inplace_pow_normalize(m, u64f64(p));
        const double total = std::pow(2.0, p) + std::pow(3.0, p) + std::pow(5.0, p);
        for (const auto& [k, x] : std::vector<std::pair<u64, double>>{{7, 2.0}, {8, 3.0}, {9, 5.0}}) {
            const double expected = std::pow(x, p) / total;
            EXPECT_NEAR(f64(m.at(k)), expected, expected / 100.0) << k;
        }
        EXPECT_NEAR(sum(m), 1.0, 1e-12);
    }
}

/// @rule VFLOW-003
/// `get_shares_normal_flows_three_subnets`, `get_shares_low_flows_sum_one_and_ordering`,
/// `get_shares_high_flows_sum_one_and_ordering` (the defaults: cutoff 0, exponent 1): the shares
/// sum to 1 (within 1e-9, 1e-8 for the low flows) and follow the flows.
TEST(taoflow, chain_test_shares_sum_to_one_and_follow_the_flows)
{
    const U64F64 one = U64F64::one();
    const auto normal = taoflow::get_shares_flow(ema({{1, 1'000.0}, {2, 3'000.0}, {3, 6'000.0}}), I64F64::zero(), one);
    EXPECT_NEAR(sum(normal), 1.0, 1e-9);
    EXPECT_GT(normal.at(3), normal.at(2));
    EXPECT_GT(normal.at(2), normal.at(1));
    const auto low = taoflow::get_shares_flow(ema({{1, 1e-9}, {2, 2e-9}}), I64F64::zero(), one);
    EXPECT_NEAR(sum(low), 1.0, 1e-8);
    EXPECT_GT(low.at(2), low.at(1));
    const auto high = taoflow::get_shares_flow(ema({{1, 9.0e11}, {2, 1.8e12}}), I64F64::zero(), one);
    EXPECT_NEAR(sum(high), 1.0, 1e-9);
    EXPECT_GT(high.at(2), high.at(1));
}

/// @rule VFLOW-001 VFLOW-003
/// `get_shares_negative_vs_positive_flow`, `get_shares_both_negative_flows_zero_emission`,
/// `get_shares_both_below_cutoff_zero_emission`, `get_shares_one_below_cutoff_other_full_emission`
/// (exponent 1).
TEST(taoflow, chain_test_shares_at_the_lower_limit)
{
    const U64F64 one = U64F64::one();
    // cutoff 0: a negative flow gets nothing, the positive one all of it
    auto s = taoflow::get_shares_flow(ema({{1, -100.0}, {2, 500.0}}), i64f64(0), one);
    EXPECT_NEAR(f64(s.at(1)) + f64(s.at(2)), 1.0, 1e-9);
    EXPECT_GT(f64(s.at(2)), 0.999'999);
    EXPECT_LT(f64(s.at(1)), 1e-6);
    // both negative: L = max(cutoff 0, −200) = 0 lies above both, so both are clipped to 0
    s = taoflow::get_shares_flow(ema({{1, -100.0}, {2, -200.0}}), i64f64(0), one);
    EXPECT_LT(f64(s.at(1)), 1e-20);
    EXPECT_LT(f64(s.at(2)), 1e-20);
    // both at or below the cutoff 2000
    s = taoflow::get_shares_flow(ema({{1, 1'000.0}, {2, 2'000.0}}), i64f64(2'000), one);
    EXPECT_LT(f64(s.at(1)), 1e-20);
    EXPECT_LT(f64(s.at(2)), 1e-20);
    // one above the cutoff takes everything, however little above it
    for (const double flow2 : {2'000.00001, 2'000.001, 5'000.0}) {
        SCOPED_TRACE(flow2);
        s = taoflow::get_shares_flow(ema({{1, 1'000.0}, {2, flow2}}), i64f64(2'000), one);
        EXPECT_NEAR(f64(s.at(1)) + f64(s.at(2)), 1.0, 1e-9);
        EXPECT_GT(f64(s.at(2)), 0.999'999);
        EXPECT_LT(f64(s.at(1)), 1e-6);
    }
}

/// @rule VFLOW-001 VFLOW-003
/// `get_shares_both_negative_above_cutoff`: flows −100, −300, −400 with the cutoff at −1000. L is
/// the lowest flow, −400 (VFLOW-001), so the offsets are 300, 100 and 0: shares 0.75, 0.25, 0
/// (within 1 %, the last within 1e-9).
TEST(taoflow, chain_test_both_negative_above_cutoff)
{
    const auto flows3 = ema({{1, -100.0}, {2, -300.0}, {3, -400.0}});
    EXPECT_EQ(taoflow::get_lower_limit(flows3, i64f64(-1'000)), i64f64(-400));
    const auto s = taoflow::get_shares_flow(flows3, i64f64(-1'000), U64F64::one());
    EXPECT_NEAR(f64(s.at(1)), 0.75, 0.0075);
    EXPECT_NEAR(f64(s.at(2)), 0.25, 0.0025);
    EXPECT_NEAR(f64(s.at(3)), 0.0, 1e-9);
    EXPECT_NEAR(sum(s), 1.0, 1e-9);
}

/// @rule VFLOW-002
/// Derived: the normalised values are powers over their sum, so each is at most 1 and, the
/// divisions truncating, the sum of their bits falls short of 2^64 by less than n. And each is
/// VFLOW-002's steps recomputed from the leaves on 2, 3, 5 at p = 1: the maximum scaled to 1
/// (factor 1/5), n·max² = 3, f = √((2^31 − 1)/3) (FIX-013), each power `safe_pow`(f·z, 1)
/// (FIX-012), each quotient truncated over their sum.
TEST(taoflow, normalised_values_are_truncated_quotients)
{
    auto m = flows({{7, 2.0}, {8, 3.0}, {9, 5.0}});
    taoflow::inplace_pow_normalize(m, U64F64::one());
    u128 total = 0;
    for (const auto& [k, v] : m) {
        EXPECT_LE(v, U64F64::one()) << k;
        total += v.bits;
    }
    EXPECT_LE(total, u128{1} << 64);
    EXPECT_GE(total, (u128{1} << 64) - 3);
    // each is safe_pow(f·z) / Σ safe_pow(f·z_j), recomputed from the leaves: the same bits
    const U64F64 i32_max = U64F64::saturating_from_u64(2'147'483'647);
    const U64F64 f = *i32_max.safe_div(U64F64::saturating_from_u64(3))
                          .checked_sqrt(U64F64::one().safe_div(U64F64::saturating_from_u64(1'000)));
    ByNetuid<U64F64> scaled = flows({{7, 2.0}, {8, 3.0}, {9, 5.0}});
    const U64F64 inv_max = U64F64::one().safe_div(u64f64(5.0));
    U64F64 s = U64F64::zero();
    for (auto& [k, v] : scaled) {
        v = transcendental::safe_pow(f.saturating_mul(inv_max.saturating_mul(v)), U64F64::one());
        s = U64F64::from_bits(s.bits + v.bits);
    }
    for (const auto& [k, v] : scaled)
        EXPECT_EQ(m.at(k), v.safe_div(s)) << k;
}

/// @rule VFLOW-002
/// F-049: the scaling assumes p = 2 (`pow_estimate`), so above it `exp` overflows I32F32 for the
/// largest flows and `safe_pow` returns 2^31 − 1 for each of them. Flows 2, 3, 5 at p = 3: the
/// scaled values are f·(0.4, 0.6, 1) with f = √((2^31 − 1)/3) ≈ 26 755, and 3·ln(f·z) ≥ 27.8 >
/// 20.8885 for all three, so all three powers are 2^31 − 1 and the shares ⅓ each instead of
/// 8/160, 27/160, 125/160.
TEST(taoflow, f049_an_exponent_above_two_flattens_the_largest_shares)
{
    auto m = flows({{7, 2.0}, {8, 3.0}, {9, 5.0}});
    taoflow::inplace_pow_normalize(m, u64f64(3.0));
    const U64F64 third = U64F64::one().safe_div(U64F64::saturating_from_u64(3));
    for (const auto& [k, v] : m)
        EXPECT_EQ(v, third) << k;
    // at p = 2 the same flows keep their order: 4/38, 9/38, 25/38 within 1 %
    auto two = flows({{7, 2.0}, {8, 3.0}, {9, 5.0}});
    taoflow::inplace_pow_normalize(two, u64f64(2.0));
    EXPECT_NEAR(f64(two.at(7)), 4.0 / 38.0, 0.01 * 4.0 / 38.0);
    EXPECT_NEAR(f64(two.at(9)), 25.0 / 38.0, 0.01 * 25.0 / 38.0);
}
