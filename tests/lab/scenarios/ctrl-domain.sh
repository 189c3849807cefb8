#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# libxkctrl against real Xen: an empty PV and an empty PVH domain from
# creation to destruction (memory, pause, foreign map, event channel, grant
# seeding, HVM params); Xen's free memory must come back.
# lab-timeout: 120
. /xk/lib.sh

before=$(dom_count)
"$XK_BIN/ctrl_lifecycle" || fail "ctrl_lifecycle exited $?"
after=$(dom_count)
[ "$after" = "$before" ] || fail "domains: $before before, $after after"
$REF_XL list | grep -q '(null)' && fail "a half-dead domain remained"
echo ok
