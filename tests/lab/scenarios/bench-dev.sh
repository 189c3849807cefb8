#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 1200
# Guest start with devices: our xl against Debian's xl on the same boot.
# A PV Linux test guest with one raw disk and one vif on xenbr0 is created
# (timed until xl create returns), runs to its XK-LINUX-UP console marker
# (timed from the start of xl create) and is destroyed (timed), N times
# per tool, tools alternating (the reffile column NF times); medians in
# ms, ratio = ours / reference
# (< 1: we are faster), clones = processes and threads the kernel started
# during the command (from /proc/stat: Debian's hotplug scripts are many).
#
# Our xl gets the raw file itself (target=FILE: an in-process loop
# device). Debian's xl, the reference column, gets a phy: disk on a loop
# device this scenario made, so both sides hand blkback a ready loop
# device and neither runs QEMU; its own path for a file (phy backend plus
# its block script, which runs losetup) is measured too and shown on its
# own rows (which backend it took is printed).
. /xk/lib.sh
# CI (the suite's lab run) takes the short version: 2 timed cycles of ours
# and of the reference, 1 of the reference with the file, no warm-up (the
# samples of one run vary by about 3 %, see the end of the log; the median
# of 2 is the faster, so a cold first cycle does not count); make bench
# (XK_BENCH=long) the long one: 3 timed cycles each after 1 untimed
if bench_long; then n=3 nw=1 nf=3; else n=2 nw=0 nf=1; fi
N=${DEV_BENCH_N:-$n}        # timed cycles of ours and of the reference (phy:)
NF=${DEV_BENCH_NF:-$nf}     # timed cycles of the reference with the file (reffile), at most N
NW=${DEV_BENCH_WARM:-$nw}   # untimed cycles per tool first
[ "$NF" -le "$N" ] || NF=$N
[ -r "$XK_LINUX/vmlinuz" ] || skip "no Linux guest kernel in the lab"
[ -r "$XK_IMAGES/data.img" ] || fail "no $XK_IMAGES/data.img (tests/lab/lab builds it)"
bridge_up xenbr0 10.0.0.1/24
for w in ours ref reffile; do cp "$XK_IMAGES/data.img" "bd-$w.img"; done
pl=$(losetup -f --show "$PWD/bd-ref.img") || fail "losetup bd-ref.img"
dev_baseline      # the scenario's loop device is its own
trap 'losetup -d "$pl" 2>/dev/null; ip link del xenbr0 2>/dev/null' EXIT
bench_init

tool() { if [ "$1" = ours ]; then echo "$XL"; else echo "$REF_XL"; fi; }
disk_of() {
    case $1 in
        ours) echo "format=raw,vdev=xvda,access=rw,target=$PWD/bd-ours.img" ;;
        ref) echo "phy:$pl,xvda,w" ;;
        reffile) echo "format=raw,vdev=xvda,access=rw,target=$PWD/bd-reffile.img" ;;
    esac
}

# cycle WHO NAME TIMED: create, wait for the marker, destroy, check clean
cycle() {
    local who=$1 name=$2 timed=$3 t0 t1 t2 t3 t4 f0 f1 f2 d
    linux_cfg "$name" pv "xk.mode=wait" "disk = [ '$(disk_of "$who")' ]" "vif = [ 'bridge=xenbr0' ]"
    forks; f0=$FORKS
    t0=${EPOCHREALTIME/./}
    $(tool "$who") create -q "$name.cfg" > out.last 2> err.last || { cat err.last; fail "create $name ($who)"; }
    t1=${EPOCHREALTIME/./}
    forks; f1=$FORKS
    wait_marker "$name" XK-LINUX-UP 120
    t2=${EPOCHREALTIME/./}
    d=$($REF_XL domid "$name") || fail "$name has no domid"
    if [ "$who" = reffile ] && [ -z "${BACKEND:-}" ]; then
        if xenstore-exists /local/domain/0/backend/qdisk/$d 2>/dev/null; then BACKEND="qdisk (QEMU)"
        else BACKEND="vbd (blkback; params=$(xenstore-read /local/domain/0/backend/vbd/$d/51712/params 2>/dev/null))"; fi
    fi
    forks; f2=$FORKS
    t3=${EPOCHREALTIME/./}
    $(tool "$who") destroy "$name" > out.last 2> err.last || { cat err.last; fail "destroy $name ($who)"; }
    t4=${EPOCHREALTIME/./}
    forks
    dev_clean "$name ($who)" "$d"
    [ "$timed" = 1 ] || return 0
    bench_record "$who" "$t0" "$t1" "$t2" "$t3" "$t4" "$f0" "$f1" "$f2" "$FORKS"
}

step "warm-up: $NW untimed cycle(s) per tool"
for ((r = 0; r < NW; r++)); do
    for who in ours ref reffile; do cycle "$who" "bw-$who-$r" 0; done
done
step "$N timed cycles per tool, alternating (reffile: $NF)"
for ((r = 0; r < N; r++)); do
    for who in ours ref reffile; do
        [ "$who" != reffile ] || [ "$r" -lt "$NF" ] || continue
        cycle "$who" "bd-$who-$r" 1
    done
done


echo
echo "PV Linux guest with one raw disk and one vif on xenbr0: ms, median of $N; ratio = ours / reference"
echo "reference: Debian's xl with phy: on a loop device the scenario made"
printf '%-30s %9s %9s %6s\n' operation ours reference ratio
row "create (returns)" create ref
row "create -> XK-LINUX-UP" up ref
row "destroy" destroy ref
crow "clones in create" cc ref
crow "clones in destroy" dc ref
echo
echo "reference: Debian's xl with the file itself (its own path: ${BACKEND:-?}), median of $NF"
printf '%-30s %9s %9s %6s\n' operation ours reference ratio
row "create (returns)" create reffile
row "create -> XK-LINUX-UP" up reffile
row "destroy" destroy reffile
crow "clones in create" cc reffile
crow "clones in destroy" dc reffile
echo
echo "samples (1/100 ms; clones as counted):"
for k in "${!SAMPLES[@]}"; do echo "  $k:${SAMPLES[$k]}"; done | sort
