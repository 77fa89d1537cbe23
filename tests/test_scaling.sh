#!/usr/bin/env bash
# bench_scaling end to end, at toy sizes: the JSON holds every run with its
# counters, placement and machine facts; computing work costs CPU time and
# waiting work does not, and waits overlap under either GIL; a worker that fails makes the program fail
# with a clear message; a failure, SIGTERM or SIGKILL of the parent leaves
# no worker or responder process behind.
source "$(dirname "$0")/lib.sh"

# A unique path on every command line: our processes, children included
# (they share the parent's command line), are found by it.
marker="$T_TMP/scaling-$$-$RANDOM"
toy=(--io-max-workers=4 --cpu-max-workers=4 --cpu-steps=20000 --cpu-strong-items=16
     --cpu-weak-items=8 --sleep-us=500 --sleep-strong-items=16 --sleep-weak-items=4
     --tcp-delay-us=500 --tcp-strong-items=16 --tcp-weak-items=4 --mixed-item-us=500
     --mixed-strong-items=16 --mixed-weak-items=4 --crossover-pcts=0,100
     --crossover-items=4 --harness-rounds=3 --capacity-ms=20 --capacity-trials=5
     --calibrate-ms=5 --old-unit-ns=20 --benchmark_min_time=0.005)
survivors() { pgrep -f -- "$marker" | grep -vx "$$" | wc -l; }

"$RT_BIN/bench_scaling" "${toy[@]}" --capacity-out="$marker.capacity.json" \
    --benchmark_out="${RT_KEEP:-$T_TMP}/s.json" --benchmark_out_format=json >"$T_TMP/out" 2>"$T_TMP/err"
ok "toy sweep exits 0 ($(tail -n 3 "$T_TMP/err" | tr '\n' ' '))" test $? -eq 0
j=${RT_KEEP:-$T_TMP}/s.json
# 4 workloads x 2 scalings x 4 modes x workers 1,2,4 = 96, + crossover 4 modes x 2 = 104
jq_ok "104 runs (96 scaling + 8 crossover), none failed" "$j" \
    '[.benchmarks[] | select(.error_occurred | not)] | length == 104'
jq_ok "every scaling run names its workers" "$j" \
    '[.benchmarks[] | select(.name | startswith("scaling/")) | (.name | capture("workers:(?<n>[0-9]+)").n | tonumber) == .workers] | all'
jq_ok "every run has its counters" "$j" \
    '[.benchmarks[] | has("items_per_second") and has("harness_fraction") and has("cpus_busy") and has("workers_blocked")
      and has("cpu_us_per_item") and has("voluntary_cs_per_item") and has("involuntary_cs_per_item")
      and has("start_skew_us") and has("cpu_mismatches")] | all'
jq_ok "cpu runs, and only they, are paired with one worker alone on each PU of the plan" "$j" \
    '[.benchmarks[] | select(.run_type == "iteration")
      | if (.name | startswith("scaling/cpu/")) then .solo_items_per_second > 0
          and (.paired_speedup - .items_per_second / .solo_items_per_second | fabs) < 1e-6
          and .solo_pus == (.label | capture("plan=(?<p>[0-9,]+)").p | split(",") | unique | length)
          and .solo_spread >= 1
        else (has("paired_speedup") or has("solo_items_per_second") or has("solo_pus")) | not end]
     | all'
jq_ok "tcp runs report the responder's CPU per request" "$j" \
    '[.benchmarks[] | select(.name | startswith("scaling/tcp/")) | .responder_cpu_us_per_item > 0] | all'
jq_ok "labels carry mode, plan and CPUs seen" "$j" \
    '[.benchmarks[] | .label | test("^mode=(threads|processes|threads-new gil=new switch_interval_us=5000 unit_ns=33|threads-old gil=old check_interval=100 unit_ns=20) policy=compact plan=[0-9,]+ seen=[0-9,]+")] | all'
