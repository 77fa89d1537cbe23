# rwlock: do readers under a reader-writer lock read at once?  bench_rwlock
# lets T threads read a shared table under a pthread_rwlock and under a
# mutex, readers only and with one writer among them, from 1 worker to
# twice the PUs.

rwlock_about="a reader-writer lock against a mutex: readers only, and one writer"
rwlock_files="bench_rwlock.json bench_rwlock.log rwlock_*.tsv"
# Valgrind memcheck (tests/test_valgrind.sh): one small run of each of
# its executables.
rwlock_valgrind=("bench_rwlock --benchmark_min_time=0.001 --max-workers=2")

rwlock_plan() { plan_step bench_rwlock; }

rwlock_run() {
    step bench_rwlock
    run_bench bench_rwlock "${common[@]}" "${max_flag[@]}" --benchmark_min_time="$min_time"
}

rwlock_derive() {
    [ -r "$run/bench_rwlock.json" ] || return 0
    plot_metric bench_rwlock.json ns_per_op '^rwlock/' rwlock_ns_per_op \
        "reader-writer lock and mutex: wall time per locked read or write, per worker" \
        "ns per operation per worker (log)" --logy
    plot_metric bench_rwlock.json items_per_second '^rwlock/' rwlock_throughput \
        "reader-writer lock and mutex: operations per second, all workers together" \
        "operations per second (log)" --logy
}

rwlock_summary() {
    [ -r "$run/rwlock_throughput.tsv" ] || return 0
    echo
    echo "**Reader-writer lock against a mutex** (\`bench_rwlock\`; operations per second, all workers together, median of repetitions; columns: workers):"
    echo
    pivot "$run/rwlock_throughput.tsv" x 1 %.0f "lock-who"
    echo
    images rwlock_throughput rwlock_ns_per_op
}

# At the most workers: readers under the rwlock against readers under the
# mutex, "faster" or "slower" only where the two quartile ranges are apart.
rwlock_report() {
    echo "## A reader-writer lock lets readers read at once"
    echo
    if ! have rwlock_throughput.tsv; then
        echo "Not measured in this run."; return
    fi
    local tsv=$run/rwlock_throughput.tsv most verdict
    most=$(awk -F'\t' 'NR > 1 && $1 == "rwlock/rwlock-readers" && $2 > m { m = $2 } END { print m + 0 }' "$tsv")
    verdict=$(awk -F'\t' -v n="$most" '
        NR > 1 && $2 == n { m[$1] = $6; q1[$1] = $7; q3[$1] = $8 }
        END {
            r = "rwlock/rwlock-readers"; x = "rwlock/mutex-readers"
            if (!(r in m) || !(x in m) || m[x] <= 0) { print "n/a"; exit }
            word = q1[r] > q3[x] ? "faster than the mutex" : q3[r] < q1[x] ? "slower than the mutex" \
                 : "no measurable difference from the mutex"
            printf "%s\t%.0f\t%.0f\t%.2f\n", word, m[r], m[x], m[r] / m[x]
        }' "$tsv")
    IFS=$'\t' read -r word r x ratio <<<"$verdict"
    echo "**Verdict:** with $most threads that only read, the reader-writer lock ran" \
         "$(num %s "$r") operations per second against the mutex's $(num %s "$x")" \
         "($(num %s "$ratio")x): $word, by the quartile ranges of the repetitions."
    row "readers at $most threads: rwlock / mutex, operations per second" "$(num %s "$ratio")x" "$word"
    figure rwlock_throughput "reader-writer lock and mutex throughput"
    figure rwlock_ns_per_op "wall time per locked operation"
    reproduce rwlock "\`build/bin/bench_rwlock --benchmark_repetitions=5\`."
}
