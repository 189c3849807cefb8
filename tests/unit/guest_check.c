/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
/* libguest compatibility checks (actionable refusals) and the builder's
 * argument validation, which needs no hypervisor. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xkit/guest.h>

#define FIX "guest-fixtures/"
#define CAPS_ALL "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64"

static char err[512];

static xkg_image *load(const char *name)
{
    xkg_image *img = xkg_image_load(name, 0, err, sizeof(err));
    ck_assert_msg(img != NULL, "%s", err);
    return img;
}

static void refused(xkg_image *img, enum xkg_type t, const char *caps, int e, const char *want)
{
    errno = 0;
    err[0] = 0;
    ck_assert_int_eq(xkg_image_check(img, t, caps, err, sizeof(err)), -1);
    ck_assert_int_eq(errno, e);
    ck_assert_msg(strstr(err, want), "want \"%s\" in \"%s\"", want, err);
}

START_TEST(pv64_ok)
{
    xkg_image *img = load(FIX "pv64.elf");
    ck_assert_int_eq(xkg_image_check(img, XKG_TYPE_PV, CAPS_ALL, err, sizeof(err)), 0);
    ck_assert_int_eq(xkg_image_check(img, XKG_TYPE_PV, NULL, err, sizeof(err)), 0);
    refused(img, XKG_TYPE_PVH, CAPS_ALL, ENOEXEC,
            "kernel has no XEN_ELFNOTE_PHYS32_ENTRY note: it cannot boot as PVH "
            "(Linux needs CONFIG_PVH=y)");
    refused(img, XKG_TYPE_PV, "hvm-3.0-x86_64", EOPNOTSUPP, "lack xen-3.0-x86_64");
    xkg_image_free(img);
}
END_TEST

START_TEST(pvh_ok)
{
    xkg_image *img = load(FIX "pvh64.elf");
    ck_assert_int_eq(xkg_image_check(img, XKG_TYPE_PVH, CAPS_ALL, err, sizeof(err)), 0);
    refused(img, XKG_TYPE_PVH, "xen-3.0-x86_64", EOPNOTSUPP, "cannot run PVH guests");
    xkg_image_free(img);
}
END_TEST

START_TEST(pv32_refused)
{
    xkg_image *img = load(FIX "pv32.elf");
    refused(img, XKG_TYPE_PV, CAPS_ALL, EOPNOTSUPP,
            "cannot run 32-bit PV guests (capabilities \"" CAPS_ALL "\" lack xen-3.0-x86_32p");
    /* hvm-3.0-x86_32p must not be mistaken for xen-3.0-x86_32p */
    refused(img, XKG_TYPE_PV, "xen-3.0-x86_64 xen-3.0-x86_32p", EOPNOTSUPP,
            "32-bit PV kernels are not supported by xkit's builder");
    xkg_image_free(img);
}
END_TEST

START_TEST(not_xen)
{
    xkg_image *img = load(FIX "plain64.elf");
    refused(img, XKG_TYPE_PV, CAPS_ALL, ENOEXEC, "no Xen ELF notes");
    refused(img, XKG_TYPE_PV, CAPS_ALL, ENOEXEC, "CONFIG_XEN_PV=y");
    refused(img, XKG_TYPE_PVH, CAPS_ALL, ENOEXEC, "XEN_ELFNOTE_PHYS32_ENTRY");
    xkg_image_free(img);
    ck_assert_int_eq(xkg_image_check(NULL, XKG_TYPE_PV, NULL, err, sizeof(err)), -1);
    ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* edit a note of the pv64 fixture in memory */
static xkg_image *patched(unsigned char **buf, const char *find, const char *repl,
                          const char *find2, const char *repl2)
{
    FILE *f = fopen(FIX "pv64.elf", "rb");
    ck_assert(f);
    static unsigned char p[0x6000];
    size_t n = fread(p, 1, sizeof(p), f);
    fclose(f);
    unsigned char *at = memmem(p, n, find, strlen(find));
    ck_assert_ptr_nonnull(at);
    memcpy(at, repl, strlen(repl));
    if (find2) {
        at = memmem(p, n, find2, strlen(find2));
        ck_assert_ptr_nonnull(at);
        memcpy(at, repl2, strlen(repl2));
    }
    *buf = p;
    xkg_image *img = xkg_image_load_mem(p, n, 0, "patched", err, sizeof(err));
    ck_assert_msg(img != NULL, "%s", err);
    return img;
}

START_TEST(bad_notes)
{
    unsigned char *p;
    xkg_image *img = patched(&p, "xen-3.0", "xen-2.0", NULL, NULL);
    refused(img, XKG_TYPE_PV, NULL, ENOEXEC, "XEN_VERSION is \"xen-2.0\"");
    xkg_image_free(img);
    img = patched(&p, "generic", "special", "linux", "minix");
    refused(img, XKG_TYPE_PV, NULL, ENOEXEC, "no XEN_ELFNOTE_LOADER \"generic\" note and its "
            "XEN_ELFNOTE_GUEST_OS is \"minix\"");
    xkg_image_free(img);
    img = patched(&p, "!writable_page_tables", "!dom0|xxxxxxxxxxxxxxxx", NULL, NULL);
    refused(img, XKG_TYPE_PV, NULL, EOPNOTSUPP, "requires feature \"dom0\"");
    xkg_image_free(img);
}
END_TEST

START_TEST(build_args)
{
    struct xkg_build_cfg cfg;
    struct xkg_build_result res;
    xkg_build_cfg_init(&cfg, XKG_TYPE_PVH);
    ck_assert_int_eq(cfg.type, XKG_TYPE_PVH);
    ck_assert_uint_eq(cfg.nr_vcpus, 1);
    errno = 0;
    ck_assert_int_eq(xkg_build(NULL, 1, &cfg, &res, err, sizeof(err)), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_msg(strstr(err, "domain 1"), "%s", err);
}
END_TEST

START_TEST(paging_pool)
{
    /* libxl: 4 KiB * (256 per vcpu + 2 per MiB), rounded up to a MiB */
    ck_assert_uint_eq(xkg_paging_pool_bytes(512 * 1024, 1), 5ull << 20);
    ck_assert_uint_eq(xkg_paging_pool_bytes(128 * 1024, 2), 3ull << 20);
    ck_assert_uint_eq(xkg_paging_pool_bytes(4096 * 1024, 4), 36ull << 20);
}
END_TEST

START_TEST(names)
{
    ck_assert_str_eq(xkg_type_name(XKG_TYPE_PV), "PV");
    ck_assert_str_eq(xkg_type_name(XKG_TYPE_PVH), "PVH");
    ck_assert_str_eq(xkg_compression_name(XKG_COMP_LZ4), "lz4");
    ck_assert_str_eq(xkg_compression_name((enum xkg_compression)99), "unknown");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("guest_check");
    TCase *tc = tcase_create("check");
    tcase_add_test(tc, pv64_ok);
    tcase_add_test(tc, pvh_ok);
    tcase_add_test(tc, pv32_refused);
    tcase_add_test(tc, not_xen);
    tcase_add_test(tc, bad_notes);
    tcase_add_test(tc, build_args);
    tcase_add_test(tc, paging_pool);
    tcase_add_test(tc, names);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
