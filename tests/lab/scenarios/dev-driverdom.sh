#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 120
# A driver domain: a disk and a vif with backend=DOMAIN get their backend
# nodes in that domain, owned by it and readable by the guest, with the
# guest's frontends pointing there, as libxl writes them; nothing is set up
# in dom0 (no loop device, no vif). The driver domain here is a test guest
# that serves nothing, so nothing connects (dev-devd has a real one, with
# xl devd). Destroying the guest removes the nodes in the driver domain
# too.
. /xk/lib.sh
PATH=$REF_BIN:$PATH   # inspect xenstore with Debian's tools

printf '%s\n' 'name = "dd"' 'type = "pv"' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 32' \
    'extra = "xk.mode=sleep"' > dd.cfg
$XL create -q dd.cfg || fail "create the driver domain"
dd=$(domid_of dd)
loops0=$(ls /sys/block | grep -c '^loop' || true)
printf '%s\n' 'name = "dd-guest"' 'type = "pv"' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 32' \
    'extra = "xk.mode=sleep"' \
    "disk = [ 'backend=dd,format=raw,vdev=xvda,access=rw,target=/srv/in-the-driver-domain.img' ]" \
    "vif = [ 'backend=dd,bridge=xenbr-dd,mac=00:16:3e:00:dd:01' ]" > g.cfg
$XL create -q g.cfg 2> err || { cat err; fail "create a guest with backends in the driver domain"; }
g=$(domid_of dd-guest)
be=/local/domain/$dd/backend/vbd/$g/51712
vbe=/local/domain/$dd/backend/vif/$g/0
xenstore-ls -fp /local/domain/$dd/backend
[ "$(xenstore-read $be/params)" = /srv/in-the-driver-domain.img ] || fail "vbd params in the driver domain"
[ "$(xenstore-read /local/domain/$g/device/vbd/51712/backend)" = "$be" ] || fail "frontend's backend path"
[ "$(xenstore-read /local/domain/$g/device/vbd/51712/backend-id)" = "$dd" ] || fail "frontend's backend-id"
[ "$(xenstore-read $vbe/mac)" = 00:16:3e:00:dd:01 ] || fail "vif mac in the driver domain"
[ "$(xenstore-read /local/domain/$g/device/vif/0/backend-id)" = "$dd" ] || fail "vif frontend's backend-id"
# owned by the driver domain, readable by the guest
xenstore-ls -fp /local/domain/$dd/backend | grep -q "^$be = \"\" *(n$dd,r$g)" || fail "vbd backend permissions"
xenstore-ls -fp /local/domain/$g/device | grep -q "^/local/domain/$g/device/vbd/51712 = \"\" *(n$g,r$dd)" ||
    fail "vbd frontend permissions"
# nothing in dom0
[ -z "$(xenstore-ls /local/domain/0/backend/vbd/$g 2>/dev/null)" ] || fail "a dom0 vbd backend"
[ ! -e /sys/class/net/vif$g.0 ] || fail "a vif in dom0"
[ "$(ls /sys/block | grep -c '^loop' || true)" = "$loops0" ] || fail "a loop device in dom0"
# block-list through both toolstacks
$XL block-list dd-guest | tee ours.list
grep -q "^51712 *$dd " ours.list || fail "our block-list: backend domain"
$REF_XL block-list dd-guest | tee ref.list
grep -q "^51712 *$dd " ref.list || fail "Debian's block-list: backend domain"
$XL destroy dd-guest || fail "destroy the guest"
wait_for 10 sh -c "! xenstore-exists $be && ! xenstore-exists $vbe" || fail "backend nodes left in the driver domain"
[ -z "$(xenstore-ls /local/domain/$dd/backend/vbd 2>/dev/null)" ] || { xenstore-ls -f /local/domain/$dd/backend; fail "vbd directory left"; }
$XL destroy dd || fail "destroy the driver domain"
echo "driver domain $dd: backends written there and removed with the guest"
