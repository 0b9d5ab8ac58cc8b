// Tests of the scenario engine behind `dtao scenario run` (tools/dtao/scenario/include/scenario.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "scenario.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
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

json capped_scenario()
{
    return json::parse(R"({
      "scenario_version": 1, "id": "S0", "name": "capped", "ruleset": "mainnet-464",
      "state": {"block": 9000000, "total_issuance": "11300000", "root_stake": "3500000",
                "subnets": [{"netuid": 1, "tao": "2000", "alpha_in": "1000000", "alpha_out": "2000000"}],
                "fill": {"count": 5, "first_netuid": 2, "tao": "150000", "tao_last": "1500",
                         "alpha_in": "1500000", "alpha_in_last": "750000", "alpha_out": "3000000"}},
      "actors": [{"name": "a", "netuid": 1, "strategy": "sandwich", "amount": "100", "start": 2, "stop": 12},
                 {"name": "b", "netuid": 2, "strategy": "buy_to_price", "target_price": 0.2, "hold_blocks": 10}],
      "blocks": 30, "record": {"netuids": [1, 2]}
    })");
}

/// @rule RSET-024 BCOIN-012 BAL-011
/// Every injection-capped ruleset (the Balancer era and today's mainnet) runs on the Balancer
/// pool with its block's invariants checked twice a block (after the coinbase and after the
/// extrinsics), and the sandwich trades around each coinbase: one buy and one sell per trip.
TEST(ScenarioEngine, InjectionCappedRulesetsRunWithTheirInvariants)
{
    for (const char* rules :
         {"v3.4.8-423", "v3.4.9-424", "main-14bc6f9", "mainnet-432", "mainnet-440", "mainnet-441", "mainnet-464"}) {
        auto s = capped_scenario();
        s["ruleset"] = rules;
        sc::Options o;
        const auto rep = sc::run(s, o);
        ASSERT_TRUE(rep.ok) << rules << ": " << rep.runs.at(0).failure;
        const auto& sum = rep.runs.at(0).summary;
        EXPECT_EQ(sum["invariant_checks"], 60) << rules;
        EXPECT_EQ(sum["actors"]["a"]["buys"], 10) << rules;
        EXPECT_EQ(sum["actors"]["a"]["sells"], 10) << rules;
        EXPECT_EQ(sum["actors"]["a"]["rejected_ops"], 0) << rules;
        EXPECT_EQ(sum["actors"]["b"]["sells"], 1) << rules;
        EXPECT_GT(sum["injection_capped"]["chain_buys"].get<int>(), 0) << rules;
        EXPECT_EQ(sum["injection_capped"]["emission_concentration"]["subnets_emitting"], 6) << rules;
        // 30 blocks of 0.5 TAO: whatever is not spent is recycled
        EXPECT_NEAR(sum["totals"]["tao_minted"].get<double>() + sum["injection_capped"]["tao_recycled"].get<double>(),
                    15.0, 1e-9)
            << rules;
    }
}

