#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 900
# Domain events with more domains than one batch of the domain list: 130
# tiny paused guests first, then examples/manager.c (xk_manager, the
# public event API) creates two more, so its own guests are the 131st and
# 132nd domains (the event scan used to read only the first 128 from
# domid 1: these never got an event; both positions are checked to be
# past the 128th). While it waits, we destroy guest #5 and #129 of the
# 130 (below and past the 128th domain: the manager reports exactly those
# two deaths of others, and must not lose its own guests' events because
# of them), destroy the manager's first guest from outside (a death with
# no shutdown) and force its second to shut down (a shutdown, reason 0,
# then its death once the manager destroyed it). Then all 130 are
# destroyed and nothing is left. (130, not more: each guest costs about
# 0.6 s to create and destroy in the emulated dom0, and 130 exceed one
# batch as 200 did.)
. /xk/lib.sh
# inspect with Debian's tools (the reference), not ours
PATH=$REF_BIN:$PATH

[ -x "$XK_BIN/xk_manager" ] || fail "no xk_manager in $XK_BIN"
N=130        # guests: more than one 128-domain batch of the domain list
LATE=129     # the other guest destroyed past the 128th domain (#5 is below)
free0=$(free_kb)
dom0=$(dom_count)

# the smallest memory the test kernel builds in (paused: it never runs)
mem=
for m in 4 8 16; do
    printf '%s\n' 'name = "evm-probe"' 'type = "pv"' "kernel = \"$XK_GUESTS/xk-pv\"" \
        "memory = $m" 'extra = "xk.mode=sleep"' > probe.cfg
    if $XL create -p -e -q probe.cfg 2> probe.err; then
        $XL destroy evm-probe || fail "destroy the probe"
        mem=$m
        break
    fi
done
[ -n "$mem" ] || fail "no memory size works for a paused xk-pv: $(cat probe.err)"
echo "tiny guests: memory = $mem"
printf '%s\n' 'type = "pv"' "kernel = \"$XK_GUESTS/xk-pv\"" "memory = $mem" \
    'extra = "xk.mode=sleep"' > tiny.cfg

# when the manager fails: what state xenstored is in. (A failure leaves
# the guests to run-scenarios: it restarts a dead xenstored, then its
# leftovers destroys every domain, ours first.)
diagnose() {
    cat out mgr.err
    echo "xenstored: $(pidof xenstored oxenstored || echo 'not running')"
    dmesg | tail -n 15
    tail -n 15 /var/log/messages 2> /dev/null
    tail -n 5 /var/log/xen/monitord.log 2> /dev/null
}

t=$(now)
for ((i = 1; i <= N; i++)); do
    $XL create -p -e -q tiny.cfg "name=\"evm-$i\"" 2> err || fail "create evm-$i: $(cat err)"
