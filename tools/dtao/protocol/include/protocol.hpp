// dtao: the `dtao eval` conformance protocol (JSON Lines), version 1.
// SPDX-License-Identifier: Apache-2.0
//
// One request per line, one response per line, in order. The reference and
// any third-party implementation are driven the same way. Spec: spec/protocol.md.
// This is the edge of the project: JSON and exceptions live here, never in
// reference/.
#pragma once

#include "dtao/block.hpp"

#include "dtao/ruleset.hpp"
#include "dtao/state.hpp"
#include "dtao/v3_swap.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace dtao::protocol {

/// Protocol version, written by `dtao version` and documented in spec/protocol.md.
inline constexpr int PROTOCOL_VERSION = 1;

/// Evaluate one request line. Never throws: malformed input gets an error
/// response naming what was wrong and where.
[[nodiscard]] nlohmann::json evaluate_line(std::string_view line);

/// Evaluate one parsed request object.
[[nodiscard]] nlohmann::json evaluate(const nlohmann::json& request);

/// A chain-model state as the protocol's `state` object under `rules`: every item of the
/// ruleset's storage (`dtao::storage_of`), as outputs write it.
[[nodiscard]] nlohmann::json state_to_json(const ChainState& state, const Ruleset& rules);

/// A v3 pool as the input of the v3 pool's ops (spec/protocol.md, "Ops of the v3 pool"): its
/// reserves as `subnet_tao` and `subnet_alpha_in`, every item of the swap pallet, `ticks` included.
[[nodiscard]] nlohmann::json v3_pool_to_json(const v3::Pool& pool);

/// A subnet's v3 pool storage as a state's `swap_v3` object (spec/protocol.md, "The v3 pool in a
/// state"): every item of the swap pallet, the protocol position and the scrap reservoirs.
[[nodiscard]] nlohmann::json v3_storage_to_json(const v3::Pool& pool);

/// One action of the `block` op as its input reads it (defaults omitted).
[[nodiscard]] nlohmann::json action_to_json(const block::Action<u64>& action);

/// The ruleset a request names: a ruleset id (`dtao rulesets`), or `spec:N` for the ruleset in
/// force under mainnet runtime spec version N (RSET-027; N a decimal without leading zeros).
/// On failure `error` says why, without a location.
struct NamedRuleset
{
    std::optional<Ruleset> rules;
    std::string error;
};
[[nodiscard]] NamedRuleset resolve_ruleset(std::string_view name);

/// Whether this implementation answers `op` under the ruleset (`dtao::answers`; false for an
/// unknown op). A request for an op the ruleset lacks gets the protocol error
/// `op_not_in_ruleset`; one the ruleset has but the reference does not model, `not_modelled`.
[[nodiscard]] bool op_in_ruleset(const std::string& op, const Ruleset& rules);

/// The ops this implementation answers, for `--help` and `dtao ops`.
[[nodiscard]] const std::vector<std::pair<std::string, std::string>>& ops();

}  // namespace dtao::protocol
