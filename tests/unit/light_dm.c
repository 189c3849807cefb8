/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The device model's pure parts (QEMU's command line, recognising a
 * domain's QEMU, the end of its log) and the boot keys that map to pvgrub
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
    /* HVM: the firmware as written (create refuses HVM firmware) */
    xkl_domain_config *dc = convert_text("name = 'g'\ntype = 'hvm'\nfirmware = 'uefi'\n", &d);
    ck_assert_ptr_nonnull(dc);
    ck_assert_str_eq(dc->b_info.hvm.firmware, "uefi");
    ck_assert_ptr_null(dc->b_info.kernel);
    ck_assert_str_eq(xkl__config_unsupported(dc), "firmware");
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

int main(void)
{
    Suite *s = suite_create("light_dm");
    TCase *tc = tcase_create("dm");
    tcase_add_test(tc, pv_args_as_libxl);
    tcase_add_test(tc, pv_args_memory_and_name);
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
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
