// dtao: published test vectors — closed lists, loader, canonical writer, random inputs.
// SPDX-License-Identifier: Apache-2.0
#include "vectors.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace dtao::vectors {

// ------------------------------------------------------------------ closed lists

const std::vector<FlagInfo>& flag_list()
{
    static const std::vector<FlagInfo> list = {
        {"ROUNDING_DIRECTION", "the answer depends on the chain's rounding direction (truncation of a fixed-point quotient, floor of a product, truncation to u64)"},
        {"OVERFLOW_SATURATION", "a u64 or fixed-point intermediate saturates (I110F18 k above 2^109, u64 storage, I96F32 range)"},
        {"ZERO_RESERVE", "a reserve or divisor is zero"},
        {"MIN_LIQUIDITY", "at or around the 10 000 000 minimum pool liquidity"},
        {"DUST", "amounts of a few rao (or alpha base units)"},
        {"HALVING_BOUNDARY", "at or around an emission halving threshold (TAO issuance or alpha issuance)"},
        {"EMA_CLAMP", "the moving-price input at or around the 1.0 clamp (v2.0.1+)"},
        {"EMA_RAMP", "the EMA factor's ramp b / (b + h) (v2.0.6+)"},
        {"FEE_ORDER", "where the staking fee is taken (before the swap, before validation, on the requested amount)"},
        {"FIXED_POINT_DECODE", "fixed-point inputs with unusual bit patterns (fractional, negative, maximal)"},
        {"LIMIT_PRICE", "limit orders and their maxima"},
        {"PARTIAL_FILL", "a limit order with allow_partial"},
        {"CAP_BINDING", "the coinbase's alpha-in cap binds"},
        {"REGISTRATION_DISABLED", "a subnet with burn or PoW registration disabled"},
        {"ROOT_SELL", "root dividends sold for TAO in the coinbase"},
        {"MULTI_BLOCK", "one step of a multi-block sequence: the input is the previous case's output"},
        {"PARENT_CHILD", "dividends split between parent and child hotkeys"},
        {"TAKE", "validator take or childkey take"},
        {"STABLE_POOL", "the root subnet or a stable-mechanism pool (1:1)"},
        {"RULESET_DELTA", "exercises a rule that changes between launch-era rulesets"},
        {"RATE_LIMIT", "at or around a registration rate limit"},
        {"START_CALL", "start_call and FirstEmissionBlockNumber (v2.0.9+)"},
        {"EPOCH_BOUNDARY", "at or around an epoch boundary"},
        {"BALANCER_WEIGHT", "a Balancer pool weight other than ½: the power goes through pow_ratio_scaled's fallback series (v3.4.8-423+)"},
        {"SWAP_FEE", "the Balancer swap fee: its rate, its gross-up on a limit-cut order, its destination (v3.4.8-423+)"},
        {"INPUT_CAP", "at or around the 1000 x reserve swap input cap (v3.4.9-424+)"},
        {"CHAIN_BUY", "the coinbase spends the TAO above the injection cap on a chain buy (v3.4.8-423+)"},
        {"EPOCH_DEFERRED", "an epoch over MaxEpochsPerBlock is deferred, or runs at PendingEpochAt (v3.4.8-423+)"},
        {"SEEDED_RANDOM", "input drawn by a seeded generator (the seed is in the group comment)"},
        {"RULE_ERROR", "the expected outcome is a rule error (added by the generator)"},
        {"EXACT_DIFFERS", "the exact model's answer differs from the chain's (added by the generator)"},
        {"FINDING", "pins a finding of spec/findings.md (the comment names it)"},
    };
    return list;
}

bool is_known_flag(std::string_view flag)
{
    for (const auto& f : flag_list())
        if (f.name == flag)
            return true;
    return false;
}

const std::vector<FamilyInfo>& family_list()
{
    static const std::vector<FamilyInfo> list = {
        {"emission", {"block_emission"}, "block emission and halving (EMIS-001)"},
        {"price", {"alpha_price"}, "spot price of a pool (POOL-001)"},
        {"swap", {"sim_swap_tao_for_alpha", "sim_swap_alpha_for_tao", "swap"}, "swaps: constant product (POOL-003, POOL-004), the Balancer pool with its fee and limit (BAL-005)"},
        {"liquidity", {"adjust_protocol_liquidity"}, "the Balancer pool's reweighting on protocol liquidity (BAL-007)"},
        {"bigmath", {"pow_ratio_scaled"}, "safe-bigmath's pow_ratio_scaled, both paths (BIGM-004 … BIGM-006)"},
        {"limit", {"max_amount_add", "max_amount_remove"}, "limit-order maxima (STAKE-005, STAKE-006)"},
        {"stake", {"add_stake", "remove_stake"}, "staking with fee, validation and limits (STAKE-007 … STAKE-009)"},
        {"ema", {"update_moving_price"}, "the moving price and its ramp (EMA-001, EMA-002)"},
        {"coinbase", {"coinbase"}, "the per-block coinbase (COIN-001 … COIN-010)"},
        {"drain", {"drain_pending_emission", "dividend_distribution"}, "distribution of pending emission (DRAIN-001 … DRAIN-007; BCOIN-013)"},
        {"registration", {"network_lock_cost", "register_network", "start_call"}, "lock cost, registration, start_call (REG-001 … REG-004)"},
        {"epoch", {"blocks_until_next_epoch"}, "epoch schedule (EPOCH-001, EPOCH-002)"},
        {"scenario", {"block"}, "auditor scenarios block by block: coinbase then stake extrinsics, the full state after each block (COIN-010, STAKE-007, STAKE-008)"},
    };
    return list;
}

