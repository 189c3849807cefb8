#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 180
# examples/manager.c: a manager on the public API creates two guests
# (PV powering off, PVH crashing), sees both shut down on its event fd,
# destroys them, sees both die, exits 0, and leaves nothing behind.
. /xk/lib.sh
# inspect xenstore with Debian's tools (the reference), not ours
PATH=$REF_BIN:$PATH

[ -x "$XK_BIN/xk_manager" ] || fail "no xk_manager in $XK_BIN"
printf '%s\n' 'name = "mgr-pv"' 'type = "pv"' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 32' \
    'extra = "xk.mode=poweroff"' > a.cfg
printf '%s\n' 'name = "mgr-pvh"' 'type = "pvh"' "kernel = \"$XK_GUESTS/xk-pvh\"" 'memory = 32' \
    'extra = "xk.mode=crash"' 'tsc_mode = "native"' > b.cfg
t=$(now)
timeout 120 "$XK_BIN/xk_manager" a.cfg b.cfg > out; rc=$?
cat out
echo "TIME manager: two guests created, shut down, destroyed in $(elapsed "$t") s"
[ $rc = 0 ] || fail "manager rc $rc"
grep -Eq '^shutdown domain [0-9]+ reason 0$' out || fail "no poweroff event"
grep -Eq '^shutdown domain [0-9]+ reason 3$' out || fail "no crash event"
[ "$(grep -c '^death domain' out)" = 2 ] || fail "not two deaths"
[ "$(dom_count)" = 1 ] || { $XL list; fail "domains left"; }
echo "xl-manager: all passed"
