// dtao conform: what the runner's files share (private to conform/).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "conform.hpp"
#include "subprocess.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace dtao::conform::detail {

using vectors::Case;

// ------------------------------------------------------------------ judge.cpp

/// '*' and '?' glob over the whole text.
bool glob(std::string_view pattern, std::string_view text);
/// Any pattern matches (no patterns: true).
bool any_glob(const std::vector<std::string>& patterns, std::string_view text);
/// A JSON value for a one-line message, cut at `max` characters.
std::string short_json(const json& j, std::size_t max = 160);
/// `r` in decimal: exact when it ends within `max_fraction_digits`, else cut
/// there and marked with "…".
std::string decimal_string(const Rational& r, std::size_t max_fraction_digits = 24);
/// A fixed-point value ({"type", "bits"}) in decimal, so a reader need not divide
/// the bits; nullopt for any other value.
std::optional<std::string> fixed_decimal(const json& j);
/// short_json, with a fixed-point value's decimal after it: `{…} = 1.5`.
std::string show_value(const json& j, std::size_t max = 160);
/// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD, so
/// that what an implementation wrote can go into JSON and XML reports.
std::string valid_utf8(std::string_view s);
/// The leaf at an output path ("a.b[2].c"), or null.
const json* lookup_path(const json& root, const std::string& path);

// ------------------------------------------------------------------ session.cpp

/// An implementation: a subprocess or the in-process reference.
class Impl
{
public:
    virtual ~Impl() = default;
    virtual bool start(std::string& error) = 0;
    virtual void send(const std::string& line) = 0;
    virtual Subprocess::Event receive(std::string& line, Clock::time_point deadline) = 0;
    virtual void kill() = 0;
    virtual void stop() = 0;
    virtual std::string exit_description() = 0;
    virtual std::string stderr_tail() = 0;
    virtual std::string partial() = 0;
};

/// A running implementation reused across calls (the shrinker's many small runs).
struct Session
{
    std::unique_ptr<Impl> impl;
    bool running = false;
};

/// The implementation `o.impl` names: the in-process reference or a subprocess.
std::unique_ptr<Impl> make_impl(const Options& o);

/// Run `cases` in a session (started if it is not running); with `keep_alive`
/// the implementation is left running for the next call.
std::vector<Verdict> run_in_session(Session& session, const std::vector<const Case*>& cases, const Options& o,
                                    const Profile* profile, EngineStats& stats, bool keep_alive);

// ------------------------------------------------------------------ run.cpp

/// The --filter terms. A case is in scope when, for every key named, one of the
/// key's patterns matches it: patterns of one key OR, different keys AND.
/// `key=a,b` gives two globs; `key==text` one literal (commas and '*' included).
struct Filter
{
    struct Pattern
    {
        std::string text;
        bool literal = false;
        [[nodiscard]] bool matches(std::string_view s) const { return literal ? text == s : glob(text, s); }
    };
    std::map<std::string, std::vector<Pattern>> terms;  // key -> OR-ed patterns

    bool matches(const Case& c) const
    {
        for (const auto& [key, patterns] : terms) {
            bool ok = false;
            for (const auto& p : patterns) {
                if (key == "op")
                    ok = p.matches(c.op);
                else if (key == "family")
                    ok = p.matches(c.family);
                else if (key == "ruleset")
                    ok = p.matches(c.ruleset);
                else if (key == "id")
                    ok = p.matches(c.global_id);
                else if (key == "file")
                    ok = p.matches(c.file);
                else if (key == "group")
                    ok = p.matches(c.group);
                else if (key == "flag")
                    ok =
                        std::any_of(c.flags.begin(), c.flags.end(), [&](const std::string& f) { return p.matches(f); });
                else if (key == "rule")
                    ok =
                        std::any_of(c.rules.begin(), c.rules.end(), [&](const std::string& r) { return p.matches(r); });
                if (ok)
                    break;
            }
            if (!ok)
                return false;
        }
        return true;
    }
};

Filter parse_filters(const std::vector<std::string>& filters);

/// What `run` and `merge` both check before the cases: the options, the profile, the filters.
struct Setup
{
    Profile profile_storage;
    const Profile* profile = nullptr;  ///< &profile_storage when a profile was given
    Filter filter;
};
/// Throws std::runtime_error naming the bad option or the unreadable profile.
void setup(const Options& o, Setup& s);

