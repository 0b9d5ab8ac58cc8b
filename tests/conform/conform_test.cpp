// Tests of `dtao conform`: the loader, the profile, the judge, and the runner
// against misbehaving implementations (vectors/tests/misbehave.py).
// SPDX-License-Identifier: Apache-2.0
#include "conform.hpp"
#include "protocol.hpp"
#include "vectors.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using dtao::conform::Options;
using dtao::conform::Status;
using dtao::vectors::Case;
using json = nlohmann::json;

const std::string DTAO = DTAO_BINARY;
const std::string MISBEHAVE = std::string("python3 ") + DTAO_TEST_DIR + "/misbehave.py " + DTAO_BINARY;

/// A case whose expected value is the reference's answer; `suffix` selects a misbehaviour.
Case make_case(const std::string& suffix, const std::string& issuance = "1000")
{
    Case c;
    c.file = "test/emission/t.json";
    c.ruleset = "v2.0.1";
    c.family = "emission";
    c.name = "t";
    c.group = "g";
    c.id = suffix;
    c.global_id = "v2.0.1/emission/t/" + issuance + "/" + suffix;
    c.comment = "probe " + suffix;
    c.op = "block_emission";
    c.rules = {"EMIS-001"};
    c.intermediate_fields = {"q", "residual", "halvings"};
    c.request = {{"id", c.global_id},
                 {"ruleset", "v2.0.1"},
                 {"op", "block_emission"},
                 {"arithmetic", "chain"},
                 {"input", {{"issuance", issuance}}}};
    const json r = dtao::protocol::evaluate(c.request);
    c.expected = {{"output", r["output"]}};
    c.intermediates = json::object();
    return c;
}

Options options()
{
    Options o;
    o.impl = MISBEHAVE;
    o.case_timeout_s = 2;
    o.total_timeout_s = 120;
    o.max_response_bytes = 1 << 20;
    return o;
}

std::vector<dtao::conform::Verdict> run(const std::vector<Case>& cases, const Options& o,
                                        dtao::conform::EngineStats& stats)
{
    std::vector<const Case*> ptrs;
    for (const auto& c : cases)
        ptrs.push_back(&c);
    return dtao::conform::run_cases(ptrs, o, nullptr, stats);
}

TEST(Runner, EachMisbehaviourGetsAClearStatusAndTheRunGoesOn)
{
    const std::vector<std::pair<std::string, Status>> plan = {
        {"ok", Status::pass},
        {"crash", Status::crashed},
        {"ok", Status::pass},
        {"segv", Status::crashed},
        {"garbage", Status::malformed_response},
        {"not-object", Status::malformed_response},
        {"wrong-id", Status::wrong_id},
        {"ok", Status::pass},
        {"partial", Status::crashed},
        {"ok", Status::pass},
        {"exit-early", Status::crashed},
        {"noise", Status::pass},
        {"wrong-value", Status::fail},
        {"wrong-error", Status::error_mismatch},
        {"blank-first", Status::pass},
        {"hang", Status::timeout},
        {"ok", Status::pass},
        {"huge", Status::oversized_response},
        {"ok", Status::pass},
    };
    std::vector<Case> cases;
    for (std::size_t i = 0; i < plan.size(); ++i)
        cases.push_back(make_case(plan[i].first, std::to_string(1000 + i)));
    dtao::conform::EngineStats stats;
    const auto v = run(cases, options(), stats);
    ASSERT_EQ(v.size(), plan.size());
    for (std::size_t i = 0; i < plan.size(); ++i) {
        EXPECT_EQ(v[i].status, plan[i].second)
            << plan[i].first << ": " << dtao::conform::to_string(v[i].status) << " — " << v[i].detail;
        if (v[i].status != Status::pass) {
            EXPECT_FALSE(v[i].detail.empty()) << plan[i].first;
        }
    }
    EXPECT_NE(v[1].detail.find("status 3"), std::string::npos) << v[1].detail;
    EXPECT_NE(v[3].detail.find("signal"), std::string::npos) << v[3].detail;
    EXPECT_NE(v[8].detail.find("partial output"), std::string::npos) << v[8].detail;
    EXPECT_EQ(v[12].field, "emission");
    EXPECT_FALSE(v[12].intermediates.empty());
    EXPECT_TRUE(stats.gave_up.empty()) << stats.gave_up;
    EXPECT_GE(stats.restarts, 6u);
}

