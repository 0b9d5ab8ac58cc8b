// pow_ratio_fuzz: safe-bigmath's pow_ratio_scaled (BIGM-004 … BIGM-006) against the
// exact floor and the rigorous enclosure of the true power (BIGM-007).
// SPDX-License-Identifier: Apache-2.0
//
// Input (big-endian, zeros past the end): u8 mode, then per mode
//   0 Balancer swap     u64 x, u64 dx, u64 w, u8 flags    bn/bd = x/(x+dx) (flag bit 0:
//                       swapped), en/ed = w'/(10^18 − w') (bit 1: swapped) with
//                       w' = 10^17 + w mod (8·10^17 + 1); precision 256 (bit 2: 1024);
//                       scale 10^18
//   1 limit price       u128 p_num, u128 p_den, u64 w     (U64F64 price bits), en/ed =
//                       w'/10^18, precision 1024, scale 10^18
//   2 exact path        u128 bn, u128 bd, u16 en, u16 ed, u16 precision, u128 scale,
//                       en ≤ 1024, 1 ≤ ed ≤ 1024, exponents halved until the exact check
//                       costs ≤ 2^15 bits
//   3 generic           u128 bn, u128 bd, u64 en, u64 ed, u16 precision (< 1100),
//                       u128 scale
//   4 argument checks   as 3, with u8 signs: bits 0–4 negate bn, bd, en, ed, scale
// Outside mode 2, en is moved up by one until an exact-path reduction costs ≤ 2^15 bits.
// Values above 1 are forced where a zero would only hit the None/0 cases.
//
// Asserts:
//   * the result equals the cpp_int oracle's (`pow_ratio_scaled_oracle`), bit for bit;
//   * the None / 0 / scale cases of BIGM-004, in the library's order (every mode);
//   * exact path (both reduced exponents ≤ 1024): r^ed·bd^en ≤ bn^en·scale^ed <
//     (r+1)^ed·bd^en (en, ed reduced), i.e. r = ⌊V⌋, V = (bn/bd)^(en/ed)·scale;
//   * fallback, inside its documented domain (spec/bigmath.md BIGM-006: no series cut
//     short by the min(4096, rp + 152) cap, no exp cancellation beyond the working
//     precision): |r − V| ≤ 2 + V·2^−rp·(16 + 16·(en/ed)·(bits(bn) + bits(bd) + 2)),
//     checked against pow_ratio_reference at rp + 64 bits. Outside the domain only
//     "returns" is checked: the library returns garbage there, even negative values.
// Sizes are bounded so one input runs in well under 10 ms.
//
// Reproduce: ./dtao.sh fuzz pow_ratio repro <crash-file>   (it prints the decoded input)
#include "fuzz_common.hpp"

#include "dtao/numeric/bigmath.hpp"

#include <algorithm>
#include <cmath>

using namespace dtao;
using dtao::fuzz::Input;

