#!/usr/bin/env bash
# test.sh - install missing dependencies, build, run every test; then the
# same tests under AddressSanitizer + UndefinedBehaviorSanitizer, and the
# ThreadSanitizer checks (scripts/sanitize.sh).
source "$(dirname "$0")/lib/common.sh"

"$RT_ROOT/scripts/deps.sh"
"$RT_ROOT/scripts/build.sh"
cd "$RT_BUILD"
# Serial on purpose: the lost-update tests need both cores to themselves.
status=0
ctest --output-on-failure "$@" || status=1
# With no arguments (CI), the sanitizer builds too.
[ $# -gt 0 ] || "$RT_ROOT/scripts/sanitize.sh" all || status=1
exit $status
