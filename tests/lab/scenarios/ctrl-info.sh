#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xl info on libxkctrl prints what Debian's xl prints for every shared field;
# xl dmesg shows the hypervisor's console ring.
# lab-timeout: 60
. /xk/lib.sh

$XL info >ours.txt 2>ours.err || { cat ours.err; fail "xl info exited $?"; }
$REF_XL info >ref.txt || fail "reference xl info"
val() { sed -n "s/^$1 *: \{0,1\}//p" "$2" | head -n1; }

STATIC="host release version machine nr_cpus max_cpu_id nr_nodes cores_per_socket
 threads_per_core cpu_mhz hw_caps virt_caps total_memory sharing_freed_memory
 sharing_used_memory outstanding_claims free_cpus xen_major xen_minor xen_extra
 xen_version xen_caps xen_scheduler xen_pagesize platform_params xen_changeset
 xen_commandline cc_compiler cc_compile_by cc_compile_domain cc_compile_date build_id
 xend_config_format"
bad=0
for f in $STATIC; do
    grep -q "^$f *:" ours.txt || { echo "missing field $f"; bad=1; continue; }
    a=$(val "$f" ours.txt); b=$(val "$f" ref.txt)
    if [ "$a" != "$b" ]; then echo "field $f: ours '$a' reference '$b'"; bad=1; fi
done
# Same layout: the field name padded to 23 columns, then ": ".
grep -v '^[a-z_]\{1,22\} *: \|^virt_caps *:$' ours.txt && { echo "badly formatted lines above"; bad=1; }
[ "$(grep -c '^' ours.txt)" -ge 34 ] || { echo "only $(grep -c '^' ours.txt) lines"; bad=1; }
# free_memory moves a little on its own: within 16 MiB.
a=$(val free_memory ours.txt); b=$(val free_memory ref.txt)
[ -n "$a" ] && [ $(( a > b ? a - b : b - a )) -le 16 ] || { echo "free_memory ours $a reference $b"; bad=1; }
[ $bad = 0 ] || { echo "--- ours"; cat ours.txt; echo "--- reference"; cat ref.txt; fail "xl info differs"; }
step "xl info: $(echo $STATIC | wc -w) fields identical, free_memory $a vs $b MiB"
$XL -v info 2>&1 >/dev/null | grep hypercalls

$XL dmesg >dmesg.txt || fail "xl dmesg exited $?"
grep -q 'Xen version 4\.17' dmesg.txt || { tail -5 dmesg.txt; fail "no Xen banner in xl dmesg"; }
$REF_XL dmesg >ref-dmesg.txt
# Same ring: the reference's first line is ours too (the ring only grows).
if [ "$(head -n1 ref-dmesg.txt)" != "$(head -n1 dmesg.txt)" ]; then
    echo "ours:"; head -n3 dmesg.txt | od -c | head; echo "reference:"; head -n3 ref-dmesg.txt | od -c | head
    wc ref-dmesg.txt dmesg.txt
    fail "dmesg starts differently"
fi
step "xl dmesg: $(wc -l <dmesg.txt) lines, $(wc -c <dmesg.txt) bytes, banner: $(grep -m1 -o 'Xen version [^ ]*' dmesg.txt)"
# an unknown option: what Xen's xl does with it (said on stderr), ours too
$XL dmesg -x >/dev/null 2>our-x.err; a=$?; $REF_XL dmesg -x >/dev/null 2>ref-x.err; b=$?
[ $a = $b ] && diff ref-x.err our-x.err || fail "xl dmesg -x: rc $a and '$(cat our-x.err)', Debian's $b and '$(cat ref-x.err)'"
$XL dmesg -c >/dev/null || fail "xl dmesg -c"
n=$($XL dmesg | wc -l)
[ "$n" -lt 5 ] || fail "ring not cleared: $n lines after dmesg -c"
step "xl dmesg -c cleared the ring ($n lines left)"
echo ok
