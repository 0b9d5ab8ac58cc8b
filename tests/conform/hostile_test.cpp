// Tests of `dtao conform` against hostile implementations, vectors and options
// (issue 16, "no crash, no silent loss, no hang"): each reproducer of the issue
// fails on the runner before the fix.
// SPDX-License-Identifier: Apache-2.0
#include "conform_support.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <sys/stat.h>

namespace {

using namespace dtao::conform::testing;

std::string statuses(const std::vector<dtao::conform::Verdict>& v)
{
    std::string s;
    for (const auto& x : v)
        s += std::string(dtao::conform::to_string(x.status)) + " (" + x.detail.substr(0, 200) + ")\n";
    return s;
}

/// Reproducer 1: a 100 KB answer nested 50 000 levels deep crashed the runner
/// (SIGSEGV in the recursive flattening) before any report was written.
TEST(Hostile, DeeplyNestedAnswerIsMalformedNotACrash)
{
    const std::vector<Case> cases = {make_case("deep", "1"), make_case("ok", "2")};
    dtao::conform::EngineStats stats;
    const auto v = run(cases, options(), stats);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].status, Status::malformed_response) << statuses(v);
    EXPECT_NE(v[0].detail.find("nested deeper"), std::string::npos) << v[0].detail;
    EXPECT_EQ(v[1].status, Status::pass) << statuses(v);
}

/// Reproducer 2: invalid UTF-8 on stdout or stderr threw an uncaught JSON
/// exception; no JSON or JUnit report was written.
TEST(Hostile, InvalidUtf8IsMalformedAndBothReportsAreWritten)
{
    const auto dir = write_vectors({"ok", "bad-utf8", "ok"});
    Options o = options();
    o.vectors_dir = dir;
    o.json_report = dir / "r.json";
    o.junit_report = dir / "r.xml";
    std::ostringstream out, err;
    EXPECT_EQ(dtao::conform::run(o, out, err), 1) << err.str();
    std::ifstream jf(*o.json_report);
    const json report = json::parse(jf);  // valid UTF-8, or this throws
    ASSERT_EQ(report["cases"].size(), 3u);
    EXPECT_EQ(report["cases"][1]["status"], "malformed_response");
    EXPECT_EQ(report["cases"][2]["status"], "pass");
    EXPECT_TRUE(std::filesystem::exists(*o.junit_report));
    EXPECT_NE(out.str().find("2 passed, 1 failed\n"), std::string::npos) << out.str();
    std::filesystem::remove_all(dir);
}

/// Reproducer 10: one dropped or duplicated answer made every later case a
/// wrong_id; the runner now resynchronises on the ids of the requests in flight.
TEST(Hostile, ResynchronisesByIdAfterADroppedOrDuplicatedAnswer)
{
    const std::vector<std::string> plan = {"ok", "drop", "ok", "ok", "ok", "dup", "ok", "ok", "ok"};
    std::vector<Case> cases;
    for (std::size_t i = 0; i < plan.size(); ++i)
        cases.push_back(make_case(plan[i], std::to_string(100 + i)));
    dtao::conform::EngineStats stats;
    const auto v = run(cases, options(), stats);
    ASSERT_EQ(v.size(), plan.size());
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const Status want = plan[i] == "ok" ? Status::pass : Status::wrong_id;
        EXPECT_EQ(v[i].status, want) << i << " " << plan[i] << "\n" << statuses(v);
    }
    EXPECT_NE(v[1].detail.find("dropped"), std::string::npos) << v[1].detail;
    EXPECT_NE(v[5].detail.find("more than once"), std::string::npos) << v[5].detail;
    EXPECT_EQ(stats.restarts, 0u);
}

/// Reproducer 11: --max-response-bytes held only for lines that arrived in pieces.
TEST(Hostile, ACompleteLineOverTheLimitIsOversized)
{
    const std::vector<Case> cases = {make_case("long", "1"), make_case("ok", "2")};
    Options o = options();
    o.max_response_bytes = 4096;
    dtao::conform::EngineStats stats;
    const auto v = run(cases, o, stats);
    EXPECT_EQ(v[0].status, Status::oversized_response) << statuses(v);
    EXPECT_EQ(v[1].status, Status::pass) << statuses(v);
}

