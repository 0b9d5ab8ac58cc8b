// dtao: vector generation from fillers; schemas; index.
// SPDX-License-Identifier: Apache-2.0
//
// Inputs come from the fillers in vectors/fillers/ (hand-written cases and
// named, seeded generators); every expected value comes from
// dtao::protocol::evaluate, the code path of `dtao eval`.
#include "protocol.hpp"
#include "scenario.hpp"
#include "sha256.hpp"
#include "values.hpp"
#include "vectors.hpp"

#include "dtao/constants.hpp"
#include "dtao/errors.hpp"
#include "dtao/ruleset.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace dtao::vectors {

namespace {

[[noreturn]] void filler_error(const std::string& m) { throw std::runtime_error("filler: " + m); }

std::string dec(u64 v) { return std::to_string(v); }

std::string read_file(const std::filesystem::path& p)
{
    std::ifstream f(p, std::ios::binary);
    if (!f)
        filler_error("cannot read " + p.string());
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

/// One generated input before evaluation.
struct Draft
{
    std::string id;
    std::string comment;
    std::vector<std::string> flags;
    json input;
    json extra_intermediates = json::object();
};

json request_for(const std::string& global_id, const std::string& ruleset, const std::string& op, const json& input,
                 const char* arithmetic = "chain")
{
    return {{"id", global_id}, {"ruleset", ruleset}, {"op", op}, {"arithmetic", arithmetic}, {"input", input}};
}

/// Evaluate through the protocol; a protocol error (a `message`) is a filler bug.
json eval_or_throw(const json& request)
{
    json r = protocol::evaluate(request);
    if (r.contains("message"))
        filler_error("request " + request.dump() + " is invalid: " + r["error"].get<std::string>() + ": " +
                     r["message"].get<std::string>());
    return r;
}

json eval_input(const std::string& ruleset, const std::string& op, const json& input)
{
    return eval_or_throw(request_for("gen", ruleset, op, input));
}

/// Set a dotted path ("state.subnets.0.subnet_tao") in `j`.
void set_path(json& j, const std::string& path, const json& value)
{
    json* cur = &j;
    std::size_t start = 0;
    while (true) {
        const auto dot = path.find('.', start);
        const std::string seg = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        const bool numeric = !seg.empty() && std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; });
        json& next = numeric && cur->is_array() ? (*cur)[std::stoul(seg)] : (*cur)[seg];
        if (dot == std::string::npos) {
            next = value;
            return;
        }
        cur = &next;
        start = dot + 1;
    }
}

std::vector<std::string> strings_of(const json& j, const std::string& where)
{
    std::vector<std::string> out;
    if (j.is_null())
        return out;
    if (!j.is_array())
        filler_error(where + ": expected an array of strings");
    for (const auto& e : j) {
        if (!e.is_string())
            filler_error(where + ": expected an array of strings");
        out.push_back(e.get<std::string>());
    }
    return out;
}

u64 u64_of(const json& j, const std::string& where)
{
    if (j.is_string()) {
        const auto v = parse_int_strict(j.get<std::string>());
        if (v && *v >= 0 && *v <= Int(U64_MAX))
            return v->convert_to<u64>();
    }
    if (j.is_number_unsigned())
        return j.get<u64>();
    filler_error(where + ": expected a u64 (decimal string)");
}

// ------------------------------------------------------------------ generators

constexpr u64 S = TOTAL_SUPPLY;

/// Exact threshold of band k: the least issuance I with I·2^k ≥ S·(2^k − 1).
u64 exact_threshold(unsigned k)
{
    const Int num = Int(S) * ((Int(1) << k) - 1);
    const Int den = Int(1) << k;
    Int t = num / den;
    if (t * den < num)
        t += 1;
    return t.convert_to<u64>();
}

u64 chain_halvings(const std::string& ruleset, u64 issuance)
{
    const json r = eval_input(ruleset, "block_emission", {{"issuance", dec(issuance)}});
    if (!r.contains("output"))
        return ~u64{0};
    return std::stoull(r["output"]["halvings"].get<std::string>());
}

