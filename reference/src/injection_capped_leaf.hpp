// dtao-reference: the leaf formulas of the injection-capped coinbase: what the chain and the
// exact model compute differently, and nothing else. Private to reference/src/injection_capped.cpp,
// whose rules are written once over the model on top of these.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/balancer.hpp"
#include "dtao/emission.hpp"
#include "dtao/injection_capped.hpp"
#include "dtao/registration.hpp"

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>

namespace dtao::injection_capped::leaf {

using fixed::I96F32;
using fixed::U64F64;
using fixed::U96F32;

// ------------------------------------------------------------------ operations by number type
//
// The chain's fixed-point operations saturate, and its divisions are `checked_div` with 0 on
// failure (`safe_div`). The exact operations do not round; where the chain saturates a
// subtraction at 0 the exact one floors at 0 too, since every such difference is an amount
// that the rule takes as non-negative.

template <bool S, unsigned F>
fixed::Fixed<S, F> add(fixed::Fixed<S, F> a, fixed::Fixed<S, F> b)
{
    return a.saturating_add(b);
}
template <bool S, unsigned F>
fixed::Fixed<S, F> sub(fixed::Fixed<S, F> a, fixed::Fixed<S, F> b)
{
    return a.saturating_sub(b);
}
template <bool S, unsigned F>
fixed::Fixed<S, F> mul(fixed::Fixed<S, F> a, fixed::Fixed<S, F> b)
{
    return a.saturating_mul(b);
}
template <bool S, unsigned F>
fixed::Fixed<S, F> div_or_zero(fixed::Fixed<S, F> a, fixed::Fixed<S, F> b)
{
    return a.safe_div(b);
}
template <bool S, unsigned F>
fixed::Fixed<S, F> min(fixed::Fixed<S, F> a, fixed::Fixed<S, F> b)
{
    return a.min(b);
}

inline Rational add(const Rational& a, const Rational& b) { return a + b; }
inline Rational sub(const Rational& a, const Rational& b) { return a > b ? Rational(a - b) : Rational(0); }
inline Rational mul(const Rational& a, const Rational& b) { return a * b; }
inline Rational div_or_zero(const Rational& a, const Rational& b) { return b == 0 ? Rational(0) : Rational(a / b); }
inline Rational min(const Rational& a, const Rational& b) { return a < b ? a : b; }

// ------------------------------------------------------------------ leaf formulas
//
// What the two models compute differently and nothing else: the conversions between the
// chain's number types (each a rounding of its own), the pool's price and reweighting with
// the weight in force, the chain buy, and the chain's wrapping sum (F-040).

template <typename Model>
struct Leaf;

template <>
struct Leaf<ChainModel>
{
    using Share = U64F64;
    using Term = U96F32;

    static Term half() { return U96F32::from_bits(u128{1} << 31); }  // asfloat!(0.5): exact
    static Share share_one() { return U64F64::one(); }
    static Term term(u64 v) { return U96F32::saturating_from_u64(v); }  // asfloat!
    static Share share(u64 v) { return U64F64::saturating_from_u64(v); }
    static u64 stored(Term v) { return v.saturating_to_u64(); }  // tou64!: truncates
    static Share share_of(Term v) { return fixed::convert<U64F64>(v); }
    static Term term_of(Share v) { return fixed::convert<U96F32>(v); }     // 32 fractional bits
    static Share share_of(I96F32 v) { return fixed::convert<U64F64>(v); }  // negative reads as 0
    /// U64F64 storage (the gate's bar, the fast moving price) as a share, and back.
    static Share share_of_stored(U64F64 v) { return v; }
    static U64F64 stored_share(Share v) { return v; }
    static I96F32 stored_price(Share v) { return fixed::convert<I96F32>(v); }
    static Term ratio(u64 p, u64 q) { return term(p).safe_div(term(q)); }

    static Term alpha_block_emission(u64 issuance) { return term(chain::block_emission_amount(issuance)); }
    /// get_block_emission: nothing on error.
    static u64 block_emission(u64 issuance)
    {
        const auto e = chain::block_emission(issuance);
        return e ? e->emission : 0;
    }
    static u64 lock_paid(const ChainState& st) { return chain::network_lock_cost(st); }
    static u64 pool_alpha(u64 pool_tao, Share median)
    {
        return share(pool_tao).safe_div(median).floor().saturating_to_u64();
    }

