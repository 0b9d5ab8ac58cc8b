// dtao chainstate: the `mainnet` vector family's generator (chainstate_vectors.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "chainstate.hpp"
#include "chainstate_vectors.hpp"
#include "protocol.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <string_view>
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

/// One case per captured pair whose spec version names `call.ruleset` (RSET-027): the input is
/// the decoded state at n − 1 with `block` n and no extrinsic (`block` = the coinbase alone);
/// generation fails unless the reference's answer writes every captured output of block n.
std::vector<Draft> gen_mainnet_capture(const GeneratorCall& call)
{
    const std::string source = call.params.at("source").get<std::string>();
    const fs::path dir = (call.fillers_dir / ".." / ".." / source).lexically_normal();
    if (!fs::is_directory(dir))
        filler_error("mainnet_capture: no directory " + dir.string());
    const Ruleset rules = *find_ruleset(call.ruleset);
    std::vector<Draft> out;
    for (const auto& pair : captured_pairs(dir)) {
        const json in = load(pair.in);
        const std::string out_name = pair.out.filename().string();
        const json observed = load(pair.out);
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
                    "Balancer reservoirs, SwapBalancer, SubnetProtocolAlpha) are mainnet's, captured at " +
                    std::string(fs::path(source).filename()) + "/" + out_name + " (" +
                    prov.at("source").get<std::string>() + ")";
        out.push_back(d);
    }
    return out;
}

/// The flat Balancer pool input of `s` (spec/protocol.md, Balancer pool inputs).
json pool_input(const Subnet& s, const ChainState& st, bool with_minimum_reserve)
{
    json in = {{"netuid", std::to_string(s.netuid)},
               {"subnet_mechanism", std::to_string(static_cast<unsigned>(s.mechanism))},
               {"subnet_tao", std::to_string(s.subnet_tao)},
               {"subnet_alpha_in", std::to_string(s.subnet_alpha_in)},
               {"subnet_alpha_out", std::to_string(s.subnet_alpha_out)},
               {"swap_balancer_quote_parts", std::to_string(s.swap_balancer_quote_parts)},
               {"pal_swap_initialized", s.pal_swap_initialized},
               {"fee_rate", std::to_string(s.fee_rate)}};
    if (with_minimum_reserve)
        in["swap_minimum_reserve"] = std::to_string(st.swap_minimum_reserve);
    return in;
}

/// The snapshots of the generator's `source` (its top-level `.json` files, by name) whose spec
/// version names `call.ruleset` (RSET-027), with their file names.
std::vector<std::pair<std::string, json>> snapshots_in_force(const GeneratorCall& call, const std::string& kind)
{
    const std::string source = call.params.at("source").get<std::string>();
    const fs::path dir = (call.fillers_dir / ".." / ".." / source).lexically_normal();
    if (!fs::is_directory(dir))
        filler_error(kind + ": no directory " + dir.string());
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".json")
            files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<std::pair<std::string, json>> out;
    for (const auto& path : files) {
        json snap = load(path);
        const auto in_force = find_ruleset_for_spec(snap.at("provenance").at("spec_version").get<unsigned>());
        if (in_force && in_force->id == call.ruleset)
            out.emplace_back(path.filename().string(), std::move(snap));
    }
    return out;
}

