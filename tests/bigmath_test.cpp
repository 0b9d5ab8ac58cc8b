// Unit tests of the Balancer-era big-integer primitives.
// Rules: BIGM-001 BIGM-002 BIGM-003 BIGM-004 BIGM-005 BIGM-006 BIGM-007
//
// Expected values come from the upstream tests, quoted by name:
//   safe-bigmath@013c499 src/integer.rs  (test_perquintill_power, pow_ratio_scaled_*,
//                                         the pow_ratio_scaled doc example)
//   subtensor@14bc6f9 pallets/swap/src/pallet/balancer.rs  (test_perquintill_power,
//                                         test_mul_round_*, test_exp_scaled,
//                                         test_safe_bigmath_pow_ratio_internal_paths_do_not_panic)
// or from a derivation in the comment next to them. The randomized loops print their
// seed (DTAO_TEST_SEED) and run DTAO_TEST_ITERS cases (scaled down for the big ones).
#include "dtao/numeric/bigmath.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

using namespace dtao;
using namespace dtao::bigmath;
using dtao::test::big;
using dtao::test::pow2;

namespace {

const Int E18{"1000000000000000000"};
constexpr u128 U128_MAX = ~u128{0};

/// The pow_ratio_scaled call with decimal-string operands.
std::optional<Int> prs(const char* bn, const char* bd, const char* en, const char* ed, unsigned precision,
                       const char* scale)
{
    return pow_ratio_scaled(Int(bn), Int(bd), Int(en), Int(ed), precision, Int(scale));
}

/// V^ed·bd^en compared with bn^en·scale^ed, written out here (independent of pow_ratio_le).
bool is_floor_root(const Int& r, const Int& bn, const Int& bd, unsigned en, unsigned ed, const Int& scale)
{
    using boost::multiprecision::pow;
    const Int rhs = pow(bn, en) * pow(scale, ed);
    return pow(r, ed) * pow(bd, en) <= rhs && pow(Int(r + 1), ed) * pow(bd, en) > rhs;
}

}  // namespace

// ---------------------------------------------------------------- BIGM-001/002

