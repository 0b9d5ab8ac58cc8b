// dtao conform: divergence profiles (vectors/README.md, profile version 1).
// SPDX-License-Identifier: Apache-2.0
#include "detail.hpp"

#include "protocol.hpp"
#include "values.hpp"

#include "dtao/ruleset.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace dtao::conform {

namespace {

std::vector<std::string> string_list(const json& j, const std::string& where)
{
    std::vector<std::string> out;
    if (j.is_null())
        return out;
    if (!j.is_array())
        throw std::runtime_error(where + ": expected an array of strings");
    for (const auto& e : j) {
        if (!e.is_string())
            throw std::runtime_error(where + ": expected an array of strings");
        out.push_back(e.get<std::string>());
    }
    return out;
}

/// A misspelt op name would silently declare nothing.
void check_op(const std::string& op, const std::string& where)
{
    for (const auto& [name, doc] : protocol::ops())
        if (name == op)
            return;
    throw std::runtime_error(where + ": no op \"" + op + "\" (see `dtao ops`)");
}

}  // namespace

// ------------------------------------------------------------------ profile

Profile parse_profile(const json& j)
{
    if (!j.is_object())
        throw std::runtime_error("profile: expected a JSON object");
    static const std::set<std::string> top = {"profile_version", "implementation", "comment",
                                              "unsupported_ops", "supported_ops",  "unsupported_rulesets",
                                              "divergences"};
    for (const auto& [k, v] : j.items())
        if (!top.count(k))
            throw std::runtime_error("profile." + k + ": unknown field");
    if (!j.contains("profile_version") || j["profile_version"] != PROFILE_VERSION)
        throw std::runtime_error("profile.profile_version: this runner reads version " +
                                 std::to_string(PROFILE_VERSION));
    Profile p;
    p.implementation = j.value("implementation", std::string());
    p.unsupported_ops = string_list(j.value("unsupported_ops", json()), "profile.unsupported_ops");
    for (const auto& op : p.unsupported_ops)
        check_op(op, "profile.unsupported_ops");
    if (j.contains("supported_ops")) {
        if (j.contains("unsupported_ops"))
            throw std::runtime_error("profile: give supported_ops or unsupported_ops, not both");
        p.supported_ops = string_list(j["supported_ops"], "profile.supported_ops");
        for (const auto& op : *p.supported_ops)
            check_op(op, "profile.supported_ops");
    }
    p.unsupported_rulesets = string_list(j.value("unsupported_rulesets", json()), "profile.unsupported_rulesets");
    for (const auto& id : p.unsupported_rulesets)
        if (!find_ruleset(id))
            throw std::runtime_error("profile.unsupported_rulesets: no ruleset \"" + id + "\" (see `dtao rulesets`)");
    const json divs = j.value("divergences", json::array());
    if (!divs.is_array())
        throw std::runtime_error("profile.divergences: expected an array");
    static const std::set<std::string> keys = {"id",  "ops",     "fields",    "flags_any",
                                               "any", "outcome", "tolerance", "reason"};
    for (std::size_t i = 0; i < divs.size(); ++i) {
        const std::string w = "profile.divergences[" + std::to_string(i) + "]";
        const json& d = divs[i];
        if (!d.is_object())
            throw std::runtime_error(w + ": expected an object");
        for (const auto& [k, v] : d.items())
            if (!keys.count(k))
                throw std::runtime_error(w + "." + k + ": unknown field");
        Divergence v;
        if (!d.contains("id") || !d["id"].is_string())
            throw std::runtime_error(w + ".id: required string");
        v.id = d["id"].get<std::string>();
        if (!d.contains("reason") || !d["reason"].is_string())
            throw std::runtime_error(w + ".reason: required string (say why the difference is accepted)");
        v.reason = d["reason"].get<std::string>();
        v.ops = string_list(d.value("ops", json()), w + ".ops");
        v.fields = string_list(d.value("fields", json()), w + ".fields");
        for (const auto& pattern : v.ops)
            if (std::none_of(protocol::ops().begin(), protocol::ops().end(),
                             [&](const auto& op) { return detail::glob(pattern, op.first); }))
                throw std::runtime_error(w + ".ops: \"" + pattern + "\" matches no op (see `dtao ops`)");
        v.flags_any = string_list(d.value("flags_any", json()), w + ".flags_any");
        for (const auto& f : v.flags_any)
            if (!vectors::is_known_flag(f))
                throw std::runtime_error(w + ".flags_any: no flag \"" + f + "\" (vectors/README.md lists them)");
        v.any = d.value("any", false);
        v.outcome = d.value("outcome", false);
        if (d.contains("tolerance")) {
            const json& t = d["tolerance"];
            if (!t.is_object())
                throw std::runtime_error(w + ".tolerance: expected an object");
            for (const auto& [k, val] : t.items()) {
                if (k != "abs" && k != "rel" && k != "of" && k != "below" && k != "reference")
                    throw std::runtime_error(w + ".tolerance." + k + ": unknown field");
            }
            if (t.contains("abs")) {
                v.abs = vectors::numeric_value(t["abs"]);
                if (!v.abs || *v.abs < 0)
                    throw std::runtime_error(
                        w + ".tolerance.abs: expected a non-negative number (\"1\", \"1/2\", \"2^-53\")");
            }
            if (t.contains("rel")) {
                v.rel = vectors::numeric_value(t["rel"]);
                if (!v.rel || *v.rel < 0)
                    throw std::runtime_error(w + ".tolerance.rel: expected a non-negative number");
            }
            if (t.contains("reference")) {
                if (t["reference"] != "exact" && t["reference"] != "chain")
                    throw std::runtime_error(w + ".tolerance.reference: expected \"chain\" (default) or \"exact\"");
                v.against_exact = t["reference"] == "exact";
            }
            if (t.contains("below")) {
                v.below = vectors::numeric_value(t["below"]);
                if (!v.below || *v.below < 0)
                    throw std::runtime_error(w + ".tolerance.below: expected a non-negative number");
            }
            if (t.contains("of")) {
                if (!t["of"].is_string())
                    throw std::runtime_error(w + ".tolerance.of: expected a string");
                v.rel_of = t["of"].get<std::string>();
            }
            if (!v.abs && !v.rel && !v.below)
                throw std::runtime_error(w + ".tolerance: give abs, rel, below or a combination");
        }
        if (!v.any && !v.outcome && !v.abs && !v.rel && !v.below)
            throw std::runtime_error(w + ": declares nothing (give tolerance, any or outcome)");
        p.divergences.push_back(std::move(v));
    }
    return p;
}

}  // namespace dtao::conform
