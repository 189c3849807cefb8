#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 600
# Xen's xl habits, ours against Debian's on the same guests: help on
# stdout and `xl help CMD` word for word, abbreviations, -N refused by
# commands without a dry run, options after arguments, exit codes; list
# -v/-c/-n/-Z, vm-list, claims, uptime, info FIELD and -n; cpupools
# (create from xlcpupool.cfg, list, rename, cpu-add/remove, migrate, a
# guest created in one with pool=, numa-split) and the scheduler commands
# (sched-credit in a credit pool, sched-credit2 -s/-r, sched-rtds in an
# RTDS pool) read back through Debian's xl; debug-keys, sysrq and trigger
# by their effect on Xen and xenstore.
. /xk/lib.sh
PATH=$REF_BIN:$PATH
# every call at most a minute: a hang fails its step, named, rather than the
# whole scenario's time
X() { timeout 60 "$XL" "$@"; }
R() { timeout 60 "$REF_XL" "$@"; }
NAMES=
cleanup() {
    for n in $NAMES; do X destroy $n 2>/dev/null; R destroy $n 2>/dev/null; done
    for p in $(R cpupool-list | awk 'NR > 1 && $1 != "Pool-0" && $1 != "Pool-node0" { print $1 }'); do
        R cpupool-destroy "$p" 2>/dev/null
    done
    R cpupool-rename Pool-node0 Pool-0 2>/dev/null
    R cpupool-cpu-add Pool-0 1 2>/dev/null
}
trap cleanup EXIT

# run TAG TOOL ARGS...: "stdout" then "rc=N" of one call (stderr to TAG.err)
# (a minute at most: a hang is a difference to see, not the scenario's end)
run() { local t=$1 x=$2; shift 2; timeout 60 "$x" "$@" 2> "$t.err"; echo "rc=$?"; }
# same [-e] [-m SED] ARGS...: our xl and Debian's print the same and exit
# alike (-e: stderr too; -m: both outputs through sed SED first)
same() {
    local e= try
    MX=
    while :; do
        case $1 in -e) e=1; shift ;; -m) MX=$2; shift 2 ;; *) break ;; esac
    done
    # a real difference is there twice; the emulated host's dom0 now and
    # then kills a process (SIGSEGV, see tests/lab/open/hvm-bios-segv.sh):
    # one more try before a difference counts
    for try in 1 2; do
        # without -m no filter process: about 140 comparisons, and each
        # process dom0 starts costs tens of ms
        if [ -n "$MX" ]; then
            run ref $REF_XL "$@" | filt > ref.out
            run our $XL "$@" | filt > our.out
        else
            run ref $REF_XL "$@" > ref.out
            run our $XL "$@" > our.out
        fi
        if ! diff -u ref.out our.out > out.diff; then
            [ $try = 2 ] && { cat out.diff ref.err our.err; echo "DIFFERS: xl $*: output or exit code"; DIFFS=$((DIFFS + 1)); }
        elif [ -n "$e" ] && [ -z "$MX" ] && ! diff -u ref.err our.err > err.diff; then
            [ $try = 2 ] && { cat err.diff; echo "DIFFERS: xl $*: stderr"; DIFFS=$((DIFFS + 1)); }
        elif [ -n "$e" ] && [ -n "$MX" ] && ! diff -u <(filt < ref.err) <(filt < our.err) > err.diff; then
            [ $try = 2 ] && { cat err.diff; echo "DIFFERS: xl $*: stderr"; DIFFS=$((DIFFS + 1)); }
        else
            return 0
        fi
    done
    return 0
}
filt() { if [ -n "$MX" ]; then sed -e "$MX"; else cat; fi; }
# each comparison that differs is shown and counted; the scenario fails at
# the end if any did (one run shows them all)
DIFFS=0

