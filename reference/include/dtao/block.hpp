// dtao-reference: a block's stake extrinsics, applied one by one — rule code,
// so it lives in the reference: `dtao scenario run` (actors' stakes and
// unstakes) and the `block` op of `dtao eval` (spec/protocol.md) both call it,
// and a scenario vector replays exactly what the scenario engine did.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/errors.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/stake.hpp"
#include "dtao/state.hpp"

#include <optional>

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

}  // namespace dtao::block
