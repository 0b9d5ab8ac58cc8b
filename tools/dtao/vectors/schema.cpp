// dtao: the JSON Schemas of the vector files (one per family) and of the index,
// written by the generator (vectors/schema/).
// SPDX-License-Identifier: Apache-2.0
#include "generate_detail.hpp"

#include "inputs.hpp"
#include "outputs.hpp"
#include "protocol.hpp"
#include "state_fields.hpp"

#include "dtao/capabilities.hpp"
#include "dtao/errors.hpp"
#include "dtao/ruleset.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace dtao::vectors::detail {

namespace {

// ------------------------------------------------------------------ schemas

json def_ref(const std::string& def) { return {{"$ref", "#/$defs/" + def}}; }

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
    case Wire::volume: return def_ref("dec");
    case Wire::i96f32:
    case Wire::i96f32_nonnegative:
    case Wire::u64f64: return def_ref("fixed");
    // Published as `number` (fixed or rational), unlike the I96F32 fields; narrowing it to
    // `fixed` would change the schema files, a versioned change of its own.
    case Wire::u96f32: return def_ref("number");
    case Wire::flag: return {{"type", "boolean"}};
    case Wire::nullable_u64: return {{"anyOf", {def_ref("dec"), {{"type", "null"}}}}};
    case Wire::nullable_u64f64: return {{"anyOf", {def_ref("fixed"), {{"type", "null"}}}}};
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

/// Where a state is written: an output writes every field its ruleset holds; an input may omit
/// any of them (each has a default, spec/protocol.md).
enum class StateUse
{
    output,
    input,
};

json fields_schema(const std::vector<protocol::FieldInfo>& fields, const StorageSpan& span, json props, StateUse use)
{
    std::vector<std::string> required;
    if (use == StateUse::output)
        for (const auto& [k, v] : props.items())
            required.push_back(k);
    for (const auto& f : fields) {
        if (!holds(span.any, f.group))
            continue;
        props[std::string(f.name)] = field_schema(f);
        if (use == StateUse::output && holds(span.all, f.group))
            required.emplace_back(f.name);
    }
    std::sort(required.begin(), required.end());
    return strict_object(props, required);
}

json subnet_state_schema(const StorageSpan& span, StateUse use)
{
    return fields_schema(protocol::subnet_fields(), span, json::object(), use);
}

json state_schema(const StorageSpan& span, const std::string& subnet_def, StateUse use)
{
    return fields_schema(protocol::state_fields(), span,
                         {{"subnets", {{"type", "array"}, {"items", def_ref(subnet_def)}}}}, use);
}

/// The storage of the rulesets in which `op` takes form `form`. A field that only some of them
/// hold (today's mainnet's reservoirs and gate) is a property of a schema but not a required one.
StorageSpan form_storage(Op op, Form form)
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
        a.v3_pool = pick(a.v3_pool, b.v3_pool);
        return a;
    };
    for (const auto& r : RULESETS) {
        if (form_of(r, op) != form)
            continue;
        const Storage st = storage_of(r);
        out = out ? StorageSpan{both(out->any, st, true), both(out->all, st, false)} : StorageSpan{st, st};
    }
    if (!out)
        throw std::logic_error("form_storage: no ruleset has this form of op " + std::string(to_string(op)));
    return *out;
}

/// The storage of the `state` an op of coinbase form `form` reads and writes: the coinbase
/// family writes the state (capabilities.hpp), so its form names one state schema.
StorageSpan state_storage(Form form) { return form_storage(Op::coinbase, form); }

// ------------------------------------------------------------------ outputs

/// The schema of the `state` an op of `form` reads (`use` input) or writes: its coinbase form's,
/// or any of them for an op of one form in every ruleset (`network_lock_cost`).
json state_ref(Form form, StateUse use)
{
    const std::string suffix = use == StateUse::input ? "_input" : "";
    switch (form) {
    case Form::launch: return def_ref("state" + suffix);
    case Form::injection_capped: return def_ref("balancer_state" + suffix);
    case Form::v3_price_share: return def_ref("v3_state" + suffix);
    case Form::common:
        return {
            {"anyOf", {def_ref("state" + suffix), def_ref("balancer_state" + suffix), def_ref("v3_state" + suffix)}}};
    default: throw std::logic_error("state_ref: the " + std::string(to_string(form)) + " form has no state");
    }
}

/// What the schema of one op's output is written for: its form, and the storage of the rulesets
/// that have the form. A field of storage only some of them hold is a property, not a required one.
struct OutputContext
{
    Form form;
    StorageSpan span;
};

json shape_schema(const protocol::Shape& shape, const OutputContext& oc);

