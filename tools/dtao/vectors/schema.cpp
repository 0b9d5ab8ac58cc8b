// dtao: the JSON Schemas of the vector files (one per family) and of the index,
// written by the generator (vectors/schema/).
// SPDX-License-Identifier: Apache-2.0
#include "generate_detail.hpp"

#include "protocol.hpp"

#include "dtao/ruleset.hpp"

namespace dtao::vectors::detail {

namespace {

// ------------------------------------------------------------------ schemas

json ref(const std::string& def) { return {{"$ref", "#/$defs/" + def}}; }

json strict_object(const json& properties, const std::vector<std::string>& required)
{
    return {{"type", "object"}, {"properties", properties}, {"required", required}, {"additionalProperties", false}};
}

json all_required(const json& properties)
{
    std::vector<std::string> req;
    for (const auto& [k, v] : properties.items())
        req.push_back(k);
    return strict_object(properties, req);
}

json common_defs()
{
    json defs;
    defs["dec"] = {
        {"type", "string"}, {"pattern", "^(0|[1-9][0-9]*)$"}, {"description", "unsigned decimal integer string"}};
    defs["sdec"] = {{"type", "string"}, {"pattern", "^(0|-?[1-9][0-9]*)$"}};
    defs["rational"] = {{"type", "string"},
                        {"pattern", "^(0|-?[1-9][0-9]*)(/[1-9][0-9]*)?$"},
                        {"description", "exact-model number p or p/q in lowest terms"}};
    defs["fixed"] = all_required(
        {{"type", {{"enum", {"I96F32", "U96F32", "U64F64", "I64F64", "I110F18"}}}}, {"bits", ref("sdec")}});
    defs["number"] = {{"anyOf", {ref("rational"), ref("fixed")}}};
    defs["leaf"] = {{"anyOf", {ref("rational"), ref("fixed"), {{"type", {"boolean", "null", "string"}}}}}};
    std::vector<std::string> flags;
    for (const auto& f : flag_list())
        flags.emplace_back(f.name);
    defs["flag"] = {{"enum", flags}};
    defs["rule"] = {{"type", "string"}, {"pattern", "^[A-Z]+-[0-9]{3}$"}};
    std::vector<std::string> rulesets, tokens;
    for (const auto& r : RULESETS)
        rulesets.emplace_back(r.id);
    for (const char* t :
         {"insufficient_liquidity", "amount_too_low", "slippage_too_high", "subnet_not_exists", "logarithm_failed",
          "network_tx_rate_limit_exceeded", "first_emission_block_number_already_set", "need_wait_for_start_call",
          "not_enough_stake_to_withdraw", "reserves_too_low", "price_limit_exceeded", "swap_input_too_large",
          "reserves_out_of_balance"})
        tokens.emplace_back(t);
    defs["ruleset_id"] = {{"enum", rulesets}};
    defs["rule_error"] = {{"enum", tokens}};
    defs["ruleset"] = all_required({{"id", ref("ruleset_id")},
                                    {"tag", {{"type", "string"}}},
                                    {"commit", {{"type", "string"}, {"pattern", "^[0-9a-f]{40}$"}}},
                                    {"spec_version", {{"type", "integer"}, {"minimum", 0}}},
                                    {"date", {{"type", "string"}, {"pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}}}});
    defs["generator"] = all_required({{"name", {{"type", "string"}}},
                                      {"version", {{"type", "string"}}},
                                      {"filler", {{"type", "string"}}},
                                      {"filler_sha256", {{"type", "string"}, {"pattern", "^[0-9a-f]{64}$"}}}});
    defs["pool_after"] = all_required({{"subnet_tao", ref("dec")},
                                       {"subnet_alpha_in", ref("dec")},
                                       {"subnet_alpha_out", ref("dec")},
                                       {"total_stake", ref("dec")}});
    json subnet = {{"netuid", ref("dec")},
                   {"subnet_mechanism", ref("dec")},
                   {"subnet_moving_price", ref("fixed")},
                   {"subnet_volume", ref("dec")},
                   {"tempo", ref("dec")},
                   {"network_registration_allowed", {{"type", "boolean"}}},
                   {"network_pow_registration_allowed", {{"type", "boolean"}}},
                   {"first_emission_block_number", {{"anyOf", {ref("dec"), {{"type", "null"}}}}}}};
    for (const char* k : {"subnet_tao", "subnet_alpha_in", "subnet_alpha_out", "pending_emission", "pending_root_divs",
                          "pending_alpha_swapped", "pending_owner_cut", "subnet_tao_in_emission",
                          "subnet_alpha_in_emission", "subnet_alpha_out_emission", "network_registered_at",
                          "ema_price_halving_blocks", "blocks_since_last_step", "last_mechansim_step_block"})
        subnet[k] = ref("dec");
    defs["subnet_state"] = all_required(subnet);
    json state = {{"subnet_moving_alpha", ref("fixed")},
                  {"subnets", {{"type", "array"}, {"items", ref("subnet_state")}}}};
    for (const char* k :
         {"block", "total_issuance", "total_stake", "tao_weight", "subnet_owner_cut", "network_last_registered",
          "network_last_lock_cost", "network_min_lock_cost", "network_lock_reduction_interval", "network_rate_limit"})
        state[k] = ref("dec");
    defs["state"] = all_required(state);
    // The Balancer era's state (v3.4.8-423+): no launch-only storage, the swap pallet's and
    // the capped coinbase's storage added.
    json bsubnet = subnet;
    for (const char* k :
         {"pending_emission", "pending_root_divs", "pending_alpha_swapped", "network_pow_registration_allowed"})
        bsubnet.erase(k);
    for (const char* k : {"swap_balancer_quote_parts", "fee_rate", "subnet_protocol_alpha", "subnet_excess_tao",
                          "pending_server_emission", "pending_validator_emission", "pending_root_alpha_divs",
                          "last_epoch_block", "pending_epoch_at", "subnet_epoch_index"})
        bsubnet[k] = ref("dec");
    for (const char* k : {"pal_swap_initialized", "subtoken_enabled", "subnet_emission_enabled", "owner_cut_enabled"})
        bsubnet[k] = {{"type", "boolean"}};
    bsubnet["miner_burned"] = ref("number");
    defs["balancer_subnet_state"] = all_required(bsubnet);
    json bstate = state;
    bstate["subnets"] = {{"type", "array"}, {"items", ref("balancer_subnet_state")}};
    bstate["swap_minimum_reserve"] = ref("dec");
    bstate["max_epochs_per_block"] = ref("dec");
    bstate["block_author"] = {{"type", "boolean"}};
    defs["balancer_state"] = all_required(bstate);
    defs["balancer_swap"] = all_required({{"amount_paid_in", ref("dec")},
                                          {"amount_paid_out", ref("dec")},
                                          {"fee_paid", ref("dec")},
                                          {"fee_to_block_author", ref("dec")}});
    defs["balancer_pool_after"] = all_required({{"subnet_tao", ref("dec")},
                                                {"subnet_alpha_in", ref("dec")},
                                                {"subnet_alpha_out", ref("dec")},
                                                {"subnet_volume", ref("dec")},
                                                {"total_stake", ref("dec")},
                                                {"swap_balancer_quote_parts", ref("dec")},
                                                {"pal_swap_initialized", {{"type", "boolean"}}}});
    return defs;
}

/// The chain-arithmetic output of an op in the Balancer era (spec/protocol.md).
json balancer_output_schema(const std::string& op)
{
    auto d = ref("dec");
    auto f = ref("fixed");
    auto b = json{{"type", "boolean"}};
    if (op == "block_emission" || op == "network_lock_cost")
        return json();  // the launch era's schema
    if (op == "alpha_price")
        return all_required({{"price", f}});
    if (op == "swap")
        return all_required({{"amount_paid_in", d},
                             {"amount_paid_out", d},
                             {"fee_paid", d},
                             {"fee_to_block_author", d},
                             {"swap_balancer_quote_parts", d},
                             {"pal_swap_initialized", b}});
    if (op == "max_amount_add" || op == "max_amount_remove")
        return all_required({{"max_amount", d}});
    if (op == "adjust_protocol_liquidity")
        return all_required({{"tao", d}, {"alpha", d}, {"swap_balancer_quote_parts", d}});
    if (op == "pow_ratio_scaled")
        return all_required({{"result", {{"anyOf", {d, {{"type", "null"}}}}}}});
    json stake = {{"swap", ref("balancer_swap")}, {"tao_requested", d}, {"alpha", d},
                  {"tao_unswapped", d},           {"author_tao", d},    {"burned_tao", d}};
    json unstake = {{"swap", ref("balancer_swap")},     {"alpha_requested", d}, {"alpha_refund", d}, {"tao", d},
                    {"fee_swap", ref("balancer_swap")}, {"author_tao", d},      {"burned_alpha", d}};
    if (op == "add_stake") {
        stake["pool"] = ref("balancer_pool_after");
        return all_required(stake);
    }
    if (op == "remove_stake") {
        unstake["pool"] = ref("balancer_pool_after");
        return all_required(unstake);
    }
    if (op == "update_moving_price")
        return all_required({{"subnet_moving_price", f}, {"alpha", f}, {"price", f}, {"blocks_since", f}});
    if (op == "coinbase" || op == "block") {
        json em = {{"netuid", d}, {"capped", b}, {"chain_buy_ok", b}};
        for (const char* k :
             {"moving_price", "price_share", "share", "emission_share", "tao_emission", "alpha_emission", "price",
              "root_proportion_pre", "cap", "tao_in", "alpha_in", "alpha_out", "excess_tao", "owner_cut",
              "root_proportion_post", "root_alpha", "server", "validator"})
            em[k] = f;
        for (const char* k : {"injected_tao", "injected_alpha", "excess_spent", "chain_buy_paid_in", "chain_buy_alpha",
                              "stranded_tao", "root_alpha_recycled"})
            em[k] = d;
        json ep = all_required({{"netuid", d},
                                {"deferred", b},
                                {"pending_server", d},
                                {"pending_validator", d},
                                {"pending_root_alpha", d},
                                {"pending_owner_cut", d}});
        json props = {{"credit", d},
                      {"root_sell_flag", b},
                      {"emissions", {{"type", "array"}, {"items", all_required(em)}}},
                      {"tao_spent", d},
                      {"tao_recycled", d},
                      {"epochs", {{"type", "array"}, {"items", ep}}},
                      {"root_prop", {{"type", "array"}, {"items", all_required({{"netuid", d}, {"root_prop", f}})}}},
                      {"state", ref("balancer_state")}};
        if (op == "block")
            props["actions"] = {
                {"type", "array"},
                {"items",
                 {{"oneOf",
                   {all_required(stake), all_required(unstake), all_required({{"error", ref("rule_error")}})}}}}};
        return all_required(props);
    }
    if (op == "dividend_distribution")
        return all_required({{"alpha_dividends", {{"type", "object"}, {"additionalProperties", f}}},
                             {"root_alpha_dividends", {{"type", "object"}, {"additionalProperties", f}}}});
    if (op == "register_network")
        return all_required({{"netuid", d},
                             {"lock_cost", d},
                             {"median_price", f},
                             {"pool_tao", d},
                             {"pool_alpha", d},
                             {"recycled", d},
                             {"state", ref("balancer_state")}});
    if (op == "start_call")
        return all_required({{"first_emission_block_number", d}, {"state", ref("balancer_state")}});
    return {{"type", "object"}};
}

json output_schema(const std::string& op)
{
    auto d = ref("dec");
    auto f = ref("fixed");
    auto n = ref("number");
    if (op == "block_emission")
        return all_required({{"emission", d}, {"halvings", d}, {"q", f}, {"residual", f}});
    if (op == "alpha_price")
        return all_required({{"price", f}});
    if (op == "sim_swap_tao_for_alpha")
        return strict_object({{"alpha_out", d}, {"k", f}, {"new_reserve", f}}, {"alpha_out"});
    if (op == "sim_swap_alpha_for_tao")
        return strict_object({{"tao_out", d}, {"k", f}, {"new_reserve", f}}, {"tao_out"});
    if (op == "max_amount_add" || op == "max_amount_remove")
        return all_required({{"max_amount", d}});
    if (op == "add_stake")
        return all_required({{"tao_staked", d}, {"alpha", d}, {"fee", d}, {"pool", ref("pool_after")}});
    if (op == "remove_stake")
        return all_required({{"tao", d}, {"tao_unstaked", d}, {"fee", d}, {"pool", ref("pool_after")}});
    if (op == "update_moving_price")
        return all_required({{"subnet_moving_price", f}, {"alpha", f}, {"price", f}, {"blocks_since", d}});
    if (op == "coinbase" || op == "block") {
        json em = {{"netuid", d}, {"root_tao", d}};
        for (const char* k : {"price", "moving_price", "alpha_emission", "tao_in", "alpha_in", "alpha_out", "owner_cut",
                              "root_proportion", "root_alpha", "pending_alpha"})
            em[k] = n;
        json dr = {{"netuid", d}, {"pending_alpha", d}, {"pending_tao", d}, {"pending_swapped", d}, {"owner_cut", d}};
        json props = {{"block_emission", n},
                      {"emissions", {{"type", "array"}, {"items", all_required(em)}}},
                      {"drains", {{"type", "array"}, {"items", all_required(dr)}}},
                      {"state", ref("state")}};
        if (op == "block")
            props["actions"] = {{"type", "array"},
                                {"items",
                                 {{"oneOf",
                                   {all_required({{"tao_staked", d}, {"alpha", d}, {"fee", d}}),
                                    all_required({{"tao", d}, {"tao_unstaked", d}, {"fee", d}}),
                                    all_required({{"error", ref("rule_error")}})}}}}};
        return all_required(props);
    }
    if (op == "drain_pending_emission") {
        json payout = all_required({{"incentive", d},
                                    {"incentive_burned", {{"type", "boolean"}}},
                                    {"alpha_take", d},
                                    {"alpha_dividend", d},
                                    {"tao_take", d},
                                    {"tao_dividend", d}});
        return all_required({{"payouts", {{"type", "object"}, {"additionalProperties", payout}}},
                             {"dividends", {{"type", "object"}, {"additionalProperties", n}}},
                             {"owner_cut_paid", d},
                             {"total_root_divs", n},
                             {"pending_validator_alpha", d},
                             {"alpha_paid", d},
                             {"tao_paid", d}});
    }
    if (op == "network_lock_cost")
        return all_required({{"lock_cost", d}, {"lock_reduction_interval", d}});
    if (op == "register_network")
        return all_required({{"netuid", d}, {"lock_cost", d}, {"pool_tao", d}, {"burned", d}, {"state", ref("state")}});
    if (op == "start_call")
        return all_required({{"first_emission_block_number", d}, {"state", ref("state")}});
    if (op == "blocks_until_next_epoch")
        return all_required({{"blocks", d}, {"runs", {{"type", "boolean"}}}});
    return {{"type", "object"}};
}

}  // namespace

json family_schema(const FamilyInfo& fam)
{
    json defs = common_defs();
    std::vector<std::string> ops(fam.ops.begin(), fam.ops.end());
    json outputs = json::array();
    for (const auto& op : ops) {
        if (protocol::op_in_ruleset(op, V2_0_10))
            outputs.push_back(output_schema(op));
        if (protocol::op_in_ruleset(op, MAIN_14BC6F9)) {
            const json b = balancer_output_schema(op);
            if (!b.is_null())
                outputs.push_back(b);
        }
    }
    defs["output"] = {{"anyOf", outputs}};
    defs["request"] =
        all_required({{"id", {{"type", "string"}, {"minLength", 1}}},
                      {"ruleset", ref("ruleset_id")},
                      {"op", {{"enum", ops}}},
                      {"arithmetic", {{"const", "chain"}}},
                      {"input", {{"type", "object"}, {"description", "the op's input, as in spec/protocol.md"}}}});
    defs["expected"] = {{"oneOf",
                         {all_required({{"output", ref("output")}}),
                          all_required({{"error", ref("rule_error")}, {"unchanged", {{"type", "object"}}}})}}};
    defs["exact"] = {{"type", "object"},
                     {"properties",
                      {{"error", {{"anyOf", {ref("rule_error"), {{"type", "null"}}}}}},
                       {"fields", {{"type", "object"}, {"additionalProperties", ref("leaf")}, {"minProperties", 1}}}}},
                     {"additionalProperties", false},
                     {"minProperties", 1}};
    defs["case"] = strict_object({{"id", {{"type", "string"}, {"pattern", "^[A-Za-z0-9][A-Za-z0-9._,=*+-]*$"}}},
                                  {"comment", {{"type", "string"}, {"minLength", 1}, {"pattern", "^[^\\n]*$"}}},
                                  {"flags", {{"type", "array"}, {"items", ref("flag")}, {"uniqueItems", true}}},
                                  {"request", ref("request")},
                                  {"expected", ref("expected")},
                                  {"exact", ref("exact")},
                                  {"intermediates", {{"type", "object"}, {"additionalProperties", ref("leaf")}}}},
                                 {"id", "comment", "flags", "request", "expected", "intermediates"});
    defs["group"] = all_required({{"name", {{"type", "string"}, {"minLength", 1}}},
                                  {"comment", {{"type", "string"}, {"minLength", 1}}},
                                  {"op", {{"enum", ops}}},
                                  {"intermediate_fields", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                                  {"rules", {{"type", "array"}, {"items", ref("rule")}, {"minItems", 1}}},
                                  {"flags", {{"type", "array"}, {"items", ref("flag")}, {"uniqueItems", true}}},
                                  {"cases", {{"type", "array"}, {"items", ref("case")}, {"minItems", 1}}}});
    json schema = all_required({{"schema", {{"const", "dtao-vectors/" + std::string(fam.name)}}},
                                {"schema_version", {{"const", SCHEMA_VERSION}}},
                                {"protocol_version", {{"const", protocol::PROTOCOL_VERSION}}},
                                {"family", {{"const", std::string(fam.name)}}},
                                {"name", {{"type", "string"}, {"pattern", "^[a-z0-9_]+$"}}},
                                {"comment", {{"type", "string"}}},
                                {"ruleset", ref("ruleset")},
                                {"generator", ref("generator")},
                                {"case_count", {{"type", "integer"}, {"minimum", 1}}},
                                {"groups", {{"type", "array"}, {"items", ref("group")}, {"minItems", 1}}}});
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    schema["$id"] = "https://github.com/dtao-conformance/vectors/schema/" + std::string(fam.name) + ".schema.json";
    schema["title"] = "dTAO test vectors, family " + std::string(fam.name) + ": " + std::string(fam.description);
    schema["$defs"] = defs;
    return schema;
}

json index_schema()
{
    json defs = common_defs();
    std::vector<std::string> fams;
    for (const auto& f : family_list())
        fams.emplace_back(f.name);
    json entry = all_required({{"path", {{"type", "string"}, {"pattern", "^[^/]+/[a-z]+/[a-z0-9_]+\\.json$"}}},
                               {"ruleset", ref("ruleset_id")},
                               {"family", {{"enum", fams}}},
                               {"name", {{"type", "string"}}},
                               {"ops", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                               {"rules", {{"type", "array"}, {"items", ref("rule")}}},
                               {"flags", {{"type", "array"}, {"items", ref("flag")}}},
                               {"case_count", {{"type", "integer"}, {"minimum", 1}}},
                               {"bytes", {{"type", "integer"}, {"minimum", 1}}},
                               {"sha256", {{"type", "string"}, {"pattern", "^[0-9a-f]{64}$"}}}});
    json rs = json::array();
    json flag_doc = json::object();
    json schema = all_required({{"schema", {{"const", "dtao-vectors/index"}}},
                                {"schema_version", {{"const", SCHEMA_VERSION}}},
                                {"protocol_version", {{"const", protocol::PROTOCOL_VERSION}}},
                                {"generator", {{"type", "object"}}},
                                {"rulesets", {{"type", "array"}, {"items", ref("ruleset")}}},
                                {"families", {{"type", "object"}}},
                                {"flags", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}},
                                {"case_count", {{"type", "integer"}}},
                                {"files", {{"type", "array"}, {"items", entry}}}});
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    schema["$id"] = "https://github.com/dtao-conformance/vectors/schema/index.schema.json";
    schema["title"] = "dTAO test vectors: index of every vector file";
    schema["$defs"] = defs;
    return schema;
}

}  // namespace dtao::vectors::detail
