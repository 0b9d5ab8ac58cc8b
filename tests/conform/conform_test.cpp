// Tests of `dtao conform`: the loader, the profile, the judge, and the runner
// against misbehaving implementations (vectors/tests/misbehave.py).
// SPDX-License-Identifier: Apache-2.0
#include "conform_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using namespace dtao::conform::testing;

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

TEST(Runner, OutOfOrderAnswersFailTheSkippedRequestOnly)
{
    // The answer to request 2 comes first: request 1 is a wrong_id (out of
    // order), and request 2 is judged against its own answer.
    std::vector<Case> cases = {make_case("swap-first", "1"), make_case("ok", "2"), make_case("ok", "3")};
    dtao::conform::EngineStats stats;
    const auto v = run(cases, options(), stats);
    EXPECT_EQ(v[0].status, Status::wrong_id);
    EXPECT_NE(v[0].detail.find("out of order"), std::string::npos) << v[0].detail;
    EXPECT_NE(v[0].detail.find("came later"), std::string::npos) << v[0].detail;
    EXPECT_EQ(v[1].status, Status::pass) << v[1].detail;
    EXPECT_EQ(v[2].status, Status::pass) << v[2].detail;
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
    // The hang comes first, so what the run gives up on does not depend on how fast the
    // machine starts the implementation: whatever the load, the total timeout (1.5 s) ends the
    // run long before the case timeout (600 s), the case in flight and the rest are not run.
    std::vector<Case> cases = {make_case("hang", "1"), make_case("ok", "2"), make_case("ok", "3")};
    Options o = options();
    o.case_timeout_s = 600;
    o.total_timeout_s = 1.5;
    dtao::conform::EngineStats stats;
    const auto v = run(cases, o, stats);
    EXPECT_EQ(v[0].status, Status::not_run);
    EXPECT_EQ(v[1].status, Status::not_run);
    EXPECT_EQ(v[2].status, Status::not_run);
    EXPECT_NE(stats.gave_up.find("total timeout"), std::string::npos);
}

TEST(Runner, ReportsAreWrittenCompletelyEvenWhenCasesFail)
{
    // Load-independent: on a loaded machine any case may also time out (an
    // implementation restarted after a crash can take longer than --timeout to
    // start), so the test asserts what holds either way: the hang certainly
    // times out, no misbehaving case passes, every case is in both reports, and
    // the summary, the JSON report and JUnit agree on the counts.
    const std::vector<std::pair<std::string, std::string>> plan = {
        {"ok", "pass"},      {"crash", "crashed"},     {"garbage", "malformed_response"},
        {"hang", "timeout"}, {"wrong-id", "wrong_id"}, {"partial", "crashed"},
        {"ok", "pass"}};
    std::vector<std::string> suffixes;
    for (const auto& [suffix, status] : plan)
        suffixes.push_back(suffix);
    const auto dir = write_vectors(suffixes);
    Options o = options();
    o.total_timeout_s = 0;  // a total timeout would make the counts depend on the machine's speed
    o.vectors_dir = dir;
    o.json_report = dir / "out" / "report.json";
    o.junit_report = dir / "out" / "report.xml";
    std::ostringstream out, err;
    const int rc = dtao::conform::run(o, out, err);
    EXPECT_EQ(rc, 1) << err.str();
    std::ifstream jf(*o.json_report);
    const json report = json::parse(jf);
    EXPECT_EQ(report["report_version"], 1);
    ASSERT_EQ(report["cases"].size(), plan.size());
    std::size_t passed = 0, failed = 0;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const std::string status = report["cases"][i]["status"];
        EXPECT_TRUE(status == plan[i].second || status == "timeout") << plan[i].first << ": " << status;
        (status == "pass" ? passed : failed) += 1;
    }
    EXPECT_EQ(report["cases"][3]["status"], "timeout");
    EXPECT_GE(failed, 5u);
    EXPECT_EQ(report["totals"]["failed"], failed);
    EXPECT_EQ(report["totals"]["passed"], passed);
    std::size_t by_status = 0;
    for (const auto& [status, n] : report["totals"]["by_status"].items())
        by_status += n.get<std::size_t>();
    EXPECT_EQ(by_status, plan.size());
    const std::string summary = out.str();
    const std::string last_line = std::to_string(passed) + " passed, " + std::to_string(failed) + " failed\n";
    EXPECT_EQ(summary.substr(summary.rfind('\n', summary.size() - 2) + 1), last_line) << summary;
    std::ifstream xf(*o.junit_report);
    std::stringstream xs;
    xs << xf.rdbuf();
    EXPECT_NE(xs.str().find("tests=\"7\" failures=\"" + std::to_string(failed) + "\""), std::string::npos) << xs.str();
    EXPECT_NE(xs.str().find("type=\"timeout\""), std::string::npos);
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
    EXPECT_EQ(v.divergence_size.at("one-rao"), 1);
    got["output"]["emission"] = "999999998";
    v = dtao::conform::judge(c, got, &p);
    EXPECT_EQ(v.status, Status::fail);
    EXPECT_EQ(v.field, "emission");
    got["output"].erase("q");
    EXPECT_EQ(dtao::conform::judge(c, got, &p).status, Status::fail);
}

