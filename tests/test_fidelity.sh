#!/usr/bin/env bash
# scripts/fidelity.sh, the emulated-vs-real line per run and GIL, on
# summaries made up here: a current one (interval column, order over the
# pairs real ranks, bias), one from before the interval column, one whose
# old-GIL comparison was skipped; the exact lines, the farthest cell in
# either direction, the misses, the commit and whether the code was clean;
# --check and --refresh of the blocks in a page, and the committed README's
# and results/HISTORY.md's blocks against the kept runs.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T_TMP/run-a" "$T_TMP/run-b" "$T_TMP/run-c"
cat >"$T_TMP/run-a/SUMMARY.md" <<'EOF'
**An emulated GIL** (`bench_gil`):

| mode | 1 | 2 |
| --- | ---: | ---: |
| threads-new | 1.00 | 0.99 |

**Emulated new GIL vs real CPython 3.11.7** (`scripts/cpython_gil.py`), same machine:

| experiment | emulated | real | emulated / real | 95 % interval | within target |
| --- | ---: | ---: | ---: | ---: | --- |
| CPU-bound: 2 threads / 1 thread | 0.99 | 1.08 | 0.92 | 0.91-0.94 | yes |
| CPU-bound, one CPU: 2 threads / 1 thread | 1.00 | 0.98 | 1.02 | 1.01-1.02 | yes |
| convoy slowdown, echo beside 1cpu, 500 us | 11.29 | 10.62 | 1.06 | 0.97-1.19 | yes |
| convoy slowdown, read1 beside 2cpu, 5000 us | 1800.46 | 2081.49 | 0.86 | 0.43-1.45 | yes |
| convoy slowdown, socketpair beside 2cpu, 5000 us | 1924.59 | 5290.99 | 0.36 | 0.23-0.59 | no |
| convoy slowdown, socketpair beside 2cpu, 50000 us | 50436.80 | 19136.30 | 2.64 | 2.00-6.08 | no |
| sleeping I/O: 64 threads / 1 thread | 59.72 | 56.83 | 1.05 | - | - |

Convoy order: 5 of 6 pairs of configurations rank the same way emulated and real (83 %).

Of those 6 pairs, real CPython's own rounds rank 5: one cell above the other. The emulation ranks 4 of the 5 the same way (80 %). The other way: x against y.

Convoy bias: over its 4 cells, emulated / real has a geometric mean of 0.98 (lowest 0.36, highest 2.64); 1 is none, above 1 a stronger emulated convoy.

**Emulated old GIL vs real CPython 2.7.18** (`scripts/cpython_gil.py`), same machine:

| experiment | emulated | real | emulated / real | 95 % interval | within target |
| --- | ---: | ---: | ---: | ---: | --- |
| CPU-bound: 2 threads / 1 thread | 0.58 | 0.59 | 0.99 | 0.93-1.06 | yes |
| CPU-bound, one CPU: 2 threads / 1 thread | 1.00 | 1.00 | 1.00 | 0.99-1.01 | yes |
| convoy slowdown, read1 beside 1cpu, 5000 us | 6.22 | 3.69 | 1.69 | 1.41-2.04 | yes |
| convoy slowdown, socketpair beside 2cpu, 5000 us | 6.19 | 5.50 | 1.12 | 0.97-1.32 | yes |

Convoy order: 1 of 1 pairs of configurations rank the same way emulated and real (100 %).

Convoy bias: over its 2 cells, emulated / real has a geometric mean of 1.38 (lowest 1.12, highest 1.69); 1 is none, above 1 a stronger emulated convoy.

**Where the time went** (`steps.tsv`):

| convoy slowdown, not a comparison row | 9.99 | 1.00 | 9.99 | - | no |
EOF
echo '{"source": {"commit": "0123456789abcdef0123456789abcdef01234567", "code": "clean"}}' \
    >"$T_TMP/run-a/environment.json"

cat >"$T_TMP/run-b/SUMMARY.md" <<'EOF'
**Emulated new GIL vs real CPython 3.11.4**:

| experiment | emulated | real | emulated / real | within target |
| --- | ---: | ---: | ---: | --- |
| CPU-bound: 2 threads / 1 thread | 0.97 | 1.15 | 0.84 | no |
| convoy slowdown, read1 beside 1cpu, 5000 us | 100.00 | 40.00 | 2.50 | no |
| convoy slowdown, echo beside 1cpu, 5000 us | 50.00 | 60.00 | 0.83 | yes |

Convoy order: 1 of 1 pairs of configurations rank the same way emulated and real (100 %).

The comparison with python2.7 was skipped: no python2.7 on this machine.
EOF
echo '{"source": {"commit": "fedcba9876543210fedcba9876543210fedcba98", "code": "modified"}}' \
    >"$T_TMP/run-b/environment.json"

cat >"$T_TMP/run-c/SUMMARY.md" <<'EOF'
**Threads vs processes**: no Python, the comparisons were skipped.
EOF

