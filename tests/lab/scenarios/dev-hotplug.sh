#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 600
# Hot attach and detach under our xl, seen from inside the Linux test guest
# (xk.watch=1 reports XK-DEV-ADD/XK-DEV-DEL): block-attach of a raw file
# gives the running guest xvdb, block-list shows xvda and xvdb (51712,
# 51728), block-detach by name and by number takes it away and releases
# its loop device; network-attach gives eth1 on xenbr0, network-list shows
# both vifs, network-detach by index and by MAC takes it away with its
# netdev. Destroy then leaves nothing.
. /xk/lib.sh
# inspect xenstore with Debian's tools (the reference), not ours
PATH=$REF_BIN:$PATH

[ -r "$XK_LINUX/vmlinuz" ] || skip "no Linux guest kernel in the lab"
[ -r "$XK_IMAGES/data.img" ] || fail "no $XK_IMAGES/data.img (tests/lab/lab builds it)"
dev_baseline
bridge_up xenbr0 10.0.0.1/24
cp "$XK_IMAGES/data.img" a.img
cp "$XK_IMAGES/data.img" b.img
G=hotplug
LOG=$(console_log $G)

# seen PATTERN N: the guest's console has had PATTERN N times (within 30 s)
at_least() { [ "$(grep -c "$1" "$LOG" 2>/dev/null)" -ge "$2" ]; }
seen() {
    wait_for 30 at_least "$1" "$2" && return 0
    tail -n 20 "$LOG"
    fail "the guest did not report '$1' (${2}x) in 30 s"
}
loop_of() { loops | awk -v f="$(readlink -f "$1")" '$2 == f { print $1; exit }'; }
unbound() { [ -z "$(loop_of "$1")" ]; }
rows() { "$@" | awk 'NR > 1 { print $1 }' | tr '\n' ' '; }

linux_cfg $G pv "xk.watch=1 xk.mode=wait" \
    "disk = [ 'format=raw,vdev=xvda,access=rw,target=$PWD/a.img' ]" "vif = [ 'bridge=xenbr0' ]"
$XL create -q $G.cfg || fail "create $G"
D=$($XL domid $G) || fail "domid $G"
wait_console $G XK-LINUX-UP 120 || fail "no XK-LINUX-UP"
seen "XK-DEV-.* xvda" 1
seen "XK-DEV-.* eth0" 1

step "block-attach xvdb, block-list, block-detach by name"
$XL block-attach $G "format=raw,vdev=xvdb,access=rw,target=$PWD/b.img" || fail "block-attach"
seen "XK-DEV-ADD xvdb" 1
l=$(loop_of b.img)
[ -n "$l" ] || { loops; fail "no loop device bound to b.img after block-attach"; }
xenstore-exists /local/domain/0/backend/vbd/$D/51728 || fail "no backend vbd/$D/51728"
$XL block-list $G
[ "$(rows $XL block-list $G)" = "51712 51728 " ] || fail "block-list: not rows 51712 51728"
$XL block-detach $G xvdb || fail "block-detach xvdb"
seen "XK-DEV-DEL xvdb" 1
wait_for 10 unbound b.img || fail "$l (b.img) still bound after block-detach"
! xenstore-exists /local/domain/0/backend/vbd/$D/51728 || fail "backend vbd/$D/51728 left after block-detach"
! xenstore-exists /local/domain/$D/device/vbd/51728 || fail "frontend vbd/51728 left after block-detach"
[ "$(rows $XL block-list $G)" = "51712 " ] || fail "block-list after detach: not row 51712 alone"
[ -n "$(loop_of a.img)" ] || fail "detaching xvdb released xvda's loop device"

step "again, read-only, detached by number (51728)"
$XL block-attach $G "format=raw,vdev=xvdb,access=ro,target=$PWD/b.img" || fail "block-attach again"
seen "XK-DEV-ADD xvdb" 2
l=$(loop_of b.img)
[ -n "$l" ] && [ "$(cat /sys/block/$l/ro)" = 1 ] || fail "b.img attached ro is not on a read-only loop device"
$XL block-detach $G 51728 || fail "block-detach 51728"
seen "XK-DEV-DEL xvdb" 2
wait_for 10 unbound b.img || fail "b.img still on a loop device after the second detach"

step "network-attach eth1, network-list, network-detach by index"
$XL network-attach $G bridge=xenbr0 || fail "network-attach"
seen "XK-DEV-ADD eth1" 1
wait_for 10 test -e /sys/class/net/vif$D.1 || { vifs; fail "no vif$D.1 after network-attach"; }
[ "$(basename "$(readlink /sys/class/net/vif$D.1/master)")" = xenbr0 ] || fail "vif$D.1 not on xenbr0"
$XL network-list $G
[ "$(rows $XL network-list $G)" = "0 1 " ] || fail "network-list: not rows 0 1"
$XL network-detach $G 1 || fail "network-detach 1"
seen "XK-DEV-DEL eth1" 1
wait_for 10 sh -c "[ ! -e /sys/class/net/vif$D.1 ]" || fail "vif$D.1 left after network-detach"
! xenstore-exists /local/domain/0/backend/vif/$D/1 || fail "backend vif/$D/1 left after network-detach"
[ "$(rows $XL network-list $G)" = "0 " ] || fail "network-list after detach: not row 0 alone"
[ -e /sys/class/net/vif$D.0 ] || fail "detaching vif 1 took vif$D.0 too"

step "again with mac=, detached by MAC"
mac=00:16:3e:00:00:42
$XL network-attach $G bridge=xenbr0 mac=$mac || fail "network-attach mac=$mac"
seen "XK-DEV-ADD eth1" 2
$XL network-list $G | grep -qi "$mac" || fail "network-list does not show $mac"
$XL network-detach $G $mac || fail "network-detach $mac"
seen "XK-DEV-DEL eth1" 2

step "without bridge=: xl.conf's vif.default.bridge, as with Xen's xl"
ip link add xkbr9 type bridge stp_state 0 forward_delay 0 && ip link set xkbr9 up || fail "bridge xkbr9"
printf 'vif.default.bridge = "xkbr9"\n' > xl.conf
XKIT_XL_CONF=$PWD/xl.conf $XL network-attach $G || { ip link del xkbr9; fail "network-attach without bridge="; }
seen "XK-DEV-ADD eth1" 3
wait_for 10 test -e /sys/class/net/vif$D.1 || { vifs; fail "no vif$D.1"; }
br=$(basename "$(readlink /sys/class/net/vif$D.1/master)")
$XL network-detach $G 1 || fail "network-detach 1"
seen "XK-DEV-DEL eth1" 3
ip link del xkbr9
[ "$br" = xkbr9 ] || fail "vif$D.1 on $br, not xl.conf's xkbr9"

step "destroy: nothing left"
$XL destroy $G || fail "destroy"
dev_clean "hotplug guest" "$D"
echo "dev-hotplug: all passed"
