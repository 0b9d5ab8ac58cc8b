// dtao scenario: loading and validating scenario files, the initial state, the
// grid of runs (see scenario.hpp); the engine: engine.hpp.
// SPDX-License-Identifier: Apache-2.0
#include "engine.hpp"
#include "grid.hpp"
#include "schema_check.hpp"

#include "dtao/capabilities.hpp"
#include "dtao/ruleset.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace dtao::scenario {

namespace fs = std::filesystem;

namespace detail {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("scenario: " + what); }

// ---------------------------------------------------------------- parsing

/// An amount in TAO (or alpha) units: a decimal string with up to 9 decimals
/// ("2000", "0.5"), an integer JSON number, or "rao:<n>". Returns rao.
u64 parse_amount(const json& v, const std::string& field)
{
    if (v.is_number_unsigned())
        return sat_mul(v.get<u64>(), RAO_PER_TAO);
    if (v.is_number_integer() && v.get<long long>() >= 0)
        return sat_mul(static_cast<u64>(v.get<long long>()), RAO_PER_TAO);
    if (!v.is_string())
        fail(field + ": an amount is a decimal string of TAO (\"2000\", \"0.5\") or \"rao:<n>\"");
    std::string s = v.get<std::string>();
    Int whole = 0, frac = 0;
    int fdigits = 0;
    if (s.rfind("rao:", 0) == 0) {
        s = s.substr(4);
        if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
            fail(field + ": bad rao amount");
        Int r(s);
        if (r > Int(U64_MAX))
            fail(field + ": above u64::MAX rao");
        return r.convert_to<u64>();
    }
    const auto dot = s.find('.');
    const std::string w = s.substr(0, dot);
    const std::string f = dot == std::string::npos ? "" : s.substr(dot + 1);
    if (w.empty() || w.find_first_not_of("0123456789") != std::string::npos ||
        f.find_first_not_of("0123456789") != std::string::npos || f.size() > 9)
        fail(field + ": bad amount \"" + v.get<std::string>() + "\"");
    whole = Int(w);
    if (!f.empty()) {
        frac = Int(f);
        fdigits = static_cast<int>(f.size());
    }
    Int scale = 1;
    for (int i = fdigits; i < 9; ++i)
        scale *= 10;
    const Int r = whole * RAO_PER_TAO + frac * scale;
    if (r > Int(U64_MAX))
        fail(field + ": above u64::MAX rao");
    return r.convert_to<u64>();
}

double num(const json& o, const char* key, double dflt)
{
    if (!o.contains(key))
        return dflt;
    if (!o.at(key).is_number())
        fail(std::string(key) + ": expected a number");
    return o.at(key).get<double>();
}

u64 uint(const json& o, const char* key, u64 dflt)
{
    if (!o.contains(key) || o.at(key).is_null())
        return dflt;
    const auto& v = o.at(key);
    if (v.is_number_unsigned())
        return v.get<u64>();
    if (v.is_number_integer() && v.get<long long>() >= 0)
        return static_cast<u64>(v.get<long long>());
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
            fail(std::string(key) + ": expected an unsigned integer");
        return std::stoull(s);
    }
    fail(std::string(key) + ": expected an unsigned integer");
}

std::string fmt(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.12g", v);
    return buf;
}

Strategy parse_strategy(const std::string& s)
{
    if (s == "none")
        return Strategy::none;
    if (s == "buy_to_price")
        return Strategy::buy_to_price;
    if (s == "buy_every")
        return Strategy::buy_every;
    if (s == "sell_rule")
        return Strategy::sell_rule;
    if (s == "round_trip")
        return Strategy::round_trip;
    if (s == "sandwich")
        return Strategy::sandwich;
    if (s == "register")
        return Strategy::register_subnet;
    if (s == "limit_buy")
        return Strategy::limit_buy;
    fail("actors[].strategy: unknown strategy \"" + s + "\"");
}

