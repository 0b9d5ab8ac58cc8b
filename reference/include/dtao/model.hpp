// dtao-reference: the arithmetic of each model, as a policy.
// SPDX-License-Identifier: Apache-2.0
//
// The coinbase and the drain are written once, generic over `Ops<Model>`, so
// the two models share every step and differ only in arithmetic: the chain
// policy is I96F32 with `saturating_*`, `checked_div` and the `tou64!`
// truncation of every stored amount (`asfloat!`/`tou64!` in run_coinbase.rs);
// the exact policy is rationals with no rounding and no saturation.
// Spec: spec/arithmetic.md (ARITH-002).
#pragma once

#include "dtao/emission.hpp"
#include "dtao/ema.hpp"
#include "dtao/pool.hpp"

namespace dtao {

template <typename Model>
struct Ops;

template <>
struct Ops<ChainModel>
{
    using Num = fixed::I96F32;
    using Amount = u64;
    using Subnet = dtao::Subnet;

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
    static Amount amount_of(u64 v) { return v; }
    static Num moving_alpha(const ChainState& st) { return Num::from_bits(st.subnet_moving_alpha_bits); }

    static Num alpha_price(const Subnet& s) { return chain::alpha_price(s); }
    static Num moving_alpha_price(const Subnet& s) { return chain::moving_alpha_price(s); }
    static Num alpha_block_emission(Amount issuance) { return num(chain::block_emission_amount(issuance)); }
    static Amount swap_alpha_for_tao(Subnet& s, Amount& total_stake, Amount alpha)
    {
        return chain::swap_alpha_for_tao(s, total_stake, alpha);
    }
    static void update_moving_price(const Ruleset& r, Subnet& s, u64 block, Num a)
    {
        chain::update_moving_price(r, s, block, a);
    }
};

template <>
struct Ops<ExactModel>
{
    using Num = Rational;
    using Amount = Rational;
    using Subnet = ExactSubnet;

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
    static Amount amount_of(u64 v) { return Rational(v); }
    static Num moving_alpha(const ExactChainState& st)
    {
        return Rational(to_int(static_cast<u128>(st.subnet_moving_alpha_bits)), Int(1) << 32);
    }

    static Num alpha_price(const Subnet& s) { return exact::alpha_price(s); }
    static Num moving_alpha_price(const Subnet& s) { return exact::moving_alpha_price(s); }
    static Num alpha_block_emission(const Amount& issuance) { return exact::block_emission(issuance).emission; }
    static Amount swap_alpha_for_tao(Subnet& s, Amount& total_stake, const Amount& alpha)
    {
        return exact::swap_alpha_for_tao(s, total_stake, alpha);
    }
    static void update_moving_price(const Ruleset& r, Subnet& s, u64 block, const Num& a)
    {
        exact::update_moving_price(r, s, block, a);
    }
};

}  // namespace dtao
