#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 600
# Devices of PVH guests (the Linux test guest as PVH, with the ACPI tables
# libguest builds): a raw image on a loop device is mounted, read and
# written by the guest, a qcow2 through QEMU's qdisk shows up, a vif on
# xenbr0 pings dom0, a disk hot-attached to the running guest shows up;
# destroy leaves nothing behind. (Before PVH guests had ACPI tables, the
# guest's xen-blkfront never finished its first reads.) A read-only qcow2,
# which Debian's QEMU 7.2 cannot serve ("Block node is read-only", with
# Debian's xl too), fails create with what QEMU said, and leaves nothing.
. /xk/lib.sh
PATH=$REF_BIN:$PATH
[ -r "$XK_LINUX/vmlinuz" ] || skip "no $XK_LINUX/vmlinuz"
dev_baseline
bridge_up xenbr0 10.0.0.1/24
cp "$XK_IMAGES/data.img" raw.img
cp "$XK_IMAGES/data.img" hot.img
qemu-img convert -O qcow2 "$XK_IMAGES/data.img" data.qcow2 || fail "qemu-img convert"

step "PVH: raw disk read and written, vif pings dom0, qcow2 read"
linux_cfg pvh-dev pvh "xk.watch=1 xk.mount=xvda xk.write=1 xk.ip=10.0.0.2/24 xk.ping=10.0.0.1 xk.mode=wait" \
    "disk = [ 'format=raw,vdev=xvda,access=rw,target=$PWD/raw.img', 'format=qcow2,vdev=xvdb,access=rw,target=$PWD/data.qcow2' ]" \
    "vif = [ 'bridge=xenbr0' ]"
t=$(now)
$XL create -q pvh-dev.cfg || fail "create pvh-dev"
D=$($XL domid pvh-dev) || fail "domid pvh-dev"
wait_console pvh-dev XK-LINUX-UP 240 || fail "no XK-LINUX-UP"
wait_console pvh-dev "XK-DISK-READ hello from dom0" 60 || fail "the PVH guest did not read its raw disk"
wait_console pvh-dev "XK-DISK-WROTE" 30 || fail "the PVH guest did not write its raw disk"
echo "disk read and written $(elapsed "$t") s after create"
wait_console pvh-dev "XK-PING-OK 10.0.0.1" 60 || fail "the PVH guest cannot ping dom0"
wait_console pvh-dev "XK-DEV-HAVE xvdb" 30 || fail "no xvdb (qcow2 through qdisk) in the guest"

step "PVH: block-attach of a raw image to the running guest"
$XL block-attach pvh-dev "format=raw,vdev=xvdc,access=rw,target=$PWD/hot.img" || fail "block-attach"
wait_console pvh-dev "XK-DEV-ADD xvdc" 60 || fail "xvdc did not appear in the guest"
$XL block-detach pvh-dev xvdc || fail "block-detach"
wait_console pvh-dev "XK-DEV-DEL xvdc" 60 || fail "xvdc did not go away in the guest"

$XL destroy pvh-dev || fail "destroy"
dev_clean "pvh-dev" "$D"
# what the guest wrote is in the image (read back through a loop in dom0)
w=$(image_file raw.img from-guest)
[ "$w" = "written by the guest" ] || fail "raw.img holds '$w', not what the guest wrote"

step "PVH: a read-only qcow2 fails create with QEMU's reason, nothing left"
linux_cfg pvh-ro pvh "xk.mode=wait" "disk = [ 'format=qcow2,vdev=xvda,access=ro,target=$PWD/data.qcow2' ]"
xl_fails "read-only qcow2" $XL create -q pvh-ro.cfg
case $XL_ERR in
    *"qdisk 51712 of domain"*"QEMU's log"*"read-only"*) ;;
    *) fail "the error does not name the disk and what QEMU said: $XL_ERR" ;;
esac
D=${XL_ERR#*(domain }; D=${D%%)*}
# Xen finishes tearing a destroyed domain down in the background
gone() { ! $REF_XL list "$1" > /dev/null 2>&1; }
t=$(now)
wait_for 30 gone "$D" || { $REF_XL list; fail "the failed create left domain $D"; }
echo "domain $D gone $(elapsed "$t") s after create failed"
dev_clean "pvh-ro" "$D"
echo ok
