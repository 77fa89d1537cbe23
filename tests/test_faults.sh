#!/usr/bin/env bash
# Faults, and after each one no process of the suite left running:
#   - fork fails (RLIMIT_NPROC, as an unprivileged user: root ignores it):
#     a clear error, no number for that point, the children that did start
#     reaped, the points before it intact;
#   - binding is not permitted (tests/nobind.c, LD_PRELOAD): the run goes on
#     unpinned, says so once, records it in the context and every label;
#   - no space left while writing results (a tmpfs with 8 KiB free): bench.sh fails
#     with an error, leaves no partial file, and the earlier run in the same
#     folder is intact.
# (A worker killed mid-run and SIGINT/SIGTERM are tests scaling, team and
# interrupt.)  Each part is skipped, saying why, where the machine cannot
# stage it.
source "$(dirname "$0")/lib.sh"
toy=(--capacity-trials=1 --capacity-ms=1 --calibrate-ms=1 --harness-rounds=1
     --benchmark_min_time=0.001)

# ---- fork fails ------------------------------------------------------------------
work=$(mktemp -d)
chmod 777 "$work"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
if ! command -v setpriv >/dev/null || ! command -v prlimit >/dev/null; then
    echo "skipped: fork failure (no setpriv or prlimit)"
elif ! as_nobody test -x "$RT_BIN/bench_scaling" -a -w "$work"; then
    # A build under a folder that user nobody cannot enter (a clone in /root).
    echo "skipped: fork failure (user nobody cannot run $RT_BIN/bench_scaling)"
else
    # 6 tasks for user nobody: the main thread and the capacity threads fit, a
    # team of 8 processes does not.
    as_nobody prlimit --nproc=6 \
        "$RT_BIN/bench_scaling" --workloads=sleep --modes=processes --scalings=weak \
        --io-max-workers=8 --sleep-weak-items=2 --sleep-us=100 "${toy[@]}" \
        --benchmark_out="$work/nproc.json" --benchmark_out_format=json >"$work/out" 2>"$work/err"
    rc=$?
    ok "fork fails: the program fails (exit $rc)" test $rc -eq 1
    ok "fork fails: it says which worker and why" \
        grep -qE "cannot fork worker process [0-9]+ of 8: Resource temporarily unavailable" "$work/out"
    jq_ok "fork fails: no number for that point" "$work/nproc.json" \
        '[.benchmarks[] | select(.name | test("workers:8/")) | has("items_per_second") | not] | all'
    jq_ok "fork fails: the points before it are intact" "$work/nproc.json" \
        '[.benchmarks[] | select(.name | test("workers:[124]/")) | .items_per_second > 0] | (length == 3 and all)'
    ok "fork fails: no process of user nobody left, running or zombie" test "$(pgrep -c -u 65534)" -eq 0
fi

# ---- binding not permitted ---------------------------------------------------------
if [ -r "${RT_NOBIND:-}" ]; then
    LD_PRELOAD=$RT_NOBIND "$RT_BIN/bench_scaling" --workloads=cpu --modes=threads,processes \
        --scalings=weak --cpu-max-workers=2 --cpu-steps=1000 --cpu-weak-items=2 "${toy[@]}" \
        --benchmark_out="$work/nobind.json" --benchmark_out_format=json >"$work/out" 2>"$work/err"
    rc=$?
    ok "no binding: the run goes on (exit $rc)" test $rc -eq 0
    ok "no binding: says so once" test "$(grep -c 'cannot bind threads to PUs here' "$work/err")" -eq 1
    jq_ok "no binding: recorded in the context" "$work/nobind.json" \
        '.context."placement.binding" | startswith("not permitted")'
    jq_ok "no binding: every run has data, and its label and counter say so" "$work/nobind.json" \
        '[.benchmarks[] | select(.run_type == "iteration") | .items_per_second > 0
          and (.label | test("binding=failed")) and .bind_failures >= 1] | all'
else
    echo "skipped: binding not permitted (RT_NOBIND is not built)"
fi

# ---- no space left -------------------------------------------------------------------
disk=$work/disk
mkdir -p "$disk"
if mount -t tmpfs -o size=200k tmpfs "$disk" 2>/dev/null; then
    mkdir -p "$disk/results/earlier"
    cp -r "$RT_SOURCE/tests/fixtures/run_a/." "$disk/results/earlier/"
    before=$(cd "$disk/results/earlier" && find . -type f -exec md5sum {} + | sort)
    # Leave 8 KiB free: room for the run folder and its logs, not for a result.
    free_kib=$(df -k --output=avail "$disk" | tail -1)
    head -c $(((free_kib - 8) * 1024)) /dev/zero >"$disk/filler" 2>/dev/null || true
    "$RT_SOURCE/scripts/bench.sh" --quick --only shim --results "$disk/results" >"$work/out" 2>"$work/err"
    rc=$?
    ok "disk full: bench.sh fails (exit $rc)" test $rc -ne 0
    ok "disk full: it says so" grep -qiE "no space left|wrote no valid JSON|disk full" "$work/err"
    ok "disk full: the earlier run is intact" \
        test "$(cd "$disk/results/earlier" && find . -type f -exec md5sum {} + | sort)" = "$before"
    ok "disk full: no partial file left" test -z "$(find "$disk" -name '*.tmp*')"
    ok "disk full: no empty or truncated JSON left" \
        test -z "$(find "$disk/results" -name '*.json' ! -path '*/earlier/*' -exec sh -c 'jq -e . "$1" >/dev/null 2>&1 || echo "$1"' _ {} \;)"
    ok "disk full: no process of the run left" test "$(pgrep -fc -- "$disk/results")" -eq 0
    umount "$disk"
else
    echo "skipped: disk full (cannot mount a tmpfs here)"
fi
rm -rf "$work"
t_done