TEST(Runner, OutOfOrderAnswersAreWrongIds)
{
    std::vector<Case> cases = {make_case("swap-first", "1"), make_case("ok", "2"), make_case("ok", "3")};
    dtao::conform::EngineStats stats;
    const auto v = run(cases, options(), stats);
    EXPECT_EQ(v[0].status, Status::wrong_id);
    EXPECT_NE(v[0].detail.find("out of order"), std::string::npos) << v[0].detail;
    EXPECT_EQ(v[1].status, Status::wrong_id);
    EXPECT_EQ(v[2].status, Status::pass);
}

TEST(Runner, AnImplementationThatCannotStartLeavesEveryCaseNotRun)
{
    std::vector<Case> cases = {make_case("ok", "1"), make_case("ok", "2"), make_case("ok", "3"), make_case("ok", "4")};
    Options o = options();
    o.impl = "/nonexistent/implementation --flag";
    dtao::conform::EngineStats stats;
    const auto v = run(cases, o, stats);
    EXPECT_FALSE(stats.gave_up.empty());
    std::size_t crashed = 0, not_run = 0;
    for (const auto& x : v) {
        crashed += x.status == Status::crashed;
        not_run += x.status == Status::not_run;
    }
    EXPECT_EQ(crashed + not_run, v.size());
    EXPECT_GE(not_run, 1u);
}

TEST(Runner, TotalTimeoutStopsTheRunAndMarksTheRestNotRun)
{
    std::vector<Case> cases = {make_case("ok", "1"), make_case("hang", "2"), make_case("ok", "3")};
    Options o = options();
    o.case_timeout_s = 30;
    o.total_timeout_s = 1.5;
    dtao::conform::EngineStats stats;
    const auto t0 = std::chrono::steady_clock::now();
    const auto v = run(cases, o, stats);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
    EXPECT_EQ(v[0].status, Status::pass);
    EXPECT_EQ(v[1].status, Status::not_run);
    EXPECT_EQ(v[2].status, Status::not_run);
    EXPECT_NE(stats.gave_up.find("total timeout"), std::string::npos);
}

