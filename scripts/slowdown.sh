#!/usr/bin/env bash
# slowdown.sh - the convoy's slowdowns from Google Benchmark JSON (bench_gil's
# gil/convoy/<op>/<mode>/i<interval>/cpu:K runs, or cpython_gil.py's
# cpython/convoy/...): for every series and K >= 1 CPU threads, the I/O
# thread's ops/s alone (K = 0) divided by its ops/s beside K CPU threads,
# round by round, and the geometric mean of those, against the switch
# interval:
#   series ("<source>/<op>/<mode>/beside-Kcpu") interval_us n mean stddev geomean q1 q3 min max
# source is "emulated" for gil/... runs, else the runs' first field
# (cpython for scripts/cpython_gil.py).
#
# Round i beside K CPU threads is divided by round i alone: the i-th of each
# run name in the file, which ran in the same group run (bench.sh's passes)
# or the same repetition; a name with fewer rounds pairs only as many.  The
# centre is the geometric mean of those per-round slowdowns (n of them),
# not their median: beside a CPU thread the I/O thread's rate moves by two
# orders of magnitude from one round to the next (whether the CPU thread's
# wake-up lands inside the I/O call), in streaks that make the rounds
# bimodal, and the median of ten such rounds rests on the middle two.  The
# geometric mean weighs every round, and is the average of ratios that
# does not depend on which side is the numerator.  mean, stddev, the
# quartiles (R type 7, as json2tsv's), min and max are of the same rounds.
# usage: slowdown.sh [--match REGEX] RESULT.json > OUT.tsv
source "$(dirname "$0")/lib/common.sh"

match="" input=""
while [ $# -gt 0 ]; do
    case $1 in
    --match) [ $# -ge 2 ] || rt_usage_error "--match: missing value; valid: a jq regex on run names"
             match=$2; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    -*) rt_usage_error "unknown flag '$1'; valid: --match" ;;
    *) [ -z "$input" ] || rt_usage_error "one RESULT.json only; usage: slowdown.sh [--match REGEX] RESULT.json"
       input=$1; shift ;;
    esac
done
[ -r "$input" ] || rt_usage_error "'$input' is not a readable JSON file; usage: slowdown.sh [--match REGEX] RESULT.json"

# source/op/mode <TAB> interval <TAB> K <TAB> round <TAB> ops/s, in file order.
jq -r --arg match "$match" '
    [.benchmarks[] | select(.run_type == "iteration" and (.error_occurred // false | not))
     | select(.run_name | test("^[a-z0-9]+/convoy/[a-z0-9]+/[a-z0-9-]+/i[0-9]+/cpu:[0-9]+"))
     | select($match == "" or (.run_name | test($match)))
     | select(has("io_ops_per_second"))]
    | group_by(.run_name)[] | . as $g | range(0; length) as $i | $g[$i]
    | (.run_name | split("/")) as $p
    | [(if $p[0] == "gil" then "emulated" else $p[0] end) + "/" + $p[2] + "/" + $p[3],
       ($p[4] | ltrimstr("i")), ($p[5] | ltrimstr("cpu:")), $i + 1, .io_ops_per_second]
    | @tsv' "$input" |
awk -F'\t' -v OFS='\t' '
    # v[1..n] sorted ascending (insertion sort: a handful of rounds).
    function sort(v, n,    i, j, t) {
        for (i = 2; i <= n; i++) {
            t = v[i]
            for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]
            v[j + 1] = t
        }
    }
    function quantile(v, n, q,    h, lo) {
        h = (n - 1) * q; lo = int(h)
        return lo + 1 < n ? v[lo + 1] + (h - lo) * (v[lo + 2] - v[lo + 1]) : v[lo + 1]
    }
    $3 == 0 { alone[$1, $2, $4] = $5; next }
    $5 > 0 && alone[$1, $2, $4] > 0 {
        s = $1 "/beside-" $3 "cpu"
        if (!((s, $2) in n)) {
            if (!(s in seen)) { seen[s] = 1; order[++ns] = s }
            ivs[s, ++niv[s]] = $2
        }
        k = ++n[s, $2]
        r[s, $2, k] = alone[$1, $2, $4] / $5
    }
    END {
        print "series", "interval_us", "n", "mean", "stddev", "geomean", "q1", "q3", "min", "max"
        for (a = 1; a <= ns; a++) {
            s = order[a]
            # its intervals in numeric order
            for (i = 2; i <= niv[s]; i++) {
                t = ivs[s, i]
                for (j = i - 1; j >= 1 && ivs[s, j] + 0 > t + 0; j--) ivs[s, j + 1] = ivs[s, j]
                ivs[s, j + 1] = t
            }
            for (i = 1; i <= niv[s]; i++) {
                iv = ivs[s, i]; m = n[s, iv]; sum = logs = 0
                for (k = 1; k <= m; k++) { v[k] = r[s, iv, k]; sum += v[k]; logs += log(v[k]) }
                mean = sum / m; ss = 0
                for (k = 1; k <= m; k++) ss += (v[k] - mean) ^ 2
                sort(v, m)
                print s, iv, m, mean, (m > 1 ? sqrt(ss / (m - 1)) : 0), exp(logs / m),
                      quantile(v, m, 0.25), quantile(v, m, 0.75), v[1], v[m]
            }
        }
    }'
