/// Tests of the `dtao eval` protocol, version 1 (spec/protocol.md): framing,
/// strict decimal parsing, error tokens, ruleset selection, both arithmetics.
#include "protocol.hpp"

#include "dtao/balancer.hpp"
#include "dtao/capabilities.hpp"
#include "dtao/ruleset.hpp"

#include <set>

#include <gtest/gtest.h>

using dtao::protocol::evaluate_line;
using json = nlohmann::json;
using dtao::u64;

namespace {

json eval(const std::string& op, const json& input, const std::string& ruleset = "v2.0.1",
          const std::string& arithmetic = "chain")
{
    json req{{"id", "t"}, {"ruleset", ruleset}, {"op", op}, {"input", input}, {"arithmetic", arithmetic}};
    return evaluate_line(req.dump());
}

std::string error_of(const json& r) { return r.contains("error") ? r["error"].get<std::string>() : ""; }

}  // namespace

TEST(protocol, malformed_json_is_an_error_response_with_null_id)
{
    const json r = evaluate_line("{\"id\": \"x\", ");
    EXPECT_EQ(error_of(r), "malformed_request");
    EXPECT_TRUE(r["id"].is_null());
    EXPECT_EQ(error_of(evaluate_line("[1,2]")), "malformed_request");
    EXPECT_EQ(error_of(evaluate_line("\"just a string\"")), "malformed_request");
}

TEST(protocol, envelope_fields_are_checked)
{
    EXPECT_EQ(error_of(evaluate_line(R"({"ruleset":"v2.0.1","op":"block_emission","input":{}})")), "missing_field");
    EXPECT_EQ(error_of(evaluate_line(R"({"id":1,"ruleset":"v2.0.1","op":"block_emission","input":{}})")),
              "invalid_field");
    EXPECT_EQ(error_of(eval("block_emission", {{"issuance", "0"}}, "v9.9.9")), "unknown_ruleset");
    EXPECT_EQ(error_of(eval("no_such_op", json::object())), "unknown_op");
    EXPECT_EQ(error_of(eval("block_emission", {{"issuance", "0"}}, "v2.0.1", "float")), "unknown_arithmetic");
    EXPECT_EQ(error_of(evaluate_line(
                  R"({"id":"a","ruleset":"v2.0.1","op":"block_emission","input":{"issuance":"0"},"extra":1})")),
              "invalid_field");
}

TEST(protocol, the_id_is_echoed)
{
    const json r = evaluate_line(R"({"id":"abc-1","ruleset":"v2.0.1","op":"block_emission","input":{"issuance":"0"}})");
    EXPECT_EQ(r["id"], "abc-1");
    EXPECT_EQ(r["output"]["emission"], "1000000000");
}

TEST(protocol, amounts_are_strict_decimal_strings)
{
    EXPECT_EQ(error_of(eval("block_emission", {{"issuance", 0}})), "invalid_field");      // a JSON number
    EXPECT_EQ(error_of(eval("block_emission", {{"issuance", "010"}})), "invalid_field");  // octal to cpp_int
    EXPECT_EQ(error_of(eval("block_emission", {{"issuance", "0x10"}})), "invalid_field");
    EXPECT_EQ(error_of(eval("block_emission", {{"issuance", "+1"}})), "invalid_field");
    EXPECT_EQ(error_of(eval("block_emission", {{"issuance", "-1"}})), "invalid_field");
    EXPECT_EQ(error_of(eval("block_emission", {{"issuance", " 1"}})), "invalid_field");
    EXPECT_EQ(error_of(eval("block_emission", {{"issuance", ""}})), "invalid_field");
    EXPECT_EQ(error_of(eval("block_emission", {{"issuance", "1e9"}})), "invalid_field");
    EXPECT_EQ(error_of(eval("block_emission", {{"issuance", "18446744073709551616"}})), "invalid_field");  // 2^64
    EXPECT_EQ(error_of(eval("block_emission", {{"issuance", "18446744073709551615"}})), "");  // u64::MAX is fine
    EXPECT_EQ(error_of(eval("block_emission", json::object())), "missing_field");
    EXPECT_EQ(error_of(eval("block_emission", {{"issuance", "0"}, {"isuance", "0"}})), "invalid_field");
}

