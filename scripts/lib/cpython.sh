# cpython.sh - the real interpreters beside the emulated GIL (sourced by
# bench.sh and cpython_passes.sh, after run.sh).  The emulator's units and
# the convoy's I/O loop are sized from measurements of the real Pythons,
# taken just before each run that uses them; what is counted once per run
# (2.7's ticks, python3's opcode share, the loops' footprints) is kept in
# the run folder, so that every pass of the run reads the same counts.

# Real CPython, when there is one: python3, and python2.7 (the old GIL).
pythons=()
command -v python3 >/dev/null && python3 -c pass 2>/dev/null && pythons+=(python3)
command -v python2.7 >/dev/null && python2.7 -c pass 2>/dev/null && pythons+=(python2.7)
# The emulator's unit of bytecode, measured on this machine just before each
# run that uses it: python3's countdown iteration for the new GIL (and for
# processes), python2.7's for the old one.  With no Python the built-in
# defaults stay; the runs' labels and contexts say which length they used.
# 2.7's ticks, which set how often the old GIL is released, are counts of
# its bytecode, not times: counted once (cpython_gil.py --print-ticks), a
# countdown iteration's become --ticks-per-unit.
# The count is kept in the run folder (ticks.python2.7.txt).
units=() old_ticks_per_unit="" old_io_ticks=""
count_old_ticks() {
    local ticks file=$run/ticks.python2.7.txt
    [ -s "$file" ] ||
        rt_write_from "$file" python2.7 "$RT_ROOT/scripts/cpython_gil.py" --print-ticks 2>>"$run/cpython_gil.log" ||
        true
    ticks=$(cat "$file" 2>/dev/null || true)
    if [[ $ticks =~ ^countdown=([0-9.]+),(.+)$ ]]; then
        old_ticks_per_unit=$(awk -v t="${BASH_REMATCH[1]}" 'BEGIN { printf "%d", t < 1 ? 1 : t + 0.5 }')
        old_io_ticks=${BASH_REMATCH[2]}
    else
        rt_log "racetrack: python2.7 could not count its ticks; see $run/cpython_gil.log"
    fi
}
measure_units() {
    local py ns
    units=()
    for py in "${pythons[@]}"; do
        ns=$("$py" "$RT_ROOT/scripts/cpython_gil.py" --print-unit-ns 2>>"$run/cpython_gil.log") ||
            { rt_log "racetrack: $py could not time its countdown; see $run/cpython_gil.log"; continue; }
        if [ "$py" != python2.7 ]; then
            units+=(--unit-ns="$ns")
            continue
        fi
        units+=(--old-unit-ns="$ns")
        [ -n "$old_ticks_per_unit" ] || count_old_ticks
        [ -z "$old_ticks_per_unit" ] || units+=(--ticks-per-unit="$old_ticks_per_unit")
    done
}
# The convoy's I/O loop, for bench_gil only, is sized the same way: the
# real loop's CPU time per operation alone, its thread's, not its wall time
# (--io-op-ns, --old-io-op-ns), and under
# 2.x polled as often as it ticks (--old-io-ticks-per-op, counted with the
# countdown's); the share of its bytecode between an operation's two calls
# is python3's opcode count (--io-gap-share, counted once: the loop's code
# does not change); the convoy labels' io_units_per_op, io_polls_per_op and
# io_gap_units say what they came to.
# And the lines of code and data the real loop touches per operation
# (--io-code-lines, --io-data-lines; --old-... from python2.7), counted by
# footprint.sh under valgrind into footprint.<python>.txt, once per run (an
# interpreter's code does not change).  --quick leaves them out: a minute
# or two per Python; its convoy labels then say io_code_lines=0.
io_units=() io_gap="" io_lines=() io_lines_counted=0
count_io_lines() {
    local py out old
    io_lines_counted=1
    if [ "$profile" = quick ]; then
        [ -n "${RT_PASS:-}" ] ||
            rt_log "racetrack: --quick: the convoy loop's footprint is not counted (footprint.sh)"
        return 0
    fi
    for py in "${pythons[@]}"; do
        out=$run/footprint.$py.txt
        if [ ! -s "$out" ]; then
            rt_log "racetrack:   footprint.sh $py (valgrind)"
            rt_write_from "$out" "$RT_ROOT/scripts/footprint.sh" "$py" 2>>"$run/cpython_gil.log" ||
                { rt_log "racetrack: footprint.sh $py failed; see $run/cpython_gil.log"; continue; }
        fi
        old=""
        [ "$py" != python2.7 ] || old=old-
        io_lines+=(--"${old}io-code-lines=$(sed -n 's/^code //p' "$out")"
                   --"${old}io-data-lines=$(sed -n 's/^data //p' "$out")")
    done
}
# python3's opcode share, kept in the run folder (io_gap_share.python3.txt).
count_io_gap() {
    local file=$run/io_gap_share.python3.txt
    [ -s "$file" ] ||
        rt_write_from "$file" python3 "$RT_ROOT/scripts/cpython_gil.py" --print-io-gap-share 2>>"$run/cpython_gil.log" ||
        { rt_log "racetrack: python3 could not count its convoy loop's opcodes; see $run/cpython_gil.log"
          io_gap=none; return 0; }
    io_gap=$(cat "$file")
}
measure_io_ops() {
    local py ops
    [ $io_lines_counted -eq 1 ] || count_io_lines
    io_units=("${io_lines[@]}")
    [ -n "$io_gap" ] || [[ " ${pythons[*]} " != *" python3 "* ]] || count_io_gap
    [ -z "$io_gap" ] || [ "$io_gap" = none ] || io_units+=(--io-gap-share="$io_gap")
    for py in "${pythons[@]}"; do
        ops=$("$py" "$RT_ROOT/scripts/cpython_gil.py" --print-io-op-ns 2>>"$run/cpython_gil.log") ||
            { rt_log "racetrack: $py could not time its convoy loop; see $run/cpython_gil.log"; continue; }
        if [ "$py" != python2.7 ]; then
            io_units+=(--io-op-ns="$ops")
        else
            io_units+=(--old-io-op-ns="$ops")
            [ -z "$old_io_ticks" ] || io_units+=(--old-io-ticks-per-op="$old_io_ticks")
        fi
    done
}
