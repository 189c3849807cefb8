/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The device model's pure parts (QEMU's command lines for PV and HVM, QMP
 * messages, recognising a domain's QEMU, the end of its log), an HVM
 * create's plan (firmware, video RAM, params) and the boot keys that map to pvgrub
 * (firmware = "pvgrub64", bootloader = "pygrub"); no hypervisor. */
#include "private.h"
#include "dm/dm.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRUB_PV XK_PVGRUB_DIR "/grub-x86_64-xen.bin"
#define GRUB_PVH XK_PVGRUB_DIR "/grub-i386-xen_pvh.bin"

START_TEST(pv_args_as_libxl)
{
    struct xkl__dm_argv a;
    ck_assert_int_eq(xkl__dm_pv_args(&a, "/q", 7, "web", 524288), 0);
    static const char *const want[] = {
        "/q", "-xen-domid", "7", "-no-shutdown",
        "-chardev", "socket,id=libxl-cmd,path=/run/xen/qmp-libxl-7,server=on,wait=off",
        "-mon", "chardev=libxl-cmd,mode=control", "-nodefaults", "-no-user-config",
        "-xen-attach", "-name", "guest=web", "-display", "none",
        "-machine", "xenpv", "-m", "512",
    };
    ck_assert_uint_eq(a.argc, sizeof want / sizeof *want);
    for (size_t i = 0; i < a.argc; i++)
        ck_assert_str_eq(a.argv[i], want[i]);
    ck_assert_ptr_null(a.argv[a.argc]);
}
END_TEST

START_TEST(pv_args_memory_and_name)
{
    struct xkl__dm_argv a;
    /* MiB rounded up, as libxl's sizekb_to_mb */
    ck_assert_int_eq(xkl__dm_pv_args(&a, "/q", 4294967295u, "a,b=c", 524289), 0);
    ck_assert_str_eq(a.argv[a.argc - 1], "513");
    ck_assert_str_eq(a.argv[2], "4294967295");
    ck_assert_str_eq(a.argv[12], "guest=a,,b=c");
    ck_assert_str_eq(a.argv[5], "socket,id=libxl-cmd,path=/run/xen/qmp-libxl-4294967295,server=on,wait=off");
    ck_assert_int_eq(xkl__dm_pv_args(&a, "/q", 1, "x", 1), 0);
    ck_assert_str_eq(a.argv[a.argc - 1], "1");
    /* a name that does not fit once its commas are doubled */
    char big[200];
    memset(big, ',', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    errno = 0;
    ck_assert_int_eq(xkl__dm_pv_args(&a, "/q", 1, big, 1024), -1);
    ck_assert_int_eq(errno, ENAMETOOLONG);
}
END_TEST

START_TEST(pv_args_channels)
{
    struct xkl__dm_argv a;
    struct xkl_channel ch[2];
    xkl__channel_init(&ch[0]);
    xkl__channel_init(&ch[1]);
    ch[0].connection = XKL_CHANNEL_CONNECTION_PTY;
    ch[1].connection = XKL_CHANNEL_CONNECTION_SOCKET;
    ch[1].path = (char *)"/run/a,b.sock";
    ck_assert_int_eq(xkl__dm_pv_args(&a, "/q", 7, "web", 524288), 0);
    size_t before = a.argc;
    ck_assert_int_eq(xkl__dm_pv_args_channels(&a, ch, 2), 0);
    ck_assert_uint_eq(a.argc, before + 4);
    /* after the QMP monitor, where libxl puts them */
    ck_assert_str_eq(a.argv[7], "chardev=libxl-cmd,mode=control");
    ck_assert_str_eq(a.argv[8], "-chardev");
    ck_assert_str_eq(a.argv[9], "pty,id=libxl-channel0");
    ck_assert_str_eq(a.argv[10], "-chardev");
    ck_assert_str_eq(a.argv[11], "socket,id=libxl-channel1,path=/run/a,,b.sock,server=on,wait=off");
    ck_assert_str_eq(a.argv[12], "-nodefaults");
    ck_assert_str_eq(a.argv[a.argc - 1], "512");
    ck_assert_ptr_null(a.argv[a.argc]);
    struct xkl_channel many[XKL__DM_MAXCHAN + 1];
    for (size_t i = 0; i <= XKL__DM_MAXCHAN; i++)
        xkl__channel_init(&many[i]);
    ck_assert_int_eq(xkl__dm_pv_args(&a, "/q", 7, "web", 524288), 0);
    errno = 0;
    ck_assert_int_eq(xkl__dm_pv_args_channels(&a, many, XKL__DM_MAXCHAN + 1), -1);
    ck_assert_int_eq(errno, E2BIG);
}
END_TEST

/* a NUL-separated command line from a literal with '|' between arguments */
static size_t cmdline(char *buf, const char *s)
{
    size_t n = strlen(s);
    memcpy(buf, s, n + 1);
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '|')
            buf[i] = '\0';
    return n + 1;
}

