// Block emission (halving schedule) benchmarks.
#include "dtao/emission.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace dtao;

void BM_block_emission_chain(benchmark::State& state)
{
    const u64 issuance = static_cast<u64>(state.range(0));
    for (auto _ : state) {
        benchmark::DoNotOptimize(issuance);
        auto r = chain::block_emission(issuance);
        benchmark::DoNotOptimize(r);
    }
}

void BM_block_emission_exact(benchmark::State& state)
{
    const Rational issuance(static_cast<u64>(state.range(0)));
    for (auto _ : state) {
        auto r = exact::block_emission(issuance);
        benchmark::DoNotOptimize(r);
    }
}

}  // namespace

// 0; 7 M TAO (no halving); 10.5 M + 1 rao (1 halving); 19.7 M (4 halvings); 21 M (cap).
#define DTAO_ISSUANCES                                                                                                 \
    ArgName("issuance")                                                                                                \
        ->Arg(0)                                                                                                       \
        ->Arg(7'000'000'000'000'000)                                                                                   \
        ->Arg(10'500'000'000'000'001)                                                                                  \
        ->Arg(19'700'000'000'000'000)                                                                                  \
        ->Arg(21'000'000'000'000'000)
BENCHMARK(BM_block_emission_chain)->DTAO_ISSUANCES;
BENCHMARK(BM_block_emission_exact)->DTAO_ISSUANCES;