TEST(Judge, AFixedPointValueIsShownWithItsDecimal)
{
    // 6442450944 / 2^32 = 1.5, and one bit more is 1.5 + 2^-32 =
    // 1.50000000023283064365386962890625 (32 digits), cut after 24.
    Case c = make_case("ok", "1000");
    c.expected["output"]["q"] = {{"bits", "6442450944"}, {"type", "I96F32"}};
    json got = {{"id", c.global_id}, {"output", c.expected["output"]}};
    got["output"]["q"]["bits"] = "6442450945";
    const auto v = dtao::conform::judge(c, got, nullptr);
    EXPECT_EQ(v.status, Status::fail);
    EXPECT_NE(v.detail.find("\"6442450944\",\"type\":\"I96F32\"} = 1.5,"), std::string::npos) << v.detail;
    EXPECT_NE(v.detail.find("} = 1.500000000232830643653869…"), std::string::npos) << v.detail;
}

TEST(Profile, SupportedOpsIsAnAllowlist)
{
    const auto p = dtao::conform::parse_profile(
        json::parse(R"({"profile_version": 1, "supported_ops": ["block_emission", "alpha_price"]})"));
    EXPECT_FALSE(p.op_unsupported("block_emission"));
    EXPECT_FALSE(p.op_unsupported("alpha_price"));
    EXPECT_TRUE(p.op_unsupported("coinbase"));
    EXPECT_TRUE(p.op_unsupported("swap"));
    const auto q =
        dtao::conform::parse_profile(json::parse(R"({"profile_version": 1, "unsupported_ops": ["coinbase"]})"));
    EXPECT_TRUE(q.op_unsupported("coinbase"));
    EXPECT_FALSE(q.op_unsupported("swap"));
    // one or the other: both would leave an op in neither list undecided
    EXPECT_THROW(dtao::conform::parse_profile(json::parse(
                     R"({"profile_version": 1, "supported_ops": ["swap"], "unsupported_ops": ["coinbase"]})")),
                 std::runtime_error);
}