    static Perquintill weight(const Subnet& s) { return chain::balancer::quote_weight(s); }
    static Share current_price(const Subnet& s) { return chain::balancer::current_price(s); }
    /// current_alpha_price with the weight `w` (the chain's weight in force is the stored one).
    static Share price_at(const Subnet& s, Perquintill w) { return dtao::balancer::current_price_at(s, w); }
    /// BAL-007 from the current reserves; `w` follows the stored weight.
    static std::pair<u64, u64> adjust_protocol_liquidity(Subnet& s, Perquintill& w, u64 tao, u64 alpha)
    {
        const auto injected = chain::balancer::adjust_protocol_liquidity(s, tao, alpha);
        w = weight(s);
        return injected;
    }
    /// `try_update_balancer` (BCOIN-016): BAL-007 on the current reserves; the new weight is
    /// stored only when it stays within bounds.
    static bool try_reweight(Subnet& s, Perquintill& w, u64 tao, u64 alpha)
    {
        const auto reweighted =
            chain::balancer::update_weights_for_added_liquidity(w, s.subnet_tao, s.subnet_alpha_in, tao, alpha);
        if (!reweighted)
            return false;
        s.swap_balancer_quote_parts = reweighted->parts;
        w = *reweighted;
        return true;
    }
    /// The chain buy's limit: SWAP_MAX_PRICE as the swap pallet reads it (BAL-005).
    static Share no_price_limit() { return chain::balancer::limit_price_from_rao(SWAP_MAX_PRICE); }
    /// `.sum()` folds U64F64 `Add`, which wraps in the runtime's release profile (no
    /// overflow-checks), unlike every other sum of the coinbase: a large enough sum of moving
    /// prices reads as small (F-040). u128 addition wraps the same way.
    static Share wrapping_add(Share a, Share b) { return U64F64::from_bits(a.bits + b.bits); }
};

template <>
struct Leaf<ExactModel>
{
    using Share = Rational;
    using Term = Rational;

    static Term half() { return Rational(1, 2); }
    static Share share_one() { return 1; }
    static Term term(const Rational& v) { return v; }
    static Share share(u64 v) { return Rational(v); }
    static Rational stored(const Term& v) { return v; }
    static Rational share_of(const Rational& v) { return v > 0 ? v : Rational(0); }
    static Rational share_of(I96F32 v) { return share_of(v.to_rational()); }  // as U64F64(I96F32)
    /// U64F64 storage as a rational, and a rational stored in it: floored to 2^-64 (the
    /// storage's resolution, not a rule), saturating as the chain's conversion would.
    static Rational share_of_stored(U64F64 v) { return v.to_rational(); }
    static U64F64 stored_share(const Rational& v)
    {
        const Int bits = floor(Rational(v * (Int(1) << 64)));
        return U64F64::from_int_bits(std::clamp(bits, Int(0), Int((Int(1) << 128) - 1))).value();
    }
    static Term term_of(const Share& v) { return v; }
    static Rational stored_price(const Share& v) { return v; }
    static Term ratio(u64 p, u64 q) { return Rational(Int(p), Int(q)); }

    static Term alpha_block_emission(const Rational& issuance) { return exact::block_emission(issuance).emission; }
    static Rational block_emission(const Rational& issuance) { return exact::block_emission(issuance).emission; }
    /// What a wallet pays: whole rao, as REG-003's exact model.
    static u64 lock_paid(const ExactChainState& st) { return to_u64_saturating(floor(exact::network_lock_cost(st))); }
    static Rational pool_alpha(const Rational& pool_tao, const Share& median) { return pool_tao / median; }

