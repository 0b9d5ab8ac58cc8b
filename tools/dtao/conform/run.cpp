// dtao: `dtao conform`, the conformance runner (see conform.hpp): the vectors in
// scope, the run, the human summary and the reports. Profiles: profile.cpp;
// judging: judge.cpp; the implementation: session.cpp; reports: report.cpp;
// --random: random.cpp.
// SPDX-License-Identifier: Apache-2.0
#include "detail.hpp"

#include "output_file.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <functional>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace dtao::conform {

using namespace detail;

namespace {

/// A week: longer is a typo, and the deadlines' arithmetic stays far from overflow.
constexpr double MAX_TIMEOUT_S = 7 * 24 * 3600;

}  // namespace

// ------------------------------------------------------------------ filters

namespace detail {

Filter parse_filters(const std::vector<std::string>& filters)
{
    static const std::set<std::string> keys = {"op", "family", "ruleset", "id", "file", "group", "flag", "rule"};
    Filter f;
    for (const auto& s : filters) {
        const auto eq = s.find('=');
        if (eq == std::string::npos || !keys.count(s.substr(0, eq)))
            throw std::runtime_error(
                "--filter \"" + s +
                "\": expected key=glob[,glob...] or key==literal with key one of op, family, ruleset, id, file, "
                "group, flag, rule");
        auto& patterns = f.terms[s.substr(0, eq)];
        if (eq + 1 < s.size() && s[eq + 1] == '=') {
            if (eq + 2 == s.size())
                throw std::runtime_error("--filter \"" + s + "\": empty literal");
            patterns.push_back({s.substr(eq + 2), true});
            continue;
        }
        std::stringstream ss(s.substr(eq + 1));
        std::string v;
        const std::size_t before = patterns.size();
        while (std::getline(ss, v, ','))
            if (!v.empty())
                patterns.push_back({v, false});
        if (patterns.size() == before)
            throw std::runtime_error("--filter \"" + s + "\": no value");
    }
    return f;
}

}  // namespace detail

// ------------------------------------------------------------------ run

namespace detail {

void setup(const Options& o, Setup& s)
{
    // NaN fails every comparison, so each test is written to fail on it too
    auto text = [](double x) {
        std::ostringstream t;
        t << x;
        return t.str();
    };
    if (!(o.case_timeout_s > 0 && o.case_timeout_s <= MAX_TIMEOUT_S))
        throw std::runtime_error("--timeout " + text(o.case_timeout_s) +
                                 ": expected seconds, more than 0 and at most 604800 (a week)");
    if (!(o.total_timeout_s >= 0 && o.total_timeout_s <= MAX_TIMEOUT_S))
        throw std::runtime_error("--total-timeout " + text(o.total_timeout_s) +
                                 ": expected seconds, 0 (none) to 604800 (a week)");
    if (o.max_response_bytes == 0)
        throw std::runtime_error("--max-response-bytes: expected at least 1");
    if (o.jobs == 0)
        throw std::runtime_error("--jobs: expected at least 1");
    s.filter = parse_filters(o.filters);
    if (o.profile) {
        std::ifstream f(*o.profile);
        if (!f)
            throw std::runtime_error("cannot read profile " + o.profile->string());
        const json j = json::parse(f, nullptr, false);
        if (j.is_discarded())
            throw std::runtime_error(o.profile->string() + ": invalid JSON");
        s.profile_storage = parse_profile(j);
        s.profile = &s.profile_storage;
    }
}

bool load_scope(const Options& o, const Setup& s, Scope& scope, std::ostream& err)
{
    scope.loaded = vectors::load_vectors(o.vectors_dir);
    for (const auto& e : scope.loaded.errors)
        err << "dtao conform: vector error: " << e << "\n";
    if (!scope.loaded.errors.empty())
        return false;
    for (const auto& f : scope.loaded.files)
        for (const auto& c : f.cases) {
            if (!s.filter.matches(c)) {
                ++scope.out_of_scope;
                continue;
            }
            if (s.profile && (s.profile->op_unsupported(c.op) || s.profile->ruleset_unsupported(c.ruleset))) {
                ++scope.declared_unsupported;
                continue;
            }
            scope.cases.push_back(&c);
        }
    if (scope.cases.empty()) {
        err << "dtao conform: no case in scope (" << scope.loaded.case_count()
            << " loaded; check --vectors and --filter)\n";
        return false;
    }
    return true;
}

}  // namespace detail

