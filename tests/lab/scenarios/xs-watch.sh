#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Watches through libxklight against the real xenstored: an event for a
# write, events through /dev/xen/xenbus, and @releaseDomain when a real
# domain (created with Debian's xl) is destroyed.
# lab-timeout: 200
. /xk/lib.sh
C=$XK_BIN/xs_labcheck
[ -x "$C" ] || fail "xs_labcheck missing"

step "a write fires the watch (pollable fd)"
"$C" watch /xk-w 2 20 > ev.out 2>&1 &
pid=$!
wait_for 10 grep -q watching ev.out || fail "watch not set up: $(cat ev.out)"
/usr/bin/xenstore-write /xk-w/x 1
wait $pid || fail "watch: $(cat ev.out)"
cat ev.out
grep -qx '/xk-w lab-token' ev.out || fail "no initial event"
grep -qx '/xk-w/x lab-token' ev.out || fail "no event for the write"

step "over /dev/xen/xenbus"
/usr/bin/xenstore-rm /xk-xb 2>/dev/null
"$C" xenbus /xk-xb || fail "xenbus connection"
/usr/bin/xenstore-rm /xk-w /xk-xb

step "@releaseDomain on domain destroy"
kernel=$XK_LINUX/vmlinuz ramdisk=$XK_LINUX/initrd.gz
[ -r "$kernel" ] || { kernel=/xenlab/guest/vmlinuz; ramdisk=/xenlab/guest/initrd.gz; }
[ -r "$kernel" ] || skip "no guest kernel"
cat > g.cfg <<CFG
name = "xs-watch"
type = "pv"
kernel = "$kernel"
ramdisk = "$ramdisk"
extra = "console=hvc0 quiet xk.mode=wait xenlab.guest=wait"
memory = 128
vcpus = 1
CFG
$REF_XL create g.cfg || fail "xl create"
domid=$(domid_of xs-watch)
[ -n "$domid" ] || fail "no domid"
"$C" domain "$domid" | tee dom.out || fail "domain queries"
grep -q "introduced 1, path /local/domain/$domid$" dom.out || fail "domain $domid not introduced"
"$C" watch @releaseDomain 2 60 > rel.out 2>&1 &
pid=$!
wait_for 10 grep -q watching rel.out || fail "watch not set up"
sleep 1
$REF_XL destroy xs-watch || fail "xl destroy"
wait $pid || fail "no @releaseDomain event: $(cat rel.out)"
cat rel.out
[ "$(grep -c '^@releaseDomain lab-token$' rel.out)" = 2 ] || fail "want initial + destroy events"
"$C" domain "$domid" | tee dom.out
grep -q "introduced 0" dom.out || fail "domain $domid still introduced after destroy"
echo ok
