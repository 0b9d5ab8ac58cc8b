// dtao: published test vectors — closed lists, loader, canonical writer.
// Random inputs: random_inputs.cpp (launch era), random_balancer.cpp (Balancer era).
// SPDX-License-Identifier: Apache-2.0
#include "vectors.hpp"

#include "archive.hpp"
#include "generate_detail.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace dtao::vectors {

// ------------------------------------------------------------------ closed lists

const std::vector<FlagInfo>& flag_list()
{
    static const std::vector<FlagInfo> list = {
        {"ROUNDING_DIRECTION", "the answer depends on the chain's rounding direction (truncation of a fixed-point "
                               "quotient, floor of a product, truncation to u64)"},
        {"OVERFLOW_SATURATION",
         "a u64 or fixed-point intermediate saturates (I110F18 k above 2^109, u64 storage, I96F32 range)"},
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
        {"BALANCER_WEIGHT", "a Balancer pool weight other than ½: the power goes through pow_ratio_scaled's fallback "
                            "series (v3.4.8-423+)"},
        {"SWAP_FEE",
         "the Balancer swap fee: its rate, its gross-up on a limit-cut order, its destination (v3.4.8-423+)"},
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
        {"swap",
         {"sim_swap_tao_for_alpha", "sim_swap_alpha_for_tao", "swap"},
         "swaps: constant product (POOL-003, POOL-004), the Balancer pool with its fee and limit (BAL-005), the v3 "
         "pool's swap and runtime quotes (VSWAP-008, VSWAP-010)"},
        {"liquidity",
         {"adjust_protocol_liquidity", "migrate_swapv3_to_balancer"},
         "protocol liquidity: the Balancer pool's reweighting (BAL-007) and its initialisation from the v3 pool "
         "(BAL-009); the v3 pool's protocol position taking an injection (VSWAP-016)"},
        {"bigmath", {"pow_ratio_scaled"}, "safe-bigmath's pow_ratio_scaled, both paths (BIGM-004 … BIGM-006)"},
        {"limit", {"max_amount_add", "max_amount_remove"}, "limit-order maxima (STAKE-005, STAKE-006)"},
        {"stake", {"add_stake", "remove_stake"}, "staking with fee, validation and limits (STAKE-007 … STAKE-009)"},
        {"ema", {"update_moving_price"}, "the moving price and its ramp (EMA-001, EMA-002)"},
        {"coinbase", {"coinbase"}, "the per-block coinbase (COIN-001 … COIN-010)"},
        {"drain",
         {"drain_pending_emission", "dividend_distribution"},
         "distribution of pending emission (DRAIN-001 … DRAIN-007; BCOIN-013)"},
        {"registration",
         {"network_lock_cost", "register_network", "start_call"},
         "lock cost, registration, start_call (REG-001 … REG-004)"},
        {"epoch", {"blocks_until_next_epoch"}, "epoch schedule (EPOCH-001, EPOCH-002)"},
        {"scenario",
         {"block"},
         "auditor scenarios block by block: coinbase then stake extrinsics, the full state after each block (COIN-010, "
         "STAKE-007, STAKE-008)"},
        // After `scenario`: `block` keeps naming the scenario family (family_of_op).
        {"mainnet",
         {"block", "swap", "alpha_price", "sim_swap_tao_for_alpha", "sim_swap_alpha_for_tao"},
         "mainnet's own blocks and quotes: the coinbase on a captured finney state and the captured sim_swap quotes "
         "and prices, reproduced to the rao (BCOIN-015, BCOIN-016, BGATE-001 … BGATE-003, BAL-001, BAL-005; the v3 "
         "pool's VSWAP-010, VSWAP-011)"},
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

/// Amounts are decimal strings in the protocol: a JSON number in an expected
/// value would compare unequal to every correct answer, or lose digits.
void no_numbers(const json& j, const std::string& where, std::size_t depth)
{
    if (depth > 64)
        bad(where + ": nested too deeply");
    if (j.is_number())
        bad(where + ": a JSON number (" + j.dump() + "); amounts are decimal strings");
    if (j.is_object())
        for (const auto& [k, v] : j.items())
            no_numbers(v, where + "." + k, depth + 1);
    else if (j.is_array())
        for (std::size_t i = 0; i < j.size(); ++i)
            no_numbers(j[i], where + "[" + std::to_string(i) + "]", depth + 1);
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
            no_numbers(k.expected, cw + ".expected", 0);
            k.exact = c.contains("exact") ? c["exact"] : json();
            no_numbers(k.exact, cw + ".exact", 0);
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

/// The bytes of a regular file. Anything else (a FIFO would block the reader
/// forever, a device would never end) is an error, as is an unreadable file.
std::optional<std::string> read_regular(const std::filesystem::path& p, std::string& error)
{
    std::error_code ec;
    const auto st = std::filesystem::status(p, ec);
    if (ec) {
        error = "cannot read: " + ec.message();
        return std::nullopt;
    }
    if (!std::filesystem::is_regular_file(st)) {
        error = "not a regular file";
        return std::nullopt;
    }
    std::ifstream f(p, std::ios::binary);
    if (!f) {
        error = "cannot read";
        return std::nullopt;
    }
    std::ostringstream ss;
    ss << f.rdbuf();
    if (f.bad()) {
        error = "cannot read";
        return std::nullopt;
    }
    return ss.str();
}

/// Why an index path may not be followed, or "" if it may: it must stay inside
/// the vectors directory, also through symbolic links.
std::string outside_reason(const std::filesystem::path& dir, const std::string& rel)
{
    const std::filesystem::path r(rel);
    if (rel.empty() || r.is_absolute())
        return "not a relative path";
    for (const auto& part : r)
        if (part == "..")
            return "leaves the vectors directory";
    std::error_code ec1, ec2;
    const auto root = std::filesystem::weakly_canonical(dir, ec1);
    const auto full = std::filesystem::weakly_canonical(dir / r, ec2);
    if (ec1 || ec2)
        return "cannot resolve";
    const auto within = full.lexically_relative(root);
    if (within.empty() || *within.begin() == "..")
        return "resolves outside the vectors directory";
    return "";
}

}  // namespace

LoadedVectors load_vectors(const std::filesystem::path& dir) noexcept
{
    LoadedVectors out;
    try {
        // One loader for both forms, so that an archive is verified by the very
        // checks a directory is: the index's sizes and SHA-256s, then the parser.
        std::map<std::string, std::string> archive;
        const bool is_archive = std::filesystem::is_regular_file(dir);
        if (is_archive) {
            try {
                archive = read_vectors_archive(dir);
            } catch (const std::exception& e) {
                out.errors.push_back(std::string("invalid vectors archive: ") + e.what());
                return out;
            }
            if (!archive.contains("index.json")) {
                out.errors.push_back(dir.string() + ": the archive has no index.json below its top directory");
                return out;
            }
        }
        // The bytes of `rel` below the vectors directory or in the archive.
        auto read = [&](const std::string& rel, std::string& error) -> std::optional<std::string> {
            if (!is_archive)
                return read_regular(dir / rel, error);
            const auto it = archive.find(rel);
            if (it == archive.end()) {
                error = "not in the archive " + dir.string();
                return std::nullopt;
            }
            return it->second;
        };
        struct Listed
        {
            std::string path;
            std::optional<std::string> sha256;
            std::optional<std::uint64_t> bytes;
        };
        std::vector<Listed> listed;
        const bool indexed = is_archive || std::filesystem::exists(dir / "index.json");
        if (indexed) {
            std::string error;
            const auto index_bytes = read("index.json", error);
            if (!index_bytes) {
                out.errors.push_back((dir / "index.json").string() + ": " + error);
                return out;
            }
            const json index = json::parse(*index_bytes, nullptr, false);
            if (index.is_discarded() || !index.is_object() || !index.contains("files") || !index["files"].is_array()) {
                out.errors.push_back((dir / "index.json").string() + ": not a valid index");
                return out;
            }
            for (std::size_t i = 0; i < index["files"].size(); ++i) {
                const json& f = index["files"][i];
                const std::string w = (dir / "index.json").string() + ": files[" + std::to_string(i) + "]";
                if (!f.is_object() || !f.contains("path") || !f["path"].is_string() || !f.contains("sha256") ||
                    !f["sha256"].is_string() || !f.contains("bytes") || !f["bytes"].is_number_unsigned()) {
                    out.errors.push_back(w + ": expected an object with path, sha256 and bytes");
                    continue;
                }
                listed.push_back(
                    {f["path"].get<std::string>(), f["sha256"].get<std::string>(), f["bytes"].get<std::uint64_t>()});
            }
            if (is_archive) {
                // Every entry is vouched for by the index (vector files) or is the
                // index or a schema (covered by the archive's own SHA-256, which
                // implementers pin): nothing else rides along unverified.
                std::set<std::string> known;
                for (const auto& l : listed)
                    known.insert(l.path);
                for (const auto& [path, bytes] : archive)
                    if (path != "index.json" && !known.contains(path) &&
                        !(path.starts_with("schema/") && path.ends_with(".schema.json") &&
                          path.find('/', 7) == std::string::npos))
                        out.errors.push_back(dir.string() + ": entry \"" + path +
                                             "\" is neither the index, a schema nor a file the index lists");
            }
        } else {
            std::error_code ec;
            for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
                 !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
                if (!it->is_regular_file() || it->path().extension() != ".json")
                    continue;
                const auto rel = std::filesystem::relative(it->path(), dir).generic_string();
                if (std::count(rel.begin(), rel.end(), '/') == 2 && rel.rfind("schema/", 0) != 0 &&
                    rel.rfind("fillers/", 0) != 0)
                    listed.push_back({rel, std::nullopt, std::nullopt});
            }
            if (ec)
                out.errors.push_back(dir.string() + ": " + ec.message());
            std::sort(listed.begin(), listed.end(), [](const Listed& a, const Listed& b) { return a.path < b.path; });
        }
        // Whom to blame for a file that does not match its index entry.
        const std::string altered = is_archive ? " (the archive was altered after `dtao vectors pack`; fetch it again)"
                                               : " (changed after generation; `dtao vectors generate` rewrites it)";
        for (const auto& l : listed) {
            const std::string rel = is_archive ? dir.string() + ": " + l.path : l.path;
            // an archive's paths were checked by its reader (no `..`, nothing absolute)
            if (const auto why = is_archive ? std::string() : outside_reason(dir, rel); !why.empty()) {
                out.errors.push_back(rel + ": " + why + " (a path in the index)");
                continue;
            }
            std::string error;
            const auto bytes = read(l.path, error);
            if (!bytes) {
                out.errors.push_back(rel + ": " + error);
                continue;
            }
            // An edited vector must not be blamed on the implementation under test.
            if (l.bytes && bytes->size() != *l.bytes) {
                out.errors.push_back(rel + ": " + std::to_string(bytes->size()) + " bytes, the index says " +
                                     std::to_string(*l.bytes) + altered);
                continue;
            }
            if (l.sha256 && detail::sha256_hex(*bytes) != *l.sha256) {
                out.errors.push_back(rel + ": sha256 differs from the index" + altered);
                continue;
            }
            VectorFile f;
            if (auto err = parse_vector_file(*bytes, l.path, f))
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

}  // namespace dtao::vectors
