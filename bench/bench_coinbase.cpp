// Coinbase benchmarks: one block over a root subnet + 128 dynamic subnets.
#include "dtao/testing/builders.hpp"

#include "dtao/coinbase.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace dtao;

constexpr unsigned N_SUBNETS = 128;

const Ruleset& ruleset(int64_t i) { return i == 0 ? V2_0_1 : V2_0_10; }

const ChainState& prototype()
{
    static const ChainState st = test::random_launch_state(N_SUBNETS);
    return st;
}

/// The copy `BM_coinbase_128_subnets_chain` does every iteration (into a
/// state that already has the capacity: no allocation).
void BM_state_copy_128(benchmark::State& state)
{
    const ChainState& proto = prototype();
    ChainState work = proto;
    for (auto _ : state) {
        work = proto;
        benchmark::DoNotOptimize(work.subnets.data());
        benchmark::ClobberMemory();
    }
}

/// Copy the prepared state, then one block_step (block emission from
/// TotalIssuance + run_coinbase). Subtract BM_state_copy_128.
void BM_coinbase_128_subnets_chain(benchmark::State& state)
{
    const Ruleset& rules = ruleset(state.range(0));
    const ChainState& proto = prototype();
    ChainState work = proto;
    for (auto _ : state) {
        work = proto;
        auto r = chain::block_step(rules, work);
        benchmark::DoNotOptimize(r);
        benchmark::ClobberMemory();
    }
    state.SetLabel(std::string(rules.id));
}

/// N consecutive blocks on one evolving state (no copy): the realistic
/// steady state, epochs included as they come due.
void BM_coinbase_128_subnets_chain_evolving(benchmark::State& state)
{
    const Ruleset& rules = ruleset(state.range(0));
    ChainState work = prototype();
    for (auto _ : state) {
        auto r = chain::block_step(rules, work);
        benchmark::DoNotOptimize(r);
        ++work.block;
    }
    state.SetLabel(std::string(rules.id));
}

const ExactChainState& exact_prototype()
{
    static const ExactChainState st = to_exact(prototype());
    return st;
}

void BM_state_copy_128_exact(benchmark::State& state)
{
    const ExactChainState& proto = exact_prototype();
    ExactChainState work = proto;
    for (auto _ : state) {
        work = proto;
        benchmark::DoNotOptimize(work.subnets.data());
        benchmark::ClobberMemory();
    }
}

void BM_coinbase_128_subnets_exact(benchmark::State& state)
{
    const Ruleset& rules = ruleset(state.range(0));
    const ExactChainState& proto = exact_prototype();
    ExactChainState work = proto;
    for (auto _ : state) {
        work = proto;
        auto r = exact::block_step(rules, work);
        benchmark::DoNotOptimize(r);
        benchmark::ClobberMemory();
    }
    state.SetLabel(std::string(rules.id));
}

}  // namespace

// Arg: 0 = v2.0.1, 1 = v2.0.10.
BENCHMARK(BM_state_copy_128)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_coinbase_128_subnets_chain)->ArgName("rules")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_coinbase_128_subnets_chain_evolving)->ArgName("rules")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_state_copy_128_exact)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_coinbase_128_subnets_exact)
    ->ArgName("rules")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(5);
