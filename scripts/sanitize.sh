#!/usr/bin/env bash
# sanitize.sh - build racetrack under sanitizers and run the tests there.
#   asan   AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/):
#          every test but those that run bench.sh end to end (quick_*,
#          loud_failures, soak), which build and run the normal build, and
#          those that run valgrind (which cannot run a sanitized executable)
#   tsan   ThreadSanitizer (build-tsan/): tests/test_tsan.sh, the
#          lost-update demonstration (TSan reports the volatile and plain
#          counters, and is silent on the relaxed-atomic racy one and on
#          every locked variant) and the machinery's unit tests, clean
# usage: scripts/sanitize.sh [asan|tsan|all] [ctest flags]
source "$(dirname "$0")/lib/common.sh"

kind=${1:-all}
[ $# -gt 0 ] && shift
case $kind in asan|tsan|all) ;;
*) rt_usage_error "'$kind' is not a sanitizer build; valid: asan, tsan, all" ;;
esac
"$RT_ROOT/scripts/deps.sh"

build() {   # DIR SANITIZERS
    cmake -S "$RT_ROOT" -B "$1" -DCMAKE_BUILD_TYPE=Release -DRT_SANITIZE="$2" >/dev/null
    cmake --build "$1" -j "$(nproc)" >/dev/null
}

status=0
if [ "$kind" = asan ] || [ "$kind" = all ]; then
    build "$RT_ROOT/build-asan" address,undefined
    rt_log "racetrack: tests under AddressSanitizer + UndefinedBehaviorSanitizer"
    (cd "$RT_ROOT/build-asan" &&
        ASAN_OPTIONS=detect_leaks=1:handle_segv=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --output-on-failure -E '^(quick_.*|interrupt|tsan|valgrind|footprint_count|footprint_python|faults|loud_failures|soak)$' "$@") || status=1
fi
if [ "$kind" = tsan ] || [ "$kind" = all ]; then
    build "$RT_ROOT/build-tsan" thread
    rt_log "racetrack: tests under ThreadSanitizer"
    (cd "$RT_ROOT/build-tsan" &&
        ctest --output-on-failure -R '^tsan$' "$@") ||
        status=1
fi
exit $status
