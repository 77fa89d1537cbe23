#!/usr/bin/env bash
# scripts/soak.sh, small: two runs of one area back to back, each complete,
# and nothing left behind (processes, shared memory, /tmp entries).  The
# full-suite soak (3 full runs) is committed beside the reference run.
source "$(dirname "$0")/lib.sh"
res=$T_TMP/results
"$RT_SOURCE/scripts/soak.sh" --runs 2 --results "$res" --quick --only shim >/dev/null 2>"$T_TMP/err"
ok "two runs back to back, nothing left (exit $?)" test $? -eq 0
log=$(ls "$res"/soak-*.tsv)
ok "the log has a line per run, each complete and clean" \
    test "$(awk -F'\t' 'NR > 1 && $3 == 0 && $5 == "yes" && $6 + $7 + $8 + $9 == 0' "$log" | wc -l)" -eq 2
"$RT_SOURCE/scripts/soak.sh" --runs 0 >/dev/null 2>"$T_TMP/err"
ok "--runs 0: exit 2 naming the flag" test $? -eq 2 -a "$(grep -c -- --runs "$T_TMP/err")" -eq 1
t_done
