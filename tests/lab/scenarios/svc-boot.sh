#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 120
# dom0 came up through xkit's init.d scripts (dom0-init runs them as a
# booting host does): the daemons they started answer to their status,
# init-dom0 wrote what Xen's xen-init-dom0 writes (dom0's domid and name,
# libxl's stub configuration, so Debian's xl lists dom0 with -l), a
# second start changes nothing; xl check-kernel tells that the running
# kernel can be dom0, and that an edited copy of its config cannot.
. /xk/lib.sh
PATH=$REF_BIN:$PATH

step "the services dom0-init started"
for s in xkit-xenstored xkit-xenconsoled; do
    /etc/init.d/$s status || fail "$s: not running"
done
xs=$(cat /run/xenstored.pid)
exe=$(readlink /proc/$xs/exe)
echo "store daemon: pid $xs, $exe"
grep -q "^XENSTORED=$(basename "$exe")$" /etc/default/xkit || fail "the daemon is not the one /etc/default/xkit names"
readlink /proc/$(cat /run/xenconsoled.pid)/exe | grep -q xenconsoled || fail "no xenconsoled behind its pid file"
/etc/init.d/xkit-xendomains status || fail "xendomains status"

step "init-dom0: dom0's entries, as Xen's xen-init-dom0 writes them"
[ "$(xenstore-read /local/domain/0/domid)" = 0 ] || fail "domid"
[ "$(xenstore-read /local/domain/0/name)" = Domain-0 ] || fail "name"
uuid=$($REF_XL list -v 0 | awk 'NR == 2 { print $7 }')
[ "$(xenstore-read /local/pool/0/name)" = Pool-0 ] || fail "cpupool 0's name"
stub=/var/lib/xen/userdata-d.0.$uuid.libxl-json
[ -s "$stub" ] || { ls -la /var/lib/xen; fail "no libxl stub $stub"; }
[ "$(stat -c %a "$stub")" = 600 ] || fail "the stub is not root's only"
# libxl's own form: its dom0 helper's object, NUL-terminated
[ "$(tail -c 1 "$stub" | od -An -tx1 | tr -d ' ')" = 00 ] || fail "the stub lacks libxl's NUL"
tr -d '\0' < "$stub" > stub.json && $XK_BIN/json_query stub.json '.c_info.type' | grep -qx pv || fail "the stub's c_info.type"
$REF_XL list -l 0 > ref-l.json || fail "Debian's xl list -l 0 on our init-dom0's dom0"
grep -q '"name": "Domain-0"' ref-l.json || { cat ref-l.json; fail "Debian's xl: dom0 unnamed"; }
# and creates guests, its default pool found by the name init-dom0 wrote
printf '%s\n' 'name = "svc-ref"' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 32' 'extra = "xk.mode=sleep"' > ref.cfg
$REF_XL create -q ref.cfg || fail "Debian's xl create on our init-dom0's dom0"
$REF_XL destroy svc-ref || fail "Debian's destroy"
$XL list -l 0 > our-l.json || fail "our list -l 0"
echo "Debian's xl lists dom0 with -l ($(wc -l < ref-l.json) lines), ours too ($(wc -l < our-l.json))"
# once only: a second run leaves the name
/usr/local/libexec/xkit/init-dom0 Other-Name > again.out || fail "init-dom0 again: rc $?"
grep -q "already set up (name Domain-0)" again.out || { cat again.out; fail "init-dom0 again said"; }
[ "$(xenstore-read /local/domain/0/name)" = Domain-0 ] || fail "a second init-dom0 renamed dom0"
/etc/init.d/xkit-xenstored start | grep -q "already running" || fail "second start of the store"
# stop leaves the store: guests depend on it
/etc/init.d/xkit-xenstored stop
kill -0 "$xs" || fail "xkit-xenstored stop killed the store daemon"
/usr/local/libexec/xkit/init-dom0 a/b; [ $? = 2 ] || fail "init-dom0 a/b: not a usage error"

step "xl doctor: nothing to fix on the lab's host; a stopped xenconsoled is named"
$XL doctor > doc.out; rc=$?
cat doc.out
[ $rc = 0 ] || fail "xl doctor: rc $rc on the lab's host"
grep -q "^ok    xenstored " doc.out && grep -q "^ok    dom0 entries .*Domain-0" doc.out || fail "doctor: store"
/etc/init.d/xkit-xenconsoled stop || fail "stop xenconsoled"
$XL doctor > doc2.out; rc=$?
/etc/init.d/xkit-xenconsoled start || fail "restart xenconsoled"
[ $rc = 1 ] || fail "doctor without xenconsoled: rc $rc, not 1"
grep -A1 "^FAIL  xenconsoled" doc2.out | grep -q "xkit-xenconsoled start" || { cat doc2.out; fail "doctor: no fix named"; }
$XL doctor --json | grep -q '"check": "xenconsoled", "status": "ok"' || fail "doctor --json after the restart"
echo "doctor: $(tail -n 1 doc.out); without xenconsoled: $(tail -n 1 doc2.out)"

step "xl check-kernel: the running kernel, as dom0"
cfg=/boot/config-$(uname -r)
[ -r "$cfg" ] || fail "no $cfg in dom0 (the lab copies it there)"
$XL check-kernel > ck.out; rc=$?
cat ck.out
[ $rc = 0 ] || fail "check-kernel of the running dom0 kernel: rc $rc"
grep -q "^$cfg: Linux " ck.out || fail "not the running kernel's config"
grep -q "^dom0 pv: yes" ck.out || fail "not 'dom0 pv: yes'"
grep -v '^CONFIG_XEN_PV_DOM0=' "$cfg" > nodom0
$XL check-kernel -r dom0 -t pv nodom0 > nd.out; rc=$?
cat nd.out
[ $rc = 1 ] || fail "without XEN_PV_DOM0: rc $rc, not 1"
grep -q "missing  CONFIG_XEN_PV_DOM0" nd.out || fail "XEN_PV_DOM0 not named"
$XL check-kernel -r domU -t pvh "$cfg" >/dev/null || fail "the dom0 kernel as a PVH guest"
echo "check-kernel: dom0 kernel $(uname -r) can be dom0 and a PVH guest; without XEN_PV_DOM0 it cannot be dom0"
