# strict.sh - for the scripts that make a run's derived files (derive.sh,
# summary.sh, report.sh; sourced after common.sh).  `set -e` misses a
# failure inside $(...) that is an argument, and any inside a function
# called in a condition; these wrappers count every failing jq and awk
# wherever it runs, and rt_strict_check, at the script's end, fails the
# script if any did.  A table is then never committed a row short.
RT_STRICT_LOG=$(mktemp)
trap 'rm -f "$RT_STRICT_LOG"' EXIT
# What set -e stops on, it names: the script, the line and the command.
set -E
trap 'rt_strict_failed $? "$LINENO" "$BASH_COMMAND" "${FUNCNAME[*]:-main}"' ERR
rt_strict_failed() {   # in the script's own shell only, not in each $(...) below it
    [ "$BASHPID" != "$$" ] || rt_log "$(basename "$0"): failed (status $1) at line $2 ($4): $3"
}

jq() {
    local rc=0 a e=0
    command jq "$@" || rc=$?
    # jq -e exits 1 for a false or null answer: an answer, not a failure.
    for a in "$@"; do [[ $a =~ ^-[a-z]*e[a-z]*$ ]] && e=1; done
    if [ $rc -gt 1 ] || { [ $rc -eq 1 ] && [ $e -eq 0 ]; }; then
        printf 'jq exited %d\n' "$rc" >>"$RT_STRICT_LOG"
    fi
    return $rc
}

awk() {
    local rc=0
    command awk "$@" || rc=$?
    [ $rc -eq 0 ] || printf 'awk exited %d\n' "$rc" >>"$RT_STRICT_LOG"
    return $rc
}

# Fails (status 1, one line) if any wrapped command failed so far.
rt_strict_check() {
    [ -s "$RT_STRICT_LOG" ] || return 0
    rt_log "$(basename "$0"): $(wc -l <"$RT_STRICT_LOG") jq or awk command(s) failed: $(sort "$RT_STRICT_LOG" | uniq -c | tr -s ' \n' ' ')"
    return 1
}
