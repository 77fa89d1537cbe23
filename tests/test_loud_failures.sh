#!/usr/bin/env bash
# Failures are loud, and an output is committed only by a command that
# succeeded:
#   - rt_write_from: a producer that fails half-way leaves no file (or the
#     old one whole) and no temporary behind, and returns its status; a
#     pipeline whose first part fails, the same;
#   - summary.sh and derive.sh on a copy of the reference run, with a jq or
#     an awk that fails in one place only (inside $(...), where set -e
#     does not look): the script fails naming it, and SUMMARY.md and
#     REPORT.md stay as they were, never a table short;
#   - bench.sh: a step whose command fails is named in INCOMPLETE, the
#     other steps' files are whole, and the run still has its summary and
#     report.
source "$(dirname "$0")/lib.sh"

# ---- rt_write_from ----------------------------------------------------------------
lib=$RT_SOURCE/scripts/lib/common.sh
dest=$T_TMP/out.txt
half_way() { echo "first line"; return 3; }
( source "$lib"; rt_write_from "$dest" half_way )
ok "a producer failing half-way: its status returned (got $?)" test $? -eq 3
ok "and no file" test ! -e "$dest"
ok "and no temporary file left" test -z "$(ls "$T_TMP" | grep '^out.txt.tmp')"
echo old >"$dest"
( source "$lib"; rt_write_from "$dest" half_way ) || true
ok "an existing file stays as it was" test "$(cat "$dest")" = old
piped() { half_way | cat; }
( source "$lib"; rt_write_from "$dest" piped )
ok "a pipeline whose producer fails fails too (got $?)" test $? -ne 0
ok "and commits nothing" test "$(cat "$dest")" = old
( source "$lib"; rt_write_from "$dest" printf 'new\n' )
ok "a command that succeeds: its output committed" test "$? $(cat "$dest")" = "0 new"

# ---- summary.sh and derive.sh with a failing jq or awk ------------------------------
ref=$(ls -d "$RT_SOURCE"/results/*/ | while read -r d; do
          [ -r "$d/SUMMARY.md" ] && [ -r "$d/bench_gil.json" ] && echo "${d%/}"; done | tail -1)
ok "a reference run to copy ($ref)" test -n "$ref"
run=$T_TMP/run
mkdir "$run"
(cd "$ref" && cp -- *.json *.tsv *.txt *.md *.png *.svg "$run/" 2>/dev/null)
cp "$run/SUMMARY.md" "$T_TMP/SUMMARY.before"
cp "$run/REPORT.md" "$T_TMP/REPORT.before"
"$RT_SOURCE/scripts/summary.sh" "$run" >/dev/null 2>"$T_TMP/err"
ok "summary.sh on the copy succeeds ($(head -c 200 "$T_TMP/err"))" test $? -eq 0
ok "and gives its SUMMARY.md again" cmp -s "$run/SUMMARY.md" "$T_TMP/SUMMARY.before"
# A jq or awk that fails when its program contains PATTERN, and is the
# real one otherwise.
fake=$T_TMP/bin
mkdir "$fake"
for tool in jq awk; do
    real=$(command -v "$tool")
    cat >"$fake/$tool" <<EOF
#!/bin/sh
[ -z "\${RT_FAIL_PATTERN:-}" ] ||
    for a in "\$@"; do case \$a in *"\$RT_FAIL_PATTERN"*) echo "$tool: made to fail" >&2; exit 5 ;; esac; done
exec "$real" "\$@"
EOF
    chmod +x "$fake/$tool"
done
failing() {   # PATTERN SCRIPT: SCRIPT on the copy with jq and awk failing on PATTERN
    PATH=$fake:$PATH RT_FAIL_PATTERN=$1 "$RT_SOURCE/scripts/$2" "$run" >/dev/null 2>"$T_TMP/err"
}
# The counter table's cells: awk inside a printf argument's $(...).
failing 'found = 1' summary.sh
ok "summary.sh, an awk failing inside \$(...): exit non-zero (got $?)" test $? -ne 0
ok "and it says so, once ($(head -c 300 "$T_TMP/err"))" \
    test "$(grep -c '^summary.sh: .*failed' "$T_TMP/err")" -eq 1
ok "and SUMMARY.md is as it was" cmp -s "$run/SUMMARY.md" "$T_TMP/SUMMARY.before"
# The wake-up table's timer slack: jq inside an echo's $(...).
failing 'wakeup.timer_slack_ns' summary.sh
ok "summary.sh, a jq failing inside \$(...): exit non-zero (got $?)" test $? -ne 0
ok "and SUMMARY.md is as it was" cmp -s "$run/SUMMARY.md" "$T_TMP/SUMMARY.before"
# The report's verdict of claim 1: jq in a $(...) of an echo.
failing '.lost | sort | .[length / 2 | floor]) / .expected' report.sh
ok "report.sh, a jq failing inside \$(...): exit non-zero (got $?)" test $? -ne 0
ok "and REPORT.md is as it was" cmp -s "$run/REPORT.md" "$T_TMP/REPORT.before"
failing 'found = 1' derive.sh
ok "derive.sh, its summary failing: exit non-zero (got $?)" test $? -ne 0
ok "and SUMMARY.md is as it was" cmp -s "$run/SUMMARY.md" "$T_TMP/SUMMARY.before"
# A failing figure: the TSV before it is whole, the figure is not there.
rm -f "$run"/counter_ns_per_increment.*
cat >"$fake/gnuplot" <<'EOF'
#!/bin/sh
echo "gnuplot: made to fail" >&2
exit 1
EOF
chmod +x "$fake/gnuplot"
PATH=$fake:$PATH "$RT_SOURCE/scripts/derive.sh" "$run" >/dev/null 2>"$T_TMP/err"
ok "derive.sh, gnuplot failing: exit non-zero (got $?)" test $? -ne 0
ok "and it names the command" grep -q 'failed (status 1) at line' "$T_TMP/err"
ok "the figure's TSV is whole" cmp -s "$run/counter_ns_per_increment.tsv" "$ref/counter_ns_per_increment.tsv"
ok "no figure, and nothing half-drawn" test -z "$(ls "$run" | grep -E '^counter_ns_per_increment\.(png|svg|tmp)')"
rm -f "$fake/gnuplot"

# ---- bench.sh: a failing step is named --------------------------------------------
# setsid starts every step's command (run_child): this one fails the
# tutorial's after it ran.
real_setsid=$(command -v setsid)
cat >"$fake/setsid" <<EOF
#!/bin/sh
"$real_setsid" "\$@"
case "\$*" in *--tutorial*) echo "made to fail" >&2; exit 1 ;; esac
EOF
chmod +x "$fake/setsid"
res=$T_TMP/results
PATH=$fake:$PATH "$RT_SOURCE/scripts/bench.sh" --quick --only counter,shim --results "$res" >/dev/null 2>"$T_TMP/err"
ok "bench.sh with a failing step: exit 1 (got $?)" test $? -eq 1
b=$res/$(readlink "$res/latest")
ok "INCOMPLETE names the failed step ($(cat "$b/INCOMPLETE" 2>/dev/null))" \
    grep -qx "failed steps: counter_tutorial; see the run's logs" "$b/INCOMPLETE"
ok "the other steps' files are there" test -s "$b/bench_counter.json" -a -s "$b/shim_summary.json"
ok "the run has its summary and its report" test -s "$b/SUMMARY.md" -a -s "$b/REPORT.md"
ok "and the report says it is incomplete" grep -q 'This run is INCOMPLETE' "$b/REPORT.md"
t_done
