#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 180
# The QEMU dom0 disk backend service and disks attached to dom0 itself: a
# qcow2 image for dom0 without the service fails naming it; the init.d
# script starts Debian's QEMU attached to domain 0; a disk attached to
# dom0 (xl block-attach 0) reaches dom0's own blkfront, dom0 mounts and
# reads it, detach takes it away and leaves that QEMU; stopping the
# service stops it.
. /xk/lib.sh
PATH=$REF_BIN:$PATH
SVC=/etc/init.d/xkit-qemu-dom0-disk-backend
[ -x "$SVC" ] || skip "no $SVC"
trap '$SVC stop > /dev/null 2>&1; umount mnt 2> /dev/null' EXIT
qemu-img create -q -f qcow2 d.qcow2 64M || fail "qemu-img create"

step "without the service, a qcow2 disk for dom0 is refused, naming it"
xl_fails "block-attach 0 without the service" $XL block-attach 0 format=qcow2,vdev=xvda,access=ro,target=$PWD/d.qcow2
case $XL_ERR in *"start the xkit-qemu-dom0-disk-backend service"*) ;; *) fail "the error does not name the service" ;; esac
xenstore-exists /local/domain/0/backend/qdisk/0/51712 && fail "nodes left by the refused attach"

step "the service starts QEMU attached to dom0"
$SVC start || fail "start"
$SVC status || fail "status after start"
wait_for 10 sh -c '[ "$(xenstore-read /local/domain/0/device-model/0/state 2>/dev/null)" = running ]' ||
    fail "QEMU for dom0 does not say running"
pid=$(cat /run/xen/qemu-dom0.pid)
tr '\0' ' ' < /proc/$pid/cmdline | grep -q -- "-xen-domid 0 -xen-attach" || fail "pid $pid is not QEMU attached to dom0"

step "a disk attached to dom0 itself: dom0 reads it through its own blkfront"
# a raw image (dom0's blkback over a loop device): Debian's QEMU 7.2
# attached to dom0 never takes up a qdisk backend for dom0 in this lab,
# under Debian's xl as under ours (tests/lab/open/qemu-dom0-qdisk.sh)
cp "$XK_IMAGES/data.img" d.img
t=$(now)
$XL block-attach 0 format=raw,vdev=xvda,access=ro,target=$PWD/d.img || fail "block-attach 0"
wait_for 20 test -b /dev/xvda || { xenstore-ls -f /local/domain/0/backend/vbd; fail "no /dev/xvda in dom0"; }
echo "TIME disk attached to dom0: /dev/xvda after $(elapsed "$t") s"
wait_for 10 sh -c '[ "$(xenstore-read /local/domain/0/backend/vbd/0/51712/state)" = 4 ]' || fail "vbd backend not Connected"
$XL block-list 0 | tee bl
grep -q "^51712 *0 " bl || fail "block-list 0"
mkdir -p mnt
mount -o ro /dev/xvda mnt || fail "mount /dev/xvda"
[ "$(cat mnt/hello)" = "hello from dom0" ] || fail "read \"$(cat mnt/hello)\" from the disk"
umount mnt

step "detach, then stop the service"
$XL block-detach 0 xvda || fail "block-detach 0 xvda"
wait_for 10 sh -c '! test -b /dev/xvda' || fail "/dev/xvda still there"
xenstore-exists /local/domain/0/backend/vbd/0/51712 && fail "backend nodes left"
[ -z "$(losetup -a | grep d.img)" ] || fail "loop device left"
xenstore-exists /local/domain/0/device/vbd/51712 && fail "frontend nodes left"
kill -0 "$pid" || fail "the detach stopped the service's QEMU"
$SVC stop || fail "stop"
wait_for 10 sh -c "! kill -0 $pid" || fail "QEMU $pid still running after stop"
echo "dom0's own disk attached and detached; the service's QEMU started and stopped"
