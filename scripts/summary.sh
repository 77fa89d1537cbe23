#!/usr/bin/env bash
# summary.sh - the headline numbers of one run folder as Markdown, written
# to RUN/SUMMARY.md (and printed).  Every figure is read from the run's own
# files.  With LINK_PREFIX (update_readme.sh passes "plots/") the images are
# linked under that prefix and the text is only printed, RUN is not touched.
# usage: scripts/summary.sh RUN_DIR [LINK_PREFIX]
source "$(dirname "$0")/lib/common.sh"

run=${1:-}
prefix=${2:-}
[ -d "$run" ] || rt_usage_error "RUN_DIR: '$run' is not a run folder"
text=$(mktemp)
trap 'rm -f "$text"' EXIT
for f in environment.json counter_tutorial.json counter_ns_per_increment.tsv shim_summary.json; do
    [ -r "$run/$f" ] || rt_usage_error "RUN_DIR: '$run' has no $f (an incomplete run?)"
done

# The bootstrap of the emulated / real rows (ratio_ci.awk) and of the
# convoy's order (order_ci.awk): how many resamples, and the interval's
# central share.
RESAMPLES=2000
LEVEL=0.95
# One worker under a GIL against one without: the share either way outside
# which polling the GIL costs more than CPython's eval-breaker check does.
POLL_BOUND=0.1

# LEVEL as a percentage: 0.95 -> 95
pct() { awk -v x="$1" 'BEGIN { printf "%g", 100 * x }'; }

# median of series $1 at workers $2 in TSV $3, with the given printf format
cell() {
    awk -F'\t' -v s="$1" -v w="$2" -v fmt="$4" \
        'NR > 1 && $1 == s && $2 == w { printf fmt, $6; found = 1 } END { if (!found) printf "-" }' "$3"
}

# awk helpers: a rate without exponents; whether two quartile ranges meet
# (if they do, the two medians differ by less than the runs' own spread).
awk_lib='
    function rate(x) { return x >= 100 ? sprintf("%.0f", x) : sprintf("%.3g", x) }
    function overlap(a1, a3, b1, b3) { return (a1 <= b3 && b1 <= a3) ? "overlap" : "apart" }
'

# A Markdown table from a long TSV: rows are categories, columns groups,
# cells the median times SCALE in FORMAT.  KEY is "x" (category = the
# series minus its first field, a column per x value) or a field number K
# (category = field K of the series, a column per remaining fields).
pivot() {   # TSV KEY SCALE FORMAT CORNER
    awk -F'\t' -v key="$2" -v scale="$3" -v fmt="$4" -v corner="$5" '
        NR == 1 { next }
        {
            n = split($1, f, "/"); cat = ""; grp = ""
            for (i = 2; i <= n; i++) {
                if (key != "x" && i == key + 0) continue
                grp = grp (grp == "" ? "" : "/") f[i]
            }
            if (key == "x") { cat = grp; grp = $2 } else cat = f[key + 0]
            if (!(cat in sc)) { sc[cat] = 1; cats[++nc] = cat }
            if (!(grp in sg)) { sg[grp] = 1; grps[++ng] = grp }
            v[cat, grp] = $6 * scale
        }
        END {
            if (key == "x")              # numeric columns in order
                for (a = 1; a < ng; a++) for (b = a + 1; b <= ng; b++)
                    if (grps[a] + 0 > grps[b] + 0) { t = grps[a]; grps[a] = grps[b]; grps[b] = t }
            line = "| " corner; rule = "| ---"
            for (g = 1; g <= ng; g++) { line = line " | " grps[g]; rule = rule " | ---:" }
            print line " |"; print rule " |"
            for (c = 1; c <= nc; c++) {
                line = "| " cats[c]
                for (g = 1; g <= ng; g++)
                    line = line " | " ((cats[c], grps[g]) in v ? sprintf(fmt, v[cats[c], grps[g]]) : "-")
                print line " |"
            }
        }' "$1"
}

