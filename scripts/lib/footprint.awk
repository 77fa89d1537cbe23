# footprint.awk - per operation, the distinct 64-byte lines of code and of
# data in a valgrind lackey trace of cpython_gil.py --trace-io-loop (see
# scripts/footprint.sh).  The loop writes "racetrack-footprint op=OP
# mark=ADDR" before each op's loop: an operation runs from one execution of
# the instruction at ADDR (the libc function it calls first) to the next.
# The first `skip` operations of each op are left out (the loop's first
# trips, and lackey's buffered lines from before the marker).  Prints
# "OP CODE DATA" per op, each the median over its operations.
# Portable awk: hexadecimal is read digit by digit.
function hexval(h,   v, i) {
    v = 0
    for (i = 1; i <= length(h); i++)
        v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
    return v
}
# the line of an address: its digits but the last two, and which quarter
# of 256 bytes those two are in
function line_of(addr) {
    return substr(addr, 1, length(addr) - 2) ":" int(hexval(substr(addr, length(addr) - 1)) / 64)
}
function end_op() {
    if (op != "" && trips > skip) {
        n[op]++
        code[op, n[op]] = ncode
        data[op, n[op]] = ndata
    }
    split("", seen_code)
    split("", seen_data)
    ncode = ndata = 0
}
function median(arr, o, m,   i, j, t, s) {
    for (i = 1; i <= m; i++) s[i] = arr[o, i]
    for (i = 2; i <= m; i++) {
        t = s[i]
        for (j = i - 1; j >= 1 && s[j] > t; j--) s[j + 1] = s[j]
        s[j + 1] = t
    }
    return s[int((m + 1) / 2)]
}
BEGIN { op = ""; nops = 0 }
/^racetrack-footprint op=/ {
    # the op in flight is cut short by the marker: not counted
    split("", seen_code); split("", seen_data); ncode = ndata = 0
    sub(/^racetrack-footprint op=/, "")
    op = $1; mark = $2; sub(/^mark=/, "", mark)
    ops[++nops] = op; trips = 0
    next
}
op == "" { next }
$1 == "I" {
    split($2, a, ",")
    if (a[1] == mark) { end_op(); trips++ }
    l = line_of(a[1])
    if (!(l in seen_code)) { seen_code[l] = 1; ncode++ }
    next
}
$1 == "L" || $1 == "S" || $1 == "M" {
    split($2, a, ",")
    l = line_of(a[1])
    if (!(l in seen_data)) { seen_data[l] = 1; ndata++ }
}
END {
    end_op()
    for (i = 1; i <= nops; i++)
        if (n[ops[i]] > 0)
            print ops[i], median(code, ops[i], n[ops[i]]), median(data, ops[i], n[ops[i]])
}