/// A one-file vector directory for the whole-runner tests.
std::filesystem::path write_vectors(const std::vector<std::string>& suffixes)
{
    const auto dir = std::filesystem::temp_directory_path() / ("dtao-conform-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "v2.0.1" / "emission");
    json cases = json::array();
    for (std::size_t i = 0; i < suffixes.size(); ++i) {
        const Case c = make_case(suffixes[i], std::to_string(5000 + i));
        cases.push_back({{"id", c.id + std::to_string(i)},
                         {"comment", c.comment},
                         {"flags", json::array()},
                         {"request", c.request},
                         {"expected", c.expected},
                         {"intermediates", json::object()}});
    }
    json doc = {{"schema", "dtao-vectors/emission"},
                {"schema_version", 1},
                {"protocol_version", 1},
                {"family", "emission"},
                {"name", "t"},
                {"comment", ""},
                {"ruleset", {{"id", "v2.0.1"}}},
                {"generator", json::object()},
                {"case_count", cases.size()},
                {"groups", json::array({{{"name", "g"},
                                         {"comment", "c"},
                                         {"op", "block_emission"},
                                         {"rules", {"EMIS-001"}},
                                         {"flags", json::array()},
                                         {"intermediate_fields", json::array()},
                                         {"cases", cases}}})}};
    std::ofstream(dir / "v2.0.1" / "emission" / "t.json") << dtao::vectors::dump_vector_file(doc);
    return dir;
}

TEST(Runner, ReportsAreWrittenCompletelyEvenWhenCasesFail)
{
    const auto dir = write_vectors({"ok", "crash", "garbage", "hang", "wrong-id", "partial", "ok"});
    Options o = options();
    o.vectors_dir = dir;
    o.json_report = dir / "out" / "report.json";
    o.junit_report = dir / "out" / "report.xml";
    std::ostringstream out, err;
    const int rc = dtao::conform::run(o, out, err);
    EXPECT_EQ(rc, 1) << err.str();
    const std::string summary = out.str();
    EXPECT_NE(summary.find("2 passed, 5 failed\n"), std::string::npos) << summary;
    EXPECT_EQ(summary.substr(summary.rfind('\n', summary.size() - 2) + 1), "2 passed, 5 failed\n");
    std::ifstream jf(*o.json_report);
    const json report = json::parse(jf);
    EXPECT_EQ(report["report_version"], 1);
    EXPECT_EQ(report["totals"]["failed"], 5);
    EXPECT_EQ(report["cases"].size(), 7u);
    EXPECT_EQ(report["totals"]["by_status"]["timeout"], 1);
    std::ifstream xf(*o.junit_report);
    std::stringstream xs;
    xs << xf.rdbuf();
    EXPECT_NE(xs.str().find("failures=\"5\""), std::string::npos);
    EXPECT_NE(xs.str().find("type=\"crashed\""), std::string::npos);
    for (const auto& e : std::filesystem::directory_iterator(dir / "out")) {
        EXPECT_EQ(e.path().string().find(".tmp"), std::string::npos) << "left behind: " << e.path();
    }
    std::filesystem::remove_all(dir);
}

TEST(Runner, ExitCodeZeroOnlyWhenEverythingPassed)
{
    const auto dir = write_vectors({"ok", "noise", "blank-first"});
    Options o = options();
    o.vectors_dir = dir;
    std::ostringstream out, err;
    EXPECT_EQ(dtao::conform::run(o, out, err), 0) << out.str() << err.str();
    EXPECT_NE(out.str().find("3 passed, 0 failed\n"), std::string::npos);
    o.impl = dtao::conform::IN_PROCESS;
    EXPECT_EQ(dtao::conform::run(o, out, err), 0);
    std::filesystem::remove_all(dir);
}

TEST(Runner, ScenarioFailureNamesTheFirstBlockAndField)
{
    // A simulator that forgets to put the unstake fee back into the pool
    // (STAKE-002) fails only the blocks with an unstake; every block starts
    // from the reference's state, so the first failing block is the first
    // unstake: S1 dumps at block 14, S3's early holder sells at block 12,
    // S11 never unstakes.
    Options o = options();
    o.impl = MISBEHAVE + " --forget-unstake-fee";
    o.vectors_dir = DTAO_VECTORS_DIR;
    o.filters = {"family=scenario"};
    o.max_listed = 1;
    const auto report_path = std::filesystem::temp_directory_path() / "dtao-scenario-report.json";
    o.json_report = report_path;
    std::ostringstream out, err;
    EXPECT_EQ(dtao::conform::run(o, out, err), 1) << err.str();
    const std::string s = out.str();
    EXPECT_NE(s.find("v2.0.1/scenario/s1_sn28_loop: first differs at block blocks.block-0014 (chain block 10000014): "
                     "field state.subnets[2].subnet_tao: expected"),
              std::string::npos)
        << s;
    EXPECT_NE(s.find("v2.0.10/scenario/s3_young_subnet_pump: first differs at block blocks.block-0012"),
              std::string::npos)
        << s;
    EXPECT_NE(s.find("v2.0.1/scenario/s11_sandwich_limit: all 12 blocks pass"), std::string::npos) << s;
    std::ifstream jf(report_path);
    const json report = json::parse(jf);
    bool found = false;
    for (const auto& sc : report.at("scenarios"))
        if (sc["file"] == "v2.0.1/scenario/s1_sn28_loop") {
            found = true;
            EXPECT_EQ(sc["failed"], 1);
            EXPECT_EQ(sc["first_failing"]["id"], "blocks.block-0014");
            EXPECT_EQ(sc["first_failing"]["field"], "state.subnets[2].subnet_tao");
        }
    EXPECT_TRUE(found);
    std::filesystem::remove(report_path);
    // The reference itself passes every block.
    o.impl = dtao::conform::IN_PROCESS;
    o.json_report.reset();
    std::ostringstream out2;
    EXPECT_EQ(dtao::conform::run(o, out2, err), 0) << out2.str();
    EXPECT_NE(out2.str().find("s1_sn28_loop: all 20 blocks pass"), std::string::npos) << out2.str();
}

TEST(Loader, GarbageIsACleanError)
{
    dtao::vectors::VectorFile f;
    for (const char* bytes : {"", "{", "[]", "{\"schema_version\": 1}", "{\"schema_version\": 2}", "null",
                              "{\"schema_version\":1,\"schema\":\"x\",\"family\":\"swap\",\"name\":\"n\",\"ruleset\":{"
                              "\"id\":\"v2.0.1\"},\"groups\":[{}]}"}) {
        EXPECT_TRUE(dtao::vectors::parse_vector_file(bytes, "x.json", f).has_value()) << bytes;
    }
}

TEST(Loader, CommittedVectorsLoad)
{
    const auto loaded = dtao::vectors::load_vectors(DTAO_VECTORS_DIR);
    EXPECT_TRUE(loaded.errors.empty()) << loaded.errors.front();
    EXPECT_GE(loaded.case_count(), 2000u);
}

TEST(Profile, RejectsUndeclaredAndUnknownFields)
{
    EXPECT_THROW(dtao::conform::parse_profile(json::parse(R"({"profile_version": 1, "bogus": 1})")),
                 std::runtime_error);
    EXPECT_THROW(dtao::conform::parse_profile(json::parse(R"({"profile_version": 2})")), std::runtime_error);
    EXPECT_THROW(dtao::conform::parse_profile(
                     json::parse(R"({"profile_version": 1, "divergences": [{"id": "a", "reason": "r"}]})")),
                 std::runtime_error);
    EXPECT_THROW(dtao::conform::parse_profile(
                     json::parse(R"({"profile_version": 1, "divergences": [{"id": "a", "tolerance": {"abs": "1"}}]})")),
                 std::runtime_error);
    const auto p = dtao::conform::parse_profile(json::parse(
        R"({"profile_version": 1, "divergences": [{"id": "a", "fields": ["emission"], "tolerance": {"abs": "1", "rel": "2^-53", "of": "expected"}, "reason": "r"}]})"));
    ASSERT_EQ(p.divergences.size(), 1u);
}

TEST(Profile, UnsupportedRulesetsAreCheckedAndSkipped)
{
    EXPECT_THROW(
        dtao::conform::parse_profile(json::parse(R"({"profile_version": 1, "unsupported_rulesets": ["v9.9.9"]})")),
        std::runtime_error);
    const auto p = dtao::conform::parse_profile(
        json::parse(R"({"profile_version": 1, "unsupported_rulesets": ["v3.4.8-423", "main-14bc6f9"]})"));
    EXPECT_TRUE(p.ruleset_unsupported("main-14bc6f9"));
    EXPECT_FALSE(p.ruleset_unsupported("v3.4.9-424"));
    EXPECT_FALSE(p.ruleset_unsupported("v2.0.10"));
}

TEST(Judge, DeclaredToleranceGivesPassWithDivergence)
{
    Case c = make_case("ok", "1000");
    const auto p = dtao::conform::parse_profile(json::parse(
        R"({"profile_version": 1, "divergences": [{"id": "one-rao", "fields": ["emission"], "tolerance": {"abs": "1"}, "reason": "r"}]})"));
    json got = {{"id", c.global_id}, {"output", c.expected["output"]}};
    EXPECT_EQ(dtao::conform::judge(c, got, &p).status, Status::pass);
    got["output"]["emission"] = "999999999";
    auto v = dtao::conform::judge(c, got, &p);
    EXPECT_EQ(v.status, Status::pass_with_divergence);
    EXPECT_EQ(v.divergences, std::vector<std::string>{"one-rao"});
    got["output"]["emission"] = "999999998";
    v = dtao::conform::judge(c, got, &p);
    EXPECT_EQ(v.status, Status::fail);
    EXPECT_EQ(v.field, "emission");
    got["output"].erase("q");
    EXPECT_EQ(dtao::conform::judge(c, got, &p).status, Status::fail);
}

}  // namespace
