// What the pins of spec/findings.md share (findings_test.cpp, findings_pool_stake_test.cpp):
// a launch-era dynamic subnet that emits under every ruleset, and its exact-model copy.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/state.hpp"

namespace dtao::test::findings {

/// A dynamic subnet with the given reserves, moving price 1 and FirstEmissionBlockNumber 1,
/// so it emits under every ruleset (RSET-008).
inline Subnet dyn(u64 netuid, u64 tao, u64 alpha_in, u64 alpha_out = 0)
{
    Subnet s;
    s.netuid = netuid;
    s.mechanism = Mechanism::dynamic;
    s.subnet_tao = tao;
    s.subnet_alpha_in = alpha_in;
    s.subnet_alpha_out = alpha_out;
    s.subnet_moving_price = fixed::I96F32::one();
    s.first_emission_block_number = 1;
    return s;
}

/// The exact model's copy of one subnet.
inline ExactSubnet exact_of(const Subnet& s) { return to_exact(ChainState{.subnets = {s}}).subnets[0]; }

}  // namespace dtao::test::findings
