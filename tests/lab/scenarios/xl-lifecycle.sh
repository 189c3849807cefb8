#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 240
# Our xl's basic life cycle on the xk test kernels: create (PV and PVH),
# the xenstore layout compared node by node with what Debian's xl writes
# for the same config, list/domid/domname/uptime/vcpu-list in Debian's
# columns, pause/unpause, rename, mem-set/mem-max, vcpu-set, sched-credit2,
# then destroy leaves nothing behind.
. /xk/lib.sh
# inspect xenstore with Debian's tools (the reference), not ours
PATH=$REF_BIN:$PATH
# paused XL NAME: the p of the State column is set
paused() { $1 list "$2" | awk 'NR == 2 { exit !(substr($5, 3, 1) == "p") }'; }

STATEDIR=/var/lib/xkit
# cfg NAME TYPE MODE [extra lines...]
cfg() {
    local name=$1 type=$2 mode=$3; shift 3
    {
        echo "name = \"$name\""
        echo "type = \"$type\""
        echo "kernel = \"$XK_GUESTS/xk-$type\""
        echo "memory = 32"
        echo "vcpus = 2"
        echo "extra = \"xk.mode=$mode xk.msg=$name\""
        echo 'tsc_mode = "native"'
        for l in "$@"; do echo "$l"; done
    } > "$name.cfg"
}

# layout DOMID: the domain's xenstore nodes with ids, uuids, frames,
# ports, times and ttys replaced, sorted (node order is not semantic)
layout() {
    local d=$1 vm
    vm=$(xenstore-read /local/domain/$d/vm)
    { xenstore-ls -fp /local/domain/$d; xenstore-ls -fp "$vm"; xenstore-ls -fp /libxl/$d
      xenstore-ls -fp /local/domain/0/backend/console/$d | sed 's/^/BACKEND /'; } |
        sed -e "s|${vm#/vm/}|UUID|g" -e "s|/domain/$d\b|/domain/D|g" -e "s|/libxl/$d\b|/libxl/D|g" \
            -e "s|console/$d\b|console/D|g" -e "s|\([(,][rwnb]\)$d\([,)]\)|\1D\2|g" \
            -e "s|^\(.*/\(ring-ref\|port\|start_time\|tty\|domid\|frontend-id\)\) = \"[^\"]*\"|\1 = \"X\"|" \
            -e "s|\(name\) = \"[^\"]*\"|\1 = \"NAME\"|" -e "s|\(image/kernel\) = .*|\1 = K|" \
            -e "s|\(image/cmdline\) = .*|\1 = C|" | sort
}

for type in pv pvh; do
    step "$type: create with Debian's xl and ours, compare the xenstore layouts"
    cfg ref-$type $type sleep
    cfg xk-$type $type sleep
    $REF_XL create -q ref-$type.cfg || fail "reference create"
    t=$(now)
    $XL create xk-$type.cfg || fail "our create $type"
    echo "TIME $type: xl create took $(elapsed "$t") s"
    d=$($XL domid xk-$type) || fail "xl domid"
    r=$($REF_XL domid ref-$type)
    [ "$($REF_XL domid xk-$type)" = "$d" ] || fail "Debian's xl disagrees on the domid"
    [ "$($XL domname "$d")" = xk-$type ] || fail "xl domname"
    wait_console xk-$type XK-GUEST-SLEEP 60 || fail "our $type guest did not boot to sleep"
    wait_console ref-$type XK-GUEST-SLEEP 60 || fail "reference $type guest did not boot"
    layout "$r" > ref.layout
    layout "$d" > our.layout
    if ! diff -u ref.layout our.layout; then
        fail "$type: xenstore layout differs from Debian's xl (- Debian, + ours)"
    fi
    echo "$type layout: $(wc -l < our.layout) nodes identical"
    ls -la $STATEDIR
    [ -s $STATEDIR/$(xenstore-read /local/domain/$d/vm | sed 's|/vm/||').json ] || fail "no state file"
done