"$RT_SOURCE/scripts/fidelity.sh" "$T_TMP/run-a" "$T_TMP/run-b" "$T_TMP/run-c" >"$T_TMP/out" 2>"$T_TMP/err"
ok "exit 0, nothing on stderr (got: $(cat "$T_TMP/err"))" test $? -eq 0 -a ! -s "$T_TMP/err"
ok "a header, its separator and three lines (got $(wc -l <"$T_TMP/out"))" test "$(wc -l <"$T_TMP/out")" -eq 5
line() { grep -F "| $1 | " "$T_TMP/out" | grep -F " | $2 | "; }
ok "run-a, new GIL: every figure, the farthest cell (0.36 beside 2.64) and both misses" \
    test "$(line run-a new)" = "| run-a | 0123456 | new | 0.92 (0.91-0.94) | 1.02 | 2 of 4 | 83 % | 4 of 5 | 0.98 | socketpair beside 2cpu, 5000 µs 0.36 (0.23-0.59) | socketpair beside 2cpu, 5000 µs 0.36 (0.23-0.59); socketpair beside 2cpu, 50000 µs 2.64 (2.00-6.08) |"
ok "run-a, old GIL: no miss, its farthest cell above 1, no ranked-pairs line" \
    test "$(line run-a old)" = "| run-a | 0123456 | old | 0.99 (0.93-1.06) | 1.00 | 2 of 2 | 100 % | - | 1.38 | read1 beside 1cpu, 5000 µs 1.69 (1.41-2.04) | none |"
ok "run-b, a summary without the interval column, code modified" \
    test "$(line run-b new)" = "| run-b | fedcba9 (modified) | new | 0.84 | - | 1 of 2 | 100 % | - | - | read1 beside 1cpu, 5000 µs 2.50 | read1 beside 1cpu, 5000 µs 2.50 |"
ok "run-b's skipped old-GIL comparison and run-c have no line" \
    test -z "$(line run-b old)$(grep -F '| run-c |' "$T_TMP/out")"
ok "a row after the comparison's tables is not counted" \
    test "$(grep -c '9.99' "$T_TMP/out")" -eq 0

"$RT_SOURCE/scripts/fidelity.sh" "$T_TMP/run-a" "$T_TMP/nowhere" >"$T_TMP/out" 2>"$T_TMP/err"
ok "a folder without SUMMARY.md: exit 2, one line naming it, nothing printed" \
    test $? -eq 2 -a "$(wc -l <"$T_TMP/err")" -eq 1 -a "$(grep -c nowhere "$T_TMP/err")" -eq 1 -a ! -s "$T_TMP/out"

# --check and --refresh on a file with blocks: a block names its runs,
# relative to the project's root or, as here, absolute.
runs=$T_TMP
{
    echo "# A page"
    echo
    echo "<!-- fidelity:begin (generated by scripts/fidelity.sh $runs/run-a $runs/run-b) -->"
    (cd "$RT_SOURCE" && scripts/fidelity.sh "$runs/run-a" "$runs/run-b")
    echo "<!-- fidelity:end -->"
    echo
    echo "Between the blocks."
    echo
    echo "<!-- fidelity:begin (generated by scripts/fidelity.sh $runs/run-b) -->"
    echo "| a stale table |"
    echo "<!-- fidelity:end -->"
    echo "The end."
} >"$T_TMP/page.md"
"$RT_SOURCE/scripts/fidelity.sh" --check "$T_TMP/page.md" 2>"$T_TMP/err"
ok "--check: a stale block, exit 1 naming the file" \
    test $? -eq 1 -a "$(grep -c "page.md: a fidelity block differs" "$T_TMP/err")" -eq 1
cp "$T_TMP/page.md" "$T_TMP/before.md"
"$RT_SOURCE/scripts/fidelity.sh" --refresh "$T_TMP/page.md"
ok "--refresh: exit 0" test $? -eq 0
ok "--refresh: the stale line replaced by run-b's table (header, rule, line), the rest as it was" \
    test "$(diff "$T_TMP/before.md" "$T_TMP/page.md" | grep -c '^<')" -eq 1 \
    -a "$(diff "$T_TMP/before.md" "$T_TMP/page.md" | grep -c '^>')" -eq 3 \
    -a "$(grep -c '^| run-b | fedcba9 (modified) | new |' "$T_TMP/page.md")" -eq 2 \
    -a "$(grep -c 'stale' "$T_TMP/page.md")" -eq 0
"$RT_SOURCE/scripts/fidelity.sh" --check "$T_TMP/page.md"
ok "--check after --refresh: exit 0" test $? -eq 0
head -4 "$T_TMP/page.md" >"$T_TMP/open.md"
cp "$T_TMP/open.md" "$T_TMP/open.before"
"$RT_SOURCE/scripts/fidelity.sh" --refresh "$T_TMP/open.md" 2>"$T_TMP/err"
ok "a block without its end marker: exit 1, the file untouched" \
    test $? -eq 1 -a "$(grep -c 'without <!-- fidelity:end -->' "$T_TMP/err")" -eq 1 \
    && cmp -s "$T_TMP/open.md" "$T_TMP/open.before"

# The committed README and results/HISTORY.md: every table is what the kept
# runs' files give.
"$RT_SOURCE/scripts/fidelity.sh" --check "$RT_SOURCE/README.md" "$RT_SOURCE/results/HISTORY.md"
ok "README.md and results/HISTORY.md: every fidelity block as its runs give it" test $? -eq 0
t_done
