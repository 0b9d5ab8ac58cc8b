// dtao-reference: the two arithmetic models.
// SPDX-License-Identifier: Apache-2.0
//
// A model is pure arithmetic: its number types, multiply and divide with their
// rounding, and the conversion to stored amounts. Rules are written once as
// templates over the model and instantiated for both: the chain model is the
// chain's integers and fixed point (I96F32 with `saturating_*`, `checked_div`
// and the `tou64!` truncation of every stored amount, `asfloat!`/`tou64!` in
// run_coinbase.rs); the exact model is rationals with no rounding and no
// saturation. Spec: spec/arithmetic.md (ARITH-002).
#pragma once

#include "dtao/numeric/arith.hpp"
#include "dtao/numeric/fixed.hpp"

#include <optional>

namespace dtao {

/// The chain model: u64 storage, fixed-point intermediates.
struct ChainModel
{
    using Amount = u64;
    using Volume = u128;
    using Price = fixed::I96F32;
    using Fraction = fixed::U96F32;  ///< U96F32 storage such as `MinerBurned`
};

/// The exact model: rationals everywhere.
struct ExactModel
{
    using Amount = Rational;
    using Volume = Rational;
    using Price = Rational;
    using Fraction = Rational;
};

template <typename Model>
struct Arithmetic;

template <>
struct Arithmetic<ChainModel>
{
    using Num = fixed::I96F32;
    using Amount = u64;

    static Num num(u64 a) { return Num::saturating_from_u64(a); }  ///< asfloat!
    static Amount amount(Num n) { return n.saturating_to_u64(); }  ///< tou64!
    static Num zero() { return Num::zero(); }
    static Num one() { return Num::one(); }
    static Num half()
    {
        static const Num value = Num::from_f64(0.5);
        return value;
    }
    static Num mul(Num a, Num b) { return a.saturating_mul(b); }
    static Num add(Num a, Num b) { return a.saturating_add(b); }
    static Num sub(Num a, Num b) { return a.saturating_sub(b); }
    static std::optional<Num> div(Num a, Num b) { return a.checked_div(b); }
    static Num min(Num a, Num b) { return a.min(b); }
    /// I96F32(p).safe_div(I96F32(q)): a stored ratio such as TaoWeight / u64::MAX.
    static Num ratio(u64 p, u64 q) { return num(p).safe_div(num(q)); }
    static Amount amount_add(Amount a, Amount b) { return sat_add(a, b); }
    static Amount amount_sub(Amount a, Amount b) { return sat_sub(a, b); }
    /// a − b, or 0 when b > a: `saturating_sub` on u64 (the same as `amount_sub` here).
    static Amount amount_sub_or_zero(Amount a, Amount b) { return sat_sub(a, b); }
    /// a · k, `saturating_mul` on u64.
    static Amount amount_times(Amount a, u64 k) { return sat_mul(a, k); }
    static Amount amount_min(Amount a, Amount b) { return a < b ? a : b; }
    static Amount amount_of(u64 v) { return v; }
};

template <>
struct Arithmetic<ExactModel>
{
    using Num = Rational;
    using Amount = Rational;

    static Num num(const Amount& a) { return a; }
    static Amount amount(const Num& n) { return n; }
    static Num zero() { return 0; }
    static Num one() { return 1; }
    static Num half() { return Rational(1, 2); }
    static Num mul(const Num& a, const Num& b) { return a * b; }
    static Num add(const Num& a, const Num& b) { return a + b; }
    static Num sub(const Num& a, const Num& b) { return a - b; }
    static std::optional<Num> div(const Num& a, const Num& b)
    {
        if (b == 0)
            return std::nullopt;
        return Num(a / b);
    }
    static Num min(const Num& a, const Num& b) { return a < b ? a : b; }
    static Num ratio(u64 p, u64 q) { return q == 0 ? Num(0) : Num(Int(p), Int(q)); }
    static Amount amount_add(const Amount& a, const Amount& b) { return a + b; }
    static Amount amount_sub(const Amount& a, const Amount& b) { return a - b; }
    /// a − b, or 0 when b > a. Where the chain's `saturating_sub` at 0 is a decision (an amount
    /// that cannot be negative), the exact model keeps it; `amount_sub` does not floor.
    static Amount amount_sub_or_zero(const Amount& a, const Amount& b) { return a > b ? Amount(a - b) : Amount(0); }
    /// a · k, unbounded.
    static Amount amount_times(const Amount& a, u64 k) { return a * k; }
    static Amount amount_min(const Amount& a, const Amount& b) { return a < b ? a : b; }
    static Amount amount_of(u64 v) { return Rational(v); }
};

}  // namespace dtao