jq_ok "processes runs are labelled processes" "$j" \
    '[.benchmarks[] | select(.name | contains("/processes")) | .label | startswith("mode=processes")] | all'
jq_ok "context: capacity, calibration, sweep, parameters" "$j" \
    '.context | has("capacity.before") and has("calibration.cpu_steps_per_us")
     and ."sweep.io_max_workers" == "4" and ."param.tcp-delay-us" == "500"
     and ."param.modes" == "threads,processes,threads-new,threads-old"
     and ."gil.switch_interval_us" == "5000" and (."gil.unit_steps" | tonumber) >= 1
     and ."gil.unit_ns" == "33" and ."gil.old_unit_ns" == "20"'
jq_ok "GIL modes report the GIL's counters, the others do not" "$j" \
    '[.benchmarks[] | (.name | test("/threads-(new|old)/")) == (has("gil_acquisitions_per_s")
      and has("gil_handoffs_per_s") and has("gil_wait_p99_us") and has("gil_forced_waits_per_s"))] | all'
jq_ok "every GIL-mode round takes the GIL, and several workers hand it over" "$j" \
    '[.benchmarks[] | select(.name | test("/threads-(new|old)/")) | .gil_acquisitions_per_s > 0
      and (.workers == 1 or .gil_handoffs_per_s > 0)] | all'
jq_ok "under the new GIL only one thread computes at a time (cpu, 2 and 4 workers: cpus_busy < 1.25)" "$j" \
    '[.benchmarks[] | select(.name | test("scaling/cpu/.*/threads-new/workers:[24]/")) | .cpus_busy < 1.25] | all'
# Whether waits overlap, measured inside each run (the workers' time in
# blocking calls over the run's): two runs' throughputs, compared across a
# second of a shared VM's drift, gave 4 waiting workers 2.5x to 5.3x of 1
# here, and under 2x once in CI.  Waits that kept the GIL could not overlap.
jq_ok "waiting releases the GIL: sleep and tcp under either GIL, 4 workers blocked more than 2 at once on average (a kept GIL: at most 1)" "$j" \
    '[.benchmarks[] | select(.name | test("scaling/(sleep|tcp)/.*/threads-(new|old)/workers:4/")) | .workers_blocked > 2]
     | length == 8 and all'
jq_ok "no more workers blocked than there are (every run), none in cpu runs, some in every waiting one" "$j" \
    '[.benchmarks[] | select(.run_type == "iteration") | .workers_blocked >= 0 and .workers_blocked <= .workers + 1e-9
      and if (.name | test("^scaling/cpu/|wait_pct:0/")) then .workers_blocked == 0 else .workers_blocked > 0 end] | all'
# CPU time, not a share of the wall clock, which a loaded VM takes away:
# an item costs the kernel's steps at the calibrated (fastest) rate or more.
jq_ok "computing costs its work in CPU time (cpu: cpu_us_per_item at least half of cpu-steps / calibrated steps per us)" "$j" \
    '((.context."param.cpu-steps" | tonumber) / (.context."calibration.cpu_steps_per_us" | tonumber)) as $item_us
     | [.benchmarks[] | select(.name | startswith("scaling/cpu/")) | .cpu_us_per_item >= 0.5 * $item_us] | length == 24 and all'
# Per worker, as the claim is: 4 sleeping workers under ASan come to 0.10
# to 0.14 PUs together, and this check, with 0.2 on the sum, failed once
# there.
jq_ok "waiting does not (sleep: cpus_busy per worker < 0.2, a voluntary switch per item)" "$j" \
    '[.benchmarks[] | select(.name | startswith("scaling/sleep/")) | .cpus_busy / .workers < 0.2 and .voluntary_cs_per_item >= 0.9] | all'
jq_ok "the crossover runs hold their waiting share" "$j" \
    '[.benchmarks[] | select(.name | startswith("crossover/")) | (.name | capture("wait_pct:(?<p>[0-9]+)").p | tonumber) == .wait_pct] | all'
