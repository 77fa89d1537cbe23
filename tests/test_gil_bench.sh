#!/usr/bin/env bash
# bench_gil at toy sizes: every experiment runs without error, and the
# shapes that made the GIL famous hold in the counters, with generous
# bounds: under the new GIL 2 CPU-bound threads are no faster than 1 would
# allow with a lock (items/s below 1.5x of 1 worker alone beside them, in
# the same run), without a GIL they
# are not held back by one (no hand-offs); the old GIL hands off far more
# often than the new; and the I/O
# thread of a convoy beside a CPU thread under the new GIL waits for the
# GIL (drop requests) where the processes mode does not.  CPU rounds last
# several switch intervals (64 items x 15000 units), or start-up hand-offs
# would dominate.
source "$(dirname "$0")/lib.sh"

marker="$T_TMP/bench_gil_$$_$RANDOM"
ln -s "$RT_BIN/bench_gil" "$marker"
"$marker" --cpu-max-workers=2 --cpu-items=64 --units-per-item=15000 --intervals-us=500,5000 \
    --convoy-ms=30 --convoy-ops=read1,echo --convoy-intervals-us=1000 --convoy-max-cpu=1 \
    --benchmark_min_time=0.01 --benchmark_out="$T_TMP/g.json" --benchmark_out_format=json \
    >"$T_TMP/out" 2>"$T_TMP/err"
ok "bench_gil exits 0 ($(tail -n 2 "$T_TMP/err" | tr '\n' ' '))" test $? -eq 0
j=$T_TMP/g.json
jq_ok "no run failed" "$j" '[.benchmarks[] | .error_occurred // false] | any | not'
# Against one worker alone in the same run (paired_speedup): two runs made
# at different moments would compare the VM's swings of speed too.
jq_ok "new GIL: 2 CPU threads below 1.5x of 1 worker beside them" "$j" \
    '[.benchmarks[] | select(.run_name == "gil/cpu/threads-new/workers:2/manual_time")][0].paired_speedup < 1.5'
jq_ok "CPU-bound runs, and only they, have a reference: one worker alone, and the team over it" "$j" \
    '[.benchmarks[] | select(.run_type == "iteration")
      | if (.name | test("^gil/(cpu|cpu_one_pu|interval)/")) then .solo_items_per_second > 0
          and (.paired_speedup - .items_per_second / .solo_items_per_second | fabs) < 1e-6
        else (has("paired_speedup") or has("solo_items_per_second")) | not end] | all'
# A team spread over PUs runs at their mean speed: the reference samples
# each PU of the plan (one on the same PU), not worker 0's alone.
jq_ok "the reference samples every PU of the plan, and only those" "$j" \
    '[.benchmarks[] | select(.run_type == "iteration" and has("solo_pus"))
      | .solo_pus == (.label | capture("plan=(?<p>[0-9,]+)").p | split(",") | unique | length)
        and .solo_spread >= 1] | all'
jq_ok "cpu_one_pu: one PU sampled" "$j" \
    '[.benchmarks[] | select(.name | startswith("gil/cpu_one_pu/")) | .solo_pus == 1] | all'
jq_ok "labels say the unit's length: the default 33 ns" "$j" \
    '[.benchmarks[] | .label | test(" unit_ns=33 ")] | all'
jq_ok "no GIL: no hand-offs, no waits" "$j" \
    '[.benchmarks[] | select(.name | startswith("gil/cpu/threads-none")) | .gil_handoffs_per_s == 0 and .gil_wait_max_us == 0] | all'
jq_ok "old GIL hands off 10x more often than the new with 2 CPU threads" "$j" \
    '([.benchmarks[] | select(.run_name == "gil/cpu/threads-old/workers:2/manual_time")][0].gil_handoffs_per_s)
     > 10 * ([.benchmarks[] | select(.run_name == "gil/cpu/threads-new/workers:2/manual_time")][0].gil_handoffs_per_s)'
jq_ok "convoy beside a CPU thread, new GIL: drop requests" "$j" \
    '[.benchmarks[] | select(.name | test("gil/convoy/.*/threads-new/.*cpu:1/")) | .gil_drop_requests_per_s > 0] | all'
jq_ok "convoy, processes: no drop requests" "$j" \
    '[.benchmarks[] | select(.name | test("gil/convoy/.*/processes/")) | .gil_drop_requests_per_s == 0] | all'
