/// Spec link checker (spec/README.md, "How links are checked").
///
/// Checks that spec/*.md, reference/, tests/ and properties/ stay linked:
///   a. rule ids defined in spec (`### ID ...` headings) are unique and well formed;
///   b. every rule id occurs in reference/ ("has an implementation");
///   c. every rule id is named by a `@rule` tag in tests/ or properties/ ("has a test");
///   d. every `@rule` tag and `// ID:` step comment in reference/, tests/,
///      properties/, fuzz/ names a rule defined in spec (or a finding of
///      spec/findings.md) ("no dangling tags");
///   e. every project path in backticks in spec/*.md exists;
///   f. the constants table of spec/units.md equals reference/include/dtao/constants.hpp;
///   g. the rulesets table of spec/rulesets.md equals `dtao::RULESETS`;
///   h. the mainnet spec-version table of spec/rulesets.md equals `dtao::MAINNET_SPECS`.
/// Only std::filesystem and std::regex. This directory (tests/spec/) is never
/// scanned for tags: its own regexes would count as tags.
#include "dtao/constants.hpp"
#include "dtao/ruleset.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path ROOT{DTAO_SOURCE_DIR};

std::string read(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        out.push_back(line);
    }
    return out;
}

std::string rel(const fs::path& p) { return fs::relative(p, ROOT).generic_string(); }

bool is_source(const fs::path& p)
{
    static const std::set<std::string> exts{".cpp", ".hpp", ".h", ".cc", ".hh", ".ipp"};
    return exts.count(p.extension().string()) != 0;
}

