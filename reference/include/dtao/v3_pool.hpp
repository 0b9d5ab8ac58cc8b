// dtao-reference: the storage of a subnet's v3 pool (the swap pallet's concentrated-liquidity
// pool, v3.1.6 … v3.4.7): its ticks, positions and per-subnet items, as value types. The rules
// that read and write them are spec/v3_swap.md (VSWAP-*) and spec/v3_stake.md (VSTAKE-*).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/numeric/arith.hpp"
#include "dtao/numeric/fixed.hpp"
#include "dtao/tick.hpp"

#include <cstdint>
#include <map>
#include <optional>

namespace dtao::v3 {

using tick::i32;

/// `SwapMinimumLiquidity`: the liquidity the fee accrual leaves out (`current_liquidity_safe`).
inline constexpr u64 MINIMUM_LIQUIDITY = 1'000;
/// finney's `SwapMinimumReserve`: a swap needs at least this much of the reserve it pays out.
inline constexpr u64 MINIMUM_RESERVE = 1'000'000;
/// `DefaultFeeRate` from v3.2.2 (33/65 535, about 0.05 %); 196 before (RSET-029).
inline constexpr std::uint16_t DEFAULT_FEE_RATE = 33;
/// `MAX_SWAP_ITERATIONS`: a swap of more steps fails (`TooManySwapSteps`).
inline constexpr u64 MAX_SWAP_ITERATIONS = 1'000;

/// One initialised tick (`Ticks`): the liquidity that starts (+) or ends (−) there, and the fee
/// growth outside it.
struct Tick
{
    i128 liquidity_net = 0;
    u64 liquidity_gross = 0;
    fixed::I64F64 fees_out_tao{};
    fixed::I64F64 fees_out_alpha{};
    friend bool operator==(const Tick&, const Tick&) = default;
};

/// A liquidity position (`Position`): its range [tick_low, tick_high), its liquidity and the fee
/// growth inside its range when it last collected (`fees_tao`, `fees_alpha`).
struct Position
{
    i32 tick_low = 0;
    i32 tick_high = 0;
    u64 liquidity = 0;
    fixed::I64F64 fees_tao{};
    fixed::I64F64 fees_alpha{};
    friend bool operator==(const Position&, const Position&) = default;
};

/// The token of a fee (`quote`: TAO; the base: alpha).
enum class Token
{
    tao,
    alpha,
};

/// A subnet's v3 pool: the swap pallet's storage for one netuid, and the two reserves it reads.
struct Pool
{
    bool dynamic = true;  ///< `SubnetMechanism` 1; otherwise a swap is 1:1 and free
    /// The runtime's `SwapMinimumReserve`: 10^6 on finney (the pallet's own test mock has 1).
    u64 minimum_reserve = MINIMUM_RESERVE;
    u64 tao_reserve = 0;                        ///< `SubnetTAO` + `SubnetTaoProvided` (the pallet's TaoReserve)
    u64 alpha_reserve = 0;                      ///< `SubnetAlphaIn` + `SubnetAlphaInProvided` (its AlphaReserve)
    bool initialized = false;                   ///< `SwapV3Initialized`
    fixed::U64F64 sqrt_price{};                 ///< `AlphaSqrtPrice`
    i32 current_tick = 0;                       ///< `CurrentTick`
    u64 liquidity = 0;                          ///< `CurrentLiquidity`
    std::uint16_t fee_rate = DEFAULT_FEE_RATE;  ///< `FeeRate`
    fixed::U64F64 fee_global_tao{};             ///< `FeeGlobalTao`
    fixed::U64F64 fee_global_alpha{};           ///< `FeeGlobalAlpha`
    /// `Ticks`. Its keys are the active ticks: the pallet writes a tick and its bit in
    /// `TickIndexBitmapWords` together, and its bitmap search finds the nearest set bit (VSWAP-005).
    std::map<i32, Tick> ticks;
    /// The protocol's position (`Positions[(netuid, protocol account, id)]`), which
    /// `maybe_initialize_v3` opens on [MIN_INDEX, MAX_INDEX]; nullopt before.
    std::optional<Position> protocol_position;
    u64 scrap_reservoir_tao = 0;    ///< `ScrapReservoirTao` (v3.2.10-334+, RSET-035)
    u64 scrap_reservoir_alpha = 0;  ///< `ScrapReservoirAlpha`
    friend bool operator==(const Pool&, const Pool&) = default;
};

}  // namespace dtao::v3
