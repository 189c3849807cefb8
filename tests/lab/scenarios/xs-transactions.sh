#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two (then four) writers increment one node in conflicting transactions
# through libxklight; xenstored answers some commits with EAGAIN and the
# retry helper must redo them so that no increment is lost.
# lab-timeout: 180
. /xk/lib.sh
[ -x "$XK_BIN/xs_labcheck" ] || fail "xs_labcheck missing"
for w in 2 4; do
    out=$("$XK_BIN/xs_labcheck" tx $w 50 /xk-tx/counter) || fail "tx $w writers: $out"
    echo "$out"
    retries=$(echo "$out" | sed -n 's/.*retries after EAGAIN \([0-9]*\).*/\1/p')
    # the writers sleep inside each transaction: conflicts must have happened,
    # or this scenario proved nothing about the retry path
    [ "${retries:-0}" -gt 0 ] || fail "no transaction conflicted: the retry path was not exercised"
    [ "$(/usr/bin/xenstore-read /xk-tx/counter)" = $((w * 50)) ] || fail "reference tool reads a different counter"
done
/usr/bin/xenstore-rm /xk-tx
echo ok
