// dtao-reference: the Balancer-era swap (v3.4.8-423+): one swap step with its decisions, the
// simulated and the executed swaps with their reserve updates, and the limit-order maxima.
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/balancer.md (BAL-005, BAL-010, BAL-012). The pool's formulas these use (price,
// deltas, fees, weights) are in balancer.cpp. Each function follows the chain function of the
// same name (subtensor 14bc6f9) step by step.
#include "dtao/balancer.hpp"

#include <algorithm>
#include <limits>

namespace dtao {

namespace chain::balancer {

namespace {

constexpr u64 I64_MAX = static_cast<u64>(std::numeric_limits<i64>::max());
constexpr u64 I64_MIN_MAGNITUDE = I64_MAX + 1;  // |i64::MIN| = 2^63

/// `BasicSwapStep::price_target`: the spot price after the full requested input.
U64F64 price_target(const Ruleset& rules, const Subnet& s, SwapSide side, u64 delta_in)
{
    const Perquintill w = quote_weight(s);
    const u64 x = s.subnet_alpha_in, y = s.subnet_tao;
    if (side == SwapSide::buy) {
        const u64 dx = convert_deltas_buy(rules, w, x, y, delta_in);
        return calculate_price(w, sat_sub(x, dx), sat_add(y, delta_in));
    }
    const u64 dy = convert_deltas_sell(rules, w, x, y, delta_in);
    return calculate_price(w, sat_add(x, delta_in), sat_sub(y, dy));
}

}  // namespace

Result<BalancerSwap> do_swap(const Ruleset& rules, Subnet& s, u64 minimum_reserve, SwapSide side, u64 amount,
                             U64F64 limit, Fees fees, SwapRun run)
{
    const bool buy = side == SwapSide::buy;
    Subnet work = s;  // the transactional layer: committed only on success and SwapRun::commit
    const u64 reserve_out = buy ? s.subnet_alpha_in : s.subnet_tao;
    const u64 reserve_in = buy ? s.subnet_tao : s.subnet_alpha_in;

    // RSET-021 `ensure_swap_input_within_reserve_limit`: amount − fee ≤ 1000 · input reserve.
    if (rules.swap_input_reserve_cap) {
        const u64 net = sat_sub(amount, calculate_fee_amount(work, amount, fees));
        if (net > sat_mul(reserve_in, MAX_SWAP_INPUT_RESERVE_MULTIPLIER))
            return Error::swap_input_too_large;
    }

    // swap_inner
    if (reserve_out < minimum_reserve)
        return Error::reserves_too_low;
    initialize_default_weights(work);  // BAL-008: the first swap of a pool
    const U64F64 price = current_price(work);
    if (!(buy ? price < limit : price > limit))  // `is_beyond_price_limit`
        return Error::price_limit_exceeded;

    // BasicSwapStep::new
    u64 fee = calculate_fee_amount(work, amount, fees);
    const u64 requested = sat_sub(amount, fee);
    const U64F64 target = price_target(rules, work, side, requested);
    const U64F64 current = current_price(work);
    // determine_action: the target is "closer" (buy: target ≤ limit; sell: target ≥ limit) → full.
    u64 delta_in = requested;
    if (!(buy ? target <= limit : target >= limit)) {
        const Perquintill w = quote_weight(work);
        delta_in = buy ? calculate_quote_delta_in(w, current, limit, work.subnet_tao)
                       : calculate_base_delta_in(w, current, limit, work.subnet_alpha_in);
        fee = limit_fee(work.fee_rate, delta_in, fees);
    }
    // process_swap
    const Perquintill w = quote_weight(work);
    const u64 delta_out = buy ? convert_deltas_buy(rules, w, work.subnet_alpha_in, work.subnet_tao, delta_in)
                              : convert_deltas_sell(rules, w, work.subnet_alpha_in, work.subnet_tao, delta_in);
    BalancerSwap out{delta_in, delta_out, fee, 0};
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

Result<BalancerSwap> sim_swap_tao_for_alpha(const Ruleset& rules, const Subnet& s, u64 minimum_reserve, u64 tao,
                                            u64 limit_price, Fees fees)
{
    Subnet copy = s;
    return do_swap(rules, copy, minimum_reserve, SwapSide::buy, tao, limit_price_from_rao(limit_price), fees,
                   SwapRun::simulate);
}

Result<BalancerSwap> sim_swap_alpha_for_tao(const Ruleset& rules, const Subnet& s, u64 minimum_reserve, u64 alpha,
                                            u64 limit_price, Fees fees)
{
    Subnet copy = s;
    return do_swap(rules, copy, minimum_reserve, SwapSide::sell, alpha, limit_price_from_rao(limit_price), fees,
                   SwapRun::simulate);
}

Result<BalancerSwap> sim_swap(const Ruleset& rules, const Subnet& s, u64 minimum_reserve, SwapSide side, u64 amount)
{
    if (s.mechanism != Mechanism::dynamic)
        return BalancerSwap{amount, amount, 0, 0};
    // The default limit of the order's direction (`DefaultPriceLimit<PaidIn, PaidOut>`).
    return side == SwapSide::buy
               ? sim_swap_tao_for_alpha(rules, s, minimum_reserve, amount, SWAP_MAX_PRICE, Fees::charged)
               : sim_swap_alpha_for_tao(rules, s, minimum_reserve, amount, SWAP_MIN_PRICE, Fees::charged);
}

Result<BalancerSwap> swap_tao_for_alpha(const Ruleset& rules, Subnet& s, u64& total_stake, u64 minimum_reserve, u64 tao,
                                        u64 limit_price, Fees fees)
{
    BalancerSwap r{tao, tao, 0, 0};  // stable: 1:1, no fee
    if (s.mechanism == Mechanism::dynamic) {
        auto swapped = do_swap(rules, s, minimum_reserve, SwapSide::buy, tao, limit_price_from_rao(limit_price), fees,
                               SwapRun::commit);
        if (!swapped)
            return swapped;
        r = *swapped;
    }
    // The reserve deltas pass through `paid_*_reserve_delta_i64`: clamped to the i64 range,
    // then `unsigned_abs` (the paid-out delta is negated first, so it caps at 2^63).
    s.subnet_alpha_in = sat_sub(s.subnet_alpha_in, std::min(r.amount_paid_out, I64_MIN_MAGNITUDE));
    s.subnet_alpha_out = sat_add(s.subnet_alpha_out, r.amount_paid_out);
    s.subnet_tao = sat_add(s.subnet_tao, std::min(r.amount_paid_in, I64_MAX));
    total_stake = sat_add(total_stake, tao);  // gross: the fee is counted although it leaves the subnet
    s.subnet_volume = sat_add_u128(s.subnet_volume, tao);
    return r;
}

Result<BalancerSwap> swap_alpha_for_tao(const Ruleset& rules, Subnet& s, u64& total_stake, u64 minimum_reserve,
                                        u64 alpha, u64 limit_price, Fees fees)
{
    BalancerSwap r{alpha, alpha, 0, 0};
    if (s.mechanism == Mechanism::dynamic) {
        auto swapped = do_swap(rules, s, minimum_reserve, SwapSide::sell, alpha, limit_price_from_rao(limit_price),
                               fees, SwapRun::commit);
        if (!swapped)
            return swapped;
        r = *swapped;
    }
    const u64 alpha_delta = std::min(r.amount_paid_in, I64_MAX);
    s.subnet_alpha_in = sat_add(s.subnet_alpha_in, alpha_delta);
    s.subnet_alpha_out = sat_sub(s.subnet_alpha_out, alpha_delta);
    s.subnet_tao = sat_sub(s.subnet_tao, std::min(r.amount_paid_out, I64_MIN_MAGNITUDE));
    total_stake = sat_sub(total_stake, r.amount_paid_out);
    s.subnet_volume = sat_add_u128(s.subnet_volume, r.amount_paid_out);
    return r;
}

Result<u64> max_amount_add(const Ruleset& rules, const Subnet& s, u64 minimum_reserve, u64 limit_price)
{
    if (s.is_stable())  // `netuid.is_root() || SubnetMechanism == 0`
        return limit_price >= RAO_PER_TAO ? U64_MAX : u64{0};
    const u64 probe = rules.swap_input_reserve_cap ? sat_mul(s.subnet_tao, MAX_SWAP_INPUT_RESERVE_MULTIPLIER) : U64_MAX;
    const auto r = sim_swap_tao_for_alpha(rules, s, minimum_reserve, probe, limit_price, Fees::charged);
    if (!r)
        return r.error();
    return sat_add(r->amount_paid_in, r->fee_paid);
}

Result<u64> max_amount_remove(const Ruleset& rules, const Subnet& s, u64 minimum_reserve, u64 limit_price)
{
    if (s.is_stable())
        return limit_price <= RAO_PER_TAO ? U64_MAX : u64{0};
    const u64 probe =
        rules.swap_input_reserve_cap ? sat_mul(s.subnet_alpha_in, MAX_SWAP_INPUT_RESERVE_MULTIPLIER) : U64_MAX;
    const auto r = sim_swap_alpha_for_tao(rules, s, minimum_reserve, probe, limit_price, Fees::charged);
    if (!r)
        return r.error();
    return sat_add(r->amount_paid_in, r->fee_paid);
}

}  // namespace chain::balancer

// ===================================================================== exact model

namespace exact::balancer {

namespace {

/// BAL-008's default weight, which an uninitialised pool swaps at.
Rational default_weight() { return Rational(Int(BALANCER_DEFAULT_QUOTE_PARTS), Int(Perquintill::ACCURACY)); }

}  // namespace

Result<Swap> swap(const Ruleset& rules, const ExactSubnet& s, const Rational& w2_in, const Rational& minimum_reserve,
                  SwapSide side, const Rational& amount, const Rational& limit, Fees fees)
{
    const bool buy = side == SwapSide::buy;
    const Rational& x = s.subnet_alpha_in;
    const Rational& y = s.subnet_tao;
    const Rational& reserve_out = buy ? x : y;
    const Rational& reserve_in = buy ? y : x;
    Rational fee = calculate_fee_amount(s, amount, fees);
    const Rational requested = amount > fee ? Rational(amount - fee) : Rational(0);
    if (rules.swap_input_reserve_cap && requested > reserve_in * MAX_SWAP_INPUT_RESERVE_MULTIPLIER)
        return Error::swap_input_too_large;
    if (reserve_out < minimum_reserve)
        return Error::reserves_too_low;
    // BAL-008: an uninitialised pool prices at the default weights that its first swap stores
    // (`initialize_default_weights`; the caller applies it, since this function only computes).
    const Rational w2 = s.pal_swap_initialized ? w2_in : default_weight();
    const Rational price = s.mechanism == Mechanism::dynamic ? calculate_price(w2, x, y) : Rational(1);
    if (!(buy ? price < limit : price > limit))
        return Error::price_limit_exceeded;
    Rational target;
    if (buy) {
        const Rational dx = convert_deltas_buy(w2, x, y, requested);
        target = calculate_price(w2, x - dx, y + requested);
    } else {
        const Rational dy = convert_deltas_sell(w2, x, y, requested);
        target = calculate_price(w2, x + requested, y - dy);
    }
    Rational delta_in = requested;
    if (!(buy ? target <= limit : target >= limit)) {
        delta_in = buy ? calculate_quote_delta_in(w2, price, limit, y) : calculate_base_delta_in(w2, price, limit, x);
        fee = limit_fee(s.fee_rate, delta_in, fees);
    }
    const Rational delta_out = buy ? convert_deltas_buy(w2, x, y, delta_in) : convert_deltas_sell(w2, x, y, delta_in);
    if (delta_in != 0 && delta_out == 0)
        return Error::reserves_too_low;
    return Swap{delta_in, delta_out, fee};
}

Result<Swap> sim_swap_tao_for_alpha(const Ruleset& rules, const ExactSubnet& s, u64 minimum_reserve,
                                    const Rational& tao, u64 limit_price, Fees fees)
{
    return swap(rules, s, quote_weight(s), Rational(minimum_reserve), SwapSide::buy, tao,
                Rational(Int(limit_price), Int(RAO_PER_TAO)), fees);
}

Result<Swap> sim_swap_alpha_for_tao(const Ruleset& rules, const ExactSubnet& s, u64 minimum_reserve,
                                    const Rational& alpha, u64 limit_price, Fees fees)
{
    return swap(rules, s, quote_weight(s), Rational(minimum_reserve), SwapSide::sell, alpha,
                Rational(Int(limit_price), Int(RAO_PER_TAO)), fees);
}

Result<Swap> sim_swap(const Ruleset& rules, const ExactSubnet& s, u64 minimum_reserve, SwapSide side,
                      const Rational& amount)
{
    if (s.mechanism != Mechanism::dynamic)
        return Swap{amount, amount, 0};
    return side == SwapSide::buy
               ? sim_swap_tao_for_alpha(rules, s, minimum_reserve, amount, SWAP_MAX_PRICE, Fees::charged)
               : sim_swap_alpha_for_tao(rules, s, minimum_reserve, amount, SWAP_MIN_PRICE, Fees::charged);
}

Result<Swap> swap_tao_for_alpha(const Ruleset& rules, ExactSubnet& s, Rational& total_stake, u64 minimum_reserve,
                                const Rational& tao, u64 limit_price, Fees fees)
{
    Swap r{tao, tao, 0};
    if (s.mechanism == Mechanism::dynamic) {
        auto q = sim_swap_tao_for_alpha(rules, s, minimum_reserve, tao, limit_price, fees);
        if (!q)
            return q;
        r = *q;
        initialize_default_weights(s);  // BAL-008
    }
    s.subnet_alpha_in -= r.amount_paid_out;
    s.subnet_alpha_out += r.amount_paid_out;
    s.subnet_tao += r.amount_paid_in;
    total_stake += tao;
    s.subnet_volume += tao;
    return r;
}

Result<Swap> swap_alpha_for_tao(const Ruleset& rules, ExactSubnet& s, Rational& total_stake, u64 minimum_reserve,
                                const Rational& alpha, u64 limit_price, Fees fees)
{
    Swap r{alpha, alpha, 0};
    if (s.mechanism == Mechanism::dynamic) {
        auto q = sim_swap_alpha_for_tao(rules, s, minimum_reserve, alpha, limit_price, fees);
        if (!q)
            return q;
        r = *q;
        initialize_default_weights(s);  // BAL-008
    }
    s.subnet_alpha_in += r.amount_paid_in;
    s.subnet_alpha_out -= r.amount_paid_in;
    s.subnet_tao -= r.amount_paid_out;
    total_stake -= r.amount_paid_out;
    s.subnet_volume += r.amount_paid_out;
    return r;
}

Result<Rational> max_amount_add(const Ruleset& rules, const ExactSubnet& s, u64 minimum_reserve, u64 limit_price)
{
    if (s.is_stable())
        return limit_price >= RAO_PER_TAO ? Rational(U64_MAX) : Rational(0);
    const Rational probe =
        rules.swap_input_reserve_cap ? Rational(s.subnet_tao * MAX_SWAP_INPUT_RESERVE_MULTIPLIER) : Rational(U64_MAX);
    const auto r = sim_swap_tao_for_alpha(rules, s, minimum_reserve, probe, limit_price, Fees::charged);
    if (!r)
        return r.error();
    return Rational(r->amount_paid_in + r->fee_paid);
}

Result<Rational> max_amount_remove(const Ruleset& rules, const ExactSubnet& s, u64 minimum_reserve, u64 limit_price)
{
    if (s.is_stable())
        return limit_price <= RAO_PER_TAO ? Rational(U64_MAX) : Rational(0);
    const Rational probe = rules.swap_input_reserve_cap
                               ? Rational(s.subnet_alpha_in * MAX_SWAP_INPUT_RESERVE_MULTIPLIER)
                               : Rational(U64_MAX);
    const auto r = sim_swap_alpha_for_tao(rules, s, minimum_reserve, probe, limit_price, Fees::charged);
    if (!r)
        return r.error();
    return Rational(r->amount_paid_in + r->fee_paid);
}

}  // namespace exact::balancer

}  // namespace dtao
