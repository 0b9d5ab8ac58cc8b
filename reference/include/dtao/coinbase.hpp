// dtao-reference: the per-block coinbase and the epoch schedule.
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/coinbase.md (COIN-*), spec/epoch.md (EPOCH-*). Chain source:
// subtensor pallets/subtensor/src/coinbase/{block_step.rs,run_coinbase.rs} at
// f95810a (v2.0.1), with the deltas of the later rulesets.
#pragma once

#include "dtao/coinbase_ops.hpp"
#include "dtao/ruleset.hpp"

#include <vector>

namespace dtao {

/// @rule EPOCH-001  `blocks_until_next_epoch`: u64::MAX for tempo 0, else
/// tempo − ((block + netuid + 1) mod (tempo + 1)). Epochs come every tempo + 1
/// blocks, staggered by netuid. On chain tempo is a u16, so tempo + 1 never
/// wraps; here it saturates for the same reason.
[[nodiscard]] constexpr u64 blocks_until_next_epoch(u64 netuid, u64 tempo, u64 block) noexcept
{
    if (tempo == 0)
        return U64_MAX;
    const u64 adjusted = block + (netuid + 1);  // `wrapping_add` on chain
    return sat_sub(tempo, adjusted % sat_add(tempo, 1));
}

/// @rule EPOCH-002  `should_run_epoch`.
[[nodiscard]] constexpr bool should_run_epoch(u64 netuid, u64 tempo, u64 block) noexcept
{
    return blocks_until_next_epoch(netuid, tempo, block) == 0;
}

/// What one subnet received in one block, with the intermediates an
/// implementer needs to find where they diverge.
template <typename Model>
struct SubnetEmission
{
    using Num = typename Ops<Model>::Num;
    using Amount = typename Ops<Model>::Amount;
    u64 netuid = 0;
    Num price{};           ///< get_alpha_price, pre-injection
    Num moving_price{};    ///< get_moving_alpha_price, pre-update
    Num alpha_emission{};  ///< α emission for the pre-injection alpha issuance
    Num tao_in{};          ///< after the registration-disabled rule
    Num alpha_in{};        ///< min(tao_in / price, α emission), from the un-zeroed tao_in
    Num alpha_out{};       ///< α emission, before the owner cut
    Num owner_cut{};
    Num root_proportion{};  ///< on the post-injection alpha issuance
    Num root_alpha{};       ///< root_proportion · (alpha_out − owner_cut) · ½
    Num pending_alpha{};    ///< (alpha_out − owner_cut) − root_alpha
    Amount root_tao{};      ///< TAO out of selling ⌊root_alpha⌋ (0 when the swap fails)
    // The subsidy (v3.2.3 … v3.2.9, VCOIN-002): a subnet priced below its share of the emission.
    bool subsidized = false;
    Amount subsidy_tao{};    ///< ⌊default tao_in − price · E⌋: the TAO the chain buy spends
    Amount subsidy_alpha{};  ///< the alpha it bought, taken out of SubnetAlphaOut (0 when the buy fails)
};

/// The pending amounts one epoch takes and hands to `drain_pending_emission`.
template <typename Model>
struct EpochDrain
{
    using Amount = typename Ops<Model>::Amount;
    u64 netuid = 0;
    Amount pending_alpha{};
    Amount pending_tao{};
    Amount pending_swapped{};
    Amount owner_cut{};
};

template <typename Model>
struct CoinbaseResult
{
    typename Ops<Model>::Num block_emission{};
    std::vector<SubnetEmission<Model>> emissions;  ///< one per emitting subnet, ascending netuid
    std::vector<EpochDrain<Model>> drains;         ///< one per subnet whose epoch ran
};

namespace chain {

/// @rule COIN-001  `run_coinbase(block_emission)` on `state` at `state.block`:
/// shares by moving price, injection, owner cut, root sell, EMA update and the
/// epoch schedule. Mutates `state`. On the v3 pool (`v3_price_share`, `v3_subsidy`) the same
/// steps read the pool's price, inject through the protocol position and sell through the pool
/// (VCOIN-001), and the subsidy buys for a subnet priced below its share (VCOIN-002).
CoinbaseResult<ChainModel> run_coinbase(const Ruleset& rules, ChainState& state, fixed::I96F32 block_emission);

/// @rule COIN-010  `block_step`: block emission from `TotalIssuance`
/// (`.unwrap_or(0)`), then `run_coinbase`.
CoinbaseResult<ChainModel> block_step(const Ruleset& rules, ChainState& state);

}  // namespace chain

namespace exact {

/// @rule COIN-001  The launch coinbase on constant-product pools. The v3 pool has no exact model
/// (RSET-024): a ruleset on it is refused with `std::invalid_argument`.
CoinbaseResult<ExactModel> run_coinbase(const Ruleset& rules, ExactChainState& state, const Rational& block_emission);
/// @rule COIN-010
CoinbaseResult<ExactModel> block_step(const Ruleset& rules, ExactChainState& state);

}  // namespace exact

}  // namespace dtao
