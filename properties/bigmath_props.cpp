/// Big-integer primitives of the Balancer era (@rule BIGM-001 BIGM-005 BIGM-006 BIGM-007):
/// Perquintill::from_rational is the floor [chain]; pow_ratio_scaled's exact path is the
/// floor of the true power [chain vs exact]; its ln/exp fallback stays within one unit of
/// the true power on the documented domain (|t| ≤ 100, t = (en/ed)·ln(bn/bd), precision
/// 256 or 1024, scale 10^18) [chain vs exact]; the GMP series equals its cpp_int oracle
/// everywhere [chain]; the reference interval brackets the true
/// power [exact]. Two naive promises the fallback breaks are kept as expected failures:
/// "never above the true value" (low precision) and "a base ≤ 1 gives at most `scale`"
/// (|t| beyond the series cap). Each family has a mutation check.
// SPDX-License-Identifier: Apache-2.0
#include "generators.hpp"
#include "prop_support.hpp"

#include "dtao/numeric/bigmath.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <tuple>

namespace dtao::prop {

/// Arguments of one pow_ratio_scaled call.
struct PowCase
{
    Int bn, bd, en, ed, scale;
    unsigned precision = 0;
};

inline void showValue(const PowCase& c, std::ostream& os)
{
    os << "pow_ratio_scaled(bn=" << c.bn << ", bd=" << c.bd << ", en=" << c.en << ", ed=" << c.ed
       << ", precision=" << c.precision << ", scale=" << c.scale << ")";
}

namespace {

using PowFn = std::function<std::optional<Int>(const PowCase&)>;
using RefFn = std::function<bigmath::Interval(const PowCase&)>;
using PerqFn = std::function<Perquintill(u128, u128)>;

const Int E18{"1000000000000000000"};

PowFn reference_pow()
{
    return [](const PowCase& c) { return bigmath::pow_ratio_scaled(c.bn, c.bd, c.en, c.ed, c.precision, c.scale); };
}

RefFn reference_interval()
{
    return [](const PowCase& c) { return bigmath::pow_ratio_reference(c.bn, c.bd, c.en, c.ed, c.scale, 320); };
}

// ------------------------------------------------------------------ generators

/// Small exponents (the exact path): both reduced exponents ≤ 40, bases and scale any u64.
rc::Gen<PowCase> exact_case()
{
    return rc::gen::apply(
        [](u64 bn, u64 bd, int en, int ed, u64 scale, int precision) {
            return PowCase{Int(bn) + 1, Int(bd) + 1, Int(en), Int(ed), Int(scale), static_cast<unsigned>(precision)};
        },
        any_scale_u64(), any_scale_u64(), rc::gen::inRange(0, 41), rc::gen::inRange(1, 41), any_scale_u64(),
        rc::gen::inRange(0, 1100));
}

/// Push w away from fractions that reduce to the exact path (both parts ≤ 1024).
u64 fallback_weight(u64 w, const Int& total)
{
    for (;; ++w) {
        const Int g = boost::multiprecision::gcd(Int(w), total - w);
        if (Int(w) / g > bigmath::MAX_EXACT_EXPONENT || (total - w) / g > bigmath::MAX_EXACT_EXPONENT)
            return w;
    }
}

/// The Balancer calls: sells/buys (x/(x ± dx))^(w1/w2) and the limit-price form
/// (p_num/p_den)^(w/10^18) with U64F64 price bits (up to 128 bits), weights in [0.1, 0.9],
/// precision 256 or 1024, scale 10^18; exponents forced onto the fallback.
rc::Gen<PowCase> balancer_fallback_case()
{
    return rc::gen::apply(
        [](u64 x, u64 dx, int form, u64 w, bool hi_precision, u64 px, u64 py) {
            PowCase c;
            c.scale = E18;
            c.precision = hi_precision ? 1024 : 256;
            const Int ix = Int(x) + 1;
            if (form == 2) {  // limit price: U64F64 bits, exponent w/10^18
                c.bn = (ix << 64) + px;
                c.bd = ((Int(dx) + 1) << 64) + py;
                const u64 fw = fallback_weight(w, E18);
                c.en = fw;
                c.ed = E18;
                return c;
            }
            const u64 fw = fallback_weight(w, E18);
            c.en = fw;
            c.ed = E18 - fw;
            c.bn = form == 0 ? ix : ix + dx;  // 0: sell, x/(x+dx); 1: x+dx over x
            c.bd = form == 0 ? ix + dx : ix;
            return c;
        },
        any_scale_u64(), any_scale_u64(), rc::gen::inRange(0, 3),
        rc::gen::inRange<u64>(100'000'000'000'000'000, 900'000'000'000'000'001), rc::gen::arbitrary<bool>(),
        rc::gen::arbitrary<u64>(), rc::gen::arbitrary<u64>());
}

/// t = (en/ed)·ln(bn/bd) in double precision (only to select the domain).
double log_power(const PowCase& c)
{
    auto ln = [](const Int& v) {
        const unsigned bits = static_cast<unsigned>(boost::multiprecision::msb(v)) + 1;
        const unsigned drop = bits > 60 ? bits - 60 : 0;
        return std::log(static_cast<Int>(v >> drop).convert_to<double>()) + drop * std::log(2.0);
    };
    return (ln(c.bn) - ln(c.bd)) * c.en.convert_to<double>() / c.ed.convert_to<double>();
}

/// A base just below 1 and a small exponent at low precision: V sits just under `scale`.
rc::Gen<PowCase> near_one_low_precision_case()
{
    return rc::gen::apply(
        [](u64 bd, int k, u64 w, int precision, int scale) {
            PowCase c;
            c.bd = Int(bd) + 8;
            c.bn = c.bd - k;
            const u64 fw = fallback_weight(w, E18);
            c.en = fw;
            c.ed = E18;
            c.precision = static_cast<unsigned>(precision);
            c.scale = scale;
            return c;
        },
        any_scale_u64(), rc::gen::inRange(1, 4), rc::gen::inRange<u64>(1, 1'000'000'000'000'000'000),
        rc::gen::inRange(0, 48), rc::gen::inRange(1, 1000));
}

/// A tiny base with a Balancer-range exponent (up to 19), unbounded |t|.
rc::Gen<PowCase> tiny_base_case()
{
    return rc::gen::apply(
        [](u64 bn, u64 bd, u64 w) {
            PowCase c;
            c.bn = Int(bn % (u64{1} << 20)) + 1;
            c.bd = Int(bd | (u64{1} << 40));
            const u64 fw = fallback_weight(w, E18);
            c.en = fw;
            c.ed = E18 - fw;
            c.precision = 256;
            c.scale = E18;
            return c;
        },
        rc::gen::arbitrary<u64>(), rc::gen::arbitrary<u64>(),
        rc::gen::inRange<u64>(500'000'000'000'000'000, 950'000'000'000'000'000));
}

/// Any arguments that reach the fallback, and a few that stop before it: bases up to 2^128
/// (0 included), exponents up to 2^64 moved off the exact path, precision 0 … 1100, scale up to
/// 2^128 (0 included), the series cap left to the library or 1 … 600 terms.
struct OracleCase
{
    PowCase c;
    std::optional<std::size_t> max_iters;
};

inline void showValue(const OracleCase& o, std::ostream& os)
{
    showValue(o.c, os);
    os << ", max_iters=" << (o.max_iters ? std::to_string(*o.max_iters) : std::string("default"));
}

/// Any u64, not scaled down by RapidCheck's size: small sizes would make most bases 0.
rc::Gen<u64> uniform() { return rc::gen::inRange<u64>(0, std::numeric_limits<u64>::max()); }

rc::Gen<OracleCase> oracle_case()
{
    const auto wide = [](u64 hi, u64 lo, int bits) {
        const Int v = (Int(hi) << 64) | Int(lo);
        return bits >= 128 ? v : Int(v >> (128 - bits));
    };
    return rc::gen::apply(
        [wide](u64 bnh, u64 bnl, u64 bdh, u64 bdl, u64 en, u64 ed, std::tuple<int, int, int, int, int> sizes, u64 sh,
               u64 sl) {
            const auto [bn_bits, bd_bits, scale_bits, precision, iters] = sizes;
            const int shape[] = {bn_bits, bd_bits, scale_bits, precision, iters};
            OracleCase o;
            o.c.bn = wide(bnh, bnl, shape[0]);
            o.c.bd = wide(bdh, bdl, shape[1]) + 1;
            o.c.scale = wide(sh, sl, shape[2]);
            o.c.precision = static_cast<unsigned>(shape[3]);
            Int e = Int(en) + 1, d = Int(ed) + 1;
            while (e / boost::multiprecision::gcd(e, d) <= bigmath::MAX_EXACT_EXPONENT &&
                   d / boost::multiprecision::gcd(e, d) <= bigmath::MAX_EXACT_EXPONENT)
                e += 1;  // off the exact path
            o.c.en = e;
            o.c.ed = d;
            if (shape[4] > 0)  // else the library's own cap
                o.max_iters = static_cast<std::size_t>(shape[4] - 1);
            return o;
        },
        uniform(), uniform(), uniform(), uniform(), uniform(), uniform(),
        rc::gen::tuple(rc::gen::inRange(0, 129), rc::gen::inRange(0, 129), rc::gen::inRange(0, 129),
                       rc::gen::inRange(0, 1101), rc::gen::inRange(-600, 602)),
        uniform(), uniform());
}

// ------------------------------------------------------------------ properties

using IterPowFn = std::function<std::optional<Int>(const PowCase&, std::optional<std::size_t>)>;

/// @rule BIGM-006  [chain] The fallback series on GMP (what `pow_ratio_scaled` runs) equals
/// the cpp_int emulation kept as its oracle (`pow_ratio_scaled_oracle`), to the bit, on any
/// input: inside and outside the documented domain, at any precision and series cap.
void prop_series_equals_oracle(const IterPowFn& f, const PowCase& c, std::optional<std::size_t> max_iters)
{
    const bool positive = c.bn > 0 && c.bd > 0 && c.en > 0 && c.ed > 0;
    RC_TAG(!positive ? "a zero argument" : std::fabs(log_power(c)) > 130 ? "|t| > 130 (garbage region)" : "|t| <= 130");
    RC_TAG(max_iters ? "series cap given" : "default series cap");
    const auto want = bigmath::pow_ratio_scaled_oracle(c.bn, c.bd, c.en, c.ed, c.precision, c.scale, max_iters);
    RC_ASSERT(f(c, max_iters) == want);
}

/// @rule BIGM-005  [chain vs exact] The exact path is ⌊V⌋, V = (bn/bd)^(en/ed)·scale:
/// r^ed·bd^en ≤ bn^en·scale^ed < (r+1)^ed·bd^en (en, ed unreduced: same inequality).
void prop_exact_path_is_floor(const PowFn& f, const PowCase& c)
{
    const auto r = f(c);
    RC_ASSERT(r.has_value());
    if (c.en == 0) {
        RC_ASSERT(*r == c.scale);
        return;
    }
    const auto en = c.en.convert_to<unsigned>(), ed = c.ed.convert_to<unsigned>();
    using boost::multiprecision::pow;
    const Int rhs = pow(c.bn, en) * pow(c.scale, ed);
    RC_ASSERT(pow(*r, ed) * pow(c.bd, en) <= rhs);
    RC_ASSERT(pow(Int(*r + 1), ed) * pow(c.bd, en) > rhs);
}

/// @rule BIGM-006  [chain vs exact] On the Balancer domain with |t| ≤ 100 the fallback
/// result is within one unit of the reference enclosure [lo, hi] ∋ V (|r − V| < 2; in
/// practice r = ⌊V⌋, tagged below).
void prop_fallback_within_one(const PowFn& f, const RefFn& ref, const PowCase& c)
{
    const double t = log_power(c);
    RC_CLASSIFY(std::fabs(t) > 100, "|t| > 100 (outside the documented domain, excluded)");
    if (std::fabs(t) > 100)
        return;
    const auto r = f(c);
    RC_ASSERT(r.has_value());
    const bigmath::Interval iv = ref(c);
    RC_CLASSIFY(*r >= iv.lo && *r <= iv.hi, "inside the enclosure");
    RC_CLASSIFY(iv.hi - iv.lo <= 1 && *r == iv.lo, "r = lo = floor(V)");
    RC_TAG(t < 0 ? "t < 0" : "t >= 0");
    RC_ASSERT(*r >= iv.lo - 1);
    RC_ASSERT(*r <= iv.hi + 1);
}

/// @rule BIGM-006  [chain vs exact] The naive promise "the fallback never returns more
/// than V" — expected to FAIL at low precision (rp = max(precision, 32, bits(scale) + 8)
/// fractional bits cannot resolve V just below an integer, which then rounds up).
/// Decided exactly: r > V ⟸ r·2^64 > hi(V·2^64).
void prop_naive_fallback_never_above(const PowFn& f, const PowCase& c)
{
    const auto r = f(c);
    RC_ASSERT(r.has_value());
    const auto iv = bigmath::pow_ratio_reference(c.bn, c.bd, c.en, c.ed, c.scale << 64, 256);
    RC_ASSERT((*r << 64) <= iv.hi);
}

/// @rule BIGM-006  [chain] The naive promise "a base ≤ 1 gives a result ≤ scale" —
/// expected to FAIL once t = (en/ed)·ln(bn/bd) < about −137 at precision 256: the exp
/// series is cut at min(4096, rp + 152) terms and its partial sum is meaningless.
void prop_naive_base_below_one_bounded(const PowFn& f, const PowCase& c)
{
    const auto r = f(c);
    RC_ASSERT(r.has_value());
    RC_TAG(log_power(c) < -137 ? "t < -137" : "t >= -137");
    RC_ASSERT(*r <= c.scale);
}

/// @rule BIGM-007  [exact] The reference interval brackets V, decided exactly:
/// lo^ed·bd^en ≤ bn^en·scale^ed ≤ hi^ed·bd^en, and is at most 2 units wide here.
void prop_reference_brackets(const RefFn& ref, const PowCase& c)
{
    const bigmath::Interval iv = ref(c);
    const auto en = c.en.convert_to<unsigned>(), ed = c.ed.convert_to<unsigned>();
    using boost::multiprecision::pow;
    const Int rhs = pow(c.bn, en) * pow(c.scale, ed);
    RC_ASSERT(pow(iv.lo, ed) * pow(c.bd, en) <= rhs);
    RC_ASSERT(pow(iv.hi, ed) * pow(c.bd, en) >= rhs);
    RC_ASSERT(iv.hi - iv.lo <= 2 + (iv.hi >> 250));
}

/// @rule BIGM-001  [chain] from_rational(p, q) = ⌊10^18·p/q⌋ for p ≤ q, q > 0; one() otherwise.
void prop_perquintill_floor(const PerqFn& f, u64 p_hi, u64 p_lo, u64 q_hi, u64 q_lo, int shape)
{
    u128 p = (static_cast<u128>(p_hi) << 64) | p_lo, q = (static_cast<u128>(q_hi) << 64) | q_lo;
    if (shape == 0) {  // small operands, where rounding is visible
        p = p_lo % 1000;
        q = q_lo % 1000;
    }
    const u64 parts = f(p, q).parts;
    if (q == 0 || p > q) {
        RC_ASSERT(parts == Perquintill::ACCURACY);
        return;
    }
    const Int P = to_int(p), Q = to_int(q);
    RC_ASSERT(Int(parts) * Q <= E18 * P);
    RC_ASSERT(Int(parts + 1) * Q > E18 * P);
}

// ------------------------------------------------------------------ mutants

/// Mutant: the exact path rounds the root up (⌈·⌉ instead of ⌊·⌋).
PowFn mutant_root_ceil()
{
    return [](const PowCase& c) -> std::optional<Int> {
        auto r = bigmath::pow_ratio_scaled(c.bn, c.bd, c.en, c.ed, c.precision, c.scale);
        if (r && c.en != 0) {
            using boost::multiprecision::pow;
            const auto en = c.en.convert_to<unsigned>(), ed = c.ed.convert_to<unsigned>();
            if (pow(*r, ed) * pow(c.bd, en) != pow(c.bn, en) * pow(c.scale, ed))
                *r += 1;
        }
        return r;
    };
}

/// Mutant: the series cap set to 24 terms instead of min(4096, rp + 152).
PowFn mutant_short_series()
{
    return [](const PowCase& c) {
        return bigmath::pow_ratio_scaled_with_max_iters(c.bn, c.bd, c.en, c.ed, c.precision, c.scale, 24);
    };
}

/// Mutant: the reference collapses to the lower bound.
RefFn mutant_collapsed_interval()
{
    return [](const PowCase& c) {
        auto iv = bigmath::pow_ratio_reference(c.bn, c.bd, c.en, c.ed, c.scale, 320);
        iv.hi = iv.lo;
        return iv;
    };
}

/// Mutant: from_rational rounds to nearest.
Perquintill mutant_perquintill_nearest(u128 p, u128 q)
{
    if (q == 0 || p > q)
        return Perquintill::one();
    const Int parts = (E18 * to_int(p) * 2 + to_int(q)) / (to_int(q) * 2);
    return Perquintill{parts.convert_to<u64>()};
}

}  // namespace

// ------------------------------------------------------------------ registered

RC_GTEST_PROP(bigmath, bigm_001_from_rational_is_floor, (u64 ph, u64 pl, u64 qh, u64 ql))
{
    const int shape = *rc::gen::inRange(0, 2);
    prop_perquintill_floor(bigmath::perquintill_from_rational, ph, pl, qh, ql, shape);
}

RC_GTEST_PROP(bigmath, bigm_005_exact_path_is_floor, ()) { prop_exact_path_is_floor(reference_pow(), *exact_case()); }

RC_GTEST_PROP(bigmath, bigm_006_fallback_within_one_unit, ())
{
    prop_fallback_within_one(reference_pow(), reference_interval(), *balancer_fallback_case());
}

IterPowFn series_pow()
{
    return [](const PowCase& c, std::optional<std::size_t> max_iters) {
        return bigmath::pow_ratio_scaled_with_max_iters(c.bn, c.bd, c.en, c.ed, c.precision, c.scale, max_iters);
    };
}

RC_GTEST_PROP(bigmath, bigm_006_series_equals_oracle, ())
{
    const auto o = *oracle_case();
    prop_series_equals_oracle(series_pow(), o.c, o.max_iters);
}

RC_GTEST_PROP(bigmath, bigm_006_series_equals_oracle_on_balancer_calls, ())
{
    prop_series_equals_oracle(series_pow(), *balancer_fallback_case(), std::nullopt);
}

RC_GTEST_PROP(bigmath, bigm_006_series_equals_oracle_past_the_cap, ())
{
    prop_series_equals_oracle(series_pow(), *tiny_base_case(), std::nullopt);
}

RC_GTEST_PROP(bigmath, bigm_007_reference_brackets_true_power, ())
{
    prop_reference_brackets(reference_interval(), *exact_case());
}

TEST(bigmath, bigm_006_naive_never_above_true_value_fails)
{
    const auto out = expect_failure(
        "naive: the fallback never returns more than V",
        [] { prop_naive_fallback_never_above(reference_pow(), *near_one_low_precision_case()); }, 200);
    EXPECT_NE(out.description.find("<="), std::string::npos) << out.description;
}

TEST(bigmath, bigm_006_naive_base_below_one_bounded_fails)
{
    const auto out = expect_failure(
        "naive: a base <= 1 gives at most scale",
        [] { prop_naive_base_below_one_bounded(reference_pow(), *tiny_base_case()); }, 200);
    // What does hold: inside the documented domain the same calls are within one unit.
    expect_success("holds: |t| <= 100 within one unit",
                   [] { prop_fallback_within_one(reference_pow(), reference_interval(), *tiny_base_case()); });
}

// ------------------------------------------------------------------ mutations

TEST(mutation, bigmath_root_rounded_up_is_caught)
{
    expect_success("reference: exact path is the floor",
                   [] { prop_exact_path_is_floor(reference_pow(), *exact_case()); });
    expect_failure(
        "mutant (root rounded up): exact path is the floor",
        [] { prop_exact_path_is_floor(mutant_root_ceil(), *exact_case()); }, 200);
}

TEST(mutation, bigmath_short_series_is_caught)
{
    expect_failure(
        "mutant (series cut at 24 terms): fallback within one unit",
        [] { prop_fallback_within_one(mutant_short_series(), reference_interval(), *balancer_fallback_case()); }, 200);
}

TEST(mutation, bigmath_series_differing_from_oracle_is_caught)
{
    // A series one term shorter than asked differs from the oracle wherever the cap binds.
    expect_failure(
        "mutant (one term fewer): series equals oracle",
        [] {
            const auto o = *oracle_case();
            prop_series_equals_oracle(
                [](const PowCase& c, std::optional<std::size_t> max_iters) {
                    const std::size_t cap = max_iters.value_or(4096);
                    return bigmath::pow_ratio_scaled_with_max_iters(c.bn, c.bd, c.en, c.ed, c.precision, c.scale,
                                                                    cap > 1 ? cap - 1 : cap);
                },
                o.c, o.max_iters);
        },
        200);
}

TEST(mutation, bigmath_collapsed_reference_is_caught)
{
    expect_failure(
        "mutant (interval collapsed to lo): reference brackets V",
        [] { prop_reference_brackets(mutant_collapsed_interval(), *exact_case()); }, 200);
}

TEST(mutation, bigmath_perquintill_nearest_is_caught)
{
    expect_success("reference: from_rational is the floor", [](u64 ph, u64 pl, u64 qh, u64 ql) {
        prop_perquintill_floor(bigmath::perquintill_from_rational, ph, pl, qh, ql, *rc::gen::inRange(0, 2));
    });
    expect_failure(
        "mutant (round to nearest): from_rational is the floor",
        [](u64 ph, u64 pl, u64 qh, u64 ql) {
            prop_perquintill_floor(mutant_perquintill_nearest, ph, pl, qh, ql, *rc::gen::inRange(0, 2));
        },
        200);
}

}  // namespace dtao::prop