START_TEST(cmdline_recognises_the_domains_qemu)
{
    char b[256];
    size_t n;
    n = cmdline(b, "/usr/libexec/xen-qemu-system-i386|-xen-domid|7|-no-shutdown");
    ck_assert(xkl__dm_cmdline_is(b, n, 7));
    ck_assert(!xkl__dm_cmdline_is(b, n, 70));
    ck_assert(!xkl__dm_cmdline_is(b, n, 17));
    /* Debian's xl, through a wrapper script */
    n = cmdline(b, "/bin/sh|/usr/libexec/xen-qemu-system-i386|-xen-domid|12|-machine|xenpv");
    ck_assert(xkl__dm_cmdline_is(b, n, 12));
    /* without the final NUL too */
    n = cmdline(b, "qemu-system-i386|-name|x|-xen-domid|3");
    ck_assert(xkl__dm_cmdline_is(b, n - 1, 3));
    ck_assert(!xkl__dm_cmdline_is(b, n - 2, 3));   /* "-xen-domid" then "" */
    /* not a qemu, or no domid of ours */
    n = cmdline(b, "/bin/sleep|-xen-domid|7");
    ck_assert(!xkl__dm_cmdline_is(b, n, 7));
    n = cmdline(b, "/usr/bin/qemu-x/sleep|-xen-domid|7");
    ck_assert(!xkl__dm_cmdline_is(b, n, 7));
    n = cmdline(b, "/usr/bin/qemu-system-i386|-xen-domid");
    ck_assert(!xkl__dm_cmdline_is(b, n, 7));
    n = cmdline(b, "/usr/bin/qemu-system-i386|-name|-xen-domid7|7");
    ck_assert(!xkl__dm_cmdline_is(b, n, 7));
    ck_assert(!xkl__dm_cmdline_is("", 0, 0));
}
END_TEST

START_TEST(log_tail_last_lines)
{
    char out[64];
    const char *log = "one\ntwo\n\nthree\r\nfour\n\n";
    xkl__dm_log_tail(log, strlen(log), out, sizeof out);
    ck_assert_str_eq(out, "two | three | four");
    xkl__dm_log_tail("only", 4, out, sizeof out);
    ck_assert_str_eq(out, "only");
    xkl__dm_log_tail("\n\n", 2, out, sizeof out);
    ck_assert_str_eq(out, "(empty)");
    xkl__dm_log_tail("", 0, out, sizeof out);
    ck_assert_str_eq(out, "(empty)");
    /* QEMU says the same again and again: once, with what came before */
    const char *rep = "start\nbad drive\nbad drive\nbad drive\nbad drive\n";
    xkl__dm_log_tail(rep, strlen(rep), out, sizeof out);
    ck_assert_str_eq(out, "start | bad drive");
    char small[8];
    xkl__dm_log_tail("abcdefghijkl\n", 13, small, sizeof small);
    ck_assert_str_eq(small, "abcdefg");
}
END_TEST

/* ---- boot keys ---- */

static xkl_domain_config *convert_text(const char *text, xkl_diags *d)
{
    xkl_diags_init(d);
    xkl_cfg *cfg = xkl_cfg_parse("t.cfg", text, strlen(text), d);
    ck_assert_msg(cfg != NULL, "%s", d->n ? d->v[0].text : "");
    xkl_domain_config *dc = xkl_domain_config_from_cfg(cfg, d);
    xkl_cfg_free(cfg);
    return dc;
}

/* the one diagnostic of a conversion */
static void one_diag(const xkl_diags *d, enum xkl_diag_level level, const char *text)
{
    ck_assert_msg(d->n == 1, "%zu diagnostics, first: %s", d->n, d->n ? d->v[0].text : "");
    ck_assert_int_eq(d->v[0].level, level);
    ck_assert_str_eq(d->v[0].text, text);
}

START_TEST(firmware_pvgrub64_is_the_kernel)
{
    xkl_diags d;
    xkl_domain_config *dc = convert_text("name = 'g'\nfirmware = 'pvgrub64'\n", &d);
    ck_assert_msg(dc != NULL, "%s", d.n ? d.v[0].text : "");
    ck_assert_uint_eq(d.n, 0);
    ck_assert_str_eq(dc->b_info.kernel, GRUB_PV);
    ck_assert_ptr_null(xkl__config_unsupported(dc));
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);
}
END_TEST