# Creation and communication costs, from bench_create's and bench_ipc's TSVs.
cost_summary() {
    echo
    echo "**Creating a thread or a process** (\`bench_create\`; µs per creation, created, run and waited for; median of repetitions; columns: creators at once):"
    echo
    pivot "$run/create_ns.tsv" x 0.001 %.2f "kind \\ creators"
    echo
    echo "**fork against the parent's touched memory** (µs; fork_only times the parent's fork() call, fork_exit_wait the whole):"
    echo
    pivot "$run/fork_size.tsv" x 0.001 %.1f "MiB touched →"
    echo
    echo "**Ping-pong between two workers: ROUND TRIP** (\`bench_ipc\`, µs; one way is half; one-worker is the same posts and waits with no partner, the cost to subtract; columns: mode/pair placement):"
    echo
    pivot "$run/pingpong_rtt_ns.tsv" 2 0.001 %.2f "mechanism"
    echo
    echo "**One-way streaming throughput** (MB/s = 10^6 bytes/s; columns: message size in bytes):"
    echo
    pivot "$run/stream_throughput.tsv" x 0.000001 %.1f "stream/mode/pair"
    echo
    echo "**Wake-up lateness** (µs after the signal or the deadline; $(jq -r '.context."wakeup.timer_slack_ns" // "?"' "$run/bench_ipc.json") ns timer slack, the default; busy: a spinning thread on every PU):"
    echo
    echo "| wake-up/mode/load | median | p99 | max |"
    echo "| --- | ---: | ---: | ---: |"
    paste "$run/wakeup_late_median_us.tsv" "$run/wakeup_late_p99_us.tsv" "$run/wakeup_late_max_us.tsv" |
        awk -F'\t' 'NR > 1 { sub(/^wakeup\//, "", $1); printf "| %s | %.1f | %.1f | %.1f |\n", $1, $6, $16, $26 }'
    echo
    for p in create_cost fork_size pingpong_rtt stream_throughput; do
        if [ -r "$run/$p.png" ]; then echo "![${p//_/ }]($prefix$p.png)"; fi
    done
}

