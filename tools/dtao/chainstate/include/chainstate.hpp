// dtao: raw chain storage to the protocol's `state` (spec/chainstate.md).
// SPDX-License-Identifier: Apache-2.0
//
// A storage snapshot in the project's own format, `dtao-chain-storage/1`: the SCALE bytes an
// archive node returns for each storage item (`state_queryStorageAt`), pinned to a block, and
// the runtime-API results at that block decoded to numbers. `decode` turns the storage into
// the chain state a ruleset holds; the protocol's field table (state_fields.hpp) names the
// fields and says which storage group each belongs to, so nothing here writes a field name.
// This is the edge of the project: JSON and exceptions live here, never in reference/.
#pragma once

#include "dtao/ruleset.hpp"
#include "dtao/state.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dtao::chainstate {

/// The `format` a snapshot names.
inline constexpr std::string_view FORMAT = "dtao-chain-storage/1";

/// A snapshot the decoder cannot read: the message names the entry (`storage[3]`), the item
/// and key, and what is wrong with it.
class DecodeError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// What a snapshot decodes to under one ruleset.
struct Decoded
{
    ChainState state;  ///< every field the snapshot gives; the rest at the protocol's default
    /// Items the snapshot gives that the ruleset's state does not hold (decoded and checked,
    /// then dropped), one line each: `Swap.BalancerTaoReservoir[1]: no field of the state`.
    std::vector<std::string> ignored;
    /// Items given as `null` (the key is absent on chain), which took the runtime's default.
    std::vector<std::string> defaulted;
    /// Storage items the state holds that the snapshot does not list at all: they keep the
    /// protocol's default (spec/protocol.md), which need not be the runtime's.
    std::vector<std::string> not_given;
};

/// Decode `snapshot` (a parsed `dtao-chain-storage/1` object) into the state of `rules`.
/// Throws DecodeError on bad input: a wrong format, bad hex, a value of the wrong length for
/// its item, an unknown item, a duplicate key, a value the state cannot hold.
[[nodiscard]] Decoded decode(const nlohmann::json& snapshot, const Ruleset& rules);

/// The v3 pool of each subnet of `snapshot` (a capture of specs 290 … 422) as the input of the
/// v3 pool's ops (spec/protocol.md, "Ops of the v3 pool"): `SubnetTAO`, `SubnetAlphaIn`,
/// `SubnetAlphaOut`, `SubnetMechanism`, `AlphaSqrtPrice`, `CurrentLiquidity`, `CurrentTick` and
/// `FeeRate`, an absent key left out (its default). Throws DecodeError on bad input or on any
/// other item.
[[nodiscard]] std::map<u64, nlohmann::json> decode_v3_pools(const nlohmann::json& snapshot);

/// The storage items the decoder knows, as `Pallet.Item`, in table order (for `--help` and
/// the docs' completeness test).
[[nodiscard]] std::vector<std::string> known_items();

}  // namespace dtao::chainstate
