/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libguest's PVH ACPI tables (pure bytes): every table found from the RSDP
 * through the XSDT and the RSDT, checksums, the MADT's processors (APIC ID
 * 2 * vcpu, all enabled, x2APIC entries past ID 254), the
 * hardware-reduced FADT and its DSDT, and the refusals. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "private.h"

#define BASE 0x7fe000ull
static uint8_t buf[8192];
static char err[256];

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static unsigned sum(const uint8_t *p, size_t n)
{
    unsigned s = 0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    return s & 0xff;
}
/* the table at guest address a, checked: inside the tables, signature,
 * length at least a header, checksum */
static const uint8_t *table(uint64_t a, const char *sig, size_t size)
{
    ck_assert_uint_ge(a, BASE);
    ck_assert_uint_le(a - BASE + 36, size);
    const uint8_t *t = buf + (a - BASE);
    ck_assert_msg(!memcmp(t, sig, 4), "expected %s, found %.4s", sig, (const char *)t);
    uint32_t len = rd32(t + 4);
    ck_assert_uint_ge(len, 36);
    ck_assert_uint_le(a - BASE + len, size);
    ck_assert_uint_eq(sum(t, len), 0);
    ck_assert(!memcmp(t + 10, "XKIT  ", 6));
    return t;
}

static void check_tables(unsigned nr)
{
    size_t size = xkg__acpi_size(nr);
    uint64_t rsdp = 0;
    memset(buf, 0xa5, sizeof(buf));
    ck_assert_int_eq(xkg__acpi_build(buf, sizeof(buf), BASE, nr, &rsdp, err, sizeof(err)), 0);
    ck_assert_uint_eq(rsdp, BASE);
    const uint8_t *r = buf;
    ck_assert(!memcmp(r, "RSD PTR ", 8));
    ck_assert_uint_eq(r[15], 2);
    ck_assert_uint_eq(sum(r, 20), 0);
    ck_assert_uint_eq(rd32(r + 20), 36);
    ck_assert_uint_eq(sum(r, 36), 0);

    /* XSDT and RSDT name the same two tables: FADT, MADT */
    const uint8_t *x = table(rd64(r + 24), "XSDT", size), *rs = table(rd32(r + 16), "RSDT", size);
    ck_assert_uint_eq(rd32(x + 4), 36 + 2 * 8);
    ck_assert_uint_eq(rd32(rs + 4), 36 + 2 * 4);
    ck_assert_uint_eq(rd64(x + 36), rd32(rs + 36));
    ck_assert_uint_eq(rd64(x + 44), rd32(rs + 40));
    const uint8_t *f = table(rd64(x + 36), "FACP", size);
    const uint8_t *m = table(rd64(x + 44), "APIC", size);

    /* FADT: 6.0, hardware-reduced, DSDT by both pointers, no FACS */
    ck_assert_uint_eq(rd32(f + 4), 276);
    ck_assert_uint_eq(f[8], 6);
    ck_assert(rd32(f + 112) & (1u << 20));
    ck_assert_uint_eq(rd32(f + 36), 0);
    ck_assert_uint_eq(rd64(f + 132), 0);
    ck_assert_uint_eq(rd32(f + 40), rd64(f + 140));
    uint16_t boot = (uint16_t)(f[109] | f[110] << 8);
    ck_assert_uint_eq(boot, (1u << 2) | (1u << 3) | (1u << 5));
    const uint8_t *d = table(rd64(f + 140), "DSDT", size);
    ck_assert_uint_eq(rd32(d + 4), 36);

    /* MADT: local APIC address, no 8259, one entry per vcpu in order */
    ck_assert_uint_eq(rd32(m + 36), 0xfee00000u);
    ck_assert_uint_eq(rd32(m + 40), 0);
    ck_assert_uint_eq(m[8], 4);
    uint32_t len = rd32(m + 4), off = 44;
    unsigned v = 0;
    while (off < len) {
        const uint8_t *e = m + off;
        if (v < 128) {
            ck_assert_uint_eq(e[0], 0);
            ck_assert_uint_eq(e[1], 8);
            ck_assert_uint_eq(e[2], v);
            ck_assert_uint_eq(e[3], 2 * v);
            ck_assert_uint_eq(rd32(e + 4), 1);
        } else {
            ck_assert_uint_eq(e[0], 9);
            ck_assert_uint_eq(e[1], 16);
            ck_assert_uint_eq(rd32(e + 4), 2 * v);
            ck_assert_uint_eq(rd32(e + 8), 1);
            ck_assert_uint_eq(rd32(e + 12), v);
        }
        off += e[1];
        v++;
    }
    ck_assert_uint_eq(off, len);
    ck_assert_uint_eq(v, nr);
    /* the MADT is the last table: the size covers exactly up to its end */
    ck_assert_uint_eq(rd64(x + 44) - BASE + len, size);
    /* nothing written past the size */
    for (size_t i = size; i < sizeof(buf); i++)
        ck_assert_uint_eq(buf[i], 0xa5);
}

START_TEST(one_vcpu) { check_tables(1); }
END_TEST

START_TEST(several)
{
    check_tables(4);
    check_tables(8);
}
END_TEST

START_TEST(x2apic_past_254)
{
    check_tables(130);
    /* up to 128 vcpus (Xen's HVM limit) the tables fit in two pages */
    ck_assert_uint_le(xkg__acpi_size(128), 8192);
}
END_TEST

START_TEST(refusals)
{
    uint64_t rsdp = 1;
    errno = 0;
    ck_assert_int_eq(xkg__acpi_build(buf, sizeof(buf), BASE, 0, &rsdp, err, sizeof(err)), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "at least one vcpu"));
    errno = 0;
    ck_assert_int_eq(xkg__acpi_build(buf, xkg__acpi_size(4) - 1, BASE, 4, &rsdp, err, sizeof(err)), -1);
    ck_assert_int_eq(errno, ENOSPC);
    ck_assert_int_eq(xkg__acpi_build(buf, sizeof(buf), BASE + 8, 1, &rsdp, err, sizeof(err)), -1);
    ck_assert_int_eq(xkg__acpi_build(buf, sizeof(buf), (1ull << 32) - 256, 1, &rsdp, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "below 4 GiB"));
    ck_assert_uint_eq(rsdp, 1);   /* untouched on failure */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("guest_acpi");
    TCase *tc = tcase_create("tables");
    tcase_add_test(tc, one_vcpu);
    tcase_add_test(tc, several);
    tcase_add_test(tc, x2apic_past_254);
    tcase_add_test(tc, refusals);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
