#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# libxkguest refusals and failure clean-up against real Xen: a kernel that
# cannot boot as the asked type is refused with an actionable message, and a
# build that fails half-way gives back the memory it populated.
# lab-timeout: 120
. /xk/lib.sh
[ -r "$XK_GUESTS/xk-pv" ] || skip "no $XK_GUESTS/xk-pv"
B="$XK_BIN/guest_boot"
$B -t pvh -k "$XK_GUESTS/xk-pv" -x "XEN_ELFNOTE_PHYS32_ENTRY note: it cannot boot as PVH" \
    || fail "PV-only kernel as PVH"
# a missing ramdisk fails after memory was populated: it must be released
$B -t pv -k "$XK_GUESTS/xk-pv" -r /nonexistent/initrd -x "open ramdisk /nonexistent/initrd" \
    || fail "missing ramdisk (PV)"
$B -t pvh -k "$XK_GUESTS/xk-pvh" -r /nonexistent/initrd -x "open ramdisk /nonexistent/initrd" \
    || fail "missing ramdisk (PVH)"
# a ramdisk that opens but cannot be read fails after memory was populated
$B -t pv -k "$XK_GUESTS/xk-pv" -r /tmp -x "read ramdisk /tmp" || fail "unreadable ramdisk (PV)"
$B -t pvh -k "$XK_GUESTS/xk-pvh" -r /tmp -x "read ramdisk /tmp" || fail "unreadable ramdisk (PVH)"
# too little memory for kernel + ramdisk
head -c 20971520 /dev/zero > /tmp/rd20m
$B -t pv -k "$XK_GUESTS/xk-pv" -r /tmp/rd20m -m 16 -x "give the guest more memory" \
    || fail "too small PV guest"
$B -t pvh -k "$XK_GUESTS/xk-pvh" -r /tmp/rd20m -m 16 -x "give it more memory" \
    || fail "too small PVH guest"
rm -f /tmp/rd20m
echo ok
