#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 300
# The host's monitor daemon (xl __monitord): one process carries out the
# on_* actions of every guest our xl creates, where Xen's xl keeps one per
# guest. Its list is /var/lib/xkit/monitor/DOMID; it follows restarts,
# leaves Debian's xl's guests (and create -e) alone, cleans up after a
# domain someone else destroyed, and a daemon started again (on demand, by
# the next create) acts on what happened while none ran.
. /xk/lib.sh
PATH=$REF_BIN:$PATH

STATEDIR=/var/lib/xkit
cfg() {   # cfg NAME MODE [lines...]
    local name=$1 mode=$2; shift 2
    printf '%s\n' "name = \"$name\"" 'type = "pv"' "kernel = \"$XK_GUESTS/xk-pv\"" \
        "memory = 16" "extra = \"xk.mode=$mode xk.msg=$name\"" "$@" > "$name.cfg"
}
exists() { $REF_XL domid "$1" >/dev/null 2>&1; }
gone() { ! exists "$1"; }
# (busybox's timeout leaves a watcher "timeout 10 xl __monitord" behind)
daemons() { ps -o pid,args | awk '$2 ~ /(^|\/)xl$/ && $3 == "__monitord" && NF == 3 { print $1 }'; }
entry() { [ -e "$STATEDIR/monitor/$1" ]; }
dev_baseline

step "one daemon for 8 guests, each on its list"
n0=$(ls $STATEDIR/monitor 2>/dev/null | wc -l)
t=$(now)
for i in 1 2 3 4 5 6 7 8; do
    cfg m$i sleep 'on_reboot = "restart"'
    $XL create -q m$i.cfg || fail "create m$i"
done
echo "TIME 8 creates: $(elapsed "$t") s"
has_daemon() { [ -n "$(daemons)" ]; }
wait_for 5 has_daemon || { ps -o pid,args; fail "no monitor daemon"; }
pids=$(daemons)
[ "$(echo "$pids" | wc -w)" = 1 ] || { ps -o pid,args; fail "not one monitor daemon: $pids"; }
pid=$pids
for i in 1 2 3 4 5 6 7 8; do
    d=$($XL domid m$i) || fail "m$i not running"
    entry "$d" || fail "m$i (domain $d) not on the daemon's list"
    [ "$(sed -n 2p $STATEDIR/monitor/$d)" = m$i ] || fail "m$i: entry names $(sed -n 2p $STATEDIR/monitor/$d)"
done
[ "$(ls $STATEDIR/monitor | wc -l)" = $((n0 + 8)) ] || { ls -l $STATEDIR/monitor; fail "list: not 8 new entries"; }
rss=$(awk '/^VmRSS/ { print $2 }' /proc/$pid/status)
echo "monitor daemon pid $pid: VmRSS $rss KiB for 8 guests (Xen's xl: a process per guest)"
[ "$rss" -lt 16384 ] || fail "monitor daemon RSS $rss KiB"
grep "serves this host" $STATEDIR/monitord.log | tail -n 1

step "a second daemon leaves at once, the first stays"
timeout 10 $XL __monitord; rc=$?
[ $rc = 0 ] || fail "second daemon: rc $rc"
[ "$(daemons)" = "$pid" ] || fail "daemons now: $(daemons)"

step "reboot with on_reboot=restart: the entry follows the new domain"
d1=$($XL domid m2)
$XL reboot m2 || fail "reboot m2"
wait_for 30 sh -c "d=\$($XL domid m2 2>/dev/null) && [ \"\$d\" != $d1 ]" || fail "m2 not restarted"
d2=$($XL domid m2)
wait_for 5 sh -c "[ -e $STATEDIR/monitor/$d2 ] && [ ! -e $STATEDIR/monitor/$d1 ]" ||
    { ls $STATEDIR/monitor; fail "entry did not follow $d1 -> $d2"; }
grep -q "restarted as domain $d2" $STATEDIR/monitor-m2.log || { cat $STATEDIR/monitor-m2.log; fail "restart not logged"; }
echo "m2: domain $d1 -> $d2, entry moved"

