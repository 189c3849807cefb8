#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# libxkguest PVH builder against real Xen: our xk-pvh test kernel must print
# its marker on the console ring (start info, HVM params, vcpu state).
# lab-timeout: 120
. /xk/lib.sh
[ -r "$XK_GUESTS/xk-pvh" ] || skip "no $XK_GUESTS/xk-pvh"
before=$(dom_count)
"$XK_BIN/guest_boot" -t pvh -k "$XK_GUESTS/xk-pvh" -m 32 -c "xk.mode=sleep xk.msg=libguest" \
    -M "XK-GUEST-UP type=pvh" -T 60 || fail "guest_boot exited $?"
# again with 4 KiB pages only (the builder's no-superpage path)
"$XK_BIN/guest_boot" -t pvh -k "$XK_GUESTS/xk-pvh" -m 32 -S -c "xk.mode=poweroff" \
    -M "XK-GUEST-UP type=pvh" -T 60 || fail "guest_boot -S exited $?"
[ "$(dom_count)" = "$before" ] || fail "a domain was left behind"
echo ok