/// Source files under ROOT/dir (recursively), excluding tests/spec/.
std::vector<fs::path> sources_under(const std::string& dir)
{
    std::vector<fs::path> out;
    const fs::path base = ROOT / dir;
    if (!fs::exists(base))
        return out;
    const fs::path self = ROOT / "tests" / "spec";
    for (auto it = fs::recursive_directory_iterator(base); it != fs::recursive_directory_iterator(); ++it) {
        if (it->is_directory() && fs::equivalent(it->path(), self)) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file() && is_source(it->path()))
            out.push_back(it->path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<fs::path> spec_files()
{
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(ROOT / "spec"))
        if (e.is_regular_file() && e.path().extension() == ".md")
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

const std::regex ID_STRICT{"^[A-Z]+-[0-9]{3}$"};
/// A whole-word rule id anywhere in a text.
const std::regex ID_WORD{"(^|[^A-Za-z0-9_-])([A-Z]+-[0-9]{3})(?![A-Za-z0-9_])"};
/// A heading that looks like a rule or finding definition: `### X-1 ...`.
const std::regex DEF_HEADING{"^###[ \\t]+([A-Za-z0-9]+-[0-9A-Za-z]+)\\b.*$"};
/// `@rule A-001 B-002 ...`; group 1 holds the id list.
const std::regex RULE_TAG{"@rule((?:[ \\t,]+[A-Z]+-[0-9]{3}(?![A-Za-z0-9_]))+)"};
/// A step comment `// ID: ...` or `// ID (...)`: a comment that starts with an id.
const std::regex STEP_COMMENT{"//[ \\t]*([A-Z]+-[0-9]{3})(?![A-Za-z0-9_-])"};
const std::regex ID_TOKEN{"[A-Z]+-[0-9]{3}"};

struct Definition
{
    std::string id;
    std::string file;
    std::size_t line = 0;
};

/// Rule definitions: `### ID` headings in every spec file except findings.md.
/// Findings: `### F-NNN` headings in findings.md.
struct Spec
{
    std::vector<Definition> rules;
    std::vector<Definition> findings;

    std::set<std::string> rule_ids() const
    {
        std::set<std::string> s;
        for (const auto& d : rules)
            s.insert(d.id);
        return s;
    }
    std::set<std::string> finding_ids() const
    {
        std::set<std::string> s;
        for (const auto& d : findings)
            s.insert(d.id);
        return s;
    }
};

Spec load_spec()
{
    Spec spec;
    for (const auto& f : spec_files()) {
        const bool findings = f.filename() == "findings.md";
        const auto lines = lines_of(read(f));
        bool in_code = false;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (lines[i].rfind("```", 0) == 0)
                in_code = !in_code;
            std::smatch m;
            if (in_code || !std::regex_match(lines[i], m, DEF_HEADING))
                continue;
            Definition d{m[1].str(), rel(f), i + 1};
            (findings ? spec.findings : spec.rules).push_back(d);
        }
    }
    return spec;
}

struct Occurrence
{
    std::string file;
    std::size_t line = 0;
};

/// Every whole-word id in the sources under `dirs`, with where it occurs.
std::map<std::string, std::vector<Occurrence>> ids_in(const std::vector<std::string>& dirs)
{
    std::map<std::string, std::vector<Occurrence>> out;
    for (const auto& d : dirs)
        for (const auto& f : sources_under(d)) {
            const auto lines = lines_of(read(f));
            for (std::size_t i = 0; i < lines.size(); ++i)
                for (std::sregex_iterator it(lines[i].begin(), lines[i].end(), ID_WORD), end; it != end; ++it)
                    out[(*it)[2].str()].push_back({rel(f), i + 1});
        }
    return out;
}

/// Every id named by a `@rule` tag (and, if `steps`, by a step comment).
std::map<std::string, std::vector<Occurrence>> tags_in(const std::vector<std::string>& dirs, bool steps)
{
    std::map<std::string, std::vector<Occurrence>> out;
    for (const auto& d : dirs)
        for (const auto& f : sources_under(d)) {
            const auto lines = lines_of(read(f));
            for (std::size_t i = 0; i < lines.size(); ++i) {
                const std::string& l = lines[i];
                for (std::sregex_iterator it(l.begin(), l.end(), RULE_TAG), end; it != end; ++it) {
                    const std::string list = (*it)[1].str();
                    for (std::sregex_iterator t(list.begin(), list.end(), ID_TOKEN), e2; t != e2; ++t)
                        out[t->str()].push_back({rel(f), i + 1});
                }
                if (steps)
                    for (std::sregex_iterator it(l.begin(), l.end(), STEP_COMMENT), end; it != end; ++it)
                        out[(*it)[1].str()].push_back({rel(f), i + 1});
            }
        }
    return out;
}

std::string where(const Occurrence& o) { return o.file + ":" + std::to_string(o.line); }

/// The cells of a markdown table row, trimmed, with surrounding backticks removed.
std::vector<std::string> cells(const std::string& row)
{
    std::vector<std::string> out;
    std::string s = row;
    const auto first = s.find('|'), last = s.rfind('|');
    if (first == std::string::npos || last == first)
        return out;
    s = s.substr(first + 1, last - first - 1);
    std::istringstream in(s);
    for (std::string c; std::getline(in, c, '|');) {
        const auto b = c.find_first_not_of(" \t"), e = c.find_last_not_of(" \t");
        c = b == std::string::npos ? std::string{} : c.substr(b, e - b + 1);
        if (c.size() >= 2 && c.front() == '`' && c.back() == '`')
            c = c.substr(1, c.size() - 2);
        out.push_back(c);
    }
    return out;
}

/// The rows (after the separator) of every table in `file` whose header cells
/// start with `header`; each row with its line number.
std::vector<std::pair<std::size_t, std::vector<std::string>>> table_rows(const fs::path& file,
                                                                         const std::vector<std::string>& header)
{
    std::vector<std::pair<std::size_t, std::vector<std::string>>> out;
    const auto lines = lines_of(read(file));
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
        const auto h = cells(lines[i]);
        if (h.size() < header.size() || !std::equal(header.begin(), header.end(), h.begin()))
            continue;
        std::size_t j = i + 2;  // skip the |---| separator
        for (; j < lines.size() && !lines[j].empty() && lines[j][0] == '|'; ++j)
            out.emplace_back(j + 1, cells(lines[j]));
        i = j;
    }
    return out;
}

}  // namespace

