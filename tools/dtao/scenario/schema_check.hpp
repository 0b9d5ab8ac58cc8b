// dtao scenario: checking a scenario file against its JSON Schema
// (vectors/scenarios/scenario.schema.json, compiled into the tool).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace dtao::scenario::detail {

/// The scenario schema, parsed once.
const nlohmann::json& scenario_schema();

/// Check `doc` against `schema` (the subset of JSON Schema 2020-12 the scenario
/// schema uses: type, enum, const, required, properties, additionalProperties,
/// propertyNames, items, minItems, oneOf, pattern, minimum, maximum,
/// exclusiveMinimum, exclusiveMaximum and local $ref). Throws
/// std::runtime_error naming the first offending field ("params.moving_alpha")
/// and why; `root` is the schema $ref resolves in.
void check_against_schema(const nlohmann::json& doc, const nlohmann::json& schema, const nlohmann::json& root);

}  // namespace dtao::scenario::detail
