#!/usr/bin/env bash
# JSON -> TSV on a fixture gives exactly the rows computed by hand
# (tests/fixtures/expected_*.tsv; the derivations are in the fixtures'
# README), leaving out aggregates and failed runs: counters, scaling,
# speedup, and the convoy latency distribution.
source "$(dirname "$0")/lib.sh"
f=$RT_SOURCE/tests/fixtures

"$RT_SOURCE/scripts/json2tsv.sh" --metric ns_per_increment "$f/counter.json" >"$T_TMP/out.tsv"
ok "json2tsv exits 0" test $? -eq 0
ok "rows equal the hand-computed ones" diff -u "$f/expected_counter.tsv" "$T_TMP/out.tsv"
"$RT_SOURCE/scripts/json2tsv.sh" --metric ns_per_increment --match 'mutex' "$f/counter.json" \
    >"$T_TMP/match.tsv"
ok "--match keeps one series" test "$(cut -f1 "$T_TMP/match.tsv" | sort -u | tr '\n' ' ')" = "counter/mutex series "

# bench_scaling's runs: workers from /workers:N, waiting share from
# /wait_pct:N; errors and aggregates left out; speedup verdicts.
"$RT_SOURCE/scripts/json2tsv.sh" --metric items_per_second --match '^scaling/' \
    "$f/scaling.json" >"$T_TMP/scaling.tsv"
ok "scaling rows equal the hand-computed ones" diff -u "$f/expected_scaling.tsv" "$T_TMP/scaling.tsv"
"$RT_SOURCE/scripts/json2tsv.sh" --metric items_per_second --x wait_pct --match '^crossover/' \
    "$f/scaling.json" >"$T_TMP/crossover.tsv"
ok "crossover rows, x = wait_pct" diff -u "$f/expected_crossover.tsv" "$T_TMP/crossover.tsv"
"$RT_SOURCE/scripts/speedup.sh" --pus 2 --capacity 1.8 "$T_TMP/scaling.tsv" >"$T_TMP/speedup.tsv"
ok "speedup, efficiency and verdicts (ok, HIGH, capacity, -)" \
    diff -u "$f/expected_speedup.tsv" "$T_TMP/speedup.tsv"
"$RT_SOURCE/scripts/speedup.sh" --pus 2 --capacity 2 "$T_TMP/scaling.tsv" >"$T_TMP/low.tsv"
ok "below ideal and the machine gave all its PUs: LOW" \
    test "$(awk -F'\t' '$1 ~ /threads/ && $2 == 4 { print $13 }' "$T_TMP/low.tsv")" = LOW
"$RT_SOURCE/scripts/speedup.sh" --pus 0 --capacity 1 "$T_TMP/scaling.tsv" >/dev/null 2>&1
ok "speedup.sh --pus 0: exit 2" test $? -eq 2
# --paired: where a run measured its own speedup against one worker beside
# it, that is the speedup (processes at 2: 1.9, where dividing by another
# moment's 1-worker point gives 3, HIGH); every other row is unchanged.
printf 'series\tworkers\tn\tmean\tstddev\tmedian\tq1\tq3\tmin\tmax\n%s\n' \
    "$(printf 'scaling/cpu/strong/processes\t2\t3\t1.9\t0.1\t1.9\t1.85\t1.95\t1.8\t2')" >"$T_TMP/paired.tsv"
"$RT_SOURCE/scripts/speedup.sh" --pus 2 --capacity 1.8 --paired "$T_TMP/paired.tsv" \
    "$T_TMP/scaling.tsv" >"$T_TMP/pspeedup.tsv"
ok "--paired: the measured speedup, its efficiency and verdict" \
    test "$(grep -P '^scaling/cpu/strong/processes\t2\t' "$T_TMP/pspeedup.tsv")" = \
    "$(printf 'scaling/cpu/strong/processes\t2\t3\t1.9\t0.1\t1.9\t1.85\t1.95\t1.8\t2\t0.95\t2\tok')"
ok "--paired: every other row as without it" \
    diff <(grep -vP '^scaling/cpu/strong/processes\t2\t' "$f/expected_speedup.tsv") \
         <(grep -vP '^scaling/cpu/strong/processes\t2\t' "$T_TMP/pspeedup.tsv")
"$RT_SOURCE/scripts/speedup.sh" --pus 2 --capacity 1 --paired "$T_TMP/none.tsv" "$T_TMP/scaling.tsv" \
    >/dev/null 2>"$T_TMP/err"
ok "--paired with no such file: exit 2 naming the flag" test $? -eq 2 -a "$(grep -c -- --paired "$T_TMP/err")" -eq 1

# The latency distribution of convoy runs (cdf.sh), from io_le_<E>ns counters.
"$RT_SOURCE/scripts/cdf.sh" --match '^gil/convoy/' "$f/convoy.json" >"$T_TMP/cdf.tsv"
ok "cdf rows equal the hand-computed ones" diff -u "$f/expected_cdf.tsv" "$T_TMP/cdf.tsv"
"$RT_SOURCE/scripts/cdf.sh" --match x "$f/nonexistent.json" >/dev/null 2>&1
ok "cdf.sh on a missing file: exit 2" test $? -eq 2
t_done
