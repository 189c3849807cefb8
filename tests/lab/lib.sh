# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for lab scenarios (sourced from /xk/lib.sh in dom0).

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
step() { echo "--- $*"; }

# wait_for SECONDS CMD...: run CMD every 0.2 s until it succeeds
wait_for() {
    local n=$(($1 * 5)); shift
    while ! "$@" >/dev/null 2>&1; do
        n=$((n - 1)); [ $n -gt 0 ] || return 1
        usleep 200000
    done
}

# console_log NAME: xenconsoled's log file of guest NAME
console_log() { echo "/var/log/xen/console/guest-$1.log"; }

# wait_console NAME PATTERN SECONDS: wait until the guest's console log
# matches PATTERN, then print the matching line
wait_console() {
    local f; f=$(console_log "$1")
    wait_for "$3" grep -q "$2" "$f" || { echo "console of $1:"; tail -n 20 "$f" 2>/dev/null; return 1; }
    grep -m1 "$2" "$f" | tr -d '\r'
}

# free_kb: Xen's free memory in KiB (from Debian's xl info, reference tool)
free_kb() { $REF_XL info | awk '$1 == "free_memory" { print $3 * 1024 }'; }

# dom_count: number of domains Xen has, dom0 included
dom_count() { $REF_XL list | awk 'NR > 1' | wc -l; }

# domid_of NAME: the domid Debian's xl sees for NAME
domid_of() { $REF_XL domid "$1" 2>/dev/null; }

# now: dom0 uptime in seconds, for timings
now() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
