/// Tests of a vector run split over implementations (`--jobs`) and over processes or machines
/// (`--shard i/n`, `dtao conform merge`): the whole run's verdicts and reports do not depend
/// on the split, and a merge refuses reports that are not every shard of one run.
#include "conform.hpp"
#include "shard.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using dtao::conform::MergeOptions;
using dtao::conform::Options;
using json = nlohmann::json;

const std::string PY = std::string(DTAO_EXAMPLES_DIR) + "/adapters/python";

/// Both eras, with failures (the example adapter's `--wrong` mode) and declared divergences
/// (its float64 profile), so that every field of a case report goes through the merge.
Options wrong_run(const fs::path& dir, const std::string& name)
{
    Options o;
    o.impl = "python3 " + PY + "/dtao_adapter.py --wrong";
    o.vectors_dir = DTAO_VECTORS_DIR;
    o.profile = PY + "/profiles/float64.json";
    o.filters = {"family=emission,stake", "ruleset=v2.0.1,mainnet-464"};
    o.json_report = dir / (name + ".json");
    o.junit_report = dir / (name + ".xml");
    o.case_timeout_s = 60;
    return o;
}

struct Ran
{
    int code = -1;
    std::string out, err;
};

/// What one command (`run` or `merge`) returned and printed.
template <typename Command>
Ran capture(Command&& command)
{
    std::ostringstream out, err;
    Ran r;
    r.code = command(out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

Ran run(const Options& o)
{
    return capture([&](std::ostream& out, std::ostream& err) { return dtao::conform::run(o, out, err); });
}

Ran merge(const MergeOptions& m)
{
    return capture([&](std::ostream& out, std::ostream& err) { return dtao::conform::merge(m, out, err); });
}

json read(const fs::path& p)
{
    std::ifstream in(p);
    return json::parse(in);
}

std::string text(const fs::path& p)
{
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A report without what depends on the machine or on the split: times and the split itself.
json comparable(json r)
{
    for (const char* k : {"seconds", "jobs", "shard", "merged_shards"})
        r.erase(k);
    for (auto& c : r["cases"])
        c.erase("ms");
    return r;
}

std::string without_times(const std::string& xml) { return std::regex_replace(xml, std::regex(R"(time="[^"]*")"), ""); }

class Shards : public ::testing::Test
{
protected:
    void SetUp() override
    {
        dir = fs::temp_directory_path() / ("dtao-shard-test-" + std::to_string(::getpid()));
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }
    fs::path dir;
};

}  // namespace

TEST_F(Shards, MergedShardsGiveTheWholeRunsReports)
{
    const Ran whole = run(wrong_run(dir, "whole"));
    ASSERT_EQ(whole.code, 1) << whole.err;  // --wrong fails some cases
    MergeOptions m;
    for (const unsigned i : {2u, 0u, 1u}) {  // any order
        Options o = wrong_run(dir, "s" + std::to_string(i));
        o.shard = dtao::vectors::Shard{i, 3};
        const Ran r = run(o);
        EXPECT_NE(r.code, 2) << r.err;
        EXPECT_NE(r.out.find("(shard " + std::to_string(i) + "/3; "), std::string::npos) << r.out;
        m.reports.push_back(*o.json_report);
    }
    m.json_report = dir / "merged.json";
    m.junit_report = dir / "merged.xml";
    const Ran merged = merge(m);
    EXPECT_EQ(merged.code, whole.code) << merged.err;
    const json w = read(dir / "whole.json");
    const json g = read(dir / "merged.json");
    EXPECT_GT(w["totals"]["failed"].get<int>(), 0);
    EXPECT_GT(w["totals"]["passed_with_divergence"].get<int>(), 0);
    EXPECT_EQ(comparable(g), comparable(w));
    EXPECT_EQ(g["merged_shards"], 3);
    EXPECT_EQ(without_times(text(dir / "merged.xml")), without_times(text(dir / "whole.xml")));
    EXPECT_NE(merged.out.find("(3 shards merged)"), std::string::npos) << merged.out;
}

TEST_F(Shards, JobsDoNotChangeTheVerdicts)
{
    const Ran one = run(wrong_run(dir, "one"));
    Options o = wrong_run(dir, "four");
    o.jobs = 4;
    const Ran four = run(o);
    EXPECT_EQ(four.code, one.code) << four.err;
    EXPECT_EQ(comparable(read(dir / "four.json")), comparable(read(dir / "one.json")));
    EXPECT_EQ(read(dir / "four.json")["jobs"], 4);
}

TEST_F(Shards, AShardWithNoCaseIsARunOfNothing)
{
    Options o = wrong_run(dir, "empty");
    o.filters = {"id==v2.0.1/emission/edges/ends.genesis"};
    o.shard = dtao::vectors::Shard{1, 2};
    const Ran r = run(o);
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(read(dir / "empty.json")["cases"].empty());
    EXPECT_EQ(read(dir / "empty.json")["totals"]["sharded_out"], 1);
}

TEST_F(Shards, MergeRefusesWhatIsNotEveryShardOfOneRun)
{
    std::vector<fs::path> reports;
    for (const unsigned i : {0u, 1u, 2u}) {
        Options o = wrong_run(dir, "s" + std::to_string(i));
        o.shard = dtao::vectors::Shard{i, 3};
        ASSERT_NE(run(o).code, 2);
        reports.push_back(*o.json_report);
    }
    const auto refused = [&](std::vector<fs::path> given, const std::string& why) {
        MergeOptions m;
        m.reports = std::move(given);
        const Ran r = merge(m);
        EXPECT_EQ(r.code, 2) << why;
        EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
    };
    refused({reports[0], reports[2]}, "missing shard(s) 1/3");
    refused({reports[0], reports[1], reports[1], reports[2]}, "is given twice");

    // another run's shard: another filter
    Options other = wrong_run(dir, "other");
    other.filters = {"family=emission"};
    other.shard = dtao::vectors::Shard{1, 3};
    ASSERT_NE(run(other).code, 2);
    refused({reports[0], dir / "other.json", reports[2]}, "a shard of another run");

    // a case that is not the vectors' case at its place
    json tampered = read(reports[1]);
    std::swap(tampered["cases"][0], tampered["cases"][1]);
    std::ofstream(dir / "tampered.json") << tampered.dump();
    refused({reports[0], dir / "tampered.json", reports[2]}, "but the shard's case there is");

    // a run that was not sharded
    ASSERT_NE(run(wrong_run(dir, "unsharded")).code, 2);
    refused({dir / "unsharded.json"}, "not the JSON report of a sharded vector run");
}

TEST(Shard, TheSplitIsCheckedAndDeterministic)
{
    for (const char* bad : {"3/3", "1/0", "a/2", "01/2", "1/2/3", "-1/2", "1", "/2", "1/"})
        EXPECT_THROW((void)dtao::vectors::parse_shard(bad), std::runtime_error) << bad;
    const auto s = dtao::vectors::parse_shard("2/5");
    EXPECT_EQ(s.index, 2u);
    EXPECT_EQ(s.count, 5u);
    EXPECT_TRUE(s.holds(7));
    EXPECT_FALSE(s.holds(8));
    EXPECT_EQ(s.whole_position(1), 7u);
}
