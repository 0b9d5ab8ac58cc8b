// Conformance-runner benchmarks: the whole vector set against the in-process
// reference, and the runner's streaming of an external adapter against the
// same adapter fed by a plain pipe (`adapter < requests > /dev/null`).
// SPDX-License-Identifier: Apache-2.0
#include "conform.hpp"
#include "vectors.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <unistd.h>
#include <fstream>
#include <string>

namespace {

using dtao::vectors::Case;

struct Set
{
    dtao::vectors::LoadedVectors loaded;
    std::vector<const Case*> all;
    std::vector<const Case*> python;  ///< the ops the Python adapter implements
    std::string all_file, python_file;
};

const Set& set()
{
    static const Set s = [] {
        Set s;
        s.loaded = dtao::vectors::load_vectors(std::string(DTAO_SOURCE_DIR) + "/vectors");
        for (const auto& f : s.loaded.files)
            for (const auto& c : f.cases) {
                s.all.push_back(&c);
                if (c.op == "block_emission" || c.op == "alpha_price" || c.op.rfind("sim_swap_", 0) == 0 ||
                    c.op == "update_moving_price")
                    s.python.push_back(&c);
            }
        auto write = [](const std::vector<const Case*>& cases, const std::string& name) {
            const std::string path = "/tmp/dtao-bench-" + name + "-" + std::to_string(::getpid()) + ".jsonl";
            std::ofstream o(path);
            for (const auto* c : cases)
                o << c->request.dump() << '\n';
            return path;
        };
        s.all_file = write(s.all, "all");
        s.python_file = write(s.python, "python");
        return s;
    }();
    return s;
}

void run(benchmark::State& state, const std::vector<const Case*>& cases, const std::string& impl)
{
    dtao::conform::Options o;
    o.impl = impl;
    for (auto _ : state) {
        dtao::conform::EngineStats stats;
        const auto v = dtao::conform::run_cases(cases, o, nullptr, stats);
        for (const auto& x : v)
            if (x.status != dtao::conform::Status::pass && impl.find("python") == std::string::npos)
                state.SkipWithError("a case did not pass");
        benchmark::DoNotOptimize(v.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * cases.size()));
    state.counters["cases"] = static_cast<double>(cases.size());
}

void pipe(benchmark::State& state, const std::string& impl, const std::string& file, std::size_t n)
{
    const std::string cmd = impl + " < " + file + " > /dev/null";
    for (auto _ : state)
        if (std::system(cmd.c_str()) != 0)
            state.SkipWithError("the plain pipe failed");
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

const std::string DTAO_EVAL = std::string(DTAO_BINARY) + " eval";
const std::string PYTHON = std::string("python3 ") + DTAO_SOURCE_DIR + "/examples/adapters/python/dtao_adapter.py";

void BM_ConformInProcess(benchmark::State& s) { run(s, set().all, dtao::conform::IN_PROCESS); }
void BM_ConformDtaoEval(benchmark::State& s) { run(s, set().all, DTAO_EVAL); }
void BM_PlainPipeDtaoEval(benchmark::State& s) { pipe(s, DTAO_EVAL, set().all_file, set().all.size()); }
void BM_ConformPython(benchmark::State& s) { run(s, set().python, PYTHON); }
void BM_PlainPipePython(benchmark::State& s) { pipe(s, PYTHON, set().python_file, set().python.size()); }

// Wall-clock time: the runner and the implementation run in parallel.
BENCHMARK(BM_ConformInProcess)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ConformDtaoEval)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PlainPipeDtaoEval)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ConformPython)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PlainPipePython)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
