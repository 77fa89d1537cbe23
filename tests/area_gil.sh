# The gil area's checks (tests/test_quick_area.sh gil), run beside the
# scaling area: with a python3, the comparison passes carry the scaling
# runs that have a real counterpart (sleeping I/O, mixed work).  The
# CPU-bound runs twice a pass, the convoy groups once.
area_with=(scaling)
area_flags=(--cpu-repeats 2 --convoy-repeats 1)
area_checks() {
    local p row sure all pairs ranked apart same against bias order plan cplan sized unsized g last pr want got measured share nopy
    # The emulated GIL, and real CPython beside it when there is a python3.
    ok "bench_gil.json is valid JSON" jq -e . "$run/bench_gil.json" >/dev/null
    for p in gil_cpu_speedup gil_handoffs gil_convoy; do
        ok "$p.png drawn" test -s "$run/$p.png"
    done
    ok "summary has the GIL section" grep -q '^\*\*An emulated GIL\*\*' "$run/SUMMARY.md"
    if command -v python3 >/dev/null; then
        ok "with python3, the latency distribution is drawn" test -s "$run/convoy_latency_cdf.png"
        ok "real CPython ran" jq -e '.benchmarks | length > 0' "$run/cpython_gil.json" >/dev/null
        ok "summary compares emulated and real" grep -q '^| CPU-bound: 2 threads / 1 thread |' "$run/SUMMARY.md"
        for row in 'sleeping I/O: 16 threads / 1 thread' 'mixed work, 50 % waiting: GIL threads / processes' \
                   'convoy slowdown, echo beside 1cpu, 5000 us'; do
            ok "the comparison has '$row'" grep -q "^| $row |" "$run/SUMMARY.md"
        done
        ok "the comparison ranks the convoy configurations" grep -q '^Convoy order: [0-9]* of [0-9]* pairs' "$run/SUMMARY.md"
        # The same pairs, counted where real's own rounds rank them (new-GIL
        # table): as many pairs as the line before (12 cells, 66), ranked and
        # not told apart adding up to them, agreeing and listed the other way
        # adding up to the ranked.
        sure=$(awk '/^\| experiment \| emulated \| real/ { t++ } t == 1 && /^Of those / { print; exit }' "$run/SUMMARY.md")
        all=$(awk '/^\| experiment \| emulated \| real/ { t++ } t == 1 && /^Convoy order: / { print $5; exit }' "$run/SUMMARY.md")
        pairs=$(sed -nE 's/^Of those ([0-9]+) pairs, .*/\1/p' <<<"$sure")
        ranked=$(sed -nE "s/.* own rounds rank ([0-9]+): .*/\1/p" <<<"$sure")
        apart=$(sed -nE 's/.*; the other ([0-9]+) it cannot tell apart.*/\1/p' <<<"$sure")
        same=$(sed -nE 's/.* The emulation ranks ([0-9]+) of the .*/\1/p' <<<"$sure")
        against=$(grep -o ' against ' <<<"$sure" | wc -l)
        ok "the convoy pairs that real ranks: $all = $pairs pairs = $ranked ranked + $apart not told apart; ${same:-0} the same way + $against listed the other way = $ranked" \
            test "$all" = 66 -a "$pairs" = 66 -a "$((ranked + apart))" = 66 -a "$((${same:-0} + against))" = "$ranked"
        # The bias line: the geometric mean of the new-GIL table's 12 convoy
        # ratios, as the table prints them (to rounding).
        bias=$(awk -F'|' '/^\| experiment \| emulated \| real/ { t++ }
            t == 1 && /^\| convoy slowdown/ { s += log($5); n++ }
            t == 1 && /^Convoy bias: over its / { split($0, w, " "); got = w[5]; m = w[15] }
            END { printf "%d %s %.2f", n, got, exp(s / n) - m }' "$run/SUMMARY.md")
        ok "the comparison's convoy bias: the geometric mean of its 12 cells' ratios (got: cells, cells said, difference = $bias)" \
            awk -v b="$bias" 'BEGIN { split(b, w, " "); exit !(w[1] == 12 && w[2] == 12 && w[3] >= -0.02 && w[3] <= 0.02) }'
        ok "the machine's capacity beside the comparison: its 6 paired process rounds a side" \
            grep -qE "^The machine's parallel capacity beside the comparison, .*: emulated [0-9.]+ \(min [0-9.]+, max [0-9.]+, 6 rounds\), real [0-9.]+ \(min [0-9.]+, max [0-9.]+, 6 rounds\)\.$" "$run/SUMMARY.md"
        # Every compared row with a target has its bootstrap interval, low <= high
        # (the new-GIL table: a python2.7 adds the old GIL's).
        ok "every CPU-bound and convoy row of the comparison has a 95 % interval" \
            test "$(awk -F' \\| ' '/^\| experiment \| emulated \| real/ { t++ }
                    t == 1 && /^\| (CPU-bound|convoy slowdown)/ { n++; split($5, ci, "-")
                        if (!($5 ~ /^[0-9.]+-[0-9.]+$/ && ci[1] + 0 <= ci[2] + 0)) bad++ }
                    END { print n, bad + 0 }' "$run/SUMMARY.md")" = "14 0"
        # Interleaved: 3 passes, the CPU-bound runs twice in each (--cpu-repeats 2).
        jq_ok "emulated compared CPU runs: 3 passes x 2" "$run/bench_gil.json" \
            '[.benchmarks[] | select(.run_name == "gil/cpu/threads-new/workers:2/manual_time" and .run_type == "iteration")] | length == 6'
        jq_ok "and as many real ones" "$run/cpython_gil.json" \
            '[.benchmarks[] | select(.run_name == "cpython/cpu/threads-new/workers:2/manual_time")] | length == 6'
        plan=$(jq -r '[.benchmarks[] | select(.run_name == "gil/cpu/threads-new/workers:2/manual_time") | .label
                       | capture("plan=(?<p>[0-9,]+)").p][0]' "$run/bench_gil.json")
        jq_ok "real CPU-bound workers pinned where the emulated ones ran ($plan)" "$run/cpython_gil.json" \
            ".context.cpu_placement == \"$plan\""
        ok "the summary says so" grep -q "real CPU-bound workers pinned as the emulated ones (CPUs $plan)" "$run/SUMMARY.md"
        # The convoy: each group (op, interval) emulated and real back to back,
        # once a pass (--convoy-repeats 1), in turn first: R E in odd passes,
        # E R in even ones; the real threads pinned as the emulated group's
        # largest team.
        pairs=$(awk '
            /comparison pass [0-9]+/ { match($0, /comparison pass [0-9]+/); p = substr($0, RSTART + 16, RLENGTH - 16) + 0 }
            /^racetrack: +(bench_gil|python3 cpython_gil.py) / && /convoy\/[a-z0-9]+\/threads-new\/i[0-9]+\// {
                match($0, /convoy\/[a-z0-9]+\/threads-new\/i[0-9]+\//); g = substr($0, RSTART, RLENGTH)
                k = $0 ~ /^racetrack: +bench_gil / ? "emulated" : "real"
                if (half == "") { half = k; hg = g; hp = p; next }
                r = ++seen[p, g]
                if (g == hg && p == hp && half != k && half == ((p + r) % 2 ? "emulated" : "real")) good++; else bad++
                half = ""
            }
            END { printf "%d %d%s\n", good, bad, half != "" ? " unpaired" : "" }' "$T_TMP/bench.log")
        ok "the new-GIL convoy's 6 groups ran emulated and real back to back, once in each of 3 passes, in turn first (got: good bad = $pairs)" \
            test "$pairs" = "18 0"
        # The CPU-bound runs alike, emulated first: E R R E in odd passes, R E E R in even.
        order=$(awk -v e='--benchmark_filter=^gil/(cpu|cpu_one_pu)/' -v r='--filter ^cpu(_one_pu)?/' '
            /comparison pass [0-9]+/ { match($0, /comparison pass [0-9]+/); p = substr($0, RSTART + 16, RLENGTH - 16) + 0 }
            /^racetrack: +bench_gil / && index($0, e) { s[p] = s[p] "E" }
            /^racetrack: +python3 cpython_gil.py / && index($0, r) { s[p] = s[p] "R" }
            END { for (i = 1; i <= 3; i++) printf "%s ", s[i] }' "$T_TMP/bench.log")
        ok "the CPU-bound runs, emulated and real, back to back twice a pass, in turn first (got: $order)" \
            test "$order" = "ERRE REER ERRE "
        ok "the convoy plots count their rounds (3 passes x 1), whose slowdowns' geometric mean they draw" \
            grep -q "geometric mean of 3 rounds" "$run/convoy_emulated_vs_real.svg"
        ok "the latency distribution, the median of as many" grep -q "median of 3 rounds" "$run/convoy_latency_cdf.svg"
        ok "the slowdown TSVs' centre is the geometric mean, over 3 rounds" \
            test "$(awk -F'\t' 'NR == 1 { print $6 } $1 == "cpython/echo/threads-new/beside-1cpu" && $2 == 5000 { print $3 }' \
                    "$run/cpython_convoy_slowdown.tsv" | tr '\n' ' ')" = "geomean 3 "
        cplan=$(jq -r '[.benchmarks[] | select(.run_name | test("^gil/convoy/read1/threads-new/i500/cpu:2/")) | .label
                        | capture("plan=(?<p>[0-9,]+)").p][0]' "$run/bench_gil.json")
        jq_ok "the real convoy's threads pinned where the emulated ones ran ($cplan)" "$run/cpython_gil.json" \
            ".context.convoy_placement == \"$cplan\" and (\"$cplan\" | split(\",\") | length) == 3"
        jq_ok "every real convoy run pinned so, the first (before any emulated group) too" \
            <(jq -s '[.[].context.convoy_placement]' "$run"/passes/python3.*.threads-new.i*.json) \
            "length == 18 and all(. == \"$cplan\")"
        # Each emulated group run's loop sized to the latest real run of its
        # group alone (cpu:0's io_cpu_ns_per_op): in a pass whose repeat r
        # starts with real ((p + r) even), that one; else the one just before.
        sized=0 unsized=""
        for g in read1.threads-new.i500 socketpair.threads-new.i5000 echo.threads-new.i500; do
            last=""
            for pr in 1.1 2.1 3.1; do
                [ $(((${pr%.*} + ${pr#*.}) % 2)) -eq 0 ] && last=$run/passes/python3.${pr%.*}.$g.${pr#*.}.json
                want="${g%%.*}=$(jq -r '.benchmarks[] | select(.run_name | test("/cpu:0/")) | .io_cpu_ns_per_op' "$last" |
                                 xargs printf '%.1f')"
                got=$(jq -r '.context["param.io-op-ns"]' "$run/passes/bench_gil.${pr%.*}.$g.${pr#*.}.json")
                [ "$got" = "$want" ] && sized=$((sized + 1)) || unsized+=" $g.$pr:$got/$want"
                [ $(((${pr%.*} + ${pr#*.}) % 2)) -eq 1 ] && last=$run/passes/python3.${pr%.*}.$g.${pr#*.}.json
            done
        done
        ok "each emulated convoy run sized to the latest real run of its group alone (got $sized of 9;$unsized)" \
            test "$sized" -eq 9
        ok "and how far apart the real team's CPUs were" \
            grep -qE "^The real 2-thread run's CPUs, one thread alone on each: .* [0-9]+\.[0-9]{2} \(median\)\.$" "$run/SUMMARY.md"
        jq_ok "the real solo worker ran on each CPU of the team in turn" "$run/cpython_gil.json" \
            "[.benchmarks[] | select(.run_name == \"cpython/cpu/threads-new/workers:2/manual_time\")
              | .solo_pus == (\"$plan\" | split(\",\") | unique | length) and .solo_spread >= 1] | all"
        # The old GIL's battle off: both threads on the plan's first CPU, as
        # bench_gil's cpu_one_pu, and compared with it.
        jq_ok "the real one-CPU team ran on the plan's first CPU (${plan%%,*}), its solo reference there too" \
            "$run/cpython_gil.json" "(.context.cpu_one_pu_placement == \"${plan%%,*}\") and
              ([.benchmarks[] | select(.run_name == \"cpython/cpu_one_pu/threads-new/workers:2/manual_time\")
                | .solo_pus == 1] | length == 6 and all)"
        ok "the summary compares it" grep -qE '^\| CPU-bound, one CPU: 2 threads / 1 thread \| [0-9.]+ \| [0-9.]+ \|' "$run/SUMMARY.md"
        # The emulated unit is python3's countdown iteration, timed just before
        # each run that uses it: every bench_gil and bench_scaling command line
        # carries one, and every new-GIL run's label has one of those.
        ok "bench.sh passed a measured --unit-ns to every bench_gil and bench_scaling run" \
            test "$(grep -E '^racetrack: +bench_(gil|scaling) ' "$T_TMP/bench.log" | grep -vc -- ' --unit-ns=[0-9]')" -eq 0
        measured=$(grep -o -- ' --unit-ns=[0-9.]*' "$T_TMP/bench.log" | cut -d= -f2 | paste -sd, -)
        jq_ok "every new-GIL run used one of the measured units ($measured)" "$run/bench_gil.json" \
            "[.benchmarks[] | select(.label | test(\"gil=new\")) | .label | capture(\"unit_ns=(?<u>[0-9.]+)\").u
              | tonumber] | unique - [$measured] | length == 0 and ([$measured] | length) >= 4"
        # The convoy's I/O loop is sized to python3's the same way: every
        # bench_gil command line carries --io-op-ns for the three operations,
        # and every new-GIL convoy label says how many units that came to.
        ok "bench.sh passed a measured --io-op-ns to every bench_gil run" \
            test "$(grep -E '^racetrack: +bench_gil ' "$T_TMP/bench.log" |
                    grep -vcE -- ' --io-op-ns=read1=[0-9.]+,socketpair=[0-9.]+,echo=[0-9.]+( |$)')" -eq 0
        jq_ok "every new-GIL convoy label has its io_units_per_op" "$run/bench_gil.json" \
            '[.benchmarks[] | select((.name | startswith("gil/convoy/")) and (.label | test("gil=new")))
              | .label | test(" io_units_per_op=[0-9]+ ")] | length > 0 and all'
        # And the share of it between an operation's two calls is python3's
        # opcode count: every bench_gil command line carries it, and every
        # socketpair and echo convoy label has some of its units there.
        ok "bench.sh passed a counted --io-gap-share to every bench_gil run" \
            test "$(grep -E '^racetrack: +bench_gil ' "$T_TMP/bench.log" |
                    grep -vcE -- ' --io-gap-share=read1=0\.000,socketpair=0\.[0-9]+,echo=0\.[0-9]+( |$)')" -eq 0
        share=$(grep -oE -- ' --io-gap-share=[^ ]+' "$T_TMP/bench.log" | head -1 | sed -E 's/.*socketpair=([0-9.]+),echo=([0-9.]+)/\1 \2/')
        jq_ok "every convoy label's units between two calls are that share of its units (socketpair, echo: $share; read1: none)" \
            "$run/bench_gil.json" "[.benchmarks[] | select(.name | startswith(\"gil/convoy/\"))
              | (.name | split(\"/\")[2]) as \$op | (.label | capture(\"io_units_per_op=(?<u>[0-9]+) .*io_gap_units=(?<g>[0-9]+)\"))
              | (.u | tonumber) as \$u | (.g | tonumber) as \$g
              | if \$op == \"read1\" then \$g == 0
                else \$g == ((if \$op == \"socketpair\" then ${share% *} else ${share#* } end) * \$u + 0.5 | floor) end]
             | length > 0 and all"
        jq_ok "real sleeping runs: 3 repetitions, one a pass" "$run/cpython_gil.json" \
            '[.benchmarks[] | select(.run_name == "cpython/sleep/threads-new/workers:1/manual_time")] | length == 3'
        ok "the latency CDF has emulated and real, alone and beside a CPU thread" \
            test "$(tail -n +2 "$run/convoy_latency_cdf.tsv" | cut -f1 | sort -u | tr '\n' ' ')" = \
            "cpython/echo/threads-new/i5000/beside-0cpu cpython/echo/threads-new/i5000/beside-1cpu emulated/echo/threads-new/i5000/beside-0cpu emulated/echo/threads-new/i5000/beside-1cpu "
    fi
    # A machine without python3: the summary of such a run says the
    # comparison was skipped and still succeeds.
    nopy=$T_TMP/nopy
    cp -r "$run" "$nopy"
    rm -f "$nopy"/cpython_* "$nopy"/cpython2_* "$nopy"/convoy_emulated_vs_real.* "$nopy"/convoy_latency_cdf.*
    echo "skipped: no python3 on this machine" >"$nopy/cpython_gil.skipped"
    ok "summary of a run without python3 succeeds" "$RT_SOURCE/scripts/summary.sh" "$nopy" >/dev/null
    ok "and says the comparison was skipped" grep -q 'Real CPython comparison (cpython): skipped' "$nopy/SUMMARY.md"
}
