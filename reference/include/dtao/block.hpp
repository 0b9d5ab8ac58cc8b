// dtao-reference: one block — its coinbase, then its stake extrinsics applied one by
// one. Rule code, so it lives in the reference: `dtao scenario run` (actors' stakes
// and unstakes) and the `block` op of `dtao eval` (spec/protocol.md) both call it,
// and a scenario vector replays exactly what the scenario engine did. Each coinbase
// form has its `run`: the launch era's (COIN-010, constant-product stake rules) and
// the injection-capped one (BCOIN-012, Balancer stake rules, BAL-011).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/balancer.hpp"
#include "dtao/coinbase.hpp"
#include "dtao/errors.hpp"
#include "dtao/injection_capped.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/stake.hpp"
#include "dtao/state.hpp"

#include <optional>
#include <variant>
#include <vector>

namespace dtao::block {

enum class ActionKind
{
    add_stake,     ///< STAKE-007: TAO in (`do_add_stake` / `do_add_stake_limit`)
    remove_stake,  ///< STAKE-008: alpha out (`do_remove_stake` / `do_remove_stake_limit`)
};

/// One stake extrinsic on one subnet's pool and `TotalStake`. Accounts and
/// the per-coldkey share pool are outside the model (spec/stake.md).
template <typename Amount>
struct Action
{
    ActionKind kind = ActionKind::add_stake;
    u64 netuid = 1;
    Amount amount{};                 ///< TAO (add_stake) or alpha (remove_stake)
    std::optional<u64> limit_price;  ///< rao per alpha; absent: no limit
    Fill allow_partial = Fill::whole;
    /// add_stake without a limit only: a flat fee other than DefaultStakingFee,
    /// for a scenario's what-if fee parameters (`params.fee_flat`, `fee_rate`).
    /// Then the request is validated as `validate_add_stake(amount, amount)`,
    /// rejected with `amount_too_low` when amount ≤ fee, and staked with
    /// `stake_into_subnet(amount, fee)`. Not a chain rule: the chain's fee is
    /// DefaultStakingFee.
    std::optional<Amount> fee;
    UnstakeFeeInputs fee_inputs;  ///< remove_stake: what the v2.0.8+ fee reads
    /// remove_stake: the staker's alpha on the subnet (`NotEnoughStakeToWithdraw` above it);
    /// absent: the staker holds at least `amount`.
    std::optional<Amount> alpha_available;
};

/// What one action did: an error token, or its amounts. add_stake fills
/// tao_staked / alpha / fee; remove_stake fills tao / tao_unstaked / fee.
template <typename Amount>
struct ActionResult
{
    std::optional<Error> error;
    Amount tao_staked{}, alpha{}, tao{}, tao_unstaked{}, fee{};
};

/// Apply one action to `state` in the model of `state`. A rejected action
/// leaves the state unchanged and reports its error; it never throws.
template <typename Model>
ActionResult<typename Model::Amount> apply(const Ruleset& rules, ChainStateT<Model>& state,
                                           const Action<typename Model::Amount>& a)
{
    using Amount = typename Model::Amount;
    // The two models' stake rules are overloads on the state types (Subnet / ExactSubnet),
    // so the model of `state` picks its own: the control flow below is written once.
    using chain::add_stake, exact::add_stake, chain::remove_stake, exact::remove_stake;
    using chain::stake_into_subnet, exact::stake_into_subnet, chain::validate_add_stake, exact::validate_add_stake;
    ActionResult<Amount> out;
    auto* s = state.find(a.netuid);
    if (!s) {
        out.error = Error::subnet_not_exists;
        return out;
    }
    if (a.kind == ActionKind::add_stake) {
        Result<StakeOutcome<Amount>> r = Error::amount_too_low;
        if (a.fee && !a.limit_price) {
            const Amount fee = *a.fee;
            if (auto v = validate_add_stake(*s, a.amount, a.amount, Fill::whole); !v) {
                out.error = v.error();
                return out;
            }
            if (a.amount <= fee) {
                out.error = Error::amount_too_low;
                return out;
            }
            r = stake_into_subnet(*s, state.total_stake, a.amount, fee);
        } else {
            r = add_stake(*s, state.total_stake, a.amount, a.limit_price, a.allow_partial);
        }
        if (!r) {
            out.error = r.error();
            return out;
        }
        out.tao_staked = r->tao_staked;
        out.alpha = r->alpha;
        out.fee = r->fee;
        return out;
    }
    const Result<UnstakeOutcome<Amount>> r = remove_stake(rules, *s, state.total_stake, a.amount, a.limit_price,
                                                          a.allow_partial, a.fee_inputs, a.alpha_available);
    if (!r) {
        out.error = r.error();
        return out;
    }
    out.tao = r->tao;
    out.tao_unstaked = r->tao_unstaked;
    out.fee = r->fee;
    return out;
}

/// What one block did: its coinbase, then one result per extrinsic, in order.
template <typename Coinbase, typename ActionOutcome>
struct Outcome
{
    Coinbase coinbase;
    std::vector<ActionOutcome> actions;
};

/// @rule COIN-010  One launch-era block: the coinbase (`run_coinbase` with `block_emission`
/// when given, else `block_step`, which derives it from TotalIssuance), then each stake
/// extrinsic in order through `apply` (STAKE-007, STAKE-008). A rejected extrinsic changes
/// nothing and does not stop the block.
template <typename Model>
Outcome<CoinbaseResult<Model>, ActionResult<typename Model::Amount>>
run(const Ruleset& rules, ChainStateT<Model>& state, std::optional<u64> block_emission,
    const std::vector<Action<typename Model::Amount>>& actions)
{
    using Ar = Arithmetic<Model>;
    // The two models' coinbase rules are overloads on the state's type.
    using chain::run_coinbase, exact::run_coinbase, chain::block_step, exact::block_step;
    Outcome<CoinbaseResult<Model>, ActionResult<typename Model::Amount>> out{
        block_emission ? run_coinbase(rules, state, Ar::num(Ar::amount_of(*block_emission))) : block_step(rules, state),
        {}};
    for (const auto& a : actions)
        out.actions.push_back(apply<Model>(rules, state, a));
    return out;
}

/// One stake extrinsic of an injection-capped (Balancer-era) block, BAL-011: the launch
/// era's `Action` without its fee what-ifs; an unstake names the staker's stake on the
/// subnet (`NotEnoughStakeToWithdraw` above it).
template <typename Model>
struct PoolAction
{
    ActionKind kind = ActionKind::add_stake;
    u64 netuid = 1;
    balancer::AmountOf<Model> amount{};  ///< TAO (add_stake) or alpha (remove_stake)
    std::optional<u64> limit_price;      ///< rao per alpha; absent: no limit
    Fill allow_partial = Fill::whole;
    balancer::AmountOf<Model> alpha_available{};  ///< remove_stake only
};

/// What one Balancer-era extrinsic did: the stake's or the unstake's outcome, or its error.
template <typename Model>
using PoolActionResult = Result<std::variant<balancer::StakeOutcome<Model>, balancer::UnstakeOutcome<Model>>>;

/// @rule BAL-011  Apply one Balancer-era stake extrinsic to `state` in the model of `state`
/// (`add_stake` / `remove_stake` with their limits). A rejected action leaves the state
/// unchanged and reports its error; it never throws.
template <typename Model>
PoolActionResult<Model> apply(const Ruleset& rules, ChainStateT<Model>& state, const PoolAction<Model>& a)
{
    using Outcomes = std::variant<balancer::StakeOutcome<Model>, balancer::UnstakeOutcome<Model>>;
    // The two models' stake rules are overloads on the state's type.
    using chain::balancer::add_stake, exact::balancer::add_stake;
    using chain::balancer::remove_stake, exact::balancer::remove_stake;
    if (a.kind == ActionKind::add_stake) {
        auto r = add_stake(rules, state, a.netuid, a.amount, a.limit_price, a.allow_partial);
        return r ? PoolActionResult<Model>(Outcomes(*r)) : PoolActionResult<Model>(r.error());
    }
    auto r = remove_stake(rules, state, a.netuid, a.amount, a.alpha_available, a.limit_price, a.allow_partial);
    return r ? PoolActionResult<Model>(Outcomes(*r)) : PoolActionResult<Model>(r.error());
}

/// @rule BCOIN-012 BAL-011  One injection-capped block: `block_step` (the mint from
/// TotalIssuance), or with `credit` given the block after the mint with that credit; then each
/// stake extrinsic in order on the pool the coinbase left. A rejected extrinsic changes nothing
/// and does not stop the block.
template <typename Model>
Outcome<injection_capped::CoinbaseResult<Model>, PoolActionResult<Model>>
run(const Ruleset& rules, ChainStateT<Model>& state, std::optional<u64> credit,
    const std::vector<PoolAction<Model>>& actions)
{
    Outcome<injection_capped::CoinbaseResult<Model>, PoolActionResult<Model>> out{
        credit ? injection_capped::block_step_with_credit(rules, state, Arithmetic<Model>::amount_of(*credit))
               : injection_capped::block_step(rules, state),
        {}};
    for (const auto& a : actions)
        out.actions.push_back(apply<Model>(rules, state, a));
    return out;
}

}  // namespace dtao::block
