// dtao conform: judging one response against a case, field by field, with the
// divergences a profile declares.
// SPDX-License-Identifier: Apache-2.0
#include "detail.hpp"

#include "values.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace dtao::conform {

using namespace detail;

const char* to_string(Status s)
{
    switch (s) {
    case Status::pass: return "pass";
    case Status::pass_with_divergence: return "pass_with_divergence";
    case Status::fail: return "fail";
    case Status::error_mismatch: return "error_mismatch";
    case Status::malformed_response: return "malformed_response";
    case Status::wrong_id: return "wrong_id";
    case Status::timeout: return "timeout";
    case Status::crashed: return "crashed";
    case Status::oversized_response: return "oversized_response";
    case Status::not_run: return "not_run";
    }
    return "?";
}

bool is_failure(Status s) { return s != Status::pass && s != Status::pass_with_divergence && s != Status::not_run; }

namespace detail {

bool glob(std::string_view pattern, std::string_view text)
{
    // iterative '*' matcher
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == text[t] || pattern[p] == '?')) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

bool any_glob(const std::vector<std::string>& patterns, std::string_view text)
{
    if (patterns.empty())
        return true;
    for (const auto& p : patterns)
        if (glob(p, text))
            return true;
    return false;
}

std::string short_json(const json& j, std::size_t max)
{
    std::string s = j.is_null() ? "(absent)" : j.dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() > max)
        s = valid_utf8(s.substr(0, max)) + "…";  // the cut may split a character
    return s;
}

std::string decimal_string(const Rational& r, std::size_t max_fraction_digits)
{
    Int num = numerator(r);
    const Int den = denominator(r);
    std::string s = num < 0 ? "-" : "";
    if (num < 0)
        num = -num;
    Int rem = num % den;
    s += Int(num / den).str();
    if (rem == 0)
        return s;
    s += '.';
    for (std::size_t i = 0; i < max_fraction_digits && rem != 0; ++i) {
        rem *= 10;
        s += static_cast<char>('0' + static_cast<int>(rem / den));
        rem %= den;
    }
    if (rem != 0)
        s += "…";  // cut, not rounded
    return s;
}

std::optional<std::string> fixed_decimal(const json& j)
{
    if (!j.is_object() || !j.contains("bits"))
        return std::nullopt;
    const auto r = vectors::numeric_value(j);
    if (!r)
        return std::nullopt;
    return decimal_string(*r);
}

std::string show_value(const json& j, std::size_t max)
{
    std::string s = short_json(j, max);
    if (const auto d = fixed_decimal(j))
        s += " = " + *d;
    return s;
}

std::string valid_utf8(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
        bool ok = len > 0 && i + len <= s.size();
        for (std::size_t k = 1; ok && k < len; ++k)
            ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
        if (ok && len > 1) {
            // no overlong forms, no surrogates, nothing above U+10FFFF
            std::uint32_t cp = b & (0x7f >> len);
            for (std::size_t k = 1; k < len; ++k)
                cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
            static const std::uint32_t min_of[] = {0, 0, 0x80, 0x800, 0x10000};
            ok = cp >= min_of[len] && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
        }
        if (ok) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

const json* lookup_path(const json& root, const std::string& path)
{
    std::vector<std::pair<std::string, const json*>> leaves;
    vectors::flatten(root, "", leaves);
    for (const auto& [p, v] : leaves)
        if (p == path)
            return v;
    return nullptr;
}

}  // namespace detail

// ------------------------------------------------------------------ judging

namespace {

bool entry_applies(const Divergence& d, const Case& c)
{
    if (!any_glob(d.ops, c.op))
        return false;
    if (d.flags_any.empty())
        return true;
    for (const auto& f : d.flags_any)
        if (std::find(c.flags.begin(), c.flags.end(), f) != c.flags.end())
            return true;
    return false;
}

/// A declared divergence that accepts a value, and how far the value is from the
/// one the entry measures from (none for `any`, or a value that is not a number).
struct Cover
{
    const Divergence* entry = nullptr;
    std::optional<Rational> size;
};

/// Does a declared divergence accept `got` for `path` (expected `exp`)?
Cover covered(const Case& c, const Profile* profile, const std::string& path, const json* exp, const json* got)
{
    if (!profile)
        return {};
    for (const auto& d : profile->divergences) {
        if (d.outcome && !d.any && !d.abs && !d.rel && !d.below)
            continue;  // outcome-only entries are for outcomes
        if (!entry_applies(d, c) || !any_glob(d.fields, path))
            continue;
        if (d.any) {
            Cover any{&d, std::nullopt};
            if (exp && got)
                if (const auto e = vectors::numeric_value(*exp), g = vectors::numeric_value(*got); e && g)
                    any.size = abs(Rational(*g - *e));
            return any;
        }
        if (!exp || !got)
            continue;
        auto e = vectors::numeric_value(*exp);
        const auto g = vectors::numeric_value(*got);
        if (d.against_exact && c.exact.is_object() && c.exact.contains("fields") && c.exact["fields"].contains(path))
            e = vectors::numeric_value(c.exact["fields"][path]);
        if (!e || !g)
            continue;
        if (exp->is_object() && (!got->is_object() || (*got)["type"] != (*exp)["type"]))
            continue;  // a fixed-point value must keep its type
        Rational bound = d.abs.value_or(Rational(0));
        if (d.rel) {
            std::optional<Rational> ref;
            if (d.rel_of == "expected")
                ref = e;
            else if (d.rel_of.rfind("input.", 0) == 0) {
                const json& in = c.request["input"];
                if (const json* v = lookup_path(in, d.rel_of.substr(6)))
                    ref = vectors::numeric_value(*v);
            } else if (d.rel_of.rfind("expected.", 0) == 0 && c.expected.contains("output")) {
                if (const json* v = lookup_path(c.expected["output"], d.rel_of.substr(9)))
                    ref = vectors::numeric_value(*v);
            }
            if (!ref)
                continue;
            bound += *d.rel * abs(*ref);
        }
        if (d.below && *g < *e)
            bound += *d.below;
        const Rational size = abs(Rational(*g - *e));
        if (size <= bound)
            return {&d, size};
    }
    return {};
}

const Divergence* outcome_covered(const Case& c, const Profile* profile)
{
    if (!profile)
        return nullptr;
    for (const auto& d : profile->divergences)
        if (d.outcome && entry_applies(d, c))
            return &d;
    return nullptr;
}

void add_unique(std::vector<std::string>& v, const std::string& s)
{
    if (std::find(v.begin(), v.end(), s) == v.end())
        v.push_back(s);
}

}  // namespace

