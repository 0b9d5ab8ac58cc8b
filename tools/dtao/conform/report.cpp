// dtao conform: reports: totals, the JSON report's cases, JUnit XML, the
// per-scenario summary, the human summary's failing cases.
// SPDX-License-Identifier: Apache-2.0
#include "detail.hpp"

#include "decimal.hpp"

#include "output_file.hpp"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <unistd.h>

namespace dtao::conform::detail {

std::string markup_escape(const std::string& text)
{
    const std::string s = valid_utf8(text);
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

void write_atomic(const std::filesystem::path& path, const std::string& bytes)
{
    vectors::write_file_atomic(path, bytes);
}

bool write_report(std::ostream& err, const std::string& what, const std::function<void()>& write)
{
    try {
        write();
        return true;
    } catch (const std::exception& e) {
        err << "dtao conform: " << what << ": " << e.what() << "\n";
        return false;
    }
}

std::string seconds_text(double seconds)
{
    std::ostringstream s;
    s << std::fixed << std::setprecision(2) << seconds << " s";
    return s.str();
}

std::string dump_report(const json& report, int indent)
{
    return report.dump(indent, ' ', false, json::error_handler_t::replace) + "\n";
}

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
            for (const auto& d : v.divergences)
                ++t.by_divergence[d];
            for (const auto& [d, size] : v.divergence_size) {
                const auto [it, fresh] = t.largest_divergence.emplace(d, size);
                if (!fresh && it->second < size)
                    it->second = size;
            }
        } else if (v.status == Status::not_run)
            ++t.skipped;
        else
            ++t.failed;
    }
    return t;
}

json largest_divergence_json(const Totals& t)
{
    json o = json::object();
    for (const auto& [d, size] : t.largest_divergence)
        o[d] = decimal_string(size, 40);
    return o;
}

void print_declared(std::ostream& out, const Totals& t, const char* unit)
{
    for (const auto& [d, n] : t.by_divergence) {
        out << "  declared " << d << ": " << n << " " << unit << (n == 1 ? "" : "s");
        if (const auto it = t.largest_divergence.find(d); it != t.largest_divergence.end())
            out << ", largest |got - expected| " << decimal_string(it->second);
        out << "\n";
    }
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
    if (!v.divergence_size.empty()) {
        json sizes = json::object();
        for (const auto& [entry, size] : v.divergence_size)
            sizes[entry] = dtao::to_string(size);
        o["divergence_size"] = sizes;
    }
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

namespace {

/// A rational as `to_string` writes it: "p" or "p/q".
std::optional<Rational> parse_rational(const std::string& text)
{
    const auto slash = text.find('/');
    const auto p = protocol::parse_decimal(text.substr(0, slash), {.allow_negative = true, .max_digits = 100000});
    if (!p)
        return std::nullopt;
    if (slash == std::string::npos)
        return Rational(*p.value);
    const auto q = protocol::parse_decimal(text.substr(slash + 1), {.max_digits = 100000, .lo = Int(1)});
    if (!q)
        return std::nullopt;
    return Rational(*p.value, *q.value);
}

}  // namespace

Verdict verdict_from_report(const json& entry, const std::string& where)
{
    const auto bad = [&](const std::string& what) { throw std::runtime_error(where + ": " + what); };
    if (!entry.is_object() || !entry.contains("status") || !entry["status"].is_string())
        bad("not a case of a JSON report (no status)");
    Verdict v;
    const std::string status = entry["status"].get<std::string>();
    bool known = false;
    for (int k = 0; k <= static_cast<int>(Status::not_run) && !known; ++k)
        if (status == to_string(static_cast<Status>(k))) {
            v.status = static_cast<Status>(k);
            known = true;
        }
    if (!known)
        bad("unknown status \"" + status + "\"");
    const auto text = [&](const char* key) {
        const json& x = entry.value(key, json(""));
        if (!x.is_string())
            bad(std::string(key) + ": expected a string");
        return x.get<std::string>();
    };
    v.detail = text("detail");
    v.field = text("field");
    v.expected = entry.value("expected", json());
    v.got = entry.value("got", json());
    if (entry.contains("divergences")) {
        if (!entry["divergences"].is_array())
            bad("divergences: expected an array");
        for (const auto& d : entry["divergences"]) {
            if (!d.is_string())
                bad("divergences: expected strings");
            v.divergences.push_back(d.get<std::string>());
        }
    }
    const json sizes = entry.value("divergence_size", json::object());
    for (const auto& [id, size] : sizes.items()) {
        const auto r = size.is_string() ? parse_rational(size.get<std::string>()) : std::nullopt;
        if (!r)
            bad("divergence_size." + id + ": expected a rational p or p/q");
        v.divergence_size[id] = *r;
    }
    v.intermediates = entry.value("intermediate_values", json::object());
    const json& ms = entry.value("ms", json(0));
    if (!ms.is_number())
        bad("ms: expected a number");
    v.ms = ms.get<double>();
    return v;
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
        x << "  <testsuite name=\"" << markup_escape(file) << "\" tests=\"" << idx.size() << "\" failures=\""
          << t.failed << "\" errors=\"0\" skipped=\"" << t.skipped << "\" time=\"" << secs << "\">\n";
        for (auto i : idx) {
            const Case& c = *cases[i];
            const Verdict& v = verdicts[i];
            x << "    <testcase classname=\"" << markup_escape(c.ruleset + "." + c.family + "." + c.name)
              << "\" name=\"" << markup_escape(c.id) << "\" time=\"" << v.ms / 1000 << "\"";
            if (v.status == Status::pass) {
                x << "/>\n";
                continue;
            }
            x << ">\n";
            if (v.status == Status::not_run)
                x << "      <skipped message=\"" << markup_escape(v.detail) << "\"/>\n";
            else if (v.status == Status::pass_with_divergence) {
                std::string d;
                for (const auto& s : v.divergences)
                    d += (d.empty() ? "" : ", ") + s;
                x << "      <system-out>" << markup_escape("pass with declared divergence: " + d) << "</system-out>\n";
            } else {
                x << "      <failure type=\"" << to_string(v.status) << "\" message=\"" << markup_escape(v.detail)
                  << "\">"
                  << markup_escape("request: " + c.request.dump() + "\ncomment: " + c.comment +
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
        json f = {{"id", c.id},
                  {"global_id", c.global_id},
                  {"chain_block", chain_block},
                  {"status", to_string(v.status)},
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
    out << (v.status == Status::pass_with_divergence ? "DIVERGED " : "FAIL ") << c.global_id << "  ["
        << to_string(v.status) << ", " << c.op << "]\n";
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
                out << "    intermediate " << path << ": expected " << show_value(pair["expected"], 120) << ", got "
                    << show_value(pair["got"], 120) << (pair["expected"] == pair["got"] ? "  (same)" : "  (differs)")
                    << "\n";
        if (!c.intermediates.empty())
            out << "    more intermediates (expected): " << short_json(c.intermediates, 400) << "\n";
        if (!c.exact.is_null() && c.exact.contains("fields") && !v.field.empty() && c.exact["fields"].contains(v.field))
            out << "    exact model: " << v.field << " = " << c.exact["fields"][v.field].dump() << "\n";
        out << "    request: " << short_json(c.request, 400) << "\n";
    }
}

}  // namespace dtao::conform::detail
