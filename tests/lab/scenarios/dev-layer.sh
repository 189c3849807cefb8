#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 120
# The device layer against the real xenstored (tests/lab/dev_labcheck.c):
# a device's nodes and permissions, waiting for a backend state by watch,
# timeouts and hotplug-error reported in the backend's words, and removal
# with and without a backend that answers. The guest is a paused test
# kernel; the program plays the backend of a "vkbd" device (no dom0 driver
# serves that kind). Destroy then leaves no backend node of the guest.
. /xk/lib.sh
XL=${XL:-/usr/local/sbin/xl}
cat > dev.cfg <<CFG
name = "dev-layer"
kernel = "$XK_GUESTS/xk-pv"
memory = 32
extra = "xk.mode=sleep"
CFG
$XL create -p dev.cfg || fail "create"
d=$($XL domid dev-layer) || fail "domid"
"$XK_BIN/dev_labcheck" "$d" || { $XL destroy dev-layer; fail "dev_labcheck"; }
$XL destroy dev-layer || fail "destroy"
for p in /local/domain/0/backend/vkbd/$d /local/domain/$d /libxl/$d; do
    ! xenstore-exists "$p" 2>/dev/null || fail "$p left after destroy"
done
[ -z "$(ls /var/lib/xkit 2>/dev/null | grep '\.json$')" ] || { ls -l /var/lib/xkit; head -c 300 /var/lib/xkit/*.json; fail "state files left"; }
echo "device layer: ok"
