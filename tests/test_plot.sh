#!/usr/bin/env bash
# The plot script renders a valid PNG and SVG from fixture TSV.
source "$(dirname "$0")/lib.sh"

ok "plot.sh exits 0" "$RT_SOURCE/scripts/plot.sh" --tsv "$RT_SOURCE/tests/fixtures/expected_counter.tsv" \
    --out "$T_TMP/fig" --title "fixture" --ylabel "ns" --logy --cores 2 --pus 4 --caption "test"
ok "PNG signature" test "$(head -c 8 "$T_TMP/fig.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a
ok "PNG is a real image" test "$(stat -c %s "$T_TMP/fig.png")" -gt 10000
ok "SVG is an svg document" grep -q "<svg" "$T_TMP/fig.svg"
ok "SVG names both series" sh -c "grep -q 'counter/mutex' '$T_TMP/fig.svg' && grep -q 'counter/racy' '$T_TMP/fig.svg'"

f=$RT_SOURCE/tests/fixtures
ok "speedup plot with ideal lines and capacity" "$RT_SOURCE/scripts/plot.sh" \
    --tsv "$f/expected_speedup.tsv" --out "$T_TMP/speedup" --title "fixture" --ylabel "speedup" \
    --logy2 --ideal --capacity 1.8 --cores 2 --pus 2 --caption "test"
ok "speedup SVG draws both ideals" sh -c "grep -q 'ideal for waiting work: N' '$T_TMP/speedup.svg' && grep -q 'ideal for computing: min(N, 2 PUs)' '$T_TMP/speedup.svg'"
ok "speedup SVG draws the capacity" grep -q "measured capacity 1.80" "$T_TMP/speedup.svg"
ok "crossover plot on a linear x axis" "$RT_SOURCE/scripts/plot.sh" \
    --tsv "$f/expected_crossover.tsv" --out "$T_TMP/cross" --title "fixture" --ylabel "items/s" \
    --linear-x --xlabel "waiting share, %" --caption "test"
ok "crossover SVG names its axis" grep -q "waiting share, %" "$T_TMP/cross.svg"
# Series names are printed as they are (no subscripts from underscores).
printf 'series\tworkers\tn\tmean\tstddev\tmedian\tq1\tq3\tmin\tmax\n' >"$T_TMP/u.tsv"
printf 'gil/cpu_one_pu/x\t1\t1\t5\t0\t5\t5\t5\t5\t5\ngil/cpu_one_pu/x\t2\t1\t6\t0\t6\t6\t6\t6\t6\n' >>"$T_TMP/u.tsv"
ok "plot with underscores" "$RT_SOURCE/scripts/plot.sh" --tsv "$T_TMP/u.tsv" --out "$T_TMP/u" \
    --title t --ylabel y --caption c
ok "the SVG names the series literally" grep -q 'gil/cpu_one_pu/x' "$T_TMP/u.svg"

# Grouped bars: categories from a series field, groups from the rest.
ok "bars by series field" "$RT_SOURCE/scripts/bars.sh" --tsv "$f/expected_speedup.tsv" \
    --out "$T_TMP/bars" --title "fixture" --ylabel "speedup" --caption "test" --category-field 2
ok "bars SVG has a bar group per mode and a category per workload" \
    sh -c "grep -q 'strong/processes' '$T_TMP/bars.svg' && grep -q '>cpu<' '$T_TMP/bars.svg' && grep -q '>sleep<' '$T_TMP/bars.svg'"
ok "bars by x value, with group titles" "$RT_SOURCE/scripts/bars.sh" --tsv "$f/expected_speedup.tsv" \
    --out "$T_TMP/bars2" --title "fixture" --ylabel "speedup" --caption "test" --by-x 1,2 \
    --group-titles "one worker|two workers"
ok "bars SVG names the groups" sh -c "grep -q 'one worker' '$T_TMP/bars2.svg' && grep -q 'two workers' '$T_TMP/bars2.svg'"
"$RT_SOURCE/scripts/bars.sh" --tsv "$f/expected_speedup.tsv" --out "$T_TMP/y" --title t \
    --ylabel y >/dev/null 2>&1
ok "bars.sh without a grouping: exit 2" test $? -eq 2
"$RT_SOURCE/scripts/plot.sh" --tsv "$f/expected_speedup.tsv" --out "$T_TMP/x" --title t \
    --ylabel y --ideal >/dev/null 2>&1
ok "--ideal without --pus: exit 2" test $? -eq 2
# --center: the column drawn (slowdown.sh's TSVs have geomean where others have median).
printf 'series\tinterval_us\tn\tmean\tstddev\tgeomean\tq1\tq3\tmin\tmax\n' >"$T_TMP/g.tsv"
printf 'emulated/read1/threads-new/beside-1cpu\t500\t3\t30\t5\t28\t25\t33\t20\t40\n' >>"$T_TMP/g.tsv"
printf 'emulated/read1/threads-new/beside-1cpu\t5000\t3\t300\t50\t280\t250\t330\t200\t400\n' >>"$T_TMP/g.tsv"
ok "plot.sh --center geomean on a slowdown TSV" "$RT_SOURCE/scripts/plot.sh" --tsv "$T_TMP/g.tsv" \
    --out "$T_TMP/g" --title t --ylabel y --logy --center geomean
ok "and its SVG names the series" grep -q 'emulated/read1/threads-new/beside-1cpu' "$T_TMP/g.svg"
"$RT_SOURCE/scripts/plot.sh" --tsv "$T_TMP/g.tsv" --out "$T_TMP/m" --title t --ylabel y >/dev/null 2>"$T_TMP/err"
ok "the default centre, median, on a TSV without it: exit 2, one line naming --center" \
    test $? -eq 2 -a "$(wc -l <"$T_TMP/err")" -eq 1 -a "$(grep -c -- "--center: .* has no column 'median'" "$T_TMP/err")" -eq 1
"$RT_SOURCE/scripts/plot.sh" --tsv "$T_TMP/g.tsv" --out "$T_TMP/m" --title t --ylabel y --center mean \
    >/dev/null 2>"$T_TMP/err"
ok "--center mean: exit 2, naming the valid columns" \
    test $? -eq 2 -a "$(grep -c -- "--center: 'mean' is not a column; valid: median, geomean" "$T_TMP/err")" -eq 1
t_done