// a. every rule id defined in spec is unique and matches ^[A-Z]+-[0-9]{3}$
TEST(spec_links, a_rule_ids_unique_and_well_formed)
{
    const Spec spec = load_spec();
    ASSERT_FALSE(spec.rules.empty()) << "no `### ID` rule headings found under spec/";
    std::map<std::string, Definition> seen;
    for (const auto& d : spec.rules) {
        EXPECT_TRUE(std::regex_match(d.id, ID_STRICT))
            << d.id << " (" << d.file << ":" << d.line << "): rule id does not match ^[A-Z]+-[0-9]{3}$";
        const auto [it, fresh] = seen.emplace(d.id, d);
        EXPECT_TRUE(fresh) << d.id << " is defined twice: " << it->second.file << ":" << it->second.line << " and "
                           << d.file << ":" << d.line;
    }
    std::map<std::string, Definition> findings;
    for (const auto& d : spec.findings) {
        EXPECT_TRUE(std::regex_match(d.id, std::regex{"^F-[0-9]{3}$"}))
            << d.id << " (" << d.file << ":" << d.line << "): finding id does not match ^F-[0-9]{3}$";
        const auto [it, fresh] = findings.emplace(d.id, d);
        EXPECT_TRUE(fresh) << d.id << " is defined twice in " << d.file;
        EXPECT_EQ(seen.count(d.id), 0u) << d.id << " (" << d.file << ") is both a rule and a finding";
    }
}

// b. every rule id appears in reference/ as a whole word
TEST(spec_links, b_every_rule_has_an_implementation)
{
    const Spec spec = load_spec();
    const auto in_reference = ids_in({"reference"});
    for (const auto& d : spec.rules) {
        EXPECT_TRUE(in_reference.count(d.id))
            << d.id << " (" << d.file << ":" << d.line << "): no occurrence in reference/ (no implementation)";
    }
}

// c. every rule id is named by at least one `@rule` tag in tests/ or properties/
TEST(spec_links, c_every_rule_has_a_test)
{
    const Spec spec = load_spec();
    const auto tagged = tags_in({"tests", "properties"}, false);
    std::vector<std::string> missing;
    for (const auto& d : spec.rules)
        if (!tagged.count(d.id)) {
            missing.push_back(d.id);
            ADD_FAILURE() << d.id << " (" << d.file << ":" << d.line << "): no `@rule " << d.id
                          << "` tag in tests/ or properties/ (no test)";
        }
    if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing)
            list += " " + m;
        std::cout << "[ spec ] rules without a test (" << missing.size() << "):" << list << "\n";
    }
}

// d. every tag and step comment names a rule defined in spec (or a finding)
TEST(spec_links, d_no_dangling_tags)
{
    const Spec spec = load_spec();
    const auto rules = spec.rule_ids();
    const auto findings = spec.finding_ids();
    const auto tags = tags_in({"reference", "tests", "properties", "fuzz"}, true);
    for (const auto& [id, occurrences] : tags) {
        if (rules.count(id) || findings.count(id))
            continue;
        for (const auto& o : occurrences)
            ADD_FAILURE() << id << " (" << where(o) << "): tag or step comment names no rule defined in spec/";
    }
}

// d'. every finding id mentioned in reference/ or tests/ is defined in spec/findings.md
TEST(spec_links, d_findings_mentioned_in_code_exist)
{
    const Spec spec = load_spec();
    const auto findings = spec.finding_ids();
    for (const auto& [id, occurrences] : ids_in({"reference", "tests", "properties", "fuzz"})) {
        if (id.rfind("F-", 0) != 0 || findings.count(id))
            continue;
        for (const auto& o : occurrences)
            ADD_FAILURE() << id << " (" << where(o) << "): finding not defined in spec/findings.md";
    }
}

