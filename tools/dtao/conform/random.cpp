// dtao conform: random differential checking (`--random`): generated requests
// against the in-process reference, each mismatch shrunk to a local minimum.
// SPDX-License-Identifier: Apache-2.0
#include "detail.hpp"

#include "decimal.hpp"
#include "output_file.hpp"
#include "protocol.hpp"
#include "values.hpp"

#include "dtao/ruleset.hpp"

#include <iomanip>
#include <set>
#include <sstream>
#include <variant>

namespace dtao::conform::detail {

namespace {

// ------------------------------------------------------------------ random differential checking

/// The reference's case for a request: expected response, exact-model values,
/// flags and intermediates derived as the vector generator derives them for a vector
/// case (vectors::expectation), so a profile declares the same differences here.
std::optional<Case> reference_case(const std::string& id, const std::string& ruleset, const std::string& op,
                                   const json& input)
{
    json request = {{"id", id}, {"ruleset", ruleset}, {"op", op}, {"arithmetic", "chain"}, {"input", input}};
    vectors::Expectation e = vectors::expectation(request);
    if (e.invalid)
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
    c.expected = std::move(e.expected);
    c.exact = std::move(e.exact);
    c.intermediates = std::move(e.intermediates);
    c.flags = vectors::input_flags(input);
    for (const auto& f : e.flags)
        if (std::find(c.flags.begin(), c.flags.end(), f) == c.flags.end())
            c.flags.push_back(f);
    std::sort(c.flags.begin(), c.flags.end());
    if (const auto rs = find_ruleset(ruleset))
        c.intermediate_fields = vectors::intermediate_fields(op, *rs);
    return c;
}

/// A failure's signature: its status and the field that differs (for a wrong
/// value) or "error"/"(outcome)" (for an error mismatch). A shrink step must keep
/// it: a +1 on one field that shrinks into an unrelated crash explains nothing.
std::string signature(const Verdict& v)
{
    return std::string(to_string(v.status)) + (v.field.empty() ? "" : " " + v.field);
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
        const auto v = protocol::parse_decimal(j.get<std::string>(), vectors::file_integer()).value;
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

/// A failure with another signature met while shrinking: reported, never substituted.
struct OtherFailure
{
    Verdict verdict;
    json input;
};

struct Counterexample
{
    std::string op, ruleset;
    json original_input, input;
    Verdict verdict;
    unsigned steps = 0, calls = 0;
    json expected_response;
    std::size_t in_class = 1;  ///< failures of the run with this op and signature
    std::vector<OtherFailure> others;
};

json others_json(const std::vector<OtherFailure>& others)
{
    json a = json::array();
    for (const auto& f : others)
        a.push_back({{"status", to_string(f.verdict.status)},
                     {"field", f.verdict.field},
                     {"detail", f.verdict.detail},
                     {"input", f.input}});
    return a;
}

/// At most this many other failures are kept per counterexample (one per signature).
constexpr std::size_t MAX_OTHERS = 3;

}  // namespace

int run_random(const Options& o, const Profile* profile, const Filter& filter, std::ostream& out, std::ostream& err)
{
    vectors::Rng rng(o.seed);
    std::vector<Case> cases;
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
                c = reference_case("random/" + op + "/" + std::to_string(o.seed) + "/" + std::to_string(i),
                                   std::string(rs.id), op, vectors::random_input(op, rng, rs));
            if (!c)
                continue;
            if ((profile && (profile->op_unsupported(op) || profile->ruleset_unsupported(rs.id))) ||
                !filter.matches(*c)) {
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

    // Shrink the first failure of each class (op and signature) to a local minimum,
    // up to --shrink-limit classes: a thousand failures of one op on one field would
    // otherwise use up the listing before another op's failure is shown.
    std::vector<Counterexample> shrunk;
    std::map<std::string, std::size_t> class_of;  // op + signature -> index into shrunk
    std::size_t unlisted = 0;                     // failures of classes beyond --shrink-limit
    Options single = o;
    single.window = 1;
    Session shrink_session;
    shrink_session.impl = make_impl(o);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        if (!is_failure(verdicts[i].status))
            continue;
        const std::string cls = cases[i].op + " " + signature(verdicts[i]);
        if (const auto it = class_of.find(cls); it != class_of.end()) {
            ++shrunk[it->second].in_class;
            continue;
        }
        if (shrunk.size() >= o.shrink_limit) {
            ++unlisted;
            continue;
        }
        class_of[cls] = shrunk.size();
        Counterexample ce;
        ce.op = cases[i].op;
        ce.ruleset = cases[i].ruleset;
        ce.original_input = cases[i].request["input"];
        ce.input = ce.original_input;
        ce.verdict = verdicts[i];
        ce.expected_response = cases[i].expected;
        // Only a wrong answer shrinks. A timeout, crash or unreadable answer would
        // cost a timeout per shrink step (a hanging implementation took minutes),
        // and an implementation the run gave up on answers nothing at all.
        const bool answered = verdicts[i].status == Status::fail || verdicts[i].status == Status::error_mismatch;
        if (!answered || !stats.gave_up.empty()) {
            shrunk.push_back(std::move(ce));
            continue;
        }
        const std::string sig = signature(ce.verdict);
        std::set<std::string> other_sigs;
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
                auto c =
                    reference_case(cases[i].global_id + "/shrink" + std::to_string(ce.calls), ce.ruleset, ce.op, *next);
                if (!c)
                    continue;
                ++ce.calls;
                EngineStats s;
                const auto v = run_in_session(shrink_session, {&*c}, single, profile, s, true);
                if (!s.gave_up.empty() || (!v.empty() && v[0].status == Status::timeout)) {
                    // one hang is enough: every further step could cost a timeout too
                    if (!v.empty() && ce.others.size() < MAX_OTHERS && other_sigs.insert(signature(v[0])).second)
                        ce.others.push_back({v[0], *next});
                    progress = false;
                    break;
                }
                if (v.empty() || !is_failure(v[0].status))
                    continue;
                if (signature(v[0]) != sig) {
                    if (ce.others.size() < MAX_OTHERS && other_sigs.insert(signature(v[0])).second)
                        ce.others.push_back({v[0], *next});
                    continue;
                }
                ce.input = *next;
                ce.verdict = v[0];
                ce.expected_response = c->expected;
                ++ce.steps;
                progress = true;
                break;
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
        if (ce.verdict.status == Status::fail || ce.verdict.status == Status::error_mismatch)
            out << "    shrunk in " << ce.steps << " steps (" << ce.calls << " implementation calls) to:\n";
        else
            out << "    not shrunk (only wrong answers are):\n";
        out << "    request: "
            << json({{"id", "min"}, {"ruleset", ce.ruleset}, {"op", ce.op}, {"input", ce.input}}).dump() << "\n";
        out << "    " << ce.verdict.detail << "\n";
        out << "    reference: " << short_json(ce.expected_response, 400) << "\n";
        out << "    original input: " << short_json(ce.original_input, 400) << "\n";
        if (ce.in_class > 1)
            out << "    " << ce.in_class - 1 << " more " << ce.op << " requests failed the same way ("
                << signature(ce.verdict) << ")\n";
        for (const auto& other : ce.others)
            out << "    met while shrinking, not substituted: [" << signature(other.verdict) << "] "
                << other.verdict.detail << "; input: " << short_json(other.input, 400) << "\n";
    }
    if (unlisted)
        out << "(" << unlisted << " more mismatches of other classes not shrunk; --shrink-limit " << o.shrink_limit
            << ")\n";
    if (!stats.gave_up.empty())
        out << "not run: " << stats.gave_up << "\n";
    // The ops counted are those with a request in scope: a filter or profile narrows them.
    std::set<std::string> ops_in_scope;
    for (const auto& c : cases)
        ops_in_scope.insert(c.op);
    out << "random differential check: " << cases.size() << " requests over " << ops_in_scope.size()
        << (ops_in_scope.size() == 1 ? " op" : " ops") << ", seed " << o.seed << ", " << out_of_scope
        << " out of scope, " << stats.restarts << " restarts, " << std::fixed << std::setprecision(2) << seconds
        << " s\n";
    print_declared(out, t, "request");
    if (t.diverged)
        out << t.diverged << " of the passes differ only as the profile declares\n";
    out << t.passed << " passed, " << t.failed << " failed"
        << (t.skipped ? ", " + std::to_string(t.skipped) + " skipped" : "") << "\n";

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
                       {"shrink_calls", ce.calls},
                       {"class_failures", ce.in_class},
                       {"other_failures", others_json(ce.others)}});
    bool lost = false;
    if (o.json_report) {
        json report = {{"report_version", REPORT_VERSION},
                       {"mode", "random"},
                       {"impl", o.impl},
                       {"seed", o.seed},
                       {"requests_per_op", o.random},
                       {"profile", o.profile ? json(o.profile->string()) : json()},
                       {"seconds", seconds},
                       {"restarts", stats.restarts},
                       {"totals",
                        {{"passed", t.passed},
                         {"passed_with_divergence", t.diverged},
                         {"failed", t.failed},
                         {"skipped", t.skipped},
                         {"out_of_scope", out_of_scope},
                         {"ops_in_scope", ops_in_scope},
                         {"by_status", t.by_status},
                         {"by_divergence", t.by_divergence},
                         {"largest_divergence", largest_divergence_json(t)}}},
                       {"counterexamples", ces}};
        lost = !write_report(err, "JSON report", [&] { write_atomic(*o.json_report, dump_report(report, 2)); }) || lost;
    }
    if (o.html_report) {
        const HtmlReport r{"random",
                           {{"implementation", o.impl},
                            {"seed", std::to_string(o.seed)},
                            {"requests per op", std::to_string(o.random)},
                            {"profile", o.profile ? o.profile->string() : "(none)"},
                            {"filters", join_filters(o.filters)},
                            {"out of scope", std::to_string(out_of_scope)},
                            {"restarts", std::to_string(stats.restarts)},
                            {"not run because", stats.gave_up.empty() ? "-" : stats.gave_up},
                            {"time", seconds_text(seconds)}},
                           t,
                           cases.size(),
                           ptrs,
                           verdicts,
                           ces};
        lost = !write_report(err, "HTML report", [&] { write_atomic(*o.html_report, html_report(r)); }) || lost;
    }
    if (lost)
        return 2;
    try {
        vectors::check_stream(out, "the summary");
    } catch (const std::exception& e) {
        err << "dtao conform: " << e.what() << "\n";
        return 2;
    }
    return (t.failed == 0 && t.skipped == 0) ? 0 : 1;
}

}  // namespace dtao::conform::detail
