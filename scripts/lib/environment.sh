# environment.sh - machine facts for a run folder (sourced by bench.sh).
# rt_environment_json DIR COMMANDLINE LOAD_BEFORE STARTED PROFILE REPETITIONS POLICY PYTHONS
#                     AREAS RUN_PUS RUN_CORES
#   -> DIR/environment.json and DIR/topology.xml.  AREAS: the areas the run
# was asked for (comma-separated); RUN_PUS and RUN_CORES: those the run
# could use (its CPU set's), where pus and cores are the machine's.  The measured parallel
# capacity comes from DIR/scaling_capacity.json when bench_scaling wrote it,
# the compiler flags from the benchmarks' own JSON context.

rt_read() { [ -r "$1" ] && head -c 200 "$1" | tr -d '\n' || printf 'unreadable'; }

rt_environment_json() {
    local dir=$1 cmdline=$2 load_before=$3 started=$4 profile=$5 repetitions=$6 policy=$7
    local pythons=$8 areas=${9:-} run_pus=${10:-} run_cores=${11:-} cflags turbo capacity='null'
    # The flags the benchmarks were built with, as they report them.
    cflags=$(jq -r '.context."racetrack.cflags" // empty' "$dir"/bench_*.json 2>/dev/null | head -1 || true)
    # Turbo: AMD and acpi-cpufreq's boost (1 on), intel_pstate's no_turbo (0 on).
    if [ -r /sys/devices/system/cpu/cpufreq/boost ]; then
        turbo=$([ "$(cat /sys/devices/system/cpu/cpufreq/boost)" = 1 ] && echo on || echo off)
    elif [ -r /sys/devices/system/cpu/intel_pstate/no_turbo ]; then
        turbo=$([ "$(cat /sys/devices/system/cpu/intel_pstate/no_turbo)" = 0 ] && echo on || echo off)
    else
        turbo=unreadable
    fi
    [ -r "$dir/scaling_capacity.json" ] &&
        capacity=$(jq -c '{before: .before.capacity, after: .after.capacity}' "$dir/scaling_capacity.json")
    lstopo-no-graphics --of xml >"$dir/topology.xml" 2>/dev/null || : >"$dir/topology.xml"
    # The hypervisor and the container, apart: either can be present alone.
    local virt container
    virt=$(systemd-detect-virt --vm 2>/dev/null || true)
    if [ -z "$virt" ] || [ "$virt" = none ]; then
        grep -qw hypervisor /proc/cpuinfo && virt=unknown-hypervisor || virt=none
    fi
    container=$(systemd-detect-virt --container 2>/dev/null || true)
    [ -n "$container" ] || { [ -e /.dockerenv ] && container=docker || container=none; }
    # The code that made the numbers: the commit, and whether the benchmarks,
    # scripts or build differed from it (results/ and plots/ do not count).
    local commit code=unknown
    commit=$(git -C "$RT_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
    if [ "$commit" != unknown ]; then
        git -C "$RT_ROOT" diff --quiet HEAD -- benchmarks scripts CMakeLists.txt 2>/dev/null &&
            code=clean || code=modified
    fi
    rt_write_from "$dir/environment.json" jq -n \
        --arg host "$(hostname)" \
        --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
        --arg kernel "$(uname -sr)" \
        --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
        --arg pus "$(hwloc-calc --number-of pu all 2>/dev/null || nproc)" \
        --arg cores "$(hwloc-calc --number-of core all 2>/dev/null || echo unknown)" \
        --arg packages "$(hwloc-calc --number-of package all 2>/dev/null || echo unknown)" \
        --arg nproc "$(nproc)" \
        --arg glibc "$(ldd --version 2>/dev/null | head -1)" \
        --arg compiler "$(cc --version | head -1)" \
        --arg gbench "$(dpkg-query -W -f='${Version}' libbenchmark-dev 2>/dev/null)" \
        --arg hwloc "$(dpkg-query -W -f='${Version}' libhwloc-dev 2>/dev/null)" \
        --arg governor "$(rt_read /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor)" \
        --arg aslr "$(rt_read /proc/sys/kernel/randomize_va_space)" \
        --arg virtual "$virt" \
        --arg container "$container" \
        --arg load_before "$load_before" \
        --arg load_after "$(cut -d' ' -f1-3 /proc/loadavg)" \
        --arg cmdline "$cmdline" \
        --arg started "$started" \
        --arg profile "$profile" \
        --arg repetitions "$repetitions" \
        --arg policy "$policy" \
        --arg pythons "$pythons" \
        --arg areas "$areas" --arg run_pus "$run_pus" --arg run_cores "$run_cores" \
        --arg cflags "$cflags" \
        --arg build_type "$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$RT_BUILD/CMakeCache.txt" 2>/dev/null)" \
        --arg turbo "$turbo" \
        --arg commit "$commit" \
        --arg code "$code" \
        --argjson capacity "$capacity" \
        --rawfile topology_xml "$dir/topology.xml" \
        '{host: $host, date: $date, started: $started, kernel: $kernel, cpu_model: $cpu,
          pus: ($pus | tonumber? // $pus), cores: ($cores | tonumber? // $cores),
          packages: ($packages | tonumber? // $packages), nproc: ($nproc | tonumber),
          smt: (if ($pus | tonumber?) and ($cores | tonumber?) then ($pus | tonumber) / ($cores | tonumber) else "unknown" end),
          glibc: $glibc, compiler: $compiler, cflags: $cflags, build_type: $build_type,
          google_benchmark: $gbench, hwloc: $hwloc,
          governor: $governor, turbo: $turbo, aslr: $aslr, virtual: $virtual, container: $container,
          load_before: $load_before, load_after: $load_after, capacity: $capacity,
          profile: $profile, repetitions: ($repetitions | tonumber? // $repetitions), policy: $policy,
          pythons: $pythons, areas: $areas,
          run_pus: ($run_pus | tonumber? // $run_pus), run_cores: ($run_cores | tonumber? // $run_cores),
          command_line: $cmdline, source: {commit: $commit, code: $code}, topology_file: "topology.xml",
          topology_xml: $topology_xml}'
}
