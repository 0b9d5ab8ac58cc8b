/// Tests of the outputs table (outputs.hpp): every form of every op has an entry, real
/// outputs pass the check in both arithmetics, and the check refuses what the table does not
/// list: a missing field, an unknown one, a value of another kind, a field of storage the
/// ruleset lacks, a field of the other arithmetic.
#include "outputs.hpp"
#include "protocol.hpp"

#include "dtao/capabilities.hpp"
#include "dtao/ruleset.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using json = nlohmann::json;
using dtao::Form;
using dtao::Op;
using dtao::protocol::output_mismatch;
using dtao::protocol::output_shape;

namespace {

json eval(const std::string& op, const json& input, const std::string& ruleset, const std::string& arithmetic)
{
    json req{{"id", "t"}, {"ruleset", ruleset}, {"op", op}, {"input", input}, {"arithmetic", arithmetic}};
    return dtao::protocol::evaluate(req);
}

dtao::Storage storage_of(const std::string& ruleset) { return dtao::storage_of(*dtao::find_ruleset(ruleset)); }

/// Two subnets, started, with prices apart: the coinbase writes every per-subnet field.
json two_subnets()
{
    const json moving = {{"type", "I96F32"}, {"bits", "858993459"}};
    return {{"block", "1000"},
            {"total_issuance", "10000000000000000"},
            {"total_stake", "2000000000000000"},
            {"subnets", json::array({{{"netuid", "0"}, {"subnet_tao", "1000000000000000"}},
                                     {{"netuid", "1"},
                                      {"subnet_tao", "100000000000000"},
                                      {"subnet_alpha_in", "1000000000000000"},
                                      {"subnet_moving_price", moving},
                                      {"first_emission_block_number", "10"}},
                                     {{"netuid", "2"},
                                      {"subnet_tao", "300000000000000"},
                                      {"subnet_alpha_in", "1000000000000000"},
                                      {"subnet_moving_price", moving},
                                      {"first_emission_block_number", "10"}}})}};
}

const json EMISSION_CHAIN = {{"emission", "1000000000"},
                             {"halvings", "0"},
                             {"q", {{"type", "U96F32"}, {"bits", "0"}}},
                             {"residual", {{"type", "U96F32"}, {"bits", "0"}}}};

}  // namespace

TEST(outputs, every_form_of_every_op_has_an_entry)
{
    for (const auto& rs : dtao::RULESETS)
        for (const Op op : dtao::ALL_OPS) {
            const Form form = dtao::form_of(rs, op);
            if (!dtao::modelled(form))
                EXPECT_THROW((void)output_shape(op, form), std::logic_error) << to_string(op);
            else
                EXPECT_NO_THROW((void)output_shape(op, form)) << rs.id << " " << to_string(op);
        }
}

TEST(outputs, the_check_refuses_a_missing_an_unknown_or_a_mistyped_field)
{
    const auto& shape = output_shape(Op::block_emission, Form::common);
    const dtao::Storage st = storage_of("v2.0.10");
    EXPECT_EQ(output_mismatch(EMISSION_CHAIN, shape, "output", st, false), "");

    json missing = EMISSION_CHAIN;
    missing.erase("emission");
    EXPECT_EQ(output_mismatch(missing, shape, "output", st, false), "output.emission: missing");

    json unknown = EMISSION_CHAIN;
    unknown["emissions"] = "1";
    EXPECT_EQ(output_mismatch(unknown, shape, "output", st, false), "output.emissions: not a field of this output");

    for (const json& bad : {json(1000000000), json("01"), json("-1"), json("1/2"), json(nullptr)}) {
        json mistyped = EMISSION_CHAIN;
        mistyped["emission"] = bad;
        EXPECT_EQ(output_mismatch(mistyped, shape, "output", st, false), "output.emission: expected a decimal string")
            << bad.dump();
    }
    json not_fixed = EMISSION_CHAIN;
    not_fixed["q"] = {{"type", "U96F32"}, {"bits", "0"}, {"extra", "0"}};
    EXPECT_EQ(output_mismatch(not_fixed, shape, "output", st, false), "output.q: expected a fixed-point value");
}

TEST(outputs, a_field_of_one_arithmetic_is_refused_in_the_other)
{
    const auto& shape = output_shape(Op::block_emission, Form::common);
    const dtao::Storage st = storage_of("v2.0.10");
    // q and residual are the chain's intermediates; the exact model has neither.
    EXPECT_EQ(output_mismatch(EMISSION_CHAIN, shape, "output", st, true),
              "output.q: not a field of this output in this ruleset and arithmetic");
    const json exact = {{"emission", "1000000000"}, {"halvings", "0"}};
    EXPECT_EQ(output_mismatch(exact, shape, "output", st, true), "");
    EXPECT_EQ(output_mismatch(exact, shape, "output", st, false), "output.q: missing");
    // the exact model writes amounts as rationals, which the chain arithmetic never does
    const json rational = {{"emission", "1/3"}, {"halvings", "0"}};
    EXPECT_EQ(output_mismatch(rational, shape, "output", st, true), "");
}

/// A real coinbase of today's mainnet writes the gate; the Balancer launch's has no gate. The
/// check holds each to its ruleset's storage.
TEST(outputs, the_gate_fields_follow_the_rulesets_storage)
{
    for (const char* arithmetic : {"chain", "exact"}) {
        const bool exact = std::string(arithmetic) == "exact";
        const json gated = eval("coinbase", {{"state", two_subnets()}}, "mainnet-464", arithmetic);
        ASSERT_TRUE(gated.contains("output")) << gated.dump();
        const json ungated = eval("coinbase", {{"state", two_subnets()}}, "v3.4.8-423", arithmetic);
        ASSERT_TRUE(ungated.contains("output")) << ungated.dump();

        const auto& shape = output_shape(Op::coinbase, Form::injection_capped);
        const auto gate_storage = storage_of("mainnet-464");
        const auto launch_storage = storage_of("v3.4.8-423");
        EXPECT_EQ(output_mismatch(gated["output"], shape, "output", gate_storage, exact), "");
        EXPECT_EQ(output_mismatch(ungated["output"], shape, "output", launch_storage, exact), "");

        json without_gate = gated["output"];
        without_gate["emissions"][0].erase("gate");
        EXPECT_EQ(output_mismatch(without_gate, shape, "output", gate_storage, exact),
                  "output.emissions[0].gate: missing");
        json with_gate = ungated["output"];
        with_gate["emissions"][1]["gate"] = gated["output"]["emissions"][1]["gate"];
        EXPECT_EQ(output_mismatch(with_gate, shape, "output", launch_storage, exact),
                  "output.emissions[1].gate: not a field of this output in this ruleset and arithmetic");
        // one action result that is none of the block's three forms
        json block = eval("block", {{"state", two_subnets()}}, "mainnet-464", arithmetic)["output"];
        block["actions"] = json::array({{{"error", "not_a_token"}}});
        EXPECT_EQ(
            output_mismatch(block, output_shape(Op::block, Form::injection_capped), "output", gate_storage, exact),
            "output.actions[0]: matches none of its 3 forms");
    }
}
