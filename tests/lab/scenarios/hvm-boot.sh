#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 600
# HVM guests through our xl, with Debian's QEMU as the device model, under
# emulation (Xen in QEMU TCG): each boot prints how long it took.
#  1. our xk-hvm test kernel in hvmloader's place (firmware_override) prints
#     its marker on its PV console; QEMU runs for it (-machine xenfv, the
#     QMP socket, device-model/D/state = running), xl qemu-monitor-command
#     answers; destroy leaves no QEMU, socket, xenstore node or tap;
#  2. hvmloader + SeaBIOS boot a boot sector from an emulated IDE disk the
#     test makes; it prints its marker on the emulated serial port, read
#     through xl console -t serial (and xl console: HVM's default);
#  3. a QEMU killed with kill -9 is noticed by the monitor within a second
#     and handled as a crash (on_crash=destroy: gone; preserve: kept paused).
. /xk/lib.sh

# the pid of domain $1's QEMU (dom0 has no pgrep): "-xen-domid D" in its argv
qemu_of() {
    local p
    for p in /proc/[0-9]*; do
        tr '\0' '\n' 2>/dev/null < $p/cmdline | grep -qx -- -xen-domid || continue
        tr '\0' '\n' 2>/dev/null < $p/cmdline | grep -A1 -x -- -xen-domid | tail -n1 | grep -qx "$1" &&
            { echo ${p#/proc/}; return 0; }
    done
    return 1
}
gone_clean() {   # domid name: nothing of the guest left
    local d=$1 n=$2
    wait_for 10 sh -c "! $REF_XL domid $n 2>/dev/null" || fail "$n: domain still there"
    local i
    for i in $(seq 25); do qemu_of $d > /dev/null || break; usleep 200000; done
    ! qemu_of $d > /dev/null || fail "$n: QEMU still runs"
    [ ! -e /run/xen/qmp-libxl-$d ] || fail "$n: QMP socket left"
    [ ! -e /run/xen/qmp-libxenstat-$d ] || fail "$n: libxenstat QMP socket left"
    ! xenstore-exists /local/domain/0/device-model/$d 2>/dev/null || fail "$n: device-model/$d left"
    ! xenstore-exists /local/domain/$d 2>/dev/null || fail "$n: /local/domain/$d left"
    ! xenstore-exists /libxl/$d 2>/dev/null || fail "$n: /libxl/$d left"
    ! ip link show vif$d.0-emu > /dev/null 2>&1 || fail "$n: tap vif$d.0-emu left"
}

step "1. firmware_override: our xk-hvm test kernel, with QEMU"
cat > fw.cfg <<EOF
name = "hvm-fw"
type = "hvm"
firmware_override = "$XK_GUESTS/xk-hvm"
memory = 32
vnc = 0
on_poweroff = "preserve"
EOF
t=$(now)
$XL create -q fw.cfg || fail "create hvm-fw"
echo "TIME hvm-fw: create returned after $(elapsed "$t") s"
d=$($XL domid hvm-fw) || fail "no domid"
wait_console hvm-fw "XK-GUEST-UP type=hvm" 120 || fail "no xk-hvm marker"
echo "TIME hvm-fw: marker $(elapsed "$t") s after create started"
pid=$(qemu_of $d) || fail "no QEMU for domain $d"
tr '\0' ' ' < /proc/$pid/cmdline; echo
grep -q -- "xenfv" /proc/$pid/cmdline || fail "QEMU not -machine xenfv"
[ "$(xenstore-read /local/domain/0/device-model/$d/state)" = running ] || fail "device-model state"
[ "$(xenstore-read /local/domain/$d/image/device-model-pid)" = "$pid" ] || fail "device-model-pid"
[ "$(xenstore-read /local/domain/$d/hvmloader/bios)" = seabios ] || fail "hvmloader/bios"
[ "$(xenstore-read /libxl/$d/type)" = hvm ] || fail "/libxl/$d/type"
[ -S /run/xen/qmp-libxl-$d ] || fail "no QMP socket"
$XL qemu-monitor-command hvm-fw "info version" > ver.out || fail "qemu-monitor-command"
cat ver.out
grep -q '^7\.' ver.out || fail "qemu-monitor-command: no version"
# an unknown command is QEMU's text, printed as Xen's xl prints it
$XL qemu-monitor-command hvm-fw "no-such-command" > bad.out 2>&1 || fail "qemu-monitor-command: exit $?"
cat bad.out
grep -q "unknown command" bad.out || fail "qemu-monitor-command: QEMU's answer not printed"
$REF_XL list | grep -E "^(Name|hvm-fw)"
$XL list | grep -E "^(Name|hvm-fw)"
$XL destroy hvm-fw || fail "destroy hvm-fw"
gone_clean $d hvm-fw

step "2. SeaBIOS boots a boot sector; its marker on the emulated serial port"
# real mode at 0x7c00: print "XK-BOOTSECTOR-UP\r\n" on COM1 (0x3f8) again
# and again (QEMU drops what a pty nobody reads gets), a pause between
printf '\xfa\x31\xc0\x8e\xd8\xfc\xba\xf8\x03\xbe\x21\x7c\xac\x84\xc0\x74\x03\xee\xeb\xf8' > bs.img
printf '\xbb\x00\x01\xb9\xff\xff\xe2\xfe\x4b\x75\xf8\xeb\xe8' >> bs.img
printf 'XK-BOOTSECTOR-UP\r\n\0' >> bs.img
truncate -s 510 bs.img
printf '\x55\xaa' >> bs.img
truncate -s 1M bs.img
cat > bs.cfg <<EOF
name = "hvm-bs"
type = "hvm"
memory = 32
vnc = 0
serial = "pty"
boot = "c"
disk = [ "format=raw, vdev=hda, access=rw, target=$PWD/bs.img" ]
EOF
t=$(now)
$XL create -q bs.cfg || fail "create hvm-bs"
echo "TIME hvm-bs: create returned after $(elapsed "$t") s"
d=$($XL domid hvm-bs)
tty=$(xenstore-read /local/domain/$d/serial/0/tty) || fail "no serial/0/tty"
echo "serial 0: $tty"
timeout 150 $XL console -t serial hvm-bs < /dev/null > serial.out 2>&1 &
cpid=$!
wait_for 150 grep -q XK-BOOTSECTOR-UP serial.out || { kill $cpid; cat serial.out; $REF_XL dmesg | tail -30;
    tail -20 /var/log/xen/qemu-dm-hvm-bs.log; fail "no boot sector marker on the serial console"; }
echo "TIME hvm-bs: SeaBIOS ran the boot sector, marker on serial $(elapsed "$t") s after create started"
kill $cpid 2>/dev/null; wait $cpid 2>/dev/null
# xl console with no -t: an HVM guest's default console is serial 0
timeout 30 $XL console hvm-bs < /dev/null > default.out 2>&1 &
cpid=$!
wait_for 30 grep -q XK-BOOTSECTOR-UP default.out || { kill $cpid; fail "xl console (default) is not the serial port"; }
kill $cpid 2>/dev/null; wait $cpid 2>/dev/null
$XL console -t serial -n 1 hvm-bs < /dev/null > n1.out 2>&1 && fail "serial 1 exists?"
cat n1.out
$XL destroy hvm-bs || fail "destroy hvm-bs"
gone_clean $d hvm-bs

step "3. QEMU killed with kill -9: the monitor notices and acts on_crash"
for action in destroy preserve; do
    # the boot sector guest: it runs until destroyed (xk-hvm powers off)
    { sed -e "s/hvm-bs/hvm-kill/" bs.cfg; echo "on_crash = \"$action\""; } > kill.cfg
    $XL create kill.cfg > create.out 2>&1 || { cat create.out; fail "create hvm-kill"; }
    d=$($XL domid hvm-kill) || { cat create.out; fail "no hvm-kill"; }
    pid=$(qemu_of $d) || fail "no QEMU"
    t=$(now)
    kill -9 $pid
    if [ $action = destroy ]; then
        wait_for 10 sh -c "! $REF_XL domid hvm-kill 2>/dev/null" || fail "on_crash=destroy: domain stays"
        echo "TIME hvm-kill: the domain was destroyed $(elapsed "$t") s after QEMU's kill -9"
    else
        wait_for 10 sh -c "$REF_XL list hvm-kill | grep -q -- '--p'" || { $REF_XL list; fail "on_crash=preserve: not paused"; }
        echo "TIME hvm-kill: the domain was paused (preserved) $(elapsed "$t") s after QEMU's kill -9"
    fi
    e=$(elapsed "$t")
    awk -v e="$e" 'BEGIN { exit !(e < 1.5) }' || fail "QEMU's death noticed only after $e s"
    grep "device model" /var/lib/xkit/monitor-hvm-kill.log || fail "no monitor line about the device model"
    [ $action = preserve ] && { $XL destroy hvm-kill || fail "destroy preserved"; }
    gone_clean $d hvm-kill
    rm -f /var/lib/xkit/monitor-hvm-kill.log
done
echo ok
