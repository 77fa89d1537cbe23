#!/usr/bin/env bash
# scripts/bench.sh --quick end to end: a new run folder with JSON, TSV,
# valid PNG and SVG, environment facts, no INCOMPLETE marker, and
# results/latest pointing at it.  A second run gets a new folder.
source "$(dirname "$0")/lib.sh"
res=$T_TMP/results

"$RT_SOURCE/scripts/bench.sh" --quick --cpu-repeats 2 --convoy-repeats 2 --results "$res" 2>&1 | tee "$T_TMP/bench.log"
ok "bench.sh --quick exits 0" test "${PIPESTATUS[0]}" -eq 0
run=$res/$(readlink "$res/latest")
ok "latest points to a run folder" test -d "$run"
ok "run is complete" test ! -e "$run/INCOMPLETE"
ok "the report does not call a complete run incomplete" bash -c "! grep -q INCOMPLETE '$run/REPORT.md'"
for f in bench_counter.json bench_shim.json counter_tutorial.json environment.json topology.xml \
         counter_ns_per_increment.tsv counter_lost_fraction.tsv shim_summary.json; do
    ok "$f exists and is not empty" test -s "$run/$f"
done
for j in bench_counter.json bench_shim.json counter_tutorial.json environment.json shim_summary.json; do
    ok "$j is valid JSON" jq -e . "$run/$j" >/dev/null
done
for p in counter_ns_per_increment counter_lost_fraction counter_throughput; do
    ok "$p.png is a PNG" test "$(head -c 4 "$run/$p.png" | od -An -tx1 | tr -d ' \n')" = 89504e47
    ok "$p.svg is an SVG" grep -q "<svg" "$run/$p.svg"
done
# Threads vs processes: JSON, capacity, a throughput and a speedup TSV and
# plot per workload, the crossover, and their section of the summary.
ok "bench_scaling.json is valid JSON" jq -e . "$run/bench_scaling.json" >/dev/null
jq_ok "capacity measured before and after" "$run/scaling_capacity.json" \
    '.before.capacity > 0 and .after.capacity > 0'
for w in cpu sleep tcp mixed; do
    for p in "scaling_${w}_throughput" "scaling_${w}_speedup"; do
        ok "$p.tsv has rows" test "$(wc -l <"$run/$p.tsv")" -gt 1
        ok "$p.png is a PNG" test "$(head -c 4 "$run/$p.png" | od -An -tx1 | tr -d ' \n')" = 89504e47
    done
    if [ $w = cpu ]; then   # measured: one worker against itself alone, moments apart
        ok "cpu speedup is about 1 at 1 worker" \
            test "$(awk -F'\t' '$2 == 1 && ($6 < 0.8 || $6 > 1.25)' "$run/scaling_cpu_speedup.tsv" | wc -l)" -eq 0
    else
        ok "$w speedup is 1 at 1 worker" test "$(awk -F'\t' '$2 == 1 && $6 != 1' "$run/scaling_${w}_speedup.tsv" | wc -l)" -eq 0
    fi
done
ok "waiting work swept to 16 workers" grep -qP '^scaling/sleep/weak/processes\t16\t3\t' "$run/scaling_sleep_throughput.tsv"
ok "crossover plot" test -s "$run/scaling_crossover.svg"
ok "summary has the threads vs processes section" grep -q '^\*\*Threads vs processes\*\*' "$run/SUMMARY.md"
ok "summary lists the crossover" grep -q '^| 100 % |' "$run/SUMMARY.md"
# Under the GILs: cpu strong and weak, the waiting workloads weak (their
# strong sweeps under a GIL are left out of both profiles), new and old.
ok "every workload also ran under the new and the old GIL" \
    test "$(cat "$run"/scaling_*_throughput.tsv | cut -f1 | grep -E '/threads-(new|old)$' | sort -u | tr '\n' ' ')" = \
    "scaling/cpu/strong/threads-new scaling/cpu/strong/threads-old scaling/cpu/weak/threads-new scaling/cpu/weak/threads-old scaling/mixed/weak/threads-new scaling/mixed/weak/threads-old scaling/sleep/weak/threads-new scaling/sleep/weak/threads-old scaling/tcp/weak/threads-new scaling/tcp/weak/threads-old "
