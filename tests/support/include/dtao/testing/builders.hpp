// dtao-testsupport: builders of subnets and chain states for tests, property
// tests, fuzz targets and benchmarks. No framework; only the reference.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/numeric/arith.hpp"
#include "dtao/state.hpp"

#include <cstdint>

namespace dtao::test {

/// A dynamic (mechanism 1) subnet on netuid 1 with the given reserves; every
/// other field at its default.
inline Subnet dyn(u64 tao, u64 alpha_in, u64 alpha_out = 0)
{
    Subnet s;
    s.netuid = 1;
    s.mechanism = Mechanism::dynamic;
    s.subnet_tao = tao;
    s.subnet_alpha_in = alpha_in;
    s.subnet_alpha_out = alpha_out;
    return s;
}

/// The root entry (netuid 0, stable) holding `tao` root stake.
inline Subnet root_subnet(u64 tao = 0)
{
    Subnet r;
    r.netuid = ROOT_NETUID;
    r.mechanism = Mechanism::stable;
    r.subnet_tao = tao;
    return r;
}

/// The exact image of one subnet (the reference's `dtao::to_exact`).
inline ExactSubnet to_exact_subnet(const Subnet& s) { return to_exact(s); }

/// A benchmark-sized launch-era state, drawn from std::mt19937_64(seed): a root
/// subnet (netuid 0, stable, SubnetTAO 1e15) and `n` dynamic subnets with
/// reserves in [1e12, 1e15], moving prices near the spot price, alpha out,
/// tempo 360, start_call done. The draws go through the standard
/// distributions (random.hpp): the same seed gives the same state with the same
/// standard library.
ChainState random_launch_state(unsigned n, std::uint64_t seed = 0x5eed'da0);

}  // namespace dtao::test