START_TEST(firmware_errors)
{
    xkl_diags d;
    ck_assert_ptr_null(convert_text("name = 'g'\nfirmware = 'pvgrub32'\n", &d));
    one_diag(&d, XKL_DIAG_ERROR, "t.cfg:2:12: firmware 'pvgrub32': 32-bit PV guests are not supported "
                 "(pvgrub64 boots 64-bit ones)");
    xkl_diags_dispose(&d);
    ck_assert_ptr_null(convert_text("name = 'g'\nkernel = '/k'\nfirmware = 'pvgrub64'\n", &d));
    one_diag(&d, XKL_DIAG_ERROR, "t.cfg:3:12: both kernel and firmware specified: firmware 'pvgrub64' is "
                 "the kernel");
    xkl_diags_dispose(&d);
    ck_assert_ptr_null(convert_text("name = 'g'\nfirmware = 'uefi'\n", &d));
    one_diag(&d, XKL_DIAG_ERROR, "t.cfg:2:12: expected firmware pvgrub64 for a PV guest, found 'uefi'");
    xkl_diags_dispose(&d);
    /* HVM: the firmware as written (create's plan reads it) */
    xkl_domain_config *dc = convert_text("name = 'g'\ntype = 'hvm'\nfirmware = 'uefi'\n", &d);
    ck_assert_ptr_nonnull(dc);
    ck_assert_str_eq(dc->b_info.hvm.firmware, "uefi");
    ck_assert_ptr_null(dc->b_info.kernel);
    ck_assert_ptr_null(xkl__config_unsupported(dc));
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);
}
END_TEST

START_TEST(pygrub_maps_to_pvgrub)
{
    xkl_diags d;
    xkl_domain_config *dc = convert_text("name = 'g'\nbootloader = 'pygrub'\n", &d);
    ck_assert_msg(dc != NULL, "%s", d.n ? d.v[0].text : "");
    one_diag(&d, XKL_DIAG_WARNING, "t.cfg:2:14: warning: bootloader 'pygrub' maps to pvgrub (kernel " GRUB_PV
                 "): the guest's own grub reads its /boot/grub/grub.cfg inside the guest; "
                 "nothing parses the guest's disk in dom0");
    ck_assert_str_eq(dc->b_info.kernel, GRUB_PV);
    ck_assert_ptr_null(dc->b_info.bootloader);
    ck_assert_ptr_null(xkl__config_unsupported(dc));
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);

    /* by path, PVH, with a quiet flag */
    dc = convert_text("name = 'g'\ntype = 'pvh'\nbootloader = '/usr/lib/xen-4.17/bin/pygrub'\n"
                      "bootloader_args = [ '-q' ]\n", &d);
    ck_assert_msg(dc != NULL, "%s", d.n ? d.v[0].text : "");
    ck_assert_uint_eq(d.n, 1);
    ck_assert_ptr_nonnull(strstr(d.v[0].text, "warning: bootloader '/usr/lib/xen-4.17/bin/pygrub' "
                                              "maps to pvgrub (kernel " GRUB_PVH "):"));
    ck_assert_str_eq(dc->b_info.kernel, GRUB_PVH);
    ck_assert_ptr_null(xkl__config_unsupported(dc));
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);
}
END_TEST

/* what pygrub would have been told and pvgrub cannot be: not mapped (xl
 * accepts the config), a warning at that key, create refuses the bootloader */
