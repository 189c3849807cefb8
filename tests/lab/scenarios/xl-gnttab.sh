#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 180
# A guest that switches its grant table to version 2 (the test kernels'
# xk.mode=gnttab2, as Linux may at boot) works under our xl as under
# Debian's: domain creation allows the grant table versions and limits
# libxl allows by default. max_grant_version = 1 in the config refuses v2
# under both toolstacks, so the key is acted on, not dropped. PV and PVH.
. /xk/lib.sh
XL=${XL:-/usr/local/sbin/xl}
REF_XL=${REF_XL:-xl}

cfg() {   # NAME TYPE [EXTRA LINE]
    local tsc=
    [ "$2" = pvh ] && tsc='tsc_mode = "native"'
    cat > "$1.cfg" <<CFG
name = "$1"
type = "$2"
kernel = "$XK_GUESTS/xk-$2"
memory = 32
extra = "xk.mode=gnttab2"
on_poweroff = "preserve"
$tsc
${3:-}
CFG
}

# run TOOL NAME TYPE EXPECT [EXTRA]: create, wait for the grant line, check
run() {
    local tool=$1 name=$2 type=$3 want=$4 line
    cfg "$name" "$type" "${5:-}"
    $tool create "$name.cfg" >/dev/null || fail "$tool create $name"
    line=$(wait_console "$name" "XK-GUEST-GNTTAB" 60) || fail "$name: no XK-GUEST-GNTTAB line"
    echo "$tool $name: $line"
    case "$line" in *"$want"*) ;; *) fail "$name under $tool: expected '$want', got '$line'" ;; esac
    $tool destroy "$name" || fail "destroy $name"
}

for t in pv pvh; do
    step "$t: grant table v2 under Debian's xl, then ours"
    run "$REF_XL" "gt-ref-$t" $t "v2 ok version=2"
    run "$XL" "gt-xk-$t" $t "v2 ok version=2"
    step "$t: max_grant_version = 1 refuses v2 under both"
    run "$REF_XL" "gt-ref1-$t" $t "v2 refused version=1" "max_grant_version = 1"
    run "$XL" "gt-xk1-$t" $t "v2 refused version=1" "max_grant_version = 1"
done
[ -z "$(ls /var/lib/xkit 2>/dev/null | grep '\.json$')" ] || { ls -l /var/lib/xkit; head -c 300 /var/lib/xkit/*.json; fail "state files left"; }
echo "grant tables: ok"
