#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 240
# /etc/xen/xl.conf, read by our xl as by Debian's: output_format="sxp"
# (create -n and list -l print what Debian's xl prints, byte for byte),
# dom0 in list -l, claim_mode (claims' message, a claim that cannot be
# met fails at once and leaves nothing), domid_policy="random", the
# global cpumasks, vif and grant defaults, and the messages: bad values
# warn, an unknown key is a located warning, a syntax error stops every
# command with one located line.
. /xk/lib.sh
CONF=/etc/xen/xl.conf
cp $CONF xl.conf.orig
NAMES=
cleanup() {
    for n in $NAMES; do $XL destroy $n 2>/dev/null || $REF_XL destroy $n 2>/dev/null; done
    cp xl.conf.orig $CONF
}
trap cleanup EXIT
conf() { printf '%s\n' "$@" > $CONF; }
left() { [ "$(dom_count)" = 1 ] || { $REF_XL list; fail "$1: a domain was left"; }; }

printf '%s\n' 'name = "cf-pv"' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 16' 'maxmem = 32' \
    'extra = "xk.mode=sleep"' "ramdisk = \"$XK_GUESTS/xk-pv\"" 'e820_host = 1' 'max_grant_frames = 33' \
    'disk = [ "phy:/dev/loop0,xvdb,r", "format=qcow2,vdev=xvdc,target=/tmp/q.qcow2", "backendtype=qdisk,vdev=xvdd,target=/tmp/r.img" ]' \
    'vif = [ "", "mtu=1400", "vifname=foo,mac=00:16:3e:0a:0b:0c" ]' > pv.cfg
printf '%s\n' 'name = "cf-hvm"' 'type = "hvm"' 'memory = 64' 'vcpus = 2' 'maxvcpus = 3' 'videoram = 16' \
    'shadow_memory = 8' 'viridian = 1' 'nestedhvm = 0' 'stdvga = 1' 'vnc = 1' 'vnclisten = "127.0.0.1"' \
    'serial = "pty"' 'boot = "dc"' 'usb = 1' 'usbdevice = [ "tablet" ]' 'pae = 1' 'hpet = 0' 'keymap = "de"' \
    'sdl = 0' 'tsc_mode = "native"' 'hap = 1' 'firmware_override = "/tmp/fw"' 'pool = "Pool-0"' \
    'disk = [ "/tmp/d.img,raw,xvda,rw", ",raw,hdc,cdrom" ]' \
    'vif = [ "mac=00:16:3e:0a:0b:0c,bridge=br9,model=e1000", "vifname=foo" ]' > hvm.cfg
printf '%s\n' 'name = "cf-min"' 'type = "hvm"' 'memory = 32' > min.cfg
printf '%s\n' 'name = "cf-pvh"' 'type = "pvh"' "kernel = \"$XK_GUESTS/xk-pvh\"" 'memory = 16' > pvh.cfg

step "output_format=sxp: create -n prints Debian's SXP"
conf 'output_format = "sxp"'
for c in pv hvm min; do
    $REF_XL create -n $c.cfg > $c.ref 2> /dev/null || fail "Debian's create -n $c.cfg"
    $XL create -n $c.cfg > $c.our 2> $c.err || { cat $c.err; fail "create -n $c.cfg"; }
    diff -u $c.ref $c.our || fail "create -n $c.cfg: our SXP differs from Debian's"
    echo "$c.cfg: $(wc -l < $c.our) lines as Debian's"
done
# PVH: Debian's xl stops at "(image" (Unknown domain type 3); ours is whole
$XL create -n pvh.cfg > pvh.our 2> /dev/null || fail "create -n pvh.cfg"
grep -q '^		(pvh 0)$' pvh.our && [ "$(tail -n 1 pvh.our)" = ")" ] || { cat pvh.our; fail "PVH SXP"; }

step "output_format=sxp: list -l of dom0 and of a guest Debian's xl made"
printf '%s\n' 'name = "cf-ref"' "kernel = \"$XK_GUESTS/xk-pv\"" \
    'memory = 16' 'extra = "xk.mode=sleep"' > ref.cfg
$REF_XL create -p -q ref.cfg || fail "Debian's create cf-ref"
NAMES="cf-ref"
$REF_XL list -l > list.ref || fail "Debian's list -l"
$XL list -l > list.our || fail "list -l"
diff -u list.ref list.our || fail "list -l: our SXP differs from Debian's"
$XL list -l cf-ref | grep -q "^	(uuid $($REF_XL vm-list | awk '$3 == "cf-ref" { print $1 }'))$" ||
    fail "list -l cf-ref: not the domain's uuid"
echo "list -l: $(grep -c '^(domain' list.our) domains, $(wc -l < list.our) lines as Debian's"
$XL destroy cf-ref || fail "destroy cf-ref"
NAMES=

step "output_format=json: dom0 heads list -l, as in Debian's xl"
conf '# json is the default'
$XL list -l | head -n 12 > j.our
grep -q '"domid": 0' j.our && grep -q '"name": "Domain-0"' j.our || { cat j.our; fail "list -l lacks dom0"; }

step "vif and grant defaults from xl.conf"
conf 'vif.default.bridge = "brx"' 'vif.default.script = "vif-bridge"' 'max_grant_frames = 40' 'max_maptrack_frames = 9'
$XL create -n pv.cfg > d.our 2> /dev/null || fail "create -n with vif defaults"
$REF_XL create -n pv.cfg > d.ref 2> /dev/null || fail "Debian's create -n with vif defaults"
for pat in '"bridge": "brx"' '"script": "vif-bridge"' '"max_maptrack_frames": 9' '"max_grant_frames": 33'; do
    [ "$(grep -c "$pat" d.our)" = "$(grep -c "$pat" d.ref)" ] && grep -q "$pat" d.our ||
        fail "create -n: $pat $(grep -c "$pat" d.our) times, Debian's $(grep -c "$pat" d.ref)"
