// dtao-reference: Perquintill helpers and safe-bigmath's pow_ratio_scaled.
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/bigmath.md (BIGM-*). Upstream: sam0x17/safe-bigmath@013c499
// src/integer.rs; paritytech/polkadot-sdk substrate/primitives/arithmetic
// src/per_things.rs; opentensor/subtensor@14bc6f9 pallets/swap/src/pallet/balancer.rs.
//
// Every division below names its rounding. In the library, BigInt `div_floor`
// floors and `div_rem` truncates; both occur, on values that can be negative.
#include "dtao/numeric/bigmath.hpp"

#include "bigmath_series.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace dtao {

namespace {

// ---------------------------------------------------------------- small helpers

/// ⌊v / 2^k⌋ for any sign (Boost's `>>` on a negative cpp_int is not relied upon).
Int shr_floor(const Int& v, unsigned k)
{
    if (v >= 0)
        return v >> k;
    Int m = -v;
    m -= 1;
    m >>= k;
    return -m - 1;
}

/// ⌊v / n⌋ for any sign of v, n > 0.
Int div_floor_small(const Int& v, unsigned n)
{
    Int q, r;
    boost::multiprecision::divide_qr(v, Int(n), q, r);
    if (r < 0)
        --q;
    return q;
}

/// ⌈v / 2^k⌉ for any sign.
Int shr_ceil(const Int& v, unsigned k) { return -shr_floor(-v, k); }

unsigned bit_length(const Int& v) { return v == 0 ? 0U : static_cast<unsigned>(boost::multiprecision::msb(v)) + 1U; }

unsigned sat_add_u32(unsigned a, unsigned b) { return a > 0xFFFF'FFFFU - b ? 0xFFFF'FFFFU : a + b; }

// ---------------------------------------------------------------- the library's series

/// `round_to_precision`: v / g rounded half away from zero (g = 2^24 > 0).
Int round_guard(const Int& v, const Int& g)
{
    Int q, r;
    boost::multiprecision::divide_qr(v, g, q, r);  // truncating: r has the sign of v
    if (r != 0 && (abs(r) << 1) >= g)
        q += (r < 0 ? -1 : 1);
    return q;
}

/// `ln1p_fixed`: Taylor series of ln(1 + x/2^p), x in units of 2^-p.
Int ln1p_series(const Int& x, unsigned p, const Int& g, std::size_t max_iters)
{
    Int term = x;
    Int result = x;
    Int prev = round_guard(result, g);
    for (std::size_t n = 2; n <= max_iters; ++n) {
        term = shr_floor(term * x, p);  // div_floor by the power-of-two scale
        if (term == 0)
            break;
        const Int next = div_floor_small(term, static_cast<unsigned>(n));
        if (next == 0)
            break;
        if (n % 2 == 0)
            result -= next;
        else
            result += next;
        Int rounded = round_guard(result, g);
        if (abs(next) < g || rounded == prev)
            break;
        prev = std::move(rounded);
    }
    return result;
}

/// `exp_fixed`: Taylor series of exp(x/2^p), in units of 2^-p.
/// ⌊term·x / (2^p·n)⌋ = ⌊⌊term·x / 2^p⌋ / n⌋ (nested floors of positive divisors).
Int exp_series(const Int& x, unsigned p, const Int& g, std::size_t max_iters)
{
    Int term = Int(1) << p;
    Int result = term;
    Int prev = round_guard(result, g);
    for (std::size_t n = 1; n <= max_iters; ++n) {
        term = div_floor_small(shr_floor(term * x, p), static_cast<unsigned>(n));
        if (term == 0)
            break;
        result += term;
        Int rounded = round_guard(result, g);
        if (abs(term) < g || rounded == prev)
            break;
        prev = std::move(rounded);
    }
    return result;
}

/// `ln_biguint`: ln(v) in units of 2^-p where p = log2(internal scale).
/// `int_prec` is the (saturated) u32 internal precision used for the mantissa
/// shift; it equals p unless the caller's precision saturated u32.
Int ln_integer(const Int& v, unsigned int_prec, unsigned p, const Int& g, const Int& ln_two, std::size_t max_iters)
{
    if (v == 0)
        return 0;
    unsigned shift = bit_length(v) - 1;
    Int mantissa = (v << int_prec) >> shift;
    const Int is = Int(1) << p;
    if (mantissa >= is + (is >> 1)) {
        mantissa >>= 1;
        shift += 1;
    }
    return ln1p_series(mantissa - is, p, g, max_iters) + ln_two * shift;
}

/// ln 2 at internal precision p as the library computes it, −ln1p(−½); cached
/// per (p, max_iters) because every fallback call recomputes it.
const Int& ln_two_cached(unsigned p, const Int& g, std::size_t max_iters)
{
    struct Entry
    {
        unsigned p;
        std::size_t iters;
        Int value;
    };
    thread_local std::vector<Entry> cache;
    for (const auto& e : cache)
        if (e.p == p && e.iters == max_iters)
            return e.value;
    if (cache.size() >= 16)
        cache.erase(cache.begin());
    const Int half = (Int(1) << p) >> 1;
    cache.push_back({p, max_iters, -ln1p_series(-half, p, g, max_iters)});
    return cache.back().value;
}

/// Integer q-th root: the largest r ≥ 0 with r^q ≤ m. Same value as the library's
/// binary search in `nth_root_ratio_floor` (the answer is unique), reached by a
/// floating estimate and Newton's iteration from above, then verified.
Int iroot_floor(const Int& m, unsigned q)
{
    if (m <= 0)
        return 0;
    if (q == 1)
        return m;
    const unsigned bits = bit_length(m);
    if (bits <= static_cast<unsigned>(q))  // m < 2^q ⇒ root < 2
        return 1;
    // log2(m) from its top 64 bits.
    const unsigned drop = bits > 64 ? bits - 64 : 0;
    const double top = static_cast<Int>(m >> drop).convert_to<double>();
    const double lg = std::log2(top) + static_cast<double>(drop);
    const double root_lg = lg / static_cast<double>(q) + 1e-9;  // slight overestimate
    Int x;
    if (root_lg < 60.0) {
        x = Int(static_cast<u64>(std::ceil(std::exp2(root_lg)))) + 1;
    } else {
        const double ip = std::floor(root_lg);
        const auto e = static_cast<unsigned>(ip) - 52U;
        x = (Int(static_cast<u64>(std::ceil(std::exp2(root_lg - ip + 52.0)))) + 1) << e;
    }
    // Make sure the start is ≥ the root (it is, barring a pathological log2).
    while (boost::multiprecision::pow(x, q) <= m)
        x <<= 1;
    // Newton from above: strictly decreasing until it reaches ⌊m^(1/q)⌋.
    for (;;) {
        const Int y = ((q - 1) * x + m / boost::multiprecision::pow(x, q - 1)) / q;
        if (y >= x)
            break;
        x = y;
    }
    while (boost::multiprecision::pow(x, q) > m)
        --x;
    while (boost::multiprecision::pow(x + 1, q) <= m)
        ++x;
    return x;
}

/// gcd of non-negative integers (gcd(0, 0) = 0).
Int gcd_int(const Int& a, const Int& b) { return boost::multiprecision::gcd(a, b); }

}  // namespace

