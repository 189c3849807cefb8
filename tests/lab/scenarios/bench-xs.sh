#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xenstore request rate on one connection: libxklight (ours) against
# Debian's libxenstore (reference), same loops, same daemon.
# lab-timeout: 240
. /xk/lib.sh
[ -x "$XK_BIN/xs_bench" ] || fail "xs_bench missing"
N=${XS_BENCH_N:-10000}
"$XK_BIN/xs_bench" "$N" /xk-bench/key > ours.txt || fail "xs_bench failed"
if [ -x "$XK_BIN/xs_bench_ref" ]; then
    "$XK_BIN/xs_bench_ref" "$N" /xk-bench/key > ref.txt || fail "xs_bench_ref failed"
else
    : > ref.txt
fi
/usr/bin/xenstore-rm /xk-bench
echo "xenstore, $N requests, one connection (ops/s; ratio = ours / reference)"
printf '%-16s %10s %10s %7s\n' operation ours reference ratio
while read -r op ours; do
    ref=$(awk -v o="$op" '$1 == o { print $2 }' ref.txt)
    if [ -n "$ref" ]; then
        ratio=$(awk -v a="$ours" -v b="$ref" 'BEGIN { printf "%.2f", a / b }')
    else
        ref=-; ratio=-
    fi
    printf '%-16s %10s %10s %7s\n' "$op" "$ours" "$ref" "$ratio"
done < ours.txt
echo "(reference read-pipelined: libxenstore cannot pipeline, so its plain read loop)"
