#!/usr/bin/env bash
# cpython_passes.sh - one comparison pass of a run: the emulated runs that
# have a real CPython counterpart, and the real ones, interleaved, so that
# both see the same minutes of this machine (the convoy's, the same
# seconds).  bench.sh calls it once per repetition (--pass P), then once to
# merge the passes (--merge) into RUN/bench_gil.json, RUN/bench_scaling.json
# (with --with-scaling 1), RUN/cpython_gil.json and RUN/cpython2_gil.json.
# What one pass learns for the next (where the real workers are pinned,
# each convoy group's latest real run) it reads back from the passes'
# files in RUN/passes/.
#
# usage: scripts/cpython_passes.sh --run RUN --profile quick|full --policy P
#            --min-time S --cpu-repeats N --convoy-repeats N --with-scaling 0|1
#            (--pass P | --merge)
source "$(dirname "$0")/lib/common.sh"
source "$RT_ROOT/scripts/lib/run.sh"
source "$RT_ROOT/scripts/lib/cpython.sh"
source "$RT_ROOT/scripts/lib/areas.sh"

run="" profile="" policy="" min_time="" cpu_repeats="" convoy_repeats="" with_scaling="" pass="" merge=0
need() { [ $# -ge 2 ] || rt_usage_error "$1: missing value"; }
while [ $# -gt 0 ]; do
    case $1 in
    --run) need "$@"; run=$2; shift 2 ;;
    --profile) need "$@"; profile=$2; shift 2 ;;
    --policy) need "$@"; policy=$2; shift 2 ;;
    --min-time) need "$@"; min_time=$2; shift 2 ;;
    --cpu-repeats) need "$@"; cpu_repeats=$2; shift 2 ;;
    --convoy-repeats) need "$@"; convoy_repeats=$2; shift 2 ;;
    --with-scaling) need "$@"; with_scaling=$2; shift 2 ;;
    --pass) need "$@"; pass=$2; shift 2 ;;
    --merge) merge=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) rt_usage_error "unknown argument '$1' (see --help)" ;;
    esac
done
[ -d "$run" ] && [ -r "$run/bench_gil.json" ] ||
    rt_usage_error "--run: '$run' is not a run folder with bench_gil.json; valid: a run folder of bench.sh"
[[ $profile =~ ^(quick|full)$ ]] || rt_usage_error "--profile: '$profile' is invalid; valid: quick, full"
[ -n "$policy" ] || rt_usage_error "--policy: required; valid: none, compact, compact-smt, scatter"
[[ $min_time =~ ^[0-9]+(\.[0-9]+)?$ ]] || rt_usage_error "--min-time: '$min_time' is invalid; valid: seconds, e.g. 0.1"
[[ $cpu_repeats =~ ^[1-9]$ ]] || rt_usage_error "--cpu-repeats: '$cpu_repeats' is invalid; valid: 1..9"
[[ $convoy_repeats =~ ^[1-9]$ ]] || rt_usage_error "--convoy-repeats: '$convoy_repeats' is invalid; valid: 1..9"
[[ $with_scaling =~ ^[01]$ ]] || rt_usage_error "--with-scaling: '$with_scaling' is invalid; valid: 0, 1"
[ $merge -eq 1 ] || [[ $pass =~ ^[1-9][0-9]*$ ]] ||
    rt_usage_error "--pass: '$pass' is invalid; valid: 1 or more (or --merge)"
