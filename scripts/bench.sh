#!/usr/bin/env bash
# bench.sh - the whole suite in one command: install missing dependencies,
# build, run every benchmark, convert, plot, summarise, report.  Each run
# gets a new folder results/<host>-<UTC time>/; results/latest points to the
# newest.  A run stopped by a signal or a failure keeps what finished, is
# marked INCOMPLETE, and leaves no process behind.
#
# usage: scripts/bench.sh [--quick] [--only AREAS] [--policy P] [--repetitions N]
#                         [--max-workers N] [--cpu-repeats N] [--convoy-repeats N]
#                         [--results DIR] [--help]
source "$(dirname "$0")/lib/common.sh"
source "$RT_ROOT/scripts/lib/environment.sh"

usage() {
    cat <<'USAGE'
usage: scripts/bench.sh [flags]
  --quick            a first look: short runs, 3 repetitions, waiting work to 16 workers
  --only AREAS       comma-separated: counter, shim, scaling, cost, gil (default all)
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
all_areas="counter shim scaling cost gil"
[ "$only" = all ] && only=${all_areas// /,}
declare -A selected=()
IFS=, read -ra wanted <<<"$only"
[ ${#wanted[@]} -gt 0 ] || rt_usage_error "--only: empty; valid: comma-separated areas of: ${all_areas// /, }"
for area in "${wanted[@]}"; do
    [[ " $all_areas " == *" $area "* ]] ||
        rt_usage_error "--only: '$area' is not an area; valid: comma-separated areas of: ${all_areas// /, }"
    selected[$area]=1
done
want() { [ -n "${selected[$1]:-}" ]; }
everything() { local a; for a in $all_areas; do want "$a" || return 1; done; }

# Profiles: min_time is per repetition, in seconds (1.7.1 takes a bare number).
# The full profile takes bench_scaling's own sizes but for the waiting
# workloads' strong totals; quick sweeps waiting work to 16 workers with
# smaller rounds.
# The waiting workloads' strong sweeps under the GILs cost 2 minutes in
# the full profile and show what their weak sweeps show; both profiles
# leave them out to stay within their time (bench_scaling alone runs them).
scaling_skip='scaling/(sleep|tcp|mixed)/strong/threads-(new|old)'
if [ $quick -eq 1 ]; then
    profile=quick min_time=0.02 trials=10 shim_reps=9 shim_min_time=0.02
    scaling=(--io-max-workers=16 --cpu-strong-items=128 --sleep-strong-items=128
             --tcp-strong-items=128 --mixed-strong-items=128 --sleep-weak-items=16
             --tcp-weak-items=16 --mixed-weak-items=16 --cpu-weak-items=64 --crossover-pcts=0,25,50,75,100
             --capacity-trials=3)
    # Touching 1 GiB of 4 KiB pages takes seconds on some VMs (a fault
    # costs ~13 us here): the full profile forks against 1 GiB, quick stops at 256 MiB.
    create=(--fork-sizes-mib=1,16,256)
    ipc=(--stream-sizes=8,512,32768,1048576 --stream-round-bytes=1048576 --stream-max-messages=16384
         --round-trips=500 --wake-samples=50)
    # The convoy's rounds beside CPU threads at 20 switch intervals, not 60:
    # a first look, 100 ms at 5 ms.
    gil=(--convoy-ms=100 --convoy-min-intervals=20 --convoy-intervals-us=500,5000 --intervals-us=50,5000)
    cpython=(--countdown 3000000 --convoy-ms 100 --convoy-min-intervals 20 --intervals-us 500,5000
             --sleep-max-workers 16 --mixed-pcts 0,25,50,75,100)
    : "${repetitions:=3}" "${cpu_repeats:=1}" "${convoy_repeats:=1}"
else
    profile=full min_time=0.1 trials=50 shim_reps=15 shim_min_time=0.1
    # Strong sweeps of waiting work at half bench_scaling's default total:
    # 1 worker's round is 1 s, not 2 (a minute of the 15), and at 64
    # workers a round is still 16 items of 1 ms each.
    scaling=(--sleep-strong-items=1024 --tcp-strong-items=1024 --mixed-strong-items=1024)
    create=()
    ipc=()
    gil=()
    : "${repetitions:=5}" "${cpu_repeats:=3}" "${convoy_repeats:=2}"
    cpython=()
fi

# Refused before anything is installed, built or run.
mkdir -p "$results" 2>/dev/null && [ -w "$results" ] ||
    rt_usage_error "--results: cannot write to '$results'; valid: a folder this user can create and write"

# ---- running, progress, stopping ---------------------------------------------------
# Every step runs in its own process group (setsid), in the background while
# this script waits, so that a signal to this script is handled at once: the
# step's whole group is stopped, its unfinished output removed, and the run
# left marked INCOMPLETE with what finished intact.  The traps are set
# before anything is installed or built, so a signal at any moment, even
# before the run folder exists, stops the whole run.
child="" run=""
run_child() {
    setsid "$@" &
    child=$!
    local rc=0
    wait "$child" || rc=$?
    child=""
    return $rc
}
on_signal() {
    local sig=$1
    trap - INT TERM HUP
    if [ -n "$child" ]; then
        kill -TERM -- "-$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
    fi
    if [ -n "$run" ]; then
        rm -f "$run"/*.tmp "$run"/*.tmp.* "$run"/passes/*.tmp 2>/dev/null || true
        rt_environment_json "$run" "$cmdline" "${load_before:-}" "${started:-}" "$profile" \
            "$repetitions" "$policy" "${python_versions:-none}" 2>/dev/null || true
        echo "stopped by SIG$sig at $(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$run/INCOMPLETE"
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

pus=$(hwloc-calc --restrict "$(hwloc-bind --get)" --number-of pu all 2>/dev/null || nproc)
cores=$(hwloc-calc --restrict "$(hwloc-bind --get)" --number-of core all 2>/dev/null || echo "$pus")
max_flag=()
[ "$max_workers" -gt 0 ] && max_flag=(--max-workers "$max_workers" --oversubscribe)

base=(--policy "$policy" --benchmark_enable_random_interleaving=true --benchmark_out_format=json)
common=("${base[@]}" --benchmark_repetitions="$repetitions")
once=("${base[@]}" --benchmark_repetitions=1)

# Progress: "[i/n] step, elapsed, about T left".  The estimate scales the
# last run's step times (same profile, from its steps.tsv) by how fast this
# run has gone so far; without one, it assumes the remaining steps take as
# long as the finished ones did on average.  Each step's time lands in
# steps.tsv for the next run.
declare -A last_secs=()
if [ -r "$results/latest/steps.tsv" ]; then
    while IFS=$'\t' read -r p name secs; do
        [ "$p" = "$profile" ] && last_secs[$name]=$secs
    done <"$results/latest/steps.tsv"
fi
steps=() step_i=0 step_t0=$SECONDS run_t0=$SECONDS
plan_step() { steps+=("$1"); }
fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
step() {   # NAME: the previous step is done, NAME starts
    local now=$SECONDS
    [ $step_i -gt 0 ] && printf '%s\t%s\t%d\n' "$profile" "${steps[$((step_i - 1))]}" \
        $((now - step_t0)) >>"$run/steps.tsv"
    step_t0=$now
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

# Run one benchmark executable; its JSON appears only once it is complete.
# OUT=name: write run/name.json (default: the executable's name).
run_bench() {
    local name=$1 out=${OUT:-$1}; shift
    rt_log "racetrack:   $name $*"
    run_child "$RT_BIN/$name" "$@" --benchmark_out="$run/$out.json.tmp" >"$run/$out.log" 2>&1 ||
        { rt_log "racetrack: $name failed; see $run/$out.log"; rm -f "$run/$out.json.tmp"; return 1; }
    # A full disk can leave a truncated file behind a successful exit.
    jq -e .benchmarks "$run/$out.json.tmp" >/dev/null 2>&1 ||
        { rt_log "racetrack: $name wrote no valid JSON (is the disk full? $(df -h --output=avail "$run" 2>/dev/null | tail -1 | tr -d ' ') free)"
          rm -f "$run/$out.json.tmp"; return 1; }
    mv "$run/$out.json.tmp" "$run/$out.json"
}

# Real CPython, when there is one: python3, and python2.7 (the old GIL).
# The emulated runs that have a real counterpart leave the main runs and
# run in passes of one repetition each, alternating with the real ones, so
# that both see the same minutes of this machine (the convoy's, the same
# seconds: see compare_passes).
pythons=()
command -v python3 >/dev/null && python3 -c pass 2>/dev/null && pythons+=(python3)
command -v python2.7 >/dev/null && python2.7 -c pass 2>/dev/null && pythons+=(python2.7)
python_versions=""
for py in "${pythons[@]}"; do
    python_versions+="${python_versions:+; }$py $("$py" -c 'import platform; print(platform.python_version())')"
done
scaling_compared='^(scaling/sleep/weak/threads-(new|old)|crossover/mixed)/'
# The emulator's unit of bytecode, measured on this machine just before each
# run that uses it: python3's countdown iteration for the new GIL (and for
# processes), python2.7's for the old one.  With no Python the built-in
# defaults stay; the runs' labels and contexts say which length they used.
# 2.7's ticks, which set how often the old GIL is released, are counts of
# its bytecode, not times: counted once (cpython_gil.py --print-ticks), a
# countdown iteration's become --ticks-per-unit.
units=() old_ticks_counted=0 old_ticks_per_unit="" old_io_ticks=""
count_old_ticks() {
    local ticks
    old_ticks_counted=1
    ticks=$(python2.7 "$RT_ROOT/scripts/cpython_gil.py" --print-ticks 2>>"$run/cpython_gil.log")
    if [[ $ticks =~ ^countdown=([0-9.]+),(.+)$ ]]; then
        old_ticks_per_unit=$(awk -v t="${BASH_REMATCH[1]}" 'BEGIN { printf "%d", t < 1 ? 1 : t + 0.5 }')
        old_io_ticks=${BASH_REMATCH[2]}
    else
        rt_log "racetrack: python2.7 could not count its ticks; see $run/cpython_gil.log"
    fi
}
measure_units() {
    local py ns
    units=()
    for py in "${pythons[@]}"; do
        ns=$("$py" "$RT_ROOT/scripts/cpython_gil.py" --print-unit-ns 2>>"$run/cpython_gil.log") ||
            { rt_log "racetrack: $py could not time its countdown; see $run/cpython_gil.log"; continue; }
        if [ "$py" != python2.7 ]; then
            units+=(--unit-ns="$ns")
            continue
        fi
        units+=(--old-unit-ns="$ns")
        [ $old_ticks_counted -eq 1 ] || count_old_ticks
        [ -z "$old_ticks_per_unit" ] || units+=(--ticks-per-unit="$old_ticks_per_unit")
    done
}
# The convoy's I/O loop, for bench_gil only, is sized the same way: the
# real loop's CPU time per operation alone, its thread's, not its wall time
# (--io-op-ns, --old-io-op-ns), and under
# 2.x polled as often as it ticks (--old-io-ticks-per-op, counted with the
# countdown's); the share of its bytecode between an operation's two calls
# is python3's opcode count (--io-gap-share, counted once: the loop's code
# does not change); the convoy labels' io_units_per_op, io_polls_per_op and
# io_gap_units say what they came to.
# And the lines of code and data the real loop touches per operation
# (--io-code-lines, --io-data-lines; --old-... from python2.7), counted by
# footprint.sh under valgrind into footprint.<python>.txt, once per run (an
# interpreter's code does not change).  --quick leaves them out: a minute
# or two per Python; its convoy labels then say io_code_lines=0.
io_units=() io_gap="" io_lines=() io_lines_counted=0
count_io_lines() {
    local py out old
    io_lines_counted=1
    if [ $quick -eq 1 ]; then
        rt_log "racetrack: --quick: the convoy loop's footprint is not counted (footprint.sh)"
        return 0
    fi
    for py in "${pythons[@]}"; do
        out=$run/footprint.$py.txt
        rt_log "racetrack:   footprint.sh $py (valgrind)"
        "$RT_ROOT/scripts/footprint.sh" "$py" >"$out" 2>>"$run/cpython_gil.log" ||
            { rt_log "racetrack: footprint.sh $py failed; see $run/cpython_gil.log"; rm -f "$out"; continue; }
        old=""
        [ "$py" != python2.7 ] || old=old-
        io_lines+=(--"${old}io-code-lines=$(sed -n 's/^code //p' "$out")"
                   --"${old}io-data-lines=$(sed -n 's/^data //p' "$out")")
    done
}
measure_io_ops() {
    local py ops
    [ $io_lines_counted -eq 1 ] || count_io_lines
    io_units=("${io_lines[@]}")
    if [ -z "$io_gap" ] && [[ " ${pythons[*]} " == *" python3 "* ]]; then
        io_gap=$(python3 "$RT_ROOT/scripts/cpython_gil.py" --print-io-gap-share 2>>"$run/cpython_gil.log") ||
            { rt_log "racetrack: python3 could not count its convoy loop's opcodes; see $run/cpython_gil.log"
              io_gap=none; }
    fi
    [ -z "$io_gap" ] || [ "$io_gap" = none ] || io_units+=(--io-gap-share="$io_gap")
    for py in "${pythons[@]}"; do
        ops=$("$py" "$RT_ROOT/scripts/cpython_gil.py" --print-io-op-ns 2>>"$run/cpython_gil.log") ||
            { rt_log "racetrack: $py could not time its convoy loop; see $run/cpython_gil.log"; continue; }
        if [ "$py" != python2.7 ]; then
            io_units+=(--io-op-ns="$ops")
        else
            io_units+=(--old-io-op-ns="$ops")
            [ -z "$old_io_ticks" ] || io_units+=(--old-io-ticks-per-op="$old_io_ticks")
        fi
    done
}
# The latency distribution plot's switch interval (in both profiles' lists).
RT_CDF_INTERVAL_US=5000
gil_cpu_compared='^gil/(cpu|cpu_one_pu)/(threads-new|threads-old|processes)/'
gil_convoy_compared='^gil/convoy/[a-z0-9]+/(threads-new|threads-old)/'
gil_compared="^(${gil_cpu_compared#^}|${gil_convoy_compared#^})"
gil_filter=() compare_scaling=0 scaling_excluded=$scaling_skip
if [ ${#pythons[@]} -gt 0 ] && want gil; then
    gil_filter=(--benchmark_filter="-$gil_compared")
    if want scaling; then
        scaling_excluded+="${scaling_excluded:+|}${scaling_compared#^}"
        compare_scaling=1
    fi
fi
scaling_filter=()
[ -n "$scaling_excluded" ] && scaling_filter=(--benchmark_filter="-^($scaling_excluded)")
cpython+=(--mixed-workers "$((2 * pus))")
[ $quick -eq 1 ] || cpython+=(--sleep-max-workers "$(( 4 * pus > 64 ? 4 * pus : 64 ))")

# One JSON from the main run and its passes (the rows of each repetition
# are what json2tsv reads; aggregates exist for the main run's only).  The
# context is the first file's, or with CONTEXT=last the last one's (a real
# CPython's passes: where a placement is learnt from a pass's emulated
# runs, the real runs before them ran without it).
merge_json() {
    local out=$1; shift
    local files=()
    for f in "$@"; do [ -r "$f" ] && files+=("$f"); done
    [ ${#files[@]} -gt 0 ] || return 1
    jq -s --arg from "${CONTEXT:-first}" \
        '{context: (if $from == "last" then .[-1] else .[0] end).context, benchmarks: [.[].benchmarks[]]}' \
        "${files[@]}" |
        rt_atomic_write "$out"
}

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
# the host runs far more than the emulator's arithmetic (in the run
# vm-20261204T204611Z read1 took 636 to 675 ns by --print-io-op-ns, and
# 807 to 1423 ns in its 30 compared rounds alone, while the emulated loop
# sized to the former took 508 to 717), and a slowdown is the loop's rate
# alone over its rate beside the CPU threads.  Odd passes start with real
# so that every emulated run has one; a group keeps the pass's
# --print-io-op-ns sizing until a real run of it has succeeded.
declare -A real_alone_json=()
sized_like_real() {   # GROUP: bench_gil's flag sizing GROUP's loop to its latest real run
    local json=${real_alone_json[$1]:-} op mode ns
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
real_group() {   # PY GROUP OUT: a real run of GROUP into passes/OUT.json, the one to size by
    real_gil "$1" "$3" --filter "^$2/" && real_alone_json[$2]=$run/passes/$3.json
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
real_gil() {   # PY OUT ARGS...: one pass of cpython_gil.py into passes/OUT.json
    local py=$1 out=$2; shift 2
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
pin=() convoy_pin=()
compare_passes() {
    local p py plan group groups r rc=0
    mkdir -p "$run/passes"
    groups=$(convoy_groups) || { rt_log "racetrack: bench_gil could not list its convoy runs"; return 1; }
    plan=$(label_plan "$run/bench_gil.json" '^gil/convoy/')
    [ -z "$plan" ] || convoy_pin=(--convoy-cpus "$plan")
    for p in $(seq "$repetitions"); do
        step "comparison pass $p: emulated and ${pythons[*]}, interleaved"
        if [ $compare_scaling -eq 1 ]; then
            measure_units
            OUT=passes/bench_scaling.$p run_bench bench_scaling "${once[@]}" \
                --benchmark_min_time="$min_time" "${scaling[@]}" "${units[@]}" --capacity-trials=1 \
                --benchmark_filter="$scaling_compared" || rc=1
        fi
        measure_units
        measure_io_ops
        # CPU-bound: emulated and real back to back, --cpu-repeats times, in
        # turn first (E R R E in odd passes: the first emulated run gives
        # the plan); the real workers go where the emulated ones went (the
        # plan in the label of bench_gil's 2-worker run; none under
        # --policy none).
        for r in $(seq "$cpu_repeats"); do
            [ $(((p + r) % 2)) -eq 0 ] || real_cpu "$p.cpu.$r" || rc=1
            OUT=passes/bench_gil.$p.cpu.$r run_bench bench_gil "${once[@]}" \
                --benchmark_min_time="$min_time" "${gil[@]}" "${units[@]}" "${io_units[@]}" \
                --benchmark_filter="$gil_cpu_compared" || rc=1
            if [ ${#pin[@]} -eq 0 ]; then
                plan=$(label_plan "$run/passes/bench_gil.$p.cpu.$r.json" '^gil/cpu/threads-new/workers:2/')
                [ -z "$plan" ] || pin=(--cpus "$plan")
            fi
            [ $(((p + r) % 2)) -eq 1 ] || real_cpu "$p.cpu.$r" || rc=1
        done
        for py in "${pythons[@]}"; do
            real_gil "$py" "$py.$p" --filter '^(?!convoy/|cpu/|cpu_one_pu/)' || rc=1
        done
        for group in $groups; do
            local name=${group#convoy/}
            name=${name//\//.}
            py=$(python_for "$(cut -d/ -f3 <<<"$group")")
            for r in $(seq "$convoy_repeats"); do
                if [ -n "$py" ] && [ $(((p + r) % 2)) -eq 0 ]; then
                    real_group "$py" "$group" "$py.$p.$name.$r" || rc=1
                fi
                OUT=passes/bench_gil.$p.$name.$r run_bench bench_gil "${once[@]}" \
                    --benchmark_min_time="$min_time" "${gil[@]}" "${units[@]}" "${io_units[@]}" \
                    $(sized_like_real "$group") --benchmark_filter="^gil/$group/" || rc=1
                if [ ${#convoy_pin[@]} -eq 0 ]; then
                    plan=$(label_plan "$run/passes/bench_gil.$p.$name.$r.json" "^gil/$group/")
                    [ -z "$plan" ] || convoy_pin=(--convoy-cpus "$plan")
                fi
                if [ -n "$py" ] && [ $(((p + r) % 2)) -eq 1 ]; then
                    real_group "$py" "$group" "$py.$p.$name.$r" || rc=1
                fi
            done
        done
    done
    if [ $compare_scaling -eq 1 ]; then
        merge_json "$run/bench_scaling.json" "$run/bench_scaling.json" "$run"/passes/bench_scaling.*.json || rc=1
    fi
    merge_json "$run/bench_gil.json" "$run/bench_gil.json" "$run"/passes/bench_gil.*.json || rc=1
    for py in "${pythons[@]}"; do
        local out=cpython
        [ "$py" = python2.7 ] && out=cpython2
        CONTEXT=last merge_json "$run/${out}_gil.json" "$run"/passes/"$py".*.json || rc=1
    done
    return $rc
}

want counter && plan_step bench_counter && plan_step counter_tutorial
want shim && plan_step bench_shim
want scaling && plan_step bench_scaling
want cost && plan_step bench_create && plan_step bench_ipc
if want gil; then
    plan_step bench_gil
    if [ ${#pythons[@]} -gt 0 ]; then
        for p in $(seq "$repetitions"); do plan_step "comparison pass $p: emulated and ${pythons[*]}, interleaved"; done
    fi
fi
plan_step "plots, summary and report"

status=0
if want counter; then
    step bench_counter
    run_bench bench_counter "${common[@]}" "${max_flag[@]}" --benchmark_min_time="$min_time" || status=1
    step counter_tutorial
    rt_log "racetrack:   bench_counter --tutorial: 2 threads x 1,000,000, $trials trials"
    run_child "$RT_BIN/bench_counter" --tutorial --policy "$policy" --trials "$trials" --variants all \
        --tutorial-out "$run/counter_tutorial.json" >"$run/counter_tutorial.txt" 2>&1 || status=1
fi
if want shim; then
    step bench_shim
    run_bench bench_shim --policy "$policy" --benchmark_repetitions="$shim_reps" \
        --benchmark_enable_random_interleaving=true --benchmark_out_format=json \
        --benchmark_min_time="$shim_min_time" --summary-out "$run/shim_summary.json" || status=1
fi
if want scaling; then
    step bench_scaling
    measure_units
    run_bench bench_scaling "${common[@]}" --benchmark_min_time="$min_time" "${scaling[@]}" \
        "${units[@]}" "${scaling_filter[@]}" --capacity-out "$run/scaling_capacity.json" || status=1
fi
if want cost; then
    step bench_create
    run_bench bench_create "${common[@]}" --benchmark_min_time="$min_time" "${create[@]}" || status=1
    # bench_ipc places its pairs itself (same PU, other core, ...): no --policy.
    step bench_ipc
    run_bench bench_ipc --benchmark_repetitions="$repetitions" --benchmark_enable_random_interleaving=true \
        --benchmark_out_format=json --benchmark_min_time="$min_time" "${ipc[@]}" || status=1
fi
if want gil; then
    step bench_gil
    measure_units
    measure_io_ops
    run_bench bench_gil "${common[@]}" --benchmark_min_time="$min_time" "${gil[@]}" "${units[@]}" \
        "${io_units[@]}" "${gil_filter[@]}" || status=1
    if [ ${#pythons[@]} -gt 0 ]; then
        compare_passes || status=1
    fi
    command -v python3 >/dev/null && python3 -c pass 2>/dev/null || {
        rt_log "racetrack: no python3: the comparison with real CPython is skipped"
        echo "skipped: no python3 on this machine" >"$run/cpython_gil.skipped"; }
    command -v python2.7 >/dev/null && python2.7 -c pass 2>/dev/null ||
        echo "skipped: no python2.7 on this machine" >"$run/cpython2_gil.skipped"
fi
step "plots, summary and report"

caption="$(hostname -s), $(date -u +%Y-%m-%d), $pus PUs / $cores cores, policy $policy; median of $repetitions repetitions, bars: quartiles"
plot_metric() {   # json metric match base title ylabel [plot.sh flags]; X=wait_pct for another x
    local json=$1 metric=$2 match=$3 base=$4 title=$5 ylabel=$6; shift 6
    [ -r "$run/$json" ] || return 0
    "$RT_ROOT/scripts/json2tsv.sh" --metric "$metric" --match "$match" --x "${X:-workers}" \
        "$run/$json" |
        rt_atomic_write "$run/$base.tsv"
    "$RT_ROOT/scripts/plot.sh" --tsv "$run/$base.tsv" --out "$run/$base" --title "$title" \
        --ylabel "$ylabel" --cores "$cores" --pus "$pus" --caption "$caption" "$@"
}
# "plain" is left out of the cost plots: -O2 folded its loop into one add,
# so its "cost per increment" is not a measurement (it is in the tables).
measured='counter/(racy|volatile|atomic|mutex|recursive|spinlock|ttas|sharded)'
plot_metric bench_counter.json ns_per_increment "$measured" \
    counter_ns_per_increment "counter += 1: cost per increment (wall time per worker)" \
    "ns per increment per worker (log)" --logy || status=1
plot_metric bench_counter.json lost_fraction 'counter/(racy|volatile|plain)' \
    counter_lost_fraction "counter += 1 without a lock: fraction of updates lost" \
    "lost updates / expected" || status=1
plot_metric bench_counter.json items_per_second "$measured" counter_throughput \
    "counter += 1: increments per second, all workers together" "increments per second (log)" \
    --logy || status=1

# Threads vs processes: throughput and speedup per workload, read against
# the parallel capacity measured before and after the sweeps.
if [ -r "$run/bench_scaling.json" ] && [ -r "$run/scaling_capacity.json" ]; then
    read -r cap_before cap_after < <(jq -r "$RT_JQ_DEFS"'[.before.capacity, .after.capacity]
        | map(f2) | "\(.[0]) \(.[1])"' "$run/scaling_capacity.json")
    cap_low=$(jq -r '[.before.capacity, .after.capacity] | min' "$run/scaling_capacity.json")
    scaling_caption="$caption; parallel capacity $cap_before before, $cap_after after"
    for w in cpu sleep tcp mixed; do
        caption=$scaling_caption plot_metric bench_scaling.json items_per_second "^scaling/$w/" \
            "scaling_${w}_throughput" "$w work: items per second; threads, processes, threads under a GIL" \
            "items per second, whole team (log)" --logy || status=1
        [ -r "$run/scaling_${w}_throughput.tsv" ] || continue
        # cpu runs measure their speedup against one worker alone beside them
        # (the waiting workloads have no reference rounds).
        paired=()
        if [ $w = cpu ]; then
            "$RT_ROOT/scripts/json2tsv.sh" --metric paired_speedup --match "^scaling/$w/" \
                "$run/bench_scaling.json" | rt_atomic_write "$run/scaling_${w}_paired.tsv"
            paired=(--paired "$run/scaling_${w}_paired.tsv")
        fi
        "$RT_ROOT/scripts/speedup.sh" --pus "$pus" --capacity "$cap_low" \
            --cpu '^scaling/cpu/[a-z]+/(threads|processes)$' "${paired[@]}" \
            "$run/scaling_${w}_throughput.tsv" | rt_atomic_write "$run/scaling_${w}_speedup.tsv"
        "$RT_ROOT/scripts/plot.sh" --tsv "$run/scaling_${w}_speedup.tsv" \
            --out "$run/scaling_${w}_speedup" --title "$w work: speedup over 1 worker of the same mode" \
            --ylabel "speedup (log2)" --logy2 --ideal --capacity "$cap_low" --cores "$cores" \
            --pus "$pus" --caption "$scaling_caption" || status=1
    done
    X=wait_pct caption=$scaling_caption plot_metric bench_scaling.json items_per_second \
        '^crossover/' scaling_crossover "mixed work as waiting grows: threads, processes, threads under a GIL" \
        "items per second, whole team" --linear-x --cores 0 --pus 0 \
        --xlabel "waiting share of each item w / (c + w), %" || status=1
    for m in harness_fraction cpus_busy workers_blocked; do
        "$RT_ROOT/scripts/json2tsv.sh" --metric "$m" --match '^scaling/' "$run/bench_scaling.json" |
            rt_atomic_write "$run/scaling_$m.tsv"
    done
fi

# What creation and communication cost.
if [ -r "$run/bench_create.json" ]; then
    "$RT_ROOT/scripts/json2tsv.sh" --metric real_time --match '^create/' "$run/bench_create.json" |
        rt_atomic_write "$run/create_ns.tsv"
    "$RT_ROOT/scripts/bars.sh" --tsv "$run/create_ns.tsv" --out "$run/create_cost" \
        --title "creating a thread or a process: time per creation (created, run, waited for)" \
        --ylabel "ns per creation (log)" --caption "$caption" --by-x "1,$pus" \
        --group-titles "1 creator: latency|$pus creators at once: time per creation" || status=1
    X=rss_mib caption="$caption" plot_metric bench_create.json real_time '^fork_size/' fork_size \
        "fork against the parent's touched memory (4 KiB pages)" "ns per fork (log)" --logy \
        --cores 0 --pus 0 --xlabel "parent's touched memory, MiB (log2)" || status=1
fi
if [ -r "$run/bench_ipc.json" ]; then
    "$RT_ROOT/scripts/json2tsv.sh" --metric rtt_ns --match '^pingpong/' "$run/bench_ipc.json" |
        rt_atomic_write "$run/pingpong_rtt_ns.tsv"
    "$RT_ROOT/scripts/bars.sh" --tsv "$run/pingpong_rtt_ns.tsv" --out "$run/pingpong_rtt" \
        --title "ping-pong between two workers: ROUND TRIP (one way is half)" \
        --ylabel "ns per round trip (log)" --caption "$caption" --category-field 2 || status=1
    X=bytes caption="$caption" plot_metric bench_ipc.json bytes_per_second '^stream/' stream_throughput \
        "one-way streaming throughput by message size" "bytes per second (log)" --logy \
        --cores 0 --pus 0 --binary-x --xlabel "message size, bytes (log2)" || status=1
    for m in late_median_us late_p99_us late_max_us; do
        "$RT_ROOT/scripts/json2tsv.sh" --metric "$m" --match '^wakeup/' "$run/bench_ipc.json" |
            rt_atomic_write "$run/wakeup_$m.tsv"
    done
fi
# The emulated GIL.
if [ -r "$run/bench_gil.json" ]; then
    tsv() { "$RT_ROOT/scripts/json2tsv.sh" "$@" "$run/bench_gil.json"; }
    tsv --metric items_per_second --match '^gil/cpu' | rt_atomic_write "$run/gil_cpu_throughput.tsv"
    tsv --metric paired_speedup --match '^gil/cpu' | rt_atomic_write "$run/gil_cpu_paired.tsv"
    # How far apart the team's PUs were for one worker alone (rounds.h).
    tsv --metric solo_spread --match '^gil/cpu/' | rt_atomic_write "$run/gil_cpu_solo_spread.tsv"
    "$RT_ROOT/scripts/speedup.sh" --pus "$pus" --capacity "${cap_low:-$pus}" \
        --cpu '/(processes|threads-none)$' --paired "$run/gil_cpu_paired.tsv" \
        "$run/gil_cpu_throughput.tsv" |
        rt_atomic_write "$run/gil_cpu_speedup.tsv"
    # Compared with real CPython, a mode's points have --cpu-repeats rounds a
    # pass: the caption counts them where they outnumber the repetitions.
    rounds=$(awk -F'\t' 'NR > 1 && $3 > n { n = $3 } END { print n + 0 }' "$run/gil_cpu_paired.tsv")
    cpu_caption=$caption
    [ "$rounds" -le "$repetitions" ] ||
        cpu_caption=${caption/"median of $repetitions repetitions"/"median of $repetitions repetitions (threads under a GIL and processes: $rounds rounds)"}
    "$RT_ROOT/scripts/plot.sh" --tsv "$run/gil_cpu_speedup.tsv" --out "$run/gil_cpu_speedup" \
        --title "CPU-bound work: threads under an emulated GIL, without one, and processes" \
        --ylabel "speedup over 1 worker (log2)" --logy2 --ideal --capacity "${cap_low:-0}" \
        --cores "$cores" --pus "$pus" --caption "$cpu_caption" || status=1
    tsv --metric gil_handoffs_per_s --match '^gil/cpu/' | rt_atomic_write "$run/gil_handoffs.tsv"
    "$RT_ROOT/scripts/bars.sh" --tsv "$run/gil_handoffs.tsv" --out "$run/gil_handoffs" \
        --title "GIL hand-offs per second, CPU-bound threads" --ylabel "hand-offs per second (log)" \
        --caption "$caption" --by-x "1,2,$((2 * pus))" \
        --group-titles "1 worker|2 workers|$((2 * pus)) workers" || status=1
    tsv --metric paired_speedup --x us --match '^gil/interval/' |
        rt_atomic_write "$run/gil_interval.tsv"
    tsv --metric io_ops_per_second --x cpu --match '^gil/convoy/' | rt_atomic_write "$run/gil_convoy_ops.tsv"
    "$RT_ROOT/scripts/slowdown.sh" "$run/bench_gil.json" | rt_atomic_write "$run/gil_convoy_slowdown.tsv"
    # The plot: the new GIL across intervals (old GIL and processes have one
    # interval each; they are in the summary's table).
    awk -F'\t' 'NR == 1 || $1 ~ /threads-new/' "$run/gil_convoy_slowdown.tsv" |
        rt_atomic_write "$run/gil_convoy_new.tsv"
    # Compared with real CPython, a convoy point has --convoy-repeats rounds a
    # pass: its caption counts the rounds of the points it draws, whose
    # slowdowns' geometric mean it is (slowdown.sh).
    rounds=$(awk -F'\t' 'NR > 1 && $3 > n { n = $3 } END { print n + 0 }' "$run/gil_convoy_new.tsv")
    convoy_caption=${caption/"median of $repetitions repetitions, bars: quartiles"/"geometric mean of $rounds rounds' slowdowns, bars: their quartiles"}
    "$RT_ROOT/scripts/plot.sh" --tsv "$run/gil_convoy_new.tsv" --out "$run/gil_convoy" --center geomean \
        --title "the convoy effect, new GIL: an always-ready I/O thread's slowdown beside CPU-bound threads" \
        --ylabel "I/O ops/s alone / ops/s beside them (log)" --logy --cores 0 --pus 0 \
        --xlabel "switch interval, us (log2)" --caption "$convoy_caption" || status=1
    for m in io_p50_us io_p99_us io_over_1ms_fraction; do
        tsv --metric "$m" --x cpu --match '^gil/convoy/' | rt_atomic_write "$run/gil_convoy_$m.tsv"
    done
    # Real CPython beside the emulation: CPU-bound, convoy, sleeping I/O,
    # mixed work (the emulated I/O and mixed runs are bench_scaling's).
    for cp in cpython cpython2; do
        [ -r "$run/${cp}_gil.json" ] || continue
        cp_tsv() { "$RT_ROOT/scripts/json2tsv.sh" "$@" "$run/${cp}_gil.json"; }
        cp_tsv --metric items_per_second --match "^$cp/cpu" | rt_atomic_write "$run/${cp}_cpu.tsv"
        cp_tsv --metric paired_speedup --match "^$cp/cpu" | rt_atomic_write "$run/${cp}_cpu_paired.tsv"
        cp_tsv --metric solo_spread --match "^$cp/cpu" | rt_atomic_write "$run/${cp}_cpu_solo_spread.tsv"
        "$RT_ROOT/scripts/speedup.sh" --pus "$pus" --capacity "${cap_low:-$pus}" --cpu '/processes$' \
            --paired "$run/${cp}_cpu_paired.tsv" "$run/${cp}_cpu.tsv" |
            rt_atomic_write "$run/${cp}_cpu_speedup.tsv"
        cp_tsv --metric io_ops_per_second --x cpu --match "^$cp/convoy/" |
            rt_atomic_write "$run/${cp}_convoy_ops.tsv"
        "$RT_ROOT/scripts/slowdown.sh" "$run/${cp}_gil.json" |
            rt_atomic_write "$run/${cp}_convoy_slowdown.tsv"
        cp_tsv --metric items_per_second --match "^$cp/sleep/" | rt_atomic_write "$run/${cp}_sleep.tsv"
        "$RT_ROOT/scripts/speedup.sh" --pus "$pus" --capacity "${cap_low:-$pus}" --cpu '^$' \
            "$run/${cp}_sleep.tsv" | rt_atomic_write "$run/${cp}_sleep_speedup.tsv"
        cp_tsv --metric items_per_second --x wait_pct --match "^$cp/mixed/" |
            rt_atomic_write "$run/${cp}_mixed.tsv"
    done
    if [ -r "$run/cpython_gil.json" ]; then
        version=$(jq -r .context.python "$run/cpython_gil.json")
        { cat "$run/gil_convoy_slowdown.tsv"; tail -n +2 "$run/cpython_convoy_slowdown.tsv"; } |
            awk -F'\t' 'NR == 1 || $1 ~ /threads-new/' | rt_atomic_write "$run/convoy_emulated_vs_real.tsv"
        "$RT_ROOT/scripts/plot.sh" --tsv "$run/convoy_emulated_vs_real.tsv" --out "$run/convoy_emulated_vs_real" --center geomean \
            --title "the convoy effect, new GIL: emulated and real CPython $version" \
            --ylabel "I/O ops/s alone / ops/s beside K CPU threads (log)" --logy --cores 0 --pus 0 \
            --xlabel "switch interval, us (log2)" --caption "$convoy_caption" || status=1
        # The I/O thread's latency, alone and beside one CPU thread.
        "$RT_ROOT/scripts/cdf.sh" --match "^(gil|cpython)/convoy/echo/threads-new/i$RT_CDF_INTERVAL_US\$" \
            "$run/bench_gil.json" "$run/cpython_gil.json" |
            awk -F'\t' 'NR == 1 || $1 ~ /beside-[01]cpu$/' | rt_atomic_write "$run/convoy_latency_cdf.tsv"
        "$RT_ROOT/scripts/plot.sh" --tsv "$run/convoy_latency_cdf.tsv" --out "$run/convoy_latency_cdf" \
            --title "echo round trips, new GIL, $RT_CDF_INTERVAL_US us interval: alone and beside a CPU thread" \
            --ylabel "fraction of operations faster" --cores 0 --pus 0 \
            --xlabel "I/O operation latency, us (log2)" \
            --caption "${caption/"median of $repetitions repetitions"/"median of $rounds rounds"}" || status=1
    fi
fi

rt_environment_json "$run" "$cmdline" "$load_before" "$started" "$profile" "$repetitions" "$policy" \
    "${python_versions:-none}"
ln -sfn "$(basename "$run")" "$results/latest"
# Every benchmark finished: the run is complete before the report reads the
# folder (it says INCOMPLETE when the mark is there); a failing report puts
# the mark back below.
[ $status -ne 0 ] || rm -f "$run/INCOMPLETE"
if [ $status -eq 0 ] && everything; then
    "$RT_ROOT/scripts/summary.sh" "$run" >/dev/null || status=1
fi
"$RT_ROOT/scripts/report.sh" "$run" >/dev/null || status=1
printf '%s\t%s\t%d\n' "$profile" "${steps[-1]}" $((SECONDS - step_t0)) >>"$run/steps.tsv"
if [ $status -eq 0 ]; then
    rt_log "racetrack: done: $run"
else
    echo "a step failed; see the run's logs" >"$run/INCOMPLETE"
    rt_log "racetrack: finished with errors; $run is marked INCOMPLETE"
fi
exit $status
