#!/usr/bin/env bash
# summary.sh - the headline numbers of one run folder as Markdown, written
# to RUN/SUMMARY.md (and printed).  Every figure is read from the run's own
# files; update_readme.sh copies this into the README.
# usage: scripts/summary.sh RUN_DIR [LINK_PREFIX]
source "$(dirname "$0")/lib/common.sh"

run=${1:-}
prefix=${2:-}
[ -d "$run" ] || rt_usage_error "RUN_DIR: '$run' is not a run folder"
for f in environment.json counter_tutorial.json counter_ns_per_increment.tsv shim_summary.json; do
    [ -r "$run/$f" ] || rt_usage_error "RUN_DIR: '$run' has no $f (an incomplete run?)"
done

# median of series $1 at workers $2 in TSV $3, with the given printf format
cell() {
    awk -F'\t' -v s="$1" -v w="$2" -v fmt="$4" \
        'NR > 1 && $1 == s && $2 == w { printf fmt, $6; found = 1 } END { if (!found) printf "-" }' "$3"
}

{
    jq -r '"Run `\(.date)` on \(.cpu_model), \(.pus) PUs / \(.cores) cores / \(.packages) package(s), virtual machine: \(.virtual), container: \(.container // "not recorded"), load before \(.load_before)."' \
        "$run/environment.json"
    echo
    jq -r '"**counter += 1, \(.workers) threads x \(.increments) increments, \(.trials) trials per variant** (`bench_counter --tutorial`):\n\n| variant | expected | got (median) | lost min / median / max | trials that lost updates |\n| --- | ---: | ---: | ---: | ---: |",
           (.variants[] | "| \(.variant) | \(.expected) | \(.expected - .lost_median) | \(.lost_min) / \(.lost_median) / \(.lost_max) | \(.trials_with_loss) of \(.lost | length) |")' \
        "$run/counter_tutorial.json"
    echo
    tsv=$run/counter_ns_per_increment.tsv
    lost=$run/counter_lost_fraction.tsv
    echo "**Cost per increment** (wall time a worker spends per increment, ns; median of repetitions; \`bench_counter\`):"
    echo
    echo "| variant | 1 worker | 2 workers | 4 workers | lost at 2 workers |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    for s in $(tail -n +2 "$tsv" | cut -f1 | awk '!seen[$0]++'); do
        if [ -r "$lost" ] && grep -q "^$s	" "$lost"; then
            l=$(awk -F'\t' -v s="$s" 'NR > 1 && $1 == s && $2 == 2 { printf "%.1f %%", 100 * $6 }' "$lost")
        else
            l="0 (checked exact)"
        fi
        printf '| %s | %s | %s | %s | %s |\n' "${s#counter/}" "$(cell "$s" 1 "$tsv" %.2f)" \
            "$(cell "$s" 2 "$tsv" %.2f)" "$(cell "$s" 4 "$tsv" %.2f)" "$l"
    done
    echo
    jq -r '"**C shim vs native C++ loop** (`bench_shim`, median of \(.bodies[0].repetitions) interleaved repetitions): " +
           ([.bodies[] | "\(.body) \(.ratio * 1000 | round / 1000) (\(.shim_ns * 1000 | round / 1000) ns vs \(.native_ns * 1000 | round / 1000) ns)"] | join("; ")) +
           "; target at most \(.max_ratio)."' "$run/shim_summary.json"
    echo
    for p in counter_ns_per_increment counter_lost_fraction; do
        [ -r "$run/$p.png" ] && echo "![${p//_/ }]($prefix$p.png)"
    done
} | rt_atomic_write "$run/SUMMARY.md"
cat "$run/SUMMARY.md"
