/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel configurations (liblight/host/kconfig.c, kcheck.c): the three
 * forms (text, gzip, IKCONFIG in a vmlinux and in a compressed ELF), odd
 * and repeated lines, bad input, and the verdicts for dom0 and for PV,
 * PVH and HVM guests, on Debian's own /boot/config-* (when the machine has
 * one) and on configurations the test edits. */
#include <check.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xkit/light.h>
#include <zlib.h>

/* What a kernel needs for every use, and a little more. */
static const char FULL[] =
    "#\n# Linux/x86 6.1.99 Kernel Configuration\n#\n"
    "CONFIG_X86_64=y\nCONFIG_ACPI=y\nCONFIG_PARAVIRT=y\nCONFIG_PARAVIRT_SPINLOCKS=y\n"
    "CONFIG_XEN=y\nCONFIG_XEN_PV=y\nCONFIG_XEN_PV_DOM0=y\nCONFIG_XEN_PVH=y\nCONFIG_XEN_DOM0=y\n"
    "CONFIG_XEN_PVHVM_GUEST=y\nCONFIG_XEN_XENBUS_FRONTEND=y\nCONFIG_HVC_XEN=y\n"
    "CONFIG_HVC_XEN_FRONTEND=y\nCONFIG_XEN_BLKDEV_FRONTEND=m\nCONFIG_XEN_NETDEV_FRONTEND=m\n"
    "CONFIG_XEN_BALLOON=y\nCONFIG_XEN_SCRUB_PAGES_DEFAULT=y\nCONFIG_XEN_SAVE_RESTORE=y\n"
    "CONFIG_XEN_SYS_HYPERVISOR=y\nCONFIG_SERIAL_8250_CONSOLE=y\nCONFIG_XEN_PRIVCMD=m\n"
    "CONFIG_XEN_DEV_EVTCHN=m\nCONFIG_XEN_GNTDEV=m\nCONFIG_XENFS=m\nCONFIG_XEN_BACKEND=y\n"
    "CONFIG_XEN_COMPAT_XENFS=y\nCONFIG_XEN_GRANT_DEV_ALLOC=m\nCONFIG_XEN_BLKDEV_BACKEND=m\n"
    "CONFIG_XEN_NETDEV_BACKEND=m\nCONFIG_BRIDGE=m\nCONFIG_BLK_DEV_LOOP=m\nCONFIG_TUN=m\n"
    "CONFIG_XEN_PCIDEV_BACKEND=m\nCONFIG_XEN_ACPI_PROCESSOR=m\n"
    "CONFIG_LOCALVERSION=\"-test\"\n# CONFIG_IKCONFIG is not set\n";

static char diag[4096];

static xkl_kconfig *load(const void *buf, size_t len)
{
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_kconfig *kc = xkl_kconfig_load_mem(buf, len, "k", &d);
    diag[0] = 0;
    for (size_t i = 0; i < d.n; i++) {
        strncat(diag, d.v[i].text, sizeof diag - strlen(diag) - 2);
        strcat(diag, "\n");
    }
    xkl_diags_dispose(&d);
    return kc;
}

static xkl_kconfig *load_str(const char *s)
{
    return load(s, strlen(s));
}

/* A gzip stream of len bytes of in; *out_len its size. */
static unsigned char *gz(const void *in, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, len) + 64;
    unsigned char *out = malloc(cap);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

/* The missing required options of a use, joined by ' '; the verdict. */
static int check(const xkl_kconfig *kc, enum xkl_kcheck_role r, enum xkl_kcheck_type t,
                 char *missing, size_t len)
{
    struct xkl_kcheck_item *it;
    size_t n;
    int m = xkl_kcheck(kc, r, t, &it, &n);
    missing[0] = 0;
    int counted = 0;
    for (size_t i = 0; m >= 0 && i < n; i++) {
        ck_assert_ptr_nonnull(it[i].why);
        ck_assert_int_eq(it[i].ok, it[i].value != NULL);
        /* required options come first */
        if (i && it[i].level == XKL_KREQUIRED)
            ck_assert_int_eq(it[i - 1].level, XKL_KREQUIRED);
        if (it[i].level == XKL_KREQUIRED && !it[i].ok) {
            counted++;
            strncat(missing, it[i].option, len - strlen(missing) - 2);
            strcat(missing, " ");
        }
    }
    if (m >= 0)
        ck_assert_int_eq(m, counted);
    free(it);
    return m;
}

