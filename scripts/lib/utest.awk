# utest.awk - the two-sided Mann-Whitney U test, as scipy.stats.mannwhitneyu
# computes it by default (the test Google Benchmark's compare.py runs):
# exact when one sample has at most 8 values and there are no ties, else the
# normal approximation with the tie correction and the continuity
# correction.  For the awk programs that include it (awk -f utest.awk -f ...).
#
#   utest_p(a, na, b, nb)  the p-value for samples a[1..na] and b[1..nb]

# The number of orderings of n1 x's and n2 y's whose U (pairs with x > y)
# is exactly u, memoised: f(n1, n2, u) = f(n1 - 1, n2, u - n2) + f(n1, n2 - 1, u).
function utest_count(n1, n2, u,    k, r) {
    if (u < 0 || u > n1 * n2) return 0
    if (n1 == 0 || n2 == 0) return u == 0 ? 1 : 0
    k = n1 SUBSEP n2 SUBSEP u
    if (k in utest_memo) return utest_memo[k]
    r = utest_count(n1 - 1, n2, u - n2) + utest_count(n1, n2 - 1, u)
    utest_memo[k] = r
    return r
}

# Upper tail of the standard normal: erfc(z / sqrt 2) / 2, by Abramowitz and
# Stegun 7.1.26 (absolute error under 1.5e-7).
function utest_norm_sf(z,    x, t, y) {
    if (z < 0) return 1 - utest_norm_sf(-z)
    x = z / sqrt(2)
    t = 1 / (1 + 0.3275911 * x)
    y = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return 0.5 * y * exp(-x * x)
}

function utest_p(a, na, b, nb,    i, j, n, r, o, kv, ko, ties, tie_term, cnt, k, mid, u1, u, mu, s, total, le, p, c) {
    if (na < 1 || nb < 1) return 1
    # the pooled sample, each value with its origin (1: a), sorted by value
    n = 0
    for (i = 1; i <= na; i++) { r[++n] = a[i] + 0; o[n] = 1 }
    for (i = 1; i <= nb; i++) { r[++n] = b[i] + 0; o[n] = 0 }
    for (i = 2; i <= n; i++) {          # insertion sort: samples are small
        kv = r[i]; ko = o[i]
        for (j = i - 1; j >= 1 && r[j] > kv; j--) { r[j + 1] = r[j]; o[j + 1] = o[j] }
        r[j + 1] = kv; o[j + 1] = ko
    }
    # midranks; U of a = its rank sum - na (na + 1) / 2
    ties = 0; tie_term = 0; u1 = 0
    for (i = 1; i <= n; i = j) {
        for (j = i; j <= n && r[j] == r[i]; j++) ;
        cnt = j - i; mid = (i + j - 1) / 2
        for (k = i; k < j; k++) if (o[k]) u1 += mid
        if (cnt > 1) { ties = 1; tie_term += cnt * cnt * cnt - cnt }
    }
    u1 -= na * (na + 1) / 2
    if ((na <= 8 || nb <= 8) && !ties) {
        # exact: P(U <= min(u1, u2)), doubled
        u = u1 < na * nb - u1 ? u1 : na * nb - u1
        total = 0; le = 0
        for (k = 0; k <= na * nb; k++) { c = utest_count(na, nb, k); total += c; if (k <= u) le += c }
        p = 2 * le / total
        return p > 1 ? 1 : p
    }
    u = u1 > na * nb - u1 ? u1 : na * nb - u1
    mu = na * nb / 2
    s = sqrt(na * nb / 12 * ((n + 1) - tie_term / (n * (n - 1))))
    if (s == 0) return 1
    p = 2 * utest_norm_sf((u - mu - 0.5) / s)
    return p > 1 ? 1 : p
}
