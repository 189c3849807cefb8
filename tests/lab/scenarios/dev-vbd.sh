#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 900
# Disks under our xl, as the Linux test guest sees them: a raw file (a loop
# device our xl sets up in-process) read-write, the guest's write read back
# in dom0 afterwards; the same file read-only (the guest mounts it ro and
# cannot write; the file is unchanged); a phy: loop device the scenario made
# (our xl must leave it bound) (qcow2 through QEMU's qdisk: dev-qdisk; a
# PVH guest with a disk: tests/lab/open/dev-pvh-disk.sh, an open bug). After each guest is gone nothing of it is left: no
# backend or frontend node, no loop device of ours, no QEMU, no state file.
. /xk/lib.sh
# inspect xenstore with Debian's tools (the reference), not ours
PATH=$REF_BIN:$PATH

[ -r "$XK_LINUX/vmlinuz" ] || skip "no Linux guest kernel in the lab"
[ -r "$XK_IMAGES/data.img" ] || fail "no $XK_IMAGES/data.img (tests/lab/lab builds it)"
dev_baseline
mkdir -p m

exists() { $REF_XL domid "$1" >/dev/null 2>&1; }
gone() { ! exists "$1"; }
# start NAME: our xl creates NAME.cfg; D is its domid
start() {
    $XL create -q "$1.cfg" || fail "create $1"
    D=$($XL domid "$1") || fail "no domid for $1 after create"
}
# marker NAME WORD: wait for the guest's WORD line, print what follows WORD
marker() {
    local l
    l=$(wait_console "$1" "$2" "${3:-120}") || { echo "$l" >&2; fail "$1: no $2 on its console"; }
    l=${l#*"$2"}
    echo "${l# }"
}
# disk_markers NAME MOUNT READ WRITE: the guest's disk lines are these
disk_markers() {
    local v
    v=$(marker "$1" XK-DISK-MOUNT) || exit 1
    [ "$v" = "$2" ] || fail "$1: XK-DISK-MOUNT $v, expected $2"
    v=$(marker "$1" XK-DISK-READ 30) || exit 1
    [ "$v" = "$3" ] || fail "$1: XK-DISK-READ '$v', expected '$3'"
    [ -z "$4" ] || wait_console "$1" "$4" 30 || fail "$1: no $4"
}
# loop_of FILE: the loop device bound to FILE (ours: set up by our xl)
loop_of() { loops | awk -v f="$(readlink -f "$1")" '$2 == f { print $1; exit }'; }
# dom0_read IMG: print the guest's /from-guest of raw ext4 image IMG
dom0_read() {
    mount -t ext4 -o loop,ro "$1" m || fail "dom0 cannot mount $1"
    cat m/from-guest 2>/dev/null || echo "(no /from-guest)"
    umount m || fail "umount $1"
}
# wait_gone NAME: a guest that powers itself off is destroyed by our xl's monitor
wait_gone() {
    wait_for 60 gone "$1" && return 0
    $REF_XL list
    $REF_XL destroy "$1"
    fail "$1 powered off but its domain was not destroyed in 60 s"
}

step "raw file read-write (PV): loop device in-process, the guest writes"
cp "$XK_IMAGES/data.img" rw.img
linux_cfg vbd-rw pv "xk.mount=xvda xk.write=1 xk.mode=wait" \
    "disk = [ 'format=raw,vdev=xvda,access=rw,target=$PWD/rw.img' ]"
start vbd-rw
disk_markers vbd-rw rw "hello from dom0" XK-DISK-WROTE
l=$(loop_of rw.img)
[ -n "$l" ] || { loops; fail "no loop device bound to rw.img while vbd-rw runs"; }
echo "rw.img is on /dev/$l (ro=$(cat /sys/block/$l/ro))"
[ "$(cat /sys/block/$l/ro)" = 0 ] || fail "the loop device of a read-write disk is read-only"
be=/local/domain/0/backend/vbd/$D/51712
xenstore-exists "$be" || { xenstore-ls -f /local/domain/0/backend; fail "no $be"; }
echo "backend: params=$(xenstore-read $be/params) mode=$(xenstore-read $be/mode) state=$(xenstore-read $be/state)"
[ "$(xenstore-read $be/mode)" = w ] || fail "$be/mode is not w"
[ "$(xenstore-read /local/domain/$D/device/vbd/51712/backend)" = "$be" ] || fail "frontend does not point at $be"
$XL block-list vbd-rw
[ "$($XL block-list vbd-rw | awk 'NR > 1 { print $1 }')" = 51712 ] || fail "block-list: not one row 51712"
$XL destroy vbd-rw || fail "destroy vbd-rw"
gone vbd-rw || fail "vbd-rw still there"
dev_clean "raw rw disk" "$D"
v=$(dom0_read rw.img)
echo "dom0 reads from-guest: $v"
[ "$v" = "written by the guest" ] || fail "the guest's write is not in rw.img"
dev_clean "dom0's own mount of rw.img"

step "the same file read-only: ro mount, the write fails, the file is unchanged"
sum=$(md5sum < rw.img)
linux_cfg vbd-ro pv "xk.mount=xvda xk.write=1 xk.mode=wait" \
    "disk = [ 'format=raw,vdev=xvda,access=ro,target=$PWD/rw.img' ]"
start vbd-ro
disk_markers vbd-ro ro "hello from dom0" XK-DISK-WRITE-FAILED
l=$(loop_of rw.img)
[ -n "$l" ] || fail "no loop device bound to rw.img while vbd-ro runs"
[ "$(cat /sys/block/$l/ro)" = 1 ] || fail "the loop device of a read-only disk is writable"
[ "$(xenstore-read /local/domain/0/backend/vbd/$D/51712/mode)" = r ] || fail "backend mode is not r"
$XL destroy vbd-ro || fail "destroy vbd-ro"
dev_clean "raw ro disk" "$D"
[ "$(md5sum < rw.img)" = "$sum" ] || fail "rw.img changed under a read-only disk"
rm -f rw.img      # /tmp is dom0's RAM

step "phy: a loop device the scenario made; the guest powers off; the loop stays bound"
cp "$XK_IMAGES/data.img" phy.img
pl=$(losetup -f --show "$PWD/phy.img") || fail "losetup of phy.img"
echo "phy.img is on $pl"
dev_baseline     # the scenario's own loop device is not a leftover
linux_cfg vbd-phy pv "xk.mount=xvda xk.write=1 xk.mode=poweroff" "disk = [ 'phy:$pl,xvda,w' ]"
start vbd-phy
disk_markers vbd-phy rw "hello from dom0" XK-DISK-WROTE
wait_gone vbd-phy
dev_clean "phy disk" "$D"
[ "$(losetup "$pl" 2>/dev/null | grep -c phy.img)" = 1 ] || fail "$pl was released: our xl must not touch a phy: device's binding"
losetup -d "$pl" || fail "losetup -d $pl"
v=$(dom0_read phy.img)
[ "$v" = "written by the guest" ] || fail "the guest's write is not in phy.img: $v"
rm -f phy.img
dev_baseline

echo "dev-vbd: all passed"
