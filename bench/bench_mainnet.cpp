// Today's mainnet: one block of finney itself. The state is the captured finney state at block
// 9,240,381 (spec 475: root + 128 subnets; tests/data/mainnet/emission/b9240382_in.json), decoded
// with the chain-storage decoder; one `block_step` of the ruleset in force for spec 475
// (`mainnet-464`, RSET-027) at block 9,240,382, whose
// outputs tests/chainstate/emission_parity_test.cpp checks against mainnet's. Its chain buys swap
// at pool weights other than ½, each through `pow_ratio_scaled`'s ln/exp series.
#include "chainstate.hpp"

#include "dtao/injection_capped.hpp"

#include <benchmark/benchmark.h>

#include <fstream>
#include <stdexcept>

namespace {

using namespace dtao;

const Ruleset& in_force()
{
    static const Ruleset rules = find_ruleset_for_spec(475).value();
    return rules;
}

const ChainState& finney_9240381()
{
    static const ChainState st = [] {
        std::ifstream in(std::string(DTAO_SOURCE_DIR) + "/tests/data/mainnet/emission/b9240382_in.json");
        if (!in)
            throw std::runtime_error("bench_mainnet: tests/data/mainnet/emission/b9240382_in.json not found");
        ChainState s = chainstate::decode(nlohmann::json::parse(in), in_force()).state;
        s.block = 9'240'382;
        return s;
    }();
    return st;
}

/// Copy the captured state, then one block_step. Includes the copy (see BM_mainnet_state_copy).
void BM_mainnet_block_finney(benchmark::State& state)
{
    const ChainState& proto = finney_9240381();
    ChainState work = proto;
    for (auto _ : state) {
        work = proto;
        auto r = injection_capped::block_step(in_force(), work);
        benchmark::DoNotOptimize(r);
        benchmark::ClobberMemory();
    }
    state.SetLabel(std::to_string(proto.subnets.size() - 1) + " subnets, " + std::string(in_force().id));
}

void BM_mainnet_state_copy(benchmark::State& state)
{
    const ChainState& proto = finney_9240381();
    ChainState work = proto;
    for (auto _ : state) {
        work = proto;
        benchmark::DoNotOptimize(work.subnets.data());
        benchmark::ClobberMemory();
    }
}

}  // namespace

BENCHMARK(BM_mainnet_state_copy)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_mainnet_block_finney)->Unit(benchmark::kMillisecond);