// e. every project path in backticks in spec/*.md exists
TEST(spec_links, e_spec_paths_exist)
{
    static const std::vector<std::string> prefixes{"reference/", "tests/", "properties/", "fuzz/",
                                                   "vectors/",   "spec/",  "tools/",      "bench/"};
    const std::regex span{"`([^`\\n]+)`"};
    std::size_t checked = 0;
    for (const auto& f : spec_files()) {
        const auto lines = lines_of(read(f));
        bool in_code = false;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (lines[i].rfind("```", 0) == 0) {
                in_code = !in_code;
                continue;
            }
            if (in_code)
                continue;
            for (std::sregex_iterator it(lines[i].begin(), lines[i].end(), span), end; it != end; ++it) {
                std::string p = (*it)[1].str();
                p = p.substr(0, p.find_first_of(" \t"));  // `path — name` or `path::fn`: the path part
                if (const auto c = p.find("::"); c != std::string::npos)
                    p = p.substr(0, c);
                while (!p.empty() && std::string(",;.:)").find(p.back()) != std::string::npos)
                    p.pop_back();
                const bool project = std::any_of(prefixes.begin(), prefixes.end(),
                                                 [&](const std::string& pre) { return p.rfind(pre, 0) == 0; });
                if (!project || p.find_first_of("*?<>{}[]$") != std::string::npos)
                    continue;  // not a project path, or a pattern rather than a path
                ++checked;
                EXPECT_TRUE(fs::exists(ROOT / p)) << rel(f) << ":" << (i + 1) << ": path `" << p << "` does not exist";
            }
        }
    }
    EXPECT_GT(checked, 0u) << "no project paths found in spec/*.md";
}

