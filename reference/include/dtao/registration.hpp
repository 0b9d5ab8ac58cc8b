// dtao-reference: subnet registration (lock cost, initial pool) and start_call.
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/registration.md (REG-*). Chain source: subtensor
// pallets/subtensor/src/subnets/subnet.rs::{do_register_network,do_start_call}
// and coinbase/root.rs::{get_network_lock_cost,get_lock_reduction_interval}.
#pragma once

#include "dtao/errors.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/state.hpp"

namespace dtao {

template <typename Amount>
struct Registration
{
    u64 netuid = 0;     ///< the smallest unused netuid ≥ 1
    u64 lock_cost = 0;  ///< what the registrant pays
    Amount pool_tao{};  ///< SubnetTAO = SubnetAlphaIn = NetworkMinLockCost
    Amount burned{};    ///< lock − pool, burned from TotalIssuance
};

namespace chain {

/// @rule REG-002  `get_lock_reduction_interval`: NetworkLockReductionInterval
/// scaled by the current TAO block emission / 10^9, in I64F64.
[[nodiscard]] u64 lock_reduction_interval(const ChainState& s);

/// @rule REG-001  `get_network_lock_cost`: last·mult − (last / interval)·(now −
/// last_block), integer division first, at least NetworkMinLockCost.
[[nodiscard]] u64 network_lock_cost(const ChainState& s);

/// @rule REG-003  `do_register_network` (pool and issuance part): rate limit,
/// lock, a new dynamic subnet whose pool holds NetworkMinLockCost of TAO and
/// alpha (price 1), the rest of the lock burned.
Result<Registration<u64>> register_network(const Ruleset& rules, ChainState& s);

}  // namespace chain

namespace exact {

/// @rule REG-002  interval · E / 10^9 exactly.
[[nodiscard]] Rational lock_reduction_interval(const ExactChainState& s);
/// @rule REG-001  max(min_lock, last·mult − last·(now − last_block) / interval), no flooring.
[[nodiscard]] Rational network_lock_cost(const ExactChainState& s);
/// @rule REG-003
Result<Registration<Rational>> register_network(const Ruleset& rules, ExactChainState& s);

}  // namespace exact

/// @rule REG-004  `do_start_call` (v2.0.9+): once, at least `DurationOfStartCall`
/// blocks after registration; sets FirstEmissionBlockNumber = block + 1.
template <typename Model>
Result<u64> start_call(const Ruleset& rules, ChainStateT<Model>& s, u64 netuid)
{
    auto* subnet = s.find(netuid);
    if (!rules.start_call || subnet == nullptr || subnet->is_root())
        return Error::subnet_not_exists;
    if (subnet->first_emission_block_number)
        return Error::first_emission_block_number_already_set;
    if (s.block < sat_add(subnet->network_registered_at, DURATION_OF_START_CALL))
        return Error::need_wait_for_start_call;
    subnet->first_emission_block_number = sat_add(s.block, 1);
    return *subnet->first_emission_block_number;
}

}  // namespace dtao
