#!/usr/bin/env bash
# scripts/compare.sh on two hand-made run folders (tests/fixtures/run_a,
# run_b): the ratio B/A of medians for the benchmarks both runs have, and
# the U test's verdicts computed by hand:
#   scaling/...: 100..104 against 200..208 items/s, 5 repetitions each: B/A
#     = 204 / 102 = 2; every B above every A, so the exact two-sided p is
#     2 / C(10, 5) = 2 / 252 = 0.00794 < 0.05: B better (higher is better);
#   create/thread/join: the same 5 values: p = 1, no significant difference;
#   create/process/fork: 3 repetitions each, the smallest p possible is
#     2 / C(6, 3) = 0.1: too few repetitions (ratio 26 / 51);
#   only/in/a: in A only, left out.
source "$(dirname "$0")/lib.sh"
f=$RT_SOURCE/tests/fixtures
out=$T_TMP/cmp
"$RT_SOURCE/scripts/compare.sh" --out "$out" "$f/run_a" "$f/run_b" >"$T_TMP/stdout"
ok "compare.sh exits 0" test $? -eq 0
t=$out/compare.tsv
row() { awk -F'\t' -v b="$1" '$2 == b' "$t"; }
ok "three benchmarks in common" test "$(tail -n +2 "$t" | wc -l)" -eq 3
ok "scaling: ratio 2, p 0.00794, B better" \
    test "$(row scaling/cpu/strong/threads/workers:2/manual_time | cut -f3-10)" = "$(printf 'items_per_second\t5\t5\t102\t204\t2.0000\t0.007937\tB better')"
ok "identical samples: p 1, no significant difference" \
    test "$(row create/thread/join/threads:1/real_time | cut -f8-10)" = "$(printf '1.0000\t1\tno significant difference')"
ok "3 repetitions: too few" \
    test "$(row create/process/fork/threads:1/real_time | cut -f3,8,10)" = "$(printf 'real_time\t0.5098\ttoo few repetitions')"
ok "a benchmark in one run only is left out" test -z "$(row only/in/a)"
ok "COMPARE.md printed and written" cmp -s "$T_TMP/stdout" "$out/COMPARE.md"
ok "COMPARE.md has the table" grep -q '^| scaling/cpu/strong/threads/workers:2/manual_time | items_per_second | 5 / 5 | 102 | 204 | 2.000 |' "$out/COMPARE.md"
# Overlays: the figures both runs have, drawn together.
mkdir -p "$T_TMP/a2" "$T_TMP/b2"
cp -r "$f/run_a/." "$T_TMP/a2"; cp -r "$f/run_b/." "$T_TMP/b2"
cp "$f/run_a/scaling_cpu_speedup.tsv" "$T_TMP/b2/"
"$RT_SOURCE/scripts/compare.sh" --out "$T_TMP/ov" "$T_TMP/a2" "$T_TMP/b2" >/dev/null
ok "overlay of a figure both runs have: PNG" test "$(head -c 4 "$T_TMP/ov/scaling_cpu_speedup.png" | od -An -tx1 | tr -d ' \n')" = 89504e47
ok "overlay series are A/ and B/" test "$(tail -n +2 "$T_TMP/ov/scaling_cpu_speedup.tsv" | cut -c1-2 | sort -u | tr '\n' ' ')" = "A/ B/ "
"$RT_SOURCE/scripts/compare.sh" "$f/run_a" >/dev/null 2>"$T_TMP/err"
ok "one run only: exit 2, one line" test $? -eq 2 -a "$(wc -l <"$T_TMP/err")" -eq 1
"$RT_SOURCE/scripts/compare.sh" --alpha 2 "$f/run_a" "$f/run_b" >/dev/null 2>&1
ok "bad --alpha: exit 2" test $? -eq 2
t_done
