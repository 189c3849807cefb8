#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xenstore request rate on one connection: libxklight (ours) against
# Debian's libxenstore (reference), same loops, same daemon.
# lab-timeout: 240
. /xk/lib.sh
[ -x "$XK_BIN/xs_bench" ] || fail "xs_bench missing"
# requests per loop (each loop runs twice, the better counts): CI's short
# version 2000 (about 1.3 s a loop at the lab's 1500 ops/s), make bench's
# (XK_BENCH=long) 10000
if bench_long; then n=10000; else n=2000; fi
N=${XS_BENCH_N:-$n}
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
