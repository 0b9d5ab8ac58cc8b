// dtao-reference: units and constants of the launch era.
// SPDX-License-Identifier: Apache-2.0
//
// Every value here is also in the tables of spec/units.md; tests/spec/spec_links_test.cpp
// parses those tables and compares them with these constants.
#pragma once

#include "dtao/numeric/arith.hpp"

namespace dtao {

/// @rule UNIT-001  1 TAO = 10^9 rao; alpha uses the same 10^9 base units.
inline constexpr u64 RAO_PER_TAO = 1'000'000'000;
/// @rule UNIT-002  `TotalSupply`: 21 M TAO, also each subnet's alpha cap.
inline constexpr u64 TOTAL_SUPPLY = 21'000'000'000'000'000;
/// @rule UNIT-003  `DefaultBlockEmission`: 1 TAO (or 1 alpha) per block before any halving.
inline constexpr u64 DEFAULT_BLOCK_EMISSION = 1'000'000'000;
/// @rule UNIT-004  `DefaultMinimumPoolLiquidity`: I96F32 10 000 000 (0.01 TAO or alpha).
inline constexpr u64 MINIMUM_POOL_LIQUIDITY = 10'000'000;
/// @rule UNIT-005  `DefaultMinStake`.
inline constexpr u64 DEFAULT_MIN_STAKE = 500'000;
/// @rule UNIT-006  `DefaultStakingFee`: flat, per stake or unstake.
inline constexpr u64 DEFAULT_STAKING_FEE = 50'000;
/// @rule UNIT-007  runtime `SubtensorInitialSubnetOwnerCut` (u16, / 65535).
inline constexpr u64 DEFAULT_SUBNET_OWNER_CUT = 11'796;
/// @rule UNIT-008  `TaoWeight` as set by `migrate_rao` at launch: 0.18 · u64::MAX.
inline constexpr u64 LAUNCH_TAO_WEIGHT = 3'320'413'933'267'719'290;
/// @rule UNIT-009  `DefaultMovingAlpha`: I96F32::from_num(0.000003), raw bits.
inline constexpr u64 DEFAULT_MOVING_ALPHA_BITS = 12'885;
/// @rule UNIT-010  `NetworkMinLockCost` after `migrate_rao`: 1 TAO.
inline constexpr u64 NETWORK_MIN_LOCK_COST = 1'000'000'000;
/// @rule UNIT-011  `NetworkLockReductionInterval`: 14 days of 12 s blocks.
inline constexpr u64 NETWORK_LOCK_REDUCTION_INTERVAL = 100'800;
/// @rule UNIT-012  `NetworkRateLimit`.
inline constexpr u64 NETWORK_RATE_LIMIT = 7'200;
/// @rule UNIT-013  v2.0.6 constant of the EMA ramp (b / (b + 100 800)).
inline constexpr u64 EMA_RAMP_CONSTANT_BLOCKS = 100'800;
/// @rule UNIT-014  v2.0.8 default of `EMAPriceHalvingBlocks` (4 weeks).
inline constexpr u64 DEFAULT_EMA_PRICE_HALVING_BLOCKS = 201'600;
/// @rule UNIT-015  v2.0.9 `DurationOfStartCall` (7 days).
inline constexpr u64 DURATION_OF_START_CALL = 50'400;
/// @rule UNIT-016  the root subnet's netuid.
inline constexpr u64 ROOT_NETUID = 0;

// ---------------------------------------------------------------- Balancer era (v3.4.8-423+)

/// @rule UNIT-017  `DefaultMinStake` from v3.1.6 on (runtime `SubtensorInitialMinStake`).
inline constexpr u64 BALANCER_ERA_MIN_STAKE = 2'000'000;
/// @rule UNIT-018  swap pallet `DefaultFeeRate` (u16, / 65535).
inline constexpr u64 DEFAULT_SWAP_FEE_RATE = 33;
/// @rule UNIT-019  runtime `SwapMinimumReserve`: the paid-out reserve must hold this much before a swap.
inline constexpr u64 SWAP_MINIMUM_RESERVE = 1'000'000;
/// @rule UNIT-020  `MAX_SWAP_INPUT_RESERVE_MULTIPLIER`: net input ≤ 1000 × the input-side reserve.
inline constexpr u64 MAX_SWAP_INPUT_RESERVE_MULTIPLIER = 1'000;
/// @rule UNIT-021  `min_price_inner`: the default lower price limit, rao per alpha.
inline constexpr u64 SWAP_MIN_PRICE = 1'000;
/// @rule UNIT-022  `max_price_inner`: the default upper price limit, rao per alpha.
inline constexpr u64 SWAP_MAX_PRICE = 1'000'000'000'000'000;
/// @rule UNIT-023  Balancer `MIN_WEIGHT`: each weight ≥ 0.01 (Perquintill parts).
inline constexpr u64 BALANCER_MIN_WEIGHT_PARTS = 10'000'000'000'000'000;
/// @rule UNIT-024  runtime `SubtensorMaxEpochsPerBlock`.
inline constexpr u64 MAX_EPOCHS_PER_BLOCK = 2;
/// @rule UNIT-025  `MAX_TEMPO`: an epoch is forced after this many blocks without one.
inline constexpr u64 MAX_TEMPO = 50'400;
/// @rule UNIT-026  runtime `NetworkMinLockCost` at v3.4.8-423+ (1 000 TAO).
inline constexpr u64 BALANCER_ERA_NETWORK_MIN_LOCK_COST = 1'000'000'000'000;

// ---------------------------------------------------------------- today's mainnet (spec 432+)

/// @rule UNIT-027  `EMISSION_BAR_UPDATE_INTERVAL`: the emission gate's bar is recomputed on blocks
/// divisible by this (and whenever it is 0).
inline constexpr u64 EMISSION_BAR_UPDATE_INTERVAL = 360;
/// @rule UNIT-028  `DefaultEmissionBarQuantile`: U64F64 bits of 0.61.
inline constexpr u64 DEFAULT_EMISSION_BAR_QUANTILE_BITS = 11'252'513'884'962'826'240ULL;
/// @rule UNIT-029  `DefaultEmissionGateExponent`: U64F64 3, as its integer part.
inline constexpr u64 DEFAULT_EMISSION_GATE_EXPONENT = 3;
/// @rule UNIT-030  `DefaultEmissionBarRank` (spec 441+; u16).
inline constexpr u64 DEFAULT_EMISSION_BAR_RANK = 32;
/// @rule UNIT-031  `BASKET_FAST_EMA_HALF_LIFE_BLOCKS`: the fast moving price's half-life H (two hours).
inline constexpr u64 BASKET_FAST_EMA_HALF_LIFE_BLOCKS = 600;

}  // namespace dtao
