// dtao: one part of a run split over processes or machines (`--shard i/n` of `dtao conform`
// and `dtao scenario run`): item k (0-based, in the run's order) belongs to shard `k mod n`.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>

namespace dtao::vectors {

struct Shard
{
    unsigned index = 0;
    unsigned count = 1;
    /// Whether item `k` of the run is this shard's.
    [[nodiscard]] bool holds(std::size_t k) const { return k % count == index; }
    /// Item `k`'s position in the whole run, for the k-th item of this shard.
    [[nodiscard]] std::size_t whole_position(std::size_t k) const { return k * count + index; }
};

/// `i/n` with 0 ≤ i < n (decimal, no sign, no spaces, below 10^9); throws std::runtime_error
/// naming the text otherwise.
[[nodiscard]] Shard parse_shard(const std::string& text);

}  // namespace dtao::vectors