step "Debian's xl destroys one of ours: its state and entry go"
d3=$($XL domid m3); u3=$(xenstore-read /local/domain/$d3/vm); u3=${u3#/vm/}
[ -e $STATEDIR/$u3.json ] || fail "m3 has no state file"
$REF_XL destroy m3 || fail "Debian's xl destroy m3"
wait_for 5 sh -c "[ ! -e $STATEDIR/$u3.json ] && [ ! -e $STATEDIR/monitor/$d3 ]" ||
    fail "m3's state or entry left"

step "guests of Debian's xl and of create -e are not on the list"
cfg r1 sleep
$REF_XL create -q r1.cfg || fail "Debian's xl create"
dr=$($XL domid r1) || fail "no domid of r1"
entry "$dr" && fail "Debian's xl's guest on our list"
cfg e1 poweroff 'on_poweroff = "destroy"'
$XL create -q -e e1.cfg || fail "create -e"
de=$($XL domid e1) || fail "no domid of e1"
sleep 2
exists e1 || fail "create -e: the daemon acted on a guest not left to it"
entry "$de" && fail "create -e guest on the list"
$REF_XL destroy r1; $XL destroy e1

step "the daemon killed: what happens meanwhile is acted on when one starts again"
cfg p1 poweroff 'on_poweroff = "destroy"'
$XL create -q -p p1.cfg || fail "create -p p1"
kill -9 "$pid"
wait_for 5 eval '! has_daemon' || fail "daemon still there"
$XL unpause p1 || fail "unpause p1"
wait_for 10 sh -c "$XL list p1 | grep -q -- '---s--'" || { $XL list; fail "p1 did not shut down"; }
d4=$($XL domid m4); u4=$(xenstore-read /local/domain/$d4/vm); u4=${u4#/vm/}
$REF_XL destroy m4 || fail "Debian's xl destroy m4"
sleep 1
exists p1 || fail "p1 went with no daemon running"
[ -e $STATEDIR/monitor/$d4 ] || fail "m4's entry went with no daemon running"
# the next create starts a daemon, which reads the list
t=$(now)
cfg q1 sleep
$XL create -q q1.cfg || fail "create q1"
wait_for 10 gone p1 || { cat $STATEDIR/monitord.log; fail "p1 not destroyed by the new daemon"; }
echo "TIME new daemon acted on p1 in $(elapsed "$t") s"
grep -q "shut down (poweroff): action destroy" $STATEDIR/monitor-p1.log || fail "p1's action not logged"
wait_for 5 sh -c "[ ! -e $STATEDIR/$u4.json ] && [ ! -e $STATEDIR/monitor/$d4 ]" || fail "m4's state left"
new=$(daemons)
[ "$(echo "$new" | wc -w)" = 1 ] && [ "$new" != "$pid" ] || fail "daemons now: $new"
entry "$($XL domid q1)" || fail "q1 not on the list"
grep "serves this host" $STATEDIR/monitord.log | tail -n 1

step "the restarted daemon still acts on the guests it found"
d5=$($XL domid m5)
$XL reboot m5 || fail "reboot m5"
wait_for 30 sh -c "d=\$($XL domid m5 2>/dev/null) && [ \"\$d\" != $d5 ]" || fail "m5 not restarted by the new daemon"

step "destroy all: the list is as it was"
for g in m1 m2 m5 m6 m7 m8 q1; do $XL destroy $g || fail "destroy $g"; done
wait_for 5 sh -c "[ \$(ls $STATEDIR/monitor | wc -l) = $n0 ]" || { ls -l $STATEDIR/monitor; fail "entries left"; }
dev_clean "monitor daemon"
[ "$(daemons)" = "$new" ] || fail "the daemon went away"

step "the service: status, stop (the guests run on), start, start again"
cfg s1 poweroff 'on_poweroff = "destroy"'
$XL create -q -p s1.cfg || fail "create -p s1"
/etc/init.d/xkit-monitord status | grep -q "running (pid $new)" || fail "status: not pid $new"
/etc/init.d/xkit-monitord stop || fail "stop"
[ -z "$(daemons)" ] || fail "stop left $(daemons)"
/etc/init.d/xkit-monitord status; [ $? = 3 ] || fail "status of a stopped daemon: not 3"
$XL unpause s1 || fail "unpause s1"
wait_for 10 sh -c "$XL list s1 | grep -q -- '---s--'" || fail "s1 did not shut down"
/etc/init.d/xkit-monitord start || fail "start"
wait_for 10 gone s1 || fail "s1 not destroyed by the service's daemon"
/etc/init.d/xkit-monitord start | grep -q "already running" || fail "second start"
[ "$(daemons | wc -w)" = 1 ] || fail "daemons: $(daemons)"
dev_clean "monitor service"