const FamilyInfo* find_family(std::string_view name)
{
    for (const auto& f : family_list())
        if (f.name == name)
            return &f;
    return nullptr;
}

std::string family_of_op(std::string_view op)
{
    for (const auto& f : family_list())
        for (auto o : f.ops)
            if (o == op)
                return std::string(f.name);
    return {};
}

std::size_t LoadedVectors::case_count() const
{
    std::size_t n = 0;
    for (const auto& f : files)
        n += f.cases.size();
    return n;
}

// ------------------------------------------------------------------ loader

namespace {

struct LoadError
{
    std::string message;
};

[[noreturn]] void bad(const std::string& m) { throw LoadError{m}; }

const json& field(const json& o, const char* key, const std::string& where)
{
    if (!o.is_object())
        bad(where + ": expected an object");
    const auto it = o.find(key);
    if (it == o.end())
        bad(where + "." + key + ": missing");
    return *it;
}

std::string str(const json& o, const char* key, const std::string& where)
{
    const json& v = field(o, key, where);
    if (!v.is_string())
        bad(where + "." + key + ": expected a string");
    return v.get<std::string>();
}

std::vector<std::string> str_list(const json& o, const char* key, const std::string& where)
{
    const json& v = field(o, key, where);
    if (!v.is_array())
        bad(where + "." + key + ": expected an array");
    std::vector<std::string> out;
    for (const auto& e : v) {
        if (!e.is_string())
            bad(where + "." + key + ": expected strings");
        out.push_back(e.get<std::string>());
    }
    return out;
}

void parse_file(std::string_view bytes, const std::string& path, VectorFile& out)
{
    json doc;
    try {
        doc = json::parse(bytes.begin(), bytes.end());
    } catch (const json::exception& e) {
        bad("invalid JSON: " + std::string(e.what()));
    }
    if (!doc.is_object())
        bad("the file must be a JSON object");
    const std::string w = "file";
    const json& version = field(doc, "schema_version", w);
    if (!version.is_number_integer() || version.get<long long>() != SCHEMA_VERSION)
        bad("file.schema_version: this runner reads version " + std::to_string(SCHEMA_VERSION));
    (void)str(doc, "schema", w);
    const std::string family = str(doc, "family", w);
    if (!find_family(family))
        bad("file.family: unknown family \"" + family + "\"");
    const std::string name = str(doc, "name", w);
    const json& rs = field(doc, "ruleset", w);
    const std::string ruleset = str(rs, "id", "file.ruleset");
    const json& groups = field(doc, "groups", w);
    if (!groups.is_array())
        bad("file.groups: expected an array");
    out.path = path;
    out.header = doc;
    out.header.erase("groups");
    std::set<std::string> ids;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const std::string gw = "file.groups[" + std::to_string(g) + "]";
        const json& group = groups[g];
        const std::string gname = str(group, "name", gw);
        const std::string op = str(group, "op", gw);
        const auto rules = str_list(group, "rules", gw);
        const auto gflags = str_list(group, "flags", gw);
        for (const auto& f : gflags)
            if (!is_known_flag(f))
                bad(gw + ".flags: unknown flag \"" + f + "\"");
        std::vector<std::string> inter_fields;
        if (group.contains("intermediate_fields"))
            inter_fields = str_list(group, "intermediate_fields", gw);
        const json& cases = field(group, "cases", gw);
        if (!cases.is_array())
            bad(gw + ".cases: expected an array");
        for (std::size_t i = 0; i < cases.size(); ++i) {
            const std::string cw = gw + ".cases[" + std::to_string(i) + "]";
            const json& c = cases[i];
            Case k;
            k.file = path;
            k.ruleset = ruleset;
            k.family = family;
            k.name = name;
            k.group = gname;
            k.op = op;
            k.rules = rules;
            k.intermediate_fields = inter_fields;
            k.id = str(c, "id", cw);
            if (k.id.empty() || !ids.insert(k.id).second)
                bad(cw + ".id: empty or duplicate id \"" + k.id + "\"");
            k.comment = str(c, "comment", cw);
            k.flags = gflags;
            for (const auto& f : str_list(c, "flags", cw)) {
                if (!is_known_flag(f))
                    bad(cw + ".flags: unknown flag \"" + f + "\"");
                if (std::find(k.flags.begin(), k.flags.end(), f) == k.flags.end())
                    k.flags.push_back(f);
            }
            k.request = field(c, "request", cw);
            const std::string rw = cw + ".request";
            k.global_id = str(k.request, "id", rw);
            if (str(k.request, "op", rw) != op)
                bad(rw + ".op: differs from the group's op");
            if (str(k.request, "ruleset", rw) != ruleset)
                bad(rw + ".ruleset: differs from the file's ruleset");
            if (!field(k.request, "input", rw).is_object())
                bad(rw + ".input: expected an object");
            k.request_line = k.request.dump();
            k.expected = field(c, "expected", cw);
            if (!k.expected.is_object() || (k.expected.contains("output") == k.expected.contains("error")))
                bad(cw + ".expected: exactly one of output and error");
            if (k.expected.contains("error") && !k.expected["error"].is_string())
                bad(cw + ".expected.error: expected a string");
            {
                json canonical = {{"id", k.global_id}};
                if (k.expected.contains("output"))
                    canonical["output"] = k.expected["output"];
                else
                    canonical["error"] = k.expected["error"];
                k.expected_line = canonical.dump();
            }
            k.exact = c.contains("exact") ? c["exact"] : json();
            k.intermediates = c.contains("intermediates") ? c["intermediates"] : json::object();
            if (!k.intermediates.is_object())
                bad(cw + ".intermediates: expected an object");
            out.cases.push_back(std::move(k));
        }
    }
    const json& count = field(doc, "case_count", w);
    if (!count.is_number_unsigned() || count.get<std::size_t>() != out.cases.size())
        bad("file.case_count: does not match the number of cases");
}

}  // namespace

