// Scenario engine throughput: a 64-subnet SN28 scenario (vectors/scenarios/S1_sn28_loop.json,
// an attacker re-buying every block) in the chain model, with every per-block invariant
// checked; and today's chain, 128 subnets under mainnet-464 (S15). Reports the time per block
// and the extrapolation to one year (2 628 000 blocks).
// SPDX-License-Identifier: Apache-2.0
#include "scenario.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>
#include <vector>

namespace {

/// Run the scenario `file` (its grid point `only`, if given) for state.range(0) blocks per
/// iteration; counters: time per block and a year of blocks (2 628 000) extrapolated.
void run_scenario(benchmark::State& state, const char* file, std::vector<std::string> only)
{
    const auto sc = dtao::scenario::load(std::filesystem::path(DTAO_SOURCE_DIR) / file);
    dtao::scenario::Options o;
    o.progress = false;
    o.blocks = static_cast<unsigned long long>(state.range(0));
    o.only = std::move(only);
    for (auto _ : state) {
        auto rep = dtao::scenario::run(sc, o);
        if (!rep.ok)
            state.SkipWithError("scenario failed");
        benchmark::DoNotOptimize(rep);
    }
    const double blocks = static_cast<double>(state.range(0));
    state.counters["per_block"] = benchmark::Counter(blocks * static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["year_s"] = benchmark::Counter(blocks * static_cast<double>(state.iterations()) / 2'628'000.0,
                                                  benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_ScenarioSn28_64Subnets(benchmark::State& state)
{
    run_scenario(state, "vectors/scenarios/S1_sn28_loop.json",
                 {"sn28_holder,hold_blocks=50400,target_price=1.0,moving_alpha=0.0003"});
}
BENCHMARK(BM_ScenarioSn28_64Subnets)->Arg(50'400)->Unit(benchmark::kMillisecond);

/// Today's chain: S15's 128 subnets under mainnet-464 (the injection-capped block, its chain
/// buys and the emission gate), every invariant of that block checked every block.
void BM_ScenarioToday_128Subnets(benchmark::State& state)
{
    run_scenario(state, "vectors/scenarios/S15_year_128_subnets.json", {});
}
BENCHMARK(BM_ScenarioToday_128Subnets)->Arg(5'000)->Unit(benchmark::kMillisecond);

}  // namespace