step "help: on stdout, Xen's words for every command we have"
run our $XL help > our.help; run ref $REF_XL help > ref.help
head -4 our.help | diff - <(head -4 ref.help) || fail "xl help: heading differs"
# NAME|SUMMARY per command of a help listing (long names wrap the summary)
summaries() {
    awk 'NR > 4 && /^ [a-z]/ { if (n != "") print n "|" d; n = $1; d = substr($0, 22); next }
         NR > 4 && /^  / { sub(/^ +/, ""); d = $0 } END { if (n != "") print n "|" d }' "$1"
}
summaries our.help > our.sum; summaries ref.help > ref.sum
# Debian's lines, looked up by bash (no grep per command)
declare -A REF_SUM
while IFS= read -r l; do REF_SUM[$l]=1; done < ref.sum
n=0
while IFS='|' read -r c d; do
    # xkit's own commands (check-kernel...) say so in their summary
    case $d in *"(xkit's own)") [ -z "$(grep "^$c|" ref.sum)" ] || fail "xl help: $c is Xen's too"
        continue ;; esac
    n=$((n + 1))
    [ -n "${REF_SUM[$c|$d]:-}" ] || { grep "^$c|" ref.sum; fail "xl help: '$c|$d' is not Debian's line"; }
    same help "$c"
done < our.sum
echo "xl help: $n commands, each line and each 'xl help CMD' as Debian's ($(grep -c '^ [a-z]' ref.help) in Debian's)"
same -e nonesuch
same -e help nonesuch
same -e -N list
same -e -N pause 0
same -e -m 's|^[^ ]*xl: invalid|xl: invalid|' -h list
same -e li -q Domain-0
same -e cre
same -e destroy
same -e pause
same -e domid
same -m 's/[0-9.]*$//' list Domain-0

step "guests: one ours, one Debian's; options after arguments; list columns"
printf '%s\n' "kernel = \"$XK_GUESTS/xk-pv\"" 'memory = 16' 'vcpus = 2' 'extra = "xk.mode=sleep"' > g.cfg
# options after the file and a setting (Xen's xl refuses this one; ours takes it)
X create g.cfg 'name="surf-ours"' -p -q || fail "create FILE name=X -p -q"
NAMES="$NAMES surf-ours"
R create -q g.cfg 'name="surf-ref"' || fail "Debian's create"
# an extra argument: ignored as by Xen's xl (ours says so on stderr)
same pause surf-ref extra-argument-ignored
R unpause surf-ref
NAMES="$NAMES surf-ref"
[ "$(X list surf-ours | awk 'NR == 2 { print substr($5, 3, 1) }')" = p ] || fail "-p after the file was not taken"
# the time column moves between two calls
T='s/ *[0-9]*\.[0-9]$//'
same -m "$T" list
same -m 's/ *[0-9]*\.[0-9] / X /' list -v
same -m 's/ *[0-9]*\.[0-9] / X /' list -Z
same -m 's/ *[0-9]*\.[0-9] / X /' list -c
same -m 's/ *[0-9]*\.[0-9] / X /' list -n
same -m 's/ *[0-9]*\.[0-9] / X /' list -c surf-ref
same vm-list
same sharing
same sharing surf-ref
# ours says on stderr that it makes no claims (xl.conf's claim_mode is not read)
same -m 's/ *[0-9]*\.[0-9] / X /' claims
same -m 's/[0-9]*:[0-9][0-9]:[0-9][0-9]$//' uptime surf-ours surf-ref
same -m 's/^ [0-9:]* up [^,]*,/ X up Y,/' uptime -s surf-ours
for f in nr_cpus xen_version xen_caps virt_caps nr_nodes xen_scheduler host cc_ max_cpu_id bogus; do
    same info $f
done
same -m '/^\(free_memory\|sharing\|outstanding\|total_memory\|xen_commandline\) /d' info -n
same domid surf-ref
same -e domname 999
same -e domname x
same -e domid nonesuch
same -e vcpu-set surf-ours x
same -e mem-set surf-ours 12q
same -e sched-credit -w 3
same -e sched-credit2 -d surf-ours -p Pool-0
same -e vcpu-set surf-ours 9

