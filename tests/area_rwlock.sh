# The rwlock area's checks (tests/test_quick_area.sh rwlock).
area_checks() {
    local pus
    pus=$(jq -r .run_pus "$run/environment.json")
    ok "every variant in the throughput TSV" \
        test "$(tail -n +2 "$run/rwlock_throughput.tsv" | cut -f1 | sort -u | tr '\n' ' ')" = \
        "rwlock/mutex-one-writer rwlock/mutex-readers rwlock/rwlock-one-writer rwlock/rwlock-readers "
    ok "readers swept from 1 to 2 x PUs ($((2 * pus)))" \
        test "$(awk -F'\t' '$1 == "rwlock/rwlock-readers" { print $2 }' "$run/rwlock_throughput.tsv" | sort -n | sed -n '1p;$p' | tr '\n' ' ')" = "1 $((2 * pus)) "
    ok "a writer only from 2 threads" \
        test "$(awk -F'\t' '$1 ~ /one-writer/ && $2 < 2' "$run/rwlock_throughput.tsv" | wc -l)" -eq 0
    jq_ok "no run saw a torn read (an error would have no torn_reads counter)" "$run/bench_rwlock.json" \
        '[.benchmarks[] | select(.run_type == "iteration") | .torn_reads == 0] | all and length > 0'
    ok "the summary's table" grep -q '^\*\*Reader-writer lock against a mutex\*\*' "$run/SUMMARY.md"
    ok "the report's verdict follows the quartile ranges" \
        grep -qE '^\*\*Verdict:\*\* with [0-9]+ threads that only read, .*\): (faster than the mutex|slower than the mutex|no measurable difference from the mutex), by the quartile' "$run/REPORT.md"
}
