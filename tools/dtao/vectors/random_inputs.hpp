// dtao: what the random-input generators of both eras share (private to vectors/).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "state_fields.hpp"
#include "vectors.hpp"

#include <cstdint>
#include <string>

namespace dtao::vectors::detail {

std::string dec(std::uint64_t v);
/// The name of the `state` field that holds `member` (state_fields.hpp). The generators draw
/// each field their own way, and a seed must keep naming the same input, so the draws stay
/// here; the names and storage groups come from the codec's table.
template <class M, class Owner>
std::string key(M Owner::*member)
{
    return std::string(protocol::field_of(member).name);
}
json fixed_bits(const char* type, std::uint64_t bits);
/// Flat pool inputs (netuid, mechanism, reserves) of the pool and stake ops.
json random_pool(Rng& r);
/// A limit price near the pool's spot price, or anywhere.
std::uint64_t limit_price_near(Rng& r, const json& pool);
/// The input of a v3 pool op (`alpha_price`, `sim_swap_*`, `swap` in their concentrated forms).
json random_v3_input(const std::string& op, Rng& r);
/// The input of the coinbase on the v3 pool (form `v3_price_share`): a random state whose
/// subnets carry pools initialised from their reserves, some moved or with provided reserves.
json random_v3_coinbase(Rng& r);
/// A random `state` (1 … 3 subnets, root among them when `root_possible`).
json random_state(Rng& r, bool root_possible);

}  // namespace dtao::vectors::detail
