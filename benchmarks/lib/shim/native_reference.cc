// native_reference.cc - the same two loop bodies as bench_shim's C ones,
// written natively in C++ against Google Benchmark, so that one run can
// report what the C shim costs per iteration (shim / native).

#include <atomic>

#include <benchmark/benchmark.h>

#include "shim/rt_bench.h"

namespace {

std::atomic<long> g_native_counter{0};

void native_barrier(benchmark::State &state)
{
    for (auto _ : state)
        benchmark::ClobberMemory();
}

void native_atomic_relaxed(benchmark::State &state)
{
    for (auto _ : state)
        g_native_counter.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

extern "C" void rt_register_native_reference(void) noexcept
{
    try {
        benchmark::RegisterBenchmark("native/barrier", native_barrier);
        benchmark::RegisterBenchmark("native/atomic_relaxed", native_atomic_relaxed);
    } catch (...) {
    }
}
