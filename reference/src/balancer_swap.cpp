// dtao-reference: the Balancer-era swap (v3.4.8-423+): one swap step with its decisions, the
// simulated and the executed swaps with their reserve updates, and the limit-order maxima,
// written once over the model.
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/balancer.md (BAL-005, BAL-010, BAL-012). The pool's formulas these use (price,
// deltas, fees, weights) are in balancer.cpp, once per model: they are the leaves below. Each
// function follows the chain function of the same name (subtensor 14bc6f9) step by step.
#include "dtao/balancer.hpp"

#include <algorithm>
#include <limits>

namespace dtao::balancer {

namespace {

constexpr u64 I64_MAX = static_cast<u64>(std::numeric_limits<i64>::max());
constexpr u64 I64_MIN_MAGNITUDE = I64_MAX + 1;  // |i64::MIN| = 2^63

/// What the two models compute differently in a swap, and nothing else: the pool's formulas
/// (each with the chain's rounding, or exact), the stored weight and limit as numbers, and the
/// clamps the chain's types put on a reserve delta.
template <typename Model>
struct SwapLeaf;

template <>
struct SwapLeaf<ChainModel>
{
    using Weight = Perquintill;
    using Price = fixed::U64F64;

    static Weight stored_weight(const Subnet& s) { return chain::balancer::quote_weight(s); }
    static Weight default_weight() { return Perquintill::from_parts(BALANCER_DEFAULT_QUOTE_PARTS); }
    static Price one() { return Price::one(); }
    static Price zero() { return Price::zero(); }
    static Price limit_from_rao(u64 limit_price) { return chain::balancer::limit_price_from_rao(limit_price); }
    static Price price(Weight w, u64 x, u64 y) { return chain::balancer::calculate_price(w, x, y); }
    static u64 fee(const Subnet& s, u64 amount, Fees fees)
    {
        return chain::balancer::calculate_fee_amount(s, amount, fees);
    }
    static u64 limit_fee(u64 rate, u64 delta_in, Fees fees) { return chain::balancer::limit_fee(rate, delta_in, fees); }
    static u64 out_of_buy(const Ruleset& rules, Weight w, u64 x, u64 y, u64 dy)
    {
        return chain::balancer::convert_deltas_buy(rules, w, x, y, dy);
    }
    static u64 out_of_sell(const Ruleset& rules, Weight w, u64 x, u64 y, u64 dx)
    {
        return chain::balancer::convert_deltas_sell(rules, w, x, y, dx);
    }
    static u64 quote_delta_in(Weight w, Price p, Price target, u64 y)
    {
        return chain::balancer::calculate_quote_delta_in(w, p, target, y);
    }
    static u64 base_delta_in(Weight w, Price p, Price target, u64 x)
    {
        return chain::balancer::calculate_base_delta_in(w, p, target, x);
    }
    /// `paid_in_reserve_delta_i64`: the input clamped to i64::MAX.
    static u64 paid_in_delta(u64 a) { return std::min(a, I64_MAX); }
    /// `paid_out_reserve_delta_i64`: the output negated, clamped at i64::MIN, then `unsigned_abs`.
    static u64 paid_out_delta(u64 a) { return std::min(a, I64_MIN_MAGNITUDE); }
    static u128 add_volume(u128 v, u64 a) { return sat_add_u128(v, a); }
};

template <>
struct SwapLeaf<ExactModel>
{
    using Weight = Rational;
    using Price = Rational;