START_TEST(pygrub_what_pvgrub_cannot_take)
{
#define NOT_MAPPED(key) "' with bootloader 'pygrub': not mapped to pvgrub, which boots what the " \
                        "guest's /boot/grub/grub.cfg names (create refuses the bootloader; remove '" key "')"
    static const struct { const char *cfg, *diag; } bad[] = {
        { "name = 'g'\nkernel = '/boot/vmlinuz'\nbootloader = 'pygrub'\n",
          "t.cfg:2:10: warning: 'kernel" NOT_MAPPED("kernel") },
        { "name = 'g'\nbootloader = 'pygrub'\nramdisk = '/boot/initrd'\n",
          "t.cfg:3:11: warning: 'ramdisk" NOT_MAPPED("ramdisk") },
        { "name = 'g'\nbootloader = 'pygrub'\nextra = 'quiet'\n",
          "t.cfg:3:9: warning: 'extra" NOT_MAPPED("extra") },
        { "name = 'g'\nroot = '/dev/xvda2 ro'\nbootloader = 'pygrub'\n",
          "t.cfg:2:8: warning: 'root" NOT_MAPPED("root") },
        { "name = 'g'\nbootloader = 'pygrub'\nfirmware = 'pvgrub64'\n",
          "t.cfg:3:12: warning: 'firmware" NOT_MAPPED("firmware") },
        { "name = 'g'\nbootloader = 'pygrub'\nbootloader_args = [ '-q', '--entry=1' ]\n",
          "t.cfg:3:19: warning: bootloader_args '--entry=1' with bootloader 'pygrub': not mapped to "
          "pvgrub, which boots the guest's default grub.cfg entry (create refuses the bootloader)" },
    };
#undef NOT_MAPPED
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        xkl_diags d;
        xkl_domain_config *dc = convert_text(bad[i].cfg, &d);
        ck_assert_msg(dc != NULL, "%s: %s", bad[i].cfg, d.n ? d.v[0].text : "");
        one_diag(&d, XKL_DIAG_WARNING, bad[i].diag);
        ck_assert_str_eq(dc->b_info.bootloader, "pygrub");
        ck_assert_str_eq(xkl__config_unsupported(dc), "bootloader");
        xkl_domain_config_free(dc);
        xkl_diags_dispose(&d);
    }
}
END_TEST

START_TEST(other_bootloaders_stay_refused)
{
    xkl_diags d;
    xkl_domain_config *dc = convert_text("name = 'g'\nbootloader = '/usr/bin/mybootloader'\n", &d);
    ck_assert_ptr_nonnull(dc);
    ck_assert_uint_eq(d.n, 0);
    ck_assert_str_eq(dc->b_info.bootloader, "/usr/bin/mybootloader");
    ck_assert_ptr_null(dc->b_info.kernel);
    ck_assert_str_eq(xkl__config_unsupported(dc), "bootloader");
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);
    /* "pygrub" inside another name is not pygrub */
    dc = convert_text("name = 'g'\nbootloader = 'pygrub2'\n", &d);
    ck_assert_ptr_nonnull(dc);
    ck_assert_str_eq(xkl__config_unsupported(dc), "bootloader");
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);
    /* HVM: no mapping */
    dc = convert_text("name = 'g'\ntype = 'hvm'\nbootloader = 'pygrub'\n", &d);
    ck_assert_ptr_nonnull(dc);
    ck_assert_str_eq(dc->b_info.bootloader, "pygrub");
    ck_assert_ptr_null(dc->b_info.kernel);
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);
}
END_TEST

/* ---- HVM: QEMU's arguments, QMP, create's plan ---- */

static bool has_pair(const struct xkl__dm_cmd *c, const char *opt, const char *val)
{
    for (size_t i = 0; i + 1 < c->argc; i++)
        if (!strcmp(c->argv[i], opt) && (!val || !strcmp(c->argv[i + 1], val)))
            return true;
    return false;
}

static bool has_arg(const struct xkl__dm_cmd *c, const char *a)
{
    for (size_t i = 0; i < c->argc; i++)
        if (!strcmp(c->argv[i], a))
            return true;
    return false;
}

START_TEST(hvm_args_defaults_as_libxl)
{
    xkl_diags d;
    xkl_domain_config *dc = convert_text("name = 'w,x'\ntype = 'hvm'\nmemory = 1024\n", &d);
    ck_assert_ptr_nonnull(dc);
    struct xkl__dm_hvm_in in = { .domid = 12, .dc = dc, .max_kb = 1024 * 1024, .video_kb = 8192,
                                 .max_vcpus = 1, .avail_vcpus = 1 };
    struct xkl__dm_cmd c;
    char why[256];
    ck_assert_int_eq(xkl__dm_hvm_args(&c, "/q", &in, why, sizeof why), 0);
    ck_assert_str_eq(c.argv[0], "/q");
    ck_assert_ptr_null(c.argv[c.argc]);
    ck_assert(has_pair(&c, "-xen-domid", "12"));
    ck_assert(has_pair(&c, "-chardev", "socket,id=libxl-cmd,path=/run/xen/qmp-libxl-12,server=on,wait=off"));
    ck_assert(has_pair(&c, "-mon", "chardev=libxl-cmd,mode=control"));
    ck_assert(has_pair(&c, "-chardev", "socket,id=libxenstat-cmd,path=/run/xen/qmp-libxenstat-12,server=on,wait=off"));
    ck_assert(has_pair(&c, "-name", "guest=w,,x"));
    ck_assert(has_pair(&c, "-vnc", "127.0.0.1:0,to=99"));   /* VNC on by default */
    ck_assert(has_pair(&c, "-display", "none"));
    ck_assert(has_pair(&c, "-device", "cirrus-vga,vgamem_mb=8"));
    ck_assert(has_pair(&c, "-boot", "order=cda"));
    ck_assert(has_pair(&c, "-net", "none"));
    ck_assert(has_pair(&c, "-machine", "xenfv,suppress-vmdesc=on"));
    ck_assert(has_pair(&c, "-m", "1016"));   /* video RAM out of memory= */
    ck_assert(has_arg(&c, "-nodefaults") && has_arg(&c, "-no-shutdown") && has_arg(&c, "-no-user-config"));
    ck_assert(!has_arg(&c, "-smp") && !has_arg(&c, "-serial") && !has_arg(&c, "-no-acpi") && !has_arg(&c, "-usb"));
    xkl__dm_cmd_dispose(&c);
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);
}
END_TEST