ChainState build_state(const json& sc, RunParams& rp)
{
    const json& p = sc.value("params", json::object());
    const json& st = sc.at("state");
    ChainState cs;
    cs.block = uint(st, "block", 1);
    cs.total_issuance =
        st.contains("total_issuance") ? parse_amount(st.at("total_issuance"), "state.total_issuance") : 0;
    if (p.contains("moving_alpha"))
        cs.subnet_moving_alpha_bits = fixed::I96F32::from_f64(num(p, "moving_alpha", 3e-6)).bits;
    if (p.contains("moving_alpha_bits"))
        cs.subnet_moving_alpha_bits = static_cast<i128>(uint(p, "moving_alpha_bits", DEFAULT_MOVING_ALPHA_BITS));
    if (p.contains("tao_weight")) {
        const double w = num(p, "tao_weight", 0.18);
        if (w < 0 || w > 1)
            fail("params.tao_weight: a fraction in [0, 1]");
        cs.tao_weight = w == 0.18 ? LAUNCH_TAO_WEIGHT
                                  : static_cast<u64>(static_cast<long double>(w) * static_cast<long double>(U64_MAX));
    }
    cs.subnet_owner_cut = uint(p, "owner_cut", DEFAULT_SUBNET_OWNER_CUT);
    if (cs.subnet_owner_cut > 65535)
        fail("params.owner_cut: a u16");
    if (p.contains("block_emission") && !p.at("block_emission").is_null()) {
        rp.fixed_emission = true;
        rp.block_emission = parse_amount(p.at("block_emission"), "params.block_emission");
    }
    if (p.contains("fee_flat"))
        rp.fee_flat = parse_amount(p.at("fee_flat"), "params.fee_flat");
    rp.fee_rate = num(p, "fee_rate", 0);
    // registration's lock cost (REG-001): its floor and the last lock paid
    if (p.contains("min_lock_cost"))
        cs.network_min_lock_cost = parse_amount(p.at("min_lock_cost"), "params.min_lock_cost");
    if (p.contains("last_lock_cost"))
        cs.network_last_lock_cost = parse_amount(p.at("last_lock_cost"), "params.last_lock_cost");
    const u64 halving = uint(p, "ema_halving_blocks", DEFAULT_EMA_PRICE_HALVING_BLOCKS);
    const u64 tempo = uint(p, "tempo", 360);

    Subnet root;
    root.netuid = ROOT_NETUID;
    root.mechanism = Mechanism::stable;
    root.subnet_tao = st.contains("root_stake") ? parse_amount(st.at("root_stake"), "state.root_stake") : 0;
    root.subnet_alpha_out = root.subnet_tao;
    root.tempo = tempo;
    cs.subnets.push_back(root);

    auto make = [&](const json& j, u64 netuid) {
        if (j.contains("tao_last") || j.contains("alpha_in_last"))
            fail("state.subnets[]: tao_last and alpha_in_last spread state.fill's pools; a listed subnet has one pool");
        Subnet s;
        s.netuid = netuid;
        s.subnet_tao = parse_amount(j.at("tao"), "subnet.tao");
        s.subnet_alpha_in = parse_amount(j.at("alpha_in"), "subnet.alpha_in");
        s.subnet_alpha_out = j.contains("alpha_out") ? parse_amount(j.at("alpha_out"), "subnet.alpha_out") : 0;
        if (j.contains("moving_price"))
            s.subnet_moving_price = fixed::I96F32::from_f64(num(j, "moving_price", 0));
        else
            s.subnet_moving_price =
                fixed::I96F32::from_f64(to_d(s.subnet_tao) / std::max(1.0, to_d(s.subnet_alpha_in)));
        s.tempo = uint(j, "tempo", tempo);
        s.network_registered_at = uint(j, "registered_at", 0);
        if (j.contains("first_emission_block") && !j.at("first_emission_block").is_null())
            s.first_emission_block_number = uint(j, "first_emission_block", 0);
        else if (!j.contains("first_emission_block"))
            s.first_emission_block_number = 1;  // started (v2.0.9+) unless the file says null
        s.network_registration_allowed = j.value("registration_allowed", true);
        s.network_pow_registration_allowed = j.value("pow_registration_allowed", false);
        s.ema_price_halving_blocks = uint(j, "ema_halving_blocks", halving);
        return s;
    };
    std::vector<Subnet> subs;
    for (const auto& j : st.value("subnets", json::array()))
        subs.push_back(make(j, uint(j, "netuid", subs.size() + 1)));
    if (st.contains("fill")) {
        const auto& f = st.at("fill");
        const u64 count = uint(f, "count", 0);
        u64 netuid = uint(f, "first_netuid", subs.size() + 1);
        const double total_m = num(f, "moving_price_total", -1);
        // tao_last / alpha_in_last: the pools shrink geometrically from the first filled subnet's
        // to the last one's (alpha_out scales with alpha_in), as mainnet's range of pool sizes
        const double tao0 = to_d(parse_amount(f.at("tao"), "state.fill.tao"));
        const double a0 = to_d(parse_amount(f.at("alpha_in"), "state.fill.alpha_in"));
        const double o0 = f.contains("alpha_out") ? to_d(parse_amount(f.at("alpha_out"), "state.fill.alpha_out")) : 0;
        const double tao_r =
            f.contains("tao_last") ? to_d(parse_amount(f.at("tao_last"), "state.fill.tao_last")) / tao0 : 1;
        const double a_r = f.contains("alpha_in_last")
                               ? to_d(parse_amount(f.at("alpha_in_last"), "state.fill.alpha_in_last")) / a0
                               : 1;
        if ((f.contains("tao_last") && !(tao0 > 0)) || (f.contains("alpha_in_last") && !(a0 > 0)) || !(tao_r > 0) ||
            !(a_r > 0))
            fail("state.fill: tao, tao_last, alpha_in and alpha_in_last must be positive to spread the pools");
        json proto = f;
        proto.erase("tao_last");
        proto.erase("alpha_in_last");
        const bool spread = tao_r != 1 || a_r != 1;
        for (u64 i = 0; i < count; ++i) {
            if (spread) {
                const double t = count > 1 ? static_cast<double>(i) / static_cast<double>(count - 1) : 0;
                const auto rao = [](double v) { return "rao:" + std::to_string(static_cast<u64>(std::llround(v))); };
                proto["tao"] = rao(tao0 * std::pow(tao_r, t));
                proto["alpha_in"] = rao(a0 * std::pow(a_r, t));
                if (o0 > 0)
                    proto["alpha_out"] = rao(o0 * std::pow(a_r, t));
            }
            if (total_m >= 0)
                proto["moving_price"] = total_m / static_cast<double>(count);
            // fill skips the netuids the file lists
            while (std::any_of(subs.begin(), subs.end(), [&](const Subnet& x) { return x.netuid == netuid; }))
                ++netuid;
            subs.push_back(make(proto, netuid++));
        }
    }
    std::sort(subs.begin(), subs.end(), [](const Subnet& a, const Subnet& b) { return a.netuid < b.netuid; });
    for (std::size_t i = 1; i < subs.size(); ++i)
        if (subs[i].netuid == subs[i - 1].netuid || subs[i].netuid == 0)
            fail("state.subnets: netuids must be distinct and non-zero");
    for (auto& s : subs)
        cs.subnets.push_back(s);
    u64 ts = 0;
    for (const auto& s : cs.subnets)
        ts = sat_add(ts, s.subnet_tao);
    cs.total_stake = ts;
    if (!st.contains("total_issuance"))
        cs.total_issuance = ts;
    return cs;
}

}  // namespace detail

