#!/usr/bin/env bash
# fidelity.sh - the emulated GIL against real CPython, one line per run and
# GIL, from runs' SUMMARY.md (their "Emulated new/old GIL vs real CPython"
# tables, written by summary.sh) and environment.json (the commit):
#   run | commit | GIL | CPU 2/1 (95 % interval) | one CPU | convoy within 2x |
#   order | order where real ranks | bias | farthest cell | misses
# each figure emulated / real, as the summary prints it: the CPU-bound
# 2-thread/1-thread ratio (target: within 15 %), the same on one CPU, how
# many convoy cells are within 2x of real's slowdown, how many pairs of
# cells rank the same way (all, then those real's own rounds rank), the
# geometric mean of the cells' ratios (1: no bias), the cell farthest from
# real's (in either direction), and every cell that missed its target, each
# with its ratio and interval.  A run whose comparison
# was skipped (no python3 or python2.7) has no line for that GIL.  Used for
# the README's "How faithful is it?" and results/HISTORY.md.
# usage: fidelity.sh RUN_DIR...
source "$(dirname "$0")/lib/common.sh"

[ $# -ge 1 ] || rt_usage_error "RUN_DIR: at least one run folder; usage: fidelity.sh RUN_DIR..."
case $1 in -h|--help) sed -n '2,17p' "$0"; exit 0 ;; esac
for run in "$@"; do
    case $run in -*) rt_usage_error "unknown flag '$run'; valid: --help, then RUN_DIR..." ;; esac
    [ -r "$run/SUMMARY.md" ] || rt_usage_error "RUN_DIR: '$run' has no readable SUMMARY.md"
done

echo "| run | commit | GIL | CPU 2/1 (95 % interval) | one CPU | convoy within 2x | order | order where real ranks | bias | farthest cell | misses |"
echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
for run in "$@"; do
    commit=$(jq -r '.source.commit // "unknown" | .[0:7]' "$run/environment.json" 2>/dev/null || echo unknown)
    code=$(jq -r '.source.code // ""' "$run/environment.json" 2>/dev/null || true)
    [ "$code" = clean ] || [ -z "$code" ] || commit="$commit ($code)"
    awk -F' *[|] *' -v run="$(basename "$(cd "$run" && pwd -P)")" -v commit="$commit" '
        function flush() {
            if (gil == "") return
            if (cells == 0 && cpu == "") { gil = ""; return }
            printf "| %s | %s | %s | %s | %s | %d of %d | %s | %s | %s | %s | %s |\n", run, commit,
                   gil, cpu == "" ? "-" : cpu, one == "" ? "-" : one, within, cells,
                   order == "" ? "-" : order, ranked == "" ? "-" : ranked,
                   bias == "" ? "-" : bias, far == "" ? "-" : far, misses == "" ? "none" : misses
            gil = ""
        }
        /^\*\*Emulated (new|old) GIL vs real CPython/ {
            flush()
            gil = $0; sub(/^\*\*Emulated /, "", gil); sub(/ GIL vs.*/, "", gil)
            cpu = one = order = ranked = bias = misses = far = ""; cells = within = farlog = 0
            next
        }
        gil == "" { next }
        # | experiment | emulated | real | emulated / real | [95 % interval |] within target |
        # (summaries before 3 December have no interval column)
        /^\| experiment \|/ {
            ratio = ci = ok = 0
            for (i = 2; i < NF; i++) {
                if ($i == "emulated / real") ratio = i
                if ($i == "95 % interval") ci = i
                if ($i == "within target") ok = i
            }
            next
        }
        /^\| CPU-bound: 2 threads/ { cpu = $ratio (ci ? " (" $ci ")" : ""); next }
        /^\| CPU-bound, one CPU/ { one = $ratio; next }
        /^\| convoy slowdown, / {
            cells++
            cell = $2; sub(/^convoy slowdown, /, "", cell); sub(/ us$/, " µs", cell)
            cell = cell " " $ratio (ci ? " (" $ci ")" : "")
            dist = $ratio > 0 ? log($ratio + 0) : 0
            if (dist < 0) dist = -dist
            if (far == "" || dist > farlog) { far = cell; farlog = dist }
            if ($ok == "yes") within++
            else misses = misses (misses == "" ? "" : "; ") cell
            next
        }
        /^Convoy order: / { match($0, /\([0-9]+ %\)/); order = substr($0, RSTART + 1, RLENGTH - 2); next }
        /^Of those [0-9]+ pairs, real CPython/ {
            # "... rank R: ... The emulation ranks S of the R the same way ..."
            r = $0; sub(/.* rank /, "", r); sub(/:.*/, "", r)
            s = $0; sub(/.*The emulation ranks /, "", s); sub(/ of .*/, "", s)
            ranked = s " of " r
            next
        }
        /^Convoy bias: / { b = $0; sub(/.*geometric mean of /, "", b); sub(/ .*/, "", b); bias = b; next }
        /^\*\*/ { flush() }
        END { flush() }' "$run/SUMMARY.md"
done