/// @rule BCOIN-012 BAL-007 BAL-010
/// The injection-capped invariants catch a rao out of place: TotalIssuance, a pool reserve, a
/// pool weight out of [0.01, 0.99], each at the block it happened, naming the invariant.
TEST(ScenarioEngine, InjectionCappedBrokenInvariantsAreCaught)
{
    const std::vector<std::pair<std::string, std::function<void(dtao::ChainState&)>>> cases{
        {"invariant conservation", [](dtao::ChainState& s) { s.total_issuance += 1; }},
        {"invariant pool", [](dtao::ChainState& s) { s.subnets.at(1).subnet_tao += 1; }},
        {"invariant pool", [](dtao::ChainState& s) { s.subnets.at(1).subnet_alpha_out -= 1; }},
        {"invariant stake", [](dtao::ChainState& s) { s.total_stake += 1; }},
        {"invariant weights",
         [](dtao::ChainState& s) { s.subnets.at(3).swap_balancer_quote_parts = 9'000'000'000'000'000; }},
    };
    for (const auto& [want, corrupt] : cases) {
        sc::Options o;
        o.tamper = [&corrupt](dtao::ChainState& s, unsigned long long i) {
            if (i == 7)
                corrupt(s);
        };
        const auto rep = sc::run(capped_scenario(), o);
        ASSERT_FALSE(rep.ok) << want;
        const auto& f = rep.runs.at(0).failure;
        EXPECT_NE(f.find("block 9000007 (index 7)"), std::string::npos) << f;
        EXPECT_NE(f.find(want), std::string::npos) << f;
    }
}

/// @rule RSET-024
/// What only the launch block has is refused for an injection-capped ruleset, with the reason:
/// the exact model over a run, the flat-fee what-ifs, a launch-era closed form.
TEST(ScenarioEngine, InjectionCappedRefusesLaunchOnlyOptions)
{
    const auto refused = [](json s, sc::Options o, const std::string& want) {
        try {
            (void)sc::run(s, o);
            ADD_FAILURE() << "ran: " << want;
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
        }
    };
    sc::Options exact;
    exact.exact = true;
    refused(capped_scenario(), exact, "exact state grows without bound");
    auto fee = capped_scenario();
    fee["params"] = json::parse(R"({"fee_rate": 0.01})");
    refused(fee, sc::Options{}, "launch-era what-ifs");
    auto check = capped_scenario();
    check["checks"] = json::parse(R"([{"kind": "share_bound", "netuid": 1}])");
    refused(check, sc::Options{}, "a closed form of the launch-era block");
}

/// @rule BREG-002 BREG-003
/// A registrant registers the next netuid at the lock cost, start_calls it and owns it: the
/// injection-capped invariants hold through the registration, and its owner cut accrues. The
/// launch block refuses the strategy, naming why.
TEST(ScenarioEngine, RegistrantRegistersAndOwnsItsSubnet)
{
    auto s = capped_scenario();
    s["params"] = json::parse(R"({"min_lock_cost": "250"})");
    s["actors"] = json::parse(R"([{"name": "r", "strategy": "register", "at": 3, "start_call_after": 2}])");
    s["blocks"] = 400;
    const auto rep = sc::run(s, sc::Options{});
    ASSERT_TRUE(rep.ok) << rep.runs.at(0).failure;
    const auto& r = rep.runs.at(0).summary["actors"]["r"];
    EXPECT_EQ(r["netuid"], 7);  // root and netuids 1 … 6 exist
    EXPECT_DOUBLE_EQ(r["tao_in"].get<double>(), 250.0);
    EXPECT_EQ(r["rejected_ops"], 0);
    EXPECT_GT(r["owner_cut_alpha"].get<double>(), 0.0);
    auto launch = small_scenario();
    launch["actors"] = json::parse(R"([{"name": "r", "strategy": "register", "at": 3}])");
    try {
        (void)sc::run(launch, sc::Options{});
        FAIL() << "the launch block took a registrant";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("registers subnets under the injection-capped block"), std::string::npos)
            << e.what();
    }
}

/// `state.fill` with tao_last / alpha_in_last spreads the pools geometrically; a listed subnet
/// cannot carry them.
TEST(ScenarioEngine, FillSpreadsPoolsGeometrically)
{
    auto s = small_scenario();
    s["state"]["fill"] = json::parse(R"({"count": 3, "first_netuid": 3, "tao": "100", "tao_last": "1",
                                         "alpha_in": "1000", "alpha_in_last": "10", "moving_price": 0.1})");
    s["record"]["netuids"] = json::parse("[3, 4, 5]");
    s["actors"] = json::array();
    s["blocks"] = 1;
    s["params"]["block_emission"] = "rao:0";
    const auto rep = sc::run(s, sc::Options{});
    ASSERT_TRUE(rep.ok) << rep.runs.at(0).failure;
    const auto& subs = rep.runs.at(0).summary["final_state"]["subnets"];
    ASSERT_EQ(subs.size(), 4u);  // root and the three recorded
    // after one block, whose root-dividend sale moves each pool by a few per cent
    const auto tao = [&](std::size_t k) { return std::stod(subs[k]["subnet_tao"].get<std::string>()) / 1e9; };
    const auto alpha = [&](std::size_t k) { return std::stod(subs[k]["subnet_alpha_in"].get<std::string>()) / 1e9; };
    EXPECT_NEAR(tao(1), 100, 5);
    EXPECT_NEAR(tao(2), 10, 0.5);
    EXPECT_NEAR(tao(3), 1, 0.05);
    EXPECT_NEAR(alpha(2), 100, 5);
    auto bad = small_scenario();
    bad["state"]["subnets"][0]["tao_last"] = "1";
    try {
        (void)sc::run(bad, sc::Options{});
        FAIL() << "a listed subnet took tao_last";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("state.subnets[]: tao_last"), std::string::npos) << e.what();
    }
}

/// @rule EMA-001 @rule COIN-004
/// Every published scenario loads, and every one of S1..S17 is there.
TEST(ScenarioFiles, AllSeventeenLoad)
{
    int n = 0;
    for (int i = 1; i <= 17; ++i) {
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
    EXPECT_GE(n, 17);
}

}  // namespace