START_TEST(hvm_args_from_the_config)
{
    xkl_diags d;
    xkl_domain_config *dc = convert_text(
        "name = 'g'\ntype = 'hvm'\nvnclisten = '0.0.0.0'\nvncdisplay = 3\nvncunused = 0\nvncpasswd = 's'\n"
        "serial = [ 'pty', 'file:/tmp/s1' ]\nvga = 'stdvga'\nvideoram = 32\nboot = 'dc'\nusb = 1\n"
        "usbdevice = [ 'tablet' ]\nacpi = 0\nvcpus = 2\nmaxvcpus = 4\nxen_platform_pci = 0\n"
        "vif = [ 'mac=00:16:3e:01:02:03, bridge=br0', 'type=vif, mac=00:16:3e:00:00:09', 'model=e1000, mac=00:16:3e:00:00:0a, vifname=web' ]\n"
        "disk = [ 'format=raw, vdev=hda, access=rw, target=/d,1.img', 'format=qcow2, vdev=xvdb, access=rw, target=/q.qcow2',\n"
        "         'vdev=hdc, devtype=cdrom, access=ro, target=/c.iso', 'vdev=xvde, access=rw, target=/pv.img' ]\n"
        "device_model_args = [ '-global', 'x=y' ]\n", &d);
    ck_assert_msg(dc != NULL, "%s", d.n ? d.v[0].text : "");
    struct xkl__dm_hvm_in in = { .domid = 3, .dc = dc, .max_kb = 512 * 1024, .video_kb = 32768,
                                 .max_vcpus = 4, .avail_vcpus = 2 };
    struct xkl__dm_cmd c;
    char why[256];
    ck_assert_msg(xkl__dm_hvm_args(&c, "/q", &in, why, sizeof why) == 0, "%s", why);
    ck_assert(has_pair(&c, "-vnc", "0.0.0.0:3,password=on"));
    ck_assert(has_pair(&c, "-serial", "pty"));
    ck_assert(has_pair(&c, "-serial", "file:/tmp/s1"));
    ck_assert(has_pair(&c, "-device", "VGA,vgamem_mb=32"));
    ck_assert(has_pair(&c, "-boot", "order=dc"));
    ck_assert(has_arg(&c, "-usb"));
    ck_assert(has_pair(&c, "-device", "usb-tablet"));
    ck_assert(has_arg(&c, "-no-acpi"));
    ck_assert(has_pair(&c, "-smp", "2,maxcpus=4"));
    ck_assert(has_pair(&c, "-machine", "pc,accel=xen,suppress-vmdesc=on"));
    ck_assert(has_pair(&c, "-m", "480"));
    /* NICs: the emulated half of each vif but the type=vif one */
    ck_assert(has_pair(&c, "-device", "rtl8139,id=nic0,netdev=net0,mac=00:16:3e:01:02:03"));
    ck_assert(has_pair(&c, "-netdev", "type=tap,id=net0,ifname=vif3.0-emu,script=no,downscript=no"));
    ck_assert(!has_pair(&c, "-device", "rtl8139,id=nic1,netdev=net1,mac=00:16:3e:00:00:09"));
    ck_assert(has_pair(&c, "-device", "e1000,id=nic2,netdev=net2,mac=00:16:3e:00:00:0a"));
    ck_assert(has_pair(&c, "-netdev", "type=tap,id=net2,ifname=web-emu,script=no,downscript=no"));
    ck_assert(!has_pair(&c, "-net", "none"));
    /* disks: IDE for hd[a-d]/xvd[a-d], commas doubled, cdroms on ide-cd, xvde PV only */
    ck_assert(has_pair(&c, "-drive", "file=/d,,1.img,if=ide,index=0,media=disk,format=raw,cache=writeback"));
    ck_assert(has_pair(&c, "-drive", "file=/q.qcow2,if=ide,index=1,media=disk,format=qcow2,cache=writeback"));
    ck_assert(has_pair(&c, "-drive", "if=none,readonly=on,id=ide-2,file=/c.iso,format=raw"));
    ck_assert(has_pair(&c, "-device", "ide-cd,id=ide-2,drive=ide-2,bus=ide.1,unit=0"));
    for (size_t i = 0; i < c.argc; i++)
        ck_assert_msg(!strstr(c.argv[i], "/pv.img"), "xvde emulated: %s", c.argv[i]);
    /* the user's arguments last, as written */
    ck_assert_str_eq(c.argv[c.argc - 2], "-global");
    ck_assert_str_eq(c.argv[c.argc - 1], "x=y");
    xkl__dm_cmd_dispose(&c);
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);
}
END_TEST

