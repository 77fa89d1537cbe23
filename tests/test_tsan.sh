#!/usr/bin/env bash
# Under ThreadSanitizer (built by scripts/sanitize.sh tsan): the lost-update
# demonstration, as a race detector sees it.  `volatile` and `plain` are
# data races (two threads read and write one int without synchronisation),
# and TSan must report them: that is the demonstration.  `racy` is a race
# condition without a data race (relaxed atomic load, then a separate
# relaxed store): it loses updates, yet TSan must stay silent, which is
# what a race detector cannot see.  Every locked, atomic and sharded
# variant must be clean, and so must the machinery's own unit tests (teams,
# pools, channels, the GIL, placement); in test_counter_variants the only
# race TSan may see is the volatile counter's, which it tests on purpose.
source "$(dirname "$0")/lib.sh"
# handle_segv=0: the team tests kill a worker with SIGSEGV on purpose.
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 report_signal_unsafe=0 handle_segv=0"
tutorial() {   # VARIANT
    "$RT_BIN/bench_counter" --tutorial --variants "$1" --trials 1 --increments 100000 \
        >"$T_TMP/out" 2>"$T_TMP/err"
}
for v in volatile plain; do
    tutorial "$v"
    rc=$?
    ok "$v: TSan fails the program (exit $rc)" test $rc -eq 66
    ok "$v: TSan reports a data race" grep -q "WARNING: ThreadSanitizer: data race" "$T_TMP/err"
done
tutorial racy
rc=$?
ok "racy: TSan stays silent (exit $rc)" test $rc -eq 0
ok "racy: no report" test "$(grep -c ThreadSanitizer "$T_TMP/err")" -eq 0
ok "racy: it ran (its lost updates are asserted natively, by test_counter_variants)" \
    grep -q "^racy .* expected 200,000" "$T_TMP/out"
for v in mutex recursive-mutex spinlock ttas atomic-relaxed atomic-seq-cst sharded-padded sharded-unpadded; do
    tutorial "$v"
    rc=$?
    ok "$v: clean under TSan (exit $rc$(grep -m1 -o 'WARNING: ThreadSanitizer: [a-z -]*' "$T_TMP/err" | sed 's/^/, /'))" \
        test $rc -eq 0 -a "$(grep -c ThreadSanitizer "$T_TMP/err")" -eq 0
done
for t in team pool ipc gil placement; do
    "$RT_BIN/test_$t" >"$T_TMP/out" 2>&1
    ok "test_$t: no data race, no TSan report of any kind" test "$(grep -c 'WARNING: ThreadSanitizer' "$T_TMP/out")" -eq 0
done
"$RT_BIN/test_counter_variants" >"$T_TMP/out" 2>&1
ok "test_counter_variants: TSan sees the volatile counter's race" grep -q "run_volatile" "$T_TMP/out"
ok "test_counter_variants: and no other" \
    test "$(grep -A2 'WARNING: ThreadSanitizer' "$T_TMP/out" | grep -E '^ +#0 ' | grep -vc run_volatile)" -eq 0
t_done