    static Weight stored_weight(const ExactSubnet& s) { return exact::balancer::quote_weight(s); }
    static Weight default_weight() { return Rational(Int(BALANCER_DEFAULT_QUOTE_PARTS), Int(Perquintill::ACCURACY)); }
    static Price one() { return 1; }
    static Price zero() { return 0; }
    static Price limit_from_rao(u64 limit_price) { return Rational(Int(limit_price), Int(RAO_PER_TAO)); }
    static Price price(const Weight& w, const Rational& x, const Rational& y)
    {
        return exact::balancer::calculate_price(w, x, y);
    }
    static Rational fee(const ExactSubnet& s, const Rational& amount, Fees fees)
    {
        return exact::balancer::calculate_fee_amount(s, amount, fees);
    }
    static Rational limit_fee(u64 rate, const Rational& delta_in, Fees fees)
    {
        return exact::balancer::limit_fee(rate, delta_in, fees);
    }
    static Rational out_of_buy(const Ruleset&, const Weight& w, const Rational& x, const Rational& y,
                               const Rational& dy)
    {
        return exact::balancer::convert_deltas_buy(w, x, y, dy);
    }
    static Rational out_of_sell(const Ruleset&, const Weight& w, const Rational& x, const Rational& y,
                                const Rational& dx)
    {
        return exact::balancer::convert_deltas_sell(w, x, y, dx);
    }
    static Rational quote_delta_in(const Weight& w, const Price& p, const Price& target, const Rational& y)
    {
        return exact::balancer::calculate_quote_delta_in(w, p, target, y);
    }
    static Rational base_delta_in(const Weight& w, const Price& p, const Price& target, const Rational& x)
    {
        return exact::balancer::calculate_base_delta_in(w, p, target, x);
    }
    /// The chain's i64 clamps are type bounds, which the exact model drops.
    static Rational paid_in_delta(const Rational& a) { return a; }
    static Rational paid_out_delta(const Rational& a) { return a; }
    static Rational add_volume(const Rational& v, const Rational& a) { return v + a; }
};

}  // namespace

template <typename Model>
PriceOf<Model> current_price_at(const SubnetT<Model>& s, const WeightOf<Model>& w)
{
    using L = SwapLeaf<Model>;
    // Keyed on the mechanism only, as `T::SubnetInfo::mechanism(netuid)`.
    if (s.mechanism != Mechanism::dynamic)
        return L::one();
    if (s.subnet_alpha_in == 0)
        return L::zero();
    return L::price(w, s.subnet_alpha_in, s.subnet_tao);
}

template <typename Model>
Result<SwapOutcome<Model>> swap_at(const Ruleset& rules, SubnetT<Model>& s, const WeightOf<Model>& w_in,
                                   const AmountOf<Model>& minimum_reserve, SwapSide side, const AmountOf<Model>& amount,
                                   const PriceOf<Model>& limit, Fees fees, SwapRun run)
{
    using A = Arithmetic<Model>;
    using L = SwapLeaf<Model>;
    const bool buy = side == SwapSide::buy;
    SubnetT<Model> work = s;  // the transactional layer: committed only on success and SwapRun::commit
    const AmountOf<Model> reserve_out = buy ? s.subnet_alpha_in : s.subnet_tao;
    const AmountOf<Model> reserve_in = buy ? s.subnet_tao : s.subnet_alpha_in;

    // RSET-021 `ensure_swap_input_within_reserve_limit`: amount − fee ≤ 1000 · input reserve.
    if (rules.swap_input_reserve_cap) {
        const auto net = A::amount_sub_or_zero(amount, L::fee(work, amount, fees));
        if (net > A::amount_times(reserve_in, MAX_SWAP_INPUT_RESERVE_MULTIPLIER))
            return Error::swap_input_too_large;
    }

    // swap_inner
    if (reserve_out < minimum_reserve)
        return Error::reserves_too_low;
    // BAL-008: the first swap of a pool stores the default weights and swaps at them.
    const WeightOf<Model> w = work.pal_swap_initialized ? w_in : L::default_weight();
    initialize_default_weights(work);
    const PriceOf<Model> price = current_price_at(work, w);
    if (!(buy ? price < limit : price > limit))  // `is_beyond_price_limit`
        return Error::price_limit_exceeded;

    // BasicSwapStep::new
    const AmountOf<Model>& x = work.subnet_alpha_in;
    const AmountOf<Model>& y = work.subnet_tao;
    AmountOf<Model> fee = L::fee(work, amount, fees);
    const AmountOf<Model> requested = A::amount_sub_or_zero(amount, fee);
    // `price_target`: the spot price after the full requested input.
    const PriceOf<Model> target =
        buy ? L::price(w, A::amount_sub(x, L::out_of_buy(rules, w, x, y, requested)), A::amount_add(y, requested))
            : L::price(w, A::amount_add(x, requested), A::amount_sub(y, L::out_of_sell(rules, w, x, y, requested)));
    // determine_action: the target is "closer" (buy: target ≤ limit; sell: target ≥ limit) → full.
    AmountOf<Model> delta_in = requested;
    if (!(buy ? target <= limit : target >= limit)) {
        delta_in = buy ? L::quote_delta_in(w, price, limit, y) : L::base_delta_in(w, price, limit, x);
        fee = L::limit_fee(work.fee_rate, delta_in, fees);
    }
    // process_swap
    const AmountOf<Model> delta_out =
        buy ? L::out_of_buy(rules, w, x, y, delta_in) : L::out_of_sell(rules, w, x, y, delta_in);
    SwapOutcome<Model> out{delta_in, delta_out, fee, AmountOf<Model>(0)};
    if (delta_in != 0) {
        if (delta_out == 0)
            return Error::reserves_too_low;
        out.fee_to_block_author = fee;
    }
    if (run == SwapRun::commit) {
        // Unreachable (delta_out ≤ reserve · 1 by construction), kept as on chain.
        if (reserve_out < out.amount_paid_out)
            return Error::insufficient_liquidity;
        s = work;
    }
    return out;
}

template <typename Model>
Result<SwapOutcome<Model>> do_swap(const Ruleset& rules, SubnetT<Model>& s, u64 minimum_reserve, SwapSide side,
                                   const AmountOf<Model>& amount, const PriceOf<Model>& limit, Fees fees, SwapRun run)
{
    return swap_at(rules, s, SwapLeaf<Model>::stored_weight(s), Arithmetic<Model>::amount_of(minimum_reserve), side,
                   amount, limit, fees, run);
}

template <typename Model>
PriceOf<Model> limit_price_from_rao(u64 limit_price)
{
    return SwapLeaf<Model>::limit_from_rao(limit_price);
}

template <typename Model>
Result<SwapOutcome<Model>> pool_swap_at(const Ruleset& rules, SubnetT<Model>& s, AmountOf<Model>& total_stake,
                                        const WeightOf<Model>& w, u64 minimum_reserve, SwapSide side,
                                        const AmountOf<Model>& amount, const PriceOf<Model>& limit, Fees fees)
{
    using A = Arithmetic<Model>;
    using L = SwapLeaf<Model>;
    SwapOutcome<Model> r{amount, amount, AmountOf<Model>(0), AmountOf<Model>(0)};  // stable: 1:1, no fee
    if (s.mechanism == Mechanism::dynamic) {
        auto swapped = swap_at(rules, s, w, A::amount_of(minimum_reserve), side, amount, limit, fees, SwapRun::commit);
        if (!swapped)
            return swapped;
        r = *swapped;
    }
    if (side == SwapSide::buy) {
        s.subnet_alpha_in = A::amount_sub(s.subnet_alpha_in, L::paid_out_delta(r.amount_paid_out));
        s.subnet_alpha_out = A::amount_add(s.subnet_alpha_out, r.amount_paid_out);
        s.subnet_tao = A::amount_add(s.subnet_tao, L::paid_in_delta(r.amount_paid_in));
        total_stake = A::amount_add(total_stake, amount);  // gross: the fee is counted although it leaves the subnet
        s.subnet_volume = L::add_volume(s.subnet_volume, amount);
        return r;
    }
    const AmountOf<Model> alpha_delta = L::paid_in_delta(r.amount_paid_in);
    s.subnet_alpha_in = A::amount_add(s.subnet_alpha_in, alpha_delta);
    s.subnet_alpha_out = A::amount_sub(s.subnet_alpha_out, alpha_delta);
    s.subnet_tao = A::amount_sub(s.subnet_tao, L::paid_out_delta(r.amount_paid_out));
    total_stake = A::amount_sub(total_stake, r.amount_paid_out);
    s.subnet_volume = L::add_volume(s.subnet_volume, r.amount_paid_out);
    return r;
}

template <typename Model>
Result<SwapOutcome<Model>> sim_swap_tao_for_alpha(const Ruleset& rules, const SubnetT<Model>& s, u64 minimum_reserve,
                                                  const AmountOf<Model>& tao, u64 limit_price, Fees fees)
{
    using L = SwapLeaf<Model>;
    SubnetT<Model> copy = s;
    return swap_at(rules, copy, L::stored_weight(s), Arithmetic<Model>::amount_of(minimum_reserve), SwapSide::buy, tao,
                   L::limit_from_rao(limit_price), fees, SwapRun::simulate);
}

template <typename Model>
Result<SwapOutcome<Model>> sim_swap_alpha_for_tao(const Ruleset& rules, const SubnetT<Model>& s, u64 minimum_reserve,
                                                  const AmountOf<Model>& alpha, u64 limit_price, Fees fees)
{
    using L = SwapLeaf<Model>;
    SubnetT<Model> copy = s;
    return swap_at(rules, copy, L::stored_weight(s), Arithmetic<Model>::amount_of(minimum_reserve), SwapSide::sell,
                   alpha, L::limit_from_rao(limit_price), fees, SwapRun::simulate);
}

template <typename Model>
Result<SwapOutcome<Model>> sim_swap(const Ruleset& rules, const SubnetT<Model>& s, u64 minimum_reserve, SwapSide side,
                                    const AmountOf<Model>& amount)
{
    if (s.mechanism != Mechanism::dynamic)
        return SwapOutcome<Model>{amount, amount, AmountOf<Model>(0), AmountOf<Model>(0)};
    // The default limit of the order's direction (`DefaultPriceLimit<PaidIn, PaidOut>`).
    return side == SwapSide::buy
               ? sim_swap_tao_for_alpha(rules, s, minimum_reserve, amount, SWAP_MAX_PRICE, Fees::charged)
               : sim_swap_alpha_for_tao(rules, s, minimum_reserve, amount, SWAP_MIN_PRICE, Fees::charged);
}

template <typename Model>
Result<SwapOutcome<Model>> swap_tao_for_alpha(const Ruleset& rules, SubnetT<Model>& s, AmountOf<Model>& total_stake,
                                              u64 minimum_reserve, const AmountOf<Model>& tao, u64 limit_price,
                                              Fees fees)
{
    using L = SwapLeaf<Model>;
    return pool_swap_at(rules, s, total_stake, L::stored_weight(s), minimum_reserve, SwapSide::buy, tao,
                        L::limit_from_rao(limit_price), fees);
}

template <typename Model>
Result<SwapOutcome<Model>> swap_alpha_for_tao(const Ruleset& rules, SubnetT<Model>& s, AmountOf<Model>& total_stake,
                                              u64 minimum_reserve, const AmountOf<Model>& alpha, u64 limit_price,
                                              Fees fees)
{
    using L = SwapLeaf<Model>;
    return pool_swap_at(rules, s, total_stake, L::stored_weight(s), minimum_reserve, SwapSide::sell, alpha,
                        L::limit_from_rao(limit_price), fees);
}

template <typename Model>
Result<AmountOf<Model>> max_amount_add(const Ruleset& rules, const SubnetT<Model>& s, u64 minimum_reserve,
                                       u64 limit_price)
{
    using A = Arithmetic<Model>;
    if (s.is_stable())  // `netuid.is_root() || SubnetMechanism == 0`
        return A::amount_of(limit_price >= RAO_PER_TAO ? U64_MAX : u64{0});
    const AmountOf<Model> probe = rules.swap_input_reserve_cap
                                      ? A::amount_times(s.subnet_tao, MAX_SWAP_INPUT_RESERVE_MULTIPLIER)
                                      : A::amount_of(U64_MAX);
    const auto r = sim_swap_tao_for_alpha(rules, s, minimum_reserve, probe, limit_price, Fees::charged);
    if (!r)
        return r.error();
    return A::amount_add(r->amount_paid_in, r->fee_paid);
}

template <typename Model>
Result<AmountOf<Model>> max_amount_remove(const Ruleset& rules, const SubnetT<Model>& s, u64 minimum_reserve,
                                          u64 limit_price)
{
    using A = Arithmetic<Model>;
    if (s.is_stable())
        return A::amount_of(limit_price <= RAO_PER_TAO ? U64_MAX : u64{0});
    const AmountOf<Model> probe = rules.swap_input_reserve_cap
                                      ? A::amount_times(s.subnet_alpha_in, MAX_SWAP_INPUT_RESERVE_MULTIPLIER)
                                      : A::amount_of(U64_MAX);
    const auto r = sim_swap_alpha_for_tao(rules, s, minimum_reserve, probe, limit_price, Fees::charged);
    if (!r)
        return r.error();
    return A::amount_add(r->amount_paid_in, r->fee_paid);
}

#define DTAO_BALANCER_SWAP_INSTANTIATE(M)                                                                              \
    template PriceOf<M> current_price_at(const SubnetT<M>&, const WeightOf<M>&);                                       \
    template Result<SwapOutcome<M>> swap_at(const Ruleset&, SubnetT<M>&, const WeightOf<M>&, const AmountOf<M>&,       \
                                            SwapSide, const AmountOf<M>&, const PriceOf<M>&, Fees, SwapRun);           \
    template Result<SwapOutcome<M>> do_swap(const Ruleset&, SubnetT<M>&, u64, SwapSide, const AmountOf<M>&,            \
                                            const PriceOf<M>&, Fees, SwapRun);                                         \
    template PriceOf<M> limit_price_from_rao<M>(u64);                                                                  \
    template Result<SwapOutcome<M>> pool_swap_at(const Ruleset&, SubnetT<M>&, AmountOf<M>&, const WeightOf<M>&, u64,   \
                                                 SwapSide, const AmountOf<M>&, const PriceOf<M>&, Fees);               \
    template Result<SwapOutcome<M>> sim_swap_tao_for_alpha(const Ruleset&, const SubnetT<M>&, u64, const AmountOf<M>&, \
                                                           u64, Fees);                                                 \
    template Result<SwapOutcome<M>> sim_swap_alpha_for_tao(const Ruleset&, const SubnetT<M>&, u64, const AmountOf<M>&, \
                                                           u64, Fees);                                                 \
    template Result<SwapOutcome<M>> sim_swap(const Ruleset&, const SubnetT<M>&, u64, SwapSide, const AmountOf<M>&);    \
    template Result<SwapOutcome<M>> swap_tao_for_alpha(const Ruleset&, SubnetT<M>&, AmountOf<M>&, u64,                 \
                                                       const AmountOf<M>&, u64, Fees);                                 \
    template Result<SwapOutcome<M>> swap_alpha_for_tao(const Ruleset&, SubnetT<M>&, AmountOf<M>&, u64,                 \
                                                       const AmountOf<M>&, u64, Fees);                                 \
    template Result<AmountOf<M>> max_amount_add(const Ruleset&, const SubnetT<M>&, u64, u64);                          \
    template Result<AmountOf<M>> max_amount_remove(const Ruleset&, const SubnetT<M>&, u64, u64);

DTAO_BALANCER_SWAP_INSTANTIATE(ChainModel)
DTAO_BALANCER_SWAP_INSTANTIATE(ExactModel)

#undef DTAO_BALANCER_SWAP_INSTANTIATE

}  // namespace dtao::balancer

namespace dtao::exact::balancer {

Result<Swap> swap(const Ruleset& rules, const ExactSubnet& s, const Rational& w2, const Rational& minimum_reserve,
                  SwapSide side, const Rational& amount, const Rational& limit, Fees fees)
{
    ExactSubnet copy = s;
    return dtao::balancer::swap_at(rules, copy, w2, minimum_reserve, side, amount, limit, fees, SwapRun::simulate);
}

}  // namespace dtao::exact::balancer
