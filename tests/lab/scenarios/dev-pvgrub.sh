#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 600
# Guests that boot from their own disk through pvgrub (the guest's grub
# reads /boot/grub/grub.cfg inside the guest; nothing in dom0 parses the
# disk): firmware = "pvgrub64" (PV, no kernel line), bootloader = "pygrub"
# (mapped to pvgrub; create says so in one line), and a PVH guest with
# grub's PVH image as its kernel. boot.img's grub.cfg boots the Linux test
# guest with xk.boot=pvgrub xk.mount=xvda: the guest reads a file of its
# own boot disk and powers itself off; each guest leaves nothing behind.
. /xk/lib.sh
# inspect xenstore with Debian's tools (the reference), not ours
PATH=$REF_BIN:$PATH

[ -r "$XK_IMAGES/boot.img" ] || fail "no $XK_IMAGES/boot.img (tests/lab/lab builds it)"
for f in grub-x86_64-xen.bin grub-i386-xen_pvh.bin; do
    [ -r "/usr/lib/grub-xen/$f" ] || fail "no /usr/lib/grub-xen/$f in dom0"
done
dev_baseline
NAMES=
cleanup() {
    local n
    for n in $NAMES; do $REF_XL destroy "$n" 2>/dev/null; done
    rm -f boot-*.img
}
trap cleanup EXIT

# guest NAME LINE...: NAME.cfg booting a copy of boot.img as xvda, plus LINEs
guest() {
    local name=$1; shift
    cp "$XK_IMAGES/boot.img" "boot-$name.img" || fail "copy boot.img"
    {
        echo "name = \"$name\""
        echo "memory = 256"
        echo "vcpus = 1"
        echo "disk = [ 'format=raw,vdev=xvda,access=rw,target=$PWD/boot-$name.img' ]"
        printf '%s\n' "$@"
    } > "$name.cfg"
    rm -f "$(console_log "$name")"
    NAMES="$NAMES $name"
}
# boots NAME: create NAME.cfg (stderr in NAME.err), the guest comes up
# through grub.cfg's entry, powers off and is gone, nothing left
boots() {
    local name=$1 d l
    $XL create -q "$name.cfg" 2> "$name.err" || { cat "$name.err"; fail "create $name"; }
    cat "$name.err"
    d=$($XL domid "$name") || fail "no domid for $name"
    wait_console "$name" XK-LINUX-UP 200 || fail "$name: no XK-LINUX-UP (grub did not boot the guest)"
    l=$(wait_console "$name" XK-LINUX-CMDLINE 30) || fail "$name: no XK-LINUX-CMDLINE"
    case " ${l#*XK-LINUX-CMDLINE } " in
        *" xk.boot=pvgrub "*) ;;
        *) fail "$name: booted without grub.cfg's command line: $l" ;;
    esac
    wait_console "$name" "XK-DISK-READ hello from the boot disk" 60 ||
        fail "$name: the guest did not read its own boot disk"
    if ! wait_for 60 sh -c "! $REF_XL domid $name"; then
        $REF_XL list
        # what its monitor said, and whether it still runs
        echo "monitor of $name:"; cat "/var/lib/xkit/monitor-$name.log" 2>&1
        ps -o pid,args | grep "[_]_monitord" || echo "(no monitor daemon)"
        $REF_XL destroy "$name"
        fail "$name powered off but its domain was not destroyed in 60 s"
    fi
    dev_clean "$name" "$d"
    rm -f "boot-$name.img"
}

step "PV, firmware = pvgrub64, no kernel line"
guest pvgrub-fw 'type = "pv"' 'firmware = "pvgrub64"'
boots pvgrub-fw
grep -q "maps to pvgrub" pvgrub-fw.err && fail "firmware = pvgrub64 printed a pygrub mapping line"

step "PV, bootloader = pygrub: mapped to pvgrub, said once"
guest pvgrub-bl 'type = "pv"' 'bootloader = "pygrub"'
boots pvgrub-bl
[ "$(grep -c "maps to pvgrub" pvgrub-bl.err)" = 1 ] ||
    fail "create did not print exactly one pygrub -> pvgrub line: $(cat pvgrub-bl.err)"
grep -q "pvgrub-bl.cfg:[0-9]*:[0-9]*: warning: bootloader 'pygrub' maps to pvgrub" pvgrub-bl.err ||
    fail "the mapping line is not a located warning: $(cat pvgrub-bl.err)"

step "PVH, grub's PVH image as the kernel: grub reads the disk and starts Linux"
guest pvgrub-pvh 'type = "pvh"' 'kernel = "/usr/lib/grub-xen/grub-i386-xen_pvh.bin"' 'tsc_mode = "native"'
boots pvgrub-pvh

step "PVH, bootloader = pygrub: mapped to grub's PVH image"
guest pvgrub-pvhbl 'type = "pvh"' 'bootloader = "pygrub"' 'tsc_mode = "native"'
boots pvgrub-pvhbl
grep -q "maps to pvgrub" pvgrub-pvhbl.err || fail "no pygrub -> pvgrub line for PVH: $(cat pvgrub-pvhbl.err)"

step "pvgrub32 and kernel + firmware are refused before any domain exists"
n=$(dom_count)
printf 'name = "pvgrub-32"\nmemory = 128\nfirmware = "pvgrub32"\n' > bad32.cfg
xl_fails "pvgrub32" $XL create -q bad32.cfg
case $XL_ERR in *"32-bit PV guests are not supported"*) ;; *) fail "pvgrub32: $XL_ERR" ;; esac
printf 'name = "pvgrub-kf"\nmemory = 128\nkernel = "/usr/lib/grub-xen/grub-x86_64-xen.bin"\nfirmware = "pvgrub64"\n' > badkf.cfg
xl_fails "kernel and firmware" $XL create -q badkf.cfg
case $XL_ERR in *"both kernel and firmware"*) ;; *) fail "kernel + firmware: $XL_ERR" ;; esac
[ "$(dom_count)" = "$n" ] || fail "a refused config left a domain"
dev_clean "refused configs"
echo "dev-pvgrub: all passed"
