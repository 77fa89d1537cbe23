#!/usr/bin/env bash
# bench.sh - the whole suite in one command: install missing dependencies,
# build, run every benchmark, convert, plot.  Each run gets a new folder
# results/<host>-<UTC time>/; results/latest points to the newest.
#
# usage: scripts/bench.sh [--quick] [--policy P] [--repetitions N]
#                         [--max-workers N] [--results DIR] [--help]
source "$(dirname "$0")/lib/common.sh"
source "$RT_ROOT/scripts/lib/environment.sh"

usage() {
    cat <<'USAGE'
usage: scripts/bench.sh [flags]
  --quick            a first look: short runs, 3 repetitions, waiting work to 16 workers
  --policy P         placement: none, compact, compact-smt, scatter (default compact)
  --repetitions N    repetitions per point, odd, 3..99 (default 5; quick 3)
  --max-workers N    bench_counter's largest worker count, 1..4096 (default 2 x PUs);
                     bench_scaling sweeps to 4 x PUs (cpu) and max(64, 4 x PUs) (waiting work)
  --results DIR      parent folder of run folders (default results/)
USAGE
}

quick=0 policy=compact repetitions="" max_workers=0 results="$RT_ROOT/results"
cmdline="$0 $*"
need() { [ $# -ge 2 ] || rt_usage_error "$1: missing value"; }
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1; shift ;;
    --policy) need "$@"; policy=$2; shift 2 ;;
    --repetitions) need "$@"; repetitions=$2; shift 2 ;;
    --max-workers) need "$@"; max_workers=$2; shift 2 ;;
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

# Profiles: min_time is per repetition, in seconds (1.7.1 takes a bare number).
# bench_scaling's sizes are its own defaults in the full profile (sized so
# the harness costs under 1 % of a round); quick sweeps waiting work to 16
# workers with smaller rounds.
if [ $quick -eq 1 ]; then
    profile=quick min_time=0.02 trials=10 shim_reps=9 shim_min_time=0.02
    scaling=(--io-max-workers=16 --cpu-strong-items=128 --sleep-strong-items=128
             --tcp-strong-items=128 --mixed-strong-items=128 --crossover-pcts=0,25,50,75,100
             --capacity-trials=3)
    ipc=(--stream-sizes=8,512,32768,1048576 --round-trips=500 --wake-samples=50)
    gil=(--convoy-ms=100 --convoy-intervals-us=500,5000 --intervals-us=50,5000)
    cpython=(--countdown 3000000 --convoy-ms 100 --intervals-us 500,5000 --sleep-max-workers 16
             --mixed-pcts 0,25,50,75,100)
    : "${repetitions:=3}"
else
    profile=full min_time=0.1 trials=100 shim_reps=15 shim_min_time=0.1
    scaling=()
    ipc=()
    gil=()
    : "${repetitions:=5}"
    cpython=()
fi

"$RT_ROOT/scripts/deps.sh"
"$RT_ROOT/scripts/build.sh"

mkdir -p "$results" 2>/dev/null && [ -w "$results" ] ||
    rt_usage_error "--results: cannot write to '$results'"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
run="$results/$(hostname -s)-$stamp"
mkdir "$run" 2>/dev/null || rt_usage_error "run folder '$run' already exists; never reused"
touch "$run/INCOMPLETE"
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

# Run one benchmark executable; its JSON appears only once it is complete.
# OUT=name: write run/name.json (default: the executable's name).
run_bench() {
    local name=$1 out=${OUT:-$1}; shift
    rt_log "racetrack: [$out] $*"
    "$RT_BIN/$name" "$@" --benchmark_out="$run/$out.json.tmp" >"$run/$out.log" 2>&1 ||
        { rt_log "racetrack: $name failed; see $run/$out.log"; return 1; }
    mv "$run/$out.json.tmp" "$run/$out.json"
}