TEST(protocol, error_messages_name_the_field)
{
    const json r = eval("sim_swap_tao_for_alpha", {{"subnet_tao", "1"}, {"subnet_alpha_in", "x"}, {"amount", "1"}});
    EXPECT_EQ(error_of(r), "invalid_field");
    EXPECT_NE(r["message"].get<std::string>().find("request.input.subnet_alpha_in"), std::string::npos);
}

TEST(protocol, fixed_point_values_are_typed_bits)
{
    json in{{"subnet_tao", "1000000"},
            {"subnet_alpha_in", "1000000"},
            {"subnet_moving_price", {{"type", "I96F32"}, {"bits", "0"}}},
            {"subnet_moving_alpha", {{"type", "I96F32"}, {"bits", "4294967296"}}}};
    const json ok = eval("update_moving_price", in);
    ASSERT_EQ(error_of(ok), "") << ok.dump();
    // α = 1: the moving price becomes the (clamped) price 1.0 exactly.
    EXPECT_EQ(ok["output"]["subnet_moving_price"]["bits"], "4294967296");
    in["subnet_moving_price"]["type"] = "U64F64";
    EXPECT_EQ(error_of(eval("update_moving_price", in)), "invalid_field");
    in["subnet_moving_price"] = {{"type", "I96F32"}, {"bits", "170141183460469231731687303715884105728"}};  // 2^127
    EXPECT_EQ(error_of(eval("update_moving_price", in)), "invalid_field");
    in["subnet_moving_price"] = {{"type", "I96F32"}, {"bits", "-1"}};
    EXPECT_EQ(error_of(eval("update_moving_price", in)), "");
}

TEST(protocol, rule_errors_use_the_closed_token_list)
{
    const json r = eval("sim_swap_alpha_for_tao",
                        {{"subnet_tao", "20000000"}, {"subnet_alpha_in", "20000000"}, {"amount", "30000000"}});
    EXPECT_EQ(error_of(r), "insufficient_liquidity");
    EXPECT_FALSE(r.contains("output"));
}

TEST(protocol, every_ruleset_is_selectable)
{
    for (const auto& rules : dtao::RULESETS) {
        const json r = eval("block_emission", {{"issuance", "0"}}, std::string(rules.id));
        EXPECT_EQ(error_of(r), "") << rules.id;
    }
}

TEST(protocol, exact_arithmetic_answers_rationals)
{
    // y − x·y/(x + dx) = 5e9 − 5e19/11e9 = 5e9/11 (chain-rules.md §7.1 L12's expression, unrounded).
    const json r = eval("sim_swap_tao_for_alpha",
                        {{"subnet_tao", "10000000000"}, {"subnet_alpha_in", "5000000000"}, {"amount", "1000000000"}},
                        "v2.0.1", "exact");
    EXPECT_EQ(r["output"]["alpha_out"], "5000000000/11");
    const json c = eval("sim_swap_tao_for_alpha",
                        {{"subnet_tao", "10000000000"}, {"subnet_alpha_in", "5000000000"}, {"amount", "1000000000"}});
    EXPECT_EQ(c["output"]["alpha_out"], "454545454");  // ⌊5e9/11⌋ = 454 545 454
}

