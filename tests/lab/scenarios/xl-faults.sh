#!/bin/bash
# lab-timeout: 300
# Every step of xl create fails in turn (XKIT_FAULT_STEP, a test knob read
# by xl and passed to the library as a context option): each time xl says
# so in one line, exits 1, and nothing is left: no domain, no xenstore node
# (/local/domain/N, /vm/UUID, /libxl/N, console backend), no state file,
# and Xen's free memory is back where it was.
. /xk/lib.sh
# inspect xenstore with Debian's tools (the reference), not ours
PATH=$REF_BIN:$PATH

STATEDIR=/var/lib/xkit
for type in pv pvh; do
    printf '%s\n' "name = \"flt-$type\"" "type = \"$type\"" "kernel = \"$XK_GUESTS/xk-$type\"" \
        "memory = 32" 'extra = "xk.mode=sleep"' 'tsc_mode = "native"' > flt-$type.cfg
done
snapshot() {
    xenstore-ls /local/domain | grep -c '^[0-9]' ; xenstore-ls -f /vm /libxl 2>/dev/null
    xenstore-ls -f /local/domain/0/backend 2>/dev/null
}
snapshot > before.xs
free0=$(free_kb)
nsteps=11
for type in pv pvh; do
    for n in $(seq 1 $nsteps); do
        XKIT_FAULT_STEP=$n $XL create -q flt-$type.cfg 2> err
        rc=$?
        msg=$(cat err)
        echo "$type step $n: rc $rc: $msg"
        [ $rc = 1 ] || fail "step $n: rc $rc"
        [ "$(wc -l < err)" = 1 ] || fail "step $n: not one line"
        grep -q "^xl: create flt-$type: step $n (.*): injected fault" err || fail "step $n: message"
        wait_for 10 sh -c "! $REF_XL domid flt-$type" || fail "step $n: domain left"
        snapshot > after.xs
        diff -u before.xs after.xs || fail "step $n: xenstore left behind"
        [ -z "$(ls $STATEDIR 2>/dev/null | grep '\.json$')" ] || fail "step $n: state file left"
        wait_for 10 sh -c "[ \$($REF_XL info | awk '/^free_memory/ {print \$3 * 1024}') -ge $free0 ]" ||
            fail "step $n: free memory $(free_kb) KiB, was $free0 KiB"
    done
    # and without a fault it works, so the knob is what failed the steps
    $XL create -q flt-$type.cfg || fail "create without a fault"
    $XL destroy flt-$type || fail "destroy"
done
echo "xl-faults: $nsteps steps x 2 types, each undone"
