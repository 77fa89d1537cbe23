# order_ci.awk - which of two configurations one side's own rounds rank
# higher, and how surely: for summary.sh's convoy order, so that a pair of
# cells that real CPython's rounds cannot tell apart is not counted as a
# disagreement of the emulation (nor as an agreement).
#
# Reads the rounds as bootstrap.awk says.  Output, for every pair of labels
# (a before b in input order) that match WANT (a regular expression;
# default: all) and that SIDE (e or r; default r) has rounds of:
#   a <TAB> b <TAB> share
# share: of B (default 2000) resamples of the rounds, the fraction in which
# a's statistic came out above b's (ties count half).  Where the two labels
# have as many rounds, a resample draws the same indexes for both (rounds
# of one index ran in the same pass of bench.sh, the cells of one convoy
# group back to back); otherwise each is drawn alone.  The seed is fixed,
# per pair: the same rounds always give the same share.
#
# usage: awk -f bootstrap.awk -f order_ci.awk [-v side=r] [-v want=^convoy] ROUNDS.tsv

BEGIN {
    if (side == "") side = "r"
}
END {
    for (i = 1; i < labels; i++) {
        for (j = i + 1; j <= labels; j++) {
            a = order[i]; b = order[j]
            if (want != "" && (a !~ want || b !~ want))
                continue
            ka = a SUBSEP side; kb = b SUBSEP side
            na = count[ka]; nb = count[kb]
            if (!na || !nb)
                continue
            srand(1)    # per pair
            above = got = 0
            for (r = 1; r <= B; r++) {
                resample2(ka, na, centre_of[a], kb, nb, centre_of[b])
                if (s1 > 0 && s2 > 0) {
                    got++
                    above += s1 > s2 ? 1 : s1 == s2 ? 0.5 : 0
                }
            }
            if (got)
                print a, b, above / got
        }
    }
}