/// One case per runtime-API result of the group's op recorded in a snapshot of `source` (its
/// top-level files) whose spec version names `call.ruleset`: `SwapRuntimeApi_current_alpha_price(_all)` as
/// `alpha_price`, `…_sim_swap_tao_for_alpha` / `…_sim_swap_alpha_for_tao` as `swap` (the default
/// limit, fees charged). Generation fails unless the reference's answer gives the recorded
/// numbers, as the runtime derives them (tests/chainstate/mainnet_replay_test.cpp): the price
/// × 10^9 floored; tao_amount, alpha_amount and the fee from the swap's paid in, paid out and fee.
std::vector<Draft> gen_mainnet_quote(const GeneratorCall& call)
{
    const Ruleset rules = *find_ruleset(call.ruleset);
    std::vector<Draft> out;
    std::set<std::string> seen;
    for (const auto& [file, snap] : snapshots_in_force(call, "mainnet_quote")) {
        const json& prov = snap.at("provenance");
        const ChainState st = decode(snap, rules).state;
        for (const auto& c : snap.at("runtime_api")) {
            const std::string method = c.at("method").get<std::string>();
            const u64 netuid = c.at("netuid").get<u64>();
            const Subnet* s = st.find(netuid);
            if (s == nullptr)
                filler_error("mainnet_quote: " + file + ": no storage of subnet " + std::to_string(netuid));
            const std::string where = "finney block " + std::to_string(prov.at("block").get<u64>()) + " (spec " +
                                      std::to_string(prov.at("spec_version").get<unsigned>()) + ", hash " +
                                      prov.at("block_hash").get<std::string>() + "): " + method + "(" +
                                      std::to_string(netuid);
            Draft d;
            const json& result = c.at("result");
            const bool is_price =
                method == "SwapRuntimeApi_current_alpha_price" || method == "SwapRuntimeApi_current_alpha_price_all";
            if ((call.op == "alpha_price") != is_price)
                continue;  // the group's op: prices or quotes
            if (is_price) {
                d.id = "price-sn" + std::to_string(netuid);
                if (!seen.insert(d.id).second)
                    continue;  // _all repeats the single-subnet call
                d.input = pool_input(*s, st, false);
                const json res = filler_eval(call.ruleset, "alpha_price", d.input);
                const Int bits = Int(res.at("output").at("price").at("bits").get<std::string>());
                const Int rao = (bits * 1'000'000'000) >> 64;
                if (rao.str() != result.at("price").get<std::string>())
                    filler_error("mainnet_quote: " + where + "): mainnet's price is " + result.at("price").dump() +
                                 " rao, the reference's " + rao.str());
                d.comment = where + "): the pool's spot price; mainnet's current_alpha_price, " +
                            result.at("price").get<std::string>() + " rao per alpha, is this price × 10^9 floored";
            } else if (method == "SwapRuntimeApi_sim_swap_tao_for_alpha" ||
                       method == "SwapRuntimeApi_sim_swap_alpha_for_tao") {
                const bool buy = method == "SwapRuntimeApi_sim_swap_tao_for_alpha";
                const std::string amount = c.at("amount").get<std::string>();
                d.id = std::string(buy ? "buy" : "sell") + "-sn" + std::to_string(netuid) + "-" + amount;
                d.input = pool_input(*s, st, true);
                d.input["side"] = buy ? "buy" : "sell";
                d.input["amount"] = amount;
                const json res = filler_eval(call.ruleset, "swap", d.input);
                if (!res.contains("output"))
                    filler_error("mainnet_quote: " + where + "): " + res.dump());
                const json& o = res["output"];
                const std::string in_key = buy ? "tao_amount" : "alpha_amount";
                const std::string out_key = buy ? "alpha_amount" : "tao_amount";
                const std::string fee_key = buy ? "tao_fee" : "alpha_fee";
                for (const auto& [mine, theirs] :
                     {std::pair{"amount_paid_in", in_key}, {"amount_paid_out", out_key}, {"fee_paid", fee_key}})
                    if (o.at(mine) != result.at(theirs))
                        filler_error("mainnet_quote: " + where + ", " + amount + "): mainnet's " + theirs + " is " +
                                     result.at(theirs).dump() + ", the reference's " + mine + " " + o.at(mine).dump());
                d.comment = where + ", " + amount + "): mainnet's sim_swap quote is this swap's paid in (" + in_key +
                            "), paid out (" + out_key + ") and fee (" + fee_key + ")";
            } else {
                filler_error("mainnet_quote: " + file + ": unknown method " + method);
            }
            d.comment += "; captured in " + file + " (" + prov.at("source").get<std::string>() + ")";
            out.push_back(d);
        }
    }
    return out;
}

/// One case per runtime-API result of the group's op in a v3-pool snapshot of `source` (specs
/// 290 … 422) whose spec version names `call.ruleset`: `SwapRuntimeApi_current_alpha_price` as
/// `alpha_price`, `…_sim_swap_tao_for_alpha` / `…_sim_swap_alpha_for_tao` as themselves, on the
/// pool `decode_v3_pools` reads. Generation fails unless the reference answers every recorded
/// field: the price in rao, and the four fields of the spec's `SimSwapResult`.
std::vector<Draft> gen_mainnet_v3_quote(const GeneratorCall& call)
{
    std::vector<Draft> out;
    for (const auto& [file, snap] : snapshots_in_force(call, "mainnet_v3_quote")) {
        const json& prov = snap.at("provenance");
        const std::map<u64, json> pools = decode_v3_pools(snap);
        for (const auto& c : snap.at("runtime_api")) {
            const std::string method = c.at("method").get<std::string>();
            const std::string op = method == "SwapRuntimeApi_current_alpha_price"      ? "alpha_price"
                                   : method == "SwapRuntimeApi_sim_swap_tao_for_alpha" ? "sim_swap_tao_for_alpha"
                                   : method == "SwapRuntimeApi_sim_swap_alpha_for_tao" ? "sim_swap_alpha_for_tao"
                                                                                       : "";
            if (op.empty())
                filler_error("mainnet_v3_quote: " + file + ": unknown method " + method);
            if (op != call.op)
                continue;
            const u64 netuid = c.at("netuid").get<u64>();
            const auto pool = pools.find(netuid);
            if (pool == pools.end())
                filler_error("mainnet_v3_quote: " + file + ": no storage of subnet " + std::to_string(netuid));
            Draft d;
            d.input = pool->second;
            const std::string where = "finney block " + std::to_string(prov.at("block").get<u64>()) + " (spec " +
                                      std::to_string(prov.at("spec_version").get<unsigned>()) + ", hash " +
                                      prov.at("block_hash").get<std::string>() + "): " + method + "(" +
                                      std::to_string(netuid);
            const json& result = c.at("result");
            std::vector<std::pair<std::string, std::string>> compared;  // (our field, mainnet's field)
            if (op == "alpha_price") {
                d.id = "price-sn" + std::to_string(netuid);
                compared = {{"current_alpha_price", "price"}};
                d.comment = where + "): mainnet's current_alpha_price, " + result.at("price").get<std::string>() +
                            " rao per alpha";
            } else {
                const std::string amount = c.at("amount").get<std::string>();
                d.id = std::string(op == "sim_swap_tao_for_alpha" ? "buy" : "sell") + "-sn" + std::to_string(netuid) +
                       "-" + amount;
                d.input["amount"] = amount;
                for (const char* f : {"tao_amount", "alpha_amount", "tao_fee", "alpha_fee"})
                    compared.emplace_back(f, f);
                d.comment = where + ", " + amount + "): mainnet's SimSwapResult";
            }
            const json res = filler_eval(call.ruleset, op, d.input);
            if (!res.contains("output"))
                filler_error("mainnet_v3_quote: " + where + "): " + res.dump());
            for (const auto& [mine, theirs] : compared)
                if (res["output"].at(mine) != result.at(theirs))
                    filler_error("mainnet_v3_quote: " + where + "): mainnet's " + theirs + " is " +
                                 result.at(theirs).dump() + ", the reference's " + mine + " " +
                                 res["output"].at(mine).dump());
            d.comment += ", reproduced field by field; captured in v3/" + file + " (" +
                         prov.at("source").get<std::string>() + ")";
            out.push_back(d);
        }
    }
    return out;
}

}  // namespace