step "cpupools: ours and Debian's see the same pools"
X cpupool-cpu-remove Pool-0 1 || fail "cpupool-cpu-remove Pool-0 1"
same cpupool-list -c
printf '%s\n' 'name = "xkc"' 'sched = "credit"' 'cpus = ["1"]' 'bogus = 1' > pool.cfg
X cpupool-create pool.cfg > create.out 2> create.err || { cat create.out create.err; fail "cpupool-create"; }
cat create.out create.err
grep -q 'pool.cfg:4:1: warning: .bogus' create.err || fail "unknown pool key: no located warning"
grep -qx 'cpupool name:   xkc' create.out || fail "cpupool-create's summary"
same cpupool-list
same cpupool-list -c
same cpupool-list xkc
same -e cpupool-list nonesuch
X cpupool-create pool.cfg 2> dup.err && fail "a second pool named xkc"
grep -q 'Pool name "xkc" already exists' dup.err || { cat dup.err; fail "duplicate pool: message"; }
X create -q -p g.cfg 'name="surf-pool"' 'pool="xkc"' || fail "create with pool="
NAMES="$NAMES surf-pool"
echo "created surf-pool in xkc"
# (Debian's view from its whole list: its "xl list -c surf-pool" dies of heap
# corruption at this point of this scenario, every run since 2026-12-02,
# though not in a probe doing the same; shown, not counted, below)
# (twice: right here Debian's xl has failed now and then, see NOTE lines)
pool_of() { R list -c > lc.out 2> lc.err; local rc=$?; awk '$1 == "surf-pool" { print $NF }' lc.out; return $rc; }
p=$(pool_of) || echo "NOTE: Debian's xl list -c: rc $?: $(cat lc.err)"
[ "$p" = xkc ] || { echo "NOTE: Debian's list -c said '$p' of surf-pool"; cat lc.out; p=$(pool_of); }
[ "$p" = xkc ] || { cat lc.out lc.err; fail "pool= not honoured"; }
R list -c surf-pool > /dev/null 2>&1 || echo "NOTE: Debian's xl list -c surf-pool failed (rc $?)"
same -m 's/ *[0-9]*\.[0-9] / X /' list -c
step "sched-credit in the credit pool"
same sched-credit
same sched-credit -d surf-pool
X sched-credit -d surf-pool -w 512 -c 50 || fail "sched-credit -w -c"
[ "$(R sched-credit -d surf-pool | awk 'NR == 2 { print $3, $4 }')" = "512 50" ] || fail "weight/cap not set"
same sched-credit -s -p xkc
X sched-credit -s -t 20 -r 500 -p xkc || fail "sched-credit -s -t -r"
R sched-credit -s -p xkc | grep -q 'tslice=20ms ratelimit=500us' || fail "tslice/ratelimit not set"
same -e sched-credit -d surf-pool -p xkc
same -e sched-credit -w 3
step "sched-credit2 pool parameters"
same sched-credit2 -s
r0=$(R sched-credit2 -s | sed -n 's/.*ratelimit=\([0-9]*\)us/\1/p')
X sched-credit2 -s -r 800 || fail "sched-credit2 -s -r"
R sched-credit2 -s | grep -q 'ratelimit=800us' || fail "credit2 ratelimit not set"
X sched-credit2 -s -r "$r0"
same sched-credit2
step "migrate, rename, destroy"
X cpupool-migrate surf-pool Pool-0 || fail "cpupool-migrate"
[ "$(R list -c surf-pool | awk 'NR == 2 { print $NF }')" = Pool-0 ] || fail "migrate not done"
X cpupool-rename xkc xkd || fail "cpupool-rename"
same cpupool-list
same -e cpupool-destroy nonesuch
X cpupool-destroy xkd || fail "cpupool-destroy"
same cpupool-list -c
[ -z "$(xenstore-ls /local/pool 2>/dev/null | grep xk)" ] || { xenstore-ls -fp /local/pool; fail "pool name left in xenstore"; }
step "sched-rtds: this Xen has no RTDS scheduler; both say so alike"
printf '%s\n' 'name = "xkr"' 'sched = "rtds"' 'cpus = "1"' > rt.cfg
X cpupool-create rt.cfg > rt.out 2> rt.err && { X cpupool-destroy xkr; fail "an RTDS pool on a Xen without RTDS?"; }
cat rt.out rt.err
grep -q "error on creating cpupool" rt.err || fail "RTDS pool: Xen's xl's words"
[ -z "$(R cpupool-list | grep xkr)" ] || fail "a failed cpupool-create left a pool"
same sched-rtds
same -e sched-rtds -d surf-ours -v 0 -p 20000 -b 5000
same -e sched-rtds -d surf-ours -p 30000 -b 6000
X destroy surf-pool || fail "destroy surf-pool"
X cpupool-cpu-add Pool-0 1 || fail "cpupool-cpu-add"
same cpupool-list -c
same cpupool-cpu-add Pool-0 node:0
step "numa-split: one node here, so Pool-0 becomes Pool-node0"
X cpupool-numa-split || fail "numa-split"
same cpupool-list
X cpupool-rename Pool-node0 Pool-0 || fail "rename back"
same cpupool-list
X cpupool-cpu-remove Pool-0 1 && X cpupool-create 'name="xks"' 'cpus=["1"]' > /dev/null || fail "a second pool"
same -e cpupool-numa-split
X cpupool-destroy xks && X cpupool-cpu-add Pool-0 1 || fail "second pool away"

