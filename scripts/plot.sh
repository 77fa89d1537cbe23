#!/usr/bin/env bash
# plot.sh - draw a long TSV (from json2tsv.sh) as PNG and SVG: the median
# of the repetitions (or the column --center names: slowdown.sh's geomean)
# against workers on a log2 axis, inter-quartile bars, one line per series,
# dotted markers at the core and PU counts.
# usage: plot.sh --tsv F --out BASE --title T --ylabel Y [--logy|--logy2]
#                [--cores N] [--pus N] [--caption TEXT] [--xlabel X]
#                [--linear-x] [--ideal] [--capacity C] [--binary-x]
#                [--center median|geomean]
source "$(dirname "$0")/lib/common.sh"

tsv="" out="" title="" ylabel="" logy=0 cores=0 pus=0 caption="" xlabel=workers logx=1 ideal=0
capacity=0 binaryx=0 center=median
need() { [ $# -ge 2 ] || rt_usage_error "$1: missing value"; }
while [ $# -gt 0 ]; do
    case $1 in
    --tsv) need "$@"; tsv=$2; shift 2 ;;
    --out) need "$@"; out=$2; shift 2 ;;
    --title) need "$@"; title=$2; shift 2 ;;
    --ylabel) need "$@"; ylabel=$2; shift 2 ;;
    --caption) need "$@"; caption=$2; shift 2 ;;
    --cores) need "$@"; cores=$2; shift 2 ;;
    --pus) need "$@"; pus=$2; shift 2 ;;
    --logy) logy=1; shift ;;
    --logy2) logy=2; shift ;;
    --xlabel) need "$@"; xlabel=$2; shift 2 ;;
    --linear-x) logx=0; shift ;;
    --ideal) ideal=1; shift ;;
    --binary-x) binaryx=1; shift ;;
    --capacity) need "$@"; capacity=$2; shift 2 ;;
    --center) need "$@"; center=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) rt_usage_error "unknown argument '$1'; valid: --tsv --out --title --ylabel --logy --logy2 --cores --pus --caption --xlabel --linear-x --ideal --capacity --binary-x --center" ;;
    esac
done
[ -r "$tsv" ] || rt_usage_error "--tsv: '$tsv' is not a readable file"
[ -n "$out" ] || rt_usage_error "--out: required (a path without extension)"
[[ $cores =~ ^[0-9]+$ ]] || rt_usage_error "--cores: '$cores' is not a count; valid: 0..4096"
[[ $pus =~ ^[0-9]+$ ]] || rt_usage_error "--pus: '$pus' is not a count; valid: 0..4096"
[[ $capacity =~ ^[0-9]+(\.[0-9]+)?$ ]] || rt_usage_error "--capacity: '$capacity' is not a number; valid: >= 0"
[ "$ideal" -eq 0 ] || [ "$pus" -gt 0 ] || rt_usage_error "--ideal: needs --pus"
[ "$(wc -l <"$tsv")" -ge 2 ] || rt_usage_error "--tsv: '$tsv' has no data rows"
[[ $center =~ ^(median|geomean)$ ]] || rt_usage_error "--center: '$center' is not a column; valid: median, geomean"
header=$(head -n 1 "$tsv")
[[ $'\t'$header$'\t' == *$'\t'$center$'\t'* ]] || rt_usage_error "--center: '$tsv' has no column '$center'"

series=$(tail -n +2 "$tsv" | cut -f1 | awk '!seen[$0]++' | tr '\n' ' ')
esc() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
# gnuplot draws into a folder of its own beside OUT; the figures replace
# OUT.png and OUT.svg only once both are drawn.
draw=$(mktemp -d "$out.tmp.XXXXXX")
trap 'rm -rf "$draw"' EXIT
fig=$draw/figure
gnuplot -e "tsv=\"$(esc "$tsv")\"; out=\"$(esc "$fig")\"; title=\"$(esc "$title")\";
            ylabel=\"$(esc "$ylabel")\"; caption=\"$(esc "$caption")\"; logy=$logy;
            xlabel=\"$(esc "$xlabel")\"; logx=$logx; ideal=$ideal; capacity=$capacity; binaryx=$binaryx;
            cores=$cores; pus=$pus; series=\"$series\"; center=\"$center\"" \
        "$RT_ROOT/scripts/lib/scaling.gp"
mv -f "$fig.png" "$out.png"
mv -f "$fig.svg" "$out.svg"
