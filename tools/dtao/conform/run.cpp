// dtao: `dtao conform`, the conformance runner.
// SPDX-License-Identifier: Apache-2.0
#include "conform.hpp"

#include "protocol.hpp"
#include "subprocess.hpp"
#include "values.hpp"

#include "dtao/ruleset.hpp"

#include <algorithm>
#include <csignal>
#include <deque>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <variant>
#include <array>
#include <cmath>
#include <unistd.h>

namespace dtao::conform {

using vectors::Case;

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

namespace {

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

std::string short_json(const json& j, std::size_t max = 160)
{
    std::string s = j.is_null() ? "(absent)" : j.dump();
    if (s.size() > max)
        s = s.substr(0, max) + "…";
    return s;
}

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

}  // namespace

// ------------------------------------------------------------------ profile

Profile parse_profile(const json& j)
{
    if (!j.is_object())
        throw std::runtime_error("profile: expected a JSON object");
    static const std::set<std::string> top = {"profile_version", "implementation", "comment", "unsupported_ops",
                                              "unsupported_rulesets", "divergences"};
    for (const auto& [k, v] : j.items())
        if (!top.count(k))
            throw std::runtime_error("profile." + k + ": unknown field");
    if (!j.contains("profile_version") || j["profile_version"] != PROFILE_VERSION)
        throw std::runtime_error("profile.profile_version: this runner reads version " + std::to_string(PROFILE_VERSION));
    Profile p;
    p.implementation = j.value("implementation", std::string());
    p.unsupported_ops = string_list(j.value("unsupported_ops", json()), "profile.unsupported_ops");
    p.unsupported_rulesets = string_list(j.value("unsupported_rulesets", json()), "profile.unsupported_rulesets");
    for (const auto& id : p.unsupported_rulesets)
        if (!find_ruleset(id))
            throw std::runtime_error("profile.unsupported_rulesets: no ruleset \"" + id + "\" (see `dtao rulesets`)");
    const json divs = j.value("divergences", json::array());
    if (!divs.is_array())
        throw std::runtime_error("profile.divergences: expected an array");
    static const std::set<std::string> keys = {"id", "ops", "fields", "flags_any", "any", "outcome", "tolerance", "reason"};
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
        v.flags_any = string_list(d.value("flags_any", json()), w + ".flags_any");
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
                    throw std::runtime_error(w + ".tolerance.abs: expected a non-negative number (\"1\", \"1/2\", \"2^-53\")");
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

const json* lookup_path(const json& root, const std::string& path)
{
    std::vector<std::pair<std::string, const json*>> leaves;
    vectors::flatten(root, "", leaves);
    for (const auto& [p, v] : leaves)
        if (p == path)
            return v;
    return nullptr;
}

/// Does a declared divergence accept `got` for `path` (expected `exp`)?
const Divergence* covered(const Case& c, const Profile* profile, const std::string& path, const json* exp, const json* got)
{
    if (!profile)
        return nullptr;
    for (const auto& d : profile->divergences) {
        if (d.outcome && !d.any && !d.abs && !d.rel && !d.below)
            continue;  // outcome-only entries are for outcomes
        if (!entry_applies(d, c) || !any_glob(d.fields, path))
            continue;
        if (d.any)
            return &d;
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
        if (abs(Rational(*g - *e)) <= bound)
            return &d;
    }
    return nullptr;
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
        if (const auto* d = covered(c, profile, path, e, g)) {
            add_unique(v.divergences, d->id);
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
        v.detail = !g ? "field " + path + " is missing (expected " + short_json(v.expected) + ")"
                   : !e ? "unexpected field " + path + " = " + short_json(v.got)
                        : "field " + path + ": expected " + short_json(v.expected) + ", got " + short_json(v.got);
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

// ------------------------------------------------------------------ engine

namespace {

/// An implementation: a subprocess or the in-process reference.
class Impl
{
public:
    virtual ~Impl() = default;
    virtual bool start(std::string& error) = 0;
    virtual void send(const std::string& line) = 0;
    virtual Subprocess::Event receive(std::string& line, Clock::time_point deadline) = 0;
    virtual void kill() = 0;
    virtual void stop() = 0;
    virtual std::string exit_description() = 0;
    virtual std::string stderr_tail() = 0;
    virtual std::string partial() = 0;
};

class InProcess final : public Impl
{
public:
    bool start(std::string&) override
    {
        m_queue.clear();
        return true;
    }
    void send(const std::string& line) override
    {
        std::string_view body(line);
        if (!body.empty() && body.back() == '\n')
            body.remove_suffix(1);
        m_queue.push_back(protocol::evaluate_line(body).dump());
    }
    Subprocess::Event receive(std::string& line, Clock::time_point) override
    {
        if (m_queue.empty())
            return Subprocess::Event::eof;
        line = std::move(m_queue.front());
        m_queue.pop_front();
        return Subprocess::Event::line;
    }
    void kill() override { m_queue.clear(); }
    void stop() override { m_queue.clear(); }
    std::string exit_description() override { return "in-process reference"; }
    std::string stderr_tail() override { return {}; }
    std::string partial() override { return {}; }

private:
    std::deque<std::string> m_queue;
};

class External final : public Impl
{
public:
    External(const std::string& cmd, std::size_t max_line) : m_p(cmd, max_line) {}
    bool start(std::string& error) override { return m_p.start(error); }
    void send(const std::string& line) override { m_p.write(line); }
    Subprocess::Event receive(std::string& line, Clock::time_point deadline) override { return m_p.read_line(line, deadline); }
    void kill() override { m_p.kill(); }
    void stop() override { m_p.stop(std::chrono::milliseconds(500)); }
    std::string exit_description() override { return m_p.exit_description(); }
    std::string stderr_tail() override { return m_p.stderr_tail(); }
    std::string partial() override { return m_p.partial(); }

private:
    Subprocess m_p;
};

std::string last_lines(const std::string& s, std::size_t max = 300)
{
    std::string t = s;
    while (!t.empty() && (t.back() == '\n' || t.back() == ' '))
        t.pop_back();
    if (t.size() > max)
        t = "…" + t.substr(t.size() - max);
    for (auto& ch : t)
        if (ch == '\n')
            ch = '|';
    return t;
}

}  // namespace

namespace {

/// A running implementation reused across calls (the shrinker's many small runs).
struct Session
{
    std::unique_ptr<Impl> impl;
    bool running = false;
};

std::unique_ptr<Impl> make_impl(const Options& o)
{
    if (o.impl == IN_PROCESS)
        return std::make_unique<InProcess>();
    return std::make_unique<External>(o.impl, o.max_response_bytes);
}

std::vector<Verdict> run_in_session(Session& session, const std::vector<const Case*>& cases, const Options& o,
                                    const Profile* profile, EngineStats& stats, bool keep_alive);

}  // namespace

std::vector<Verdict> run_cases(const std::vector<const Case*>& cases, const Options& o, const Profile* profile,
                               EngineStats& stats)
{
    Session session;
    session.impl = make_impl(o);
    return run_in_session(session, cases, o, profile, stats, false);
}

namespace {

std::vector<Verdict> run_in_session(Session& session, const std::vector<const Case*>& cases, const Options& o,
                                    const Profile* profile, EngineStats& stats, bool keep_alive)
{
    std::vector<Verdict> verdicts(cases.size());
    Impl* impl = session.impl.get();
    std::signal(SIGPIPE, SIG_IGN);

    // request lines, built once
    std::vector<std::string> lines(cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i)
        lines[i] = (cases[i]->request_line.empty() ? cases[i]->request.dump() : cases[i]->request_line) + "\n";
    std::map<std::string, std::size_t> index_of;  // built on the first wrong id only
    const auto t0 = Clock::now();
    const auto total_deadline = o.total_timeout_s > 0
                                    ? t0 + std::chrono::milliseconds(static_cast<long long>(o.total_timeout_s * 1000))
                                    : Clock::time_point::max();
    const auto case_timeout = std::chrono::milliseconds(static_cast<long long>(o.case_timeout_s * 1000));
    const std::size_t window = std::max<std::size_t>(1, o.window);

    std::size_t head = 0, next = 0;
    unsigned fruitless_starts = 0;
    bool answered_since_start = false;
    Clock::time_point head_start = Clock::now();
    std::vector<Clock::time_point> sent(cases.size());

    auto give_up = [&](const std::string& why) {
        stats.gave_up = why;
        for (std::size_t i = head; i < cases.size(); ++i) {
            verdicts[i].status = Status::not_run;
            verdicts[i].detail = why;
        }
        head = cases.size();
    };
    auto start = [&]() -> bool {
        std::string error;
        if (!impl->start(error)) {
            give_up("cannot start the implementation: " + error);
            return false;
        }
        answered_since_start = false;
        session.running = true;
        return true;
    };
    auto restart = [&](const std::string& why) -> bool {
        impl->kill();
        session.running = false;
        if (!answered_since_start && ++fruitless_starts >= 3) {
            give_up("the implementation answered nothing after 3 starts in a row (last: " + why + ")");
            return false;
        }
        if (answered_since_start)
            fruitless_starts = 0;
        if (stats.restarts >= o.max_restarts) {
            give_up("more than " + std::to_string(o.max_restarts) + " restarts (last: " + why + ")");
            return false;
        }
        ++stats.restarts;
        next = head;  // resend everything not yet answered
        return start();
    };

    if (cases.empty() || (!session.running && !start()))
        return verdicts;

    while (head < cases.size()) {
        const auto now = Clock::now();
        if (now >= total_deadline) {
            impl->kill();
            session.running = false;
            give_up("total timeout (" + std::to_string(o.total_timeout_s) + " s) reached");
            break;
        }
        while (next < cases.size() && next - head < window) {
            sent[next] = Clock::now();
            impl->send(lines[next]);
            if (next == head)
                head_start = sent[next];
            ++next;
        }
        const auto case_deadline = std::max(head_start, sent[head]) + case_timeout;
        std::string line;
        const auto ev = impl->receive(line, std::min(case_deadline, total_deadline));
        const auto done = Clock::now();
        Verdict& v = verdicts[head];
        v.ms = std::chrono::duration<double, std::milli>(done - std::max(head_start, sent[head])).count();
        if (ev == Subprocess::Event::line) {
            if (line.find_first_not_of(" \t") == std::string::npos)
                continue;  // blank lines carry nothing
            answered_since_start = true;
            fruitless_starts = 0;
            if (!cases[head]->expected_line.empty() && line == cases[head]->expected_line) {
                v.status = Status::pass;  // byte-identical to the canonical answer: no need to parse
                ++head;
                head_start = done;
                continue;
            }
            json response = json::parse(line, nullptr, false);
            if (response.is_discarded()) {
                v.status = Status::malformed_response;
                v.detail = "not JSON: " + short_json(json(line), 120);
            } else if (!response.is_object()) {
                v.status = Status::malformed_response;
                v.detail = "not a JSON object: " + short_json(response, 120);
            } else if (!response.contains("id") || response["id"] != json(cases[head]->global_id)) {
                v.status = Status::wrong_id;
                const json id = response.contains("id") ? response["id"] : json();
                std::string where;
                if (id.is_string()) {
                    if (index_of.empty())
                        for (std::size_t i = 0; i < cases.size(); ++i)
                            index_of.emplace(cases[i]->global_id, i);
                    const auto it = index_of.find(id.get<std::string>());
                    if (it != index_of.end())
                        where = it->second > head ? " (a later request: out of order)" : " (an earlier request: duplicate or out of order)";
                    else
                        where = " (no request has this id)";
                }
                v.detail = "expected the response to " + cases[head]->global_id + ", got id " + short_json(id, 120) + where;
                v.field = "id";
                v.expected = cases[head]->global_id;
                v.got = id;
            } else {
                const double ms = v.ms;
                v = judge(*cases[head], response, profile);
                v.ms = ms;
            }
            ++head;
            head_start = done;
            continue;
        }
        if (ev == Subprocess::Event::timeout) {
            if (done >= total_deadline)
                continue;  // handled at the top of the loop
            v.status = Status::timeout;
            v.detail = "no response within " + std::to_string(o.case_timeout_s) + " s; the implementation was killed";
            const std::string tail = impl->stderr_tail();
            if (!tail.empty())
                v.detail += "; stderr: " + last_lines(tail);
            ++head;
            head_start = Clock::now();
            restart("timeout");
            continue;
        }
        if (ev == Subprocess::Event::oversized) {
            v.status = Status::oversized_response;
            v.detail = "a response line longer than " + std::to_string(o.max_response_bytes) +
                       " bytes; the implementation was killed (starts with " + short_json(json(line), 80) + ")";
            ++head;
            head_start = Clock::now();
            restart("oversized response");
            continue;
        }
        // eof: the implementation exited or closed its output before answering `head`
        v.status = Status::crashed;
        v.detail = "the implementation " + impl->exit_description() + " before answering";
        if (!line.empty())
            v.detail += "; partial output: " + short_json(json(line), 120);
        const std::string tail = impl->stderr_tail();
        if (!tail.empty())
            v.detail += "; stderr: " + last_lines(tail);
        ++head;
        head_start = Clock::now();
        if (head < cases.size())
            restart("crash");
    }
    if (!keep_alive || !stats.gave_up.empty()) {
        impl->stop();
        session.running = false;
    }
    return verdicts;
}

}  // namespace

// ------------------------------------------------------------------ filters

namespace {

struct Filter
{
    std::map<std::string, std::vector<std::string>> terms;  // key -> OR-ed globs

    bool matches(const Case& c) const
    {
        for (const auto& [key, values] : terms) {
            bool ok = false;
            for (const auto& v : values) {
                if (key == "op")
                    ok = glob(v, c.op);
                else if (key == "family")
                    ok = glob(v, c.family);
                else if (key == "ruleset")
                    ok = glob(v, c.ruleset);
                else if (key == "id")
                    ok = glob(v, c.global_id);
                else if (key == "file")
                    ok = glob(v, c.file);
                else if (key == "group")
                    ok = glob(v, c.group);
                else if (key == "flag")
                    ok = std::any_of(c.flags.begin(), c.flags.end(), [&](const std::string& f) { return glob(v, f); });
                else if (key == "rule")
                    ok = std::any_of(c.rules.begin(), c.rules.end(), [&](const std::string& r) { return glob(v, r); });
                if (ok)
                    break;
            }
            if (!ok)
                return false;
        }
        return true;
    }
};

Filter parse_filters(const std::vector<std::string>& filters)
{
    static const std::set<std::string> keys = {"op", "family", "ruleset", "id", "file", "group", "flag", "rule"};
    Filter f;
    for (const auto& s : filters) {
        const auto eq = s.find('=');
        if (eq == std::string::npos || !keys.count(s.substr(0, eq)))
            throw std::runtime_error("--filter \"" + s + "\": expected key=value with key one of op, family, ruleset, id, file, group, flag, rule");
        std::string values = s.substr(eq + 1);
        std::stringstream ss(values);
        std::string v;
        while (std::getline(ss, v, ','))
            if (!v.empty())
                f.terms[s.substr(0, eq)].push_back(v);
    }
    return f;
}

// ------------------------------------------------------------------ reports

std::string xml_escape(const std::string& s)
{
    std::string out;
    for (unsigned char ch : s) {
        switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default:
            if (ch < 0x20 && ch != '\n' && ch != '\t')
                out += ' ';
            else
                out += static_cast<char>(ch);
        }
    }
    return out;
}

/// Write `bytes` to `path` through a temporary file and a rename: a reader
/// never sees a partial report.
void write_atomic(const std::filesystem::path& path, const std::string& bytes)
{
    if (path.has_parent_path())
        std::filesystem::create_directories(path.parent_path());
    const auto tmp = path.string() + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
        o << bytes;
        o.flush();
        if (!o) {
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            throw std::runtime_error("cannot write " + tmp);
        }
    }
    std::filesystem::rename(tmp, path);
}

struct Totals
{
    std::size_t passed = 0, diverged = 0, failed = 0, skipped = 0, out_of_scope = 0;
    std::map<std::string, std::size_t> by_status;
};

Totals count(const std::vector<Verdict>& verdicts)
{
    Totals t;
    for (const auto& v : verdicts) {
        ++t.by_status[to_string(v.status)];
        if (v.status == Status::pass)
            ++t.passed;
        else if (v.status == Status::pass_with_divergence) {
            ++t.passed;
            ++t.diverged;
        } else if (v.status == Status::not_run)
            ++t.skipped;
        else
            ++t.failed;
    }
    return t;
}

json case_report(const Case& c, const Verdict& v, bool full)
{
    json o = {{"id", c.global_id}, {"status", to_string(v.status)}};
    if (!full && v.status == Status::pass)
        return o;
    o["file"] = c.file;
    o["op"] = c.op;
    o["family"] = c.family;
    o["ruleset"] = c.ruleset;
    o["comment"] = c.comment;
    o["flags"] = c.flags;
    o["ms"] = std::round(v.ms * 1000) / 1000;
    if (!v.detail.empty())
        o["detail"] = v.detail;
    if (!v.field.empty()) {
        o["field"] = v.field;
        o["expected"] = v.expected;
        o["got"] = v.got;
    }
    if (!v.divergences.empty())
        o["divergences"] = v.divergences;
    if (is_failure(v.status)) {
        o["request"] = c.request;
        if (!v.intermediates.empty())
            o["intermediate_values"] = v.intermediates;
        if (!c.intermediates.empty())
            o["intermediates"] = c.intermediates;
        if (!c.exact.is_null())
            o["exact"] = c.exact;
    }
    return o;
}

std::string junit(const std::vector<const Case*>& cases, const std::vector<Verdict>& verdicts, double seconds)
{
    std::map<std::string, std::vector<std::size_t>> by_file;
    for (std::size_t i = 0; i < cases.size(); ++i)
        by_file[cases[i]->file].push_back(i);
    const Totals all = count(verdicts);
    std::ostringstream x;
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x << "<testsuites name=\"dtao conform\" tests=\"" << cases.size() << "\" failures=\"" << all.failed
      << "\" skipped=\"" << all.skipped << "\" time=\"" << std::fixed << std::setprecision(3) << seconds << "\">\n";
    for (const auto& [file, idx] : by_file) {
        std::vector<Verdict> vs;
        for (auto i : idx)
            vs.push_back(verdicts[i]);
        const Totals t = count(vs);
        double secs = 0;
        for (const auto& v : vs)
            secs += v.ms / 1000;
        x << "  <testsuite name=\"" << xml_escape(file) << "\" tests=\"" << idx.size() << "\" failures=\"" << t.failed
          << "\" errors=\"0\" skipped=\"" << t.skipped << "\" time=\"" << secs << "\">\n";
        for (auto i : idx) {
            const Case& c = *cases[i];
            const Verdict& v = verdicts[i];
            x << "    <testcase classname=\"" << xml_escape(c.ruleset + "." + c.family + "." + c.name) << "\" name=\""
              << xml_escape(c.id) << "\" time=\"" << v.ms / 1000 << "\"";
            if (v.status == Status::pass) {
                x << "/>\n";
                continue;
            }
            x << ">\n";
            if (v.status == Status::not_run)
                x << "      <skipped message=\"" << xml_escape(v.detail) << "\"/>\n";
            else if (v.status == Status::pass_with_divergence) {
                std::string d;
                for (const auto& s : v.divergences)
                    d += (d.empty() ? "" : ", ") + s;
                x << "      <system-out>" << xml_escape("pass with declared divergence: " + d) << "</system-out>\n";
            } else {
                x << "      <failure type=\"" << to_string(v.status) << "\" message=\"" << xml_escape(v.detail) << "\">"
                  << xml_escape("request: " + c.request.dump() + "\ncomment: " + c.comment +
                                (c.intermediates.empty() ? "" : "\nintermediates: " + c.intermediates.dump()))
                  << "</failure>\n";
            }
            x << "    </testcase>\n";
        }
        x << "  </testsuite>\n";
    }
    x << "</testsuites>\n";
    return x.str();
}

/// Per scenario file (family `scenario`), in file order: blocks in scope,
/// failures, and the first failing block with its first differing field.
json scenario_summary(const std::vector<const Case*>& cases, const std::vector<Verdict>& verdicts)
{
    json out = json::array();
    std::map<std::string, std::size_t> at;  // file -> index in out
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const Case& c = *cases[i];
        if (c.family != "scenario")
            continue;
        auto it = at.find(c.file);
        if (it == at.end()) {
            it = at.emplace(c.file, out.size()).first;
            out.push_back({{"file", c.ruleset + "/" + c.family + "/" + c.name},
                           {"blocks", 0},
                           {"failed", 0},
                           {"not_run", 0},
                           {"first_failing", nullptr}});
        }
        json& sc = out[it->second];
        const Verdict& v = verdicts[i];
        sc["blocks"] = sc["blocks"].get<std::size_t>() + 1;
        if (v.status == Status::not_run)
            sc["not_run"] = sc["not_run"].get<std::size_t>() + 1;
        if (!is_failure(v.status))
            continue;
        sc["failed"] = sc["failed"].get<std::size_t>() + 1;
        if (!sc["first_failing"].is_null())
            continue;
        std::string chain_block = "?";
        const json* b = lookup_path(c.request, "input.state.block");
        if (b && b->is_string())
            chain_block = b->get<std::string>();
        json f = {{"id", c.id}, {"global_id", c.global_id}, {"chain_block", chain_block}, {"status", to_string(v.status)},
                  {"detail", v.detail.empty() ? std::string(to_string(v.status)) : v.detail}};
        if (!v.field.empty()) {
            f["field"] = v.field;
            f["expected"] = v.expected;
            f["got"] = v.got;
        }
        sc["first_failing"] = f;
    }
    return out;
}

void print_case(std::ostream& out, const Case& c, const Verdict& v)
{
    out << (v.status == Status::pass_with_divergence ? "DIVERGED " : "FAIL ") << c.global_id << "  [" << to_string(v.status)
        << ", " << c.op << "]\n";
    out << "    probes: " << c.comment << "\n";
    if (!v.detail.empty())
        out << "    " << v.detail << "\n";
    if (!v.divergences.empty()) {
        out << "    declared:";
        for (const auto& d : v.divergences)
            out << " " << d;
        out << "\n";
    }
    if (is_failure(v.status)) {
        if (!v.intermediates.empty())
            for (const auto& [path, pair] : v.intermediates.items())
                out << "    intermediate " << path << ": expected " << short_json(pair["expected"], 120) << ", got "
                    << short_json(pair["got"], 120) << (pair["expected"] == pair["got"] ? "  (same)" : "  (differs)") << "\n";
        if (!c.intermediates.empty())
            out << "    more intermediates (expected): " << short_json(c.intermediates, 400) << "\n";
        if (!c.exact.is_null() && c.exact.contains("fields") && !v.field.empty() && c.exact["fields"].contains(v.field))
            out << "    exact model: " << v.field << " = " << c.exact["fields"][v.field].dump() << "\n";
        out << "    request: " << short_json(c.request, 400) << "\n";
    }
}

// ------------------------------------------------------------------ random differential checking

/// The reference's case for a request (expected = its response).
std::optional<Case> reference_case(const std::string& id, const std::string& ruleset, const std::string& op, const json& input)
{
    json request = {{"id", id}, {"ruleset", ruleset}, {"op", op}, {"arithmetic", "chain"}, {"input", input}};
    const json r = protocol::evaluate(request);
    if (r.contains("message"))
        return std::nullopt;  // not a valid request: not a candidate
    Case c;
    c.file = "random/" + op;
    c.ruleset = ruleset;
    c.family = vectors::family_of_op(op);
    c.name = "random";
    c.group = "random";
    c.id = id;
    c.global_id = id;
    c.comment = "random differential check";
    c.op = op;
    c.request = request;
    c.expected = json::object();
    if (r.contains("error"))
        c.expected["error"] = r["error"];
    else
        c.expected["output"] = r["output"];
    return c;
}

/// Smaller variants of an input, most aggressive first.
void candidates(const json& j, const std::string& path, std::vector<std::pair<std::string, json>>& out)
{
    if (j.is_object()) {
        if (j.size() == 2 && j.contains("type") && j.contains("bits")) {
            candidates(j["bits"], path.empty() ? "bits" : path + ".bits", out);
            return;
        }
        for (const auto& [k, v] : j.items())
            out.emplace_back("remove " + (path.empty() ? k : path + "." + k), json());  // marker, resolved by caller
        for (const auto& [k, v] : j.items())
            candidates(v, path.empty() ? k : path + "." + k, out);
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i)
            out.emplace_back("remove " + path + "[" + std::to_string(i) + "]", json());
        for (std::size_t i = 0; i < j.size(); ++i)
            candidates(j[i], path + "[" + std::to_string(i) + "]", out);
    } else if (j.is_boolean() && j.get<bool>()) {
        out.emplace_back("set " + path, false);
    } else if (j.is_string()) {
        const auto v = vectors::parse_int_strict(j.get<std::string>());
        if (!v || *v == 0)
            return;
        const Int x = *v;
        const bool neg = x < 0;
        const Int a = neg ? Int(-x) : x;
        std::vector<Int> smaller = {0, 1};
        const std::string digits = a.str();
        for (std::size_t keep = 1; keep < digits.size() && keep <= 3; ++keep) {
            Int p = 1;
            for (std::size_t i = keep; i < digits.size(); ++i)
                p *= 10;
            smaller.push_back(Int(digits.substr(0, keep)) * p);
        }
        for (Int d = a / 2; d > 0; d /= 2)
            smaller.push_back(a - d);  // halve the distance to the value: big steps first
        smaller.push_back(a - 1);
        for (const auto& s : smaller)
            if (s < a)
                out.emplace_back("set " + path, (neg && s != 0 ? Int(-s) : s).str());
    }
}

/// Apply "remove p" / "set p" (paths like a.b[2].c).
std::optional<json> apply(const json& input, const std::string& op, const json& value)
{
    const bool remove = op.rfind("remove ", 0) == 0;
    const std::string path = op.substr(remove ? 7 : 4);
    json out = input;
    // tokenize
    std::vector<std::variant<std::string, std::size_t>> segs;
    std::size_t i = 0;
    std::string cur;
    while (i < path.size()) {
        if (path[i] == '.') {
            if (!cur.empty())
                segs.emplace_back(cur);
            cur.clear();
            ++i;
        } else if (path[i] == '[') {
            if (!cur.empty())
                segs.emplace_back(cur);
            cur.clear();
            const auto close = path.find(']', i);
            segs.emplace_back(static_cast<std::size_t>(std::stoul(path.substr(i + 1, close - i - 1))));
            i = close + 1;
        } else {
            cur += path[i++];
        }
    }
    if (!cur.empty())
        segs.emplace_back(cur);
    if (segs.empty())
        return std::nullopt;
    json* node = &out;
    for (std::size_t s = 0; s + 1 < segs.size(); ++s) {
        if (std::holds_alternative<std::string>(segs[s]))
            node = &(*node)[std::get<std::string>(segs[s])];
        else
            node = &(*node)[std::get<std::size_t>(segs[s])];
    }
    const auto& last = segs.back();
    if (remove) {
        if (std::holds_alternative<std::string>(last))
            node->erase(std::get<std::string>(last));
        else
            node->erase(std::get<std::size_t>(last));
    } else {
        if (std::holds_alternative<std::string>(last))
            (*node)[std::get<std::string>(last)] = value;
        else
            (*node)[std::get<std::size_t>(last)] = value;
    }
    return out;
}

struct Counterexample
{
    std::string op, ruleset;
    json original_input, input;
    Verdict verdict;
    unsigned steps = 0, calls = 0;
    json expected_response;
};

}  // namespace

