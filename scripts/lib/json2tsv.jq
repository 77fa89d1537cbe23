# json2tsv.jq - Google Benchmark JSON -> one long TSV, a row per
# (series, workers), the rows of each series contiguous:
#   series workers n mean stddev median q1 q3 min max
# computed from the individual repetitions (not the aggregates), failed runs
# left out.  Arguments (jq --arg): metric (a field such as real_time or a
# user counter such as ns_per_increment), match (optional regex on series),
# x (optional, default workers: the name of the x column).
#
# The x value is the N of "/<x>:N" in the run name when there is one
# (bench_scaling's /workers:N, /wait_pct:N), else the threads field.  The
# series is run_name without that part and without the /threads:N,
# /real_time, /manual_time, /repeats:N and /iterations:N suffixes.  stddev is the sample standard deviation (n - 1), as
# Google Benchmark's; quantiles interpolate linearly between order
# statistics (R type 7), as the shim's q1/q3 aggregates.

def quantile($q):
  sort as $v | ($v | length) as $n
  | (($n - 1) * $q) as $h | ($h | floor) as $lo
  | (if $lo + 1 < $n then $lo + 1 else $lo end) as $hi
  | $v[$lo] + ($h - $lo) * ($v[$hi] - $v[$lo]);

def mean: add / length;

def stddev:
  if length < 2 then 0
  else mean as $m | (map(. - $m | . * .) | add) / (length - 1) | sqrt end;

def series_name($x):
  gsub("/(threads|repeats|iterations|" + $x + "):[0-9]+"; "")
  | gsub("/(real_time|manual_time)"; "");

def x_value($x):
  (.run_name | capture("/" + $x + ":(?<n>[0-9]+)") | .n | tonumber) // .threads;

($ARGS.named.metric // "real_time") as $metric
| ($ARGS.named.match // "") as $match
| ($ARGS.named.x // "workers") as $x
| ["series", $x, "n", "mean", "stddev", "median", "q1", "q3", "min", "max"],
  ( [ .benchmarks[]
      | select(.run_type == "iteration" and (.error_occurred // false | not))
      | select(has($metric))
      | { series: (.run_name | series_name($x)), workers: x_value($x), value: .[$metric] }
      | select($match == "" or (.series | test($match))) ]
    | group_by(.series) | .[]
    | group_by(.workers) | .[]
    | (map(.value)) as $v
    | [ .[0].series, .[0].workers, ($v | length), ($v | mean), ($v | stddev),
        ($v | quantile(0.5)), ($v | quantile(0.25)), ($v | quantile(0.75)),
        ($v | min), ($v | max) ] )
| @tsv
