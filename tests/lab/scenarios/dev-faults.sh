#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 420
# Every fault point of a create with a raw disk (a loop device), a phy:
# disk and a vif on a bridge fails in turn (XKIT_FAULT_POINT=N, the test
# knob xl passes to the library): each time xl says so in one line, exits
# 1, and nothing is left: no domain, no xenstore node, no loop device of
# ours, no vif, no state file. Then a fault injected after the devices
# step (XKIT_FAULT_STEP) undoes the devices that were all set up. One past
# the last point the create goes through, and destroy leaves nothing.
. /xk/lib.sh
PATH=$REF_BIN:$PATH   # inspect xenstore with Debian's tools

bridge_up
cp "$XK_IMAGES/data.img" raw.img
cp "$XK_IMAGES/data.img" phy.img
ploop=$(losetup -f --show phy.img) || fail "losetup phy.img"
printf '%s\n' 'name = "dflt"' 'type = "pv"' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 32' \
    'extra = "xk.mode=sleep"' \
    "disk = [ 'format=raw,vdev=xvda,access=rw,target=$PWD/raw.img', 'phy:$ploop,xvdb,r' ]" \
    "vif = [ 'bridge=xenbr0' ]" > dflt.cfg
snapshot() {
    xenstore-ls /local/domain | grep -c '^[0-9]'
    # (backend/<kind> itself is every guest's parent, made once: not a leftover)
    xenstore-ls -f /vm /libxl /local/domain/0/backend 2>/dev/null | grep -v '^/local/domain/0/backend/[^/]* = '
    loops; vifs; state_files
}
snapshot > before.snap
clean() {   # clean WHAT: nothing left since before.snap (the kernel frees loops and vifs asynchronously)
    wait_for 10 sh -c "! $REF_XL domid dflt" || fail "$1: domain left"
    snapshot > after.snap
    if ! diff -q before.snap after.snap >/dev/null; then
        usleep 500000; snapshot > after.snap   # one more look after the async release
        diff -u before.snap after.snap || fail "$1: left behind"
    fi
}
p=1
while :; do
    XKIT_FAULT_POINT=$p $XL create -q dflt.cfg 2> err
    rc=$?
    if [ $rc = 0 ]; then
        echo "fault point $p: past the last one, created"
        break
    fi
    echo "fault point $p: rc $rc: $(cat err)"
    cat err >> all.err
    [ $rc = 1 ] || fail "point $p: rc $rc"
    [ "$(wc -l < err)" = 1 ] || fail "point $p: not one line"
    grep -q "^xl: create dflt: step [0-9]* (.*): injected fault at fault point $p (XKIT_FAULT_POINT)\$" err ||
        fail "point $p: message"
    clean "fault point $p"
    p=$((p + 1))
    [ $p -le 100 ] || fail "more than 100 fault points?"
done
ndev=$(grep -c "(devices): injected" all.err)
echo "$ndev of the fault points are in the devices step"
[ "$ndev" -ge 5 ] || fail "only $ndev fault points in the devices step"
# the create that went through has both disks and the vif
d=$(domid_of dflt)
[ "$($XL block-list dflt | awk 'NR > 1' | wc -l)" = 2 ] || fail "not two disks"
[ -e /sys/class/net/vif$d.0 ] || fail "no vif$d.0"
$XL destroy dflt || fail "destroy"
clean "destroy"
# a fault right after the devices step: its undo takes them all away
step=10   # devices (tests/unit: xkl_create_step_name(10))
XKIT_FAULT_STEP=$step $XL create -q dflt.cfg 2> err
rc=$?
echo "fault after step $step: rc $rc: $(cat err)"
[ $rc = 1 ] && grep -q "step $step (devices): injected fault" err || fail "fault after the devices step"
clean "fault after the devices step"
losetup -d "$ploop"
echo "$((p - 1)) fault points with two disks and a vif: nothing left after any"
