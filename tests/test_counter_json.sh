#!/usr/bin/env bash
# bench_counter writes the lost-update counters, exact variants are exact,
# and the textbook scenario prints "expected 2,000,000, got ...".
source "$(dirname "$0")/lib.sh"
out=$T_TMP/counter.json

ok "bench_counter runs" "$RT_BIN/bench_counter" --max-workers 2 \
    --benchmark_filter='counter/(mutex|racy|sharded-padded|plain)/' --benchmark_min_time=0.01 \
    --benchmark_out="$out" --benchmark_out_format=json
it='.benchmarks[] | select(.run_type == "iteration")'
jq_ok "one and two workers for each of 4 variants" "$out" "[$it] | length == 8"
jq_ok "every run has lost_updates, lost_fraction, ns_per_increment" "$out" \
    "[$it | has(\"lost_updates\") and has(\"lost_fraction\") and has(\"ns_per_increment\")] | all"
jq_ok "expected total = iterations (all workers)" "$out" \
    "[$it | .expected_total == .iterations] | all"
jq_ok "mutex and sharded lose nothing" "$out" \
    "[$it | select(.name | test(\"mutex|sharded\")) | .lost_updates == 0] | all"
jq_ok "lost_fraction = lost_updates / expected" "$out" \
    "[$it | (.lost_fraction - .lost_updates / .expected_total) | fabs < 1e-12] | all"
jq_ok "one worker never loses an update" "$out" "[$it | select(.threads == 1) | .lost_updates == 0] | all"

txt=$T_TMP/tutorial.txt
ok "tutorial runs" sh -c "'$RT_BIN/bench_counter' --tutorial --trials 3 --variants racy,mutex \
    --tutorial-out '$T_TMP/tutorial.json' > '$txt'"
ok "tutorial prints expected 2,000,000" grep -q "^mutex .*expected 2,000,000, got 2,000,000" "$txt"
jq_ok "tutorial JSON: 3 trials per variant, mutex exact" "$T_TMP/tutorial.json" \
    '(.variants | length) == 2 and ([.variants[] | .lost | length == 3] | all) and (.variants[1].lost_max == 0)'
t_done