/// The schema of one output value of kind `out` (outputs.hpp). The vectors hold the chain
/// arithmetic only, so an amount is a decimal and a fixed-point value is never a rational.
json value_schema(protocol::Out out, const protocol::Shape* shape, const OutputContext& oc)
{
    using protocol::Out;
    switch (out) {
    case Out::dec: return def_ref("dec");
    case Out::signed_dec: return def_ref("sdec");
    case Out::fixed: return def_ref("fixed");
    case Out::number: return def_ref("number");
    case Out::flag: return {{"type", "boolean"}};
    case Out::dec_or_null: return {{"anyOf", {def_ref("dec"), {{"type", "null"}}}}};
    case Out::rule_error: return def_ref("rule_error");
    case Out::state: return state_ref(oc.form, StateUse::output);
    case Out::object: return shape_schema(*shape, oc);
    case Out::list: return {{"type", "array"}, {"items", shape_schema(*shape, oc)}};
    case Out::map: return {{"type", "object"}, {"additionalProperties", shape_schema(*shape, oc)}};
    }
    throw std::logic_error("value_schema: unknown output kind");
}

/// The schema a shape is published as, written out (also for a named one).
json shape_body(const protocol::Shape& shape, const OutputContext& oc)
{
    if (!shape.choices.empty()) {
        json choices = json::array();
        for (const protocol::Shape* choice : shape.choices)
            choices.push_back(shape_schema(*choice, oc));
        return {{"oneOf", choices}};
    }
    if (shape.fields.empty())
        return value_schema(shape.leaf, nullptr, oc);
    json props = json::object();
    std::vector<std::string> required;
    for (const auto& f : shape.fields) {
        if (f.written == protocol::Written::exact_only || !holds(oc.span.any, f.group))
            continue;
        props[std::string(f.name)] = value_schema(f.out, f.shape, oc);
        if (f.always && holds(oc.span.all, f.group))
            required.emplace_back(f.name);
    }
    std::sort(required.begin(), required.end());
    return strict_object(props, required);
}

/// A shape where it is used: a reference to its `$defs` entry when it has one.
json shape_schema(const protocol::Shape& shape, const OutputContext& oc)
{
    return shape.def.empty() ? shape_body(shape, oc) : def_ref(std::string(shape.def));
}

// ------------------------------------------------------------------ inputs

json input_shape_schema(const protocol::InputShape& shape, const OutputContext& oc);

/// The schema of one input field (inputs.hpp), with its default where it has a fixed one.
json input_field_schema(const protocol::InputField& f, const OutputContext& oc)
{
    using protocol::In;
    json s;
    switch (f.in) {
    case In::dec:
    case In::wide_dec: s = def_ref("dec"); break;
    case In::signed_dec: s = def_ref("sdec"); break;
    case In::nullable_dec: s = {{"anyOf", {def_ref("dec"), {{"type", "null"}}}}}; break;
    case In::fixed:
        s = {{"allOf", {def_ref("fixed"), {{"properties", {{"type", {{"const", std::string(f.fixed_type)}}}}}}}}};
        break;
    case In::flag: s = {{"type", "boolean"}}; break;
    case In::text: s = {{"type", "string"}}; break;
    case In::choice: s = {{"enum", {std::string(f.choices[0]), std::string(f.choices[1])}}}; break;
    case In::state: s = state_ref(oc.form, StateUse::input); break;
    case In::list: s = {{"type", "array"}, {"items", input_shape_schema(*f.shape, oc)}}; break;
    case In::map: s = {{"type", "object"}, {"additionalProperties", input_shape_schema(*f.shape, oc)}}; break;
    }
    if (f.need == protocol::Need::defaulted) {
        const std::string v = to_int(f.fallback).str();
        if (f.in == In::flag)
            s["default"] = f.fallback != 0;
        else if (f.in == In::fixed)
            s["default"] = {{"type", std::string(f.fixed_type)}, {"bits", v}};
        else
            s["default"] = v;
    }
    if (f.need == protocol::Need::derived)
        s["description"] = "omitted: derived from the other inputs (spec/protocol.md)";
    return s;
}

