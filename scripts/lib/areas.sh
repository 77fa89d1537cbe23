# areas.sh - the suite's areas, each declared in one file of scripts/areas/
# (sourced by bench.sh, derive.sh, summary.sh and report.sh).
#
# The file scripts/areas/NN-NAME.sh declares area NAME; NN orders the areas
# in the plan, the summary and the report.  It defines, each optional but
# the first two:
#   NAME_about      one line for bench.sh --help
#   NAME_files      glob patterns of the files its run and its derive
#                   stage leave in the run folder: any of them there says
#                   the area ran (or began to), and gets its sections
#   NAME_plan       the step names its run will announce (plan_step NAME)
#   NAME_run        its run: step, run_bench, run_child (bench.sh); returns
#                   non-zero if anything failed
#   NAME_derive     its TSVs and figures from the raw files (derive.sh:
#                   tsv_from, plot_metric, ...); non-zero if any failed
#   NAME_summary    its part of SUMMARY.md, on stdout (summary.sh)
#   NAME_report     its section of REPORT.md, on stdout, and its headline
#                   rows (report.sh: row, figure, reproduce)
# and may set its profiles' arguments as arrays (NAME_quick_args, ...),
# which its run reads.

rt_area_var() {   # AREA FIELD: the value of AREA_FIELD, empty if unset
    local v="${1}_$2"
    printf '%s' "${!v:-}"
}

rt_area_has() {   # AREA HOOK: whether the area defines AREA_HOOK
    declare -F "${1}_$2" >/dev/null
}

rt_area_ran() {   # AREA RUN_DIR: whether any of the area's files is there
    local pattern f
    for pattern in $(rt_area_var "$1" files); do
        for f in "$2"/$pattern; do [ -e "$f" ] && return 0; done
    done
    return 1
}

RT_AREAS=()
for f in "$RT_ROOT"/scripts/areas/[0-9]*-*.sh; do
    name=${f##*/}
    name=${name#*-}
    name=${name%.sh}
    # shellcheck source=/dev/null
    source "$f"
    declare -F "${name}_run" >/dev/null && [ -n "$(rt_area_var "$name" files)" ] || {
        rt_log "areas.sh: $f declares no ${name}_run or ${name}_files"
        return 1
    }
    RT_AREAS+=("$name")
done
unset f name
