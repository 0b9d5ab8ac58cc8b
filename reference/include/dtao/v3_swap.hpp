// dtao-reference: the swap of the v3 pool (the swap pallet's concentrated-liquidity pool, which
// mainnet ran from v3.1.6 to v3.4.7, issue #14): the fee, one swap step within a tick range, the
// crossing of an active tick, the swap's loop, the `sim_swap` runtime API and the price.
// Spec: spec/v3_swap.md (VSWAP-*); the tick math underneath is spec/tick.md (TICK-*).
// SPDX-License-Identifier: Apache-2.0
//
// Chain source: opentensor/subtensor@v3.2.15-348 (spec 348) `pallets/swap/src/pallet/swap_step.rs`,
// `pallets/swap/src/pallet/impls.rs`, `pallets/swap/src/tick.rs`, and the runtime's
// `SwapRuntimeApi`. The step's arithmetic is the same from v3.2.3 (spec 298) to v3.4.7 (spec 422);
// spec/v3_swap.md says what differs around it. Pure functions on a value type; the chain model
// only, with the exact value of each step's leaves beside it (`exact_*`) to say what the chain's
// roundings cost.
#pragma once

#include "dtao/balancer.hpp"
#include "dtao/errors.hpp"
#include "dtao/numeric/arith.hpp"
#include "dtao/numeric/fixed.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/tick.hpp"
#include "dtao/v3_pool.hpp"

#include <cstdint>
#include <map>
#include <optional>

