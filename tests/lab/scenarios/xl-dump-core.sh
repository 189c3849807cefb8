#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 200
# xl dump-core writes Xen's dump-core format: of the same paused guest,
# our core and Debian's xl's are the same bytes (ELF header, sections,
# notes with Xen's version, vcpu contexts, shared info, every page and
# the p2m / pfn index), for a PV guest (pages found through the p2m the
# test kernel publishes in its shared info, as Linux does) and a PVH one
# (by gfn; Debian's xl maps a PVH guest's gfns one by one, up to the
# special pages below 4 GiB, and takes minutes here: our PVH core is
# checked against the kernel file instead, its loaded text page for
# page, and for an index of only real pages). A PV guest that has not published its p2m yet (created
# paused), dom0, a missing domain and an unwritable file are each one
# clear error, and no file is left behind.
. /xk/lib.sh
PATH=$REF_BIN:$PATH
NAMES=
cleanup() { for n in $NAMES; do $XL destroy $n 2>/dev/null; $REF_XL destroy $n 2>/dev/null; done; }
trap cleanup EXIT

# off SIZE: the section table of core $1 as "name offset size" lines,
# read with od (dom0 has no readelf)
u64() { od -A n -t u8 -j "$2" -N 8 "$1" | tr -d ' '; }
u16() { od -A n -t u2 -j "$2" -N 2 "$1" | tr -d ' '; }
sections() {
    local f=$1 shoff shnum strndx stroff i base name
    shoff=$(u64 $f 40); shnum=$(u16 $f 60); strndx=$(u16 $f 62)
    stroff=$(u64 $f $((shoff + strndx * 64 + 24)))
    for ((i = 1; i < shnum; i++)); do
        base=$((shoff + i * 64))
        name=$(od -A n -t u4 -j $base -N 4 $f | tr -d ' ')
        name=$(dd if=$f bs=1 skip=$((stroff + name)) count=24 2>/dev/null | tr '\0' '\n' | head -n1)
        echo "$name $(u64 $f $((base + 24))) $(u64 $f $((base + 32)))"
    done
}

# pfn_page CORE PFN: the offset of pfn PFN's page in a .xen_pfn core
pfn_page() {
    local f=$1 pfn=$2 off size pages idx
    read -r off size < <(sections $f | awk '$1 == ".xen_pfn" { print $2, $3 }')
    pages=$(sections $f | awk '$1 == ".xen_pages" { print $2 }')
    idx=$(od -A n -v -t u8 -j $off -N $size $f | tr -s ' ' '\n' | grep -v '^$' | grep -nx "$pfn" | cut -d: -f1)
    [ -n "$idx" ] && echo $((pages + (idx - 1) * 4096))
}

for type in pv pvh; do
    step "$type: dump-core of a paused guest"
    printf '%s\n' "name = \"dc-$type\"" "type = \"$type\"" "kernel = \"$XK_GUESTS/xk-$type\"" \
        'memory = 16' 'vcpus = 1' 'extra = "xk.mode=sleep"' 'tsc_mode = "native"' > $type.cfg
    $XL create -q $type.cfg || fail "create dc-$type"
    NAMES="$NAMES dc-$type"
    wait_console dc-$type XK-GUEST-SLEEP 30 > /dev/null || fail "dc-$type did not boot"
    $XL pause dc-$type || fail "pause"
    t0=$(now)
    $XL dump-core dc-$type our.core 2> our.err || { cat our.err; fail "our dump-core of dc-$type"; }
    ours=$(elapsed $t0)
    echo "dump-core $type: ours ${ours}s, $(stat -c %s our.core) bytes"
    sections our.core | tee our.sec
    grep -q "^.xen_pages " our.sec || fail "no .xen_pages section"
    [ "$(stat -c %a our.core)" = 600 ] || fail "core mode $(stat -c %a our.core), want 600 as Xen's"
    grep -aq "xk.mode=sleep" our.core || fail "the core lacks the guest's command line"
    if [ $type = pv ]; then
        grep -q "^.xen_p2m " our.sec || fail "PV core without .xen_p2m"
        t0=$(now)
        $REF_XL dump-core dc-$type ref.core 2> ref.err || { cat ref.err; fail "Debian's dump-core of dc-$type"; }
        echo "Debian's xl: $(elapsed $t0)s"
        if ! cmp our.core ref.core; then
            sections ref.core > ref.sec
            diff ref.sec our.sec
            cmp -l our.core ref.core | head -20
            fail "$type: our core differs from Debian's xl's ($(cmp -l our.core ref.core | wc -l) bytes)"
        fi
        echo "$type: the same $(stat -c %s our.core) bytes as Debian's xl's core"
    else
        grep -q "^.xen_pfn " our.sec || fail "PVH core without .xen_pfn"
        read -r off size < <(awk '$1 == ".xen_pfn" { print $2, $3 }' our.sec)
        od -A n -v -t x8 -j $off -N $size our.core | grep -q ffffffffffffffff &&
            fail "the core pads missing pages: fewer pages found than the domain holds"
        # the kernel's first loaded segment, page for page (ELF program header 0)
        k=$XK_GUESTS/xk-pvh
        phoff=$(u64 $k 32)
        poff=$(u64 $k $((phoff + 8))); paddr=$(u64 $k $((phoff + 24))); fsz=$(u64 $k $((phoff + 32)))
        in=$((paddr % 4096)); len=$((4096 - in)); [ $fsz -lt $len ] && len=$fsz
        at=$(pfn_page our.core $((paddr / 4096))) || fail "pfn $((paddr / 4096)) not in the core"
        [ -n "$at" ] || fail "the kernel's pfn $((paddr / 4096)) is not in the core's index"
        dd if=$k bs=1 skip=$poff count=$len 2>/dev/null > want.bin
        dd if=our.core bs=1 skip=$((at + in)) count=$len 2>/dev/null > got.bin
        cmp want.bin got.bin || fail "the core's page of pfn $((paddr / 4096)) is not the kernel's"
        echo "pvh: pfn $((paddr / 4096)) holds the kernel's first $len loaded bytes"
    fi
    rm -f our.core ref.core
    $XL destroy dc-$type
done

step "errors: one line each, no file left"
printf '%s\n' 'name = "dc-early"' 'type = "pv"' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 16' > early.cfg
$XL create -p -q early.cfg || fail "create dc-early"
NAMES="$NAMES dc-early"
$XL dump-core dc-early early.core 2> e.err && fail "dump-core of a guest that never ran succeeded"
cat e.err
grep -q "has not published its p2m" e.err || fail "no word of the missing p2m: $(cat e.err)"
[ -e early.core ] && fail "a failed dump left early.core"
$XL dump-core nonesuch x.core 2> e.err; rc=$?
[ $rc = 1 ] || fail "dump-core nonesuch: rc $rc"
grep -q "nonesuch is an invalid domain identifier" e.err || fail "dump-core nonesuch: $(cat e.err)"
$XL dump-core 0 x.core 2> e.err && fail "dump-core of dom0 succeeded"
cat e.err
$XL dump-core dc-early /proc/x.core 2> e.err && fail "dump-core into /proc succeeded"
cat e.err
grep -q "/proc/x.core" e.err || fail "the error does not name the file: $(cat e.err)"
[ -e x.core ] && fail "x.core left behind"
$XL dump-core dc-early > /dev/null 2>&1; [ $? = 2 ] || fail "dump-core without a file: want usage (2)"
$XL destroy dc-early
echo ok
