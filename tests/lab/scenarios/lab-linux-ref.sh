#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 150
# A real Linux guest (Debian's kernel + busybox initramfs) boots as PV under
# Debian's xl, the reference toolstack, and prints its marker.
. /xk/lib.sh
cat > linux.cfg <<CFG
name = "lab-linux"
type = "pv"
kernel = "$XK_LINUX/vmlinuz"
ramdisk = "$XK_LINUX/initrd.gz"
extra = "console=hvc0 quiet xk.mode=wait"
memory = 128
vcpus = 1
CFG
t=$(now)
$REF_XL create linux.cfg || fail "xl create"
wait_console lab-linux XK-LINUX-UP 120 || fail "no XK-LINUX-UP marker"
echo "linux PV guest reached its marker in $(elapsed "$t")s"
$REF_XL destroy lab-linux || fail "xl destroy"
