# The cost area's checks (tests/test_quick_area.sh cost).
area_checks() {
    local p
    for p in create_cost fork_size pingpong_rtt stream_throughput; do
        ok "$p.png drawn" test -s "$run/$p.png"
    done
    ok "every creation kind at 1 creator" test "$(awk -F'\t' 'NR > 1 && $2 == 1' "$run/create_ns.tsv" | wc -l)" -eq 8
    ok "fork against 256 MiB of parent memory (quick)" grep -qP '^fork_size/fork_only\t256\t3\t' "$run/fork_size.tsv"
    ok "every mechanism has its one-worker baseline" test "$(grep -c '/one-worker' "$run/pingpong_rtt_ns.tsv")" -eq 6
    ok "the summary says round trip" grep -q 'Ping-pong between two workers: ROUND TRIP' "$run/SUMMARY.md"
    ok "the summary has wake-up lateness" grep -q '^| signal/threads/idle |' "$run/SUMMARY.md"
}
