#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 600
# Vifs under our xl, put on a bridge in-process (netlink, no script): the
# Linux test guest on xenbr0 (10.0.0.1/24 in dom0) pings dom0 and dom0
# pings it; its netdev vifD.0 is enslaved to xenbr0 and its MAC is from
# Xen's OUI; a second guest with vifname=, mtu= and mac= gets exactly
# those and pings the first (guest to guest). After destroy no vif, node
# or state file is left.
. /xk/lib.sh
# inspect xenstore with Debian's tools (the reference), not ours
PATH=$REF_BIN:$PATH

[ -r "$XK_LINUX/vmlinuz" ] || skip "no Linux guest kernel in the lab"
dev_baseline
bridge_up xenbr0 10.0.0.1/24

# start NAME: our xl creates NAME.cfg; D is its domid
start() {
    $XL create -q "$1.cfg" || fail "create $1"
    D=$($XL domid "$1") || fail "no domid for $1 after create"
}
marker() {
    local l
    l=$(wait_console "$1" "$2" "${3:-120}") || { echo "$l" >&2; fail "$1: no $2 on its console"; }
    l=${l#*"$2"}
    echo "${l# }"
}
# guest_mac NAME: the MAC the guest's eth0 reported (XK-NET-UP ... mac=)
guest_mac() { marker "$1" XK-NET-UP | sed -n 's/.* mac=\([^ ]*\).*/\1/p'; }
# on_bridge DEV: DEV is a port of xenbr0
on_bridge() { [ "$(basename "$(readlink "/sys/class/net/$1/master" 2>/dev/null)")" = xenbr0 ]; }

step "a guest on xenbr0: it pings dom0, dom0 pings it"
linux_cfg vif-a pv "xk.ip=10.0.0.2/24 xk.ping=10.0.0.1 xk.mode=wait" "vif = [ 'bridge=xenbr0' ]"
start vif-a; A=$D
marker vif-a XK-NET-UP
wait_console vif-a "XK-PING-OK 10.0.0.1" 60 || fail "vif-a cannot ping dom0"
wait_for 10 test -e /sys/class/net/vif$A.0 || { vifs; fail "no vif$A.0 in dom0"; }
on_bridge vif$A.0 || fail "vif$A.0 is not enslaved to xenbr0"
pings 10.0.0.2 || fail "dom0 cannot ping vif-a"
be=/local/domain/0/backend/vif/$A/0
xenstore-exists "$be" || { xenstore-ls -f /local/domain/0/backend; fail "no $be"; }
mac=$(xenstore-read "$be/mac")
echo "vif-a: backend bridge=$(xenstore-read "$be/bridge" 2>/dev/null) mac=$mac state=$(xenstore-read "$be/state")"
case $mac in 00:16:3e:*) ;; *) fail "vif-a's MAC $mac is not from Xen's OUI 00:16:3e" ;; esac
gm=$(guest_mac vif-a)
[ "$gm" = "$mac" ] || fail "the guest's eth0 has MAC $gm, xenstore says $mac"
$XL network-list vif-a
[ "$($XL network-list vif-a | awk 'NR > 1 { print $1 "," $3 }')" = "0,$mac" ] ||
    fail "network-list: not one row 0 with $mac"

step "a second guest: vifname=, mtu=, mac= honoured; it pings the first"
linux_cfg vif-b pv "xk.ip=10.0.0.3/24 xk.ping=10.0.0.2 xk.mode=wait" \
    "vif = [ 'bridge=xenbr0,vifname=xkvifb,mtu=1400,mac=00:16:3e:0a:0b:0c' ]"
start vif-b; B=$D
marker vif-b XK-NET-UP
wait_console vif-b "XK-PING-OK 10.0.0.2" 60 || fail "vif-b cannot ping vif-a (guest to guest)"
[ -e /sys/class/net/xkvifb ] || { vifs; fail "no netdev xkvifb (vifname=)"; }
[ ! -e /sys/class/net/vif$B.0 ] || fail "vif$B.0 exists beside xkvifb"
on_bridge xkvifb || fail "xkvifb is not enslaved to xenbr0"
[ "$(cat /sys/class/net/xkvifb/mtu)" = 1400 ] || fail "xkvifb has MTU $(cat /sys/class/net/xkvifb/mtu), not 1400"
gm=$(guest_mac vif-b)
[ "$gm" = 00:16:3e:0a:0b:0c ] || fail "vif-b's eth0 has MAC $gm, not 00:16:3e:0a:0b:0c"
echo "vif-b: guest MTU $(marker vif-b XK-NET-UP | sed -n 's/.* mtu=\([^ ]*\).*/\1/p'), dom0 side 1400"
pings 10.0.0.3 || fail "dom0 cannot ping vif-b"

step "destroy: no vif, node or state left"
$XL destroy vif-b || fail "destroy vif-b"
$XL destroy vif-a || fail "destroy vif-a"
dev_clean "vifs" "$A" "$B"
[ -z "$(ls /sys/class/net/xenbr0/brif 2>/dev/null)" ] || fail "ports left on xenbr0: $(ls /sys/class/net/xenbr0/brif)"
echo "dev-vif: all passed"