TEST(protocol, every_op_answers_a_minimal_request)
{
    const json state{{"block", "100"},
                     {"subnets",
                      {{{"netuid", "0"}, {"subnet_tao", "1000000000000"}},
                       {{"netuid", "1"}, {"subnet_tao", "1000000000000"}, {"subnet_alpha_in", "1000000000000"}}}}};
    const json pool{{"subnet_tao", "1000000000000"}, {"subnet_alpha_in", "1000000000000"}};
    json stake = pool;
    stake["amount"] = "1000000000";
    const std::vector<std::pair<std::string, json>> requests = {
        {"block_emission", {{"issuance", "0"}}},
        {"alpha_price", pool},
        {"sim_swap_tao_for_alpha", stake},
        {"sim_swap_alpha_for_tao", stake},
        {"max_amount_add", {{"subnet_tao", "1000"}, {"subnet_alpha_in", "1000"}, {"limit_price", "2000000000"}}},
        {"max_amount_remove", {{"subnet_tao", "1000"}, {"subnet_alpha_in", "1000"}, {"limit_price", "250000000"}}},
        {"add_stake", stake},
        {"remove_stake", stake},
        {"update_moving_price", pool},
        {"coinbase", {{"state", state}}},
        {"block",
         {{"state", state},
          {"actions",
           {{{"kind", "add_stake"}, {"netuid", "1"}, {"amount", "1000000000"}},
            {{"kind", "remove_stake"}, {"netuid", "1"}, {"amount", "1000000000"}},
            {{"kind", "add_stake"}, {"netuid", "7"}, {"amount", "1000000000"}}}}}},
        {"drain_pending_emission",
         {{"pending_alpha", "1000"}, {"epoch", {{{"hotkey", "h"}, {"incentive", "1"}, {"dividend", "1"}}}}}},
        {"network_lock_cost", {{"state", state}}},
        {"register_network", {{"state", {{"block", "7200"}}}}},
        {"start_call", {{"state", state}, {"netuid", "1"}}},
        {"blocks_until_next_epoch", {{"netuid", "1"}, {"tempo", "360"}, {"block", "0"}}},
    };
    // The Balancer era (v3.4.8-423+): its own pool, stake, coinbase and registration ops.
    json bstate = state;
    bstate["subnets"][1]["first_emission_block_number"] = "10";
    bstate["subnets"][1]["fee_rate"] = "33";
    json bpool = pool;
    bpool["swap_balancer_quote_parts"] = "300000000000000000";
    json bstake = bpool;
    bstake["amount"] = "1000000000";
    json bswap = bstake;
    bswap["side"] = "sell";
    json bliq = pool;
    bliq["tao"] = "1000000";
    bliq["alpha"] = "5000000";
    const std::vector<std::pair<std::string, json>> balancer_requests = {
        {"block_emission", {{"issuance", "0"}}},
        {"alpha_price", bpool},
        {"swap", bswap},
        {"max_amount_add",
         {{"subnet_tao", "1000000000"}, {"subnet_alpha_in", "1000000000"}, {"limit_price", "2000000000"}}},
        {"max_amount_remove",
         {{"subnet_tao", "1000000000"}, {"subnet_alpha_in", "1000000000"}, {"limit_price", "250000000"}}},
        {"adjust_protocol_liquidity", bliq},
        {"pow_ratio_scaled",
         {{"base_numerator", "3"},
          {"base_denominator", "7"},
          {"exponent_numerator", "3"},
          {"exponent_denominator", "7"},
          {"precision", "256"},
          {"scale", "1000000000000000000"}}},
        {"add_stake", bstake},
        {"remove_stake", bstake},
        {"update_moving_price", bpool},
        {"coinbase", {{"state", bstate}}},
        {"block",
         {{"state", bstate},
          {"actions",
           {{{"kind", "add_stake"}, {"netuid", "1"}, {"amount", "1000000000"}},
            {{"kind", "remove_stake"}, {"netuid", "1"}, {"amount", "1000000000"}},
            {{"kind", "add_stake"}, {"netuid", "7"}, {"amount", "1000000000"}}}}}},
        {"dividend_distribution",
         {{"pending_alpha", "1000"},
          {"pending_root_alpha", "10"},
          {"hotkeys",
           json::array({json{
               {"hotkey", "1"}, {"dividend", {{"type", "U96F32"}, {"bits", "4294967296"}}}, {"alpha_stake", "5"}}})}}},
        {"network_lock_cost", {{"state", bstate}}},
        {"register_network", {{"state", {{"block", "7200"}}}}},
        {"start_call", {{"state", bstate}, {"netuid", "1"}}},
        {"migrate_swapv3_to_balancer",
         {{"subnet_tao", "1000000000"},
          {"subnet_alpha_in", "4000000000"},
          {"subnet_tao_provided", "7"},
          {"alpha_sqrt_price", {{"type", "U64F64"}, {"bits", "9223372036854775808"}}}}},
    };
    // Every op of `dtao ops` is exercised in at least one era.
    std::set<std::string> listed, exercised;
    for (const auto& [name, doc] : dtao::protocol::ops())
        listed.insert(name);
    for (const auto* list : {&requests, &balancer_requests})
        for (const auto& [op, input] : *list)
            exercised.insert(op);
    EXPECT_EQ(listed, exercised);
    const auto check = [](const auto& list, std::initializer_list<const char*> rulesets) {
        for (const auto& [op, input] : list)
            for (const char* arithmetic : {"chain", "exact"})
                for (const char* ruleset : rulesets) {
                    const json r = eval(op, input, ruleset, arithmetic);
                    EXPECT_TRUE(r.contains("output") || (r.contains("error") && !r.contains("message")))
                        << op << " " << arithmetic << " " << ruleset << ": " << r.dump();
                }
    };
    check(requests, {"v2.0.1", "v2.0.10"});
    check(balancer_requests, {"v3.4.8-423", "v3.4.9-424", "main-14bc6f9"});
}

