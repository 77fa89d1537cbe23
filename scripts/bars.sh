#!/usr/bin/env bash
# bars.sh - draw a long TSV (from json2tsv.sh) as grouped bars on a log
# scale, PNG and SVG: the median of the repetitions, with quartile bars.
# Categories along x and the groups of bars are taken from the rows:
#   --category-field K   category = field K of the series split on "/";
#                        group = the other fields after the first (e.g.
#                        pingpong/pipe/threads/same-pu: category "pipe",
#                        group "threads/same-pu")
#   --by-x V1,V2,...     category = the series minus its first field; one
#                        group per value of the x column (e.g. creators 1
#                        and 2), named by --group-titles
# usage: bars.sh --tsv F --out BASE --title T --ylabel Y --caption C
#                (--category-field K | --by-x LIST --group-titles "A|B")
source "$(dirname "$0")/lib/common.sh"

tsv="" out="" title="" ylabel="" caption="" field="" byx="" titles=""
need() { [ $# -ge 2 ] || rt_usage_error "$1: missing value"; }
while [ $# -gt 0 ]; do
    case $1 in
    --tsv) need "$@"; tsv=$2; shift 2 ;;
    --out) need "$@"; out=$2; shift 2 ;;
    --title) need "$@"; title=$2; shift 2 ;;
    --ylabel) need "$@"; ylabel=$2; shift 2 ;;
    --caption) need "$@"; caption=$2; shift 2 ;;
    --category-field) need "$@"; field=$2; shift 2 ;;
    --by-x) need "$@"; byx=$2; shift 2 ;;
    --group-titles) need "$@"; titles=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) rt_usage_error "unknown argument '$1'; valid: --tsv --out --title --ylabel --caption --category-field --by-x --group-titles" ;;
    esac
done
[ -r "$tsv" ] || rt_usage_error "--tsv: '$tsv' is not a readable file"
[ -n "$out" ] || rt_usage_error "--out: required (a path without extension)"
[ -n "$field" ] || [ -n "$byx" ] || rt_usage_error "--category-field or --by-x: one is required"
[ -z "$field" ] || [[ $field =~ ^[2-9]$ ]] || rt_usage_error "--category-field: '$field' is invalid; valid: 2..9"
[ -z "$byx" ] || [[ $byx =~ ^[0-9]+(,[0-9]+)*$ ]] || rt_usage_error "--by-x: '$byx' is invalid; valid: comma-separated x values"
[ "$(wc -l <"$tsv")" -ge 2 ] || rt_usage_error "--tsv: '$tsv' has no data rows"

# The wide table: category, then median q1 q3 per group.
wide=$(mktemp)
trap 'rm -f "$wide"' EXIT
awk -F'\t' -v OFS='\t' -v field="$field" -v byx="$byx" -v titles="$titles" '
    NR == 1 { next }
    {
        n = split($1, f, "/")
        if (field) {
            cat = f[field]; grp = ""
            for (i = 2; i <= n; i++) if (i != field) grp = grp (grp == "" ? "" : "/") f[i]
        } else {
            cat = ""; for (i = 2; i <= n; i++) cat = cat (cat == "" ? "" : "/") f[i]
            grp = $2
        }
        if (!(cat in seen_c)) { seen_c[cat] = 1; cats[++nc] = cat }
        if (!(grp in seen_g)) { seen_g[grp] = 1; if (!byx) grps[++ng] = grp }
        med[cat, grp] = $6; lo[cat, grp] = $7; hi[cat, grp] = $8
    }
    END {
        if (byx) { ng = split(byx, grps, ","); split(titles, names, "|") }
        line = "category"
        for (g = 1; g <= ng; g++) {
            name = byx ? (names[g] != "" ? names[g] : grps[g]) : grps[g]
            line = line OFS name OFS "q1" OFS "q3"
        }
        print line
        for (c = 1; c <= nc; c++) {
            line = cats[c]
            for (g = 1; g <= ng; g++) {
                k = cats[c] SUBSEP grps[g]
                line = line OFS (k in med ? med[k] OFS lo[k] OFS hi[k] : "NaN" OFS "NaN" OFS "NaN")
            }
            print line
        }
    }' "$tsv" >"$wide"
groups=$(( ($(head -1 "$wide" | awk -F'\t' '{ print NF }') - 1) / 3 ))
esc() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
# gnuplot draws into a folder of its own beside OUT; the figures replace
# OUT.png and OUT.svg only once both are drawn.
draw=$(mktemp -d "$out.tmp.XXXXXX")
trap 'rm -f "$wide"; rm -rf "$draw"' EXIT
fig=$draw/figure
gnuplot -e "tsv=\"$(esc "$wide")\"; out=\"$(esc "$fig")\"; title=\"$(esc "$title")\";
            ylabel=\"$(esc "$ylabel")\"; caption=\"$(esc "$caption")\"; groups=$groups" \
        "$RT_ROOT/scripts/lib/bars.gp"
mv -f "$fig.png" "$out.png"
mv -f "$fig.svg" "$out.svg"
