# ratio_ci.awk - bootstrap intervals for summary.sh's emulated / real rows.
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
# Output, per label that both sides have, in input order:
#   label <TAB> lo <TAB> hi
# the central LEVEL interval (default 0.95) of the statistic's ratio
# emulated / real over B (default 2000) resamples of the rounds.  Where
# both sides have as many rounds, a resample draws the same indexes on both
# (bench.sh runs emulated and real rounds of one index back to back, so a
# moment of the machine stays paired); otherwise each side is drawn alone.
# The seed is fixed, per label: the same rounds always give the same interval.
#
# usage: awk -f ratio_ci.awk [-v B=2000] [-v level=0.95] ROUNDS.tsv


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

BEGIN {
    FS = OFS = "\t"
    if (B == "") B = 2000
    if (level == "") level = 0.95
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
END {
    for (l = 1; l <= labels; l++) {
        label = order[l]
        ke = label SUBSEP "e"; kr = label SUBSEP "r"
        ne = count[ke]; nr = count[kr]
        if (!ne || !nr)
            continue
        got = 0
        srand(1)    # per label: the same rounds give the same interval anywhere in the input
        for (b = 1; b <= B; b++) {
            for (i = 1; i <= ne; i++)
                pick[i] = int(rand() * ne) + 1
            se = statistic(ke, ne, centre_of[label])
            if (nr != ne)
                for (i = 1; i <= nr; i++)
                    pick[i] = int(rand() * nr) + 1
            sr = statistic(kr, nr, centre_of[label])
            if (se > 0 && sr > 0)
                q[++got] = se / sr
        }
        if (got == 0)
            continue
        heapsort(q, got)
        lo = int(got * (1 - level) / 2) + 1
        hi = int(got * (1 + level) / 2)
        if (hi < lo) hi = lo
        print label, q[lo], q[hi]
    }
}