/// An op the ruleset lacks is a protocol error naming the op's forms, not a silent answer by
/// the wrong rules; so is a storage field the ruleset lacks.
/// @rule RSET-017 RSET-024
TEST(protocol, ops_and_state_fields_belong_to_the_ruleset)
{
    const json pool{{"subnet_tao", "1000000000000"}, {"subnet_alpha_in", "1000000000000"}, {"amount", "1000000000"}};
    for (const char* op :
         {"sim_swap_tao_for_alpha", "sim_swap_alpha_for_tao", "drain_pending_emission", "blocks_until_next_epoch"}) {
        const json r = eval(op, pool, "v3.4.8-423");
        EXPECT_EQ(error_of(r), "op_not_in_ruleset") << op;
        EXPECT_NE(r["message"].get<std::string>().find("its forms: "), std::string::npos) << r.dump();
    }
    for (const char* op : {"swap", "adjust_protocol_liquidity", "pow_ratio_scaled", "dividend_distribution"}) {
        EXPECT_EQ(error_of(eval(op, pool, "v2.0.10")), "op_not_in_ruleset") << op;
    }
    // The protocol answers exactly the capability table: every (ruleset, op) the table models
    // reaches a handler (no unknown_op, no op_not_in_ruleset, no not_modelled, no
    // internal_error), one the ruleset has but the reference does not model is not_modelled,
    // every other one is op_not_in_ruleset.
    std::size_t not_modelled = 0;
    for (const auto& rs : dtao::RULESETS)
        for (const dtao::Op op : dtao::ALL_OPS) {
            const std::string name(dtao::to_string(op));
            const json r = eval(name, json::object(), std::string(rs.id));
            const std::string err = error_of(r);
            EXPECT_EQ(dtao::protocol::op_in_ruleset(name, rs), dtao::answers(rs, op)) << rs.id << " " << name;
            if (dtao::answers(rs, op)) {
                EXPECT_TRUE(err != "op_not_in_ruleset" && err != "unknown_op" && err != "internal_error" &&
                            err != "not_modelled")
                    << rs.id << " " << name << ": " << r.dump();
            } else if (dtao::has_op(rs, op)) {
                EXPECT_EQ(err, "not_modelled") << rs.id << " " << name;
                EXPECT_NE(r["message"].get<std::string>().find("does not model"), std::string::npos) << r.dump();
                ++not_modelled;
            } else {
                EXPECT_EQ(err, "op_not_in_ruleset") << rs.id << " " << name;
            }
        }
    EXPECT_GT(not_modelled, 0u);  // the v3 year's coinbases and staking
    // a Balancer-era storage item in a launch-era state, and the reverse
    const json launch_with_fee{{"state", {{"subnets", {{{"netuid", "1"}, {"fee_rate", "33"}}}}}}};
    EXPECT_EQ(error_of(eval("coinbase", launch_with_fee, "v2.0.10")), "invalid_field");
    EXPECT_EQ(error_of(eval("coinbase", launch_with_fee, "v3.4.9-424")), "");
    const json balancer_with_pending{{"state", {{"subnets", {{{"netuid", "1"}, {"pending_emission", "1"}}}}}}};
    EXPECT_EQ(error_of(eval("coinbase", balancer_with_pending, "main-14bc6f9")), "invalid_field");
    EXPECT_EQ(error_of(eval("coinbase", balancer_with_pending, "v2.0.10")), "");
    // the launch era's output state has no Balancer-era field
    const json out = eval("coinbase", {{"state", {{"subnets", {{{"netuid", "1"}}}}}}}, "v2.0.10");
    EXPECT_FALSE(out["output"]["state"]["subnets"][0].contains("fee_rate")) << out.dump();
}

