#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 240
# Our xl and Debian's manage each other's domains: ours lists, consoles,
# shuts down and destroys what Debian's created; Debian's lists, pauses,
# renames and destroys what ours created.
. /xk/lib.sh
# inspect xenstore with Debian's tools (the reference), not ours
PATH=$REF_BIN:$PATH
# paused XL NAME: the p of the State column is set
paused() { $1 list "$2" | awk 'NR == 2 { exit !(substr($5, 3, 1) == "p") }'; }

cfg() {   # cfg NAME TYPE MODE [lines...]
    local name=$1 type=$2 mode=$3; shift 3
    printf '%s\n' "name = \"$name\"" "type = \"$type\"" "kernel = \"$XK_GUESTS/xk-$type\"" \
        "memory = 32" "extra = \"xk.mode=$mode xk.msg=$name\"" 'tsc_mode = "native"' "$@" > "$name.cfg"
}
exists() { $REF_XL domid "$1" >/dev/null 2>&1; }
gone() { ! exists "$1"; }

step "Debian's xl creates; ours lists, attaches the console, shuts it down"
cfg deb1 pv sleep
$REF_XL create -q deb1.cfg || fail "reference create"
wait_console deb1 XK-GUEST-SLEEP 30 >/dev/null || fail "no boot"
$XL list deb1 | grep -q '^deb1 ' || fail "our list misses deb1"
$XL console deb1 < /dev/null > con.out 2> con.err & c=$!
sleep 2
kill -0 $c 2>/dev/null || { cat con.err; fail "console exited early"; }
printf 'x\035y' | timeout 10 $XL console deb1 > /dev/null; rc=$?
[ $rc = 0 ] || fail "Ctrl-] did not detach (rc $rc)"
$REF_XL domid deb1 >/dev/null || fail "detaching hurt deb1"
$XL shutdown deb1 || fail "our shutdown"
wait_for 20 gone deb1 || fail "deb1 not gone (Debian's monitor should destroy it)"
wait $c; rc=$?
cat con.err
[ $rc = 0 ] || fail "console rc $rc after the domain went"

step "Debian's xl creates PVH; ours destroys it and its libxl state"
cfg deb2 pvh sleep
$REF_XL create -q deb2.cfg || fail "reference create"
d=$($REF_XL domid deb2)
$XL destroy deb2 || fail "our destroy"
gone deb2 || fail "deb2 still there"
ls /var/lib/xen | grep -q "userdata-d.$d\." && fail "libxl userdata left"

step "ours creates; Debian's xl lists, pauses, renames, attaches, destroys"
cfg our1 pvh sleep
$XL create our1.cfg || fail "our create"
wait_console our1 XK-GUEST-SLEEP 30 >/dev/null || fail "no boot"
$REF_XL list our1 | grep -q '^our1 ' || fail "Debian's list misses our1"
$REF_XL pause our1 && paused $XL our1 || fail "Debian's pause"
$REF_XL unpause our1 && ! paused $XL our1 || fail "Debian's unpause"
$REF_XL rename our1 our1b || fail "Debian's rename"
$XL domid our1b >/dev/null || fail "our xl misses the new name"
# Debian's console must treat our domain like one of its own
cfg deb3 pvh sleep
$REF_XL create -q deb3.cfg || fail "reference create"
wait_console deb3 XK-GUEST-SLEEP 30 >/dev/null || fail "deb3 did not boot"
sleep 6 | timeout 3 $REF_XL console deb3 > ref.out 2> ref.err; ref_rc=$?
sleep 6 | timeout 3 $REF_XL console our1b > our.out 2> our.err; our_rc=$?
cat ref.err our.err
echo "Debian's xl console: rc $ref_rc on its own domain, rc $our_rc on ours"
[ $our_rc = $ref_rc ] || fail "Debian's console behaves differently on our domain"
diff ref.err our.err || fail "Debian's console says something else on our domain"
$REF_XL destroy deb3
$REF_XL destroy our1b || fail "Debian's destroy"
gone our1b || fail "our1b still there"
echo "xl-interop: all passed"
