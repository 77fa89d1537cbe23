# lib.sh - assertions for the shell tests; sourced.  Ends with a
# "N passed, N failed" line and a matching exit status (t_done).
set -uo pipefail
: "${RT_BIN:?RT_BIN must point at build/bin}" "${RT_SOURCE:?RT_SOURCE must point at the source tree}"
t_passed=0 t_failed=0
T_TMP=$(mktemp -d)
trap 'rm -rf "$T_TMP"' EXIT

ok() {   # ok DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then t_passed=$((t_passed + 1)); else
        t_failed=$((t_failed + 1)); echo "FAILED: $what" >&2; fi
}

# jq_ok DESCRIPTION FILE FILTER: the filter must print true.
jq_ok() {
    local what=$1 file=$2 filter=$3
    ok "$what" test "$(jq -r "$filter" "$file" 2>&1)" = true
}

t_done() {
    echo "$t_passed passed, $t_failed failed"
    [ "$t_failed" -eq 0 ]
    exit $?
}
