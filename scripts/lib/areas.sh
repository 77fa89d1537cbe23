# areas.sh - the suite's areas, each declared in one file of scripts/areas/
# (sourced by bench.sh, derive.sh, summary.sh and report.sh).
#
# The file scripts/areas/NN-NAME.sh declares area NAME; NN orders the areas
# in the plan, the summary and the report.  It defines NAME_files and
# NAME_run, and any of the others:
#   NAME_about      one line for bench.sh --help
#   NAME_files      glob patterns of the files its run and its derive
#                   stage leave in the run folder: any of them there says
#                   the area ran (or began to), and gets its sections
#   NAME_valgrind   an array: small runs of its executables, for memcheck
#                   (tests/test_valgrind.sh; every executable needs one)
#   NAME_prepare    settings other areas' runs read, decided before any
#                   plan (the gil area's compare_scaling)
#   NAME_plan       the step names its run will announce (plan_step NAME)
#   NAME_run        its run: step, run_bench, run_child (bench.sh); returns
#                   non-zero if anything failed, and calls run_failed for
#                   a failed command that run_bench did not run
#   NAME_derive     its TSVs and figures from the raw files (derive.sh:
#                   json_tsv, plot_metric, rt_write_from); it runs under
#                   set -e, so a failing command stops derive.sh
#   NAME_summary    its part of SUMMARY.md, on stdout (summary.sh)
#   NAME_report     its section of REPORT.md, on stdout, and its headline
#                   rows (report.sh: row, figure, reproduce)
# and may set its profiles' arguments as arrays named for the profile
# (scaling_quick, scaling_full; gil_cpython_quick, ...), which its run reads
# through $profile.

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
