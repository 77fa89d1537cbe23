# gil: claim 4, the GIL lets threads help waiting work, not computing work.
# bench_gil runs CPU-bound teams, switch intervals and the convoy effect
# under an emulated CPython GIL (new, old, none) and as processes; with a
# real CPython on the machine (python3, python2.7), the runs that have a
# real counterpart leave the main run and run in comparison passes,
# emulated and real back to back (scripts/cpython_passes.sh).

gil_about="an emulated CPython GIL (new, old, none) and real CPython beside it (claim 4)"
gil_files="bench_gil.json bench_gil.log cpython_gil.json cpython2_gil.json cpython*_gil.skipped gil_*.tsv cpython_*.tsv cpython2_*.tsv convoy_*.tsv passes"
# Valgrind memcheck (tests/test_valgrind.sh): one small run of each of
# its executables.
gil_valgrind=(
    "bench_gil --benchmark_min_time=0.001 --cpu-max-workers=2 --cpu-items=2 --units-per-item=100 --intervals-us=500 --convoy-ms=5 --convoy-intervals-us=500 --convoy-max-cpu=1 --io-code-lines=read1=100,socketpair=100,echo=100 --io-data-lines=read1=50,socketpair=50,echo=50 --old-io-code-lines=read1=60 --old-io-data-lines=read1=30"
)
# Profiles: the convoy's rounds beside CPU threads at 20 switch intervals,
# not 60, in quick: a first look, 100 ms at 5 ms.
gil_quick=(--convoy-ms=100 --convoy-min-intervals=20 --convoy-intervals-us=500,5000 --intervals-us=50,5000)
gil_full=()
gil_cpython_quick=(--countdown 3000000 --convoy-ms 100 --convoy-min-intervals 20 --intervals-us 500,5000
                   --sleep-max-workers 16 --mixed-pcts 0,25,50,75,100)
gil_cpython_full=()
# The latency distribution plot's switch interval (in both profiles' lists).
RT_CDF_INTERVAL_US=5000
# The comparison tables' bootstrap (ratio_ci.awk) and the convoy's order
# (order_ci.awk): how many resamples, and the interval's central share.
RESAMPLES=2000
LEVEL=0.95
# The runs compared with real CPython.
gil_cpu_compared='^gil/(cpu|cpu_one_pu)/(threads-new|threads-old|processes)/'
gil_convoy_compared='^gil/convoy/[a-z0-9]+/(threads-new|threads-old)/'
gil_compared="^(${gil_cpu_compared#^}|${gil_convoy_compared#^})"