std::optional<std::string> parse_vector_file(std::string_view bytes, const std::string& path, VectorFile& out) noexcept
{
    try {
        VectorFile f;
        parse_file(bytes, path, f);
        out = std::move(f);
        return std::nullopt;
    } catch (const LoadError& e) {
        return e.message;
    } catch (const std::exception& e) {
        return std::string("cannot load: ") + e.what();
    } catch (...) {
        return std::string("cannot load: unknown error");
    }
}

namespace {

std::optional<std::string> read_all(const std::filesystem::path& p)
{
    std::ifstream f(p, std::ios::binary);
    if (!f)
        return std::nullopt;
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

}  // namespace

LoadedVectors load_vectors(const std::filesystem::path& dir) noexcept
{
    LoadedVectors out;
    try {
        std::vector<std::string> paths;
        const auto index_bytes = read_all(dir / "index.json");
        if (index_bytes) {
            const json index = json::parse(*index_bytes, nullptr, false);
            if (index.is_discarded() || !index.is_object() || !index.contains("files") || !index["files"].is_array()) {
                out.errors.push_back((dir / "index.json").string() + ": not a valid index");
                return out;
            }
            for (const auto& f : index["files"])
                if (f.is_object() && f.contains("path") && f["path"].is_string())
                    paths.push_back(f["path"].get<std::string>());
        } else {
            std::error_code ec;
            for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
                 !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
                if (!it->is_regular_file() || it->path().extension() != ".json")
                    continue;
                const auto rel = std::filesystem::relative(it->path(), dir).generic_string();
                if (std::count(rel.begin(), rel.end(), '/') == 2 && rel.rfind("schema/", 0) != 0 &&
                    rel.rfind("fillers/", 0) != 0)
                    paths.push_back(rel);
            }
            if (ec)
                out.errors.push_back(dir.string() + ": " + ec.message());
            std::sort(paths.begin(), paths.end());
        }
        for (const auto& rel : paths) {
            const auto bytes = read_all(dir / rel);
            if (!bytes) {
                out.errors.push_back(rel + ": cannot read");
                continue;
            }
            VectorFile f;
            if (auto err = parse_vector_file(*bytes, rel, f))
                out.errors.push_back(rel + ": " + *err);
            else
                out.files.push_back(std::move(f));
        }
    } catch (const std::exception& e) {
        out.errors.push_back(std::string("cannot load vectors: ") + e.what());
    }
    return out;
}

// ------------------------------------------------------------------ canonical writer

namespace {

void write_compact(std::string& out, const json& j) { out += j.dump(-1, ' ', false, json::error_handler_t::strict); }

void indent(std::string& out, int n) { out.append(static_cast<std::size_t>(n), ' '); }

/// Expanded object writer: `expand(key)` says which members are written
/// expanded (with their own rule); everything else is compact.
void write_group(std::string& out, const json& group, int ind)
{
    out += "{\n";
    bool first = true;
    for (const auto& [key, value] : group.items()) {
        if (!first)
            out += ",\n";
        first = false;
        indent(out, ind + 2);
        write_compact(out, json(key));
        out += ": ";
        if (key == "cases" && value.is_array() && !value.empty()) {
            out += "[\n";
            for (std::size_t i = 0; i < value.size(); ++i) {
                indent(out, ind + 4);
                write_compact(out, value[i]);
                out += i + 1 < value.size() ? ",\n" : "\n";
            }
            indent(out, ind + 2);
            out += "]";
        } else {
            write_compact(out, value);
        }
    }
    out += "\n";
    indent(out, ind);
    out += "}";
}

}  // namespace

