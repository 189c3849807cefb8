#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 300
# More of Xen's xl, ours against Debian's on the same guests: the Intel
# PSR commands on a CPU without PSR (the same words and exit statuses as
# Debian's, which ask Xen the same questions), the keyboard, TPM and
# channel lists of a guest Debian's xl gave a vkb and a vtpm (and of
# dom0), usb-list of its QEMU USB controller, pci-list and
# pci-assignable-list without pciback; our destroy removes the backends
# Debian's xl left and its QEMU. config-update: the guest comes back from
# its reboot with the new config's memory. vncviewer and
# create -V run the user's vncviewer (a recording one here) on our HVM
# guest's VNC display (-autopass with --autopass; Debian's QEMU cannot
# take a VNC password: its crypto backend has no DES, so the guest has
# none and the viewer's stdin is empty).
. /xk/lib.sh
PATH=$REF_BIN:$PATH
X() { timeout 60 "$XL" "$@"; }
R() { timeout 60 "$REF_XL" "$@"; }
NAMES=
cleanup() { for n in $NAMES; do X destroy $n 2>/dev/null; R destroy $n 2>/dev/null; done; }
trap cleanup EXIT
run() { local t=$1 x=$2; shift 2; timeout 60 "$x" "$@" 2> "$t.err"; echo "rc=$?"; }
DIFFS=0
# same [-e] ARGS...: stdout and exit status alike (-e: stderr too); one
# more try before a difference counts (the emulated dom0 now and then
# kills a process, see tests/lab/open/)
same() {
    local e= try
    [ "$1" = -e ] && { e=1; shift; }
    for try in 1 2; do
        run ref $REF_XL "$@" > ref.out
        run our $XL "$@" > our.out
        if ! diff -u ref.out our.out > out.diff; then
            [ $try = 2 ] && { cat out.diff ref.err our.err; echo "DIFFERS: xl $*"; DIFFS=$((DIFFS + 1)); }
        elif [ -n "$e" ] && ! diff -u ref.err our.err > err.diff; then
            [ $try = 2 ] && { cat err.diff; echo "DIFFERS: xl $*: stderr"; DIFFS=$((DIFFS + 1)); }
        else
            echo "same: xl $* ($(tail -n1 our.out))"
            return 0
        fi
    done
}

step "PSR on a CPU without it: Xen answers both toolstacks alike"
same psr-hwinfo
same psr-hwinfo -m
same psr-hwinfo -a
same psr-hwinfo -b
same psr-cmt-attach 0
grep -q "CMT is not supported in this system" our.err || fail "psr-cmt-attach: $(cat our.err)"
same psr-cmt-detach 0
same -e psr-cmt-show cache-occupancy
same -e psr-cmt-show total-mem-bandwidth 0
same -e psr-cat-show
same -e psr-cat-show -l 2
same -e psr-mba-show
same psr-cat-set 0 0xff
grep -q "L3 CAT: is not supported in this system" our.err || fail "psr-cat-set: $(cat our.err)"
same psr-cat-set -l 2 0 0xff
same psr-mba-set 0 10
grep -q "MBA: is not supported in this system" our.err || fail "psr-mba-set: $(cat our.err)"
same -e psr-cat-set nonesuch 0xff

step "keyboard, TPM and channel lists: a guest of Debian's xl, and dom0"
printf '%s\n' 'name = "pv-vdevs"' 'type = "pv"' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 16' \
    'extra = "xk.mode=sleep"' "vkb = [ 'backend-type=linux' ]" "usbctrl = [ 'version=2,ports=4' ]" > v.cfg
# (the USB controller's backend is QEMU's qusb: Debian's xl starts a QEMU)
R create -p -q v.cfg || fail "Debian's create with a vkb and a USB controller"
NAMES="$NAMES pv-vdevs"
D=$(domid_of pv-vdevs)
[ -n "$D" ] || fail "no domid for pv-vdevs"
R vkb-attach pv-vdevs backend-type=linux || fail "Debian's vkb-attach"
# no vtpm backend runs here: Debian's xl gives up on it and leaves its nodes
R vtpm-attach pv-vdevs backend=0 > /dev/null 2>&1
for c in vkb-list vtpm-list channel-list pci-list usb-list; do
    same $c pv-vdevs
    same $c 0