done
echo "vif defaults: $(grep -c '"bridge": "brx"' d.our) nics bridged to brx as by Debian's xl"

step "claim_mode"
conf 'claim_mode = 0'
$XL claims > c.out 2> c.err || fail "claims"
grep -qx "claim_mode not enabled (see man xl.conf)." c.err || { cat c.err; fail "claims: no message"; }
grep -q '^Domain-0 ' c.out || fail "claims: no table"
conf ''
$XL claims > c.out 2> c.err || fail "claims"
[ -s c.err ] && { cat c.err; fail "claims with claim_mode on: a message"; }
free=$(( $(free_kb) / 1024 ))
big=$(( free + 256 ))
printf '%s\n' 'name = "cf-big"' "kernel = \"$XK_GUESTS/xk-pv\"" "memory = $big" 'extra = "xk.mode=sleep"' > big.cfg
t=$(now)
$XL create -q big.cfg > b.out 2> b.err && { NAMES=cf-big; fail "a $big MiB guest on $free MiB free was created"; }
echo "$(cat b.err) [$(elapsed $t) s]"
grep -q "cannot claim $big MiB for the guest: the host has [0-9]* MiB free" b.err || { cat b.err; fail "claim: the message"; }
[ "$(grep -c . b.err)" = 1 ] || fail "claim: more than one line"
left "claim"

step "autoballoon=\"on\": what the host lacks comes from dom0"
t0=$(/usr/bin/xenstore-read /local/domain/0/memory/target 2>/dev/null || echo 1048576)
conf 'autoballoon = "on"'
t=$(now)
$XL create -q big.cfg 2> ab.err || { cat ab.err; fail "a $big MiB guest with autoballoon on"; }
NAMES=cf-big
echo "created $big MiB with $free MiB free in $(elapsed $t) s; dom0's target $t0 -> $(/usr/bin/xenstore-read /local/domain/0/memory/target) KiB"
[ "$(/usr/bin/xenstore-read /local/domain/0/memory/target)" -lt "$t0" ] || fail "dom0's target did not go down"
$XL destroy cf-big || fail "destroy cf-big"
NAMES=
huge=$(( free + 1200 ))
sed -i "s/^memory = .*/memory = $huge/" big.cfg
$XL create -q big.cfg 2> hu.err && { NAMES=cf-big; fail "a $huge MiB guest would leave dom0 nothing"; }
cat hu.err
grep -q "autoballoon would take [0-9]* MiB from dom0, which has [0-9]* MiB and keeps at least 128 MiB" hu.err ||
    fail "autoballoon: the floor's message"
/usr/bin/xenstore-write /local/domain/0/memory/target "$t0"
left "autoballoon"

step "domid_policy=random"
conf 'domid_policy = "random"'
ids=
for i in 1 2; do
    printf '%s\n' "name = \"cf-r$i\"" "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 16' 'extra = "xk.mode=sleep"' > r$i.cfg
    $XL create -p -q r$i.cfg || fail "create cf-r$i"
    NAMES="$NAMES cf-r$i"
    ids="$ids $(domid_of cf-r$i)"
done
echo "random domids:$ids"
set -- $ids
[ $1 -gt 100 ] || [ $2 -gt 100 ] || fail "domids $ids: not random (both below 101)"
for n in $NAMES; do $XL destroy $n || fail "destroy $n"; done
NAMES=

step "vm.pv.cpumask narrows a pinned guest's hard affinity"
conf 'vm.pv.cpumask = "1"'
printf '%s\n' 'name = "cf-m"' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 16' 'extra = "xk.mode=sleep"' 'cpus = "0-1"' > m.cfg
$XL create -p -q m.cfg || fail "create cf-m"
NAMES=cf-m
hard=$($REF_XL vcpu-list cf-m | awk 'NR == 2 { print $7 }')
[ "$hard" = 1 ] || { $REF_XL vcpu-list cf-m; fail "cf-m: hard affinity $hard, not 1"; }
$XL destroy cf-m || fail "destroy cf-m"
NAMES=
sed -i 's/^cpus = .*/cpus = "0"/' m.cfg
$XL create -q m.cfg > m.out 2> m.err && { NAMES=cf-m; fail "cpus=0 with vm.pv.cpumask=1 was created"; }
grep -q "hard affinity map is empty" m.err || { cat m.err; fail "cpumask: the message"; }
echo "$(cat m.err)"
left "cpumask"

step "messages: bad values and unknown keys warn, a syntax error stops"
conf 'output_format = "bogus"' 'colour = "blue"' 'defaultbridge = "br0"'
$XL list > l.out 2> l.err || { cat l.err; fail "list with warnings in xl.conf"; }
cat l.err
grep -q "^$CONF:1:17: warning: invalid default output format \"bogus\"" l.err || fail "bad value: the message"
grep -q "^$CONF:2:1: warning: 'colour' is not an xl.conf setting" l.err || fail "unknown key: the message"
grep -q "^$CONF:3:1: warning: the global config option defaultbridge is deprecated, please switch to vif.default.bridge" l.err ||
    fail "deprecated key: the message"
conf 'claim_mode = = 1'
$XL list > l.out 2> l.err && fail "list with a broken xl.conf succeeded"
rc=$?
$REF_XL list > /dev/null 2>&1; ref=$?
cat l.err
[ $rc = $ref ] || fail "broken xl.conf: rc $rc, Debian's $ref"
[ "$(grep -c . l.err)" = 1 ] && grep -q "^$CONF:1:14: " l.err || fail "broken xl.conf: not one located line"
