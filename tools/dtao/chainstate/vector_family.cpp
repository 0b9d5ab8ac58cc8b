// dtao chainstate: the `mainnet` vector family's generator (chainstate_vectors.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "chainstate.hpp"
#include "chainstate_vectors.hpp"
#include "protocol.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace dtao::chainstate {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using vectors::Draft;
using vectors::filler_error;
using vectors::filler_eval;
using vectors::GeneratorCall;

json load(const fs::path& p)
{
    std::ifstream in(p);
    if (!in)
        filler_error("mainnet_capture: cannot read " + p.string());
    try {
        return json::parse(in);
    } catch (const json::exception& e) {
        filler_error("mainnet_capture: " + p.string() + ": " + e.what());
    }
}

/// The subnet items a captured block n holds that its coinbase alone writes, as the state
/// field that holds each: the block op's output state must equal them.
const std::vector<std::pair<std::string, std::string>>& captured_outputs()
{
    static const std::vector<std::pair<std::string, std::string>> items{
        {"SubtensorModule.SubnetTaoInEmission", "subnet_tao_in_emission"},
        {"SubtensorModule.SubnetExcessTao", "subnet_excess_tao"},
        {"SubtensorModule.SubnetAlphaInEmission", "subnet_alpha_in_emission"},
        {"SubtensorModule.SubnetAlphaOutEmission", "subnet_alpha_out_emission"},
        {"Swap.BalancerTaoReservoir", "balancer_tao_reservoir"},
        {"Swap.BalancerAlphaReservoir", "balancer_alpha_reservoir"},
        {"Swap.SwapBalancer", "swap_balancer_quote_parts"},
    };
    return items;
}

/// One case per captured pair whose spec version names `call.ruleset` (RSET-027): the input is
/// the decoded state at n − 1 with `block` n and no extrinsic (`block` = the coinbase alone);
/// generation fails unless the reference's answer writes every captured output of block n.
std::vector<Draft> gen_mainnet_capture(const GeneratorCall& call)
{
    const std::string source = call.params.at("source").get<std::string>();
    const fs::path dir = (call.fillers_dir / ".." / ".." / source).lexically_normal();
    if (!fs::is_directory(dir))
        filler_error("mainnet_capture: no directory " + dir.string());
    std::vector<fs::path> ins;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (name.size() > 8 && name.compare(name.size() - 8, 8, "_in.json") == 0)
            ins.push_back(e.path());
    }
    std::sort(ins.begin(), ins.end());
    const Ruleset rules = *find_ruleset(call.ruleset);
    std::vector<Draft> out;
    for (const auto& in_path : ins) {
        const json in = load(in_path);
        std::string out_name = in_path.filename().string();
        out_name.replace(out_name.size() - 8, 8, "_out.json");
        const json observed = load(in_path.parent_path() / out_name);
        const json& prov = observed.at("provenance");
        const unsigned spec = prov.at("spec_version").get<unsigned>();
        const auto in_force = find_ruleset_for_spec(spec);
        if (!in_force)
            filler_error("mainnet_capture: " + out_name + ": spec " + std::to_string(spec) + " has no ruleset");
        if (in_force->id != rules.id)
            continue;
        ChainState st = decode(in, rules).state;
        const u64 n = prov.at("block").get<u64>();
        st.block = n;
        Draft d;
        d.id = "b" + std::to_string(n);
        d.input = {{"state", protocol::state_to_json(st, rules)}, {"actions", json::array()}};
        const json res = filler_eval(call.ruleset, "block", d.input);
        if (!res.contains("output"))
            filler_error("mainnet_capture: block " + std::to_string(n) + ": " + res.dump());
        const ChainState want = decode(observed, rules).state;
        const json& got = res["output"]["state"];
        std::set<std::pair<std::string, u64>> present;
        for (const auto& e : observed.at("storage"))
            if (e.contains("netuid"))
                present.emplace(e.at("item").get<std::string>(), e.at("netuid").get<u64>());
        std::size_t compared = 0;
        const json want_json = protocol::state_to_json(want, rules);
        for (const auto& ws : want_json.at("subnets")) {
            const u64 netuid = std::stoull(ws.at("netuid").get<std::string>());
            const auto gs = std::find_if(got.at("subnets").begin(), got.at("subnets").end(),
                                         [&](const json& g) { return g.at("netuid") == ws.at("netuid"); });
            if (gs == got.at("subnets").end())
                filler_error("mainnet_capture: block " + std::to_string(n) + ": no subnet " + std::to_string(netuid));
            for (const auto& [item, field] : captured_outputs()) {
                if (!present.count({item, netuid}))
                    continue;
                if ((*gs).at(field) != ws.at(field))
                    filler_error("mainnet_capture: block " + std::to_string(n) + ": " + item + "[" +
                                 std::to_string(netuid) + "] is " + ws.at(field).dump() + " on mainnet, " +
                                 (*gs).at(field).dump() + " in the reference");
                ++compared;
            }
        }
        if (got.at("emission_gate_bar") != want_json.at("emission_gate_bar"))
            filler_error("mainnet_capture: block " + std::to_string(n) + ": EmissionGateBar differs from mainnet's");
        d.comment = "finney block " + std::to_string(n) + " (spec " + std::to_string(spec) + ", hash " +
                    prov.at("block_hash").get<std::string>() +
                    "): the coinbase on the state block n - 1 left; its EmissionGateBar and " +
                    std::to_string(compared) +
                    " per-subnet outputs (SubnetTaoInEmission, SubnetExcessTao, SubnetAlpha{In,Out}Emission, the "
                    "Balancer reservoirs, SwapBalancer) are mainnet's, captured at " +
                    std::string(fs::path(source).filename()) + "/" + out_name + " (" +
                    prov.at("source").get<std::string>() + ")";
        out.push_back(d);
    }
    return out;
}

}  // namespace

vectors::Generators vector_generators() { return {{"mainnet_capture", gen_mainnet_capture}}; }

}  // namespace dtao::chainstate
