#!/usr/bin/env bash
# chroot_check.sh - the release check of a truly fresh install: a minimal
# Debian 12 (debootstrap --variant=minbase, no make, no compiler, no
# Python), this checkout's committed HEAD cloned into it, and the README's
# commands run inside it as root.  It needs the Debian archive over the
# network, so it is not part of CI.  Each command's output goes to
# DIR.COMMAND-NAME.log beside the chroot; the exit status is the first
# failure's.
#
# usage: scripts/chroot_check.sh [--dir DIR] [--mirror URL] [--keep] [-- COMMAND...]
#   --dir DIR     where the chroot is made (default /srv/racetrack-minbase; must not exist)
#   --mirror URL  the Debian archive (default http://deb.debian.org/debian)
#   --keep        leave the chroot in place afterwards (default: removed)
#   COMMAND...    run instead of the two defaults: scripts/bench.sh --quick, scripts/test.sh
source "$(dirname "$0")/lib/common.sh"

dir=/srv/racetrack-minbase mirror=http://deb.debian.org/debian keep=0
while [ $# -gt 0 ]; do
    case $1 in
    --dir) [ $# -ge 2 ] || rt_usage_error "--dir: missing value; valid: a path that does not exist yet"
           dir=$2; shift 2 ;;
    --mirror) [ $# -ge 2 ] || rt_usage_error "--mirror: missing value; valid: a Debian archive URL"
              mirror=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    --) shift; break ;;
    *) rt_usage_error "unknown argument '$1'; valid: --dir, --mirror, --keep, -- COMMAND" ;;
    esac
done
[ "$(id -u)" -eq 0 ] || rt_usage_error "must run as root (debootstrap, chroot, mount)"
[ ! -e "$dir" ] || rt_usage_error "--dir: '$dir' exists; valid: a path that does not exist yet"
command -v debootstrap >/dev/null || rt_usage_error "no debootstrap; apt-get install debootstrap"
commands=("$@")
[ ${#commands[@]} -gt 0 ] || commands=("scripts/bench.sh --quick" "scripts/test.sh")

mounts=()
cleanup() {
    local i
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null || true; done
    [ $keep -eq 1 ] || rm -rf --one-file-system "$dir"
}
trap cleanup EXIT

rt_log "chroot_check: debootstrap --variant=minbase bookworm $dir"
debootstrap --variant=minbase bookworm "$dir" "$mirror" >"$dir.debootstrap.log" 2>&1 ||
    { rt_log "chroot_check: debootstrap failed; see $dir.debootstrap.log"; exit 1; }
for m in proc sys dev dev/pts dev/shm; do
    case $m in
    proc) mount -t proc proc "$dir/proc" ;;
    sys) mount -t sysfs sys "$dir/sys" ;;
    dev) mount --bind /dev "$dir/dev" ;;
    dev/pts) mount -t devpts devpts "$dir/dev/pts" ;;
    dev/shm) mount -t tmpfs shm "$dir/dev/shm" ;;
    esac
    mounts+=("$dir/$m")
done
cp /etc/resolv.conf "$dir/etc/resolv.conf"
git clone -q "$RT_ROOT" "$dir/root/racetrack"
rt_log "chroot_check: cloned $(git -C "$RT_ROOT" rev-parse --short HEAD) into $dir/root/racetrack"

status=0
for c in "${commands[@]}"; do
    log="$dir.$(tr -c 'a-zA-Z0-9\n' _ <<<"$c").log"
    start=$SECONDS
    if chroot "$dir" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        /bin/bash -c "cd /root/racetrack && $c" >"$log" 2>&1 </dev/null; then
        rt_log "chroot_check: ok ($((SECONDS - start)) s): $c"
    else
        rt_log "chroot_check: FAILED ($((SECONDS - start)) s): $c; see $log"
        status=1
    fi
done
exit $status
