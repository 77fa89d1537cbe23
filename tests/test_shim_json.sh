#!/usr/bin/env bash
# A C benchmark registered through the shim runs, and everything it set
# appears in Google Benchmark's JSON: counters with their flags, labels,
# placement, arguments, manual time, extra statistics, hooks, context, and
# misuse reported as errors rather than aborts.
source "$(dirname "$0")/lib.sh"
out=$T_TMP/selftest.json

ok "bench_shim --self-test exits 0" "$RT_BIN/bench_shim" --self-test \
    --benchmark_filter='selftest/' --benchmark_min_time=0.01 --benchmark_repetitions=3 \
    --benchmark_out="$out" --benchmark_out_format=json
one='.benchmarks[] | select(.run_type == "iteration")'
jq_ok "summed counter equals the thread count" "$out" \
    "[$one | select(.run_name | test(\"counters\")) | .per_thread == .threads] | length == 6 and all"
jq_ok "avg-threads counter stays 7" "$out" \
    "[$one | select(.run_name | test(\"counters\")) | .avg_seven == 7] | all"
jq_ok "argument reaches the benchmark" "$out" \
    "[$one | select(.run_name | test(\"counters/3/\")) | .arg == 3] | length > 0 and all"
jq_ok "label and placement recorded" "$out" \
    "[$one | select(.run_name | test(\"counters.*threads:2\")) | .label | test(\"^selftest-label policy=compact plan=0,1 seen=0,1 pair=\")] | all"
jq_ok "workers ran where planned" "$out" \
    "[$one | select(.run_name | test(\"counters\")) | .cpu_mismatches == 0] | all"
jq_ok "manual time: 1 ms per iteration" "$out" \
    "[$one | select(.run_name | test(\"manual_time\")) | (.real_time - 1000000 | fabs) < 0.001] | length == 3 and all"
jq_ok "extra statistics: min, max, q1, q3" "$out" \
    "[.benchmarks[] | select(.run_type == \"aggregate\" and (.run_name | test(\"counters/3/real_time/threads:1\"))) | .aggregate_name] | contains([\"min\", \"max\", \"q1\", \"q3\", \"median\"])"
jq_ok "min <= q1 <= median <= q3 <= max" "$out" \
    "[.benchmarks[] | select(.run_type == \"aggregate\" and (.run_name | test(\"counters/3/real_time/threads:2\")))] | map({(.aggregate_name): .real_time}) | add | .min <= .q1 and .q1 <= .median and .median <= .q3 and .q3 <= .max"
jq_ok "a benchmark without its loop is an error, not an abort" "$out" \
    "[.benchmarks[] | select(.name == \"selftest/no_loop\") | .error_occurred and (.error_message | test(\"RT_LOOP\"))] | length == 3 and all"
jq_ok "one thread skipping its loop does not hang the other" "$out" \
    "[.benchmarks[] | select(.name | test(\"no_loop_one_thread\")) | .error_occurred] | length == 3 and all"
jq_ok "context records versions, flags and machine" "$out" \
    '.context["racetrack.google_benchmark_version"] == "1.7.1" and .context["param.self-test"] == "yes" and (.context["machine.pus_allowed"] | tonumber) >= 1 and .context["placement.policy"] == "compact"'
t_done