/// The Balancer ops answer what the reference functions compute: a swap of chain-rules.md
/// §7.2's shape, both directions, with the fee taken from the input (rate 33/65535).
/// @rule BAL-005 BAL-004
TEST(protocol, balancer_swap_matches_the_reference)
{
    dtao::Subnet s;
    s.netuid = 1;
    s.mechanism = dtao::Mechanism::dynamic;
    s.subnet_tao = 1'000'000'000'000;
    s.subnet_alpha_in = 3'000'000'000'000;
    s.swap_balancer_quote_parts = 300'000'000'000'000'000;
    for (const auto side : {dtao::SwapSide::buy, dtao::SwapSide::sell}) {
        dtao::Subnet copy = s;
        const u64 limit = side == dtao::SwapSide::buy ? dtao::SWAP_MAX_PRICE : dtao::SWAP_MIN_PRICE;
        const auto want = dtao::chain::balancer::do_swap(
            dtao::MAIN_14BC6F9, copy, dtao::SWAP_MINIMUM_RESERVE, side, 1'000'000'000,
            dtao::chain::balancer::limit_price_from_rao(limit), dtao::Fees::charged, dtao::SwapRun::commit);
        ASSERT_TRUE(static_cast<bool>(want));
        const json r = eval("swap",
                            {{"subnet_tao", "1000000000000"},
                             {"subnet_alpha_in", "3000000000000"},
                             {"swap_balancer_quote_parts", "300000000000000000"},
                             {"side", side == dtao::SwapSide::buy ? "buy" : "sell"},
                             {"amount", "1000000000"}},
                            "main-14bc6f9");
        ASSERT_TRUE(r.contains("output")) << r.dump();
        EXPECT_EQ(r["output"]["amount_paid_out"], std::to_string(want->amount_paid_out));
        EXPECT_EQ(r["output"]["amount_paid_in"], std::to_string(want->amount_paid_in));
        // fee = to_u64(1e9 · 33/65535) = 503 547 (33e9 / 65535 = 503 547.7…)
        EXPECT_EQ(r["output"]["fee_paid"], "503547");
    }
}

/// @rule STAKE-007 STAKE-008
TEST(protocol, block_runs_the_coinbase_then_each_action_and_a_rejected_one_does_not_stop_it)
{
    const json state{{"block", "100"},
                     {"total_stake", "2000000000000"},
                     {"subnets",
                      {{{"netuid", "0"}, {"subnet_tao", "1000000000000"}},
                       {{"netuid", "1"}, {"subnet_tao", "1000000000000"}, {"subnet_alpha_in", "1000000000000"}}}}};
    const json actions{{{"kind", "add_stake"}, {"netuid", "1"}, {"amount", "1000"}},        // below min stake + fee
                       {{"kind", "add_stake"}, {"netuid", "9"}, {"amount", "1000000000"}},  // no such subnet
                       {{"kind", "add_stake"}, {"netuid", "1"}, {"amount", "1000000000"}}};
    const json r = eval("block", {{"state", state}, {"block_emission", "0"}, {"actions", actions}});
    ASSERT_TRUE(r.contains("output")) << r.dump();
    const json& out = r["output"];
    ASSERT_EQ(out["actions"].size(), 3u);
    EXPECT_EQ(out["actions"][0], json({{"error", "amount_too_low"}}));
    EXPECT_EQ(out["actions"][1], json({{"error", "subnet_not_exists"}}));
    // The accepted stake gives what add_stake gives on the pool after the coinbase.
    const json coinbase = eval("coinbase", {{"state", state}, {"block_emission", "0"}});
    const json& sub = coinbase["output"]["state"]["subnets"][1];
    const json stake = eval("add_stake", {{"subnet_tao", sub["subnet_tao"]},
                                          {"subnet_alpha_in", sub["subnet_alpha_in"]},
                                          {"subnet_alpha_out", sub["subnet_alpha_out"]},
                                          {"total_stake", coinbase["output"]["state"]["total_stake"]},
                                          {"amount", "1000000000"}});
    EXPECT_EQ(out["actions"][2]["alpha"], stake["output"]["alpha"]);
    EXPECT_EQ(out["actions"][2]["fee"], stake["output"]["fee"]);
    EXPECT_EQ(out["state"]["subnets"][1]["subnet_tao"], stake["output"]["pool"]["subnet_tao"]);
    EXPECT_EQ(out["state"]["total_stake"], stake["output"]["pool"]["total_stake"]);
    EXPECT_EQ(out["emissions"], coinbase["output"]["emissions"]);
    // A custom fee applies to an unlimited add_stake only.
    const json bad = eval(
        "block",
        {{"state", state},
         {"actions",
          {{{"kind", "add_stake"}, {"netuid", "1"}, {"amount", "1000000000"}, {"fee", "1"}, {"limit_price", "1"}}}}});
    EXPECT_EQ(error_of(bad), "invalid_field");
    EXPECT_EQ(error_of(eval("block",
                            {{"state", state}, {"actions", {{{"kind", "swap"}, {"netuid", "1"}, {"amount", "1"}}}}})),
              "invalid_field");
}

