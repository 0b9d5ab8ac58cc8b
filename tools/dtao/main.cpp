// dtao: the command-line tool of the dTAO conformance harness.
// SPDX-License-Identifier: Apache-2.0
#include "archive.hpp"
#include "chainstate.hpp"
#include "chainstate_vectors.hpp"
#include "conform.hpp"
#include "output_file.hpp"
#include "protocol.hpp"
#include "scenario.hpp"
#include "scenario_vectors.hpp"
#include "vectors.hpp"

#include "dtao/ruleset.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <iostream>

namespace {

/// Requests `dtao demo` evaluates: one per op family, on the launch ruleset.
const char* const DEMO_REQUESTS[] = {
    R"({"id":"emission-genesis","ruleset":"v2.0.1","op":"block_emission","input":{"issuance":"0"}})",
    R"({"id":"emission-first-halving","ruleset":"v2.0.1","op":"block_emission","input":{"issuance":"10500000000000000"}})",
    R"({"id":"emission-first-halving-exact","ruleset":"v2.0.1","op":"block_emission","arithmetic":"exact","input":{"issuance":"10500000000000000"}})",
    R"({"id":"price","ruleset":"v2.0.1","op":"alpha_price","input":{"subnet_tao":"150000000000","subnet_alpha_in":"100000000000"}})",
    R"({"id":"buy","ruleset":"v2.0.1","op":"sim_swap_tao_for_alpha","input":{"subnet_tao":"10000000000","subnet_alpha_in":"5000000000","amount":"1000000000"}})",
    R"({"id":"buy-exact","ruleset":"v2.0.1","op":"sim_swap_tao_for_alpha","arithmetic":"exact","input":{"subnet_tao":"10000000000","subnet_alpha_in":"5000000000","amount":"1000000000"}})",
    R"({"id":"sell-too-deep","ruleset":"v2.0.1","op":"sim_swap_alpha_for_tao","input":{"subnet_tao":"20000000","subnet_alpha_in":"20000000","amount":"30000000"}})",
    R"({"id":"limit-add","ruleset":"v2.0.1","op":"max_amount_add","input":{"subnet_tao":"150000000000","subnet_alpha_in":"100000000000","limit_price":"3000000000"}})",
    R"({"id":"ema","ruleset":"v2.0.10","op":"update_moving_price","input":{"subnet_tao":"1000000","subnet_alpha_in":"1000000","subnet_moving_price":{"type":"I96F32","bits":"0"},"block":"201600","first_emission_block_number":"1"}})",
    R"({"id":"coinbase","ruleset":"v2.0.1","op":"coinbase","input":{"block_emission":"100000000","state":{"block":"1","subnet_owner_cut":"0","tao_weight":"0","subnets":[{"netuid":"1","subnet_moving_price":{"type":"I96F32","bits":"4294967296"},"tempo":"0"},{"netuid":"2","subnet_moving_price":{"type":"I96F32","bits":"8589934592"},"tempo":"0"}]}}})",
    R"({"id":"malformed","ruleset":"v2.0.1","op":"block_emission","input":{"issuance":"010"}})",
};

int run_eval(std::istream& in, std::ostream& out)
{
    std::string line;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;  // blank lines carry no request
        // `replace`: a response always serialises, so one odd line cannot end the stream.
        out << dtao::protocol::evaluate_line(line).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
            << '\n';
        // per line: a lost response must stop the stream, not be noticed at the end
        dtao::vectors::check_stream(out, "the responses");
    }
    if (in.bad())
        throw std::runtime_error("cannot read the requests");
    return 0;
}

}  // namespace

namespace {

/// The generator kinds of the parts the vector generator does not depend on: the scenario
/// engine's and the chain-storage decoder's.
dtao::vectors::Generators generator_kinds()
{
    auto kinds = dtao::scenario::vector_generators();
    for (auto& [name, g] : dtao::chainstate::vector_generators())
        kinds.emplace(name, g);
    return kinds;
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"dtao: conformance and fuzzing harness for Bittensor's dynamic TAO (dTAO) rules.\n"
                 "The reference answers the JSON Lines protocol of spec/protocol.md."};
    app.require_subcommand(1);

    std::string input_file;
    auto* eval =
        app.add_subcommand("eval", "Answer JSON Lines requests (stdin or --input) with one response line each, "
                                   "in order; a bad line gets an error response and the stream goes on");
    eval->add_option("-i,--input", input_file, "Read requests from this file instead of stdin")
        ->check(CLI::ExistingFile);