namespace bigmath {

// ---------------------------------------------------------------- Perquintill

Perquintill perquintill_from_rational(u128 p, u128 q)
{
    // from_rational_with_rounding(p, q, Down) is Err for q = 0 and for p > q;
    // from_rational maps Err to one(). Otherwise ⌊10^18·p/q⌋ ≤ 10^18.
    if (q == 0 || p > q)
        return Perquintill::one();
    const Int parts = Int(Perquintill::ACCURACY) * to_int(p) / to_int(q);
    return Perquintill{parts.convert_to<u64>()};
}

u128 mul_perquintill_round(Perquintill p, u128 v)
{
    // v·parts + 5·10^17 < 2^188 never saturates U256; the quotient is ≤ v.
    const Int num = to_int(v) * Int(p.parts) + Int(Perquintill::ACCURACY / 2);
    return to_u128(num / Int(Perquintill::ACCURACY));
}

// ---------------------------------------------------------------- pow_ratio_scaled

namespace {

/// The library's front of `pow_ratio_scaled_with_max_iters` (BIGM-004/005) with the
/// fallback series `series` (BIGM-006).
template <class Series>
std::optional<Int> pow_ratio(const Int& bn, const Int& bd, const Int& en, const Int& ed, unsigned precision,
                             const Int& scale, std::optional<std::size_t> max_iters, Series series)
{
    // The order of these checks is the library's and is observable.
    if (bd == 0 || ed == 0)
        return std::nullopt;
    if (bn == 0)
        return Int(0);
    if (scale < 0)
        return std::nullopt;
    if (bn < 0 || bd < 0)
        return std::nullopt;
    if (en < 0 || ed < 0)  // `to_biguint()?`
        return std::nullopt;
    if (en == 0)
        return scale;

    Int num = en, den = ed;
    const Int g = gcd_int(num, den);
    if (g > 1) {
        num /= g;
        den /= g;
    }

    const unsigned scale_bits = bit_length(scale);
    if (num <= MAX_EXACT_EXPONENT && den <= MAX_EXACT_EXPONENT) {
        const auto a = num.convert_to<unsigned>();
        const auto b = den.convert_to<unsigned>();
        // ⌊(bn^a·scale^b / bd^a)^(1/b)⌋ = ⌊(⌊bn^a·scale^b / bd^a⌋)^(1/b)⌋.
        const Int target = boost::multiprecision::pow(bn, a) * boost::multiprecision::pow(scale, b) /
                           boost::multiprecision::pow(bd, a);
        return iroot_floor(target, b);
    }

    // Fallback: fixed-point ln / exp with 24 guard bits.
    const unsigned rp = std::max({precision, 32U, sat_add_u32(scale_bits, 8)});
    constexpr unsigned guard_bits = 24;
    if (rp > MAX_FALLBACK_PRECISION)
        throw std::domain_error("pow_ratio_scaled: fallback precision " + std::to_string(rp) +
                                " above MAX_FALLBACK_PRECISION");
    const unsigned int_prec = sat_add_u32(rp, guard_bits);  // u32, saturating
    const unsigned p = rp + guard_bits;                     // the bigint shift is exact
    const std::size_t default_iters = std::min<std::size_t>(DEFAULT_MAX_ITERS, std::size_t{int_prec} + 128);
    const std::size_t iters = std::max<std::size_t>(max_iters.value_or(default_iters), 1);
    return series(bn, bd, num, den, scale, detail::FallbackPrecision{rp, int_prec, p, iters});
}

/// The fallback on cpp_int, step for step as the library writes it: the oracle of the
/// GMP series (bigmath_series.cpp).
Int oracle_series(const Int& bn, const Int& bd, const Int& num, const Int& den, const Int& scale,
                  const detail::FallbackPrecision& fp)
{
    const Int gf = Int(1) << 24;
    const Int& ln_two = ln_two_cached(fp.p, gf, fp.iterations);
    const Int ln_base = ln_integer(bn, fp.int_prec, fp.p, gf, ln_two, fp.iterations) -
                        ln_integer(bd, fp.int_prec, fp.p, gf, ln_two, fp.iterations);
    const Int ln_scaled = floor_div(ln_base * num, den);
    const Int exp_fp = exp_series(ln_scaled, fp.p, gf, fp.iterations);
    const Int exp_requested = round_guard(exp_fp, gf);
    return shr_floor(exp_requested * scale, fp.rp);
}

}  // namespace

std::optional<Int> pow_ratio_scaled(const Int& bn, const Int& bd, const Int& en, const Int& ed, unsigned precision,
                                    const Int& scale)
{
    return pow_ratio_scaled_with_max_iters(bn, bd, en, ed, precision, scale, std::nullopt);
}

std::optional<Int> pow_ratio_scaled_with_max_iters(const Int& bn, const Int& bd, const Int& en, const Int& ed,
                                                   unsigned precision, const Int& scale,
                                                   std::optional<std::size_t> max_iters)
{
    return pow_ratio(bn, bd, en, ed, precision, scale, max_iters, detail::fallback_series);
}

std::optional<Int> pow_ratio_scaled_oracle(const Int& bn, const Int& bd, const Int& en, const Int& ed,
                                           unsigned precision, const Int& scale, std::optional<std::size_t> max_iters)
{
    return pow_ratio(bn, bd, en, ed, precision, scale, max_iters, oracle_series);
}

// ---------------------------------------------------------------- exact model

namespace {

/// Bounds of 2^P·atanh(zn/zd) for 0 ≤ zn/zd ≤ 1/3: [Σ ⌊t_i⌋, Σ ⌈t_i⌉ + tail].
Interval atanh_bounds(const Int& zn, const Int& zd, unsigned P)
{
    if (zn == 0)
        return {0, 0};
    const Int zn2 = zn * zn, zd2 = zd * zd;
    // pl ≤ 2^P·z^(2i+1) ≤ pu.
    Int pl = (zn << P) / zd;
    Int pu = ((zn << P) + zd - 1) / zd;
    Interval s{0, 0};
    for (unsigned i = 0;; ++i) {
        const unsigned d = 2 * i + 1;
        s.lo += pl / d;
        s.hi += (pu + d - 1) / d;
        pl = pl * zn2 / zd2;
        pu = (pu * zn2 + zd2 - 1) / zd2;
        if (pu <= 1) {
            // Remaining Σ_{j>i} 2^P z^(2j+1)/(2j+1) ≤ pu·(1/(1 − z²)) ≤ pu·9/8 ≤ 2.
            s.hi += 2;
            break;
        }
    }
    return s;
}

/// Bounds of 2^P·ln 2 = 2^P·2·atanh(1/3).
Interval ln2_bounds(unsigned P)
{
    const Interval a = atanh_bounds(1, 3, P);
    return {a.lo * 2, a.hi * 2};
}

/// Bounds of 2^P·ln(a/b) for a, b > 0.
Interval ln_ratio_bounds(const Int& a, const Int& b, unsigned P, const Interval& ln2)
{
    // a/b = 2^k·m with m ∈ [2/3, 4/3] ⇒ z = (m − 1)/(m + 1) ∈ [−1/5, 1/7].
    long k = static_cast<long>(bit_length(a)) - static_cast<long>(bit_length(b));
    auto mant = [&](long kk, Int& mn, Int& md) {
        mn = kk >= 0 ? a : Int(a << static_cast<unsigned>(-kk));
        md = kk >= 0 ? Int(b << static_cast<unsigned>(kk)) : b;
    };
    Int mn, md;
    mant(k, mn, md);
    if (3 * mn > 4 * md)
        mant(++k, mn, md);
    else if (3 * mn < 2 * md)
        mant(--k, mn, md);
    const Int zn = mn - md, zd = mn + md;
    Interval at = zn >= 0 ? atanh_bounds(zn, zd, P) : atanh_bounds(-zn, zd, P);
    if (zn < 0)
        at = {-at.hi, -at.lo};
    Interval r{2 * at.lo, 2 * at.hi};
    if (k >= 0) {
        r.lo += ln2.lo * k;
        r.hi += ln2.hi * k;
    } else {
        r.lo += ln2.hi * k;
        r.hi += ln2.lo * k;
    }
    return r;
}

/// Bounds of 2^P·exp(x/2^P) for 0 ≤ x ≤ 2^P (all Taylor terms positive).
Interval exp_pos_bounds(const Int& x, unsigned P)
{
    Interval s{Int(1) << P, Int(1) << P};
    Int tl = s.lo, tu = s.hi;
    for (unsigned n = 1;; ++n) {
        tl = (tl * x >> P) / n;
        tu = (((tu * x + (Int(1) << P) - 1) >> P) + n - 1) / n;
        s.lo += tl;
        s.hi += tu;
        if (tu <= 1) {
            // Tail after term n ≤ tu·Σ (x/(n+1))^j ≤ 2·tu since x ≤ 1 < (n+1)/2.
            s.hi += 2;
            break;
        }
    }
    return s;
}

/// exp(x/2^P) = 2^j·E with E bounded in units of 2^-P.
struct ScaledExp
{
    long j = 0;
    Int lo, hi;
};

ScaledExp exp_bounds(const Int& x, unsigned P, const Interval& ln2)
{
    // j ≈ x / ln 2; any j is correct, a good one keeps |r| ≤ ~0.35.
    Int jq = floor_div((x << 1) + ln2.lo, ln2.lo << 1);  // round to nearest
    if (bit_length(abs(jq)) > 40)
        throw std::domain_error("pow_ratio_reference: result has more than 2^40 bits");
    const long j = jq.convert_to<long>();
    // r = x − j·ln2 ∈ [rl, ru].
    Int rl = x - (j >= 0 ? ln2.hi : ln2.lo) * j;
    Int ru = x - (j >= 0 ? ln2.lo : ln2.hi) * j;
    auto exp_point = [&](const Int& r, bool upper) -> Int {
        if (r >= 0) {
            const Interval e = exp_pos_bounds(r, P);
            return upper ? e.hi : e.lo;
        }
        // exp(r) = 1/exp(−r): invert with the opposite bound.
        const Interval e = exp_pos_bounds(-r, P);
        const Int one2 = Int(1) << (2 * P);
        return upper ? Int((one2 + e.lo - 1) / e.lo) : Int(one2 / e.hi);
    };
    return {j, exp_point(rl, false), exp_point(ru, true)};
}

}  // namespace

Interval pow_ratio_reference(const Int& bn, const Int& bd, const Int& en, const Int& ed, const Int& scale,
                             unsigned bits)
{
    if (bn < 0 || bd <= 0 || en < 0 || ed <= 0 || scale < 0)
        throw std::domain_error("pow_ratio_reference: needs bn ≥ 0, bd > 0, en ≥ 0, ed > 0, scale ≥ 0");
    if (bn == 0)
        return en == 0 ? Interval{scale, scale} : Interval{0, 0};
    if (en == 0 || scale == 0)
        return {scale, scale};
    const unsigned P = std::max(bits, 64U);
    const Interval ln2 = ln2_bounds(P);
    const Interval lb = ln_ratio_bounds(bn, bd, P, ln2);
    // t = (en/ed)·ln(bn/bd); en/ed ≥ 0 so the bounds keep their order.
    const Int tl = floor_div(lb.lo * en, ed);
    const Int tu = ceil_div(lb.hi * en, ed);
    // V ≤ scale·exp(tu/2^P) < scale·2^-(bits(scale) + 1) < 1/2 when tu ≤ −(bits(scale) + 1)·ln 2:
    // [0, 1] encloses it, while 2^j itself would need more bits than a machine has (an exponent
    // near 2^64 on a base below 1).
    if (tu <= -Int(bit_length(scale) + 1) * ln2.hi)
        return {0, 1};
    const ScaledExp el = exp_bounds(tl, P, ln2);
    const ScaledExp eu = exp_bounds(tu, P, ln2);
    // V ∈ [scale·el.lo·2^(el.j − P), scale·eu.hi·2^(eu.j − P)].
    auto scaled = [&](const Int& e, long j, bool upper) {
        const Int v = scale * e;
        const long sh = j - static_cast<long>(P);
        if (sh >= 0)
            return Int(v << static_cast<unsigned>(sh));
        return upper ? shr_ceil(v, static_cast<unsigned>(-sh)) : shr_floor(v, static_cast<unsigned>(-sh));
    };
    return {scaled(el.lo, el.j, false), scaled(eu.hi, eu.j, true)};
}

bool pow_ratio_le(const Int& r, const Int& bn, const Int& bd, unsigned en, unsigned ed, const Int& scale)
{
    return boost::multiprecision::pow(r, ed) * boost::multiprecision::pow(bd, en) <=
           boost::multiprecision::pow(bn, en) * boost::multiprecision::pow(scale, ed);
}

Int pow_ratio_floor_exact(const Int& bn, const Int& bd, const Int& en, const Int& ed, const Int& scale)
{
    if (bn < 0 || bd <= 0 || en < 0 || ed <= 0 || scale < 0)
        throw std::domain_error("pow_ratio_floor_exact: needs bn ≥ 0, bd > 0, en ≥ 0, ed > 0, scale ≥ 0");
    const Int g = gcd_int(en, ed);
    const Int a = en / g, b = ed / g;
    if (a > EXACT_FLOOR_MAX_EXPONENT || b > EXACT_FLOOR_MAX_EXPONENT)
        throw std::domain_error("pow_ratio_floor_exact: reduced exponent above EXACT_FLOOR_MAX_EXPONENT");
    const auto ua = a.convert_to<unsigned>(), ub = b.convert_to<unsigned>();
    const Interval iv = pow_ratio_reference(bn, bd, en, ed, scale, 128);
    // Largest r in [lo, hi] with r ≤ V; lo ≤ V holds, so the search is well founded.
    Int lo = iv.lo, hi = iv.hi;
    while (lo < hi) {
        const Int mid = (lo + hi + 1) >> 1;
        if (pow_ratio_le(mid, bn, bd, ua, ub, scale))
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

}  // namespace bigmath

}  // namespace dtao