jq_ok "convoy runs report I/O latency" "$j" \
    '[.benchmarks[] | select(.name | startswith("gil/convoy/")) | .io_ops_per_second > 0 and .io_p50_us <= .io_p99_us] | all'
jq_ok "convoy runs report the latency CDF: 18 points, rising, ending at 1" "$j" \
    '[.benchmarks[] | select((.name | startswith("gil/convoy/")) and .run_type == "iteration")
      | [to_entries[] | select(.key | test("^io_le_[0-9]+ns$")) | {e: (.key | ltrimstr("io_le_") | rtrimstr("ns") | tonumber), v: .value}]
      | sort_by(.e) | map(.v) | length == 18 and . == sort and .[17] == 1 and .[0] >= 0] | all'
jq_ok "convoy: the CPU threads' GIL waits, per operation and the share under 1024 ns; none alone, none with a GIL of their own" "$j" \
    '[.benchmarks[] | select((.name | startswith("gil/convoy/")) and .run_type == "iteration")
      | .cpu_gil_wait_le_1024ns >= 0 and .cpu_gil_wait_le_1024ns <= 1
        and if (.name | test("/cpu:0/") or test("/processes/")) then .cpu_gil_waits_per_op == 0
            else .cpu_gil_waits_per_op > 0 end] | length > 0 and all'
jq_ok "convoy: how often each side slept per operation; no CPU thread alone, none beside its own GIL" "$j" \
    '[.benchmarks[] | select((.name | startswith("gil/convoy/")) and .run_type == "iteration")
      | .io_sleeps_per_op >= 0 and .cpu_sleeps_per_op >= 0
        and if (.name | test("/cpu:0/")) then .cpu_sleeps_per_op == 0
            elif (.name | test("/processes/")) then .cpu_sleeps_per_op < 0.01
            else true end] | length > 0 and all'
jq_ok "convoy, new GIL beside a CPU thread: both sides sleep (each waits for the other's drop)" "$j" \
    '[.benchmarks[] | select(.name | test("gil/convoy/.*/threads-new/.*cpu:1/"))
      | .io_sleeps_per_op > 0 and .cpu_sleeps_per_op > 0] | length > 0 and all'
ok "no process left behind" test "$(pgrep -f -- "$marker" | wc -l)" -eq 0
# The old GIL models 2.x, whose countdown runs at its own speed: --old-unit-ns
# sizes its units and nobody else's.
"$RT_BIN/bench_gil" --unit-ns=40 --old-unit-ns=20 --steps-per-us=1000 --cpu-max-workers=1 \
    --cpu-items=8 --units-per-item=100 --solo-every=0 --benchmark_filter='^gil/cpu/' \
    --benchmark_min_time=0.001 --benchmark_out="$T_TMP/u.json" --benchmark_out_format=json \
    >/dev/null 2>"$T_TMP/err"
ok "bench_gil --old-unit-ns exits 0" test $? -eq 0
jq_ok "the old GIL's units are --old-unit-ns long, every other mode's --unit-ns" "$T_TMP/u.json" \
    '[.benchmarks[] | .label | if test("gil=old") then test(" unit_ns=20 ") else test(" unit_ns=40 ") end]
     | length == 4 and all'
jq_ok "context: the units in kernel steps (40 and 20 at 1000 steps/us)" "$T_TMP/u.json" \
    '.context."gil.unit_steps" == "40" and .context."gil.old_unit_steps" == "20"'
# A unit lasts --unit-ns: one worker alone, no GIL, on the calibrated
# kernel (0.5x to 2x: the claim is about time, and this VM's single-thread
# speed moves by a fifth and more between the calibration and the runs).  Units that each
# started the kernel's chain afresh ran about twice as fast: the CPU
# overlapped them.
"$RT_BIN/bench_gil" --unit-ns=40 --cpu-max-workers=1 --cpu-items=20 --units-per-item=5000 \
    --solo-every=0 --benchmark_filter='^gil/cpu/threads-(none|old)/' --benchmark_min_time=0.001 \
    --benchmark_repetitions=3 --benchmark_out="$T_TMP/len.json" --benchmark_out_format=json \
    >/dev/null 2>"$T_TMP/err"
