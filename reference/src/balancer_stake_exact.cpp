// dtao-reference: the exact model of the Balancer-era add_stake / remove_stake (BAL-011).
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/balancer.md (BAL-011). Step for step the chain model
// (`chain::balancer::add_stake` / `remove_stake` in reference/src/balancer.cpp);
// every amount is a rational and every decision is taken from the exact values.
// The pool functions are those of `dtao::exact::balancer` (BAL-005, BAL-010, BAL-012).
#include "dtao/balancer.hpp"

#include <algorithm>

namespace dtao::exact::balancer {

namespace {

Rational min_of(const Rational& a, const Rational& b) { return a < b ? a : b; }
/// `saturating_sub` on amounts: the chain's u64 subtraction floors at 0.
Rational sub_floor0(const Rational& a, const Rational& b) { return a > b ? Rational(a - b) : Rational(0); }

/// `SwapHandler::sim_swap` (BAL-005): dynamic subnets simulate with the default limit of the
/// direction and fees; others are 1:1 with no fee.
Result<Swap> sim_swap(const Ruleset& rules, const ExactSubnet& s, u64 minimum_reserve, SwapSide side,
                      const Rational& amount)
{
    if (s.mechanism != Mechanism::dynamic)
        return Swap{amount, amount, 0};
    return side == SwapSide::buy ? sim_swap_tao_for_alpha(rules, s, minimum_reserve, amount, SWAP_MAX_PRICE, false)
                                 : sim_swap_alpha_for_tao(rules, s, minimum_reserve, amount, SWAP_MIN_PRICE, false);
}

/// The part of the fee the swap pallet hands to the block author: all of it once some input
/// executed (`do_swap`: `fee_to_block_author` is set only when delta_in ≠ 0).
Rational author_fee(const Swap& r) { return r.amount_paid_in != 0 ? r.fee_paid : Rational(0); }

/// RSET-021 `ensure_{add,remove}_stake_input_within_swap_limit` on non-root dynamic subnets.
bool within_stake_input_limit(const Ruleset& rules, const ExactSubnet& s, const Rational& amount,
                              const Rational& reserve)
{
    if (!rules.swap_input_reserve_cap || s.is_root() || s.mechanism != Mechanism::dynamic)
        return true;
    return amount <= reserve * MAX_SWAP_INPUT_RESERVE_MULTIPLIER;
}

/// `validate_add_stake` (pool part), as the chain model.
Result<bool> validate_add_stake(const Ruleset& rules, const ExactSubnet& s, u64 minimum_reserve, const Rational& amount,
                                const Rational& max_amount, bool allow_partial)
{
    const Rational min_stake(BALANCER_ERA_MIN_STAKE);
    const auto min_sim = sim_swap(rules, s, minimum_reserve, SwapSide::buy, min_stake);
    const Rational min_fee = min_sim ? min_sim->fee_paid : calculate_fee_amount(s, min_stake, false);
    if (amount < min_stake + min_fee)
        return Error::amount_too_low;
    Rational stake = amount;
    if (!allow_partial) {
        if (stake > max_amount)
            return Error::slippage_too_high;
    } else {
        stake = min_of(max_amount, stake);
    }
    const auto sim = sim_swap(rules, s, minimum_reserve, SwapSide::buy, stake);
    if (!sim)
        return Error::insufficient_liquidity;
    if (sim->amount_paid_in < min_stake)
        return Error::amount_too_low;
    if (sim->amount_paid_out == 0)
        return Error::insufficient_liquidity;
    return true;
}

/// `validate_remove_stake` (pool part), as the chain model.
Result<bool> validate_remove_stake(const Ruleset& rules, const ExactSubnet& s, u64 minimum_reserve,
                                   const Rational& alpha, const Rational& alpha_available, const Rational& max_amount,
                                   bool allow_partial)
{
    if (alpha == 0)
        return Error::amount_too_low;
    if (alpha > alpha_available)  // `calculate_reduced_stake_on_subnet`, before the simulated sale
        return Error::not_enough_stake_to_withdraw;
    const Rational remaining = alpha_available - alpha;
    const auto sim = sim_swap(rules, s, minimum_reserve, SwapSide::sell, alpha);
    if (!sim)
        return Error::insufficient_liquidity;
    if (remaining != 0 && sim->amount_paid_out < BALANCER_ERA_MIN_STAKE)
        return Error::amount_too_low;
    if (!allow_partial && alpha > max_amount)
        return Error::slippage_too_high;
    return true;
}

}  // namespace

Result<StakeOutcome> add_stake(const Ruleset& rules, ExactChainState& st, u64 netuid, const Rational& amount,
                               std::optional<u64> limit_price, bool allow_partial)
{
    ExactSubnet* const sp = st.find(netuid);
    if (!sp)
        return Error::subnet_not_exists;
    ExactSubnet s = *sp;  // transactional: committed at the end
    Rational total_stake = st.total_stake;
    const u64 minres = st.swap_minimum_reserve;

    if (!within_stake_input_limit(rules, s, amount, s.subnet_tao))
        return Error::insufficient_liquidity;
    Rational max_amount = amount, possible = amount;
    if (limit_price) {  // do_add_stake_limit
        const auto m = max_amount_add(rules, s, minres, *limit_price);
        if (!m)
            return m.error();
        max_amount = *m;
        possible = min_of(amount, max_amount);
    } else {
        allow_partial = false;
    }
    if (auto v = validate_add_stake(rules, s, minres, amount, max_amount, allow_partial); !v)
        return v.error();

    // stake_into_subnet(possible, limit)
    StakeOutcome out;
    out.tao_requested = possible;
    const auto swapped =
        swap_tao_for_alpha(rules, s, total_stake, minres, possible, limit_price.value_or(SWAP_MAX_PRICE), false);
    if (!swapped)
        return swapped.error();
    out.swap = *swapped;
    if (out.swap.amount_paid_out == 0)
        return Error::amount_too_low;
    out.alpha = out.swap.amount_paid_out;
    out.tao_unswapped = sub_floor0(possible, out.swap.amount_paid_in + out.swap.fee_paid);
    // The fee leaves the subnet account to the author, or is burned (TotalIssuance kept).
    (st.block_author ? out.author_tao : out.burned_tao) = author_fee(out.swap);
    *sp = s;
    st.total_stake = total_stake;
    return out;
}

Result<UnstakeOutcome> remove_stake(const Ruleset& rules, ExactChainState& st, u64 netuid, const Rational& alpha_in,
                                    const Rational& alpha_available, std::optional<u64> limit_price, bool allow_partial)
{
    ExactSubnet* const sp = st.find(netuid);
    if (!sp)
        return Error::subnet_not_exists;
    ExactSubnet s = *sp;
    Rational total_stake = st.total_stake;
    const u64 minres = st.swap_minimum_reserve;

    Rational alpha = alpha_in, max_amount = 0, possible = 0;
    if (!limit_price) {  // do_remove_stake: cap at the stake, then the input limit
        alpha = min_of(alpha, alpha_available);
        if (!within_stake_input_limit(rules, s, alpha, s.subnet_alpha_in))
            return Error::insufficient_liquidity;
        max_amount = possible = alpha;
        allow_partial = false;
    } else {  // do_remove_stake_limit: no cap at the stake
        if (!within_stake_input_limit(rules, s, alpha, s.subnet_alpha_in))
            return Error::insufficient_liquidity;
        const auto m = max_amount_remove(rules, s, minres, *limit_price);
        if (!m)
            return m.error();
        max_amount = *m;
        possible = min_of(alpha, max_amount);
    }
    if (auto v = validate_remove_stake(rules, s, minres, alpha, alpha_available, max_amount, allow_partial); !v)
        return v.error();

    // unstake_from_subnet(possible, limit)
    UnstakeOutcome out;
    out.alpha_requested = possible;
    const ExactSubnet s_before_swap = s;
    const auto swapped =
        swap_alpha_for_tao(rules, s, total_stake, minres, possible, limit_price.value_or(SWAP_MIN_PRICE), false);
    if (!swapped)
        return swapped.error();
    out.swap = *swapped;
    out.alpha_refund = sub_floor0(possible, out.swap.amount_paid_in + out.swap.fee_paid);
    out.tao = out.swap.amount_paid_out;
    const Rational fee_alpha = author_fee(out.swap);
    if (st.block_author) {
        // The alpha fee is sold fee-free at the minimum price; its failure fails the unstake.
        // When the sale was cut at its limit L (BAL-006), its final price is L exactly
        // (x' = x·(p/L)^w2, y' = y·(L/p)^w1 ⇒ p' = L); the computed reserves carry the powers'
        // 2^-250 error, which would put p' on either side of L. So the fee sale's first check,
        // p' > SWAP_MIN_PRICE (`is_beyond_price_limit`), is decided on L itself. With L =
        // SWAP_MIN_PRICE (no limit) it fails: the chain passes it only because its floored
        // input leaves p' just above L. `do_swap`'s two checks before the price check keep
        // their order.
        const Rational requested = possible - calculate_fee_amount(s_before_swap, possible, false);
        const bool cut = s.mechanism == Mechanism::dynamic && out.swap.amount_paid_in != requested;
        if (cut && limit_price.value_or(SWAP_MIN_PRICE) <= SWAP_MIN_PRICE) {
            if (rules.swap_input_reserve_cap && fee_alpha > s.subnet_alpha_in * MAX_SWAP_INPUT_RESERVE_MULTIPLIER)
                return Error::swap_input_too_large;
            if (s.subnet_tao < minres)
                return Error::reserves_too_low;
            return Error::price_limit_exceeded;
        }
        const auto fee_swap = swap_alpha_for_tao(rules, s, total_stake, minres, fee_alpha, SWAP_MIN_PRICE, true);
        if (!fee_swap)
            return fee_swap.error();
        out.fee_swap = *fee_swap;
        out.author_tao = fee_swap->amount_paid_out;
    } else {
        out.burned_alpha = fee_alpha;  // `burn_subnet_alpha`: SubnetAlphaOut unchanged
    }
    *sp = s;
    st.total_stake = total_stake;
    return out;
}

}  // namespace dtao::exact::balancer