std::string dump_vector_file(const json& file)
{
    std::string out = "{\n";
    bool first = true;
    for (const auto& [key, value] : file.items()) {
        if (!first)
            out += ",\n";
        first = false;
        indent(out, 2);
        write_compact(out, json(key));
        out += ": ";
        if ((key == "groups" || key == "files") && value.is_array() && !value.empty()) {
            out += "[\n";
            for (std::size_t i = 0; i < value.size(); ++i) {
                indent(out, 4);
                if (key == "groups")
                    write_group(out, value[i], 4);
                else
                    write_compact(out, value[i]);
                out += i + 1 < value.size() ? ",\n" : "\n";
            }
            indent(out, 2);
            out += "]";
        } else {
            write_compact(out, value);
        }
    }
    out += "\n}\n";
    return out;
}

void flatten(const json& j, const std::string& prefix, std::vector<std::pair<std::string, const json*>>& out)
{
    if (j.is_object()) {
        if (j.size() == 2 && j.contains("type") && j.contains("bits")) {  // a fixed-point value is a leaf
            out.emplace_back(prefix, &j);
            return;
        }
        if (j.empty())
            out.emplace_back(prefix, &j);
        for (const auto& [k, v] : j.items())
            flatten(v, prefix.empty() ? k : prefix + "." + k, out);
    } else if (j.is_array()) {
        if (j.empty())
            out.emplace_back(prefix, &j);
        for (std::size_t i = 0; i < j.size(); ++i)
            flatten(j[i], prefix + "[" + std::to_string(i) + "]", out);
    } else {
        out.emplace_back(prefix, &j);
    }
}

// ------------------------------------------------------------------ random inputs

std::uint64_t Rng::below(std::uint64_t n)
{
    if (n == 0)
        return 0;
    const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % n);
    std::uint64_t v;
    do
        v = m_gen();
    while (v >= limit);
    return v % n;
}

std::uint64_t Rng::range(std::uint64_t lo, std::uint64_t hi)
{
    if (hi <= lo)
        return lo;
    if (lo == 0 && hi == UINT64_MAX)
        return m_gen();
    return lo + below(hi - lo + 1);
}

std::uint64_t Rng::log_range(std::uint64_t lo, std::uint64_t hi)
{
    if (hi <= lo)
        return lo;
    // pick a bit length between those of lo and hi, then a value of that length, clamped
    const int blo = lo == 0 ? 0 : 64 - __builtin_clzll(lo);
    const int bhi = 64 - __builtin_clzll(hi);
    const int b = static_cast<int>(range(static_cast<std::uint64_t>(blo), static_cast<std::uint64_t>(bhi)));
    std::uint64_t v = 0;
    if (b > 0) {
        const std::uint64_t top = std::uint64_t{1} << (b - 1);
        v = top | (b > 1 ? below(top) : 0);
    }
    return std::clamp(v, lo, hi);
}

std::uint64_t Rng::amount()
{
    static const std::uint64_t edges[] = {0,           1,           2,           3,          9'999'999,
                                          10'000'000,  10'000'001,  499'999,     500'000,    550'000,
                                          1'000'000'000, 21'000'000'000'000'000ULL, (1ULL << 63), UINT64_MAX - 1,
                                          UINT64_MAX};
    const auto mode = below(10);
    if (mode < 2)
        return edges[below(std::size(edges))];
    if (mode < 8)
        return log_range(1, 10'000'000'000'000ULL);
    return log_range(0, UINT64_MAX);
}

