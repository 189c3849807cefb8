#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# xl check-kernel as a user runs it: Debian's own /boot/config-* (when the
# machine has one), configurations this test edits, their gzip form, the
# exit status a script tests, --json, and the usage errors.
set -u
XL=${XL:-../../xl/xl}
export XKIT_XL_CONF=/nonexistent/xl.conf
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
# expect RC CMD...: the command's exit status is RC; its output in $T/out
expect() {
    want=$1; shift
    "$@" > "$T/out" 2> "$T/err"; rc=$?
    if [ "$rc" = "$want" ]; then ok "$* -> $rc"; else bad "$* -> $rc, wanted $want"; cat "$T/out" "$T/err"; fi
}
has() { grep -q -- "$1" "$T/$2" || { bad "no '$1' in $2"; cat "$T/$2"; }; }

cfg=$(ls /boot/config-* 2>/dev/null | head -n 1)
if [ -n "$cfg" ]; then
    expect 0 "$XL" check-kernel "$cfg"
    has "domU pv: yes" out; has "domU pvh: yes" out; has "domU hvm: yes" out
    expect 0 "$XL" check-kernel --role dom0 "$cfg"
    has "dom0 pv: yes" out; has "dom0 pvh: yes" out
    base=$cfg
else
    echo "no /boot/config-*: Debian's configs not checked; a written one instead"
    base=$T/written
    for o in X86_64 ACPI PARAVIRT XEN XEN_PV XEN_PV_DOM0 XEN_PVH XEN_DOM0 XEN_XENBUS_FRONTEND HVC_XEN \
             XEN_PRIVCMD XEN_DEV_EVTCHN XEN_GNTDEV XENFS XEN_BACKEND; do echo "CONFIG_$o=y"; done > "$base"
fi

# without XEN_PVH: no PVH guest, still a PV one
grep -v '^CONFIG_XEN_PVH=' "$base" > "$T/nopvh"
echo '# CONFIG_XEN_PVH is not set' >> "$T/nopvh"
expect 1 "$XL" check-kernel -t pvh "$T/nopvh"
has "domU pvh: no, 1 required option missing" out
has "missing  CONFIG_XEN_PVH " out
expect 0 "$XL" check-kernel -t pv "$T/nopvh"
expect 0 "$XL" check-kernel "$T/nopvh"
has "domU pvh: no" out; has "domU pv: yes" out
expect 1 "$XL" check-kernel --role dom0 --type pvh "$T/nopvh"
expect 1 "$XL" check-kernel --json -t pvh "$T/nopvh"
has '"ok": false, "missing_required": 1' out
has '{"option": "CONFIG_XEN_PVH", "level": "required", "value": null, "ok": false' out

# without XENFS: guests yes, dom0 no
grep -v '^CONFIG_XENFS=' "$base" > "$T/noxenfs"
expect 1 "$XL" check-kernel -r dom0 "$T/noxenfs"
has "dom0 pv: no, 1 required option missing" out
expect 0 "$XL" check-kernel -r domU -t pv "$T/noxenfs"

# the gzip form, as /proc/config.gz
gzip -c "$T/nopvh" > "$T/config.gz"
expect 1 "$XL" check-kernel -t pvh "$T/config.gz"
has "kernel configuration (gzip)" out

# a file that is not a configuration, one that is not there, usage errors
printf 'hostname\nnot a config\n' > "$T/words"
expect 1 "$XL" check-kernel "$T/words"
has "not a kernel configuration: no CONFIG_ line" err
expect 1 "$XL" check-kernel "$T/none"
has "$T/none: cannot open: No such file or directory" err
expect 2 "$XL" check-kernel --role dom1 "$base"
expect 2 "$XL" check-kernel -r dom0 -t hvm "$base"
has "dom0 is PV or PVH" err
expect 0 "$XL" check-kernel -h
has "Usage: xl" out
exit $fail
