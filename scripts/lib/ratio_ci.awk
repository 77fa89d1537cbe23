# ratio_ci.awk - bootstrap intervals for summary.sh's emulated / real rows.
#
# Reads the rounds as bootstrap.awk says (labels, sides e and r).
# Output, per label that both sides have, in input order:
#   label <TAB> lo <TAB> hi
# the central LEVEL interval (default 0.95) of the statistic's ratio
# emulated / real over B (default 2000) resamples of the rounds.  Where
# both sides have as many rounds, a resample draws the same indexes on both
# (bench.sh runs emulated and real rounds of one index back to back, so a
# moment of the machine stays paired); otherwise each side is drawn alone.
# The seed is fixed, per label: the same rounds always give the same interval.
#
# usage: awk -f bootstrap.awk -f ratio_ci.awk [-v B=2000] [-v level=0.95] ROUNDS.tsv

BEGIN {
    if (level == "") level = 0.95
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
            resample2(ke, ne, centre_of[label], kr, nr, centre_of[label])
            if (s1 > 0 && s2 > 0)
                q[++got] = s1 / s2    # emulated / real
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
