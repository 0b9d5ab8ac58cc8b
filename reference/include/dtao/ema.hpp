// dtao-reference: the moving price (EMA) of a subnet's alpha price.
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/ema.md (EMA-*). Chain source: subtensor
// pallets/subtensor/src/staking/stake_utils.rs::update_moving_price at
// e2b8367 (v2.0.0), f95810a (v2.0.1), a27fff2 (v2.0.6), b61dd30 (v2.0.8),
// 719a6f5 (v2.0.10).
#pragma once

#include "dtao/ruleset.hpp"
#include "dtao/state.hpp"

namespace dtao {

namespace chain {

struct EmaUpdate
{
    u64 blocks_since = 0;          ///< b: blocks since registration or start_call (0 without a ramp)
    fixed::I96F32 alpha{};         ///< the effective EMA factor this block
    fixed::I96F32 price{};         ///< the input price, after the clamp when the ruleset has it
    fixed::I96F32 moving_price{};  ///< the new `SubnetMovingPrice`
};

/// @rule EMA-002  The effective EMA factor: `SubnetMovingAlpha`, times
/// b.safe_div(b + h) (truncated to 32 fractional bits first) once the
/// ruleset ramps. h is 100 800 (v2.0.6) or `EMAPriceHalvingBlocks` (v2.0.8+);
/// b counts from `NetworkRegisteredAt` (v2.0.6) or from
/// `FirstEmissionBlockNumber − 1` (v2.0.10; an unset FEB counts from block 0).
[[nodiscard]] EmaUpdate moving_alpha(const Ruleset& rules, const Subnet& s, u64 block, fixed::I96F32 moving_alpha);

/// @rule EMA-001  `update_moving_price`: m' = α·min(p, 1) + (1 − α)·m with
/// floor multiplications in I96F32 (no clamp before v2.0.1). Root and stable
/// subnets read m as 1. Writes `SubnetMovingPrice` and returns the terms.
EmaUpdate update_moving_price(const Ruleset& rules, Subnet& s, u64 block, fixed::I96F32 moving_alpha);

}  // namespace chain

namespace exact {

struct EmaUpdate
{
    u64 blocks_since = 0;
    Rational alpha;
    Rational price;
    Rational moving_price;
};

/// @rule EMA-002  α = A · b / (b + h) exactly (0 when b + h = 0).
[[nodiscard]] EmaUpdate moving_alpha(const Ruleset& rules, const ExactSubnet& s, u64 block,
                                     const Rational& moving_alpha);
/// @rule EMA-001  m' = α·min(p, 1) + (1 − α)·m exactly.
EmaUpdate update_moving_price(const Ruleset& rules, ExactSubnet& s, u64 block, const Rational& moving_alpha);

}  // namespace exact

/// @rule EMA-002  b, the blocks the ramp counts, shared by both models.
[[nodiscard]] u64 ema_blocks_since(const Ruleset& rules, u64 network_registered_at,
                                   std::optional<u64> first_emission_block_number, u64 block) noexcept;
/// @rule EMA-002  h, the ramp's half point.
[[nodiscard]] u64 ema_halving_blocks(const Ruleset& rules, u64 ema_price_halving_blocks) noexcept;

}  // namespace dtao
