// fixed_fuzz: the substrate-fixed emulation (FIX-001 … FIX-010), each
// operation against its definition in unbounded integers.
// SPDX-License-Identifier: Apache-2.0
//
// Input (big-endian, zeros past the end): u8 operation, u8 type (I96F32,
// U96F32, U64F64, I64F64, I110F18), u128 bits a, u128 bits b (reduced to the
// type: the raw two's-complement bits for signed types), u8 target type (convert).
// from_f64 reads the 8 bytes of a as an IEEE double.
//
// Each result is compared with the definition (spec/fixed.md,
// /tmp/research/substrate_fixed.md), written with cpp_int, where F is the
// type's fractional bits, clamp() clamps to the type's range and fit() is
// "nothing when out of range":
//   saturating_mul / checked_mul   clamp/fit(⌊a·b / 2^F⌋)          (floor toward −∞)
//   checked_div / safe_div         fit(trunc(a·2^F / b)), nothing (safe_div: 0) on b = 0 or overflow
//   saturating_add/sub, checked_add/sub   clamp/fit(a ± b)
//   convert<To>                    clamp_To(⌊a · 2^F_To / 2^F⌋)
//   saturating_to_u64              clamp to [0, u64::MAX] of ⌊a / 2^F⌋
//   floor                          ⌊a / 2^F⌋ · 2^F
//   saturating_from_u64            clamp(v · 2^F)
//   from_f64                       round-half-even(d · 2^F), an exception iff d is
//                                  not finite or the result does not fit
//   cmp (<, <=, ==)                the order of the exact rationals a/2^F, b/2^F
//   log2 (I96F32)                  the library's algorithm (integer part by
//                                  rounding halvings, 32 fraction bits by
//                                  squaring; substrate_fixed.md §7.2) transcribed
//                                  in cpp_int; and |log2 − log2_exact(x)| < 2^−24
//                                  (checked with long double), the integer part
//                                  ⌊log2 x⌋ or one more (F-009).
//
// Reproduce: ./dtao.sh fuzz fixed repro <crash-file>   (it prints the decoded input)
#include "fuzz_common.hpp"

#include "dtao/testing/bigint.hpp"
#include "dtao/testing/log2_model.hpp"

#include "dtao/emission.hpp"
#include "dtao/numeric/fixed.hpp"

#include <bit>
#include <cmath>

using namespace dtao;
using namespace dtao::fixed;
using dtao::fuzz::Input;