// ------------------------------------------------------------------ run

namespace {

int run_random(const Options& o, const Profile* profile, const Filter& filter, std::ostream& out, std::ostream& err)
{
    vectors::Rng rng(o.seed);
    std::vector<Case> cases;
    std::set<std::string> unsupported;
    if (profile)
        unsupported.insert(profile->unsupported_ops.begin(), profile->unsupported_ops.end());
    std::size_t out_of_scope = 0;
    for (const auto& op : vectors::random_ops()) {
        // the rulesets whose era has the op
        std::vector<const Ruleset*> eligible;
        for (const auto& rs : RULESETS)
            if (protocol::op_in_ruleset(op, rs))
                eligible.push_back(&rs);
        for (std::uint64_t i = 0; i < o.random; ++i) {
            const Ruleset& rs = *eligible[rng.below(eligible.size())];
            std::optional<Case> c;
            for (int attempt = 0; attempt < 100 && !c; ++attempt)
                c = reference_case("random/" + op + "/" + std::to_string(o.seed) + "/" + std::to_string(i), std::string(rs.id),
                                   op, vectors::random_input(op, rng, is_balancer_era(rs)));
            if (!c)
                continue;
            if (unsupported.count(op) || (profile && profile->ruleset_unsupported(rs.id)) || !filter.matches(*c)) {
                ++out_of_scope;
                continue;
            }
            cases.push_back(std::move(*c));
        }
    }
    std::vector<const Case*> ptrs;
    for (const auto& c : cases)
        ptrs.push_back(&c);
    EngineStats stats;
    const auto t0 = Clock::now();
    const auto verdicts = run_cases(ptrs, o, profile, stats);

    // shrink each failure (up to the limit) to a local minimum
    std::vector<Counterexample> shrunk;
    std::size_t failures = 0;
    Options single = o;
    single.window = 1;
    Session shrink_session;
    shrink_session.impl = make_impl(o);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        if (!is_failure(verdicts[i].status))
            continue;
        ++failures;
        if (shrunk.size() >= o.shrink_limit)
            continue;
        Counterexample ce;
        ce.op = cases[i].op;
        ce.ruleset = cases[i].ruleset;
        ce.original_input = cases[i].request["input"];
        ce.input = ce.original_input;
        ce.verdict = verdicts[i];
        ce.expected_response = cases[i].expected;
        bool progress = true;
        while (progress && ce.calls < o.shrink_budget) {
            progress = false;
            std::vector<std::pair<std::string, json>> cands;
            candidates(ce.input, "", cands);
            for (const auto& [edit, value] : cands) {
                if (ce.calls >= o.shrink_budget)
                    break;
                const auto next = apply(ce.input, edit, value);
                if (!next || *next == ce.input)
                    continue;
                auto c = reference_case(cases[i].global_id + "/shrink" + std::to_string(ce.calls), ce.ruleset, ce.op, *next);
                if (!c)
                    continue;
                ++ce.calls;
                EngineStats s;
                const auto v = run_in_session(shrink_session, {&*c}, single, profile, s, true);
                if (!v.empty() && is_failure(v[0].status)) {
                    ce.input = *next;
                    ce.verdict = v[0];
                    ce.expected_response = c->expected;
                    ++ce.steps;
                    progress = true;
                    break;
                }
            }
        }
        shrunk.push_back(std::move(ce));
    }
    if (shrink_session.running)
        shrink_session.impl->stop();
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const Totals t = count(verdicts);
    for (const auto& ce : shrunk) {
        out << "MISMATCH " << ce.op << " on " << ce.ruleset << "  [" << to_string(ce.verdict.status) << "]\n";
        out << "    shrunk in " << ce.steps << " steps (" << ce.calls << " implementation calls) to:\n";
        out << "    request: "
            << json({{"id", "min"}, {"ruleset", ce.ruleset}, {"op", ce.op}, {"input", ce.input}}).dump() << "\n";
        out << "    " << ce.verdict.detail << "\n";
        out << "    reference: " << short_json(ce.expected_response, 400) << "\n";
        out << "    original input: " << short_json(ce.original_input, 400) << "\n";
    }
    if (failures > shrunk.size())
        out << "(" << failures - shrunk.size() << " more mismatches not shrunk; --shrink-limit " << o.shrink_limit << ")\n";
    if (!stats.gave_up.empty())
        out << "not run: " << stats.gave_up << "\n";
    out << "random differential check: " << cases.size() << " requests over " << vectors::random_ops().size()
        << " ops, seed " << o.seed << ", " << out_of_scope << " out of scope, " << stats.restarts << " restarts, "
        << std::fixed << std::setprecision(2) << seconds << " s\n";
    if (t.diverged)
        out << t.diverged << " of the passes differ only as the profile declares\n";
    out << t.passed << " passed, " << t.failed << " failed" << (t.skipped ? ", " + std::to_string(t.skipped) + " skipped" : "") << "\n";

