#!/usr/bin/env bash
# bench_ipc at toy sizes: every run in the JSON without error, round trip
# and one way both reported, pairs labelled from the topology; a pair the
# machine cannot give is one clear line and exit 2; no process is left.
source "$(dirname "$0")/lib.sh"

marker="$T_TMP/bench_ipc_$$_$RANDOM"
ln -s "$RT_BIN/bench_ipc" "$marker"
survivors() { pgrep -f -- "$marker" | wc -l; }
toy=(--mechanisms=pipe,spin,semaphore --streams=ring,pipe --stream-sizes=8,65536
     --stream-round-bytes=65536 --round-trips=200 --wake-samples=10 --wake-gap-us=200
     --check-every-byte --benchmark_min_time=0.005)

"$marker" "${toy[@]}" --pairs=same-pu --benchmark_out="$T_TMP/i.json" \
    --benchmark_out_format=json >"$T_TMP/out" 2>"$T_TMP/err"
ok "bench_ipc exits 0 ($(tail -n 2 "$T_TMP/err" | tr '\n' ' '))" test $? -eq 0
j=$T_TMP/i.json
# ping-pong: 3 mechanisms x (2 modes + one-worker); streams: 2 x 2 modes x 2 sizes;
# wake-up: 2 kinds x 2 modes x 2 loads
jq_ok "9 + 8 + 8 runs, none failed" "$j" '[.benchmarks[] | select(.error_occurred | not)] | length == 25'
jq_ok "ping-pong reports round trip and one way" "$j" \
    '[.benchmarks[] | select(.name | startswith("pingpong/")) | .rtt_ns > 0 and .one_way_ns == .rtt_ns / 2] | all'
jq_ok "pairs are labelled with their relation" "$j" \
    '[.benchmarks[] | select(.name | test("/same-pu/")) | .label | test("pair=same-pu cpus=([0-9]+),\\1 relation=same-pu")] | all'
jq_ok "streams report bytes per second" "$j" \
    '[.benchmarks[] | select(.name | startswith("stream/")) | .bytes_per_second > 0] | all'
jq_ok "wake-up reports median <= p99 <= max" "$j" \
    '[.benchmarks[] | select(.name | startswith("wakeup/")) | .late_median_us <= .late_p99_us and .late_p99_us <= .late_max_us and .samples >= 10] | all'
jq_ok "the wake-up pair is two different cores, the one the labels name" "$j" \
    '.context["wakeup.pair"] as $p | $p != "same-pu" and ([.benchmarks[] | select(.name | startswith("wakeup/")) | .label | contains("pair=" + $p + " ")] | all)'
jq_ok "the busy runs had a spinner per PU" "$j" \
    '[.benchmarks[] | select(.name | test("/busy/")) | .busy_threads >= 1] | all'
ok "no process left behind" test "$(survivors)" -eq 0

# One allowed PU: no two cores to put a pair on.
taskset -c 0 "$RT_BIN/bench_ipc" --pairs=other-core >"$T_TMP/out" 2>"$T_TMP/err"
ok "an impossible pair: exit 2" test $? -eq 2
ok "an impossible pair: one line" test "$(wc -l <"$T_TMP/err")" -eq 1
ok "an impossible pair: names --pairs and the machine" grep -q -- "--pairs: this machine has no two allowed PUs that are other-core" "$T_TMP/err"
taskset -c 0 "$RT_BIN/bench_ipc" --pairs=same-pu --wake-pair=other-l3 >"$T_TMP/out" 2>"$T_TMP/err"
ok "an impossible wake-up pair: exit 2" test $? -eq 2
ok "and names --wake-pair" grep -q -- "--wake-pair: this machine has no two allowed PUs that are other-l3" "$T_TMP/err"
# On one PU the default wake-up pair falls back to that PU, and says so.
taskset -c 0 "$RT_BIN/bench_ipc" "${toy[@]}" --pairs=same-pu --wake-kinds=signal --wake-loads=idle \
    --modes=threads --benchmark_filter=wakeup --benchmark_out="$T_TMP/w.json" \
    --benchmark_out_format=json >"$T_TMP/out" 2>"$T_TMP/err"
ok "one PU: the wake-up runs" test $? -eq 0
jq_ok "one PU: the wake-up pair is same-pu, in the context and the label" "$T_TMP/w.json" \
    '.context["wakeup.pair"] == "same-pu" and ([.benchmarks[] | .label | test("pair=same-pu cpus=0,0 ")] | all) and (.benchmarks | length == 1)'
t_done