/// Reproducer 11: an implementation that closes its stdout and keeps running was
/// a `timeout` after the whole per-case timeout, because the shell that started
/// it held the pipe open.
TEST(Hostile, ClosedStdoutIsACrashNotATimeout)
{
    const std::vector<Case> cases = {make_case("close-stdout", "1"), make_case("ok", "2")};
    Options o = options();
    o.case_timeout_s = 600;  // a timeout would hang the test, not pass it
    dtao::conform::EngineStats stats;
    const auto v = run(cases, o, stats);
    EXPECT_EQ(v[0].status, Status::crashed) << statuses(v);
    EXPECT_NE(v[0].detail.find("closed its output"), std::string::npos) << v[0].detail;
    EXPECT_EQ(v[1].status, Status::pass) << statuses(v);
}

/// Reproducer 11: --timeout 0, -1, nan and inf were accepted.
TEST(Hostile, TimeoutsMustBePositiveAndFinite)
{
    const auto dir = write_vectors({"ok"});
    for (const double t : {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
        Options o = options();
        o.vectors_dir = dir;
        o.case_timeout_s = t;
        std::ostringstream out, err;
        EXPECT_EQ(dtao::conform::run(o, out, err), 2) << t;
        EXPECT_NE(err.str().find("--timeout"), std::string::npos) << err.str();
        o = options();
        o.vectors_dir = dir;
        o.total_timeout_s = t == 0.0 ? -0.5 : t;
        std::ostringstream out2, err2;
        EXPECT_EQ(dtao::conform::run(o, out2, err2), 2) << t;
        EXPECT_NE(err2.str().find("--total-timeout"), std::string::npos) << err2.str();
    }
    std::filesystem::remove_all(dir);
}

/// Reproducer 11: when --json could not be written, JUnit was skipped too.
TEST(Hostile, JunitIsWrittenWhenTheJsonReportCannotBe)
{
    const auto dir = write_vectors({"ok"});
    Options o = options();
    o.impl = dtao::conform::IN_PROCESS;
    o.vectors_dir = dir;
    std::ofstream(dir / "not-a-directory") << "x";
    o.json_report = dir / "not-a-directory" / "r.json";
    o.junit_report = dir / "r.xml";
    std::ostringstream out, err;
    EXPECT_EQ(dtao::conform::run(o, out, err), 2);
    EXPECT_NE(err.str().find("JSON report"), std::string::npos) << err.str();
    EXPECT_TRUE(std::filesystem::exists(*o.junit_report));
    std::filesystem::remove_all(dir);
}

/// Reproducer 4: a summary that cannot be written is not exit 0.
TEST(Hostile, ALostSummaryIsAnError)
{
    const auto dir = write_vectors({"ok"});
    Options o = options();
    o.impl = dtao::conform::IN_PROCESS;
    o.vectors_dir = dir;
    std::ofstream full("/dev/full");
    ASSERT_TRUE(full.is_open());
    std::ostringstream err;
    EXPECT_EQ(dtao::conform::run(o, full, err), 2);
    EXPECT_NE(err.str().find("cannot write the summary"), std::string::npos) << err.str();
    std::filesystem::remove_all(dir);
}

/// Reproducer 11: `--random 5` against a hanging implementation took 107 s,
/// shrinking timeouts one timeout per step. Only wrong answers shrink now, so
/// the implementation is not called again after the run gave up on it.
TEST(Hostile, RandomModeDoesNotShrinkTimeouts)
{
    const auto dir = std::filesystem::temp_directory_path() / ("dtao-hostile-random-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    Options o = options();
    o.impl = "sleep 1000";
    o.case_timeout_s = 0.5;
    o.random = 5;
    o.filters = {"op=block_emission"};
    o.json_report = dir / "r.json";
    std::ostringstream out, err;
    EXPECT_EQ(dtao::conform::run(o, out, err), 1) << err.str();
    std::ifstream jf(*o.json_report);
    const json report = json::parse(jf);
    ASSERT_FALSE(report["counterexamples"].empty()) << out.str();
    for (const auto& ce : report["counterexamples"]) {
        EXPECT_EQ(ce["shrink_calls"], 0) << ce.dump();
    }
    std::filesystem::remove_all(dir);
}

// ------------------------------------------------------------------ the vectors

/// A vectors directory with an index naming one committed vector file, with
/// that file's sha256 and size from the committed index.
std::filesystem::path indexed_vectors(const std::string& tag, json& entry)
{
    const std::filesystem::path src = DTAO_VECTORS_DIR;
    std::ifstream in(src / "index.json");
    const json index = json::parse(in);
    for (const auto& f : index["files"])
        if (f["path"] == "v2.0.1/emission/edges.json")
            entry = f;
    const auto dir =
        std::filesystem::temp_directory_path() / ("dtao-hostile-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "v2.0.1" / "emission");
    std::filesystem::copy_file(src / entry["path"].get<std::string>(), dir / entry["path"].get<std::string>());
    std::ofstream(dir / "index.json") << json({{"files", json::array({entry})}}).dump();
    return dir;
}

std::string load_errors(const std::filesystem::path& dir)
{
    const auto loaded = dtao::vectors::load_vectors(dir);
    std::string s;
    for (const auto& e : loaded.errors)
        s += e + "\n";
    return s;
}

/// Reproducer 7: a vector edited after generation was blamed on the implementation.
TEST(HostileVectors, AVectorFileThatDiffersFromTheIndexIsAVectorError)
{
    json entry;
    const auto dir = indexed_vectors("edited", entry);
    ASSERT_EQ(load_errors(dir), "");
    const auto file = dir / entry["path"].get<std::string>();
    {
        // same size, one digit changed: only the hash can tell
        std::ifstream in(file);
        std::stringstream ss;
        ss << in.rdbuf();
        std::string bytes = ss.str();
        const auto at = bytes.find("\"emission\":\"") + 12;
        bytes[at] = bytes[at] == '1' ? '2' : '1';
        std::ofstream(file, std::ios::trunc) << bytes;
    }
    EXPECT_NE(load_errors(dir).find("sha256 differs from the index"), std::string::npos) << load_errors(dir);
    std::ofstream(file, std::ios::app) << " ";
    EXPECT_NE(load_errors(dir).find("bytes, the index says"), std::string::npos) << load_errors(dir);
    std::filesystem::remove_all(dir);
}

/// Reproducer 8: a FIFO in the vectors folder hung the runner.
TEST(HostileVectors, AFifoIsRefusedNotRead)
{
    json entry;
    const auto dir = indexed_vectors("fifo", entry);
    const auto file = dir / entry["path"].get<std::string>();
    std::filesystem::remove(file);
    ASSERT_EQ(::mkfifo(file.c_str(), 0600), 0);
    EXPECT_NE(load_errors(dir).find("not a regular file"), std::string::npos) << load_errors(dir);
    std::filesystem::remove_all(dir);
}

/// Reproducer 8: a path in the index such as ../../x was followed outside the folder.
TEST(HostileVectors, AnIndexPathOutsideTheFolderIsRefused)
{
    json entry;
    const auto dir = indexed_vectors("outside", entry);
    const auto outside = dir.parent_path() / (dir.filename().string() + "-outside.json");
    std::filesystem::copy_file(dir / entry["path"].get<std::string>(), outside,
                               std::filesystem::copy_options::overwrite_existing);
    for (const std::string& path : {"../" + outside.filename().string(), outside.string()}) {
        entry["path"] = path;
        std::ofstream(dir / "index.json") << json({{"files", json::array({entry})}}).dump();
        const std::string errors = load_errors(dir);
        EXPECT_TRUE(errors.find("leaves the vectors directory") != std::string::npos ||
                    errors.find("not a relative path") != std::string::npos)
            << path << ": " << errors;
    }
    // through a symbolic link, too
    std::filesystem::create_directory_symlink(dir.parent_path(), dir / "up");
    entry["path"] = "up/" + outside.filename().string();
    std::ofstream(dir / "index.json") << json({{"files", json::array({entry})}}).dump();
    EXPECT_NE(load_errors(dir).find("resolves outside"), std::string::npos) << load_errors(dir);
    std::filesystem::remove(outside);
    std::filesystem::remove_all(dir);
}

/// Reproducer 11: the loader accepted expected values given as JSON numbers.
TEST(HostileVectors, AnExpectedValueThatIsAJsonNumberIsRefused)
{
    const auto dir = write_vectors({"ok"});
    const auto file = dir / "v2.0.1" / "emission" / "t.json";
    std::ifstream in(file);
    json doc = json::parse(in);
    in.close();
    doc["groups"][0]["cases"][0]["expected"]["output"]["emission"] = 1000000000;
    std::ofstream(file, std::ios::trunc) << doc.dump();
    EXPECT_NE(load_errors(dir).find("expected.output.emission: a JSON number"), std::string::npos) << load_errors(dir);
    std::filesystem::remove_all(dir);
}

}  // namespace
