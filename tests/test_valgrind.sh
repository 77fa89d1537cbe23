#!/usr/bin/env bash
# Valgrind memcheck on the small runs each area declares (NAME_valgrind in
# scripts/areas/), and at least one of every benchmark executable built:
# no invalid access and no use of uninitialised memory in the parent or in
# any forked child (they run under valgrind too: fork does not leave it;
# --error-exitcode makes either fail the run), and no definite leak in the
# parent.  Leaks are not counted in forked children: a child forked by one
# thread of a multithreaded parent cannot see the other threads' stacks, so
# what they point to looks lost when it _exits.  --fair-sched=yes: valgrind
# runs one thread at a time, and without a fair hand-over a spinning thread
# can hold the CPU while the thread it waits for never runs, so a spin
# wait's time swung from seconds to minutes.  Each run's time is printed.
# Skipped (77) without valgrind.
source "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || { echo "no valgrind"; exit 77; }
RT_ROOT=$RT_SOURCE
rt_log() { printf '%s\n' "$*" >&2; }
source "$RT_SOURCE/scripts/lib/areas.sh"
vg=(valgrind -q --fair-sched=yes --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=none
    --trace-children=no --log-file="$T_TMP/vg.%p")
runs=()
for area in "${RT_AREAS[@]}"; do
    declare -n list=${area}_valgrind
    runs+=("${list[@]}")
    unset -n list
done
for exe in "$RT_BIN"/bench_*; do
    exe=${exe##*/}
    covered=no
    for r in "${runs[@]}"; do [ "${r%% *}" = "$exe" ] && covered=yes; done
    ok "$exe has a valgrind run in its area's file (NAME_valgrind)" test $covered = yes
done
for r in "${runs[@]}"; do
    read -ra argv <<<"$r"
    exe=${argv[0]}
    rm -f "$T_TMP"/vg.*
    t0=$(date +%s.%N)
    "${vg[@]}" "$RT_BIN/$exe" "${argv[@]:1}" >"$T_TMP/out" 2>"$T_TMP/err" &
    pid=$!
    wait $pid
    rc=$?
    awk -v a="$t0" -v b="$(date +%s.%N)" -v r="$r" 'BEGIN { printf "valgrind %5.1f s: %s\n", b - a, r }'
    errors=$(cat "$T_TMP"/vg.* | grep -m1 -oE '(Invalid|Conditional|Syscall param|Mismatched)[^(]*' || true)
    ok "memcheck clean: $r (exit $rc${errors:+; $errors})" test $rc -eq 0
    ok "no definite leak in the parent: $exe" test -z "$(grep -E 'definitely lost: [1-9]' "$T_TMP/vg.$pid")"
done
t_done
