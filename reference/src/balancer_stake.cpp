// dtao-reference: the Balancer-era add_stake / remove_stake (BAL-011), written once over both models.
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/balancer.md (BAL-011). Chain source: subtensor 14bc6f9
// pallets/subtensor/src/staking/{add_stake.rs,remove_stake.rs,stake_utils.rs}.
//
// The control flow (the input cap of RSET-021, the maximum for a limit order, validation,
// `stake_into_subnet` / `unstake_from_subnet`, the fee to the block author or burned, the sale
// of the alpha fee) is one template over the model. `StakeOps<Model>` hands it the model's
// arithmetic (`dtao/numeric/model.hpp`) and the model's pool functions (BAL-004, BAL-005,
// BAL-010, BAL-012 of `dtao::{chain,exact}::balancer`), plus the one decision that only the
// exact model takes (`refuse_fee_sale`, below).
#include "dtao/balancer.hpp"
#include "dtao/numeric/model.hpp"

namespace dtao {

namespace {

/// The pool functions the stake rules call (BAL-005, BAL-010, BAL-012), written once over the
/// model in balancer_swap.cpp.
template <typename Model>
struct PoolOps : Arithmetic<Model>
{
    using Amount = typename Arithmetic<Model>::Amount;
    using Subnet = SubnetT<Model>;
    using Swap = balancer::SwapOutcome<Model>;
    using StakeOutcome = balancer::StakeOutcome<Model>;
    using UnstakeOutcome = balancer::UnstakeOutcome<Model>;

    static Result<Swap> sim_swap(const Ruleset& rules, const Subnet& s, u64 minimum_reserve, SwapSide side,
                                 const Amount& amount)
    {
        return balancer::sim_swap(rules, s, minimum_reserve, side, amount);
    }
    static Result<Amount> max_amount(const Ruleset& rules, const Subnet& s, u64 minimum_reserve, SwapSide side,
                                     u64 limit_price)
    {
        return side == SwapSide::buy ? balancer::max_amount_add(rules, s, minimum_reserve, limit_price)
                                     : balancer::max_amount_remove(rules, s, minimum_reserve, limit_price);
    }
    static Result<Swap> swap(const Ruleset& rules, Subnet& s, Amount& total_stake, u64 minimum_reserve, SwapSide side,
                             const Amount& amount, u64 limit_price, Fees fees)
    {
        return side == SwapSide::buy
                   ? balancer::swap_tao_for_alpha(rules, s, total_stake, minimum_reserve, amount, limit_price, fees)
                   : balancer::swap_alpha_for_tao(rules, s, total_stake, minimum_reserve, amount, limit_price, fees);
    }
    /// The swap pallet's `fee_to_block_author`: the whole fee once some input executed.
    static Amount author_fee(const Swap& r) { return r.fee_to_block_author; }
};

/// `PoolOps` with the model's fee formula (BAL-004) and the one decision only the exact model
/// takes (`refuse_fee_sale`).
template <typename Model>
struct StakeOps;

template <>
struct StakeOps<ChainModel> : PoolOps<ChainModel>
{
    static Amount fee(const Subnet& s, Amount amount)
    {
        return chain::balancer::calculate_fee_amount(s, amount, Fees::charged);
    }
    /// The chain model takes no decision of its own before the fee sale: the sale runs and its
    /// own checks decide (see the exact model's hook).
    static std::optional<Error> refuse_fee_sale(const Ruleset&, const Subnet&, u64, Amount, const Swap&, Amount,
                                                std::optional<u64>)
    {
        return std::nullopt;
    }
};

template <>
struct StakeOps<ExactModel> : PoolOps<ExactModel>
{
    static Amount fee(const Subnet& s, const Amount& amount)
    {
        return exact::balancer::calculate_fee_amount(s, amount, Fees::charged);
    }