namespace dtao::v3 {

/// What a swap did (`SwapResult`): the input net of the fee, the output and the fee.
struct SwapResult
{
    u64 amount_paid_in = 0;
    u64 amount_paid_out = 0;
    u64 fee_paid = 0;
    /// The part of `fee_paid` that goes to the block author (RSET-033: all of a step's fee when
    /// its input is not zero); 0 before v3.3.11-385, when the fee accrues to the fee globals.
    u64 fee_to_block_author = 0;
    u64 steps = 0;  ///< swap steps taken (not a chain output)
};

/// The `SwapRuntimeApi`'s `SimSwapResult`: four u64, six from v3.3.12-391 (RSET-034; before, the
/// slippage fields are absent), all 0 when the swap fails.
struct SimSwapResult
{
    u64 tao_amount = 0;
    u64 alpha_amount = 0;
    u64 tao_fee = 0;
    u64 alpha_fee = 0;
    std::optional<u64> tao_slippage;
    std::optional<u64> alpha_slippage;
};

/// @rule VSWAP-001  `calculate_fee_amount`: ⌊amount · (FeeRate / 65 535)⌋, the rate a U64F64
/// `safe_div` (truncated); 0 with the fees dropped, and from v3.2.1 on a non-dynamic subnet
/// (RSET-030).
[[nodiscard]] u64 calculate_fee_amount(const Ruleset& rules, const Pool& pool, u64 amount, Fees fees);

/// @rule VSWAP-001  The fee of a step that stops short of its input (at the limit or an edge):
/// ⌊δ · (FeeRate / (65 535 − FeeRate))⌋, the net input grossed up; 0 with the fees dropped.
[[nodiscard]] u64 gross_up_fee(const Pool& pool, u64 delta_in, Fees fees);

/// @rule VSWAP-002  `sqrt_price_target`: where the whole net input `d` would move the square-root
/// price at liquidity `l`: buy √p + d/l, sell 1/(d/l + 1/√p), each operation U64F64 (`safe_div`
/// truncated, saturating adds); at l = 0 the price limit's end (u64::MAX as a U64F64, or 0).
[[nodiscard]] fixed::U64F64 sqrt_price_target(SwapSide side, fixed::U64F64 l, fixed::U64F64 sqrt_price, u64 d);

/// @rule VSWAP-003  `delta_in`: the net input that moves the price from `sqrt_price` to `target`
/// at liquidity `l`: buy ⌊l · (target − √p)⌋, sell ⌊l · (1/target − 1/√p)⌋ (U64F64, saturating).
[[nodiscard]] u64 delta_in(SwapSide side, fixed::U64F64 l, fixed::U64F64 sqrt_price, fixed::U64F64 target);

/// @rule VSWAP-004  `convert_deltas`: the output of net input `d` at the step's starting price:
/// buy ⌊(l / ((l·√p + d)·√p)) · d⌋, sell ⌊d · ((l / (l/√p + d)) · √p)⌋, each operation U64F64 in
/// that order (products floored, quotients truncated); 0 for d = 0.
[[nodiscard]] u64 convert_deltas(SwapSide side, fixed::U64F64 l, fixed::U64F64 sqrt_price, u64 d);

/// The real values of VSWAP-002 and VSWAP-004 (no rounding), to state what the chain's cost.
/// At l = 0 the target is VSWAP-002's convention and the output 0.
[[nodiscard]] Rational exact_sqrt_price_target(SwapSide side, const Rational& l, const Rational& sqrt_price,
                                               const Rational& d);
[[nodiscard]] Rational exact_convert_deltas(SwapSide side, const Rational& l, const Rational& sqrt_price,
                                            const Rational& d);

/// The most VSWAP-004 can pay for `d` (F-043): the real output times the real denominator over
/// the chain's (a buy's A = (l·√p + d)·√p, a sell's D = l/√p + d). The chain rounds A and D down
/// (and saturates them), and every other rounding lowers the output, so the chain's output is
/// never above this; it is above the real output by what that one rounding costs.
[[nodiscard]] Rational convert_deltas_ceiling(SwapSide side, fixed::U64F64 l, fixed::U64F64 sqrt_price, u64 d);

/// @rule VSWAP-005  `ActiveTickIndexManager::find_closest_lower` / `_higher`: the nearest active
/// tick at or below (at or above) `index`; nullopt when there is none or `index` is outside
/// [MIN_INDEX, MAX_INDEX].
[[nodiscard]] std::optional<i32> find_closest_lower(const Pool& pool, i32 index);
[[nodiscard]] std::optional<i32> find_closest_higher(const Pool& pool, i32 index);

/// @rule VSWAP-005  `tick_edge`: the active tick a step may not pass. Buy: the nearest active tick
/// above the current one (or MAX_INDEX). Sell: the current tick when it is active and the price
/// is above it, else the nearest active tick below it (or MIN_INDEX).
[[nodiscard]] i32 tick_edge(SwapSide side, const Pool& pool);

/// @rule VSWAP-006  `update_liquidity_at_crossing`: the current liquidity changed by the crossed
/// tick's `liquidity_net` (added on a buy, subtracted on a sell, |net| capped at u64::MAX, u64
/// saturating); `insufficient_liquidity` when that tick has no `Ticks` entry.
[[nodiscard]] Result<u64> update_liquidity_at_crossing(SwapSide side, const Pool& pool);

/// What one swap step did (`SwapStepResult`), and whether the swap goes on.
struct StepResult
{
    u64 delta_in = 0;
    u64 fee = 0;
    u64 delta_out = 0;
    u64 fee_to_block_author = 0;  ///< RSET-033: the step's fee when its input is not zero
    bool crossing = false;        ///< `SwapStepAction::Crossing`: the swap takes another step
};

/// @rule VSWAP-007  One `BasicSwapStep`: the fee on `amount_remaining` (VSWAP-001) and the target
/// (VSWAP-002); the step stops at the target when it is no further than both the limit and the
/// edge, else at the limit when that is no further than the edge, else it crosses at the edge,
/// taking VSWAP-003's input and the grossed-up fee; it accrues the fee per unit of liquidity above
/// MINIMUM_LIQUIDITY, converts its input at the starting price (VSWAP-004), crosses the edge
/// tick (VSWAP-006, its fee growth flipped), then stores the final price and its tick (TICK-005).
/// From v3.3.11-385 (RSET-033) it converts first: a non-zero input that pays out nothing fails
/// with `reserves_too_low`, and the fee goes to the block author instead of the fee globals.
[[nodiscard]] Result<StepResult> swap_step(const Ruleset& rules, SwapSide side, Pool& pool, u64 amount_remaining,
                                           fixed::U64F64 limit_sqrt_price, Fees fees);

/// @rule VSWAP-008  `do_swap` / `swap_inner`: `reserves_too_low` when the reserve paid out is below
/// the pool's minimum reserve (before v3.2.3, when either reserve is: RSET-031); the pool
/// initialised if it was not (VSWAP-012); `price_limit_exceeded` unless the price is strictly
/// short of the limit; then steps until one stops, takes nothing or the
/// input is spent, at most MAX_SWAP_ITERATIONS (`too_many_swap_steps`). A committed swap that pays
/// out more than the reserve it read fails with `insufficient_liquidity`. On any error the pool is
/// unchanged (the extrinsic's transaction rolls back); with `SwapRun::simulate` it is always
/// unchanged.
[[nodiscard]] Result<SwapResult> swap(const Ruleset& rules, SwapSide side, Pool& pool, u64 amount,
                                      fixed::U64F64 limit_sqrt_price, Fees fees, SwapRun run);

/// @rule VSWAP-009  The square-root price limit of a u64 price limit (rao per alpha):
/// `checked_sqrt(safe_div(limit, 10^9), 10^-10)` (FIX-013); nullopt is `PriceLimitExceeded`.
[[nodiscard]] std::optional<fixed::U64F64> limit_sqrt_price(u64 price_limit);

/// @rule VSWAP-009  `max_price_inner` and `min_price_inner`: the square of the pallet's bounded
/// square-root prices times 10^9, in U64F64 (the maximum rounded, saturating): u64::MAX and 0.
[[nodiscard]] u64 max_price();
[[nodiscard]] u64 min_price();

/// @rule VSWAP-010  The runtime API's `sim_swap_tao_for_alpha` / `sim_swap_alpha_for_tao`: the
/// swap simulated with the fees charged at the order's default limit (a buy at `max_price`, a
/// sell at `min_price`); a buy answers {paid in, paid out, fee, 0}, a sell {paid out, paid in, 0,
/// fee}; a non-dynamic subnet swaps 1:1 without a fee; every error answers zeros. From
/// v3.3.12-391 (RSET-034) the answer adds the slippage: what the gross input is worth at the
/// price before the swap (VSWAP-011, U96F32: a buy ⌊amount / price⌋, `safe_div`; a sell
/// ⌊amount · price⌋), less what the swap pays out, floored at 0.
[[nodiscard]] SimSwapResult sim_swap(const Ruleset& rules, SwapSide side, const Pool& pool, u64 amount);

/// @rule VSWAP-011  `current_price`: once initialised, the square-root price squared in U64F64
/// (floored) then converted to U96F32 (floored); before, U96F32 τ/α (0 when α = 0); 1 on a
/// non-dynamic subnet.
[[nodiscard]] fixed::U96F32 current_price(const Pool& pool);

/// @rule VSWAP-011  The runtime API's `current_alpha_price`: ⌊VSWAP-011 · 10^9⌋ (U96F32, saturating).
[[nodiscard]] u64 current_alpha_price(const Pool& pool);

/// @rule VSWAP-012  The ticks and current liquidity of a position on [tick_low, tick_high)
/// (`add_liquidity_not_insert`'s `add_liquidity_at_index` and `update_liquidity_if_needed`): +L at
/// the lower tick, −L at the upper, each tick's gross liquidity + L (a fresh tick above the
/// current one starts with the global fee growth as its outside growth); the current liquidity
/// + L when the position holds the current tick. The caller checks tick_low < tick_high.
void add_position_liquidity(Pool& pool, i32 tick_low, i32 tick_high, u64 liquidity);

/// @rule VSWAP-012  `maybe_initialize_v3` on a pool: TICK-006's price, tick and liquidity; the
/// protocol's full-range position placed by `add_position_liquidity` on [MIN_INDEX, MAX_INDEX]
/// (so the current liquidity is L unless the tick is MAX_INDEX) and stored as `protocol_position`
/// with the fee growth inside its range (VSWAP-014) as its snapshot. A pool already initialised
/// is unchanged.
void maybe_initialize_v3(Pool& pool);

/// @rule VSWAP-013  `Position::to_token_amounts` at the square-root price s: with a = √p(low),
/// b = √p(high) and L as U64F64, below the range (0, L·(1/a − 1/b)), above it (L·(b − a), 0),
/// inside (L·(s − a), L·(1/s − 1/b)); each operation U64F64 (`safe_div` truncated, products
/// floored, saturating), floored to u64. nullopt (`InvalidTickRange`) when a tick has no price.
[[nodiscard]] std::optional<std::pair<u64, u64>> to_token_amounts(const Position& position, fixed::U64F64 sqrt_price);

/// @rule VSWAP-014  `Position::fees_in_range`: the global fee growth of `token` (I64F64) less the
/// growth below the low tick and above the high tick (`fees_below`, `fees_above`: a tick at or
/// below the current tick counts its outside growth below it, one above counts it above),
/// saturating; a tick without a `Ticks` entry has zero outside growth.
[[nodiscard]] fixed::I64F64 fees_in_range(const Pool& pool, const Position& position, Token token);

/// @rule VSWAP-014  `Position::new`: a position on [tick_low, tick_high) of `liquidity`, its
/// snapshot the growth inside its range now (so it is owed nothing yet).
[[nodiscard]] Position new_position(const Pool& pool, i32 tick_low, i32 tick_high, u64 liquidity);

/// @rule VSWAP-014  `Position::collect_fees`: each token's growth inside the range since the
/// snapshot, times the liquidity (I64F64, saturating), floored to u64 (0 when negative); the
/// snapshot moves to the current growth. Returns (TAO, alpha).
std::pair<u64, u64> collect_fees(const Pool& pool, Position& position);

/// What `get_proportional_alpha_tao_and_remainders` splits: the amounts that go in at the price,
/// and the scraps left over.
struct Proportional
{
    u64 tao = 0;
    u64 alpha = 0;
    u64 tao_scrap = 0;
    u64 alpha_scrap = 0;
};

/// @rule VSWAP-015  `get_proportional_alpha_tao_and_remainders` at the square-root price s: with
/// p = s² (U64F64), the alpha's TAO worth ⌊α·p⌋; when it is at most τ, (⌊α·p⌋, α) and τ − ⌊α·p⌋ of
/// TAO left over, else (τ, ⌊τ/p⌋) and α − ⌊τ/p⌋ of alpha left over (`safe_div`: 0 at p = 0).
[[nodiscard]] Proportional get_proportional_alpha_tao_and_remainders(fixed::U64F64 sqrt_price, u64 tao, u64 alpha);

/// What `adjust_protocol_liquidity` did to the protocol's position.
struct ProtocolLiquidityResult
{
    bool adjusted = false;  ///< a protocol position exists and its tokens could be valued
    u64 fees_tao = 0;       ///< fees the position collected (RSET-035: from v3.2.4)
    u64 fees_alpha = 0;
    u64 tao_in = 0;  ///< TAO that went into the position (the deltas, fees and reservoir as split)
    u64 alpha_in = 0;
    u64 liquidity_delta = 0;  ///< added to `CurrentLiquidity` and to the position's two ticks
};

/// @rule VSWAP-016  `adjust_protocol_liquidity(τ, α)`, the protocol position's share of an
/// injection (RSET-035). Nothing without a protocol position. From v3.2.4 the position first
/// collects its fees (VSWAP-014) and adds them to the deltas; from v3.2.10-334 the deltas, fees
/// and scrap reservoirs are split at the price (VSWAP-015), the scraps kept in the reservoirs.
/// Then, when its tokens at the current price (VSWAP-013) are (τ₀, α₀): L' = ⌊√((τ₀ + τ)(α₀ + α))⌋
/// (u64 saturating sums), the position's liquidity becomes L' and `CurrentLiquidity` and its two
/// ticks (`add_liquidity_at_index`) grow by L' − L, floored at 0: a smaller L' lowers the
/// position's liquidity alone (F-046). When its tokens cannot be valued, neither the liquidity nor
/// the collected snapshot is stored, but the reservoirs are.
ProtocolLiquidityResult adjust_protocol_liquidity(const Ruleset& rules, Pool& pool, u64 tao, u64 alpha);

}  // namespace dtao::v3