namespace {

/// `run_cases` on `o.jobs` implementations at once, each on a contiguous part of `cases` (so
/// each sees the cases of a few files, as one run would); the verdicts in the order of `cases`.
std::vector<Verdict> run_jobs(const std::vector<const Case*>& cases, const Options& o, const Profile* profile,
                              EngineStats& stats)
{
    const std::size_t n = std::min<std::size_t>(o.jobs, cases.size());
    if (n <= 1)
        return run_cases(cases, o, profile, stats);
    std::vector<std::vector<Verdict>> parts(n);
    std::vector<EngineStats> part_stats(n);
    std::vector<std::thread> pool;
    for (std::size_t j = 0; j < n; ++j)
        pool.emplace_back([&, j] {
            const std::vector<const Case*> part(cases.begin() + static_cast<std::ptrdiff_t>(j * cases.size() / n),
                                                cases.begin() +
                                                    static_cast<std::ptrdiff_t>((j + 1) * cases.size() / n));
            parts[j] = run_cases(part, o, profile, part_stats[j]);
        });
    for (auto& t : pool)
        t.join();
    std::vector<Verdict> verdicts;
    for (std::size_t j = 0; j < n; ++j) {
        verdicts.insert(verdicts.end(), std::make_move_iterator(parts[j].begin()),
                        std::make_move_iterator(parts[j].end()));
        stats.restarts += part_stats[j].restarts;
        if (!part_stats[j].gave_up.empty())
            stats.gave_up +=
                (stats.gave_up.empty() ? "" : "; ") + ("job " + std::to_string(j + 1) + ": ") + part_stats[j].gave_up;
    }
    return verdicts;
}

}  // namespace

int run(const Options& o, std::ostream& out, std::ostream& err)
{
    Setup s;
    try {
        setup(o, s);
        if (o.random > 0 && (o.jobs != 1 || o.shard))
            throw std::runtime_error("--jobs and --shard split a vector run; --random runs in one process");
    } catch (const std::exception& e) {
        err << "dtao conform: " << e.what() << "\n";
        return 2;
    }
    if (o.impl.empty()) {
        err << "dtao conform: --impl is required (a shell command, or " << IN_PROCESS << ")\n";
        return 2;
    }
    if (o.random > 0)
        return run_random(o, s.profile, s.filter, out, err);

    Scope scope;
    if (!load_scope(o, s, scope, err))
        return 2;
    RunFacts facts;
    facts.out_of_scope = scope.out_of_scope;
    facts.declared_unsupported = scope.declared_unsupported;
    facts.jobs = o.jobs;
    facts.shard = o.shard;
    std::vector<const Case*> cases;
    for (std::size_t k = 0; k < scope.cases.size(); ++k)
        if (!o.shard || o.shard->holds(k))
            cases.push_back(scope.cases[k]);
    facts.sharded_out = scope.cases.size() - cases.size();
    const auto t0 = Clock::now();
    const auto verdicts = run_jobs(cases, o, s.profile, facts.stats);
    facts.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return finish(o, facts, cases, verdicts, out, err);
}

namespace detail {

int finish(const Options& o, const RunFacts& facts, const std::vector<const Case*>& cases,
           const std::vector<Verdict>& verdicts, std::ostream& out, std::ostream& err)
{
    const double seconds = facts.seconds;
    const EngineStats& stats = facts.stats;
    const std::size_t out_of_scope = facts.out_of_scope, declared_unsupported = facts.declared_unsupported;
    const Totals t = count(verdicts);

    // human summary
    std::size_t listed = 0;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& v = verdicts[i];
        if (is_failure(v.status) && listed < o.max_listed) {
            print_case(out, *cases[i], v);
            ++listed;
        }
    }
    if (t.failed > listed)
        out << "(" << t.failed - listed << " more failures not listed; see the JSON report)\n";
    const json scenarios = scenario_summary(cases, verdicts);
    if (!scenarios.empty()) {
        out << "Scenarios (each block starts from the reference's state, so the first failing block is where the "
               "implementation first diverges):\n";
        for (const auto& sc : scenarios) {
            out << "  " << sc["file"].get<std::string>() << ": ";
            if (sc["first_failing"].is_null()) {
                out << "all " << sc["blocks"].get<std::size_t>() << " blocks pass";
                if (sc["not_run"].get<std::size_t>())
                    out << " (" << sc["not_run"].get<std::size_t>() << " not run)";
                out << "\n";
                continue;
            }
            const json& f = sc["first_failing"];
            out << "first differs at block " << f["id"].get<std::string>() << " (chain block "
                << f["chain_block"].get<std::string>() << "): " << f["detail"].get<std::string>() << "; "
                << sc["failed"].get<std::size_t>() << " of " << sc["blocks"].get<std::size_t>() << " blocks fail\n";
        }
    }
    if (t.diverged) {
        out << "Passed with declared divergence:\n";
        std::size_t shown = 0;
        for (std::size_t i = 0; i < cases.size(); ++i)
            if (verdicts[i].status == Status::pass_with_divergence) {
                if (o.verbose || shown < 10) {
                    out << "  " << cases[i]->global_id << " (";
                    for (std::size_t k = 0; k < verdicts[i].divergences.size(); ++k)
                        out << (k ? ", " : "") << verdicts[i].divergences[k];
                    out << ")\n";
                    ++shown;
                }
            }
        if (shown < t.diverged)
            out << "  … " << t.diverged - shown << " more\n";
        print_declared(out, t, "case");
    }
    if (o.verbose)
        for (std::size_t i = 0; i < cases.size(); ++i)
            if (verdicts[i].status == Status::pass)
                out << "PASS " << cases[i]->global_id << "\n";
    std::map<std::string, std::array<std::size_t, 3>> fam;  // passed, failed, skipped
    for (std::size_t i = 0; i < cases.size(); ++i) {
        auto& a = fam[cases[i]->family];
        const auto s = verdicts[i].status;
        ++a[s == Status::not_run ? 2 : is_failure(s) ? 1 : 0];
    }
    out << "By family:";
    for (const auto& [f, a] : fam)
        out << "  " << f << " " << a[0] << "/" << a[0] + a[1] + a[2];
    out << "\n";
    std::string statuses;
    for (const auto& [s, n] : t.by_status)
        statuses += (statuses.empty() ? "" : ", ") + s + " " + std::to_string(n);
    out << "Statuses: " << statuses << "\n";
    if (!stats.gave_up.empty())
        out << "Not run: " << stats.gave_up << "\n";
    out << "Implementation: " << o.impl << "; " << cases.size() << " cases in scope";
    if (facts.shard)
        out << " (shard " << facts.shard->index << "/" << facts.shard->count << "; " << facts.sharded_out
            << " in the other shards)";
    if (facts.merged_shards)
        out << " (" << facts.merged_shards << " shards merged)";
    if (out_of_scope)
        out << ", " << out_of_scope << " filtered out";
    if (declared_unsupported)
        out << ", " << declared_unsupported << " for ops or rulesets the profile declares unsupported";
    out << "; " << stats.restarts << " restarts";
    if (facts.jobs > 1)
        out << "; " << facts.jobs << " jobs";
    out << "; " << std::fixed << std::setprecision(2) << seconds << " s"
        << (facts.merged_shards ? " (the slowest shard)" : "") << "\n";
    if (t.diverged)
        out << t.diverged << " of the passes differ only as the profile declares\n";
    out << t.passed << " passed, " << t.failed << " failed"
        << (t.skipped ? ", " + std::to_string(t.skipped) + " skipped" : "") << "\n";

