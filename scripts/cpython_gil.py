#!/usr/bin/env python3
"""cpython_gil.py - the GIL experiments in real CPython, for comparison with
the emulated GIL of bench_gil and bench_scaling.  Standard library only;
runs under Python 3 and under 2.7 (whose GIL is the old one).

Writes Google Benchmark-shaped JSON (one "iteration" row per repetition,
run names like the emulator's with a "cpython/" prefix, "cpython2/" under
2.x, where threads-new reads threads-old), so scripts/json2tsv.sh and the
summary treat emulated and real alike:
  cpython/cpu/threads-new/workers:N   countdown `while n > 0: n -= 1`, a fixed
                                      total split over N threads;
                                      items_per_second = iterations/s;
                                      solo_items_per_second: 1 thread on
                                      1/N of it just before and after, on
                                      each of the team's CPUs in turn (the
                                      mean of their rates); paired_speedup:
                                      the first over it; solo_pus and
                                      solo_spread: how many CPUs, and the
                                      fastest one's rate over the slowest's
  cpython/cpu/processes/workers:N     the same over N processes
  cpython/cpu_one_pu/threads-new/workers:2
                                      2 threads both pinned to the first CPU
                                      of --cpus (only when pinned): the old
                                      GIL's battle off, as bench_gil's
  cpython/convoy/<op>/threads-new/i<us>/cpu:K
                                      one thread doing always-ready I/O (read1:
                                      os.read of 1 byte from /dev/zero;
                                      socketpair: send + recv of 1 byte; echo:
                                      a round trip to an echo process) for
                                      --convoy-ms (beside CPU threads, at least
                                      --convoy-min-intervals switch intervals)
                                      beside K countdown threads,
                                      at switch interval <us> (2.x: i<us> is
                                      only a name; it has no switch interval);
                                      io_ops_per_second, io_cpu_ns_per_op
                                      (the I/O thread's CPU time), the
                                      latency CDF io_le_<E>ns as bench_gil's,
                                      and io_sleeps_per_op, cpu_sleeps_per_op:
                                      how often the I/O thread and the CPU
                                      threads slept per operation (Linux)
  cpython/sleep/<mode>/workers:N      N threads or processes, --sleep-items
                                      time.sleep(--sleep-us) each
  cpython/mixed/<mode>/wait_pct:P     --mixed-workers threads or processes,
                                      --mixed-items items each: countdown for
                                      (100 - P) % of --mixed-item-us, then
                                      sleep for the rest
The CPU-bound workers can be pinned like bench_gil's (--cpus: worker i on
the i-th CPU of the list, the solo worker on each of the team's in turn),
so that emulated and real runs see the same placement, and so can the
convoy's threads (--convoy-cpus: bench_gil's plan, the I/O thread first)
(2.x has no os.sched_setaffinity: there the same call of libc, through
ctypes; where neither exists the threads run unpinned, and the context says
so).  --filter runs only the configurations whose names match a regular
expression: bench.sh runs each convoy group back to back with its emulated
rounds.
--print-unit-ns prints the countdown's ns per iteration and exits: bench.sh
sizes the emulator's unit with it.  --print-io-op-ns prints the convoy loop's
CPU ns per operation alone, the I/O thread's CPU time, not its wall time
(read1=NS,socketpair=NS,echo=NS), and exits: bench.sh sizes the emulated I/O
thread's loop with it (bench_gil --io-op-ns).
--print-io-gap-share (3.7+) counts the loop's opcodes per operation and those
between an operation's two calls (socketpair, echo: send, then recv) and
prints their share (read1=0,socketpair=S,echo=S): bench.sh puts as much of
the emulated loop there (bench_gil --io-gap-share).
--print-ticks (2.x) prints the ticks of a countdown iteration and of the
same loop per operation (countdown=T,read1=T,socketpair=T,echo=T) and exits:
bench.sh charges the emulated old GIL's units as many (--ticks-per-unit) and
polls its I/O loop as often (bench_gil --old-io-ticks-per-op).
Repetitions of different configurations are interleaved.  The countdown's
speed (unit_ns, ns per iteration) is measured once and is in the context.

usage: cpython_gil.py --print-unit-ns
       cpython_gil.py --print-io-op-ns
       cpython_gil.py --print-io-gap-share      (Python 3.7+)
       cpython_gil.py --print-ticks             (Python 2.x)
       cpython_gil.py --out FILE [--repetitions N] [--filter RE] [--countdown N]
                      [--cpus LIST] [--convoy-cpus LIST]
                      [--convoy-ms MS] [--intervals-us LIST] [--max-cpu K]
                      [--sleep-max-workers N] ... (see --help)
"""
import argparse
import json
import multiprocessing
import os
import platform
import re
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from convoy_ops import OPS, io_call  # noqa: E402  (the operations; scripts/lib)
PY2 = sys.version_info[0] == 2
GIL = "threads-old" if PY2 else "threads-new"
PREFIX = "cpython2" if PY2 else "cpython"
clock = getattr(time, "perf_counter", time.time)
# The latency CDF: the fraction of operations under 2^(b+1) ns, b in
# CDF_BUCKETS (bench_gil's io_le_<E>ns).
CDF_BUCKETS = range(9, 27)
# 2.x has no switch interval; its convoy runs carry the new GIL's default in
# their names, as bench_gil's old-GIL runs do.
NAME_INTERVAL_US = 5000