std::vector<CapturedPair> captured_pairs(const std::filesystem::path& dir)
{
    constexpr std::string_view suffix = "_in.json";
    std::vector<CapturedPair> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        std::string name = e.path().filename().string();
        if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        name.replace(name.size() - suffix.size(), suffix.size(), "_out.json");
        out.push_back({e.path(), e.path().parent_path() / name});
    }
    std::sort(out.begin(), out.end(), [](const CapturedPair& a, const CapturedPair& b) { return a.in < b.in; });
    return out;
}

const std::vector<CapturedOutput>& captured_outputs()
{
    static const std::vector<CapturedOutput> items{
        {"SubtensorModule.SubnetTaoInEmission", "subnet_tao_in_emission"},
        {"SubtensorModule.SubnetExcessTao", "subnet_excess_tao"},
        {"SubtensorModule.SubnetAlphaInEmission", "subnet_alpha_in_emission"},
        {"SubtensorModule.SubnetAlphaOutEmission", "subnet_alpha_out_emission"},
        {"Swap.BalancerTaoReservoir", "balancer_tao_reservoir"},
        {"Swap.BalancerAlphaReservoir", "balancer_alpha_reservoir"},
        {"Swap.SwapBalancer", "swap_balancer_quote_parts"},
        // moves only with the chain buys of the coinbase
        {"SubtensorModule.SubnetProtocolAlpha", "subnet_protocol_alpha"},
    };
    return items;
}

vectors::Generators vector_generators()
{
    return {{"mainnet_capture", gen_mainnet_capture},
            {"mainnet_quote", gen_mainnet_quote},
            {"mainnet_v3_quote", gen_mainnet_v3_quote}};
}

}  // namespace dtao::chainstate
