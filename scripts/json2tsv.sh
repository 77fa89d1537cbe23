#!/usr/bin/env bash
# json2tsv.sh - turn Google Benchmark JSON into the long TSV plots read.
# usage: json2tsv.sh --metric NAME [--match REGEX] [--x NAME] RESULT.json > OUT.tsv
source "$(dirname "$0")/lib/common.sh"

metric="" match="" x=workers input=""
while [ $# -gt 0 ]; do
    case $1 in
    --metric) [ $# -ge 2 ] || rt_usage_error "--metric: missing value; valid: a field name"
              metric=$2; shift 2 ;;
    --match) [ $# -ge 2 ] || rt_usage_error "--match: missing value; valid: a jq regex"
             match=$2; shift 2 ;;
    --x) [ $# -ge 2 ] || rt_usage_error "--x: missing value; valid: workers, wait_pct"
         x=$2; shift 2 ;;
    -h|--help) sed -n '2,3p' "$0"; exit 0 ;;
    -*) rt_usage_error "unknown flag '$1'; valid: --metric, --match, --x" ;;
    *) input=$1; shift ;;
    esac
done
[ -n "$metric" ] || rt_usage_error "--metric: required (e.g. real_time, ns_per_increment)"
[ -r "$input" ] || rt_usage_error "input '$input' is not a readable file"
[[ $x =~ ^[a-z_]+$ ]] || rt_usage_error "--x: '$x' is not a name; valid: workers, wait_pct"
jq -r --arg metric "$metric" --arg match "$match" --arg x "$x" -f "$RT_ROOT/scripts/lib/json2tsv.jq" "$input"
