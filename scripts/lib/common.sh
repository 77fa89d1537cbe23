# common.sh - sourced by every racetrack script.
set -euo pipefail

RT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RT_BUILD="${RT_BUILD:-$RT_ROOT/build}"
RT_BIN="$RT_BUILD/bin"

rt_log() { printf '%s\n' "$*" >&2; }

# jq definitions for a script's filter to start with.  f2: a non-negative
# number with two decimals, as printf's %.2f (jq's round / 100 prints 2 for
# 1.996 and 1.9 for 1.90).
RT_JQ_DEFS='def f2: . * 100 | round | "\(. / 100 | floor).\(. % 100 | if . < 10 then "0" else "" end)\(. % 100)";'

# One line naming the problem, exit status 2.
rt_usage_error() {
    printf '%s: %s\n' "$(basename "$0")" "$*" >&2
    exit 2
}

# Write stdin to a file atomically: readers see the old file or the new one.
rt_atomic_write() {
    local dest=$1 tmp
    tmp=$(mktemp "$dest.tmp.XXXXXX")
    if cat >"$tmp"; then
        mv -f "$tmp" "$dest"
    else
        rm -f "$tmp"
        return 1
    fi
}
