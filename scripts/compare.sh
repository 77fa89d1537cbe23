#!/usr/bin/env bash
# compare.sh - compare two run folders: for every benchmark both runs have,
# the ratio B/A of the medians of its main metric, with a significance
# verdict from the repetitions: the two-sided Mann-Whitney U test of Google
# Benchmark's compare.py, by scipy when python3 has it, else by
# scripts/lib/utest.awk (the same test: exact for small samples without
# ties, else normal with tie and continuity corrections).  Writes
# OUT/COMPARE.md (the table, printed too), OUT/compare.tsv, and overlay
# plots of A and B for the line figures both runs have.
#
# The main metric of a benchmark is the first it reports of
# items_per_second, io_ops_per_second, bytes_per_second (higher is better),
# rtt_ns, real_time (lower is better).
#
# usage: scripts/compare.sh [--alpha P] [--out DIR] RUN_A RUN_B
source "$(dirname "$0")/lib/common.sh"

alpha=0.05 out="" runs=()
need() { [ $# -ge 2 ] || rt_usage_error "$1: missing value"; }
while [ $# -gt 0 ]; do
    case $1 in
    --alpha) need "$@"; alpha=$2; shift 2 ;;
    --out) need "$@"; out=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) rt_usage_error "unknown flag '$1'; valid: --alpha, --out" ;;
    *) runs+=("$1"); shift ;;
    esac
done
[ ${#runs[@]} -eq 2 ] || rt_usage_error "usage: compare.sh [--alpha P] [--out DIR] RUN_A RUN_B (two run folders)"
[[ $alpha =~ ^0?\.[0-9]+$ ]] || rt_usage_error "--alpha: '$alpha' is invalid; valid: a p-value threshold in (0, 1)"
a=${runs[0]%/} b=${runs[1]%/}
for r in "$a" "$b"; do
    [ -d "$r" ] || rt_usage_error "RUN: '$r' is not a run folder"
done
: "${out:=$(dirname "$b")/compare-$(basename "$a")-vs-$(basename "$b")}"
mkdir -p "$out" 2>/dev/null && [ -w "$out" ] || rt_usage_error "--out: cannot write to '$out'"

# The repetitions of every benchmark: file, run name, metric, direction, value.
samples() {   # RUN LABEL
    local f
    for f in "$1"/bench_*.json "$1"/cpython*_gil.json; do
        [ -r "$f" ] || continue
        jq -r --arg file "$(basename "$f" .json)" --arg run "$2" '
            .benchmarks[]
            | select(.run_type == "iteration" and (.error_occurred // false | not))
            | . as $b
            | ([ "items_per_second", "io_ops_per_second", "bytes_per_second", "rtt_ns", "real_time" ]
               | map(select($b[.] != null)) | first) as $m
            | select($m != null)
            | [$run, $file, .run_name, $m, (if ($m | endswith("_per_second")) then "higher" else "lower" end), .[$m]]
            | @tsv' "$f"
    done
}

pvalues=""   # scipy's, when there is one: "file<TAB>name<TAB>p" lines
all=$(mktemp)
trap 'rm -f "$all" "$all.p"' EXIT
{ samples "$a" A; samples "$b" B; } >"$all"
if command -v python3 >/dev/null && python3 -c 'import scipy.stats' 2>/dev/null; then
    tester="scipy $(python3 -c 'import scipy; print(scipy.__version__)')"
    pvalues=$(python3 - "$all" <<'PY'
import sys, collections
from scipy.stats import mannwhitneyu
s = collections.defaultdict(lambda: {"A": [], "B": []})
for line in open(sys.argv[1]):
    run, f, name, m, d, v = line.rstrip("\n").split("\t")
    s[(f, name)][run].append(float(v))
for (f, name), v in s.items():
    if v["A"] and v["B"]:
        print("%s\t%s\t%.17g" % (f, name, mannwhitneyu(v["A"], v["B"], alternative="two-sided").pvalue))
PY
)
else
    tester="scripts/lib/utest.awk (no python3 with scipy here)"
fi

printf '%s\n' "$pvalues" >"$all.p"
table=$(awk -F'\t' -v alpha="$alpha" -v pfile="$all.p" -f "$RT_ROOT/scripts/lib/utest.awk" \
        -f "$RT_ROOT/scripts/lib/compare.awk" "$all")

compare_tsv() {
    printf 'file\tbenchmark\tmetric\tn_a\tn_b\tmedian_a\tmedian_b\tratio_b_a\tp\tverdict\n'
    [ -z "$table" ] || printf '%s\n' "$table"
}
rt_write_from "$out/compare.tsv" compare_tsv

overlays() {
    # BASE PLOT_FLAGS...: the same figure's TSV from both runs, series
    # prefixed A/ and B/, drawn together.
    local base=$1; shift
    [ -r "$a/$base.tsv" ] && [ -r "$b/$base.tsv" ] || return 0
    { head -1 "$a/$base.tsv"
      tail -n +2 "$a/$base.tsv" | sed 's|^|A/|'
      tail -n +2 "$b/$base.tsv" | sed 's|^|B/|'; } >"$out/$base.tsv"
    "$RT_ROOT/scripts/plot.sh" --tsv "$out/$base.tsv" --out "$out/$base" \
        --title "$base: A = $(basename "$a"), B = $(basename "$b")" --caption "median and quartiles of each run's repetitions" "$@" &&
        echo "![$base]($base.png)"
}

compare_md() {
    echo "# $(basename "$b") against $(basename "$a")"
    echo
    echo "A: \`$a\` ($(jq -r '"\(.cpu_model), \(.pus) PUs, \(.date)"' "$a/environment.json" 2>/dev/null || echo "no environment.json")); B: \`$b\` ($(jq -r '"\(.cpu_model), \(.pus) PUs, \(.date)"' "$b/environment.json" 2>/dev/null || echo "no environment.json"))."
    echo
    echo "Ratio: B's median / A's median of each benchmark's main metric. Significance: two-sided Mann-Whitney U test on the repetitions, by $tester, at p < $alpha."
    echo
    if [ -z "$table" ]; then
        echo "The two runs have no benchmark in common."
    else
        printf '%s\n' "$table" | awk -F'\t' '{ c[$10]++ } END { for (v in c) printf "%s: %d. ", v, c[v]; print "" }'
        echo
        echo "| benchmark | metric | n A / B | median A | median B | B / A | p | verdict |"
        echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
        printf '%s\n' "$table" | awk -F'\t' '{ printf "| %s | %s | %d / %d | %s | %s | %.3f | %.3g | %s |\n", $2, $3, $4, $5, $6, $7, $8, $9, $10 }'
    fi
    echo
    overlays counter_ns_per_increment --logy --ylabel "ns per increment per worker (log)"
    for w in cpu sleep tcp mixed; do
        overlays "scaling_${w}_speedup" --logy2 --ylabel "speedup over 1 worker (log2)"
    done
    overlays scaling_crossover --linear-x --xlabel "waiting share, %" --ylabel "items per second"
    overlays gil_cpu_speedup --logy2 --ylabel "speedup over 1 worker (log2)"
    overlays stream_throughput --logy --binary-x --xlabel "message size, bytes (log2)" --ylabel "bytes per second (log)"
}
rt_write_from "$out/COMPARE.md" compare_md
cat "$out/COMPARE.md"
