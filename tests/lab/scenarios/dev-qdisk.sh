#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 400
# A qcow2 disk through QEMU's qdisk backend: our xl starts one QEMU for the
# domain (-machine xenpv), recorded where libxl records it; the Linux test
# guest reads dom0's /hello from it and writes /from-guest. While the guest
# lives that QEMU runs (its /proc/PID/cmdline names the domain); after
# destroy: no QEMU, no qdisk backend, no device-model node, no QMP socket,
# and the guest's write is in the image (converted back to raw, mounted).
. /xk/lib.sh
# inspect xenstore with Debian's tools (the reference), not ours
PATH=$REF_BIN:$PATH

[ -r "$XK_LINUX/vmlinuz" ] || skip "no Linux guest kernel in the lab"
[ -r "$XK_IMAGES/data.img" ] || fail "no $XK_IMAGES/data.img (tests/lab/lab builds it)"
[ -x /usr/libexec/xen-qemu-system-i386 ] || fail "no /usr/libexec/xen-qemu-system-i386 in dom0"
command -v qemu-img >/dev/null || fail "no qemu-img in dom0"
dev_baseline
mkdir -p m
name=dev-qdisk
cleanup() {
    $REF_XL destroy "$name" 2>/dev/null
    grep -q " $PWD/m " /proc/mounts && umount m
    rm -f data.qcow2 back.img
}
trap cleanup EXIT

step "qcow2 from the data image"
qemu-img convert -f raw -O qcow2 "$XK_IMAGES/data.img" data.qcow2 || fail "qemu-img convert"
qemu-img info data.qcow2 | grep -q 'file format: qcow2' || fail "data.qcow2 is not qcow2"

linux_cfg "$name" pv "xk.mount=xvda xk.write=1 xk.mode=wait" \
    "disk = [ 'format=qcow2,vdev=xvda,access=rw,target=$PWD/data.qcow2' ]"
$XL create -q "$name.cfg" || { cat /var/log/xen/qemu-dm-$name.log; xenstore-ls -f /local/domain/0/backend/qdisk; fail "create $name"; }
D=$($XL domid "$name") || fail "no domid for $name"
echo "domain $D"

step "QEMU for domain $D"
# what both xenstore clients see, when a record is not where it should be
# (a full-suite run once missed these right after create)
records() {
    for t in /usr/bin/xenstore-ls /usr/local/bin/xenstore-ls; do
        echo "$t:"; $t -fp /local/domain/$D/image; $t -fp /libxl/$D
    done
}
pid=$(xenstore-read "/local/domain/$D/image/device-model-pid") ||
    { records; fail "no /local/domain/$D/image/device-model-pid"; }
[ -d "/proc/$pid" ] || fail "recorded QEMU pid $pid does not run"
tr '\0' ' ' < "/proc/$pid/cmdline" > qemu.cmdline
cat qemu.cmdline; echo
grep -q -- "-xen-domid $D " qemu.cmdline || fail "pid $pid is not domain $D's QEMU"
grep -q -- "-machine xenpv" qemu.cmdline || fail "QEMU not started with -machine xenpv"
[ "$(xenstore-read "/libxl/$D/dm-version")" = qemu_xen ] || { records; fail "/libxl/$D/dm-version is not qemu_xen"; }
[ "$(xenstore-read "/local/domain/0/device-model/$D/state" 2>/dev/null)" = running ] ||
    fail "device-model/$D/state is not running"
[ -S "/run/xen/qmp-libxl-$D" ] || fail "no QMP socket /run/xen/qmp-libxl-$D"
new=$(new_lines "$BASE_QEMUS" "$(qemus)")
[ "$new" = "$pid" ] || fail "expected one new QEMU, pid $pid; new: $(echo $new)"
xenstore-exists "/local/domain/0/backend/qdisk/$D/51712" || fail "no qdisk backend for xvda"
xenstore-exists "/local/domain/0/backend/vbd/$D" && fail "a qcow2 disk got a blkback (vbd) backend"
[ -f "/var/log/xen/qemu-dm-$name.log" ] || fail "no /var/log/xen/qemu-dm-$name.log"

step "the guest reads and writes the qcow2"
l=$(wait_console "$name" XK-DISK-READ 150) || fail "no XK-DISK-READ on the console"
[ "${l#*XK-DISK-READ }" = "hello from dom0" ] || fail "XK-DISK-READ: '${l#*XK-DISK-READ }', expected 'hello from dom0'"
wait_console "$name" XK-DISK-WROTE 30 || fail "no XK-DISK-WROTE"
kill -0 "$pid" 2>/dev/null || fail "QEMU (pid $pid) died while the guest lives"

step "destroy: QEMU and its records go"
$XL destroy "$name" || fail "destroy $name"
# kill -0 answers for a zombie too: gone means reaped
wait_for 10 sh -c "! kill -0 $pid" || fail "QEMU pid $pid still there after destroy"
xenstore-exists "/local/domain/0/backend/qdisk/$D" && fail "qdisk backend of $D left"
xenstore-exists "/local/domain/0/device-model/$D" && fail "/local/domain/0/device-model/$D left"
[ -e "/run/xen/qmp-libxl-$D" ] && fail "QMP socket /run/xen/qmp-libxl-$D left"
dev_clean "qcow2 guest" "$D"

step "the guest's write is in the image"
qemu-img check data.qcow2 || fail "data.qcow2 damaged"
qemu-img convert -f qcow2 -O raw data.qcow2 back.img || fail "qemu-img convert back to raw"
mount -t ext4 -o loop,ro back.img m || fail "dom0 cannot mount back.img"
v=$(cat m/from-guest 2>/dev/null)
umount m || fail "umount back.img"
[ "$v" = "written by the guest" ] || fail "from-guest in the image: '$v'"
echo "dev-qdisk: all passed"
