# scaling: claim 2, threads for waiting, processes for computing.
# bench_scaling runs the same C workloads (compute, sleep, loopback TCP,
# mixed) by a team of N threads, of N forked processes, and of N threads
# under an emulated GIL, from 1 worker to past the PUs, strong and weak,
# with the machine's parallel capacity measured before and after.

scaling_about="threads vs processes vs GIL threads: compute, sleep, TCP, mixed work (claim 2)"
scaling_files="bench_scaling.json bench_scaling.log scaling_capacity.json scaling_*.tsv"
# Valgrind memcheck (tests/test_valgrind.sh): one small run of each of
# its executables.
scaling_valgrind=(
    "bench_scaling --workloads=cpu,sleep,tcp,mixed --scalings=weak --cpu-max-workers=2 --io-max-workers=2 --cpu-steps=1000 --cpu-weak-items=2 --sleep-us=100 --sleep-weak-items=2 --tcp-delay-us=100 --tcp-weak-items=2 --mixed-item-us=100 --mixed-weak-items=2 --crossover-pcts=50 --crossover-items=2 --harness-rounds=1 --capacity-ms=1 --capacity-trials=1 --calibrate-ms=1 --benchmark_min_time=0.001"
)
# Profiles: the full profile takes bench_scaling's own sizes but for the
# waiting workloads' strong totals (1 worker's round is 1 s, not 2; at 64
# workers a round is still 16 items of 1 ms each); quick sweeps waiting
# work to 16 workers with smaller rounds.
scaling_quick=(--io-max-workers=16 --cpu-strong-items=128 --sleep-strong-items=128
               --tcp-strong-items=128 --mixed-strong-items=128 --sleep-weak-items=16
               --tcp-weak-items=16 --mixed-weak-items=16 --cpu-weak-items=64 --crossover-pcts=0,25,50,75,100
               --capacity-trials=3)
scaling_full=(--sleep-strong-items=1024 --tcp-strong-items=1024 --mixed-strong-items=1024)
# The waiting workloads' strong sweeps under the GILs cost 2 minutes in
# the full profile and show what their weak sweeps show; both profiles
# leave them out (bench_scaling alone runs them).
scaling_skip='scaling/(sleep|tcp|mixed)/strong/threads-(new|old)'
# The runs the gil area compares with real CPython: with a Python, they
# leave the main run and run in the comparison passes instead.
scaling_compared='^(scaling/sleep/weak/threads-(new|old)|crossover/mixed)/'

# One worker under a GIL against one without: the share either way outside
# which polling the GIL costs more than CPython's eval-breaker check does.
POLL_BOUND=0.1

scaling_plan() { plan_step bench_scaling; }

scaling_run() {
    local -n args=scaling_$profile
    local excluded=$scaling_skip
    [ "${compare_scaling:-0}" -eq 0 ] || excluded+="|${scaling_compared#^}"
    step bench_scaling
    measure_units
    run_bench bench_scaling "${common[@]}" --benchmark_min_time="$min_time" "${args[@]}" \
        "${units[@]}" --benchmark_filter="-^($excluded)" --capacity-out "$run/scaling_capacity.json"
}

