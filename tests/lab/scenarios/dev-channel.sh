#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 240
# channel= (named consoles served by QEMU, to a pty or a UNIX socket in
# dom0), ours against Debian's xl: the same nodes and permissions for a
# socket channel and the same QEMU chardevs; QEMU takes our channels up
# (backend state 2, a pty channel's tty written, the socket listening),
# for a PV, a PVH and an HVM guest; channel-list agrees with Debian's on our
# guest; bad specs are located errors; destroy leaves nothing. Debian's
# xl 4.17 numbers channels from 0 and loses the first one of a PV guest
# to the primary console ("Primary console has invalid configuration"):
# ours are 1, 2, ..., so Debian's channel 1 is compared with our 2.
. /xk/lib.sh
PATH=$REF_BIN:$PATH
NAMES=
cleanup() { for n in $NAMES; do $XL destroy $n 2>/dev/null; $REF_XL destroy $n 2>/dev/null; done; }
trap cleanup EXIT
dev_baseline
# cnodes D N: console N of domain D, its numbers written D and N
cnodes() {
    local d=$1 n=$2 p
    for p in /local/domain/$d/device/console/$n /local/domain/0/backend/console/$d/$n /libxl/$d/device/console/$n; do
        xenstore-ls -p -f "$p" 2>/dev/null |
            sed -E "s#(/local/domain|/libxl|/backend/console)/$d(/| )#\\1/D\\2#g; s#/console/D/$n#/console/D/N#g;
                s#/console/$n([/ \"])#/console/N\\1#g; s|-id = \"$d\"|-id = \"D\"|;
                s|([(,][nrwb])$d([,)])|\\1D\\2|g; s|\"[ .]+\\(|\" (|"
    done | grep -v '/tty = \|hotplug-status' | sort
}
# chardevs D: the libxl-channel chardevs of domain D's QEMU
chardevs() {
    local c a
    for c in /proc/[0-9]*/cmdline; do
        mapfile -d '' -t a < "$c" 2>/dev/null || continue
        [[ " ${a[*]} " == *" -xen-domid $1 "* ]] || continue
        printf '%s\n' "${a[@]}" | grep '^pty,id=libxl-channel\|^socket,id=libxl-channel'
    done
}
cfg() { printf '%s\n' "name = \"$1\"" "type = \"$2\"" "kernel = \"$XK_GUESTS/xk-$2\"" 'memory = 16' \
    'extra = "xk.mode=sleep"' 'tsc_mode = "native"' \
    "channel = [ 'name=org.test.pty,connection=pty', 'name=org.test.sock,connection=socket,path=$PWD/$1.sock' ]" > $1.cfg; }

step "a PV guest's channels: Debian's and ours"
cfg ch-ref pv; cfg ch-our pv
sed -i "s|$PWD/ch-ref.sock|$PWD/ch.sock|" ch-ref.cfg; sed -i "s|$PWD/ch-our.sock|$PWD/ch.sock|" ch-our.cfg
$REF_XL create -q ch-ref.cfg 2> ref.err || { cat ref.err; fail "Debian's create"; }
cat ref.err
NAMES=ch-ref
R=$(domid_of ch-ref)
wait_for 10 test -S ch.sock || fail "Debian's QEMU made no socket"
cnodes $R 1 > ref.nodes
chardevs $R > ref.chardevs
$REF_XL destroy ch-ref
wait_for 10 sh -c "! test -S ch.sock" || rm -f ch.sock
$XL create -q ch-our.cfg || fail "our create with channels"
NAMES="$NAMES ch-our"
O=$(domid_of ch-our)
cnodes $O 2 > our.nodes
diff -u ref.nodes our.nodes || fail "our socket channel's nodes differ from Debian's"
echo "socket channel: the same $(wc -l < our.nodes) nodes and permissions as Debian's xl"
chardevs $O > our.chardevs
diff -u ref.chardevs our.chardevs || fail "QEMU's chardevs differ"
cat our.chardevs

step "QEMU serves both of ours"
for n in 1 2; do
    [ "$(xenstore-read /local/domain/0/backend/console/$O/$n/state)" = 2 ] || fail "channel $n: backend not up"
done
tty=$(xenstore-read /local/domain/$O/device/console/1/tty) || fail "no tty node"
[ -c "$tty" ] || fail "the pty channel's tty '$tty' is not a character device"
test -S ch.sock || fail "no socket at ch.sock"
echo "pty channel on $tty, socket channel at ch.sock"
$REF_XL channel-list ch-our > ref.list; $XL channel-list ch-our > our.list
diff -u ref.list our.list || fail "channel-list differs from Debian's on our guest"
cat our.list
$XL list -l ch-our | grep -q '"name": "org.test.sock"' || fail "the saved config lacks the channels"
$XL destroy ch-our || fail "destroy"
test -S ch.sock && echo "NOTE: QEMU left its socket file (as Debian's does)" && rm -f ch.sock

step "a PVH guest's channel"
cfg chh pvh
$XL create -q chh.cfg || fail "create a PVH guest with channels"
NAMES="$NAMES chh"
H=$(domid_of chh)
wait_for 10 test -S chh.sock || fail "no socket for the PVH guest"
[ "$(xenstore-read /local/domain/0/backend/console/$H/2/state)" = 2 ] || fail "PVH channel not up"
$XL destroy chh || fail "destroy chh"
rm -f chh.sock

step "an HVM guest's channels (its QEMU has their chardevs)"
printf '%s\n' 'name = "chv"' 'type = "hvm"' "firmware_override = \"$XK_GUESTS/xk-hvm\"" 'memory = 32' \
    'tsc_mode = "native"' 'on_poweroff = "preserve"' "channel = [ 'name=org.a,connection=pty', 'name=org.b,connection=socket,path=$PWD/chv.sock' ]" > chv.cfg
$XL create -q chv.cfg || fail "create an HVM guest with channels"
NAMES="$NAMES chv"
V=$(domid_of chv)
wait_for 10 test -S chv.sock || fail "no socket for the HVM guest"
for n in 1 2; do
    wait_for 10 sh -c "[ \"\$(xenstore-read /local/domain/0/backend/console/$V/$n/state)\" = 2 ]" ||
        fail "HVM channel $n not up"
done
chardevs $V
$XL destroy chv || fail "destroy chv"
rm -f chv.sock

step "bad channel specs"
for spec in "name=x" "connection=pty" "name=x,connection=socket" "name=x,connection=bad" \
    "name=x,connection=pty,path=/tmp/p" "name=x,connection=pty,colour=red" "name=x,connection=pty,devid=0"; do
    printf '%s\n' 'name = "chb"' 'type = "pv"' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 16' \
        "channel = [ '$spec' ]" > bad.cfg
    $XL create -q bad.cfg > /dev/null 2> e.err && fail "channel '$spec' accepted"
    grep -q "^bad.cfg:5:[0-9]*: channel spec" e.err || { cat e.err; fail "'$spec': no located error"; }
    echo "$(cat e.err)"
done
dev_clean "channel guests" $R $O $H $V
echo ok
