#!/usr/bin/env bash
# scripts/report.sh on a hand-made run folder (tests/fixtures/run_a): every
# claim's section with the verdict's numbers computed by hand from the
# fixture's files, the headline table, the machine lines, and the noise
# check naming the one series whose coefficient of variation is over 5 %.
source "$(dirname "$0")/lib.sh"
run=$T_TMP/run
cp -r "$RT_SOURCE/tests/fixtures/run_a" "$run"
"$RT_SOURCE/scripts/report.sh" "$run" >/dev/null
ok "report.sh exits 0" test $? -eq 0
r=$run/REPORT.md
ok "REPORT.md written" test -s "$r"
has() { ok "report: $1" grep -qF -- "$2" "$r"; }
has "machine line" "Test CPU, 2 PUs / 2 cores / 1 package(s), SMT 1"
has "build and profile line" "full profile, 5 repetitions, policy compact, parallel capacity 1.90 before, 1.80 after"
for s in '## 1. `counter += 1`' '## 2. Threads for waiting' '## 3. Threads are cheap' '## 4. The GIL'; do
    has "section '$s'" "$s"
done
# claim 1: racy lost 100000..500000 of 2000000, median 300000 = 15.0 %;
# mutex 25.5 - racy 2.0 = 23.5 ns; atomic 10.0 - 2.0 = 8.0 ns
has "lost updates" "lost 15.0 % of updates with 2 threads (300000 of 2000000, median of 5 trials)"
has "the mutex's price" "a mutex cost 23.5 ns per increment more"
has "the atomic's price, and no loss with a lock" "an atomic add 8.0 ns more, and with either no update was lost in 5 trials"
# claim 2: speedups at 2 PUs and 64 sleeping workers; capacity min(1.9, 1.8)
has "CPU-bound speedups" "ran 1.80x one worker's rate as threads and 1.75x as processes (parallel capacity measured at 1.80 of 2 PUs)"
has "sleeping speedups" "64 sleeping workers ran 60.0x as threads and 58.0x as processes"
# claim 3: 20 us, 200 us = 10.0x, 500 us; pipe 30 / 32 us
has "creation" "took 20.0 µs; fork + exit + wait took 200.0 µs (10.0x) and posix_spawn of a program 500.0 µs"
has "ping-pong" "two threads on different cores (other-core) took 30.0 µs and between two processes 32.0 µs"
# claim 4
has "GIL CPU-bound" "2 CPU-bound threads ran 1.00x one thread's rate, under the old GIL 0.50x, and as 2 processes 1.96x"
has "convoy" "beside one CPU-bound thread ran 120x slower"
has "headline table" "| updates lost by \`counter += 1\`, 2 threads | 15.0 % | median of 5 trials |"
has "the tutorial's reproduce line has the run's trials" "\`build/bin/bench_counter --tutorial --variants all --trials 5\`"
ok "four sections, four reproduce lines" test "$(grep -c '^Reproduce: `scripts/bench.sh --only ' "$r")" -eq 4
# noise: counter/mutex has stddev 2.55 over mean 25.5 = 10 %; the others 1 % or less
has "noise flagged" "counter/mutex (up to 10 % at 2)"
ok "noise names only that series" test "$(grep -c 'coefficient of variation over 5 %' "$r")" -eq 1
# A machine whose cores share no cache (each its own L3): the closest pair.
sed -i 's|/other-core|/other-l3|' "$run/pingpong_rtt_ns.tsv"
"$RT_SOURCE/scripts/report.sh" "$run" >/dev/null
has "ping-pong without an other-core pair" "two threads on different cores (other-l3) took 30.0 µs and between two processes 32.0 µs"
has "and its headline row names the pair" "| pipe round trip, other-l3: threads / processes | 30.0 / 32.0 µs |"
rm "$run/counter_tutorial.json"
"$RT_SOURCE/scripts/report.sh" "$run" >/dev/null
ok "a claim without its files says so" grep -qF "Not measured in this run." "$r"
"$RT_SOURCE/scripts/report.sh" --max-cv 7 "$run" >/dev/null 2>"$T_TMP/err"
ok "bad --max-cv: exit 2, one line" test $? -eq 2 -a "$(wc -l <"$T_TMP/err")" -eq 1
t_done
