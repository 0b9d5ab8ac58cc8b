// dtao scenario: a grid split into shards (`--shard i/n`) and joined again (`merge`), so a
// sweep can spread over processes and machines and still give the whole run's summary.
// SPDX-License-Identifier: Apache-2.0
#include "grid.hpp"
#include "scenario.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

namespace dtao::scenario {

using nlohmann::json;

void detail::CheckTally::add(const json& run_summary)
{
    for (const auto& c : run_summary.value("checks", json::array())) {
        ++total;
        const json ok = c.value("ok", json(false));  // absent: the run stopped before the check
        if (ok.is_null() || (ok.is_boolean() && ok.get<bool>()))
            ++passed;
    }
}

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("scenario merge: " + what); }

std::size_t natural(const json& j, const std::string& where)
{
    if (!j.is_number_unsigned())
        fail(where + ": expected a non-negative integer, got " + j.dump());
    return j.get<std::size_t>();
}

}  // namespace

json merge(const std::vector<json>& shards)
{
    if (shards.empty())
        fail("no shard summary given");
    // What every shard of one run repeats: everything but its own runs, counts and shard.
    const auto common = [](const json& s) {
        json c = s;
        for (const char* k : {"runs", "checks_total", "checks_passed", "ok", "shard"})
            c.erase(k);
        return c;
    };
    const json first = common(shards[0]);
    std::size_t count = 0, grid_points = 0;
    std::map<std::size_t, json> runs;  // grid point → run summary
    std::vector<bool> seen;
    for (std::size_t i = 0; i < shards.size(); ++i) {
        const json& s = shards[i];
        const std::string where = "summary " + std::to_string(i + 1);
        if (!s.is_object() || !s.contains("shard") || !s["shard"].is_object() || !s.contains("runs") ||
            !s["runs"].is_array())
            fail(where + ": not the summary of a sharded run (`dtao scenario run --shard i/n`)");
        if (common(s) != first)
            fail(where + ": a shard of another run (scenario, ruleset or options differ from summary 1)");
        const std::size_t index = natural(s["shard"].value("index", json()), where + " shard.index");
        const std::size_t n = natural(s["shard"].value("count", json()), where + " shard.count");
        const std::size_t points = natural(s["shard"].value("grid_points", json()), where + " shard.grid_points");
        if (i == 0) {
            count = n;
            grid_points = points;
            seen.assign(count, false);
        }
        if (n != count || points != grid_points)
            fail(where + ": shard " + std::to_string(index) + "/" + std::to_string(n) + " of " +
                 std::to_string(points) + " grid points, but summary 1 is one of " + std::to_string(count) +
                 " shards of " + std::to_string(grid_points));
        if (index >= count)
            fail(where + ": shard index " + std::to_string(index) + " is not below " + std::to_string(count));
        if (seen[index])
            fail(where + ": shard " + std::to_string(index) + "/" + std::to_string(count) + " is given twice");
        seen[index] = true;
        for (const auto& r : s["runs"]) {
            const std::size_t k = natural(r.value("grid_point", json()), where + " run grid_point");
            if (k >= grid_points || k % count != index || runs.count(k))
                fail(where + ": run at grid point " + std::to_string(k) + " does not belong to shard " +
                     std::to_string(index) + "/" + std::to_string(count) + " or is given twice");
            json run = r;
            run.erase("grid_point");
            runs.emplace(k, std::move(run));
        }
    }
    for (std::size_t i = 0; i < count; ++i)
        if (!seen[i])
            fail("shard " + std::to_string(i) + "/" + std::to_string(count) + " is missing");
    if (runs.size() != grid_points)
        fail(std::to_string(grid_points - runs.size()) + " of " + std::to_string(grid_points) +
             " grid points have no run in the shards given");

    json out = first;
    json all = json::array();
    detail::CheckTally tally;
    bool ok = true;
    for (auto& [k, run] : runs) {
        tally.add(run);
        ok = ok && run.value("ok", false);
        all.push_back(std::move(run));
    }
    out["runs"] = std::move(all);
    out["checks_total"] = tally.total;
    out["checks_passed"] = tally.passed;
    out["ok"] = ok;
    return out;
}

}  // namespace dtao::scenario