    if (o.json_report) {
        json report = {{"report_version", REPORT_VERSION},
                       {"mode", "random"},
                       {"impl", o.impl},
                       {"seed", o.seed},
                       {"requests_per_op", o.random},
                       {"profile", o.profile ? json(o.profile->string()) : json()},
                       {"seconds", seconds},
                       {"restarts", stats.restarts},
                       {"totals", {{"passed", t.passed}, {"passed_with_divergence", t.diverged}, {"failed", t.failed}, {"skipped", t.skipped}, {"out_of_scope", out_of_scope}, {"by_status", t.by_status}}}};
        json ces = json::array();
        for (const auto& ce : shrunk)
            ces.push_back({{"op", ce.op},
                           {"ruleset", ce.ruleset},
                           {"status", to_string(ce.verdict.status)},
                           {"detail", ce.verdict.detail},
                           {"field", ce.verdict.field},
                           {"expected", ce.verdict.expected},
                           {"got", ce.verdict.got},
                           {"input", ce.input},
                           {"original_input", ce.original_input},
                           {"reference_response", ce.expected_response},
                           {"shrink_steps", ce.steps},
                           {"shrink_calls", ce.calls}});
        report["counterexamples"] = ces;
        try {
            write_atomic(*o.json_report, report.dump(2) + "\n");
        } catch (const std::exception& e) {
            err << "dtao conform: " << e.what() << "\n";
            return 2;
        }
    }
    return (t.failed == 0 && t.skipped == 0) ? 0 : 1;
}

}  // namespace

