#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 300
# The monitor our xl create leaves behind carries out each on_* action end
# to end on the xk test kernels: destroy (after poweroff and watchdog), preserve, restart,
# rename-restart, coredump-destroy (a core in Xen's format, PV and PVH); and it notices a domain destroyed by
# someone else (Debian's xl) and removes our state file; a guest that
# crashes at every boot is restarted at most 5 times a minute.
. /xk/lib.sh
# inspect xenstore with Debian's tools (the reference), not ours
PATH=$REF_BIN:$PATH

STATEDIR=/var/lib/xkit
cfg() {   # cfg NAME TYPE MODE [lines...]
    local name=$1 type=$2 mode=$3; shift 3
    printf '%s\n' "name = \"$name\"" "type = \"$type\"" "kernel = \"$XK_GUESTS/xk-$type\"" \
        "memory = 32" "extra = \"xk.mode=$mode xk.msg=$name\"" 'tsc_mode = "native"' "$@" > "$name.cfg"
}
exists() { $REF_XL domid "$1" >/dev/null 2>&1; }
gone() { ! exists "$1"; }
state_files() { ls $STATEDIR | grep -c '\.json$'; }

for type in pv pvh; do
    step "$type: on_poweroff=destroy"
    cfg a-$type $type poweroff 'on_poweroff = "destroy"'
    t=$(now)
    $XL create a-$type.cfg || fail "create"
    wait_for 30 gone a-$type || fail "not destroyed"
    echo "TIME $type poweroff -> destroyed in $(elapsed "$t") s"
    wait_for 5 grep -q "shut down (poweroff): action destroy" $STATEDIR/monitor-a-$type.log ||
        fail "the monitor did not log its action"
    cat $STATEDIR/monitor-a-$type.log

    step "$type: on_watchdog=destroy (the guest arms a watchdog it never kicks)"
    cfg w-$type $type watchdog 'on_watchdog = "destroy"' 'on_poweroff = "preserve"' \
        'on_crash = "preserve"' 'on_reboot = "preserve"'
    $XL create w-$type.cfg || fail "create"
    wait_for 30 gone w-$type || { $XL list; cat $STATEDIR/monitor-w-$type.log; fail "watchdog: not destroyed"; }
    wait_console w-$type "XK-GUEST-WATCHDOG armed" 5 || fail "watchdog not armed"
    wait_for 5 grep -q "shut down (watchdog): action destroy" $STATEDIR/monitor-w-$type.log ||
        { cat $STATEDIR/monitor-w-$type.log; fail "the monitor did not log the watchdog action"; }

    step "$type: on_crash=preserve"
    cfg b-$type $type crash 'on_crash = "preserve"'
    $XL create b-$type.cfg || fail "create"
    wait_for 30 sh -c "$XL list b-$type | grep -q -- '---sc-'" || { $XL list; fail "not preserved crashed"; }
    sleep 1; exists b-$type || fail "preserved domain went away"
    $XL destroy b-$type || fail "destroy preserved"

    step "$type: on_reboot=restart (a new domain, same name and UUID)"
    cfg c-$type $type sleep 'on_reboot = "restart"'
    $XL create c-$type.cfg || fail "create"
    wait_console c-$type XK-GUEST-SLEEP 30 >/dev/null || fail "no boot"
    d1=$($XL domid c-$type); u1=$(xenstore-read /local/domain/$d1/vm)
    $XL reboot c-$type || fail "reboot"
    wait_for 30 sh -c "d=\$($XL domid c-$type 2>/dev/null) && [ \"\$d\" != $d1 ]" || fail "not restarted"
    d2=$($XL domid c-$type)
    [ "$(xenstore-read /local/domain/$d2/vm)" = "$u1" ] || fail "restart changed the UUID"
    echo "restarted: domain $d1 -> $d2"
    # the monitor logs the restart once the new domain exists: a moment later
    wait_for 5 grep -q "restarted as domain $d2" $STATEDIR/monitor-c-$type.log ||
        { cat $STATEDIR/monitor-c-$type.log; fail "restart not logged"; }
    sleep 2   # the new guest boots to sleep again
    [ "$($XL domid c-$type)" = $d2 ] || fail "restarted again without a reboot"
    $XL destroy c-$type || fail "destroy restarted"

    step "$type: on_poweroff=rename-restart (old one kept under a new name)"
    cfg d-$type $type sleep 'on_poweroff = "rename-restart"'
    $XL create d-$type.cfg || fail "create"
    d1=$($XL domid d-$type)
    wait_console d-$type XK-GUEST-SLEEP 30 >/dev/null || fail "no boot"
    $XL shutdown d-$type || fail "shutdown"
    wait_for 30 exists d-$type-old-$d1 || { $XL list; fail "old domain not renamed"; }
    wait_for 30 exists d-$type || { $XL list; fail "no new domain"; }
    [ "$($XL domid d-$type)" != "$d1" ] || fail "same domid"
    $XL destroy d-$type || fail "destroy new"
    $XL destroy d-$type-old-$d1 || fail "destroy old"

    step "$type: on_crash=coredump-destroy"
    cfg e-$type $type crash 'on_crash = "coredump-destroy"'
    $XL create e-$type.cfg || fail "create"
    wait_for 30 gone e-$type || fail "not destroyed"
    core=$(ls $STATEDIR/dump/e-$type.*.core) || fail "no core dump"
    ls -ls "$core"
    # Xen's dump-core format, with the guest's own words in its memory
    [ "$(head -c 4 "$core" | od -A n -t x1 | tr -d ' ')" = 7f454c46 ] || fail "the core is not ELF"
    grep -aq ".xen_pages" "$core" || fail "the core has no .xen_pages section"
    grep -aq "XK-GUEST-UP" "$core" || fail "the core does not hold the guest's memory"
    grep -aq "xk.mode=crash" "$core" || fail "the core lacks the guest's command line"
    rm -f "$core"

    step "$type: Debian's xl destroys our guest: our monitor drops the state file"
    cfg f-$type $type sleep
    $XL create f-$type.cfg || fail "create"
    n=$(state_files)
    $REF_XL destroy f-$type || fail "reference destroy"
    wait_for 10 sh -c "[ \$(ls $STATEDIR | grep -c '\.json\$') -lt $n ]" || fail "state file stayed"
done

step "a guest that crashes at every boot with on_crash=restart: restarted 5 times, then left"
cfg g-pv pv crash 'on_crash = "restart"'
t=$(now)
# (no domid lookup here: the guest may be between two of its lives)
$XL create -q g-pv.cfg || fail "create"
log=$STATEDIR/monitor-g-pv.log
wait_for 60 grep -q "not restarted again" $log || { cat $log; $XL list; fail "restarted without end"; }
echo "TIME crash loop stopped after $(elapsed "$t") s"
cat $log
[ "$(grep -c 'shut down (crash): action restart' $log)" = 6 ] || fail "not 6 crashes seen"
[ "$(grep -c 'restarted as domain' $log)" = 5 ] || fail "not restarted exactly 5 times"
grep -q "restarted 5 times in 60 s after a crash: not restarted again" $log || fail "the message"
sleep 2
$XL list g-pv | grep -q -- '---sc-' || { $XL list; fail "the last one is not left shut down (crashed)"; }
[ "$(dom_count)" = 2 ] || { $XL list; fail "more than the last g-pv left"; }
$XL destroy g-pv || fail "destroy the crash-looping guest"
sleep 1
[ "$(state_files)" = 0 ] || { ls $STATEDIR; fail "state files left"; }
[ "$(dom_count)" = 1 ] || { $XL list; fail "domains left"; }
echo "xl-actions: all passed"