done
same vkb-list pv-vdevs 0
[ "$(X vkb-list pv-vdevs | wc -l)" = 3 ] || fail "vkb-list: want a header and two keyboards: $(X vkb-list pv-vdevs)"
[ "$(X usb-list pv-vdevs | grep -c '^  Port ')" = 4 ] || fail "usb-list: want 4 ports: $(X usb-list pv-vdevs)"
[ "$(X vtpm-list pv-vdevs | wc -l)" = 2 ] || fail "vtpm-list: want the vtpm Debian's xl left: $(X vtpm-list pv-vdevs)"
same -e vkb-list nonesuch
same pci-assignable-list
same pci-assignable-list -n
grep -qi "pciback" our.err || fail "pci-assignable-list: no word of the missing driver: $(cat our.err)"
X destroy pv-vdevs || fail "our destroy of Debian's guest"
for k in vinput vtpm vkbd console qusb; do
    /usr/bin/xenstore-read "/local/domain/0/backend/$k/$D" > /dev/null 2>&1 && fail "backend/$k/$D left behind"
done
/usr/bin/xenstore-read "/libxl/$D" > /dev/null 2>&1 && fail "/libxl/$D left behind"
# (bash builtins only: no process per /proc entry)
for c in /proc/[0-9]*/cmdline; do
    mapfile -d '' -t args < "$c" 2>/dev/null || continue
    for ((k = 0; k + 1 < ${#args[@]}; k++)); do
        [ "${args[k]}" = -xen-domid ] && [ "${args[k + 1]}" = "$D" ] && fail "a QEMU of domain $D is left: $c"
    done
done
echo "destroy: no backend and no QEMU of domain $D left"

step "config-update: the next reboot builds the guest from the new config"
printf '%s\n' 'name = "cu"' 'type = "pv"' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 32' \
    'extra = "xk.mode=sleep"' 'on_reboot = "restart"' > cu.cfg
X create -q cu.cfg || fail "create cu"
NAMES="$NAMES cu"
wait_console cu XK-GUEST-SLEEP 30 > /dev/null || fail "cu did not boot"
d1=$($XL domid cu)
sed 's/^memory = 32/memory = 48/' cu.cfg > cu2.cfg
X config-update cu cu2.cfg 2> cu.err || { cat cu.err; fail "config-update"; }
grep -q "^WARNING: xl now has better capability" cu.err || fail "config-update: no warning: $(cat cu.err)"
[ "$(R list cu | awk 'NR == 2 { print $3 }')" = 32 ] || fail "config-update changed the running guest"
X reboot cu || fail "reboot cu"
wait_for 30 sh -c "d=\$($XL domid cu 2>/dev/null) && [ \"\$d\" != $d1 ]" || fail "cu not restarted"
wait_for 10 sh -c "[ \"\$($REF_XL list cu | awk 'NR == 2 { print \$3 }')\" = 48 ]" ||
    fail "restarted without the new memory: $(R list cu)"
echo "config-update: domain $d1 rebooted as $($XL domid cu) with 48 MiB"
X destroy cu || fail "destroy cu"
same -e config-update 0
same config-update nonesuch cu.cfg
# a domain Debian's xl made keeps its own record: ours says so and fails
R create -p -q cu.cfg 'name="cu-ref"' || fail "Debian's create cu-ref"
NAMES="$NAMES cu-ref"
X config-update cu-ref cu2.cfg 2> cu.err && fail "config-update of Debian's domain succeeded"
grep -q "another toolstack" cu.err || fail "config-update of Debian's domain: $(cat cu.err)"
R destroy cu-ref

step "top -b: xentop's table (Debian's xentop, the reference)"
printf '%s\n' 'name = "tp"' 'type = "pv"' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 16' 'extra = "xk.mode=sleep"' > tp.cfg
X create -q tp.cfg || fail "create tp"
R create -p -q tp.cfg 'name="tp-paused-with-a-long-name"' || fail "Debian's create tp-paused"
NAMES="$NAMES tp tp-paused-with-a-long-name"
# CPU seconds move between the two calls: blanked (column 3, and each
# vcpu's); every other column keeps its width, compared
mask() { sed -E -e '/^VCPUs/s/ +[0-9]+s/ Ns/g' -e 's/^( *[^ ]+ [-a-z]{6}) +[0-9]+ /\1 N /'; }
for args in "-b -i 1" "-b -i 1 -r -v" "-b -i 1 -f" "-b -i 1 -n -x"; do
    for try in 1 2; do
        timeout 60 $REF_BIN/xentop $args | mask > ref.top
        X top $args | mask > our.top
        diff -u ref.top our.top > top.diff && break
        [ $try = 2 ] && { cat top.diff; echo "DIFFERS: xl top $args"; DIFFS=$((DIFFS + 1)); }
    done
    echo "top $args: $(wc -l < our.top) lines as xentop's"
done
cat our.top
X top -b -i 2 -d 1 > two.top || fail "top -b -i 2 -d 1"
[ "$(grep -c '^ *NAME ' two.top)" = 2 ] || fail "top -i 2: want two tables: $(cat two.top)"
X top < /dev/null > /dev/null 2> top.err && fail "top without a terminal succeeded"
grep -q "use -b" top.err || fail "top without a terminal: $(cat top.err)"
# full screen on a terminal (pty_run gives it one and types q after 3 s)
TERM=xterm $XK_BIN/pty_run 3 q $XL top -d 1 > tty.top; rc=$?
[ $rc = 0 ] || { cat -v tty.top | tail -5; fail "top on a terminal: exit $rc after q"; }
grep -aq "NAME" tty.top && grep -aq "STATE" tty.top || fail "top on a terminal: no table heading"
grep -aq "tp-paused-" tty.top || fail "top on a terminal: the paused guest is not shown"
grep -aq $'\033\\[' tty.top || fail "top on a terminal: no terminal control sequences (not full screen)"
echo "top full screen: $(wc -c < tty.top) bytes of screen, quit with q"
X destroy tp; R destroy tp-paused-with-a-long-name

step "vncviewer: the user's viewer on our HVM guest's display"
mkdir -p bin
printf '%s\n' '#!/bin/sh' 'echo "ARGS: $*" >> "$VNCREC"' 'echo "STDIN: $(cat)" >> "$VNCREC"' > bin/vncviewer
chmod +x bin/vncviewer
export VNCREC=$PWD/vnc.rec
printf '%s\n' 'name = "hvm-vnc"' 'type = "hvm"' "firmware_override = \"$XK_GUESTS/xk-hvm\"" 'memory = 32' \
    'vnc = 1' 'vnclisten = "127.0.0.1"' 'tsc_mode = "native"' 'on_poweroff = "preserve"' > h.cfg
: > vnc.rec
PATH=$PWD/bin:$PATH X create -q -V h.cfg < /dev/null || fail "create -V"
NAMES="$NAMES hvm-vnc"
wait_for 30 grep -q '^STDIN' vnc.rec || fail "create -V ran no vncviewer: $(cat vnc.rec)"
port=$(/usr/bin/xenstore-read "/local/domain/$($XL domid hvm-vnc)/console/vnc-port") || fail "no vnc-port"
want="ARGS: 127.0.0.1:$((port - 5900))"
grep -qx "$want" vnc.rec || fail "create -V: want '$want': $(cat vnc.rec)"
: > vnc.rec
PATH=$PWD/bin:$PATH X vncviewer --autopass hvm-vnc < /dev/null || fail "vncviewer --autopass"
cat vnc.rec
grep -qx "$want -autopass" vnc.rec || fail "--autopass: want '$want -autopass'"
grep -qx "STDIN: " vnc.rec || fail "--autopass without a password: the viewer's stdin was not empty"
: > vnc.rec
PATH=$PWD/bin:$PATH R vncviewer hvm-vnc < /dev/null
PATH=$PWD/bin:$PATH X vncviewer hvm-vnc < /dev/null
cat vnc.rec
[ "$(grep -c "^$want\$" vnc.rec)" = 2 ] || { echo "DIFFERS: vncviewer: Debian's and ours ran different viewers"; DIFFS=$((DIFFS + 1)); }
same vncviewer 0
X destroy hvm-vnc || fail "destroy hvm-vnc"

[ $DIFFS = 0 ] || fail "$DIFFS comparisons with Debian's xl differ (DIFFERS lines above)"
echo ok
