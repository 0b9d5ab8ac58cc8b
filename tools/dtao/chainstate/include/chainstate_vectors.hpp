// dtao chainstate: the generator of the `mainnet` vector family (generator kind
// `mainnet_capture`): mainnet's own blocks, decoded from the re-encoded captures of
// tests/data/mainnet/emission/. The vector generator (dtao-vectors) does not depend on the
// decoder: the CLI passes this kind to dtao::vectors::generate.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "vectors.hpp"

namespace dtao::chainstate {

/// The generator kinds this part supplies: `mainnet_capture`.
[[nodiscard]] vectors::Generators vector_generators();

}  // namespace dtao::chainstate
