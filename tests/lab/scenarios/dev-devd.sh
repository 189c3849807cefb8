#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 420
# A real driver domain: Debian's kernel with blkback and netback, and
# xkit's xl devd started by the xkit-driverdomain init.d script in it. A
# Linux guest whose disk and vif have backend=dd mounts a disk image that
# exists only in the driver domain and pings the driver domain across its
# bridge; the driver domain set up a loop device and the bridge port, and
# nothing was set up in dom0. A disk the driver domain lacks is refused
# there (hotplug-status error, hotplug-error naming the file). Detach and
# destroy release the loop device in the driver domain and remove its
# backend directories.
. /xk/lib.sh
PATH=$REF_BIN:$PATH   # inspect xenstore with Debian's tools
[ -r "$XK_LINUX/vmlinuz" ] && [ -r "$XK_LINUX/dd-initrd.gz" ] || skip "no driver domain initramfs in the lab"
dev_baseline

marker() {   # NAME PATTERN [SECONDS]: the console line after PATTERN
    local l
    l=$(wait_console "$1" "$2" "${3:-120}") || { echo "$l" >&2; fail "$1: no $2 on its console"; }
    l=${l#*"$2"}
    echo "${l# }"
}
devd_log() { grep 'XK-DEVD ' "$(console_log dd)" | tr -d '\r'; }

step "xl devd refuses dom0, whose backends xl sets up itself"
xl_fails "devd in dom0" $XL devd -F
case $XL_ERR in *"this is domain 0"*"run xl devd in a driver domain"*) ;; *) fail "devd in dom0: $XL_ERR" ;; esac

step "the driver domain boots and starts xl devd through its init.d script"
linux_cfg dd pv "xk.devd=1 xk.mode=wait"
sed -i 's|/initrd.gz"|/dd-initrd.gz"|; s|^memory = .*|memory = 192|' dd.cfg
$XL create -q dd.cfg || fail "create the driver domain"
DD=$($XL domid dd) || fail "no domid for dd"
started=$(marker dd XK-DEVD-STARTED 180)
echo "driver domain $DD: $started"
case $started in "rc=0 pid="[0-9]*) ;; *) devd_log; fail "xl devd did not start: $started" ;; esac
wait_for 20 sh -c "grep -q 'serving the backends of domain $DD' '$(console_log dd)'" ||
    { devd_log; fail "xl devd does not say it serves domain $DD"; }

step "a guest with its disk and vif in the driver domain"
linux_cfg ddg pv "xk.mount=xvda xk.write=1 xk.ip=10.77.0.2/24 xk.ping=10.77.0.1 xk.mode=wait" \
    "disk = [ 'backend=dd,format=raw,vdev=xvda,access=rw,target=/srv/guest.img' ]" \
    "vif = [ 'backend=dd,bridge=xkbr0,mac=00:16:3e:00:dd:02' ]"
t0=$(now)
$XL create -q ddg.cfg 2> err || { cat err; fail "create the guest"; }
G=$($XL domid ddg) || fail "no domid for ddg"
read_line=$(marker ddg XK-DISK-READ)
[ "$read_line" = "hello from dom0" ] || fail "the guest read \"$read_line\" from the driver domain's image"
marker ddg XK-DISK-WROTE > /dev/null
wait_console ddg "XK-PING-OK 10.77.0.1" 90 || { devd_log; fail "the guest cannot ping the driver domain"; }
echo "guest $G: disk read and written, pinged the driver domain, $(elapsed "$t0") s after create"
be=/local/domain/$DD/backend/vbd/$G/51712
vbe=/local/domain/$DD/backend/vif/$G/0
[ "$(xenstore-read $be/hotplug-status)" = connected ] || fail "vbd hotplug-status in the driver domain"
pd=$(xenstore-read $be/physical-device) || fail "no physical-device for blkback"
node=$(xenstore-read $be/node)
case $node in /dev/loop[0-9]*) ;; *) fail "vbd node \"$node\": not a loop device of the driver domain" ;; esac
[ "$(xenstore-read $vbe/hotplug-status)" = connected ] || fail "vif hotplug-status in the driver domain"
[ "$(xenstore-read $be/state)" = 4 ] && [ "$(xenstore-read $vbe/state)" = 4 ] || fail "backends not Connected"
wait_for 10 sh -c "grep -q 'vbd xvda of domain $G: /srv/guest.img on $node (read-write), physical-device $pd' '$(console_log dd)'" ||
    { devd_log; fail "devd's log does not name the loop device"; }
