#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 240
# Resource limits: a guest beyond the host's memory, a ramdisk larger than
# the guest, vcpus past what xl.cfg takes (4096), a config of 1000 disks or
# 1000 vifs (the first of which cannot be set up: 1000 specs parsed,
# checked and held, one device tried): each one clear error line, xl's peak
# RSS bounded, and nothing left (no domain, no state file, no loop device
# or vif, Xen's free memory back).
. /xk/lib.sh
PATH=$REF_BIN:$PATH
base() { printf '%s\n' "name = \"$1\"" "type = \"${2:-pv}\"" "kernel = \"$XK_GUESTS/xk-${2:-pv}\"" \
    'extra = "xk.mode=sleep"' 'tsc_mode = "native"'; }
dev_baseline
free0=$(free_kb)
# refused WHAT PATTERN CFG: create fails with one line matching PATTERN,
# peak RSS under 64 MiB, and nothing is left
refused() {
    local what=$1 pat=$2 cfg=$3 rss
    /usr/bin/time -f "%M" -o rss $XL create -q "$cfg" > out 2> err; rc=$?
    rss=$(tail -n 1 rss)
    cp err err1
    echo "$what: rc $rc, peak RSS $rss KiB: $(cat err1)"
    [ $rc = 1 ] || fail "$what: exit $rc, not 1"
    [ "$(wc -l < err1)" = 1 ] || { cat err1; fail "$what: not one line of error"; }
    grep -q -- "$pat" err1 || fail "$what: the error does not say \"$pat\""
    [ "$rss" -lt 65536 ] || fail "$what: peak RSS $rss KiB"
    [ "$(dom_count)" = 1 ] || { $REF_XL list; fail "$what: a domain left"; }
    dev_clean "$what"
}

step "memory beyond the host"
{ base big; echo 'memory = 100000'; } > big.cfg
refused "memory 100000 MiB" "cannot claim 100000 MiB for the guest: the host has" big.cfg

step "a ramdisk larger than the guest's memory, PV and PVH"
dd if=/dev/urandom of=rd.img bs=1M count=48 2> /dev/null
{ base rd; echo 'memory = 32'; echo "ramdisk = \"$PWD/rd.img\""; } > rd.cfg
refused "48 MiB ramdisk, 32 MiB PV guest" "need 52 MiB of the guest's 32 MiB" rd.cfg
{ base rdh pvh; echo 'memory = 32'; echo "ramdisk = \"$PWD/rd.img\""; } > rdh.cfg
refused "48 MiB ramdisk, 32 MiB PVH guest" "do not fit in the guest's 32 MiB" rdh.cfg

step "vcpus past xl.cfg's limit"
{ base cpus; echo 'memory = 32'; echo 'vcpus = 100000'; } > cpus.cfg
refused "vcpus 100000" "cpus.cfg:7:9: expected 'vcpus' between 1 and 4096" cpus.cfg

step "1000 disks, 1000 vifs"
{ base disks; echo 'memory = 32'; printf 'disk = [ '
  for i in $(seq 0 999); do printf "'format=raw,vdev=%s,access=ro,target=/srv/none-%s.img', " $((51712 + i * 16)) $i; done
  echo "]"; } > disks.cfg
refused "1000 disks" "/srv/none-0.img: no such file or device" disks.cfg
{ base vifs; echo 'memory = 32'; printf 'vif = [ '; for i in $(seq 1 1000); do printf "'bridge=xkbr-none', "; done; echo "]"; } > vifs.cfg
refused "1000 vifs" "bridge xkbr-none does not exist" vifs.cfg

sleep 1
free1=$(free_kb)
echo "Xen free memory: $free0 KiB before, $free1 KiB after"
[ "$free1" -ge $((free0 - 4096)) ] || fail "Xen's free memory not back ($free0 -> $free1 KiB)"
