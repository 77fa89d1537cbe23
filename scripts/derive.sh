#!/usr/bin/env bash
# derive.sh - every TSV, figure, SUMMARY.md and REPORT.md of a run folder,
# made again from its raw JSON, logs and environment.json, without running
# any benchmark.  Each area (scripts/areas/) the run has files of derives
# its own; then summary.sh and report.sh.  bench.sh calls it at the end of
# a run; a reader can call it to redraw a figure or remake a summary.  A
# file is replaced only by a whole new one; the first failure stops the
# script with a line naming it, and exit status 1.
# usage: scripts/derive.sh RUN_DIR
source "$(dirname "$0")/lib/common.sh"
source "$RT_ROOT/scripts/lib/strict.sh"
source "$RT_ROOT/scripts/lib/areas.sh"

case ${1:-} in -h|--help) sed -n '2,9p' "$0"; exit 0 ;; esac
run=${1:-}
[ $# -eq 1 ] && [ -d "$run" ] || rt_usage_error "RUN_DIR: '${run}' is not a run folder; usage: derive.sh RUN_DIR"
[ -r "$run/environment.json" ] || rt_usage_error "RUN_DIR: '$run' has no environment.json (not a run folder?)"
run=$(cd "$run" && pwd)

# The run's facts, as bench.sh had them: the PUs and cores it could use,
# its placement, repetitions and profile.
env_fact() { jq -r "$1" "$run/environment.json"; }
pus=$(env_fact '.run_pus // .pus')
cores=$(env_fact '.run_cores // .cores')
policy=$(env_fact '.policy')
repetitions=$(env_fact '.repetitions')
profile=$(env_fact '.profile')
caption="$(env_fact '.host | split(".")[0]'), $(env_fact '.date[0:10]'), $pus PUs / $cores cores, policy $policy; median of $repetitions repetitions, bars: quartiles"
# The parallel capacity measured by the scaling area, which the speedup
# figures are read against (the lower of before and after).
cap_low="" scaling_caption=$caption
if [ -r "$run/scaling_capacity.json" ]; then
    cap_low=$(jq -r '[.before.capacity, .after.capacity] | min' "$run/scaling_capacity.json")
    scaling_caption="$caption; parallel capacity $(jq -r "$RT_JQ_DEFS"'.before.capacity | f2' "$run/scaling_capacity.json") before, $(jq -r "$RT_JQ_DEFS"'.after.capacity | f2' "$run/scaling_capacity.json") after"
fi

# json_tsv OUT JSON JSON2TSV_FLAGS...: run/OUT from run/JSON (json2tsv.sh).
json_tsv() {
    rt_write_from "$run/$1" "$RT_ROOT/scripts/json2tsv.sh" "${@:3}" "$run/$2"
}
# plot_metric JSON METRIC MATCH BASE TITLE YLABEL [plot.sh flags]: run/BASE.tsv
# of METRIC for the series matching MATCH, and its figure run/BASE.{png,svg}.
# X=NAME takes another x than workers; caption=... another caption.
plot_metric() {
    local json=$1 metric=$2 match=$3 base=$4 title=$5 ylabel=$6
    shift 6
    [ -r "$run/$json" ] || return 0
    json_tsv "$base.tsv" "$json" --metric "$metric" --match "$match" --x "${X:-workers}"
    "$RT_ROOT/scripts/plot.sh" --tsv "$run/$base.tsv" --out "$run/$base" --title "$title" \
        --ylabel "$ylabel" --cores "$cores" --pus "$pus" --caption "$caption" "$@"
}

for area in "${RT_AREAS[@]}"; do
    rt_area_has "$area" derive && rt_area_ran "$area" "$run" || continue
    "${area}_derive"
done
rt_strict_check
"$RT_ROOT/scripts/summary.sh" "$run" >/dev/null
"$RT_ROOT/scripts/report.sh" "$run" >/dev/null
