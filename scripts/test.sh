#!/usr/bin/env bash
# test.sh - install missing dependencies, build, run every test.
source "$(dirname "$0")/lib/common.sh"

"$RT_ROOT/scripts/deps.sh"
"$RT_ROOT/scripts/build.sh"
cd "$RT_BUILD"
# Serial on purpose: the lost-update tests need both cores to themselves.
ctest --output-on-failure "$@"
