# The counter area's checks (tests/test_quick_area.sh counter).
area_checks() {
    local f p run2
    for f in bench_counter.json counter_tutorial.json counter_ns_per_increment.tsv counter_lost_fraction.tsv; do
        ok "$f exists and is not empty" test -s "$run/$f"
    done
    for p in counter_ns_per_increment counter_lost_fraction counter_throughput; do
        ok "$p.png drawn" test -s "$run/$p.png"
    done
    ok "lost-fraction TSV covers racy at 2 workers" grep -qP '^counter/racy\t2\t3\t' "$run/counter_lost_fraction.tsv"
    ok "the lost-fraction figure: the variants not held to an exact total, and only those" \
        test "$(tail -n +2 "$run/counter_lost_fraction.tsv" | cut -f1 | sort -u | tr '\n' ' ')" = \
        "$(jq -r '[.variants[] | select(.exact | not) | "counter/" + .variant] | sort | join(" ") + " "' "$run/counter_tutorial.json")"
    ok "the cost figure: every variant but plain" \
        test "$(tail -n +2 "$run/counter_ns_per_increment.tsv" | cut -f1 | sort -u | wc -l)" -eq \
        "$(jq '[.variants[] | select(.variant != "plain")] | length' "$run/counter_tutorial.json")"
    ok "REPORT.md has the headline table" grep -q '^| updates lost by `counter += 1`, 2 threads |' "$run/REPORT.md"
    ok "SUMMARY.md has the tutorial's table" grep -q '^\*\*counter += 1, 2 threads x 1000000 increments' "$run/SUMMARY.md"
    # A second run: a new folder, and progress estimated from the first.
    sleep 1
    "$RT_SOURCE/scripts/bench.sh" --quick --only counter --results "$res" >/dev/null 2>"$T_TMP/second.log"
    ok "a second run never reuses the folder" test "$(find "$res" -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq 2
    ok "progress: i of n with elapsed time" grep -qE '^racetrack: \[1/3\] bench_counter; 0m[0-9]{2}s elapsed' "$T_TMP/second.log"
    ok "progress: the estimate comes from the last quick run" grep -q 'left (scaled from the last quick run)' "$T_TMP/second.log"
    run2=$res/$(readlink "$res/latest")
    ok "the second run is complete, with its report" test ! -e "$run2/INCOMPLETE" -a -s "$run2/REPORT.md"
}
