#!/usr/bin/env bash
# One area (scripts/areas/NN-AREA.sh) end to end in the quick profile:
# `scripts/bench.sh --quick --only AREA` makes a new run folder, complete,
# with valid JSON, PNG and SVG files, environment facts, a SUMMARY.md and a
# REPORT.md with the area's section, and results/latest pointing at it;
# derive.sh remakes every TSV, SUMMARY.md and REPORT.md of it byte for byte.
# Then the area's own checks: tests/area_AREA.sh, which may set
#   area_with=(OTHER...)   areas to run beside it (their own checks are theirs)
#   area_flags=(FLAG...)   more bench.sh flags
# and defines area_checks, run with $run (the run folder), $res (its
# parent) and $T_TMP/bench.log (bench.sh's output).
# usage: tests/test_quick_area.sh AREA
source "$(dirname "$0")/lib.sh"
area=${1:?usage: test_quick_area.sh AREA}
checks=$RT_SOURCE/tests/area_$area.sh
area_with=() area_flags=()
ok "the area has its checks: tests/area_$area.sh" test -r "$checks"
[ -r "$checks" ] || t_done
source "$checks"
res=$T_TMP/results
only=$(IFS=,; echo "$area${area_with[*]:+,${area_with[*]}}")

"$RT_SOURCE/scripts/bench.sh" --quick --only "$only" "${area_flags[@]}" --results "$res" >"$T_TMP/bench.log" 2>&1
rc=$?
ok "bench.sh --quick --only $only exits 0 (got $rc: $(grep -m1 -iE 'error|failed' "$T_TMP/bench.log"))" test $rc -eq 0
run=$res/$(readlink "$res/latest")
ok "latest points to a run folder" test -d "$run"
ok "the run is complete" test ! -e "$run/INCOMPLETE"
ok "the report does not call it incomplete" bash -c "! grep -q INCOMPLETE '$run/REPORT.md'"
for f in environment.json topology.xml steps.tsv SUMMARY.md REPORT.md; do
    ok "$f exists and is not empty" test -s "$run/$f"
done
for j in "$run"/*.json; do
    ok "$(basename "$j") is valid JSON" jq -e . "$j" >/dev/null
done
for p in "$run"/*.png; do
    [ -e "$p" ] || continue
    ok "$(basename "$p") is a PNG" test "$(head -c 4 "$p" | od -An -tx1 | tr -d ' \n')" = 89504e47
    ok "$(basename "$p" .png).svg is an SVG beside it" grep -q "<svg" "${p%.png}.svg"
done
jq_ok "environment: the machine, the profile, the areas asked for" "$run/environment.json" \
    "(.pus >= 1) and (.run_pus >= 1) and .profile == \"quick\" and .areas == \"$only\" and (.command_line | test(\"--quick\"))"
jq_ok "environment: SMT, flags, turbo, topology XML" "$run/environment.json" \
    '(.smt >= 1) and (.cflags | test("-O2")) and has("turbo") and has("governor") and (.topology_xml | startswith("<?xml"))'
jq_ok "environment: the commit that made the numbers" "$run/environment.json" \
    '(.source.commit | test("^([0-9a-f]{40}|unknown)$")) and (.source.code | IN("clean", "modified", "unknown"))'
ok "steps.tsv: one line per step, all quick" \
    test "$(awk -F'\t' '$1 == "quick" && $3 ~ /^[0-9]+$/' "$run/steps.tsv" | wc -l)" -eq "$(wc -l <"$run/steps.tsv")"
ok "REPORT.md has no missing figure" test "$(grep -c 'n/a' "$run/REPORT.md")" -eq 0
# The area's section, if it has one: its reproduce line names it.
RT_ROOT=$RT_SOURCE
rt_log() { printf '%s\n' "$*" >&2; }
source "$RT_SOURCE/scripts/lib/areas.sh"
if rt_area_has "$area" report; then
    ok "REPORT.md has the area's section" grep -q "^Reproduce: \`scripts/bench.sh --only $area\`" "$run/REPORT.md"
fi
others=()
for a in "${RT_AREAS[@]}"; do
    [[ ",$only," == *",$a,"* ]] || ! rt_area_has "$a" report || others+=("$a")
done
if [ ${#others[@]} -gt 0 ]; then
    ok "REPORT.md names the areas left out (${others[*]})" grep -qF "): ${others[*]}." "$run/REPORT.md"
fi

# derive.sh: the same files again from the raw ones alone.
copy=$T_TMP/derived
cp -r "$run" "$copy"
rm -f "$copy"/*.png "$copy"/*.svg "$copy/SUMMARY.md" "$copy/REPORT.md"
for t in "$copy"/*.tsv; do [ "$(basename "$t")" = steps.tsv ] || rm -f "$t"; done
"$RT_SOURCE/scripts/derive.sh" "$copy" >"$T_TMP/derive.log" 2>&1
ok "derive.sh remakes the run (exit $?: $(head -c 200 "$T_TMP/derive.log"))" test $? -eq 0
same=0 differ=""
for f in "$run"/*.tsv "$run/SUMMARY.md" "$run/REPORT.md"; do
    if cmp -s "$f" "$copy/$(basename "$f")"; then same=$((same + 1)); else differ+=" $(basename "$f")"; fi
done
ok "derive.sh's TSVs, SUMMARY.md and REPORT.md are bench.sh's, byte for byte ($same the same;${differ:- none differ})" \
    test -z "$differ"
ok "and it draws every figure again" \
    test "$(cd "$run" && ls ./*.png 2>/dev/null | sort)" = "$(cd "$copy" && ls ./*.png 2>/dev/null | sort)"

area_checks
t_done
