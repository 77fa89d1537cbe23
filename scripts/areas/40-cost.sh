# cost: claim 3, threads are cheap to create and share memory; processes
# are expensive and need IPC.  bench_create times one creation (created,
# run, waited for) of each kind of thread and process, and fork against the
# parent's touched memory; bench_ipc times ping-pong round trips and
# one-way streams between two threads and two processes, pair by pair of
# PUs, and how late a woken worker runs.

cost_about="creating threads and processes, and talking between them (claim 3)"
cost_files="bench_create.json bench_create.log bench_ipc.json bench_ipc.log create_ns.tsv fork_size.tsv pingpong_rtt_ns.tsv stream_throughput.tsv wakeup_*.tsv"
# Valgrind memcheck (tests/test_valgrind.sh): one small run of each of
# its executables.
cost_valgrind=(
    "bench_create --benchmark_min_time=0.001 --max-creators=1 --fork-sizes-mib=1"
    "bench_ipc --benchmark_min_time=0.001 --round-trips=10 --stream-sizes=8 --wake-samples=3"
)
# Profiles: touching 1 GiB of 4 KiB pages takes seconds on some VMs (a
# fault costs ~13 us here): the full profile forks against 1 GiB, quick
# stops at 256 MiB; quick streams and round trips are shorter.
cost_create_quick=(--fork-sizes-mib=1,16,256)
cost_create_full=()
cost_ipc_quick=(--stream-sizes=8,512,32768,1048576 --stream-round-bytes=1048576 --stream-max-messages=16384
                --round-trips=500 --wake-samples=50)
cost_ipc_full=()

cost_plan() { plan_step bench_create; plan_step bench_ipc; }

cost_run() {
    local -n create=cost_create_$profile ipc=cost_ipc_$profile
    local rc=0
    step bench_create
    run_bench bench_create "${common[@]}" --benchmark_min_time="$min_time" "${create[@]}" || rc=1
    # bench_ipc places its pairs itself (same PU, other core, ...): no --policy.
    step bench_ipc
    run_bench bench_ipc --benchmark_repetitions="$repetitions" --benchmark_enable_random_interleaving=true \
        --benchmark_out_format=json --benchmark_min_time="$min_time" "${ipc[@]}" || rc=1
    return $rc
}

cost_derive() {
    local m
    if [ -r "$run/bench_create.json" ]; then
        json_tsv create_ns.tsv bench_create.json --metric real_time --match '^create/'
        "$RT_ROOT/scripts/bars.sh" --tsv "$run/create_ns.tsv" --out "$run/create_cost" \
            --title "creating a thread or a process: time per creation (created, run, waited for)" \
            --ylabel "ns per creation (log)" --caption "$caption" --by-x "1,$pus" \
            --group-titles "1 creator: latency|$pus creators at once: time per creation"
        X=rss_mib plot_metric bench_create.json real_time '^fork_size/' fork_size \
            "fork against the parent's touched memory (4 KiB pages)" "ns per fork (log)" --logy \
            --cores 0 --pus 0 --xlabel "parent's touched memory, MiB (log2)"
    fi
    if [ -r "$run/bench_ipc.json" ]; then
        json_tsv pingpong_rtt_ns.tsv bench_ipc.json --metric rtt_ns --match '^pingpong/'
        "$RT_ROOT/scripts/bars.sh" --tsv "$run/pingpong_rtt_ns.tsv" --out "$run/pingpong_rtt" \
            --title "ping-pong between two workers: ROUND TRIP (one way is half)" \
            --ylabel "ns per round trip (log)" --caption "$caption" --category-field 2
        X=bytes plot_metric bench_ipc.json bytes_per_second '^stream/' stream_throughput \
            "one-way streaming throughput by message size" "bytes per second (log)" --logy \
            --cores 0 --pus 0 --binary-x --xlabel "message size, bytes (log2)"
        for m in late_median_us late_p99_us late_max_us; do
            json_tsv "wakeup_$m.tsv" bench_ipc.json --metric "$m" --match '^wakeup/'
        done
    fi
}

