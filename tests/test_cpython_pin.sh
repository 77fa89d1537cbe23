#!/usr/bin/env bash
# cpython_gil.py's pinning where Python has no os.sched_setaffinity (2.x):
# the same call of libc through ctypes.  Under python3 with the os calls
# hidden, that path must pin only the calling thread, to exactly the CPU
# asked for (read back by the kernel through os.sched_getaffinity, which the
# script no longer sees), and leave other threads as they were.  Then the
# convoy's pinning (--convoy-cpus: each thread where the plan puts it) and
# --filter (exactly the configurations it matches).
source "$(dirname "$0")/lib.sh"
if ! command -v python3 >/dev/null; then
    echo "no python3: skipped"
    exit 77
fi
cat >"$T_TMP/pin.py" <<'PY'
import os, sys, threading
get_os = os.sched_getaffinity
del os.sched_setaffinity, os.sched_getaffinity   # as under Python 2.x
sys.path.insert(0, sys.argv[1])
import cpython_gil as g
allowed = get_os(0)
cpu = max(allowed)
seen = {}
def worker():
    g.set_affinity({cpu})
    seen["script"], seen["kernel"] = g.get_affinity(), get_os(0)
t = threading.Thread(target=worker)
t.start()
t.join()
print(g.CAN_PIN, seen["script"] == {cpu}, seen["kernel"] == {cpu}, g.get_affinity() == allowed)
PY
out=$(python3 "$T_TMP/pin.py" "$RT_SOURCE/scripts" 2>&1)
ok "the libc path is there (got: $out)" test "${out%% *}" = True
ok "the thread is pinned to the CPU asked for, read back, and the others are not (got: $out)" \
    test "$out" = "True True True True"
# A pinned team's context names its CPUs on that path too.
cpu=$(python3 -c 'import os; print(max(os.sched_getaffinity(0)))')
python3 - "$RT_SOURCE/scripts" "$cpu" "$T_TMP/c.json" <<'PY'
import os, sys
del os.sched_setaffinity, os.sched_getaffinity
sys.path.insert(0, sys.argv[1])
import cpython_gil as g
sys.argv = ["cpython_gil.py", "--cpus", sys.argv[2], "--out", sys.argv[3], "--repetitions", "1",
            "--countdown", "20000", "--convoy-ms", "1", "--convoy-min-intervals", "0",
            "--intervals-us", "500", "--max-cpu", "0", "--sleep-max-workers", "1", "--sleep-us", "1",
            "--sleep-items", "1", "--mixed-workers", "1", "--mixed-items", "1", "--mixed-pcts", "0"]
g.main()
PY
ok "cpython_gil.py ran on the libc path" test -s "$T_TMP/c.json"
jq_ok "its context records the CPUs ($cpu)" "$T_TMP/c.json" ".context.cpu_placement == \"$cpu\""
jq_ok "its 2-thread run's solo reference ran on that CPU only" "$T_TMP/c.json" \
    '[.benchmarks[] | select(.name | test("cpu/threads-new/workers:2/")) | .solo_pus] == [1]'
# The convoy's threads pinned as bench_gil's plan (--convoy-cpus): the I/O
# thread (the one calling convoy) on the first CPU, CPU thread j on the
# (j+1)-th, wrapping round; the I/O thread's own CPU set given back after.
# Every pin is recorded by the thread that makes it.
out=$(python3 - "$RT_SOURCE/scripts" <<'PY'
import os, sys, threading
sys.path.insert(0, sys.argv[1])
import cpython_gil as g
before = g.get_affinity()
allowed = sorted(before)
plan = [allowed[0], allowed[-1], allowed[0]]
calls = []
real_set = g.set_affinity
def record(cpus):
    calls.append((threading.current_thread() is threading.main_thread(), sorted(cpus)))
    real_set(cpus)
g.set_affinity = record
g.convoy("read1", 500, 3, 5, cpus=plan)
main = [c for m, c in calls if m]
spinners = sorted(c for m, c in calls if not m)
print(main == [[plan[0]], allowed] and spinners == sorted([[plan[1]], [plan[2]], [plan[0]]])
      and g.get_affinity() == before, calls)
PY
)
ok "the convoy's threads pinned as the plan, the I/O thread's CPUs given back (got: $out)" \
    test "${out%% *}" = True
# --filter: exactly the configurations it matches, in the usual order.
python3 "$RT_SOURCE/scripts/cpython_gil.py" --out "$T_TMP/f.json" --repetitions 2 \
    --filter '^(convoy/read1/threads-new/i500/|sleep/threads-new/workers:1$)' --convoy-cpus "$cpu" \
    --convoy-ms 1 --convoy-min-intervals 0 --intervals-us 500,5000 --max-cpu 1 --sleep-us 1 \
    --sleep-items 1 >/dev/null 2>"$T_TMP/f.err"
jq_ok "--filter ran only the matching configurations, each once per repetition" "$T_TMP/f.json" \
    '[.benchmarks[].name] == (["cpython/convoy/read1/threads-new/i500/cpu:0/manual_time",
                               "cpython/convoy/read1/threads-new/i500/cpu:1/manual_time",
                               "cpython/sleep/threads-new/workers:1/manual_time"] | . + .)'
jq_ok "its context records the convoy's CPUs ($cpu)" "$T_TMP/f.json" ".context.convoy_placement == \"$cpu\""
# How often each side slept per operation (/proc/self/task): with no CPU
# thread, none of them; beside one, for 20 ms at 500 us (unpinned, so that
# they meet at once), both sides wait for the other's drop.
python3 "$RT_SOURCE/scripts/cpython_gil.py" --out "$T_TMP/s.json" --repetitions 1 \
    --filter '^convoy/read1/threads-new/i500/' --convoy-ms 20 --convoy-min-intervals 0 \
    --intervals-us 500 --max-cpu 1 >/dev/null 2>"$T_TMP/s.err"
jq_ok "the convoy counts each side's sleeps per operation: no CPU thread's alone, both sides' beside one" \
    "$T_TMP/s.json" '[.benchmarks[] | select(.name | test("convoy/")) | .io_sleeps_per_op >= 0
      and if (.name | test("/cpu:0/")) then .cpu_sleeps_per_op == 0
          else .cpu_sleeps_per_op > 0 and .io_sleeps_per_op > 0 end] | length == 2 and all'
t_done