# The median of 5 trials of 20 ms pieces (with 3 of 5 ms, one went over
# once): a few milliseconds stolen from one piece on a shared VM still move
# a trial's ratio by a tenth or more, so the bound allows half again over
# the PUs (a capacity counted twice, 2 x PUs, still fails it).
jq_ok "capacity before and after, within 0..PUs (and noise)" "$marker.capacity.json" \
    '.before.capacity > 0 and .after.capacity > 0 and .before.capacity <= .pus * 1.5 and .after.capacity <= .pus * 1.5 and .after.trials == 5'
ok "no process left after a clean run" test "$(survivors)" -eq 0

# A worker killed by a signal, or by a failed assertion: the run fails,
# says which and why, and writes no number for the runs it broke (those
# with a worker 1); the 1-worker runs keep theirs.
for how in signal:11 assert:6; do
    "$RT_BIN/bench_scaling" "${toy[@]}" --workloads=sleep --modes=processes --scalings=weak \
        --fail-worker=1 --fail-how="${how%:*}" --capacity-out="$marker.f.json" \
        --benchmark_out="$T_TMP/f.json" --benchmark_out_format=json >"$T_TMP/out" 2>"$T_TMP/err"
    rc=$?
    ok "${how%:*}: a killed worker fails the program (exit $rc)" test $rc -eq 1
    ok "${how%:*}: and says which worker and why" \
        grep -qE "worker 1 \(pid [0-9]+\) was killed by signal ${how#*:}" "$T_TMP/out"
    jq_ok "${how%:*}: no number for the broken runs, the others intact" "$T_TMP/f.json" \
        '[.benchmarks[] | select(.run_type == "iteration")] as $b
         | ($b | map(select(.name | test("workers:[24]/"))) | length > 0
               and all(.error_occurred and (has("items_per_second") | not)))
           and ($b | map(select(.name | test("workers:1/"))) | length > 0 and all(.items_per_second > 0))'
    ok "${how%:*}: no process left after a failed run" test "$(survivors)" -eq 0
done

# A returned error in thread mode, with the tcp responder running.
"$RT_BIN/bench_scaling" "${toy[@]}" --workloads=tcp --modes=threads --scalings=weak \
    --fail-worker=0 --capacity-out="$marker.t.json" >"$T_TMP/out" 2>"$T_TMP/err"
ok "a failing thread fails the program" test $? -eq 1
ok "and says which worker and why" grep -q "worker 0: injected failure" "$T_TMP/out"
ok "the responder is gone too" test "$(survivors)" -eq 0

# Signals to the parent in the middle of a long round.
for sig in TERM KILL; do
    "$RT_BIN/bench_scaling" "${toy[@]}" --workloads=tcp --modes=processes --scalings=weak \
        --tcp-weak-items=100000 --capacity-out="$marker.$sig.json" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 100); do [ "$(survivors)" -ge 3 ] && break; sleep 0.1; done
    ok "SIG$sig: workers and responder were running" test "$(survivors)" -ge 3
    kill -s "$sig" "$pid"
    { wait "$pid"; } 2>/dev/null
    rc=$?
    want=$((128 + $(kill -l "$sig")))
    ok "SIG$sig: the program died of it (exit $rc, expected $want)" test $rc -eq $want
    for _ in $(seq 50); do [ "$(survivors)" -eq 0 ] && break; sleep 0.1; done
    ok "SIG$sig: no worker or responder survives" test "$(survivors)" -eq 0
    # After SIGTERM the program reaps its children itself; after SIGKILL it
    # cannot, the kernel kills them and init reaps them.
    if [ "$sig" = TERM ]; then
        zombies=$(ps -eo stat=,comm= | awk '$1 ~ /^Z/ && $2 == "bench_scaling"' | wc -l)
        ok "SIGTERM: no zombie is left" test "$zombies" -eq 0
    fi
done
t_done