namespace {

using test::pow2;

template <typename T>
Int lo()
{
    return T::is_signed ? Int(-pow2(127)) : Int(0);
}
template <typename T>
Int hi()
{
    return T::is_signed ? Int(pow2(127) - 1) : Int(pow2(128) - 1);
}

template <typename T>
Int clamp(const Int& v)
{
    return v < lo<T>() ? lo<T>() : v > hi<T>() ? hi<T>() : v;
}
template <typename T>
bool fits(const Int& v)
{
    return v >= lo<T>() && v <= hi<T>();
}

template <typename T>
T from_raw(u128 raw)
{
    if constexpr (T::is_signed)
        return T::from_bits(static_cast<i128>(raw));
    else
        return T::from_bits(raw);
}

template <typename T>
void check_opt(const std::optional<T>& got, const Int& want, const char* what)
{
    if (fits<T>(want)) {
        FUZZ_ASSERT(got.has_value(), what << ": nothing, want " << want.str());
        FUZZ_ASSERT_EQ(got->int_bits(), want);
    } else {
        FUZZ_ASSERT(!got.has_value(), what << ": a value " << got->int_bits().str() << " for an out-of-range result");
    }
}

using oracle::log2_model;

template <typename To, typename T>
void check_convert(T a)
{
    const To got = convert<To>(a);
    const Int want = clamp<To>(floor_div(a.int_bits() << To::frac_bits, pow2(T::frac_bits)));
    FUZZ_ASSERT_EQ(got.int_bits(), want);
}

template <typename T>
void run(unsigned op, Input& in)
{
    constexpr unsigned F = T::frac_bits;
    const u128 raw_a = in.u128be(), raw_b = in.u128be();
    const T a = from_raw<T>(raw_a), b = from_raw<T>(raw_b);
    const Int A = a.int_bits(), B = b.int_bits();
    FUZZ_NOTE("type", type_name<T>);
    FUZZ_NOTE("a_bits", A);
    FUZZ_NOTE("b_bits", B);
    switch (op) {
    case 0: {
        FUZZ_NOTE("op", "saturating_mul/checked_mul");
        const Int want = floor_div(A * B, pow2(F));
        FUZZ_ASSERT_EQ(a.saturating_mul(b).int_bits(), clamp<T>(want));
        check_opt(a.checked_mul(b), want, "checked_mul");
        break;
    }
    case 1: {
        FUZZ_NOTE("op", "checked_div/safe_div");
        const auto got = a.checked_div(b);
        if (B == 0) {
            FUZZ_ASSERT(!got.has_value());
            FUZZ_ASSERT_EQ(a.safe_div(b).int_bits(), Int(0));
            break;
        }
        const Int want = Int((A << F) / B);  // cpp_int division truncates toward zero
        check_opt(got, want, "checked_div");
        FUZZ_ASSERT_EQ(a.safe_div(b).int_bits(), fits<T>(want) ? want : Int(0));
        break;
    }
    case 2: {
        FUZZ_NOTE("op", "add/sub");
        FUZZ_ASSERT_EQ(a.saturating_add(b).int_bits(), clamp<T>(A + B));
        FUZZ_ASSERT_EQ(a.saturating_sub(b).int_bits(), clamp<T>(A - B));
        check_opt(a.checked_add(b), A + B, "checked_add");
        check_opt(a.checked_sub(b), A - B, "checked_sub");
        break;
    }
    case 3: {
        const unsigned to = in.u8() % 5;
        FUZZ_NOTE("op", "convert");
        FUZZ_NOTE("to", to);
        switch (to) {
        case 0: check_convert<I96F32>(a); break;
        case 1: check_convert<U96F32>(a); break;
        case 2: check_convert<U64F64>(a); break;
        case 3: check_convert<I64F64>(a); break;
        case 4: check_convert<I110F18>(a); break;
        }
        break;
    }
    case 4: {
        FUZZ_NOTE("op", "saturating_to_u64/floor/from_u64");
        const Int q = floor_div(A, pow2(F));
        FUZZ_ASSERT_EQ(Int(a.saturating_to_u64()), q < 0 ? Int(0) : q > Int(U64_MAX) ? Int(U64_MAX) : q);
        FUZZ_ASSERT_EQ(a.floor().int_bits(), Int(q * pow2(F)));
        const u64 v = static_cast<u64>(raw_b);
        FUZZ_ASSERT_EQ(T::saturating_from_u64(v).int_bits(), clamp<T>(Int(v) << F));
        break;
    }
    case 5: {
        const double d = std::bit_cast<double>(static_cast<u64>(raw_a >> 64));
        FUZZ_NOTE("op", "from_f64");
        FUZZ_NOTE("double_bits", static_cast<u64>(raw_a >> 64));
        std::optional<Int> want;
        if (std::isfinite(d)) {
            int e = 0;
            const double m = std::frexp(std::fabs(d), &e);                      // |d| = m·2^e, m in [0.5, 1)
            const Int mant = Int(static_cast<u64>(std::ldexp(m, 64) / 2)) * 2;  // m·2^64 exactly (53 bits)
            // value·2^F = mant · 2^(e − 64 + F)
            const int s = e - 64 + static_cast<int>(F);
            Int r;
            if (s >= 0) {
                r = mant << s;
            } else {
                const unsigned down = static_cast<unsigned>(-s);
                const Int den = pow2(down);
                r = mant >> down;
                const Int rem = mant - (r << down);
                if (2 * rem > den || (2 * rem == den && (r & 1) != 0))
                    ++r;
            }
            if (std::signbit(d))
                r = -r;
            if (fits<T>(r))
                want = r;
        }
        std::optional<Int> got;
        try {
            got = T::from_f64(d).int_bits();
        } catch (const std::exception&) {
        }
        FUZZ_ASSERT(got.has_value() == want.has_value(), "from_f64 threw " << !got.has_value());
        if (got)
            FUZZ_ASSERT_EQ(*got, *want);
        break;
    }
    case 6: {
        FUZZ_NOTE("op", "cmp");
        const Rational ra(A, pow2(F)), rb(B, pow2(F));
        FUZZ_ASSERT_EQ(a < b, ra < rb);
        FUZZ_ASSERT_EQ(a <= b, ra <= rb);
        FUZZ_ASSERT_EQ(a == b, ra == rb);
        FUZZ_ASSERT_EQ(a.min(b).int_bits(), ra <= rb ? A : B);
        // across types: against I110F18 with the same bits
        const auto c = I110F18::from_bits(static_cast<i128>(raw_b));
        FUZZ_ASSERT_EQ(a < c, ra < c.to_rational());
        break;
    }
    case 7: {
        if constexpr (std::is_same_v<T, I96F32>) {
            FUZZ_NOTE("op", "log2");
            const auto got = chain::log2(a);
            const auto want = log2_model(A);
            FUZZ_ASSERT_EQ(got.has_value(), want.has_value());
            if (!got)
                break;
            FUZZ_ASSERT_EQ(got->int_bits(), *want);
            // closeness to the true logarithm
            const long double x = static_cast<long double>(static_cast<u128>(a.bits));
            const long double truth = std::log2(x) - 32.0L;
            const long double mine = static_cast<long double>(got->bits) / 4294967296.0L;
            FUZZ_ASSERT(std::fabs(mine - truth) < 1.0L / (1 << 24),
                        "log2 " << static_cast<double>(mine) << " truth " << static_cast<double>(truth));
            if (A >= pow2(32)) {
                const Int ip = floor_div(got->int_bits(), pow2(32));
                const Int exact_ip = Int(static_cast<long>(boost::multiprecision::msb(A)) - 32);
                FUZZ_ASSERT(ip == exact_ip || ip == exact_ip + 1);
            }
        }
        break;
    }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FUZZ_BEGIN();
    Input in(data, size);
    const unsigned op = in.u8() % 8;
    switch (in.u8() % 5) {
    case 0: run<I96F32>(op, in); break;
    case 1: run<U96F32>(op, in); break;
    case 2: run<U64F64>(op, in); break;
    case 3: run<I64F64>(op, in); break;
    case 4: run<I110F18>(op, in); break;
    }
    return 0;
}
