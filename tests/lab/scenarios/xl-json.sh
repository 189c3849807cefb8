#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 200
# The --json form of xl's listings: each is one well-formed JSON value
# (checked by json_query, dom0 has no jq) and says what the table says:
# list, vm-list, uptime, vcpu-list, cpupool-list, info, sched-credit2
# (domains and -s), the device lists
# (a guest's keyboards; empty lists of the others), pci-list,
# pci-assignable-list and usb-list.
. /xk/lib.sh
Q=$XK_BIN/json_query
[ -x $Q ] || fail "no $Q"
NAMES=
cleanup() { for n in $NAMES; do $XL destroy $n 2>/dev/null; done; }
trap cleanup EXIT
# js NAME ARGS...: xl ARGS > NAME.json, checked
js() {
    local n=$1; shift
    $XL "$@" > $n.json || fail "xl $*"
    $Q $n.json || { cat $n.json; fail "xl $*: not JSON"; }
}
col() { awk -v c=$1 'NR > 1 { print $c }'; }
same() { [ "$1" = "$2" ] || fail "$3: JSON says [$1], the table [$2]"; echo "$3: $(echo $1 | wc -w) values agree"; }

step "guests"
printf '%s\n' 'name = "js-pv"' 'type = "pv"' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 16' 'vcpus = 2' \
    'extra = "xk.mode=sleep"' "vkb = [ 'backend-type=linux,unique-id=K1', 'backend-type=qemu' ]" > pv.cfg
printf '%s\n' 'name = "js-pvh"' 'type = "pvh"' "kernel = \"$XK_GUESTS/xk-pvh\"" 'memory = 16' \
    'extra = "xk.mode=sleep"' 'tsc_mode = "native"' > pvh.cfg
$XL create -p -q pv.cfg || fail "create js-pv"
NAMES="js-pv"
$XL create -q pvh.cfg || fail "create js-pvh"
NAMES="$NAMES js-pvh"

step "domains"
js list list --json
same "$($Q list.json '[].name' | tr '\n' ' ')" "$($XL list | col 1 | tr '\n' ' ')" "list names"
same "$($Q list.json '[].domid' | tr '\n' ' ')" "$($XL list | col 2 | tr '\n' ' ')" "list domids"
[ "$($Q list.json '[].paused' | sed -n 2p)" = true ] || fail "js-pv is paused: $(cat list.json)"
js list1 list --json js-pvh
[ "$($Q list1.json '[].name')" = js-pvh ] || fail "list --json js-pvh: $(cat list1.json)"
js vm vm-list --json
same "$($Q vm.json '[].uuid' | tr '\n' ' ')" "$($XL vm-list | col 1 | tr '\n' ' ')" "vm-list uuids"
js up uptime --json
same "$($Q up.json '[].name' | tr '\n' ' ')" "$($XL uptime | col 1 | tr '\n' ' ')" "uptime names"
js vc vcpu-list --json js-pv
same "$($Q vc.json '[].vcpu' | tr '\n' ' ')" "$($XL vcpu-list js-pv | col 3 | tr '\n' ' ')" "vcpu-list vcpus"
$Q vc.json '[].hard_affinity[]' | grep -q . || fail "vcpu-list --json: no affinity CPUs"

step "host"
js pools cpupool-list --json
same "$($Q pools.json '[].name' | tr '\n' ' ')" "$($XL cpupool-list | col 1 | tr '\n' ' ')" "cpupool names"
same "$($Q pools.json '[].cpus[]' | wc -l)" "$($XL cpupool-list | awk 'NR > 1 { s += $2 } END { print s }')" "cpupool CPUs"
$XL info --json > info.json || fail "info --json"
$Q info.json || { cat info.json; fail "info --json: not JSON"; }
for f in total_memory nr_cpus xen_version host; do
    same "$($Q info.json .$f)" "$($XL info $f)" "info $f"
done
js sc sched-credit2 --json
same "$($Q sc.json '[].domid' | tr '\n' ' ')" "$($XL sched-credit2 | awk '$2 ~ /^[0-9]+$/ { print $2 }' | tr '\n' ' ')" "sched-credit2 domids"
same "$($Q sc.json '[].weight' | tr '\n' ' ')" "$($XL sched-credit2 | awk '$2 ~ /^[0-9]+$/ { print $3 }' | tr '\n' ' ')" "sched-credit2 weights"
js sp sched-credit2 -s --json
same "$($Q sp.json '[].ratelimit_us')" "$($XL sched-credit2 -s | sed -n 's/.*ratelimit=\([0-9]*\)us.*/\1/p')" "sched-credit2 -s ratelimit"
$XL info --json -n > /dev/null 2> e.err && fail "info --json -n succeeded"
grep -q "not the -n tables" e.err || fail "info --json -n: $(cat e.err)"

step "devices"
js vkb vkb-list --json js-pv
same "$($Q vkb.json '[].devid' | tr '\n' ' ')" "$($XL vkb-list js-pv | col 1 | tr '\n' ' ')" "vkb-list devids"
same "$($Q vkb.json '[].backend_type' | tr '\n' ' ')" "$($XL vkb-list js-pv | col 8 | tr '\n' ' ')" "vkb-list backends"
same "$($Q vkb.json '[].unique_id' | head -n1)" K1 "vkb-list unique-id"
for c in block-list network-list vtpm-list channel-list vdispl-list usb-list pci-list; do
    js empty $c --json js-pvh
    [ "$(tr -d ' \n' < empty.json)" = "[]" ] || fail "$c --json of a guest without any: $(cat empty.json)"
done
js pa pci-assignable-list --json 2> /dev/null
[ "$(tr -d ' \n' < pa.json)" = "[]" ] || fail "pci-assignable-list --json: $(cat pa.json)"
echo "empty lists: []"
$XL destroy js-pv; $XL destroy js-pvh
echo ok
