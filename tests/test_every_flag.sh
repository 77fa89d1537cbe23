#!/usr/bin/env bash
# Every flag of every benchmark executable (build/bin/bench_*, whatever
# their number), read from its own --help, gets the bad values its kind
# allows: an integer flag a non-number, a fraction, one below its range and
# one above it (10^12 workers, a 1 TiB message...);
# a number flag a non-number and values outside its range; a choice an
# unknown word; a yes/no flag "maybe"; a value flag an empty value; and
# every flag but yes/no ones no value at all.  Each must give one line on
# stderr naming the flag, exit status 2, and nothing on stdout (nothing
# ran).  Then the cases --help cannot describe: CPUs that do not exist or
# are not allowed, an output file and a results folder that cannot be
# written.
source "$(dirname "$0")/lib.sh"

check() {   # EXE FLAG ARG...: the run must be refused, naming FLAG
    local exe=$1 flag=$2; shift 2
    "$RT_BIN/$exe" "$@" >"$T_TMP/out" 2>"$T_TMP/err"
    local rc=$?
    ok "$exe $*: exit 2, one line naming $flag, nothing ran (exit $rc: $(head -c 160 "$T_TMP/err"))" \
        test $rc -eq 2 -a "$(wc -l <"$T_TMP/err")" -eq 1 -a ! -s "$T_TMP/out" -a \
        "$(grep -c -- "$flag" "$T_TMP/err")" -eq 1
}

flags_seen=0 executables=0
for path in "$RT_BIN"/bench_*; do
    exe=${path##*/}
    executables=$((executables + 1))
    # "  --name   help" then "   (validity; default ...)"
    "$RT_BIN/$exe" --help | awk '
        /^  --[a-z]/ { name = $1; next }
        name != "" && /^ +\(/ { sub(/^ +\(/, ""); sub(/; default .*/, ""); print name "\t" $0; name = "" }' \
        >"$T_TMP/flags"
    ok "$exe --help lists its flags in the form this test reads" test -s "$T_TMP/flags"
    while IFS=$'\t' read -r flag kind; do
        flags_seen=$((flags_seen + 1))
        case $kind in
        "an integer in "*)
            range=${kind#an integer in }; lo=${range%%..*}; hi=${range##*..}
            for v in abc 1.5 $((lo - 1)) $((hi + 1)); do check "$exe" "$flag" "$flag=$v"; done
            check "$exe" "$flag" "$flag" ;;
        "a number in "*)
            range=${kind#a number in }; lo=${range%%..*}; hi=${range##*..}
            below=$(awk -v x="$lo" 'BEGIN { print x - 1 }')
            above=$(awk -v x="$hi" 'BEGIN { print x * 10 + 1 }')
            for v in abc "$below" "$above"; do check "$exe" "$flag" "$flag=$v"; done
            check "$exe" "$flag" "$flag" ;;
        "one of "*)
            check "$exe" "$flag" "$flag=no-such-choice"
            check "$exe" "$flag" "$flag" ;;
        "yes or no")
            check "$exe" "$flag" "$flag=maybe" ;;
        "a non-empty value")
            check "$exe" "$flag" "$flag="
            check "$exe" "$flag" "$flag" ;;
        *)
            ok "$exe $flag: a kind this test knows ('$kind')" false ;;
        esac
    done <"$T_TMP/flags"
done
ok "flags read from --help: $flags_seen, of $executables executables (every build/bin/bench_*)" \
    test "$flags_seen" -ge 60 -a "$executables" -ge 6

# CPUs: one that does not exist, one this process may not use.
check bench_counter --cpus --cpus=4095
taskset -c 0 "$RT_BIN/bench_counter" --cpus=1 >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
ok "a CPU outside the allowed set (taskset -c 0, --cpus=1): exit 2 naming --cpus ($(head -c 160 "$T_TMP/err"))" \
    test $rc -eq 2 -a "$(grep -c -- --cpus "$T_TMP/err")" -eq 1
# An output file that cannot be written, refused before any work.
for out in "bench_scaling capacity-out" "bench_shim summary-out" "bench_counter tutorial-out --tutorial"; do
    read -r exe flag more <<<"$out"
    check "$exe" "--$flag" ${more:-} "--$flag=/proc/racetrack-no-such/$flag.json"
done
# A results folder that cannot be written, refused before anything starts.
"$RT_SOURCE/scripts/bench.sh" --quick --results /proc/racetrack-results >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
ok "bench.sh --results in /proc: exit 2 naming --results ($(head -c 160 "$T_TMP/err"))" \
    test $rc -eq 2 -a "$(grep -c -- --results "$T_TMP/err")" -eq 1
ok "and nothing started: no installing or building said" test ! -s "$T_TMP/out"
t_done
