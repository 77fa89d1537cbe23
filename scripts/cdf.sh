#!/usr/bin/env bash
# cdf.sh - the latency distribution of convoy runs, as a long TSV that
# plot.sh draws: from the io_le_<E>ns counters (the fraction of I/O
# operations faster than E ns), one series per run and K (CPU threads
# beside), against E in us:
#   series ("<source>/<op>/<mode>/i<interval>/beside-Kcpu") latency_us n mean stddev median q1 q3 min max
# where source is "emulated" for bench_gil's runs, else the runs' first
# field (cpython, cpython2).  Statistics over repetitions, as json2tsv.sh.
# usage: cdf.sh --match REGEX RESULT.json... > OUT.tsv
source "$(dirname "$0")/lib/common.sh"

match="" inputs=()
while [ $# -gt 0 ]; do
    case $1 in
    --match) [ $# -ge 2 ] || rt_usage_error "--match: missing value; valid: a jq regex"
             match=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    -*) rt_usage_error "unknown flag '$1'; valid: --match" ;;
    *) [ -r "$1" ] || rt_usage_error "input '$1' is not a readable file"; inputs+=("$1"); shift ;;
    esac
done
[ ${#inputs[@]} -gt 0 ] || rt_usage_error "usage: cdf.sh --match REGEX RESULT.json..."

printf 'series\tlatency_us\tn\tmean\tstddev\tmedian\tq1\tq3\tmin\tmax\n'
# One row per run and edge E, named ".../beside-Kcpu/edge:E", so that one
# json2tsv.sh call per input gives every edge's statistics.  --match is
# applied first, to the series as json2tsv.sh names it with --x cpu.
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
for f in "${inputs[@]}"; do
    jq --arg match "$match" '{benchmarks: [.benchmarks[]
         | select(.run_name | gsub("/(threads|repeats|iterations|cpu):[0-9]+|/(real_time|manual_time)"; "")
                  | test($match))
         | . as $b | keys[] | select(test("^io_le_[0-9]+ns$"))
         | . as $k | $b | .io_le = .[$k]
         | .run_name |= (sub("/cpu:(?<k>[0-9]+)"; "/beside-\(.k)cpu")
                         + "/edge:" + ($k | ltrimstr("io_le_") | rtrimstr("ns")))]}' "$f" >"$rows"
    "$RT_ROOT/scripts/json2tsv.sh" --metric io_le --x edge "$rows" |
        awk -F'\t' -v OFS='\t' 'NR > 1 {
            n = split($1, p, "/"); src = p[1] == "gil" ? "emulated" : p[1]
            s = src; for (i = 3; i <= n; i++) s = s "/" p[i]
            $1 = s; $2 = $2 / 1000; print }'
done | sort -t$'\t' -k1,1 -k2,2g