# Throughput and speedup per workload, read against the parallel capacity
# measured before and after the sweeps.
scaling_derive() {
    [ -r "$run/bench_scaling.json" ] && [ -r "$run/scaling_capacity.json" ] || return 0
    local w m workloads paired
    workloads=$(jq -r '[.benchmarks[].run_name | select(startswith("scaling/")) | split("/")[1]] | unique | .[]' \
        "$run/bench_scaling.json")
    for w in $workloads; do
        caption=$scaling_caption plot_metric bench_scaling.json items_per_second "^scaling/$w/" \
            "scaling_${w}_throughput" "$w work: items per second; threads, processes, threads under a GIL" \
            "items per second, whole team (log)" --logy
        [ -r "$run/scaling_${w}_throughput.tsv" ] || continue
        # cpu runs measure their speedup against one worker alone beside them
        # (the waiting workloads have no reference rounds).
        paired=()
        if [ "$w" = cpu ]; then
            json_tsv "scaling_${w}_paired.tsv" bench_scaling.json --metric paired_speedup --match "^scaling/$w/"
            paired=(--paired "$run/scaling_${w}_paired.tsv")
        fi
        rt_write_from "$run/scaling_${w}_speedup.tsv" "$RT_ROOT/scripts/speedup.sh" --pus "$pus" \
            --capacity "$cap_low" --cpu '^scaling/cpu/[a-z]+/(threads|processes)$' "${paired[@]}" \
            "$run/scaling_${w}_throughput.tsv"
        "$RT_ROOT/scripts/plot.sh" --tsv "$run/scaling_${w}_speedup.tsv" \
            --out "$run/scaling_${w}_speedup" --title "$w work: speedup over 1 worker of the same mode" \
            --ylabel "speedup (log2)" --logy2 --ideal --capacity "$cap_low" --cores "$cores" \
            --pus "$pus" --caption "$scaling_caption"
    done
    X=wait_pct caption=$scaling_caption plot_metric bench_scaling.json items_per_second \
        '^crossover/' scaling_crossover "mixed work as waiting grows: threads, processes, threads under a GIL" \
        "items per second, whole team" --linear-x --cores 0 --pus 0 \
        --xlabel "waiting share of each item w / (c + w), %"
    for m in harness_fraction cpus_busy workers_blocked; do
        json_tsv "scaling_$m.tsv" bench_scaling.json --metric "$m" --match '^scaling/'
    done
}

