// Swap benchmarks: native u128 baseline vs the chain and exact models.
#include "dtao/testing/random.hpp"

#include "dtao/pool.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

namespace {

using namespace dtao;

constexpr std::size_t TABLE = 1024;
constexpr std::size_t MASK = TABLE - 1;

struct SwapInput
{
    Subnet pool;
    u64 tao = 0;
};

/// Native constant-product swap, the same arithmetic the chain performs in
/// I110F18 (sim_swap_tao_for_alpha): k_bits = x·y·2^18 saturating at
/// 2^127 − 1; y'_bits = floor(k_bits / (x + tao)) (the 2^18 of the divisor
/// cancels against the 2^18 of checked_div); reject when y' < 1e7;
/// alpha out = floor((y·2^18 − y'_bits) / 2^18).
/// `ok == false` is `insufficient_liquidity`.
struct NativeQuote
{
    bool ok = false;
    u64 amount_out = 0;
};

[[gnu::always_inline]] inline NativeQuote native_swap(u64 x, u64 y, u64 tao) noexcept
{
    constexpr u128 I128_MAX = ~u128{0} >> 1;
    const u128 xy = static_cast<u128>(x) * y;  // < 2^128 always
    const u128 k = xy > (I128_MAX >> 18) ? I128_MAX : (xy << 18);
    const u128 d = static_cast<u128>(x) + tao;  // (x + tao)·2^18 / 2^18
    const u128 ny = d == 0 ? 0 : k / d;         // safe_div: 0 on division by zero
    if (ny < (static_cast<u128>(MINIMUM_POOL_LIQUIDITY) << 18))
        return {};
    const u128 yb = static_cast<u128>(y) << 18;
    const u128 diff = yb > ny ? yb - ny : 0;
    return {true, static_cast<u64>(diff >> 18)};
}

/// dist 0: reserves log-uniform in [1e9, 1e16]; dist 1: uniform in [1e9, 1e16].
/// Amounts log-uniform in [1e6, 1e13]. Fixed seed.
std::vector<SwapInput> make_table(int dist)
{
    std::mt19937_64 rng(0xda0'5a9 + static_cast<u64>(dist));
    std::vector<SwapInput> t(TABLE);
    for (auto& in : t) {
        in.pool.netuid = 1;
        in.pool.mechanism = Mechanism::dynamic;
        if (dist == 0) {
            in.pool.subnet_tao = test::log_uniform(rng, 1e9, 1e16);
            in.pool.subnet_alpha_in = test::log_uniform(rng, 1e9, 1e16);
        } else {
            in.pool.subnet_tao = test::uniform(rng, 1'000'000'000, 10'000'000'000'000'000);
            in.pool.subnet_alpha_in = test::uniform(rng, 1'000'000'000, 10'000'000'000'000'000);
        }
        in.tao = test::log_uniform(rng, 1e6, 1e13);
    }
    return t;
}

/// Tables verified against the chain model once; aborts on any mismatch.
const std::vector<SwapInput>& table(int dist)
{
    static std::vector<SwapInput> tables[2];
    static bool verified[2] = {false, false};
    auto& t = tables[dist];
    if (!verified[dist]) {
        t = make_table(dist);
        std::size_t ok = 0;
        for (std::size_t i = 0; i < t.size(); ++i) {
            const auto& in = t[i];
            const auto c = chain::sim_swap_tao_for_alpha(in.pool, in.tao);
            const auto n = native_swap(in.pool.subnet_tao, in.pool.subnet_alpha_in, in.tao);
            if (c.ok() != n.ok || (n.ok && c->amount_out != n.amount_out)) {
                std::fprintf(
                    stderr,
                    "native/chain mismatch: dist %d i %zu x %llu y %llu tao %llu chain %s %llu native %s %llu\n", dist,
                    i, (unsigned long long)in.pool.subnet_tao, (unsigned long long)in.pool.subnet_alpha_in,
                    (unsigned long long)in.tao, c.ok() ? "ok" : "err",
                    c.ok() ? (unsigned long long)c->amount_out : 0ULL, n.ok ? "ok" : "err",
                    (unsigned long long)n.amount_out);
                std::abort();
            }
            ok += n.ok;
        }
        std::fprintf(stderr, "swap table %d verified: %zu/%zu swaps succeed, native == chain on all\n", dist, ok,
                     t.size());
        verified[dist] = true;
    }
    return t;
}

void BM_swap_native_u128(benchmark::State& state)
{
    const auto& t = table(static_cast<int>(state.range(0)));
    std::size_t i = 0;
    for (auto _ : state) {
        const auto& in = t[i++ & MASK];
        auto r = native_swap(in.pool.subnet_tao, in.pool.subnet_alpha_in, in.tao);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_swap_chain_model(benchmark::State& state)
{
    const auto& t = table(static_cast<int>(state.range(0)));
    std::size_t i = 0;
    for (auto _ : state) {
        const auto& in = t[i++ & MASK];
        auto r = chain::sim_swap_tao_for_alpha(in.pool, in.tao);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_swap_exact_model(benchmark::State& state)
{
    const auto& t = table(static_cast<int>(state.range(0)));
    std::vector<ExactSubnet> pools;
    std::vector<Rational> amounts;
    for (const auto& in : t) {
        ExactSubnet e;
        e.netuid = in.pool.netuid;
        e.mechanism = in.pool.mechanism;
        e.subnet_tao = Rational(in.pool.subnet_tao);
        e.subnet_alpha_in = Rational(in.pool.subnet_alpha_in);
        pools.push_back(std::move(e));
        amounts.emplace_back(in.tao);
    }
    std::size_t i = 0;
    for (auto _ : state) {
        const std::size_t j = i++ & MASK;
        auto r = exact::sim_swap_tao_for_alpha(pools[j], amounts[j]);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}

}  // namespace

// Arg: 0 = log-uniform reserves (headline), 1 = uniform reserves (mostly large).
BENCHMARK(BM_swap_native_u128)->ArgName("dist")->Arg(0)->Arg(1);
BENCHMARK(BM_swap_chain_model)->ArgName("dist")->Arg(0)->Arg(1);
BENCHMARK(BM_swap_exact_model)->ArgName("dist")->Arg(0)->Arg(1);
