#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 240
# libxkguest's HVM builder without a device model: our xk-hvm test kernel
# as the firmware (what xl.cfg's firmware_override loads instead of
# hvmloader) starts at its ELF entry and prints its marker on its PV
# console; Debian's hvmloader with SeaBIOS as its "firmware" module gets
# as far as handing over to SeaBIOS (hvmloader and SeaBIOS log to Xen's
# console; PCI and the rest need QEMU, which does not run here).
. /xk/lib.sh
[ -r "$XK_GUESTS/xk-hvm" ] || fail "no $XK_GUESTS/xk-hvm"
t=$(now)
"$XK_BIN/guest_boot" -t hvm -k "$XK_GUESTS/xk-hvm" -m 32 -c "xk.mode=poweroff xk.msg=hvm-builder" \
    -M "XK-GUEST-UP type=hvm" -T 120 || fail "guest_boot xk-hvm exited $?"
echo "TIME xk-hvm: built and booted to its marker in $(elapsed "$t") s"

step "hvmloader with SeaBIOS as its firmware module, no QEMU"
HVMLOADER=/usr/lib/xen-4.17/boot/hvmloader SEABIOS=/usr/share/seabios/bios-256k.bin
[ -r $HVMLOADER ] && [ -r $SEABIOS ] || fail "no $HVMLOADER or $SEABIOS in dom0"
# no marker on the PV console: guest_boot gives up after -T seconds and
# destroys it. hvmloader hands over to SeaBIOS within a few seconds of the
# start (then SeaBIOS finds no disk and waits): 8 s first, and once more
# with the 30 s this step always gave if SeaBIOS had not started by then
for T in 8 30; do
    $REF_XL dmesg -c > /dev/null
    "$XK_BIN/guest_boot" -t hvm -k $HVMLOADER -r $SEABIOS -B seabios -m 64 -M XK-NEVER -T $T > boot.out 2>&1
    grep "guest_boot: built" boot.out || { cat boot.out; fail "hvmloader: the build failed"; }
    $REF_XL dmesg > dmesg.out
    grep -q "SeaBIOS (version" dmesg.out && break
    [ $T = 30 ] || echo "SeaBIOS had not started after $T s: once more, for 30 s"
done
grep -E "HVM Loader|System requested|Loading SeaBIOS|Invoking SeaBIOS|SeaBIOS \(version|RAM$" dmesg.out | head -20
grep -q "HVM Loader" dmesg.out || { tail -n 40 dmesg.out; fail "hvmloader did not start"; }
grep -q "System requested SeaBIOS" dmesg.out || { tail -n 40 dmesg.out; fail "hvmloader did not read hvmloader/bios"; }
grep -q "Invoking SeaBIOS" dmesg.out || { tail -n 40 dmesg.out; fail "hvmloader did not hand over to SeaBIOS"; }
grep -q "SeaBIOS (version" dmesg.out || { tail -n 40 dmesg.out; fail "SeaBIOS did not start"; }
# hvmloader's E820 has the RAM our layout gave: 64 MiB, from 1 MiB
grep -q "00100000 - 00000000:04000000: RAM" dmesg.out || { grep -A8 "E820 table" dmesg.out; fail "hvmloader's E820 lacks 1 MiB..64 MiB of RAM"; }
echo ok
