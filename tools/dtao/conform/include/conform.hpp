// dtao: `dtao conform`, the conformance runner.
// SPDX-License-Identifier: Apache-2.0
//
// Streams the vectors to an implementation speaking the `dtao eval` protocol
// (a subprocess, or the in-process reference), judges each response field by
// field, applies a divergence profile, and writes a human summary, a JSON
// report, JUnit XML and a self-contained HTML report. Report format: vectors/README.md (report version 1).
#pragma once

#include "shard.hpp"
#include "vectors.hpp"

#include "dtao/numeric/arith.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dtao::conform {

using json = nlohmann::json;

/// Version of the JSON report and of the divergence-profile format.
inline constexpr int REPORT_VERSION = 1;
inline constexpr int PROFILE_VERSION = 1;

/// `--impl @reference`: the in-process reference (no subprocess).
inline constexpr const char* IN_PROCESS = "@reference";

enum class Status
{
    pass,
    pass_with_divergence,
    fail,                ///< a field differs (not as declared)
    error_mismatch,      ///< error where an output was expected, or another error token, or vice versa
    malformed_response,  ///< not JSON, not an object, neither/both of output and error
    wrong_id,            ///< the response answers another request (wrong id or out of order)
    timeout,             ///< no response within the per-case timeout
    crashed,             ///< the implementation exited (or closed its output) before answering
    oversized_response,  ///< a response line longer than the limit
    not_run,             ///< in scope but never answered (total timeout, implementation gave up)
};
[[nodiscard]] const char* to_string(Status s);
[[nodiscard]] bool is_failure(Status s);

struct Options
{
    std::string impl;
    std::filesystem::path vectors_dir = "vectors";
    std::vector<std::string> filters;  ///< key=value[,value]: op, family, ruleset, flag, rule, id, file, group
    std::optional<std::filesystem::path> profile;
    double case_timeout_s = 10.0;
    double total_timeout_s = 0.0;  ///< 0: none
    std::size_t max_response_bytes = 4u << 20;
    unsigned max_restarts = 25;
    std::size_t window = 256;  ///< requests in flight
    std::optional<std::filesystem::path> json_report;
    std::optional<std::filesystem::path> junit_report;
    std::optional<std::filesystem::path> html_report;
    bool verbose = false;         ///< list passing cases too
    std::size_t max_listed = 50;  ///< failures listed in the human summary
    /// Implementations run at once, each on a contiguous part of the cases (vector mode).
    unsigned jobs = 1;
    /// Run only this shard's cases: the k-th case in scope (after --filter and the profile)
    /// belongs to shard k mod n. `merge` joins the shards' JSON reports into the whole run's.
    std::optional<vectors::Shard> shard;
    // random differential mode
    std::uint64_t random = 0;  ///< requests per op; 0: run the vectors
    std::uint64_t seed = 1;
    std::size_t shrink_limit = 10;    ///< counterexamples shrunk
    std::size_t shrink_budget = 400;  ///< implementation calls per counterexample
};

/// Run the runner. Returns the process exit code: 0 when nothing failed and
/// every case in scope ran; 1 when something failed or did not run; 2 on a
/// usage, vector or profile error.
int run(const Options& options, std::ostream& out, std::ostream& err);

/// `dtao conform merge`: the JSON reports of every shard of one vector run (`--shard i/n`).
struct MergeOptions
{
    std::vector<std::filesystem::path> reports;
    /// The vectors the shards ran; default: the path their reports name.
    std::optional<std::filesystem::path> vectors_dir;
    std::optional<std::filesystem::path> json_report;
    std::optional<std::filesystem::path> junit_report;
    std::optional<std::filesystem::path> html_report;
    bool verbose = false;
    std::size_t max_listed = 50;
};

/// Join the shards' reports into the whole run's summary and reports, as one unsharded run
/// would have written them (times aside). The shards must be every shard of one run, each
/// once, on the same vectors, filters, profile and implementation; each case is checked
/// against the vectors' own. Exit code as `run`'s: 0 nothing failed, 1 something failed or
/// did not run, 2 when the reports are not the shards of one run.
int merge(const MergeOptions& options, std::ostream& out, std::ostream& err);

// ------------------------------------------------------------------ pieces, for tests and the benchmark

struct Divergence
{
    std::string id;
    std::vector<std::string> ops;     ///< globs; empty: any
    std::vector<std::string> fields;  ///< globs over output paths; empty: any
    std::vector<std::string> flags_any;
    bool any = false;      ///< any value, absent or unexpected field included
    bool outcome = false;  ///< a different outcome (error vs output, other token)
    std::optional<Rational> abs;
    std::optional<Rational> rel;
    std::optional<Rational> below;    ///< extra allowance when got < expected (one-sided)
    std::string rel_of = "expected";  ///< "expected" or "input.<field>" or "expected.<path>"
    bool against_exact = false;       ///< measure from the exact-model value (the case's `exact`), not the chain's
    std::string reason;
};

struct Profile
{
    std::string implementation;
    /// Ops the implementation does not answer. A profile gives this or
    /// `supported_ops`, not both; every name is an op of `dtao ops`.
    std::vector<std::string> unsupported_ops;
    /// The ops the implementation answers, if the profile lists them: every other
    /// op is unsupported, so an op added to the protocol later is out of scope
    /// for an existing profile instead of a failure.
    std::optional<std::vector<std::string>> supported_ops;
    /// Rulesets the implementation does not implement (e.g. the Balancer era): their
    /// cases are skipped and counted as declared unsupported, like unsupported ops.
    std::vector<std::string> unsupported_rulesets;
    std::vector<Divergence> divergences;
    [[nodiscard]] bool op_unsupported(std::string_view op) const
    {
        if (supported_ops)
            return std::find(supported_ops->begin(), supported_ops->end(), op) == supported_ops->end();
        return std::find(unsupported_ops.begin(), unsupported_ops.end(), op) != unsupported_ops.end();
    }
    [[nodiscard]] bool ruleset_unsupported(std::string_view id) const
    {
        for (const auto& r : unsupported_rulesets)
            if (r == id)
                return true;
        return false;
    }
};

/// Parse a divergence profile (vectors/README.md). Throws std::runtime_error.
[[nodiscard]] Profile parse_profile(const json& j);

struct Verdict
{
    Status status = Status::not_run;
    std::string detail;                    ///< one line: what differed
    std::string field;                     ///< first differing field (output path), if any
    json expected;                         ///< its expected value
    json got;                              ///< the value received
    std::vector<std::string> divergences;  ///< profile entries applied
    /// Per entry applied to a numeric value: the largest |got − expected| it
    /// accepted in this case (measured from the exact value for `"reference": "exact"`).
    std::map<std::string, Rational> divergence_size;
    json intermediates = json::object();  ///< on a field failure: path -> {expected, got} of the op's intermediates
    double ms = 0;
};

/// Judge one parsed response against a case (the id is checked by the caller).
[[nodiscard]] Verdict judge(const vectors::Case& c, const json& response, const Profile* profile);

/// Run `cases` against an implementation; one verdict per case, in order.
/// `impl` is a shell command or IN_PROCESS. Never throws.
struct EngineStats
{
    unsigned restarts = 0;
    std::string gave_up;  ///< why remaining cases were not run, if so
};
[[nodiscard]] std::vector<Verdict> run_cases(const std::vector<const vectors::Case*>& cases, const Options& options,
                                             const Profile* profile, EngineStats& stats);

}  // namespace dtao::conform
