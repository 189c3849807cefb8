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
#     through xl console -t serial (and xl console: HVM's default); its
#     emulated cdrom's medium changes with cd-insert / cd-eject;
#  3. VNC on (the default): QEMU listens on 127.0.0.1:5900, console/vnc-port
#     and vnc-listen are published (a vncpasswd fails with QEMU's reason:
#     Debian's qemu-system-xen has no DES cipher); stdvga, a USB
#     tablet and the RTC offset are what QEMU and xenstore show;
#  4. OVMF (firmware="uefi") reaches its banner on the serial console;
#  5. a QEMU killed with kill -9 is noticed by the monitor within a second
#     and handled as a crash (on_crash=destroy: gone; preserve: kept paused).
. /xk/lib.sh

# the pid of domain $1's QEMU (dom0 has no pgrep): "-xen-domid D" in its argv
# (bash builtins only: the emulated dom0 now and then kills a process, and
# a helper spawning hundreds of tr/grep missed a running QEMU that way)
qemu_of() {
    local p a i
    local -a args
    for p in /proc/[0-9]*; do
        args=()
        { while IFS= read -r -d '' a; do args+=("$a"); done < "$p/cmdline"; } 2>/dev/null
        for ((i = 0; i + 1 < ${#args[@]}; i++)); do
            [ "${args[i]}" = -xen-domid ] && [ "${args[i + 1]}" = "$1" ] && { echo "${p#/proc/}"; return 0; }
        done
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
disk = [ "format=raw, vdev=hda, access=rw, target=$PWD/bs.img", "vdev=hdc, devtype=cdrom, access=ro, target=" ]
EOF
truncate -s 2M cd.iso
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
# the emulated cdrom's medium, changed through QMP (and the saved config)
$XL cd-insert hvm-bs hdc $PWD/cd.iso || fail "cd-insert"
$XL qemu-monitor-command hvm-bs "info block" | tee block.out
grep -q "cd.iso" block.out || fail "cd-insert: QEMU's drive has no cd.iso"
$XL list -l hvm-bs | grep -q "cd.iso" || fail "cd-insert: the saved config does not follow"
$XL cd-eject hvm-bs hdc || fail "cd-eject"
$XL qemu-monitor-command hvm-bs "info block" > block.out
grep -q "cd.iso" block.out && { cat block.out; fail "cd-eject: cd.iso still in the drive"; }
$XL cd-insert hvm-bs hda $PWD/cd.iso 2> cd.err && fail "cd-insert into a hard disk?"
cat cd.err
$XL destroy hvm-bs || fail "destroy hvm-bs"
gone_clean $d hvm-bs

# QEMU binds VNC to 127.0.0.1, which dom0-init gives lo
ip -o addr show dev lo | grep -q "inet 127.0.0.1/" || fail "dom0's lo has no 127.0.0.1"
step "3. VNC on (libxl's default): QEMU's port published; stdvga, USB tablet, RTC offset"
{ sed -e "s/hvm-fw/hvm-vnc/" -e "/^vnc/d" fw.cfg; printf '%s\n' 'vga = "stdvga"' \
    'usb = 1' 'usbdevice = [ "tablet" ]' 'rtc_timeoffset = 3600' 'viridian = 1' 'memory = 48'; } > vnc.cfg
$XL create -q vnc.cfg || { tail -n 20 /var/log/xen/qemu-dm-hvm-vnc.log; fail "create hvm-vnc"; }
d=$($XL domid hvm-vnc)
pid=$(qemu_of $d) || fail "no QEMU for hvm-vnc"
tr '\0' ' ' < /proc/$pid/cmdline | grep -q -- "-vnc 127.0.0.1:0,to=99 " || fail "QEMU's -vnc"
[ "$(xenstore-read /local/domain/$d/console/vnc-port)" = 5900 ] || fail "console/vnc-port"
[ "$(xenstore-read /local/domain/$d/console/vnc-listen)" = 127.0.0.1 ] || fail "console/vnc-listen"
$XL qemu-monitor-command hvm-vnc "info vnc" | tee vnc.out
grep -q "127.0.0.1:5900" vnc.out || fail "QEMU's VNC server is not on 127.0.0.1:5900"
# stdvga (Bochs VGA, 1234:1111), the USB tablet, the RTC offset
$XL qemu-monitor-command hvm-vnc "info pci" > pci.out
grep -q "1234:1111" pci.out || { cat pci.out; fail "no std VGA"; }
$XL qemu-monitor-command hvm-vnc "info usb" | tee usb.out
grep -qi "tablet" usb.out || fail "no USB tablet"
uuid=$(xenstore-read /local/domain/$d/vm)
[ "$(xenstore-read $uuid/rtc/timeoffset)" = 3600 ] || fail "rtc/timeoffset"
tr '\0' ' ' < /proc/$pid/cmdline | grep -q -- "-device VGA,vgamem_mb=16" || fail "QEMU's VGA"
[ "$(xenstore-read /local/domain/$d/memory/videoram)" = 16384 ] || fail "memory/videoram"
$XL destroy hvm-vnc || fail "destroy hvm-vnc"
gone_clean $d hvm-vnc
# Debian's qemu-system-xen has no DES (VNC's password cipher): a vncpasswd
# fails the create with QEMU's words, as under Debian's xl, leaving nothing
{ sed -e "s/hvm-fw/hvm-pw/" -e "/^vnc/d" fw.cfg; echo 'vncpasswd = "s3cret"'; } > pw.cfg
if $XL create -q pw.cfg 2> pw.err; then
    d=$($XL domid hvm-pw); $XL qemu-monitor-command hvm-pw "info vnc" | tee vnc.out
    grep -qi "auth: vnc" vnc.out || fail "vncpasswd: QEMU's VNC has no password"
    $XL destroy hvm-pw; gone_clean $d hvm-pw
else
    cat pw.err
    grep -q "QEMU's log .*-vnc.*DES" pw.err || fail "vncpasswd: the error does not say what QEMU said"
    wait_for 10 sh -c "! $REF_XL domid hvm-pw 2>/dev/null" || fail "vncpasswd: domain left"
fi

step "4. OVMF (firmware=uefi) reaches its banner on the serial console"
if [ -r /usr/share/ovmf/OVMF.fd ]; then
    printf '%s\n' 'name = "hvm-uefi"' 'type = "hvm"' 'firmware = "uefi"' 'memory = 128' 'vnc = 0' \
        'serial = "pty"' > uefi.cfg
    t=$(now)
    $XL create -q uefi.cfg || fail "create hvm-uefi"
    d=$($XL domid hvm-uefi)
    [ "$(xenstore-read /local/domain/$d/hvmloader/bios)" = ovmf ] || fail "hvmloader/bios is not ovmf"
    timeout 400 $XL console -t serial hvm-uefi < /dev/null > uefi.out 2>&1 &
    cpid=$!
    wait_for 400 grep -q -e "UEFI Interactive Shell" -e "BdsDxe" -e "Shell>" uefi.out ||
        { kill $cpid; tr -d '\r' < uefi.out | tail -n 20; $REF_XL dmesg | grep "(d$d)" | tail -n 20; fail "no OVMF banner"; }
    echo "TIME hvm-uefi: OVMF's banner $(elapsed "$t") s after create started"
    tr -d '\r' < uefi.out | grep -a -m3 -e "UEFI" -e "BdsDxe" -e "Shell"
    kill $cpid 2>/dev/null; wait $cpid 2>/dev/null
    $XL destroy hvm-uefi || fail "destroy hvm-uefi"
    gone_clean $d hvm-uefi
else
    echo "no /usr/share/ovmf/OVMF.fd in dom0 (install ovmf): skipped"
fi

step "5. QEMU killed with kill -9: the monitor notices and acts on_crash"
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