# The workloads the run has TSVs of: the four the suite has always had in
# their order, then any other by name.
scaling_workloads() {
    local w f known=" cpu sleep tcp mixed "
    for w in $known; do [ ! -r "$run/scaling_${w}_throughput.tsv" ] || echo "$w"; done
    for f in "$run"/scaling_*_throughput.tsv; do
        w=${f##*/scaling_}
        w=${w%_throughput.tsv}
        [ ! -r "$f" ] || [[ $known == *" $w "* ]] || echo "$w"
    done
}

scaling_summary() {
    [ -r "$run/scaling_capacity.json" ] || return 0
    local pus reps
    pus=$(jq -r .pus "$run/scaling_capacity.json")
    reps=$(awk -F'\t' 'NR == 2 { print $3; exit }' "$run/scaling_cpu_throughput.tsv")
    echo
    jq -r "$RT_JQ_DEFS"'"**Threads vs processes** (`bench_scaling`, median of '"$reps"' repetitions). Parallel capacity (N threads of a compute kernel against 1): **\(.before.capacity | f2)** of \(.pus) PUs before the sweeps, **\(.after.capacity | f2)** after; read every speedup against it. CPU-bound speedups are each run'"'"'s own: its rate over one worker alone in reference rounds beside the timed ones, on each of the team'"'"'s PUs in turn (`paired_speedup`), which the VM'"'"'s swings of single-PU speed between runs do not bend."' \
        "$run/scaling_capacity.json"
    echo
    echo "| workload | scaling | items/s, 1 worker: threads / processes | speedup at $pus workers: threads / processes | speedup at the most workers (N): threads / processes | threads / processes at N | quartile ranges at N |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | --- |"
    for w in $(scaling_workloads); do
        for sc in strong weak; do
            awk -F'\t' -v w="$w" -v sc="$sc" -v pus="$pus" "$awk_lib"'
                FNR == 1 { file++; next }
                { split($1, p, "/"); if (p[2] != w || p[3] != sc) next; m = p[4] }
                file == 1 { tp[m, $2] = $6; q1[m, $2] = $7; q3[m, $2] = $8; if ($2 > most) most = $2 }
                file == 2 { sp[m, $2] = $6 }
                END {
                    if (!most) exit
                    printf "| %s | %s | %s / %s | %.2f / %.2f | %.2f / %.2f (%d) | %.2f | %s |\n", w, sc,
                        rate(tp["threads", 1]), rate(tp["processes", 1]), sp["threads", pus],
                        sp["processes", pus], sp["threads", most], sp["processes", most], most,
                        tp["processes", most] ? tp["threads", most] / tp["processes", most] : 0,
                        overlap(q1["threads", most], q3["threads", most],
                                q1["processes", most], q3["processes", most])
                }' "$run/scaling_${w}_throughput.tsv" "$run/scaling_${w}_speedup.tsv"
        done
    done
    echo
    echo "**The same workloads as Python threads under an emulated GIL** (the same sweeps; speedup over 1 worker of the same mode at the most workers N; last column: 1 GIL thread's throughput / 1 plain thread's, the cost of polling an uncontended GIL):"
    echo
    echo "| workload | scaling | N | threads | processes | threads, new GIL | threads, old GIL | 1 worker: new GIL / none |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    for w in $(scaling_workloads); do
        for sc in strong weak; do
            awk -F'\t' -v w="$w" -v sc="$sc" '
                FNR == 1 { file++; next }
                { split($1, p, "/"); if (p[2] != w || p[3] != sc) next; m = p[4] }
                file == 1 { tp[m, $2] = $6; if ($2 > most) most = $2 }
                file == 2 { sp[m, $2] = $6 }
                END {
                    if (!most || !(("threads-new", most) in sp)) exit
                    printf "| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.3f |\n", w, sc, most,
                        sp["threads", most], sp["processes", most], sp["threads-new", most],
                        sp["threads-old", most], tp["threads", 1] ? tp["threads-new", 1] / tp["threads", 1] : 0
                }' "$run/scaling_${w}_throughput.tsv" "$run/scaling_${w}_speedup.tsv"
        done
    done
    # A GIL worker alone polls a GIL no one else wants: it should do what a
    # plain worker does, as a CPython process pays its eval breaker's check
    # whether or not another thread waits.  A gap means the emulation's
    # polling costs more than that.  The cpu sweeps only: their items do
    # nothing else, where a waiting item's time moves with the VM's wake-ups
    # from one repetition to the next (the two are minutes apart: a flag).
    local costly
    costly=$(awk -F'\t' -v bound="$POLL_BOUND" '
        FNR == 1 { next }
        $2 == 1 { split($1, p, "/"); k = p[2] "/" p[3]; tp[k, p[4]] = $6; if (!seen[k]++) key[++n] = k }
        END { for (i = 1; i <= n; i++) for (m = 0; m < 2; m++) {
                  k = key[i]
                  g = m ? "threads-old" : "threads-new"
                  if (!((k, g) in tp) || !tp[k, "threads"]) continue
                  r = tp[k, g] / tp[k, "threads"]
                  if (r < 1 - bound || r > 1 + bound) printf "%s %s %.3f; ", k, g, r } }' \
        "$run/scaling_cpu_throughput.tsv")
    echo
    echo "One worker under a GIL against one without (\`cpu\`, new and old GIL), within $(pct "$POLL_BOUND") %: ${costly:-every one is.}"
    echo
    local flagged
    flagged=$(awk -F'\t' 'FNR > 1 && $13 != "-" && $13 != "ok" { printf "%s at %d workers: speedup %.2f, ideal %d (%s); ", $1, $2, $6, $12, $13 }' \
        "$run"/scaling_*_speedup.tsv)
    echo "CPU-bound speedup against min(N, PUs), within a factor 0.8: ${flagged:-every point tracks it.}"
    echo
    awk -F'\t' 'NR > 1 && $6 > worst { worst = $6; at = $1 " at " $2 " workers" }
        END { printf "Harness cost (an empty round, median of repetitions): at most %.2f %% of a round (%s).\n", 100 * worst, at }' \
        "$run/scaling_harness_fraction.tsv"
    echo
    echo "**Mixed work, $(jq -r '.context."sweep.crossover_workers"' "$run/bench_scaling.json" 2>/dev/null || true) workers, each item computes then waits** (items per second):"
    echo
    echo "| waiting share | threads | processes | threads, new GIL | threads, old GIL | threads / processes | new GIL / processes | quartile ranges, new GIL and processes |"
    echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    awk -F'\t' "$awk_lib"'
        NR > 1 { split($1, p, "/"); m = p[3]; v[m, $2] = $6; q1[m, $2] = $7; q3[m, $2] = $8
                 if (!seen[$2]++) order[++n] = $2 }
        function cell(m, x) { return (m, x) in v ? rate(v[m, x]) : "-" }
        function per(a, b, x) { return v[b, x] && ((a, x) in v) ? sprintf("%.3f", v[a, x] / v[b, x]) : "-" }
        END { for (i = 1; i <= n; i++) { x = order[i]
              printf "| %d %% | %s | %s | %s | %s | %s | %s | %s |\n", x, cell("threads", x),
                     cell("processes", x), cell("threads-new", x), cell("threads-old", x),
                     per("threads", "processes", x), per("threads-new", "processes", x),
                     ("threads-new", x) in v ? overlap(q1["threads-new", x], q3["threads-new", x],
                                                       q1["processes", x], q3["processes", x]) : "-" }
              # The crossover: the first share at which GIL threads are no
              # longer behind by more than 5 % (or the quartile ranges overlap).
              for (i = 1; i <= n; i++) { x = order[i]
                  if (!(("threads-new", x) in v)) continue
                  last = x; gap = v["processes", x] ? v["threads-new", x] / v["processes", x] : 0
                  if (gap >= 0.95 || overlap(q1["threads-new", x], q3["threads-new", x], q1["processes", x], q3["processes", x]) == "overlap") {
                      printf "\nThreads under the new GIL stop losing to processes at **%d %% waiting**: the first share where they are within 5 %% of them or the quartile ranges overlap.\n", x
                      found = 1; break } }
              if (last != "" && !found)
                  printf "\nThreads under the new GIL lose to processes by more than 5 %% at every waiting share measured, up to %d %%.\n", last }' \
        "$run/scaling_crossover.tsv"
    echo
    images scaling_cpu_speedup scaling_sleep_speedup scaling_tcp_speedup scaling_mixed_speedup scaling_crossover
}

scaling_report() {
    echo "## 2. Threads for waiting, processes for computing"
    echo
    if ! have scaling_cpu_speedup.tsv scaling_sleep_speedup.tsv scaling_capacity.json; then
        echo "Not measured in this run."; return
    fi
    local pus most_io c_t c_p s_t s_p cap
    pus=$(jq -r .pus "$run/scaling_capacity.json")
    cap=$(jq -r '[.before.capacity, .after.capacity] | min' "$run/scaling_capacity.json")
    most_io=$(awk -F'\t' 'NR > 1 && $2 > m { m = $2 } END { print m }' "$run/scaling_sleep_speedup.tsv")
    c_t=$(med "$run/scaling_cpu_speedup.tsv" scaling/cpu/strong/threads "$pus")
    c_p=$(med "$run/scaling_cpu_speedup.tsv" scaling/cpu/strong/processes "$pus")
    s_t=$(med "$run/scaling_sleep_speedup.tsv" scaling/sleep/weak/threads "$most_io")
    s_p=$(med "$run/scaling_sleep_speedup.tsv" scaling/sleep/weak/processes "$most_io")
    echo "**Verdict:** in C, computing work on $pus workers ran $(num %.2f "$c_t")x one worker's rate as threads" \
         "and $(num %.2f "$c_p")x as processes (parallel capacity measured at $(num %.2f "$cap") of $pus PUs)," \
         "and $most_io sleeping workers ran $(num %.1f "$s_t")x as threads and $(num %.1f "$s_p")x as processes:" \
         "without a GIL the kind of worker hardly matters; the machine's capacity and the kind of work do."
    row "CPU-bound speedup at $pus workers, threads / processes (C)" "$(num %.2f "$c_t") / $(num %.2f "$c_p")" "capacity $(num %.2f "$cap") of $pus PUs"
    row "sleeping speedup at $most_io workers, threads / processes" "$(num %.1f "$s_t") / $(num %.1f "$s_p")" "weak scaling"
    figure scaling_cpu_speedup "CPU-bound speedup"
    figure scaling_sleep_speedup "sleeping speedup"
    figure scaling_tcp_speedup "loopback TCP speedup"
    figure scaling_crossover "mixed work as waiting grows"
    reproduce scaling "\`build/bin/bench_scaling --workloads=cpu,sleep --benchmark_repetitions=5\`."
}