using namespace detail;

namespace {

/// Strict: what the schema forbids is an error, not a default. A typo'd key
/// (`moving_alpah`) would otherwise run silently with the default value.
void validate(const json& sc, const std::string& where)
{
    try {
        check_against_schema(sc, scenario_schema(), scenario_schema());
    } catch (const std::exception& e) {
        fail(where + ": " + e.what());
    }
}

// ------------------------------------------------------------------ grid

std::vector<std::pair<std::string, json>> expand(const json& sc, bool short_run)
{
    std::vector<std::pair<std::string, json>> runs{{"", sc}};
    // variants: named sets of overrides (JSON pointer -> value), one run each;
    // a variant may set its own "/grid"
    if (sc.contains("variants")) {
        json keep = json();
        if (short_run && sc.contains("short") && sc.at("short").contains("variants"))
            keep = sc.at("short").at("variants");
        runs.clear();
        for (const auto& v : sc.at("variants")) {
            const std::string name = v.at("label").get<std::string>();
            if (keep.is_array() && std::find(keep.begin(), keep.end(), json(name)) == keep.end())
                continue;
            json j = sc;
            const json set = v.value("set", json::object());
            for (const auto& [ptr, val] : set.items())
                j[json::json_pointer(ptr)] = val;
            validate(j, "variant \"" + name + "\"");
            j["/variant"_json_pointer] = name;
            runs.emplace_back(name, j);
        }
    }
    std::vector<std::pair<std::string, json>> out;
    for (const auto& [vlabel, vsc] : runs) {
        json axes = vsc.value("grid", json::object());
        if (short_run && vsc.contains("short") && vsc.at("short").contains("grid"))
            axes = vsc.at("short").at("grid");
        std::vector<std::pair<std::string, json>> pts{{vlabel, vsc}};
        for (const auto& [ptr, values] : axes.items()) {
            std::vector<std::pair<std::string, json>> next;
            for (const auto& [label, base] : pts)
                for (const auto& v : values) {
                    json j = base;
                    j[json::json_pointer(ptr)] = v;
                    {
                        json plain = j;
                        plain.erase("variant");  // added by the tool, not the file
                        validate(plain, "grid " + ptr + " = " + v.dump());
                    }
                    std::string key = ptr.substr(ptr.find_last_of('/') + 1);
                    std::string val = v.is_string() ? v.get<std::string>() : v.dump();
                    next.emplace_back(label + (label.empty() ? "" : ",") + key + "=" + val, j);
                }
            pts = std::move(next);
        }
        for (auto& p : pts)
            out.push_back(std::move(p));
    }
    if (out.size() == 1 && out[0].first.empty())
        out[0].first = "base";
    return out;
}

bool applies(const json& check, const json& run)
{
    if (!check.contains("when"))
        return true;
    for (const auto& [ptr, v] : check.at("when").items()) {
        const auto jp = json::json_pointer(ptr);
        if (!run.contains(jp))
            return false;
        const json& got = run.at(jp);
        if (v.is_array()) {
            bool any = false;
            for (const auto& x : v)
                any = any || x == got;
            if (!any)
                return false;
        } else if (got != v) {
            return false;
        }
    }
    return true;
}

}  // namespace

