#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 120
# xkit-watchdogd through its init.d script keeps dom0's Xen watchdog fed:
# with a 4 s timeout and a poke every second, dom0 lives through 10 s
# (a watchdog not fed would make Xen reboot the lab's host, ending the
# run); a clean stop removes the watchdog (dom0 lives on past its
# timeout); arguments that cannot work are refused.
. /xk/lib.sh

step "usage errors"
for a in "" "0" "4 4" "4 9" "x" "4 1 2"; do
    # shellcheck disable=SC2086
    /usr/local/sbin/xkit-watchdogd -F $a 2> err; rc=$?
    [ $rc = 2 ] || fail "xkit-watchdogd '$a': rc $rc, not 2"
done
echo "refused: no timeout, 0, an interval not shorter than the timeout, words, extra arguments"

step "fed: 4 s timeout, poked every second, 10 s"
echo 'XKIT_WATCHDOG_ARGS="4 1"' >> /etc/default/xkit
trap 'sed -i "/^XKIT_WATCHDOG_ARGS=\"4 1\"$/d" /etc/default/xkit' EXIT
/etc/init.d/xkit-watchdog start || fail "start"
pid=$(cat /run/xkit-watchdogd.pid) || fail "no pid file"
/etc/init.d/xkit-watchdog status || fail "status"
sleep 10
kill -0 "$pid" || fail "the daemon died"
$REF_XL dmesg | grep -i "watchdog" | tail -n 3
echo "dom0 alive 10 s after arming a 4 s watchdog (pid $pid)"

step "a clean stop removes the watchdog"
/etc/init.d/xkit-watchdog stop || fail "stop"
kill -0 "$pid" 2>/dev/null && fail "still running after stop"
[ -e /run/xkit-watchdogd.pid ] && fail "pid file left"
sleep 7
echo "dom0 alive 7 s after the stop: the watchdog was removed, not left to fire"

step "two watchdogs at once (Xen gives a domain two), a third is refused"
/usr/local/sbin/xkit-watchdogd -p wd1.pid 30 10 || fail "first"
/usr/local/sbin/xkit-watchdogd -p wd2.pid 30 10 || fail "second"
sleep 1
/usr/local/sbin/xkit-watchdogd -F 30 10 2> third.err; rc=$?
cat third.err
for p in wd1.pid wd2.pid; do kill -TERM "$(cat $p)"; done
sleep 1
[ $rc = 1 ] || fail "a third watchdog: rc $rc, not 1"
grep -q "watchdog" third.err || fail "the third's error does not say what failed"
