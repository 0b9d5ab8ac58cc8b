// dtao scenario: the generator of the `scenario` vector family (generator kind
// `scenario_blocks`), which runs the scenario engine. The vector generator
// (dtao-vectors) does not depend on the engine: the CLI passes this kind to
// dtao::vectors::generate (scenario_vectors.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "scenario_vectors.hpp"

#include "protocol.hpp"
#include "scenario.hpp"

#include <cstdio>
#include <map>
#include <string>

namespace dtao::scenario {

namespace {

using json = nlohmann::json;
using vectors::Draft;
using vectors::filler_error;
using vectors::filler_eval;
using vectors::filler_u64;
using vectors::GeneratorCall;

/// An auditor scenario (vectors/scenarios/<scenario>, one variant, `set`
/// overrides) run by the scenario engine for `blocks` blocks: one case per
/// block whose input is the engine's state before the block and the actions
/// its actors submitted. Only under the scenario's own ruleset.
std::vector<Draft> gen_scenario_blocks(const GeneratorCall& call)
{
    const json& p = call.params;
    const std::string& ruleset = call.ruleset;
    const std::filesystem::path& fillers_dir = call.fillers_dir;
    const std::string file = p.at("scenario").get<std::string>();
    const auto path = (fillers_dir / ".." / "scenarios" / file).lexically_normal();
    const json sc =
        scenario::configure(scenario::load(path), p.value("variant", std::string()), p.value("set", json::object()));
    if (sc.at("ruleset").get<std::string>() != ruleset)
        return {};
    const Ruleset rules = *find_ruleset(ruleset);  // the generator runs only for known rulesets
    const u64 blocks = filler_u64(p.at("blocks"), "generate.blocks");
    std::vector<scenario::BlockRecord> records;
    scenario::Options o;
    o.progress = false;
    o.blocks = blocks;
    o.on_block = [&](const scenario::BlockRecord& r) { records.push_back(r); };
    const auto rep = scenario::run(sc, o);
    if (!rep.ok)
        filler_error("scenario_blocks " + file + ": " +
                     (rep.runs.empty() ? std::string("no run") : rep.runs.front().failure));
    if (records.size() != blocks)
        filler_error("scenario_blocks " + file + ": recorded " + std::to_string(records.size()) + " blocks");
    std::vector<Draft> out;
    for (const auto& r : records) {
        Draft d;
        char id[32];
        std::snprintf(id, sizeof id, "block-%04llu", r.index);
        d.id = id;
        d.input = {{"state", protocol::state_to_json(r.before, rules)}};
        if (r.block_emission)
            d.input["block_emission"] = std::to_string(*r.block_emission);
        json actions = json::array();
        for (const auto& a : r.actions)
            actions.push_back(protocol::action_to_json(a));
        d.input["actions"] = actions;
        // The op must do what the engine did: same state after the block.
        const json res = filler_eval(ruleset, "block", d.input);
        if (!res.contains("output") || res["output"]["state"] != protocol::state_to_json(r.after, rules))
            filler_error("scenario_blocks " + file + ": the block op disagrees with dtao scenario run at block index " +
                         std::to_string(r.index));
        std::map<std::string, std::size_t> kinds;
        std::size_t rejected = 0;
        for (std::size_t k = 0; k < r.actions.size(); ++k) {
            ++kinds[r.actions[k].kind == block::ActionKind::add_stake ? "add_stake" : "remove_stake"];
            rejected += res["output"]["actions"][k].contains("error") ? 1 : 0;
        }
        std::string what;
        for (const auto& [k, n] : kinds)
            what += (what.empty() ? "" : ", ") + std::to_string(n) + " " + k;
        if (what.empty())
            what = "no extrinsic";
        if (rejected)
            what += " (" + std::to_string(rejected) + " rejected)";
        const std::size_t drains = res["output"]["drains"].size();
        d.comment = "block " + std::to_string(r.index) + " of " + std::to_string(blocks) + " (chain block " +
                    std::to_string(r.before.block) + "): coinbase" +
                    (drains ? " with " + std::to_string(drains) + " epoch drain(s)" : "") + ", then " + what +
                    (r.index ? "; the input state is the reference's state after block " + std::to_string(r.index - 1)
                             : "; the scenario's initial state");
        out.push_back(d);
    }
    return out;
}

}  // namespace

vectors::Generators vector_generators() { return {{"scenario_blocks", gen_scenario_blocks}}; }

}  // namespace dtao::scenario