/// First issuance at which the chain counts at least k halvings (binary search).
std::optional<u64> chain_threshold(const std::string& ruleset, unsigned k)
{
    u64 lo = 0, hi = S - 1;
    if (chain_halvings(ruleset, hi) < k)
        return std::nullopt;
    while (lo < hi) {
        const u64 mid = lo + (hi - lo) / 2;
        if (chain_halvings(ruleset, mid) >= k)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

std::vector<Draft> gen_halving_thresholds(const json& p, const std::string& ruleset)
{
    const unsigned from = static_cast<unsigned>(p.value("from", 1));
    const unsigned to = static_cast<unsigned>(p.value("to", 40));
    const std::string subject = p.value("subject", "TotalIssuance");
    std::vector<Draft> out;
    std::set<u64> seen;
    auto add = [&](const std::string& id, u64 issuance, const std::string& comment, unsigned k) {
        if (!seen.insert(issuance).second)
            return;
        Draft d;
        d.id = id;
        d.comment = comment;
        d.input = {{"issuance", dec(issuance)}};
        d.extra_intermediates = {{"band.k", dec(k)},
                                 {"band.exact_threshold", dec(exact_threshold(k))}};
        out.push_back(d);
    };
    for (unsigned k = from; k <= to; ++k) {
        const u64 t = exact_threshold(k);
        const std::string ks = std::to_string(k);
        add("band" + ks + "-exact-minus-1", t - 1, subject + " one below the exact threshold S·(1 − 2^-" + ks + ")", k);
        add("band" + ks + "-exact", t, subject + " at the exact threshold S·(1 − 2^-" + ks + ") (least I with I·2^" + ks + " ≥ S·(2^" + ks + " − 1))", k);
        add("band" + ks + "-exact-plus-1", t + 1, subject + " one above the exact threshold of band " + ks, k);
        if (const auto c = chain_threshold(ruleset, k)) {
            if (*c > 0)
                add("band" + ks + "-chain-last-below", *c - 1, subject + " at the last issuance the chain still counts fewer than " + ks + " halvings", k);
            add("band" + ks + "-chain-first", *c, subject + " at the first issuance the chain counts " + ks + " halvings", k);
        }
    }
    return out;
}

std::vector<Draft> gen_random(const json& p, const std::string& op, const std::string& ruleset)
{
    const u64 seed = u64_of(p.at("seed"), "generate.seed");
    const u64 count = u64_of(p.at("count"), "generate.count");
    Rng rng(seed);
    std::vector<Draft> out;
    for (u64 i = 0; i < count; ++i) {
        json input;
        for (int attempt = 0;; ++attempt) {
            input = random_input(op, rng, is_balancer_era(*find_ruleset(ruleset)));
            const json r = protocol::evaluate(request_for("gen", ruleset, op, input));
            if (!r.contains("message"))
                break;
            if (attempt > 100)
                filler_error("random generator for " + op + " keeps producing invalid requests");
        }
        Draft d;
        char id[32];
        std::snprintf(id, sizeof id, "seed%llu-%04llu", static_cast<unsigned long long>(seed),
                      static_cast<unsigned long long>(i));
        d.id = id;
        d.comment = "seeded random input #" + std::to_string(i) + " (seed " + std::to_string(seed) + ")";
        d.input = input;
        out.push_back(d);
    }
    return out;
}

bool swap_ok(const std::string& ruleset, const std::string& op, const json& pool, u64 amount)
{
    json in = pool;
    in["amount"] = dec(amount);
    return eval_input(ruleset, op, in).contains("output");
}

/// For each pool: the largest amount the swap accepts before the reserve it
/// pays out of falls below the minimum liquidity, and one unit either side.
std::vector<Draft> gen_swap_max_amount(const json& p, const std::string& op, const std::string& ruleset)
{
    std::vector<Draft> out;
    const json& pools = p.at("pools");
    for (std::size_t i = 0; i < pools.size(); ++i) {
        const json& pool = pools[i];
        const std::string pid = pool.contains("name") ? pool["name"].get<std::string>() : "p" + std::to_string(i);
        json base = pool;
        base.erase("name");
        if (!swap_ok(ruleset, op, base, 0)) {
            Draft d;
            d.id = pid + "-zero-amount";
            d.comment = "the paid-out reserve is already below the minimum liquidity: even a zero swap fails";
            d.input = base;
            d.input["amount"] = "0";
            out.push_back(d);
            continue;
        }
        u64 lo = 0, hi = U64_MAX;  // lo accepted
        if (swap_ok(ruleset, op, base, hi)) {
            lo = hi;
        } else {
            while (hi - lo > 1) {
                const u64 mid = lo + (hi - lo) / 2;
                (swap_ok(ruleset, op, base, mid) ? lo : hi) = mid;
            }
        }
        auto add = [&](const std::string& suffix, u64 amount, const std::string& comment) {
            Draft d;
            d.id = pid + "-" + suffix;
            d.comment = comment;
            d.input = base;
            d.input["amount"] = dec(amount);
            d.extra_intermediates = {{"max_accepted_amount", dec(lo)}};
            out.push_back(d);
        };
        if (lo > 0)
            add("max-minus-1", lo - 1, "one unit below the largest swap that keeps the reserve at or above 10^7");
        add("max", lo, "the largest swap that keeps the paid-out reserve at or above 10^7");
        if (lo < U64_MAX)
            add("max-plus-1", lo + 1, "one unit past the largest accepted swap: insufficient_liquidity");
    }
    return out;
}

/// Cartesian product of `vary` (path -> list of values) over `base`.
std::vector<Draft> gen_cartesian(const json& p)
{
    const json base = p.value("base", json::object());
    const json& vary = p.at("vary");
    if (!vary.is_array())
        filler_error("generate.vary: expected an array of {path, values}");
    std::vector<Draft> out;
    std::vector<std::size_t> idx(vary.size(), 0);
    while (true) {
        Draft d;
        d.input = base;
        std::string id, comment;
        for (std::size_t i = 0; i < vary.size(); ++i) {
            const std::string path = vary[i].at("path").get<std::string>();
            const json& values = vary[i].at("values");
            if (!values.is_array() || values.empty())
                filler_error("generate.vary[" + std::to_string(i) + "].values: expected a non-empty array");
            const json& v = values[idx[i]];
            set_path(d.input, path, v);
            const std::string label = vary[i].value("label", path.substr(path.rfind('.') + 1));
            const std::string vs = v.is_string()                              ? v.get<std::string>()
                                   : (v.is_object() && v.contains("bits")) ? "bits" + v["bits"].get<std::string>()
                                                                           : v.dump();
            id += (id.empty() ? "" : ",") + label + "=" + vs;
            comment += (comment.empty() ? "" : ", ") + label + " = " + vs;
        }
        d.id = id;
        d.comment = p.value("comment_prefix", std::string()) + comment;
        out.push_back(d);
        std::size_t i = vary.size();
        while (i > 0) {
            --i;
            if (++idx[i] < vary[i]["values"].size())
                break;
            idx[i] = 0;
            if (i == 0) {
                return out;
            }
        }
        if (vary.empty())
            return out;
    }
}

/// Limit prices around the pool's spot price (in rao per alpha), plus extremes.
std::vector<Draft> gen_limit_sweep(const json& p)
{
    std::vector<Draft> out;
    const json& pools = p.at("pools");
    const std::vector<std::string> factors = strings_of(p.value("factors_ppm", json::array({"500000", "1000000", "2000000"})), "factors_ppm");
    for (std::size_t i = 0; i < pools.size(); ++i) {
        json pool = pools[i];
        const std::string pid = pool.contains("name") ? pool["name"].get<std::string>() : "p" + std::to_string(i);
        pool.erase("name");
        const Int x = parse_int_strict(pool.at("subnet_tao").get<std::string>()).value_or(0);
        const Int y = parse_int_strict(pool.at("subnet_alpha_in").get<std::string>()).value_or(0);
        std::set<Int> limits = {0, 1, Int(U64_MAX)};
        std::map<Int, std::string> names = {{0, "zero"}, {1, "one"}, {Int(U64_MAX), "u64max"}};
        if (y > 0) {
            const Int spot = x * 1'000'000'000 / y;
            for (const auto& f : factors) {
                const Int ppm(f);
                const Int l = spot * ppm / 1'000'000;
                for (int d = -1; d <= 1; ++d) {
                    const Int v = l + d;
                    if (v < 0 || v > Int(U64_MAX))
                        continue;
                    if (limits.insert(v).second)
                        names[v] = "spot*" + f + "ppm" + (d < 0 ? "-1" : d > 0 ? "+1" : "");
                }
            }
        }
        for (const auto& l : limits) {
            Draft d;
            d.id = pid + "-" + names[l];
            d.comment = "limit price " + l.str() + " rao per alpha (" + names[l] + ")";
            d.input = pool;
            d.input["limit_price"] = l.str();
            out.push_back(d);
        }
    }
    return out;
}

/// A chained EMA: each step's moving price is the previous step's output;
/// the pool cycles through `pools`; the block advances by `stride`.
std::vector<Draft> gen_ema_trajectory(const json& p, const std::string& ruleset)
{
    const json& pools = p.at("pools");
    const u64 steps = u64_of(p.at("steps"), "steps");
    const u64 stride = u64_of(p.at("stride"), "stride");
    u64 block = u64_of(p.value("start_block", json("0")), "start_block");
    json base = p.value("base", json::object());
    json moving = p.value("moving_price", json({{"type", "I96F32"}, {"bits", "0"}}));
    std::vector<Draft> out;
    for (u64 s = 0; s < steps; ++s) {
        Draft d;
        char id[32];
        std::snprintf(id, sizeof id, "step%03llu", static_cast<unsigned long long>(s));
        d.id = id;
        d.input = base;
        for (const auto& [k, v] : pools[s % pools.size()].items())
            d.input[k] = v;
        d.input["subnet_moving_price"] = moving;
        d.input["block"] = dec(block);
        d.comment = "step " + std::to_string(s) + " at block " + dec(block) +
                    (s ? ": the moving price is the previous step's output" : ": the first step of the sequence");
        const json r = eval_input(ruleset, "update_moving_price", d.input);
        if (!r.contains("output"))
            filler_error("ema_trajectory: a step failed");
        moving = r["output"]["subnet_moving_price"];
        out.push_back(d);
        block += stride;
    }
    return out;
}

/// A chained coinbase: each block's state is the previous block's output
/// state with `block` advanced by one.
std::vector<Draft> gen_coinbase_trajectory(const json& p, const std::string& ruleset)
{
    const u64 steps = u64_of(p.at("steps"), "steps");
    json state = p.at("state");
    const json emission = p.value("block_emission", json());
    std::vector<Draft> out;
    for (u64 s = 0; s < steps; ++s) {
        Draft d;
        char id[32];
        std::snprintf(id, sizeof id, "block%03llu", static_cast<unsigned long long>(s));
        d.id = id;
        d.input = {{"state", state}};
        if (!emission.is_null())
            d.input["block_emission"] = emission;
        d.comment = "block " + state.value("block", std::string("0")) +
                    (s ? ": the state is the previous case's output state, one block later" : ": the first block of the sequence");
        const json r = eval_input(ruleset, "coinbase", d.input);
        if (!r.contains("output"))
            filler_error("coinbase_trajectory: a block failed");
        state = r["output"]["state"];
        state["block"] = dec(std::stoull(state["block"].get<std::string>()) + 1);
        out.push_back(d);
    }
    return out;
}

/// An auditor scenario (vectors/scenarios/<scenario>, one variant, `set`
/// overrides) run by the scenario engine for `blocks` blocks: one case per
/// block whose input is the engine's state before the block and the actions
/// its actors submitted. Only under the scenario's own ruleset.
std::vector<Draft> gen_scenario_blocks(const json& p, const std::string& ruleset, const std::filesystem::path& fillers_dir)
{
    const std::string file = p.at("scenario").get<std::string>();
    const auto path = (fillers_dir / ".." / "scenarios" / file).lexically_normal();
    const json sc = scenario::configure(scenario::load(path), p.value("variant", std::string()),
                                        p.value("set", json::object()));
    if (sc.at("ruleset").get<std::string>() != ruleset)
        return {};
    const u64 blocks = u64_of(p.at("blocks"), "generate.blocks");
    std::vector<scenario::BlockRecord> records;
    scenario::Options o;
    o.progress = false;
    o.blocks = blocks;
    o.on_block = [&](const scenario::BlockRecord& r) { records.push_back(r); };
    const auto rep = scenario::run(sc, o);
    if (!rep.ok)
        filler_error("scenario_blocks " + file + ": " + (rep.runs.empty() ? std::string("no run") : rep.runs.front().failure));
    if (records.size() != blocks)
        filler_error("scenario_blocks " + file + ": recorded " + std::to_string(records.size()) + " blocks");
    std::vector<Draft> out;
    for (const auto& r : records) {
        Draft d;
        char id[32];
        std::snprintf(id, sizeof id, "block-%04llu", r.index);
        d.id = id;
        d.input = {{"state", protocol::state_to_json(r.before)}};
        if (r.block_emission)
            d.input["block_emission"] = dec(*r.block_emission);
        json actions = json::array();
        for (const auto& a : r.actions)
            actions.push_back(protocol::action_to_json(a));
        d.input["actions"] = actions;
        // The op must do what the engine did: same state after the block.
        const json res = eval_input(ruleset, "block", d.input);
        if (!res.contains("output") || res["output"]["state"] != protocol::state_to_json(r.after))
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
                    std::to_string(r.before.block) + "): coinbase" + (drains ? " with " + std::to_string(drains) + " epoch drain(s)" : "") +
                    ", then " + what + (r.index ? "; the input state is the reference's state after block " + std::to_string(r.index - 1)
                                                : "; the scenario's initial state");
        out.push_back(d);
    }
    return out;
}

std::vector<Draft> run_generator(const json& g, const std::string& op, const std::string& ruleset,
                                 const std::filesystem::path& fillers_dir)
{
    const std::string kind = g.at("kind").get<std::string>();
    if (kind == "scenario_blocks")
        return gen_scenario_blocks(g, ruleset, fillers_dir);
    if (kind == "halving_thresholds")
        return gen_halving_thresholds(g, ruleset);
    if (kind == "random")
        return gen_random(g, op, ruleset);
    if (kind == "swap_max_amount")
        return gen_swap_max_amount(g, op, ruleset);
    if (kind == "cartesian")
        return gen_cartesian(g);
    if (kind == "limit_sweep")
        return gen_limit_sweep(g);
    if (kind == "ema_trajectory")
        return gen_ema_trajectory(g, ruleset);
    if (kind == "coinbase_trajectory")
        return gen_coinbase_trajectory(g, ruleset);
    filler_error("unknown generator kind \"" + kind + "\"");
}

// ------------------------------------------------------------------ evaluation into cases


}  // namespace

std::vector<std::string> intermediate_fields(const std::string& op, bool balancer)
{
    static const std::map<std::string, std::vector<std::string>> balancer_table = {
        {"block_emission", {"halvings", "q", "residual"}},
        {"swap", {"amount_paid_in", "fee_paid"}},
        {"add_stake", {"swap.*", "tao_requested"}},
        {"remove_stake", {"swap.*", "alpha_requested", "fee_swap.*"}},
        {"update_moving_price", {"alpha", "price", "blocks_since"}},
        {"coinbase", {"credit", "emissions[*].moving_price", "emissions[*].share", "emissions[*].tao_emission",
                      "emissions[*].alpha_emission", "emissions[*].price", "emissions[*].cap", "emissions[*].tao_in",
                      "emissions[*].alpha_in", "emissions[*].excess_tao", "emissions[*].root_alpha"}},
        {"block", {"actions[*].*", "emissions[*].tao_in", "emissions[*].excess_tao"}},
        {"register_network", {"lock_cost", "median_price"}},
        {"start_call", {}},
    };
    if (balancer) {
        const auto it = balancer_table.find(op);
        return it == balancer_table.end() ? std::vector<std::string>{} : it->second;
    }
    static const std::map<std::string, std::vector<std::string>> table = {
        {"block_emission", {"halvings", "q", "residual"}},
        {"sim_swap_tao_for_alpha", {"k", "new_reserve"}},
        {"sim_swap_alpha_for_tao", {"k", "new_reserve"}},
        {"add_stake", {"fee", "tao_staked"}},
        {"remove_stake", {"fee", "tao"}},
        {"update_moving_price", {"alpha", "price", "blocks_since"}},
        {"block", {"actions[*].*", "emissions[*].moving_price", "emissions[*].tao_in"}},
        {"coinbase", {"block_emission", "emissions[*].price", "emissions[*].moving_price", "emissions[*].alpha_emission",
                      "emissions[*].tao_in", "emissions[*].alpha_in", "emissions[*].root_proportion", "emissions[*].root_alpha"}},
        {"drain_pending_emission", {"total_root_divs", "pending_validator_alpha", "dividends.*"}},
        {"register_network", {"lock_cost"}},
        {"start_call", {}},
    };
    const auto it = table.find(op);
    return it == table.end() ? std::vector<std::string>{} : it->second;
}

namespace {

/// Exact-model values that differ from the chain's, leaf by leaf.
json exact_diff(const json& chain, const json& exact)
{
    json out = json::object();
    if (exact.contains("error")) {
        if (!chain.contains("error") || chain["error"] != exact["error"])
            out["error"] = exact["error"];
        return out.empty() ? json() : out;
    }
    std::vector<std::pair<std::string, const json*>> ce, ee;
    if (chain.contains("output"))
        flatten(chain["output"], "", ce);
    flatten(exact["output"], "", ee);
    std::map<std::string, const json*> cmap(ce.begin(), ce.end());
    json fields = json::object();
    for (const auto& [path, v] : ee) {
        if (path.rfind("state.", 0) == 0)
            continue;  // an output state's exact values follow from the listed terms; omitted to keep files small
        const auto it = cmap.find(path);
        bool same = false;
        if (it != cmap.end()) {
            if (*it->second == *v)
                same = true;
            else {
                const auto a = numeric_value(*it->second);
                const auto b = numeric_value(*v);
                same = a && b && *a == *b;
            }
        }
        if (!same)
            fields[path] = *v;
    }
    if (chain.contains("error"))
        out["error"] = nullptr;  // the exact model accepts what the chain rejects
    if (!fields.empty())
        out["fields"] = fields;
    return out.empty() ? json() : out;
}

json unchanged_state(const std::string& op, const json& input)
{
    if (input.contains("state"))
        return {{"state", input["state"]}};
    json o = json::object();
    for (const char* k : {"subnet_tao", "subnet_alpha_in", "subnet_alpha_out", "total_stake"})
        if (input.contains(k))
            o[k] = input[k];
        else if (std::string(k) == "subnet_alpha_out" || (std::string(k) == "total_stake" && op.find("stake") != std::string::npos))
            o[k] = "0";
    return o;
}

json make_case(const Draft& d, const std::string& global_id, const std::string& ruleset, const std::string& op,
               const std::set<std::string>& group_flags)
{
    const json request = request_for(global_id, ruleset, op, d.input);
    const json chain = eval_or_throw(request);
    // `block` (scenario family): no exact-model values. One block's exact answer
    // from a chain state says little about a scenario, and its rationals grow to
    // hundreds of digits per field (the coinbase family has the exact coinbase).
    const bool with_exact = op != "block";
    const json exact = with_exact ? eval_or_throw(request_for(global_id, ruleset, op, d.input, "exact")) : json();
    json c;
    c["id"] = d.id;
    c["comment"] = d.comment;
    c["request"] = request;
    json expected = json::object();
    std::vector<std::string> flags = d.flags;
    auto add_flag = [&](const std::string& f) {
        if (!group_flags.count(f) && std::find(flags.begin(), flags.end(), f) == flags.end())
            flags.push_back(f);
    };
    json inter = d.extra_intermediates;
    if (op.rfind("max_amount_", 0) == 0 || op == "add_stake" || op == "remove_stake") {
        json pool = json::object();
        for (const char* k : {"netuid", "subnet_mechanism", "subnet_tao", "subnet_alpha_in", "subnet_alpha_out",
                              "swap_balancer_quote_parts", "pal_swap_initialized", "fee_rate"})
            if (d.input.contains(k))
                pool[k] = d.input[k];
        const json p = protocol::evaluate(request_for("gen", ruleset, "alpha_price", pool));
        if (p.contains("output"))
            inter["spot_price"] = p["output"]["price"];
    }
    if (chain.contains("error")) {
        expected["error"] = chain["error"];
        expected["unchanged"] = unchanged_state(op, d.input);
        add_flag("RULE_ERROR");
    } else {
        expected["output"] = chain["output"];
    }
    c["expected"] = expected;
    if (op == "block_emission" && chain.contains("output") && exact.contains("output") &&
        chain["output"]["halvings"] != exact["output"]["halvings"])
        add_flag("HALVING_BOUNDARY");  // the chain counts halvings differently from the exact rule here
    if (op.rfind("sim_swap_", 0) == 0 && chain.contains("output") && chain["output"].contains("k") &&
        chain["output"]["k"]["bits"] == "170141183460469231731687303715884105727")
        add_flag("OVERFLOW_SATURATION");  // k saturated (findings F-008)
    const json ex = with_exact ? exact_diff(chain, exact) : json();
    if (!ex.is_null()) {
        c["exact"] = ex;
        add_flag("EXACT_DIFFERS");
    }
    c["intermediates"] = inter;
    std::sort(flags.begin(), flags.end());
    for (const auto& f : flags)
        if (!is_known_flag(f))
            filler_error("case " + global_id + ": unknown flag " + f);
    c["flags"] = flags;
    return c;
}

// ------------------------------------------------------------------ schemas

json ref(const std::string& def) { return {{"$ref", "#/$defs/" + def}}; }

json strict_object(const json& properties, const std::vector<std::string>& required)
{
    return {{"type", "object"}, {"properties", properties}, {"required", required}, {"additionalProperties", false}};
}

json all_required(const json& properties)
{
    std::vector<std::string> req;
    for (const auto& [k, v] : properties.items())
        req.push_back(k);
    return strict_object(properties, req);
}

json common_defs()
{
    json defs;
    defs["dec"] = {{"type", "string"}, {"pattern", "^(0|[1-9][0-9]*)$"}, {"description", "unsigned decimal integer string"}};
    defs["sdec"] = {{"type", "string"}, {"pattern", "^(0|-?[1-9][0-9]*)$"}};
    defs["rational"] = {{"type", "string"}, {"pattern", "^(0|-?[1-9][0-9]*)(/[1-9][0-9]*)?$"}, {"description", "exact-model number p or p/q in lowest terms"}};
    defs["fixed"] = all_required({{"type", {{"enum", {"I96F32", "U96F32", "U64F64", "I64F64", "I110F18"}}}}, {"bits", ref("sdec")}});
    defs["number"] = {{"anyOf", {ref("rational"), ref("fixed")}}};
    defs["leaf"] = {{"anyOf", {ref("rational"), ref("fixed"), {{"type", {"boolean", "null", "string"}}}}}};
    std::vector<std::string> flags;
    for (const auto& f : flag_list())
        flags.emplace_back(f.name);
    defs["flag"] = {{"enum", flags}};
    defs["rule"] = {{"type", "string"}, {"pattern", "^[A-Z]+-[0-9]{3}$"}};
    std::vector<std::string> rulesets, tokens;
    for (const auto& r : RULESETS)
        rulesets.emplace_back(r.id);
    for (const char* t : {"insufficient_liquidity", "amount_too_low", "slippage_too_high", "subnet_not_exists",
                          "logarithm_failed", "network_tx_rate_limit_exceeded", "first_emission_block_number_already_set",
                          "need_wait_for_start_call", "reserves_too_low", "price_limit_exceeded", "swap_input_too_large",
                          "reserves_out_of_balance"})
        tokens.emplace_back(t);
    defs["ruleset_id"] = {{"enum", rulesets}};
    defs["rule_error"] = {{"enum", tokens}};
    defs["ruleset"] = all_required({{"id", ref("ruleset_id")},
                                    {"tag", {{"type", "string"}}},
                                    {"commit", {{"type", "string"}, {"pattern", "^[0-9a-f]{40}$"}}},
                                    {"spec_version", {{"type", "integer"}, {"minimum", 0}}},
                                    {"date", {{"type", "string"}, {"pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}}}});
    defs["generator"] = all_required({{"name", {{"type", "string"}}},
                                      {"version", {{"type", "string"}}},
                                      {"filler", {{"type", "string"}}},
                                      {"filler_sha256", {{"type", "string"}, {"pattern", "^[0-9a-f]{64}$"}}}});
    defs["pool_after"] = all_required({{"subnet_tao", ref("dec")}, {"subnet_alpha_in", ref("dec")}, {"subnet_alpha_out", ref("dec")}, {"total_stake", ref("dec")}});
    json subnet = {{"netuid", ref("dec")}, {"subnet_mechanism", ref("dec")}, {"subnet_moving_price", ref("fixed")},
                   {"subnet_volume", ref("dec")}, {"tempo", ref("dec")},
                   {"network_registration_allowed", {{"type", "boolean"}}},
                   {"network_pow_registration_allowed", {{"type", "boolean"}}},
                   {"first_emission_block_number", {{"anyOf", {ref("dec"), {{"type", "null"}}}}}}};
    for (const char* k : {"subnet_tao", "subnet_alpha_in", "subnet_alpha_out", "pending_emission", "pending_root_divs",
                          "pending_alpha_swapped", "pending_owner_cut", "subnet_tao_in_emission", "subnet_alpha_in_emission",
                          "subnet_alpha_out_emission", "network_registered_at", "ema_price_halving_blocks",
                          "blocks_since_last_step", "last_mechansim_step_block"})
        subnet[k] = ref("dec");
    defs["subnet_state"] = all_required(subnet);
    json state = {{"subnet_moving_alpha", ref("fixed")}, {"subnets", {{"type", "array"}, {"items", ref("subnet_state")}}}};
    for (const char* k : {"block", "total_issuance", "total_stake", "tao_weight", "subnet_owner_cut", "network_last_registered",
                          "network_last_lock_cost", "network_min_lock_cost", "network_lock_reduction_interval", "network_rate_limit"})
        state[k] = ref("dec");
    defs["state"] = all_required(state);
    // The Balancer era's state (v3.4.8-423+): no launch-only storage, the swap pallet's and
    // the capped coinbase's storage added.
    json bsubnet = subnet;
    for (const char* k : {"pending_emission", "pending_root_divs", "pending_alpha_swapped", "network_pow_registration_allowed"})
        bsubnet.erase(k);
    for (const char* k : {"swap_balancer_quote_parts", "fee_rate", "subnet_protocol_alpha", "subnet_excess_tao",
                          "pending_server_emission", "pending_validator_emission", "pending_root_alpha_divs",
                          "last_epoch_block", "pending_epoch_at", "subnet_epoch_index"})
        bsubnet[k] = ref("dec");
    for (const char* k : {"pal_swap_initialized", "subtoken_enabled", "subnet_emission_enabled", "owner_cut_enabled"})
        bsubnet[k] = {{"type", "boolean"}};
    bsubnet["miner_burned"] = ref("number");
    defs["balancer_subnet_state"] = all_required(bsubnet);
    json bstate = state;
    bstate["subnets"] = {{"type", "array"}, {"items", ref("balancer_subnet_state")}};
    bstate["swap_minimum_reserve"] = ref("dec");
    bstate["max_epochs_per_block"] = ref("dec");
    bstate["block_author"] = {{"type", "boolean"}};
    defs["balancer_state"] = all_required(bstate);
    defs["balancer_swap"] = all_required({{"amount_paid_in", ref("dec")}, {"amount_paid_out", ref("dec")},
                                          {"fee_paid", ref("dec")}, {"fee_to_block_author", ref("dec")}});
    defs["balancer_pool_after"] = all_required({{"subnet_tao", ref("dec")}, {"subnet_alpha_in", ref("dec")},
                                                {"subnet_alpha_out", ref("dec")}, {"subnet_volume", ref("dec")},
                                                {"total_stake", ref("dec")}, {"swap_balancer_quote_parts", ref("dec")},
                                                {"pal_swap_initialized", {{"type", "boolean"}}}});
    return defs;
}

/// The chain-arithmetic output of an op in the Balancer era (spec/protocol.md).
json balancer_output_schema(const std::string& op)
{
    auto d = ref("dec");
    auto f = ref("fixed");
    auto b = json{{"type", "boolean"}};
    if (op == "block_emission" || op == "network_lock_cost")
        return json();  // the launch era's schema
    if (op == "alpha_price")
        return all_required({{"price", f}});
    if (op == "swap")
        return all_required({{"amount_paid_in", d}, {"amount_paid_out", d}, {"fee_paid", d}, {"fee_to_block_author", d},
                             {"swap_balancer_quote_parts", d}, {"pal_swap_initialized", b}});
    if (op == "max_amount_add" || op == "max_amount_remove")
        return all_required({{"max_amount", d}});
    if (op == "adjust_protocol_liquidity")
        return all_required({{"tao", d}, {"alpha", d}, {"swap_balancer_quote_parts", d}});
    if (op == "pow_ratio_scaled")
        return all_required({{"result", {{"anyOf", {d, {{"type", "null"}}}}}}});
    json stake = {{"swap", ref("balancer_swap")}, {"tao_requested", d}, {"alpha", d}, {"tao_unswapped", d},
                  {"author_tao", d}, {"burned_tao", d}};
    json unstake = {{"swap", ref("balancer_swap")}, {"alpha_requested", d}, {"alpha_refund", d}, {"tao", d},
                    {"fee_swap", ref("balancer_swap")}, {"author_tao", d}, {"burned_alpha", d}};
    if (op == "add_stake") {
        stake["pool"] = ref("balancer_pool_after");
        return all_required(stake);
    }
    if (op == "remove_stake") {
        unstake["pool"] = ref("balancer_pool_after");
        return all_required(unstake);
    }
    if (op == "update_moving_price")
        return all_required({{"subnet_moving_price", f}, {"alpha", f}, {"price", f}, {"blocks_since", f}});
    if (op == "coinbase" || op == "block") {
        json em = {{"netuid", d}, {"capped", b}, {"chain_buy_ok", b}};
        for (const char* k : {"moving_price", "price_share", "share", "emission_share", "tao_emission", "alpha_emission",
                              "price", "root_proportion_pre", "cap", "tao_in", "alpha_in", "alpha_out", "excess_tao",
                              "owner_cut", "root_proportion_post", "root_alpha", "server", "validator"})
            em[k] = f;
        for (const char* k : {"injected_tao", "injected_alpha", "excess_spent", "chain_buy_paid_in", "chain_buy_alpha",
                              "stranded_tao", "root_alpha_recycled"})
            em[k] = d;
        json ep = all_required({{"netuid", d}, {"deferred", b}, {"pending_server", d}, {"pending_validator", d},
                                {"pending_root_alpha", d}, {"pending_owner_cut", d}});
        json props = {{"credit", d},
                      {"root_sell_flag", b},
                      {"emissions", {{"type", "array"}, {"items", all_required(em)}}},
                      {"tao_spent", d},
                      {"tao_recycled", d},
                      {"epochs", {{"type", "array"}, {"items", ep}}},
                      {"root_prop", {{"type", "array"}, {"items", all_required({{"netuid", d}, {"root_prop", f}})}}},
                      {"state", ref("balancer_state")}};
        if (op == "block")
            props["actions"] = {{"type", "array"},
                                {"items",
                                 {{"oneOf",
                                   {all_required(stake), all_required(unstake),
                                    all_required({{"error", ref("rule_error")}})}}}}};
        return all_required(props);
    }
    if (op == "dividend_distribution")
        return all_required({{"alpha_dividends", {{"type", "object"}, {"additionalProperties", f}}},
                             {"root_alpha_dividends", {{"type", "object"}, {"additionalProperties", f}}}});
    if (op == "register_network")
        return all_required({{"netuid", d}, {"lock_cost", d}, {"median_price", f}, {"pool_tao", d}, {"pool_alpha", d},
                             {"recycled", d}, {"state", ref("balancer_state")}});
    if (op == "start_call")
        return all_required({{"first_emission_block_number", d}, {"state", ref("balancer_state")}});
    return {{"type", "object"}};
}

json output_schema(const std::string& op)
{
    auto d = ref("dec");
    auto f = ref("fixed");
    auto n = ref("number");
    if (op == "block_emission")
        return all_required({{"emission", d}, {"halvings", d}, {"q", f}, {"residual", f}});
    if (op == "alpha_price")
        return all_required({{"price", f}});
    if (op == "sim_swap_tao_for_alpha")
        return strict_object({{"alpha_out", d}, {"k", f}, {"new_reserve", f}}, {"alpha_out"});
    if (op == "sim_swap_alpha_for_tao")
        return strict_object({{"tao_out", d}, {"k", f}, {"new_reserve", f}}, {"tao_out"});
    if (op == "max_amount_add" || op == "max_amount_remove")
        return all_required({{"max_amount", d}});
    if (op == "add_stake")
        return all_required({{"tao_staked", d}, {"alpha", d}, {"fee", d}, {"pool", ref("pool_after")}});
    if (op == "remove_stake")
        return all_required({{"tao", d}, {"tao_unstaked", d}, {"fee", d}, {"pool", ref("pool_after")}});
    if (op == "update_moving_price")
        return all_required({{"subnet_moving_price", f}, {"alpha", f}, {"price", f}, {"blocks_since", d}});
    if (op == "coinbase" || op == "block") {
        json em = {{"netuid", d}, {"root_tao", d}};
        for (const char* k : {"price", "moving_price", "alpha_emission", "tao_in", "alpha_in", "alpha_out", "owner_cut",
                              "root_proportion", "root_alpha", "pending_alpha"})
            em[k] = n;
        json dr = {{"netuid", d}, {"pending_alpha", d}, {"pending_tao", d}, {"pending_swapped", d}, {"owner_cut", d}};
        json props = {{"block_emission", n},
                      {"emissions", {{"type", "array"}, {"items", all_required(em)}}},
                      {"drains", {{"type", "array"}, {"items", all_required(dr)}}},
                      {"state", ref("state")}};
        if (op == "block")
            props["actions"] = {{"type", "array"},
                                {"items",
                                 {{"oneOf",
                                   {all_required({{"tao_staked", d}, {"alpha", d}, {"fee", d}}),
                                    all_required({{"tao", d}, {"tao_unstaked", d}, {"fee", d}}),
                                    all_required({{"error", ref("rule_error")}})}}}}};
        return all_required(props);
    }
    if (op == "drain_pending_emission") {
        json payout = all_required({{"incentive", d}, {"incentive_burned", {{"type", "boolean"}}}, {"alpha_take", d},
                                    {"alpha_dividend", d}, {"tao_take", d}, {"tao_dividend", d}});
        return all_required({{"payouts", {{"type", "object"}, {"additionalProperties", payout}}},
                             {"dividends", {{"type", "object"}, {"additionalProperties", n}}},
                             {"owner_cut_paid", d}, {"total_root_divs", n}, {"pending_validator_alpha", d},
                             {"alpha_paid", d}, {"tao_paid", d}});
    }
    if (op == "network_lock_cost")
        return all_required({{"lock_cost", d}, {"lock_reduction_interval", d}});
    if (op == "register_network")
        return all_required({{"netuid", d}, {"lock_cost", d}, {"pool_tao", d}, {"burned", d}, {"state", ref("state")}});
    if (op == "start_call")
        return all_required({{"first_emission_block_number", d}, {"state", ref("state")}});
    if (op == "blocks_until_next_epoch")
        return all_required({{"blocks", d}, {"runs", {{"type", "boolean"}}}});
    return {{"type", "object"}};
}

json family_schema(const FamilyInfo& fam)
{
    json defs = common_defs();
    std::vector<std::string> ops(fam.ops.begin(), fam.ops.end());
    json outputs = json::array();
    for (const auto& op : ops) {
        if (protocol::op_in_ruleset(op, V2_0_10))
            outputs.push_back(output_schema(op));
        if (protocol::op_in_ruleset(op, MAIN_14BC6F9)) {
            const json b = balancer_output_schema(op);
            if (!b.is_null())
                outputs.push_back(b);
        }
    }
    defs["output"] = {{"anyOf", outputs}};
    defs["request"] = all_required({{"id", {{"type", "string"}, {"minLength", 1}}},
                                    {"ruleset", ref("ruleset_id")},
                                    {"op", {{"enum", ops}}},
                                    {"arithmetic", {{"const", "chain"}}},
                                    {"input", {{"type", "object"}, {"description", "the op's input, as in spec/protocol.md"}}}});
    defs["expected"] = {{"oneOf",
                         {all_required({{"output", ref("output")}}),
                          all_required({{"error", ref("rule_error")}, {"unchanged", {{"type", "object"}}}})}}};
    defs["exact"] = {{"type", "object"},
                     {"properties", {{"error", {{"anyOf", {ref("rule_error"), {{"type", "null"}}}}}},
                                     {"fields", {{"type", "object"}, {"additionalProperties", ref("leaf")}, {"minProperties", 1}}}}},
                     {"additionalProperties", false},
                     {"minProperties", 1}};
    defs["case"] = strict_object({{"id", {{"type", "string"}, {"pattern", "^[A-Za-z0-9][A-Za-z0-9._,=*+-]*$"}}},
                                  {"comment", {{"type", "string"}, {"minLength", 1}, {"pattern", "^[^\\n]*$"}}},
                                  {"flags", {{"type", "array"}, {"items", ref("flag")}, {"uniqueItems", true}}},
                                  {"request", ref("request")},
                                  {"expected", ref("expected")},
                                  {"exact", ref("exact")},
                                  {"intermediates", {{"type", "object"}, {"additionalProperties", ref("leaf")}}}},
                                 {"id", "comment", "flags", "request", "expected", "intermediates"});
    defs["group"] = all_required({{"name", {{"type", "string"}, {"minLength", 1}}},
                                  {"comment", {{"type", "string"}, {"minLength", 1}}},
                                  {"op", {{"enum", ops}}},
                                  {"intermediate_fields", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                                  {"rules", {{"type", "array"}, {"items", ref("rule")}, {"minItems", 1}}},
                                  {"flags", {{"type", "array"}, {"items", ref("flag")}, {"uniqueItems", true}}},
                                  {"cases", {{"type", "array"}, {"items", ref("case")}, {"minItems", 1}}}});
    json schema = all_required({{"schema", {{"const", "dtao-vectors/" + std::string(fam.name)}}},
                                {"schema_version", {{"const", SCHEMA_VERSION}}},
                                {"protocol_version", {{"const", protocol::PROTOCOL_VERSION}}},
                                {"family", {{"const", std::string(fam.name)}}},
                                {"name", {{"type", "string"}, {"pattern", "^[a-z0-9_]+$"}}},
                                {"comment", {{"type", "string"}}},
                                {"ruleset", ref("ruleset")},
                                {"generator", ref("generator")},
                                {"case_count", {{"type", "integer"}, {"minimum", 1}}},
                                {"groups", {{"type", "array"}, {"items", ref("group")}, {"minItems", 1}}}});
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    schema["$id"] = "https://github.com/dtao-conformance/vectors/schema/" + std::string(fam.name) + ".schema.json";
    schema["title"] = "dTAO test vectors, family " + std::string(fam.name) + ": " + std::string(fam.description);
    schema["$defs"] = defs;
    return schema;
}

json index_schema()
{
    json defs = common_defs();
    std::vector<std::string> fams;
    for (const auto& f : family_list())
        fams.emplace_back(f.name);
    json entry = all_required({{"path", {{"type", "string"}, {"pattern", "^[^/]+/[a-z]+/[a-z0-9_]+\\.json$"}}},
                               {"ruleset", ref("ruleset_id")},
                               {"family", {{"enum", fams}}},
                               {"name", {{"type", "string"}}},
                               {"ops", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                               {"rules", {{"type", "array"}, {"items", ref("rule")}}},
                               {"flags", {{"type", "array"}, {"items", ref("flag")}}},
                               {"case_count", {{"type", "integer"}, {"minimum", 1}}},
                               {"bytes", {{"type", "integer"}, {"minimum", 1}}},
                               {"sha256", {{"type", "string"}, {"pattern", "^[0-9a-f]{64}$"}}}});
    json rs = json::array();
    json flag_doc = json::object();
    json schema = all_required({{"schema", {{"const", "dtao-vectors/index"}}},
                                {"schema_version", {{"const", SCHEMA_VERSION}}},
                                {"protocol_version", {{"const", protocol::PROTOCOL_VERSION}}},
                                {"generator", {{"type", "object"}}},
                                {"rulesets", {{"type", "array"}, {"items", ref("ruleset")}}},
                                {"families", {{"type", "object"}}},
                                {"flags", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}},
                                {"case_count", {{"type", "integer"}}},
                                {"files", {{"type", "array"}, {"items", entry}}}});
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    schema["$id"] = "https://github.com/dtao-conformance/vectors/schema/index.schema.json";
    schema["title"] = "dTAO test vectors: index of every vector file";
    schema["$defs"] = defs;
    return schema;
}

std::string pretty(const json& j) { return j.dump(2) + "\n"; }

json ruleset_json(const Ruleset& r)
{
    return {{"id", std::string(r.id)},
            {"tag", std::string(r.id)},
            {"commit", std::string(r.commit)},
            {"spec_version", r.spec_version},
            {"date", std::string(r.date)}};
}

}  // namespace

// ------------------------------------------------------------------ generate

GenerateResult generate(const std::filesystem::path& fillers_dir, const std::string& generator_version)
{
    GenerateResult result;
    std::vector<std::filesystem::path> fillers;
    for (const auto& e : std::filesystem::directory_iterator(fillers_dir))
        if (e.is_regular_file() && e.path().extension() == ".json")
            fillers.push_back(e.path());
    std::sort(fillers.begin(), fillers.end());
    if (fillers.empty())
        filler_error("no fillers in " + fillers_dir.string());

    json index_files = json::array();
    for (const auto& filler_path : fillers) {
        const std::string bytes = read_file(filler_path);
        const std::string filler_rel = "vectors/fillers/" + filler_path.filename().string();
        json filler;
        try {
            filler = json::parse(bytes);
        } catch (const json::exception& e) {
            filler_error(filler_rel + ": " + e.what());
        }
        const std::string family = filler.at("family").get<std::string>();
        const FamilyInfo* fam = find_family(family);
        if (!fam)
            filler_error(filler_rel + ": unknown family " + family);
        // A filler serves one era: "launch" (v2.0.x, the default) or "balancer" (v3.4.8-423+).
        const std::string era = filler.value("era", std::string("launch"));
        if (era != "launch" && era != "balancer")
            filler_error(filler_rel + ": era must be \"launch\" or \"balancer\", got \"" + era + "\"");
        for (const auto& file : filler.at("files")) {
            const std::string name = file.at("name").get<std::string>();
            for (const auto& rs : RULESETS) {
                if (is_balancer_era(rs) != (era == "balancer"))
                    continue;
                const std::string ruleset(rs.id);
                json groups = json::array();
                std::set<std::string> rules_all, flags_all, ops_all;
                std::set<std::string> ids;
                std::size_t count = 0;
                for (const auto& g : file.at("groups")) {
                    const std::string gname = g.at("name").get<std::string>();
                    const auto only = strings_of(g.value("rulesets", json()), gname + ".rulesets");
                    if (!only.empty() && std::find(only.begin(), only.end(), ruleset) == only.end())
                        continue;
                    const std::string op = g.at("op").get<std::string>();
                    if (std::find(fam->ops.begin(), fam->ops.end(), op) == fam->ops.end())
                        filler_error(filler_rel + ": op " + op + " is not in family " + family);
                    const auto rules = strings_of(g.at("rules"), gname + ".rules");
                    const auto gflags = strings_of(g.value("flags", json::array()), gname + ".flags");
                    for (const auto& f : gflags)
                        if (!is_known_flag(f))
                            filler_error(filler_rel + ": " + gname + ": unknown flag " + f);
                    std::vector<Draft> drafts;
                    for (const auto& c : g.value("cases", json::array())) {
                        Draft d;
                        d.id = c.at("id").get<std::string>();
                        d.comment = c.at("comment").get<std::string>();
                        d.flags = strings_of(c.value("flags", json::array()), gname + "." + d.id + ".flags");
                        d.input = c.at("input");
                        if (c.contains("intermediates"))
                            d.extra_intermediates = c["intermediates"];
                        drafts.push_back(d);
                    }
                    if (g.contains("generate")) {
                        auto more = run_generator(g["generate"], op, ruleset, fillers_dir);
                        if (!protocol::op_in_ruleset(op, rs))
                            filler_error(filler_rel + ": " + gname + ": op " + op + " is not an op of " + ruleset);
                        drafts.insert(drafts.end(), more.begin(), more.end());
                    }
                    const std::set<std::string> gflag_set(gflags.begin(), gflags.end());
                    json cases = json::array();
                    for (auto& d : drafts) {
                        const std::string local = gname + "." + d.id;
                        if (!ids.insert(local).second)
                            filler_error(filler_rel + ": duplicate case id " + local);
                        d.id = local;
                        const std::string global = ruleset + "/" + family + "/" + name + "/" + local;
                        json c = make_case(d, global, ruleset, op, gflag_set);
                        for (const auto& f : c["flags"])
                            flags_all.insert(f.get<std::string>());
                        cases.push_back(std::move(c));
                    }
                    if (cases.empty())
                        continue;
                    count += cases.size();
                    rules_all.insert(rules.begin(), rules.end());
                    flags_all.insert(gflags.begin(), gflags.end());
                    ops_all.insert(op);
                    groups.push_back({{"name", gname},
                                      {"comment", g.at("comment").get<std::string>()},
                                      {"intermediate_fields", intermediate_fields(op, is_balancer_era(rs))},
                                      {"op", op},
                                      {"rules", rules},
                                      {"flags", gflags},
                                      {"cases", cases}});
                }
                if (groups.empty())
                    continue;
                json doc = {{"schema", "dtao-vectors/" + family},
                            {"schema_version", SCHEMA_VERSION},
                            {"protocol_version", protocol::PROTOCOL_VERSION},
                            {"family", family},
                            {"name", name},
                            {"comment", file.value("comment", std::string())},
                            {"ruleset", ruleset_json(rs)},
                            {"generator",
                             {{"name", "dtao vectors generate"},
                              {"version", generator_version},
                              {"filler", filler_rel},
                              {"filler_sha256", sha256_hex(bytes)}}},
                            {"case_count", count},
                            {"groups", groups}};
                const std::string path = ruleset + "/" + family + "/" + name + ".json";
                const std::string out = dump_vector_file(doc);
                result.files[path] = out;
                result.cases += count;
                result.cases_per_family[family] += count;
                index_files.push_back({{"path", path},
                                       {"ruleset", ruleset},
                                       {"family", family},
                                       {"name", name},
                                       {"ops", ops_all},
                                       {"rules", rules_all},
                                       {"flags", flags_all},
                                       {"case_count", count},
                                       {"bytes", out.size()},
                                       {"sha256", sha256_hex(out)}});
            }
        }
    }
    std::sort(index_files.begin(), index_files.end(),
              [](const json& a, const json& b) { return a["path"].get<std::string>() < b["path"].get<std::string>(); });

    json rulesets = json::array();
    for (const auto& r : RULESETS)
        rulesets.push_back(ruleset_json(r));
    json families = json::object();
    for (const auto& f : family_list()) {
        families[std::string(f.name)] = {{"ops", std::vector<std::string>(f.ops.begin(), f.ops.end())},
                                         {"description", std::string(f.description)},
                                         {"schema", "schema/" + std::string(f.name) + ".schema.json"},
                                         {"case_count", result.cases_per_family[std::string(f.name)]}};
        result.files["schema/" + std::string(f.name) + ".schema.json"] = pretty(family_schema(f));
    }
    result.files["schema/index.schema.json"] = pretty(index_schema());
    json flags = json::object();
    for (const auto& f : flag_list())
        flags[std::string(f.name)] = std::string(f.description);
    json index = {{"schema", "dtao-vectors/index"},
                  {"schema_version", SCHEMA_VERSION},
                  {"protocol_version", protocol::PROTOCOL_VERSION},
                  {"generator", {{"name", "dtao vectors generate"}, {"version", generator_version}}},
                  {"rulesets", rulesets},
                  {"families", families},
                  {"flags", flags},
                  {"case_count", result.cases},
                  {"files", index_files}};
    result.files["index.json"] = dump_vector_file(index);
    return result;
}

namespace {

/// Files a generation owns on disk: index, schemas, and `<ruleset>/**.json`.
std::set<std::string> generated_on_disk(const std::filesystem::path& dir)
{
    std::set<std::string> out;
    std::error_code ec;
    if (std::filesystem::exists(dir / "index.json"))
        out.insert("index.json");
    for (const char* sub : {"schema"})
        for (auto it = std::filesystem::directory_iterator(dir / sub, ec); !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
            if (it->path().filename().string().size() > 12 && it->path().string().ends_with(".schema.json"))
                out.insert(std::string(sub) + "/" + it->path().filename().string());
    for (const auto& r : RULESETS) {
        const auto base = dir / std::string(r.id);
        if (!std::filesystem::exists(base))
            continue;
        for (auto it = std::filesystem::recursive_directory_iterator(base, ec);
             !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
            if (it->is_regular_file())
                out.insert(std::filesystem::relative(it->path(), dir).generic_string());
    }
    return out;
}

}  // namespace

std::vector<std::string> diff_against_disk(const GenerateResult& g, const std::filesystem::path& dir)
{
    std::vector<std::string> out;
    for (const auto& [path, bytes] : g.files) {
        std::ifstream f(dir / path, std::ios::binary);
        if (!f) {
            out.push_back("missing: " + path);
            continue;
        }
        std::ostringstream ss;
        ss << f.rdbuf();
        if (ss.str() != bytes)
            out.push_back("differs: " + path);
    }
    for (const auto& path : generated_on_disk(dir))
        if (!g.files.count(path))
            out.push_back("not generated (stale): " + path);
    return out;
}

std::size_t write_generation(const GenerateResult& g, const std::filesystem::path& dir)
{
    for (const auto& path : generated_on_disk(dir))
        if (!g.files.count(path))
            std::filesystem::remove(dir / path);
    std::size_t n = 0;
    for (const auto& [path, bytes] : g.files) {
        const auto target = dir / path;
        std::filesystem::create_directories(target.parent_path());
        {
            std::ifstream f(target, std::ios::binary);
            if (f) {
                std::ostringstream ss;
                ss << f.rdbuf();
                if (ss.str() == bytes)
                    continue;
            }
        }
        const auto tmp = target.string() + ".tmp";
        {
            std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
            o << bytes;
            if (!o)
                throw std::runtime_error("cannot write " + tmp);
        }
        std::filesystem::rename(tmp, target);
        ++n;
    }
    return n;
}

}  // namespace dtao::vectors
