#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 600
# Disks and vifs across toolstacks. Ours creates a guest with a raw-file
# disk and a vif on xenbr0: Debian's xl lists it, its disk and its vif,
# and destroys it leaving no xenstore node and no vif (Debian's xl does not
# know our in-process loop devices: one it leaves is printed and released,
# not failed). Debian's xl creates a guest with a phy: disk (a loop device
# the scenario made; its block script checks it and writes
# physical-device) and a vif (its vif-bridge script): ours lists them and
# destroys it leaving nothing.
. /xk/lib.sh
# inspect xenstore with Debian's tools (the reference), not ours
PATH=$REF_BIN:$PATH

[ -r "$XK_LINUX/vmlinuz" ] || skip "no Linux guest kernel in the lab"
[ -r "$XK_IMAGES/data.img" ] || fail "no $XK_IMAGES/data.img (tests/lab/lab builds it)"
dev_baseline
bridge_up xenbr0 10.0.0.1/24
gone() { ! $REF_XL domid "$1" >/dev/null 2>&1; }
rows() { "$@" | awk 'NR > 1 { print $1 }' | tr '\n' ' '; }

step "ours creates (file disk + vif); Debian's xl lists it, its disk and vif"
cp "$XK_IMAGES/data.img" ours.img
linux_cfg io-ours pv "xk.mount=xvda xk.ip=10.0.0.2/24 xk.ping=10.0.0.1 xk.mode=wait" \
    "disk = [ 'format=raw,vdev=xvda,access=rw,target=$PWD/ours.img' ]" "vif = [ 'bridge=xenbr0' ]"
$XL create -q io-ours.cfg || fail "our create"
D=$($XL domid io-ours) || fail "domid"
wait_console io-ours "XK-DISK-READ hello from dom0" 120 || fail "io-ours did not read its disk"
wait_console io-ours "XK-PING-OK" 60 || fail "io-ours cannot ping dom0"
$REF_XL list io-ours | grep -q '^io-ours ' || fail "Debian's list misses io-ours"
$REF_XL block-list io-ours || fail "Debian's block-list failed"
[ "$(rows $REF_XL block-list io-ours)" = "51712 " ] || fail "Debian's block-list: not one row 51712"
$REF_XL network-list io-ours || fail "Debian's network-list failed"
[ "$(rows $REF_XL network-list io-ours)" = "0 " ] || fail "Debian's network-list: not one row 0"
mac=$(xenstore-read /local/domain/0/backend/vif/$D/0/mac)
$REF_XL network-list io-ours | grep -qi "$mac" || fail "Debian's network-list does not show $mac"

step "Debian's xl destroys our guest"
$REF_XL destroy io-ours || fail "Debian's destroy"
gone io-ours || fail "io-ours still there"
wait_for 10 dev_none "$D"
left=$(dev_left "$D")
[ -z "$left" ] || { echo "left after Debian's destroy of our guest:"; sed 's/^/  /' <<< "$left"; }
for l in $(new_lines "$BASE_LOOPS" "$(loops)" | awk '{ print $1 }'); do
    echo "NOTE: Debian's xl left /dev/$l ($(cat /sys/block/$l/loop/backing_file)): releasing it"
    losetup -d "/dev/$l"
done
for f in $(new_lines "$BASE_STATE" "$(state_files)"); do
    echo "NOTE: our state file $f is left (Debian's xl does not know it): removing it"
    rm -f "/var/lib/xkit/$f"
done
printf '%s\n' "$left" | grep -E '^(node|vif|qemu):' && fail "Debian's destroy of our guest left nodes, vifs or QEMU"

step "Debian's xl creates (phy: disk on our loop device + vif); ours lists it"
cp "$XK_IMAGES/data.img" ref.img
pl=$(losetup -f --show "$PWD/ref.img") || fail "losetup ref.img"
dev_baseline      # the scenario's loop device is its own
linux_cfg io-ref pv "xk.mount=xvda xk.ip=10.0.0.3/24 xk.ping=10.0.0.1 xk.mode=wait" \
    "disk = [ 'phy:$pl,xvda,w' ]" "vif = [ 'bridge=xenbr0' ]"
$REF_XL create -q io-ref.cfg || { tail -n 20 /var/log/xen/xen-hotplug.log 2>/dev/null; fail "Debian's create"; }
R=$($REF_XL domid io-ref)
wait_console io-ref "XK-DISK-READ hello from dom0" 120 || fail "io-ref did not read its disk"
wait_console io-ref "XK-PING-OK" 60 || fail "io-ref cannot ping dom0 (Debian's vif-bridge)"
echo "Debian's block script wrote physical-device=$(xenstore-read /local/domain/0/backend/vbd/$R/51712/physical-device)"
$XL list io-ref | grep -q '^io-ref ' || fail "our list misses io-ref"
$XL block-list io-ref || fail "our block-list failed"
[ "$(rows $XL block-list io-ref)" = "51712 " ] || fail "our block-list: not one row 51712"
$XL network-list io-ref || fail "our network-list failed"
[ "$(rows $XL network-list io-ref)" = "0 " ] || fail "our network-list: not one row 0"
mac=$(xenstore-read /local/domain/0/backend/vif/$R/0/mac)
$XL network-list io-ref | grep -qi "$mac" || fail "our network-list does not show $mac"

step "ours destroys Debian's guest: nothing left, the scenario's loop untouched"
$XL destroy io-ref || fail "our destroy"
gone io-ref || fail "io-ref still there"
dev_clean "our destroy of Debian's guest" "$R"
[ -e "/sys/block/${pl#/dev/}/loop" ] || fail "$pl was released: it is the scenario's, not the guest's"
losetup -d "$pl" || fail "losetup -d $pl"
echo "dev-interop: all passed"
