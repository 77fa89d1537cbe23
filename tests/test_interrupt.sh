#!/usr/bin/env bash
# scripts/bench.sh stopped by SIGINT in the middle of a benchmark: it exits
# 130, the run is marked INCOMPLETE (saying why), what finished is intact
# and valid, the interrupted step leaves no partial file, and no process of
# the run is left.  Then SIGTERM at other moments (while installing and
# building, early in a benchmark, later): the same, exit 143.  (env
# --default-signal: a background job of a non-interactive shell starts with
# SIGINT ignored.)
source "$(dirname "$0")/lib.sh"
res=$T_TMP/results
env --default-signal=INT "$RT_SOURCE/scripts/bench.sh" --quick --only cost --results "$res" \
    >"$T_TMP/log" 2>&1 &
pid=$!
run=""
for _ in $(seq 600); do
    run=$(find "$res" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -1)
    [ -n "$run" ] && [ -e "$run/bench_create.json" ] && pgrep -f -- "$run/bench_ipc" >/dev/null && break
    sleep 0.1
done
ok "bench_create finished and bench_ipc is running" pgrep -f -- "$run/bench_ipc"
kill -INT "$pid"
wait "$pid"
rc=$?
ok "bench.sh exits 130 (exit $rc)" test $rc -eq 130
ok "the run is marked INCOMPLETE, saying why" grep -q "stopped by SIGINT" "$run/INCOMPLETE"
ok "what finished is valid JSON" jq -e '.benchmarks | length > 0' "$run/bench_create.json"
ok "environment.json is written and valid" jq -e '.pus >= 1' "$run/environment.json"
ok "no partial file of the interrupted step" test -z "$(find "$run" -name '*.tmp*')"
ok "no bench_ipc.json from the interrupted step" test ! -e "$run/bench_ipc.json"
sleep 0.5
ok "no process of the run is left" test "$(pgrep -f -- "$run" | wc -l)" -eq 0
ok "results/latest points to the run" test "$(readlink "$res/latest")" = "$(basename "$run")"

# "folder": while the run folder is being made, before any benchmark
# starts (a signal there once left the folder marked INCOMPLETE without a
# reason): bench.sh is held there for a second (RT_TEST_HOLD_FOLDER_S),
# so the signal lands in that step every time.
for delay in 0.2 folder 1.5 4; do
    res=$T_TMP/term-$delay
    hold=""
    [ "$delay" = folder ] && hold=1
    RT_TEST_HOLD_FOLDER_S=$hold "$RT_SOURCE/scripts/bench.sh" --quick --only cost --results "$res" \
        >/dev/null 2>&1 &
    pid=$!
    if [ "$delay" = folder ]; then
        for _ in $(seq 6000); do
            [ -n "$(find "$res" -mindepth 1 -maxdepth 1 -type d 2>/dev/null)" ] && break
            sleep 0.005
        done
    else
        sleep "$delay"
    fi
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    when="after ${delay}s"
    [ "$delay" = folder ] && when="as the run folder appears"
    run=$(find "$res" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -1)
    ok "SIGTERM $when: exit 143 (exit $rc)" test $rc -eq 143
    [ "$delay" = folder ] && ok "SIGTERM $when: the folder exists" test -n "$run"
    if [ -n "$run" ]; then
        ok "SIGTERM $when: INCOMPLETE says why" grep -q "stopped by SIGTERM" "$run/INCOMPLETE"
        ok "SIGTERM $when: every JSON left is valid" \
            test -z "$(find "$run" -name '*.json' -exec sh -c 'jq -e . "$1" >/dev/null 2>&1 || echo "$1"' _ {} \;)"
        ok "SIGTERM $when: no partial file" test -z "$(find "$run" -name '*.tmp*')"
    fi
    sleep 0.5
    ok "SIGTERM $when: no process of the run left" test "$(pgrep -fc -- "$res")" -eq 0
done
t_done
