# shim: what the C shim over Google Benchmark costs.  bench_shim times the
# same loop bodies through the shim and as a native C++ benchmark,
# interleaved; the ratio must stay at most its target for any figure of the
# suite to be a measurement of the body rather than of the shim.

shim_about="the C shim against a native Google Benchmark loop (its own overhead)"
shim_files="bench_shim.json bench_shim.log shim_summary.json"
# Valgrind memcheck (tests/test_valgrind.sh): one small run of each of
# its executables.
shim_valgrind=(
    "bench_shim --benchmark_min_time=0.001 --benchmark_repetitions=1 --self-test=no"
)
# Repetitions and seconds per repetition, by profile: the shim's ratios
# need more repetitions than the other areas' medians.
declare -A shim_repetitions=([quick]=9 [full]=15) shim_min_time=([quick]=0.02 [full]=0.1)

shim_plan() { plan_step bench_shim; }

shim_run() {
    step bench_shim
    run_bench bench_shim --policy "$policy" --benchmark_repetitions="${shim_repetitions[$profile]}" \
        --benchmark_enable_random_interleaving=true --benchmark_out_format=json \
        --benchmark_min_time="${shim_min_time[$profile]}" --summary-out "$run/shim_summary.json"
}

shim_summary() {
    echo
    [ -r "$run/shim_summary.json" ] || { echo "C shim: not measured completely in this run."; return 0; }
    jq -r '"**C shim vs native C++ loop** (`bench_shim`, median of \(.bodies[0].repetitions) interleaved repetitions): " +
           ([.bodies[] | "\(.body) \(.ratio * 1000 | round / 1000) (\(.shim_ns * 1000 | round / 1000) ns vs \(.native_ns * 1000 | round / 1000) ns)"] | join("; ")) +
           "; target at most \(.max_ratio)."' "$run/shim_summary.json"
}