def countdown(n):
    while n > 0:
        n -= 1


def unit_ns(n=2000000, trials=3):
    """ns per countdown iteration: the best of a few timings."""
    best = None
    for _ in range(trials):
        t0 = clock()
        countdown(n)
        t = (clock() - t0) * 1e9 / n
        best = t if best is None or t < best else best
    return best


PIN = []                        # --cpus, for the CPU-bound teams only
CONVOY_PIN = []                 # --convoy-cpus, for the convoy's threads
# libc's cpu_set_t: CPU_SETSIZE bits, as unsigned longs.
CPU_SETSIZE = 1024


def affinity_calls():
    """(get, set) of the calling thread's CPU set (pid 0: this thread only,
    on Linux).  os.sched_getaffinity/sched_setaffinity where Python has them
    (3.3+); under 2.x the same two calls of libc through ctypes; (None, None)
    where neither exists."""
    if hasattr(os, "sched_setaffinity"):
        return (lambda: set(os.sched_getaffinity(0)),
                lambda cpus: os.sched_setaffinity(0, cpus))
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        calls = libc.sched_getaffinity, libc.sched_setaffinity
    except (ImportError, OSError, AttributeError):
        return None, None
    bits = 8 * ctypes.sizeof(ctypes.c_ulong)
    mask_type = ctypes.c_ulong * (CPU_SETSIZE // bits)

    def call(fn, mask):
        if fn(0, ctypes.sizeof(mask), mask) != 0:
            e = ctypes.get_errno()
            raise OSError(e, os.strerror(e))

    def get():
        mask = mask_type()
        call(calls[0], mask)
        return set(c for c in range(CPU_SETSIZE) if mask[c // bits] >> (c % bits) & 1)

    def put(cpus):
        mask = mask_type()
        for c in cpus:
            mask[c // bits] |= 1 << (c % bits)
        call(calls[1], mask)
    return get, put


get_affinity, set_affinity = affinity_calls()
CAN_PIN = set_affinity is not None


def thread_clock():
    """The calling thread's CPU time in seconds, as a function: what it ran,
    not what it waited (bench_gil's rt_thread_cpu_ns).  time.thread_time
    where Python has it (3.7+); under 2.x clock_gettime of libc through
    ctypes; None where neither exists."""
    if hasattr(time, "thread_time"):
        return time.thread_time
    try:
        import ctypes
        gettime = ctypes.CDLL(None, use_errno=True).clock_gettime
    except (ImportError, OSError, AttributeError):
        return None

    class timespec(ctypes.Structure):
        _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]
    CLOCK_THREAD_CPUTIME_ID = 3

    def now():
        ts = timespec()
        if gettime(CLOCK_THREAD_CPUTIME_ID, ctypes.byref(ts)) != 0:
            e = ctypes.get_errno()
            raise OSError(e, os.strerror(e))
        return ts.tv_sec + ts.tv_nsec * 1e-9
    return now


thread_cpu = thread_clock()


def placement(pins):
    """What a pinning flag came to, for the context."""
    if not pins:
        return "unpinned"
    return ",".join(str(c) for c in pins) if CAN_PIN else "unpinned (no sched_setaffinity)"


def gated(ready, go, done, i, target, args, cpus):
    if cpus and CAN_PIN:
        set_affinity({cpus[i % len(cpus)]})   # this thread (or process) only
    ready.release()
    go.wait()
    target(*args)
    done[i] = clock()            # perf_counter is CLOCK_MONOTONIC: one clock for all


def team(kind, workers, target, args, cpus=()):
    """Seconds for `workers` threads or processes running target(*args),
    from the moment all are started and waiting at a gate to the moment the
    last one is done: creation and exit left out, as the emulator's teams.
    With cpus, worker i pins itself to cpus[i % len(cpus)] first."""
    make = threading.Thread if kind == "threads" else multiprocessing.Process
    ready, go = multiprocessing.Semaphore(0), multiprocessing.Event()
    done = multiprocessing.Array("d", workers)
    team = [make(target=gated, args=(ready, go, done, i, target, args, cpus))
            for i in range(workers)]
    for w in team:
        w.start()
    for w in team:
        ready.acquire()
    start = clock()
    go.set()
    for w in team:
        w.join()
    elapsed = max(done) - start
    if kind == "processes" and any(w.exitcode != 0 for w in team):
        raise RuntimeError("a worker process failed")
    return elapsed


def sleeper(items, us):
    for _ in range(items):
        time.sleep(us / 1e6)


def mixed_item(items, units, us):
    for _ in range(items):
        countdown(units)
        if us:
            time.sleep(us / 1e6)


def cpu_rate(kind, workers, total, cpus):
    per = total // workers
    return per * workers / team(kind, workers, countdown, (per,), cpus)


def team_cpus(workers, pins):
    """The distinct CPUs a team of `workers` pinned to `pins` runs on, in
    worker order; [None] (one unpinned solo worker) when it is not pinned."""
    if not pins or not CAN_PIN:
        return [None]
    cpus = []
    for i in range(workers):
        c = pins[i % len(pins)]
        if c not in cpus:
            cpus.append(c)
    return cpus


def cpu_paired(kind, workers, total, pins):
    """The team's rate, and one worker alone on a worker's share just before
    and just after it (bench_gil's reference rounds), the share cut over the
    team's CPUs, one piece on each in turn (in reverse order after): a team
    spread over CPUs runs at their mean speed, and on a shared host one vCPU
    can run interpreter code much slower than another for minutes.
    paired_speedup is the team's rate over the mean of the per-CPU rates, so
    neither the machine's swings between configurations nor a slow CPU enter
    the ratio.  Worker i runs on pins[i % len(pins)] (none: unpinned)."""
    cpus = team_cpus(workers, pins)
    piece = max(total // workers // len(cpus), 1)
    solo = lambda c: cpu_rate(kind, 1, piece, [c] if c is not None else ())
    before = [solo(c) for c in cpus]
    rate = cpu_rate(kind, workers, total, pins)
    after = [solo(c) for c in reversed(cpus)][::-1]
    per_cpu = [(b + a) / 2 for b, a in zip(before, after)]
    mean = sum(per_cpu) / len(per_cpu)
    return {"items_per_second": rate, "solo_items_per_second": mean,
            "paired_speedup": rate / mean, "solo_pus": len(cpus),
            "solo_spread": max(per_cpu) / min(per_cpu)}


def own_tid():
    """The calling thread's id in the kernel: threading.get_native_id (3.8+),
    else the process id for the main thread (Linux gives it that id); None
    when neither tells."""
    if hasattr(threading, "get_native_id"):
        return threading.get_native_id()
    return os.getpid() if threading.current_thread().name == "MainThread" else None


def thread_sleeps():
    """Each thread of this process: how often it has slept (its voluntary
    context switches: a thread that blocks gives up its CPU, one that is
    preempted does not count), by thread id, from /proc/self/task (Linux;
    {} elsewhere).  bench_gil counts its threads' with getrusage."""
    out = {}
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open("/proc/self/task/%s/status" % tid) as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        out[int(tid)] = int(line.split()[1])
        except (IOError, OSError, ValueError):
            pass                        # a thread gone meanwhile
    return out


def convoy(op, interval_us, cpu, ms, ticker=None, cpus=()):
    """ops/s of one always-ready I/O loop beside `cpu` countdown threads;
    given 2.x's _Py_Ticker (a ctypes int), also the loop's ticks per
    operation, read around the loop alone.  With cpus (bench_gil's plan),
    the I/O thread (this one, for the round) runs on cpus[0] and CPU thread
    j on cpus[(j + 1) % len(cpus)]; the echo process is started first, so it
    stays unpinned as the emulator's."""
    stop = []
    pinned = bool(cpus) and CAN_PIN

    def spin(j):
        if pinned:
            set_affinity({cpus[(j + 1) % len(cpus)]})
        while not stop:
            countdown(10000)

    one, close = io_call(op)
    if not PY2:
        old = sys.getswitchinterval()
        sys.setswitchinterval(interval_us / 1e6)
    if pinned:
        saved = get_affinity()
        set_affinity({cpus[0]})
    spinners = [threading.Thread(target=spin, args=(j,)) for j in range(cpu)]
    for t in spinners:
        t.start()
    hist = [0] * 64
    ops = 0
    io_tid = own_tid()
    slept = thread_sleeps()
    cpu0 = thread_cpu() if thread_cpu else 0
    start = clock()
    end = start + ms / 1000.0
    t0 = start
    loop_ticks = ticker.value if ticker else 0
    while t0 < end:
        one()
        t1 = clock()
        hist[max(int((t1 - t0) * 1e9), 1).bit_length() - 1] += 1
        t0 = t1
        ops += 1
    elapsed = t0 - start
    cpu = thread_cpu() - cpu0 if thread_cpu else 0
    now = thread_sleeps()
    sleeps = dict((t, now[t] - slept[t]) for t in now if t in slept)
    loop_ticks = float(loop_ticks - ticker.value) if ticker else 0
    stop.append(True)
    for t in spinners:
        t.join()
    if pinned:
        set_affinity(saved)
    if not PY2:
        sys.setswitchinterval(old)
    close()
    row = {"io_ops_per_second": ops / elapsed}
    if thread_cpu:
        row["io_cpu_ns_per_op"] = cpu * 1e9 / ops
    if ticker:
        row["ticks_per_op"] = loop_ticks / ops
    if io_tid in sleeps:                # the CPU threads: every other thread of the round
        row["io_sleeps_per_op"] = float(sleeps[io_tid]) / ops
        row["cpu_sleeps_per_op"] = float(sum(n for t, n in sleeps.items() if t != io_tid)) / ops
    below = sum(hist[:CDF_BUCKETS[0]])
    for b in CDF_BUCKETS:
        below += hist[b]
        row["io_le_%dns" % (2 << b)] = float(below) / ops
    return row


IO_OP_ROUNDS, IO_OP_ROUND_MS = 5, 50


def io_op_ns(op):
    """The convoy's I/O loop alone: its thread's CPU ns per operation, the
    median of a few short rounds.  bench_gil --io-op-ns sizes the emulated
    loop to it.  CPU time, not wall time: an echo round trip mostly waits
    for the echo process (without the GIL), which is not bytecode."""
    cpu = sorted(convoy(op, NAME_INTERVAL_US, 0, IO_OP_ROUND_MS)["io_cpu_ns_per_op"]
                 for _ in range(IO_OP_ROUNDS))
    return cpu[len(cpu) // 2]


# The calls of the convoy's operations, by name: the first, and the second
# (an operation's bytecode between them holds the GIL while a CPU thread,
# woken by the first call's release, may be trying to take it).
FIRST_CALL = {"read1": "read", "socketpair": "send", "echo": "sendall"}
SECOND_CALL = "recv"
GAP_ROUND_MS = 20


def io_gap_share(op):
    """3.x: of the bytecode the convoy's loop runs per operation alone, the
    share between the operation's two calls (0 for read1's one call),
    counted opcode by opcode (sys.settrace with f_trace_opcodes) between the
    calls that sys.setprofile sees.  bench.sh passes it as bench_gil
    --io-gap-share: the emulated loop puts as many of its units there."""
    seen = []                         # "op", or (event, function name)

    def trace(frame, event, arg):
        frame.f_trace_opcodes = True
        if event == "opcode":
            seen.append("op")
        return trace

    def profile(frame, event, arg):
        if event in ("c_call", "c_return"):
            seen.append((event, getattr(arg, "__name__", "")))

    sys.setprofile(profile)
    sys.settrace(trace)
    try:
        convoy(op, NAME_INTERVAL_US, 0, GAP_ROUND_MS)
    finally:
        sys.settrace(None)
        sys.setprofile(None)
    per_op, gaps, count, in_gap, gap = [], [], None, False, 0
    for e in seen:
        if e == "op":
            count = count + 1 if count is not None else None
            gap = gap + 1 if in_gap else 0
        elif e == ("c_call", FIRST_CALL[op]):
            if count is not None:
                per_op.append(count)
            count = 0
        elif e == ("c_return", FIRST_CALL[op]) and op != "read1":
            in_gap, gap = True, 0
        elif e == ("c_call", SECOND_CALL) and in_gap:
            gaps.append(gap)
            in_gap = False
    if len(per_op) < 3:
        raise RuntimeError("%s: too few operations traced (%d)" % (op, len(per_op)))
    median = lambda v: sorted(v)[len(v) // 2]
    return float(median(gaps)) / median(per_op) if gaps else 0.0


TICKS_COUNTDOWN = 100000


def ticks():
    """2.x: the ticks of a countdown iteration, and of the convoy's I/O
    loop per operation alone, read from the interpreter's own _Py_Ticker
    with the check interval out of reach.  The old GIL is released every
    sys.getcheckinterval() ticks, so these, not times, say how often a
    thread offers it up: bench.sh passes them as bench_gil and
    bench_scaling's --ticks-per-unit and bench_gil's --old-io-ticks-per-op.
    (How many ticks an iteration costs depends on the build: with computed
    gotos, 2.7 does not predict opcodes and ticks more often.)"""
    import ctypes
    ticker = ctypes.c_int.in_dll(ctypes.pythonapi, "_Py_Ticker")
    old = sys.getcheckinterval()
    sys.setcheckinterval(2 ** 30)
    try:
        before = ticker.value
        countdown(TICKS_COUNTDOWN)
        counts = [("countdown", float(before - ticker.value) / TICKS_COUNTDOWN)]
        for op in OPS:
            counts.append((op, convoy(op, NAME_INTERVAL_US, 0, IO_OP_ROUND_MS, ticker)["ticks_per_op"]))
        return counts
    finally:
        sys.setcheckinterval(old)


class Parser(argparse.ArgumentParser):
    """Bad input: one line naming the flag, exit status 2 (as every racetrack tool)."""

    def error(self, message):
        sys.stderr.write("cpython_gil.py: %s\n" % message)
        sys.exit(2)


def main():
    ap = Parser(description=__doc__.splitlines()[0])
    ap.add_argument("--out")
    ap.add_argument("--print-unit-ns", action="store_true",
                    help="print the countdown's ns per iteration (best of a few) and exit")
    ap.add_argument("--print-io-op-ns", action="store_true",
                    help="print the convoy loop's CPU ns per operation alone (its thread's CPU "
                         "time, not its wall time), as op=ns pairs (the median of a few short "
                         "rounds), and exit")
    ap.add_argument("--print-io-gap-share", action="store_true",
                    help="3.7+: print the share of the convoy loop's bytecode between an "
                         "operation's two calls, as op=share pairs, and exit")
    ap.add_argument("--print-ticks", action="store_true",
                    help="2.x only: print the ticks of a countdown iteration and of the convoy "
                         "loop per operation alone, as name=ticks pairs, and exit")
    ap.add_argument("--repetitions", type=int, default=5)
    ap.add_argument("--countdown", type=int, default=10000000,
                    help="countdown iterations per CPU-bound run, all workers together")
    ap.add_argument("--max-workers", type=int, default=2)
    ap.add_argument("--cpus", default="",
                    help="CPU-bound workers: worker i on the i-th CPU of this comma-separated "
                         "list, as bench_gil's plan (default: unpinned)")
    ap.add_argument("--convoy-cpus", default="",
                    help="the convoy's threads: the I/O thread on the first CPU of this "
                         "comma-separated list, CPU thread j on the (j+1)-th, wrapping round, "
                         "as bench_gil's plan (default: unpinned)")
    ap.add_argument("--filter", default="",
                    help="run only the configurations whose name, as after the prefix "
                         "(convoy/read1/threads-new/i500/cpu:1), matches this regular "
                         "expression (default: all)")
    ap.add_argument("--convoy-ms", type=int, default=200)
    ap.add_argument("--convoy-min-intervals", type=int, default=60,
                    help="beside CPU threads, a convoy round lasts at least this many "
                         "switch intervals (bench_gil's flag of the same name)")
    ap.add_argument("--intervals-us", default="500,5000,50000")
    ap.add_argument("--max-cpu", type=int, default=2)
    ap.add_argument("--sleep-max-workers", type=int, default=64)
    ap.add_argument("--sleep-us", type=int, default=1000)
    ap.add_argument("--sleep-items", type=int, default=32, help="per worker")
    ap.add_argument("--mixed-workers", type=int, default=4)
    ap.add_argument("--mixed-item-us", type=int, default=1000)
    ap.add_argument("--mixed-items", type=int, default=32, help="per worker")
    ap.add_argument("--mixed-pcts", default="0,10,25,50,75,90,100")
    args = ap.parse_args()
    if args.print_unit_ns:
        print("%.2f" % unit_ns())
        return
    if args.print_io_op_ns:
        if not thread_cpu:
            sys.exit("cpython_gil.py: --print-io-op-ns: no thread CPU clock in this Python "
                     "(time.thread_time, or clock_gettime through ctypes)")
        print(",".join("%s=%.1f" % (op, io_op_ns(op)) for op in OPS))
        return
    if args.print_io_gap_share:
        if sys.version_info[:2] < (3, 7):
            ap.error("--print-io-gap-share: Python %d.%d cannot trace opcodes; valid: under "
                     "Python 3.7 or later" % sys.version_info[:2])
        print(",".join("%s=%.3f" % (op, io_gap_share(op)) for op in OPS))
        return
    if args.print_ticks:
        if not PY2:
            ap.error("--print-ticks: Python %d.%d has no ticker; valid: under Python 2.x"
                     % sys.version_info[:2])
        print(",".join("%s=%.1f" % count for count in ticks()))
        return
    if not args.out:
        ap.error("--out: missing; valid: the JSON file to write")
    lists = {}
    for flag, lo, hi in (("intervals_us", 1, 10 ** 7), ("mixed_pcts", 0, 100)):
        try:
            lists[flag] = [int(x) for x in getattr(args, flag).split(",")]
            if min(lists[flag]) < lo or max(lists[flag]) > hi:
                raise ValueError
        except ValueError:
            ap.error("--%s: '%s' is invalid; valid: comma-separated integers in %d..%d"
                     % (flag.replace("_", "-"), getattr(args, flag), lo, hi))
    intervals = lists["intervals_us"]
    for flag, pins in (("cpus", PIN), ("convoy_cpus", CONVOY_PIN)):
        text = getattr(args, flag)
        if not text:
            continue
        name = "--" + flag.replace("_", "-")
        try:
            pins[:] = [int(x) for x in text.split(",")]
            if min(pins) < 0:
                raise ValueError
        except ValueError:
            ap.error("%s: '%s' is invalid; valid: comma-separated CPU numbers, 0 or more"
                     % (name, text))
        allowed = get_affinity() if CAN_PIN else set(pins)
        if not set(pins) <= allowed:
            ap.error("%s: '%s' names CPUs this process may not use; valid: a subset of %s"
                     % (name, text, ",".join(str(c) for c in sorted(allowed))))
    try:
        wanted = re.compile(args.filter)
    except re.error as e:
        ap.error("--filter: '%s' is not a regular expression (%s); valid: a Python regular "
                 "expression, matched (re.search) against each configuration's name" % (args.filter, e))
    for flag in ("repetitions", "countdown", "convoy_ms", "max_workers", "sleep_max_workers",
                 "sleep_us", "sleep_items", "mixed_workers", "mixed_item_us", "mixed_items"):
        if getattr(args, flag) < 1:
            ap.error("--%s: %d is invalid; valid: 1 or more" % (flag.replace("_", "-"),
                                                               getattr(args, flag)))
    for flag in ("max_cpu", "convoy_min_intervals"):
        if getattr(args, flag) < 0:
            ap.error("--%s: %d is invalid; valid: 0 or more" % (flag.replace("_", "-"),
                                                               getattr(args, flag)))

    unit = unit_ns()
    rate = lambda x: {"items_per_second": x}
    configs = []
    for n in sorted({1, 2, args.max_workers}):
        for mode, kind in ((GIL, "threads"), ("processes", "processes")):
            configs.append(("cpu/%s/workers:%d" % (mode, n),
                            lambda n=n, kind=kind: cpu_paired(kind, n, args.countdown, PIN)))
    if PIN and CAN_PIN:
        configs.append(("cpu_one_pu/%s/workers:2" % GIL,
                        lambda: cpu_paired("threads", 2, args.countdown, PIN[:1])))
    for op in OPS:
        for iv in [NAME_INTERVAL_US] if PY2 else intervals:
            for k in range(args.max_cpu + 1):
                ms = max(args.convoy_ms, args.convoy_min_intervals * iv / 1000.0) if k else \
                    args.convoy_ms
                configs.append(("convoy/%s/%s/i%d/cpu:%d" % (op, GIL, iv, k),
                                lambda op=op, iv=iv, k=k, ms=ms:
                                convoy(op, iv, k, ms, cpus=CONVOY_PIN)))
    n = 1
    while True:
        items = args.sleep_items
        configs.append(("sleep/%s/workers:%d" % (GIL, n),
                        lambda n=n: rate(n * items / team("threads", n, sleeper,
                                                          (items, args.sleep_us)))))
        if n >= args.sleep_max_workers:
            break
        n = min(2 * n, args.sleep_max_workers)
    for pct in lists["mixed_pcts"]:
        units = int(args.mixed_item_us * (100 - pct) / 100.0 * 1e3 / unit)
        wait = args.mixed_item_us * pct // 100
        for mode, kind in ((GIL, "threads"), ("processes", "processes")):
            configs.append(("mixed/%s/wait_pct:%d" % (mode, pct),
                            lambda kind=kind, units=units, wait=wait:
                            rate(args.mixed_workers * args.mixed_items /
                                 team(kind, args.mixed_workers, mixed_item,
                                      (args.mixed_items, units, wait)))))
    configs = [(name, fn) for name, fn in configs if wanted.search(name)]
    if not configs:
        ap.error("--filter: '%s' matches no configuration; valid: a regular expression matching "
                 "one or more (convoy/read1/threads-new/i500/cpu:1, cpu/processes/workers:2, ...)"
                 % args.filter)
    rows = []
    for rep in range(args.repetitions):            # interleaved: every config once per pass
        for name, fn in configs:
            row = {"name": "%s/%s/manual_time" % (PREFIX, name), "run_type": "iteration",
                   "repetitions": args.repetitions, "repetition_index": rep, "threads": 1}
            row["run_name"] = row["name"]
            row.update(fn())
            rows.append(row)
    context = {"python": platform.python_version(),
               "implementation": platform.python_implementation(), "gil": GIL,
               "unit_ns": "%.2f" % unit, "countdown": args.countdown,
               "convoy_ms": args.convoy_ms, "convoy_min_intervals": args.convoy_min_intervals,
               "cpu_placement": placement(PIN), "cpu_one_pu_placement": placement(PIN[:1]),
               "convoy_placement": placement(CONVOY_PIN)}
    if not PY2:
        context["switch_interval_default_s"] = sys.getswitchinterval()
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"context": context, "benchmarks": rows}, f, indent=1)
    os.rename(tmp, args.out)


if __name__ == "__main__":
    main()