TEST(protocol, state_subnets_must_ascend)
{
    const json state{{"subnets", {{{"netuid", "2"}}, {{"netuid", "1"}}}}};
    EXPECT_EQ(error_of(eval("coinbase", {{"state", state}})), "invalid_field");
}

TEST(protocol, invalid_utf8_gets_a_response_that_serialises)
{
    // Found by fuzz/protocol_fuzz.cpp: the parser's message quoted the raw byte
    // and `dump()` threw on it, which would have ended a `dtao eval` stream.
    const json r = evaluate_line("{\"id\":\"\xff\"}");
    EXPECT_EQ(error_of(r), "malformed_request");
    EXPECT_NO_THROW((void)r.dump());
}

TEST(protocol, number_overflow_is_a_malformed_request)
{
    // Found by fuzz/protocol_fuzz.cpp: nlohmann throws out_of_range, not
    // parse_error, for a number it cannot represent.
    EXPECT_EQ(error_of(evaluate_line("1e999")), "malformed_request");
    EXPECT_EQ(
        error_of(evaluate_line(R"({"id":"a","ruleset":"v2.0.1","op":"block_emission","input":{"issuance":1e999}})")),
        "malformed_request");
}

/// @rule BAL-011 F-039
/// The issue's minimal request NES-1 answers with the chain's NotEnoughStakeToWithdraw under
/// every Balancer ruleset, in both arithmetics.
TEST(protocol, limit_unstake_above_the_stake_gets_not_enough_stake_to_withdraw)
{
    const json in{{"subnet_tao", "10000000000"},
                  {"subnet_alpha_in", "10000000000"},
                  {"amount", "1000000000"},
                  {"alpha_available", "300000000"},
                  {"limit_price", "100"}};
    for (const char* ruleset : {"v3.4.8-423", "v3.4.9-424", "main-14bc6f9"}) {
        EXPECT_EQ(error_of(eval("remove_stake", in, ruleset)), "not_enough_stake_to_withdraw") << ruleset;
        EXPECT_EQ(error_of(eval("remove_stake", in, ruleset, "exact")), "not_enough_stake_to_withdraw") << ruleset;
    }
    // Launch era: the new optional input, absent = the request (old answers kept).
    json launch{{"subnet_tao", "150000000000"},
                {"subnet_alpha_in", "100000000000"},
                {"subnet_alpha_out", "100000000000"},
                {"amount", "1000000000"}};
    EXPECT_EQ(error_of(eval("remove_stake", launch, "v2.0.10")), "");
    launch["alpha_available"] = "300000000";
    EXPECT_EQ(error_of(eval("remove_stake", launch, "v2.0.10")), "not_enough_stake_to_withdraw");
    launch["alpha_available"] = "1000000000";
    EXPECT_EQ(error_of(eval("remove_stake", launch, "v2.0.10")), "");
}