[ ${#pythons[@]} -gt 0 ] || rt_usage_error "no python3 or python2.7 on PATH: nothing to compare with"
mkdir -p "$run/passes"
RT_PASS=$pass   # cpython.sh: a pass says nothing of what the main run said

# The profile's arguments, as the areas declare them.
declare -n gil=gil_$profile scaling=scaling_$profile cpython_args=gil_cpython_$profile
cpython=("${cpython_args[@]}")
pus=$(rt_run_pus)
cpython+=(--mixed-workers "$((2 * pus))")
[ "$profile" = quick ] || cpython+=(--sleep-max-workers "$(( 4 * pus > 64 ? 4 * pus : 64 ))")
once=(--policy "$policy" --benchmark_enable_random_interleaving=true --benchmark_out_format=json
      --benchmark_repetitions=1)

# One JSON from the main run and its passes (the rows of each repetition
# are what json2tsv reads; aggregates exist for the main run's only).  The
# context is the first file's, or with CONTEXT=last the last one's (a real
# CPython's passes: where a placement is learnt from a pass's emulated
# runs, the real runs before them ran without it).
merge_json() {
    local out=$1 f
    shift
    local files=()
    for f in "$@"; do [ -r "$f" ] && files+=("$f"); done
    [ ${#files[@]} -gt 0 ] || return 1
    rt_write_from "$out" jq -s --arg from "${CONTEXT:-first}" \
        '{context: (if $from == "last" then .[-1] else .[0] end).context, benchmarks: [.[].benchmarks[]]}' \
        "${files[@]}"
}

if [ $merge -eq 1 ]; then
    rc=0
    if [ "$with_scaling" -eq 1 ]; then
        merge_json "$run/bench_scaling.json" "$run/bench_scaling.json" "$run"/passes/bench_scaling.*.json || rc=1
    fi
    merge_json "$run/bench_gil.json" "$run/bench_gil.json" "$run"/passes/bench_gil.*.json || rc=1
    for py in "${pythons[@]}"; do
        out=cpython
        [ "$py" = python2.7 ] && out=cpython2
        CONTEXT=last merge_json "$run/${out}_gil.json" "$run"/passes/"$py".*.json || rc=1
    done
    exit $rc
fi

# The convoy moves most with the moment: beside a CPU thread, the I/O
# thread's ops/s in one round can move 10x from one round to the next on a
# shared VM, emulated and real alike, and runs of good and bad rounds last
# seconds (how often the woken CPU thread lands in the I/O call's window
# depends on how fast the host wakes its vCPU).  So each
# group of convoy rounds (one op, mode and interval: K = 0 .. max CPU
# threads) runs emulated and real back to back, --convoy-repeats times a
# pass, in turn first (R E E R in odd passes, E R R E in even ones), and
# the real threads are pinned as the emulated ones: the plan in the label
# of the largest convoy team of bench_gil's main run (processes, planned
# as the threads are), or failing that of the first emulated group run.
#
# Each emulated group run's I/O loop is sized to the real loop's CPU time
# per operation in the latest real run of its group, alone (its cpu:0
# round's io_cpu_ns_per_op), not to --print-io-op-ns's few short rounds
# at the start of the pass: the interpreter's loop slows with what else
# the host runs far more than the emulator's arithmetic, and a slowdown is
# the loop's rate alone over its rate beside the CPU threads.  Odd passes
# start with real so that every emulated run has one; a group keeps the
# pass's --print-io-op-ns sizing until a real run of it has succeeded.
# The latest real run of a convoy group, of this pass or one before.
latest_real() {   # PY NAME
    local q r
    for ((q = pass; q >= 1; q--)); do
        for ((r = convoy_repeats; r >= 1; r--)); do
            if [ -r "$run/passes/$1.$q.$2.$r.json" ]; then echo "$run/passes/$1.$q.$2.$r.json"; return 0; fi
        done
    done
}
sized_like_real() {   # GROUP NAME PY: bench_gil's flag sizing GROUP's loop to its latest real run
    local json op mode ns
    [ -n "$3" ] || return 0
    json=$(latest_real "$3" "$2")
    [ -n "$json" ] || return 0
    op=$(cut -d/ -f2 <<<"$1") mode=$(cut -d/ -f3 <<<"$1")
    ns=$(jq -r '[.benchmarks[] | select(.run_name | test("/cpu:0/")) | .io_cpu_ns_per_op
                 | select(. != null and . > 0)][0] // empty' "$json" 2>/dev/null) || return 0
    [ -n "$ns" ] || return 0
    if [ "$mode" = threads-old ]; then
        printf -- '--old-io-op-ns=%s=%.1f\n' "$op" "$ns"
    else
        printf -- '--io-op-ns=%s=%.1f\n' "$op" "$ns"
    fi
}
convoy_groups() {   # the compared convoy groups, as convoy/<op>/<mode>/i<us>
    "$RT_BIN/bench_gil" "${gil[@]}" --benchmark_list_tests=true --benchmark_filter="$gil_convoy_compared" |
        sed -nE 's|^gil/(convoy/[^/]+/[^/]+/i[0-9]+)/.*|\1|p' | uniq
}
python_for() {   # MODE: the real CPython of a compared mode, if this run has it
    local want=python3 py
    [ "$1" = threads-old ] && want=python2.7
    for py in "${pythons[@]}"; do [ "$py" = "$want" ] && echo "$py"; done
    return 0
}
# The PUs of the largest team in a bench_gil JSON's labels (none when unpinned).
label_plan() {   # JSON RUN_NAME_REGEX
    jq -r --arg re "$2" '[.benchmarks[] | select(.run_name | test($re)) | .label // ""
                          | capture("plan=(?<p>[0-9]+(,[0-9]+)*)( |$)").p]
                         | max_by(split(",") | length) // empty' "$1" 2>/dev/null || true
}
# Where the real workers go: the CPU-bound ones where the first emulated
# 2-worker run of the passes went (none under --policy none), the convoy's
# where bench_gil's main run, or else the first emulated group run, put its
# largest convoy team.
pin=() convoy_pin=()
learn_pins() {
    local q r group name f plan
    for ((q = 1; q <= pass && ${#pin[@]} == 0; q++)); do
        for ((r = 1; r <= cpu_repeats && ${#pin[@]} == 0; r++)); do
            f=$run/passes/bench_gil.$q.cpu.$r.json
            [ -r "$f" ] || continue
            plan=$(label_plan "$f" '^gil/cpu/threads-new/workers:2/')
            [ -z "$plan" ] || pin=(--cpus "$plan")
        done
    done
    [ ${#convoy_pin[@]} -eq 0 ] || return 0
    plan=$(label_plan "$run/bench_gil.json" '^gil/convoy/')
    for ((q = 1; q <= pass; q++)); do
        for group in $groups; do
            name=${group#convoy/}
            name=${name//\//.}
            for ((r = 1; r <= convoy_repeats; r++)); do
                [ -z "$plan" ] || break 3
                f=$run/passes/bench_gil.$q.$name.$r.json
                [ ! -r "$f" ] || plan=$(label_plan "$f" "^gil/$group/")
            done
        done
    done
    [ -z "$plan" ] || convoy_pin=(--convoy-cpus "$plan")
}
real_gil() {   # PY OUT ARGS...: one pass of cpython_gil.py into passes/OUT.json
    local py=$1 out=$2
    shift 2
    rt_log "racetrack:   $py cpython_gil.py $*"
    run_child "$py" "$RT_ROOT/scripts/cpython_gil.py" --repetitions 1 "${cpython[@]}" "${pin[@]}" \
        "${convoy_pin[@]}" "$@" --out "$run/passes/$out.json" >>"$run/cpython_gil.log" 2>&1 ||
        { rt_log "racetrack: $py cpython_gil.py failed; see $run/cpython_gil.log"; return 1; }
}
real_cpu() {   # TAG: every real CPython's CPU-bound runs into passes/PY.TAG.json
    local py rc=0
    for py in "${pythons[@]}"; do
        real_gil "$py" "$py.$1" --filter '^cpu(_one_pu)?/' || rc=1
    done
    return $rc
}

p=$pass rc=0
groups=$(convoy_groups) || { rt_log "racetrack: bench_gil could not list its convoy runs"; exit 1; }
learn_pins
if [ "$with_scaling" -eq 1 ]; then
    measure_units
    OUT=passes/bench_scaling.$p run_bench bench_scaling "${once[@]}" \
        --benchmark_min_time="$min_time" "${scaling[@]}" "${units[@]}" --capacity-trials=1 \
        --benchmark_filter="$scaling_compared" || rc=1
fi
measure_units
measure_io_ops
# CPU-bound: emulated and real back to back, --cpu-repeats times, in turn
# first (E R R E in odd passes: the first emulated run gives the plan).
for r in $(seq "$cpu_repeats"); do
    [ $(((p + r) % 2)) -eq 0 ] || real_cpu "$p.cpu.$r" || rc=1
    OUT=passes/bench_gil.$p.cpu.$r run_bench bench_gil "${once[@]}" \
        --benchmark_min_time="$min_time" "${gil[@]}" "${units[@]}" "${io_units[@]}" \
        --benchmark_filter="$gil_cpu_compared" || rc=1
    learn_pins
    [ $(((p + r) % 2)) -eq 1 ] || real_cpu "$p.cpu.$r" || rc=1
done
for py in "${pythons[@]}"; do
    real_gil "$py" "$py.$p" --filter '^(?!convoy/|cpu/|cpu_one_pu/)' || rc=1
done
for group in $groups; do
    name=${group#convoy/}
    name=${name//\//.}
    py=$(python_for "$(cut -d/ -f3 <<<"$group")")
    for r in $(seq "$convoy_repeats"); do
        if [ -n "$py" ] && [ $(((p + r) % 2)) -eq 0 ]; then
            real_gil "$py" "$py.$p.$name.$r" --filter "^$group/" || rc=1
        fi
        OUT=passes/bench_gil.$p.$name.$r run_bench bench_gil "${once[@]}" \
            --benchmark_min_time="$min_time" "${gil[@]}" "${units[@]}" "${io_units[@]}" \
            $(sized_like_real "$group" "$name" "$py") --benchmark_filter="^gil/$group/" || rc=1
        learn_pins
        if [ -n "$py" ] && [ $(((p + r) % 2)) -eq 1 ]; then
            real_gil "$py" "$py.$p.$name.$r" --filter "^$group/" || rc=1
        fi
    done
done
exit $rc
