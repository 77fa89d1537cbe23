#!/usr/bin/env bash
# bench.sh - the whole suite in one command: install missing dependencies,
# build, run every area's benchmarks (scripts/areas/), then derive.sh makes
# the TSVs, figures, SUMMARY.md and REPORT.md.  Each run gets a new folder
# results/<host>-<UTC time>/; results/latest points to the newest.  A run
# stopped by a signal or a failure keeps what finished, is marked
# INCOMPLETE (naming the failed steps), and leaves no process behind.
#
# usage: scripts/bench.sh [--quick] [--only AREAS] [--policy P] [--repetitions N]
#                         [--max-workers N] [--cpu-repeats N] [--convoy-repeats N]
#                         [--results DIR] [--help]
source "$(dirname "$0")/lib/common.sh"
source "$RT_ROOT/scripts/lib/environment.sh"
source "$RT_ROOT/scripts/lib/run.sh"
source "$RT_ROOT/scripts/lib/areas.sh"

usage() {
    local a
    cat <<'USAGE'
usage: scripts/bench.sh [flags]
  --quick            a first look: short runs, 3 repetitions, waiting work to 16 workers
  --only AREAS       comma-separated areas (default all of them):
USAGE
    for a in "${RT_AREAS[@]}"; do printf '                       %-9s %s\n' "$a" "$(rt_area_var "$a" about)"; done
    cat <<'USAGE'
  --policy P         placement: none, compact, compact-smt, scatter (default compact)
  --repetitions N    repetitions per point, odd, 3..99 (default 5; quick 3)
  --max-workers N    bench_counter's largest worker count, 1..4096 (default 2 x PUs);
                     bench_scaling sweeps to 4 x PUs (cpu) and max(64, 4 x PUs) (waiting work)
  --cpu-repeats N    with real CPython: the CPU-bound runs, emulated and real, run back to
                     back this many times per comparison pass, 1..9 (default 3; quick 1)
  --convoy-repeats N with real CPython: each convoy group's emulated and real rounds run
                     this many times per comparison pass, 1..9 (default 2; quick 1)
  --results DIR      parent folder of run folders (default results/)
USAGE
}

quick=0 policy=compact repetitions="" max_workers=0 cpu_repeats="" convoy_repeats="" results="$RT_ROOT/results" only=all
cmdline="$0 $*"
need() { [ $# -ge 2 ] || rt_usage_error "$1: missing value"; }
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1; shift ;;
    --only) need "$@"; only=$2; shift 2 ;;
    --policy) need "$@"; policy=$2; shift 2 ;;
    --repetitions) need "$@"; repetitions=$2; shift 2 ;;
    --max-workers) need "$@"; max_workers=$2; shift 2 ;;
    --cpu-repeats) need "$@"; cpu_repeats=$2; shift 2 ;;
    --convoy-repeats) need "$@"; convoy_repeats=$2; shift 2 ;;
    --results) need "$@"; results=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) rt_usage_error "unknown argument '$1' (see --help)" ;;
    esac
done
case $policy in none|compact|compact-smt|scatter) ;;
*) rt_usage_error "--policy: '$policy' is not a policy; valid: none, compact, compact-smt, scatter" ;;
esac
if [ -n "$repetitions" ]; then
    [[ $repetitions =~ ^[0-9]+$ ]] && [ "$repetitions" -ge 3 ] && [ "$repetitions" -le 99 ] &&
        [ $((repetitions % 2)) -eq 1 ] ||
        rt_usage_error "--repetitions: '$repetitions' is invalid; valid: an odd number in 3..99 (1.7.1's median is wrong for even counts)"
fi
[[ $max_workers =~ ^[0-9]+$ ]] && [ "$max_workers" -le 4096 ] ||
    rt_usage_error "--max-workers: '$max_workers' is invalid; valid: 1..4096"
[ -z "$cpu_repeats" ] || [[ $cpu_repeats =~ ^[1-9]$ ]] ||
    rt_usage_error "--cpu-repeats: '$cpu_repeats' is invalid; valid: 1..9"
[ -z "$convoy_repeats" ] || [[ $convoy_repeats =~ ^[1-9]$ ]] ||
    rt_usage_error "--convoy-repeats: '$convoy_repeats' is invalid; valid: 1..9"
