// dtao scenario: auditor scenarios on the launch-era rules (economics.md §5).
// SPDX-License-Identifier: Apache-2.0
//
// A scenario file (vectors/scenarios/*.json, schema vectors/scenarios/scenario.schema.json)
// names a ruleset, parameters, an initial chain state, actors with strategies, a block
// range, what to record and the closed-form checks to run. `run` drives the reference
// (chain::block_step and the stake rules, or the exact model on request) block by block,
// checks the invariants of the property suite after every block, and returns a summary.
#pragma once

#include "shard.hpp"

#include "dtao/block.hpp"

#include "dtao/state.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace dtao::scenario {

/// One block of a chain-model run, as the `block` op of `dtao eval` sees it
/// (spec/protocol.md): the state before it, the extrinsics the actors
/// submitted, and the state after its coinbase and extrinsics.
struct BlockRecord
{
    unsigned long long index = 0;             ///< 0-based block index in the run
    ChainState before;                        ///< `block` is the block being produced
    std::optional<u64> block_emission;        ///< `params.block_emission`; absent: from TotalIssuance
    std::vector<block::Action<u64>> actions;  ///< in the order applied, rejected ones included
    ChainState after;
};

/// One part of a grid split over processes or machines: grid point k (0-based, in grid order)
/// belongs to shard `k mod count` (shard.hpp).
using vectors::parse_shard;
using vectors::Shard;

struct Options
{
    bool exact = false;                            ///< run in the exact model (rationals); for short scenarios
    bool short_run = false;                        ///< use the scenario's `short` block counts and grid
    bool progress = true;                          ///< progress on the log stream for long runs
    std::optional<std::filesystem::path> out_dir;  ///< per-block CSV + summary.json per run
    std::optional<unsigned long long> blocks;      ///< override the block count
    std::vector<std::string> only;                 ///< run only grid points whose label contains all of these
    /// Grid points run on this many threads at once. The report is the same for any value: runs
    /// are independent and are reported in grid order; progress lines of a run appear when it
    /// ends. The per-block hooks below need 1.
    unsigned jobs = 1;
    Shard shard;                  ///< run only this shard's grid points; the summary says which (`merge` joins them)
    std::ostream* log = nullptr;  ///< progress and messages (stderr)
    /// Test hook (chain model): called after each block's coinbase, before the
    /// invariant checks, with the block index; tests corrupt the state here to
    /// check that the run stops at that block naming the invariant.
    std::function<void(ChainState&, unsigned long long)> tamper;
    /// Chain model: called after each block with what it did (scenario vectors).
    std::function<void(const BlockRecord&)> on_block;
};

/// One run of a scenario (one point of its grid).
struct RunReport
{
    std::string label;
    bool ok = true;                     ///< invariants held and checks passed
    std::string failure;                ///< first broken invariant or failed check
    nlohmann::json summary;             ///< final state, totals, actor P&L, EMA movement, checks
    std::vector<std::string> csv_rows;  ///< the per-block CSV (header first)
};

struct Report
{
    bool ok = true;
    nlohmann::json summary;  ///< {id, name, shows, runs: [...], checks_passed, ...}
    std::vector<RunReport> runs;
};

/// Parse and validate a scenario file; throws std::runtime_error naming the field.
nlohmann::json load(const std::filesystem::path& file);

/// The scenario reduced to one run: the variant labelled `variant` (its `set`
/// applied; "" keeps the base), then `set` (JSON pointer -> value); grid,
/// variants, short version and closed-form checks removed. Throws on an
/// unknown variant or a bad pointer.
nlohmann::json configure(const nlohmann::json& scenario, const std::string& variant, const nlohmann::json& set);

/// Run every grid point of the scenario.
Report run(const nlohmann::json& scenario, const Options& options);

/// Join the summaries of the shards of one scenario run (`summary.json` of each `--shard i/n`)
/// into the summary the whole run gives: runs in grid order, totals recounted. Throws
/// std::runtime_error when they are not the shards of one run, or a shard is missing or given
/// twice.
nlohmann::json merge(const std::vector<nlohmann::json>& shard_summaries);

/// Write `<out>/<run>.csv`, `<out>/summary.json` and a gnuplot script per run.
void write_outputs(const Report& report, const std::filesystem::path& out_dir);

/// Draw price, moving price, emission share and P&L with gnuplot (PNG per run).
/// Returns false (with a message on `log`) when gnuplot is not available.
bool plot(const Report& report, const std::filesystem::path& out_dir, std::ostream& log);

}  // namespace dtao::scenario