step "debug-keys, sysrq, trigger: their effect"
X dmesg --clear > /dev/null || fail "dmesg --clear"
X debug-keys q || fail "debug-keys q"
R dmesg | grep -q "'q' pressed" || { R dmesg | tail -5; fail "debug-keys: Xen did not get 'q'"; }
d=$(R domid surf-ours)
X sysrq surf-ours s || fail "sysrq"
[ "$(xenstore-read /local/domain/$d/control/sysrq)" = s ] || fail "sysrq: control/sysrq"
same -e sysrq surf-ours ss
same -e trigger surf-ours bogus
same trigger surf-ours nmi
same -e button-press surf-ours bogus
step "FLASK: the lab's Xen has none; ours says so as Debian's does"
same getenforce
same -e setenforce 1
same setenforce bogus
same -e loadpolicy g.cfg

step "set-parameters through hypfs, read back with Xen's xenhypfs"
if command -v xenhypfs > /dev/null && l0=$(xenhypfs cat /params/loglvl 2>/dev/null); then
    R set-parameters "loglvl=error guest_loglvl=error" || fail "Debian's set-parameters"
    want=$(xenhypfs cat /params/loglvl)
    X set-parameters "loglvl=$l0" || fail "set-parameters back"
    [ "$(xenhypfs cat /params/loglvl)" = "$l0" ] || fail "loglvl not set back to $l0"
    X set-parameters "loglvl=error guest_loglvl=error" || fail "set-parameters"
    [ "$(xenhypfs cat /params/loglvl)" = "$want" ] || fail "loglvl: ours $(xenhypfs cat /params/loglvl), Debian's $want"
    X set-parameters "loglvl=$l0 guest_loglvl=all"
    same set-parameters nonesuch=1
else
    echo "note: no hypfs here (xenhypfs cat /params/loglvl failed)"
fi
step "bash completion: subcommands from xl help, domain names"
comp() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); PATH=${XL%/*}:$PATH _xkit_xl; echo "${COMPREPLY[*]}"; }
. /usr/local/share/bash-completion/completions/xl || fail "no bash completion installed"
[ "$(comp xl cpupool-l)" = cpupool-list ] || fail "completion of cpupool-l: '$(comp xl cpupool-l)'"
[ "$(comp xl -v sched-cr)" = "sched-credit sched-credit2" ] || fail "completion after -v: '$(comp xl -v sched-cr)'"
[ "$(comp xl pause surf-o)" = surf-ours ] || fail "domain name completion: '$(comp xl pause surf-o)'"

[ "$DIFFS" = 0 ] || fail "$DIFFS comparisons with Debian's xl differ (DIFFERS lines above)"
echo "xl-surface: all compared"