static const char *hvm_args_why(const char *text)
{
    static char why[256];
    xkl_diags d;
    xkl_domain_config *dc = convert_text(text, &d);
    ck_assert_msg(dc != NULL, "%s", d.n ? d.v[0].text : "");
    struct xkl__dm_hvm_in in = { .domid = 1, .dc = dc, .max_kb = 65536, .video_kb = 8192,
                                 .max_vcpus = 1, .avail_vcpus = 1 };
    struct xkl__dm_cmd c;
    why[0] = '\0';
    int r = xkl__dm_hvm_args(&c, "/q", &in, why, sizeof why);
    if (r == 0)
        xkl__dm_cmd_dispose(&c);
    else
        ck_assert_ptr_null(c.argv);
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);
    return r == 0 ? "ok" : why;
}

START_TEST(hvm_args_refused)
{
    ck_assert_str_eq(hvm_args_why("name = 'g'\ntype = 'hvm'\nboot = 'cx'\n"),
                     "boot 'cx': expected the letters a, c, d and n");
    ck_assert_str_eq(hvm_args_why("name = 'g'\ntype = 'hvm'\nvga = 'qxl'\n"),
                     "vga 'qxl': expected stdvga, cirrus or none");
    ck_assert_str_eq(hvm_args_why("name = 'g'\ntype = 'hvm'\nusbdevice = 'host:1234:5678'\n"),
                     "usbdevice 'host:1234:5678': expected tablet, mouse or keyboard");
    ck_assert_str_eq(hvm_args_why("name = 'g'\ntype = 'hvm'\nserial = 'a b'\n"),
                     "serial 'a b': not a serial device QEMU knows (pty, file:PATH, /dev/ttyS0, ...)");
    ck_assert(strstr(hvm_args_why("name = 'g'\ntype = 'hvm'\ndisk = [ 'vdev=hda, access=ro, target=/x' ]\n"),
                     "cannot be read-only"));
    ck_assert(strstr(hvm_args_why("name = 'g'\ntype = 'hvm'\nvif = [ 'mac=00:16:3e:00:00:01, vifname=averylongname1' ]\n"),
                     "longer than 15"));
    ck_assert(strstr(hvm_args_why("name = 'g'\ntype = 'hvm'\nvif = [ 'mac=00:16:3e:00:00:01, model=e1000;x' ]\n"),
                     "not a QEMU NIC model name"));
    ck_assert_str_eq(hvm_args_why("name = 'g'\ntype = 'hvm'\nvif = [ 'bridge=br0' ]\n"),
                     "vif 0: no MAC address chosen");
    ck_assert_str_eq(hvm_args_why("name = 'g'\ntype = 'hvm'\nvga = 'none'\nvnc = 0\n"), "ok");
}
END_TEST

START_TEST(ide_index_of_vdev)
{
    ck_assert_int_eq(xkl__dm_ide_index("hda"), 0);
    ck_assert_int_eq(xkl__dm_ide_index("hdd"), 3);
    ck_assert_int_eq(xkl__dm_ide_index("xvdb"), 1);
    ck_assert_int_eq(xkl__dm_ide_index("xvde"), -1);
    ck_assert_int_eq(xkl__dm_ide_index("hde"), -1);
    ck_assert_int_eq(xkl__dm_ide_index("sda"), -1);
    ck_assert_int_eq(xkl__dm_ide_index("xvdaa"), -1);
    ck_assert_int_eq(xkl__dm_ide_index("hda1"), -1);
    ck_assert_int_eq(xkl__dm_ide_index(NULL), -1);
}
END_TEST

