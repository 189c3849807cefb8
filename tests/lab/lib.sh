# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for lab scenarios (sourced from /xk/lib.sh in dom0).

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
# step TEXT: "--- TEXT  [12.3 s]", the seconds since the scenario started
# (XK_T0, set by run-scenarios; else when lib.sh was sourced), from bash's
# EPOCHREALTIME: no process per step, so the logs show where time goes.
# Scenario logs are read by people: nothing parses these lines.
XK_T0=${XK_T0:-${EPOCHREALTIME//[!0-9]/}}
step() {
    local d=$(( (10#${EPOCHREALTIME//[!0-9]/} - 10#$XK_T0) / 100000 ))
    printf -- '--- %s  [%d.%d s]\n' "$*" $((d / 10)) $((d % 10))
}

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

# ---- devices (dev-* and bench-dev scenarios) ------------------------------
# linux_cfg NAME TYPE EXTRA [LINE...]: write NAME.cfg, the Linux test guest
# ($XK_LINUX) as TYPE (pv, pvh, or hvm: QEMU boots the kernel directly)
# with kernel command line EXTRA and the given extra config lines (disk =
# [...], vif = [...])
linux_cfg() {
    local name=$1 type=$2 extra=$3 mem=128; shift 3
    [ "$type" != pv ] && mem=256
    {
        echo "name = \"$name\""
        echo "type = \"$type\""
        echo "kernel = \"$XK_LINUX/vmlinuz\""
        echo "ramdisk = \"$XK_LINUX/initrd.gz\""
        echo "extra = \"console=hvc0 quiet $extra\""
        echo "memory = $mem"
        echo "vcpus = 1"
        [ "$type" != pv ] && echo 'tsc_mode = "native"'
        [ $# -gt 0 ] && printf '%s\n' "$@"
    } > "$name.cfg"
    rm -f "$(console_log "$name")"    # no marker of an earlier guest of that name
}

# loops: the bound loop devices, one "loopN BACKING-FILE" line each (read
# by bash: the device helpers run in polling loops, and each process the
# emulated dom0 starts costs tens of ms)
loops() {
    local f n b
    for f in /sys/block/loop*/loop/backing_file; do
        [ -r "$f" ] || continue
        n=${f#/sys/block/}; n=${n%%/*}
        b=; { IFS= read -r b < "$f"; } 2>/dev/null
        echo "$n $b"
    done
}

# vifs: dom0's netback netdevs (vifD.N, or renamed: their device is vif-D-N)
vifs() {
    local n l
    for n in /sys/class/net/*; do
        [ -e "$n" ] || continue
        l=$(readlink "$n/device" 2>/dev/null)
        case ${n##*/}:$l in vif*:*|*:*/vif-*) echo "${n##*/}" ;; esac
    done
}

# qemus: the pids of dom0's QEMU processes (xen-qemu-system-i386)
qemus() {
    local p a
    for p in /proc/[0-9]*; do
        a=
        { read -r -d '' a < "$p/cmdline"; } 2>/dev/null
        case $a in *qemu-system-i386) echo "${p#/proc/}" ;; esac
    done
}

# dom_nodes D: xenstore nodes domain D still has (Debian's xenstore tools):
# its backends in dom0, its /local/domain/D and /libxl/D
dom_nodes() {
    local d=$1 k
    for k in $(xenstore-list /local/domain/0/backend 2>/dev/null); do
        xenstore-exists "/local/domain/0/backend/$k/$d" 2>/dev/null && echo "/local/domain/0/backend/$k/$d"
    done
    xenstore-exists "/local/domain/$d" 2>/dev/null && echo "/local/domain/$d"
    xenstore-exists "/libxl/$d" 2>/dev/null && echo "/libxl/$d"
    return 0
}

# new_lines OLD NEW: the lines of NEW that are not lines of OLD
new_lines() {
    local l
    while IFS= read -r l; do
        [ -n "$l" ] || continue
        [[ $'\n'$1$'\n' == *$'\n'"$l"$'\n'* ]] || printf '%s\n' "$l"
    done <<< "$2"
}

# dev_baseline: remember the loop devices, vifs, QEMUs and xkit state files
# there are now; dev_left and dev_clean report what is new since
dev_baseline() {
    BASE_LOOPS=$(loops) BASE_VIFS=$(vifs) BASE_QEMUS=$(qemus)
    BASE_STATE=$(state_files)
}
# state_files: our state directory's domain records, the name index and
# the monitor daemon's list (create.lock, the lock every create takes, the daemon's
# lock, and the monitor's logs, as xl's own logs in /var/log/xen, stay by
# design); bash only, as loops
state_files() {
    local f n
    for f in /var/lib/xkit/* /var/lib/xkit/monitor/* /var/lib/xkit/names/* /var/lib/xkit/names/.[!.]*; do
        [ -e "$f" ] || [ -L "$f" ] || continue
        n=${f#/var/lib/xkit/}
        case $n in create.lock|monitor-*.log|monitord.lock|monitord.log|monitor|names) continue ;; esac
        printf '%s\n' "$n"
    done
}
# dev_left [D...]: what is left since dev_baseline, and the nodes of the
# (gone) domains D..., one "kind: what" line each
dev_left() {
    local d
    for d in "$@"; do dom_nodes "$d" | sed 's/^/node: /'; done
    new_lines "$BASE_LOOPS" "$(loops)" | sed 's/^/loop: /'
    new_lines "$BASE_VIFS" "$(vifs)" | sed 's/^/vif: /'
    new_lines "$BASE_QEMUS" "$(qemus)" | sed 's/^/qemu: pid /'
    new_lines "$BASE_STATE" "$(state_files)" | sed 's/^/state: \/var\/lib\/xkit\//'
}
# dev_none [D...]: dev_left would print nothing (checked part by part,
# without its sed per kind: dev_clean polls this)
dev_none() {
    local d
    for d in "$@"; do [ -z "$(dom_nodes "$d")" ] || return 1; done
    [ -z "$(new_lines "$BASE_LOOPS" "$(loops)")" ] && [ -z "$(new_lines "$BASE_VIFS" "$(vifs)")" ] &&
        [ -z "$(new_lines "$BASE_QEMUS" "$(qemus)")" ] && [ -z "$(new_lines "$BASE_STATE" "$(state_files)")" ]
}
# dev_clean WHAT [D...]: wait up to 10 s (the kernel releases loop devices
# and vifs asynchronously) for nothing to be left, else fail saying what is
dev_clean() {
    local what=$1; shift
    wait_for 10 dev_none "$@" && return 0
    dev_left "$@"
    fail "$what: left behind: $(dev_left "$@" | tr '\n' ' ')"
}

# xl_fails WHAT CMD...: CMD must fail with exit 1 and one line "xl: ..." on
# stderr; the line is printed and left in $XL_ERR
xl_fails() {
    local what=$1 rc; shift
    "$@" > xl.out 2> xl.err
    rc=$?
    XL_ERR=$(cat xl.err)
    echo "$what: rc $rc: $XL_ERR"
    [ $rc = 1 ] || { cat xl.out; fail "$what: exit $rc, expected 1"; }
    [ "$(wc -l < xl.err)" = 1 ] || fail "$what: stderr is not one line"
    # a config file's own error is located instead: FILE:LINE:COL: ...
    case $XL_ERR in "xl: "?*|*.cfg:[0-9]*:[0-9]*:\ ?*) ;;
        *) fail "$what: stderr is neither 'xl: ...' nor 'FILE:LINE:COL: ...'" ;; esac
}

# image_file IMG PATH: the content of PATH in the ext4 image IMG, read
# through a loop device in dom0 (what a guest wrote to its disk)
image_file() {
    local l
    mkdir -p mnt
    l=$(losetup -f --show "$1") || fail "losetup $1"
    mount -o ro "$l" mnt || { losetup -d "$l"; fail "mount $1 in dom0"; }
    cat "mnt/$2" 2>/dev/null
    umount mnt; losetup -d "$l"
}

# bridge_up [NAME [ADDR]]: a bridge in dom0 for the guests' vifs (default
# xenbr0 with 10.0.0.1/24), STP off and no forwarding delay, up; one left
# by an earlier scenario is reused. It is deleted when the scenario exits
# (this sets the EXIT trap).
bridge_up() {
    local br=${1:-xenbr0} addr=${2:-10.0.0.1/24}
    [ -e "/sys/class/net/$br" ] || ip link add "$br" type bridge stp_state 0 forward_delay 0 ||
        fail "ip link add $br type bridge"
    { ip addr replace "$addr" dev "$br" && ip link set "$br" up; } || fail "cannot bring $br up with $addr"
    # shellcheck disable=SC2064
    trap "ip link del $br 2>/dev/null" EXIT
}

# pings ADDR: dom0 reaches ADDR (up to 3 rounds of ping -c 3 -W 2)
pings() {
    local n
    for n in 1 2 3; do ping -c 3 -W 2 "$1" > ping.out 2>&1 && return 0; done
    cat ping.out
    return 1
}

# ---- benchmarks (bench-* scenarios) ----------------------------------------
# bench_long: the long version is asked for (XK_BENCH=long, as make bench
# sets it); else a bench-*.sh takes its short CI defaults. Its own counts
# (XL_BENCH_N, ...) override either.
bench_long() { [ "${XK_BENCH:-}" = long ]; }
# bench_init: a fifo nobody writes, so nap can sleep without a process
bench_init() { mkfifo tick && exec 9<>tick; declare -gA SAMPLES; }
nap() { read -r -t "$1" -u 9 _ || :; }
# forks: the kernel's count of clones since boot (FORKS), read without forking
forks() { local k v; while read -r k v _; do [ "$k" = processes ] && { FORKS=$v; return; }; done < /proc/stat; }
# sample KEY VALUE: one more sample of KEY
sample() { SAMPLES[$1]+=" $2"; }
# median SAMPLES [RAW]: samples in 1/100 ms -> "12.3" ms; plain counts with RAW = 1
median() {
    printf '%s\n' $1 | sort -n | awk -v raw="${2:-0}" '{ v[NR] = $1 }
        END { if (!NR) exit; m = v[int((NR + 1) / 2)]; if (raw) print m; else printf "%.1f", m / 100 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
# row LABEL KEY REF: medians of KEY.ours and KEY.REF in ms and their ratio;
# crow the same for counts (no ratio)
row() {
    local o f
    o=$(median "${SAMPLES[$2.ours]}"); f=$(median "${SAMPLES[$2.$3]}")
    printf '%-30s %9s %9s %6s\n' "$1" "$o" "$f" "$(ratio "$o" "$f")"
}
crow() {
    printf '%-30s %9s %9s %6s\n' "$1" "$(median "${SAMPLES[$2.ours]}" 1)" "$(median "${SAMPLES[$2.$3]}" 1)" -
}
# wait_marker NAME MARKER SECONDS: until MARKER is in NAME's console log
# (bash reads the file: no process per poll, nothing to skew a timing)
wait_marker() {
    local f line n=0 max=$(($3 * 100))
    f=$(console_log "$1")
    while :; do
        if [ -r "$f" ]; then
            while IFS= read -r line; do [[ $line == *"$2"* ]] && return 0; done < "$f"
        fi
        n=$((n + 1)); [ $n -lt $max ] || { tail "$f"; fail "$1: no $2 in $3 s"; }
        nap 0.01
    done
}
# bench_record WHO T0 T1 T2 T3 T4 F0 F1 F2 F3: one create/up/destroy cycle's
# samples: times in us (EPOCHREALTIME without its dot: create started,
# returned, marker seen, destroy started, returned) and clone counts
# (forks before and after create, before and after destroy)
bench_record() {
    sample "create.$1" $(( (10#$3 - 10#$2) / 10 ))
    sample "up.$1" $(( (10#$4 - 10#$2) / 10 ))
    sample "destroy.$1" $(( (10#$6 - 10#$5) / 10 ))
    sample "cc.$1" $(($8 - $7 - 1))
    sample "dc.$1" $((${10} - $9 - 1))
}
