#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 1500
# How the toolstack's cost grows with the number of guests: N tiny paused
# PV guests created one after another by our xl, then by Debian's xl (the
# reference), on the same boot. Printed: the time of each create (a CSV
# line per create, "SCALE-CSV n,ours_ms,xl_ms", for make bench's plot),
# the last 10 / first 10 ratio of each tool, xl list and xl destroy with N
# guests running, and the dom0 memory the toolstack keeps per running
# guest (the proportional set size of every process it left: our one
# monitor daemon, Xen's xl's monitor per guest).
# CI (the suite's lab run) takes N = 30, make bench (XK_BENCH=long) 500;
# SCALE_BENCH_N overrides.
. /xk/lib.sh
PATH=$REF_BIN:$PATH
if bench_long; then n=500; else n=30; fi
N=${SCALE_BENCH_N:-$n}
[ "$N" -ge 20 ] || fail "SCALE_BENCH_N=$N: at least 20 (first and last 10)"
bench_init

cat > g.cfg <<EOF
type = "pv"
kernel = "$XK_GUESTS/xk-pv"
memory = 4
extra = "xk.mode=sleep"
EOF
ms() { echo $(( (10#${EPOCHREALTIME/./} - 10#$1) / 1000 )); }
# pss_of PATTERN: the summed PSS (KiB) of the processes whose command line
# (NUL-separated in /proc) matches the awk regexp PATTERN, and their count
pss_of() {
    local p sum=0 cnt=0 cmd v
    for p in /proc/[0-9]*; do
        cmd=$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null) || continue
        awk -v c="$cmd" -v re="$1" 'BEGIN { exit !(c ~ re) }' || continue
        v=$(awk '/^Pss:/ { print $2 }' "$p/smaps_rollup" 2>/dev/null)
        [ -n "$v" ] || continue
        sum=$((sum + v)); cnt=$((cnt + 1))
    done
    echo "$sum $cnt"
}
declare -A T
# run TOOL: create N guests (s-TOOL-i), timing each; list and destroy timed
run() {
    local who=$1 xl i t0 free0
    if [ "$who" = ours ]; then xl=$XL; else xl=$REF_XL; fi
    free0=$(free_kb)
    for ((i = 1; i <= N; i++)); do
        t0=${EPOCHREALTIME/./}
        $xl create -q -p g.cfg "name=\"s-$who-$i\"" > create.out 2>&1 ||
            { cat create.out; fail "$who: create $i of $N"; }
        T[$who.$i]=$(ms "$t0")
    done
    echo "$who: $N guests created in $(( ($(free_kb) - free0) / -1024 )) MiB of Xen's memory"
    if [ "$who" = ours ]; then   # where one create's time goes now
        $XL -v create -q -p g.cfg 'name="s-trace"' 2>&1 | grep -E 'step|all steps' || fail "xl -v create"
        $XL destroy s-trace || fail "destroy s-trace"
    fi
    for i in 1 2 3; do
        t0=${EPOCHREALTIME/./}
        $xl list > list.out || fail "$who: list"
        sample "list.$who" "$(( (10#${EPOCHREALTIME/./} - 10#$t0) / 10 ))"
    done
    [ "$(grep -c "^s-$who-" list.out)" = "$N" ] || fail "$who: list shows $(grep -c "^s-$who-" list.out) of $N"
    if [ "$who" = ours ]; then read -r PSS CNT < <(pss_of '(^|/)xl __monitord $')
    else read -r PSS CNT < <(pss_of '(^|/)xl create '); fi
    MEM[$who]="$PSS $CNT"
    echo "$who: $CNT toolstack processes left for $N guests, PSS $PSS KiB"
    t0=${EPOCHREALTIME/./}
    for ((i = N; i > N - 10; i--)); do
        local t1=${EPOCHREALTIME/./}
        $xl destroy "s-$who-$i" || fail "$who: destroy s-$who-$i"
        sample "destroy.$who" "$(( (10#${EPOCHREALTIME/./} - 10#$t1) / 10 ))"
    done
    for ((; i >= 1; i--)); do $xl destroy "s-$who-$i" || fail "$who: destroy s-$who-$i"; done
    wait_for 20 sh -c "[ \$($REF_XL list | grep -c '^s-') = 0 ]" || fail "$who: guests left"
}
declare -A MEM

step "warm-up: Xen scrubs the memory it freed since boot"
for i in 1 2 3; do
    $XL create -q -p g.cfg "name=\"w-$i\"" || fail "warm-up create"
    $XL destroy "w-$i" || fail "warm-up destroy"
done
$XL -v create -q -p g.cfg 'name="s-trace"' 2>&1 | grep -E 'step|all steps' || fail "xl -v create"
$XL destroy s-trace || fail "destroy s-trace"
step "ours: $N guests"
run ours
step "Debian's xl: $N guests"
run xl

step "results"
# first/last ten: the mean create time of creates 1-10 and N-9..N
mean10() { local s=0 i; for ((i = $2; i < $2 + 10; i++)); do s=$((s + T[$1.$i])); done; echo $((s / 10)); }
declare -A F L
for who in ours xl; do F[$who]=$(mean10 "$who" 1); L[$who]=$(mean10 "$who" $((N - 9))); done
echo "SCALE-CSV n,ours_ms,xl_ms"
for ((i = 1; i <= N; i++)); do echo "SCALE-CSV $i,${T[ours.$i]},${T[xl.$i]}"; done
read -r po co <<< "${MEM[ours]}"; read -r px cx <<< "${MEM[xl]}"
printf '%-44s %10s %10s %7s\n' operation ours xl ratio
row2() { printf '%-44s %10s %10s %7s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }
row2 "create, first 10 (mean ms)" "${F[ours]}" "${F[xl]}"
row2 "create, last 10 with $((N - 10))+ running (mean ms)" "${L[ours]}" "${L[xl]}"
row2 "xl list, $N guests (median ms)" "$(median "${SAMPLES[list.ours]}")" "$(median "${SAMPLES[list.xl]}")"
row2 "xl destroy, $N guests (median ms)" "$(median "${SAMPLES[destroy.ours]}")" "$(median "${SAMPLES[destroy.xl]}")"
row2 "toolstack processes left, $N guests" "$co" "$cx"
row2 "toolstack PSS per guest (KiB)" "$((po / N))" "$((px / N))"
echo "last 10 / first 10: ours $(ratio "${L[ours]}" "${F[ours]}"), xl $(ratio "${L[xl]}" "${F[xl]}")"
# what must hold: one process of ours whatever N; and less memory than xl's
[ "$co" = 1 ] || fail "ours: $co monitor processes for $N guests, not 1"
[ "$po" -lt "$px" ] || fail "ours: PSS $po KiB, not below xl's $px KiB"