namespace {

/// The engine drives one form of the block: the launch coinbase and drain on the
/// constant-product pool (capabilities.hpp). Another ruleset is refused by its forms.
void check_engine_forms(const Ruleset& rules, const std::string& where)
{
    const Form block = form_of(rules, Op::block), pool = form_of(rules, Op::add_stake);
    const bool launch = block == Form::launch && pool == Form::constant_product;
    const bool capped = block == Form::injection_capped && pool == Form::balancer;
    if (!launch && !capped)
        fail(where + "ruleset \"" + std::string(rules.id) + "\" has the " + std::string(to_string(block)) +
             " block on the " + std::string(to_string(pool)) +
             " pool; the scenario engine drives the launch block on the constant_product pool and the "
             "injection_capped block on the balancer pool");
}

}  // namespace

json load(const fs::path& file)
{
    std::ifstream f(file);
    if (!f)
        fail("cannot read " + file.string());
    json sc;
    try {
        sc = json::parse(f);
    } catch (const std::exception& e) {
        fail(file.string() + ": not JSON: " + e.what());
    }
    if (!sc.is_object() || sc.value("scenario_version", 0) != 1)
        fail(file.string() + ": scenario_version must be 1");
    validate(sc, file.string());
    for (const char* k : {"id", "name", "ruleset", "state", "blocks"})
        if (!sc.contains(k))
            fail(file.string() + ": missing field \"" + std::string(k) + "\"");
    const auto rules = find_ruleset(sc.at("ruleset").get<std::string>());
    if (!rules)
        fail(file.string() + ": unknown ruleset " + sc.at("ruleset").dump());
    check_engine_forms(*rules, file.string() + ": ");
    return sc;
}