cost_summary() {
    [ -r "$run/pingpong_rtt_ns.tsv" ] && [ -r "$run/create_ns.tsv" ] || return 0
    echo
    echo "**Creating a thread or a process** (\`bench_create\`; µs per creation, created, run and waited for; median of repetitions; columns: creators at once):"
    echo
    pivot "$run/create_ns.tsv" x 0.001 %.2f "kind \\ creators"
    echo
    echo "**fork against the parent's touched memory** (µs; fork_only times the parent's fork() call, fork_exit_wait the whole):"
    echo
    pivot "$run/fork_size.tsv" x 0.001 %.1f "MiB touched →"
    echo
    echo "**Ping-pong between two workers: ROUND TRIP** (\`bench_ipc\`, µs; one way is half; one-worker is the same posts and waits with no partner, the cost to subtract; columns: mode/pair placement):"
    echo
    pivot "$run/pingpong_rtt_ns.tsv" 2 0.001 %.2f "mechanism"
    echo
    echo "**One-way streaming throughput** (MB/s = 10^6 bytes/s; columns: message size in bytes):"
    echo
    pivot "$run/stream_throughput.tsv" x 0.000001 %.1f "stream/mode/pair"
    echo
    echo "**Wake-up lateness** (µs after the signal or the deadline; $(jq -r '.context."wakeup.timer_slack_ns" // "?"' "$run/bench_ipc.json") ns timer slack, the default; busy: a spinning thread on every PU):"
    echo
    echo "| wake-up/mode/load | median | p99 | max |"
    echo "| --- | ---: | ---: | ---: |"
    paste "$run/wakeup_late_median_us.tsv" "$run/wakeup_late_p99_us.tsv" "$run/wakeup_late_max_us.tsv" |
        awk -F'\t' 'NR > 1 { sub(/^wakeup\//, "", $1); printf "| %s | %.1f | %.1f | %.1f |\n", $1, $6, $16, $26 }'
    echo
    images create_cost fork_size pingpong_rtt stream_throughput
}

cost_report() {
    echo "## 3. Threads are cheap to create and share memory; processes are expensive and need IPC"
    echo
    if ! have create_ns.tsv pingpong_rtt_ns.tsv; then
        echo "Not measured in this run."; return
    fi
    local th fk sp pt pp pair
    th=$(med "$run/create_ns.tsv" create/thread/join 1)
    fk=$(med "$run/create_ns.tsv" create/process/fork 1)
    sp=$(med "$run/create_ns.tsv" create/process/posix_spawn 1)
    # The closest two cores the run has (a VM may give each core its own L3).
    for pair in other-core other-l3 other-package; do
        pt=$(med "$run/pingpong_rtt_ns.tsv" "pingpong/pipe/threads/$pair" 1)
        [ -z "$pt" ] || break
    done
    pp=$(med "$run/pingpong_rtt_ns.tsv" "pingpong/pipe/processes/$pair" 1)
    echo "**Verdict:** creating, running and joining a thread took $(num %.1f "$(calc 'a / 1000' "$th")") µs;" \
         "fork + exit + wait took $(num %.1f "$(calc 'a / 1000' "$fk")") µs ($(num %.1f "$(calc 'a / b' "$fk" "$th")")x)" \
         "and posix_spawn of a program $(num %.1f "$(calc 'a / 1000' "$sp")") µs; but a pipe round trip between" \
         "two threads on different cores ($pair) took $(num %.1f "$(calc 'a / 1000' "$pt")") µs and between two processes" \
         "$(num %.1f "$(calc 'a / 1000' "$pp")") µs: processes cost at creation, not in talking."
    row "create + join a thread / fork + exit + wait" "$(num %.1f "$(calc 'a / 1000' "$th")") / $(num %.1f "$(calc 'a / 1000' "$fk")") µs" "1 creator"
    row "pipe round trip, $pair: threads / processes" "$(num %.1f "$(calc 'a / 1000' "$pt")") / $(num %.1f "$(calc 'a / 1000' "$pp")") µs" "ping-pong"
    figure create_cost "creation cost"
    figure fork_size "fork against parent memory"
    figure pingpong_rtt "ping-pong round trips"
    figure stream_throughput "streaming throughput"
    reproduce cost "\`build/bin/bench_create\` and \`build/bin/bench_ipc --benchmark_filter=pingpong\`."
}