ok "bench_gil --unit-ns=40 exits 0 ($(tail -n 1 "$T_TMP/err"))" test $? -eq 0
unit_len=$(jq '[.benchmarks[] | select(.run_type == "iteration") | 1e9 / .items_per_second / 5000]
                | sort | .[length / 2 | floor] | . * 10 | round / 10' "$T_TMP/len.json")
ok "a unit lasts 40 ns, 0.5x to 2x, no GIL and under the old one (median of 6 runs: $unit_len ns)" \
    awk -v u="$unit_len" 'BEGIN { exit !(u > 40 / 2 && u < 40 * 2) }'
# --io-op-ns sizes the convoy's I/O loop to real CPython's CPU time per
# operation: alone, a read1 loop given 20 us per operation runs about that
# long (0.5x to 2x: the claim is about time; a read of /dev/zero never
# waits, so its wall time is its CPU time), with more units than the
# default; an op it does not name keeps --io-units-per-op; a target below
# the bare operation's own cost gives 0 units; --old-io-op-ns is the old
# GIL's alone.  An echo round trip mostly waits for the echo process: given
# 100 us, its loop costs about 100 us of CPU time per operation (sized by
# wall time, the wait would take most of it), and takes longer than that.
"$RT_BIN/bench_gil" --io-op-ns=read1=20000,echo=100000 --old-io-op-ns=read1=1 --io-units-per-op=7 \
    --convoy-ops=read1,socketpair,echo --convoy-intervals-us=5000 --convoy-max-cpu=0 --convoy-ms=50 \
    --benchmark_filter='^gil/convoy/' \
    --benchmark_min_time=0.001 --benchmark_out="$T_TMP/io.json" --benchmark_out_format=json \
    >/dev/null 2>"$T_TMP/err"
ok "bench_gil --io-op-ns exits 0 ($(tail -n 1 "$T_TMP/err"))" test $? -eq 0
units='(.label | capture("io_units_per_op=(?<u>[0-9]+)").u | tonumber)'
jq_ok "read1, new GIL and processes: 20 us per operation alone, 0.5x to 2x, more than 7 units" \
    "$T_TMP/io.json" "[.benchmarks[] | select(.name | test(\"convoy/read1/(threads-new|processes)/\"))
      | (1e9 / .io_ops_per_second) as \$ns | \$ns > 10000 and \$ns < 40000 and $units > 7
        and .io_cpu_ns_per_op > 10000 and .io_cpu_ns_per_op < 40000]
     | length == 2 and all"
jq_ok "echo, new GIL and processes: 100 us of CPU time per operation, 0.5x to 2x; the wall time more" \
    "$T_TMP/io.json" "[.benchmarks[] | select(.name | test(\"convoy/echo/(threads-new|processes)/\"))
      | .io_cpu_ns_per_op > 50000 and .io_cpu_ns_per_op < 200000
        and 1e9 / .io_ops_per_second > .io_cpu_ns_per_op]
     | length == 2 and all"
jq_ok "read1, old GIL: 1 ns is below the bare operation's cost: 0 units" "$T_TMP/io.json" \
    "[.benchmarks[] | select(.name | test(\"convoy/read1/threads-old/\")) | $units == 0] | length == 1 and all"
jq_ok "socketpair, not named: --io-units-per-op's 7 units, in every mode" "$T_TMP/io.json" \
    "[.benchmarks[] | select(.name | test(\"convoy/socketpair/\")) | $units == 7] | length == 3 and all"
jq_ok "echo, old GIL, not named by --old-io-op-ns: 7 units" "$T_TMP/io.json" \
    "[.benchmarks[] | select(.name | test(\"convoy/echo/threads-old/\")) | $units == 7] | length == 1 and all"
# Under the old GIL the I/O thread offers the GIL up at every check
# interval of its polls' ticks, not of its time: alone, with a check
# interval of 10 ticks (a release once the ticker falls below 0) and 1 tick
# a poll, 22 polls between operations take the GIL 1 + 22/11 = 3 times per
# operation (back from each read, and twice at the check interval);
# --old-io-ticks-per-op=read1=44 at 2 ticks a poll is 22 polls too, a release
# every 6: 1 + 22/6.  The new GIL, alone, takes it once per operation.
"$RT_BIN/bench_gil" --check-interval=10 --ticks-per-unit=1 --io-polls-per-op=22 \
    --io-units-per-op=0 --convoy-ops=read1 --convoy-intervals-us=5000 --convoy-max-cpu=0 \
    --convoy-ms=30 --benchmark_filter='^gil/convoy/read1/threads-' --benchmark_min_time=0.001 \
    --benchmark_out="$T_TMP/p1.json" --benchmark_out_format=json >/dev/null 2>"$T_TMP/err" &&
