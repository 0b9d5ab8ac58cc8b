// dtao-reference: the tick math of the v3 pool (the swap pallet from v3.1.6 to v3.4.7, issue
// #14): a tick's square-root price in Uniswap's Q64.96 and back, and the conversions between
// that format and the pallet's U64F64 `SqrtPrice`. Spec: spec/tick.md (TICK-*).
// SPDX-License-Identifier: Apache-2.0
//
// Chain source: opentensor/subtensor@v3.2.10-334 `pallets/swap/src/tick.rs` (unchanged from
// v3.2.10-334 to v3.4.7-422; v3.1.6 … v3.2.9 differ only in the constants' spelling). The chain
// computes in alloy's U256 and I256; every intermediate here provably fits them (spec/tick.md),
// so unbounded integers give the same bits. Pure functions; an absent result is the chain's
// `TickMathError`.
#pragma once

#include "dtao/numeric/arith.hpp"
#include "dtao/numeric/fixed.hpp"

#include <cstdint>
#include <optional>

namespace dtao::tick {

using i32 = std::int32_t;

/// The tick range of the Q64.96 math (Uniswap's TickMath).
inline constexpr i32 MIN_TICK = -887272;
inline constexpr i32 MAX_TICK = 887272;
/// The pallet's tick indices: half the range, so that every square-root price fits a U64F64
/// (`TickIndex::MIN`, `TickIndex::MAX`).
inline constexpr i32 MIN_INDEX = MIN_TICK / 2;
inline constexpr i32 MAX_INDEX = MAX_TICK / 2;
/// `TickIndex::OFFSET`: the storage offset that makes indices non-negative.
inline constexpr i32 INDEX_OFFSET = MAX_TICK;

/// @rule TICK-001  `get_sqrt_ratio_at_tick`: ⌈2^96·√(1.0001^tick)⌉ as the chain computes it
/// (a product of 128-bit factors, each step floored, then inverted for tick > 0 and rounded up
/// to Q64.96); nullopt (TickOutOfBounds) outside [MIN_TICK, MAX_TICK].
[[nodiscard]] std::optional<Int> get_sqrt_ratio_at_tick(i32 tick);

/// The Q64.96 bounds of TICK-002: the square-root prices at MIN_TICK and MAX_TICK.
[[nodiscard]] const Int& min_sqrt_ratio();
[[nodiscard]] const Int& max_sqrt_ratio();

/// @rule TICK-002  `get_tick_at_sqrt_ratio`: the greatest tick whose square-root price is at most
/// `sqrt_price_x96`, from the chain's 14-bit binary logarithm; nullopt (SqrtPriceOutOfBounds)
/// unless MIN_SQRT_RATIO ≤ sqrt_price_x96 < MAX_SQRT_RATIO.
[[nodiscard]] std::optional<i32> get_tick_at_sqrt_ratio(const Int& sqrt_price_x96);

/// @rule TICK-003  `u64f64_to_u256_q64_96`: the U64F64 bits shifted left by 32 (exact).
[[nodiscard]] Int u64f64_to_q64_96(fixed::U64F64 v);

/// @rule TICK-003  `u256_q64_96_to_u64f64`: shifted right by 32, rounded **up** when a bit is
/// dropped; nullopt (Overflow) when the result needs more than 128 bits.
[[nodiscard]] std::optional<fixed::U64F64> q64_96_to_u64f64(const Int& v);

/// @rule TICK-004  `TickIndex::try_to_sqrt_price`: TICK-001 then TICK-003 for an index in
/// [MIN_INDEX, MAX_INDEX]; nullopt otherwise.
[[nodiscard]] std::optional<fixed::U64F64> try_to_sqrt_price(i32 index);

/// @rule TICK-004  `TickIndex::try_from_sqrt_price`: TICK-002 on the Q64.96 image, then one step
/// down or up so that price(tick) ≤ sqrt_price < price(tick + 1); nullopt when TICK-002 fails or
/// the tick is outside [MIN_INDEX, MAX_INDEX].
[[nodiscard]] std::optional<i32> try_from_sqrt_price(fixed::U64F64 sqrt_price);

/// @rule TICK-005  `TickIndex::as_sqrt_price_bounded`: TICK-004, or the pallet's literal bounds
/// (`max_sqrt_price` for an index ≥ MAX_INDEX, else `min_sqrt_price`) when it fails.
[[nodiscard]] fixed::U64F64 as_sqrt_price_bounded(i32 index);

/// @rule TICK-005  `TickIndex::from_sqrt_price_bounded`: TICK-004, or MAX_INDEX for a price above
/// the bounded price at MAX_INDEX, else MIN_INDEX.
[[nodiscard]] i32 from_sqrt_price_bounded(fixed::U64F64 sqrt_price);

/// What `maybe_initialize_v3` stores for a subnet's pool when the swap pallet first touches it.
struct V3Init
{
    fixed::U64F64 sqrt_price;  ///< `AlphaSqrtPrice`
    i32 tick = 0;              ///< `CurrentTick`
    u64 liquidity = 0;         ///< `CurrentLiquidity`, and the protocol's full-range position
};

/// @rule TICK-006  `maybe_initialize_v3`: the price τ/α as U64F64 (`safe_div`, 0 when α = 0), its
/// square root by FIX-013 with epsilon 10^-12, the tick by TICK-005, the price clamped to the
/// tick's when the tick is at either end of the index range (`clamp_sqrt_price`), and the
/// protocol's liquidity ⌊√(τ·α)⌋ on [MIN_INDEX, MAX_INDEX].
[[nodiscard]] V3Init initialize_v3(u64 tao_reserve, u64 alpha_reserve);

/// The pallet's literal bounds of TICK-005: `SqrtPrice::saturating_from_num(0.0000000002328350195)`
/// and `SqrtPrice::saturating_from_num(4294886577.20989222513899790805)` (f64 literals, FIX-002).
[[nodiscard]] fixed::U64F64 min_sqrt_price();
[[nodiscard]] fixed::U64F64 max_sqrt_price();

}  // namespace dtao::tick
