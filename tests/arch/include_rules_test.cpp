/// Include rules (docs/architecture.md, "Rules the check enforces").
///
/// The parts and their arrows are read from the ```arrows block of
/// docs/architecture.md, so the picture and the check cannot drift apart. Each source file of a
/// part is scanned for `#include` lines:
///   1. a quoted include resolves to a project file of the same part or of a part
///      the arrows reach (transitively); one that resolves to nothing is an error;
///   2. `reference` and `numeric` include no JSON and no I/O header;
///   3. a tool part includes another tool part's public headers only: those in
///      that part's `include/` folder.
/// The checker runs on the project tree, and on small trees written to a
/// temporary folder that break each rule once, so a checker that finds nothing
/// fails too.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write(const fs::path& p, const std::string& text)
{
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

std::string trim(std::string s)
{
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

/// The lines of the fenced block ```<tag> of a markdown text.
std::vector<std::string> fenced(const std::string& md, const std::string& tag)
{
    std::vector<std::string> lines;
    std::istringstream in(md);
    std::string line;
    bool inside = false, seen = false;
    while (std::getline(in, line)) {
        if (!inside && trim(line) == "```" + tag) {
            inside = seen = true;
            continue;
        }
        if (inside && trim(line) == "```") {
            inside = false;
            continue;
        }
        if (inside && !trim(line).empty())
            lines.push_back(trim(line));
    }
    if (!seen)
        throw std::runtime_error("docs/architecture.md has no ```" + tag + " block");
    return lines;
}

struct Architecture
{
    std::map<std::string, std::set<std::string>> arrows;  ///< part → parts it names directly

    static Architecture parse(const std::string& md)
    {
        Architecture a;
        static const std::regex arrow(R"(^([a-z]+)\s+──>\s+(.*)$)");
        for (const auto& line : fenced(md, "arrows")) {
            std::smatch m;
            if (!std::regex_match(line, m, arrow))
                throw std::runtime_error("arrows: cannot read line '" + line + "'");
            auto& to = a.arrows[m[1]];
            const std::string rhs = trim(m[2]);
            if (rhs == "∅")
                continue;
            std::istringstream parts(rhs);
            std::string p;
            while (std::getline(parts, p, ','))
                to.insert(trim(p));
        }
        for (const auto& [from, tos] : a.arrows)
            for (const auto& to : tos)
                if (!a.arrows.count(to))
                    throw std::runtime_error("arrows: " + from + " ──> " + to + ", but " + to + " has no line");
        return a;
    }

    /// Every part `from` reaches, itself included.
    std::set<std::string> reach(const std::string& from) const
    {
        std::set<std::string> seen{from};
        std::vector<std::string> todo{from};
        while (!todo.empty()) {
            const std::string p = todo.back();
            todo.pop_back();
            for (const auto& q : arrows.at(p))
                if (seen.insert(q).second)
                    todo.push_back(q);
        }
        return seen;
    }
};

const std::set<std::string> TOOL_PARTS{"protocol", "vectors", "conform", "scenario", "chainstate"};

/// The part a project-relative path belongs to; none for the checks (tests,
/// properties, fuzz, bench), which may include anything.
std::optional<std::string> part_of(const std::string& rel)
{
    auto starts = [&](const std::string& p) { return rel.rfind(p, 0) == 0; };
    if (starts("reference/include/dtao/numeric/") || starts("reference/src/numeric/"))
        return "numeric";
    if (starts("reference/"))
        return "reference";
    if (rel == "tools/dtao/main.cpp")
        return "main";
    for (const auto& t : TOOL_PARTS)
        if (starts("tools/dtao/" + t + "/"))
            return t;
    return std::nullopt;
}

/// Check one tree; returns one line per violation.
std::vector<std::string> check_tree(const fs::path& root, const Architecture& arch)
{
    std::vector<std::string> errors;
    static const std::regex include_line(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
    static const std::set<std::string> io_headers{"iostream",   "fstream", "sstream", "cstdio",
                                                  "filesystem", "ostream", "istream"};
    std::vector<fs::path> files;
    for (const char* top : {"reference", "tools/dtao"})
        if (fs::exists(root / top))
            for (const auto& e : fs::recursive_directory_iterator(root / top))
                if (e.is_regular_file() && (e.path().extension() == ".hpp" || e.path().extension() == ".cpp"))
                    files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        const std::string rel = fs::relative(file, root).generic_string();
        const auto part = part_of(rel);
        if (!part)
            continue;
        if (!arch.arrows.count(*part)) {
            errors.push_back(rel + ": part '" + *part + "' has no line in the arrows block");
            continue;
        }
        const auto allowed = arch.reach(*part);
        const bool pure = *part == "reference" || *part == "numeric";
        std::istringstream in(read(file));
        std::string line;
        for (int n = 1; std::getline(in, line); ++n) {
            std::smatch m;
            if (!std::regex_search(line, m, include_line))
                continue;
            const std::string where = rel + ":" + std::to_string(n) + ": ";
            const std::string name = m[2];
            if (m[1] == "<") {
                if (pure && (name.rfind("nlohmann/", 0) == 0 || io_headers.count(name)))
                    errors.push_back(where + "the reference includes <" + name + "> (no JSON, no I/O)");
                continue;
            }
            // Resolve as the build does: beside the file, then the tool parts'
            // public include folders and the reference's include root.
            std::vector<fs::path> bases{file.parent_path()};
            for (const auto& t : TOOL_PARTS)
                bases.push_back(root / "tools/dtao" / t / "include");
            bases.push_back(root / "reference/include");
            std::optional<fs::path> target;
            for (const fs::path& base : bases)
                if (fs::exists(base / name)) {
                    target = fs::weakly_canonical(base / name);
                    break;
                }
            if (!target) {
                errors.push_back(where + "\"" + name + "\" resolves to no project file");
                continue;
            }
            const std::string trel = fs::relative(*target, fs::weakly_canonical(root)).generic_string();
            const auto tpart = part_of(trel);
            if (!tpart) {
                errors.push_back(where + "\"" + name + "\" is outside every part (" + trel + ")");
                continue;
            }
            if (!allowed.count(*tpart)) {
                errors.push_back(where + *part + " includes " + trel + " of part " + *tpart +
                                 ", and docs/architecture.md has no path " + *part + " ──> " + *tpart);
                continue;
            }
            if (*tpart != *part && TOOL_PARTS.count(*tpart) && trel.rfind("tools/dtao/" + *tpart + "/include/", 0) != 0)
                errors.push_back(where + *part + " includes " + trel + ", an internal header of " + *tpart +
                                 " (its public headers are in tools/dtao/" + *tpart + "/include/)");
        }
    }
    return errors;
}

std::string joined(const std::vector<std::string>& v)
{
    std::string s;
    for (const auto& e : v)
        s += e + "\n";
    return s;
}

const char* SMALL_ARCH = R"(
```arrows
main      ──> protocol
protocol  ──> reference
scenario  ──> reference
reference ──> numeric
numeric   ──> ∅
```
)";

/// A small tree that obeys SMALL_ARCH; each test below breaks it once.
fs::path small_tree(const std::string& name)
{
    const fs::path root = fs::temp_directory_path() / ("dtao-include-rules-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(root);
    write(root / "reference/include/dtao/numeric/fixed.hpp", "#include <cstdint>\n");
    write(root / "reference/include/dtao/pool.hpp", "#include \"dtao/numeric/fixed.hpp\"\n");
    write(root / "reference/src/pool.cpp", "#include \"dtao/pool.hpp\"\n#include <vector>\n");
    write(root / "tools/dtao/protocol/include/protocol.hpp", "#include \"dtao/pool.hpp\"\n");
    write(root / "tools/dtao/protocol/io.hpp", "#include \"protocol.hpp\"\n#include <nlohmann/json.hpp>\n");
    write(root / "tools/dtao/scenario/include/scenario.hpp", "#include \"dtao/pool.hpp\"\n");
    write(root / "tools/dtao/main.cpp", "#include \"protocol.hpp\"\n#include <iostream>\n");
    return root;
}

}  // namespace

TEST(IncludeRules, ProjectTreeObeysDocsArchitecture)
{
    const fs::path root{DTAO_SOURCE_DIR};
    const Architecture arch = Architecture::parse(read(root / "docs/architecture.md"));
    EXPECT_EQ(arch.arrows.count("numeric"), 1u);
    EXPECT_TRUE(arch.arrows.at("numeric").empty()) << "numeric must include no other part";
    for (const auto& t : TOOL_PARTS) {
        EXPECT_TRUE(fs::is_directory(root / "tools/dtao" / t / "include")) << "tool part " << t << " has no include/";
    }
    const auto errors = check_tree(root, arch);
    EXPECT_TRUE(errors.empty()) << joined(errors);
}

TEST(IncludeRules, SmallTreeThatObeysPasses)
{
    const fs::path root = small_tree("clean");
    const auto errors = check_tree(root, Architecture::parse(SMALL_ARCH));
    EXPECT_TRUE(errors.empty()) << joined(errors);
    fs::remove_all(root);
}

TEST(IncludeRules, EachBrokenRuleIsReported)
{
    const Architecture arch = Architecture::parse(SMALL_ARCH);
    struct Case
    {
        const char* name;
        const char* file;
        const char* text;
        const char* expect;
    };
    const Case cases[] = {
        {"numeric-includes-rule", "reference/include/dtao/numeric/fixed.hpp", "#include \"dtao/pool.hpp\"\n",
         "no path numeric ──> reference"},
        {"reference-includes-json", "reference/src/pool.cpp", "#include <nlohmann/json.hpp>\n", "no JSON, no I/O"},
        {"reference-includes-io", "reference/src/pool.cpp", "#include <iostream>\n", "no JSON, no I/O"},
        {"reference-includes-tool", "reference/src/pool.cpp", "#include \"protocol.hpp\"\n",
         "no path reference ──> protocol"},
        {"tool-internal", "tools/dtao/main.cpp", "#include \"../dtao/protocol/io.hpp\"\n",
         "an internal header of protocol"},
        {"no-arrow", "tools/dtao/scenario/include/scenario.hpp", "#include \"protocol.hpp\"\n",
         "no path scenario ──> protocol"},
        {"dangling", "reference/src/pool.cpp", "#include \"dtao/gone.hpp\"\n", "resolves to no project file"},
    };
    for (const auto& c : cases) {
        const fs::path root = small_tree(c.name);
        write(root / c.file, c.text);
        const auto errors = check_tree(root, arch);
        ASSERT_EQ(errors.size(), 1u) << c.name << ":\n" << joined(errors);
        EXPECT_NE(errors[0].find(c.expect), std::string::npos) << c.name << ": " << errors[0];
        EXPECT_EQ(errors[0].rfind(c.file, 0), 0u) << c.name << ": the error names the file: " << errors[0];
        fs::remove_all(root);
    }
}

TEST(IncludeRules, ArrowsBlockIsReadStrictly)
{
    EXPECT_THROW(Architecture::parse("```arrows\nmain -> protocol\n```\n"), std::runtime_error);
    EXPECT_THROW(Architecture::parse("```arrows\nmain ──> protocol\n```\n"), std::runtime_error)
        << "an arrow to a part without its own line";
    EXPECT_THROW(Architecture::parse("no blocks at all"), std::runtime_error);
}