"$RT_BIN/bench_gil" --check-interval=10 --ticks-per-unit=2 --io-polls-per-op=5 \
    --old-io-ticks-per-op=read1=44 --io-units-per-op=0 --convoy-ops=read1 \
    --convoy-intervals-us=5000 --convoy-max-cpu=0 --convoy-ms=30 \
    --benchmark_filter='^gil/convoy/read1/threads-' --benchmark_min_time=0.001 \
    --benchmark_out="$T_TMP/p2.json" --benchmark_out_format=json >/dev/null 2>>"$T_TMP/err"
ok "bench_gil --io-polls-per-op, --old-io-ticks-per-op exit 0 ($(tail -n 1 "$T_TMP/err"))" test $? -eq 0
per_op='(.gil_acquisitions_per_s / .io_ops_per_second)'
polls='(.label | capture("io_polls_per_op=(?<p>[0-9]+)").p | tonumber)'
jq_ok "22 polls of 1 tick, check interval 10: the old GIL taken 3 times per operation" \
    "$T_TMP/p1.json" "[.benchmarks[] | select(.label | test(\"gil=old\"))
      | $polls == 22 and ($per_op - 3 | fabs) < 0.03] | length == 1 and all"
jq_ok "--old-io-ticks-per-op=read1=44 at 2 ticks a poll: 22 polls, the old GIL taken 1 + 22/6 times" \
    "$T_TMP/p2.json" "[.benchmarks[] | select(.label | test(\"gil=old\"))
      | $polls == 22 and ($per_op - (1 + 22 / 6) | fabs) < 0.04] | length == 1 and all"
for f in p1:22 p2:5; do
    jq_ok "the new GIL alone: --io-polls-per-op's ${f#*:} polls, taken once per operation" \
        "$T_TMP/${f%:*}.json" "[.benchmarks[] | select(.label | test(\"gil=new\"))
          | $polls == ${f#*:} and ($per_op - 1 | fabs) < 0.01] | length == 1 and all"
done
# --io-gap-share moves a share of those units between an operation's two
# calls (socketpair: send, then recv), where they hold the GIL without a
# poll, as the bytecode between two calls does: 40 units at 0.25 are 10
# there (read1 has one call: none), and the old GIL, given 22 polls of 1
# tick and a check interval of 10, is still taken 2 + 22/11 = 4 times per
# socketpair operation (back from send, back from recv, twice at the check
# interval), the gap's units ticking nothing.
"$RT_BIN/bench_gil" --check-interval=10 --ticks-per-unit=1 --io-polls-per-op=22 \
    --io-units-per-op=40 --io-gap-share=socketpair=0.25,read1=0.5 --convoy-ops=read1,socketpair \
    --convoy-intervals-us=5000 --convoy-max-cpu=0 --convoy-ms=30 \
    --benchmark_filter='^gil/convoy/(read1|socketpair)/threads-old' --benchmark_min_time=0.001 \
    --benchmark_out="$T_TMP/g.json" --benchmark_out_format=json >/dev/null 2>"$T_TMP/err"
ok "bench_gil --io-gap-share exits 0 ($(tail -n 1 "$T_TMP/err"))" test $? -eq 0
gap='(.label | capture("io_gap_units=(?<g>[0-9]+)").g | tonumber)'
jq_ok "40 units at 0.25: 10 between socketpair's calls, none for read1's one call" "$T_TMP/g.json" \
    "[.benchmarks[] | (if (.name | test(\"/socketpair/\")) then 10 else 0 end) == $gap] | length == 2 and all"
jq_ok "the gap holds the old GIL without a tick: still taken 4 times per socketpair operation" \
    "$T_TMP/g.json" "[.benchmarks[] | select(.name | test(\"/socketpair/\"))
      | ($per_op - 4 | fabs) < 0.05] | length == 1 and all"
"$RT_BIN/bench_gil" --convoy-ops=carrier-pigeon >/dev/null 2>"$T_TMP/err"
ok "bad --convoy-ops: exit 2" test $? -eq 2
t_done
