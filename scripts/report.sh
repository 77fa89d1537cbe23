#!/usr/bin/env bash
# report.sh - RUN/REPORT.md: the citable report of one run folder.  The
# machine in two lines, a table of headline figures, then one section per
# area the run has files of (scripts/areas/: each tutorial claim's): the
# measured verdict in one sentence with its numbers, the plot (PNG, with
# the SVG beside it), how to reproduce it, and the noise check of the
# figure: every series with a point whose coefficient of variation over the
# repetitions (stddev / mean) is above --max-cv is named.  Every number is
# read from the run's own files; a claim whose files are missing (an
# interrupted run) says so instead, and an area the run left out (--only)
# has no section.
# usage: scripts/report.sh [--max-cv F] RUN_DIR
source "$(dirname "$0")/lib/common.sh"
source "$RT_ROOT/scripts/lib/strict.sh"
source "$RT_ROOT/scripts/lib/areas.sh"

max_cv=0.05 run=""
while [ $# -gt 0 ]; do
    case $1 in
    --max-cv) [ $# -ge 2 ] || rt_usage_error "--max-cv: missing value; valid: a fraction in 0..1"
              max_cv=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) rt_usage_error "unknown flag '$1'; valid: --max-cv" ;;
    *) run=$1; shift ;;
    esac
done
[[ $max_cv =~ ^(0(\.[0-9]+)?|1)$ ]] || rt_usage_error "--max-cv: '$max_cv' is invalid; valid: a fraction in 0..1"
[ -d "$run" ] || rt_usage_error "RUN_DIR: '$run' is not a run folder"
[ -r "$run/environment.json" ] || rt_usage_error "RUN_DIR: '$run' has no environment.json"

# The median of SERIES at X in TSV (empty if absent).
med() { awk -F'\t' -v s="$2" -v x="$3" 'NR > 1 && $1 == s && $2 == x { print $6; exit }' "$1" 2>/dev/null; }
# printf with a number that may be missing: "n/a" then.
num() { local fmt=$1 v=$2; if [ -n "$v" ]; then LC_ALL=C printf "$fmt" "$v"; else printf 'n/a'; fi; }
# awk arithmetic on figures that may be missing: empty if any of them is.
calc() {   # EXPR VALUE...: EXPR uses a, b, c for the values
    local v
    for v in "${@:2}"; do [ -n "$v" ] || return 0; done
    LC_ALL=C awk -v a="${2:-}" -v b="${3:-}" -v c="${4:-}" "BEGIN { print $1 }" </dev/null
}
have() { for f in "$@"; do [ -r "$run/$f" ] || return 1; done; }

# The repetitions behind each figure: the TSVs whose rows (one per point,
# with n, mean and stddev) the noise check reads.
noise_tsvs() {
    case $1 in
    scaling_cpu_speedup) echo scaling_cpu_paired.tsv ;;
    scaling_*_speedup) echo "${1%_speedup}_throughput.tsv" ;;
    create_cost) echo create_ns.tsv ;;
    pingpong_rtt) echo pingpong_rtt_ns.tsv ;;
    gil_cpu_speedup) echo gil_cpu_paired.tsv ;;
    gil_convoy) echo gil_convoy_ops.tsv ;;
    convoy_emulated_vs_real) echo gil_convoy_ops.tsv cpython_convoy_ops.tsv ;;
    *) echo "$1.tsv" ;;
    esac
}

# One line: the noise verdict of a figure.  A point counts when it has at
# least 2 repetitions and a mean of at least 1 % of the largest in its TSVs
# (the spread of a value near nothing on the figure's scale is not what a
# reader sees; a CDF's tail, a rate near zero).
noise() {
    local fig=$1 files=() f
    for f in $(noise_tsvs "$fig"); do [ -r "$run/$f" ] && files+=("$run/$f"); done
    [ ${#files[@]} -gt 0 ] || return 0
    awk -F'\t' -v max="$max_cv" '
        FNR == 1 { next }
        { rows[++n] = $0; if ($4 > top) top = $4 }
        END {
            for (i = 1; i <= n; i++) {
                split(rows[i], f, "\t")
                if (f[3] < 2 || f[4] < top * 0.01 || f[4] <= 0) continue
                points++; cv = f[5] / f[4]
                if (cv > max) { bad++; if (cv > worst[f[1]]) { worst[f[1]] = cv; at[f[1]] = f[2] } }
            }
            if (!bad) { printf "Noise: every one of the %d points has a coefficient of variation at most %.0f %%.\n", points, 100 * max; exit }
            printf "Noise: **%d of %d points have a coefficient of variation over %.0f %%**; read these series with care:", bad, points, 100 * max
            sep = " "
            for (s in worst) { printf "%s%s (up to %.0f %% at %s)", sep, s, 100 * worst[s], at[s]; sep = "; " }
            print "."
        }' "${files[@]}"
}

figure() {   # BASE ALT: the plot, if drawn, and the noise check of its data
    echo
    [ -r "$run/$1.png" ] && { echo "![$2]($1.png) ([SVG]($1.svg))"; echo; }
    noise "$1"
}

reproduce() {
    echo
    echo "Reproduce: \`scripts/bench.sh --only $1\` (the whole area, into a new run folder), or $2"
}

fact() { jq -r "$RT_JQ_DEFS$1" "$run/environment.json"; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch" "$RT_STRICT_LOG"' EXIT
headline=$scratch/headline body=$scratch/body report=$scratch/REPORT.md
: >"$headline"
: >"$body"
row() { printf '| %s | %s | %s |\n' "$1" "$2" "$3" >>"$headline"; }

left_out=()
for area in "${RT_AREAS[@]}"; do
    rt_area_has "$area" report || continue
    if rt_area_ran "$area" "$run"; then
        "${area}_report" >>"$body"
        echo >>"$body"
    else
        left_out+=("$area")
    fi
done
{
    # A run of some areas (--only) names those it left out.
    if [ ${#left_out[@]} -gt 0 ] && [ "$(fact '.areas // ""')" != "" ]; then
        echo "Not in this run (\`--only $(fact .areas)\`): ${left_out[*]}."
        echo
    fi
    echo "## All tables"
    echo
    if [ -r "$run/SUMMARY.md" ]; then
        echo "Every figure above, and the rest, in tables: [SUMMARY.md](SUMMARY.md)."
    else
        echo "No SUMMARY.md in this run (an incomplete run)."
    fi
} >>"$body"

{
    echo "# racetrack report: $(fact .host), $(fact .date)"
    echo
    fact '"\(.cpu_model), \(.pus) PUs / \(.cores) cores / \(.packages) package(s), SMT \(.smt // "unknown"), virtual machine: \(.virtual), container: \(.container // "none");"'
    fact '"\(.kernel), \(.compiler), `\(.cflags // "flags unknown")`, Google Benchmark \(.google_benchmark); \(.profile // "unknown") profile, \(.repetitions // "?") repetitions, policy \(.policy // "?"), parallel capacity \(if .capacity then "\(.capacity.before | f2) before, \(.capacity.after | f2) after" else "not measured" end), load \(.load_before) before and \(.load_after) after."'
    [ -e "$run/INCOMPLETE" ] && { echo; echo "**This run is INCOMPLETE**: it was stopped or a benchmark failed; what is here finished, the rest is missing."; }
    echo
    echo "| headline | measured | note |"
    echo "| --- | ---: | --- |"
    cat "$headline"
    echo
    cat "$body"
} >"$report"
rt_strict_check
rt_write_from "$run/REPORT.md" cat "$report"
echo "$run/REPORT.md"
