// What the conformance runner's tests share: cases whose expected value is the
// reference's answer, a misbehaving implementation (misbehave.py), and a
// one-file vector directory.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "conform.hpp"
#include "protocol.hpp"
#include "vectors.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace dtao::conform::testing {

using dtao::conform::Options;
using dtao::conform::Status;
using dtao::vectors::Case;
using json = nlohmann::json;

inline const std::string DTAO = DTAO_BINARY;
inline const std::string MISBEHAVE = std::string("python3 ") + DTAO_TEST_DIR + "/misbehave.py " + DTAO_BINARY;

/// A case whose expected value is the reference's answer; `suffix` selects a misbehaviour.
inline Case make_case(const std::string& suffix, const std::string& issuance = "1000")
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

inline Options options()
{
    Options o;
    o.impl = MISBEHAVE;
    // Far above what any answering case needs even on a loaded machine (each restart starts
    // Python and the reference), so only a case that never answers times out; a hang costs
    // the tests this long once.
    o.case_timeout_s = 20;
    o.total_timeout_s = 120;
    o.max_response_bytes = 1 << 20;
    return o;
}

inline std::vector<dtao::conform::Verdict> run(const std::vector<Case>& cases, const Options& o,
                                               dtao::conform::EngineStats& stats)
{
    std::vector<const Case*> ptrs;
    for (const auto& c : cases)
        ptrs.push_back(&c);
    return dtao::conform::run_cases(ptrs, o, nullptr, stats);
}

/// A one-file vector directory for the whole-runner tests.
inline std::filesystem::path write_vectors(const std::vector<std::string>& suffixes)
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

}  // namespace dtao::conform::testing