namespace {

const Int E18{"1000000000000000000"};

unsigned bits_of(const Int& v) { return v == 0 ? 0U : static_cast<unsigned>(boost::multiprecision::msb(abs(v))) + 1U; }

/// ln v for v > 0, in double (domain selection only).
double ln_of(const Int& v)
{
    const unsigned b = bits_of(v);
    const unsigned drop = b > 60 ? b - 60 : 0;
    return std::log(static_cast<Int>(v >> drop).convert_to<double>()) + drop * std::log(2.0);
}

u64 weight(u64 w) { return 100'000'000'000'000'000ULL + w % 800'000'000'000'000'001ULL; }

struct Case
{
    Int bn, bd, en, ed, scale;
    unsigned precision = 0;
};

/// BIGM-004's early answers, in the library's order; nullopt when the call goes on.
std::optional<std::optional<Int>> early_answer(const Case& c)
{
    using R = std::optional<std::optional<Int>>;
    if (c.bd == 0 || c.ed == 0)
        return R{std::optional<Int>{}};
    if (c.bn == 0)
        return R{Int(0)};
    if (c.scale < 0 || c.bn < 0 || c.bd < 0 || c.en < 0 || c.ed < 0)
        return R{std::optional<Int>{}};
    if (c.en == 0)
        return R{c.scale};
    return std::nullopt;
}

void check_exact(const Case& c, const Int& r, unsigned a, unsigned b)
{
    using boost::multiprecision::pow;
    const Int rhs = pow(c.bn, a) * pow(c.scale, b);
    const Int bda = pow(c.bd, a);
    FUZZ_ASSERT(pow(r, b) * bda <= rhs, "r = " << r << " is above the true power");
    FUZZ_ASSERT(pow(Int(r + 1), b) * bda > rhs, "r + 1 = " << r + 1 << " is not above the true power");
}

void check_fallback(const Case& c, const Int& r)
{
    const unsigned sb = bits_of(c.scale);
    const unsigned rp = std::max({c.precision, 32U, sb + 8});
    const unsigned p = rp + 24;
    const double n_iters = static_cast<double>(std::min<unsigned>(4096, p + 128));
    const double q = c.en.convert_to<double>() / c.ed.convert_to<double>();
    const double t = q * (ln_of(c.bn) - ln_of(c.bd));
    const double ln2 = std::log(2.0);
    const double at = std::fabs(t);
    // Domain: the exp series' last allowed term, scaled, is below 2^−12 ...
    bool in_domain =
        at < 1 ||
        std::log(c.scale.convert_to<double>() + 1) + n_iters * std::log(at) - std::lgamma(n_iters + 1) < -12 * ln2;
    // ... its floor errors, amplified by e^|t| for t < 0, stay below 2^−12 units ...
    if (t < 0 && at / ln2 + sb + std::log2(n_iters) + 12 > p)
        in_domain = false;
    // ... and the bound below is representable.
    const double log2_v = sb + t / ln2;
    const double rel = 16 + 16 * q * (bits_of(c.bn) + bits_of(c.bd) + 2);
    const double log2_tol = log2_v + std::log2(rel) - rp;
    if (log2_tol > 60)
        in_domain = false;
    FUZZ_NOTE("t", std::to_string(t));
    FUZZ_NOTE("in documented domain", in_domain);
    if (!in_domain)
        return;  // even a negative r is possible out here (spec/bigmath.md)
    // In the domain V ≥ 0 and r ≥ −1: a tiny V whose exp sum lands below 0 gives ⌊−ε⌋ = −1.
    FUZZ_ASSERT(r >= -1, "negative result " << r);
    const Int tol = 2 + Int(static_cast<u64>(std::ceil(std::exp2(std::max(log2_tol, -8.0)))));
    const bigmath::Interval iv = bigmath::pow_ratio_reference(c.bn, c.bd, c.en, c.ed, c.scale, rp + 64);
    FUZZ_ASSERT(r >= iv.lo - tol && r <= iv.hi + tol,
                "r = " << r << " outside [" << iv.lo << " − " << tol << ", " << iv.hi << " + " << tol << "]");
}

void run(const Case& c)
{
    FUZZ_NOTE("bn", c.bn);
    FUZZ_NOTE("bd", c.bd);
    FUZZ_NOTE("en", c.en);
    FUZZ_NOTE("ed", c.ed);
    FUZZ_NOTE("precision", c.precision);
    FUZZ_NOTE("scale", c.scale);
    const auto r = bigmath::pow_ratio_scaled(c.bn, c.bd, c.en, c.ed, c.precision, c.scale);
    // The GMP series against its cpp_int oracle, on every input (the exact path and the
    // early answers are shared code, so they agree by construction).
    const auto oracle = bigmath::pow_ratio_scaled_oracle(c.bn, c.bd, c.en, c.ed, c.precision, c.scale, std::nullopt);
    FUZZ_ASSERT(r.has_value() == oracle.has_value(), "None differs from the oracle");
    if (r)
        FUZZ_ASSERT_EQ(*r, *oracle);
    if (const auto early = early_answer(c)) {
        FUZZ_ASSERT(r.has_value() == early->has_value(), "None mismatch");
        if (r)
            FUZZ_ASSERT_EQ(*r, **early);
        return;
    }
    FUZZ_ASSERT(r.has_value(), "None on valid arguments");
    const Int g = boost::multiprecision::gcd(c.en, c.ed);
    const Int a = c.en / g, b = c.ed / g;
    if (a <= bigmath::MAX_EXACT_EXPONENT && b <= bigmath::MAX_EXACT_EXPONENT) {
        const auto ua = a.convert_to<unsigned>(), ub = b.convert_to<unsigned>();
        // Affordable: the decoder bounded a·(bits(bn) + bits(bd)) + b·bits(scale) by 2^15.
        check_exact(c, *r, ua, ub);
        return;
    }
    check_fallback(c, *r);
}

Int at_least_one(const Int& v) { return v == 0 ? Int(1) : v; }

/// An exact-path reduction with exponents near 1024 and 64–128-bit operands costs tens of
/// ms (numbers of ~2^17 bits): move en by one until the exact path is cheap or the
/// fallback is taken, so every input stays well under 10 ms.
void keep_exact_path_cheap(Case& c)
{
    if (c.en <= 0 || c.ed <= 0 || c.bn <= 0 || c.bd <= 0 || c.scale < 0)
        return;
    for (;;) {
        const Int g = boost::multiprecision::gcd(c.en, c.ed);
        if (c.en / g > 1024 || c.ed / g > 1024)
            return;
        const u64 a = (c.en / g).convert_to<u64>(), b = (c.ed / g).convert_to<u64>();
        if (a * (bits_of(c.bn) + bits_of(c.bd)) + b * bits_of(c.scale) <= 32'768)
            return;
        c.en += 1;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FUZZ_BEGIN();
    Input in(data, size);
    const unsigned mode = in.u8() % 5;
    FUZZ_NOTE("mode", mode);
    Case c;
    switch (mode) {
    case 0: {
        const u64 x = in.u64be(), dx = in.u64be(), w = weight(in.u64be());
        const std::uint8_t flags = in.u8();
        const Int ix = at_least_one(Int(x));
        c.bn = ix;
        c.bd = ix + dx;
        if (flags & 1)
            std::swap(c.bn, c.bd);
        c.en = w;
        c.ed = E18 - w;
        if (flags & 2)
            std::swap(c.en, c.ed);
        c.precision = (flags & 4) ? 1024 : 256;
        c.scale = E18;
        break;
    }
    case 1: {
        c.bn = at_least_one(to_int(in.u128be()));
        c.bd = at_least_one(to_int(in.u128be()));
        c.en = weight(in.u64be());
        c.ed = E18;
        c.precision = 1024;
        c.scale = E18;
        break;
    }
    case 2: {
        c.bn = to_int(in.u128be());
        c.bd = to_int(in.u128be());
        unsigned en = static_cast<unsigned>(in.u64be(2) % 1025), ed = static_cast<unsigned>(in.u64be(2) % 1024) + 1;
        c.precision = static_cast<unsigned>(in.u64be(2));
        c.scale = to_int(in.u128be());
        const auto cost = [&] {
            return static_cast<u64>(en) * (bits_of(c.bn) + bits_of(c.bd)) + static_cast<u64>(ed) * bits_of(c.scale);
        };
        while (cost() > 32'768) {
            en /= 2;
            ed = std::max(1U, ed / 2);
        }
        c.en = en;
        c.ed = ed;
        break;
    }
    default: {
        c.bn = to_int(in.u128be());
        c.bd = to_int(in.u128be());
        c.en = in.u64be();
        c.ed = in.u64be();
        c.precision = static_cast<unsigned>(in.u64be(2) % 1100);
        c.scale = to_int(in.u128be());
        // An exact-path reduction of 64-bit exponents must stay cheap as well.
        if (mode == 4) {
            const std::uint8_t s = in.u8();
            if (s & 1)
                c.bn = -c.bn;
            if (s & 2)
                c.bd = -c.bd;
            if (s & 4)
                c.en = -c.en;
            if (s & 8)
                c.ed = -c.ed;
            if (s & 16)
                c.scale = -c.scale;
        }
        break;
    }
    }
    if (mode != 2)
        keep_exact_path_cheap(c);
    run(c);
    return 0;
}
