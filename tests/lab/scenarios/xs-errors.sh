#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The real daemon's errors surface as messages naming the operation and the
# path with the errno name; requests the 4.17 daemon lacks (GET_FEATURE,
# GET_QUOTA) are reported cleanly; many reads in flight on one connection
# each get their own reply; RESET_WATCHES drops the connection's watches; a directory too big for
# one reply is listed whole (XS_DIRECTORY_PART).
# (EACCES needs an unprivileged connection: see xs-perms.sh, from a domU.)
# lab-timeout: 120
. /xk/lib.sh
C=$XK_BIN/xs_labcheck
[ -x "$C" ] || fail "xs_labcheck missing"
/usr/bin/xenstore-rm /xk-absent 2>/dev/null
"$C" errors /xk-absent || fail "error messages"
"$C" optional || fail "optional requests not reported cleanly"
/usr/bin/xenstore-write /xk-pipe 'pipelined value'
"$C" pipeline /xk-pipe 200 || fail "pipelined reads"
/usr/bin/xenstore-rm /xk-pipe
"$C" reset /xk-reset || fail "RESET_WATCHES"
/usr/bin/xenstore-rm /xk-big 2>/dev/null
"$C" bigdir /xk-big 200 | tee big.out || fail "large directory"
# (oxenstored 4.17 has no DIRECTORY_PART: then nobody can list it)
grep -q 'lacks DIRECTORY_PART' big.out ||
    [ "$(/usr/bin/xenstore-list /xk-big | wc -l)" = 200 ] || fail "reference lists another count"
/usr/bin/xenstore-rm /xk-big
/usr/bin/xenstore-rm /xk-reset
echo ok
