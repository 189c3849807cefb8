#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 240
# lab-phase: shutdown
# xendomains through its init.d script, at the end of the run as at a
# host's shutdown: start creates the guests of /etc/xen/auto that do not
# run (a broken config is named with its error), a second start leaves
# them; stop shuts every guest down side by side and destroys, at
# XENDOMAINS_STOP_MAXWAIT, one whose drivers never answer.
. /xk/lib.sh
PATH=$REF_BIN:$PATH
AUTO=/etc/xen/auto
cfg() {   # cfg NAME TYPE
    printf '%s\n' "name = \"$1\"" "type = \"$2\"" "kernel = \"$XK_GUESTS/xk-$2\"" "memory = 32" \
        "extra = \"xk.mode=sleep xk.msg=$1\"" 'tsc_mode = "native"' > "$AUTO/$1.cfg"
}
trap 'rm -f $AUTO/*.cfg' EXIT

step "start: the guests of $AUTO"
cfg auto-a pv; cfg auto-b pvh; cfg auto-c pv
printf 'name = "auto-broken"\nkernel = "/nonexistent"\nmemory = 32\n' > $AUTO/auto-broken.cfg
t=$(now)
/etc/init.d/xkit-xendomains start > start.out; rc=$?
cat start.out
[ $rc = 1 ] || fail "start with a broken config: rc $rc, not 1"
grep -q "auto-broken (from $AUTO/auto-broken.cfg) failed to start" start.out || fail "broken config not named"
grep -q "/nonexistent" start.out || fail "its error not shown"
for g in auto-a auto-b auto-c; do
    grep -q "started $g" start.out || fail "$g not started"
    wait_console $g XK-GUEST-SLEEP 30 >/dev/null || fail "$g did not boot"
    # created by our xl: on our monitor daemon's list
    [ -e /var/lib/xkit/monitor/$($XL domid $g) ] || fail "$g: no monitor of ours"
done
echo "TIME xendomains start, 3 guests: $(elapsed "$t") s"
# what Debian's own xendomains reads of `xl list -l` (its xen-init-list):
# each domain's domid and config.c_info.name, from our xl
$XL list -l > l.json || fail "list -l"
$XK_BIN/json_query l.json '[].config.c_info.name' | sort > names
$XK_BIN/json_query l.json '[].domid' > ids
printf 'Domain-0\nauto-a\nauto-b\nauto-c\n' | diff - names || fail "list -l names, as Debian's xen-init-list reads them"
[ "$(wc -l < ids)" = 4 ] || fail "list -l domids"
rm $AUTO/auto-broken.cfg
/etc/init.d/xkit-xendomains start > again.out || fail "second start"
[ "$(grep -c 'already running' again.out)" = 3 ] || { cat again.out; fail "second start: not 'already running' thrice"; }
[ "$(dom_count)" = 4 ] || fail "$(dom_count) domains, not 4"
/etc/init.d/xkit-xendomains status | tee status.out
[ "$(grep -c ' running$' status.out)" = 3 ] || fail "status"

step "stop: every guest shut down at once; one whose drivers never answer is destroyed at the limit"
# auto-c claims PV control (as its drivers would) and then never reads it
c=$(domid_of auto-c)
xenstore-write /local/domain/$c/control/feature-poweroff 1
t=$(now)
XENDOMAINS_SAVE=/var/lib/xen/save XENDOMAINS_STOP_MAXWAIT=6 /etc/init.d/xkit-xendomains stop > stop.out; rc=$?
cat stop.out
secs=$(elapsed "$t")
[ $rc = 0 ] || fail "stop: rc $rc"
[ "$(dom_count)" = 1 ] || { $REF_XL list; fail "guests left after stop"; }
for g in auto-a auto-b auto-c; do grep -q "shutting down $g" stop.out || fail "$g not asked"; done
grep -q "auto-c ($c) still running after 6 s: destroyed" stop.out || fail "auto-c not destroyed at the limit"
grep -q "cannot save guests yet" stop.out || fail "XENDOMAINS_SAVE not answered"
echo "TIME xendomains stop, 3 guests (one destroyed at the 6 s limit): $secs s"
awk -v s="$secs" 'BEGIN { exit !(s < 15) }' || fail "stop took $secs s: not side by side"
/etc/init.d/xkit-xendomains stop | grep -q "no guest running" || fail "stop with no guest"
