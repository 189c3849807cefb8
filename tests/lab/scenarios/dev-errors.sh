#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 400
# Device errors under our xl: each is one line "xl: ..." on stderr, exit 1,
# and nothing is left (no domain, no xenstore node, no loop device, no vif,
# no QEMU, no state file in /var/lib/xkit): a missing image; an image
# another running guest has read-write; phy: on a loop device bound to
# nothing; a missing bridge; a malformed disk spec (reported as
# file:line:col); a vdev used twice; block-detach and network-detach of a
# device the running guest does not have (which leaves that guest as it
# was).
. /xk/lib.sh
# inspect xenstore with Debian's tools (the reference), not ours
PATH=$REF_BIN:$PATH

[ -r "$XK_LINUX/vmlinuz" ] || skip "no Linux guest kernel in the lab"
[ -r "$XK_IMAGES/data.img" ] || fail "no $XK_IMAGES/data.img (tests/lab/lab builds it)"
dev_baseline
bridge_up xenbr0 10.0.0.1/24
cp "$XK_IMAGES/data.img" a.img
cp "$XK_IMAGES/data.img" b.img
gone() { ! $REF_XL domid "$1" >/dev/null 2>&1; }
# snap: what devices and domains exist, paths only (values change)
snap() {
    xenstore-list /local/domain
    # (backend/<kind> itself is every guest's parent, made once: not a leftover)
    xenstore-ls -f /local/domain/0/backend 2>/dev/null | sed 's/ = .*//' | grep '^/local/domain/0/backend/[^/]*/'
    xenstore-list /libxl 2>/dev/null
    loops; vifs; qemus
    state_files
}
same() { snap > after.snap; cmp -s before.snap after.snap; }
# refused NAME WHAT: our xl create NAME.cfg fails as it should, leaving nothing
refused() {
    snap > before.snap
    xl_fails "$2" $XL create -q "$1.cfg"
    wait_for 10 gone "$1" || fail "$2: domain $1 left"
    wait_for 10 same || { diff before.snap after.snap; fail "$2: left behind (see the diff)"; }
}
disk_cfg() {   # NAME SPEC...: a guest with these disks
    local name=$1 d='' s; shift
    for s in "$@"; do d+="${d:+, }'$s'"; done
    linux_cfg "$name" pv "xk.mode=wait" "disk = [ $d ]"
}

step "a missing image"
disk_cfg err-missing "format=raw,vdev=xvda,access=rw,target=$PWD/nosuch.img"
refused err-missing "missing image"

step "an image another running guest has read-write"
disk_cfg err-a "format=raw,vdev=xvda,access=rw,target=$PWD/a.img"
$XL create -q err-a.cfg || fail "create err-a"
wait_console err-a XK-LINUX-UP 120 || fail "err-a did not boot"
disk_cfg err-shared "format=raw,vdev=xvda,access=rw,target=$PWD/a.img"
refused err-shared "image in use read-write"

step "phy: on a loop device bound to nothing"
if [ -b /dev/loop7 ] && [ ! -e /sys/block/loop7/loop ]; then
    disk_cfg err-loop "phy:/dev/loop7,xvda,w"
    refused err-loop "unbound loop device"
else
    echo "SKIP (this case): /dev/loop7 is missing or bound"
fi

step "a missing bridge"
linux_cfg err-br pv "xk.mode=wait" "vif = [ 'bridge=nosuchbr' ]"
refused err-br "missing bridge"

step "a malformed disk spec: file:line:col"
linux_cfg err-spec pv "xk.mode=wait" "disk = [ '/x,raw,xvda,rw,bogus=1' ]"
line=$(grep -n '^disk' err-spec.cfg | cut -d: -f1)
refused err-spec "malformed spec"
case $XL_ERR in *err-spec.cfg:$line:[0-9]*) ;; *) fail "the message does not point at err-spec.cfg:$line:COL" ;; esac

step "a vdev used twice"
disk_cfg err-twice "format=raw,vdev=xvda,access=ro,target=$PWD/a.img" \
    "format=raw,vdev=xvda,access=ro,target=$PWD/b.img"
refused err-twice "vdev twice"

step "detach what the running guest does not have"
snap > before.snap
xl_fails "block-detach of a missing disk" $XL block-detach err-a xvdz
xl_fails "network-detach of a missing vif" $XL network-detach err-a 7
wait_for 10 same || { diff before.snap after.snap; fail "a failed detach changed something"; }
[ "$($XL block-list err-a | awk 'NR > 1 { print $1 }')" = 51712 ] || fail "err-a lost its disk"

D=$($XL domid err-a)
$XL destroy err-a || fail "destroy err-a"
dev_clean "err-a" "$D"
echo "dev-errors: all passed"
