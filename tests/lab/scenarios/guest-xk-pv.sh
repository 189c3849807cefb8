#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# libxkguest PV builder against real Xen: our xk-pv test kernel, built by
# guest_boot (libxkctrl + libxkguest only), must print its marker on the
# console ring; the domain must be gone afterwards.
# lab-timeout: 120
. /xk/lib.sh
[ -r "$XK_GUESTS/xk-pv" ] || skip "no $XK_GUESTS/xk-pv"
before=$(dom_count)
"$XK_BIN/guest_boot" -t pv -k "$XK_GUESTS/xk-pv" -m 32 -c "xk.mode=poweroff xk.msg=libguest" \
    -M "XK-GUEST-UP type=pv" -T 60 || fail "guest_boot exited $?"
# again with 4 KiB pages only (the builder's no-superpage path)
"$XK_BIN/guest_boot" -t pv -k "$XK_GUESTS/xk-pv" -m 32 -S -c "xk.mode=poweroff" \
    -M "XK-GUEST-UP type=pv" -T 60 || fail "guest_boot -S exited $?"
[ "$(dom_count)" = "$before" ] || fail "a domain was left behind"
echo ok
