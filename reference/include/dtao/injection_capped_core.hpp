// dtao-reference: the Balancer-era pieces written once over the model.
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/injection_capped.md (BEPOCH-*, BCOIN-002, BREG-002). Each piece here has the same
// control flow in both models: the epoch scheduler counts blocks in u64 and only moves the
// pending amounts, never computes with them; the emitting set reads flags and the storage
// order; a registration opens its subnet the same way once the model has priced the pool. So
// each is one template over the model (`dtao/numeric/model.hpp`), instantiated for `ChainModel`
// and `ExactModel` in reference/src/injection_capped_core.cpp. `dtao::chain::injection_capped`
// and `dtao::exact::injection_capped` name the public ones as their own (using-declarations),
// so callers keep calling `chain::injection_capped::drain_pending` or the exact one.
#pragma once

#include "dtao/ruleset.hpp"
#include "dtao/state.hpp"

#include <vector>

namespace dtao::injection_capped {

/// One subnet whose epoch was due this block (BEPOCH-002), in the model's amounts.
template <typename Model>
struct EpochRun
{
    using Amount = typename Model::Amount;
    u64 netuid = 0;
    bool deferred = false;  ///< over MaxEpochsPerBlock: PendingEpochAt = block + 1, nothing taken
    Amount pending_server{};
    Amount pending_validator{};
    Amount pending_root_alpha{};
    Amount pending_owner_cut{};
};

inline namespace rules {  // see dtao/injection_capped.hpp

/// @rule BCOIN-002  `get_subnets_to_emit_to`: non-root, FirstEmissionBlockNumber set,
/// SubtokenEnabled, NetworkRegistrationAllowed (the PoW flag is ignored). In storage-key
/// order (BCOIN-014), as the chain filters `get_all_subnet_netuids`.
template <typename Model>
[[nodiscard]] std::vector<u64> get_subnets_to_emit_to(const ChainStateT<Model>& st);

/// @rule BEPOCH-001  `should_run_epoch(n, now)`: tempo 0 → false; PendingEpochAt > 0 and
/// now ≥ PendingEpochAt → true; BlocksSinceLastStep > MAX_TEMPO → true; else
/// now − LastEpochBlock ≥ tempo. Integers only: the same rule in both models.
template <typename Model>
[[nodiscard]] bool should_run_epoch(const SubnetT<Model>& s, u64 now) noexcept;

/// @rule BEPOCH-002  `drain_pending(subnets, now)`: per non-root subnet (storage-key order, BCOIN-014)
/// BlocksSinceLastStep += 1; if due: deferred to now + 1 when MaxEpochsPerBlock
/// epochs already ran, else take and zero the four pending amounts; either way
/// (unless deferred) LastEpochBlock = now, PendingEpochAt = 0, SubnetEpochIndex += 1.
/// `is_epoch_input_state_consistent` is taken as true (no neurons are modelled).
template <typename Model>
std::vector<EpochRun<Model>> drain_pending(ChainStateT<Model>& st, u64 now);

/// @rule BEPOCH-003  `epochs_deferred_this_block`: the due subnets beyond the cap, without
/// changing the state (the CRv3 reveal skips them).
template <typename Model>
[[nodiscard]] std::vector<u64> epochs_deferred_this_block(const ChainStateT<Model>& st, u64 now);

/// @rule BEPOCH-004  `init_new_network`'s anchor: LastEpochBlock = now − (netuid mod max(tempo, 1)).
[[nodiscard]] constexpr u64 initial_last_epoch_block(u64 netuid, u64 tempo, u64 now) noexcept
{
    const u64 period = tempo > 0 ? tempo : 1;
    return sat_sub(now, netuid % period);
}

/// @rule BEPOCH-004  `apply_tempo_with_cycle_reset` (the owner's `set_tempo`, `sudo_set_tempo`):
/// Tempo = tempo and LastEpochBlock = now. (`set_tempo_unchecked` keeps the anchor.)
template <typename Model>
void set_tempo(SubnetT<Model>& s, u64 tempo, u64 now) noexcept;

}  // namespace rules

/// The pool a registration opens (BREG-002). The model decides the amounts (the chain floors
/// pool alpha at the U64F64 median, the exact model does not), so they come in priced.
template <typename Model>
struct NewPool
{
    using Amount = typename Model::Amount;
    Amount tao{};       ///< SubnetTAO, also added to TotalStake
    Amount alpha{};     ///< SubnetAlphaIn
    Amount recycled{};  ///< lock − pool TAO, taken out of TotalIssuance
    u64 lock = 0;       ///< NetworkLastLockCost: the TAO the registrant paid
};

inline namespace rules {

/// @rule BREG-002  `init_new_network` and the storage writes of `do_register_network` once the
/// pool is priced: the lowest free netuid, a dynamic subnet with the ruleset's default tempo,
/// LastEpochBlock per BEPOCH-004, AlphaOut 0, Balancer weights ½, SubtokenEnabled and
/// SubnetEmissionEnabled false, no FirstEmissionBlockNumber; TotalStake += pool TAO,
/// TotalIssuance −= recycled (not below 0). Returns the netuid.
template <typename Model>
u64 open_subnet(const Ruleset& rules, ChainStateT<Model>& st, const NewPool<Model>& pool);

}  // namespace rules

}  // namespace dtao::injection_capped
