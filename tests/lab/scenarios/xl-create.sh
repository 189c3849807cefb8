#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 240
# xl create's options on the xk test kernels: -c shows the guest's first
# words and returns when it is gone, -p leaves it paused, -e leaves no
# monitor, -F monitors in the foreground, -n only prints the config, a
# second create of the same name fails, two concurrent creates of one name
# give one domain and one clear error, and shutdown/reboot -w/-F.
. /xk/lib.sh
# inspect xenstore with Debian's tools (the reference), not ours
PATH=$REF_BIN:$PATH
# paused XL NAME: the p of the State column is set
paused() { $1 list "$2" | awk 'NR == 2 { exit !(substr($5, 3, 1) == "p") }'; }

STATEDIR=/var/lib/xkit
cfg() {   # cfg NAME TYPE MODE [lines...]
    local name=$1 type=$2 mode=$3; shift 3
    printf '%s\n' "name = \"$name\"" "type = \"$type\"" "kernel = \"$XK_GUESTS/xk-$type\"" \
        "memory = 32" "extra = \"xk.mode=$mode xk.msg=$name\"" 'tsc_mode = "native"' "$@" > "$name.cfg"
}
exists() { $REF_XL domid "$1" >/dev/null 2>&1; }
gone() { ! exists "$1"; }

for type in pv pvh; do
    step "$type: create -c prints the marker and returns when the guest is gone"
    cfg c-$type $type poweroff
    t=$(now)
    timeout 60 $XL create -c c-$type.cfg < /dev/null > console.out 2> console.err
    rc=$?
    cat console.err
    echo "TIME $type: create -c -> guest gone in $(elapsed "$t") s"
    [ $rc = 0 ] || { cat console.out; $REF_XL list; ls -l /var/lib/xkit; fail "create -c rc $rc"; }
    grep -q "XK-GUEST-UP type=$type" console.out || { cat console.out; fail "no marker on our console"; }
    wait_for 10 gone c-$type || fail "c-$type not destroyed by on_poweroff"
done

step "-p: created paused; unpause runs it"
cfg p1 pv sleep
$XL create -p p1.cfg || fail "create -p"
paused $REF_XL p1 || { $REF_XL list; fail "not paused"; }
$XL unpause p1 || fail "unpause"
wait_console p1 XK-GUEST-SLEEP 30 || fail "p1 did not run"

step "same name twice: the second create fails and leaves the first alone"
$XL create p1.cfg 2> err && fail "second create of p1 worked"
cat err
[ "$(wc -l < err)" -le 2 ] && grep -q "^xl: create p1: domain [0-9]* already has that name" err || fail "unclear error"
[ "$($REF_XL list | grep -c '^p1 ')" = 1 ] || fail "two p1 domains"

step "shutdown of a guest without PV drivers: from outside; -w waits"
t=$(now)
$XL shutdown -w p1 || fail "shutdown -w"
echo "TIME shutdown -w: $(elapsed "$t") s"
wait_for 10 gone p1 || fail "p1 not gone after shutdown (on_poweroff=destroy)"

step "reboot -F with on_reboot=destroy"
cfg r1 pvh sleep 'on_reboot = "destroy"'
$XL create r1.cfg || fail "create r1"
wait_console r1 XK-GUEST-SLEEP 30 || fail "r1 did not boot"
$XL reboot -F r1 || fail "reboot -F"
wait_for 10 gone r1 || fail "r1 not gone after reboot with on_reboot=destroy"

step "-e: no monitor, the powered-off guest stays shut down"
cfg e1 pv poweroff
$XL create -e e1.cfg || fail "create -e"
wait_for 30 sh -c "$REF_XL list e1 | grep -q -- '---s--'" || { $REF_XL list; fail "e1 not left shut down"; }
$XL destroy e1 || fail "destroy e1"

step "-F: the monitor in the foreground returns when the guest is gone"
cfg f1 pvh poweroff
timeout 60 $XL create -F f1.cfg || fail "create -F"
gone f1 || fail "f1 still there after create -F returned"

step "-n: dry run prints the config, creates nothing"
n0=$(dom_count)
$XL create -n f1.cfg > f1.json || fail "create -n"
grep -q '"name": "f1"' f1.json || fail "no JSON"
[ "$(dom_count)" = "$n0" ] || fail "create -n created a domain"

step "two concurrent creates of one name: one domain, one error"
cfg twin pv sleep
$XL create twin.cfg 2> e1 & a=$!
$XL create twin.cfg 2> e2 & b=$!
wait $a; ra=$?; wait $b; rb=$?
cat e1 e2
[ $((ra + rb)) = 1 ] || fail "rc $ra and $rb: expected one success, one failure"
grep -hq "already has that name" e1 e2 || fail "no clear error"
[ "$($REF_XL list | grep -c '^twin ')" = 1 ] || { $REF_XL list; fail "not exactly one twin"; }
$XL destroy twin

step "key=value overrides the file; shutdown -a -w takes every guest down"
cfg o1 pv sleep
cfg o2 pvh sleep
$XL create o1.cfg memory=48 'cpus="1"' 'extra="xk.mode=sleep xk.msg=override"' || fail "create with overrides"
$XL create -q o2.cfg || fail "create o2"
[ "$(xenstore-read /local/domain/$($XL domid o1)/memory/static-max)" = 49152 ] || fail "memory=48 ignored"
wait_console o1 "XK-GUEST-MSG override" 30 || fail "extra= override ignored"
[ "$($REF_XL vcpu-list o1 | awk 'NR == 2 { print $(NF - 2) }')" = 1 ] || { $REF_XL vcpu-list o1; fail "cpus=1 not applied"; }
wait_console o2 XK-GUEST-SLEEP 30 >/dev/null || fail "o2 did not boot"
$XL shutdown -a -w || fail "shutdown -a -w"
wait_for 10 sh -c "! $REF_XL domid o1 && ! $REF_XL domid o2" || fail "not all gone"

step "nothing left"
sleep 1
ls $STATEDIR
[ -z "$(ls $STATEDIR | grep '\.json$')" ] || fail "state files left"
[ "$(dom_count)" = 1 ] || { $REF_XL list; fail "domains left"; }
echo "xl-create: all passed"
