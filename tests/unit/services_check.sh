#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The dom0 services' files as installed: the systemd units pass
# systemd-analyze verify (in a root of their own: the units, the scripts
# and programs they start, and stand-ins for Xen's daemons and QEMU, whose
# presence is the host's business), the init.d scripts and xendomains are
# valid sh with LSB headers and answer usage errors as init scripts do.
set -u
B=${XK_TOP_BUILDDIR:-../..}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

make -s -C "$B/services" install-systemd install-sysvinit DESTDIR="$T/root" >"$T/log" 2>&1 ||
    { cat "$T/log"; echo "FAIL: make install-systemd install-sysvinit"; exit 1; }
make -s -C "$B/services" install-exec DESTDIR="$T/root" >"$T/log" 2>&1 ||
    { cat "$T/log"; echo "FAIL: make install-exec"; exit 1; }
units=$(find "$T/root" -name '*.service' -o -name '*.mount' | sort)
[ "$(echo "$units" | wc -l)" = 8 ] || bad "8 units expected: $units"
initd=$(find "$T/root" -path '*init.d/*' -type f | sort)
[ "$(echo "$initd" | wc -l)" = 7 ] || bad "7 init.d scripts expected: $initd"

for f in $initd $(find "$T/root" -name xendomains -type f); do
    sh -n "$f" || bad "$f: not valid sh"
    "$f" frobnicate >/dev/null 2>&1; rc=$?
    [ $rc = 2 ] || bad "$f frobnicate: exit $rc, not 2"
done
for f in $initd; do
    grep -q '^### BEGIN INIT INFO' "$f" && grep -q '^# Provides:' "$f" && grep -q '^### END INIT INFO' "$f" ||
        bad "$f: no LSB header"
done

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "systemd-analyze missing (Debian: systemd): units not verified"
    exit $fail
fi
R=$T/root
mkdir -p "$R/usr/lib/systemd" "$R/usr/bin" "$R/usr/lib/xen-4.17/bin" "$R/usr/libexec"
ln -s usr/bin "$R/bin"; ln -s usr/lib "$R/lib"; ln -s usr/bin "$R/sbin"
cp -a /usr/lib/systemd/system "$R/usr/lib/systemd/"
# stand-ins: verify checks that each command is an executable file
for f in bin/sh bin/grep bin/mkdir bin/true lib/xen-4.17/bin/xenconsoled libexec/xen-qemu-system-i386; do
    printf '#!/bin/sh\n' > "$R/usr/$f"; chmod 755 "$R/usr/$f"
done
# and for xl (xl/'s, installed beside services/' programs)
w=$(find "$R" -name xkit-watchdogd -type f)
printf '#!/bin/sh\n' > "$(dirname "$w")/xl"; chmod 755 "$(dirname "$w")/xl"
# verified by name from a unit directory of the root, wherever the prefix
# put them (make distcheck installs under a prefix systemd does not search)
names=
for u in $units; do
    cp "$u" "$R/usr/lib/systemd/system/"
    names="$names $(basename "$u")"
done
out=$(cd "$R" && systemd-analyze verify --man=no --root="$R" $names 2>&1)
if [ -n "$out" ]; then
    echo "$out"; bad "systemd-analyze verify"
else
    echo "ok: systemd-analyze verify: $(echo "$units" | wc -l) units"
fi
exit $fail
