#!/usr/bin/env bash
# Nothing escapes the loops: every area file (scripts/areas/NN-NAME.sh)
# loads, says what it is, has its checks (tests/area_NAME.sh) and its
# quick-profile test registered with CTest (quick_NAME), and is listed by
# bench.sh --help; every benchmarks/bench_*.c is built, run by an area and
# given a valgrind run there.  The same check run on a copy with one area
# and one executable too many must name both.
source "$(dirname "$0")/lib.sh"
: "${RT_CTEST_FILE:?RT_CTEST_FILE must point at the CTestTestfile.cmake of build/tests}"

# Prints one line per thing that escapes; SOURCE is a source tree, BIN its
# build/bin.
escapes() {   # SOURCE BIN
    local src=$1 bin=$2 f name exe
    (
        RT_ROOT=$src
        rt_log() { printf '%s\n' "$*"; }
        # shellcheck source=/dev/null
        source "$src/scripts/lib/areas.sh" || { echo "scripts/lib/areas.sh does not load"; exit 0; }
        help=$("$src/scripts/bench.sh" --help)
        for name in "${RT_AREAS[@]}"; do
            [ -n "$(rt_area_var "$name" about)" ] || echo "area $name: no ${name}_about"
            [ -r "$src/tests/area_$name.sh" ] || echo "area $name: no tests/area_$name.sh"
            grep -qF "add_test([=[quick_$name]=]" "$RT_CTEST_FILE" || echo "area $name: no quick_$name test in CTest"
            grep -qE "^ +$name +" <<<"$help" || echo "area $name: not in bench.sh --help"
        done
        for f in "$src"/benchmarks/bench_*.c; do
            exe=$(basename "$f" .c)
            [ -x "$bin/$exe" ] || echo "$exe: not built"
            grep -qE "(run_bench |RT_BIN/)$exe\b" "$src"/scripts/areas/*.sh || echo "$exe: run by no area"
            covered=no
            for name in "${RT_AREAS[@]}"; do
                declare -n list=${name}_valgrind
                for r in "${list[@]}"; do [ "${r%% *}" = "$exe" ] && covered=yes; done
                unset -n list
            done
            [ $covered = yes ] || echo "$exe: no valgrind run in any area"
        done
    )
}

found=$(escapes "$RT_SOURCE" "$RT_BIN")
ok "every area and every executable is in the loops${found:+: $found}" test -z "$found"

# One area and one executable too many.
copy=$T_TMP/src
mkdir -p "$copy/tests" "$copy/benchmarks"
cp -r "$RT_SOURCE/scripts" "$copy/"
cp "$RT_SOURCE"/tests/area_*.sh "$copy/tests/"
cp "$RT_SOURCE"/benchmarks/bench_*.c "$copy/benchmarks/"
cat >"$copy/scripts/areas/99-stray.sh" <<'AREA'
stray_about="an area nobody tests"
stray_files="stray.json"
stray_valgrind=()
stray_run() { :; }
AREA
: >"$copy/benchmarks/bench_stray.c"
found=$(escapes "$copy" "$RT_BIN")
ok "a stray area is named: its checks, its quick test" \
    test "$(grep -c '^area stray: no \(tests/area_stray.sh\|quick_stray test\)' <<<"$found")" -eq 2
ok "a stray executable is named: not built, run by no area, no valgrind run" \
    test "$(grep -c '^bench_stray: ' <<<"$found")" -eq 3
t_done