namespace {

std::string dec(std::uint64_t v) { return std::to_string(v); }

json fixed_bits(const char* type, std::uint64_t bits) { return {{"type", type}, {"bits", dec(bits)}}; }

std::uint64_t reserve(Rng& r)
{
    const auto mode = r.below(10);
    if (mode < 7)
        return r.log_range(10'000'000, 10'000'000'000'000'000ULL);
    if (mode < 8)
        return r.range(0, 20'000'000);
    if (mode < 9)
        return r.log_range(10'000'000'000'000'000ULL, UINT64_MAX);
    return r.amount();
}

json random_pool(Rng& r)
{
    json in = json::object();
    const auto kind = r.below(20);
    if (kind == 0)
        in["netuid"] = "0";
    else if (kind == 1)
        in["subnet_mechanism"] = "0";
    else if (kind == 2)
        in["netuid"] = dec(r.range(1, 65535));
    in["subnet_tao"] = dec(reserve(r));
    in["subnet_alpha_in"] = dec(reserve(r));
    if (r.chance(40))
        in["subnet_alpha_out"] = dec(r.chance(80) ? r.log_range(0, 21'000'000'000'000'000ULL) : r.amount());
    return in;
}

std::uint64_t limit_price_near(Rng& r, const json& pool)
{
    const double tao = std::stod(pool["subnet_tao"].get<std::string>());
    const double alpha = std::stod(pool["subnet_alpha_in"].get<std::string>());
    if (r.chance(20) || alpha == 0)
        return r.amount();
    const double p = tao / alpha * 1e9;
    const double factor = 0.5 + static_cast<double>(r.below(2001)) / 1000.0;  // 0.5 … 2.5
    const double v = p * factor;
    if (!(v < 1.8e19))
        return UINT64_MAX;
    return static_cast<std::uint64_t>(v) + r.range(0, 2);
}

json random_subnet(Rng& r, std::uint64_t netuid)
{
    json s = json::object();
    s["netuid"] = dec(netuid);
    if (netuid == 0) {
        s["subnet_tao"] = dec(r.log_range(0, 10'000'000'000'000'000ULL));
        return s;
    }
    s["subnet_tao"] = dec(r.log_range(10'000'000, 10'000'000'000'000'000ULL));
    s["subnet_alpha_in"] = dec(r.log_range(10'000'000, 10'000'000'000'000'000ULL));
    if (r.chance(60))
        s["subnet_alpha_out"] = dec(r.log_range(0, 21'000'000'000'000'000ULL));
    s["subnet_moving_price"] = fixed_bits("I96F32", r.log_range(0, std::uint64_t{1} << 36));
    s["tempo"] = dec(r.chance(50) ? r.range(0, 3) : r.range(1, 400));
    if (r.chance(30))
        s["blocks_since_last_step"] = dec(r.range(0, 400));
    if (r.chance(15))
        s["network_registration_allowed"] = false;
    if (r.chance(15))
        s["network_pow_registration_allowed"] = true;
    if (r.chance(30))
        s["pending_emission"] = dec(r.log_range(0, 1'000'000'000'000ULL));
    if (r.chance(20))
        s["pending_root_divs"] = dec(r.log_range(0, 1'000'000'000'000ULL));
    if (r.chance(30))
        s["network_registered_at"] = dec(r.range(0, 1'000'000));
    if (r.chance(60))
        s["first_emission_block_number"] = dec(r.range(0, 1'000'000));
    return s;
}

json random_state(Rng& r, bool root_possible)
{
    json st = json::object();
    st["block"] = dec(r.range(0, 5'000'000));
    st["total_issuance"] = dec(r.chance(80) ? r.log_range(0, 21'000'000'000'000'000ULL) : r.amount());
    if (r.chance(50))
        st["total_stake"] = dec(r.log_range(0, 21'000'000'000'000'000ULL));
    if (r.chance(30))
        st["tao_weight"] = dec(r.chance(50) ? 0 : r.next());
    if (r.chance(30))
        st["subnet_owner_cut"] = dec(r.range(0, 65535));
    json subnets = json::array();
    std::uint64_t netuid = (root_possible && r.chance(50)) ? 0 : 1;
    const auto n = r.range(1, 3);
    for (std::uint64_t i = 0; i < n; ++i) {
        subnets.push_back(random_subnet(r, netuid));
        netuid += r.range(1, 3);
    }
    st["subnets"] = subnets;
    return st;
}

}  // namespace

std::vector<std::string> random_ops()
{
    return {"block_emission",     "alpha_price",  "sim_swap_tao_for_alpha", "sim_swap_alpha_for_tao",
            "max_amount_add",     "max_amount_remove", "add_stake",         "remove_stake",
            "update_moving_price", "coinbase",    "drain_pending_emission", "network_lock_cost",
            "register_network",   "start_call",   "blocks_until_next_epoch", "swap",
            "adjust_protocol_liquidity", "pow_ratio_scaled", "dividend_distribution"};
}

json random_input(const std::string& op, Rng& r)
{
    if (op == "block_emission") {
        if (r.chance(40)) {
            // near the threshold S·(1 − 2^-k) of a random band
            const unsigned k = static_cast<unsigned>(r.range(1, 40));
            const std::uint64_t S = 21'000'000'000'000'000ULL;
            const std::uint64_t t = S - (S >> k);
            const std::uint64_t d = r.range(0, 4000);
            return {{"issuance", dec(r.chance(50) ? t + d : t - d)}};
        }
        return {{"issuance", dec(r.chance(90) ? r.range(0, 21'100'000'000'000'000ULL) : r.amount())}};
    }
    if (op == "alpha_price")
        return random_pool(r);
    if (op == "sim_swap_tao_for_alpha" || op == "sim_swap_alpha_for_tao") {
        json in = random_pool(r);
        in["amount"] = dec(r.amount());
        return in;
    }
    if (op == "max_amount_add" || op == "max_amount_remove") {
        json in = random_pool(r);
        in["limit_price"] = dec(limit_price_near(r, in));
        return in;
    }
    if (op == "add_stake" || op == "remove_stake") {
        json in = random_pool(r);
        if (r.chance(50))
            in["total_stake"] = dec(r.log_range(0, 21'000'000'000'000'000ULL));
        in["amount"] = dec(r.chance(70) ? r.log_range(0, 100'000'000'000'000ULL) : r.amount());
        if (r.chance(40)) {
            in["limit_price"] = dec(limit_price_near(r, in));
            if (r.chance(50))
                in["allow_partial"] = r.chance(50);
        }
        if (op == "remove_stake" && r.chance(50)) {
            in["alpha_dividends_per_subnet"] = dec(r.log_range(0, 1'000'000'000'000ULL));
            in["total_hotkey_alpha"] = dec(r.log_range(0, 100'000'000'000'000ULL));
        }
        return in;
    }
    if (op == "update_moving_price") {
        json in = random_pool(r);
        in["subnet_moving_price"] = fixed_bits("I96F32", r.chance(80) ? r.log_range(0, std::uint64_t{1} << 36) : r.next());
        if (r.chance(20))
            in["subnet_moving_alpha"] = fixed_bits("I96F32", r.log_range(0, std::uint64_t{1} << 32));
        in["block"] = dec(r.range(0, 5'000'000));
        if (r.chance(50))
            in["network_registered_at"] = dec(r.range(0, 5'000'000));
        if (r.chance(60))
            in["first_emission_block_number"] = dec(r.range(0, 5'000'000));
        if (r.chance(30))
            in["ema_price_halving_blocks"] = dec(r.chance(20) ? 0 : r.log_range(1, 1'000'000));
        return in;
    }
    if (op == "coinbase") {
        json in = {{"state", random_state(r, true)}};
        if (r.chance(60))
            in["block_emission"] = dec(r.chance(80) ? r.log_range(0, 1'000'000'000) : r.amount());
        return in;
    }
    if (op == "drain_pending_emission") {
        json in = json::object();
        in["netuid"] = dec(r.range(1, 10));
        if (r.chance(50))
            in["tao_weight"] = dec(r.chance(30) ? 0 : r.next());
        in["pending_alpha"] = dec(r.log_range(0, 100'000'000'000'000ULL));
        in["pending_tao"] = dec(r.log_range(0, 10'000'000'000'000ULL));
        if (r.chance(50))
            in["pending_swapped"] = dec(r.log_range(0, 10'000'000'000'000ULL));
        if (r.chance(50))
            in["owner_cut"] = dec(r.log_range(0, 10'000'000'000'000ULL));
        const auto n = r.range(1, 4);
        json epoch = json::array();
        json hotkeys = json::object();
        for (std::uint64_t i = 0; i < n; ++i) {
            const std::string hk = "hk" + std::to_string(i);
            epoch.push_back({{"hotkey", hk},
                             {"incentive", dec(r.chance(60) ? r.log_range(0, 10'000'000'000'000ULL) : 0)},
                             {"dividend", dec(r.chance(70) ? r.log_range(0, 10'000'000'000'000ULL) : 0)}});
            json h = json::object();
            h["owner"] = "ck" + std::to_string(r.below(3));
            h["alpha_stake"] = dec(r.log_range(0, 100'000'000'000'000ULL));
            if (r.chance(60))
                h["root_stake"] = dec(r.log_range(0, 100'000'000'000'000ULL));
            if (r.chance(50))
                h["take"] = dec(r.range(0, 65535));
            if (r.chance(30))
                h["childkey_take"] = dec(r.range(0, 65535));
            if (i > 0 && r.chance(30)) {
                const std::string parent = "hk" + std::to_string(r.below(i));
                const std::uint64_t prop = r.chance(30) ? UINT64_MAX : r.next();
                h["parents"] = json::array({{{"proportion", dec(prop)}, {"hotkey", parent}}});
                hotkeys[parent]["children"] = json::array({{{"proportion", dec(prop)}, {"hotkey", hk}}});
            }
            for (const auto& [k, v] : h.items())
                hotkeys[hk][k] = v;
        }
        in["epoch"] = epoch;
        in["hotkeys"] = hotkeys;
        if (r.chance(40)) {
            in["subnet_owner"] = "ck0";
            in["subnet_owner_hotkey"] = "hk" + std::to_string(r.below(n));
        }
        return in;
    }
    if (op == "network_lock_cost" || op == "register_network") {
        json st = json::object();
        const std::uint64_t block = r.range(0, 5'000'000);
        st["block"] = dec(block);
        st["network_last_registered"] = dec(r.chance(20) ? r.range(0, 10'000'000) : r.range(0, block));
        st["network_last_lock_cost"] = dec(r.chance(80) ? r.log_range(0, 10'000'000'000'000ULL) : r.amount());
        if (r.chance(30))
            st["network_min_lock_cost"] = dec(r.log_range(0, 10'000'000'000'000ULL));
        if (r.chance(30))
            st["network_lock_reduction_interval"] = dec(r.chance(10) ? 0 : r.log_range(1, 1'000'000));
        if (r.chance(30))
            st["network_rate_limit"] = dec(r.range(0, 20'000));
        st["total_issuance"] = dec(r.log_range(0, 21'000'000'000'000'000ULL));
        if (r.chance(50))
            st["total_stake"] = dec(r.log_range(0, 21'000'000'000'000'000ULL));
        json subnets = json::array();
        std::uint64_t netuid = 0;
        const auto n = r.range(0, 3);
        for (std::uint64_t i = 0; i < n; ++i) {
            subnets.push_back({{"netuid", dec(netuid)}});
            netuid += r.range(1, 2);
        }
        st["subnets"] = subnets;
        return {{"state", st}};
    }
    if (op == "start_call") {
        json st = json::object();
        const std::uint64_t block = r.range(0, 2'000'000);
        st["block"] = dec(block);
        json subnets = json::array();
        std::uint64_t netuid = r.range(0, 1);
        const auto n = r.range(1, 3);
        for (std::uint64_t i = 0; i < n; ++i) {
            json s = {{"netuid", dec(netuid)}, {"network_registered_at", dec(r.range(block > 60'000 ? block - 60'000 : 0, block))}};
            if (r.chance(25))
                s["first_emission_block_number"] = dec(r.range(0, block + 1));
            subnets.push_back(s);
            netuid += 1;
        }
        st["subnets"] = subnets;
        return {{"state", st}, {"netuid", dec(r.range(0, netuid))}};
    }
    if (op == "blocks_until_next_epoch") {
        return {{"netuid", dec(r.chance(80) ? r.range(0, 64) : r.range(0, 65535))},
                {"tempo", dec(r.chance(80) ? r.range(0, 400) : r.range(0, 65535))},
                {"block", dec(r.chance(80) ? r.range(0, 10'000'000) : r.amount())}};
    }
    return json::object();
}

namespace {

/// A Balancer quote weight w2 in Perquintill parts: ½ often, the 0.01/0.99 bounds and
/// their neighbourhood sometimes, else anywhere in between.
std::uint64_t quote_parts(Rng& r)
{
    constexpr std::uint64_t ONE = 1'000'000'000'000'000'000ULL;
    const auto kind = r.below(10);
    if (kind < 4)
        return ONE / 2;
    if (kind == 4)
        return r.chance(50) ? ONE / 100 + r.range(0, 1000) : ONE - ONE / 100 - r.range(0, 1000);
    return r.range(ONE / 100, ONE - ONE / 100);
}

/// The swap pallet's storage on a pool (flat inputs or a state's subnet).
void add_balancer_pool_fields(json& pool, Rng& r)
{
    if (r.chance(80))
        pool["swap_balancer_quote_parts"] = dec(quote_parts(r));
    if (r.chance(10))
        pool["pal_swap_initialized"] = false;
    if (r.chance(30))
        pool["fee_rate"] = dec(r.chance(30) ? 0 : r.range(0, 65535 / 10));
}

/// A launch-era state made a Balancer-era one: the launch-only storage removed, the
/// Balancer storage drawn.
void to_balancer_state(json& st, Rng& r)
{
    if (r.chance(20))
        st["swap_minimum_reserve"] = dec(r.log_range(0, 1'000'000'000ULL));
    if (r.chance(20))
        st["max_epochs_per_block"] = dec(r.range(0, 4));
    if (r.chance(15))
        st["block_author"] = false;
    if (!st.contains("subnets"))
        return;
    const std::uint64_t block = std::stoull(st.value("block", std::string("0")));
    for (auto& s : st["subnets"]) {
        for (const char* k : {"pending_emission", "pending_root_divs", "pending_alpha_swapped", "network_pow_registration_allowed"})
            s.erase(k);
        if (s.value("netuid", std::string("1")) == "0")
            continue;
        add_balancer_pool_fields(s, r);
        if (r.chance(30))
            s["miner_burned"] = fixed_bits("U96F32", r.chance(30) ? (std::uint64_t{1} << 32) : r.range(0, std::uint64_t{1} << 32));
        if (r.chance(15))
            s["subnet_emission_enabled"] = false;
        if (r.chance(10))
            s["subtoken_enabled"] = false;
        if (r.chance(10))
            s["owner_cut_enabled"] = false;
        if (r.chance(50))
            s["last_epoch_block"] = dec(r.range(block > 800 ? block - 800 : 0, block));
        if (r.chance(15))
            s["pending_epoch_at"] = dec(r.range(block > 2 ? block - 2 : 0, block + 2));
        if (r.chance(30))
            s["pending_server_emission"] = dec(r.log_range(0, 1'000'000'000'000ULL));
        if (r.chance(30))
            s["pending_validator_emission"] = dec(r.log_range(0, 1'000'000'000'000ULL));
        if (r.chance(20))
            s["pending_root_alpha_divs"] = dec(r.log_range(0, 1'000'000'000'000ULL));
        if (r.chance(20))
            s["subnet_protocol_alpha"] = dec(r.log_range(0, 1'000'000'000'000ULL));
    }
}

/// A big integer in [0, 2^bits) as a decimal string, from 64-bit limbs.
std::string big_dec(Rng& r, unsigned bits)
{
    boost::multiprecision::cpp_int v = 0;
    for (unsigned b = 0; b < bits; b += 64)
        v = (v << 64) | r.next();
    v &= (boost::multiprecision::cpp_int(1) << bits) - 1;
    return v.str();
}

}  // namespace

json random_input(const std::string& op, Rng& r, bool balancer)
{
    if (!balancer)
        return random_input(op, r);
    if (op == "swap") {
        json in = random_pool(r);
        add_balancer_pool_fields(in, r);
        const bool buy = r.chance(50);
        in["side"] = buy ? "buy" : "sell";
        in["amount"] = dec(r.chance(70) ? r.log_range(0, 100'000'000'000'000ULL) : r.amount());
        if (r.chance(40))
            in["limit_price"] = dec(limit_price_near(r, in));
        if (r.chance(20))
            in["drop_fees"] = true;
        if (r.chance(20))
            in["swap_minimum_reserve"] = dec(r.log_range(0, 1'000'000'000ULL));
        return in;
    }
    if (op == "adjust_protocol_liquidity") {
        json in = random_pool(r);
        add_balancer_pool_fields(in, r);
        in["tao"] = dec(r.chance(80) ? r.log_range(0, 10'000'000'000'000ULL) : r.amount());
        in["alpha"] = dec(r.chance(80) ? r.log_range(0, 10'000'000'000'000ULL) : r.amount());
        return in;
    }
    if (op == "pow_ratio_scaled") {
        // The chain's call shapes: U64F64 bits as bases, Perquintill parts as exponents,
        // scale 10^18; and small integers, where the exact path decides.
        json in = json::object();
        if (r.chance(50)) {
            in["base_numerator"] = big_dec(r, static_cast<unsigned>(r.range(1, 128)));
            in["base_denominator"] = big_dec(r, static_cast<unsigned>(r.range(1, 128)));
            if (in["base_denominator"] == "0")
                in["base_denominator"] = "1";
            in["exponent_numerator"] = dec(quote_parts(r));
            in["exponent_denominator"] = dec(r.chance(50) ? 1'000'000'000'000'000'000ULL : quote_parts(r));
        } else {
            in["base_numerator"] = dec(r.range(0, 1000));
            in["base_denominator"] = dec(r.range(r.chance(5) ? 0 : 1, 1000));
            in["exponent_numerator"] = dec(r.range(0, 1100));
            in["exponent_denominator"] = dec(r.range(r.chance(5) ? 0 : 1, 1100));
        }
        in["precision"] = dec(r.chance(50) ? 256 : 1024);
        in["scale"] = dec(r.chance(80) ? 1'000'000'000'000'000'000ULL : r.next());
        return in;
    }
    if (op == "dividend_distribution") {
        json in = json::object();
        in["pending_alpha"] = dec(r.log_range(0, 100'000'000'000'000ULL));
        if (r.chance(70))
            in["pending_root_alpha"] = dec(r.log_range(0, 10'000'000'000'000ULL));
        if (r.chance(50))
            in["tao_weight"] = dec(r.chance(30) ? 0 : r.next());
        json hotkeys = json::array();
        const auto n = r.range(0, 4);
        for (std::uint64_t i = 0; i < n; ++i) {
            json h = {{"hotkey", dec(i + r.range(0, 2) * 10)},
                      {"dividend", fixed_bits("U96F32", r.log_range(0, std::uint64_t{1} << 62))}};
            if (r.chance(10)) {
                h["in_stake_map"] = false;
            } else {
                h["alpha_stake"] = dec(r.log_range(0, 100'000'000'000'000ULL));
                if (r.chance(60))
                    h["root_stake"] = dec(r.log_range(0, 100'000'000'000'000ULL));
            }
            bool duplicate = false;
            for (const auto& o : hotkeys)
                duplicate = duplicate || o["hotkey"] == h["hotkey"];
            if (!duplicate)
                hotkeys.push_back(h);
        }
        in["hotkeys"] = hotkeys;
        return in;
    }
    json in = random_input(op, r);
    if (in.contains("state")) {
        to_balancer_state(in["state"], r);
        if (op == "coinbase" && in.contains("block_emission") && r.chance(50))
            in.erase("block_emission");  // block_step's own mint, half the time
        return in;
    }
    if (in.contains("subnet_tao")) {
        add_balancer_pool_fields(in, r);
        in.erase("alpha_dividends_per_subnet");
        in.erase("total_hotkey_alpha");
        if (op == "remove_stake" && r.chance(50))
            in["alpha_available"] = dec(r.chance(50) ? r.log_range(0, 100'000'000'000'000ULL) : r.amount());
        if ((op == "add_stake" || op == "remove_stake") && r.chance(15))
            in["block_author"] = false;
    }
    return in;
}

}  // namespace dtao::vectors
