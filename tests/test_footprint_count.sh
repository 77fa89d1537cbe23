#!/usr/bin/env bash
# The convoy loop's footprint, counted and modelled:
# - scripts/lib/footprint.awk on a made-up lackey trace: distinct 64-byte
#   lines of code and of data per operation, operations cut at the marked
#   address, the first --skip left out, one cut short by the next op's
#   marker not counted, the median over the rest;
# - under valgrind's lackey, test_footprint --probe: a trip of
#   rt_code_lines(0, N) and N data lines runs through exactly N more lines
#   of each than a trip of fewer (footprint.awk's count of the trace);
# - bench_gil: the convoy labels carry each GIL's lines from its own flags,
#   and a loop given a large footprint costs its I/O thread more CPU time
#   per operation (an order-of-magnitude bound: the claim is about work);
# (footprint.sh on a real Python: test_footprint_python.sh.)  The lackey
# parts are skipped without valgrind.
source "$(dirname "$0")/lib.sh"
awk_fp() { awk -v skip="$1" -f "$RT_SOURCE/scripts/lib/footprint.awk"; }

# alpha (skip 1): trip 1 skipped; trips 2-4 have 3, 2, 5 code lines and 2,
# 1, 6 data lines (medians 3 and 2); trip 5 is cut by gamma's marker.  A
# data access to a code address is a data line; 0x..3f and 0x..00 share a
# line, 0x..40 starts the next.  gamma: no trip past the skip, no line.
# beta: its one counted trip runs to the end of the trace.
{
    echo "==42== Lackey, an example Valgrind tool"
    echo "racetrack-footprint op=alpha mark=00400000"
    echo "I  00400000,4"; echo "I  00401000,3"
    echo "I  00400000,4"; echo "I  00400010,3"; echo "I  00400040,3"; echo "I  004000ff,1"
    echo " L 7ff000000,8"; echo " S 7ff00003f,1"; echo " M 00400000,8"
    echo "I  00400000,4"; echo "I  00400040,3"; echo " L 7ff000000,8"
    echo "I  00400000,4"; echo "I  00400080,3"; echo "I  004000c0,3"; echo "I  00400100,3"
    echo "I  00400140,3"
    for a in 7ff000000 7ff000040 7ff000080 7ff0000c0 7ff000100 7ff000140; do echo " L $a,8"; done
    echo "I  00400000,4"; for a in 00400200 00400240 00400280; do echo "I  $a,3"; done
    echo "racetrack-footprint op=gamma mark=00600000"
    echo "I  00600000,2"
    echo "racetrack-footprint op=beta mark=00500000"
    echo "I  00400000,4"
    echo "I  00500000,2"; echo "I  00500000,2"; echo " L 7ff000000,8"
} >"$T_TMP/trace"
ok "footprint.awk: alpha 3 2, beta 1 1, no gamma" \
    test "$(awk_fp 1 <"$T_TMP/trace" | tr '\n' ';')" = "alpha 3 2;beta 1 1;"

if command -v valgrind >/dev/null; then
    probe() {   # CODE DATA: "code data" lines of a probe trip, under lackey
        valgrind --tool=lackey --trace-mem=yes --log-fd=2 "$RT_BIN/test_footprint" --probe "$1" "$2" 12 \
            2>&1 >/dev/null | awk_fp 2 | awk '$1 == "probe" { print $2, $3 }'
    }
    read -r c0 d0 <<<"$(probe 0 0)"
    read -r c1 d1 <<<"$(probe 100 50)"
    read -r c2 d2 <<<"$(probe 300 200)"
    ok "probe: counted ($c0/$d0, $c1/$d1, $c2/$d2)" test -n "$c0" -a -n "$c1" -a -n "$c2"
    ok "probe: 300 code lines run through 200 more than 100 ($c2 - $c1)" test $((c2 - c1)) -eq 200
    ok "probe: 200 data lines touch 150 more than 50 ($d2 - $d1)" test $((d2 - d1)) -eq 150
    # a trip with none runs none of the block (its return line is one more)
    ok "probe: 100 code lines are 100 to 103 more than none ($c1 - $c0)" \
        test $((c1 - c0)) -ge 100 -a $((c1 - c0)) -le 103
    ok "probe: 50 data lines are 50 to 53 more than none ($d1 - $d0)" \
        test $((d1 - d0)) -ge 50 -a $((d1 - d0)) -le 53
else
    echo "no valgrind: the probe under lackey is skipped"
fi

# Labels: each GIL its own flags (processes run as the new GIL's threads do).
"$RT_BIN/bench_gil" --steps-per-us=100 --convoy-ms=20 --benchmark_repetitions=1 \
    --benchmark_filter='^gil/convoy/(read1|socketpair)/[a-z-]+/i5000/cpu:0/' \
    --io-code-lines=read1=100 --io-data-lines=read1=50 \
    --old-io-code-lines=read1=200 --old-io-data-lines=read1=80 \
    --benchmark_out_format=json --benchmark_out="$T_TMP/labels.json" >/dev/null 2>"$T_TMP/err"
ok "bench_gil with footprint flags: exit 0 ($(head -c 200 "$T_TMP/err"))" test $? -eq 0
label_lines() { jq -r --arg n "$1" '.benchmarks[] | select(.run_name | startswith($n)) | .label
                | capture("io_code_lines=(?<c>[0-9]+) io_data_lines=(?<d>[0-9]+)") | "\(.c) \(.d)"' \
                "$T_TMP/labels.json"; }
code_lines=100 old_code_lines=200
# The code block is x86-64's only; elsewhere the labels say 0.
[ "$(uname -m)" = x86_64 ] || code_lines=0 old_code_lines=0
ok "read1, new GIL: io_code_lines=$code_lines io_data_lines=50" \
    test "$(label_lines gil/convoy/read1/threads-new/)" = "$code_lines 50"
ok "read1, processes: the new GIL's" test "$(label_lines gil/convoy/read1/processes/)" = "$code_lines 50"
ok "read1, old GIL: its own, $old_code_lines and 80" \
    test "$(label_lines gil/convoy/read1/threads-old/)" = "$old_code_lines 80"
ok "socketpair, not named: 0 and 0" \
    test "$(label_lines gil/convoy/socketpair/threads-new/ | sort -u)" = "0 0"

# Work: 65536 data lines (4 MiB, past any L2) and 4096 code lines per
# operation cost the I/O thread far more than 10 us more CPU time.
cpu_ns() {   # FLAGS...: read1's io_cpu_ns_per_op alone, new GIL
    "$RT_BIN/bench_gil" --steps-per-us=100 --convoy-ms=50 --benchmark_repetitions=1 \
        --benchmark_filter='^gil/convoy/read1/threads-new/i5000/cpu:0/' "$@" \
        --benchmark_out_format=json --benchmark_out="$T_TMP/work.json" >/dev/null 2>&1 &&
        jq -r '.benchmarks[0].io_cpu_ns_per_op | floor' "$T_TMP/work.json"
}
bare=$(cpu_ns) big=$(cpu_ns --io-code-lines=read1=4096 --io-data-lines=read1=65536)
ok "a large footprint costs the loop over 10 us per operation more ($bare -> $big ns)" \
    test -n "$bare" -a -n "$big" -a "$((big - bare))" -gt 10000

t_done
