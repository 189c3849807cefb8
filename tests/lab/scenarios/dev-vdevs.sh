#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 300
# Keyboards (vkb), TPMs (vtpm), displays (vdispl) and sound cards (vsnd),
# ours against Debian's xl on twin guests: vkb-attach, vtpm-attach,
# vdispl-attach and vsnd-attach write the same nodes with the same
# permissions (frontend, backend, libxl's record), vkb-list, vtpm-list,
# vdispl-list and vsnd-list agree, the detaches (a TPM by number and by
# UUID) take them away, and vkb= / vtpm= / vdispl= / vsnd= in xl.cfg give
# a new guest the same devices. No vTPM domain, display or sound backend
# runs here: the scenario plays the backend (state 2
# InitWait on attach, 6 Closed on close), as theirs would. Without one,
# our vtpm-attach fails after 10 s naming the device and leaves no node
# (Debian's leaves its nodes behind). Bad specs are one error each.
. /xk/lib.sh
PATH=$REF_BIN:$PATH
XR=/usr/bin/xenstore-read; XW=/usr/bin/xenstore-write
NAMES=
cleanup() { for n in $NAMES; do $XL destroy $n 2>/dev/null; $REF_XL destroy $n 2>/dev/null; done; }
trap cleanup EXIT
dev_baseline

