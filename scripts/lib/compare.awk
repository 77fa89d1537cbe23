# compare.awk - compare.sh's table: one row per benchmark both runs have,
# from the "run file name metric direction value" lines of samples():
#   file name metric n_a n_b median_a median_b ratio_b_a p verdict
# Include utest.awk first.  -v alpha=P; -v pfile=F for p-values computed
# elsewhere (scipy), used instead of utest_p.
function median(v, n,    i, j, t, s) {
    for (i = 1; i <= n; i++) s[i] = v[i]
    for (i = 2; i <= n; i++) { t = s[i]; for (j = i - 1; j >= 1 && s[j] > t; j--) s[j + 1] = s[j]; s[j + 1] = t }
    return n % 2 ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
}
# The smallest p-value two samples of these sizes can give (exact test, no ties).
function min_p(na, nb,    t, k) {
    t = 0; for (k = 0; k <= na * nb; k++) t += utest_count(na, nb, k)
    return 2 / t
}
# scipy's p-values when the caller has them: "file<TAB>name<TAB>p" lines.
BEGIN { if (pfile != "") while ((getline line < pfile) > 0) { split(line, f, "\t"); if (f[1] != "") given[f[1] SUBSEP f[2]] = f[3] } }
{
    k = $2 SUBSEP $3
    if (!(k in seen)) { seen[k] = 1; order[++nk] = k; metric[k] = $4; dir[k] = $5; file[k] = $2; name[k] = $3 }
    if ($1 == "A") A[k, ++na[k]] = $6; else B[k, ++nb[k]] = $6
}
END {
    for (i = 1; i <= nk; i++) {
        k = order[i]
        if (!na[k] || !nb[k]) continue
        delete x; delete y
        for (j = 1; j <= na[k]; j++) x[j] = A[k, j]
        for (j = 1; j <= nb[k]; j++) y[j] = B[k, j]
        ma = median(x, na[k]); mb = median(y, nb[k])
        p = (k in given) ? given[k] : utest_p(x, na[k], y, nb[k])
        ratio = ma != 0 ? mb / ma : 0
        if ((na[k] <= 8 || nb[k] <= 8) && min_p(na[k], nb[k]) >= alpha)
            v = "too few repetitions"
        else if (p >= alpha)
            v = "no significant difference"
        else
            v = ((mb > ma) == (dir[k] == "higher")) ? "B better" : "B worse"
        printf "%s\t%s\t%s\t%d\t%d\t%.6g\t%.6g\t%.4f\t%.4g\t%s\n", file[k], name[k], metric[k], na[k], nb[k], ma, mb, ratio, p, v
    }
}
