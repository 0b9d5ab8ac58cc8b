// dtao: vector generation from fillers: cases, vector files, index, and the
// comparison with (and writing to) the vectors directory.
// SPDX-License-Identifier: Apache-2.0
//
// Inputs come from the fillers in vectors/fillers/ (hand-written cases and
// named, seeded generators: generators.cpp, or supplied by the caller); every
// expected value comes from dtao::protocol::evaluate, the code path of `dtao eval`.
// Schemas: schema.cpp.
#include "generate_detail.hpp"
#include "output_file.hpp"

#include "protocol.hpp"
#include "values.hpp"

#include "dtao/capabilities.hpp"
#include "dtao/errors.hpp"
#include "dtao/ruleset.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace dtao::vectors {

using namespace detail;

[[noreturn]] void filler_error(const std::string& m) { throw std::runtime_error("filler: " + m); }

json filler_eval(const std::string& ruleset, const std::string& op, const json& input)
{
    return eval_or_throw(request_for("gen", ruleset, op, input));
}

u64 filler_u64(const json& j, const std::string& where)
{
    if (j.is_string()) {
        const auto v = protocol::parse_decimal(j.get<std::string>(), file_integer(0, Int(U64_MAX))).value;
        if (v)
            return v->convert_to<u64>();
    }
    if (j.is_number_unsigned())
        return j.get<u64>();
    filler_error(where + ": expected a u64 (decimal string)");
}

