#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 2700
# How the toolstack's cost grows with the number of guests: N tiny paused
# PV guests created one after another by our xl, then by Debian's xl (the
# reference), on the same boot. Printed: the time of each create as it
# happens ("SCALE-T WHO I MS": a run cut short still leaves its curve;
# tests/bench/scale-plot makes make bench's CSV and plot of them), each
# tool's summary when its part ends, then the table: the first 10 and
# last 10 creates, xl list and xl destroy with N guests running, and the
# dom0 memory the toolstack keeps per running guest (the proportional set
# size of every process it left: our one monitor daemon, Xen's xl's
# monitor per guest).
# CI (the suite's lab run) takes N = 30, make bench (XK_BENCH=long) 500;
# SCALE_BENCH_N overrides. A tool whose creates take longer than
# SCALE_BENCH_BUDGET seconds in all (long version: 900; 0: no limit)
# stops there, and its figures are for the guests it reached (in the lab,
# Debian's xl takes 7 s a create at 330 guests).
. /xk/lib.sh
PATH=$REF_BIN:$PATH
if bench_long; then n=500; else n=30; fi
N=${SCALE_BENCH_N:-$n}
if bench_long; then b=900; else b=0; fi
BUDGET=${SCALE_BENCH_BUDGET:-$b}
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
    local who=$1 xl i t0 free0 n=$N start=${EPOCHREALTIME/./}
    if [ "$who" = ours ]; then xl=$XL; else xl=$REF_XL; fi
    free0=$(free_kb)
    for ((i = 1; i <= N; i++)); do
        t0=${EPOCHREALTIME/./}
        $xl create -q -p g.cfg "name=\"s-$who-$i\"" > create.out 2>&1 ||
            { cat create.out; fail "$who: create $i of $N"; }
        T[$who.$i]=$(ms "$t0")
        echo "SCALE-T $who $i ${T[$who.$i]}"
        if [ "$BUDGET" -gt 0 ] && [ "$i" -ge 20 ] && [ $(( $(ms "$start") / 1000 )) -ge "$BUDGET" ]; then
            n=$i
            echo "$who: stopped after $n creates: their budget of $BUDGET s is spent"
            break
        fi
    done
    NN[$who]=$n
    echo "$who: $n guests created in $(( ($(free_kb) - free0) / -1024 )) MiB of Xen's memory"
    if [ "$who" = ours ]; then   # where one create's time goes now
        echo "xenstored with $n guests: $($XK_BIN/xs_bench tx 10 | tr '\n' ' ')"
        tr=$($XL -v create -q -p g.cfg 'name="s-trace"' 2>&1) || { echo "$tr"; fail "xl -v create"; }
        echo "$tr" | grep -E 'step|all steps'
        $XL destroy s-trace || fail "destroy s-trace"
    fi
    for i in 1 2 3; do
        t0=${EPOCHREALTIME/./}
        $xl list > list.out || fail "$who: list"
        sample "list.$who" "$(( (10#${EPOCHREALTIME/./} - 10#$t0) / 10 ))"
    done
    [ "$(grep -c "^s-$who-" list.out)" = "$n" ] || fail "$who: list shows $(grep -c "^s-$who-" list.out) of $n"
    if [ "$who" = ours ]; then read -r PSS CNT < <(pss_of '(^|/)xl __monitord $')
    else read -r PSS CNT < <(pss_of '(^|/)xl create '); fi
    MEM[$who]="$PSS $CNT"
    echo "$who: $CNT toolstack processes left for $n guests, PSS $PSS KiB"
    t0=${EPOCHREALTIME/./}
    for ((i = n; i > n - 10; i--)); do
        local t1=${EPOCHREALTIME/./}
        $xl destroy "s-$who-$i" || fail "$who: destroy s-$who-$i"
        sample "destroy.$who" "$(( (10#${EPOCHREALTIME/./} - 10#$t1) / 10 ))"
    done
    for ((; i >= 1; i--)); do $xl destroy "s-$who-$i" || fail "$who: destroy s-$who-$i"; done
    wait_for 20 sh -c "[ \$($REF_XL list | grep -c '^s-') = 0 ]" || fail "$who: guests left"
    F[$who]=$(mean10 "$who" 1); L[$who]=$(mean10 "$who" $((n - 9)))
    echo "$who: create first 10 ${F[$who]} ms, last 10 ${L[$who]} ms (x$(ratio "${L[$who]}" "${F[$who]}")), list $(median "${SAMPLES[list.$who]}") ms, destroy $(median "${SAMPLES[destroy.$who]}") ms"
}
# first/last ten: the mean create time of creates 1-10 and N-9..N
mean10() { local s=0 i; for ((i = $2; i < $2 + 10; i++)); do s=$((s + T[$1.$i])); done; echo $((s / 10)); }
declare -A F L NN
declare -A MEM

step "warm-up: Xen scrubs the memory it freed since boot"
for i in 1 2 3; do
    $XL create -q -p g.cfg "name=\"w-$i\"" || fail "warm-up create"
    $XL destroy "w-$i" || fail "warm-up destroy"
done
tr=$($XL -v create -q -p g.cfg 'name="s-trace"' 2>&1) || { echo "$tr"; fail "xl -v create"; }
echo "$tr" | grep -E 'step|all steps'
$XL destroy s-trace || fail "destroy s-trace"
# xenstored's own cost of a create's first xenstore step (45 writes), in a
# transaction and outside one, before any guest runs (again with N below)
echo "xenstored with 0 guests: $($XK_BIN/xs_bench tx 10 | tr '\n' ' ')"
step "ours: $N guests"
run ours
step "Debian's xl: $N guests"
run xl

step "results"
read -r po co <<< "${MEM[ours]}"; read -r px cx <<< "${MEM[xl]}"
no=${NN[ours]} nx=${NN[xl]}
at="$no"; [ "$nx" = "$no" ] || at="$no / $nx"   # guests, ours / xl's
printf '%-52s %10s %10s %7s\n' operation ours xl ratio
row2() { printf '%-52s %10s %10s %7s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }
row2 "create, first 10 (mean ms)" "${F[ours]}" "${F[xl]}"
# like for like: both tools' creates $nx-9..$nx (as far as both got)
m=$(( nx < no ? nx : no ))
row2 "create, guests $((m - 9))-$m (mean ms)" "$(mean10 ours $((m - 9)))" "$(mean10 xl $((m - 9)))"
row2 "create, last 10, guests $at (mean ms)" "${L[ours]}" "${L[xl]}"
row2 "xl list, $at guests (median ms)" "$(median "${SAMPLES[list.ours]}")" "$(median "${SAMPLES[list.xl]}")"
row2 "xl destroy, $at guests (median ms)" "$(median "${SAMPLES[destroy.ours]}")" "$(median "${SAMPLES[destroy.xl]}")"
row2 "toolstack processes left, $at guests" "$co" "$cx"
row2 "toolstack PSS per running guest (KiB)" "$((po / no))" "$((px / nx))"
echo "last 10 / first 10: ours $(ratio "${L[ours]}" "${F[ours]}") at $no guests, xl $(ratio "${L[xl]}" "${F[xl]}") at $nx"
# what must hold: one process of ours whatever the count, and less memory than xl's
[ "$co" = 1 ] || fail "ours: $co monitor processes for $no guests, not 1"
[ $((po / no)) -lt $((px / nx)) ] || fail "ours: PSS $po KiB for $no guests, not below xl's $px KiB for $nx"
