#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 300
# Debian's own /etc/init.d/xendomains (xen-utils-common), unchanged, with
# our xl as the `xl` its `xen` wrapper runs: its Python helpers read a
# guest's name from our `xl create --quiet --dryrun --defconfig` JSON and
# the running guests from our `xl list -l`; start creates the guests of
# its auto directory (and leaves them at a second start), stop shuts them
# down and returns once they are gone.
. /xk/lib.sh
[ -x /etc/init.d/xendomains ] && [ -x /usr/lib/xen-common/bin/xen-init-list ] &&
    command -v python3 > /dev/null || skip "no Debian xendomains or python3 in the lab"
AUTO=$PWD/debian-auto
mkdir -p "$AUTO"
cfg() {   # cfg NAME TYPE
    printf '%s\n' "name = \"$1\"" "type = \"$2\"" "kernel = \"$XK_GUESTS/xk-$2\"" "memory = 32" \
        "extra = \"xk.mode=sleep xk.msg=$1\"" 'tsc_mode = "native"' > "$AUTO/$1.cfg"
}
cfg deb-a pv; cfg deb-b pvh
# the host's own settings file, if any, is put back at the end
[ -e /etc/default/xendomains ] && cp -p /etc/default/xendomains xendomains.saved
printf '%s\n' "XENDOMAINS_AUTO=$AUTO" 'XENDOMAINS_SAVE=' 'XENDOMAINS_RESTORE=false' \
    'XENDOMAINS_STOP_MAXWAIT=60' > /etc/default/xendomains
restore() {
    if [ -e xendomains.saved ]; then cp -p xendomains.saved /etc/default/xendomains
    else rm -f /etc/default/xendomains; fi
    for g in deb-a deb-b; do $XL destroy $g 2> /dev/null; done
}
trap restore EXIT
# our xl first: the `xen` wrapper runs whichever `xl` PATH finds
P=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
[ "$(env PATH=$P sh -c 'command -v xl')" = /usr/local/sbin/xl ] || fail "our xl is not first in PATH"

step "Debian's xendomains start: the guests of its auto directory, through our xl"
t=$(now)
env PATH=$P /etc/init.d/xendomains start > start.out 2>&1; rc=$?
cat start.out
[ $rc = 0 ] || fail "start: rc $rc"
for g in deb-a deb-b; do
    grep -q "Starting Xen domain $g (from $AUTO/$g.cfg)" start.out || fail "$g: not started by name"
    $XL domid $g > /dev/null || fail "$g not running"
    wait_console $g XK-GUEST-SLEEP 30 > /dev/null || fail "$g did not boot"
    [ -e /var/lib/xkit/monitor/$($XL domid $g) ] || fail "$g: created by another xl than ours"
done
echo "TIME Debian's xendomains start, 2 guests: $(elapsed "$t") s"
grep -qi "fail" start.out && fail "start reports a failure"
env PATH=$P /etc/init.d/xendomains start > again.out 2>&1 || fail "second start"
cat again.out
[ "$(grep -c 'already running' again.out)" = 2 ] || fail "second start: not 'already running' twice"
[ "$(dom_count)" = 3 ] || fail "$(dom_count) domains, not 3"

step "Debian's xendomains stop: every guest shut down, waited for"
t=$(now)
env PATH=$P /etc/init.d/xendomains stop > stop.out 2>&1; rc=$?
cat stop.out
[ $rc = 0 ] || fail "stop: rc $rc"
for g in deb-a deb-b; do
    grep -q "Shutting down Xen domain $g ([0-9]*)" stop.out || fail "$g: not asked to shut down"
done
# it waits (xen-init-list again, then `xl domid NAME`) for those still
# running: when it returns, none is
[ "$(dom_count)" = 1 ] || { $REF_XL list; fail "guests left when stop returned"; }
echo "TIME Debian's xendomains stop, 2 guests: $(elapsed "$t") s"
