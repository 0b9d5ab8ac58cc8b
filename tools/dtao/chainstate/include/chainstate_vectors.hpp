// dtao chainstate: the generators of the `mainnet` vector family (generator kinds
// `mainnet_capture` and `mainnet_quote`): mainnet's own blocks and quotes, decoded from the
// re-encoded captures of tests/data/mainnet/. The vector generator (dtao-vectors) does not depend on the
// decoder: the CLI passes this kind to dtao::vectors::generate.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "vectors.hpp"

namespace dtao::chainstate {

/// The generator kinds this part supplies: `mainnet_capture` (captured blocks) and
/// `mainnet_quote` (captured runtime-API quotes and prices).
[[nodiscard]] vectors::Generators vector_generators();

}  // namespace dtao::chainstate
