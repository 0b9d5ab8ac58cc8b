// dtao chainstate: the generators of the `mainnet` vector family (generator kinds
// `mainnet_capture` and `mainnet_quote`): mainnet's own blocks and quotes, decoded from the
// re-encoded captures of tests/data/mainnet/. The vector generator (dtao-vectors) does not depend on the
// decoder: the CLI passes this kind to dtao::vectors::generate.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "vectors.hpp"

#include <filesystem>
#include <vector>

namespace dtao::chainstate {

/// One captured block pair (tests/data/mainnet/README.md): the storage at block n − 1
/// (`<name>_in.json`) and what block n's coinbase wrote (`<name>_out.json`).
struct CapturedPair
{
    std::filesystem::path in;
    std::filesystem::path out;
};

/// Every `*_in.json` of `dir` with its `*_out.json` beside it (which need not exist), in name
/// order.
[[nodiscard]] std::vector<CapturedPair> captured_pairs(const std::filesystem::path& dir);

/// A subnet storage item that block n's coinbase alone writes, so a capture at n is the
/// reference's answer for it, and the `state` field (spec/protocol.md) that holds it. The
/// parity test and the `mainnet_capture` generator compare the same items.
struct CapturedOutput
{
    const char* item;   ///< pallet and storage item, as the captures name it
    const char* field;  ///< the `subnets[]` field of the eval protocol's state
};
[[nodiscard]] const std::vector<CapturedOutput>& captured_outputs();

/// The generator kinds this part supplies: `mainnet_capture` (captured blocks) and
/// `mainnet_quote` (captured runtime-API quotes and prices).
[[nodiscard]] vectors::Generators vector_generators();

}  // namespace dtao::chainstate