    app.add_subcommand("demo", "Evaluate a handful of example requests and print each request and its response");
    app.add_subcommand("rulesets", "List the rulesets this reference implements (subtensor release tags, and "
                                   "mainnet-N for mainnet from spec N) with the mainnet spec versions each covers "
                                   "(a request names one as spec:N)");
    app.add_subcommand("ops", "List the ops of the eval protocol with the rule each implements");
    app.add_subcommand("version", "Print the tool and eval-protocol versions");

    // ---- vectors
    std::string vectors_dir = std::string(DTAO_SOURCE_DIR) + "/vectors";
    std::string fillers_dir;
    auto* vec = app.add_subcommand("vectors", "Published test vectors: generate, check, index (vectors/README.md)");
    vec->require_subcommand(1);
    auto* vgen = vec->add_subcommand("generate", "Regenerate every vector file, schema and the index from the fillers "
                                                 "(expected values from the reference); writes only files that change");
    auto* vcheck = vec->add_subcommand("check", "Regenerate in memory and fail if any committed file differs "
                                                "(byte for byte), is missing or is stale; also load every file");
    auto* vindex = vec->add_subcommand("index", "Print the index: files, families, case counts (of a directory or a "
                                                "release archive)");
    auto* vpack = vec->add_subcommand(
        "pack", "Write the release archive dtao-vectors-v<schema_version>-<index sha256, 12 hex>.tar (uncompressed "
                "ustar, deterministic: index.json, schemas, vector files; vectors/README.md) after verifying every "
                "file against the index; prints its path and SHA-256");
    std::string pack_out = ".";
    vpack->add_option("-o,--out", pack_out, "The directory to write the archive into")->capture_default_str();
    for (auto* sc : {vgen, vcheck, vindex, vpack}) {
        sc->add_option("--vectors", vectors_dir, "The vectors directory")->capture_default_str();
        if (sc != vindex && sc != vpack)
            sc->add_option("--fillers", fillers_dir, "The fillers directory (default: <vectors>/fillers)");
    }

