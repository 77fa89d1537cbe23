# counter: claim 1, `counter += 1` loses updates; a lock fixes it, at a price.
# bench_counter sweeps every variant over the worker counts; its --tutorial
# mode is the tutorials' own program (2 threads x 1,000,000 increments),
# trial after trial, with the exact count of updates lost.

counter_about="the counter += 1 variants: cost per increment, updates lost (claim 1)"
counter_files="bench_counter.json bench_counter.log counter_tutorial.json counter_tutorial.txt counter_*.tsv"
# Valgrind memcheck (tests/test_valgrind.sh): one small run of each of
# its executables.
counter_valgrind=(
    "bench_counter --benchmark_filter=counter/(mutex|racy|sharded-padded)/ --benchmark_min_time=0.001 --max-workers=2"
    "bench_counter --tutorial --trials=1 --increments=1000 --variants=all"
)
# The tutorial's trials per variant, by profile.
declare -A counter_trials=([quick]=10 [full]=50)

counter_plan() { plan_step bench_counter; plan_step counter_tutorial; }

counter_run() {
    local rc=0 trials=${counter_trials[$profile]}
    step bench_counter
    run_bench bench_counter "${common[@]}" "${max_flag[@]}" --benchmark_min_time="$min_time" || rc=1
    step counter_tutorial
    rt_log "racetrack:   bench_counter --tutorial: 2 threads x 1,000,000, $trials trials"
    run_child "$RT_BIN/bench_counter" --tutorial --policy "$policy" --trials "$trials" --variants all \
        --tutorial-out "$run/counter_tutorial.json" >"$run/counter_tutorial.txt" 2>&1 ||
        { rt_log "racetrack: bench_counter --tutorial failed; see $run/counter_tutorial.txt"; rc=1; run_failed; }
    return $rc
}

counter_derive() {
    [ -r "$run/bench_counter.json" ] || return 0
    # Every variant but "plain" in the cost plots: -O2 folds its loop into
    # one add, so its "cost per increment" is not a measurement (it is in
    # the tables).  The lost-update plot: every variant the tutorial does
    # not hold to an exact total.
    local measured='^counter/(?!plain$)' lossy=""
    plot_metric bench_counter.json ns_per_increment "$measured" \
        counter_ns_per_increment "counter += 1: cost per increment (wall time per worker)" \
        "ns per increment per worker (log)" --logy
    [ ! -r "$run/counter_tutorial.json" ] ||
        lossy=$(jq -r '[.variants[] | select(.exact | not) | .variant] | join("|")' "$run/counter_tutorial.json")
    [ -z "$lossy" ] ||
        plot_metric bench_counter.json lost_fraction "^counter/($lossy)$" \
            counter_lost_fraction "counter += 1 without a lock: fraction of updates lost" \
            "lost updates / expected"
    plot_metric bench_counter.json items_per_second "$measured" counter_throughput \
        "counter += 1: increments per second, all workers together" "increments per second (log)" \
        --logy
}

counter_summary() {
    [ -r "$run/counter_tutorial.json" ] && [ -r "$run/counter_ns_per_increment.tsv" ] || {
        echo "counter += 1: not measured completely in this run."; return 0; }
    jq -r '"**counter += 1, \(.workers) threads x \(.increments) increments, \(.trials) trials per variant** (`bench_counter --tutorial`):\n\n| variant | expected | got (median) | lost min / median / max | trials that lost updates |\n| --- | ---: | ---: | ---: | ---: |",
           (.variants[] | "| \(.variant) | \(.expected) | \(.expected - .lost_median) | \(.lost_min) / \(.lost_median) / \(.lost_max) | \(.trials_with_loss) of \(.lost | length) |")' \
        "$run/counter_tutorial.json"
    echo
    local tsv=$run/counter_ns_per_increment.tsv lost=$run/counter_lost_fraction.tsv s l series
    echo "**Cost per increment** (wall time a worker spends per increment, ns; median of repetitions; \`bench_counter\`):"
    echo
    echo "| variant | 1 worker | 2 workers | 4 workers | lost at 2 workers |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    series=$(tail -n +2 "$tsv" | cut -f1 | awk '!seen[$0]++')
    for s in $series; do
        if [ -r "$lost" ] && grep -q "^$s	" "$lost"; then
            l=$(awk -F'\t' -v s="$s" 'NR > 1 && $1 == s && $2 == 2 { printf "%.1f %%", 100 * $6 }' "$lost")
        else
            l="0 (checked exact)"
        fi
        printf '| %s | %s | %s | %s | %s |\n' "${s#counter/}" "$(cell "$s" 1 "$tsv" %.2f)" \
            "$(cell "$s" 2 "$tsv" %.2f)" "$(cell "$s" 4 "$tsv" %.2f)" "$l"
    done
    echo
    images counter_ns_per_increment counter_lost_fraction
}

counter_report() {
    echo "## 1. \`counter += 1\` loses updates; a lock fixes it, at a price"
    echo
    if ! have counter_tutorial.json counter_ns_per_increment.tsv; then
        echo "Not measured in this run."; return
    fi
    local t lost pct racy mutex atomic locked_lost
    t=$run/counter_tutorial.json
    lost=$(jq -r '.variants[] | select(.variant == "racy") | .lost | sort | .[length / 2 | floor]' "$t")
    pct=$(jq -r '.variants[] | select(.variant == "racy") | (.lost | sort | .[length / 2 | floor]) / .expected * 100' "$t")
    racy=$(med "$run/counter_ns_per_increment.tsv" counter/racy 2)
    mutex=$(med "$run/counter_ns_per_increment.tsv" counter/mutex 2)
    atomic=$(med "$run/counter_ns_per_increment.tsv" counter/atomic-seq-cst 2)
    locked_lost=$(jq -r '[.variants[] | select(.variant == "mutex" or .variant == "atomic-seq-cst") | .lost | max] | max // empty' "$t")
    echo "**Verdict:** \`counter += 1\` lost $(num %.1f "$pct") % of updates with $(jq -r .workers "$t") threads" \
         "($lost of $(jq -r '.variants[] | select(.variant == "racy") | .expected' "$t"), median of $(jq -r .trials "$t") trials); a mutex cost" \
         "$(num %.1f "$(calc 'a - b' "$mutex" "$racy")") ns per increment more than the unlocked increment" \
         "($(num %.1f "$mutex") ns against $(num %.1f "$racy") ns per increment per worker, 2 workers), an atomic add" \
         "$(num %.1f "$(calc 'a - b' "$atomic" "$racy")") ns more, and with either $( [ "$locked_lost" = 0 ] && echo "no update was lost" || echo "**$locked_lost updates were still lost**")" \
         "in $(jq -r .trials "$t") trials."
    row "updates lost by \`counter += 1\`, $(jq -r .workers "$t") threads" "$(num %.1f "$pct") %" "median of $(jq -r .trials "$t") trials"
    row "a mutex's price per increment, 2 workers" "$(num %.1f "$(calc 'a - b' "$mutex" "$racy")") ns" "over the unlocked increment"
    figure counter_lost_fraction "fraction of updates lost"
    figure counter_ns_per_increment "cost per increment"
    reproduce counter "\`build/bin/bench_counter --tutorial --variants all --trials $(jq -r .trials "$t")\`."
}
