#!/usr/bin/env bash
# speedup.sh - throughput TSV (from json2tsv.sh) -> speedup TSV: every
# statistic of each point divided by the median of the same series at 1
# worker, plus
#   efficiency   speedup / workers
#   ideal        min(workers, PUs): what computing work can reach
#   verdict      for series matching --cpu: "ok" if the median speedup is at
#                least --tolerance x ideal; "capacity" if it is not, but is
#                at least --tolerance x min(workers, measured capacity): the
#                machine gave less than its PUs; "LOW" otherwise; "HIGH"
#                above ideal / --tolerance (faster than the PUs allow: the
#                1-worker point is suspect).  "-" for other series (waiting
#                work has no PU bound).
# Series without a 1-worker point are left out (nothing to divide by).
# --paired P.tsv: a TSV of paired_speedup (json2tsv.sh), each run's rate
# over one worker alone beside it in the same run; where it has a point,
# its statistics are the speedup's, as measured, instead of a division by
# the 1-worker point of another moment.
# usage: speedup.sh --pus N --capacity C [--cpu REGEX] [--tolerance F] [--paired P.tsv] IN.tsv > OUT.tsv
source "$(dirname "$0")/lib/common.sh"

pus="" capacity="" cpu='/cpu/' tolerance=0.8 input="" paired=/dev/null
need() { [ $# -ge 2 ] || rt_usage_error "$1: missing value"; }
while [ $# -gt 0 ]; do
    case $1 in
    --pus) need "$@"; pus=$2; shift 2 ;;
    --capacity) need "$@"; capacity=$2; shift 2 ;;
    --cpu) need "$@"; cpu=$2; shift 2 ;;
    --tolerance) need "$@"; tolerance=$2; shift 2 ;;
    --paired) need "$@"; paired=$2; shift 2
              [ -r "$paired" ] || rt_usage_error "--paired: '$paired' is not a readable TSV" ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    -*) rt_usage_error "unknown flag '$1'; valid: --pus --capacity --cpu --tolerance --paired" ;;
    *) input=$1; shift ;;
    esac
done
[[ $pus =~ ^[0-9]+$ ]] && [ "$pus" -ge 1 ] || rt_usage_error "--pus: '$pus' is invalid; valid: 1..4096"
[[ $capacity =~ ^[0-9]+(\.[0-9]+)?$ ]] || rt_usage_error "--capacity: '$capacity' is invalid; valid: a number > 0"
[[ $tolerance =~ ^0?\.[0-9]+$|^1(\.0*)?$ ]] || rt_usage_error "--tolerance: '$tolerance' is invalid; valid: 0..1"
[ -r "$input" ] || rt_usage_error "input '$input' is not a readable file"

awk -F'\t' -v OFS='\t' -v pus="$pus" -v cap="$capacity" -v cpu="$cpu" -v tol="$tolerance" \
    -v paired="$paired" '
    function min(a, b) { return a < b ? a : b }
    BEGIN {
        for (k = 0; (getline line < paired) > 0; k++)
            if (k > 0) { split(line, p, "\t"); given[p[1] SUBSEP p[2]] = line }
    }
    FNR == 1 { print $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "efficiency", "ideal", "verdict"; next }
    { rows[++nrows] = $0; if ($2 == 1) base[$1] = $6 }
    END {
        for (i = 1; i <= nrows; i++) {
            split(rows[i], f, "\t")
            if ((f[1] SUBSEP f[2]) in given) {
                split(given[f[1] SUBSEP f[2]], f, "\t"); b = 1
            } else if (!(f[1] in base) || base[f[1]] <= 0) {
                continue
            } else {
                b = base[f[1]]
            }
            n = f[2]; s = f[6] / b
            ideal = min(n, pus); verdict = "-"
            if (f[1] ~ cpu)
                verdict = s > ideal / tol ? "HIGH" : s >= tol * ideal ? "ok" \
                          : s >= tol * min(n, cap) ? "capacity" : "LOW"
            print f[1], n, f[3], f[4] / b, f[5] / b, s, f[7] / b, f[8] / b, f[9] / b, f[10] / b,
                  s / n, ideal, verdict
        }
    }' "$input"
