#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Debian's real kernel (bzImage + xz) with a tiny initramfs, built as a PV
# guest by libxkguest, must reach its userspace marker on hvc0.
# lab-timeout: 240
. /xk/lib.sh
[ -r "$XK_LINUX/vmlinuz" ] && [ -r "$XK_LINUX/initrd.gz" ] || skip "no $XK_LINUX/vmlinuz + initrd.gz"
"$XK_BIN/guest_boot" -t pv -k "$XK_LINUX/vmlinuz" -r "$XK_LINUX/initrd.gz" -m 256 \
    -I -c "console=hvc0 quiet" -M "XK-LINUX-UP" -T 200 || fail "guest_boot exited $?"
echo ok
