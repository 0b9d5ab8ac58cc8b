// dtao: the JSON Schemas of the vector files (one per family) and of the index,
// written by the generator (vectors/schema/).
// SPDX-License-Identifier: Apache-2.0
#include "generate_detail.hpp"

#include "protocol.hpp"
#include "state_fields.hpp"

#include "dtao/capabilities.hpp"
#include "dtao/ruleset.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

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

using protocol::holds;

/// The schema of one field of the state table (state_fields.hpp). The vectors hold the chain
/// arithmetic only, so an amount is a decimal, never a rational.
json field_schema(const protocol::FieldInfo& f)
{
    using protocol::Wire;
    switch (f.wire) {
    case Wire::u64:
    case Wire::amount:
    case Wire::volume: return ref("dec");
    case Wire::i96f32:
    case Wire::i96f32_nonnegative:
    case Wire::u64f64: return ref("fixed");
    // Published as `number` (fixed or rational), unlike the I96F32 fields; narrowing it to
    // `fixed` would change the schema files, a versioned change of its own.
    case Wire::u96f32: return ref("number");
    case Wire::flag: return {{"type", "boolean"}};
    case Wire::nullable_u64: return {{"anyOf", {ref("dec"), {{"type", "null"}}}}};
    case Wire::nullable_u64f64: return {{"anyOf", {ref("fixed"), {{"type", "null"}}}}};
    }
    throw std::logic_error("field_schema: unknown wire kind");
}

/// The storage of the rulesets sharing one state schema: what any of them holds (the schema's
/// properties) and what all of them hold (its required fields).
struct StorageSpan
{
    Storage any;
    Storage all;
};

json fields_schema(const std::vector<protocol::FieldInfo>& fields, const StorageSpan& span, json props)
{
    std::vector<std::string> required;
    for (const auto& [k, v] : props.items())
        required.push_back(k);
    for (const auto& f : fields) {
        if (!holds(span.any, f.group))
            continue;
        props[std::string(f.name)] = field_schema(f);
        if (holds(span.all, f.group))
            required.emplace_back(f.name);
    }
    std::sort(required.begin(), required.end());
    return strict_object(props, required);
}

json subnet_state_schema(const StorageSpan& span)
{
    return fields_schema(protocol::subnet_fields(), span, json::object());
}

json state_schema(const StorageSpan& span, const std::string& subnet_def)
{
    return fields_schema(protocol::state_fields(), span,
                         {{"subnets", {{"type", "array"}, {"items", ref(subnet_def)}}}});
}

/// The storage of the `state` an op of coinbase form `form` reads and writes: the coinbase
/// family writes the state (capabilities.hpp), so its form names one state schema. A field
/// that only some of the form's rulesets hold (today's mainnet's reservoirs and gate) is a
/// property of the schema but not a required one.
StorageSpan state_storage(Form form)
{
    std::optional<StorageSpan> out;
    const auto both = [](Storage a, const Storage& b, bool any) {
        const auto pick = [any](bool x, bool y) { return any ? (x || y) : (x && y); };
        a.launch_pending = pick(a.launch_pending, b.launch_pending);
        a.swap_pallet = pick(a.swap_pallet, b.swap_pallet);
        a.injection_capped = pick(a.injection_capped, b.injection_capped);
        a.epoch_state = pick(a.epoch_state, b.epoch_state);
        a.reservoirs = pick(a.reservoirs, b.reservoirs);
        a.emission_gate = pick(a.emission_gate, b.emission_gate);
        a.emission_bar_rank = pick(a.emission_bar_rank, b.emission_bar_rank);
        a.fast_moving_price = pick(a.fast_moving_price, b.fast_moving_price);
        return a;
    };
    for (const auto& r : RULESETS) {
        if (form_of(r, Op::coinbase) != form)
            continue;
        const Storage st = storage_of(r);
        out = out ? StorageSpan{both(out->any, st, true), both(out->all, st, false)} : StorageSpan{st, st};
    }
    if (!out)
        throw std::logic_error("state_storage: no ruleset has this coinbase form");
    return *out;
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
    const StorageSpan launch = state_storage(Form::launch);
    const StorageSpan capped = state_storage(Form::injection_capped);
    defs["subnet_state"] = subnet_state_schema(launch);
    defs["state"] = state_schema(launch, "subnet_state");
    defs["balancer_subnet_state"] = subnet_state_schema(capped);
    defs["balancer_state"] = state_schema(capped, "balancer_subnet_state");
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

/// The chain-arithmetic output of an op in the Balancer pool's or the injection-capped
/// coinbase's form (spec/protocol.md).
json balancer_output_schema(const std::string& op)
{
    auto d = ref("dec");
    auto f = ref("fixed");
    auto b = json{{"type", "boolean"}};
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
        // Today's mainnet only: the gate (spec 440+) and the reservoir injection (spec 432+).
        std::vector<std::string> em_required;
        for (const auto& [k, v] : em.items())
            em_required.push_back(k);
        for (const char* k : {"weighted_share", "gate"})
            em[k] = f;
        for (const char* k : {"chain_buy_refunded", "materialized_tao", "tao_reservoir", "alpha_reservoir"})
            em[k] = d;
        json ep = all_required({{"netuid", d},
                                {"deferred", b},
                                {"pending_server", d},
                                {"pending_validator", d},
                                {"pending_root_alpha", d},
                                {"pending_owner_cut", d}});
        json props = {{"credit", d},
                      {"root_sell_flag", b},
                      {"emissions", {{"type", "array"}, {"items", strict_object(em, em_required)}}},
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
        std::vector<std::string> required;
        for (const auto& [k, v] : props.items())
            required.push_back(k);
        props["emission_gate_bar"] = f;
        props["emission_gate_bar_stored"] = b;
        props["emission_gate_restored"] = b;
        return strict_object(props, required);
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

/// The output schema of `op` in `form`. The Balancer pool's and the injection-capped
/// coinbase's outputs are written in `balancer_output_schema`, every other form's in
/// `output_schema`.
json output_schema(const std::string& op, Form form)
{
    switch (form) {
    case Form::balancer:
    case Form::injection_capped: return balancer_output_schema(op);
    case Form::absent:
    case Form::common:
    case Form::constant_product:
    case Form::launch:
    case Form::modulo: return output_schema(op);
    }
    throw std::logic_error("output_schema: unknown form");
}

/// The forms `op` takes across the rulesets, each once, in the order of `RULESETS`.
std::vector<Form> forms_of(Op op)
{
    std::vector<Form> out;
    for (const auto& r : RULESETS) {
        const Form f = form_of(r, op);
        if (f != Form::absent && std::find(out.begin(), out.end(), f) == out.end())
            out.push_back(f);
    }
    return out;
}

}  // namespace

json family_schema(const FamilyInfo& fam)
{
    json defs = common_defs();
    std::vector<std::string> ops(fam.ops.begin(), fam.ops.end());
    json outputs = json::array();
    for (const auto& op : ops)
        if (const auto id = find_op(op))
            for (const Form form : forms_of(*id))
                outputs.push_back(output_schema(op, form));
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
