#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 600
# Every step of xl create fails in turn (XKIT_FAULT_STEP, a test knob read
# by xl and passed to the library as a context option), then every fault
# point inside the steps (XKIT_FAULT_POINT=N: the Nth fallible call of the
# create fails, through the path a real failure there takes, so each
# step's release of its own partial work runs): each time xl says so in
# one line, exits 1, and nothing is left: no domain, no xenstore node
# (/local/domain/N, /vm/UUID, /libxl/N, console backend), no state file,
# and Xen's free memory is back where it was.
. /xk/lib.sh
# inspect xenstore with Debian's tools (the reference), not ours
PATH=$REF_BIN:$PATH

STATEDIR=/var/lib/xkit
declare -A points
for type in pv pvh; do
    printf '%s\n' "name = \"flt-$type\"" "type = \"$type\"" "kernel = \"$XK_GUESTS/xk-$type\"" \
        "memory = 32" 'extra = "xk.mode=sleep"' 'tsc_mode = "native"' 'vcpus = 2' \
        'cpus = ["0", "all"]' > flt-$type.cfg
done
snapshot() {
    xenstore-ls /local/domain | grep -c '^[0-9]' ; xenstore-ls -f /vm /libxl 2>/dev/null
    xenstore-ls -f /local/domain/0/backend 2>/dev/null
}
snapshot > before.xs
free0=$(free_kb)
nsteps=12
# polled by wait_for as functions (no sh per poll: 44 failed creates here)
gone() { ! $REF_XL domid flt-$type; }
mem_back() { [ "$($REF_XL info | awk '/^free_memory/ {print $3 * 1024}')" -ge $free0 ]; }
# nothing left behind after failure "$1"
left_nothing() {
    wait_for 10 gone || fail "$1: domain left"
    snapshot > after.xs
    diff -u before.xs after.xs || fail "$1: xenstore left behind"
    [ -z "$(ls $STATEDIR 2>/dev/null | grep '\.json$')" ] || fail "$1: state file left"
    wait_for 10 mem_back || fail "$1: free memory $(free_kb) KiB, was $free0 KiB"
}
for type in pv pvh; do
    for n in $(seq 1 $nsteps); do
        XKIT_FAULT_STEP=$n $XL create -q flt-$type.cfg 2> err
        rc=$?
        msg=$(cat err)
        echo "$type step $n: rc $rc: $msg"
        [ $rc = 1 ] || fail "step $n: rc $rc"
        [ "$(wc -l < err)" = 1 ] || fail "step $n: not one line"
        grep -q "^xl: create flt-$type: step $n (.*): injected fault" err || fail "step $n: message"
        left_nothing "step $n"
    done
    # every fault point inside the steps, until one past the last: then
    # the create goes through (and is destroyed)
    p=1
    while :; do
        XKIT_FAULT_POINT=$p $XL create -q flt-$type.cfg 2> err
        rc=$?
        msg=$(cat err)
        if [ $rc = 0 ]; then
            echo "$type fault point $p: past the last one, created"
            $XL destroy flt-$type || fail "destroy after fault point $p"
            break
        fi
        echo "$type fault point $p: rc $rc: $msg"
        [ $rc = 1 ] || fail "point $p: rc $rc"
        [ "$(wc -l < err)" = 1 ] || fail "point $p: not one line"
        grep -q "^xl: create flt-$type: step [0-9]* (.*): injected fault at fault point $p (XKIT_FAULT_POINT)\$" err ||
            fail "point $p: message"
        left_nothing "fault point $p"
        p=$((p + 1))
        [ $p -le 100 ] || fail "more than 100 fault points?"
    done
    # lock 1, kernel 2, limits 3 (2 vcpus pinned), xenstore 1, xenstore-built 1, save 1
    [ $p -gt 9 ] || fail "only $((p - 1)) fault points for $type"
    points[$type]=$((p - 1))
    # and without a fault it works, so the knob is what failed the steps
    $XL create -q flt-$type.cfg || fail "create without a fault"
    $XL destroy flt-$type || fail "destroy"
done
echo "xl-faults: $nsteps steps and ${points[pv]} / ${points[pvh]} fault points (pv / pvh), each undone"
