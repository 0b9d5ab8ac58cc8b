// Tests of the scenario engine behind `dtao scenario run` (tools/dtao/scenario/include/scenario.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "scenario.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

namespace {

using nlohmann::json;
namespace sc = dtao::scenario;

const std::filesystem::path SCEN = std::filesystem::path(DTAO_SOURCE_DIR) / "vectors" / "scenarios";

json small_scenario()
{
    return json::parse(R"({
      "scenario_version": 1, "id": "S0", "name": "test", "ruleset": "v2.0.1",
      "params": {"moving_alpha": 3e-4, "block_emission": "1"},
      "state": {"block": 1000, "total_issuance": "1000", "root_stake": "1000",
                "subnets": [{"netuid": 1, "tao": "100", "alpha_in": "1000", "alpha_out": "1000", "moving_price": 0.1},
                            {"netuid": 2, "tao": "100", "alpha_in": "1000", "alpha_out": "1000", "moving_price": 0.1}]},
      "actors": [{"name": "a", "netuid": 1, "strategy": "buy_to_price", "target_price": 1.0, "hold_blocks": 20}],
      "blocks": 30, "record": {"netuids": [1]}
    })");
}

/// @rule COIN-001 @rule COIN-006 @rule EMA-001 @rule STAKE-007
/// A clean run passes every per-block invariant and writes one CSV row per block.
TEST(ScenarioEngine, CleanRunHoldsEveryInvariant)
{
    sc::Options o;
    const auto rep = sc::run(small_scenario(), o);
    ASSERT_TRUE(rep.ok) << rep.runs.at(0).failure;
    ASSERT_EQ(rep.runs.size(), 1u);
    EXPECT_EQ(rep.runs[0].csv_rows.size(), 31u);  // header + 30 blocks
    EXPECT_EQ(rep.runs[0].summary["blocks_run"], 30);
    EXPECT_GT(rep.runs[0].summary["actors"]["a"]["tao_in"].get<double>(), 0.0);
    EXPECT_EQ(rep.runs[0].summary["actors"]["a"]["sells"], 1);  // dumped after 20 blocks
}

/// @rule COIN-006
/// A broken invariant stops the run at that block, naming the invariant and the state.
TEST(ScenarioEngine, BrokenConservationStopsAtTheBlock)
{
    sc::Options o;
    o.tamper = [](dtao::ChainState& s, unsigned long long i) {
        if (i == 7)
            s.total_issuance += 1;  // one rao minted out of nowhere
    };
    const auto rep = sc::run(small_scenario(), o);
    ASSERT_FALSE(rep.ok);
    const auto& r = rep.runs.at(0);
    EXPECT_NE(r.failure.find("block 1007 (index 7)"), std::string::npos) << r.failure;
    EXPECT_NE(r.failure.find("invariant conservation"), std::string::npos) << r.failure;
    EXPECT_EQ(r.summary["blocks_run"], 7);
    EXPECT_TRUE(r.summary["failure"]["state"].contains("total_issuance"));
}

/// @rule EMA-001
/// A moving price pushed outside the hull of (m, min(p, 1)) is caught.
TEST(ScenarioEngine, BrokenEmaHullIsCaught)
{
    sc::Options o;
    o.tamper = [](dtao::ChainState& s, unsigned long long i) {
        if (i == 3)
            s.subnets.at(2).subnet_moving_price = dtao::fixed::I96F32::from_f64(0.9);  // netuid 2, spot 0.1
    };
    const auto rep = sc::run(small_scenario(), o);
    ASSERT_FALSE(rep.ok);
    EXPECT_NE(rep.runs.at(0).failure.find("invariant ema_hull"), std::string::npos) << rep.runs.at(0).failure;
}

/// @rule COIN-004
/// The chain and exact models run the same short scenario; both hold the invariants.
TEST(ScenarioEngine, ExactModelRunsShortScenarios)
{
    sc::Options o;
    o.exact = true;
    auto s = small_scenario();
    s["blocks"] = 3;
    s["actors"] = json::array();
    const auto rep = sc::run(s, o);
    ASSERT_TRUE(rep.ok) << rep.runs.at(0).failure;
    EXPECT_EQ(rep.runs[0].summary["arithmetic"], "exact");
    sc::Options c;
    auto chain = sc::run(s, c);
    const double me = rep.runs[0].summary["ema"]["1"]["m_final"].get<double>();
    const double mc = chain.runs[0].summary["ema"]["1"]["m_final"].get<double>();
    EXPECT_NEAR(me, mc, 1e-6);
}

/// @rule EMA-002 @rule RSET-002
/// Grid and variants expand to one run per point, and `when` restricts checks.
TEST(ScenarioEngine, GridAndVariantsExpand)
{
    auto s = small_scenario();
    s["variants"] = json::parse(R"([{"label": "x", "set": {}}, {"label": "y", "set": {"/ruleset": "v2.0.0"}}])");
    s["grid"] = json::parse(R"({"/params/moving_alpha": [3e-6, 3e-4]})");
    s["checks"] =
        json::parse(R"([{"kind": "ema_at_most", "netuid": 1, "value": 1.0, "when": {"/ruleset": "v2.0.1"}}])");
    sc::Options o;
    const auto rep = sc::run(s, o);
    ASSERT_EQ(rep.runs.size(), 4u);
    EXPECT_EQ(rep.runs[0].label, "x,moving_alpha=3e-06");
    EXPECT_EQ(rep.runs[0].summary["checks"].size(), 1u);
    EXPECT_EQ(rep.runs[2].summary["checks"].size(), 0u);
}

/// @rule STAKE-007
/// Malformed amounts are rejected with the field named.
TEST(ScenarioEngine, MalformedAmountNamesTheField)
{
    auto s = small_scenario();
    s["state"]["subnets"][0]["tao"] = "1.0000000001";
    sc::Options o;
    try {
        (void)sc::run(s, o);
        FAIL() << "accepted a 10-decimal amount";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("subnet.tao"), std::string::npos) << e.what();
    }
}

/// @rule RSET-017 RSET-024
/// The engine drives the launch block on the constant-product pool; a ruleset with other
/// forms is refused, naming them, rather than run with the wrong pool.
TEST(ScenarioEngine, BalancerRulesetIsRefused)
{
    auto s = small_scenario();
    s["ruleset"] = "v3.4.8-423";
    sc::Options o;
    try {
        (void)sc::run(s, o);
        FAIL() << "ran a Balancer-era ruleset";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("injection_capped block on the balancer pool"), std::string::npos)
            << e.what();
    }
}

/// @rule EMA-001 @rule COIN-004
/// Every published scenario loads, and every one of S1..S12 is there.
TEST(ScenarioFiles, AllTwelveLoad)
{
    int n = 0;
    for (int i = 1; i <= 12; ++i) {
        bool found = false;
        for (const auto& e : std::filesystem::directory_iterator(SCEN)) {
            const auto f = e.path().filename().string();
            if (f.rfind("S" + std::to_string(i) + "_", 0) == 0 && e.path().extension() == ".json") {
                const auto j = sc::load(e.path());
                EXPECT_EQ(j["id"], "S" + std::to_string(i));
                found = true;
                ++n;
            }
        }
        EXPECT_TRUE(found) << "S" << i;
    }
    EXPECT_GE(n, 12);
}

}  // namespace
