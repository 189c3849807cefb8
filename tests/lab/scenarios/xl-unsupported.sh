#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 180
# Nothing parsed is silently dropped: a config with pci=, vfb=, usbctrl= (or
# any key create cannot act on; disk= and vif= are acted on: dev-*) makes our
# create fail with one message naming the key, and leaves nothing behind;
# xl create -n still prints the parsed configuration. nestedhvm=1 on a PVH
# guest is acted on: ours does what Debian's xl does with it (on this
# emulated CPU both refuse it, or both run it).
. /xk/lib.sh
XL=${XL:-/usr/local/sbin/xl}
REF_XL=${REF_XL:-xl}
dom0=$(dom_count)

base() {   # NAME TYPE
    local tsc=
    [ "$2" = pvh ] && tsc='tsc_mode = "native"'
    printf '%s\n' "name = \"$1\"" "type = \"$2\"" "kernel = \"$XK_GUESTS/xk-$2\"" 'memory = 32' \
        'extra = "xk.mode=sleep"' "$tsc"
}

# refused KEY LINE: create fails naming KEY, create -n prints it, nothing left
refused() {
    local key=$1 line=$2
    { base "un-$key" pv; echo "$line"; } > "un-$key.cfg"
    $XL create -n "un-$key.cfg" > dry.json 2> dry.err || fail "create -n of $key: $(cat dry.err)"
    grep -q '"name": "un-'"$key"'"' dry.json || fail "create -n of $key printed no config"
    if $XL create "un-$key.cfg" > out 2> err; then
        $XL destroy "un-$key"; fail "create with $key= succeeded (the setting would be dropped)"
    fi
    echo "$key: $(tail -n 1 err)"
    [ "$(grep -c . err | tr -d ' ')" -le 2 ] || { cat err; fail "$key: more than one error line"; }
    grep -q "'$key' is not supported yet" err || { cat err; fail "$key: the message does not name the key"; }
    domid_of "un-$key" >/dev/null && fail "$key: a domain was left"
    [ "$(dom_count)" = "$dom0" ] || fail "$key: domains left"
    [ -z "$(ls /var/lib/xkit 2>/dev/null | grep '\.json$')" ] || fail "$key: state file left"
}

refused pci "pci = [ '00:1f.0' ]"
refused vfb "vfb = [ 'vnc=1' ]"
refused usbctrl "usbctrl = [ 'version=2,ports=4' ]"

step "nestedhvm=1 on PVH: ours as Debian's"
{ base nest-ref pvh; echo 'nestedhvm = 1'; } > nest-ref.cfg
{ base nest-xk pvh; echo 'nestedhvm = 1'; } > nest-xk.cfg
# paused, one after the other: Xen accepts or refuses the flag at create,
# and two nested-HVM guests running at once on this emulated CPU once hung
# the whole lab (CI, stop 24)
$REF_XL create -p nest-ref.cfg > ref.out 2>&1; ref=$?
echo "Debian's xl: rc $ref: $(tail -n 1 ref.out)"
[ $ref = 0 ] && $REF_XL destroy nest-ref
$XL create -p nest-xk.cfg > xk.out 2>&1; xk=$?
echo "ours: rc $xk: $(tail -n 1 xk.out)"
[ $xk = 0 ] && $XL destroy nest-xk
if [ $((ref == 0)) != $((xk == 0)) ]; then
    fail "nestedhvm: Debian's xl rc $ref, ours rc $xk"
fi
# without nestedhvm ours runs the same guest: the difference is the flag
{ base nest-off pvh; } > nest-off.cfg
$XL create nest-off.cfg || fail "the same PVH guest without nestedhvm"
$XL destroy nest-off
[ "$(dom_count)" = "$dom0" ] || fail "domains left"
step "shadow_memory on PVH sizes its HAP pool: the guest boots with it"
{ base shadow pvh; echo 'shadow_memory = 8'; } > shadow.cfg
$XL create shadow.cfg || fail "PVH with shadow_memory"
wait_console shadow "XK-GUEST-SLEEP" 30 || fail "PVH with shadow_memory: no marker"
$XL destroy shadow
refused shadow_memory "shadow_memory = 8"   # PV: nothing uses it yet
[ "$(dom_count)" = "$dom0" ] || fail "domains left"
echo "unsupported keys refused by name; nestedhvm and shadow_memory acted on"