/// @rule BIGM-001
TEST(bigmath, perquintill_from_rational_values)
{
    // ⌊10^18·p/q⌋: ½ → 5·10^17, ⅓ → 333…333 (18 threes), 7/10 → 7·10^17 exactly.
    EXPECT_EQ(perquintill_from_rational(1, 2).parts, 500'000'000'000'000'000u);
    EXPECT_EQ(perquintill_from_rational(1, 3).parts, 333'333'333'333'333'333u);
    EXPECT_EQ(perquintill_from_rational(2, 3).parts, 666'666'666'666'666'666u);  // rounds down
    EXPECT_EQ(perquintill_from_rational(7, 10).parts, 700'000'000'000'000'000u);
    // balancer.rs test_exp_base_quote_happy_path weights, ⌊10^18·p/10^12⌋ = p·10^6.
    EXPECT_EQ(perquintill_from_rational(500'000'000'001, 1'000'000'000'000).parts, 500'000'000'001'000'000u);
    EXPECT_EQ(perquintill_from_rational(899'999'999'999, 1'000'000'000'000).parts, 899'999'999'999'000'000u);
    // 1/(2·10^12 + 1) of the dy_precision test: ⌊10^18·10^12/(2·10^12+1)⌋ = 499999999999750000
    // (10^30 = (2·10^12+1)·499999999999750000 + 250000, remainder < divisor).
    EXPECT_EQ(perquintill_from_rational(1'000'000'000'000, 2'000'000'000'001).parts, 499'999'999'999'750'000u);
    EXPECT_EQ(perquintill_from_rational(0, 5).parts, 0u);
    EXPECT_EQ(perquintill_from_rational(5, 5), Perquintill::one());
}

/// @rule BIGM-001
TEST(bigmath, perquintill_from_rational_err_cases_give_one)
{
    // per_things.rs from_rational_with_rounding: `if q.is_zero() { return Err(()) }`,
    // `if p > q { return Err(()) }`; from_rational maps Err to one().
    EXPECT_EQ(perquintill_from_rational(0, 0), Perquintill::one());
    EXPECT_EQ(perquintill_from_rational(7, 0), Perquintill::one());
    EXPECT_EQ(perquintill_from_rational(3, 2), Perquintill::one());
    EXPECT_EQ(perquintill_from_rational(U128_MAX, 1), Perquintill::one());
    // Full u128 range: ⌊10^18·(M−1)/M⌋ = 10^18 − 1 since 0 < 10^18/M < 1 (M = u128::MAX).
    EXPECT_EQ(perquintill_from_rational(U128_MAX - 1, U128_MAX).parts, Perquintill::ACCURACY - 1);
    EXPECT_EQ(perquintill_from_rational(1, U128_MAX).parts, 0u);
}

/// @rule BIGM-001
TEST(bigmath, perquintill_from_rational_is_the_floor_randomized)
{
    auto rng = test::seeded_rng("perquintill_from_rational");
    for (unsigned i = 0; i < test::test_iters(); ++i) {
        u128 p = test::random_magnitude(rng), q = test::random_magnitude(rng);
        if (p > q)
            std::swap(p, q);
        if (q == 0)
            continue;
        const Int parts = big(u128{perquintill_from_rational(p, q).parts});
        // parts·q ≤ 10^18·p < (parts + 1)·q
        ASSERT_LE(parts * big(q), E18 * big(p)) << "p=" << big(p) << " q=" << big(q);
        ASSERT_GT((parts + 1) * big(q), E18 * big(p)) << "p=" << big(p) << " q=" << big(q);
    }
}

/// @rule BIGM-002
TEST(bigmath, one_minus)
{
    EXPECT_EQ(one_minus(perquintill_from_rational(1, 3)).parts, 666'666'666'666'666'667u);
    EXPECT_EQ(one_minus(Perquintill::one()).parts, 0u);
    EXPECT_EQ(one_minus(Perquintill{0}), Perquintill::one());
    EXPECT_EQ(one_minus(perquintill_from_rational(773, 1000)).parts, 227'000'000'000'000'000u);
}

// ---------------------------------------------------------------- BIGM-003

/// @rule BIGM-003
TEST(bigmath, mul_perquintill_round_chain_tests)
{
    // balancer.rs test_mul_round_zero_and_one
    EXPECT_EQ(mul_perquintill_round(Perquintill{0}, 1'000'000), 0u);
    EXPECT_EQ(mul_perquintill_round(Perquintill::one(), 1'000'000), 1'000'000u);
    // test_mul_round_half_behaviour (H7)
    const auto half = perquintill_from_rational(1, 2);
    const u128 in_half[] = {0, 1, 2, 3, 4, 5, 1023, 1025};
    const u128 out_half[] = {0, 1, 1, 2, 2, 3, 512, 513};
    for (std::size_t i = 0; i < std::size(in_half); ++i) {
        EXPECT_EQ(mul_perquintill_round(half, in_half[i]), out_half[i]) << "v=" << big(in_half[i]);
    }
    // test_mul_round_third_behaviour: ⅓ = from_rational(1, 3)
    const auto third = perquintill_from_rational(1, 3);
    const u128 in_third[] = {3, 4, 5, 6};
    const u128 out_third[] = {1, 1, 2, 2};
    for (std::size_t i = 0; i < std::size(in_third); ++i) {
        EXPECT_EQ(mul_perquintill_round(third, in_third[i]), out_third[i]) << "v=" << big(in_third[i]);
    }
    // test_mul_round_large_values_simple_rational: (10^18·7 + 5)/10 = 7·10^17
    EXPECT_EQ(mul_perquintill_round(perquintill_from_rational(7, 10), 1'000'000'000'000'000'000),
              u128{700'000'000'000'000'000});
    // test_mul_round_max_value_with_one: no overflow, identity
    EXPECT_EQ(mul_perquintill_round(Perquintill::one(), U128_MAX), U128_MAX);
}

/// @rule BIGM-003
TEST(bigmath, mul_perquintill_round_is_half_up_randomized)
{
    auto rng = test::seeded_rng("mul_perquintill_round");
    for (unsigned i = 0; i < test::test_iters(); ++i) {
        const u128 v = test::random_magnitude(rng);
        const Perquintill p = Perquintill::from_parts(rng() % (Perquintill::ACCURACY + 1));
        const Int r = big(mul_perquintill_round(p, v));
        // |r − v·parts/10^18| ≤ ½ with ties up: 2·r·10^18 − 10^18 ≤ 2·v·parts < 2·r·10^18 + 10^18
        const Int twice = 2 * big(v) * Int(p.parts);
        ASSERT_LE(2 * r * E18 - E18, twice) << "v=" << big(v) << " parts=" << p.parts;
        ASSERT_LT(twice, 2 * r * E18 + E18) << "v=" << big(v) << " parts=" << p.parts;
    }
}

// ---------------------------------------------------------------- BIGM-004

/// @rule BIGM-004
TEST(bigmath, pow_ratio_none_cases_in_library_order)
{
    // bd = 0 or ed = 0 first: even with bn = 0.
    EXPECT_FALSE(pow_ratio_scaled(0, 0, 1, 1, 64, 1000));
    EXPECT_FALSE(pow_ratio_scaled(2, 0, 1, 1, 64, 1000));
    EXPECT_FALSE(pow_ratio_scaled(2, 3, 1, 0, 64, 1000));
    EXPECT_FALSE(pow_ratio_scaled(0, 3, 1, 0, 64, 1000));
    // bn = 0 is Some(0) before the sign checks (negative scale, base or exponents).
    EXPECT_EQ(pow_ratio_scaled(0, 3, 1, 2, 64, -5), Int(0));
    EXPECT_EQ(pow_ratio_scaled(0, -3, 1, 2, 64, 1000), Int(0));
    EXPECT_EQ(pow_ratio_scaled(0, 3, -1, 2, 64, 1000), Int(0));
    EXPECT_EQ(pow_ratio_scaled(0, 3, 0, 2, 64, 1000), Int(0));  // 0^0 is 0 here, not scale
    // Negative scale, base parts or exponents.
    EXPECT_FALSE(pow_ratio_scaled(2, 3, 1, 2, 64, -1));
    EXPECT_FALSE(pow_ratio_scaled(-2, 3, 1, 2, 64, 1000));
    EXPECT_FALSE(pow_ratio_scaled(2, -3, 1, 2, 64, 1000));
    EXPECT_FALSE(pow_ratio_scaled(-2, -3, 1, 2, 64, 1000));
    EXPECT_FALSE(pow_ratio_scaled(2, 3, -1, 2, 64, 1000));
    EXPECT_FALSE(pow_ratio_scaled(2, 3, 1, -2, 64, 1000));
    EXPECT_FALSE(pow_ratio_scaled(2, 3, 0, -2, 64, 1000));  // to_biguint of ed fails before en = 0
    // Not a library None: this reference refuses fallback precisions above 2^20 bits.
    EXPECT_THROW((void)pow_ratio_scaled(2, 3, 1025, 2, MAX_FALLBACK_PRECISION + 1, 1000), std::domain_error);
    EXPECT_TRUE(pow_ratio_scaled(2, 3, 1, 2, 0xFFFF'FFFFU, 1000));  // the exact path ignores precision
}

/// @rule BIGM-004
TEST(bigmath, pow_ratio_zero_exponent_and_zero_scale)
{
    EXPECT_EQ(pow_ratio_scaled(2, 3, 0, 7, 64, 1000), Int(1000));
    EXPECT_EQ(pow_ratio_scaled(Int(1) << 200, 3, 0, Int(1) << 100, 0, 0), Int(0));
    EXPECT_EQ(pow_ratio_scaled(2, 3, 1, 2, 64, 0), Int(0));           // exact path
    EXPECT_EQ(pow_ratio_scaled(2, 3, 1025, 2, 64, 0), Int(0));        // fallback
    EXPECT_EQ(pow_ratio_scaled(7, 7, 1025, 2, 64, 1000), Int(1000));  // ln 1 = 0, exp 0 = 1 exactly
}

/// @rule BIGM-004
TEST(bigmath, pow_ratio_gcd_reduction_picks_the_path)
{
    // test_safe_bigmath_pow_ratio_internal_paths_do_not_panic (balancer.rs): every case is Some.
    const Int bn = 999'999'937, bd = 1'000'000'003, scale = 1'000'000;
    const std::pair<Int, Int> cases[] = {{1024, 1}, {999, 1024}, {1025, 1}, {999, 1025}, {2048, 4096}};
    for (const auto& [en, ed] : cases) {
        EXPECT_TRUE(pow_ratio_scaled(bn, bd, en, ed, 64, scale)) << en << "/" << ed;
    }
    // 2048/4096 reduces to 1/2: the exact path, identical to asking for 1/2.
    EXPECT_EQ(pow_ratio_scaled(bn, bd, 2048, 4096, 64, scale), pow_ratio_scaled(bn, bd, 1, 2, 64, scale));
    EXPECT_TRUE(is_floor_root(*pow_ratio_scaled(bn, bd, 2048, 4096, 64, scale), bn, bd, 1, 2, scale));
    // 10^18-scaled weights 0.6/0.4 reduce to 3/2, so the chain's H1 is an exact-path call.
    EXPECT_EQ(prs("21000000000000000", "28000000000000000", "600000000000000000", "400000000000000000", 256,
                  "1000000000000000000"),
              prs("21000000000000000", "28000000000000000", "3", "2", 0, "1000000000000000000"));
}

// ---------------------------------------------------------------- BIGM-005

/// @rule BIGM-005
TEST(bigmath, pow_ratio_exact_path_chain_values)
{
    // H1: safe-bigmath test_perquintill_power (precision 256) and subtensor
    // test_perquintill_power (precision 4096): (21/28)^(6/4)·10^18 = 0.649519052838328985…
    const char* x = "21000000000000000";
    const char* den = "28000000000000000";  // x + delta, delta = 7·10^15
    EXPECT_EQ(prs(x, den, "600000000000000000", "400000000000000000", 256, "1000000000000000000"),
              Int(649'519'052'838'328'985));
    EXPECT_EQ(prs(x, den, "600000000000000000", "400000000000000000", 4096, "1000000000000000000"),
              Int(649'519'052'838'328'985));
    // H2: the pow_ratio_scaled doc example, (2/3)^(1/2)·1000 → 816.
    EXPECT_EQ(pow_ratio_scaled(2, 3, 1, 2, 0, 1000), Int(816));
    // Perfect powers are exact: (4/9)^(1/2)·900 = 600, (8/27)^(2/3)·9 = 4, (2/1)^(10/1)·3 = 3072.
    EXPECT_EQ(pow_ratio_scaled(4, 9, 1, 2, 0, 900), Int(600));
    EXPECT_EQ(pow_ratio_scaled(8, 27, 2, 3, 0, 9), Int(4));
    EXPECT_EQ(pow_ratio_scaled(2, 1, 10, 1, 0, 3), Int(3072));
    // One below a perfect power floors: (359999/810000)^(1/2)·900 = √359999 = 599.99916…
    EXPECT_EQ(pow_ratio_scaled(359'999, 810'000, 1, 2, 0, 900), Int(599));
}

/// @rule BIGM-005
TEST(bigmath, pow_ratio_exact_path_high_exponent)
{
    // safe-bigmath pow_ratio_scaled_exact_path_handles_high_exponent: 1023/1, result > 0. The
    // chain's test also bounds the time (< 1 s); here speed is the benchmarks' business
    // (bench/), since a timed assertion fails under load.
    const Int bn = 999'999'999, bd = 1'000'000'001, scale = 1'000'000;
    const auto r = pow_ratio_scaled(bn, bd, 1023, 1, 64, scale);
    ASSERT_TRUE(r);
    EXPECT_GT(*r, 0);
    EXPECT_TRUE(is_floor_root(*r, bn, bd, 1023, 1, scale));
    // (1 − 2·10^−9)^1023 · 10^6 ≈ 999997.954: floor 999997.
    EXPECT_EQ(*r, Int(999'997));
    // Both exponents at the 1024 limit: still exact.
    const auto r2 = pow_ratio_scaled(bn, bd, 1023, 1024, 64, scale);
    ASSERT_TRUE(r2);
    EXPECT_TRUE(is_floor_root(*r2, bn, bd, 1023, 1024, scale));
}

/// @rule BIGM-005
TEST(bigmath, pow_ratio_exact_path_is_the_floor_randomized)
{
    auto rng = test::seeded_rng("pow_ratio exact path");
    const unsigned iters = std::max(1u, test::test_iters() / 10);
    for (unsigned i = 0; i < iters; ++i) {
        const Int bn = Int(rng() >> (rng() % 64)) + (rng() % 2 ? 0 : 1);
        const Int bd = Int(rng() >> (rng() % 64)) + 1;
        const unsigned en = static_cast<unsigned>(rng() % 24), ed = static_cast<unsigned>(rng() % 24) + 1;
        const Int scale = Int(rng() >> (rng() % 64));
        const auto r = pow_ratio_scaled(bn, bd, en, ed, static_cast<unsigned>(rng() % 300), scale);
        ASSERT_TRUE(r);
        if (bn == 0) {
            ASSERT_EQ(*r, 0);
            continue;
        }
        if (en == 0) {
            ASSERT_EQ(*r, scale);
            continue;
        }
        ASSERT_TRUE(is_floor_root(*r, bn, bd, en, ed, scale))
            << "bn=" << bn << " bd=" << bd << " en=" << en << " ed=" << ed << " scale=" << scale << " r=" << *r;
    }
}

/// @rule BIGM-005
TEST(bigmath, subtensor_test_exp_scaled_values)
{
    // balancer.rs test_exp_scaled, through pow_ratio_scaled (exp_scaled divides by 10^18 in
    // U64F64; the test tolerance is 10^−9, i.e. 10^9 units at scale 10^18). Rows: quote
    // weight q = from_rational(a, b), base weight 1 − q; base_quote → exponent base/quote.
    struct Row
    {
        u64 a, b, reserve, d;
        bool base_quote;
        double expected;
    };
    const Row rows[] = {{5, 10, 100000, 100, true, 0.999000999000999},
                        {1, 4, 500000, 5000, true, 0.970590147927644},
                        {3, 4, 200000, 2000, false, 0.970590147927644},
                        {9, 10, 13513642, 1673, false, 0.998886481979889},
                        {773, 1000, 7'000'000'000, 10'000, true, 0.999999580484586}};
    for (const auto& row : rows) {
        const Perquintill q = perquintill_from_rational(row.a, row.b);
        const Int w_quote = q.parts, w_base = one_minus(q).parts;
        const Int en = row.base_quote ? w_base : w_quote, ed = row.base_quote ? w_quote : w_base;
        const auto r = pow_ratio_scaled(row.reserve, Int(row.reserve) + row.d, en, ed, 256, E18);
        ASSERT_TRUE(r);
        const double got = r->convert_to<double>() / 1e18;
        EXPECT_NEAR(got, row.expected, 1e-9) << row.a << "/" << row.b;
    }
}

// ---------------------------------------------------------------- BIGM-006

/// @rule BIGM-006
TEST(bigmath, pow_ratio_fallback_library_values)
{
    // safe-bigmath pow_ratio_scaled_handles_large_weight_denominators: all three → …5238.
    const char* x = "21000000000000000";
    const char* den = "21000000000000100";
    const std::pair<const char*, const char*> weights[] = {{"500000000000000000", "500000000000000000"},
                                                           {"499999999999500000", "500000000000500000"},
                                                           {"500000000000250000", "499999999999750000"}};
    for (const auto& [w1, w2] : weights) {
        EXPECT_EQ(prs(x, den, w1, w2, 256, "1000000000000000000"), Int(999'999'999'999'995'238)) << w1;
    }
    // pow_ratio_scaled_converges_on_boundary_weights: …9952 (the chain's "< 1 s" is not timed here).
    EXPECT_EQ(prs(x, "21000000000000001", "499999999500000000", "500000000500000000", 256, "1000000000000000000"),
              Int(999'999'999'999'999'952));
}

/// @rule BIGM-006
TEST(bigmath, pow_ratio_fallback_library_tolerance_tests)
{
    // pow_ratio_scaled_uses_scale_to_pick_precision: precision 0 and 256 within 1 (here equal).
    const auto coarse =
        prs("123456789", "987654321", "987654321123456789", "123456789987654321", 0, "1000000000000000000");
    const auto precise =
        prs("123456789", "987654321", "987654321123456789", "123456789987654321", 256, "1000000000000000000");
    ASSERT_TRUE(coarse && precise);
    EXPECT_LE(abs(*precise - *coarse), 1);
    // pow_ratio_scaled_handles_small_base_fractional_exponent: within 128 of the f64 value.
    const auto small = prs("1", "10", "500000000001", "1000000000000", 128, "1000000000000000000");
    ASSERT_TRUE(small);
    const double f = std::floor(std::pow(0.1, 0.500000000001) * 1e18);
    EXPECT_LE(std::fabs(small->convert_to<double>() - f), 128.0);
    // pow_ratio_scaled_handles_extreme_delta_x: within 10^6 of the f64 value.
    const u64 ex = 400'775'553, edx = 14'446'633'907'665'582, w1 = 102'337'248'363'782'924;
    const auto extreme = pow_ratio_scaled(ex, Int(ex) + edx, w1, E18 - w1, 256, E18);
    ASSERT_TRUE(extreme);
    const double fe =
        std::floor(std::pow(double(ex) / (double(ex) + double(edx)), double(w1) / (1e18 - double(w1))) * 1e18);
    EXPECT_LE(std::fabs(extreme->convert_to<double>() - fe), 1e6);
    // Tighter, against the rigorous enclosure: all three are the exact floor here.
    using Case = std::tuple<Int, Int, Int, Int, Int>;
    const Case cases[] = {
        {*precise, Int(123456789), Int(987654321), Int("987654321123456789"), Int("123456789987654321")},
        {*small, Int(1), Int(10), Int("500000000001"), Int("1000000000000")},
        {*extreme, Int(ex), Int(Int(ex) + edx), Int(w1), Int(E18 - w1)}};
    for (const auto& [r, bn, bd, en, ed] : cases) {
        const Interval iv = pow_ratio_reference(bn, bd, en, ed, E18, 256);
        EXPECT_GE(r, iv.lo);
        EXPECT_LE(r, iv.hi);
    }
}

/// @rule BIGM-006
TEST(bigmath, pow_ratio_fallback_max_iters)
{
    // pow_ratio_scaled_default_max_iters_completes_quickly: the default cap (here
    // min(4096, 32 + 24 + 128) = 184) and an explicit 4096 give the same value.
    const Int bd = 1'000'000'000'000, ed = pow2(40);
    const auto def = pow_ratio_scaled(1, bd, 1, ed, 32, 1);
    const auto explicit_cap = pow_ratio_scaled_with_max_iters(1, bd, 1, ed, 32, 1, DEFAULT_MAX_ITERS);
    ASSERT_TRUE(def && explicit_cap);
    EXPECT_EQ(*def, *explicit_cap);
    // (10^−12)^(2^−40) = 0.99999999997487…: the true floor is 0, the fallback returns 1
    // (rounding to rp = 32 bits, then ⌊1.0·1⌋) — an overshoot of ⌊V⌋ (spec/bigmath.md).
    EXPECT_EQ(*def, 1);
    EXPECT_EQ(pow_ratio_reference(1, bd, 1, ed, 1).lo, 0);
    // A cap of 1 stops every series after its first term: ln1p(x) = x, exp(x) = 1 + x.
    // A cap of 0 behaves as 1 (`.max(1)`).
    EXPECT_EQ(pow_ratio_scaled_with_max_iters(1, 2, 1025, 2, 64, 1000, 0),
              pow_ratio_scaled_with_max_iters(1, 2, 1025, 2, 64, 1000, 1));
}

/// @rule BIGM-006
TEST(bigmath, pow_ratio_fallback_crafted_gcd_is_fast)
{
    // safe-bigmath pow_ratio_scaled_with_crafted_gcd_values: 499/1538820023 takes the
    // fallback (1538820023 > 1024); the chain's "< 1 s" is not timed here (bench/ measures it).
    const auto r =
        prs("2100000000000000000000000", "210000000000000000000000", "499", "1538820023", 256, "1000000000000000000");
    ASSERT_TRUE(r);
    const Interval iv =
        pow_ratio_reference(Int("2100000000000000000000000"), Int("210000000000000000000000"), 499, 1538820023, E18);
    EXPECT_GE(*r, iv.lo);
    EXPECT_LE(*r, iv.hi);
}

/// @rule BIGM-006
TEST(bigmath, pow_ratio_fallback_pinned_anomalies)
{
    // Exact integer results can come out one below: (2^1025)^(1/1025)·10^18 = 2·10^18
    // exactly, but exp(ln 2) at 280 bits lands just under 2.
    EXPECT_EQ(pow_ratio_scaled(pow2(1025), 1, 1, 1025, 256, E18), Int("1999999999999999999"));
    EXPECT_EQ(pow_ratio_floor_exact(pow2(1025), 1, 1, 1025, E18), Int("2000000000000000000"));
    // The exp series is capped at min(4096, rp + 152) terms: for t = (en/ed)·ln(bn/bd) below
    // about −137 at precision 256 the partial sum is garbage. (1/2)^1025·10^18 < 1, yet:
    const auto r = pow_ratio_scaled(1, 2, 1025, 1, 256, E18);
    ASSERT_TRUE(r);
    EXPECT_GT(*r, pow2(900));
    // ...and not monotone: a smaller power of ½ gives a larger (and > scale) result.
    EXPECT_EQ(pow_ratio_scaled(1, 2, 2049, 10, 256, E18), Int(823'377));
    EXPECT_EQ(pow_ratio_scaled(1, 2, 2181, 10, 256, E18), Int("99531194761124113"));
    EXPECT_GT(*pow_ratio_scaled(1, 2, 2201, 10, 256, E18), E18);
    // A higher precision raises the cap (1176 terms at 1024) and the same call is right.
    EXPECT_EQ(pow_ratio_scaled(1, 2, 2049, 10, 1024, E18), Int(0));
}

/// F-030 / F-033: where the fallback series stops giving ⌊V⌋, V = scale·e^t, t = (en/ed)·ln(bn/bd).
/// Derivation of the exact side: for t < ln(10^-18) = −41.4465, V < 1, so ⌊V⌋ = 0; the chain's
/// capped series keeps returning 0 up to |t| = 137.37 (precision 256) and 419.70 (1024), then
/// returns more than ⌊V⌋ = 0, and from 152.04 (434.76) more than scale. The crossings depend on
/// t only: they are the same at bases 1/2, 1/3, 1/7 and 1/1001.
/// @rule BIGM-006
TEST(bigmath, pow_ratio_fallback_thresholds)
{
    // en/ed = t / ln(B) with ed = 10^6, for base 1/B.
    const auto at = [](long long base_den, double t, unsigned precision) {
        const long long en = std::llround(t / std::log(static_cast<double>(base_den)) * 1e6);
        const auto r = pow_ratio_scaled(1, base_den, en, 1'000'000, precision, E18);
        EXPECT_TRUE(r) << "1/" << base_den << " t=" << t;
        return r ? *r : Int(-1);
    };
    for (const long long b : {2LL, 3LL, 7LL, 1001LL}) {
        SCOPED_TRACE("base 1/" + std::to_string(b));
        EXPECT_EQ(at(b, 41.44, 256), 1);  // V = 10^18·e^-41.44 = 1.007
        EXPECT_EQ(at(b, 41.46, 256), 0);  // V < 1
        EXPECT_EQ(at(b, 137.36, 256), 0);
        EXPECT_GT(at(b, 137.39, 256), 0);  // V ≈ 10^-42, the series has broken
        EXPECT_LT(at(b, 152.02, 256), E18);
        EXPECT_GE(at(b, 152.06, 256), E18);  // a "power" above 1
        EXPECT_EQ(at(b, 137.39, 1024), 0);   // the longer series of v3.4.8-423 is right there
        EXPECT_EQ(at(b, 419.69, 1024), 0);
        EXPECT_GT(at(b, 419.73, 1024), 0);
        EXPECT_LT(at(b, 434.74, 1024), E18);
        EXPECT_GE(at(b, 434.78, 1024), E18);
    }
}

// ---------------------------------------------------------------- BIGM-007

/// @rule BIGM-007
TEST(bigmath, reference_interval_contains_exact_values)
{
    // Perfect powers: the value is an integer and must lie in [lo, hi].
    const std::tuple<Int, Int, Int, Int, Int, Int> exact[] = {{4, 9, 1, 2, 900, 600},
                                                              {8, 27, 2, 3, 9, 4},
                                                              {2, 1, 10, 1, 3, 3072},
                                                              {pow2(1025), 1, 1, 1025, E18, 2 * E18},
                                                              {1, pow2(1025), 1, 1025, E18, E18 / 2},
                                                              {7, 7, 12345, 67, 99, 99}};
    for (const auto& [bn, bd, en, ed, scale, v] : exact) {
        const Interval iv = pow_ratio_reference(bn, bd, en, ed, scale);
        EXPECT_LE(iv.lo, v);
        EXPECT_GE(iv.hi, v);
        EXPECT_LE(iv.hi - iv.lo, 2);
    }
    // Degenerate arguments.
    EXPECT_EQ(pow_ratio_reference(0, 5, 3, 2, 100), (Interval{0, 0}));
    EXPECT_EQ(pow_ratio_reference(0, 5, 0, 2, 100), (Interval{100, 100}));
    EXPECT_EQ(pow_ratio_reference(3, 5, 0, 2, 100), (Interval{100, 100}));
    EXPECT_THROW((void)pow_ratio_reference(3, 0, 1, 2, 100), std::domain_error);
    EXPECT_THROW((void)pow_ratio_reference(3, 5, 1, 0, 100), std::domain_error);
    EXPECT_THROW((void)pow_ratio_reference(3, 5, -1, 2, 100), std::domain_error);
}

/// @rule BIGM-007
TEST(bigmath, reference_interval_brackets_randomized)
{
    auto rng = test::seeded_rng("pow_ratio_reference");
    const unsigned iters = std::max(1u, test::test_iters() / 10);
    for (unsigned i = 0; i < iters; ++i) {
        const Int bn = Int(rng() >> (rng() % 64)) + 1, bd = Int(rng() >> (rng() % 64)) + 1;
        const unsigned en = static_cast<unsigned>(rng() % 20), ed = static_cast<unsigned>(rng() % 20) + 1;
        const Int scale = Int(rng() >> (rng() % 64));
        const Interval iv = pow_ratio_reference(bn, bd, en, ed, scale, 128);
        using boost::multiprecision::pow;
        // lo^ed·bd^en ≤ bn^en·scale^ed ≤ hi^ed·bd^en
        const Int target = pow(bn, en) * pow(scale, ed);
        ASSERT_LE(pow(iv.lo, ed) * pow(bd, en), target) << bn << " " << bd << " " << en << "/" << ed << " " << scale;
        ASSERT_GE(pow(iv.hi, ed) * pow(bd, en), target) << bn << " " << bd << " " << en << "/" << ed << " " << scale;
        // Width: ≤ 2 units plus V·2^−100 at 128 bits.
        ASSERT_LE(iv.hi - iv.lo, 2 + (iv.hi >> 100));
        // The bisection agrees with the exact path of the library.
        const Int fl = pow_ratio_floor_exact(bn, bd, en, ed, scale);
        ASSERT_EQ(fl, *pow_ratio_scaled(bn, bd, en, ed, 0, scale));
    }
}

/// @rule BIGM-007
TEST(bigmath, floor_exact_domain)
{
    EXPECT_THROW((void)pow_ratio_floor_exact(2, 3, 4097, 1, 10), std::domain_error);
    // 8192/2 reduces to 4096/1, inside the domain: (2/3)^4096·10 < 1.
    EXPECT_EQ(pow_ratio_floor_exact(2, 3, 8192, 2, 10), 0);
}