/// @rule BAL-010
/// `subnet_volume` is an input of the Balancer stake ops, so its u128 saturation is reachable:
/// 2^128 − 1 plus any volume stays 2^128 − 1 (BAL-010: SubnetVolume saturating_add).
TEST(protocol, stake_ops_accept_subnet_volume_and_it_saturates)
{
    const std::string max = "340282366920938463463374607431768211455";
    json in{{"subnet_tao", "1000000000000"},
            {"subnet_alpha_in", "1000000000000"},
            {"amount", "1000000000"},
            {"subnet_volume", max}};
    for (const char* op : {"add_stake", "remove_stake"}) {
        const json r = eval(op, in, "main-14bc6f9");
        ASSERT_EQ(error_of(r), "") << op;
        EXPECT_EQ(r["output"]["pool"]["subnet_volume"], max) << op;
    }
    in["subnet_volume"] = "340282366920938463463374607431768211456";  // 2^128
    EXPECT_EQ(error_of(eval("add_stake", in, "main-14bc6f9")), "invalid_field");
    EXPECT_EQ(error_of(eval("add_stake", in, "v2.0.10")), "invalid_field");  // the launch op does not write it
}

/// @rule BCOIN-014 F-040
/// The issue's two coinbase requests: the epoch cap defers subnet 1, not 256; the wrapped
/// root-sell sum turns the flag off. `max_epochs_per_block` is a u8.
TEST(protocol, coinbase_follows_storage_key_order_and_the_wrapping_root_sell_sum)
{
    json order{
        {"block_emission", "0"},
        {"state",
         {{"block", "360"}, {"max_epochs_per_block", "1"}, {"subnets", {{{"netuid", "1"}}, {{"netuid", "256"}}}}}}};
    const json r = eval("coinbase", order, "main-14bc6f9");
    ASSERT_EQ(error_of(r), "");
    ASSERT_EQ(r["output"]["epochs"].size(), 2u);
    EXPECT_EQ(r["output"]["epochs"][0]["netuid"], "256");
    EXPECT_EQ(r["output"]["epochs"][0]["deferred"], false);
    EXPECT_EQ(r["output"]["epochs"][1]["netuid"], "1");
    EXPECT_EQ(r["output"]["epochs"][1]["deferred"], true);
    order["state"]["max_epochs_per_block"] = "255";
    EXPECT_EQ(error_of(eval("coinbase", order, "main-14bc6f9")), "");
    order["state"]["max_epochs_per_block"] = "256";
    EXPECT_EQ(error_of(eval("coinbase", order, "main-14bc6f9")), "invalid_field");

    auto sub = [](const char* n, const char* bits) {
        return json{{"netuid", n},
                    {"subnet_tao", "1000000000000"},
                    {"subnet_alpha_in", "1000000000000"},
                    {"first_emission_block_number", "1"},
                    {"tempo", "0"},
                    {"subnet_moving_price", {{"type", "I96F32"}, {"bits", bits}}}};
    };
    const json wrap{{"block_emission", "0"},
                    {"state",
                     {{"block", "100"},
                      {"subnets",
                       {{{"netuid", "0"}, {"subnet_tao", "1000000000000"}},
                        sub("1", "79228162514264337593543950336"),
                        sub("2", "1")}}}}};
    const json w = eval("coinbase", wrap, "main-14bc6f9");
    ASSERT_EQ(error_of(w), "");
    EXPECT_EQ(w["output"]["root_sell_flag"], false);
    for (const auto& e : w["output"]["emissions"]) {
        EXPECT_EQ(e["root_alpha_recycled"], "62489764");
    }
}

/// #16 reproducer 5: `null` is no value. It was read as "use the default", so
/// `"limit_price": null` placed an unlimited order; it is `invalid_field`, naming the field.
/// Only `first_emission_block_number`, whose documented "unset" is null (outputs write it so),
/// reads null.
TEST(protocol, null_is_refused_except_where_documented)
{
    const json pool{{"subnet_tao", "1000000000000"}, {"subnet_alpha_in", "1000000000000"}};
    json stake = pool;
    stake["amount"] = "1000000000";
    stake["limit_price"] = nullptr;
    for (const char* ruleset : {"v2.0.10", "main-14bc6f9"}) {
        const json r = eval("add_stake", stake, ruleset);
        EXPECT_EQ(error_of(r), "invalid_field") << ruleset << ": " << r.dump();
        EXPECT_NE(r.value("message", "").find("request.input.limit_price: null"), std::string::npos) << r.dump();
    }
    json partial = stake;
    partial.erase("limit_price");
    partial["allow_partial"] = nullptr;
    EXPECT_EQ(error_of(eval("add_stake", partial)), "invalid_field");
    const json state_null_tempo{{"state", {{"subnets", {{{"netuid", "1"}, {"tempo", nullptr}}}}}}};
    EXPECT_EQ(error_of(eval("coinbase", state_null_tempo, "v2.0.10")), "invalid_field");
    json req{{"id", "t"}, {"ruleset", "v2.0.10"}, {"op", "alpha_price"}, {"input", pool}, {"arithmetic", nullptr}};
    EXPECT_EQ(error_of(evaluate_line(req.dump())), "invalid_field");
    // The documented null: unset, in the state and in the EMA inputs, in both families.
    const json state_unset{{"state", {{"subnets", {{{"netuid", "1"}, {"first_emission_block_number", nullptr}}}}}}};
    EXPECT_EQ(error_of(eval("coinbase", state_unset, "v2.0.10")), "");
    EXPECT_EQ(error_of(eval("coinbase", state_unset, "main-14bc6f9")), "");
    json ema = pool;
    ema["first_emission_block_number"] = nullptr;
    EXPECT_EQ(error_of(eval("update_moving_price", ema, "v2.0.10")), "");
}

