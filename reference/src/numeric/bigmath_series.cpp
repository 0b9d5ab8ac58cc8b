// dtao-reference: pow_ratio_scaled's ln/exp fallback (BIGM-006) on GMP integers.
// SPDX-License-Identifier: Apache-2.0
//
// The same operations as safe-bigmath's series, in the same order, with the same
// roundings (floor shifts, floor division by the term index, round half away from
// zero at the guard bits), so the bits are the library's; only the integer library
// differs. The cpp_int emulation in bigmath.cpp is kept as this code's oracle
// (`pow_ratio_scaled_oracle`): tests, properties and the pow_ratio fuzz target compare
// the two on every input they draw.
//
// One simplification, exact: the library stops a series when the added term is below
// the guard unit g = 2^24 *or* the sum rounded to the guard did not move. When the term
// is at least g the rounded sum always moves (round half away from zero is monotone
// and gains at least 1 for each g added or removed), so the second test never fires
// first and the loops below test the term alone.
#include "bigmath_series.hpp"

#include <gmp.h>

#include <boost/multiprecision/cpp_int/import_export.hpp>

#include <cstdint>
#include <vector>

namespace dtao::bigmath::detail {

namespace {

/// An mpz_t that frees itself; the workspace of one thread reuses them, so the loops
/// allocate nothing once the limbs have grown to the precision in use.
struct Mpz
{
    mpz_t v;
    Mpz() { mpz_init(v); }
    ~Mpz() { mpz_clear(v); }
    Mpz(const Mpz&) = delete;
    Mpz& operator=(const Mpz&) = delete;
};

struct Workspace
{
    Mpz term, next, product, mantissa, one, three_halves, ln_bn, ln_bd, arg, exp_fp, scratch;
    // ln 2 at internal precision p as the library computes it, −ln1p(−½), for the last
    // (p, iterations) asked: every fallback call of the library recomputes it.
    Mpz ln_two;
    unsigned ln_two_p = 0;
    std::size_t ln_two_iters = 0;
};

Workspace& workspace()
{
    thread_local Workspace w;
    return w;
}

void to_mpz(mpz_t out, const Int& x)
{
    const auto& b = x.backend();
    mpz_import(out, b.size(), -1, sizeof(*b.limbs()), 0, 0, b.limbs());
    if (x < 0)
        mpz_neg(out, out);
}

Int from_mpz(const mpz_t x)
{
    if (mpz_sgn(x) == 0)
        return Int(0);  // Boost's import_bits does not take an empty range
    std::vector<std::uint64_t> limbs(mpz_sizeinbase(x, 2) / 64 + 1);
    std::size_t count = 0;
    mpz_export(limbs.data(), &count, -1, sizeof(std::uint64_t), 0, 0, x);
    Int r;
    boost::multiprecision::import_bits(r, limbs.begin(), limbs.begin() + static_cast<std::ptrdiff_t>(count), 64, false);
    return mpz_sgn(x) < 0 ? Int(-r) : r;
}

/// `round_to_precision`: v / 2^24 rounded half away from zero.
void round_guard(mpz_t out, const mpz_t v)
{
    const int sign = mpz_sgn(v);
    mpz_abs(out, v);
    const int half = mpz_tstbit(out, 23);
    mpz_fdiv_q_2exp(out, out, 24);
    if (half)
        mpz_add_ui(out, out, 1);
    if (sign < 0)
        mpz_neg(out, out);
}

/// True when |v| < 2^24, the guard unit.
bool below_guard(const mpz_t v) { return mpz_cmpabs_ui(v, 1UL << 24) < 0; }

/// `ln1p_fixed`: Taylor series of ln(1 + x/2^p), in units of 2^-p.
void ln1p_series(mpz_t result, const mpz_t x, unsigned p, std::size_t max_iters, Workspace& w)
{
    mpz_set(w.term.v, x);
    mpz_set(result, x);
    for (std::size_t n = 2; n <= max_iters; ++n) {
        mpz_mul(w.product.v, w.term.v, x);
        mpz_fdiv_q_2exp(w.term.v, w.product.v, p);
        if (mpz_sgn(w.term.v) == 0)
            break;
        mpz_fdiv_q_ui(w.next.v, w.term.v, n);
        if (mpz_sgn(w.next.v) == 0)
            break;
        if (n % 2 == 0)
            mpz_sub(result, result, w.next.v);
        else
            mpz_add(result, result, w.next.v);
        if (below_guard(w.next.v))
            break;
    }
}

/// `exp_fixed`: Taylor series of exp(x/2^p), in units of 2^-p.
void exp_series(mpz_t result, const mpz_t x, unsigned p, std::size_t max_iters, Workspace& w)
{
    mpz_set_ui(w.term.v, 1);
    mpz_mul_2exp(w.term.v, w.term.v, p);
    mpz_set(result, w.term.v);
    for (std::size_t n = 1; n <= max_iters; ++n) {
        mpz_mul(w.product.v, w.term.v, x);
        mpz_fdiv_q_2exp(w.product.v, w.product.v, p);
        mpz_fdiv_q_ui(w.term.v, w.product.v, n);
        if (mpz_sgn(w.term.v) == 0)
            break;
        mpz_add(result, result, w.term.v);
        if (below_guard(w.term.v))
            break;
    }
}

/// `ln_biguint`: ln(v) for v ≥ 0 in units of 2^-p, the mantissa shifted by `int_prec`.
void ln_integer(mpz_t result, const mpz_t v, unsigned int_prec, unsigned p, std::size_t max_iters, Workspace& w)
{
    if (mpz_sgn(v) == 0) {
        mpz_set_ui(result, 0);
        return;
    }
    unsigned long shift = mpz_sizeinbase(v, 2) - 1;
    mpz_mul_2exp(w.mantissa.v, v, int_prec);
    mpz_fdiv_q_2exp(w.mantissa.v, w.mantissa.v, shift);
    if (mpz_cmp(w.mantissa.v, w.three_halves.v) >= 0) {
        mpz_fdiv_q_2exp(w.mantissa.v, w.mantissa.v, 1);
        shift += 1;
    }
    mpz_sub(w.mantissa.v, w.mantissa.v, w.one.v);
    ln1p_series(result, w.mantissa.v, p, max_iters, w);
    mpz_addmul_ui(result, w.ln_two.v, shift);
}

}  // namespace

namespace {

/// The last call's arguments and result: the chain prices a swap and then makes it
/// (`sim_swap` then `swap`, in every chain buy of the coinbase), so the same power is
/// asked twice in a row and the second is answered from here.
struct LastCall
{
    Int bn, bd, num, den, scale;
    FallbackPrecision fp{};
    Int result;
    bool valid = false;
    [[nodiscard]] bool is(const Int& bn_, const Int& bd_, const Int& num_, const Int& den_, const Int& scale_,
                          const FallbackPrecision& fp_) const
    {
        return valid && fp.rp == fp_.rp && fp.int_prec == fp_.int_prec && fp.p == fp_.p &&
               fp.iterations == fp_.iterations && bn == bn_ && bd == bd_ && num == num_ && den == den_ &&
               scale == scale_;
    }
};

Int compute(const Int& bn, const Int& bd, const Int& num, const Int& den, const Int& scale,
            const FallbackPrecision& fp);

}  // namespace

Int fallback_series(const Int& bn, const Int& bd, const Int& num, const Int& den, const Int& scale,
                    const FallbackPrecision& fp)
{
    thread_local LastCall last;
    if (last.is(bn, bd, num, den, scale, fp))
        return last.result;
    Int result = compute(bn, bd, num, den, scale, fp);
    last = LastCall{bn, bd, num, den, scale, fp, result, true};
    return result;
}

namespace {

Int compute(const Int& bn, const Int& bd, const Int& num, const Int& den, const Int& scale, const FallbackPrecision& fp)
{
    Workspace& w = workspace();
    mpz_set_ui(w.one.v, 1);
    mpz_mul_2exp(w.one.v, w.one.v, fp.p);
    mpz_set_ui(w.three_halves.v, 3);
    mpz_mul_2exp(w.three_halves.v, w.three_halves.v, fp.p - 1);
    if (w.ln_two_p != fp.p || w.ln_two_iters != fp.iterations) {
        mpz_fdiv_q_2exp(w.scratch.v, w.one.v, 1);
        mpz_neg(w.scratch.v, w.scratch.v);
        ln1p_series(w.ln_two.v, w.scratch.v, fp.p, fp.iterations, w);
        mpz_neg(w.ln_two.v, w.ln_two.v);
        w.ln_two_p = fp.p;
        w.ln_two_iters = fp.iterations;
    }
    to_mpz(w.scratch.v, bn);
    ln_integer(w.ln_bn.v, w.scratch.v, fp.int_prec, fp.p, fp.iterations, w);
    to_mpz(w.scratch.v, bd);
    ln_integer(w.ln_bd.v, w.scratch.v, fp.int_prec, fp.p, fp.iterations, w);
    mpz_sub(w.arg.v, w.ln_bn.v, w.ln_bd.v);
    to_mpz(w.scratch.v, num);
    mpz_mul(w.arg.v, w.arg.v, w.scratch.v);
    to_mpz(w.scratch.v, den);
    mpz_fdiv_q(w.arg.v, w.arg.v, w.scratch.v);
    exp_series(w.exp_fp.v, w.arg.v, fp.p, fp.iterations, w);
    round_guard(w.arg.v, w.exp_fp.v);
    to_mpz(w.scratch.v, scale);
    mpz_mul(w.arg.v, w.arg.v, w.scratch.v);
    mpz_fdiv_q_2exp(w.arg.v, w.arg.v, fp.rp);
    return from_mpz(w.arg.v);
}

}  // namespace

}  // namespace dtao::bigmath::detail
