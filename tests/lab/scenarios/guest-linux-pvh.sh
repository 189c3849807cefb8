#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Debian's real kernel as a PVH guest built by libxkguest (one vcpu, with
# the ACPI tables libxkguest builds; xl-pvh-vcpus covers several vcpus).
# lab-timeout: 300
. /xk/lib.sh
[ -r "$XK_LINUX/vmlinuz" ] && [ -r "$XK_LINUX/initrd.gz" ] || skip "no $XK_LINUX/vmlinuz + initrd.gz"
"$XK_BIN/guest_boot" -t pvh -k "$XK_LINUX/vmlinuz" -r "$XK_LINUX/initrd.gz" -m 256 \
    -I -c "console=hvc0 quiet" -M "XK-LINUX-UP" -T 260 || fail "guest_boot exited $?"
echo ok
