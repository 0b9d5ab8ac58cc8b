// dtao-reference: the launch-era constant-product pool.
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/pool.md (POOL-*). Chain source: subtensor f95810a
// pallets/subtensor/src/staking/stake_utils.rs.
#pragma once

#include "dtao/errors.hpp"
#include "dtao/state.hpp"

namespace dtao {

namespace chain {

/// @rule POOL-001  `get_alpha_price`: 1 for root and stable subnets; 0 when
/// the alpha reserve is empty; else I96F32(SubnetTAO) / I96F32(SubnetAlphaIn)
/// truncated to 32 fractional bits (0 if the quotient overflows).
[[nodiscard]] fixed::I96F32 alpha_price(const Subnet& s);

/// @rule POOL-002  `get_moving_alpha_price`: 1 for root and stable subnets,
/// else the stored `SubnetMovingPrice`.
[[nodiscard]] fixed::I96F32 moving_alpha_price(const Subnet& s);

/// Intermediates of a simulated swap, for vectors and diagnostics.
struct SwapQuote
{
    u64 amount_out = 0;
    fixed::I110F18 k{};            ///< y·x, saturating at I110F18::MAX
    fixed::I110F18 new_reserve{};  ///< the reserve on the paid-out side after the swap
};

/// @rule POOL-003  `sim_swap_tao_for_alpha`, all in I110F18: k = y·x;
/// y' = k.safe_div(x + tao); alpha out = trunc(y − y') when y' ≥ 10^7, else
/// `insufficient_liquidity`. Stable subnets: 1:1.
[[nodiscard]] Result<SwapQuote> sim_swap_tao_for_alpha(const Subnet& s, u64 tao);

/// @rule POOL-004  `sim_swap_alpha_for_tao`, symmetric: x' = k.checked_div(y + alpha)
/// (0 on failure); tao out = trunc(x − x') when x' ≥ 10^7.
[[nodiscard]] Result<SwapQuote> sim_swap_alpha_for_tao(const Subnet& s, u64 alpha);

/// @rule POOL-005  `swap_tao_for_alpha`: apply a buy (saturating storage
/// updates, `TotalStake` and `SubnetVolume` included). Returns the alpha
/// bought; 0 and no state change when the simulation fails.
u64 swap_tao_for_alpha(Subnet& s, u64& total_stake, u64 tao);

/// @rule POOL-006  `swap_alpha_for_tao`: apply a sell. Returns the TAO paid
/// out; 0 and no state change when the simulation fails.
u64 swap_alpha_for_tao(Subnet& s, u64& total_stake, u64 alpha);

}  // namespace chain

namespace exact {

/// @rule POOL-001  x / y (1 for root and stable; 0 when y = 0).
[[nodiscard]] Rational alpha_price(const ExactSubnet& s);
/// @rule POOL-002
[[nodiscard]] Rational moving_alpha_price(const ExactSubnet& s);

struct SwapQuote
{
    Rational amount_out;
    Rational k;
    Rational new_reserve;
};

/// @rule POOL-003  alpha out = y − x·y / (x + tao), rejected when the new
/// alpha reserve is below 10^7. No rounding.
[[nodiscard]] Result<SwapQuote> sim_swap_tao_for_alpha(const ExactSubnet& s, const Rational& tao);
/// @rule POOL-004
[[nodiscard]] Result<SwapQuote> sim_swap_alpha_for_tao(const ExactSubnet& s, const Rational& alpha);
/// @rule POOL-005
Rational swap_tao_for_alpha(ExactSubnet& s, Rational& total_stake, const Rational& tao);
/// @rule POOL-006
Rational swap_alpha_for_tao(ExactSubnet& s, Rational& total_stake, const Rational& alpha);

}  // namespace exact

}  // namespace dtao