    /// The exact model's own decision before the sale of the author's alpha fee; the chain
    /// model has none. When the user's sale was cut at its limit L (BAL-006), its final price is
    /// L exactly (x' = x·(p/L)^w2, y' = y·(L/p)^w1 ⇒ p' = L); the computed reserves carry the
    /// powers' 2^-250 error, which would put p' on either side of L. So the fee sale's price
    /// check, p' > SWAP_MIN_PRICE (`is_beyond_price_limit`), is decided on L itself: with
    /// L = SWAP_MIN_PRICE (no limit given) it fails. The chain passes that check only because its
    /// floored input leaves p' just above L, and then its rounding decides (spec/balancer.md,
    /// BAL-011 "Exact model" (2)). `do_swap`'s two checks before the price check keep their
    /// order. `s` is the pool after the user's sale: the fee of the request depends only on the
    /// mechanism and the rate, which the sale does not change.
    static std::optional<Error> refuse_fee_sale(const Ruleset& rules, const Subnet& s, u64 minimum_reserve,
                                                const Amount& requested_alpha, const Swap& sale,
                                                const Amount& fee_alpha, std::optional<u64> limit_price)
    {
        const bool cut =
            s.mechanism == Mechanism::dynamic && sale.amount_paid_in != requested_alpha - fee(s, requested_alpha);
        if (!cut || limit_price.value_or(SWAP_MIN_PRICE) > SWAP_MIN_PRICE)
            return std::nullopt;
        if (rules.swap_input_reserve_cap && fee_alpha > s.subnet_alpha_in * MAX_SWAP_INPUT_RESERVE_MULTIPLIER)
            return Error::swap_input_too_large;
        if (s.subnet_tao < minimum_reserve)
            return Error::reserves_too_low;
        return Error::price_limit_exceeded;
    }
};

template <typename Model>
using AmountOf = typename StakeOps<Model>::Amount;  // u64 or Rational

/// `ensure_{add,remove}_stake_input_within_swap_limit` (RSET-021): amount ≤ 1000 · reserve on
/// non-root dynamic subnets, else `InsufficientLiquidity`.
template <typename Model>
bool within_stake_input_limit(const Ruleset& rules, const SubnetT<Model>& s, const AmountOf<Model>& amount,
                              const AmountOf<Model>& reserve)
{
    using O = StakeOps<Model>;
    if (!rules.swap_input_reserve_cap || s.is_root() || s.mechanism != Mechanism::dynamic)
        return true;
    return amount <= O::amount_times(reserve, MAX_SWAP_INPUT_RESERVE_MULTIPLIER);
}

/// `validate_add_stake` (pool part; balances, hotkey and share-pool precision are outside).
template <typename Model>
Result<bool> validate_add_stake(const Ruleset& rules, const SubnetT<Model>& s, u64 minimum_reserve,
                                const AmountOf<Model>& amount, const AmountOf<Model>& max_amount, Fill allow_partial)
{
    using O = StakeOps<Model>;
    using Amount = typename O::Amount;
    const Amount min_stake = O::amount_of(BALANCER_ERA_MIN_STAKE);
    // The minimum includes the fee of its own simulation (the chain's rounded fee: 1007 at rate
    // 33; the exact model's is 1007.09…, BAL-011 "Exact model" (1)).
    const auto min_sim = O::sim_swap(rules, s, minimum_reserve, SwapSide::buy, min_stake);
    const Amount min_fee = min_sim ? min_sim->fee_paid : O::fee(s, min_stake);
    if (amount < O::amount_add(min_stake, min_fee))
        return Error::amount_too_low;
    Amount stake = amount;
    if (allow_partial == Fill::whole) {
        if (stake > max_amount)
            return Error::slippage_too_high;
    } else {
        stake = O::amount_min(max_amount, stake);
    }
    const auto sim = O::sim_swap(rules, s, minimum_reserve, SwapSide::buy, stake);
    if (!sim)
        return Error::insufficient_liquidity;
    if (sim->amount_paid_in < min_stake)
        return Error::amount_too_low;
    if (sim->amount_paid_out == 0)
        return Error::insufficient_liquidity;
    return true;
}

/// `validate_remove_stake` (pool part; locks and the hotkey are outside).
template <typename Model>
Result<bool> validate_remove_stake(const Ruleset& rules, const SubnetT<Model>& s, u64 minimum_reserve,
                                   const AmountOf<Model>& alpha, const AmountOf<Model>& alpha_available,
                                   const AmountOf<Model>& max_amount, Fill allow_partial)
{
    using O = StakeOps<Model>;
    if (alpha == 0)
        return Error::amount_too_low;
    // BAL-011: `calculate_reduced_stake_on_subnet` refuses a decrement above the stake
    // before the sale is simulated; only `do_remove_stake` caps the request at the stake
    // first, so this binds for limit orders (F-039).
    if (alpha > alpha_available)
        return Error::not_enough_stake_to_withdraw;
    const auto remaining = O::amount_sub(alpha_available, alpha);
    const auto sim = O::sim_swap(rules, s, minimum_reserve, SwapSide::sell, alpha);
    if (!sim)
        return Error::insufficient_liquidity;
    if (remaining != 0 && sim->amount_paid_out < O::amount_of(BALANCER_ERA_MIN_STAKE))
        return Error::amount_too_low;
    if (allow_partial == Fill::whole && alpha > max_amount)
        return Error::slippage_too_high;
    return true;
}

/// BAL-011 `do_add_stake` / `do_add_stake_limit` in either model.
template <typename Model>
Result<typename StakeOps<Model>::StakeOutcome> add_stake_generic(const Ruleset& rules, ChainStateT<Model>& st,
                                                                 u64 netuid, const AmountOf<Model>& amount,
                                                                 std::optional<u64> limit_price, Fill allow_partial)
{
    using O = StakeOps<Model>;
    using Amount = typename O::Amount;
    SubnetT<Model>* const sp = st.find(netuid);
    if (!sp)
        return Error::subnet_not_exists;
    SubnetT<Model> s = *sp;  // the extrinsic is transactional: commit at the end
    Amount total_stake = st.total_stake;
    const u64 minres = st.swap_minimum_reserve;

    if (!within_stake_input_limit<Model>(rules, s, amount, s.subnet_tao))
        return Error::insufficient_liquidity;
    Amount max_amount = amount, possible = amount;
    if (limit_price) {  // do_add_stake_limit
        const auto m = O::max_amount(rules, s, minres, SwapSide::buy, *limit_price);
        if (!m)
            return m.error();
        max_amount = *m;
        possible = O::amount_min(amount, max_amount);
    } else {
        allow_partial = Fill::whole;
    }
    if (auto v = validate_add_stake<Model>(rules, s, minres, amount, max_amount, allow_partial); !v)
        return v.error();

    // stake_into_subnet(possible, limit)
    typename O::StakeOutcome out;
    out.tao_requested = possible;
    const auto swapped = O::swap(rules, s, total_stake, minres, SwapSide::buy, possible,
                                 limit_price.value_or(SWAP_MAX_PRICE), Fees::charged);
    if (!swapped)
        return swapped.error();
    out.swap = *swapped;
    if (out.swap.amount_paid_out == 0)
        return Error::amount_too_low;
    out.alpha = out.swap.amount_paid_out;
    out.tao_unswapped = O::amount_sub_or_zero(possible, O::amount_add(out.swap.amount_paid_in, out.swap.fee_paid));
    // The fee leaves the subnet account to the block author, or `burn_tao` moves it to the burn
    // account; TotalIssuance is kept either way.
    (st.block_author ? out.author_tao : out.burned_tao) = O::author_fee(out.swap);
    *sp = s;
    st.total_stake = total_stake;
    return out;
}

/// BAL-011 `do_remove_stake` / `do_remove_stake_limit` in either model.
template <typename Model>
Result<typename StakeOps<Model>::UnstakeOutcome>
remove_stake_generic(const Ruleset& rules, ChainStateT<Model>& st, u64 netuid, AmountOf<Model> alpha,
                     const AmountOf<Model>& alpha_available, std::optional<u64> limit_price, Fill allow_partial)
{
    using O = StakeOps<Model>;
    using Amount = typename O::Amount;
    SubnetT<Model>* const sp = st.find(netuid);
    if (!sp)
        return Error::subnet_not_exists;
    SubnetT<Model> s = *sp;
    Amount total_stake = st.total_stake;
    const u64 minres = st.swap_minimum_reserve;

    Amount max_amount{}, possible{};
    if (!limit_price) {  // do_remove_stake: cap at the stake, then the input limit
        alpha = O::amount_min(alpha, alpha_available);
        if (!within_stake_input_limit<Model>(rules, s, alpha, s.subnet_alpha_in))
            return Error::insufficient_liquidity;
        max_amount = possible = alpha;
        allow_partial = Fill::whole;
    } else {  // do_remove_stake_limit: no cap at the stake
        if (!within_stake_input_limit<Model>(rules, s, alpha, s.subnet_alpha_in))
            return Error::insufficient_liquidity;
        const auto m = O::max_amount(rules, s, minres, SwapSide::sell, *limit_price);
        if (!m)
            return m.error();
        max_amount = *m;
        possible = O::amount_min(alpha, max_amount);
    }
    if (auto v = validate_remove_stake<Model>(rules, s, minres, alpha, alpha_available, max_amount, allow_partial); !v)
        return v.error();

    // unstake_from_subnet(possible, limit)
    typename O::UnstakeOutcome out;
    out.alpha_requested = possible;
    const auto swapped = O::swap(rules, s, total_stake, minres, SwapSide::sell, possible,
                                 limit_price.value_or(SWAP_MIN_PRICE), Fees::charged);
    if (!swapped)
        return swapped.error();
    out.swap = *swapped;
    out.alpha_refund = O::amount_sub_or_zero(possible, O::amount_add(out.swap.amount_paid_in, out.swap.fee_paid));
    out.tao = out.swap.amount_paid_out;
    const Amount fee_alpha = O::author_fee(out.swap);
    if (st.block_author) {
        // The alpha fee is sold fee-free at the minimum price limit; its failure fails the unstake.
        if (const auto refused = O::refuse_fee_sale(rules, s, minres, possible, out.swap, fee_alpha, limit_price))
            return *refused;
        const auto fee_swap =
            O::swap(rules, s, total_stake, minres, SwapSide::sell, fee_alpha, SWAP_MIN_PRICE, Fees::dropped);
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

}  // namespace

namespace chain::balancer {

Result<BalancerStakeOutcome> add_stake(const Ruleset& rules, ChainState& st, u64 netuid, u64 amount,
                                       std::optional<u64> limit_price, Fill allow_partial)
{
    return add_stake_generic<ChainModel>(rules, st, netuid, amount, limit_price, allow_partial);
}

Result<BalancerUnstakeOutcome> remove_stake(const Ruleset& rules, ChainState& st, u64 netuid, u64 alpha,
                                            u64 alpha_available, std::optional<u64> limit_price, Fill allow_partial)
{
    return remove_stake_generic<ChainModel>(rules, st, netuid, alpha, alpha_available, limit_price, allow_partial);
}

}  // namespace chain::balancer

namespace exact::balancer {

Result<StakeOutcome> add_stake(const Ruleset& rules, ExactChainState& st, u64 netuid, const Rational& amount,
                               std::optional<u64> limit_price, Fill allow_partial)
{
    return add_stake_generic<ExactModel>(rules, st, netuid, amount, limit_price, allow_partial);
}

Result<UnstakeOutcome> remove_stake(const Ruleset& rules, ExactChainState& st, u64 netuid, const Rational& alpha,
                                    const Rational& alpha_available, std::optional<u64> limit_price, Fill allow_partial)
{
    return remove_stake_generic<ExactModel>(rules, st, netuid, alpha, alpha_available, limit_price, allow_partial);
}

}  // namespace exact::balancer

}  // namespace dtao