ok "summary has the GIL modes of the scaling runs" grep -q '^| sleep | weak | 16 |' "$run/SUMMARY.md"
ok "summary compares one GIL worker with one plain worker" \
    grep -qE '^One worker under a GIL against one without \(`cpu`, new and old GIL\), within 10 %: ' "$run/SUMMARY.md"
ok "summary says where GIL threads stop losing to processes" \
    grep -qE '^Threads under the new GIL (stop losing to processes at \*\*[0-9]+ % waiting|lose to processes by more than 5 % at every)' "$run/SUMMARY.md"
# Creation and communication costs.
for j in bench_create.json bench_ipc.json; do
    ok "$j is valid JSON" jq -e . "$run/$j" >/dev/null
done
for p in create_cost fork_size pingpong_rtt stream_throughput; do
    ok "$p.png is a PNG" test "$(head -c 4 "$run/$p.png" | od -An -tx1 | tr -d ' \n')" = 89504e47
done
ok "every creation kind at 1 creator" test "$(awk -F'\t' 'NR > 1 && $2 == 1' "$run/create_ns.tsv" | wc -l)" -eq 8
ok "fork against 256 MiB of parent memory (quick)" grep -qP '^fork_size/fork_only\t256\t3\t' "$run/fork_size.tsv"
ok "every mechanism has its one-worker baseline" test "$(grep -c '/one-worker' "$run/pingpong_rtt_ns.tsv")" -eq 6
ok "the summary says round trip" grep -q 'Ping-pong between two workers: ROUND TRIP' "$run/SUMMARY.md"
ok "the summary has wake-up lateness" grep -q '^| signal/threads/idle |' "$run/SUMMARY.md"
# The emulated GIL, and real CPython beside it when there is a python3.
ok "bench_gil.json is valid JSON" jq -e . "$run/bench_gil.json" >/dev/null
for p in gil_cpu_speedup gil_handoffs gil_convoy convoy_latency_cdf; do
    ok "$p.png is a PNG" test "$(head -c 4 "$run/$p.png" | od -An -tx1 | tr -d ' \n')" = 89504e47
