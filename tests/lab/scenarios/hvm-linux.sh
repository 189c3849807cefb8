#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-timeout: 900
# Debian's kernel as an HVM guest (QEMU loads it: kernel= in xl.cfg) with an
# emulated IDE disk and an emulated NIC from the same disk= and vif= specs:
# its PV drivers unplug both (xen-platform-pci), then it reads and writes
# the disk through xen-blkfront (xvda) and pings dom0 through xen-netfront;
# QEMU shows the emulated NIC gone. The same kernel booted by SeaBIOS and
# GRUB from an emulated IDE disk reads that disk through xen-blkfront
# (xvda1). Debian's xl lists and destroys our HVM
# guest; ours destroys one Debian's xl made. Nothing is left either way.
. /xk/lib.sh
[ -r "$XK_LINUX/vmlinuz" ] || skip "no $XK_LINUX/vmlinuz"
dev_baseline
bridge_up xenbr0 10.0.0.1/24
cp "$XK_IMAGES/data.img" raw.img

step "HVM Linux: emulated disk and NIC, unplugged for the PV drivers"
linux_cfg hvm-linux hvm "xk.mount=xvda xk.write=1 xk.ip=10.0.0.2/24 xk.ping=10.0.0.1 xk.mode=wait" \
    "disk = [ 'format=raw,vdev=hda,access=rw,target=$PWD/raw.img' ]" "vif = [ 'bridge=xenbr0' ]" \
    "vnc = 0" "serial = 'pty'"
t=$(now)
$XL create -q hvm-linux.cfg || fail "create hvm-linux"
D=$($XL domid hvm-linux) || fail "domid hvm-linux"
echo "TIME hvm-linux: create returned after $(elapsed "$t") s"
tap=$(ip -o link show vif$D.0-emu 2>/dev/null) || fail "no tap vif$D.0-emu"
echo "$tap" | grep -q "master xenbr0" || fail "the tap is not on xenbr0: $tap"
wait_console hvm-linux XK-LINUX-UP 600 || { tail -n 30 /var/log/xen/qemu-dm-hvm-linux.log; fail "no XK-LINUX-UP"; }
echo "TIME hvm-linux: Linux up $(elapsed "$t") s after create started"
wait_console hvm-linux "XK-DISK-READ hello from dom0" 120 || fail "the HVM guest did not read its disk through xvda"
wait_console hvm-linux "XK-DISK-WROTE" 60 || fail "the HVM guest did not write its disk"
wait_console hvm-linux "XK-NET-UP eth0" 60 || fail "no eth0 in the HVM guest"
wait_console hvm-linux "XK-PING-OK 10.0.0.1" 90 || fail "the HVM guest cannot ping dom0 through its PV vif"
echo "TIME hvm-linux: disk and network used $(elapsed "$t") s after create started"
# the PV NIC has the emulated one's MAC, and QEMU's is unplugged
mac=$(sed -n 's/.*XK-NET-UP eth0 .* mac=\([0-9a-f:]*\).*/\1/p' "$(console_log hvm-linux)" | tr -d '\r' | head -n1)
[ "$mac" = "$(xenstore-read /local/domain/0/backend/vif/$D/0/mac)" ] || fail "eth0's MAC $mac is not the vif's"
$XL qemu-monitor-command hvm-linux "info pci" > pci.out || fail "info pci"
grep -i -A1 "ethernet" pci.out && fail "the emulated NIC is still plugged in"
grep -qi "xen platform" pci.out || grep -q "5853" pci.out || { cat pci.out; fail "no Xen platform device"; }
$REF_XL list hvm-linux || fail "Debian's xl does not list our HVM guest"

step "Debian's xl destroys our HVM guest"
$REF_XL destroy hvm-linux || fail "Debian's xl destroy"
dev_clean "hvm-linux (Debian's destroy)" "$D"
[ ! -e /run/xen/qmp-libxl-$D ] || fail "QMP socket left"
# what the guest wrote through blkfront is in the image
w=$(image_file raw.img from-guest)
[ "$w" = "written by the guest" ] || fail "raw.img holds '$w', not what the guest wrote"

step "HVM Linux from an emulated disk: SeaBIOS, GRUB, then the PV disk"
if [ -r "$XK_IMAGES/bios.img" ]; then
    cp "$XK_IMAGES/bios.img" bios.img
    printf '%s\n' 'name = "hvm-bios"' 'type = "hvm"' 'memory = 256' 'vnc = 0' 'serial = "pty"' \
        'tsc_mode = "native"' 'boot = "c"' "disk = [ 'format=raw,vdev=hda,access=rw,target=$PWD/bios.img' ]" > bios.cfg
    rm -f "$(console_log hvm-bios)"
    t=$(now)
    $XL create -q bios.cfg || fail "create hvm-bios"
    D=$($XL domid hvm-bios) || fail "domid hvm-bios"
    timeout 300 $XL console -t serial hvm-bios < /dev/null > grub.out 2>&1 &
    cpid=$!
    wait_for 120 grep -q XK-GRUB-BIOS grub.out || { kill $cpid; tr -d '\r' < grub.out | tail; fail "GRUB did not start from the emulated disk"; }
    echo "TIME hvm-bios: GRUB (from the IDE disk) $(elapsed "$t") s after create started"
    wait_console hvm-bios XK-LINUX-UP 600 || fail "no XK-LINUX-UP from the disk-booted kernel"
    echo "TIME hvm-bios: Linux up $(elapsed "$t") s after create started"
    wait_console hvm-bios "XK-LINUX-CMDLINE .*xk.boot=bios" 10 || fail "not the kernel GRUB booted"
    wait_console hvm-bios "XK-DISK-READ hello from the BIOS boot disk" 120 ||
        fail "the guest did not read its boot disk through xvda1 (PV, after unplug)"
    kill $cpid 2>/dev/null; wait $cpid 2>/dev/null
    # xk.mode=poweroff: on_poweroff=destroy takes it away
    wait_for 300 sh -c "! $REF_XL domid hvm-bios 2>/dev/null" || { tail -n 5 "$(console_log hvm-bios)"; fail "hvm-bios did not power off"; }
    dev_clean "hvm-bios" "$D"
else
    echo "no bios.img (the lab builds it with grub-pc-bin): skipped"
fi

step "our xl destroys an HVM guest Debian's xl made"
printf '%s\n' 'name = "ref-hvm"' 'type = "hvm"' "firmware_override = \"$XK_GUESTS/xk-hvm\"" \
    'memory = 32' 'vnc = 0' 'on_poweroff = "preserve"' > ref.cfg
$REF_XL create ref.cfg > ref.out 2>&1 || { cat ref.out; fail "Debian's xl create"; }
D=$($XL domid ref-hvm) || fail "our xl does not find ref-hvm"
wait_console ref-hvm "XK-GUEST-UP type=hvm" 120 || fail "no xk-hvm marker under Debian's xl"
$XL list ref-hvm || fail "our xl list"
$XL destroy ref-hvm || fail "our destroy of Debian's HVM guest"
dev_clean "ref-hvm (our destroy)" "$D"
echo ok
