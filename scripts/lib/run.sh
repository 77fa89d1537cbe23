# run.sh - running benchmarks into a run folder (sourced by bench.sh and
# cpython_passes.sh, which set `run` to the folder).

# Every step runs in its own process group (setsid), in the background while
# the script waits, so that a signal to the script is handled at once:
# bench.sh's handler stops the step's whole group (child is its leader).
child=""
run_child() {
    setsid "$@" &
    child=$!
    local rc=0
    wait "$child" || rc=$?
    child=""
    return $rc
}

# Run one benchmark executable; its JSON appears only once it is complete.
# OUT=name: write run/name.json (default: the executable's name).  A
# failure is named (bench.sh's step_failed, where there is one).
run_bench() {
    local name=$1 out=${OUT:-$1}
    shift
    rt_log "racetrack:   $name $*"
    run_child "$RT_BIN/$name" "$@" --benchmark_out="$run/$out.json.tmp" >"$run/$out.log" 2>&1 ||
        { rt_log "racetrack: $name failed; see $run/$out.log"; rm -f "$run/$out.json.tmp"; run_failed; return 1; }
    # A full disk can leave a truncated file behind a successful exit.
    jq -e .benchmarks "$run/$out.json.tmp" >/dev/null 2>&1 ||
        { rt_log "racetrack: $name wrote no valid JSON (is the disk full? $(df -h --output=avail "$run" 2>/dev/null | tail -1 | tr -d ' ') free)"
          rm -f "$run/$out.json.tmp"; run_failed; return 1; }
    mv "$run/$out.json.tmp" "$run/$out.json"
}
# A step's command failed: bench.sh names the step in INCOMPLETE.
run_failed() { ! declare -F step_failed >/dev/null || step_failed; }

# The PUs and cores this process may use (hwloc; nproc without it).
rt_run_pus() { hwloc-calc --restrict "$(hwloc-bind --get)" --number-of pu all 2>/dev/null || nproc; }
rt_run_cores() { hwloc-calc --restrict "$(hwloc-bind --get)" --number-of core all 2>/dev/null || rt_run_pus; }