# With a real CPython, the scaling area's compared runs (scaling_compared)
# move into the comparison passes too.
gil_prepare() {
    compare_scaling=0
    [ ${#pythons[@]} -eq 0 ] || ! want scaling || compare_scaling=1
}

gil_plan() {
    local p
    plan_step bench_gil
    [ ${#pythons[@]} -gt 0 ] || return 0
    for p in $(seq "$repetitions"); do plan_step "comparison pass $p: emulated and ${pythons[*]}, interleaved"; done
}

gil_run() {
    local -n args=gil_$profile
    local rc=0 p filter=() passes
    [ ${#pythons[@]} -eq 0 ] || filter=(--benchmark_filter="-$gil_compared")
    step bench_gil
    measure_units
    measure_io_ops
    run_bench bench_gil "${common[@]}" --benchmark_min_time="$min_time" "${args[@]}" "${units[@]}" \
        "${io_units[@]}" "${filter[@]}" || rc=1
    if [ ${#pythons[@]} -gt 0 ]; then
        passes=("$RT_ROOT/scripts/cpython_passes.sh" --run "$run" --profile "$profile" --policy "$policy"
                --min-time "$min_time" --cpu-repeats "$cpu_repeats" --convoy-repeats "$convoy_repeats"
                --with-scaling "$compare_scaling")
        for p in $(seq "$repetitions"); do
            step "comparison pass $p: emulated and ${pythons[*]}, interleaved"
            run_child "${passes[@]}" --pass "$p" || { rc=1; run_failed; }
        done
        run_child "${passes[@]}" --merge || { rc=1; run_failed; }
    fi
    command -v python3 >/dev/null && python3 -c pass 2>/dev/null || {
        rt_log "racetrack: no python3: the comparison with real CPython is skipped"
        echo "skipped: no python3 on this machine" >"$run/cpython_gil.skipped"; }
    command -v python2.7 >/dev/null && python2.7 -c pass 2>/dev/null ||
        echo "skipped: no python2.7 on this machine" >"$run/cpython2_gil.skipped"
    return $rc
}

gil_derive() {
    [ -r "$run/bench_gil.json" ] || return 0
    local rounds cpu_caption convoy_caption m cp version
    gil_tsv() { json_tsv "$1" bench_gil.json "${@:2}"; }
    gil_tsv gil_cpu_throughput.tsv --metric items_per_second --match '^gil/cpu'
    gil_tsv gil_cpu_paired.tsv --metric paired_speedup --match '^gil/cpu'
    # How far apart the team's PUs were for one worker alone (rounds.h).
    gil_tsv gil_cpu_solo_spread.tsv --metric solo_spread --match '^gil/cpu/'
    rt_write_from "$run/gil_cpu_speedup.tsv" "$RT_ROOT/scripts/speedup.sh" --pus "$pus" \
        --capacity "${cap_low:-$pus}" --cpu '/(processes|threads-none)$' --paired "$run/gil_cpu_paired.tsv" \
        "$run/gil_cpu_throughput.tsv"
    # Compared with real CPython, a mode's points have --cpu-repeats rounds a
    # pass: the caption counts them where they outnumber the repetitions.
    rounds=$(awk -F'\t' 'NR > 1 && $3 > n { n = $3 } END { print n + 0 }' "$run/gil_cpu_paired.tsv")
    cpu_caption=$caption
    [ "$rounds" -le "$repetitions" ] ||
        cpu_caption=${caption/"median of $repetitions repetitions"/"median of $repetitions repetitions (threads under a GIL and processes: $rounds rounds)"}
    "$RT_ROOT/scripts/plot.sh" --tsv "$run/gil_cpu_speedup.tsv" --out "$run/gil_cpu_speedup" \
        --title "CPU-bound work: threads under an emulated GIL, without one, and processes" \
        --ylabel "speedup over 1 worker (log2)" --logy2 --ideal --capacity "${cap_low:-0}" \
        --cores "$cores" --pus "$pus" --caption "$cpu_caption"
    gil_tsv gil_handoffs.tsv --metric gil_handoffs_per_s --match '^gil/cpu/'
    "$RT_ROOT/scripts/bars.sh" --tsv "$run/gil_handoffs.tsv" --out "$run/gil_handoffs" \
        --title "GIL hand-offs per second, CPU-bound threads" --ylabel "hand-offs per second (log)" \
        --caption "$caption" --by-x "1,2,$((2 * pus))" \
        --group-titles "1 worker|2 workers|$((2 * pus)) workers"
    gil_tsv gil_interval.tsv --metric paired_speedup --x us --match '^gil/interval/'
    gil_tsv gil_convoy_ops.tsv --metric io_ops_per_second --x cpu --match '^gil/convoy/'
    rt_write_from "$run/gil_convoy_slowdown.tsv" "$RT_ROOT/scripts/slowdown.sh" "$run/bench_gil.json"
    # The plot: the new GIL across intervals (old GIL and processes have one
    # interval each; they are in the summary's table).
    rt_write_from "$run/gil_convoy_new.tsv" awk -F'\t' 'NR == 1 || $1 ~ /threads-new/' "$run/gil_convoy_slowdown.tsv"
    # Compared with real CPython, a convoy point has --convoy-repeats rounds a
    # pass: its caption counts the rounds of the points it draws, whose
    # slowdowns' geometric mean it is (slowdown.sh).
    rounds=$(awk -F'\t' 'NR > 1 && $3 > n { n = $3 } END { print n + 0 }' "$run/gil_convoy_new.tsv")
    convoy_caption=${caption/"median of $repetitions repetitions, bars: quartiles"/"geometric mean of $rounds rounds' slowdowns, bars: their quartiles"}
    "$RT_ROOT/scripts/plot.sh" --tsv "$run/gil_convoy_new.tsv" --out "$run/gil_convoy" --center geomean \
        --title "the convoy effect, new GIL: an always-ready I/O thread's slowdown beside CPU-bound threads" \
        --ylabel "I/O ops/s alone / ops/s beside them (log)" --logy --cores 0 --pus 0 \
        --xlabel "switch interval, us (log2)" --caption "$convoy_caption"
    for m in io_p50_us io_p99_us io_over_1ms_fraction; do
        gil_tsv "gil_convoy_$m.tsv" --metric "$m" --x cpu --match '^gil/convoy/'
    done
    # Real CPython beside the emulation: CPU-bound, convoy, sleeping I/O,
    # mixed work (the emulated I/O and mixed runs are bench_scaling's).
    for cp in cpython cpython2; do
        [ -r "$run/${cp}_gil.json" ] || continue
        cp_tsv() { json_tsv "$1" "${cp}_gil.json" "${@:2}"; }
        cp_tsv "${cp}_cpu.tsv" --metric items_per_second --match "^$cp/cpu"
        cp_tsv "${cp}_cpu_paired.tsv" --metric paired_speedup --match "^$cp/cpu"
        cp_tsv "${cp}_cpu_solo_spread.tsv" --metric solo_spread --match "^$cp/cpu"
        rt_write_from "$run/${cp}_cpu_speedup.tsv" "$RT_ROOT/scripts/speedup.sh" --pus "$pus" \
            --capacity "${cap_low:-$pus}" --cpu '/processes$' --paired "$run/${cp}_cpu_paired.tsv" "$run/${cp}_cpu.tsv"
        cp_tsv "${cp}_convoy_ops.tsv" --metric io_ops_per_second --x cpu --match "^$cp/convoy/"
        rt_write_from "$run/${cp}_convoy_slowdown.tsv" "$RT_ROOT/scripts/slowdown.sh" "$run/${cp}_gil.json"
        cp_tsv "${cp}_sleep.tsv" --metric items_per_second --match "^$cp/sleep/"
        rt_write_from "$run/${cp}_sleep_speedup.tsv" "$RT_ROOT/scripts/speedup.sh" --pus "$pus" \
            --capacity "${cap_low:-$pus}" --cpu '^$' "$run/${cp}_sleep.tsv"
        cp_tsv "${cp}_mixed.tsv" --metric items_per_second --x wait_pct --match "^$cp/mixed/"
    done
    [ -r "$run/cpython_gil.json" ] || return 0
    version=$(jq -r .context.python "$run/cpython_gil.json")
    rt_write_from "$run/convoy_emulated_vs_real.tsv" gil_new_beside_real
    "$RT_ROOT/scripts/plot.sh" --tsv "$run/convoy_emulated_vs_real.tsv" --out "$run/convoy_emulated_vs_real" --center geomean \
        --title "the convoy effect, new GIL: emulated and real CPython $version" \
        --ylabel "I/O ops/s alone / ops/s beside K CPU threads (log)" --logy --cores 0 --pus 0 \
        --xlabel "switch interval, us (log2)" --caption "$convoy_caption"
    # The I/O thread's latency, alone and beside one CPU thread.
    rt_write_from "$run/convoy_latency_cdf.tsv" gil_latency_cdf
    "$RT_ROOT/scripts/plot.sh" --tsv "$run/convoy_latency_cdf.tsv" --out "$run/convoy_latency_cdf" \
        --title "echo round trips, new GIL, $RT_CDF_INTERVAL_US us interval: alone and beside a CPU thread" \
        --ylabel "fraction of operations faster" --cores 0 --pus 0 \
        --xlabel "I/O operation latency, us (log2)" \
        --caption "${caption/"median of $repetitions repetitions"/"median of $rounds rounds"}"
}
# The new GIL's convoy slowdowns, emulated then real, in one TSV.
gil_new_beside_real() {
    { cat "$run/gil_convoy_slowdown.tsv" && tail -n +2 "$run/cpython_convoy_slowdown.tsv"; } |
        awk -F'\t' 'NR == 1 || $1 ~ /threads-new/'
}
# The echo thread's latency distribution, alone and beside one CPU thread.
gil_latency_cdf() {
    "$RT_ROOT/scripts/cdf.sh" --match "^(gil|cpython)/convoy/echo/threads-new/i$RT_CDF_INTERVAL_US\$" \
        "$run/bench_gil.json" "$run/cpython_gil.json" |
        awk -F'\t' 'NR == 1 || $1 ~ /beside-[01]cpu$/'
}

# "label<TAB>value" rows of one source, for gil_emulated_vs_real.
#   gil_at_x TSV SERIES X LABEL             the median of SERIES at X
#   gil_ratio_rows TSV NUM DEN LABEL_FORMAT NUM / DEN at every x ("%d" in the label: x)
#   gil_slowdown_rows TSV MODE              every convoy slowdown of MODE, labelled op/K/interval
gil_at_x() { awk -F'\t' -v s="$2" -v x="$3" -v l="$4" 'NR > 1 && $1 == s && $2 == x { print l "\t" $6 }' "$1"; }
gil_ratio_rows() {
    awk -F'\t' -v a="$2" -v b="$3" -v l="$4" 'NR > 1 && $1 == a { n[$2] = $6 } NR > 1 && $1 == b { d[$2] = $6; xs[++k] = $2 }
        END { for (i = 1; i <= k; i++) if (d[xs[i]] > 0 && (xs[i] in n)) printf l "\t%s\n", xs[i], n[xs[i]] / d[xs[i]] }' "$1"
}
gil_slowdown_rows() {
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
gil_rounds() {   # JSON SIDE MODE
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
gil_emulated_vs_real() {
    local cp=$1 mode=threads-new gil=new
    [ "$cp" = cpython2 ] && mode=threads-old gil=old
    local most
    most=$(awk -F'\t' -v s="$cp/sleep/$mode" 'NR > 1 && $1 == s && $2 > m { m = $2 } END { print m + 0 }' \
           "$run/${cp}_sleep_speedup.tsv")
    echo "**Emulated $gil GIL vs real CPython $(jq -r .context.python "$run/${cp}_gil.json")** (\`scripts/cpython_gil.py\`), same machine, interleaved with the emulated runs repetition by repetition (the CPU-bound runs, and each convoy op and interval, back to back with their emulated rounds); $(jq -r '.context | (.cpu_placement // "unpinned" | if test("^[0-9]") then "real CPU-bound workers pinned as the emulated ones (CPUs \(.))" else "real CPU-bound workers \(.)" end) + ", " + (.convoy_placement // "unpinned" | if test("^[0-9]") then "the convoy'"'"'s threads too (CPUs \(.): the I/O thread first)" else "the convoy'"'"'s threads \(.)" end)' "$run/${cp}_gil.json"):"
    echo
    echo "| experiment | emulated | real | emulated / real | $(pct $LEVEL) % interval | within target |"
    echo "| --- | ---: | ---: | ---: | ---: | --- |"
    local lib=$RT_ROOT/scripts/lib
    local e=$scratch/gil_e r=$scratch/gil_r ci=$scratch/gil_ci rd=$scratch/gil_rd ord=$scratch/gil_ord
    { gil_rounds "$run/bench_gil.json" e "$mode"; gil_rounds "$run/${cp}_gil.json" r "$mode"; } >"$rd"
    awk -f "$lib/bootstrap.awk" -f "$lib/ratio_ci.awk" -v B=$RESAMPLES -v level=$LEVEL "$rd" >"$ci"
    awk -f "$lib/bootstrap.awk" -f "$lib/order_ci.awk" -v B=$RESAMPLES -v side=r -v want='^convoy' "$rd" >"$ord"
    {
        gil_at_x "$run/gil_cpu_speedup.tsv" "gil/cpu/$mode" 2 "CPU-bound: 2 threads / 1 thread"
        gil_at_x "$run/gil_cpu_speedup.tsv" "gil/cpu_one_pu/$mode" 2 "CPU-bound, one CPU: 2 threads / 1 thread"
        gil_slowdown_rows "$run/gil_convoy_slowdown.tsv" "$mode"
        gil_at_x "$run/scaling_sleep_speedup.tsv" "scaling/sleep/weak/$mode" "$most" "sleeping I/O: $most threads / 1 thread"
        gil_ratio_rows "$run/scaling_crossover.tsv" "crossover/mixed/$mode" crossover/mixed/processes \
            "mixed work, %d %% waiting: GIL threads / processes"
    } >"$e"
    {
        gil_at_x "$run/${cp}_cpu_speedup.tsv" "$cp/cpu/$mode" 2 "CPU-bound: 2 threads / 1 thread"
        gil_at_x "$run/${cp}_cpu_speedup.tsv" "$cp/cpu_one_pu/$mode" 2 "CPU-bound, one CPU: 2 threads / 1 thread"
        gil_slowdown_rows "$run/${cp}_convoy_slowdown.tsv" "$mode"
        gil_at_x "$run/${cp}_sleep_speedup.tsv" "$cp/sleep/$mode" "$most" "sleeping I/O: $most threads / 1 thread"
        gil_ratio_rows "$run/${cp}_mixed.tsv" "$cp/mixed/$mode" "$cp/mixed/processes" \
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
    [ -r "$run/gil_cpu_speedup.tsv" ] || return 0
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
            gil_emulated_vs_real "$cp"
        elif [ -r "$run/${cp}_gil.skipped" ]; then
            echo "Real CPython comparison ($cp): $(cat "$run/${cp}_gil.skipped")."
            echo
        fi
    done
    images gil_cpu_speedup gil_handoffs gil_convoy convoy_emulated_vs_real convoy_latency_cdf
}


gil_report() {
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
