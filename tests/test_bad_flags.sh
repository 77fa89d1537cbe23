#!/usr/bin/env bash
# Bad input: one line on stderr naming the flag, exit status 2, nothing run.
source "$(dirname "$0")/lib.sh"

# executable | arguments | text the one line must contain
cases=(
    "bench_counter|--policy=diagonal|--policy"
    "bench_counter|--policy|--policy: missing value"
    "bench_counter|--max-workers=-1|--max-workers"
    "bench_counter|--max-workers=abc|--max-workers"
    "bench_counter|--max-workers=1000000000000|--max-workers"
    "bench_counter|--trials=0|--trials"
    "bench_counter|--increments=1e3|--increments"
    "bench_counter|--cpus=0-|--cpus"
    "bench_counter|--cpus=4096|--cpus"
    "bench_counter|--policy=list|--policy"
    "bench_counter|--tutorial --workers=100000|--workers"
    "bench_counter|--tutorial --workers=3 --cpus=0|--oversubscribe"
    "bench_counter|--tutorial --variants=racy,nonsense|--variants"
    "bench_counter|--tutorial --tutorial-out=/nonexistent/dir/x.json|--tutorial-out"
    "bench_counter|--frobnicate|--frobnicate"
    "bench_counter|--benchmark_repetitions=abc|--benchmark_repetitions"
    "bench_counter|stray|stray"
    "bench_shim|--max-ratio=0.5|--max-ratio"
    "bench_shim|--self-test=maybe|--self-test"
    "bench_shim|--policy=|--policy"
    "bench_ipc|--mechanisms=carrier-pigeon|--mechanisms"
    "bench_ipc|--stream-sizes=0|--stream-sizes"
    "bench_ipc|--wake-pair=moon|--wake-pair"
    "bench_ipc|--round-trips=0|--round-trips"
    "bench_ipc|--pairs=same-pu,same-pu|listed twice"
    "bench_create|--max-creators=99999|--max-creators"
    "bench_gil|--cpu-items=1|--cpu-items"
    "bench_gil|--convoy-ops=read1,fax|--convoy-ops"
    "bench_gil|--io-op-ns=read1=0|--io-op-ns"
    "bench_gil|--io-op-ns=fax=2000|--io-op-ns"
    "bench_gil|--old-io-op-ns=read1|--old-io-op-ns"
    "bench_gil|--io-op-ns=read1=2000,read1=3000|twice"
    "bench_gil|--io-polls-per-op=0|--io-polls-per-op"
    "bench_gil|--old-io-ticks-per-op=echo=0|--old-io-ticks-per-op"
    "bench_gil|--io-gap-share=socketpair=1|--io-gap-share"
    "bench_gil|--io-gap-share=echo=-0.1|--io-gap-share"
    "bench_gil|--io-code-lines=read1=0|--io-code-lines"
    "bench_gil|--old-io-code-lines=read1=4097|--old-io-code-lines"
    "bench_gil|--io-data-lines=fax=20|--io-data-lines"
    "bench_gil|--old-io-data-lines=echo=65537|--old-io-data-lines"
    "bench_gil|--io-data-chains=5|--io-data-chains"
    "bench_gil|--io-code-lines=read1=440.5|--io-code-lines"
    "bench_gil|--old-io-data-lines=read1=2.5|--old-io-data-lines"
    "bench_create|--pool-workers=-1|--pool-workers"
    "bench_scaling|--modes=threads,fibers|--modes"
    "bench_scaling|--workloads=|--workloads"
    "bench_scaling|--modes=threads,threads|listed twice"
    "bench_scaling|--scalings=diagonal|--scalings"
    "bench_scaling|--crossover-pcts=0,101|--crossover-pcts"
    "bench_scaling|--mixed-wait-pct=-5|--mixed-wait-pct"
    "bench_scaling|--io-max-workers=8 --sleep-strong-items=4|--sleep-strong-items"
    "bench_scaling|--tcp-reply-bytes=4|--tcp-reply-bytes"
    "bench_scaling|--fail-how=explode|--fail-how"
    "bench_scaling|--capacity-trials=0|--capacity-trials"
)
for c in "${cases[@]}"; do
    IFS='|' read -r exe args want <<<"$c"
    # shellcheck disable=SC2086
    "$RT_BIN/$exe" $args >"$T_TMP/out" 2>"$T_TMP/err"
    rc=$?
    ok "$exe $args: exit 2 (got $rc)" test $rc -eq 2
    ok "$exe $args: one line on stderr" test "$(wc -l <"$T_TMP/err")" -eq 1
    ok "$exe $args: names '$want'" grep -qF -- "$want" "$T_TMP/err"
    ok "$exe $args: nothing ran" test ! -s "$T_TMP/out"