    static Rational weight(const ExactSubnet& s) { return exact::balancer::quote_weight(s); }
    static Share current_price(const ExactSubnet& s) { return exact::balancer::current_price(s); }
    static Share price_at(const ExactSubnet& s, const Rational& w) { return dtao::balancer::current_price_at(s, w); }
    /// BAL-007 with the exact weight; a refusal (new weight outside [0.01, 0.99]) is decided on
    /// it. The state can only keep the weight's Perquintill parts, ⌊w·10^18⌋: the storage's
    /// resolution, not a rule; this block's later steps use `w`.
    static std::pair<Rational, Rational> adjust_protocol_liquidity(ExactSubnet& s, Rational& w, const Rational& tao,
                                                                   const Rational& alpha)
    {
        const auto reweighted =
            exact::balancer::update_weights_for_added_liquidity(w, s.subnet_tao, s.subnet_alpha_in, tao, alpha);
        if (!reweighted)
            return {0, 0};
        w = *reweighted;
        s.swap_balancer_quote_parts = to_u64_checked(floor(Rational(w * Int(Perquintill::ACCURACY))));
        return {tao, alpha};
    }
    /// `try_update_balancer` (BCOIN-016) with the exact weight, as `adjust_protocol_liquidity`.
    static bool try_reweight(ExactSubnet& s, Rational& w, const Rational& tao, const Rational& alpha)
    {
        const auto reweighted =
            exact::balancer::update_weights_for_added_liquidity(w, s.subnet_tao, s.subnet_alpha_in, tao, alpha);
        if (!reweighted)
            return false;
        w = *reweighted;
        s.swap_balancer_quote_parts = to_u64_checked(floor(Rational(w * Int(Perquintill::ACCURACY))));
        return true;
    }
    static Share no_price_limit() { return Rational(Int(SWAP_MAX_PRICE), Int(RAO_PER_TAO)); }
    /// The rule's sum: the chain's wraps modulo 2^64 (F-040), a type bound the exact model drops.
    static Share wrapping_add(const Share& a, const Share& b) { return a + b; }
};

/// The fee-free chain buy with no price limit at the weight in force `w` (BAL-005, the BAL-010
/// updates, BAL-008 on an uninitialised pool): (TAO paid in, alpha bought), or nothing when the
/// swap fails (decided on the model's values). Stable subnets trade 1:1. On chain the weight in
/// force is always the stored one; the exact model's is the exact weight of this block's
/// reweighting, which storage holds only to 10^-18.
template <typename Model, typename Weight>
std::optional<std::pair<typename Model::Amount, typename Model::Amount>>
chain_buy(const Ruleset& rules, ChainStateT<Model>& st, SubnetT<Model>& s, Weight& w, const typename Model::Amount& tao)
{
    const bool initialized = s.pal_swap_initialized;
    const auto bought = dtao::balancer::pool_swap_at(rules, s, st.total_stake, w, st.swap_minimum_reserve,
                                                     SwapSide::buy, tao, Leaf<Model>::no_price_limit(), Fees::dropped);
    if (!bought)
        return std::nullopt;
    // BAL-008: the first swap of an uninitialised pool stored the default weights and swapped
    // at them; the weight in force follows the stored one from then on.
    if (!initialized && s.pal_swap_initialized)
        w = Leaf<Model>::weight(s);
    return std::pair{bought->amount_paid_in, bought->amount_paid_out};
}

/// `get_alpha_issuance`: SubnetAlphaIn + SubnetAlphaOut, plus the alpha reservoir from mainnet
/// spec 432 on (minted, not yet in the pool). Rulesets without reservoirs never hold one, so the
/// sum is theirs too.
/// The chain buy of a subnet's stored excess `tao` (BCOIN-007, BCOIN-015), already taken from
/// the credit: what it did goes into `e`, SubnetProtocolAlpha and SubnetExcessTao. What the swap
/// did not execute is `stranded_tao`. False when the swap failed (nothing executed).
template <typename Model, typename Weight>
bool buy_excess(const Ruleset& rules, ChainStateT<Model>& st, SubnetT<Model>& s, Weight& w, SubnetEmission<Model>& e,
                const typename Model::Amount& tao)
{
    using A = Arithmetic<Model>;
    e.excess_spent = tao;
    const auto bought = chain_buy(rules, st, s, w, tao);
    if (!bought)
        return false;
    e.chain_buy_ok = true;
    std::tie(e.chain_buy_paid_in, e.chain_buy_alpha) = *bought;
    s.subnet_protocol_alpha = A::amount_add(s.subnet_protocol_alpha, e.chain_buy_alpha);
    s.subnet_excess_tao = e.chain_buy_paid_in;
    e.stranded_tao = tao - e.chain_buy_paid_in;
    return true;
}

template <typename Model>
typename Model::Amount alpha_issuance(const SubnetT<Model>& s)
{
    using A = Arithmetic<Model>;
    return A::amount_add(A::amount_add(s.subnet_alpha_in, s.subnet_alpha_out), s.balancer_alpha_reservoir);
}

}  // namespace dtao::injection_capped::leaf
