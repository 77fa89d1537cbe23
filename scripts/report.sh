#!/usr/bin/env bash
# report.sh - RUN/REPORT.md: the citable report of one run folder.  The
# machine in two lines, a table of headline figures, then one section per
# tutorial claim: the measured verdict in one sentence with its numbers, the
# plot (PNG, with the SVG beside it), how to reproduce it, and the noise
# check of the figure: every series with a point whose coefficient of
# variation over the repetitions (stddev / mean) is above --max-cv is named.
# Every number is read from the run's own files; a claim whose files are
# missing (an --only run, an interrupted one) says so instead.
# usage: scripts/report.sh [--max-cv F] RUN_DIR
source "$(dirname "$0")/lib/common.sh"

max_cv=0.05 run=""
while [ $# -gt 0 ]; do
    case $1 in
    --max-cv) [ $# -ge 2 ] || rt_usage_error "--max-cv: missing value; valid: a fraction in 0..1"
              max_cv=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) rt_usage_error "unknown flag '$1'; valid: --max-cv" ;;
    *) run=$1; shift ;;
    esac
done
[[ $max_cv =~ ^(0(\.[0-9]+)?|1)$ ]] || rt_usage_error "--max-cv: '$max_cv' is invalid; valid: a fraction in 0..1"
[ -d "$run" ] || rt_usage_error "RUN_DIR: '$run' is not a run folder"
[ -r "$run/environment.json" ] || rt_usage_error "RUN_DIR: '$run' has no environment.json"

# The median of SERIES at X in TSV (empty if absent).
med() { awk -F'\t' -v s="$2" -v x="$3" 'NR > 1 && $1 == s && $2 == x { print $6; exit }' "$1" 2>/dev/null; }
# printf with a number that may be missing: "n/a" then.
num() { local fmt=$1 v=$2; if [ -n "$v" ]; then LC_ALL=C printf "$fmt" "$v"; else printf 'n/a'; fi; }
# awk arithmetic on figures that may be missing: empty if any of them is.
calc() {   # EXPR VALUE...: EXPR uses a, b, c for the values
    local v
    for v in "${@:2}"; do [ -n "$v" ] || return 0; done
    LC_ALL=C awk -v a="${2:-}" -v b="${3:-}" -v c="${4:-}" "BEGIN { print $1 }" </dev/null
}
have() { for f in "$@"; do [ -r "$run/$f" ] || return 1; done; }

# The repetitions behind each figure: the TSVs whose rows (one per point,
# with n, mean and stddev) the noise check reads.
noise_tsvs() {
    case $1 in
    scaling_cpu_speedup) echo scaling_cpu_paired.tsv ;;
    scaling_*_speedup) echo "${1%_speedup}_throughput.tsv" ;;
    create_cost) echo create_ns.tsv ;;
    pingpong_rtt) echo pingpong_rtt_ns.tsv ;;
    gil_cpu_speedup) echo gil_cpu_paired.tsv ;;
    gil_convoy) echo gil_convoy_ops.tsv ;;
    convoy_emulated_vs_real) echo gil_convoy_ops.tsv cpython_convoy_ops.tsv ;;
    *) echo "$1.tsv" ;;
    esac
}

