// Tests of what `dtao scenario run` refuses (issue 16, reproducers 3 and 6): a
// scenario file the schema forbids, and outputs that cannot be written.
// SPDX-License-Identifier: Apache-2.0
#include "output_file.hpp"
#include "scenario.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <unistd.h>

namespace {

using nlohmann::json;
namespace fs = std::filesystem;
namespace sc = dtao::scenario;

const fs::path SCEN = fs::path(DTAO_SOURCE_DIR) / "vectors" / "scenarios";

json valid_scenario()
{
    return json::parse(R"({
      "scenario_version": 1, "id": "S0", "name": "strict", "ruleset": "v2.0.1",
      "params": {"moving_alpha": 3e-4, "block_emission": "1"},
      "state": {"block": 1000, "total_issuance": "1000", "root_stake": "1000",
                "subnets": [{"netuid": 1, "tao": "100", "alpha_in": "1000", "alpha_out": "1000", "moving_price": 0.1}]},
      "actors": [{"name": "a", "netuid": 1, "strategy": "buy_every", "every": 2, "amount": "1"}],
      "blocks": 5, "record": {"netuids": [1], "every": 1},
      "grid": {"/params/moving_alpha": [3e-4, 3e-6]}
    })");
}

fs::path temp_dir(const std::string& tag)
{
    const auto d = fs::temp_directory_path() / ("dtao-strict-" + tag + "-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

/// The message of loading `doc` (and running it, when the file loads): "" if both pass.
std::string refusal(const json& doc)
{
    const auto dir = temp_dir("load");
    std::ofstream(dir / "s.json") << doc.dump();
    std::string message;
    try {
        const json loaded = sc::load(dir / "s.json");
        sc::Options o;
        o.progress = false;
        (void)sc::run(loaded, o);
    } catch (const std::exception& e) {
        message = e.what();
    }
    fs::remove_all(dir);
    return message;
}

TEST(ScenarioStrict, AValidFileLoadsAndRuns) { EXPECT_EQ(refusal(valid_scenario()), ""); }

TEST(ScenarioStrict, EveryCommittedScenarioPassesTheCompiledSchema)
{
    for (const auto& e : fs::directory_iterator(SCEN))
        if (e.path().filename().string().rfind("S", 0) == 0 && e.path().extension() == ".json") {
            EXPECT_NO_THROW((void)sc::load(e.path())) << e.path();
        }
}

/// Each refused edit and the field its message must name.
TEST(ScenarioStrict, WhatTheSchemaForbidsIsAnErrorNamingTheField)
{
    struct Edit
    {
        const char* what;
        std::function<void(json&)> apply;
        const char* names;
    };
    const std::vector<Edit> edits = {
        {"a typo'd key", [](json& j) { j["params"]["moving_alpah"] = 0.1; }, "params.moving_alpah: unknown field"},
        {"an unknown top-level key", [](json& j) { j["colour"] = "blue"; }, "colour: unknown field"},
        {"a string for blocks", [](json& j) { j["blocks"] = "5"; }, "blocks: expected integer"},
        {"record.every 0", [](json& j) { j["record"]["every"] = 0; }, "record.every: 0 is below the minimum 1"},
        // A period of 0 blocks means nothing (the engine would run it as 1 without a word):
        // the published schema says so (`$defs/positive`), and the loader is the schema.
        {"an actor's every 0", [](json& j) { j["actors"][0]["every"] = 0; },
         "actors[0].every: 0 is below the minimum 1"},
        {"an actor's every \"0\"", [](json& j) { j["actors"][0]["every"] = "0"; }, "actors[0].every: "},
        {"an actor's hold 0",
         [](json& j) {
             j["actors"][0]["strategy"] = "round_trip";
             j["actors"][0]["hold"] = 0;
         },
         "actors[0].hold: 0 is below the minimum 1"},
        {"an empty grid axis", [](json& j) { j["grid"]["/params/moving_alpha"] = json::array(); },
         "grid./params/moving_alpha: needs at least 1 item"},
        {"a negative moving_alpha", [](json& j) { j["params"]["moving_alpha"] = -0.1; },
         "params.moving_alpha: -0.1 is below the minimum 0"},
        {"a negative moving_alpha in the grid",
         [](json& j) {
             j["grid"]["/params/moving_alpha"] = {3e-4, -0.5};
         },
         "params.moving_alpha: -0.5 is below the minimum 0"},
    };
    for (const auto& e : edits) {
        json doc = valid_scenario();
        e.apply(doc);
        const std::string m = refusal(doc);
        EXPECT_NE(m.find(e.names), std::string::npos) << e.what << ": \"" << m << "\"";
    }
}

TEST(ScenarioStrict, NoRunIsAnError)
{
    sc::Options o;
    o.progress = false;
    o.only = {"no grid point has this label"};
    EXPECT_THROW((void)sc::run(valid_scenario(), o), std::runtime_error);
}

/// Reproducer 3: on a full disk `scenario run` exited 0 with a CSV cut mid-row
/// and an empty summary.json. A full device stands in for the disk: it takes
/// the place of the first output's temporary file.
TEST(ScenarioStrict, AFullDiskIsAnErrorAndLeavesNoPartialFile)
{
    sc::Options o;
    o.progress = false;
    const auto rep = sc::run(valid_scenario(), o);
    const auto dir = temp_dir("full");
    const fs::path first_csv = dir / "moving_alpha_0.0003.csv";
    fs::create_symlink("/dev/full", dtao::vectors::OutputFile::temporary_for(first_csv));
    EXPECT_THROW(sc::write_outputs(rep, dir), std::runtime_error);
    EXPECT_FALSE(fs::exists(first_csv));
    EXPECT_FALSE(fs::exists(dir / "summary.json"));
    EXPECT_TRUE(fs::is_empty(dir)) << "a temporary file was left behind";
    // and with room, every file is complete
    sc::write_outputs(rep, dir);
    EXPECT_TRUE(fs::exists(first_csv));
    std::ifstream s(dir / "summary.json");
    EXPECT_EQ(json::parse(s)["id"], "S0");
    fs::remove_all(dir);
}

}  // namespace
