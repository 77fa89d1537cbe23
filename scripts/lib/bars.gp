# bars.gp - grouped bars with quartile error bars on a log y axis.
# Variables (gnuplot -e): tsv (wide: category, then median q1 q3 per group,
# group names in the header), out (no extension), title, ylabel, caption,
# groups.
set datafile separator "\t"
set datafile columnheaders
set termoption noenhanced
set key outside right top vertical
set grid ytics back lc rgb "#dddddd"
set logscale y 10
set format y "10^{%L}"
set ylabel ylabel
set title title . "\n{/*0.8 " . caption . "}"
set termoption enhanced
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -30 left noenhanced
array c[8] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999"]
do for [i=1:8] { set linetype i lc rgb c[i] }
plotcmd = "plot for [g=0:groups-1] tsv using (column(2+3*g)):(column(3+3*g)):(column(4+3*g)):xtic(1) title columnhead(2+3*g) lt (g+1)"
set terminal pngcairo size 1100,650 font "Liberation Sans,11"
set output out . ".png"
eval plotcmd
set terminal svg size 1100,650 font "Liberation Sans,11" dynamic
set output out . ".svg"
eval plotcmd
