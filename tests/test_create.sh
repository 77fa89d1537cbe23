#!/usr/bin/env bash
# bench_create at toy sizes: every creation kind runs without error at 1
# and 2 creators, with the fork-vs-size family; and no process it made
# outlives it (found by a unique program name on their command lines).
source "$(dirname "$0")/lib.sh"

marker="$T_TMP/bench_create_$$_$RANDOM"
ln -s "$RT_BIN/bench_create" "$marker"
survivors() { pgrep -f -- "$marker" | wc -l; }

"$marker" --max-creators=2 --fork-sizes-mib=1,8 --benchmark_min_time=0.01 \
    --benchmark_out="$T_TMP/c.json" --benchmark_out_format=json >"$T_TMP/out" 2>"$T_TMP/err"
ok "bench_create exits 0 ($(tail -n 2 "$T_TMP/err" | tr '\n' ' '))" test $? -eq 0
j=$T_TMP/c.json
jq_ok "8 creation kinds x (1, 2 creators) + 2 x 2 fork sizes, no error" "$j" \
    '[.benchmarks[] | select(.error_occurred | not)] | length == 20'
jq_ok "every kind reports a rate" "$j" '[.benchmarks[] | .items_per_second > 0] | all'
jq_ok "creators are pinned and checked" "$j" \
    '[.benchmarks[] | select(.name | startswith("create/")) | .cpu_mismatches == 0 and (.label | test("plan="))] | all'
jq_ok "fork-vs-size runs record the parent's resident memory" "$j" \
    '[.benchmarks[] | select(.name | test("rss_mib:8/")) | .parent_rss_mib >= 8] | all'
jq_ok "the tiny program is recorded" "$j" '.context.tiny_program | endswith("/rt_tiny")'
ok "no process left behind" test "$(survivors)" -eq 0

# The fork family keeps its memory between its own runs, never into a
# creation run: interleaved, every fork from a 64 MiB parent has it, and
# no creation run's parent does.
"$marker" --max-creators=1 --fork-sizes-mib=64 --benchmark_min_time=0.01 \
    --benchmark_filter='^(create/process/fork/|create/thread/join/|fork_size/)' \
    --benchmark_repetitions=4 --benchmark_enable_random_interleaving=true \
    --benchmark_out="$T_TMP/m.json" --benchmark_out_format=json >"$T_TMP/out" 2>"$T_TMP/err"
ok "interleaved with the fork family: exit 0" test $? -eq 0
jq_ok "the fork family's parents hold 64 MiB, the creation runs' do not" "$T_TMP/m.json" \
    '[.benchmarks[] | select(.run_type == "iteration")] as $b
     | ($b | map(select(.name | startswith("fork_size/"))) | length == 8 and all(.parent_rss_mib >= 64))
       and ($b | map(select(.name | startswith("create/"))) | length == 8 and all(.parent_rss_mib < 64))'
ok "no process left behind" test "$(survivors)" -eq 0

"$RT_BIN/bench_create" --tiny=/nonexistent/prog >/dev/null 2>"$T_TMP/err"
ok "--tiny that is not a program: exit 2" test $? -eq 2
ok "--tiny: one line naming the flag" grep -q -- "--tiny" "$T_TMP/err"
"$RT_BIN/bench_create" --fork-sizes-mib=0 >/dev/null 2>"$T_TMP/err"
ok "--fork-sizes-mib=0: exit 2" test $? -eq 2
t_done
