# scaling.gp - a metric against workers, one line per series.
# Variables (gnuplot -e): tsv, out (no extension), title, ylabel, logy (0, 1: base 10,
# 2: base 2),
# cores, pus (vertical markers; 0 to omit), caption, xlabel, logx (0/1),
# ideal (1: draw y = x and y = min(x, pus)), capacity (> 0: a horizontal
# line at the measured parallel capacity), binaryx (1: x ticks as 1Ki, 1Mi),
# center (the column drawn: median, or slowdown.sh's geomean).
set datafile separator "\t"
set datafile columnheaders
set termoption noenhanced
set key outside right top vertical
set grid back lc rgb "#dddddd"
if (logx) { set logscale x 2 }
if (binaryx) { set format x "%.0b%B" }   # 1Ki, 1Mi: sizes in bytes
set xlabel xlabel
set ylabel ylabel
if (logy == 1) { set logscale y 10; set format y "10^{%L}" }
if (logy == 2) { set logscale y 2; set format y "%g" }
if (logy == 0) { set yrange [0:*] }   # a linear axis starts at zero: no zoomed-in gaps
set title title . "\n{/*0.8 " . caption . "}"
set termoption enhanced
# Okabe-Ito (its yellow, unreadable on white, replaced by grey): distinguishable with the common colour-vision deficiencies.
array c[8] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999"]
do for [i=1:8] { set linetype i lc rgb c[i] lw 2 pt (i+3) ps 1.0 }
do for [i=9:16] { set linetype i lc rgb c[i-8] lw 2 dt 2 pt (i+3) ps 1.0 }
if (cores > 0) { set arrow 1 from cores, graph 0 to cores, graph 1 nohead dt 3 lc rgb "#555555"
                 set label 1 sprintf(" %d cores", cores) at cores, graph 0.04 left font ",9" }
if (pus > 0 && pus != cores) { set arrow 2 from pus, graph 0 to pus, graph 1 nohead dt 4 lc rgb "#999999"
                 set label 2 sprintf(" %d PUs", pus) at pus, graph 0.10 left font ",9" }
stats tsv using 2 nooutput
if (logx) { set xrange [STATS_min / 1.3 : STATS_max * 1.3] } else {
    pad = (STATS_max - STATS_min) * 0.05; set xrange [STATS_min - pad : STATS_max + pad] }
plotcmd = "plot for [s in series] tsv using 2:(strcol(1) eq s ? column(center) : NaN):'q1':'q3' with yerrorlines title s noenhanced"
if (ideal) { plotcmd = plotcmd . ", x title 'ideal for waiting work: N' lc rgb '#888888' dt 2 lw 1, (x < pus ? x : pus) title sprintf('ideal for computing: min(N, %d PUs)', pus) lc rgb '#444444' dt 3 lw 1.5" }
if (capacity > 0) { plotcmd = plotcmd . sprintf(", %g title sprintf('measured capacity %.2f', capacity) lc rgb '#CC79A7' dt 4 lw 1.5", capacity) }
set terminal pngcairo size 1100,650 font "Liberation Sans,11"
set output out . ".png"
eval plotcmd
set terminal svg size 1100,650 font "Liberation Sans,11" dynamic
set output out . ".svg"
eval plotcmd
