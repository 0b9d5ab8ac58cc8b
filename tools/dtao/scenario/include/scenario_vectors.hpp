// dtao scenario: what the scenario engine supplies to the vector generator.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "vectors.hpp"

namespace dtao::scenario {

/// The generator kinds the scenario engine supplies to dtao::vectors::generate:
/// `scenario_blocks` (the `scenario` family, vectors/fillers/scenario.json): an
/// auditor scenario (vectors/scenarios/<scenario>, one variant, `set` overrides)
/// run for `blocks` blocks, one `block` case per block.
[[nodiscard]] vectors::Generators vector_generators();

}  // namespace dtao::scenario