done

if command -v python3 >/dev/null; then
    for args in "--repetitions 0" "--intervals-us 5,x" "--cpus 0,x" "--cpus 4096" "--convoy-cpus 4096" \
                "--convoy-cpus x" "--filter (" "--filter no-such-configuration" "--no-such-flag"; do
        # shellcheck disable=SC2086
        python3 "$RT_SOURCE/scripts/cpython_gil.py" --out "$T_TMP/c.json" $args >"$T_TMP/out" 2>"$T_TMP/err"
        rc=$?
        ok "cpython_gil.py $args: exit 2 (got $rc)" test $rc -eq 2
        ok "cpython_gil.py $args: one line" test "$(wc -l <"$T_TMP/err")" -eq 1
        ok "cpython_gil.py $args: names ${args%% *}" grep -qF -- "${args%% *}" "$T_TMP/err"
        ok "cpython_gil.py $args: no output file" test ! -e "$T_TMP/c.json"
    done
    python3 "$RT_SOURCE/scripts/cpython_gil.py" --repetitions 1 >"$T_TMP/out" 2>"$T_TMP/err"
    rc=$?
    ok "cpython_gil.py without --out: exit 2 (got $rc), one line naming --out" \
        test $rc -eq 2 -a "$(wc -l <"$T_TMP/err")" -eq 1 -a "$(grep -c -- --out "$T_TMP/err")" -eq 1
    # What bench.sh sizes the emulated unit with: one positive number, nothing else.
    ok "cpython_gil.py --print-unit-ns prints one number of ns" \
        awk 'NR == 1 && /^[0-9]+\.[0-9][0-9]$/ && $1 > 0 { good = 1 } END { exit !(good && NR == 1) }' \
        <(python3 "$RT_SOURCE/scripts/cpython_gil.py" --print-unit-ns)
    # ... and the convoy's I/O loop with: one line, the three ops' positive ns.
    ok "cpython_gil.py --print-io-op-ns prints read1, socketpair and echo's ns per operation" \
        awk 'NR == 1 && /^read1=[0-9.]+,socketpair=[0-9.]+,echo=[0-9.]+$/ { good = 1 }
             END { exit !(good && NR == 1) }' \
        <(python3 "$RT_SOURCE/scripts/cpython_gil.py" --print-io-op-ns)
    # The share of the loop's opcodes between an operation's two calls:
    # read1 makes one call (0), socketpair and echo two, echo with more
    # bytecode between them (the recv loop's setup); each a share below 1.
    ok "cpython_gil.py --print-io-gap-share: read1 0, then 0 < socketpair < echo < 1" \
        awk -F'[=,]' 'NR == 1 && /^read1=[0-9.]+,socketpair=[0-9.]+,echo=[0-9.]+$/ &&
                      $2 == 0 && 0 < $4 && $4 < $6 && $6 < 1 { good = 1 }
                      END { exit !(good && NR == 1) }' \
        <(python3 "$RT_SOURCE/scripts/cpython_gil.py" --print-io-gap-share)
    # Ticks are 2.x's: Python 3 has none to count, and says so.
    python3 "$RT_SOURCE/scripts/cpython_gil.py" --print-ticks >"$T_TMP/out" 2>"$T_TMP/err"
    rc=$?
    ok "cpython_gil.py --print-ticks under Python 3: exit 2 (got $rc), one line naming the flag" \
        test $rc -eq 2 -a "$(wc -l <"$T_TMP/err")" -eq 1 -a "$(grep -c -- --print-ticks "$T_TMP/err")" -eq 1
    # Under 2.7 they are counts of bytecode: a countdown iteration a whole
    # number of ticks, and each loop's more than the one before, as it
    # calls more (read1 one call, socketpair two, echo three or more).
    if command -v python2.7 >/dev/null && python2.7 -c pass 2>/dev/null; then
        ok "cpython_gil.py --print-ticks under 2.7: countdown's whole, read1 < socketpair < echo" \
            awk -F'[=,]' 'NR == 1 && /^countdown=[0-9.]+,read1=[0-9.]+,socketpair=[0-9.]+,echo=[0-9.]+$/ &&
                          $2 >= 1 && $2 == int($2) && $2 < $4 && $4 < $6 && $6 < $8 { good = 1 }
                          END { exit !(good && NR == 1) }' \
            <(python2.7 "$RT_SOURCE/scripts/cpython_gil.py" --print-ticks)
        python2.7 "$RT_SOURCE/scripts/cpython_gil.py" --print-io-gap-share >"$T_TMP/out" 2>"$T_TMP/err"
        rc=$?
        ok "cpython_gil.py --print-io-gap-share under 2.7: exit 2 (got $rc), one line naming the flag" \
            test $rc -eq 2 -a "$(wc -l <"$T_TMP/err")" -eq 1 -a "$(grep -c -- --print-io-gap-share "$T_TMP/err")" -eq 1
    fi