    bool lost = false;
    auto write = [&](const std::string& what, const std::function<void()>& f) {
        lost = !write_report(err, what, f) || lost;
    };
    if (o.json_report)
        write("JSON report", [&] {
            json list = json::array();
            for (std::size_t i = 0; i < cases.size(); ++i)
                list.push_back(case_report(*cases[i], verdicts[i], false));
            json report = {
                {"report_version", REPORT_VERSION},
                {"mode", "vectors"},
                {"impl", o.impl},
                {"vectors", o.vectors_dir.string()},
                {"filters", o.filters},
                {"profile", o.profile ? json(o.profile->string()) : json()},
                {"seconds", seconds},
                {"jobs", facts.merged_shards ? json() : json(facts.jobs)},
                {"shard", facts.shard ? json{{"index", facts.shard->index}, {"count", facts.shard->count}} : json()},
                {"merged_shards", facts.merged_shards ? json(facts.merged_shards) : json()},
                {"restarts", stats.restarts},
                {"gave_up", stats.gave_up.empty() ? json() : json(stats.gave_up)},
                {"totals",
                 {{"in_scope", cases.size()},
                  {"passed", t.passed},
                  {"passed_with_divergence", t.diverged},
                  {"failed", t.failed},
                  {"skipped", t.skipped},
                  {"filtered_out", out_of_scope},
                  {"declared_unsupported", declared_unsupported},
                  {"sharded_out", facts.sharded_out},
                  {"by_status", t.by_status},
                  {"by_divergence", t.by_divergence},
                  {"largest_divergence", largest_divergence_json(t)}}},
                {"cases", list}};
            if (!scenarios.empty())
                report["scenarios"] = scenarios;
            write_atomic(*o.json_report, dump_report(report));
        });
    if (o.junit_report)
        write("JUnit report", [&] { write_atomic(*o.junit_report, junit(cases, verdicts, seconds)); });
    if (o.html_report)
        write("HTML report", [&] {
            HtmlReport r{"vectors",
                         {{"implementation", o.impl},
                          {"vectors", o.vectors_dir.string()},
                          {"profile", o.profile ? o.profile->string() : "(none)"},
                          {"filters", join_filters(o.filters)},
                          {"filtered out", std::to_string(out_of_scope)},
                          {"declared unsupported", std::to_string(declared_unsupported)},
                          {"restarts", std::to_string(stats.restarts)},
                          {"not run because", stats.gave_up.empty() ? "-" : stats.gave_up},
                          {"time", seconds_text(seconds)}},
                         t,
                         cases.size(),
                         cases,
                         verdicts,
                         json()};
            if (facts.shard)
                r.facts.emplace_back("shard", std::to_string(facts.shard->index) + "/" +
                                                  std::to_string(facts.shard->count) + ", " +
                                                  std::to_string(facts.sharded_out) + " cases in the other shards");
            if (facts.merged_shards)
                r.facts.emplace_back("shards merged", std::to_string(facts.merged_shards));
            write_atomic(*o.html_report, html_report(r));
        });
    try {
        vectors::check_stream(out, "the summary");
    } catch (const std::exception& e) {
        err << "dtao conform: " << e.what() << "\n";
        lost = true;
    }
    if (lost)
        return 2;
    return (t.failed == 0 && t.skipped == 0) ? 0 : 1;
}

}  // namespace detail

}  // namespace dtao::conform