TEST(Profile, UnknownOpsAndFlagsAreErrors)
{
    for (
        const char* text : {
            R"({"profile_version": 1, "unsupported_ops": ["coinbas"]})",
            R"({"profile_version": 1, "supported_ops": ["block_emision"]})",
            R"({"profile_version": 1, "divergences": [{"id": "a", "ops": ["sim_swop_*"], "any": true, "reason": "r"}]})",
            R"({"profile_version": 1, "divergences": [{"id": "a", "flags_any": ["STABLE"], "any": true, "reason": "r"}]})",
        }) {
        EXPECT_THROW(dtao::conform::parse_profile(json::parse(text)), std::runtime_error) << text;
    }
    try {
        (void)dtao::conform::parse_profile(json::parse(R"({"profile_version": 1, "unsupported_ops": ["coinbas"]})"));
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("profile.unsupported_ops: no op \"coinbas\""), std::string::npos)
            << e.what();
    }
    EXPECT_NO_THROW((void)dtao::conform::parse_profile(json::parse(
        R"({"profile_version": 1, "divergences": [{"id": "a", "ops": ["sim_swap_*"], "flags_any": ["OVERFLOW_SATURATION"], "any": true, "reason": "r"}]})")));
}

/// Cases of the committed vectors in scope for `filters` (the in-process
/// reference answers them all, so the summary's count is the scope).
std::size_t in_scope(const std::vector<std::string>& filters, int* rc = nullptr)
{
    Options o = options();
    o.impl = dtao::conform::IN_PROCESS;
    o.vectors_dir = DTAO_VECTORS_DIR;
    o.filters = filters;
    std::ostringstream out, err;
    const int code = dtao::conform::run(o, out, err);
    if (rc)
        *rc = code;
    const std::string s = out.str();
    const auto at = s.find(" cases in scope");
    if (at == std::string::npos)
        return 0;
    const auto start = s.rfind(' ', at - 1) + 1;
    return std::stoul(s.substr(start, at - start));
}

TEST(Filter, SameKeyOrsDifferentKeysAnd)
{
    // counted from the vectors themselves, not typed in; small families keep the runs short
    const auto loaded = dtao::vectors::load_vectors(DTAO_VECTORS_DIR);
    std::size_t em201 = 0, em2010 = 0, ema201 = 0;
    for (const auto& f : loaded.files)
        for (const auto& c : f.cases) {
            em201 += c.ruleset == "v2.0.1" && c.family == "emission";
            em2010 += c.ruleset == "v2.0.10" && c.family == "emission";
            ema201 += c.ruleset == "v2.0.1" && c.family == "ema";
        }
    ASSERT_GT(em201 * em2010 * ema201, 0u);
    EXPECT_EQ(in_scope({"family=emission", "ruleset=v2.0.1", "ruleset=v2.0.10"}), em201 + em2010);
    EXPECT_EQ(in_scope({"family=emission", "ruleset=v2.0.1,v2.0.10"}), em201 + em2010);
    EXPECT_EQ(in_scope({"ruleset=v2.0.1", "family=emission"}), em201);
    EXPECT_EQ(in_scope({"family=emission", "ruleset=v2.0.1", "family=ema"}), em201 + ema201);
    EXPECT_EQ(in_scope({"family=emission", "ruleset=v2.0.1", "family=nothing"}), em201);
}

TEST(Filter, DoubleEqualsMatchesAnIdLiterally)
{
    // An id with a comma and a '*': `id=` splits and globs it, `id==` does not.
    const auto dir = write_vectors({"a,b*", "a", "b"});
    Options o = options();
    o.impl = dtao::conform::IN_PROCESS;
    o.vectors_dir = dir;
    const std::string id = make_case("a,b*", "5000").global_id;
    o.filters = {"id==" + id};
    std::ostringstream out, err;
    EXPECT_EQ(dtao::conform::run(o, out, err), 0) << err.str();
    EXPECT_NE(out.str().find("1 cases in scope, 2 filtered out"), std::string::npos) << out.str();
    o.filters = {"id==" + id.substr(0, id.size() - 1)};  // literal: no prefix match
    std::ostringstream out2, err2;
    EXPECT_EQ(dtao::conform::run(o, out2, err2), 2);
    o.filters = {"id=="};
    std::ostringstream out3, err3;
    EXPECT_EQ(dtao::conform::run(o, out3, err3), 2);
    EXPECT_NE(err3.str().find("empty literal"), std::string::npos) << err3.str();
    std::filesystem::remove_all(dir);
}

}  // namespace