    // ---- conform
    dtao::conform::Options co;
    auto* conform = app.add_subcommand(
        "conform", "Run the vectors (or --random requests) against an implementation "
                   "speaking the `dtao eval` protocol; exit 0 only if nothing failed and every case ran");
    // Required unless `conform merge` runs instead; dtao::conform::run says so when it is missing.
    conform->add_option("--impl", co.impl,
                        "Shell command that starts the implementation (stdin/stdout JSON Lines), or @reference for the "
                        "in-process reference (required)");
    conform
        ->add_option("--vectors", vectors_dir,
                     "The vectors directory, or a release archive (`dtao vectors pack`), verified against its index")
        ->capture_default_str();
    conform->add_option(
        "--filter", co.filters,
        "key=glob[,glob...] ('*', '?') or key==literal, with key op, family, ruleset, flag, rule, id, file or "
        "group. Filters with the same key OR, filters with different keys AND");
    std::string profile_path, json_path, junit_path, html_path;
    conform
        ->add_option(
            "--profile", profile_path,
            "Divergence profile (JSON): the ops the implementation answers (supported_ops) or not "
            "(unsupported_ops), and declared, accepted differences; an unknown op, ruleset or flag is an error")
        ->check(CLI::ExistingFile);
    conform->add_option("--json", json_path, "Write the JSON report here (atomically)");
    conform->add_option("--junit", junit_path, "Write JUnit XML here (atomically)");
    conform->add_option("--html", html_path,
                        "Write a self-contained HTML report here (atomically): totals, tables by family, op and "
                        "ruleset, each failure with expected, got, the difference and the intermediates");
    conform->add_option("--timeout", co.case_timeout_s, "Per-case timeout, seconds (more than 0, at most a week)")
        ->capture_default_str();
    conform->add_option("--total-timeout", co.total_timeout_s, "Total timeout, seconds (0: none; at most a week)")
        ->capture_default_str();
    conform
        ->add_option("--max-response-bytes", co.max_response_bytes,
                     "Longest accepted response line; a longer one is oversized_response")
        ->capture_default_str();
    conform
        ->add_option("--max-restarts", co.max_restarts,
                     "Restarts of a crashed or killed implementation before giving up")
        ->capture_default_str();
    conform->add_option("--window", co.window, "Requests in flight (1: strictly one at a time)")->capture_default_str();
    conform->add_option("--max-listed", co.max_listed, "Failures listed in the summary")->capture_default_str();
    conform->add_flag("-v,--verbose", co.verbose, "List passing cases too");
    conform->add_option(
        "--random", co.random,
        "Random differential mode: this many generated requests per op, checked against the in-process reference; "
        "each request carries the flags and exact-model values a vector would, so a profile means the same");
    conform->add_option("--seed", co.seed, "Seed of --random")->capture_default_str();
    conform
        ->add_option("--shrink-limit", co.shrink_limit,
                     "Failure classes (op, status and field) shrunk in --random mode: one counterexample each")
        ->capture_default_str();
    conform
        ->add_option("--shrink-budget", co.shrink_budget,
                     "Implementation calls per shrink; a step must keep the failure's status and field")
        ->capture_default_str();
    conform
        ->add_option("-j,--jobs", co.jobs,
                     "Run this many implementations at once, each on a contiguous part of the cases; the verdicts and "
                     "reports do not depend on it (vector mode)")
        ->check(CLI::Range(1u, 1024u))
        ->capture_default_str();
    std::string conform_shard;
    conform->add_option("--shard", conform_shard,
                        "i/n: run only the cases k (in scope, in vector order) with k mod n = i; join the shards' "
                        "--json reports with `dtao conform merge` (vector mode)");
    conform->require_subcommand(0, 1);
    dtao::conform::MergeOptions cm;
    auto* cmerge = conform->add_subcommand(
        "merge", "Join the --json reports of every shard of one `dtao conform --shard i/n` run into the whole run's "
                 "summary and reports, as one run would have written them; each case is checked against the vectors");
    std::vector<std::string> cmerge_reports;
    std::string cmerge_vectors, cmerge_json, cmerge_junit, cmerge_html;
    cmerge->add_option("reports", cmerge_reports, "The shards' JSON reports (each shard once)")
        ->required()
        ->check(CLI::ExistingFile);
    cmerge->add_option("--vectors", cmerge_vectors,
                       "The vectors the shards ran (default: the path their reports name)");
    cmerge->add_option("--json", cmerge_json, "Write the merged JSON report here (atomically)");
    cmerge->add_option("--junit", cmerge_junit, "Write the merged JUnit XML here (atomically)");
    cmerge->add_option("--html", cmerge_html, "Write the merged HTML report here (atomically)");
    cmerge->add_option("--max-listed", cm.max_listed, "Failures listed in the summary")->capture_default_str();
    cmerge->add_flag("-v,--verbose", cm.verbose, "List passing cases too");

    // ---- scenario
    auto* scen =
        app.add_subcommand("scenario", "Auditor scenarios (vectors/scenarios/): run one, check invariants every block");
    scen->require_subcommand(1);
    auto* srun =
        scen->add_subcommand("run", "Run a scenario file: per-block CSV and a JSON summary; exit 1 if an invariant "
                                    "breaks or a closed-form check fails");
    std::string scen_file, scen_out;
    bool scen_exact = false, scen_short = false, scen_plot = false, scen_quiet = false;
    unsigned long long scen_blocks = 0;
    srun->add_option("file", scen_file, "The scenario file (JSON)")->required()->check(CLI::ExistingFile);
    srun->add_option("--out", scen_out, "Write <run>.csv per grid point and summary.json here");
    srun->add_flag("--exact", scen_exact,
                   "Run in the exact model (rationals); for short launch-era scenarios (refused for the "
                   "injection-capped rulesets, whose exact state grows without bound)");
    srun->add_flag("--short", scen_short, "Run the scenario's short version (as the test suite does)");
    srun->add_option("--blocks", scen_blocks, "Override the number of blocks");
    srun->add_flag("--plot", scen_plot, "Draw price, moving price, share and P&L per run with gnuplot (PNG in --out)");
    srun->add_flag("-q,--quiet", scen_quiet, "No progress on stderr");
    std::vector<std::string> scen_only;
    srun->add_option("--only", scen_only, "Run only the grid points whose label contains this text (repeat to AND)");
    unsigned scen_jobs = 1;
    srun->add_option("-j,--jobs", scen_jobs,
                     "Run this many grid points at once (threads); the summary and CSVs do not depend on it")
        ->check(CLI::Range(1u, 1024u))
        ->capture_default_str();
    std::string scen_shard;
    srun->add_option("--shard", scen_shard,
                     "i/n: run only grid points k with k mod n = i (after --only); join the shards' summary.json "
                     "files with `dtao scenario merge`");
    auto* smerge = scen->add_subcommand(
        "merge", "Join the summary.json of every shard of one `scenario run --shard i/n` into the whole run's summary");
    std::vector<std::string> merge_files;
    std::string merge_out;
    smerge->add_option("summaries", merge_files, "The shards' summary.json files (each shard once)")
        ->required()
        ->check(CLI::ExistingFile);
    smerge->add_option("-o,--out", merge_out, "Write the merged summary here (atomically) instead of stdout");