static enum xkl__qmp_kind qmp_kind(const char *line, long long *id, char *desc, size_t len)
{
    struct xkl__qmp_msg m;
    ck_assert_int_eq(xkl__qmp_parse(line, strlen(line), &m), 0);
    enum xkl__qmp_kind k = m.kind;
    if (id)
        *id = m.id;
    if (desc)
        snprintf(desc, len, "%s", m.desc);
    xkl__qmp_msg_dispose(&m);
    return k;
}

START_TEST(qmp_messages)
{
    long long id;
    char desc[256];
    ck_assert_int_eq(qmp_kind("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, \"capabilities\": []}}",
                              NULL, NULL, 0), XKL__QMP_GREETING);
    ck_assert_int_eq(qmp_kind("{\"return\": {}, \"id\": 4}", &id, NULL, 0), XKL__QMP_RETURN);
    ck_assert_int_eq(id, 4);
    ck_assert_int_eq(qmp_kind("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command x has not been found\"}, \"id\": 5}",
                              &id, desc, sizeof desc), XKL__QMP_ERROR);
    ck_assert_int_eq(id, 5);
    ck_assert_str_eq(desc, "CommandNotFound: The command x has not been found");
    ck_assert_int_eq(qmp_kind("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"RESUME\"}",
                              &id, desc, sizeof desc), XKL__QMP_EVENT);
    ck_assert_int_eq(id, -1);
    ck_assert_str_eq(desc, "RESUME");
    ck_assert_int_eq(qmp_kind("[1, 2]", NULL, NULL, 0), XKL__QMP_BAD);
    ck_assert_int_eq(qmp_kind("{\"return\": ", NULL, NULL, 0), XKL__QMP_BAD);
    ck_assert_int_eq(qmp_kind("{\"other\": 1}", NULL, NULL, 0), XKL__QMP_BAD);
    ck_assert_int_eq(qmp_kind("", NULL, NULL, 0), XKL__QMP_BAD);
    struct xkl__qmp_msg m;   /* a NUL inside is not JSON text */
    ck_assert_int_eq(xkl__qmp_parse("{\"return\":\0{}}", 14, &m), 0);
    ck_assert_int_eq(m.kind, XKL__QMP_BAD);
    xkl__qmp_msg_dispose(&m);
}
END_TEST

START_TEST(qmp_serial_ptys)
{
    const char *reply = "{\"return\": [{\"frontend-open\": true, \"filename\": \"pty:/dev/pts/3\", \"label\": \"serial0\"},"
                        " {\"filename\": \"unix:/run/xen/qmp-libxl-1,server=on\", \"label\": \"libxl-cmd\"},"
                        " {\"filename\": \"pty:/dev/pts/7\", \"label\": \"serial2\"},"
                        " {\"filename\": \"pty:/etc/passwd\", \"label\": \"serial1\"},"
                        " {\"filename\": \"pty:/dev/pts/9\", \"label\": \"serial9\"},"
                        " {\"filename\": \"file:/x\", \"label\": \"serial3\"}], \"id\": 2}";
    struct xkl__qmp_msg m;
    ck_assert_int_eq(xkl__qmp_parse(reply, strlen(reply), &m), 0);
    ck_assert_int_eq(m.kind, XKL__QMP_RETURN);
    char ptys[8][64];
    ck_assert_int_eq(xkl__qmp_ptys(m.ret, ptys, 8), 2);
    ck_assert_str_eq(ptys[0], "/dev/pts/3");
    ck_assert_str_eq(ptys[1], "");   /* not a pts path: never published */
    ck_assert_str_eq(ptys[2], "/dev/pts/7");
    ck_assert_str_eq(ptys[3], "");
    xkl__qmp_msg_dispose(&m);
}
END_TEST

