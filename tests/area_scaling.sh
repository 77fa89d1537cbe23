# The scaling area's checks (tests/test_quick_area.sh scaling).
area_checks() {
    local w p
    jq_ok "capacity measured before and after" "$run/scaling_capacity.json" \
        '.before.capacity > 0 and .after.capacity > 0'
    for w in cpu sleep tcp mixed; do
        for p in "scaling_${w}_throughput" "scaling_${w}_speedup"; do
            ok "$p.tsv has rows" test "$(wc -l <"$run/$p.tsv")" -gt 1
            ok "$p.png drawn" test -s "$run/$p.png"
        done
        # cpu: one worker against itself alone, moments apart: about 1, within
        # a factor of 2 on a machine as busy as a CI run's.
        if [ $w = cpu ]; then
            ok "cpu speedup is about 1 at 1 worker" \
                test "$(awk -F'\t' '$2 == 1 && ($6 < 0.5 || $6 > 2)' "$run/scaling_cpu_speedup.tsv" | wc -l)" -eq 0
        else
            ok "$w speedup is 1 at 1 worker" test "$(awk -F'\t' '$2 == 1 && $6 != 1' "$run/scaling_${w}_speedup.tsv" | wc -l)" -eq 0
        fi
    done
    ok "waiting work swept to 16 workers" grep -qP '^scaling/sleep/weak/processes\t16\t3\t' "$run/scaling_sleep_throughput.tsv"
    ok "crossover plot" test -s "$run/scaling_crossover.svg"
    ok "summary has the threads vs processes section" grep -q '^\*\*Threads vs processes\*\*' "$run/SUMMARY.md"
    ok "summary lists the crossover" grep -q '^| 100 % |' "$run/SUMMARY.md"
    # Under the GILs: cpu strong and weak, the waiting workloads weak (their
    # strong sweeps under a GIL are left out of both profiles), new and old.
    ok "every workload also ran under the new and the old GIL" \
        test "$(cat "$run"/scaling_*_throughput.tsv | cut -f1 | grep -E '/threads-(new|old)$' | sort -u | tr '\n' ' ')" = \
        "scaling/cpu/strong/threads-new scaling/cpu/strong/threads-old scaling/cpu/weak/threads-new scaling/cpu/weak/threads-old scaling/mixed/weak/threads-new scaling/mixed/weak/threads-old scaling/sleep/weak/threads-new scaling/sleep/weak/threads-old scaling/tcp/weak/threads-new scaling/tcp/weak/threads-old "
    ok "summary has the GIL modes of the scaling runs" grep -q '^| sleep | weak | 16 |' "$run/SUMMARY.md"
    ok "summary compares one GIL worker with one plain worker" \
        grep -qE '^One worker under a GIL against one without \(`cpu`, new and old GIL\), within 10 %: ' "$run/SUMMARY.md"
    ok "summary says where GIL threads stop losing to processes" \
        grep -qE '^Threads under the new GIL (stop losing to processes at \*\*[0-9]+ % waiting|lose to processes by more than 5 % at every)' "$run/SUMMARY.md"
}