# "label<TAB>value" rows of one source, for emulated_vs_real.
#   at_x TSV SERIES X LABEL                the median of SERIES at X
#   ratio_rows TSV NUM DEN LABEL_FORMAT    NUM / DEN at every x ("%d" in the label: x)
#   slowdown_rows TSV MODE                 every convoy slowdown of MODE, labelled op/K/interval
at_x() { awk -F'\t' -v s="$2" -v x="$3" -v l="$4" 'NR > 1 && $1 == s && $2 == x { print l "\t" $6 }' "$1"; }
ratio_rows() {
    awk -F'\t' -v a="$2" -v b="$3" -v l="$4" 'NR > 1 && $1 == a { n[$2] = $6 } NR > 1 && $1 == b { d[$2] = $6; xs[++k] = $2 }
        END { for (i = 1; i <= k; i++) if (d[xs[i]] > 0 && (xs[i] in n)) printf l "\t%s\n", xs[i], n[xs[i]] / d[xs[i]] }' "$1"
}
slowdown_rows() {
    awk -F'\t' -v m="$2" 'NR > 1 { split($1, p, "/"); if (p[3] != m) next
        printf "convoy slowdown, %s beside %s, %s us\t%s\n", p[2], substr(p[4], 8), $2, $6 }' "$1"
}
# Every round of one source's compared runs of MODE, as ratio_ci.awk reads
# them (side e or r): each convoy round beside K CPU threads with the
# alone round of the same index (the same group run: back to back; their
# centre the geometric mean, as slowdown.sh's), each
# CPU-bound 2-thread run's paired speedup (on the team's CPUs, and both
# threads on one CPU).  Rows of one run name keep the
# order of the passes on both sides, so an index is one moment of the run.
rounds() {   # JSON SIDE MODE
    jq -r --arg mode "$3" '
        [.benchmarks[] | select(.run_type == "iteration" and (.error_occurred // false | not))
         | select(.run_name | test("^[a-z0-9]+/(convoy/[a-z0-9]+|cpu|cpu_one_pu)/" + $mode + "/"))]
        | group_by(.run_name)[] | . as $g | range(0; length) as $i | $g[$i]
        | (.run_name | split("/")) as $p
        | if ($p[1] | startswith("cpu")) then select($p[3] == "workers:2") | [$p[1], "-", "-", $i + 1, .paired_speedup]
          else [$p[2], ($p[4] | ltrimstr("i")), ($p[5] | ltrimstr("cpu:")), $i + 1, .io_ops_per_second]
          end | @tsv' "$1" |
        awk -F'\t' -v OFS='\t' -v side="$2" '
            $1 == "cpu" { print "CPU-bound: 2 threads / 1 thread", side, $4, $5, 1; next }
            $1 == "cpu_one_pu" { print "CPU-bound, one CPU: 2 threads / 1 thread", side, $4, $5, 1; next }
            $3 == 0 { alone[$1, $2, $4] = $5; next }
            { rows[++n] = $0 }
            END {
                for (i = 1; i <= n; i++) {
                    split(rows[i], f, "\t")
                    if ((f[1], f[2], f[4]) in alone)
                        print "convoy slowdown, " f[1] " beside " f[3] "cpu, " f[2] " us", side, f[4],
                              alone[f[1], f[2], f[4]], f[5], "geomean"
                }
            }'
}

# One table: emulated against real, a row per experiment, with the ratio and
# whether it is within the issue's target (CPU-bound 15 %, convoy 2x; the
# sleeping and mixed rows have no target), then the convoy's order: of all
# pairs of configurations, how many rank the same way in both.
emulated_vs_real() {
    local cp=$1 mode=threads-new gil=new
    [ "$cp" = cpython2 ] && mode=threads-old gil=old
    local most
    most=$(awk -F'\t' -v s="$cp/sleep/$mode" 'NR > 1 && $1 == s && $2 > m { m = $2 } END { print m + 0 }' \
           "$run/${cp}_sleep_speedup.tsv")
    echo "**Emulated $gil GIL vs real CPython $(jq -r .context.python "$run/${cp}_gil.json")** (\`scripts/cpython_gil.py\`), same machine, interleaved with the emulated runs repetition by repetition (the CPU-bound runs, and each convoy op and interval, back to back with their emulated rounds); $(jq -r '.context | (.cpu_placement // "unpinned" | if test("^[0-9]") then "real CPU-bound workers pinned as the emulated ones (CPUs \(.))" else "real CPU-bound workers \(.)" end) + ", " + (.convoy_placement // "unpinned" | if test("^[0-9]") then "the convoy'"'"'s threads too (CPUs \(.): the I/O thread first)" else "the convoy'"'"'s threads \(.)" end)' "$run/${cp}_gil.json"):"
    echo
    echo "| experiment | emulated | real | emulated / real | $(pct $LEVEL) % interval | within target |"
    echo "| --- | ---: | ---: | ---: | ---: | --- |"
    local e r ci rd ord lib=$RT_ROOT/scripts/lib
    e=$(mktemp) r=$(mktemp) ci=$(mktemp) rd=$(mktemp) ord=$(mktemp)
    { rounds "$run/bench_gil.json" e "$mode"; rounds "$run/${cp}_gil.json" r "$mode"; } >"$rd"
    awk -f "$lib/bootstrap.awk" -f "$lib/ratio_ci.awk" -v B=$RESAMPLES -v level=$LEVEL "$rd" >"$ci"
    awk -f "$lib/bootstrap.awk" -f "$lib/order_ci.awk" -v B=$RESAMPLES -v side=r -v want='^convoy' "$rd" >"$ord"
    {
        at_x "$run/gil_cpu_speedup.tsv" "gil/cpu/$mode" 2 "CPU-bound: 2 threads / 1 thread"
        at_x "$run/gil_cpu_speedup.tsv" "gil/cpu_one_pu/$mode" 2 "CPU-bound, one CPU: 2 threads / 1 thread"
        slowdown_rows "$run/gil_convoy_slowdown.tsv" "$mode"
        at_x "$run/scaling_sleep_speedup.tsv" "scaling/sleep/weak/$mode" "$most" "sleeping I/O: $most threads / 1 thread"
        ratio_rows "$run/scaling_crossover.tsv" "crossover/mixed/$mode" crossover/mixed/processes \
            "mixed work, %d %% waiting: GIL threads / processes"
    } >"$e"
    {
        at_x "$run/${cp}_cpu_speedup.tsv" "$cp/cpu/$mode" 2 "CPU-bound: 2 threads / 1 thread"
        at_x "$run/${cp}_cpu_speedup.tsv" "$cp/cpu_one_pu/$mode" 2 "CPU-bound, one CPU: 2 threads / 1 thread"
        slowdown_rows "$run/${cp}_convoy_slowdown.tsv" "$mode"
        at_x "$run/${cp}_sleep_speedup.tsv" "$cp/sleep/$mode" "$most" "sleeping I/O: $most threads / 1 thread"
        ratio_rows "$run/${cp}_mixed.tsv" "$cp/mixed/$mode" "$cp/mixed/processes" \
            "mixed work, %d %% waiting: GIL threads / processes"
    } >"$r"
    awk -F'\t' 'FILENAME == ARGV[1] { ci[$1] = sprintf("%.2f-%.2f", $2, $3); next }
        FILENAME == ARGV[2] { e[$1] = $2; next }
        ($1 in e) && $2 > 0 {
            q = e[$1] / $2
            t = $1 ~ /^CPU/ ? 1.15 : $1 ~ /^convoy/ ? 2 : 0
            printf "| %s | %.2f | %.2f | %.2f | %s | %s |\n", $1, e[$1], $2, q, ($1 in ci) ? ci[$1] : "-",
                   t == 0 ? "-" : (q <= t && q >= 1 / t) ? "yes" : "no" }' "$ci" "$e" "$r"
    echo
    echo "Each side's figure: for a convoy slowdown, the geometric mean over its rounds of the I/O thread's ops/s alone over its ops/s beside the CPU threads, both from one group run (\`scripts/slowdown.sh\`: a round's rate swings by two orders of magnitude, and the median of ten would rest on the middle two); for every other row, the median of its rounds (the CPU-bound ones paired)."
    echo
    echo "$(pct $LEVEL) % interval: of emulated / real, the central $(pct $LEVEL) % of $RESAMPLES bootstrap resamples of the rounds (\`scripts/lib/ratio_ci.awk\`), each resample drawing the same rounds on both sides (a convoy or CPU-bound round and its real counterpart ran back to back), so the machine's swings from one moment to the next stay paired."
    echo
    # Of all pairs of convoy cells, how many rank the same way; then the
    # same count over only the pairs that real CPython's own rounds rank:
    # one cell above the other in at least (1 + LEVEL) / 2 of the resamples
    # (order_ci.awk).  Two cells real cannot tell apart have no order for
    # the emulation to keep.
    awk -F'\t' -v B=$RESAMPLES -v level=$LEVEL 'FILENAME == ARGV[1] { share[$1, $2] = $3; next }
        FILENAME == ARGV[2] { if ($1 ~ /^convoy/) e[$1] = $2; next }
        ($1 in e) { k[++n] = $1; r[$1] = $2 }
        function short(l) { sub(/^convoy slowdown, /, "", l); return l }
        END {
            for (i = 1; i < n; i++) for (j = i + 1; j <= n; j++) {
                de = e[k[i]] - e[k[j]]; dr = r[k[i]] - r[k[j]]; pairs++
                agree = de * dr > 0; same += agree
                if ((k[i], k[j]) in share) s = share[k[i], k[j]]
                else if ((k[j], k[i]) in share) s = 1 - share[k[j], k[i]]
                else continue
                shared++
                if (s > (1 - level) / 2 && s < (1 + level) / 2) continue
                ranked++
                if (agree) { same_ranked++; continue }
                against = against sprintf("%s%s against %s (real %.2f %s %.2f, emulated %.2f %s %.2f)",
                    against == "" ? "" : "; ", short(k[i]), short(k[j]), r[k[i]], dr > 0 ? ">" : "<", r[k[j]],
                    e[k[i]], de > 0 ? ">" : de < 0 ? "<" : "=", e[k[j]])
            }
            if (!pairs) exit
            printf "Convoy order: %d of %d pairs of configurations rank the same way emulated and real (%.0f %%).\n\n", same, pairs, 100 * same / pairs
            if (!shared) exit
            printf "Of those %d pairs, real CPython'"'"'s own rounds rank %d: one cell above the other in at least %g %% of %d bootstrap resamples of its rounds (`scripts/lib/order_ci.awk`); the other %d it cannot tell apart, and any order of them is no disagreement.", shared, ranked, 100 * (1 + level) / 2, B, shared - ranked
            if (ranked) printf " The emulation ranks %d of the %d the same way (%.0f %%)%s", same_ranked, ranked, 100 * same_ranked / ranked,
                                against == "" ? "." : ". The other way: " against "."
            printf "\n\n"
        }' "$ord" "$e" "$r"
    # Whether the emulated convoy leans one way: the cells' ratios together.
    awk -F'\t' 'FNR == NR { if ($1 ~ /^convoy/) e[$1] = $2; next }
        ($1 in e) && e[$1] > 0 && $2 > 0 {
            q = e[$1] / $2; s += log(q); n++
            if (n == 1 || q < lo) lo = q
            if (q > hi) hi = q
        }
        END { if (n) printf "Convoy bias: over its %d cells, emulated / real has a geometric mean of %.2f (lowest %.2f, highest %.2f); 1 is none, above 1 a stronger emulated convoy.\n\n", n, exp(s / n), lo, hi }' "$e" "$r"
    rm -f "$e" "$r" "$ci" "$rd" "$ord"
    # The machine's parallel capacity beside the comparison: its CPU-bound
    # rounds include 2 processes against one alone (paired), emulated and
    # real, in every pass.
    awk -F'\t' -v e=gil/cpu/processes -v r="$cp/cpu/processes" '
        FNR > 1 && $2 == 2 && ($1 == e || $1 == r) {
            s[$1] = sprintf("%.2f (min %.2f, max %.2f, %d rounds)", $6, $9, $10, $3) }
        END { if ((e in s) && (r in s))
                  printf "The machine'"'"'s parallel capacity beside the comparison, 2 processes against one alone in its CPU-bound rounds (paired, median): emulated %s, real %s.\n\n", s[e], s[r] }' \
        "$run/gil_cpu_paired.tsv" "$run/${cp}_cpu_paired.tsv"
    # Only a pinned real run had its reference on every CPU of the team.
    local spread=$run/${cp}_cpu_solo_spread.tsv
    if [ -r "$spread" ] && jq -e '.context.cpu_placement // "" | test("^[0-9]")' "$run/${cp}_gil.json" >/dev/null; then
        awk -F'\t' -v s="$cp/cpu/$mode" 'NR > 1 && $1 == s && $2 == 2 {
            printf "The real 2-thread run'"'"'s CPUs, one thread alone on each: the fastest one'"'"'s rate over the slowest'"'"'s, %.2f (median).\n\n", $6 }' "$spread"
    fi
}

# The emulated GIL, from bench_gil's TSVs.
gil_summary() {
    echo
    echo "**An emulated GIL** (\`bench_gil\`; CPU-bound, fixed total work; speedup over 1 worker of the same mode alone, measured beside the team in the same run: paired_speedup; columns: workers):"
    echo
    pivot "$run/gil_cpu_speedup.tsv" x 1 %.2f "work/mode"
    echo
    if [ -r "$run/gil_cpu_solo_spread.tsv" ]; then
        echo "The reference rounds' PUs: one worker alone on each PU of the team, the fastest PU's rate over the slowest's (1.00: even; the speedups above divide by their mean; columns: workers):"
        echo
        pivot "$run/gil_cpu_solo_spread.tsv" x 1 %.2f "work/mode"
        echo
    fi
    echo "GIL hand-offs per second, CPU-bound (columns: workers):"
    echo
    pivot "$run/gil_handoffs.tsv" x 1 %.0f "work/mode"
    echo
    echo "Switch interval, 2 CPU-bound threads under the new GIL: their items per second over 1 thread alone beside them in the same run (columns: interval, µs):"
    echo
    pivot "$run/gil_interval.tsv" x 1 %.2f "mode"
    echo
    echo "**The convoy effect**: an I/O thread doing always-ready operations, its ops/s alone divided by its ops/s beside K CPU-bound threads, round by round, the geometric mean of the rounds (columns: switch interval, µs; threads-old and processes at the default):"
    echo
    pivot "$run/gil_convoy_slowdown.tsv" x 1 %.1f "op/mode/CPU threads beside"
    echo
    echo "I/O operation latency of the convoy's I/O thread, p99 in µs (columns: CPU-bound threads beside it):"
    echo
    pivot "$run/gil_convoy_io_p99_us.tsv" x 1 %.1f "convoy/op/mode/interval"
    echo
    echo "I/O-bound and mixed work under the GIL are \`bench_scaling\`'s threads-new and threads-old modes (above)."
    echo
    local cp
    for cp in cpython cpython2; do
        if [ -r "$run/${cp}_gil.json" ]; then
            emulated_vs_real "$cp"
        elif [ -r "$run/${cp}_gil.skipped" ]; then
            echo "Real CPython comparison ($cp): $(cat "$run/${cp}_gil.skipped")."
            echo
        fi
    done
    for p in gil_cpu_speedup gil_handoffs gil_convoy convoy_emulated_vs_real convoy_latency_cdf; do
        if [ -r "$run/$p.png" ]; then echo "![${p//_/ }]($prefix$p.png)"; fi
    done
}

# Threads vs processes, from bench_scaling's TSVs and capacity file.
scaling_summary() {
    local pus reps
    pus=$(jq -r .pus "$run/scaling_capacity.json")
    reps=$(awk -F'\t' 'NR == 2 { print $3; exit }' "$run/scaling_cpu_throughput.tsv")
    echo
    jq -r "$RT_JQ_DEFS"'"**Threads vs processes** (`bench_scaling`, median of '"$reps"' repetitions). Parallel capacity (N threads of a compute kernel against 1): **\(.before.capacity | f2)** of \(.pus) PUs before the sweeps, **\(.after.capacity | f2)** after; read every speedup against it. CPU-bound speedups are each run'"'"'s own: its rate over one worker alone in reference rounds beside the timed ones, on each of the team'"'"'s PUs in turn (`paired_speedup`), which the VM'"'"'s swings of single-PU speed between runs do not bend."' \
        "$run/scaling_capacity.json"
    echo
    echo "| workload | scaling | items/s, 1 worker: threads / processes | speedup at $pus workers: threads / processes | speedup at the most workers (N): threads / processes | threads / processes at N | quartile ranges at N |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | --- |"
    for w in cpu sleep tcp mixed; do
        for sc in strong weak; do
            awk -F'\t' -v w="$w" -v sc="$sc" -v pus="$pus" "$awk_lib"'
                FNR == 1 { file++; next }
                { split($1, p, "/"); if (p[2] != w || p[3] != sc) next; m = p[4] }
                file == 1 { tp[m, $2] = $6; q1[m, $2] = $7; q3[m, $2] = $8; if ($2 > most) most = $2 }
                file == 2 { sp[m, $2] = $6 }
                END {
                    if (!most) exit
                    printf "| %s | %s | %s / %s | %.2f / %.2f | %.2f / %.2f (%d) | %.2f | %s |\n", w, sc,
                        rate(tp["threads", 1]), rate(tp["processes", 1]), sp["threads", pus],
                        sp["processes", pus], sp["threads", most], sp["processes", most], most,
                        tp["processes", most] ? tp["threads", most] / tp["processes", most] : 0,
                        overlap(q1["threads", most], q3["threads", most],
                                q1["processes", most], q3["processes", most])
                }' "$run/scaling_${w}_throughput.tsv" "$run/scaling_${w}_speedup.tsv"
        done
    done
    echo
    echo "**The same workloads as Python threads under an emulated GIL** (the same sweeps; speedup over 1 worker of the same mode at the most workers N; last column: 1 GIL thread's throughput / 1 plain thread's, the cost of polling an uncontended GIL):"
    echo
    echo "| workload | scaling | N | threads | processes | threads, new GIL | threads, old GIL | 1 worker: new GIL / none |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    for w in cpu sleep tcp mixed; do
        for sc in strong weak; do
            awk -F'\t' -v w="$w" -v sc="$sc" '
                FNR == 1 { file++; next }
                { split($1, p, "/"); if (p[2] != w || p[3] != sc) next; m = p[4] }
                file == 1 { tp[m, $2] = $6; if ($2 > most) most = $2 }
                file == 2 { sp[m, $2] = $6 }
                END {
                    if (!most || !(("threads-new", most) in sp)) exit
                    printf "| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.3f |\n", w, sc, most,
                        sp["threads", most], sp["processes", most], sp["threads-new", most],
                        sp["threads-old", most], tp["threads", 1] ? tp["threads-new", 1] / tp["threads", 1] : 0
                }' "$run/scaling_${w}_throughput.tsv" "$run/scaling_${w}_speedup.tsv"
        done
    done
    # A GIL worker alone polls a GIL no one else wants: it should do what a
    # plain worker does, as a CPython process pays its eval breaker's check
    # whether or not another thread waits.  A gap means the emulation's
    # polling costs more than that.  The cpu sweeps only: their items do
    # nothing else, where a waiting item's time moves with the VM's wake-ups
    # from one repetition to the next (the two are minutes apart: a flag).
    local costly
    costly=$(awk -F'\t' -v bound="$POLL_BOUND" '
        FNR == 1 { next }
        $2 == 1 { split($1, p, "/"); k = p[2] "/" p[3]; tp[k, p[4]] = $6; if (!seen[k]++) key[++n] = k }
        END { for (i = 1; i <= n; i++) for (m = 0; m < 2; m++) {
                  k = key[i]
                  g = m ? "threads-old" : "threads-new"
                  if (!((k, g) in tp) || !tp[k, "threads"]) continue
                  r = tp[k, g] / tp[k, "threads"]
                  if (r < 1 - bound || r > 1 + bound) printf "%s %s %.3f; ", k, g, r } }' \
        "$run/scaling_cpu_throughput.tsv")
    echo
    echo "One worker under a GIL against one without (\`cpu\`, new and old GIL), within $(pct "$POLL_BOUND") %: ${costly:-every one is.}"
    echo
    local flagged
    flagged=$(awk -F'\t' 'FNR > 1 && $13 != "-" && $13 != "ok" { printf "%s at %d workers: speedup %.2f, ideal %d (%s); ", $1, $2, $6, $12, $13 }' \
        "$run"/scaling_*_speedup.tsv)
    echo "CPU-bound speedup against min(N, PUs), within a factor 0.8: ${flagged:-every point tracks it.}"
    echo
    awk -F'\t' 'NR > 1 && $6 > worst { worst = $6; at = $1 " at " $2 " workers" }
        END { printf "Harness cost (an empty round, median of repetitions): at most %.2f %% of a round (%s).\n", 100 * worst, at }' \
        "$run/scaling_harness_fraction.tsv"
    echo
    echo "**Mixed work, $(jq -r '.context."sweep.crossover_workers"' "$run/bench_scaling.json" 2>/dev/null || true) workers, each item computes then waits** (items per second):"
    echo
    echo "| waiting share | threads | processes | threads, new GIL | threads, old GIL | threads / processes | new GIL / processes | quartile ranges, new GIL and processes |"
    echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    awk -F'\t' "$awk_lib"'
        NR > 1 { split($1, p, "/"); m = p[3]; v[m, $2] = $6; q1[m, $2] = $7; q3[m, $2] = $8
                 if (!seen[$2]++) order[++n] = $2 }
        function cell(m, x) { return (m, x) in v ? rate(v[m, x]) : "-" }
        function per(a, b, x) { return v[b, x] && ((a, x) in v) ? sprintf("%.3f", v[a, x] / v[b, x]) : "-" }
        END { for (i = 1; i <= n; i++) { x = order[i]
              printf "| %d %% | %s | %s | %s | %s | %s | %s | %s |\n", x, cell("threads", x),
                     cell("processes", x), cell("threads-new", x), cell("threads-old", x),
                     per("threads", "processes", x), per("threads-new", "processes", x),
                     ("threads-new", x) in v ? overlap(q1["threads-new", x], q3["threads-new", x],
                                                       q1["processes", x], q3["processes", x]) : "-" }
              # The crossover: the first share at which GIL threads are no
              # longer behind by more than 5 % (or the quartile ranges overlap).
              for (i = 1; i <= n; i++) { x = order[i]
                  if (!(("threads-new", x) in v)) continue
                  last = x; gap = v["processes", x] ? v["threads-new", x] / v["processes", x] : 0
                  if (gap >= 0.95 || overlap(q1["threads-new", x], q3["threads-new", x], q1["processes", x], q3["processes", x]) == "overlap") {
                      printf "\nThreads under the new GIL stop losing to processes at **%d %% waiting**: the first share where they are within 5 %% of them or the quartile ranges overlap.\n", x
                      found = 1; break } }
              if (last != "" && !found)
                  printf "\nThreads under the new GIL lose to processes by more than 5 %% at every waiting share measured, up to %d %%.\n", last }' \
        "$run/scaling_crossover.tsv"
    echo
    for p in scaling_cpu_speedup scaling_sleep_speedup scaling_tcp_speedup scaling_mixed_speedup scaling_crossover; do
        if [ -r "$run/$p.png" ]; then echo "![${p//_/ }]($prefix$p.png)"; fi
    done
}

{
    jq -r '"Run `\(.date)` on \(.cpu_model), \(.pus) PUs / \(.cores) cores / \(.packages) package(s), virtual machine: \(.virtual), container: \(.container // "not recorded"), load before \(.load_before)." +
           (if .started and (.started | test("^[0-9-]+T")) then
              " The \(.profile // "") run took \(((.date | fromdate) - (.started | fromdate)) / 60 | floor) min \(((.date | fromdate) - (.started | fromdate)) % 60) s from start to the last benchmark (`started` and `date` in environment.json)."
            else "" end)' \
        "$run/environment.json"
    echo
    jq -r '"**counter += 1, \(.workers) threads x \(.increments) increments, \(.trials) trials per variant** (`bench_counter --tutorial`):\n\n| variant | expected | got (median) | lost min / median / max | trials that lost updates |\n| --- | ---: | ---: | ---: | ---: |",
           (.variants[] | "| \(.variant) | \(.expected) | \(.expected - .lost_median) | \(.lost_min) / \(.lost_median) / \(.lost_max) | \(.trials_with_loss) of \(.lost | length) |")' \
        "$run/counter_tutorial.json"
    echo
    tsv=$run/counter_ns_per_increment.tsv
    lost=$run/counter_lost_fraction.tsv
    echo "**Cost per increment** (wall time a worker spends per increment, ns; median of repetitions; \`bench_counter\`):"
    echo
    echo "| variant | 1 worker | 2 workers | 4 workers | lost at 2 workers |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    for s in $(tail -n +2 "$tsv" | cut -f1 | awk '!seen[$0]++'); do
        if [ -r "$lost" ] && grep -q "^$s	" "$lost"; then
            l=$(awk -F'\t' -v s="$s" 'NR > 1 && $1 == s && $2 == 2 { printf "%.1f %%", 100 * $6 }' "$lost")
        else
            l="0 (checked exact)"
        fi
        printf '| %s | %s | %s | %s | %s |\n' "${s#counter/}" "$(cell "$s" 1 "$tsv" %.2f)" \
            "$(cell "$s" 2 "$tsv" %.2f)" "$(cell "$s" 4 "$tsv" %.2f)" "$l"
    done
    echo
    jq -r '"**C shim vs native C++ loop** (`bench_shim`, median of \(.bodies[0].repetitions) interleaved repetitions): " +
           ([.bodies[] | "\(.body) \(.ratio * 1000 | round / 1000) (\(.shim_ns * 1000 | round / 1000) ns vs \(.native_ns * 1000 | round / 1000) ns)"] | join("; ")) +
           "; target at most \(.max_ratio)."' "$run/shim_summary.json"
    echo
    for p in counter_ns_per_increment counter_lost_fraction; do
        if [ -r "$run/$p.png" ]; then echo "![${p//_/ }]($prefix$p.png)"; fi
    done
    [ -r "$run/scaling_capacity.json" ] && scaling_summary
    [ -r "$run/pingpong_rtt_ns.tsv" ] && [ -r "$run/create_ns.tsv" ] && cost_summary
    [ -r "$run/gil_cpu_speedup.tsv" ] && gil_summary
} >"$text" || exit 1
cat "$text"
[ -n "$prefix" ] || rt_atomic_write "$run/SUMMARY.md" <"$text"