done
echo "TIME $N paused guests created in $(elapsed "$t") s"
# every guest's domid and its position in the domain list (dom0 not
# counted), from one listing by Debian's xl (not one xl domid per guest)
$REF_XL list > list.txt || fail "$REF_XL list"
declare -a ids pos
n=0
while read -r name id _; do
    [ "$id" = 0 ] && continue
    n=$((n + 1))
    case $name in evm-[0-9]*) ids[${name#evm-}]=$id pos[${name#evm-}]=$n ;; esac
done < <(awk 'NR > 1' list.txt)
for ((i = 1; i <= N; i++)); do [ -n "${ids[i]:-}" ] || { cat list.txt; fail "no domid for evm-$i"; }; done
[ $((n + 1)) = $((dom0 + N)) ] || { cat list.txt; fail "expected $((dom0 + N)) domains, $((n + 1))"; }
echo "evm-5 is domain ${ids[5]} (position ${pos[5]}), evm-$LATE domain ${ids[LATE]} (position ${pos[LATE]})"
[ "${pos[5]}" -le 128 ] && [ "${pos[LATE]}" -gt 128 ] || fail "evm-5 is not below, or evm-$LATE not past, the 128th domain"

# the manager's two guests: both sleep until we act on them
for g in a b; do
    printf '%s\n' "name = \"evm-$g\"" 'type = "pv"' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 32' \
        'extra = "xk.mode=sleep"' > $g.cfg
done
timeout 300 "$XK_BIN/xk_manager" a.cfg b.cfg > out 2> mgr.err &
mgr=$!
wait_for 60 sh -c "[ \$(grep -c '^created ' out) = 2 ]" || { diagnose; fail "manager did not create its guests"; }
a=$(awk '$2 == "evm-a" { print $4 }' out)
b=$(awk '$2 == "evm-b" { print $4 }' out)
[ -n "$a" ] && [ -n "$b" ] || { cat out; fail "manager's domids"; }
# their place in the domain list: past the first 128 domains
pos_a=$($REF_XL list | awk -v d="$a" 'NR > 1 && $2 != 0 { n++ } $2 == d { print n }')
echo "manager's guests: domain $a (position $pos_a without dom0), domain $b"
[ "$pos_a" -gt 128 ] || fail "the manager's guest is not past the 128th domain"

# others dying does not disturb the manager (#5 below the 128th domain,
# #LATE past it, as its own guests are); our xl destroys them: Debian's
# would leave our state files (it does not know them)
$XL destroy "evm-5" || fail "destroy evm-5"
$XL destroy "evm-$LATE" || fail "destroy evm-$LATE"
# until the manager reported both (it flushes each line; was a fixed
# sleep 1): its own guests' events come after them. If they never come,
# the checks below fail naming the missing one.
wait_for 10 sh -c "[ \$(grep -c '^other death ' out) -ge 2 ]" || echo "the manager has not reported both deaths in 10 s"
# a death without a shutdown (our xl: Debian's would leave our state file)
$XL destroy "$a" || fail "destroy the manager's guest $a"
wait_for 30 grep -q "^death domain $a\$" out || { cat out mgr.err; fail "no death event for domain $a"; }
# a shutdown (reason 0: poweroff), which the manager answers by destroying it
$XL shutdown -F "$b" || fail "shutdown -F $b"
wait_for 30 grep -q "^death domain $b\$" out || { cat out mgr.err; fail "no death event for domain $b"; }
wait $mgr; rc=$?
cat out
[ -s mgr.err ] && cat mgr.err
[ $rc = 0 ] || fail "manager rc $rc"
grep -q "^shutdown domain $a " out && fail "a shutdown event for domain $a, which was destroyed"
grep -q "^shutdown domain $b reason 0\$" out || fail "no poweroff event for domain $b"
[ "$(grep -c "^death domain $a\$" out)" = 1 ] || fail "domain $a's death not reported exactly once"
[ "$(grep -c "^death domain $b\$" out)" = 1 ] || fail "domain $b's death not reported exactly once"
[ "$(grep -c '^shutdown ' out)" = 1 ] || fail "shutdown events for other domains"
[ "$(grep -c '^death ' out)" = 2 ] || fail "death events for other domains"

# the event stream reported exactly the two other deaths, #5 (below the
# 128th domain) and #LATE (past it), and nothing for the N - 2 still alive
grep -q "^other death domain ${ids[5]}\$" out || fail "no death event for evm-5 (domain ${ids[5]})"
grep -q "^other death domain ${ids[LATE]}\$" out || fail "no death event for evm-$LATE (domain ${ids[LATE]})"
[ "$(grep -c '^other ' out)" = 2 ] || fail "events for other domains than evm-5 and evm-$LATE"

# #5 and #LATE are gone, the other N - 2 still there
domid_of evm-5 >/dev/null && fail "evm-5 still there"
domid_of evm-$LATE >/dev/null && fail "evm-$LATE still there"
[ "$(dom_count)" = $((dom0 + N - 2)) ] || fail "expected $((dom0 + N - 2)) domains, $(dom_count)"

t=$(now)
for ((i = 1; i <= N; i++)); do
    [ $i = 5 ] || [ $i = $LATE ] && continue
    $XL destroy "evm-$i" || fail "destroy evm-$i"
done
echo "TIME $((N - 2)) guests destroyed in $(elapsed "$t") s"
[ "$(dom_count)" = "$dom0" ] || { $REF_XL list; fail "domains left"; }
[ -z "$(ls /var/lib/xkit 2>/dev/null | grep '\.json$')" ] || fail "state files left"
wait_for 30 sh -c "[ \$($REF_XL info | awk '/^free_memory/ {print \$3 * 1024}') -ge $free0 ]" ||
    fail "free memory $(free_kb) KiB, was $free0 KiB"
echo "xl-events-many: events past the 128th domain, all $N cleaned up"
