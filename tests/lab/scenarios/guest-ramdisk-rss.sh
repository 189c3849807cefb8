#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A 200 MiB ramdisk is streamed into guest memory in chunks: the builder's
# peak RSS must stay far below the ramdisk's size. The xk-pv guest then
# boots with it (proving the layout), and the same for PVH.
# lab-timeout: 240
. /xk/lib.sh
[ -r "$XK_GUESTS/xk-pv" ] || skip "no $XK_GUESTS/xk-pv"
rd=/tmp/ramdisk-200m
# random-ish: pseudo-random bytes are slow under TCG; repeat 1 MiB of them
head -c 1048576 /dev/urandom > /tmp/rd1m
for i in $(seq 200); do cat /tmp/rd1m; done > $rd
rm -f /tmp/rd1m
ls -l $rd
for t in pv pvh; do
    out=$("$XK_BIN/guest_boot" -t $t -k "$XK_GUESTS/xk-$t" -r $rd -m 320 -c "xk.mode=sleep" \
        -M "XK-GUEST-UP type=$t" -T 60 2>&1) || { echo "$out"; rm -f $rd; fail "$t: guest_boot failed"; }
    echo "$out" | grep -v '^\[d'
    rss=$(echo "$out" | sed -n 's/.*peak RSS \([0-9]*\) KiB.*/\1/p')
    [ -n "$rss" ] || { rm -f $rd; fail "$t: no RSS line"; }
    echo "$t: peak RSS ${rss} KiB with a 204800 KiB ramdisk"
    [ "$rss" -lt 32768 ] || { rm -f $rd; fail "$t: peak RSS ${rss} KiB is not far below the ramdisk size"; }
done
rm -f $rd
echo ok