# be up|down KIND DOMID DEVID: play the backend of one device in the
# background: up answers Initialising (1) with InitWait (2), down answers
# Closing (5) with Closed (6); each gives up after 20 s
be() {
    local p=/local/domain/0/backend/$2/$3/$4 want=1 to=2 s t0=$SECONDS
    [ $1 = down ] && { want=5; to=6; }
    while ((SECONDS - t0 < 20)); do
        s=$($XR $p/state 2>/dev/null) && [ "$s" = $want ] && { $XW $p/state $to; return; }
        sleep 0.1
    done
}
# nodes D: the devices' nodes of domain D, its id written "D" (in paths,
# the -id nodes and permissions), sorted
nodes() {
    local d=$1 p
    for p in /local/domain/$d/device/{vkbd,vtpm,vdispl,vsnd} /libxl/$d/device/{vkbd,vtpm,vdispl,vsnd} \
        /local/domain/0/backend/{vkbd,vinput,vtpm,vdispl,vsnd}/$d; do
        xenstore-ls -p -f "$p" 2>/dev/null |
            sed -E "s#(/local/domain|/libxl|/backend/[a-z]+)/$d(/| )#\\1/D\\2#g; s|-id = \"$d\"|-id = \"D\"|;
                s|([(,][nrwb])$d([,)])|\\1D\\2|g; s|\"[ .]+\\(|\" (|"
    done | sort
}
guest() { printf '%s\n' "name = \"$1\"" 'type = "pv"' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 16' \
    'extra = "xk.mode=sleep"' "${@:2}" > $1.cfg; }

step "twin guests: the same attaches by Debian's xl and ours"
guest vk-ref; guest vk-our
$REF_XL create -p -q vk-ref.cfg || fail "Debian's create"
$XL create -p -q vk-our.cfg || fail "our create"
NAMES="vk-ref vk-our"
R=$(domid_of vk-ref); O=$(domid_of vk-our)
U=12345678-1234-1234-1234-123456789abc
for t in "ref $REF_XL $R" "our $XL $O"; do
    set -- $t
    $2 vkb-attach vk-$1 backend-type=linux unique-id=KB1 feature-disable-keyboard=1 width=800 \
        height=600 multi-touch-width=100 multi-touch-height=50 multi-touch-num-contacts=3 \
        feature-abs-pointer=1 feature-raw-pointer=1 || fail "$1 vkb-attach (linux)"
    $2 vkb-attach vk-$1 backend-type=qemu feature-disable-pointer=1 || fail "$1 vkb-attach (qemu)"
    be up vtpm $3 0 &
    $2 vtpm-attach vk-$1 uuid=$U backend=0 || fail "$1 vtpm-attach"
    wait
    be up vdispl $3 0 &
    $2 vdispl-attach vk-$1 backend=0 be-alloc=1 'connectors=id0:1920x1080;id1:800x600' ||
        fail "$1 vdispl-attach"
    wait
    be up vsnd $3 0 &
    $2 vsnd-attach vk-$1 'card,short-name=SN,long-name=LN,sample-rates=8000;44100,sample-formats=s16_le,buffer-size=65536,channels-min=1,channels-max=2' \
        'pcm,name=P0,sample-rates=48000' 'stream,unique-id=S0,type=p,buffer-size=4096' 'stream,unique-id=S1,type=c' \
        'pcm,name=P1' 'stream,unique-id=S2,type=p,sample-formats=u8;s16_le' || fail "$1 vsnd-attach"
    wait
    nodes $3 > $1.nodes
done
diff -u ref.nodes our.nodes || fail "our vkb/vtpm nodes differ from Debian's xl's"
echo "same $(wc -l < our.nodes) nodes and permissions as Debian's xl"
for c in vkb-list vtpm-list vdispl-list vsnd-list; do
    $REF_XL $c vk-ref | sed "s|/$R/|/D/|g; s|handle: $R,|handle: D,|" > ref.list
    $XL $c vk-our | sed "s|/$O/|/D/|g; s|handle: $O,|handle: D,|" > our.list
    diff -u ref.list our.list || fail "$c differs"
    cat our.list
done
$XL list -l vk-our > our.json
grep -q '"vkbs"' our.json && grep -q "\"uuid\": \"$U\"" our.json ||
    fail "the saved configuration misses the attached devices"

step "detach: vtpm by UUID, vkb, vdispl and vsnd by number; nothing left of them"
be down vsnd $O 0 &
$XL vsnd-detach vk-our 0 || fail "vsnd-detach"
wait
be down vdispl $O 0 &
$XL vdispl-detach vk-our 0 || fail "vdispl-detach"
wait
be down vtpm $O 0 &
$XL vtpm-detach vk-our $U || fail "vtpm-detach by uuid"
wait
t0=$(now)
$XL vkb-detach vk-our 1 || fail "vkb-detach 1 (a backend that never came: no wait)"
echo "vkb-detach of a device no backend took: $(elapsed $t0)s"
be up vinput $O 0       # a backend takes keyboard 0 up: its detach waits for it
be down vinput $O 0 &
$XL vkb-detach vk-our 0 || fail "vkb-detach 0"
wait
[ -z "$(nodes $O)" ] || { nodes $O; fail "nodes left after the detaches"; }
$XL list -l vk-our | grep -q '"vkbs"\|"vtpms"\|"vdispls"\|"vsnds"' && fail "the saved configuration still has them"
xl_fails "vkb-detach of a missing device" $XL vkb-detach vk-our 7
xl_fails "vtpm-detach of a missing uuid" $XL vtpm-detach vk-our 99999999-1234-1234-1234-123456789abc
$XL destroy vk-our; $REF_XL destroy vk-ref

step "bad specs: one error each, nothing written"
guest vk-bad
$XL create -p -q vk-bad.cfg || fail "create vk-bad"
NAMES="$NAMES vk-bad"
B=$(domid_of vk-bad)
xl_fails "unknown vkb key" $XL vkb-attach vk-bad backend-type=linux foo=1
grep -q "unknown key 'foo'" xl.err || fail "no word of the unknown key"
xl_fails "bad backend-type" $XL vkb-attach vk-bad backend-type=bad
xl_fails "no backend-type" $XL vkb-attach vk-bad width=800
xl_fails "bad vtpm uuid" $XL vtpm-attach vk-bad uuid=bad
xl_fails "missing backend domain" $XL vtpm-attach vk-bad backend=nonesuch
xl_fails "vdispl without connectors" $XL vdispl-attach vk-bad be-alloc=1
xl_fails "bad connector" $XL vdispl-attach vk-bad connectors=bad
xl_fails "unknown vdispl key" $XL vdispl-attach vk-bad connectors=a:1x1 unique-id=x
xl_fails "vsnd stream without a pcm" $XL vsnd-attach vk-bad 'stream,unique-id=S,type=p'
xl_fails "vsnd bad format" $XL vsnd-attach vk-bad 'pcm,name=P,sample-formats=s17' 'stream,unique-id=S,type=p'

t0=$(now)
xl_fails "vtpm without a backend" $XL vtpm-attach vk-bad
echo "gave up after $(elapsed $t0)s"
grep -q "vtpm 0" xl.err || fail "the error does not name the device"
[ -z "$(nodes $B)" ] || { nodes $B; fail "a failed attach left nodes"; }
$XL vkb-attach vk-bad > /dev/null 2>&1; [ $? = 2 ] || fail "vkb-attach without a spec: want usage (2)"
$XL destroy vk-bad

step "vkb=, vtpm=, vdispl= and vsnd= in xl.cfg: the same devices as Debian's create"
guest vc-nobe "vtpm = [ 'uuid=$U' ]"
$XL create -n -q vc-nobe.cfg > /dev/null 2> e.err && fail "a vtpm without backend= was accepted"
cat e.err
grep -q "vc-nobe.cfg:[0-9]*:[0-9]*: .*backend= is required" e.err || fail "no located error"
for t in "ref $REF_XL" "our $XL"; do
    set -- $t
    guest vc-$1 "vkb = [ 'backend-type=linux,unique-id=K', 'backend-type=qemu,feature-abs-pointer=1' ]" \
        "vtpm = [ 'uuid=$U,backend=0' ]" "vdispl = [ 'connectors=a:800x600', 'be-alloc=1,connectors=b:640x480' ]" \
        "vsnd = [ [ 'card,short-name=C,sample-rates=44100', 'pcm,name=P', 'stream,unique-id=S,type=p' ] ]"
    ( for ((i = 0; i < 100; i++)); do d=$(domid_of vc-$1) && break; sleep 0.1; done
      be up vtpm $d 0; be up vdispl $d 0; be up vdispl $d 1; be up vsnd $d 0 ) &
    $2 create -p -q vc-$1.cfg || fail "$1 create with vkb and vtpm"
    wait
    NAMES="$NAMES vc-$1"
    nodes $(domid_of vc-$1) > c$1.nodes
done
diff -u cref.nodes cour.nodes || fail "create: our nodes differ from Debian's xl's"
echo "create: same $(wc -l < cour.nodes) nodes as Debian's xl"
D=$(domid_of vc-our)
$XL destroy vc-our || fail "destroy vc-our"
$REF_XL destroy vc-ref
dev_clean "vkb, vtpm, vdispl and vsnd guests" $O $R $B $D
echo ok