/* FULL without the line of option (and with extra appended). */
static char *edit(const char *base, const char *option, const char *extra)
{
    char *s = malloc(strlen(base) + strlen(extra) + 1);
    s[0] = 0;
    const char *p = base;
    size_t ol = strlen(option);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p + 1) : strlen(p);
        if (!(l > ol && !strncmp(p, option, ol) && p[ol] == '='))
            strncat(s, p, l);
        p += l;
    }
    strcat(s, extra);
    return s;
}

START_TEST(text_form)
{
    xkl_kconfig *kc = load_str(FULL);
    ck_assert_ptr_nonnull(kc);
    ck_assert_str_eq(diag, "");
    ck_assert_int_eq(xkl_kconfig_form(kc), XKL_KCONFIG_TEXT);
    ck_assert_str_eq(xkl_kconfig_form_name(xkl_kconfig_form(kc)), "text");
    ck_assert_str_eq(xkl_kconfig_version(kc), "6.1.99");
    ck_assert_str_eq(xkl_kconfig_arch(kc), "x86");
    ck_assert_uint_eq(xkl_kconfig_count(kc), 35);
    ck_assert_str_eq(xkl_kconfig_get(kc, "CONFIG_XEN"), "y");
    ck_assert_str_eq(xkl_kconfig_get(kc, "XENFS"), "m");
    ck_assert_str_eq(xkl_kconfig_get(kc, "LOCALVERSION"), "\"-test\"");
    ck_assert_ptr_null(xkl_kconfig_get(kc, "CONFIG_IKCONFIG"));
    ck_assert_ptr_null(xkl_kconfig_get(kc, "CONFIG_XE"));
    ck_assert_ptr_null(xkl_kconfig_get(kc, "CONFIG_XEN_"));
    char m[512];
    ck_assert_int_eq(check(kc, XKL_KROLE_DOMU, XKL_KTYPE_PV, m, sizeof m), 0);
    ck_assert_int_eq(check(kc, XKL_KROLE_DOMU, XKL_KTYPE_PVH, m, sizeof m), 0);
    ck_assert_int_eq(check(kc, XKL_KROLE_DOMU, XKL_KTYPE_HVM, m, sizeof m), 0);
    ck_assert_int_eq(check(kc, XKL_KROLE_DOM0, XKL_KTYPE_PV, m, sizeof m), 0);
    ck_assert_int_eq(check(kc, XKL_KROLE_DOM0, XKL_KTYPE_PVH, m, sizeof m), 0);
    /* Xen builds no HVM dom0 */
    struct xkl_kcheck_item *it = (void *)1;
    size_t n = 9;
    errno = 0;
    ck_assert_int_eq(xkl_kcheck(kc, XKL_KROLE_DOM0, XKL_KTYPE_HVM, &it, &n), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_ptr_null(it);
    ck_assert_uint_eq(n, 0);
    xkl_kconfig_free(kc);
}
END_TEST

/* Each option a use requires, taken out of FULL, fails that use and names
 * the option; a recommended one taken out changes no verdict. */
START_TEST(edited_configs)
{
    static const struct {
        const char *option;
        int pv, pvh, hvm, d0pv, d0pvh;   /* 1: the use fails without it */
    } t[] = {
        { "CONFIG_XEN", 1, 1, 0, 1, 1 },
        { "CONFIG_PARAVIRT", 1, 1, 0, 1, 1 },
        { "CONFIG_X86_64", 1, 0, 0, 1, 0 },
        { "CONFIG_XEN_PV", 1, 0, 0, 1, 0 },
        { "CONFIG_XEN_PV_DOM0", 0, 0, 0, 1, 0 },
        { "CONFIG_XEN_PVH", 0, 1, 0, 0, 1 },
        { "CONFIG_XEN_DOM0", 0, 0, 0, 1, 1 },
        { "CONFIG_ACPI", 0, 1, 0, 0, 1 },
        { "CONFIG_HVC_XEN", 1, 1, 0, 0, 0 },
        { "CONFIG_XEN_XENBUS_FRONTEND", 1, 1, 0, 0, 0 },
        { "CONFIG_XEN_PRIVCMD", 0, 0, 0, 1, 1 },
        { "CONFIG_XEN_DEV_EVTCHN", 0, 0, 0, 1, 1 },
        { "CONFIG_XEN_GNTDEV", 0, 0, 0, 1, 1 },
        { "CONFIG_XENFS", 0, 0, 0, 1, 1 },
        { "CONFIG_XEN_BACKEND", 0, 0, 0, 1, 1 },
        { "CONFIG_XEN_BALLOON", 0, 0, 0, 0, 0 },
        { "CONFIG_XEN_BLKDEV_FRONTEND", 0, 0, 0, 0, 0 },
        { "CONFIG_XEN_NETDEV_BACKEND", 0, 0, 0, 0, 0 },
        { "CONFIG_XEN_PVHVM_GUEST", 0, 0, 0, 0, 0 },
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        /* both ways of saying "not set" */
        for (int way = 0; way < 2; way++) {
            char extra[128];
            snprintf(extra, sizeof extra, way ? "%s=n\n" : "# %s is not set\n", t[i].option);
            char *s = edit(FULL, t[i].option, extra);
            xkl_kconfig *kc = load_str(s);
            ck_assert_ptr_nonnull(kc);
            ck_assert_ptr_null(xkl_kconfig_get(kc, t[i].option));
            char m[512], want[128];
            snprintf(want, sizeof want, "%s ", t[i].option);
            const int exp[5] = { t[i].pv, t[i].pvh, t[i].hvm, t[i].d0pv, t[i].d0pvh };
            const enum xkl_kcheck_role role[5] = { XKL_KROLE_DOMU, XKL_KROLE_DOMU, XKL_KROLE_DOMU,
                                                   XKL_KROLE_DOM0, XKL_KROLE_DOM0 };
            const enum xkl_kcheck_type type[5] = { XKL_KTYPE_PV, XKL_KTYPE_PVH, XKL_KTYPE_HVM,
                                                   XKL_KTYPE_PV, XKL_KTYPE_PVH };
            for (int u = 0; u < 5; u++) {
                int r = check(kc, role[u], type[u], m, sizeof m);
                ck_assert_msg(r == exp[u], "%s, use %d: %d missing (%s)", t[i].option, u, r, m);
                ck_assert_str_eq(m, exp[u] ? want : "");
            }
            xkl_kconfig_free(kc);
            free(s);
        }
    }
}
END_TEST

START_TEST(odd_and_repeated_lines)
{
    xkl_kconfig *kc = load_str("CONFIG_A=y\r\n  \n\tCONFIG_B=m\nrandom words\nCONFIG_A=n\n"
                               "CONFIG_=y\nCONFIG_C\nCONFIG_B=y\n");
    ck_assert_ptr_nonnull(kc);
    ck_assert_str_eq(diag, "k:4:1: warning: not a kernel configuration line (CONFIG_NAME=VALUE or "
                           "'# CONFIG_NAME is not set'); ignored\n"
                           "k:6:1: warning: not a kernel configuration line (CONFIG_NAME=VALUE or "
                           "'# CONFIG_NAME is not set'); ignored\n"
                           "k:7:1: warning: not a kernel configuration line (CONFIG_NAME=VALUE or "
                           "'# CONFIG_NAME is not set'); ignored\n"
                           "k:5:1: warning: CONFIG_A set again (first on line 1); this value wins\n"
                           "k:8:1: warning: CONFIG_B set again (first on line 3); this value wins\n");
    ck_assert_ptr_null(xkl_kconfig_get(kc, "A"));
    ck_assert_str_eq(xkl_kconfig_get(kc, "B"), "y");
    ck_assert_str_eq(xkl_kconfig_version(kc), "");
    xkl_kconfig_free(kc);
    /* many odd lines: five located, then one count */
    char big[2048] = "CONFIG_A=y\n";
    for (int i = 0; i < 9; i++)
        strcat(big, "junk\n");
    kc = load_str(big);
    ck_assert_ptr_nonnull(kc);
    ck_assert_ptr_nonnull(strstr(diag, "k:6:1: warning"));
    ck_assert_ptr_null(strstr(diag, "k:7:1: warning"));
    ck_assert_ptr_nonnull(strstr(diag, "k: warning: 4 more lines that are not kernel configuration lines; ignored"));
    xkl_kconfig_free(kc);
}
END_TEST

START_TEST(not_a_config)
{
    errno = 0;
    ck_assert_ptr_null(load_str("root:x:0:0:root:/root:/bin/bash\nhello\n"));
    ck_assert_int_eq(errno, EINVAL);
    /* no noise about each line of what is not a configuration at all */
    ck_assert_str_eq(diag, "k: not a kernel configuration: no CONFIG_ line in it (give a .config, "
                           "/proc/config.gz or a kernel built with CONFIG_IKCONFIG)\n");
    ck_assert_ptr_null(load_str(""));
    ck_assert_ptr_null(load("\0\1\2\3garbage", 11));
    ck_assert_ptr_nonnull(strstr(diag, "neither a kernel configuration nor a kernel image"));
    /* a truncated gzip stream */
    size_t n;
    unsigned char *z = gz(FULL, sizeof FULL - 1, &n);
    ck_assert_ptr_null(load(z, n / 2));
    ck_assert_ptr_nonnull(strstr(diag, "k: gzip data"));
    free(z);
    /* a missing file names itself */
    xkl_diags d;
    xkl_diags_init(&d);
    errno = 0;
    ck_assert_ptr_null(xkl_kconfig_load("/nonexistent/config", &d));
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_str_eq(d.v[0].text, "/nonexistent/config: cannot open: No such file or directory");
    xkl_diags_dispose(&d);
}
END_TEST

START_TEST(gzip_form)
{
    size_t n;
    unsigned char *z = gz(FULL, sizeof FULL - 1, &n);
    xkl_kconfig *kc = load(z, n);
    ck_assert_ptr_nonnull(kc);
    ck_assert_int_eq(xkl_kconfig_form(kc), XKL_KCONFIG_GZIP);
    ck_assert_str_eq(xkl_kconfig_version(kc), "6.1.99");
    ck_assert_uint_eq(xkl_kconfig_count(kc), 35);
    xkl_kconfig_free(kc);
    free(z);
}
END_TEST

/* An ELF64 x86-64 executable with one PT_LOAD segment holding seg. */
static unsigned char *elf_with(const unsigned char *seg, size_t len, size_t *out_len)
{
    const size_t off = 0x1000;
    unsigned char *e = calloc(1, off + len);
    /* e_ident, e_type=ET_EXEC, e_machine=EM_X86_64, e_version */
    memcpy(e, "\177ELF\2\1\1", 7);
    e[16] = 2;
    e[18] = 62;
    e[20] = 1;
    uint64_t entry = 0xffffffff81000000ull, phoff = 64;
    memcpy(e + 24, &entry, 8);
    memcpy(e + 32, &phoff, 8);
    e[52] = 64;          /* e_ehsize */
    e[54] = 56;          /* e_phentsize */
    e[56] = 1;           /* e_phnum */
    e[58] = 64;          /* e_shentsize */
    unsigned char *ph = e + 64;
    uint32_t type = 1, flags = 5;
    uint64_t o = off, vaddr = entry, paddr = 0x1000000, sz = len, align = 0x1000;
    memcpy(ph, &type, 4);
    memcpy(ph + 4, &flags, 4);
    memcpy(ph + 8, &o, 8);
    memcpy(ph + 16, &vaddr, 8);
    memcpy(ph + 24, &paddr, 8);
    memcpy(ph + 32, &sz, 8);
    memcpy(ph + 40, &sz, 8);
    memcpy(ph + 48, &align, 8);
    memcpy(e + off, seg, len);
    *out_len = off + len;
    return e;
}

START_TEST(ikconfig_form)
{
    /* the way kernel/configs.c lays it out: marker, gzip stream, marker */
    size_t zn;
    unsigned char *z = gz(FULL, sizeof FULL - 1, &zn);
    size_t sn = 4096 + 8 + zn + 8 + 64;
    unsigned char *seg = malloc(sn);
    for (size_t i = 0; i < sn; i++)
        seg[i] = (unsigned char)(i * 7 + 1);
    /* a decoy marker not followed by gzip data */
    memcpy(seg + 100, "IKCFG_ST", 8);
    memcpy(seg + 4096, "IKCFG_ST", 8);
    memcpy(seg + 4104, z, zn);
    memcpy(seg + 4104 + zn, "IKCFG_ED", 8);
    size_t en;
    unsigned char *elf = elf_with(seg, sn, &en);

    /* a vmlinux as it is */
    xkl_kconfig *kc = load(elf, en);
    ck_assert_msg(kc != NULL, "%s", diag);
    ck_assert_int_eq(xkl_kconfig_form(kc), XKL_KCONFIG_IKCONFIG);
    ck_assert_str_eq(xkl_kconfig_version(kc), "6.1.99");
    ck_assert_str_eq(xkl_kconfig_get(kc, "XEN_PVH"), "y");
    xkl_kconfig_free(kc);

    /* a compressed kernel: the copy is found once libguest unwraps it */
    size_t gn;
    unsigned char *gelf = gz(elf, en, &gn);
    kc = load(gelf, gn);
    ck_assert_msg(kc != NULL, "%s", diag);
    ck_assert_int_eq(xkl_kconfig_form(kc), XKL_KCONFIG_IKCONFIG);
    ck_assert_uint_eq(xkl_kconfig_count(kc), 35);
    xkl_kconfig_free(kc);
    free(gelf);

    /* a kernel without the copy */
    memset(seg + 4096, 0, 16);
    free(elf);
    elf = elf_with(seg, sn, &en);
    gelf = gz(elf, en, &gn);
    errno = 0;
    ck_assert_ptr_null(load(gelf, gn));
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_str_eq(diag, "k: a kernel image without its configuration in it (built without "
                           "CONFIG_IKCONFIG): give its .config instead (Debian: /boot/config-VERSION)\n");
    free(gelf);
    free(elf);
    free(seg);
    free(z);
}
END_TEST

/* Debian's own kernels, as installed: each can be every use. */
START_TEST(debian_configs)
{
    glob_t g;
    if (glob("/boot/config-*", 0, NULL, &g) != 0) {
        fprintf(stderr, "light_host_kconfig: no /boot/config-*: Debian's configs not checked\n");
        return;
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
        xkl_diags d;
        xkl_diags_init(&d);
        xkl_kconfig *kc = xkl_kconfig_load(g.gl_pathv[i], &d);
        ck_assert_msg(kc != NULL, "%s: %s", g.gl_pathv[i], d.n ? d.v[0].text : "");
        ck_assert_uint_eq(d.n, 0);
        xkl_diags_dispose(&d);
        ck_assert_uint_gt(xkl_kconfig_count(kc), 1000);
        ck_assert_str_ne(xkl_kconfig_version(kc), "");
        char m[512];
        if (xkl_kconfig_get(kc, "CONFIG_XEN")) {
            ck_assert_int_eq(check(kc, XKL_KROLE_DOMU, XKL_KTYPE_PV, m, sizeof m), 0);
            ck_assert_int_eq(check(kc, XKL_KROLE_DOMU, XKL_KTYPE_PVH, m, sizeof m), 0);
            ck_assert_int_eq(check(kc, XKL_KROLE_DOM0, XKL_KTYPE_PV, m, sizeof m), 0);
        }
        ck_assert_int_eq(check(kc, XKL_KROLE_DOMU, XKL_KTYPE_HVM, m, sizeof m), 0);
        xkl_kconfig_free(kc);
    }
    globfree(&g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("light_host_kconfig");
    TCase *tc = tcase_create("kconfig");
    tcase_add_test(tc, text_form);
    tcase_add_test(tc, edited_configs);
    tcase_add_test(tc, odd_and_repeated_lines);
    tcase_add_test(tc, not_a_config);
    tcase_add_test(tc, gzip_form);
    tcase_add_test(tc, ikconfig_form);
    tcase_add_test(tc, debian_configs);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
