// dtao-reference: staking through the pool, the flat fee, validation and
// limit-order maxima of the launch era.
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/stake.md (STAKE-*). Chain source: subtensor f95810a
// pallets/subtensor/src/staking/{stake_utils.rs,add_stake.rs,remove_stake.rs}.
// Accounts, balances and the per-coldkey share pool are outside this model:
// these rules act on one subnet's pool and on `TotalStake`.
#pragma once

#include "dtao/errors.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/state.hpp"

#include <optional>

namespace dtao {

template <typename Amount>
struct StakeOutcome
{
    Amount tao_staked{};  ///< TAO swapped into the pool (gross − fee)
    Amount alpha{};       ///< alpha credited to the staker
    Amount fee{};         ///< fee actually kept; it stays in `SubnetTAO`
};

template <typename Amount>
struct UnstakeOutcome
{
    Amount tao{};           ///< TAO out of the swap (gross)
    Amount tao_unstaked{};  ///< TAO paid to the coldkey (gross − fee)
    Amount fee{};           ///< fee actually kept; it goes back into `SubnetTAO`
};

/// What the v2.0.8+ unstake fee reads about the hotkey unstaked from.
struct UnstakeFeeInputs
{
    u64 alpha_dividends = 0;     ///< AlphaDividendsPerSubnet[netuid][hotkey]
    u64 total_hotkey_alpha = 0;  ///< TotalHotkeyAlpha[hotkey][netuid]
};

namespace chain {

/// @rule STAKE-009  The unstake fee: `DefaultStakingFee` up to v2.0.6; from
/// v2.0.8 `calculate_staking_fee`: alpha · (dividends / hotkey alpha) · price
/// truncated, at least 0.00005 · alpha (v2.0.9+), at least the flat fee.
/// Root and stable subnets pay the flat fee.
[[nodiscard]] u64 unstake_fee(const Ruleset& rules, const Subnet& s, u64 alpha, const UnstakeFeeInputs& hotkey);

/// @rule STAKE-001  `stake_into_subnet`: swap tao − fee, then put the fee into
/// `SubnetTAO` and `TotalStake` (so it raises the price).
StakeOutcome<u64> stake_into_subnet(Subnet& s, u64& total_stake, u64 tao, u64 fee);

/// @rule STAKE-002  `unstake_from_subnet`: swap alpha, keep the fee out of the
/// TAO returned, put the fee back into `SubnetTAO` and `TotalStake`.
UnstakeOutcome<u64> unstake_from_subnet(Subnet& s, u64& total_stake, u64 alpha, u64 fee);

/// @rule STAKE-003  `validate_add_stake` (pool part): amount ≥ min stake +
/// fee, the limit when partial fills are not allowed, and a swap of the
/// **gross** amount that passes the minimum-liquidity check.
[[nodiscard]] Result<bool> validate_add_stake(const Subnet& s, u64 amount, u64 max_amount, Fill allow_partial);

/// @rule STAKE-004  `validate_remove_stake` (pool part): the swap must pass
/// and return strictly more than `DefaultMinStake`; then the limit; then the
/// staker's stake `alpha_available` must cover the request (`has_enough_stake_on_subnet`,
/// last in the launch era; absent: the staker holds at least `alpha`).
[[nodiscard]] Result<bool> validate_remove_stake(const Subnet& s, u64 alpha, u64 max_amount, Fill allow_partial,
                                                 std::optional<u64> alpha_available = std::nullopt);

/// @rule STAKE-005  `get_max_amount_add`: the largest TAO amount whose
/// *average* price stays ≤ limit (rao per alpha); the spot price is truncated
/// to an integer before the comparison.
[[nodiscard]] u64 max_amount_add(const Subnet& s, u64 limit_price);

/// @rule STAKE-006  `get_max_amount_remove`: the largest alpha amount whose
/// average price stays ≥ limit.
[[nodiscard]] u64 max_amount_remove(const Subnet& s, u64 limit_price);

/// @rule STAKE-007  `do_add_stake` (no limit: max = amount, no partial fill)
/// and `do_add_stake_limit` (max = `get_max_amount_add(limit)`) on the pool:
/// validate the *requested* amount, then stake min(amount, max) with
/// `DefaultStakingFee`.
Result<StakeOutcome<u64>> add_stake(Subnet& s, u64& total_stake, u64 amount, std::optional<u64> limit_price,
                                    Fill allow_partial);

/// @rule STAKE-008  `do_remove_stake` / `do_remove_stake_limit` on the pool.
/// The fee is `unstake_fee` of the *requested* alpha. Neither extrinsic caps the
/// request at the stake `alpha_available` (absent: the staker holds at least `alpha`).
Result<UnstakeOutcome<u64>> remove_stake(const Ruleset& rules, Subnet& s, u64& total_stake, u64 alpha,
                                         std::optional<u64> limit_price, Fill allow_partial,
                                         const UnstakeFeeInputs& hotkey = {},
                                         std::optional<u64> alpha_available = std::nullopt);

}  // namespace chain

namespace exact {

/// @rule STAKE-009  The same fee rule without truncation.
[[nodiscard]] Rational unstake_fee(const Ruleset& rules, const ExactSubnet& s, const Rational& alpha,
                                   const UnstakeFeeInputs& hotkey);
/// @rule STAKE-001
StakeOutcome<Rational> stake_into_subnet(ExactSubnet& s, Rational& total_stake, const Rational& tao,
                                         const Rational& fee);
/// @rule STAKE-002
UnstakeOutcome<Rational> unstake_from_subnet(ExactSubnet& s, Rational& total_stake, const Rational& alpha,
                                             const Rational& fee);
/// @rule STAKE-003
[[nodiscard]] Result<bool> validate_add_stake(const ExactSubnet& s, const Rational& amount, const Rational& max_amount,
                                              Fill allow_partial);
/// @rule STAKE-004
[[nodiscard]] Result<bool> validate_remove_stake(const ExactSubnet& s, const Rational& alpha,
                                                 const Rational& max_amount, Fill allow_partial,
                                                 const std::optional<Rational>& alpha_available = std::nullopt);
/// @rule STAKE-005  The meaning: the largest dx with (x + dx) / y ≤ L / 10^9,
/// compared against the exact spot price (no integer truncation). "No limit"
/// is u64::MAX in both models.
[[nodiscard]] Rational max_amount_add(const ExactSubnet& s, u64 limit_price);
/// @rule STAKE-006  The largest da with x / (y + da) ≥ L / 10^9.
[[nodiscard]] Rational max_amount_remove(const ExactSubnet& s, u64 limit_price);
/// @rule STAKE-007
Result<StakeOutcome<Rational>> add_stake(ExactSubnet& s, Rational& total_stake, const Rational& amount,
                                         std::optional<u64> limit_price, Fill allow_partial);
/// @rule STAKE-008
Result<UnstakeOutcome<Rational>> remove_stake(const Ruleset& rules, ExactSubnet& s, Rational& total_stake,
                                              const Rational& alpha, std::optional<u64> limit_price, Fill allow_partial,
                                              const UnstakeFeeInputs& hotkey = {},
                                              const std::optional<Rational>& alpha_available = std::nullopt);

}  // namespace exact

}  // namespace dtao