START_TEST(hvm_plan_firmware_and_video)
{
    xkl_diags d;
    struct xkl__hvm_plan p;
    char why[256];
    xkl_domain_config *dc = convert_text("name = 'g'\ntype = 'hvm'\n", &d);
    ck_assert_int_eq(xkl__hvm_plan(dc, &p, why, sizeof why), 0);
    ck_assert_str_eq(p.hvmloader, XK_HVMLOADER);
    ck_assert_str_eq(p.bios, "seabios");
    ck_assert_str_eq(p.bios_path, XK_SEABIOS);
    ck_assert_uint_eq(p.video_kb, 8192);
    ck_assert(p.acpi);
    /* HPET, VPT align, timer mode 1, altp2m 0; no viridian */
    ck_assert_uint_eq(p.nparams, 4);
    ck_assert_uint_eq(p.params[0].index, HVM_PARAM_HPET_ENABLED);
    ck_assert_uint_eq(p.params[0].value, 1);
    ck_assert_uint_eq(p.params[2].index, HVM_PARAM_TIMER_MODE);
    ck_assert_uint_eq(p.params[2].value, 1);
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);

    dc = convert_text("name = 'g'\ntype = 'hvm'\nfirmware = 'uefi'\nvga = 'stdvga'\nacpi = 0\nhpet = 0\nviridian = 1\n", &d);
    ck_assert_int_eq(xkl__hvm_plan(dc, &p, why, sizeof why), 0);
    ck_assert_str_eq(p.bios, "ovmf");
    ck_assert_str_eq(p.bios_path, XK_OVMF);
    ck_assert_uint_eq(p.video_kb, 16384);
    ck_assert(!p.acpi);
    ck_assert_uint_eq(p.params[0].value, 0);
    ck_assert_uint_eq(p.nparams, 5);
    ck_assert_uint_eq(p.params[4].index, HVM_PARAM_VIRIDIAN);
    ck_assert_uint_eq(p.params[4].value, 0x19e5);
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);

    dc = convert_text("name = 'g'\ntype = 'hvm'\nfirmware_override = '/fw'\nbios = 'ovmf'\nbios_path_override = '/o.fd'\nvga = 'none'\n", &d);
    ck_assert_int_eq(xkl__hvm_plan(dc, &p, why, sizeof why), 0);
    ck_assert_str_eq(p.hvmloader, "/fw");
    ck_assert_str_eq(p.bios, "ovmf");
    ck_assert_str_eq(p.bios_path, "/o.fd");
    ck_assert_uint_eq(p.video_kb, 0);
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);

    static const char *const bad[][2] = {
        { "bios = 'rombios'\n", "bios=rombios needs qemu-xen-traditional: use seabios or ovmf" },
        { "firmware = 'rombios'\n", "firmware=rombios needs qemu-xen-traditional: use seabios or ovmf" },
        { "device_model_version = 'qemu-xen-traditional'\n",
          "device_model_version=qemu-xen-traditional: Xen 4.17 on Debian has only qemu-xen (remove the key)" },
        { "vga = 'stdvga'\nvideoram = 8\n", "videoram=8: std VGA needs at least 16 MiB" },
        { "videoram = 4\n", "videoram=4: cirrus VGA needs at least 8 MiB" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[256];
        snprintf(text, sizeof text, "name = 'g'\ntype = 'hvm'\n%s", bad[i][0]);
        dc = convert_text(text, &d);
        ck_assert_ptr_nonnull(dc);
        ck_assert_int_eq(xkl__hvm_plan(dc, &p, why, sizeof why), -1);
        ck_assert_str_eq(why, bad[i][1]);
        xkl_domain_config_free(dc);
        xkl_diags_dispose(&d);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("light_dm");
    TCase *tc = tcase_create("dm");
    tcase_add_test(tc, pv_args_as_libxl);
    tcase_add_test(tc, pv_args_memory_and_name);
    tcase_add_test(tc, pv_args_channels);
    tcase_add_test(tc, cmdline_recognises_the_domains_qemu);
    tcase_add_test(tc, log_tail_last_lines);
    suite_add_tcase(s, tc);
    TCase *tb = tcase_create("boot");
    tcase_add_test(tb, firmware_pvgrub64_is_the_kernel);
    tcase_add_test(tb, firmware_errors);
    tcase_add_test(tb, pygrub_maps_to_pvgrub);
    tcase_add_test(tb, pygrub_what_pvgrub_cannot_take);
    tcase_add_test(tb, other_bootloaders_stay_refused);
    suite_add_tcase(s, tb);
    TCase *th = tcase_create("hvm");
    tcase_add_test(th, hvm_args_defaults_as_libxl);
    tcase_add_test(th, hvm_args_from_the_config);
    tcase_add_test(th, hvm_args_refused);
    tcase_add_test(th, ide_index_of_vdev);
    tcase_add_test(th, qmp_messages);
    tcase_add_test(th, qmp_serial_ptys);
    tcase_add_test(th, hvm_plan_firmware_and_video);
    suite_add_tcase(s, th);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