/// The cases in scope (after --filter and the profile's unsupported ops and rulesets), in the
/// vectors' order; they point into `loaded`.
struct Scope
{
    vectors::LoadedVectors loaded;
    std::vector<const Case*> cases;
    std::size_t out_of_scope = 0, declared_unsupported = 0;
};
/// false when the vectors do not load or nothing is in scope (said on `err`).
bool load_scope(const Options& o, const Setup& s, Scope& scope, std::ostream& err);

/// What a vector run did beyond its verdicts, for the summary and the reports.
struct RunFacts
{
    double seconds = 0;
    EngineStats stats;
    std::size_t out_of_scope = 0, declared_unsupported = 0;
    std::size_t sharded_out = 0;  ///< cases in scope that other shards run
    std::optional<vectors::Shard> shard;
    unsigned jobs = 1;
    std::size_t merged_shards = 0;  ///< `merge`: the shards joined (0: a run)
};
/// The human summary and the reports of a vector run; the exit code.
int finish(const Options& o, const RunFacts& facts, const std::vector<const Case*>& cases,
           const std::vector<Verdict>& verdicts, std::ostream& out, std::ostream& err);

// ------------------------------------------------------------------ report.cpp

struct Totals
{
    std::size_t passed = 0, diverged = 0, failed = 0, skipped = 0, out_of_scope = 0;
    std::map<std::string, std::size_t> by_status;
    std::map<std::string, std::size_t> by_divergence;    ///< profile entry id -> passes it covered
    std::map<std::string, Rational> largest_divergence;  ///< profile entry id -> largest |got − expected| it covered
};

/// The declared divergences in a report: id -> largest |got − expected| in decimal
/// (entries that covered only outcomes or non-numeric values are absent).
json largest_divergence_json(const Totals& t);
/// "declared ID: N cases, largest |got − expected| X" lines of the human summary.
void print_declared(std::ostream& out, const Totals& t, const char* unit);

/// Write `bytes` to `path` through a temporary file and a rename: a reader
/// never sees a partial report.
void write_atomic(const std::filesystem::path& path, const std::string& bytes);
/// Run `write`, one report's output; if it throws, name `what` on `err` and return false.
/// Each report on its own: one that cannot be written must not cost the others.
bool write_report(std::ostream& err, const std::string& what, const std::function<void()>& write);
/// A duration for a report: "1.23 s".
std::string seconds_text(double seconds);
/// `text` for XML or HTML text and double-quoted attributes: invalid UTF-8 replaced, `&<>"`
/// escaped, control characters other than newline and tab as spaces.
std::string markup_escape(const std::string& text);
Totals count(const std::vector<Verdict>& verdicts);
/// A report's JSON text (invalid UTF-8 from an implementation replaced, never thrown).
std::string dump_report(const json& report, int indent = 1);
/// One case of the JSON report (`full`: passes with every field too).
json case_report(const Case& c, const Verdict& v, bool full);
/// The verdict a case report records (`merge`); throws std::runtime_error naming `where`.
Verdict verdict_from_report(const json& entry, const std::string& where);
/// JUnit XML: one testsuite per vector file.
std::string junit(const std::vector<const Case*>& cases, const std::vector<Verdict>& verdicts, double seconds);
/// Per scenario file (family `scenario`), in file order: blocks in scope,
/// failures, and the first failing block with its first differing field.
json scenario_summary(const std::vector<const Case*>& cases, const std::vector<Verdict>& verdicts);
/// A failing (or diverging) case in the human summary.
void print_case(std::ostream& out, const Case& c, const Verdict& v);

// ------------------------------------------------------------------ html.cpp

/// What the HTML report shows: the run's facts, the totals, counts by family, op
/// and ruleset, and each failure (vector mode) or shrunk counterexample (random mode).
struct HtmlReport
{
    std::string mode;  ///< "vectors" or "random"
    std::vector<std::pair<std::string, std::string>> facts;
    const Totals& totals;
    std::size_t in_scope;
    const std::vector<const Case*>& cases;
    const std::vector<Verdict>& verdicts;
    json counterexamples;  ///< random mode: the JSON report's counterexamples; else null
};
/// The --filter terms for a report: "(none)", or each term, space-separated.
std::string join_filters(const std::vector<std::string>& filters);
/// One self-contained HTML file: inline style, no script, no external asset.
std::string html_report(const HtmlReport& r);

// ------------------------------------------------------------------ random.cpp

/// `--random`: generated requests against the in-process reference, failures shrunk.
int run_random(const Options& o, const Profile* profile, const Filter& filter, std::ostream& out, std::ostream& err);

}  // namespace dtao::conform::detail
