#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 900
# Open question, not in the suite: while an HVM guest's GRUB reads Linux
# from its emulated IDE disk (SeaBIOS's INT 13h, QEMU's IDE emulation: a
# couple of minutes of ioreqs under TCG), processes started in dom0 now and
# then die of SIGSEGV (seen in hvm-linux: 10 in 130 s). Is it our toolstack
# or the emulated host? The same guest under our xl and under Debian's xl,
# dom0 spawning /bin/true meanwhile: how many spawns die, per toolstack.
# Measured 2026-12-02 (TCG): ours 12 of 4480 spawns died, Debian's xl 13 of
# 4400, both in 165 s: the same rate, so the emulated host, not xkit (the
# same lost-store corruption as stress-corrupt.sh, far more often while
# QEMU serves a guest's port I/O).
#   XK_BUILDDIR=... tests/lab/lab run tests/lab/open/hvm-bios-segv.sh
. /xk/lib.sh
[ -r "$XK_IMAGES/bios.img" ] || skip "no bios.img"
for who in ours ref; do
    cp "$XK_IMAGES/bios.img" bios-$who.img
    printf '%s\n' "name = \"bios-$who\"" 'type = "hvm"' 'memory = 256' 'vnc = 0' 'tsc_mode = "native"' \
        'boot = "c"' "disk = [ 'format=raw,vdev=hda,access=rw,target=$PWD/bios-$who.img' ]" > bios-$who.cfg
    rm -f "$(console_log bios-$who)"
    tool=$XL; [ $who = ref ] && tool=$REF_XL
    $tool create -q bios-$who.cfg > /dev/null 2>&1 || $tool create bios-$who.cfg || fail "create ($who)"
    t=$(now) n=0 bad=0 f=$(console_log bios-$who) line=
    while :; do
        up=0
        if [ -r "$f" ]; then while IFS= read -r line; do [[ $line == *XK-LINUX-UP* ]] && up=1; done < "$f"; fi
        [ $up = 1 ] && break
        awk -v t="$t" -v n="$(now)" 'BEGIN { exit !(n - t > 400) }' && { echo "$who: no XK-LINUX-UP in 400 s"; break; }
        for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true || bad=$((bad + 1)); n=$((n + 1)); done
    done
    echo "RESULT $who: $n spawns of /bin/true, $bad died, until Linux was up ($(elapsed "$t") s)"
    $tool destroy bios-$who > /dev/null 2>&1
done
