#!/usr/bin/env bash
# deps.sh - install whatever racetrack needs that is missing, from Debian
# packages.  As root it runs apt-get; otherwise it prints the exact command
# and exits 2.
source "$(dirname "$0")/lib/common.sh"

# libbenchmark-dev must be 1.7.1 (CMake checks the exact version).  Installs
# skip recommended packages, so every tool the scripts and tests call is
# named here, even those most images already have: make (CMake's generator
# needs it), procps (pgrep, ps: the tests look for stray processes).
RT_PACKAGES=(
    cmake make g++ pkg-config
    libbenchmark-dev
    libhwloc-dev hwloc
    gnuplot-nox fonts-liberation
    jq procps
    valgrind          # tests: memcheck on a quick run of each benchmark
)

missing=()
for p in "${RT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    rt_log "racetrack needs: ${missing[*]}"
    rt_log "run as root: apt-get update && $cmd"
    exit 2
fi
rt_log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
