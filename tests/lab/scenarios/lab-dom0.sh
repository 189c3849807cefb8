#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The ground: dom0 is the Xen control domain with the devices and daemons
# every layer needs.
. /xk/lib.sh
grep -q control_d /proc/xen/capabilities || fail "dom0 is not the control domain"
for d in privcmd evtchn gntdev xenbus; do
    [ -c /dev/xen/$d ] || fail "/dev/xen/$d missing"
done
[ -e /dev/xen/hypercall ] && echo "privcmd hypercall buffer device present"
step "xenstored answers"
[ "$(/usr/bin/xenstore-read /local/domain/0/name)" = Domain-0 ] || fail "xenstored: dom0 name"
/usr/bin/xenstore-write /xk/probe hello || fail "xenstore write"
[ "$(/usr/bin/xenstore-read /xk/probe)" = hello ] || fail "xenstore read back"
/usr/bin/xenstore-rm /xk
pidof xenconsoled >/dev/null || fail "xenconsoled not running"
step "Debian's xl (reference) sees Xen"
$REF_XL info | grep -q '^xen_major *: 4' || fail "xl info"
$REF_XL list | grep -q '^Domain-0 ' || fail "xl list"
echo "ok"