Verdict judge(const Case& c, const json& response, const Profile* profile)
{
    Verdict v;
    if (!response.is_object()) {
        v.status = Status::malformed_response;
        v.detail = "the response is not a JSON object";
        return v;
    }
    const bool has_out = response.contains("output");
    const bool has_err = response.contains("error");
    if (has_out == has_err) {
        v.status = Status::malformed_response;
        v.detail = has_out ? "the response has both output and error" : "the response has neither output nor error";
        return v;
    }
    if (has_err && !response["error"].is_string()) {
        v.status = Status::malformed_response;
        v.detail = "error is not a string";
        return v;
    }
    const bool want_err = c.expected.contains("error");
    if (want_err || has_err) {
        const json want = want_err ? c.expected["error"] : json("(output)");
        const json got = has_err ? response["error"] : json("(output)");
        if (want_err && has_err && want == got) {
            v.status = Status::pass;
            return v;
        }
        v.field = has_err && want_err ? "error" : "(outcome)";
        v.expected = want_err ? c.expected["error"] : json("output");
        v.got = has_err ? response["error"] : json("output");
        v.detail = std::string("expected ") + (want_err ? "error " + want.get<std::string>() : "an output") + ", got " +
                   (has_err ? "error " + got.get<std::string>() : "an output");
        if (has_err && response.contains("message") && response["message"].is_string())
            v.detail += " (" + response["message"].get<std::string>() + ")";
        if (const auto* d = outcome_covered(c, profile)) {
            v.status = Status::pass_with_divergence;
            v.divergences.push_back(d->id);
            return v;
        }
        v.status = Status::error_mismatch;
        return v;
    }
    if (response["output"] == c.expected["output"]) {
        v.status = Status::pass;
        return v;
    }
    std::vector<std::pair<std::string, const json*>> exp_leaves, got_leaves;
    vectors::flatten(c.expected["output"], "", exp_leaves);
    vectors::flatten(response["output"], "", got_leaves);
    std::map<std::string, const json*> got_map(got_leaves.begin(), got_leaves.end());
    std::set<std::string> seen;
    auto differ = [&](const std::string& path, const json* e, const json* g) -> bool {
        if (const Cover cover = covered(c, profile, path, e, g); cover.entry) {
            add_unique(v.divergences, cover.entry->id);
            if (cover.size) {
                const auto [it, fresh] = v.divergence_size.emplace(cover.entry->id, *cover.size);
                if (!fresh && it->second < *cover.size)
                    it->second = *cover.size;
            }
            return false;
        }
        v.status = Status::fail;
        v.field = path;
        v.expected = e ? *e : json();
        v.got = g ? *g : json();
        for (const auto& [p, ev] : exp_leaves)
            for (const auto& pattern : c.intermediate_fields)
                if (glob(pattern, p)) {
                    const auto gi = got_map.find(p);
                    v.intermediates[p] = {{"expected", *ev}, {"got", gi == got_map.end() ? json() : *gi->second}};
                    break;
                }
        v.detail = !g   ? "field " + path + " is missing (expected " + show_value(v.expected) + ")"
                   : !e ? "unexpected field " + path + " = " + show_value(v.got)
                        : "field " + path + ": expected " + show_value(v.expected) + ", got " + show_value(v.got);
        return true;
    };
    for (const auto& [path, e] : exp_leaves) {
        seen.insert(path);
        const auto it = got_map.find(path);
        const json* g = it == got_map.end() ? nullptr : it->second;
        if (g && *g == *e)
            continue;
        if (differ(path, e, g))
            return v;
    }
    for (const auto& [path, g] : got_leaves)
        if (!seen.count(path) && differ(path, nullptr, g))
            return v;
    v.status = v.divergences.empty() ? Status::pass : Status::pass_with_divergence;
    return v;
}

}  // namespace dtao::conform
