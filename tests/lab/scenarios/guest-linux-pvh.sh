#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Debian's real kernel as a PVH guest built by libxkguest. No ACPI tables
# are built (rsdp 0): Linux finds none and runs with one vcpu, no ACPI.
# lab-timeout: 300
. /xk/lib.sh
[ -r "$XK_LINUX/vmlinuz" ] && [ -r "$XK_LINUX/initrd.gz" ] || skip "no $XK_LINUX/vmlinuz + initrd.gz"
"$XK_BIN/guest_boot" -t pvh -k "$XK_LINUX/vmlinuz" -r "$XK_LINUX/initrd.gz" -m 256 \
    -I -c "console=hvc0 quiet" -M "XK-LINUX-UP" -T 260 || fail "guest_boot exited $?"
echo ok
