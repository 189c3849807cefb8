#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon's permission errors through our client from an unprivileged
# connection: a real Linux domU (the lab's guest kernel) runs our xenstore
# tool and xs_labcheck over its /dev/xen/xenbus. dom0 prepares nodes whose
# permissions (set with our xenstore-chmod) deny or allow that domain; the
# guest prints what it got on its console.
# lab-timeout: 200
. /xk/lib.sh
[ -r "$XK_LINUX/initrd.gz" ] && [ -r "$XK_LINUX/vmlinuz" ] || skip "no Linux guest"
command -v cpio >/dev/null || skip "no cpio in dom0"
X=/usr/local/bin/xenstore

step "nodes and permissions set with our client, read back with Debian's"
/usr/bin/xenstore-rm /xk-perm 2>/dev/null
$X write /xk-perm/secret s3cret /xk-perm/public hello || fail "write"
$X chmod /xk-perm/secret n0 || fail "chmod secret"
perms=$(/usr/bin/xenstore-ls -fp /xk-perm)
echo "$perms"
echo "$perms" | grep -q '^/xk-perm/secret = "s3cret"   (n0)$' || fail "secret perms not read back"

step "a guest initramfs with our tools"
mkdir root
(cd root && gzip -dc "$XK_LINUX/initrd.gz" | cpio -id 2>/dev/null) || fail "unpack guest initrd"
libs=$(for f in "$X" "$XK_BIN/xs_labcheck"; do
           LD_LIBRARY_PATH=/usr/local/lib /lib64/ld-linux-x86-64.so.2 --list "$f"
       done | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
for f in $libs "$X" "$XK_BIN/xs_labcheck"; do
    mkdir -p "root$(dirname "$f")" && cp -L "$f" "root$f" || fail "copy $f"
done
for t in read write; do ln -sf xenstore "root/usr/local/bin/xenstore-$t"; done
cat > root/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /lib/modules/order); do insmod "$m" 2>/dev/null; done
export LD_LIBRARY_PATH=/usr/local/lib
C=$(ls /xk/bin/xs_labcheck 2>/dev/null || echo /xs_labcheck)
echo "XS-PERM-BEGIN uuid=$(cat /sys/hypervisor/uuid 2>/dev/null)"
$C try read /xk-perm/secret
$C try write /local/domain/0/xk-intruder x
$C try read /xk-perm/public
/usr/local/bin/xenstore-read /xk-perm/secret; echo "XS-PERM tool-read-secret rc=$?"
/usr/local/bin/xenstore-write /local/domain/0/xk-intruder x; echo "XS-PERM tool-write rc=$?"
/usr/local/bin/xenstore-read /xk-perm/public; echo "XS-PERM tool-read-public rc=$?"
echo "XS-PERM-END"
poweroff -f
INIT
chmod 755 root/init
(cd root && find . | cpio -o -H newc 2>/dev/null | gzip -1) > perm-initrd.gz || fail "pack"

cat > g.cfg <<CFG
name = "xs-perm"
type = "pv"
kernel = "$XK_LINUX/vmlinuz"
ramdisk = "$PWD/perm-initrd.gz"
extra = "console=hvc0 quiet"
memory = 192
vcpus = 1
on_poweroff = "preserve"
CFG
$REF_XL create -p g.cfg || fail "xl create"
domid=$(domid_of xs-perm)
[ -n "$domid" ] || fail "no domid"
# the public node: owned by dom0, readable by the guest; set with our tool
$X chmod /xk-perm/public n0 r"$domid" || fail "chmod public"
/usr/bin/xenstore-ls -fp /xk-perm | grep -q "^/xk-perm/public = \"hello\"   (n0,r$domid)$" ||
    fail "public perms not read back: $(/usr/bin/xenstore-ls -fp /xk-perm)"
$REF_XL unpause xs-perm || fail "unpause"
log=$(console_log xs-perm)
wait_console xs-perm XS-PERM-END 150 >/dev/null || fail "guest never finished"
tr -d '\r' < "$log" | sed -n '/XS-PERM-BEGIN/,/XS-PERM-END/p' | tee out.txt
$REF_XL destroy xs-perm 2>/dev/null

grep -q '^read /xk-perm/secret: xenstore read /xk-perm/secret: Permission denied (EACCES) (via xenbus)$' out.txt ||
    fail "read of a denied node did not give EACCES with the path"
grep -q '^write /local/domain/0/xk-intruder: xenstore write /local/domain/0/xk-intruder: Permission denied (EACCES) (via xenbus)$' out.txt ||
    fail "write into dom0's directory did not give EACCES with the path"
grep -q '^value: hello$' out.txt || fail "the allowed read failed"
grep -q 'XS-PERM tool-read-secret rc=1' out.txt && grep -q 'XS-PERM tool-write rc=1' out.txt &&
    grep -q 'XS-PERM tool-read-public rc=0' out.txt || fail "xenstore tool exit codes"
/usr/bin/xenstore-exists /local/domain/0/xk-intruder && fail "the denied write happened"
/usr/bin/xenstore-rm /xk-perm
echo ok