// f. the constants table of spec/units.md equals constants.hpp
TEST(spec_links, f_units_table_matches_constants)
{
    const std::map<std::string, dtao::u64> code{
        {"RAO_PER_TAO", dtao::RAO_PER_TAO},
        {"TOTAL_SUPPLY", dtao::TOTAL_SUPPLY},
        {"DEFAULT_BLOCK_EMISSION", dtao::DEFAULT_BLOCK_EMISSION},
        {"MINIMUM_POOL_LIQUIDITY", dtao::MINIMUM_POOL_LIQUIDITY},
        {"DEFAULT_MIN_STAKE", dtao::DEFAULT_MIN_STAKE},
        {"DEFAULT_STAKING_FEE", dtao::DEFAULT_STAKING_FEE},
        {"DEFAULT_SUBNET_OWNER_CUT", dtao::DEFAULT_SUBNET_OWNER_CUT},
        {"LAUNCH_TAO_WEIGHT", dtao::LAUNCH_TAO_WEIGHT},
        {"DEFAULT_MOVING_ALPHA_BITS", dtao::DEFAULT_MOVING_ALPHA_BITS},
        {"NETWORK_MIN_LOCK_COST", dtao::NETWORK_MIN_LOCK_COST},
        {"NETWORK_LOCK_REDUCTION_INTERVAL", dtao::NETWORK_LOCK_REDUCTION_INTERVAL},
        {"NETWORK_RATE_LIMIT", dtao::NETWORK_RATE_LIMIT},
        {"EMA_RAMP_CONSTANT_BLOCKS", dtao::EMA_RAMP_CONSTANT_BLOCKS},
        {"DEFAULT_EMA_PRICE_HALVING_BLOCKS", dtao::DEFAULT_EMA_PRICE_HALVING_BLOCKS},
        {"DURATION_OF_START_CALL", dtao::DURATION_OF_START_CALL},
        {"ROOT_NETUID", dtao::ROOT_NETUID},
        {"BALANCER_ERA_MIN_STAKE", dtao::BALANCER_ERA_MIN_STAKE},
        {"DEFAULT_SWAP_FEE_RATE", dtao::DEFAULT_SWAP_FEE_RATE},
        {"SWAP_MINIMUM_RESERVE", dtao::SWAP_MINIMUM_RESERVE},
        {"MAX_SWAP_INPUT_RESERVE_MULTIPLIER", dtao::MAX_SWAP_INPUT_RESERVE_MULTIPLIER},
        {"SWAP_MIN_PRICE", dtao::SWAP_MIN_PRICE},
        {"SWAP_MAX_PRICE", dtao::SWAP_MAX_PRICE},
        {"BALANCER_MIN_WEIGHT_PARTS", dtao::BALANCER_MIN_WEIGHT_PARTS},
        {"MAX_EPOCHS_PER_BLOCK", dtao::MAX_EPOCHS_PER_BLOCK},
        {"MAX_TEMPO", dtao::MAX_TEMPO},
        {"BALANCER_ERA_NETWORK_MIN_LOCK_COST", dtao::BALANCER_ERA_NETWORK_MIN_LOCK_COST},
        {"EMISSION_BAR_UPDATE_INTERVAL", dtao::EMISSION_BAR_UPDATE_INTERVAL},
        {"DEFAULT_EMISSION_BAR_QUANTILE_BITS", dtao::DEFAULT_EMISSION_BAR_QUANTILE_BITS},
        {"DEFAULT_EMISSION_GATE_EXPONENT", dtao::DEFAULT_EMISSION_GATE_EXPONENT},
        {"DEFAULT_EMISSION_BAR_RANK", dtao::DEFAULT_EMISSION_BAR_RANK},
        {"BASKET_FAST_EMA_HALF_LIFE_BLOCKS", dtao::BASKET_FAST_EMA_HALF_LIFE_BLOCKS},
    };

    // The rule id each constant carries in constants.hpp (`/// @rule UNIT-NNN` above it).
    std::map<std::string, std::string> code_ids;
    {
        const std::string header = "reference/include/dtao/constants.hpp";
        const auto lines = lines_of(read(ROOT / header));
        const std::regex tag{"@rule[ \\t]+([A-Z]+-[0-9]{3})"};
        const std::regex decl{"constexpr[ \\t]+u64[ \\t]+([A-Z0-9_]+)[ \\t]*="};
        std::string pending;
        for (const auto& l : lines) {
            std::smatch m;
            if (std::regex_search(l, m, tag))
                pending = m[1].str();
            else if (std::regex_search(l, m, decl)) {
                code_ids[m[1].str()] = pending;
                pending.clear();
            }
        }
        EXPECT_EQ(code_ids.size(), code.size())
            << header << " declares " << code_ids.size() << " u64 constants; this test knows " << code.size()
            << ": add the new constant to the map above and to spec/units.md";
        for (const auto& [name, id] : code_ids) {
            EXPECT_TRUE(code.count(name)) << name << " (" << header << ", " << id << ") is not checked by this test";
        }
    }

    const fs::path units = ROOT / "spec" / "units.md";
    ASSERT_TRUE(fs::exists(units)) << "spec/units.md does not exist";
    const auto rows = table_rows(units, {"id", "name", "value", "source"});
    ASSERT_FALSE(rows.empty()) << "spec/units.md: no table with header | id | name | value | source |";
    std::set<std::string> seen;
    for (const auto& [line, c] : rows) {
        ASSERT_GE(c.size(), 3u) << "spec/units.md:" << line << ": short row";
        const std::string& id = c[0];
        const std::string& name = c[1];
        const std::string& value = c[2];
        const std::string at = id + " (spec/units.md:" + std::to_string(line) + ")";
        EXPECT_TRUE(seen.insert(name).second) << at << ": constant " << name << " listed twice";
        const auto it = code.find(name);
        if (it == code.end()) {
            ADD_FAILURE() << at << ": constant " << name << " is not in reference/include/dtao/constants.hpp";
            continue;
        }
        if (!std::regex_match(value, std::regex{"^[0-9]+$"})) {
            ADD_FAILURE() << at << ": value `" << value << "` of " << name << " is not a plain integer";
            continue;
        }
        EXPECT_EQ(value, std::to_string(it->second))
            << at << ": " << name << " is " << value << " in the spec but " << it->second << " in constants.hpp";
        if (const auto ci = code_ids.find(name); ci != code_ids.end()) {
            EXPECT_EQ(id, ci->second) << at << ": " << name << " carries `@rule " << ci->second << "` in constants.hpp";
        }
    }
    for (const auto& [name, value] : code) {
        EXPECT_TRUE(seen.count(name)) << (code_ids.count(name) ? code_ids[name] : std::string{"?"}) << " ("
                                      << "spec/units.md): constant " << name << " = " << value
                                      << " has no row in the constants table";
    }
}

