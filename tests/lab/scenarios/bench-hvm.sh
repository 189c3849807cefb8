#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 600
# HVM guest start: our xl against Debian's xl on the same boot. An HVM guest
# with its device model (QEMU, -machine xenfv, no VNC) and our xk-hvm test
# kernel in hvmloader's place (firmware_override) is created (timed until
# xl create returns), runs to its XK-GUEST-UP console marker (timed from the
# start of xl create) and is destroyed (timed: until xl destroy returns,
# QEMU gone), N times per tool, tools alternating; medians in ms, ratio =
# ours / reference (< 1: we are faster); clones = processes and threads the
# kernel started during the command (QEMU itself is one for both).
. /xk/lib.sh
# CI (the suite's lab run) takes the short version: 2 timed cycles per
# tool, no warm-up (the median of 2 is the faster, so a cold first cycle
# does not count; one run's samples vary by about 2 %); make bench
# (XK_BENCH=long) the long one: 3 timed cycles per tool after 1 untimed
if bench_long; then n=3 nw=1; else n=2 nw=0; fi
N=${HVM_BENCH_N:-$n}        # timed cycles per tool
NW=${HVM_BENCH_WARM:-$nw}   # untimed cycles per tool first
[ -r "$XK_GUESTS/xk-hvm" ] || fail "no $XK_GUESTS/xk-hvm"
bench_init
tool() { if [ "$1" = ours ]; then echo "$XL"; else echo "$REF_XL"; fi; }

cycle() {   # WHO NAME TIMED
    local who=$1 name=$2 timed=$3 t0 t1 t2 t3 t4 f0 f1 f2 d
    printf '%s\n' "name = \"$name\"" 'type = "hvm"' "firmware_override = \"$XK_GUESTS/xk-hvm\"" \
        'memory = 32' 'vnc = 0' 'on_poweroff = "preserve"' > "$name.cfg"
    rm -f "$(console_log "$name")"
    forks; f0=$FORKS
    t0=${EPOCHREALTIME/./}
    $(tool "$who") create -q "$name.cfg" > out.last 2> err.last || { cat err.last; fail "create $name ($who)"; }
    t1=${EPOCHREALTIME/./}
    forks; f1=$FORKS
    wait_marker "$name" XK-GUEST-UP 60
    t2=${EPOCHREALTIME/./}
    d=$($REF_XL domid "$name") || fail "$name has no domid"
    forks; f2=$FORKS
    t3=${EPOCHREALTIME/./}
    $(tool "$who") destroy "$name" > out.last 2> err.last || { cat err.last; fail "destroy $name ($who)"; }
    t4=${EPOCHREALTIME/./}
    forks
    dev_clean "$name ($who)" "$d"
    [ "$timed" = 1 ] || return 0
    bench_record "$who" "$t0" "$t1" "$t2" "$t3" "$t4" "$f0" "$f1" "$f2" "$FORKS"
}

dev_baseline
step "warm-up: $NW untimed cycle(s) per tool"
for ((r = 0; r < NW; r++)); do for who in ours ref; do cycle "$who" "hw-$who-$r" 0; done; done
step "$N timed cycles per tool, alternating"
for ((r = 0; r < N; r++)); do for who in ours ref; do cycle "$who" "hb-$who-$r" 1; done; done

echo
echo "HVM guest with QEMU (xenfv, no VNC), xk-hvm as firmware: ms, median of $N; ratio = ours / reference"
printf '%-30s %9s %9s %6s\n' operation ours reference ratio
row "create (returns)" create ref
row "create -> XK-GUEST-UP" up ref
row "destroy" destroy ref
crow "clones in create" cc ref
crow "clones in destroy" dc ref
echo
echo "samples (1/100 ms; clones as counted):"
for k in "${!SAMPLES[@]}"; do echo "  $k:${SAMPLES[$k]}"; done | sort