# Real CPython, when there is one: python3, and python2.7 (the old GIL).
# The emulated runs that have a real counterpart leave the main runs and
# run in passes of one repetition each, alternating with the real ones, so
# that both see the same minutes of this machine.
pythons=()
command -v python3 >/dev/null && python3 -c pass 2>/dev/null && pythons+=(python3)
command -v python2.7 >/dev/null && python2.7 -c pass 2>/dev/null && pythons+=(python2.7)
scaling_compared='^(scaling/sleep/weak/threads-(new|old)|crossover/mixed)/'
# The latency distribution plot's switch interval (in both profiles' lists).
RT_CDF_INTERVAL_US=5000
gil_compared='^gil/(cpu/(threads-new|threads-old|processes)|convoy/[a-z0-9]+/(threads-new|threads-old))/'
scaling_filter=() gil_filter=()
if [ ${#pythons[@]} -gt 0 ]; then
    scaling_filter=(--benchmark_filter="-$scaling_compared")
    gil_filter=(--benchmark_filter="-$gil_compared")
fi
cpython+=(--mixed-workers "$((2 * pus))")
[ $quick -eq 1 ] || cpython+=(--sleep-max-workers "$(( 4 * pus > 64 ? 4 * pus : 64 ))")

# One JSON from the main run and its passes (the rows of each repetition
# are what json2tsv reads; aggregates exist for the main run's only).
merge_json() {
    local out=$1; shift
    local files=()
    for f in "$@"; do [ -r "$f" ] && files+=("$f"); done
    [ ${#files[@]} -gt 0 ] || return 1
    jq -s '{context: .[0].context, benchmarks: [.[].benchmarks[]]}' "${files[@]}" |
        rt_atomic_write "$out"
}

compare_passes() {
    local p py rc=0
    mkdir -p "$run/passes"
    for p in $(seq "$repetitions"); do
        rt_log "racetrack: comparison pass $p of $repetitions: emulated, then ${pythons[*]}"
        OUT=passes/bench_scaling.$p run_bench bench_scaling "${once[@]}" \
            --benchmark_min_time="$min_time" "${scaling[@]}" --capacity-trials=1 \
            --benchmark_filter="$scaling_compared" || rc=1
        OUT=passes/bench_gil.$p run_bench bench_gil "${once[@]}" \
            --benchmark_min_time="$min_time" "${gil[@]}" --benchmark_filter="$gil_compared" || rc=1
        for py in "${pythons[@]}"; do
            "$py" "$RT_ROOT/scripts/cpython_gil.py" --repetitions 1 "${cpython[@]}" \
                --out "$run/passes/$py.$p.json" >>"$run/cpython_gil.log" 2>&1 ||
                { rt_log "racetrack: $py cpython_gil.py failed; see $run/cpython_gil.log"; rc=1; }
        done
    done
    merge_json "$run/bench_scaling.json" "$run/bench_scaling.json" "$run"/passes/bench_scaling.*.json || rc=1
    merge_json "$run/bench_gil.json" "$run/bench_gil.json" "$run"/passes/bench_gil.*.json || rc=1
    for py in "${pythons[@]}"; do
        local out=cpython
        [ "$py" = python2.7 ] && out=cpython2
        merge_json "$run/${out}_gil.json" "$run"/passes/"$py".*.json || rc=1
    done
    return $rc
}

status=0
run_bench bench_counter "${common[@]}" "${max_flag[@]}" --benchmark_min_time="$min_time" || status=1
rt_log "racetrack: [bench_counter --tutorial] 2 threads x 1,000,000, $trials trials"
"$RT_BIN/bench_counter" --tutorial --policy "$policy" --trials "$trials" --variants all \
    --tutorial-out "$run/counter_tutorial.json" >"$run/counter_tutorial.txt" 2>&1 || status=1
run_bench bench_shim --policy "$policy" --benchmark_repetitions="$shim_reps" \
    --benchmark_enable_random_interleaving=true --benchmark_out_format=json \
    --benchmark_min_time="$shim_min_time" --summary-out "$run/shim_summary.json" || status=1

run_bench bench_scaling "${common[@]}" --benchmark_min_time="$min_time" "${scaling[@]}" \
    "${scaling_filter[@]}" --capacity-out "$run/scaling_capacity.json" || status=1

run_bench bench_create "${common[@]}" --benchmark_min_time="$min_time" || status=1
# bench_ipc places its pairs itself (same PU, other core, ...): no --policy.
run_bench bench_ipc --benchmark_repetitions="$repetitions" --benchmark_enable_random_interleaving=true \
    --benchmark_out_format=json --benchmark_min_time="$min_time" "${ipc[@]}" || status=1
run_bench bench_gil "${common[@]}" --benchmark_min_time="$min_time" "${gil[@]}" \
    "${gil_filter[@]}" || status=1
if [ ${#pythons[@]} -gt 0 ]; then
    compare_passes || status=1
else
    rt_log "racetrack: no python3: the comparison with real CPython is skipped"
    echo "skipped: no python3 on this machine" >"$run/cpython_gil.skipped"
fi
command -v python2.7 >/dev/null && python2.7 -c pass 2>/dev/null ||
    echo "skipped: no python2.7 on this machine" >"$run/cpython2_gil.skipped"

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
    read -r cap_before cap_after < <(jq -r '[.before.capacity, .after.capacity]
        | map(. * 100 | round / 100) | "\(.[0]) \(.[1])"' "$run/scaling_capacity.json")
    cap_low=$(jq -r '[.before.capacity, .after.capacity] | min' "$run/scaling_capacity.json")
    scaling_caption="$caption; parallel capacity $cap_before before, $cap_after after"
    for w in cpu sleep tcp mixed; do
        caption=$scaling_caption plot_metric bench_scaling.json items_per_second "^scaling/$w/" \
            "scaling_${w}_throughput" "$w work: items per second; threads, processes, threads under a GIL" \
            "items per second, whole team (log)" --logy || status=1
        [ -r "$run/scaling_${w}_throughput.tsv" ] || continue
        "$RT_ROOT/scripts/speedup.sh" --pus "$pus" --capacity "$cap_low" \
            --cpu '^scaling/cpu/[a-z]+/(threads|processes)$' \
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
    for m in harness_fraction cpus_busy; do
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
    "$RT_ROOT/scripts/speedup.sh" --pus "$pus" --capacity "${cap_low:-$pus}" \
        --cpu '/(processes|threads-none)$' "$run/gil_cpu_throughput.tsv" |
        rt_atomic_write "$run/gil_cpu_speedup.tsv"
    "$RT_ROOT/scripts/plot.sh" --tsv "$run/gil_cpu_speedup.tsv" --out "$run/gil_cpu_speedup" \
        --title "CPU-bound work: threads under an emulated GIL, without one, and processes" \
        --ylabel "speedup over 1 worker (log2)" --logy2 --ideal --capacity "${cap_low:-0}" \
        --cores "$cores" --pus "$pus" --caption "$caption" || status=1
    tsv --metric gil_handoffs_per_s --match '^gil/cpu/' | rt_atomic_write "$run/gil_handoffs.tsv"
    "$RT_ROOT/scripts/bars.sh" --tsv "$run/gil_handoffs.tsv" --out "$run/gil_handoffs" \
        --title "GIL hand-offs per second, CPU-bound threads" --ylabel "hand-offs per second (log)" \
        --caption "$caption" --by-x "1,2,$((2 * pus))" \
        --group-titles "1 worker|2 workers|$((2 * pus)) workers" || status=1
    tsv --metric items_per_second --x us --match '^gil/interval/' |
        rt_atomic_write "$run/gil_interval.tsv"
    tsv --metric io_ops_per_second --x cpu --match '^gil/convoy/' | rt_atomic_write "$run/gil_convoy_ops.tsv"
    "$RT_ROOT/scripts/slowdown.sh" "$run/gil_convoy_ops.tsv" | rt_atomic_write "$run/gil_convoy_slowdown.tsv"
    # The plot: the new GIL across intervals (old GIL and processes have one
    # interval each; they are in the summary's table).
    awk -F'\t' 'NR == 1 || $1 ~ /threads-new/' "$run/gil_convoy_slowdown.tsv" |
        rt_atomic_write "$run/gil_convoy_new.tsv"
    "$RT_ROOT/scripts/plot.sh" --tsv "$run/gil_convoy_new.tsv" --out "$run/gil_convoy" \
        --title "the convoy effect, new GIL: an always-ready I/O thread's slowdown beside CPU-bound threads" \
        --ylabel "I/O ops/s alone / ops/s beside them (log)" --logy --cores 0 --pus 0 \
        --xlabel "switch interval, us (log2)" --caption "$caption" || status=1
    for m in io_p50_us io_p99_us io_over_1ms_fraction; do
        tsv --metric "$m" --x cpu --match '^gil/convoy/' | rt_atomic_write "$run/gil_convoy_$m.tsv"
    done
    # Real CPython beside the emulation: CPU-bound, convoy, sleeping I/O,
    # mixed work (the emulated I/O and mixed runs are bench_scaling's).
    for cp in cpython cpython2; do
        [ -r "$run/${cp}_gil.json" ] || continue
        cp_tsv() { "$RT_ROOT/scripts/json2tsv.sh" "$@" "$run/${cp}_gil.json"; }
        cp_tsv --metric items_per_second --match "^$cp/cpu/" | rt_atomic_write "$run/${cp}_cpu.tsv"
        "$RT_ROOT/scripts/speedup.sh" --pus "$pus" --capacity "${cap_low:-$pus}" --cpu '/processes$' \
            "$run/${cp}_cpu.tsv" | rt_atomic_write "$run/${cp}_cpu_speedup.tsv"
        cp_tsv --metric io_ops_per_second --x cpu --match "^$cp/convoy/" |
            rt_atomic_write "$run/${cp}_convoy_ops.tsv"
        "$RT_ROOT/scripts/slowdown.sh" "$run/${cp}_convoy_ops.tsv" |
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
        "$RT_ROOT/scripts/plot.sh" --tsv "$run/convoy_emulated_vs_real.tsv" --out "$run/convoy_emulated_vs_real" \
            --title "the convoy effect, new GIL: emulated and real CPython $version" \
            --ylabel "I/O ops/s alone / ops/s beside K CPU threads (log)" --logy --cores 0 --pus 0 \
            --xlabel "switch interval, us (log2)" --caption "$caption" || status=1
        # The I/O thread's latency, alone and beside one CPU thread.
        "$RT_ROOT/scripts/cdf.sh" --match "^(gil|cpython)/convoy/echo/threads-new/i$RT_CDF_INTERVAL_US\$" \
            "$run/bench_gil.json" "$run/cpython_gil.json" |
            awk -F'\t' 'NR == 1 || $1 ~ /beside-[01]cpu$/' | rt_atomic_write "$run/convoy_latency_cdf.tsv"
        "$RT_ROOT/scripts/plot.sh" --tsv "$run/convoy_latency_cdf.tsv" --out "$run/convoy_latency_cdf" \
            --title "echo round trips, new GIL, $RT_CDF_INTERVAL_US us interval: alone and beside a CPU thread" \
            --ylabel "fraction of operations faster" --cores 0 --pus 0 \
            --xlabel "I/O operation latency, us (log2)" --caption "$caption" || status=1
    fi
fi

python_versions=""
for py in "${pythons[@]}"; do
    python_versions+="${python_versions:+; }$py $("$py" -c 'import platform; print(platform.python_version())')"
done
rt_environment_json "$run" "$cmdline" "$load_before" "$started" "$profile" "$repetitions" "$policy" \
    "${python_versions:-none}"
ln -sfn "$(basename "$run")" "$results/latest"
if [ $status -eq 0 ]; then
    "$RT_ROOT/scripts/summary.sh" "$run" >/dev/null || status=1
fi
if [ $status -eq 0 ]; then
    rm -f "$run/INCOMPLETE"
    rt_log "racetrack: done: $run"
else
    rt_log "racetrack: finished with errors; $run is marked INCOMPLETE"
fi
exit $status
