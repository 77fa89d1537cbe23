#!/usr/bin/env bash
# soak.sh - the suite run N times back to back, and after each run a check
# that nothing was left behind: no process whose command line names the
# results folder (benchmarks, their children, responders, Python), no new
# POSIX shared memory segment (/dev/shm) or System V one (ipcs), no entry
# left in the runs' temporary folder (TMPDIR, a folder of the soak's own:
# every script makes its temporary files with mktemp, and no program of
# the suite names /tmp itself).  Writes RESULTS/soak-<UTC time>.tsv, a line per run:
#   run folder exit seconds complete stray_processes new_shm new_sysv new_tmp
# and exits 0 only if every run completed and left nothing.
# usage: scripts/soak.sh [--runs N] [--results DIR] [bench.sh flags...]
source "$(dirname "$0")/lib/common.sh"

runs=3 results="$RT_ROOT/results" pass=()
while [ $# -gt 0 ]; do
    case $1 in
    --runs) [ $# -ge 2 ] || rt_usage_error "--runs: missing value; valid: 1..100"; runs=$2; shift 2 ;;
    --results) [ $# -ge 2 ] || rt_usage_error "--results: missing value"; results=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) pass+=("$1"); shift ;;
    esac
done
[[ $runs =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] && [ "$runs" -le 100 ] ||
    rt_usage_error "--runs: '$runs' is invalid; valid: 1..100"
mkdir -p "$results" 2>/dev/null && [ -w "$results" ] ||
    rt_usage_error "--results: cannot write to '$results'"
results=$(cd "$results" && pwd)

shm() { ls -1 /dev/shm 2>/dev/null | sort; }
sysv() { ipcs -m 2>/dev/null | awk '$1 ~ /^0x/ { print $2 }' | sort; }
soak_tmp=$(mktemp -d)
trap 'rm -rf "$soak_tmp"' EXIT
shm0=$(shm) sysv0=$(sysv)
log="$results/soak-$(date -u +%Y%m%dT%H%M%SZ).tsv"
printf 'run\tfolder\texit\tseconds\tcomplete\tstray_processes\tnew_shm\tnew_sysv\tnew_tmp\n' >"$log"
status=0
for i in $(seq "$runs"); do
    t0=$SECONDS rc=0
    rt_log "racetrack soak: run $i of $runs"
    TMPDIR=$soak_tmp "$RT_ROOT/scripts/bench.sh" "${pass[@]}" --results "$results" >"$log.run$i.log" 2>&1 || rc=$?
    folder=$(readlink "$results/latest" || echo none)
    sleep 1
    complete=no
    [ -d "$results/$folder" ] && [ ! -e "$results/$folder/INCOMPLETE" ] && complete=yes
    stray=$(pgrep -fc -- "$results/" || true)
    new_shm=$(comm -13 <(echo "$shm0") <(shm) | grep -c . || true)
    new_sysv=$(comm -13 <(echo "$sysv0") <(sysv) | grep -c . || true)
    new_tmp=$(ls -1A "$soak_tmp" | grep -c . || true)
    printf '%d\t%s\t%d\t%d\t%s\t%d\t%d\t%d\t%d\n' "$i" "$folder" "$rc" $((SECONDS - t0)) "$complete" \
        "$stray" "$new_shm" "$new_sysv" "$new_tmp" >>"$log"
    if [ "$rc" -ne 0 ] || [ $complete = no ] || [ "$stray" -ne 0 ] || [ "$new_shm" -ne 0 ] ||
       [ "$new_sysv" -ne 0 ] || [ "$new_tmp" -ne 0 ]; then
        status=1
    fi
done
sed 's/\t/  /g' "$log" >&2
exit $status