int run(const Options& o, std::ostream& out, std::ostream& err)
{
    Profile profile_storage;
    const Profile* profile = nullptr;
    Filter filter;
    try {
        filter = parse_filters(o.filters);
        if (o.profile) {
            std::ifstream f(*o.profile);
            if (!f)
                throw std::runtime_error("cannot read profile " + o.profile->string());
            const json j = json::parse(f, nullptr, false);
            if (j.is_discarded())
                throw std::runtime_error(o.profile->string() + ": invalid JSON");
            profile_storage = parse_profile(j);
            profile = &profile_storage;
        }
    } catch (const std::exception& e) {
        err << "dtao conform: " << e.what() << "\n";
        return 2;
    }
    if (o.impl.empty()) {
        err << "dtao conform: --impl is required (a shell command, or " << IN_PROCESS << ")\n";
        return 2;
    }
    if (o.random > 0)
        return run_random(o, profile, filter, out, err);

    const auto loaded = vectors::load_vectors(o.vectors_dir);
    for (const auto& e : loaded.errors)
        err << "dtao conform: vector error: " << e << "\n";
    if (!loaded.errors.empty())
        return 2;
    std::vector<const Case*> cases;
    std::size_t out_of_scope = 0, declared_unsupported = 0;
    for (const auto& f : loaded.files)
        for (const auto& c : f.cases) {
            if (!filter.matches(c)) {
                ++out_of_scope;
                continue;
            }
            if (profile && (std::find(profile->unsupported_ops.begin(), profile->unsupported_ops.end(), c.op) !=
                                profile->unsupported_ops.end() ||
                            profile->ruleset_unsupported(c.ruleset))) {
                ++declared_unsupported;
                continue;
            }
            cases.push_back(&c);
        }
    if (cases.empty()) {
        err << "dtao conform: no case in scope (" << loaded.case_count() << " loaded; check --vectors and --filter)\n";
        return 2;
    }
    EngineStats stats;
    const auto t0 = Clock::now();
    const auto verdicts = run_cases(cases, o, profile, stats);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const Totals t = count(verdicts);

    // human summary
    std::size_t listed = 0;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& v = verdicts[i];
        if (is_failure(v.status) && listed < o.max_listed) {
            print_case(out, *cases[i], v);
            ++listed;
        }
    }
    if (t.failed > listed)
        out << "(" << t.failed - listed << " more failures not listed; see the JSON report)\n";
    const json scenarios = scenario_summary(cases, verdicts);
    if (!scenarios.empty()) {
        out << "Scenarios (each block starts from the reference's state, so the first failing block is where the "
               "implementation first diverges):\n";
        for (const auto& sc : scenarios) {
            out << "  " << sc["file"].get<std::string>() << ": ";
            if (sc["first_failing"].is_null()) {
                out << "all " << sc["blocks"].get<std::size_t>() << " blocks pass";
                if (sc["not_run"].get<std::size_t>())
                    out << " (" << sc["not_run"].get<std::size_t>() << " not run)";
                out << "\n";
                continue;
            }
            const json& f = sc["first_failing"];
            out << "first differs at block " << f["id"].get<std::string>() << " (chain block "
                << f["chain_block"].get<std::string>() << "): " << f["detail"].get<std::string>() << "; "
                << sc["failed"].get<std::size_t>() << " of " << sc["blocks"].get<std::size_t>() << " blocks fail\n";
        }
    }
    if (t.diverged) {
        out << "Passed with declared divergence:\n";
        std::map<std::string, std::size_t> per_decl;
        std::size_t shown = 0;
        for (std::size_t i = 0; i < cases.size(); ++i)
            if (verdicts[i].status == Status::pass_with_divergence) {
                for (const auto& d : verdicts[i].divergences)
                    ++per_decl[d];
                if (o.verbose || shown < 10) {
                    out << "  " << cases[i]->global_id << " (";
                    for (std::size_t k = 0; k < verdicts[i].divergences.size(); ++k)
                        out << (k ? ", " : "") << verdicts[i].divergences[k];
                    out << ")\n";
                    ++shown;
                }
            }
        if (shown < t.diverged)
            out << "  … " << t.diverged - shown << " more\n";
        for (const auto& [d, n] : per_decl)
            out << "  declared " << d << ": " << n << " cases\n";
    }
    if (o.verbose)
        for (std::size_t i = 0; i < cases.size(); ++i)
            if (verdicts[i].status == Status::pass)
                out << "PASS " << cases[i]->global_id << "\n";
    std::map<std::string, std::array<std::size_t, 3>> fam;  // passed, failed, skipped
    for (std::size_t i = 0; i < cases.size(); ++i) {
        auto& a = fam[cases[i]->family];
        const auto s = verdicts[i].status;
        ++a[s == Status::not_run ? 2 : is_failure(s) ? 1 : 0];
    }
    out << "By family:";
    for (const auto& [f, a] : fam)
        out << "  " << f << " " << a[0] << "/" << a[0] + a[1] + a[2];
    out << "\n";
    std::string statuses;
    for (const auto& [s, n] : t.by_status)
        statuses += (statuses.empty() ? "" : ", ") + s + " " + std::to_string(n);
    out << "Statuses: " << statuses << "\n";
    if (!stats.gave_up.empty())
        out << "Not run: " << stats.gave_up << "\n";
    out << "Implementation: " << o.impl << "; " << cases.size() << " cases in scope";
    if (out_of_scope)
        out << ", " << out_of_scope << " filtered out";
    if (declared_unsupported)
        out << ", " << declared_unsupported << " for ops or rulesets the profile declares unsupported";
    out << "; " << stats.restarts << " restarts; " << std::fixed << std::setprecision(2) << seconds << " s\n";
    if (t.diverged)
        out << t.diverged << " of the passes differ only as the profile declares\n";
    out << t.passed << " passed, " << t.failed << " failed" << (t.skipped ? ", " + std::to_string(t.skipped) + " skipped" : "") << "\n";

    try {
        if (o.json_report) {
            json list = json::array();
            for (std::size_t i = 0; i < cases.size(); ++i)
                list.push_back(case_report(*cases[i], verdicts[i], false));
            json report = {{"report_version", REPORT_VERSION},
                           {"mode", "vectors"},
                           {"impl", o.impl},
                           {"vectors", o.vectors_dir.string()},
                           {"filters", o.filters},
                           {"profile", o.profile ? json(o.profile->string()) : json()},
                           {"seconds", seconds},
                           {"restarts", stats.restarts},
                           {"gave_up", stats.gave_up.empty() ? json() : json(stats.gave_up)},
                           {"totals",
                            {{"in_scope", cases.size()},
                             {"passed", t.passed},
                             {"passed_with_divergence", t.diverged},
                             {"failed", t.failed},
                             {"skipped", t.skipped},
                             {"filtered_out", out_of_scope},
                             {"declared_unsupported", declared_unsupported},
                             {"by_status", t.by_status}}},
                           {"cases", list}};
            if (!scenarios.empty())
                report["scenarios"] = scenarios;
            write_atomic(*o.json_report, report.dump(1) + "\n");
        }
        if (o.junit_report)
            write_atomic(*o.junit_report, junit(cases, verdicts, seconds));
    } catch (const std::exception& e) {
        err << "dtao conform: " << e.what() << "\n";
        return 2;
    }
    return (t.failed == 0 && t.skipped == 0) ? 0 : 1;
}

}  // namespace dtao::conform