    // ---- chainstate
    auto* chain = app.add_subcommand(
        "chainstate",
        "Raw chain storage (a dtao-chain-storage/1 snapshot, spec/chainstate.md) to the protocol's state");
    chain->require_subcommand(1);
    auto* cdecode = chain->add_subcommand(
        "decode", "Decode a snapshot's SCALE storage values into the `state` object of a ruleset (one JSON line on "
                  "stdout, or -o). Absent keys (null) take the spec-475 runtime default; items the state does not "
                  "hold are listed on stderr, as are state fields the snapshot does not give (they keep the "
                  "protocol's default)");
    std::string chain_file, chain_out, chain_ruleset;
    bool chain_quiet = false;
    cdecode->add_option("file", chain_file, "The snapshot (JSON)")->required()->check(CLI::ExistingFile);
    cdecode->add_option("--ruleset", chain_ruleset,
                        "The ruleset whose state to write: an id or spec:N (`dtao rulesets`). Default: the ruleset "
                        "in force for the snapshot's provenance.spec_version");
    cdecode->add_option("-o,--out", chain_out, "Write the state here (atomically) instead of stdout");
    cdecode->add_flag("-q,--quiet", chain_quiet, "Do not list unused items and defaulted fields on stderr");
    auto* cv3 = chain->add_subcommand(
        "v3-pools", "Decode a capture of the v3 pool's year (specs 290 … 422) into the input of the v3 pool's ops "
                    "(`alpha_price`, `swap`, `sim_swap_*`; spec/chainstate.md, \"The v3 pool\"): one JSON object "
                    "keyed by netuid on stdout, or -o. Absent keys are left out (their defaults); any item that is "
                    "not the v3 pool's is an error");
    std::string v3_file, v3_out;
    cv3->add_option("file", v3_file, "The snapshot (JSON)")->required()->check(CLI::ExistingFile);
    cv3->add_option("-o,--out", v3_out, "Write the pools here (atomically) instead of stdout");

    CLI11_PARSE(app, argc, argv);

