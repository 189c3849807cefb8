#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 300
# A real Linux PV guest under our xl: it boots to its marker, announces its
# PV drivers (control/feature-poweroff), so xl shutdown asks it through
# control/shutdown (the guest takes the request: the node is cleared), and
# the domain goes away (the test guest's init powers off when the kernel's
# /sbin/poweroff signals it; if the guest's userspace cannot power off,
# -F finishes it from outside after 15 s, said in the log); xl list -l
# shows its config.
. /xk/lib.sh
PATH=$REF_BIN:$PATH

[ -r "$XK_LINUX/vmlinuz" ] || skip "no Linux guest kernel in the lab"
cat > linux.cfg <<CFG
name = "xl-linux"
type = "pv"
kernel = "$XK_LINUX/vmlinuz"
ramdisk = "$XK_LINUX/initrd.gz"
extra = "console=hvc0 quiet xk.mode=wait"
memory = 128
vcpus = 2
CFG
gone() { ! $REF_XL domid xl-linux >/dev/null 2>&1; }
t=$(now)
$XL create linux.cfg || fail "xl create"
wait_console xl-linux XK-LINUX-UP 200 || fail "no XK-LINUX-UP marker"
echo "TIME linux PV: our create -> marker in $(elapsed "$t") s"
d=$($XL domid xl-linux)
wait_for 30 sh -c "[ \"\$(xenstore-read /local/domain/$d/control/feature-poweroff 2>/dev/null)\" = 1 ]" ||
    fail "the guest never announced feature-poweroff"
$XL list xl-linux
$XL list -l xl-linux | grep -q '"ramdisk"' || fail "list -l lacks the ramdisk"
[ "$($REF_XL list xl-linux | awk 'NR == 2 { print $4 }')" = 2 ] || echo "note: second vcpu not online (yet)"

step "xl shutdown through control/shutdown"
$XL shutdown xl-linux || fail "xl shutdown"
wait_for 10 sh -c "[ -z \"\$(xenstore-read /local/domain/$d/control/shutdown 2>/dev/null)\" ]" ||
    fail "guest did not take the shutdown request"
if ! wait_for 15 gone; then
    echo "guest userspace did not power off: forcing"
    $XL shutdown -F xl-linux || fail "xl shutdown -F"
    wait_for 20 gone || fail "still there after shutdown -F"
fi
echo "TIME linux PV: create -> gone in $(elapsed "$t") s"
echo "xl-linux: all passed"