namespace detail {

json request_for(const std::string& global_id, const std::string& ruleset, const std::string& op, const json& input,
                 const char* arithmetic)
{
    return {{"id", global_id}, {"ruleset", ruleset}, {"op", op}, {"arithmetic", arithmetic}, {"input", input}};
}

json eval_or_throw(const json& request)
{
    json r = protocol::evaluate(request);
    if (r.contains("message"))
        filler_error("request " + request.dump() + " is invalid: " + r["error"].get<std::string>() + ": " +
                     r["message"].get<std::string>());
    return r;
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

}  // namespace detail

namespace {

std::string read_file(const std::filesystem::path& p)
{
    std::ifstream f(p, std::ios::binary);
    if (!f)
        filler_error("cannot read " + p.string());
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

/// A group's generator: a built-in kind, or one the caller supplied (`generators`).
std::vector<Draft> run_generator(const json& g, const std::string& op, const std::string& ruleset,
                                 const std::filesystem::path& fillers_dir, const Generators& generators)
{
    if (auto drafts = run_builtin_generator(g, op, ruleset))
        return std::move(*drafts);
    const std::string kind = g.at("kind").get<std::string>();
    const auto it = generators.find(kind);
    if (it == generators.end())
        filler_error("unknown generator kind \"" + kind + "\"" +
                     (kind == "scenario_blocks"
                          ? " (the scenario engine supplies it: dtao::scenario::vector_generators())"
                          : ""));
    return it->second(GeneratorCall{g, op, ruleset, fillers_dir});
}

}  // namespace

std::vector<std::string> intermediate_fields(const std::string& op, const Ruleset& rules)
{
    // Keyed by the op's form (capabilities.hpp): each form has its own outputs.
    static const std::map<std::pair<std::string, Form>, std::vector<std::string>> table = {
        {{"block_emission", Form::common}, {"halvings", "q", "residual"}},
        {{"sim_swap_tao_for_alpha", Form::constant_product}, {"k", "new_reserve"}},
        {{"sim_swap_alpha_for_tao", Form::constant_product}, {"k", "new_reserve"}},
        {{"add_stake", Form::constant_product}, {"fee", "tao_staked"}},
        {{"remove_stake", Form::constant_product}, {"fee", "tao"}},
        {{"update_moving_price", Form::launch}, {"alpha", "price", "blocks_since"}},
        {{"block", Form::launch}, {"actions[*].*", "emissions[*].moving_price", "emissions[*].tao_in"}},
        {{"coinbase", Form::launch},
         {"block_emission", "emissions[*].price", "emissions[*].moving_price", "emissions[*].alpha_emission",
          "emissions[*].tao_in", "emissions[*].alpha_in", "emissions[*].root_proportion", "emissions[*].root_alpha"}},
        {{"coinbase", Form::v3_price_share},
         {"block_emission", "emissions[*].price", "emissions[*].moving_price", "emissions[*].alpha_emission",
          "emissions[*].tao_in", "emissions[*].alpha_in", "emissions[*].root_proportion", "emissions[*].root_alpha",
          "emissions[*].subsidized", "emissions[*].subsidy_tao"}},
        {{"drain_pending_emission", Form::launch}, {"total_root_divs", "pending_validator_alpha", "dividends.*"}},
        {{"register_network", Form::launch}, {"lock_cost"}},
        {{"swap", Form::balancer}, {"amount_paid_in", "fee_paid"}},
        {{"add_stake", Form::balancer}, {"swap.*", "tao_requested"}},
        {{"remove_stake", Form::balancer}, {"swap.*", "alpha_requested", "fee_swap.*"}},
        {{"update_moving_price", Form::injection_capped}, {"alpha", "price", "blocks_since"}},
        {{"coinbase", Form::injection_capped},
         {"credit", "emissions[*].moving_price", "emissions[*].share", "emissions[*].tao_emission",
          "emissions[*].alpha_emission", "emissions[*].price", "emissions[*].cap", "emissions[*].tao_in",
          "emissions[*].alpha_in", "emissions[*].excess_tao", "emissions[*].root_alpha"}},
        {{"block", Form::injection_capped}, {"actions[*].*", "emissions[*].tao_in", "emissions[*].excess_tao"}},
        {{"register_network", Form::injection_capped}, {"lock_cost", "median_price"}},
    };
    const auto id = find_op(op);
    if (!id)
        return {};
    const auto it = table.find({op, form_of(rules, *id)});
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
        else if (std::string(k) == "subnet_alpha_out" ||
                 (std::string(k) == "total_stake" && op.find("stake") != std::string::npos))
            o[k] = "0";
    return o;
}

}  // namespace

Expectation expectation(const json& request)
{
    Expectation e;
    const std::string op = request.at("op").get<std::string>();
    const std::string ruleset = request.at("ruleset").get<std::string>();
    const json& input = request.at("input");
    const json chain = protocol::evaluate(request);
    if (chain.contains("message")) {
        e.invalid = chain["error"].get<std::string>() + ": " + chain["message"].get<std::string>();
        return e;
    }
    // `block` (scenario family): no exact-model values. One block's exact answer
    // from a chain state says little about a scenario, and its rationals grow to
    // hundreds of digits per field (the coinbase family has the exact coinbase).
    // A form without an exact model (the v3 pool's, RSET-024) has no exact values either.
    const auto rules = find_ruleset(ruleset);
    const auto id = find_op(op);
    const bool with_exact = op != "block" && rules && id && has_exact_model(form_of(*rules, *id));
    json exact_request = request;
    exact_request["arithmetic"] = "exact";
    const json exact = with_exact ? eval_or_throw(exact_request) : json();
    auto add_flag = [&](const std::string& f) {
        if (std::find(e.flags.begin(), e.flags.end(), f) == e.flags.end())
            e.flags.push_back(f);
    };
    if (op.rfind("max_amount_", 0) == 0 || op == "add_stake" || op == "remove_stake") {
        json pool = json::object();
        for (const char* k : {"netuid", "subnet_mechanism", "subnet_tao", "subnet_alpha_in", "subnet_alpha_out",
                              "swap_balancer_quote_parts", "pal_swap_initialized", "fee_rate"})
            if (input.contains(k))
                pool[k] = input[k];
        const json p = protocol::evaluate(request_for("gen", ruleset, "alpha_price", pool));
        if (p.contains("output"))
            e.intermediates["spot_price"] = p["output"]["price"];
    }
    e.expected = json::object();
    if (chain.contains("error")) {
        e.expected["error"] = chain["error"];
        e.expected["unchanged"] = unchanged_state(op, input);
        add_flag("RULE_ERROR");
    } else {
        e.expected["output"] = chain["output"];
    }
    if (op == "block_emission" && chain.contains("output") && exact.contains("output") &&
        chain["output"]["halvings"] != exact["output"]["halvings"])
        add_flag("HALVING_BOUNDARY");  // the chain counts halvings differently from the exact rule here
    if (op.rfind("sim_swap_", 0) == 0 && chain.contains("output") && chain["output"].contains("k") &&
        chain["output"]["k"]["bits"] == "170141183460469231731687303715884105727")
        add_flag("OVERFLOW_SATURATION");  // k saturated (findings F-008)
    e.exact = with_exact ? exact_diff(chain, exact) : json();
    if (!e.exact.is_null())
        add_flag("EXACT_DIFFERS");
    return e;
}

std::vector<std::string> input_flags(const json& input)
{
    if (!input.is_object() || !input.contains("subnet_tao"))
        return {};  // no pool of its own (a state, or no pool at all)
    const auto zero = [&](const char* k) { return input.contains(k) && input[k] == "0"; };
    if (zero("netuid") || zero("subnet_mechanism"))
        return {"STABLE_POOL"};
    return {};
}

namespace {

json make_case(const Draft& d, const std::string& global_id, const std::string& ruleset, const std::string& op,
               const std::set<std::string>& group_flags)
{
    const json request = request_for(global_id, ruleset, op, d.input);
    const Expectation e = expectation(request);
    if (e.invalid)
        filler_error("request " + request.dump() + " is invalid: " + *e.invalid);
    json c;
    c["id"] = d.id;
    c["comment"] = d.comment;
    c["request"] = request;
    c["expected"] = e.expected;
    std::vector<std::string> flags = d.flags;
    for (const auto& f : e.flags)
        if (!group_flags.count(f) && std::find(flags.begin(), flags.end(), f) == flags.end())
            flags.push_back(f);
    json inter = d.extra_intermediates;
    for (const auto& [k, v] : e.intermediates.items())
        inter[k] = v;
    if (!e.exact.is_null())
        c["exact"] = e.exact;
    c["intermediates"] = inter;
    std::sort(flags.begin(), flags.end());
    for (const auto& f : flags)
        if (!is_known_flag(f))
            filler_error("case " + global_id + ": unknown flag " + f);
    c["flags"] = flags;
    return c;
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

GenerateResult generate(const std::filesystem::path& fillers_dir, const std::string& generator_version,
                        const Generators& generators)
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
        // A filler serves the rulesets of one or more era labels (`Ruleset::era`): "launch"
        // (v2.0.x, the default), "balancer" (v3.4.8-423 … main 14bc6f9), "mainnet" (spec 432+),
        // as a string or a list. The label only selects; the ops' forms come from the capability
        // table.
        std::vector<std::string> eras{"launch"};
        if (filler.contains("era"))
            eras = filler["era"].is_string() ? std::vector<std::string>{filler["era"].get<std::string>()}
                                             : strings_of(filler["era"], "era");
        for (const auto& era : eras)
            if (std::none_of(RULESETS.begin(), RULESETS.end(), [&](const Ruleset& r) { return r.era == era; }))
                filler_error(filler_rel + ": era \"" + era + "\" labels no ruleset (see `dtao rulesets`)");
        for (const auto& file : filler.at("files")) {
            const std::string name = file.at("name").get<std::string>();
            for (const auto& rs : RULESETS) {
                if (std::find(eras.begin(), eras.end(), std::string(rs.era)) == eras.end())
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
                        auto more = run_generator(g["generate"], op, ruleset, fillers_dir, generators);
                        if (!more.empty() && !protocol::op_in_ruleset(op, rs))
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
                                      {"intermediate_fields", intermediate_fields(op, rs)},
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
        for (auto it = std::filesystem::directory_iterator(dir / sub, ec);
             !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
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
    auto write_if_changed = [&](const std::string& path, const std::string& bytes) {
        const auto target = dir / path;
        {
            std::ifstream f(target, std::ios::binary);
            if (f) {
                std::ostringstream ss;
                ss << f.rdbuf();
                if (ss.str() == bytes)
                    return;
            }
        }
        write_file_atomic(target, bytes);
        ++n;
    };
    // The index last: it vouches for the files' hashes, so it must not name
    // files that a failed write left at their old bytes.
    for (const auto& [path, bytes] : g.files)
        if (path != "index.json")
            write_if_changed(path, bytes);
    if (const auto it = g.files.find("index.json"); it != g.files.end())
        write_if_changed(it->first, it->second);
    return n;
}

}  // namespace dtao::vectors
