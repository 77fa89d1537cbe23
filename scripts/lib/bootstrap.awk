# bootstrap.awk - rounds and their resampled statistics, for ratio_ci.awk
# and order_ci.awk (run as awk -f bootstrap.awk -f ratio_ci.awk ...).
#
# Input, one line per round (a repetition of one configuration):
#   label <TAB> side <TAB> index <TAB> num <TAB> den [<TAB> centre]
# side is e (emulated) or r (real); centre is median (the default) or
# geomean, and a label's first round sets it.  A label's statistic on one
# side is centre(num) / centre(den) over its rounds: a convoy slowdown is
# geomean(ops/s alone) / geomean(ops/s beside the CPU threads), both from
# the same round of its group (slowdown.sh: with as many rounds on both
# sides, the geometric mean of the per-round slowdowns); a CPU-bound ratio
# is median(paired speedup) / 1.
#
# What it leaves to the END of the file after it: count[label, side] rounds,
# num[label, side, i] and den[label, side, i], order[1..labels] (labels in
# input order), centre_of[label], and B, the number of resamples (default
# 2000).  statistic(k, n, how) is a side's statistic over the rounds
# pick[1..n] of k = label SUBSEP side; resample2 draws two keys' rounds.

function sift(v, root, n,    child, t) {
    while ((child = 2 * root) <= n) {
        if (child < n && v[child + 1] > v[child])
            child++
        if (v[root] >= v[child])
            return
        t = v[root]; v[root] = v[child]; v[child] = t
        root = child
    }
}

# Sort v[1..n] ascending (heapsort: B values, B log B steps).
function heapsort(v, n,    i, t) {
    for (i = int(n / 2); i >= 1; i--)
        sift(v, i, n)
    for (i = n; i > 1; i--) {
        t = v[1]; v[1] = v[i]; v[i] = t
        sift(v, 1, i - 1)
    }
}

# The median of v[1..n] (sorts v; n >= 1), as json2tsv's (R type 7).
function median(v, n) {
    heapsort(v, n)
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}

# The geometric mean of v[1..n] (all > 0; else -1).
function geomean(v, n,    i, s) {
    for (i = 1; i <= n; i++) {
        if (v[i] <= 0)
            return -1
        s += log(v[i])
    }
    return exp(s / n)
}

function centre(how, v, n) {
    return how == "geomean" ? geomean(v, n) : median(v, n)
}

# One side's statistic over the rounds pick[1..n] of key k.
function statistic(k, n, how,    i, x, y, dx, nx) {
    for (i = 1; i <= n; i++) {
        x[i] = num[k, pick[i]]
        y[i] = den[k, pick[i]]
    }
    dx = centre(how, y, n)
    nx = centre(how, x, n)
    return dx > 0 && nx > 0 ? nx / dx : -1
}

# One resample of two keys' rounds, their statistics in the globals s1 and
# s2 (-1: none).  Where both keys have as many rounds, the same indexes
# are drawn for both (rounds of one index ran at one moment); otherwise
# each is drawn alone.
function resample2(k1, n1, how1, k2, n2, how2,    i) {
    for (i = 1; i <= n1; i++)
        pick[i] = int(rand() * n1) + 1
    s1 = statistic(k1, n1, how1)
    if (n2 != n1)
        for (i = 1; i <= n2; i++)
            pick[i] = int(rand() * n2) + 1
    s2 = statistic(k2, n2, how2)
}

BEGIN {
    FS = OFS = "\t"
    if (B == "") B = 2000
}
NF >= 5 && ($2 == "e" || $2 == "r") {
    k = $1 SUBSEP $2
    n = ++count[k]
    num[k, n] = $4 + 0
    den[k, n] = $5 + 0
    if (!($1 in seen)) {
        seen[$1] = 1
        order[++labels] = $1
        centre_of[$1] = NF >= 6 && $6 == "geomean" ? "geomean" : "median"
    }
}