    auto dispatch = [&]() -> int {
        if (app.got_subcommand("eval")) {
            if (input_file.empty())
                return run_eval(std::cin, std::cout);
            std::ifstream f(input_file);
            if (!f) {
                std::cerr << "dtao eval: cannot read " << input_file << '\n';
                return 2;
            }
            return run_eval(f, std::cout);
        }
        if (app.got_subcommand("demo")) {
            for (const char* request : DEMO_REQUESTS) {
                std::cout << "> " << request << '\n';
                std::cout << "< " << dtao::protocol::evaluate_line(request).dump() << "\n\n";
            }
            return 0;
        }
        if (app.got_subcommand("vectors")) {
            namespace fs = std::filesystem;
            const fs::path dir = vectors_dir;
            const fs::path fillers = fillers_dir.empty() ? dir / "fillers" : fs::path(fillers_dir);
            if (vec->got_subcommand("index")) {
                const auto loaded = dtao::vectors::load_vectors(dir);
                for (const auto& e : loaded.errors)
                    std::cerr << "dtao vectors index: " << e << '\n';
                std::map<std::string, std::size_t> fam;
                for (const auto& f : loaded.files) {
                    std::cout << f.path << "\t" << f.cases.size() << '\n';
                    for (const auto& c : f.cases)
                        ++fam[c.family];
                }
                for (const auto& [f, n] : fam)
                    std::cout << "family " << f << "\t" << n << '\n';
                std::cout << "total\t" << loaded.case_count() << " cases in " << loaded.files.size() << " files\n";
                return loaded.errors.empty() ? 0 : 1;
            }
            if (vec->got_subcommand("pack")) {
                const auto r = dtao::vectors::pack(dir, pack_out);
                std::cout << r.path.string() << "\nsha256 " << r.sha256 << "\n"
                          << r.cases << " cases, " << r.files << " files\n";
                return 0;
            }
            // the `scenario` family's generator kind comes from the scenario engine
            const auto g = dtao::vectors::generate(fillers, DTAO_VERSION, generator_kinds());
            if (vec->got_subcommand("generate")) {
                const auto n = dtao::vectors::write_generation(g, dir);
                std::cout << "generated " << g.cases << " cases in " << g.files.size() << " files (" << n
                          << " written)\n";
                for (const auto& [f, k] : g.cases_per_family)
                    std::cout << "  " << f << "\t" << k << '\n';
                return 0;
            }
            const auto diffs = dtao::vectors::diff_against_disk(g, dir);
            for (const auto& d : diffs)
                std::cerr << "dtao vectors check: " << d << '\n';
            const auto loaded = dtao::vectors::load_vectors(dir);
            for (const auto& e : loaded.errors)
                std::cerr << "dtao vectors check: " << e << '\n';
            if (!diffs.empty() || !loaded.errors.empty()) {
                std::cerr << "dtao vectors check: committed vectors differ from a fresh generation; run `dtao vectors "
                             "generate`\n";
                return 1;
            }
            std::cout << "vectors up to date: " << g.cases << " cases in " << g.files.size()
                      << " files, byte-identical to a fresh generation\n";
            return 0;
        }
        if (cmerge->parsed()) {
            for (const auto& r : cmerge_reports)
                cm.reports.emplace_back(r);
            if (!cmerge_vectors.empty())
                cm.vectors_dir = cmerge_vectors;
            if (!cmerge_json.empty())
                cm.json_report = cmerge_json;
            if (!cmerge_junit.empty())
                cm.junit_report = cmerge_junit;
            if (!cmerge_html.empty())
                cm.html_report = cmerge_html;
            return dtao::conform::merge(cm, std::cout, std::cerr);
        }
        if (app.got_subcommand("conform")) {
            if (!conform_shard.empty())
                co.shard = dtao::vectors::parse_shard(conform_shard);
            co.vectors_dir = vectors_dir;
            if (!profile_path.empty())
                co.profile = profile_path;
            if (!json_path.empty())
                co.json_report = json_path;
            if (!junit_path.empty())
                co.junit_report = junit_path;
            if (!html_path.empty())
                co.html_report = html_path;
            return dtao::conform::run(co, std::cout, std::cerr);
        }
        if (smerge->parsed()) {
            std::vector<nlohmann::json> shards;
            for (const auto& f : merge_files) {
                std::ifstream in(f, std::ios::binary);
                try {
                    shards.push_back(nlohmann::json::parse(in));
                } catch (const nlohmann::json::exception& e) {
                    std::cerr << "dtao scenario merge: " << f << ": invalid JSON: " << e.what() << '\n';
                    return 1;
                }
            }
            const std::string text = dtao::scenario::merge(shards).dump(2) + "\n";
            if (merge_out.empty()) {
                std::cout << text;
                dtao::vectors::check_stream(std::cout, "standard output");
            } else {
                dtao::vectors::write_file_atomic(merge_out, text);
            }
            return 0;
        }
        if (app.got_subcommand("scenario")) {
            namespace sc = dtao::scenario;
            sc::Options o;
            o.jobs = scen_jobs;
            if (!scen_shard.empty())
                o.shard = sc::parse_shard(scen_shard);
            o.exact = scen_exact;
            o.short_run = scen_short;
            o.progress = !scen_quiet;
            o.log = &std::cerr;
            if (scen_blocks)
                o.blocks = scen_blocks;
            o.only = scen_only;
            const auto scenario = sc::load(scen_file);
            const auto rep = sc::run(scenario, o);
            if (!scen_out.empty()) {
                sc::write_outputs(rep, scen_out);
                if (scen_plot && !sc::plot(rep, scen_out, std::cerr))
                    return 1;
            } else if (scen_plot) {
                std::cerr << "dtao scenario run: --plot needs --out\n";
                return 2;
            }
            // the summary without the per-run details that are in --out
            std::cout << rep.summary.dump(2) << '\n';
            for (const auto& r : rep.runs)
                if (!r.ok)
                    std::cerr << "dtao scenario: " << scenario.at("id").get<std::string>() << " [" << r.label
                              << "] FAILED: " << r.failure << '\n';
            return rep.ok ? 0 : 1;
        }
        if (app.got_subcommand("chainstate")) {
            const bool v3 = cv3->parsed();
            const std::string who = v3 ? "dtao chainstate v3-pools: " : "dtao chainstate decode: ";
            const std::string& file = v3 ? v3_file : chain_file;
            std::ifstream f(file, std::ios::binary);
            if (!f) {
                std::cerr << who << "cannot read " << file << '\n';
                return 2;
            }
            nlohmann::json snapshot;
            try {
                snapshot = nlohmann::json::parse(f);
            } catch (const nlohmann::json::exception& e) {
                std::cerr << who << file << ": invalid JSON: " << e.what() << '\n';
                return 1;
            }
            const auto write = [](const std::string& out, const std::string& text) {
                if (out.empty()) {
                    std::cout << text;
                    dtao::vectors::check_stream(std::cout, "standard output");
                } else
                    dtao::vectors::write_file_atomic(out, text);
            };
            if (v3) {
                nlohmann::json pools = nlohmann::json::object();
                try {
                    for (const auto& [netuid, input] : dtao::chainstate::decode_v3_pools(snapshot))
                        pools[std::to_string(netuid)] = input;
                } catch (const dtao::chainstate::DecodeError& e) {
                    std::cerr << who << file << ": " << e.what() << '\n';
                    return 1;
                }
                write(v3_out, pools.dump() + "\n");
                return 0;
            }
            if (chain_ruleset.empty()) {
                const auto* spec =
                    snapshot.is_object() && snapshot.contains("provenance") && snapshot["provenance"].is_object()
                        ? &snapshot["provenance"]
                        : nullptr;
                if (!spec || !spec->contains("spec_version") || !(*spec)["spec_version"].is_number_unsigned()) {
                    std::cerr << "dtao chainstate decode: " << chain_file
                              << ": provenance.spec_version is missing, so the ruleset cannot be chosen; give "
                                 "--ruleset\n";
                    return 2;
                }
                chain_ruleset = "spec:" + std::to_string((*spec)["spec_version"].get<dtao::u64>());
            }
            const auto named = dtao::protocol::resolve_ruleset(chain_ruleset);
            if (!named.rules) {
                std::cerr << "dtao chainstate decode: --ruleset " << named.error << '\n';
                return 2;
            }
            const auto rules = named.rules;
            dtao::chainstate::Decoded d;
            try {
                d = dtao::chainstate::decode(snapshot, *rules);
            } catch (const dtao::chainstate::DecodeError& e) {
                std::cerr << "dtao chainstate decode: " << chain_file << ": " << e.what() << '\n';
                return 1;
            }
            if (!chain_quiet) {
                for (const auto& line : d.ignored)
                    std::cerr << "dtao chainstate decode: not used: " << line << '\n';
                for (const auto& line : d.defaulted)
                    std::cerr << "dtao chainstate decode: absent on chain, runtime default: " << line << '\n';
                for (const auto& line : d.not_given)
                    std::cerr << "dtao chainstate decode: not in the snapshot, protocol default: " << line << '\n';
            }
            write(chain_out, dtao::protocol::state_to_json(d.state, *rules).dump() + "\n");
            return 0;
        }
        if (app.got_subcommand("rulesets")) {
            for (const auto& r : dtao::RULESETS) {
                std::cout << r.id << "\t" << r.date << "\t" << r.commit << "\tspec_version " << r.spec_version
                          << (r.parent.empty() ? "" : "\tparent ") << r.parent;
                // The mainnet runtimes whose rules these are: a request names one as spec:N.
                std::string specs;
                for (const auto& m : dtao::MAINNET_SPECS)
                    if (m.ruleset == r.id)
                        specs += (specs.empty() ? "" : ",") + std::to_string(m.spec_version);
                if (!specs.empty())
                    std::cout << "\tmainnet_specs " << specs;
                std::cout << '\n';
            }
            return 0;
        }
        if (app.got_subcommand("ops")) {
            for (const auto& [name, doc] : dtao::protocol::ops())
                std::cout << name << "\t" << doc << '\n';
            return 0;
        }
        if (app.got_subcommand("version")) {
            std::cout << "dtao " << DTAO_VERSION << " (eval protocol " << dtao::protocol::PROTOCOL_VERSION << ")\n";
            return 0;
        }
        return 0;
    };
    int rc = 0;
    try {
        rc = dispatch();
    } catch (const std::exception& e) {
        std::cerr << "dtao: " << e.what() << '\n';
        return 1;
    }
    try {
        dtao::vectors::check_stream(std::cout, "standard output");
    } catch (const std::exception& e) {
        // `conform` has said so already, with its own exit code
        if (!app.got_subcommand("conform"))
            std::cerr << "dtao: " << e.what() << '\n';
        return rc != 0 ? rc : 1;
    }
    return rc;
}