/// The schema of an op's input object, or of an object nested in it.
json input_shape_schema(const protocol::InputShape& shape, const OutputContext& oc)
{
    json props = json::object();
    std::vector<std::string> required;
    for (const protocol::InputField* f : shape.fields) {
        props[std::string(f->name)] = input_field_schema(*f, oc);
        if (f->need == protocol::Need::required)
            required.emplace_back(f->name);
    }
    if (shape.pool_fields)
        for (const auto& f : protocol::subnet_fields())
            if (f.group == *shape.pool_fields && holds(oc.span.any, f.group))
                props[std::string(f.name)] = field_schema(f);
    std::sort(required.begin(), required.end());
    return strict_object(props, required);
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
        {{"type", {{"enum", {"I96F32", "U96F32", "U64F64", "I64F64", "I110F18"}}}}, {"bits", def_ref("sdec")}});
    defs["number"] = {{"anyOf", {def_ref("rational"), def_ref("fixed")}}};
    defs["leaf"] = {{"anyOf", {def_ref("rational"), def_ref("fixed"), {{"type", {"boolean", "null", "string"}}}}}};
    std::vector<std::string> flags;
    for (const auto& f : flag_list())
        flags.emplace_back(f.name);
    defs["flag"] = {{"enum", flags}};
    defs["rule"] = {{"type", "string"}, {"pattern", "^[A-Z]+-[0-9]{3}$"}};
    std::vector<std::string> rulesets, tokens;
    for (const auto& r : RULESETS)
        rulesets.emplace_back(r.id);
    for (const Error e : ALL_ERRORS)
        tokens.emplace_back(to_string(e));
    defs["ruleset_id"] = {{"enum", rulesets}};
    defs["rule_error"] = {{"enum", tokens}};
    defs["ruleset"] = all_required({{"id", def_ref("ruleset_id")},
                                    {"tag", {{"type", "string"}}},
                                    {"commit", {{"type", "string"}, {"pattern", "^[0-9a-f]{40}$"}}},
                                    {"spec_version", {{"type", "integer"}, {"minimum", 0}}},
                                    {"date", {{"type", "string"}, {"pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}}}});
    defs["generator"] = all_required({{"name", {{"type", "string"}}},
                                      {"version", {{"type", "string"}}},
                                      {"filler", {{"type", "string"}}},
                                      {"filler_sha256", {{"type", "string"}, {"pattern", "^[0-9a-f]{64}$"}}}});
    const StorageSpan launch = state_storage(Form::launch);
    const StorageSpan capped = state_storage(Form::injection_capped);
    defs["subnet_state"] = subnet_state_schema(launch, StateUse::output);
    defs["state"] = state_schema(launch, "subnet_state", StateUse::output);
    defs["balancer_subnet_state"] = subnet_state_schema(capped, StateUse::output);
    defs["balancer_state"] = state_schema(capped, "balancer_subnet_state", StateUse::output);
    defs["subnet_state_input"] = subnet_state_schema(launch, StateUse::input);
    defs["state_input"] = state_schema(launch, "subnet_state_input", StateUse::input);
    defs["balancer_subnet_state_input"] = subnet_state_schema(capped, StateUse::input);
    defs["balancer_state_input"] = state_schema(capped, "balancer_subnet_state_input", StateUse::input);
    // the v3 pool's state: each subnet carries its pool's storage as `swap_v3` (always written,
    // omitted in an input: not initialised)
    const StorageSpan v3 = state_storage(Form::v3_price_share);
    const OutputContext v3_context{Form::v3_price_share, v3};
    defs["v3_pool_storage_input"] = input_shape_schema(protocol::in::V3_STORAGE, v3_context);
    json v3_storage = defs["v3_pool_storage_input"];
    std::vector<std::string> every;
    for (const auto& [k, v] : v3_storage["properties"].items())
        every.push_back(k);
    v3_storage["required"] = every;
    defs["v3_pool_storage"] = v3_storage;
    defs["v3_subnet_state"] =
        fields_schema(protocol::subnet_fields(), v3, {{"swap_v3", def_ref("v3_pool_storage")}}, StateUse::output);
    defs["v3_state"] = state_schema(v3, "v3_subnet_state", StateUse::output);
    defs["v3_subnet_state_input"] =
        fields_schema(protocol::subnet_fields(), v3, {{"swap_v3", def_ref("v3_pool_storage_input")}}, StateUse::input);
    defs["v3_state_input"] = state_schema(v3, "v3_subnet_state_input", StateUse::input);
    for (const protocol::Shape* shape : protocol::named_output_shapes())
        defs[std::string(shape->def)] = shape_body(*shape, {Form::absent, StorageSpan{}});
    return defs;
}

/// The forms `op` takes across the rulesets, each once, in the order of `RULESETS`.
std::vector<Form> forms_of(Op op)
{
    std::vector<Form> out;
    for (const auto& r : RULESETS) {
        const Form f = form_of(r, op);
        if (modelled(f) && std::find(out.begin(), out.end(), f) == out.end())
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
    json requests = json::array();
    for (const auto& op : ops)
        if (const auto id = find_op(op))
            for (const Form form : forms_of(*id)) {
                const OutputContext oc{form, form_storage(*id, form)};
                outputs.push_back(shape_schema(protocol::output_shape(*id, form), oc));
                // one request form per form of the op: its input is the form's (inputs.hpp)
                const std::string input_def = "input." + op + "." + std::string(to_string(form));
                defs[input_def] = input_shape_schema(protocol::input_shape(*id, form), oc);
                requests.push_back(all_required({{"id", {{"type", "string"}, {"minLength", 1}}},
                                                 {"ruleset", def_ref("ruleset_id")},
                                                 {"op", {{"const", op}}},
                                                 {"arithmetic", {{"const", "chain"}}},
                                                 {"input", def_ref(input_def)}}));
            }
    defs["output"] = {{"anyOf", outputs}};
    defs["request"] = {{"anyOf", requests}};
    defs["expected"] = {{"oneOf",
                         {all_required({{"output", def_ref("output")}}),
                          all_required({{"error", def_ref("rule_error")}, {"unchanged", {{"type", "object"}}}})}}};
    defs["exact"] = {
        {"type", "object"},
        {"properties",
         {{"error", {{"anyOf", {def_ref("rule_error"), {{"type", "null"}}}}}},
          {"fields", {{"type", "object"}, {"additionalProperties", def_ref("leaf")}, {"minProperties", 1}}}}},
        {"additionalProperties", false},
        {"minProperties", 1}};
    defs["case"] = strict_object({{"id", {{"type", "string"}, {"pattern", "^[A-Za-z0-9][A-Za-z0-9._,=*+-]*$"}}},
                                  {"comment", {{"type", "string"}, {"minLength", 1}, {"pattern", "^[^\\n]*$"}}},
                                  {"flags", {{"type", "array"}, {"items", def_ref("flag")}, {"uniqueItems", true}}},
                                  {"request", def_ref("request")},
                                  {"expected", def_ref("expected")},
                                  {"exact", def_ref("exact")},
                                  {"intermediates", {{"type", "object"}, {"additionalProperties", def_ref("leaf")}}}},
                                 {"id", "comment", "flags", "request", "expected", "intermediates"});
    defs["group"] = all_required({{"name", {{"type", "string"}, {"minLength", 1}}},
                                  {"comment", {{"type", "string"}, {"minLength", 1}}},
                                  {"op", {{"enum", ops}}},
                                  {"intermediate_fields", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                                  {"rules", {{"type", "array"}, {"items", def_ref("rule")}, {"minItems", 1}}},
                                  {"flags", {{"type", "array"}, {"items", def_ref("flag")}, {"uniqueItems", true}}},
                                  {"cases", {{"type", "array"}, {"items", def_ref("case")}, {"minItems", 1}}}});
    json schema = all_required({{"schema", {{"const", "dtao-vectors/" + std::string(fam.name)}}},
                                {"schema_version", {{"const", SCHEMA_VERSION}}},
                                {"protocol_version", {{"const", protocol::PROTOCOL_VERSION}}},
                                {"family", {{"const", std::string(fam.name)}}},
                                {"name", {{"type", "string"}, {"pattern", "^[a-z0-9_]+$"}}},
                                {"comment", {{"type", "string"}}},
                                {"ruleset", def_ref("ruleset")},
                                {"generator", def_ref("generator")},
                                {"case_count", {{"type", "integer"}, {"minimum", 1}}},
                                {"groups", {{"type", "array"}, {"items", def_ref("group")}, {"minItems", 1}}}});
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
                               {"ruleset", def_ref("ruleset_id")},
                               {"family", {{"enum", fams}}},
                               {"name", {{"type", "string"}}},
                               {"ops", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                               {"rules", {{"type", "array"}, {"items", def_ref("rule")}}},
                               {"flags", {{"type", "array"}, {"items", def_ref("flag")}}},
                               {"case_count", {{"type", "integer"}, {"minimum", 1}}},
                               {"bytes", {{"type", "integer"}, {"minimum", 1}}},
                               {"sha256", {{"type", "string"}, {"pattern", "^[0-9a-f]{64}$"}}}});
    json rs = json::array();
    json flag_doc = json::object();
    json schema = all_required({{"schema", {{"const", "dtao-vectors/index"}}},
                                {"schema_version", {{"const", SCHEMA_VERSION}}},
                                {"protocol_version", {{"const", protocol::PROTOCOL_VERSION}}},
                                {"generator", {{"type", "object"}}},
                                {"rulesets", {{"type", "array"}, {"items", def_ref("ruleset")}}},
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