// g. the rulesets table of spec/rulesets.md equals dtao::RULESETS
template <typename Rulesets>
void check_rulesets_table(const std::string& first_column, const Rulesets& rulesets, const char* name)
{
    const fs::path file = ROOT / "spec" / "rulesets.md";
    ASSERT_TRUE(fs::exists(file)) << "spec/rulesets.md does not exist";
    const auto rows = table_rows(file, {first_column, "commit", "spec_version", "date", "parent"});
    ASSERT_EQ(rows.size(), rulesets.size()) << "spec/rulesets.md: the table with header | " << first_column
                                            << " | commit | spec_version | date | parent | has " << rows.size()
                                            << " rows; " << name << " has " << rulesets.size();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& [line, c] = rows[i];
        const auto& r = rulesets[i];
        const std::string at = "RSET " + std::string(r.id) + " (spec/rulesets.md:" + std::to_string(line) + ")";
        ASSERT_GE(c.size(), 5u) << at << ": short row";
        EXPECT_EQ(c[0], std::string(r.id)) << at << ": tag (row order must follow " << name << ")";
        EXPECT_EQ(c[1], std::string(r.commit)) << at << ": commit";
        EXPECT_EQ(c[2], std::to_string(r.spec_version)) << at << ": spec_version";
        EXPECT_EQ(c[3], std::string(r.date)) << at << ": date";
        const std::string parent = (c[4] == "—" || c[4] == "-") ? std::string{} : c[4];
        EXPECT_EQ(parent, std::string(r.parent)) << at << ": parent";
    }
}

TEST(spec_links, g_rulesets_table_matches_code) { check_rulesets_table("tag", dtao::RULESETS, "dtao::RULESETS"); }

// h. the mainnet spec-version table of spec/rulesets.md equals dtao::MAINNET_SPECS
TEST(spec_links, h_mainnet_specs_table_matches_code)
{
    const fs::path file = ROOT / "spec" / "rulesets.md";
    const auto rows = table_rows(file, {"spec", "ruleset", "first block", "date"});
    ASSERT_EQ(rows.size(), dtao::MAINNET_SPECS.size())
        << "spec/rulesets.md: the table | spec | ruleset | first block | date | has " << rows.size()
        << " rows; dtao::MAINNET_SPECS has " << dtao::MAINNET_SPECS.size();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& [line, c] = rows[i];
        const auto& m = dtao::MAINNET_SPECS[i];
        const std::string at =
            "spec " + std::to_string(m.spec_version) + " (spec/rulesets.md:" + std::to_string(line) + ")";
        ASSERT_GE(c.size(), 3u) << at << ": short row";
        EXPECT_EQ(c[0], std::to_string(m.spec_version)) << at << ": spec (row order must follow dtao::MAINNET_SPECS)";
        EXPECT_EQ(c[1], std::string(m.ruleset)) << at << ": ruleset";
        EXPECT_EQ(c[2], std::to_string(m.first_block)) << at << ": first block";
        EXPECT_EQ(c.size() > 3 ? c[3] : std::string{}, std::string(m.date)) << at << ": date";
    }
}
