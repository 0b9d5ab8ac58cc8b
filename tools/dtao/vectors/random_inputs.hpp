// dtao: what the random-input generators of both eras share (private to vectors/).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "vectors.hpp"

#include <cstdint>
#include <string>

namespace dtao::vectors::detail {

std::string dec(std::uint64_t v);
json fixed_bits(const char* type, std::uint64_t bits);
/// Flat pool inputs (netuid, mechanism, reserves) of the pool and stake ops.
json random_pool(Rng& r);
/// A limit price near the pool's spot price, or anywhere.
std::uint64_t limit_price_near(Rng& r, const json& pool);

}  // namespace dtao::vectors::detail
