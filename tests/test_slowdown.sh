#!/usr/bin/env bash
# scripts/slowdown.sh on convoy rounds made up here: each round beside K CPU
# threads divided by the alone round of the same index (not by the alone
# rounds' median), the geometric mean of those slowdowns as the centre,
# its quartiles, min and max of the same rounds, sources and intervals
# named and ordered, failed runs and unpaired rounds left out, --match.
source "$(dirname "$0")/lib.sh"

# One iteration entry of a convoy run.
round() {   # SOURCE OP MODE INTERVAL K OPS/S [ERROR]
    printf '{"run_name": "%s/convoy/%s/%s/i%s/cpu:%s/manual_time", "run_type": "iteration", "io_ops_per_second": %s%s},\n' \
        "$1" "$2" "$3" "$4" "$5" "$6" "${7:+, \"error_occurred\": true}"
}
{
    echo '{"benchmarks": ['
    # socketpair at 5 ms: alone 1000, 2000, 4000; beside one CPU thread
    # 10, 1000, 40: slowdowns 100, 2, 100 (geometric mean 27.144...), where
    # the medians' ratio would be 2000 / 40 = 50.
    for a in 1000 2000 4000; do round gil socketpair threads-new 5000 0 $a; done
    for b in 10 1000 40; do round gil socketpair threads-new 5000 1 $b; done
    # and beside two: 4, 8, 16 (slowdowns 250, 250, 250), a failed round
    # between them that is not a round.
    round gil socketpair threads-new 5000 2 4
    round gil socketpair threads-new 5000 2 0 error
    round gil socketpair threads-new 5000 2 8
    round gil socketpair threads-new 5000 2 16
    # 0.5 ms, listed after 5 ms: alone 100 and 100, beside 50, 25 and a
    # third round with no alone round to pair with.
    for a in 100 100; do round gil socketpair threads-new 500 0 $a; done
    for b in 50 25 1; do round gil socketpair threads-new 500 1 $b; done
    # real CPython's, and a series with no alone rounds at all.
    round cpython read1 threads-new 5000 0 900
    round cpython read1 threads-new 5000 1 9
    round gil echo threads-new 5000 1 7
    echo '{"run_name": "gil/cpu/threads-new/workers:2/manual_time", "run_type": "iteration", "items_per_second": 5}'
    echo ']}'
} >"$T_TMP/convoy.json"
jq -e . "$T_TMP/convoy.json" >/dev/null || { echo "FAILED: the fixture is not JSON" >&2; exit 1; }

"$RT_SOURCE/scripts/slowdown.sh" "$T_TMP/convoy.json" >"$T_TMP/out.tsv"
ok "slowdown.sh exits 0" test $? -eq 0
ok "the header: the centre is the geometric mean" \
    test "$(head -n 1 "$T_TMP/out.tsv")" = "$(printf 'series\tinterval_us\tn\tmean\tstddev\tgeomean\tq1\tq3\tmin\tmax')"
row() { awk -F'\t' -v s="$1" -v i="$2" '$1 == s && $2 == i' "$T_TMP/out.tsv"; }
# %.6g of each field, to compare with figures worked by hand.
fmt() { awk -F'\t' -v OFS='\t' '{ for (i = 3; i <= NF; i++) $i = sprintf("%.6g", $i); print }'; }
beside1=$(row emulated/socketpair/threads-new/beside-1cpu 5000 | fmt)
# slowdowns 2, 100, 100: mean 67.3333, sd 56.5803, geomean (2e4)^(1/3),
# q1 51, q3 100.
ok "round i beside over round i alone, their geometric mean (got: $beside1)" \
    test "$beside1" = "$(printf 'emulated/socketpair/threads-new/beside-1cpu\t5000\t3\t67.3333\t56.5803\t27.1442\t51\t100\t2\t100')"
beside2=$(row emulated/socketpair/threads-new/beside-2cpu 5000 | fmt)
ok "a failed round is left out, not paired (got: $beside2)" \
    test "$beside2" = "$(printf 'emulated/socketpair/threads-new/beside-2cpu\t5000\t3\t250\t0\t250\t250\t250\t250\t250')"
short=$(row emulated/socketpair/threads-new/beside-1cpu 500 | fmt)
ok "a round with no alone round of its index is left out (got: $short)" \
    test "$short" = "$(printf 'emulated/socketpair/threads-new/beside-1cpu\t500\t2\t3\t1.41421\t2.82843\t2.5\t3.5\t2\t4')"
ok "a series' rows in the order of their intervals" \
    test "$(awk -F'\t' '$1 == "emulated/socketpair/threads-new/beside-1cpu" { printf "%s ", $2 }' "$T_TMP/out.tsv")" = "500 5000 "
ok "real CPython's rounds keep their source" test "$(row cpython/read1/threads-new/beside-1cpu 5000 | cut -f6)" = 100
ok "nothing for a series without alone rounds, nor for CPU-bound runs" \
    test "$(grep -c -e echo -e cpu/ "$T_TMP/out.tsv")" -eq 0
"$RT_SOURCE/scripts/slowdown.sh" --match '^cpython/' "$T_TMP/convoy.json" >"$T_TMP/match.tsv"
ok "--match keeps the matching runs" test "$(tail -n +2 "$T_TMP/match.tsv" | cut -f1)" = cpython/read1/threads-new/beside-1cpu
"$RT_SOURCE/scripts/slowdown.sh" "$T_TMP/none.json" >/dev/null 2>"$T_TMP/err"
ok "an unreadable input: exit 2, one line" test $? -eq 2 -a "$(wc -l <"$T_TMP/err")" -eq 1
ok "--help ends with the usage line" test "$("$RT_SOURCE/scripts/slowdown.sh" --help | tail -n 1 | cut -c1-16)" = "# usage: slowdow"
t_done