wait_for 10 sh -c "grep -q 'vif 0 of domain $G: vif$G.0 on bridge xkbr0' '$(console_log dd)'" ||
    { devd_log; fail "devd's log does not name the bridge port"; }
devd_log
# nothing in dom0
[ -z "$(xenstore-ls /local/domain/0/backend/vbd/$G 2>/dev/null)" ] || fail "a dom0 vbd backend"
[ ! -e /sys/class/net/vif$G.0 ] || fail "a vif in dom0"
[ "$(loops)" = "$BASE_LOOPS" ] || { loops; fail "a loop device bound in dom0"; }

step "a disk the driver domain lacks: its error is there, in xenstore"
$XL block-attach ddg backend=dd,format=raw,vdev=xvdb,access=ro,target=/srv/missing.img 2> err ||
    { cat err; fail "block-attach (the nodes are dom0's part)"; }
mbe=/local/domain/$DD/backend/vbd/$G/51728
wait_for 20 sh -c "[ \"\$(xenstore-read $mbe/hotplug-status 2>/dev/null)\" = error ]" ||
    { devd_log; fail "no hotplug-status error for the missing image"; }
herr=$(xenstore-read $mbe/hotplug-error)
echo "hotplug-error: $herr"
case $herr in *"vbd xvdb of domain $G: /srv/missing.img: no such file"*) ;; *) fail "hotplug-error does not name the file" ;; esac
# a device whose set-up failed still detaches plainly
$XL block-detach ddg xvdb 2> err || { cat err; fail "block-detach xvdb"; }
wait_for 10 sh -c "! xenstore-exists $mbe" || fail "$mbe left"

step "detach the disk and the vif: released in the driver domain"
t1=$(now)
$XL block-detach ddg xvda 2> err || { cat err; devd_log; fail "block-detach xvda"; }
echo "block-detach: $(elapsed "$t1") s"
wait_for 20 sh -c "! xenstore-exists $be" || fail "$be left"
wait_for 20 sh -c "grep -q 'vbd xvda of domain $G: released $node' '$(console_log dd)'" ||
    { devd_log; fail "devd did not release $node"; }
$XL network-detach ddg 0 2> err || { cat err; devd_log; fail "network-detach 0"; }
wait_for 20 sh -c "! xenstore-exists $vbe" || fail "$vbe left"

step "a second disk, then destroy: devd releases it too"
$XL block-attach ddg backend=dd,format=raw,vdev=xvdc,access=ro,target=/srv/guest.img 2> err ||
    { cat err; fail "block-attach xvdc"; }
cbe=/local/domain/$DD/backend/vbd/$G/51744
wait_for 20 sh -c "[ \"\$(xenstore-read $cbe/hotplug-status 2>/dev/null)\" = connected ]" ||
    { devd_log; fail "xvdc not connected"; }
cnode=$(xenstore-read $cbe/node)
# (the log reaches the console through tail -F: a second or so later)
wait_for 10 sh -c "grep -q 'vbd xvdc of domain $G: /srv/guest.img on $cnode (read-only)' '$(console_log dd)'" ||
    { devd_log; fail "xvdc not set up read-only"; }
$XL destroy ddg || fail "destroy the guest"
wait_for 20 sh -c "grep -q 'vbd xvdc of domain $G: released $cnode' '$(console_log dd)'" ||
    { devd_log; fail "devd did not release $cnode after destroy"; }
[ -z "$(xenstore-ls /local/domain/$DD/backend/vbd 2>/dev/null)" ] || { xenstore-ls -f /local/domain/$DD/backend; fail "vbd backends left"; }
[ -z "$(xenstore-ls /local/domain/$DD/backend/vif 2>/dev/null)" ] || fail "vif backends left"
devd_log | grep "error" | grep -v missing.img && fail "devd logged an error besides the missing image"

$XL destroy dd || fail "destroy the driver domain"
dev_clean "driver domain and guest" "$G" "$DD"
echo "driver domain $DD served guest $G: disk, vif, a refused disk, detach and destroy released"
