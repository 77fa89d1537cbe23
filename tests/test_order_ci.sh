#!/usr/bin/env bash
# scripts/lib/order_ci.awk, how surely one side's rounds rank two convoy
# cells (summary.sh's order, counted only where real CPython's rounds
# rank): on rounds made up here, cells far apart ranked in every
# resample, cells of the same rounds in no particular order, exact ties
# counted half, the side and the labels chosen, the same answer wherever
# a pair sits in the input.
source "$(dirname "$0")/lib.sh"
order() { awk -f "$RT_SOURCE/scripts/lib/bootstrap.awk" -f "$RT_SOURCE/scripts/lib/order_ci.awk" "$@"; }
# Ten rounds a cell, alone and beside rates swinging 20x together, as a
# convoy's do with the machine.  "low": slowdown 3.5-4.5 in every round,
# "high": 7-9; "twin": low's rounds in reverse order (the same values, so
# no order); "copy": low's rounds as they are (every resample a tie);
# "short": 9 of high's rounds; "cpu": a CPU-bound row, not a convoy cell.
# Emulated (e) rounds: low's slowdown 10 in every round, above high's.
awk 'BEGIN { srand(11); OFS = "\t"
    for (i = 1; i <= 10; i++) {
        a[i] = 1000 * exp(3 * rand()); lo[i] = 3.5 + rand(); hi[i] = 7 + 2 * rand()
    }
    for (i = 1; i <= 10; i++) {
        print "convoy low", "r", i, a[i], a[i] / lo[i], "geomean"
        print "convoy high", "r", i, a[i], a[i] / hi[i], "geomean"
        print "convoy twin", "r", i, a[11 - i], a[11 - i] / lo[11 - i], "geomean"
        print "convoy copy", "r", i, a[i], a[i] / lo[i], "geomean"
        if (i < 10) print "convoy short", "r", i, a[i], a[i] / hi[i], "geomean"
        print "cpu", "r", i, 1 + rand() / 10, 1
        print "convoy low", "e", i, a[i], a[i] / 10, "geomean"
        print "convoy high", "e", i, a[i], a[i] / hi[i], "geomean"
        print "convoy emulated only", "e", i, a[i], a[i] / 2, "geomean"
    } }' >"$T_TMP/rounds.tsv"
order -v want='^convoy' "$T_TMP/rounds.tsv" >"$T_TMP/r.tsv"
share() { awk -F'\t' -v a="$2" -v b="$3" '$1 == a && $2 == b { print $3 }' "$1"; }
ok "real: low below high in every resample (got: $(share "$T_TMP/r.tsv" 'convoy low' 'convoy high'))" \
    test "$(share "$T_TMP/r.tsv" 'convoy low' 'convoy high')" = 0
ok "high above twin, low's rounds reversed, in every resample" \
    test "$(share "$T_TMP/r.tsv" 'convoy high' 'convoy twin')" = 1
s=$(share "$T_TMP/r.tsv" 'convoy low' 'convoy twin')
ok "low against twin, the same values: no order (0.025 < $s < 0.975)" \
    awk -v s="$s" 'BEGIN { exit !(s > 0.025 && s < 0.975) }'
ok "low against copy, the same rounds: every resample a tie, counted half" \
    test "$(share "$T_TMP/r.tsv" 'convoy low' 'convoy copy')" = 0.5
ok "9 rounds against 10 (drawn apart): short above low" \
    test "$(share "$T_TMP/r.tsv" 'convoy low' 'convoy short')" = 0
ok "every pair of the 5 real convoy cells, once, in input order: 10 lines" \
    test "$(wc -l <"$T_TMP/r.tsv")" -eq 10
ok "want: no CPU-bound row" test -z "$(grep -F cpu "$T_TMP/r.tsv")"
ok "a cell with no real rounds has no pair" test -z "$(grep -F 'emulated only' "$T_TMP/r.tsv")"
order -v side=e -v want='^convoy' "$T_TMP/rounds.tsv" >"$T_TMP/e.tsv"
ok "side=e: the emulated rounds, low (10) above high" \
    test "$(share "$T_TMP/e.tsv" 'convoy low' 'convoy high')" = 1
ok "side=e: its 3 cells, 3 pairs" test "$(wc -l <"$T_TMP/e.tsv")" -eq 3
# The same rounds behind another label, at the end: the same shares.
{ grep -v '^convoy twin' "$T_TMP/rounds.tsv"; grep '^convoy twin' "$T_TMP/rounds.tsv" | sed 's/^convoy twin/convoy moved/'; } |
    order -v want='^convoy' >"$T_TMP/moved.tsv"
ok "a pair's share does not depend on where its labels are ($s; moved: $(share "$T_TMP/moved.tsv" 'convoy low' 'convoy moved'))" \
    test "$s" = "$(share "$T_TMP/moved.tsv" 'convoy low' 'convoy moved')"
ok "and a second run gives the same file" cmp -s "$T_TMP/r.tsv" <(order -v want='^convoy' "$T_TMP/rounds.tsv")
t_done
