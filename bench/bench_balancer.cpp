// Balancer-era benchmarks: pow_ratio_scaled on both of its paths, and one
// simulated buy of the chain model at weight ½ and 0.3 (exponents that reduce
// to small fractions: the exact integer-root path) and at 0.3 + 10^-18 (a
// weight after a reweighting: the ln/exp fallback), under v3.4.8-423
// (precision 1024) and v3.4.9-424 (precision 256).
#include "dtao/testing/random.hpp"

#include "dtao/balancer.hpp"
#include "dtao/numeric/bigmath.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace dtao;

constexpr std::size_t TABLE = 256;
constexpr std::size_t MASK = TABLE - 1;

struct PowInput
{
    Int bn, bd;
};

/// Bases as the swap builds them: reserve / (reserve + delta), reserves
/// log-uniform in [1e9, 1e16], deltas in [1e6, 1e12]. Fixed seed.
std::vector<PowInput> pow_table()
{
    std::mt19937_64 rng(0xba1'a9ce);
    std::vector<PowInput> t(TABLE);
    for (auto& in : t) {
        const u64 r = test::log_uniform(rng, 1e9, 1e16);
        const u64 d = test::log_uniform(rng, 1e6, 1e12);
        in.bn = r;
        in.bd = Int(r) + d;
    }
    return t;
}

/// arg 0: exponent ½/½ = 1; arg 1: 0.3/0.7 = 3/7 (both the exact path); arg 2: (0.3 + 10^-18) /
/// (0.7 − 10^-18), which does not reduce below 1024 (the fallback), precision 256; arg 3: the same
/// at precision 1024.
void BM_pow_ratio_scaled(benchmark::State& state)
{
    static const auto table = pow_table();
    const Int scale("1000000000000000000");
    const int mode = static_cast<int>(state.range(0));
    const Int en = mode == 0   ? Int("500000000000000000")
                   : mode == 1 ? Int("300000000000000000")
                               : Int("300000000000000001");
    const Int ed = mode == 0   ? Int("500000000000000000")
                   : mode == 1 ? Int("700000000000000000")
                               : Int("699999999999999999");
    const unsigned precision = mode == 3 ? 1024 : 256;
    std::size_t i = 0;
    for (auto _ : state) {
        const auto& in = table[i++ & MASK];
        benchmark::DoNotOptimize(bigmath::pow_ratio_scaled(in.bn, in.bd, en, ed, precision, scale));
    }
}

std::vector<Subnet> pool_table(u64 quote_parts)
{
    std::mt19937_64 rng(0xba1'5ee0);
    std::vector<Subnet> t(TABLE);
    for (auto& s : t) {
        s.netuid = 1;
        s.mechanism = Mechanism::dynamic;
        s.subnet_tao = test::log_uniform(rng, 1e12, 1e16);
        s.subnet_alpha_in = test::log_uniform(rng, 1e12, 1e16);
        s.swap_balancer_quote_parts = quote_parts;
        s.pal_swap_initialized = true;
    }
    return t;
}

/// One simulated buy (fee, no limit) of 1e9 rao. arg 0: weight ½; arg 1: quote weight 0.3
/// (exact path); arg 2: 0.3 + 10^-18 (fallback).
template <const Ruleset& Rules>
void BM_balancer_buy(benchmark::State& state)
{
    static const auto half = pool_table(500'000'000'000'000'000);
    static const auto skew = pool_table(300'000'000'000'000'000);
    static const auto fallback = pool_table(300'000'000'000'000'001);
    const auto& table = state.range(0) == 0 ? half : state.range(0) == 1 ? skew : fallback;
    std::size_t i = 0;
    for (auto _ : state) {
        const auto& s = table[i++ & MASK];
        benchmark::DoNotOptimize(chain::balancer::sim_swap_tao_for_alpha(Rules, s, SWAP_MINIMUM_RESERVE, RAO_PER_TAO,
                                                                         SWAP_MAX_PRICE, Fees::charged));
    }
}

}  // namespace

BENCHMARK(BM_pow_ratio_scaled)->ArgName("mode")->Arg(0)->Arg(1)->Arg(2)->Arg(3);

/// The fallback (modes 2 and 3 above) through the cpp_int oracle the GMP series replaced.
void BM_pow_ratio_scaled_oracle(benchmark::State& state)
{
    static const auto table = pow_table();
    const Int scale("1000000000000000000");
    const Int en("300000000000000001"), ed("699999999999999999");
    const unsigned precision = state.range(0) == 3 ? 1024 : 256;
    std::size_t i = 0;
    for (auto _ : state) {
        const auto& in = table[i++ % TABLE];
        benchmark::DoNotOptimize(
            bigmath::pow_ratio_scaled_oracle(in.bn, in.bd, en, ed, precision, scale, std::nullopt));
    }
}
BENCHMARK(BM_pow_ratio_scaled_oracle)->ArgName("mode")->Arg(2)->Arg(3);
BENCHMARK(BM_balancer_buy<V3_4_8_423>)->ArgName("weight")->Arg(0)->Arg(1)->Arg(2);
BENCHMARK(BM_balancer_buy<V3_4_9_424>)->ArgName("weight")->Arg(0)->Arg(1)->Arg(2);
