#!/usr/bin/env bash
# Valgrind memcheck on one quick run of each benchmark: no invalid access
# and no use of uninitialised memory in the parent or in any forked child
# (they run under valgrind too: fork does not leave it; --error-exitcode
# makes either fail the run), and no definite leak in the parent.  Leaks are
# not counted in forked children: a child forked by one thread of a
# multithreaded parent cannot see the other threads' stacks, so what they
# point to looks lost when it _exits.  Skipped (77) without valgrind.
source "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || { echo "no valgrind"; exit 77; }
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=none
    --trace-children=no --log-file="$T_TMP/vg.%p")
runs=(
    "bench_counter --benchmark_filter=counter/(mutex|racy|sharded-padded)/ --benchmark_min_time=0.001 --max-workers=2"
    "bench_counter --tutorial --trials=1 --increments=1000 --variants=all"
    "bench_shim --benchmark_min_time=0.001 --benchmark_repetitions=1 --self-test=no"
    "bench_scaling --workloads=cpu,sleep,tcp,mixed --scalings=weak --cpu-max-workers=2 --io-max-workers=2 --cpu-steps=1000 --cpu-weak-items=2 --sleep-us=100 --sleep-weak-items=2 --tcp-delay-us=100 --tcp-weak-items=2 --mixed-item-us=100 --mixed-weak-items=2 --crossover-pcts=50 --crossover-items=2 --harness-rounds=1 --capacity-ms=1 --capacity-trials=1 --calibrate-ms=1 --benchmark_min_time=0.001"
    "bench_create --benchmark_min_time=0.001 --max-creators=1 --fork-sizes-mib=1"
    "bench_ipc --benchmark_min_time=0.001 --round-trips=10 --stream-sizes=8 --wake-samples=3"
    "bench_gil --benchmark_min_time=0.001 --cpu-max-workers=2 --cpu-items=2 --units-per-item=100 --intervals-us=500 --convoy-ms=5 --convoy-intervals-us=500 --convoy-max-cpu=1 --io-code-lines=read1=100,socketpair=100,echo=100 --io-data-lines=read1=50,socketpair=50,echo=50 --old-io-code-lines=read1=60 --old-io-data-lines=read1=30"
)
for r in "${runs[@]}"; do
    read -ra argv <<<"$r"
    exe=${argv[0]}
    rm -f "$T_TMP"/vg.*
    "${vg[@]}" "$RT_BIN/$exe" "${argv[@]:1}" >"$T_TMP/out" 2>"$T_TMP/err" &
    pid=$!
    wait $pid
    rc=$?
    errors=$(cat "$T_TMP"/vg.* | grep -m1 -oE '(Invalid|Conditional|Syscall param|Mismatched)[^(]*' || true)
    ok "memcheck clean: $r (exit $rc${errors:+; $errors})" test $rc -eq 0
    ok "no definite leak in the parent: $exe" test -z "$(grep -E 'definitely lost: [1-9]' "$T_TMP/vg.$pid")"
done
t_done
