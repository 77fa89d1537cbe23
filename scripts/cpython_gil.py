#!/usr/bin/env python3
"""cpython_gil.py - the GIL experiments in real CPython, for comparison with
bench_gil's emulation.  Standard library only.

Writes Google Benchmark-shaped JSON (one "iteration" row per repetition,
run names like bench_gil's with a "cpython/" prefix), so scripts/json2tsv.sh
and the summary treat emulated and real alike:
  cpython/cpu/threads-new/workers:N   countdown `while n > 0: n -= 1`, a fixed
                                      total split over N threads;
                                      items_per_second = iterations/s
  cpython/cpu/processes/workers:N     the same over N processes
  cpython/convoy/<op>/threads-new/i<us>/cpu:K
                                      one thread doing always-ready I/O (read1:
                                      os.read of 1 byte from /dev/zero;
                                      socketpair: send + recv of 1 byte; echo:
                                      a round trip to an echo process) for
                                      --convoy-ms beside K countdown threads,
                                      at switch interval <us>; io_ops_per_second
Repetitions of different configurations are interleaved.

usage: cpython_gil.py --out FILE [--repetitions N] [--countdown N]
                      [--convoy-ms MS] [--intervals-us LIST] [--max-cpu K]
"""
import argparse
import json
import multiprocessing
import os
import platform
import socket
import sys
import threading
import time

OPS = ("read1", "socketpair", "echo")


def countdown(n):
    while n > 0:
        n -= 1


def cpu_threads(workers, total):
    per = total // workers
    threads = [threading.Thread(target=countdown, args=(per,)) for _ in range(workers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return per * workers / (time.perf_counter() - start)


def cpu_processes(workers, total):
    per = total // workers
    procs = [multiprocessing.Process(target=countdown, args=(per,)) for _ in range(workers)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    if any(p.exitcode != 0 for p in procs):
        raise RuntimeError("a countdown process failed")
    return per * workers / (time.perf_counter() - start)


def echo_server(listener):
    conn, _ = listener.accept()
    while True:
        data = conn.recv(8)
        if not data:
            return
        conn.sendall(data)


def convoy(op, interval_us, cpu, ms):
    """ops/s of one always-ready I/O loop beside `cpu` countdown threads."""
    stop = []

    def spin():
        while not stop:
            countdown(10000)

    server = None
    if op == "read1":
        fd = os.open("/dev/zero", os.O_RDONLY)
        one = lambda: os.read(fd, 1)
    elif op == "socketpair":
        a, b = socket.socketpair()
        def one():
            a.send(b"x")
            b.recv(1)
    else:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        server = multiprocessing.Process(target=echo_server, args=(listener,))
        server.start()
        c = socket.create_connection(listener.getsockname())
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        def one():
            c.sendall(b"01234567")
            got = 0
            while got < 8:
                got += len(c.recv(8 - got))

    old = sys.getswitchinterval()
    sys.setswitchinterval(interval_us / 1e6)
    spinners = [threading.Thread(target=spin) for _ in range(cpu)]
    for t in spinners:
        t.start()
    ops = 0
    start = time.perf_counter()
    end = start + ms / 1000.0
    while time.perf_counter() < end:
        one()
        ops += 1
    elapsed = time.perf_counter() - start
    stop.append(True)
    for t in spinners:
        t.join()
    sys.setswitchinterval(old)
    if op == "read1":
        os.close(fd)
    elif op == "socketpair":
        a.close()
        b.close()
    else:
        c.close()
        server.join(5)
        if server.is_alive():
            server.terminate()
            server.join()
    return ops / elapsed


class Parser(argparse.ArgumentParser):
    """Bad input: one line naming the flag, exit status 2 (as every racetrack tool)."""

    def error(self, message):
        sys.stderr.write("cpython_gil.py: %s\n" % message)
        sys.exit(2)


def main():
    ap = Parser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--repetitions", type=int, default=5)
    ap.add_argument("--countdown", type=int, default=10000000,
                    help="countdown iterations per CPU-bound run, all workers together")
    ap.add_argument("--max-workers", type=int, default=2)
    ap.add_argument("--convoy-ms", type=int, default=200)
    ap.add_argument("--intervals-us", default="500,5000,50000")
    ap.add_argument("--max-cpu", type=int, default=2)
    args = ap.parse_args()
    try:
        intervals = [int(x) for x in args.intervals_us.split(",")]
    except ValueError:
        ap.error("--intervals-us: '%s' is invalid; valid: comma-separated integers >= 1"
                 % args.intervals_us)
    for flag in ("repetitions", "countdown", "convoy_ms", "max_workers"):
        if getattr(args, flag) < 1:
            ap.error("--%s: %d is invalid; valid: 1 or more" % (flag.replace("_", "-"),
                                                               getattr(args, flag)))
    if args.max_cpu < 0 or min(intervals) < 1:
        ap.error("--max-cpu must be >= 0 and every --intervals-us >= 1")

    configs = []
    for n in sorted({1, 2, args.max_workers}):
        configs.append(("cpython/cpu/threads-new/workers:%d" % n, "items_per_second",
                        lambda n=n: cpu_threads(n, args.countdown)))
        configs.append(("cpython/cpu/processes/workers:%d" % n, "items_per_second",
                        lambda n=n: cpu_processes(n, args.countdown)))
    for op in OPS:
        for iv in intervals:
            for k in range(args.max_cpu + 1):
                configs.append(("cpython/convoy/%s/threads-new/i%d/cpu:%d" % (op, iv, k),
                                "io_ops_per_second",
                                lambda op=op, iv=iv, k=k: convoy(op, iv, k, args.convoy_ms)))
    rows = []
    for rep in range(args.repetitions):            # interleaved: every config once per pass
        for name, metric, fn in configs:
            rows.append({"name": name + "/manual_time", "run_name": name + "/manual_time",
                         "run_type": "iteration", "repetitions": args.repetitions,
                         "repetition_index": rep, "threads": 1, metric: fn()})
    doc = {"context": {"python": platform.python_version(),
                       "implementation": platform.python_implementation(),
                       "switch_interval_default_s": sys.getswitchinterval(),
                       "countdown": args.countdown, "convoy_ms": args.convoy_ms},
           "benchmarks": rows}
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
