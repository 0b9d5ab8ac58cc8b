// dtao conform: the HTML report, one self-contained file (no script, no external
// asset) that a CI artifact viewer or a browser opens as it is.
// SPDX-License-Identifier: Apache-2.0
#include "detail.hpp"

#include "values.hpp"

#include <array>
#include <iomanip>
#include <sstream>

namespace dtao::conform::detail {

namespace {

// What a browser can show in one page: past this, the JSON report has the rest.
constexpr std::size_t MAX_FAILURES_SHOWN = 500;
constexpr std::size_t MAX_REQUEST_CHARS = 4000;

std::string esc(const std::string& text) { return markup_escape(text); }

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

/// A value as the reader needs it: the JSON, and a fixed-point value's decimal.
std::string value_html(const json& j)
{
    if (j.is_null())
        return "<span class=\"absent\">(absent)</span>";
    std::string s = "<code>" + esc(short_json(j, 400)) + "</code>";
    if (const auto d = fixed_decimal(j))
        s += " <span class=\"decimal\">= " + esc(*d) + "</span>";
    return s;
}

/// got − expected, when both are numbers (fixed-point of one type, integers, rationals).
std::string difference_html(const json& expected, const json& got)
{
    const auto e = vectors::numeric_value(expected);
    const auto g = vectors::numeric_value(got);
    if (!e || !g)
        return {};
    return "<code>" + esc(decimal_string(Rational(*g - *e), 40)) + "</code>";
}

struct Counts
{
    std::size_t in_scope = 0, passed = 0, diverged = 0, failed = 0, skipped = 0;
};

void add(Counts& c, Status s)
{
    ++c.in_scope;
    if (s == Status::pass)
        ++c.passed;
    else if (s == Status::pass_with_divergence) {
        ++c.passed;
        ++c.diverged;
    } else if (s == Status::not_run)
        ++c.skipped;
    else
        ++c.failed;
}

void breakdown(std::ostringstream& h, const std::string& key, const std::string& title,
               const std::map<std::string, Counts>& rows)
{
    h << "<h2 id=\"by-" << key << "\">" << esc(title) << "</h2>\n<table class=\"counts\" id=\"table-" << key
      << "\">\n<tr><th>" << esc(key)
      << "</th><th>in scope</th><th>passed</th><th>of which diverged</th><th>failed</th><th>not "
         "run</th><th></th></tr>\n";
    for (const auto& [name, c] : rows) {
        const double ok = c.in_scope ? 100.0 * static_cast<double>(c.passed) / static_cast<double>(c.in_scope) : 0;
        h << "<tr" << (c.failed ? " class=\"bad\"" : "") << "><td>" << esc(name) << "</td><td>" << c.in_scope
          << "</td><td>" << c.passed << "</td><td>" << c.diverged << "</td><td>" << c.failed << "</td><td>" << c.skipped
          << "</td><td><div class=\"bar\"><div class=\"ok\" style=\"width:" << std::fixed << std::setprecision(1) << ok
          << "%\"></div></div></td></tr>\n";
    }
    h << "</table>\n";
}

void row(std::ostringstream& h, const std::string& name, const std::string& value_html_text)
{
    h << "<tr><th>" << esc(name) << "</th><td>" << value_html_text << "</td></tr>\n";
}

void request_block(std::ostringstream& h, const json& request, const char* what)
{
    std::string text = dump(request);
    const bool cut = text.size() > MAX_REQUEST_CHARS;
    if (cut)
        text = valid_utf8(text.substr(0, MAX_REQUEST_CHARS));
    h << "<details><summary>" << what << (cut ? " (first 4 000 characters; the JSON report has it whole)" : "")
      << "</summary><pre>" << esc(text) << (cut ? "…" : "") << "</pre></details>\n";
}

void intermediates_table(std::ostringstream& h, const json& intermediates)
{
    if (!intermediates.is_object() || intermediates.empty())
        return;
    h << "<table class=\"intermediates\"><tr><th>intermediate</th><th>expected</th><th>got</th><th></th></tr>\n";
    for (const auto& [path, pair] : intermediates.items()) {
        const json e = pair.contains("expected") ? pair["expected"] : json();
        const json g = pair.contains("got") ? pair["got"] : json();
        h << "<tr" << (e == g ? "" : " class=\"bad\"") << "><td>" << esc(path) << "</td><td>" << value_html(e)
          << "</td><td>" << value_html(g) << "</td><td>" << (e == g ? "same" : "differs") << "</td></tr>\n";
    }
    h << "</table>\n";
}

const char* const STYLE =
    R"(body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:78em;padding:0 1em;color:#1d1d1f;background:#fff}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}th,td{padding:.25em .7em;border:1px solid #ddd;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f4f4f6}tr.bad td{background:#fff1f0}code,pre{font:12px/1.4 ui-monospace,monospace}
pre{white-space:pre-wrap;word-break:break-all;background:#f7f7f9;padding:.6em;max-height:24em;overflow:auto}
.verdict{font-size:1.3em;font-weight:600;padding:.4em .8em;display:inline-block;border-radius:4px}
.verdict.pass{background:#e3f6e5;color:#17651f}.verdict.fail{background:#fde2e1;color:#a11}
.bar{width:10em;height:.8em;background:#f3b9b5}.bar .ok{height:100%;background:#4caf50}
.failure{border:1px solid #e6b3b0;border-left:6px solid #c62828;padding:.5em 1em;margin:1em 0}
.failure h3{margin:.2em 0;font-size:1em;word-break:break-all}.decimal{color:#0b5394}.absent{color:#888}
.totals td{font-weight:600;text-align:right})";

}  // namespace

std::string join_filters(const std::vector<std::string>& filters)
{
    std::string s;
    for (const auto& f : filters)
        s += (s.empty() ? "" : " ") + f;
    return s.empty() ? "(none)" : s;
}

std::string html_report(const HtmlReport& r)
{
    const Totals& t = r.totals;
    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>dtao conform: " << esc(r.mode)
      << " report</title>\n<style>" << STYLE << "</style>\n</head>\n<body>\n";
    h << "<h1>dtao conform: " << esc(r.mode) << " report</h1>\n";
    const bool ok = t.failed == 0 && t.skipped == 0;
    h << "<p class=\"verdict " << (ok ? "pass" : "fail") << "\" id=\"verdict\">" << (ok ? "PASS" : "FAIL") << ": "
      << t.passed << " passed, " << t.failed << " failed"
      << (t.skipped ? ", " + std::to_string(t.skipped) + " not run" : "") << "</p>\n";

    h << "<h2 id=\"run\">Run</h2>\n<table>\n";
    for (const auto& [k, v] : r.facts)
        row(h, k, "<code>" + esc(v) + "</code>");
    h << "</table>\n";

    h << "<h2 id=\"summary\">Summary</h2>\n<table class=\"totals\" id=\"totals\">\n";
    const std::array<std::pair<const char*, std::size_t>, 5> totals = {{{"in-scope", r.in_scope},
                                                                        {"passed", t.passed},
                                                                        {"passed-with-divergence", t.diverged},
                                                                        {"failed", t.failed},
                                                                        {"not-run", t.skipped}}};
    for (const auto& [k, n] : totals)
        h << "<tr><th>" << k << "</th><td id=\"total-" << k << "\">" << n << "</td></tr>\n";
    h << "</table>\n<table id=\"statuses\"><tr><th>status</th><th>count</th></tr>\n";
    for (const auto& [s, n] : t.by_status)
        h << "<tr><td>" << esc(s) << "</td><td>" << n << "</td></tr>\n";
    h << "</table>\n";

    if (!t.by_divergence.empty()) {
        h << "<h2 id=\"declared\">Declared divergences</h2>\n<table id=\"table-declared\"><tr><th>profile "
             "entry</th><th>passes it covered</th><th>largest |got &minus; expected|</th></tr>\n";
        for (const auto& [d, n] : t.by_divergence) {
            const auto it = t.largest_divergence.find(d);
            h << "<tr><td>" << esc(d) << "</td><td>" << n << "</td><td>"
              << (it == t.largest_divergence.end() ? "" : "<code>" + esc(decimal_string(it->second, 40)) + "</code>")
              << "</td></tr>\n";
        }
        h << "</table>\n";
    }

    std::map<std::string, Counts> by_family, by_op, by_ruleset;
    for (std::size_t i = 0; i < r.cases.size(); ++i) {
        const Case& c = *r.cases[i];
        const Status s = r.verdicts[i].status;
        add(by_family[c.family], s);
        add(by_op[c.op], s);
        add(by_ruleset[c.ruleset], s);
    }
    breakdown(h, "family", "By family", by_family);
    breakdown(h, "op", "By op", by_op);
    breakdown(h, "ruleset", "By ruleset", by_ruleset);

    if (r.counterexamples.is_array()) {
        h << "<h2 id=\"failures\">Counterexamples (shrunk), " << r.counterexamples.size() << "</h2>\n";
        for (const auto& ce : r.counterexamples) {
            h << "<section class=\"failure\">\n<h3>" << esc(ce.value("op", "")) << " under "
              << esc(ce.value("ruleset", "")) << ": " << esc(ce.value("status", "")) << "</h3>\n<table>\n";
            row(h, "detail", esc(ce.value("detail", "")));
            if (!ce.value("field", "").empty()) {
                row(h, "field", "<code>" + esc(ce.value("field", "")) + "</code>");
                row(h, "expected", value_html(ce["expected"]));
                row(h, "got", value_html(ce["got"]));
                if (const std::string d = difference_html(ce["expected"], ce["got"]); !d.empty())
                    row(h, "got &minus; expected", d);
            }
            row(h, "requests of this class", std::to_string(ce.value("class_failures", std::size_t{0})));
            row(h, "shrink steps", std::to_string(ce.value("shrink_steps", std::size_t{0})));
            h << "</table>\n";
            request_block(h, ce["input"], "input (shrunk)");
            request_block(h, ce["original_input"], "input (as first failed)");
            h << "</section>\n";
        }
    } else {
        std::size_t failures = 0;
        for (const auto& v : r.verdicts)
            failures += is_failure(v.status) ? 1 : 0;
        h << "<h2 id=\"failures\">Failures, " << failures << "</h2>\n";
        if (failures > MAX_FAILURES_SHOWN)
            h << "<p>The first " << MAX_FAILURES_SHOWN << " are shown; the JSON report lists every one.</p>\n";
        std::size_t shown = 0;
        for (std::size_t i = 0; i < r.cases.size() && shown < MAX_FAILURES_SHOWN; ++i) {
            const Case& c = *r.cases[i];
            const Verdict& v = r.verdicts[i];
            if (!is_failure(v.status))
                continue;
            ++shown;
            h << "<section class=\"failure\" id=\"case-" << i << "\">\n<h3>" << esc(c.global_id) << "</h3>\n<table>\n";
            row(h, "status", "<code>" + std::string(to_string(v.status)) + "</code>");
            row(h, "op", esc(c.op));
            row(h, "ruleset", esc(c.ruleset));
            row(h, "family", esc(c.family));
            row(h, "file", esc(c.file));
            row(h, "probes", esc(c.comment));
            if (!v.detail.empty())
                row(h, "detail", esc(v.detail));
            if (!v.field.empty()) {
                row(h, "field", "<code class=\"field\">" + esc(v.field) + "</code>");
                row(h, "expected", value_html(v.expected));
                row(h, "got", value_html(v.got));
                if (const std::string d = difference_html(v.expected, v.got); !d.empty())
                    row(h, "got &minus; expected", d);
                if (c.exact.is_object() && c.exact.contains("fields") && c.exact["fields"].contains(v.field))
                    row(h, "exact model", value_html(c.exact["fields"][v.field]));
            }
            h << "</table>\n";
            intermediates_table(h, v.intermediates);
            request_block(h, c.request, "request");
            h << "</section>\n";
        }
    }
    h << "</body>\n</html>\n";
    return h.str();
}

}  // namespace dtao::conform::detail