done
ok "summary has the GIL section" grep -q '^\*\*An emulated GIL\*\*' "$run/SUMMARY.md"
if command -v python3 >/dev/null; then
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
    # twice a pass (--convoy-repeats 2), in turn first: R E E R in odd
    # passes, E R R E in even ones; the real threads pinned as the emulated
    # group's largest team.
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
    ok "the new-GIL convoy's 6 groups ran emulated and real back to back, twice in each of 3 passes, in turn first (got: good bad = $pairs)" \
        test "$pairs" = "36 0"
    # The CPU-bound runs alike, emulated first: E R R E in odd passes, R E E R in even.
    order=$(awk -v e='--benchmark_filter=^gil/(cpu|cpu_one_pu)/' -v r='--filter ^cpu(_one_pu)?/' '
        /comparison pass [0-9]+/ { match($0, /comparison pass [0-9]+/); p = substr($0, RSTART + 16, RLENGTH - 16) + 0 }
        /^racetrack: +bench_gil / && index($0, e) { s[p] = s[p] "E" }
        /^racetrack: +python3 cpython_gil.py / && index($0, r) { s[p] = s[p] "R" }
        END { for (i = 1; i <= 3; i++) printf "%s ", s[i] }' "$T_TMP/bench.log")
    ok "the CPU-bound runs, emulated and real, back to back twice a pass, in turn first (got: $order)" \
        test "$order" = "ERRE REER ERRE "
    ok "the convoy plots count their rounds (3 passes x 2), whose slowdowns' geometric mean they draw" \
        grep -q "geometric mean of 6 rounds" "$run/convoy_emulated_vs_real.svg"
    ok "the latency distribution, the median of as many" grep -q "median of 6 rounds" "$run/convoy_latency_cdf.svg"
    ok "the slowdown TSVs' centre is the geometric mean, over 6 rounds" \
        test "$(awk -F'\t' 'NR == 1 { print $6 } $1 == "cpython/echo/threads-new/beside-1cpu" && $2 == 5000 { print $3 }' \
                "$run/cpython_convoy_slowdown.tsv" | tr '\n' ' ')" = "geomean 6 "
    cplan=$(jq -r '[.benchmarks[] | select(.run_name | test("^gil/convoy/read1/threads-new/i500/cpu:2/")) | .label
                    | capture("plan=(?<p>[0-9,]+)").p][0]' "$run/bench_gil.json")
    jq_ok "the real convoy's threads pinned where the emulated ones ran ($cplan)" "$run/cpython_gil.json" \
        ".context.convoy_placement == \"$cplan\" and (\"$cplan\" | split(\",\") | length) == 3"
    jq_ok "every real convoy run pinned so, the first (before any emulated group) too" \
        <(jq -s '[.[].context.convoy_placement]' "$run"/passes/python3.*.threads-new.i*.json) \
        "length == 36 and all(. == \"$cplan\")"
    # Each emulated group run's loop sized to the latest real run of its
    # group alone (cpu:0's io_cpu_ns_per_op): in a pass whose repeat r
    # starts with real ((p + r) even), that one; else the one just before.
    sized=0 unsized=""
    for g in read1.threads-new.i500 socketpair.threads-new.i5000 echo.threads-new.i500; do
        last=""
        for pr in 1.1 1.2 2.1 2.2 3.1 3.2; do
            [ $(((${pr%.*} + ${pr#*.}) % 2)) -eq 0 ] && last=$run/passes/python3.${pr%.*}.$g.${pr#*.}.json
            want="${g%%.*}=$(jq -r '.benchmarks[] | select(.run_name | test("/cpu:0/")) | .io_cpu_ns_per_op' "$last" |
                             xargs printf '%.1f')"
            got=$(jq -r '.context["param.io-op-ns"]' "$run/passes/bench_gil.${pr%.*}.$g.${pr#*.}.json")
            [ "$got" = "$want" ] && sized=$((sized + 1)) || unsized+=" $g.$pr:$got/$want"
            [ $(((${pr%.*} + ${pr#*.}) % 2)) -eq 1 ] && last=$run/passes/python3.${pr%.*}.$g.${pr#*.}.json
        done
    done
    ok "each emulated convoy run sized to the latest real run of its group alone (got $sized of 18;$unsized)" \
        test "$sized" -eq 18
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
ok "lost-fraction TSV covers racy at 2 workers" grep -qP '^counter/racy\t2\t3\t' "$run/counter_lost_fraction.tsv"
jq_ok "shim summary has both bodies" "$run/shim_summary.json" '[.bodies[].body] == ["barrier", "atomic_relaxed"]'
jq_ok "environment names the machine" "$run/environment.json" '.pus >= 1 and (.command_line | test("--quick"))'
jq_ok "environment: SMT, flags, turbo, capacity, profile, topology XML" "$run/environment.json" \
    '(.smt >= 1) and (.cflags | test("-O2")) and has("turbo") and has("governor") and (.capacity.before > 0)
     and .profile == "quick" and .repetitions == 3 and (.topology_xml | startswith("<?xml"))'
jq_ok "environment: the commit that made the numbers" "$run/environment.json" \
    '(.source.commit | test("^([0-9a-f]{40}|unknown)$")) and (.source.code | IN("clean", "modified", "unknown"))'

# The report, and each step's time for the next run's estimate.
ok "REPORT.md has the four claims" test "$(grep -c '^## [1-4]\. ' "$run/REPORT.md")" -eq 4
ok "REPORT.md has the headline table" grep -q '^| updates lost by `counter += 1`, 2 threads |' "$run/REPORT.md"
ok "REPORT.md has no missing figure" test "$(grep -c 'n/a' "$run/REPORT.md")" -eq 0
ok "steps.tsv: one line per step, all quick" \
    test "$(awk -F'\t' '$1 == "quick" && $3 ~ /^[0-9]+$/' "$run/steps.tsv" | wc -l)" -eq "$(wc -l <"$run/steps.tsv")"

# A second run: a new folder, and progress estimated from the first.
sleep 1
"$RT_SOURCE/scripts/bench.sh" --quick --only counter --results "$res" >/dev/null 2>"$T_TMP/second.log"
ok "a second run never reuses the folder" test "$(find "$res" -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq 2
ok "progress: i of n with elapsed time" grep -qE '^racetrack: \[1/3\] bench_counter; 0m[0-9]{2}s elapsed' "$T_TMP/second.log"
ok "progress: the estimate comes from the last quick run" grep -q 'left (scaled from the last quick run)' "$T_TMP/second.log"
run2=$res/$(readlink "$res/latest")
ok "an --only run is complete, with its report" test ! -e "$run2/INCOMPLETE" -a -s "$run2/REPORT.md"
ok "its report says what it did not measure" test "$(grep -c '^Not measured in this run.' "$run2/REPORT.md")" -eq 3
t_done