json configure(const json& scenario, const std::string& variant, const json& set)
{
    json sc = scenario;
    if (!variant.empty()) {
        json found;
        if (scenario.contains("variants"))
            for (const auto& v : scenario.at("variants"))
                if (v.value("label", "") == variant)
                    found = v;
        if (found.is_null())
            fail("no variant \"" + variant + "\" in " + scenario.value("id", std::string("the scenario")));
        const json vset = found.value("set", json::object());
        for (const auto& [ptr, val] : vset.items())
            sc[json::json_pointer(ptr)] = val;
    }
    for (const auto& [ptr, val] : set.items()) {
        try {
            sc[json::json_pointer(ptr)] = val;
        } catch (const json::exception& e) {
            fail("set: bad JSON pointer \"" + ptr + "\": " + e.what());
        }
    }
    validate(sc, scenario.value("id", std::string("the scenario")) + (variant.empty() ? "" : " variant " + variant));
    if (!variant.empty())
        sc["variant"] = variant;
    for (const char* k : {"grid", "variants", "short", "checks"})
        sc.erase(k);
    return sc;
}

namespace {

/// One grid point, start to end: its checks, state, engine and summary.
RunReport run_point(const std::string& label, const json& sc0, const Options& options)
{
    json sc = sc0;
    // checks that do not apply to this grid point are dropped
    json checks = json::array();
    for (const auto& c : sc.value("checks", json::array()))
        if (applies(c, sc))
            checks.push_back(c);
    sc["checks"] = checks;
    const auto rules = find_ruleset(sc.at("ruleset").get<std::string>());
    if (!rules)
        fail("unknown ruleset " + sc.at("ruleset").dump());
    check_engine_forms(*rules, "");
    RunParams rp;
    rp.rules = *rules;
    const ChainState cs = build_state(sc, rp);
    u64 blocks = uint(sc, "blocks", 1);
    if (options.short_run && sc.contains("short"))
        blocks = uint(sc.at("short"), "blocks", blocks);
    if (options.blocks)
        blocks = *options.blocks;
    const json rec = sc.value("record", json::object());
    std::vector<u64> record;
    for (const auto& n : rec.value("netuids", json::array()))
        record.push_back(n.get<u64>());
    if (record.empty())
        for (const auto& a : sc.value("actors", json::array()))
            if (std::find(record.begin(), record.end(), uint(a, "netuid", 1)) == record.end())
                record.push_back(uint(a, "netuid", 1));
    if (record.empty() && cs.subnets.size() > 1)
        record.push_back(cs.subnets[1].netuid);
    u64 every = std::max<u64>(1, uint(rec, "every", 1));
    every = std::max<u64>(every, blocks / 20000);
    if (options.log && blocks >= 200000)
        *options.log << "dtao scenario: " << sc.at("id").get<std::string>() << " [" << label << "] " << blocks
                     << " blocks\n";
    RunReport rr;
    if (options.exact || sc.value("arithmetic", "chain") == "exact") {
        // The exact injection-capped block keeps the reweighted pools' weights and reserves as
        // rationals whose size grows block over block: 12 subnets ran 2 blocks in 0.5 s and not 5
        // in 5 minutes. Its rules are checked op by op (vectors, properties), not over runs.
        if (form_of(rp.rules, Op::block) == Form::injection_capped)
            fail("--exact / \"arithmetic\": \"exact\": ruleset " + std::string(rp.rules.id) +
                 " runs the injection-capped block, whose exact state grows without bound over a run; run the "
                 "chain model");
        Engine<ExactModel> e(sc, rp, cs, record, every, options);
        rr = e.run(blocks, label);
    } else {
        Engine<ChainModel> e(sc, rp, cs, record, every, options);
        rr = e.run(blocks, label);
    }
    rr.summary["ok"] = rr.ok;
    return rr;
}

/// Run `points` on `options.jobs` threads; the reports come back in the order of `points`.
/// A run that throws makes the whole call throw, the first such run in grid order deciding.
std::vector<RunReport> run_points(const std::vector<std::pair<std::string, json>>& points, const Options& options)
{
    std::vector<RunReport> reports(points.size());
    const std::size_t threads = std::min<std::size_t>(std::max(1u, options.jobs), points.size());
    if (threads <= 1) {
        for (std::size_t k = 0; k < points.size(); ++k)
            reports[k] = run_point(points[k].first, points[k].second, options);
        return reports;
    }
    if (options.tamper || options.on_block)
        throw std::invalid_argument("dtao scenario: the per-block hooks (tamper, on_block) need jobs = 1");
    std::vector<std::exception_ptr> errors(points.size());
    std::atomic<std::size_t> next{0};
    std::mutex log_mutex;
    const auto worker = [&] {
        for (std::size_t k = next++; k < points.size(); k = next++) {
            // A run's progress lines go out together when it ends, not interleaved with others'.
            std::ostringstream log;
            Options o = options;
            o.log = options.log ? &log : nullptr;
            try {
                reports[k] = run_point(points[k].first, points[k].second, o);
            } catch (...) {
                errors[k] = std::current_exception();
            }
            if (options.log) {
                const std::lock_guard<std::mutex> lock(log_mutex);
                *options.log << log.str();
            }
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t)
        pool.emplace_back(worker);
    for (auto& t : pool)
        t.join();
    for (const auto& e : errors)
        if (e)
            std::rethrow_exception(e);
    return reports;
}

}  // namespace

Report run(const json& scenario, const Options& options)
{
    if (options.shard.count == 0 || options.shard.index >= options.shard.count)
        fail("shard " + std::to_string(options.shard.index) + "/" + std::to_string(options.shard.count) +
             ": expected i/n with 0 <= i < n");
    Report rep;
    // The grid points this run covers: --only first, then this shard's share of what is left.
    std::vector<std::pair<std::string, json>> selected;
    for (auto& point : expand(scenario, options.short_run)) {
        const std::string& label = point.first;
        if (std::any_of(options.only.begin(), options.only.end(),
                        [&](const std::string& o) { return label.find(o) == std::string::npos; }))
            continue;
        selected.push_back(std::move(point));
    }
    const std::string id = scenario.value("id", std::string("the scenario"));
    if (selected.empty())
        fail(id + ": no run (the grid is empty, or --only matches no grid point)");
    std::vector<std::pair<std::string, json>> points;
    std::vector<std::size_t> grid_point;
    for (std::size_t k = options.shard.index; k < selected.size(); k += options.shard.count) {
        points.push_back(selected[k]);
        grid_point.push_back(k);
    }
    if (points.empty())
        fail(id + ": shard " + std::to_string(options.shard.index) + "/" + std::to_string(options.shard.count) +
             " has no grid point (the grid has " + std::to_string(selected.size()) + ")");
    const bool sharded = options.shard.count > 1;

    rep.runs = run_points(points, options);
    json jruns = json::array();
    detail::CheckTally tally;
    for (std::size_t k = 0; k < rep.runs.size(); ++k) {
        const RunReport& rr = rep.runs[k];
        tally.add(rr.summary);
        rep.ok = rep.ok && rr.ok;
        json s = rr.summary;
        if (sharded)
            s["grid_point"] = grid_point[k];
        jruns.push_back(std::move(s));
    }
    rep.summary = {{"id", scenario.at("id")},
                   {"name", scenario.at("name")},
                   {"title", scenario.value("title", "")},
                   {"shows", scenario.value("shows", "")},
                   {"ruleset", scenario.at("ruleset")},
                   {"short", options.short_run},
                   {"runs", jruns},
                   {"checks_total", tally.total},
                   {"checks_passed", tally.passed},
                   {"ok", rep.ok}};
    if (scenario.contains("adaptation"))
        rep.summary["adaptation"] = scenario.at("adaptation");
    if (sharded)
        rep.summary["shard"] = {
            {"index", options.shard.index}, {"count", options.shard.count}, {"grid_points", selected.size()}};
    return rep;
}

}  // namespace dtao::scenario