fi
for s in bench json2tsv plot report compare cdf speedup bars sanitize; do
    "$RT_SOURCE/scripts/$s.sh" --no-such-flag >/dev/null 2>"$T_TMP/err"
    rc=$?
    ok "scripts/$s.sh --no-such-flag: exit 2 (got $rc)" test $rc -eq 2
    ok "scripts/$s.sh: names the flag" grep -q -- "--no-such-flag" "$T_TMP/err"
done
"$RT_SOURCE/scripts/bench.sh" --repetitions 4 >/dev/null 2>"$T_TMP/err"
ok "bench.sh --repetitions 4 (even): exit 2" test $? -eq 2
ok "bench.sh --repetitions names the flag" grep -q -- "--repetitions" "$T_TMP/err"
"$RT_SOURCE/scripts/bench.sh" --policy sideways >/dev/null 2>"$T_TMP/err"
ok "bench.sh --policy sideways: exit 2" test $? -eq 2
for flag in --cpu-repeats --convoy-repeats; do
    for v in 0 10 x; do
        "$RT_SOURCE/scripts/bench.sh" $flag $v --results "$T_TMP/none" >/dev/null 2>"$T_TMP/err"
        ok "bench.sh $flag $v: exit 2, one line naming the flag and 1..9" \
            test $? -eq 2 -a "$(wc -l <"$T_TMP/err")" -eq 1 -a "$(grep -c -- "$flag: '$v' is invalid; valid: 1..9" "$T_TMP/err")" -eq 1
    done
done
# footprint.sh: each flag's range, and a PYTHON that is one (checked before valgrind runs).
for args in "--ops 0 python3" "--ops x python3" "--skip 200000 python3" "--ops 10 --skip 10 python3" \
            "--no-such-flag python3" "python3 python3" "" "/nonexistent/python"; do
    want=${args%% *}
    case $args in "--ops 10"*) want=--skip ;; "python3 python3") want="one PYTHON" ;;
                  ""|/*) want=PYTHON ;; esac
    # shellcheck disable=SC2086
    "$RT_SOURCE/scripts/footprint.sh" $args >"$T_TMP/out" 2>"$T_TMP/err"
    rc=$?
    ok "footprint.sh $args: exit 2 (got $rc), one line naming '$want', nothing printed" \
        test $rc -eq 2 -a "$(wc -l <"$T_TMP/err")" -eq 1 -a "$(grep -c -- "$want" "$T_TMP/err")" -eq 1 \
        -a ! -s "$T_TMP/out"
done
if command -v python3 >/dev/null; then
    for args in "" "--trace 0" "--trace x" "--trace 5 6" "--frobnicate"; do
        # shellcheck disable=SC2086
        python3 "$RT_SOURCE/scripts/lib/convoy_ops.py" $args >"$T_TMP/out" 2>"$T_TMP/err"
        rc=$?
        ok "convoy_ops.py $args: exit 2 (got $rc), one line naming what is valid" \
            test $rc -eq 2 -a "$(wc -l <"$T_TMP/err")" -eq 1 -a "$(grep -c -- "valid: --trace N" "$T_TMP/err")" -eq 1
    done
fi
for s in slowdown summary update_readme fidelity derive cpython_passes chroot_check; do
    "$RT_SOURCE/scripts/$s.sh" --no-such-flag >/dev/null 2>"$T_TMP/err"
    ok "scripts/$s.sh --no-such-flag: exit 2, one line naming it" \
        test $? -eq 2 -a "$(wc -l <"$T_TMP/err")" -eq 1 -a "$(grep -c -- --no-such-flag "$T_TMP/err")" -eq 1
done
"$RT_SOURCE/scripts/bench.sh" --only counter,gossip --results "$T_TMP/none" >/dev/null 2>"$T_TMP/err"
ok "bench.sh --only counter,gossip: exit 2" test $? -eq 2
areas=$(for f in "$RT_SOURCE"/scripts/areas/[0-9]*-*.sh; do f=${f##*/}; f=${f#*-}; printf '%s, ' "${f%.sh}"; done)
ok "bench.sh --only names the flag and every area (${areas%, })" \
    grep -qF -- "--only: 'gossip' is not an area; valid: comma-separated areas of: ${areas%, }" "$T_TMP/err"
ok "and nothing started: no results folder" test ! -e "$T_TMP/none"
t_done
