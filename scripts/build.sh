#!/usr/bin/env bash
# build.sh - configure and build racetrack (Release, -O2) into build/.
source "$(dirname "$0")/lib/common.sh"

cmake -S "$RT_ROOT" -B "$RT_BUILD" -DCMAKE_BUILD_TYPE="${RT_BUILD_TYPE:-Release}" >/dev/null
cmake --build "$RT_BUILD" -j "$(nproc)" >/dev/null