# One line: the noise verdict of a figure.  A point counts when it has at
# least 2 repetitions and a mean of at least 1 % of the largest in its TSVs
# (the spread of a value near nothing on the figure's scale is not what a
# reader sees; a CDF's tail, a rate near zero).
noise() {
    local fig=$1 files=() f
    for f in $(noise_tsvs "$fig"); do [ -r "$run/$f" ] && files+=("$run/$f"); done
    [ ${#files[@]} -gt 0 ] || return 0
    awk -F'\t' -v max="$max_cv" '
        FNR == 1 { next }
        { rows[++n] = $0; if ($4 > top) top = $4 }
        END {
            for (i = 1; i <= n; i++) {
                split(rows[i], f, "\t")
                if (f[3] < 2 || f[4] < top * 0.01 || f[4] <= 0) continue
                points++; cv = f[5] / f[4]
                if (cv > max) { bad++; if (cv > worst[f[1]]) { worst[f[1]] = cv; at[f[1]] = f[2] } }
            }
            if (!bad) { printf "Noise: every one of the %d points has a coefficient of variation at most %.0f %%.\n", points, 100 * max; exit }
            printf "Noise: **%d of %d points have a coefficient of variation over %.0f %%**; read these series with care:", bad, points, 100 * max
            sep = " "
            for (s in worst) { printf "%s%s (up to %.0f %% at %s)", sep, s, 100 * worst[s], at[s]; sep = "; " }
            print "."
        }' "${files[@]}"
}

figure() {   # BASE ALT: the plot, if drawn, and the noise check of its data
    echo
    [ -r "$run/$1.png" ] && { echo "![$2]($1.png) ([SVG]($1.svg))"; echo; }
    noise "$1"
}

reproduce() {
    echo
    echo "Reproduce: \`scripts/bench.sh --only $1\` (the whole area, into a new run folder), or $2"
}

fact() { jq -r "$RT_JQ_DEFS$1" "$run/environment.json"; }

headline=$(mktemp) body=$(mktemp)
trap 'rm -f "$headline" "$body"' EXIT
row() { printf '| %s | %s | %s |\n' "$1" "$2" "$3" >>"$headline"; }

# ---- claim 1: counter += 1 ---------------------------------------------------------
claim_counter() {
    echo "## 1. \`counter += 1\` loses updates; a lock fixes it, at a price"
    echo
    if ! have counter_tutorial.json counter_ns_per_increment.tsv; then
        echo "Not measured in this run."; return
    fi
    local t lost pct racy mutex atomic locked_lost
    t=$run/counter_tutorial.json
    lost=$(jq -r '.variants[] | select(.variant == "racy") | .lost | sort | .[length / 2 | floor]' "$t")
    pct=$(jq -r '.variants[] | select(.variant == "racy") | (.lost | sort | .[length / 2 | floor]) / .expected * 100' "$t")
    racy=$(med "$run/counter_ns_per_increment.tsv" counter/racy 2)
    mutex=$(med "$run/counter_ns_per_increment.tsv" counter/mutex 2)
    atomic=$(med "$run/counter_ns_per_increment.tsv" counter/atomic-seq-cst 2)
    locked_lost=$(jq -r '[.variants[] | select(.variant == "mutex" or .variant == "atomic-seq-cst") | .lost | max] | max // empty' "$t")
    echo "**Verdict:** \`counter += 1\` lost $(num %.1f "$pct") % of updates with $(jq -r .workers "$t") threads" \
         "($lost of $(jq -r '.variants[] | select(.variant == "racy") | .expected' "$t"), median of $(jq -r .trials "$t") trials); a mutex cost" \
         "$(num %.1f "$(calc 'a - b' "$mutex" "$racy")") ns per increment more than the unlocked increment" \
         "($(num %.1f "$mutex") ns against $(num %.1f "$racy") ns per increment per worker, 2 workers), an atomic add" \
         "$(num %.1f "$(calc 'a - b' "$atomic" "$racy")") ns more, and with either $( [ "$locked_lost" = 0 ] && echo "no update was lost" || echo "**$locked_lost updates were still lost**")" \
         "in $(jq -r .trials "$t") trials."
    row "updates lost by \`counter += 1\`, $(jq -r .workers "$t") threads" "$(num %.1f "$pct") %" "median of $(jq -r .trials "$t") trials"
    row "a mutex's price per increment, 2 workers" "$(num %.1f "$(calc 'a - b' "$mutex" "$racy")") ns" "over the unlocked increment"
    figure counter_lost_fraction "fraction of updates lost"
    figure counter_ns_per_increment "cost per increment"
    reproduce counter "\`build/bin/bench_counter --tutorial --variants all --trials $(jq -r .trials "$t")\`."
}

# ---- claim 2: threads for waiting, processes for computing ---------------------------
claim_scaling() {
    echo "## 2. Threads for waiting, processes for computing"
    echo
    if ! have scaling_cpu_speedup.tsv scaling_sleep_speedup.tsv scaling_capacity.json; then
        echo "Not measured in this run."; return
    fi
    local pus most_io c_t c_p s_t s_p cap
    pus=$(jq -r .pus "$run/scaling_capacity.json")
    cap=$(jq -r '[.before.capacity, .after.capacity] | min' "$run/scaling_capacity.json")
    most_io=$(awk -F'\t' 'NR > 1 && $2 > m { m = $2 } END { print m }' "$run/scaling_sleep_speedup.tsv")
    c_t=$(med "$run/scaling_cpu_speedup.tsv" scaling/cpu/strong/threads "$pus")
    c_p=$(med "$run/scaling_cpu_speedup.tsv" scaling/cpu/strong/processes "$pus")
    s_t=$(med "$run/scaling_sleep_speedup.tsv" scaling/sleep/weak/threads "$most_io")
    s_p=$(med "$run/scaling_sleep_speedup.tsv" scaling/sleep/weak/processes "$most_io")
    echo "**Verdict:** in C, computing work on $pus workers ran $(num %.2f "$c_t")x one worker's rate as threads" \
         "and $(num %.2f "$c_p")x as processes (parallel capacity measured at $(num %.2f "$cap") of $pus PUs)," \
         "and $most_io sleeping workers ran $(num %.1f "$s_t")x as threads and $(num %.1f "$s_p")x as processes:" \
         "without a GIL the kind of worker hardly matters; the machine's capacity and the kind of work do."
    row "CPU-bound speedup at $pus workers, threads / processes (C)" "$(num %.2f "$c_t") / $(num %.2f "$c_p")" "capacity $(num %.2f "$cap") of $pus PUs"
    row "sleeping speedup at $most_io workers, threads / processes" "$(num %.1f "$s_t") / $(num %.1f "$s_p")" "weak scaling"
    figure scaling_cpu_speedup "CPU-bound speedup"
    figure scaling_sleep_speedup "sleeping speedup"
    figure scaling_tcp_speedup "loopback TCP speedup"
    figure scaling_crossover "mixed work as waiting grows"
    reproduce scaling "\`build/bin/bench_scaling --workloads=cpu,sleep --benchmark_repetitions=5\`."
}

# ---- claim 3: creating and talking -------------------------------------------------
claim_cost() {
    echo "## 3. Threads are cheap to create and share memory; processes are expensive and need IPC"
    echo
    if ! have create_ns.tsv pingpong_rtt_ns.tsv; then
        echo "Not measured in this run."; return
    fi
    local th fk sp pt pp pair
    th=$(med "$run/create_ns.tsv" create/thread/join 1)
    fk=$(med "$run/create_ns.tsv" create/process/fork 1)
    sp=$(med "$run/create_ns.tsv" create/process/posix_spawn 1)
    # The closest two cores the run has (a VM may give each core its own L3).
    for pair in other-core other-l3 other-package; do
        pt=$(med "$run/pingpong_rtt_ns.tsv" "pingpong/pipe/threads/$pair" 1)
        [ -z "$pt" ] || break
    done
    pp=$(med "$run/pingpong_rtt_ns.tsv" "pingpong/pipe/processes/$pair" 1)
    echo "**Verdict:** creating, running and joining a thread took $(num %.1f "$(calc 'a / 1000' "$th")") µs;" \
         "fork + exit + wait took $(num %.1f "$(calc 'a / 1000' "$fk")") µs ($(num %.1f "$(calc 'a / b' "$fk" "$th")")x)" \
         "and posix_spawn of a program $(num %.1f "$(calc 'a / 1000' "$sp")") µs; but a pipe round trip between" \
         "two threads on different cores ($pair) took $(num %.1f "$(calc 'a / 1000' "$pt")") µs and between two processes" \
         "$(num %.1f "$(calc 'a / 1000' "$pp")") µs: processes cost at creation, not in talking."
    row "create + join a thread / fork + exit + wait" "$(num %.1f "$(calc 'a / 1000' "$th")") / $(num %.1f "$(calc 'a / 1000' "$fk")") µs" "1 creator"
    row "pipe round trip, $pair: threads / processes" "$(num %.1f "$(calc 'a / 1000' "$pt")") / $(num %.1f "$(calc 'a / 1000' "$pp")") µs" "ping-pong"
    figure create_cost "creation cost"
    figure fork_size "fork against parent memory"
    figure pingpong_rtt "ping-pong round trips"
    figure stream_throughput "streaming throughput"
    reproduce cost "\`build/bin/bench_create\` and \`build/bin/bench_ipc --benchmark_filter=pingpong\`."
}

# ---- claim 4: the GIL ----------------------------------------------------------------
claim_gil() {
    echo "## 4. The GIL lets threads help waiting work, not computing work"
    echo
    if ! have gil_cpu_speedup.tsv gil_convoy_slowdown.tsv; then
        echo "Not measured in this run."; return
    fi
    local new2 old2 proc2 conv real2="" realconv="" pus
    pus=$(fact .pus)
    new2=$(med "$run/gil_cpu_speedup.tsv" gil/cpu/threads-new 2)
    old2=$(med "$run/gil_cpu_speedup.tsv" gil/cpu/threads-old 2)
    proc2=$(med "$run/gil_cpu_speedup.tsv" gil/cpu/processes 2)
    conv=$(med "$run/gil_convoy_slowdown.tsv" emulated/echo/threads-new/beside-1cpu 5000)
    if have cpython_cpu_speedup.tsv cpython_convoy_slowdown.tsv; then
        real2=" (real CPython $(jq -r .context.python "$run/cpython_gil.json"): $(num %.2f "$(med "$run/cpython_cpu_speedup.tsv" cpython/cpu/threads-new 2)")x)"
        realconv=" (real: $(num %.0f "$(med "$run/cpython_convoy_slowdown.tsv" cpython/echo/threads-new/beside-1cpu 5000)")x)"
    fi
    echo "**Verdict:** under an emulated CPython 3 GIL, 2 CPU-bound threads ran $(num %.2f "$new2")x one thread's rate$real2," \
         "under the old GIL $(num %.2f "$old2")x, and as 2 processes $(num %.2f "$proc2")x; an I/O thread doing" \
         "echo round trips beside one CPU-bound thread ran $(num %.0f "$conv")x slower$realconv at the default 5 ms" \
         "switch interval (the convoy effect), while sleeping threads scaled as without a GIL."
    row "CPU-bound, 2 threads / 1 under the new GIL (emulated)" "$(num %.2f "$new2")x" "processes $(num %.2f "$proc2")x"
    row "convoy: echo thread's slowdown beside 1 CPU thread, 5 ms" "$(num %.0f "$conv")x" "emulated new GIL"
    figure gil_cpu_speedup "CPU-bound speedup under a GIL"
    figure convoy_emulated_vs_real "convoy slowdown, emulated and real"
    figure convoy_latency_cdf "I/O latency alone and beside a CPU thread"
    figure gil_handoffs "GIL hand-offs per second"
    reproduce gil "\`build/bin/bench_gil --benchmark_filter=convoy\` and \`python3 scripts/cpython_gil.py --out real.json\`."
}

{
    claim_counter; echo
    claim_scaling; echo
    claim_cost; echo
    claim_gil; echo
    echo "## All tables"
    echo
    if [ -r "$run/SUMMARY.md" ]; then
        echo "Every figure above, and the rest, in tables: [SUMMARY.md](SUMMARY.md)."
    else
        echo "No SUMMARY.md in this run (an incomplete run)."
    fi
} >"$body"

{
    echo "# racetrack report: $(fact .host), $(fact .date)"
    echo
    fact '"\(.cpu_model), \(.pus) PUs / \(.cores) cores / \(.packages) package(s), SMT \(.smt // "unknown"), virtual machine: \(.virtual), container: \(.container // "none");"'
    fact '"\(.kernel), \(.compiler), `\(.cflags // "flags unknown")`, Google Benchmark \(.google_benchmark); \(.profile // "unknown") profile, \(.repetitions // "?") repetitions, policy \(.policy // "?"), parallel capacity \(if .capacity then "\(.capacity.before | f2) before, \(.capacity.after | f2) after" else "not measured" end), load \(.load_before) before and \(.load_after) after."'
    [ -e "$run/INCOMPLETE" ] && { echo; echo "**This run is INCOMPLETE**: it was stopped or a benchmark failed; what is here finished, the rest is missing."; }
    echo
    echo "| headline | measured | note |"
    echo "| --- | ---: | --- |"
    cat "$headline"
    echo
    cat "$body"
} | rt_atomic_write "$run/REPORT.md"
echo "$run/REPORT.md"
