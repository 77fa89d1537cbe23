#!/usr/bin/env bash
# scripts/lib/ratio_ci.awk, the bootstrap intervals of the summary's
# emulated / real rows, on rounds made up here: paired resampling (rounds
# of one index drawn together on both sides), exact where the two sides
# differ by a constant, an interval around the point where they are noisy,
# the same answer wherever a label sits in the input, nothing for a label
# that one side lacks.
source "$(dirname "$0")/lib.sh"
ci() { awk -f "$RT_SOURCE/scripts/lib/bootstrap.awk" -f "$RT_SOURCE/scripts/lib/ratio_ci.awk" "$@"; }
# Ten rounds whose alone and beside rates swing 20x together on both sides,
# as a convoy's do with the machine; "double": emulated beside rate half of
# real's in every round; "noisy": real's rounds independent of emulated's.
awk 'BEGIN { srand(7); OFS = "\t"
    for (i = 1; i <= 10; i++) {
        a = 1000 * (1 + rand()); b = 10 * exp(3 * rand())
        print "same", "e", i, a, b;   print "same", "r", i, a, b
        print "double", "e", i, a, b / 2; print "double", "r", i, a, b
        print "noisy", "e", i, a, b;  print "noisy", "r", i, 1000 * (1 + rand()), 10 * exp(3 * rand())
        if (i < 10) print "uneven", "e", i, a, b; print "uneven", "r", i, a, b
        print "emulated only", "e", i, a, b
        print "gdouble", "e", i, a, b / 2, "geomean"; print "gdouble", "r", i, a, b, "geomean"
        print "gnoisy", "e", i, a, b, "geomean"
        print "gnoisy", "r", i, 1000 * (1 + rand()), 10 * exp(3 * rand()), "geomean"
    } }' >"$T_TMP/rounds.tsv"
ci "$T_TMP/rounds.tsv" >"$T_TMP/ci.tsv"
line() { awk -F'\t' -v l="$1" '$1 == l { print $2, $3 }' "$T_TMP/ci.tsv"; }
ok "the same rounds on both sides: exactly 1 (got: $(line same))" test "$(line same)" = "1 1"
ok "emulated beside rate half of real's in every round: exactly 2, the swings paired away (got: $(line double))" \
    test "$(line double)" = "2 2"
# noisy: the point estimate, median(alone)/median(beside) emulated over real's
point=$(awk -F'\t' '$1 == "noisy" { n[$2]++; a[$2, n[$2]] = $4; b[$2, n[$2]] = $5 }
    function med(s, c,    i, j, t, v, m) { for (i = 1; i <= 10; i++) v[i] = c == "a" ? a[s, i] : b[s, i]
        for (i = 2; i <= 10; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
        return (v[5] + v[6]) / 2 }
    END { print (med("e", "a") / med("e", "b")) / (med("r", "a") / med("r", "b")) }' "$T_TMP/rounds.tsv")
read -r lo hi <<<"$(line noisy)"
ok "noisy rounds: an interval around the point ($lo < $point < $hi)" \
    awk -v lo="$lo" -v p="$point" -v hi="$hi" 'BEGIN { exit !(lo < p && p < hi && hi / lo > 1.5) }'
read -r lo hi <<<"$(line uneven)"
ok "9 emulated rounds against 10 real: drawn apart, still an interval ($lo .. $hi)" \
    awk -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(lo > 0 && lo < hi) }'
# The convoy's centre (slowdown.sh): geometric means instead of medians.
ok "geomean: emulated beside rate half of real's in every round: exactly 2 (got: $(line gdouble))" \
    test "$(line gdouble)" = "2 2"
gpoint=$(awk -F'\t' '$1 == "gnoisy" { la[$2] += log($4); lb[$2] += log($5) }
    END { print exp((la["e"] - lb["e"] - la["r"] + lb["r"]) / 10) }' "$T_TMP/rounds.tsv")
read -r lo hi <<<"$(line gnoisy)"
ok "geomean: noisy rounds, an interval around the ratio of geometric means ($lo < $gpoint < $hi)" \
    awk -v lo="$lo" -v p="$gpoint" -v hi="$hi" 'BEGIN { exit !(lo < p && p < hi && hi / lo > 1.5) }'
# The same rounds under the median: another interval (the centre is used).
ok "and the median's interval of the same rounds differs" \
    test "$(line gnoisy)" != "$(sed 's/\tgeomean$//' "$T_TMP/rounds.tsv" | ci | awk -F'\t' '$1 == "gnoisy" { print $2, $3 }')"
ok "a label one side lacks has no interval" test -z "$(line 'emulated only')"
# The same rounds, the label moved to the end and renamed: the same interval.
{ grep -v '^noisy' "$T_TMP/rounds.tsv"; grep '^noisy' "$T_TMP/rounds.tsv" | sed 's/^noisy/moved/'; } |
    ci >"$T_TMP/moved.tsv"
ok "the interval does not depend on where the label is (noisy: $(line noisy); moved: $(awk -F'\t' '$1 == "moved" { print $2, $3 }' "$T_TMP/moved.tsv"))" \
    test "$(line noisy)" = "$(awk -F'\t' '$1 == "moved" { print $2, $3 }' "$T_TMP/moved.tsv")"
ok "and a second run gives the same file" cmp -s "$T_TMP/ci.tsv" <(ci "$T_TMP/rounds.tsv")
t_done
