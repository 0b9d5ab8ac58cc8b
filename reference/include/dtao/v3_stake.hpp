// dtao-reference: the subtensor pallet's side of the v3 pool (v3.2.0 … v3.4.7): a subnet's pool
// read with its reserves, the price it shows the coinbase, and `swap_tao_for_alpha` /
// `swap_alpha_for_tao`, which run the pool's swap and book it into the subnet's storage.
// Spec: spec/v3_stake.md (VSTAKE-*).
// SPDX-License-Identifier: Apache-2.0
//
// Chain source: opentensor/subtensor@v3.2.3 … v3.2.9-326
// `pallets/subtensor/src/staking/stake_utils.rs` (`swap_tao_for_alpha`, `swap_alpha_for_tao`,
// `decrease_provided_tao_reserve`, `decrease_provided_alpha_reserve`) and
// `pallets/subtensor/src/lib.rs` (`TaoReserve`, `AlphaReserve`). The chain model only: the v3 pool
// has no exact model (RSET-024).
#pragma once

#include "dtao/errors.hpp"
#include "dtao/pool.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/state.hpp"
#include "dtao/v3_swap.hpp"

namespace dtao::v3 {

/// @rule VSTAKE-001  A subnet's v3 pool as the swap pallet reads it: its storage, with the
/// reserves SubnetTAO + SubnetTaoProvided and SubnetAlphaIn + SubnetAlphaInProvided (u64
/// saturating) and the mechanism filled in from the subnet.
Pool& pool_of(Subnet& s);

/// @rule VSTAKE-001  `current_alpha_price` of a subnet (VSWAP-011 on its pool).
[[nodiscard]] fixed::U96F32 alpha_price(const Subnet& s);

/// @rule VSTAKE-001  `get_moving_alpha_price` of the v3 year: 1 for root and stable subnets, else
/// the stored I96F32 `SubnetMovingPrice` read as a U96F32 (`saturating_from_num`: a negative value
/// reads 0).
[[nodiscard]] fixed::U96F32 moving_alpha_price(const Subnet& s);

/// @rule VSTAKE-002  `decrease_provided_tao_reserve`: the amount comes out of SubnetTaoProvided
/// first, the rest out of SubnetTAO (saturating at 0).
void decrease_provided_tao_reserve(Subnet& s, u64 tao);
/// @rule VSTAKE-002  `decrease_provided_alpha_reserve`: as VSTAKE-002 for TAO, on
/// SubnetAlphaInProvided then SubnetAlphaIn.
void decrease_provided_alpha_reserve(Subnet& s, u64 alpha);

/// @rule VSTAKE-003  `swap_tao_for_alpha`: on a dynamic subnet the pool's swap (VSWAP-008, limit
/// VSWAP-009 of `price_limit`); then the paid-out alpha leaves the alpha reserve (VSTAKE-002) for
/// SubnetAlphaOut, the TAO paid in (net of the fee) joins SubnetTAO, and TotalStake and
/// SubnetVolume grow by the gross `tao`. A stable subnet answers 1:1 and, from v3.2.5 (RSET-036),
/// books that 1:1 swap the same way; before, it writes nothing. An error writes nothing.
Result<SwapResult> swap_tao_for_alpha(const Ruleset& rules, Subnet& s, u64& total_stake, u64 tao, u64 price_limit,
                                      Fees fees);

/// @rule VSTAKE-004  `swap_alpha_for_tao`: on a dynamic subnet the pool's swap (VSWAP-008); then
/// the alpha paid in (net of the fee) moves from SubnetAlphaOut (saturating) to SubnetAlphaIn,
/// the paid-out TAO leaves the TAO reserve (VSTAKE-002) and TotalStake (saturating), and
/// SubnetVolume grows by it. A stable subnet as in VSTAKE-003.
Result<SwapResult> swap_alpha_for_tao(const Ruleset& rules, Subnet& s, u64& total_stake, u64 alpha, u64 price_limit,
                                      Fees fees);

}  // namespace dtao::v3

namespace dtao::chain {

/// @rule VSTAKE-001  The price and the moving price the launch coinbase and its EMA read, by the
/// ruleset's pool: POOL-001 / POOL-002 on the constant-product pool, VSTAKE-001's on the v3 pool
/// (a U96F32 there, whose bits are the I96F32's below 2^95, VCOIN-001).
[[nodiscard]] fixed::I96F32 alpha_price(const Ruleset& rules, const Subnet& s);
[[nodiscard]] fixed::I96F32 moving_alpha_price(const Ruleset& rules, const Subnet& s);

}  // namespace dtao::chain
