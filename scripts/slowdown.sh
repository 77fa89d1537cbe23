#!/usr/bin/env bash
# slowdown.sh - convoy TSV (json2tsv.sh --metric io_ops_per_second --x cpu
# on gil/convoy/<op>/<mode>/i<interval> runs) -> slowdown TSV: for every
# series and K >= 1 CPU threads, the I/O thread's ops/s alone (K = 0, its
# median) divided by its ops/s beside K CPU threads (median, and the
# quartiles swapped), one series per op, mode and K, against the switch
# interval:
#   series ("<source>/<op>/<mode>/beside-Kcpu") interval n mean stddev median q1 q3 min max
# where source is "emulated" for bench_gil's gil/... runs, else the runs'
# first field (cpython for scripts/cpython_gil.py).
# usage: slowdown.sh IN.tsv > OUT.tsv
source "$(dirname "$0")/lib/common.sh"
[ $# -eq 1 ] || rt_usage_error "usage: slowdown.sh IN.tsv (one convoy TSV)"
[ -r "$1" ] || rt_usage_error "'$1' is not a readable convoy TSV; usage: slowdown.sh IN.tsv"
awk -F'\t' -v OFS='\t' '
    NR == 1 { print "series", "interval_us", "n", "mean", "stddev", "median", "q1", "q3", "min", "max"; next }
    {
        n = split($1, f, "/"); iv = f[n]; sub(/^i/, "", iv)
        key = (f[1] == "gil" ? "emulated" : f[1]) "/" f[3] "/" f[4]
        if ($2 == 0) { base[key, iv] = $6; next }
        rows[++nr] = $0; keys[nr] = key; ivs[nr] = iv
    }
    END {
        for (i = 1; i <= nr; i++) {
            split(rows[i], v, "\t")
            b = base[keys[i], ivs[i]]
            if (b == "" || v[6] <= 0) continue
            s = sprintf("%s/beside-%dcpu", keys[i], v[2])
            out[s] = out[s] sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s, ivs[i], v[3],
                b / v[4], 0, b / v[6], b / v[8], b / v[7], b / v[10], b / v[9])
            if (!(s in seen)) { seen[s] = 1; order[++ns] = s }
        }
        for (i = 1; i <= ns; i++) {
            m = split(out[order[i]], lines, "\n")
            # rows of a series sorted by interval
            for (a = 1; a < m; a++) for (c = a + 1; c < m; c++) {
                split(lines[a], x, "\t"); split(lines[c], y, "\t")
                if (x[2] + 0 > y[2] + 0) { t = lines[a]; lines[a] = lines[c]; lines[c] = t }
            }
            for (a = 1; a < m; a++) print lines[a]
        }
    }' "$1"
