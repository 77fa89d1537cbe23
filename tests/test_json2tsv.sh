#!/usr/bin/env bash
# JSON -> TSV on a fixture gives exactly the rows computed by hand
# (tests/fixtures/expected_counter.tsv; the derivation is in the fixture's
# README), leaving out aggregates and failed runs.
source "$(dirname "$0")/lib.sh"
f=$RT_SOURCE/tests/fixtures

"$RT_SOURCE/scripts/json2tsv.sh" --metric ns_per_increment "$f/counter.json" >"$T_TMP/out.tsv"
ok "json2tsv exits 0" test $? -eq 0
ok "rows equal the hand-computed ones" diff -u "$f/expected_counter.tsv" "$T_TMP/out.tsv"
"$RT_SOURCE/scripts/json2tsv.sh" --metric ns_per_increment --match 'mutex' "$f/counter.json" \
    >"$T_TMP/match.tsv"
ok "--match keeps one series" test "$(cut -f1 "$T_TMP/match.tsv" | sort -u | tr '\n' ' ')" = "counter/mutex series "
t_done