step "xl list: the same columns as Debian's (CPU times blanked)"
norm() { sed -E 's/ +[0-9]+\.[0-9]( |$)/ T\1/'; }
$XL list | norm > our.list
$REF_XL list | norm > ref.list
diff -u ref.list our.list || fail "xl list differs"
cat our.list
$XL list -v | norm > our.listv; $REF_XL list -v | norm > ref.listv
diff -u ref.listv our.listv || fail "xl list -v differs"
$XL list xk-pv | grep -q '^xk-pv ' || fail "xl list DOMAIN"
$XL list nosuch 2>err; rc=$?; cat err
[ $rc = 1 ] && grep -qx "nosuch is an invalid domain identifier (rc=-6)" err || fail "xl list nosuch: rc $rc, not in Xen's words"
[ "$(wc -l < err)" = 1 ] || fail "error is not one line"
$XL list -l xk-pv > long.json || fail "xl list -l"
grep -q '"name": "xk-pv"' long.json || { cat long.json; fail "list -l has no name"; }
$XL list -l ref-pv | grep -q '"name": "ref-pv"' || fail "list -l of a Debian domain"
$XL vcpu-list > our.vcpu; $REF_XL vcpu-list > ref.vcpu
# Blank what changes between two calls: CPU times, the pcpu a vcpu is on,
# and the state of dom0's vcpus (the one running xl shows r, the others b).
vnorm() {
    sed -E -e 's/ +[0-9]+\.[0-9]  / T  /' \
        -e 's/^([^ ]+ +[0-9]+ +[0-9]+ +)[0-9]+ /\1C /' \
        -e 's/^(Domain-0 +0 +[0-9]+ +C +)[-rbp]{3}/\1SSS/' "$1"
}
vnorm our.vcpu > a; vnorm ref.vcpu > b
diff -u b a || fail "vcpu-list differs"
$XL uptime | sed -E 's/[0-9]+:[0-9]+:[0-9]+/U/' > a; $REF_XL uptime | sed -E 's/[0-9]+:[0-9]+:[0-9]+/U/' > b
diff -u b a || fail "uptime differs"
$XL sched-credit2 > a; $REF_XL sched-credit2 > b
diff -u b a || fail "sched-credit2 differs"

step "pause, unpause, rename, memory, vcpus, credit2"
$XL pause xk-pv && paused $REF_XL xk-pv || fail "pause"
$XL unpause xk-pv && ! paused $REF_XL xk-pv || fail "unpause"
$XL rename xk-pv xk-pv2 || fail "rename"
[ "$($REF_XL domid xk-pv2)" = "$($XL domid xk-pv2)" ] || fail "Debian's xl does not see the new name"
$XL rename xk-pv2 xk-pvh 2>err && fail "rename onto an existing name worked"; cat err
$XL rename xk-pv2 xk-pv || fail "rename back"
$XL mem-max xk-pv 64 || fail "mem-max"
[ "$(xenstore-read /local/domain/$($XL domid xk-pv)/memory/static-max)" = 65536 ] || fail "static-max"
$XL mem-set xk-pv 16m || fail "mem-set"
[ "$(xenstore-read /local/domain/$($XL domid xk-pv)/memory/target)" = 16384 ] || fail "target"
$XL mem-set xk-pv 128 2>err && fail "mem-set above max worked"; cat err
$XL vcpu-set xk-pv 1 || fail "vcpu-set"
[ "$(xenstore-read /local/domain/$($XL domid xk-pv)/cpu/1/availability)" = offline ] || fail "vcpu-set node"
$XL vcpu-set xk-pv 3 2>err && fail "vcpu-set above max worked"; cat err
$XL vcpu-pin xk-pv 0 0 || fail "vcpu-pin"
$REF_XL vcpu-list xk-pv | awk 'NR==2 {print $NF, $(NF-2)}'
$REF_XL vcpu-list xk-pv | awk 'NR==2 && $(NF-2) == "0" {ok=1} END {exit !ok}' || fail "pin not seen"
$XL sched-credit2 -d xk-pv -w 512 -c 50 || fail "sched-credit2 set"
$REF_XL sched-credit2 -d xk-pv | grep -Eq ' 512 +50$' || fail "credit2 not applied"

step "destroy: nothing left"
for n in xk-pv xk-pvh ref-pv ref-pvh; do
    d=$($XL domid $n); vm=$(xenstore-read /local/domain/$d/vm)
    $XL destroy $n || fail "destroy $n"
    wait_for 10 sh -c "! $REF_XL domid $n" || fail "$n still there"
    for p in /local/domain/$d $vm /libxl/$d /local/domain/0/backend/console/$d; do
        xenstore-exists $p 2>/dev/null && fail "$n: $p left behind"
    done
    ls /var/lib/xen/ | grep -q "userdata-d.$d\." && fail "$n: libxl userdata left"
done
ls $STATEDIR
[ -z "$(ls $STATEDIR | grep json)" ] || fail "state files left"
$XL destroy 0 2>err && fail "destroyed dom0?"; cat err
$XL destroy nosuch 2>err; [ $? = 1 ] || fail "destroy nosuch rc"; cat err
$XL pause 2>/dev/null; [ $? = 2 ] || fail "usage rc"
echo "xl-lifecycle: all passed"
