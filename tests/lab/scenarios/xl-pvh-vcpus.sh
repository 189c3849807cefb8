#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 600
# PVH guests find their vcpus through the ACPI tables libguest builds
# (RSDP in the start info, MADT with one local APIC per vcpu): Debian's
# Linux as a PVH guest with vcpus=2 runs on 2 CPUs, as the same guest
# created by Debian's xl does; maxvcpus=3 vcpus=1 runs 1 vcpu of 3
# possible (the MADT has all three: the guest offlines the two that
# xenstore's cpu/N/availability marks offline, as a PV guest does), and
# vcpu-set -i (3 vcpus on 2 CPUs) brings them online and back offline; acpi=0 gives a guest
# without ACPI, on one CPU.
. /xk/lib.sh
PATH=$REF_BIN:$PATH
[ -r "$XK_LINUX/vmlinuz" ] || skip "no $XK_LINUX/vmlinuz"
NAMES=
trap 'for n in $NAMES; do $REF_XL destroy $n 2>/dev/null; done' EXIT
# cpus NAME: the guest's XK-LINUX-CPUS line (after its boot)
cpus() {
    local l
    wait_console "$1" XK-LINUX-UP 240 > /dev/null || fail "$1: no XK-LINUX-UP"
    l=$(wait_console "$1" XK-LINUX-CPUS 30) || fail "$1: no XK-LINUX-CPUS"
    echo "${l#*XK-LINUX-CPUS }"
}
# boot TOOL NAME EXTRA LINE...: create the PVH Linux test guest
boot() {
    local tool=$1 name=$2 extra=$3 t; shift 3
    linux_cfg "$name" pvh "xk.mode=wait $extra" "$@"
    t=$(now)
    $tool create -q "$name.cfg" || fail "$tool create $name"
    NAMES="$NAMES $name"
    cpus "$name" > "$name.cpus"
    echo "$name: $(cat "$name.cpus") (up in $(elapsed "$t") s)"
}

step "vcpus=2: two CPUs, as with Debian's xl"
boot $XL smp2 "" "vcpus = 2"
boot $REF_XL smp2-ref "" "vcpus = 2"
grep -q "n=2 online=0-1 possible=0-1 acpi=yes" smp2.cpus || fail "ours: $(cat smp2.cpus)"
grep -q "n=2 online=0-1" smp2-ref.cpus || fail "Debian's xl: $(cat smp2-ref.cpus)"
[ "$($XL vcpu-list smp2 | awk 'NR > 1 && $5 ~ /r|b/' | wc -l)" = 2 ] || { $XL vcpu-list smp2; fail "vcpu-list: not 2 running vcpus"; }
$XL destroy smp2 && $REF_XL destroy smp2-ref || fail "destroy"

step "maxvcpus=3 vcpus=1: one online, three possible; vcpu-set 3 then 1"
boot $XL hot "xk.cpuwatch=1" "vcpus = 1" "maxvcpus = 3"
grep -q "possible=0-2 acpi=yes" hot.cpus || fail "at boot: $(cat hot.cpus)"
# the guest offlines vcpus 1 and 2 while it boots (before /init, or just after)
grep -q " online=0 " hot.cpus || wait_console hot "XK-CPUS-ONLINE 0[[:space:]]*$" 30 ||
    fail "vcpus 1 and 2 were not offlined at boot: $(cat hot.cpus)"
# 3 vcpus on the lab's 2 CPUs: Xen's xl refuses the overcommit without -i, so does ours
$XL vcpu-set hot 3 2> over.err && fail "vcpu-set 3 on 2 CPUs without -i"
grep -q "You are overcommmitting" over.err || { cat over.err; fail "overcommit: not Xen's words"; }
$XL vcpu-set -i hot 3 || fail "vcpu-set -i hot 3"
wait_console hot "XK-CPUS-ONLINE 0-2" 60 || fail "vcpus 1 and 2 did not come online"
$XL vcpu-set hot 1 || fail "vcpu-set hot 1"
wait_console hot "XK-CPUS-ONLINE 0[[:space:]]*$" 60 || fail "vcpus 1 and 2 did not go offline"
$XL destroy hot || fail "destroy hot"

step "acpi=0: no ACPI tables, one CPU even with vcpus=2"
boot $XL noacpi "" "vcpus = 2" "acpi = 0"
grep -q "n=1 .*acpi=no" noacpi.cpus || fail "acpi=0: $(cat noacpi.cpus)"
$XL destroy noacpi || fail "destroy noacpi"
NAMES=
echo ok
