// dtao: the `dtao eval` conformance protocol, version 1. Spec: spec/protocol.md.
// SPDX-License-Identifier: Apache-2.0
#include "protocol.hpp"

#include "decimal.hpp"
#include "dtao/block.hpp"
#include "handlers.hpp"
#include "inputs.hpp"
#include "outputs.hpp"

#include <map>
#include <stdexcept>
#include <string>
#include <utility>

namespace dtao::protocol {

using json = nlohmann::json;

namespace {

using namespace detail;

const std::map<std::pair<Op, Form>, const OpForm*>& op_table()
{
    static const auto table = [] {
        std::map<std::pair<Op, Form>, const OpForm*> t;
        for (const auto* list : {&common_handlers(), &constant_product_handlers(), &launch_handlers(),
                                 &balancer_handlers(), &injection_capped_handlers(), &concentrated_handlers()})
            for (const auto& f : *list)
                if (!t.emplace(std::pair{f.op, f.form}, &f).second)
                    throw std::logic_error("protocol: two handlers for one form of op " + std::string(to_string(f.op)));
        return t;
    }();
    return table;
}

/// The forms an op has, for the message of `op_not_in_ruleset`.
std::string forms_of(Op op)
{
    std::string out;
    for (const auto& [key, f] : op_table())
        if (key.first == op)
            out += (out.empty() ? "" : ", ") + std::string(to_string(key.second));
    return out;
}

/// `{a, b?, …} -> {c, d?, …}`: the form's input and output fields from the tables, `?` on
/// the ones a request may omit or an answer may lack.
std::string fields_doc(Op op, Form form)
{
    std::string in;
    const auto add = [](std::string& out, std::string_view name, bool always) {
        out += (out.empty() ? "" : ", ") + std::string(name) + (always ? "" : "?");
    };
    const InputShape& input = input_shape(op, form);
    for (const InputField* f : input.fields)
        add(in, f->name, f->need == Need::required);
    if (input.pool_fields)
        for (const auto& f : subnet_fields())
            if (f.group == *input.pool_fields)
                add(in, f.name, false);
    std::string out;
    for (const auto& f : output_shape(op, form).fields)
        add(out, f.name, f.always && f.group == Group::every && f.written == Written::in_both);
    return "{" + in + "} -> {" + out + "}";
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& ops()
{
    static const auto list = [] {
        std::map<std::string, std::string> docs;
        for (const auto& [key, f] : op_table()) {
            std::string& doc = docs[std::string(to_string(f->op))];
            if (!doc.empty())
                doc += "; ";
            if (f->form != Form::common)
                doc += std::string(to_string(f->form)) + ": ";
            doc += f->rules + ": " + fields_doc(f->op, f->form);
        }
        return std::vector<std::pair<std::string, std::string>>(docs.begin(), docs.end());
    }();
    return list;
}

bool op_in_ruleset(const std::string& op, const Ruleset& rules)
{
    const auto id = find_op(op);
    return id && answers(rules, *id);
}

json state_to_json(const ChainState& state, const Ruleset& rules) { return write_state(state, storage_of(rules)); }

json action_to_json(const block::Action<u64>& a)
{
    json o{{"kind", a.kind == block::ActionKind::add_stake ? "add_stake" : "remove_stake"},
           {"netuid", dec(a.netuid)},
           {"amount", dec(a.amount)}};
    if (a.limit_price)
        o["limit_price"] = dec(*a.limit_price);
    if (a.allow_partial == Fill::partial)
        o["allow_partial"] = true;
    if (a.fee)
        o["fee"] = dec(*a.fee);
    if (a.fee_inputs.alpha_dividends)
        o["alpha_dividends_per_subnet"] = dec(a.fee_inputs.alpha_dividends);
    if (a.fee_inputs.total_hotkey_alpha)
        o["total_hotkey_alpha"] = dec(a.fee_inputs.total_hotkey_alpha);
    if (a.alpha_available)
        o["alpha_available"] = dec(*a.alpha_available);
    return o;
}

NamedRuleset resolve_ruleset(std::string_view name)
{
    constexpr std::string_view spec_prefix = "spec:";
    if (name.substr(0, spec_prefix.size()) != spec_prefix) {
        if (const auto rules = find_ruleset(name))
            return {rules, ""};
        return {std::nullopt, "no ruleset \"" + std::string(name) + "\" (see `dtao rulesets`)"};
    }
    const std::string_view digits = name.substr(spec_prefix.size());
    const Decimal spec = parse_decimal(digits, DecimalLimits{.max_digits = 10, .lo = Int(0), .hi = Int(0xFFFF'FFFFU)});
    if (!spec)
        return {std::nullopt, "\"" + std::string(name) + "\": the spec version " + spec.error};
    const auto version = static_cast<unsigned>(spec.value->convert_to<u64>());
    if (const auto rules = find_ruleset_for_spec(version))
        return {rules, ""};
    return {std::nullopt, "\"" + std::string(name) + "\": mainnet never ran spec " + std::string(digits) +
                              ", or its rules are not modelled (see `dtao rulesets`)"};
}

json evaluate(const json& request)
{
    json response;
    response["id"] = nullptr;
    try {
        if (!request.is_object())
            fail("malformed_request", "the request must be a JSON object");
        if (request.contains("id")) {
            if (!request["id"].is_string())
                fail("invalid_field", "request.id: expected a string");
            response["id"] = request["id"];
        }
        Reader r(request, "request");
        r.string_field("id");
        const std::string ruleset = r.string_field("ruleset");
        const std::string op = r.string_field("op");
        const std::string arithmetic = r.opt_string("arithmetic").value_or("chain");
        const json& input = r.get("input");
        r.finish();
        Context c;
        const auto named = resolve_ruleset(ruleset);
        if (!named.rules)
            fail("unknown_ruleset", "request.ruleset: " + named.error);
        c.rules = *named.rules;
        if (arithmetic == "exact")
            c.arithmetic = Arithmetic::exact;
        else if (arithmetic != "chain")
            fail("unknown_arithmetic",
                 "request.arithmetic: expected \"chain\" or \"exact\", got \"" + arithmetic + "\"");
        const auto id = find_op(op);
        if (!id)
            fail("unknown_op", "request.op: no op \"" + op + "\" (see `dtao ops`)");
        const Form form = form_of(c.rules, *id);
        if (form == Form::absent)
            fail("op_not_in_ruleset", "request.op: \"" + op + "\" is not an op of ruleset " + ruleset +
                                          " (its forms: " + forms_of(*id) + "); see `dtao ops`");
        if (form == Form::not_modelled)
            fail("not_modelled", "request.op: \"" + op + "\" is an op of ruleset " + ruleset +
                                     ", but the reference does not model it there yet (its forms: " + forms_of(*id) +
                                     "); see `dtao ops` and spec/rulesets.md");
        if (c.exact() && !has_exact_model(form))
            fail("not_modelled", "request.arithmetic: the " + std::string(to_string(form)) + " form of \"" + op +
                                     "\" has no exact model (spec/rulesets.md, RSET-024); ask for \"chain\"");
        const auto it = op_table().find({*id, form});
        if (it == op_table().end())
            throw std::logic_error("no handler for the " + std::string(to_string(form)) + " form of op " + op);
        const Handler& handler = it->second->handler;
        Reader reader(input, "request.input", input_shape(*id, form));
        json output = handler(c, reader);
        if (output.is_object() && output.contains("__rule_error")) {
            response["error"] = output["__rule_error"];
            return response;
        }
        // The outputs table is the wire format; a handler that strays from it is a bug, reported.
        if (auto why = output_mismatch(output, output_shape(*id, form), "output", c.storage(), c.exact()); !why.empty())
            throw std::logic_error("the " + std::string(to_string(form)) + " form of op " + op +
                                   " wrote an output the outputs table (outputs.cpp) does not list: " + why);
        response["output"] = std::move(output);
    } catch (const ProtocolError& e) {
        response["error"] = e.token;
        response["message"] = e.message;
    } catch (const std::exception& e) {
        // An exception from the reference is a bug in it, reported, not hidden.
        response["error"] = "internal_error";
        response["message"] = e.what();
    }
    return response;
}

/// The parser's message quotes the bytes it stopped at, which need not be
/// UTF-8; a response must always serialise, so non-ASCII bytes become '?'.
std::string printable(std::string text)
{
    for (char& c : text)
        if (static_cast<unsigned char>(c) >= 0x80 || (static_cast<unsigned char>(c) < 0x20 && c != ' '))
            c = '?';
    return text;
}

json evaluate_line(std::string_view line)
{
    json request;
    try {
        request = json::parse(line.begin(), line.end());
    } catch (const json::exception& e) {
        // parse_error, and out_of_range for a number such as 1e999 (found by
        // fuzz/protocol_fuzz.cpp): every parser failure is a malformed request.
        return json{
            {"id", nullptr}, {"error", "malformed_request"}, {"message", "invalid JSON: " + printable(e.what())}};
    }
    return evaluate(request);
}

}  // namespace dtao::protocol
