#!/usr/bin/env bash
# summary.sh - the headline numbers of one run folder as Markdown, written
# to RUN/SUMMARY.md (and printed): the machine, then each area's tables
# (scripts/areas/), for every area the run has files of.  Every figure is
# read from the run's own files; a jq or awk that fails anywhere fails the
# script and leaves SUMMARY.md as it was.  With LINK_PREFIX (update_readme.sh
# passes "plots/") the images are linked under that prefix and the text is
# only printed, RUN is not touched.
# usage: scripts/summary.sh RUN_DIR [LINK_PREFIX]
source "$(dirname "$0")/lib/common.sh"
source "$RT_ROOT/scripts/lib/strict.sh"
source "$RT_ROOT/scripts/lib/areas.sh"

run=${1:-}
prefix=${2:-}
[ -d "$run" ] || rt_usage_error "RUN_DIR: '$run' is not a run folder"
[ -r "$run/environment.json" ] || rt_usage_error "RUN_DIR: '$run' has no environment.json (not a run folder?)"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch" "$RT_STRICT_LOG"' EXIT
text=$scratch/SUMMARY.md

# LEVEL as a percentage: 0.95 -> 95
pct() { awk -v x="$1" 'BEGIN { printf "%g", 100 * x }'; }

# median of series $1 at workers $2 in TSV $3, with the given printf format
cell() {
    awk -F'\t' -v s="$1" -v w="$2" -v fmt="$4" \
        'NR > 1 && $1 == s && $2 == w { printf fmt, $6; found = 1 } END { if (!found) printf "-" }' "$3"
}

# awk helpers: a rate without exponents; whether two quartile ranges meet
# (if they do, the two medians differ by less than the runs' own spread).
awk_lib='
    function rate(x) { return x >= 100 ? sprintf("%.0f", x) : sprintf("%.3g", x) }
    function overlap(a1, a3, b1, b3) { return (a1 <= b3 && b1 <= a3) ? "overlap" : "apart" }
'

# A Markdown table from a long TSV: rows are categories, columns groups,
# cells the median times SCALE in FORMAT.  KEY is "x" (category = the
# series minus its first field, a column per x value) or a field number K
# (category = field K of the series, a column per remaining fields).
pivot() {   # TSV KEY SCALE FORMAT CORNER
    awk -F'\t' -v key="$2" -v scale="$3" -v fmt="$4" -v corner="$5" '
        NR == 1 { next }
        {
            n = split($1, f, "/"); cat = ""; grp = ""
            for (i = 2; i <= n; i++) {
                if (key != "x" && i == key + 0) continue
                grp = grp (grp == "" ? "" : "/") f[i]
            }
            if (key == "x") { cat = grp; grp = $2 } else cat = f[key + 0]
            if (!(cat in sc)) { sc[cat] = 1; cats[++nc] = cat }
            if (!(grp in sg)) { sg[grp] = 1; grps[++ng] = grp }
            v[cat, grp] = $6 * scale
        }
        END {
            if (key == "x")              # numeric columns in order
                for (a = 1; a < ng; a++) for (b = a + 1; b <= ng; b++)
                    if (grps[a] + 0 > grps[b] + 0) { t = grps[a]; grps[a] = grps[b]; grps[b] = t }
            line = "| " corner; rule = "| ---"
            for (g = 1; g <= ng; g++) { line = line " | " grps[g]; rule = rule " | ---:" }
            print line " |"; print rule " |"
            for (c = 1; c <= nc; c++) {
                line = "| " cats[c]
                for (g = 1; g <= ng; g++)
                    line = line " | " ((cats[c], grps[g]) in v ? sprintf(fmt, v[cats[c], grps[g]]) : "-")
                print line " |"
            }
        }' "$1"
}

# The images of FIGURE... that were drawn, one Markdown line each.
images() {
    local p
    for p in "$@"; do
        if [ -r "$run/$p.png" ]; then echo "![${p//_/ }]($prefix$p.png)"; fi
    done
}

machine() {
    jq -r '"Run `\(.date)` on \(.cpu_model), \(.pus) PUs / \(.cores) cores / \(.packages) package(s), virtual machine: \(.virtual), container: \(.container // "not recorded"), load before \(.load_before)." +
           (if .started and (.started | test("^[0-9-]+T")) then
              " The \(.profile // "") run took \(((.date | fromdate) - (.started | fromdate)) / 60 | floor) min \(((.date | fromdate) - (.started | fromdate)) % 60) s from start to the last benchmark (`started` and `date` in environment.json)."
            else "" end)' \
        "$run/environment.json"
    echo
}

machine >"$text"
for area in "${RT_AREAS[@]}"; do
    if rt_area_has "$area" summary && rt_area_ran "$area" "$run"; then
        "${area}_summary" >>"$text"
    fi
done
rt_strict_check
cat "$text"
[ -n "$prefix" ] || rt_write_from "$run/SUMMARY.md" cat "$text"
