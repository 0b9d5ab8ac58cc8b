// dtao-testsupport: comparing chain states, with a readable diff, and the sums
// the conservation checks compare against their ledgers.
// SPDX-License-Identifier: Apache-2.0
//
// Equality is the reference's own (`operator==` of SubnetT / ChainStateT: every
// stored field); `diff` names the fields that differ, `field: a != b`, for a
// failure message.
#pragma once

#include "dtao/numeric/arith.hpp"
#include "dtao/state.hpp"

#include <string>

namespace dtao::test {

/// Every stored field of the subnet equal.
inline bool same_subnet(const Subnet& a, const Subnet& b) { return a == b; }
/// Every stored field of the state equal, every subnet included.
inline bool same_state(const ChainState& a, const ChainState& b) { return a == b; }

/// The fields in which `a` and `b` differ, one `name: a != b` per line (empty when equal).
std::string diff(const Subnet& a, const Subnet& b);
/// The same for whole states; subnet fields are prefixed `subnets[i].`.
std::string diff(const ChainState& a, const ChainState& b);

/// Σ SubnetTAO over every subnet, root included.
Int sum_subnet_tao(const ChainState& st);

/// The Balancer era's pending alpha of a subnet: PendingServerEmission +
/// PendingValidatorEmission + PendingRootAlphaDivs + PendingOwnerCut.
Int balancer_pending_alpha(const Subnet& s);

}  // namespace dtao::test
