/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libguest kernel images: ELF parsing, Xen notes, bzImage, decompression,
 * hostile input. Fixtures come from guest_mkimage (see guest.am). */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xen/features.h>
#include <xkit/guest.h>

#define FIX "guest-fixtures/"

static char err[512];

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc((size_t)len + 1);
    ck_assert(p);
    ck_assert_uint_eq(fread(p, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return p;
}

static unsigned char seg_byte(size_t off)
{
    return (unsigned char)((off * 7 + 3) ^ (off >> 8));
}

/* segments of the fixture kernels: text at file offset 0x1000 (0x2000
 * bytes), data at 0x3000 (0x800 bytes in file, 0x3000 in memory) */
static void check_fixture_segments(const xkg_image *img)
{
    const struct xkg_image_info *in = xkg_image_info(img);
    ck_assert_uint_eq(in->nr_segments, 2);
    const struct xkg_segment *t = xkg_image_segment(img, 0), *d = xkg_image_segment(img, 1);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_null(xkg_image_segment(img, 2));
    ck_assert_uint_eq(t->paddr, 0x200000);
    ck_assert_uint_eq(t->filesz, 0x2000);
    ck_assert_uint_eq(d->paddr, 0x202000);
    ck_assert_uint_eq(d->filesz, 0x800);
    ck_assert_uint_eq(d->memsz, 0x3000);
    for (size_t i = 0; i < t->filesz; i++)
        ck_assert_uint_eq(t->data[i], seg_byte(0x1000 + i));
    for (size_t i = 0; i < d->filesz; i++)
        ck_assert_uint_eq(d->data[i], seg_byte(0x3000 + i));
    ck_assert_uint_eq(in->pstart, 0x200000);
    ck_assert_uint_eq(in->pend, 0x205000);
}

START_TEST(elf64_pt_note)
{
    xkg_image *img = xkg_image_load(FIX "pv64.elf", 0, err, sizeof(err));
    ck_assert_msg(img != NULL, "%s", err);
    const struct xkg_image_info *in = xkg_image_info(img);
    const struct xkg_xen_notes *x = &in->xen;
    ck_assert_uint_eq(in->elf_class, 64);
    ck_assert_uint_eq(in->machine, EM_X86_64);
    ck_assert(!in->bzimage);
    ck_assert_int_eq(in->compression, XKG_COMP_NONE);
    check_fixture_segments(img);
    ck_assert(x->found && !x->legacy_guest_string);
    ck_assert_str_eq(x->guest_os, "linux");
    ck_assert_str_eq(x->guest_version, "2.6");
    ck_assert_str_eq(x->xen_version, "xen-3.0");
    ck_assert_str_eq(x->loader, "generic");
    ck_assert_str_eq(x->pae_mode, "yes");
    ck_assert(x->has_virt_base && x->virt_base == 0xffffffff80000000ull);
    ck_assert(x->has_paddr_offset && x->paddr_offset == 0);
    ck_assert(x->has_entry && x->entry == 0xffffffff80200010ull);
    ck_assert(x->has_hypercall_page && x->hypercall_page == 0xffffffff80201000ull);
    ck_assert(x->has_init_p2m && x->init_p2m == 0x8000000000ull);
    ck_assert(!x->has_phys32_entry);
    ck_assert(x->suspend_cancel && x->mod_start_pfn && x->bsd_symtab);
    ck_assert_uint_eq(x->nr_l1_mfn_valid, 1);
    ck_assert_uint_eq(x->l1_mfn_valid[0][0], 0xfff0000000000001ull);
    ck_assert_uint_eq(x->l1_mfn_valid[0][1], 1);
    ck_assert_str_eq(x->features, "!writable_page_tables|pae_pgdir_above_4gb|no_such_feature");
    ck_assert_uint_eq(x->feat_required[0], 1u << XENFEAT_writable_page_tables);
    ck_assert_uint_eq(x->feat_supported[0], 1u << XENFEAT_writable_page_tables |
                                                1u << XENFEAT_pae_pgdir_above_4gb |
                                                1u << XENFEAT_hvm_callback_vector);
    xkg_image_free(img);
}
END_TEST

START_TEST(elf64_section_notes)
{
    xkg_image *img = xkg_image_load(FIX "pvh64.elf", 0, err, sizeof(err));
    ck_assert_msg(img != NULL, "%s", err);
    const struct xkg_xen_notes *x = &xkg_image_info(img)->xen;
    ck_assert(x->found);
    ck_assert(x->has_phys32_entry && x->phys32_entry == 0x200020);
    ck_assert_str_eq(x->guest_os, "linux");
    check_fixture_segments(img);
    xkg_image_free(img);
}
END_TEST

START_TEST(elf32)
{
    xkg_image *img = xkg_image_load(FIX "pv32.elf", 0, err, sizeof(err));
    ck_assert_msg(img != NULL, "%s", err);
    const struct xkg_image_info *in = xkg_image_info(img);
    ck_assert_uint_eq(in->elf_class, 32);
    ck_assert_uint_eq(in->machine, EM_386);
    ck_assert(in->xen.has_virt_base && in->xen.virt_base == 0xc0000000u);
    ck_assert(in->xen.entry == 0xc0200010u);
    check_fixture_segments(img);
    xkg_image_free(img);
}
END_TEST

START_TEST(legacy_guest_string)
{
    xkg_image *img = xkg_image_load(FIX "legacy64.elf", 0, err, sizeof(err));
    ck_assert_msg(img != NULL, "%s", err);
    const struct xkg_xen_notes *x = &xkg_image_info(img)->xen;
    ck_assert(x->found && x->legacy_guest_string);
    ck_assert_str_eq(x->guest_os, "linux");
    ck_assert_str_eq(x->loader, "generic");
    ck_assert(x->has_virt_base && x->virt_base == 0xffffffff80000000ull);
    ck_assert(x->has_hypercall_page && x->hypercall_page == 0x201);
    ck_assert_int_eq(xkg_image_check(img, XKG_TYPE_PV, NULL, err, sizeof(err)), 0);
    xkg_image_free(img);
}
END_TEST

START_TEST(plain_elf_has_no_notes)
{
    xkg_image *img = xkg_image_load(FIX "plain64.elf", 0, err, sizeof(err));
    ck_assert_msg(img != NULL, "%s", err);
    ck_assert(!xkg_image_info(img)->xen.found);
    xkg_image_free(img);
}
END_TEST

static const char *const comps[] = { "gz", "xz", "lzma", "zst", "bz2", "lz4" };
static const enum xkg_compression comp_ids[] = { XKG_COMP_GZIP, XKG_COMP_XZ, XKG_COMP_LZMA,
                                                 XKG_COMP_ZSTD, XKG_COMP_BZIP2, XKG_COMP_LZ4 };

START_TEST(compressed_elf)
{
    char path[128];
    snprintf(path, sizeof(path), FIX "pv64.elf.%s", comps[_i]);
    xkg_image *img = xkg_image_load(path, 0, err, sizeof(err));
    ck_assert_msg(img != NULL, "%s: %s", path, err);
    const struct xkg_image_info *in = xkg_image_info(img);
    ck_assert_int_eq(in->compression, comp_ids[_i]);
    ck_assert(!in->bzimage);
    ck_assert_uint_eq(in->elf_size, 0x5400);
    ck_assert_str_eq(in->xen.guest_os, "linux");
    check_fixture_segments(img);
    ck_assert_int_eq(xkg_image_check(img, XKG_TYPE_PV, "xen-3.0-x86_64", err, sizeof(err)), 0);
    xkg_image_free(img);
}
END_TEST

START_TEST(bzimage)
{
    char path[128];
    snprintf(path, sizeof(path), FIX "bzImage-%s", comps[_i]);
    xkg_image *img = xkg_image_load(path, 0, err, sizeof(err));
    ck_assert_msg(img != NULL, "%s: %s", path, err);
    const struct xkg_image_info *in = xkg_image_info(img);
    ck_assert(in->bzimage);
    ck_assert_int_eq(in->compression, comp_ids[_i]);
    ck_assert_str_eq(xkg_compression_name(in->compression), comps[_i][0] == 'g' ? "gzip"
                     : comps[_i][0] == 'z' ? "zstd" : comps[_i][0] == 'b' ? "bzip2" :
                     comps[_i]);
    check_fixture_segments(img);
    xkg_image_free(img);
}
END_TEST

/* the same bytes from memory; uncompressed ELF is borrowed, not copied */
START_TEST(load_mem_borrows)
{
    size_t n;
    unsigned char *p = slurp(FIX "pv64.elf", &n);
    xkg_image *img = xkg_image_load_mem(p, n, 0, "mem", err, sizeof(err));
    ck_assert_msg(img != NULL, "%s", err);
    ck_assert_ptr_eq(xkg_image_segment(img, 0)->data, p + 0x1000);
    xkg_image_free(img);
    free(p);
}
END_TEST

START_TEST(decompress_cap)
{
    errno = 0;
    xkg_image *img = xkg_image_load(FIX "bzImage-xz", 0x1000, err, sizeof(err));
    ck_assert_ptr_null(img);
    ck_assert_int_eq(errno, EFBIG);
    ck_assert_msg(strstr(err, "exceeds") && strstr(err, "bzImage-xz"), "%s", err);
}
END_TEST

START_TEST(missing_file)
{
    errno = 0;
    ck_assert_ptr_null(xkg_image_load(FIX "no-such-kernel", 0, err, sizeof(err)));
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_msg(strstr(err, "no-such-kernel") && strstr(err, "No such file"), "%s", err);
    ck_assert_ptr_null(xkg_image_load(FIX, 0, err, sizeof(err)));
    ck_assert_msg(strstr(err, "not a regular file"), "%s", err);
    ck_assert_ptr_null(xkg_image_load_mem("", 0, 0, "empty", err, sizeof(err)));
    ck_assert_int_eq(errno, ENOEXEC);
    /* NULL err buffer is fine */
    ck_assert_ptr_null(xkg_image_load(FIX "no-such-kernel", 0, NULL, 0));
}
END_TEST

START_TEST(garbage_is_refused)
{
    ck_assert_ptr_null(xkg_image_load_mem("hello world, not a kernel", 25, 0, "junk", err,
                                          sizeof(err)));
    ck_assert_int_eq(errno, ENOEXEC);
    ck_assert_msg(strstr(err, "junk: not an ELF kernel"), "%s", err);
    ck_assert_ptr_null(xkg_image_load_mem("\x89LZO\0\0\0\0", 8, 0, "lzo", err, sizeof(err)));
    ck_assert_msg(strstr(err, "LZO"), "%s", err);
    /* truncated gzip stream */
    size_t n;
    unsigned char *p = slurp(FIX "pv64.elf.gz", &n);
    ck_assert_ptr_null(xkg_image_load_mem(p, n / 2, 0, "half.gz", err, sizeof(err)));
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_msg(strstr(err, "corrupt or truncated"), "%s", err);
    free(p);
    /* bzImage whose payload runs past the end of the file */
    p = slurp(FIX "bzImage-gz", &n);
    ck_assert_ptr_null(xkg_image_load_mem(p, 0x600, 0, "cut-bz", err, sizeof(err)));
    ck_assert_msg(strstr(err, "outside"), "%s", err);
    /* boot protocol too old */
    p[0x206] = 0x04;
    ck_assert_ptr_null(xkg_image_load_mem(p, n, 0, "old-bz", err, sizeof(err)));
    ck_assert_msg(strstr(err, "older than 2.08"), "%s", err);
    free(p);
}
END_TEST

/* every truncation and many byte flips of every fixture must fail or
 * succeed cleanly (run under ASan by make check's second pass) */
static void hostile(const char *file)
{
    size_t n;
    unsigned char *orig = slurp(file, &n);
    unsigned char *p = malloc(n);
    for (size_t cut = 0; cut < n; cut += (cut < 0x400 ? 1 : 61)) {
        memcpy(p, orig, cut);
        xkg_image_free(xkg_image_load_mem(p, cut, 1 << 20, "cut", err, sizeof(err)));
    }
    unsigned seed = 1;
    for (int round = 0; round < 3000; round++) {
        memcpy(p, orig, n);
        for (int k = 0; k < 4; k++) {
            seed = seed * 1103515245 + 12345;
            size_t at = (seed >> 8) % (n < 0x5400 ? n : 0x5400);
            p[at] = (unsigned char)(seed >> 3);
        }
        xkg_image *img = xkg_image_load_mem(p, n, 1 << 20, "flip", err, sizeof(err));
        if (img) {
            const struct xkg_image_info *in = xkg_image_info(img);
            for (unsigned i = 0; i < in->nr_segments; i++) {
                const struct xkg_segment *s = xkg_image_segment(img, i);
                volatile unsigned char sum = 0;
                for (uint64_t k = 0; k < s->filesz; k += 512)
                    sum ^= s->data[k];
                (void)sum;
            }
            xkg_image_check(img, XKG_TYPE_PV, "xen-3.0-x86_64", err, sizeof(err));
            xkg_image_check(img, XKG_TYPE_PVH, "hvm-3.0-x86_64", err, sizeof(err));
        }
        xkg_image_free(img);
    }
    free(p);
    free(orig);
}

START_TEST(hostile_input)
{
    static const char *const files[] = { FIX "pv64.elf", FIX "pvh64.elf", FIX "pv32.elf",
                                         FIX "legacy64.elf", FIX "bzImage-gz", FIX "bzImage-lz4",
                                         FIX "pv64.elf.zst" };
    hostile(files[_i]);
}
END_TEST

/* lazy images: segments decoded straight into the destination must equal
 * the whole-decompression result, also on a second read */
struct dest {
    unsigned char *buf[32];
};

static uint8_t *to_buf(void *arg, const struct xkg_segment *s)
{
    struct dest *d = arg;
    for (unsigned i = 0; i < 32; i++)
        if (!d->buf[i]) {
            d->buf[i] = malloc(s->filesz ? s->filesz : 1);
            return d->buf[i];
        }
    return NULL;
}

static void lazy_equals_full(const char *path, bool expect_streamed)
{
    xkg_image *full = xkg_image_load(path, 0, err, sizeof(err));
    ck_assert_msg(full != NULL, "%s", err);
    xkg_image *lazy = xkg_image_open(path, 0, err, sizeof(err));
    ck_assert_msg(lazy != NULL, "%s", err);
    const struct xkg_image_info *fi = xkg_image_info(full), *li = xkg_image_info(lazy);
    ck_assert_uint_eq(fi->nr_segments, li->nr_segments);
    ck_assert_uint_eq(fi->pstart, li->pstart);
    ck_assert_uint_eq(fi->pend, li->pend);
    ck_assert_str_eq(fi->xen.guest_os, li->xen.guest_os);
    ck_assert_uint_eq(fi->xen.entry, li->xen.entry);
    bool streamed = false;
    for (unsigned i = 0; i < li->nr_segments; i++)
        streamed |= xkg_image_segment(lazy, i)->data == NULL;
    ck_assert_int_eq(streamed, expect_streamed);
    for (int round = 0; round < 2; round++) {
        struct dest d;
        memset(&d, 0, sizeof(d));
        ck_assert_msg(xkg_image_read_segments(lazy, to_buf, &d, err, sizeof(err)) == 0, "%s",
                      err);
        /* delivered in file order: match them up by offset */
        unsigned k = 0;
        for (unsigned i = 0; i < 32 && d.buf[i]; i++, k++)
            ;
        ck_assert_uint_eq(k, li->nr_segments);
        for (unsigned i = 0; i < li->nr_segments; i++) {
            const struct xkg_segment *fs = xkg_image_segment(full, i);
            unsigned rank = 0;
            for (unsigned j = 0; j < li->nr_segments; j++)
                rank += xkg_image_segment(full, j)->offset < fs->offset;
            ck_assert_msg(memcmp(d.buf[rank], fs->data, fs->filesz) == 0,
                          "%s: segment %u differs (round %d)", path, i, round);
        }
        for (unsigned i = 0; i < 32; i++)
            free(d.buf[i]);
    }
    xkg_image_free(lazy);
    xkg_image_free(full);
}

START_TEST(lazy_fixtures)
{
    static const char *const files[] = { FIX "early64.elf.xz", FIX "early64.elf.lz4",
                                         FIX "bzImage-early-xz" };
    lazy_equals_full(files[_i], true);
}
END_TEST

START_TEST(lazy_small_or_plain)
{
    /* all inside the prefix, uncompressed, or notes only in sections */
    lazy_equals_full(FIX "bzImage-zst", false);
    lazy_equals_full(FIX "pv64.elf", false);
    xkg_image *img = xkg_image_open(FIX "pvh64.elf", 0, err, sizeof(err));
    ck_assert_msg(img != NULL, "%s", err);
    ck_assert(xkg_image_info(img)->xen.has_phys32_entry);
    xkg_image_free(img);
}
END_TEST

START_TEST(lazy_truncated)
{
    size_t n;
    unsigned char *p = slurp(FIX "early64.elf.xz", &n);
    /* headers and notes decode, the segments are cut off */
    xkg_image *img = xkg_image_open_mem(p, n - 200, 0, "cut.xz", err, sizeof(err));
    if (img) {
        struct dest d;
        memset(&d, 0, sizeof(d));
        ck_assert_int_eq(xkg_image_read_segments(img, to_buf, &d, err, sizeof(err)), -1);
        ck_assert_msg(strstr(err, "cut.xz"), "%s", err);
        for (unsigned i = 0; i < 32; i++)
            free(d.buf[i]);
        xkg_image_free(img);
    }
    free(p);
}
END_TEST

static uint8_t *no_dest(void *arg, const struct xkg_segment *s)
{
    (void)arg;
    (void)s;
    errno = ENOSPC;
    return NULL;
}

START_TEST(read_segments_dest_fails)
{
    xkg_image *img = xkg_image_open(FIX "early64.elf.xz", 0, err, sizeof(err));
    ck_assert_msg(img != NULL, "%s", err);
    ck_assert_int_eq(xkg_image_read_segments(img, no_dest, NULL, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "no destination") && strstr(err, "No space"), "%s", err);
    xkg_image_free(img);
}
END_TEST

/* Debian's own kernel, when the build host has one */
START_TEST(real_vmlinuz)
{
    glob_t g;
    if (glob("/boot/vmlinuz-*", 0, NULL, &g) != 0 || access(g.gl_pathv[0], R_OK) != 0) {
        fprintf(stderr, "real_vmlinuz: no readable /boot/vmlinuz-*, skipped\n");
        return;
    }
    xkg_image *img = xkg_image_load(g.gl_pathv[0], 0, err, sizeof(err));
    ck_assert_msg(img != NULL, "%s", err);
    const struct xkg_image_info *in = xkg_image_info(img);
    ck_assert(in->bzimage);
    ck_assert_uint_eq(in->elf_class, 64);
    ck_assert(in->elf_size > (4u << 20));
    ck_assert_str_eq(in->xen.guest_os, "linux");
    ck_assert(in->xen.has_phys32_entry && in->xen.has_virt_base);
    ck_assert_int_eq(xkg_image_check(img, XKG_TYPE_PV, "xen-3.0-x86_64 hvm-3.0-x86_64", err,
                                     sizeof(err)), 0);
    ck_assert_int_eq(xkg_image_check(img, XKG_TYPE_PVH, "xen-3.0-x86_64 hvm-3.0-x86_64", err,
                                     sizeof(err)), 0);
    fprintf(stderr, "real_vmlinuz: %s: %s, %zu bytes decompressed, %u segments\n",
            g.gl_pathv[0], xkg_compression_name(in->compression), in->elf_size,
            in->nr_segments);
    xkg_image_free(img);
    /* its notes sit ~23 MiB into 64 MiB: the rest is streamed */
    lazy_equals_full(g.gl_pathv[0], true);
    globfree(&g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("guest_image");
    TCase *tc = tcase_create("image");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, elf64_pt_note);
    tcase_add_test(tc, elf64_section_notes);
    tcase_add_test(tc, elf32);
    tcase_add_test(tc, legacy_guest_string);
    tcase_add_test(tc, plain_elf_has_no_notes);
    tcase_add_loop_test(tc, compressed_elf, 0, 6);
    tcase_add_loop_test(tc, bzimage, 0, 6);
    tcase_add_test(tc, load_mem_borrows);
    tcase_add_test(tc, decompress_cap);
    tcase_add_test(tc, missing_file);
    tcase_add_test(tc, garbage_is_refused);
    tcase_add_loop_test(tc, hostile_input, 0, 7);
    tcase_add_loop_test(tc, lazy_fixtures, 0, 3);
    tcase_add_test(tc, lazy_small_or_plain);
    tcase_add_test(tc, lazy_truncated);
    tcase_add_test(tc, read_segments_dest_fails);
    tcase_add_test(tc, real_vmlinuz);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
