// A scenario grid run on several threads (`--jobs`) or split into shards (`--shard i/n`) and
// merged gives the same report as one plain run: the only field allowed to differ is each
// run's wall-clock `seconds`.
// SPDX-License-Identifier: Apache-2.0
#include "scenario.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

namespace {

using nlohmann::json;
namespace sc = dtao::scenario;

const std::filesystem::path SCEN = std::filesystem::path(DTAO_SOURCE_DIR) / "vectors" / "scenarios";

/// The SN28 loop's short version: a grid of several runs with closed-form checks.
json sn28() { return sc::load(SCEN / "S1_sn28_loop.json"); }

sc::Options short_quiet()
{
    sc::Options o;
    o.short_run = true;
    o.progress = false;
    return o;
}

/// The summary without what a clock decides.
json timeless(json summary)
{
    for (auto& r : summary["runs"])
        r.erase("seconds");
    return summary;
}

std::string message_of(const std::function<void()>& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

TEST(ScenarioGrid, JobsDoNotChangeTheReport)
{
    const json scenario = sn28();
    const sc::Report one = sc::run(scenario, short_quiet());
    ASSERT_GE(one.runs.size(), 3u) << "the test needs a grid";
    sc::Options o = short_quiet();
    o.jobs = 3;
    const sc::Report three = sc::run(scenario, o);
    EXPECT_EQ(timeless(three.summary), timeless(one.summary));
    ASSERT_EQ(three.runs.size(), one.runs.size());
    for (std::size_t k = 0; k < one.runs.size(); ++k) {
        EXPECT_EQ(three.runs[k].label, one.runs[k].label);
        EXPECT_EQ(three.runs[k].csv_rows, one.runs[k].csv_rows) << one.runs[k].label;
    }
}

TEST(ScenarioGrid, ShardsMergeIntoTheWholeRun)
{
    const json scenario = sn28();
    const sc::Report whole = sc::run(scenario, short_quiet());
    std::vector<json> shards;
    std::size_t runs = 0;
    for (unsigned i = 0; i < 3; ++i) {
        sc::Options o = short_quiet();
        o.shard = {i, 3};
        const sc::Report part = sc::run(scenario, o);
        runs += part.runs.size();
        EXPECT_EQ(part.summary["shard"]["grid_points"], whole.runs.size());
        shards.push_back(part.summary);
    }
    EXPECT_EQ(runs, whole.runs.size());
    EXPECT_EQ(timeless(sc::merge(shards)), timeless(whole.summary));
    // the order the shards are given in does not matter
    EXPECT_EQ(timeless(sc::merge({shards[2], shards[0], shards[1]})), timeless(whole.summary));
}

TEST(ScenarioGrid, MergeRefusesWhatIsNotOneWholeRun)
{
    const json scenario = sn28();
    std::vector<json> shards;
    for (unsigned i = 0; i < 2; ++i) {
        sc::Options o = short_quiet();
        o.shard = {i, 2};
        shards.push_back(sc::run(scenario, o).summary);
    }
    EXPECT_NE(message_of([&] { (void)sc::merge({shards[0]}); }).find("shard 1/2 is missing"), std::string::npos);
    EXPECT_NE(message_of([&] { (void)sc::merge({shards[0], shards[0]}); }).find("given twice"), std::string::npos);
    json foreign = shards[1];
    foreign["short"] = false;
    EXPECT_NE(message_of([&] { (void)sc::merge({shards[0], foreign}); }).find("another run"), std::string::npos);
    json whole = sc::run(scenario, short_quiet()).summary;
    EXPECT_NE(message_of([&] { (void)sc::merge({whole}); }).find("not the summary of a sharded run"),
              std::string::npos);
    EXPECT_NE(message_of([] { (void)sc::merge({}); }).find("no shard"), std::string::npos);
}

TEST(ScenarioGrid, ShardTextIsStrict)
{
    EXPECT_EQ(sc::parse_shard("0/4").index, 0u);
    EXPECT_EQ(sc::parse_shard("3/4").count, 4u);
    for (const char* bad : {"4/4", "1/0", "/4", "1/", "-1/4", "01/4", "1 /4", "1/4/2", "a/4", "", "1"})
        EXPECT_THROW((void)sc::parse_shard(bad), std::runtime_error) << bad;
    // a shard beyond the grid names the grid's size
    sc::Options o = short_quiet();
    o.shard = {40, 41};
    EXPECT_NE(message_of([&] { (void)sc::run(sn28(), o); }).find("has no grid point"), std::string::npos);
}

TEST(ScenarioGrid, PerBlockHooksNeedOneJob)
{
    sc::Options o = short_quiet();
    o.jobs = 2;
    o.on_block = [](const sc::BlockRecord&) {};
    EXPECT_NE(message_of([&] { (void)sc::run(sn28(), o); }).find("need jobs = 1"), std::string::npos);
}

}  // namespace