/// A request names a mainnet runtime by its spec version and gets the ruleset in force.
/// @rule RSET-027
TEST(protocol, spec_version_names_the_ruleset_in_force)
{
    const json state = {{"block", "720"},
                        {"subnets", json::array({{{"netuid", "0"}},
                                                 {{"netuid", "1"},
                                                  {"subnet_tao", "1000000000000"},
                                                  {"subnet_alpha_in", "1000000000000"},
                                                  {"first_emission_block_number", "1"}}})}};
    const json by_spec = eval("coinbase", {{"state", state}}, "spec:475");
    const json by_id = eval("coinbase", {{"state", state}}, "mainnet-464");
    ASSERT_TRUE(by_spec.contains("output")) << by_spec.dump();
    EXPECT_EQ(by_spec["output"], by_id["output"]);
    EXPECT_TRUE(by_spec["output"].contains("emission_gate_bar"));
    EXPECT_EQ(eval("coinbase", {{"state", state}}, "spec:439")["output"],
              eval("coinbase", {{"state", state}}, "mainnet-432")["output"]);
    EXPECT_EQ(eval("block_emission", {{"issuance", "0"}}, "spec:424")["output"],
              eval("block_emission", {{"issuance", "0"}}, "v3.4.9-424")["output"]);
    // Never enacted, not modelled, or not a spec version.
    // The year of the v3 pool: spec 348 runs v3.2.10-334's rules.
    EXPECT_EQ(eval("alpha_price", {{"subnet_tao", "1"}, {"subnet_alpha_in", "1"}}, "spec:348"),
              eval("alpha_price", {{"subnet_tao", "1"}, {"subnet_alpha_in", "1"}}, "v3.2.10-334"));
    for (const char* v3 : {"spec:290", "spec:348", "spec:422"})
        EXPECT_TRUE(eval("alpha_price", {{"subnet_tao", "1"}, {"subnet_alpha_in", "1"}}, v3).contains("output")) << v3;
    // Never enacted (425 … 431), never sampled (283, 385), or not a spec version.
    for (const char* bad :
         {"spec:425", "spec:430", "spec:283", "spec:385", "spec:0475", "spec:", "spec:+475", "spec:4294967296"}) {
        const json r = eval("block_emission", {{"issuance", "0"}}, bad);
        EXPECT_EQ(error_of(r), "unknown_ruleset") << bad;
        EXPECT_NE(r["message"].get<std::string>().find("request.ruleset"), std::string::npos) << bad;
    }
    // The mainnet rulesets refuse the fields their spec does not have: 432 has no gate.
    json gated = state;
    gated["emission_gate_bar"] = {{"type", "U64F64"}, {"bits", "1"}};
    EXPECT_EQ(error_of(eval("coinbase", {{"state", gated}}, "spec:439")), "invalid_field");
    EXPECT_TRUE(eval("coinbase", {{"state", gated}}, "spec:440").contains("output"));
    json ranked = state;
    ranked["emission_bar_rank"] = "8";
    EXPECT_EQ(error_of(eval("coinbase", {{"state", ranked}}, "spec:440")), "invalid_field");
    EXPECT_TRUE(eval("coinbase", {{"state", ranked}}, "spec:441").contains("output"));
}
