// dtao: `dtao conform merge`, the shards of one vector run (`--shard i/n`) joined into the
// whole run's summary and reports (conform.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "detail.hpp"

#include <algorithm>
#include <fstream>
#include <set>

namespace dtao::conform {

using namespace detail;

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

json read_report(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(path.string() + ": cannot read");
    const json j = json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        fail(path.string() + ": not a JSON report (invalid JSON)");
    return j;
}

std::size_t natural(const json& j, const std::string& where)
{
    if (!j.is_number_unsigned())
        fail(where + ": expected a non-negative integer, got " + j.dump());
    return j.get<std::size_t>();
}

/// The fields every shard of one run shares: what it ran, on what, under which profile.
json run_identity(const json& report)
{
    return {{"impl", report.value("impl", json())},
            {"vectors", report.value("vectors", json())},
            {"filters", report.value("filters", json())},
            {"profile", report.value("profile", json())}};
}

std::string text_of(const json& j, const std::string& where)
{
    if (!j.is_string())
        fail(where + ": expected a string");
    return j.get<std::string>();
}

}  // namespace

int merge(const MergeOptions& m, std::ostream& out, std::ostream& err)
{
    try {
        if (m.reports.empty())
            fail("no report given");
        std::vector<json> reports;
        std::vector<vectors::Shard> shards;
        std::set<unsigned> seen;
        for (const auto& path : m.reports) {
            const std::string where = path.string();
            json r = read_report(path);
            if (r.value("report_version", json()) != REPORT_VERSION)
                fail(where + ": report_version " + r.value("report_version", json()).dump() + ", this merge reads " +
                     std::to_string(REPORT_VERSION));
            if (r.value("mode", json()) != "vectors" || !r.contains("shard") || !r["shard"].is_object())
                fail(where + ": not the JSON report of a sharded vector run (`dtao conform --shard i/n --json`)");
            vectors::Shard sh;
            sh.index = static_cast<unsigned>(natural(r["shard"].value("index", json()), where + ": shard.index"));
            sh.count = static_cast<unsigned>(natural(r["shard"].value("count", json()), where + ": shard.count"));
            if (!reports.empty() && run_identity(r) != run_identity(reports.front()))
                fail(where + ": a shard of another run (implementation, vectors, filters or profile differ from " +
                     m.reports.front().string() + ")");
            if (!shards.empty() && sh.count != shards.front().count)
                fail(where + ": shard " + std::to_string(sh.index) + "/" + std::to_string(sh.count) +
                     " of a run split " + std::to_string(sh.count) + " ways, not " +
                     std::to_string(shards.front().count));
            if (sh.count == 0 || sh.index >= sh.count)
                fail(where + ": shard index " + std::to_string(sh.index) + " is not below " + std::to_string(sh.count));
            if (!seen.insert(sh.index).second)
                fail(where + ": shard " + std::to_string(sh.index) + "/" + std::to_string(sh.count) +
                     " is given twice");
            reports.push_back(std::move(r));
            shards.push_back(sh);
        }
        const unsigned n = shards.front().count;
        if (seen.size() != n) {
            std::string missing;
            for (unsigned i = 0; i < n; ++i)
                if (!seen.count(i))
                    missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(n);
            fail("missing shard(s) " + missing);
        }

        // The run the shards were part of, and its cases in scope, from the vectors themselves.
        const json& first = reports.front();
        Options o;
        o.impl = text_of(first.value("impl", json()), m.reports.front().string() + ": impl");
        o.vectors_dir = m.vectors_dir ? *m.vectors_dir
                                      : std::filesystem::path(text_of(first.value("vectors", json()),
                                                                      m.reports.front().string() + ": vectors"));
        const json& filters = first.value("filters", json::array());
        if (!filters.is_array())
            fail(m.reports.front().string() + ": filters: expected an array");
        for (const auto& f : filters)
            o.filters.push_back(text_of(f, m.reports.front().string() + ": filters"));
        if (const json& p = first.value("profile", json()); !p.is_null())
            o.profile = text_of(p, m.reports.front().string() + ": profile");
        o.json_report = m.json_report;
        o.junit_report = m.junit_report;
        o.html_report = m.html_report;
        o.verbose = m.verbose;
        o.max_listed = m.max_listed;
        Setup s;
        setup(o, s);
        Scope scope;
        if (!load_scope(o, s, scope, err))
            return 2;

        std::vector<Verdict> verdicts(scope.cases.size());
        RunFacts facts;
        facts.out_of_scope = scope.out_of_scope;
        facts.declared_unsupported = scope.declared_unsupported;
        facts.merged_shards = n;
        for (std::size_t r = 0; r < reports.size(); ++r) {
            const std::string where = m.reports[r].string();
            const vectors::Shard sh = shards[r];
            const json& cases = reports[r].value("cases", json());
            if (!cases.is_array())
                fail(where + ": cases: expected an array");
            std::size_t share = 0;  // the cases in scope that are this shard's
            for (std::size_t k = 0; k < scope.cases.size(); ++k)
                share += sh.holds(k) ? 1 : 0;
            if (cases.size() != share)
                fail(where + ": " + std::to_string(cases.size()) + " cases, but shard " + std::to_string(sh.index) +
                     "/" + std::to_string(n) + " of the " + std::to_string(scope.cases.size()) + " cases in scope of " +
                     o.vectors_dir.string() + " holds " + std::to_string(share));
            for (std::size_t j = 0; j < cases.size(); ++j) {
                const std::size_t k = sh.whole_position(j);
                const std::string id =
                    text_of(cases[j].value("id", json()), where + ": cases[" + std::to_string(j) + "].id");
                if (id != scope.cases[k]->global_id)
                    fail(where + ": case " + std::to_string(j) + " is " + id + ", but the shard's case there is " +
                         scope.cases[k]->global_id + " (other vectors or another version of them?)");
                verdicts[k] = verdict_from_report(cases[j], where + ": case " + id);
            }
            const json& seconds = reports[r].value("seconds", json(0));
            if (!seconds.is_number())
                fail(where + ": seconds: expected a number");
            facts.seconds = std::max(facts.seconds, seconds.get<double>());
            facts.stats.restarts +=
                static_cast<unsigned>(natural(reports[r].value("restarts", json(0)), where + ": restarts"));
            if (const json& g = reports[r].value("gave_up", json()); !g.is_null())
                facts.stats.gave_up += (facts.stats.gave_up.empty() ? "" : "; ") +
                                       ("shard " + std::to_string(sh.index) + ": " + text_of(g, where + ": gave_up"));
        }
        return finish(o, facts, scope.cases, verdicts, out, err);
    } catch (const std::exception& e) {
        err << "dtao conform merge: " << e.what() << "\n";
        return 2;
    }
}

}  // namespace dtao::conform