all_areas=$(IFS=,; echo "${RT_AREAS[*]}")
[ "$only" = all ] && only=$all_areas
declare -A selected=()
IFS=, read -ra wanted <<<"$only"
[ ${#wanted[@]} -gt 0 ] || rt_usage_error "--only: empty; valid: comma-separated areas of: ${all_areas//,/, }"
for area in "${wanted[@]}"; do
    [[ ",$all_areas," == *",$area,"* ]] ||
        rt_usage_error "--only: '$area' is not an area; valid: comma-separated areas of: ${all_areas//,/, }"
    selected[$area]=1
done
want() { [ -n "${selected[$1]:-}" ]; }
areas=()   # the selected areas, in the areas' order
for area in "${RT_AREAS[@]}"; do want "$area" && areas+=("$area"); done

# Profiles: min_time is per repetition, in seconds (1.7.1 takes a bare
# number); each area's own arguments by profile are in its file.
if [ $quick -eq 1 ]; then
    profile=quick min_time=0.02
    : "${repetitions:=3}" "${cpu_repeats:=1}" "${convoy_repeats:=1}"
else
    profile=full min_time=0.1
    : "${repetitions:=5}" "${cpu_repeats:=3}" "${convoy_repeats:=2}"
fi

# Refused before anything is installed, built or run.
mkdir -p "$results" 2>/dev/null && [ -w "$results" ] ||
    rt_usage_error "--results: cannot write to '$results'; valid: a folder this user can create and write"

# ---- stopping ------------------------------------------------------------------------
# A signal is handled at once (every step runs as run_child's process
# group, waited for in the background): the step's whole group is stopped,
# its unfinished output removed, and the run left marked INCOMPLETE with
# what finished intact.  The traps are set before anything is installed or
# built, so a signal at any moment, even before the run folder exists,
# stops the whole run.
run=""
write_environment() {
    rt_environment_json "$run" "$cmdline" "${load_before:-}" "${started:-}" "$profile" \
        "$repetitions" "$policy" "${python_versions:-none}" "$only" "${pus:-}" "${cores:-}"
}
on_signal() {
    local sig=$1
    trap - INT TERM HUP
    if [ -n "$child" ]; then
        kill -TERM -- "-$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
    fi
    if [ -n "$run" ]; then
        rm -rf "$run"/*.tmp "$run"/*.tmp.* "$run"/passes/*.tmp "$run"/passes/*.tmp.* 2>/dev/null || true
        write_environment 2>/dev/null || true
        echo "stopped by SIG$sig at $(date -u +%Y-%m-%dT%H:%M:%SZ) in step: ${current_step:-none}" >"$run/INCOMPLETE"
        ln -sfn "$(basename "$run")" "$results/latest"
        rt_log "racetrack: stopped by SIG$sig; $run is marked INCOMPLETE"
    else
        rt_log "racetrack: stopped by SIG$sig before the run folder was made"
    fi
    exit $((128 + $(kill -l "$sig")))
}
stop_on_signals() {
    trap 'on_signal INT' INT
    trap 'on_signal TERM' TERM
    trap 'on_signal HUP' HUP
}
stop_on_signals

# The installer runs in the foreground: a signal to this script waits for
# it (apt-get is never killed half-way), then stops the run.
"$RT_ROOT/scripts/deps.sh"
run_child "$RT_ROOT/scripts/build.sh"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
folder="$results/$(hostname -s)-$stamp"
# Making the folder, its mark and `run` is one step for the signals: one
# that comes meanwhile is held and handled just after, so it finds either no
# folder of ours or a marked one in `run` (never an unmarked folder, nor
# another run's folder of the same second).
held=""
for sig in INT TERM HUP; do trap "held=$sig" "$sig"; done
if mkdir "$folder" 2>/dev/null; then
    touch "$folder/INCOMPLETE"
    # tests/test_interrupt.sh holds the script here to signal it mid-step.
    [ -z "${RT_TEST_HOLD_FOLDER_S:-}" ] || sleep "$RT_TEST_HOLD_FOLDER_S"
    run=$folder
fi
stop_on_signals
[ -z "$held" ] || on_signal "$held"
[ -n "$run" ] || rt_usage_error "run folder '$folder' already exists; never reused"
rt_log "racetrack: $profile run into $run"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

pus=$(rt_run_pus)
cores=$(rt_run_cores)
max_flag=()
[ "$max_workers" -gt 0 ] && max_flag=(--max-workers "$max_workers" --oversubscribe)
common=(--policy "$policy" --benchmark_enable_random_interleaving=true --benchmark_out_format=json
        --benchmark_repetitions="$repetitions")

# ---- progress ------------------------------------------------------------------------
# "[i/n] step, elapsed, about T left".  The estimate scales the last run's
# step times (same profile, from its steps.tsv) by how fast this run has
# gone so far; without one, it assumes the remaining steps take as long as
# the finished ones did on average.  Each step's time lands in steps.tsv
# for the next run.  A step in which anything failed is named in
# INCOMPLETE.
declare -A last_secs=()
if [ -r "$results/latest/steps.tsv" ]; then
    while IFS=$'\t' read -r p name secs; do
        [ "$p" = "$profile" ] && last_secs[$name]=$secs
    done <"$results/latest/steps.tsv"
fi
steps=() step_i=0 step_t0=$SECONDS run_t0=$SECONDS current_step="" failed_steps=()
plan_step() { steps+=("$1"); }
fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
step() {   # NAME: the previous step is done, NAME starts
    local now=$SECONDS
    [ $step_i -gt 0 ] && printf '%s\t%s\t%d\n' "$profile" "${steps[$((step_i - 1))]}" \
        $((now - step_t0)) >>"$run/steps.tsv"
    step_t0=$now current_step=$1
    local elapsed=$((now - run_t0)) done_last=0 left_last=0 known=1 i left
    for ((i = 0; i < ${#steps[@]}; i++)); do
        local n=${steps[$i]}
        [ -n "${last_secs[$n]:-}" ] || { known=0; continue; }
        if [ $i -lt $step_i ]; then done_last=$((done_last + last_secs[$n])); else left_last=$((left_last + last_secs[$n])); fi
    done
    if [ $known -eq 1 ] && [ $done_last -gt 0 ]; then
        left="about $(fmt_secs $((left_last * elapsed / done_last))) left (scaled from the last $profile run)"
    elif [ $known -eq 1 ]; then
        left="about $(fmt_secs "$left_last") left (the last $profile run)"
    elif [ $step_i -gt 0 ]; then
        left="about $(fmt_secs $(((${#steps[@]} - step_i) * elapsed / step_i))) left (guessed from the steps so far)"
    else
        left="no estimate yet"
    fi
    step_i=$((step_i + 1))
    rt_log "racetrack: [$step_i/${#steps[@]}] $1; $(fmt_secs $elapsed) elapsed, $left"
}
step_failed() {   # the current step failed (named once)
    local s
    for s in "${failed_steps[@]}"; do [ "$s" != "$current_step" ] || return 0; done
    failed_steps+=("$current_step")
}

# ---- the run ---------------------------------------------------------------------------
# Real CPython, when there is one (cpython.sh), for the areas that measure
# it beside the emulation.
source "$RT_ROOT/scripts/lib/cpython.sh"
python_versions=""
for py in "${pythons[@]}"; do
    python_versions+="${python_versions:+; }$py $("$py" -c 'import platform; print(platform.python_version())')"
done
for area in "${areas[@]}"; do ! rt_area_has "$area" prepare || "${area}_prepare"; done
for area in "${areas[@]}"; do ! rt_area_has "$area" plan || "${area}_plan"; done
plan_step "plots, summary and report"

status=0
for area in "${areas[@]}"; do
    n_failed=${#failed_steps[@]}
    if ! "${area}_run"; then
        status=1
        # run_bench names its own step; any other failure is the area's last.
        [ ${#failed_steps[@]} -gt "$n_failed" ] || step_failed
    fi
done
step "plots, summary and report"
write_environment
ln -sfn "$(basename "$run")" "$results/latest"
# The report says INCOMPLETE when the mark is there: a run whose every
# benchmark finished loses it before derive.sh reads the folder.
[ $status -ne 0 ] || rm -f "$run/INCOMPLETE"
if ! run_child "$RT_ROOT/scripts/derive.sh" "$run"; then
    status=1
    step_failed
fi
printf '%s\t%s\t%d\n' "$profile" "${steps[-1]}" $((SECONDS - step_t0)) >>"$run/steps.tsv"
if [ $status -eq 0 ]; then
    rt_log "racetrack: done: $run"
else
    printf 'failed steps: %s; see the run'"'"'s logs\n' "$(IFS=';'; echo "${failed_steps[*]}" | sed 's/;/; /g')" \
        >"$run/INCOMPLETE"
    rt_log "racetrack: finished with errors in: ${failed_steps[*]}; $run is marked INCOMPLETE"
    # The report of a failed run says so (derive.sh made it before the mark).
    "$RT_ROOT/scripts/report.sh" "$run" >/dev/null 2>&1 || true
fi
exit $status
