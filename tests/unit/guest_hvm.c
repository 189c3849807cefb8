/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libguest's HVM layout (pure): RAM below and above the MMIO hole, the
 * special and ioreq pages where libxenguest puts them, and hvmloader's
 * hvm_info_table (signature, checksum, vcpus, memory ends). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xen/hvm/hvm_info_table.h>
#include "private.h"

static char err[256];

START_TEST(small_guest)
{
    struct xkg__hvm_layout L;
    ck_assert_int_eq(xkg__hvm_layout(64 << 10, 0, &L, err, sizeof(err)), 0);
    ck_assert_uint_eq(L.mmio_start, 0xf0000000ull);
    ck_assert_uint_eq(L.low_end, 64ull << 20);
    ck_assert_uint_eq(L.high_end, 0);
    ck_assert_uint_eq(L.special_pfn, 0xfeff8);
    ck_assert_uint_eq(L.ioreq_pfn, 0xfeff0);
}
END_TEST

START_TEST(above_4g)
{
    struct xkg__hvm_layout L;
    /* 8 GiB: 3.75 GiB below the hole, the rest from 4 GiB */
    ck_assert_int_eq(xkg__hvm_layout(8ull << 20, 0, &L, err, sizeof(err)), 0);
    ck_assert_uint_eq(L.low_end, 0xf0000000ull);
    ck_assert_uint_eq(L.high_end, (1ull << 32) + (8ull << 30) - 0xf0000000ull);
    /* a 1 GiB hole: RAM below stops at 3 GiB */
    ck_assert_int_eq(xkg__hvm_layout(8ull << 20, 1ull << 20, &L, err, sizeof(err)), 0);
    ck_assert_uint_eq(L.mmio_start, 0xc0000000ull);
    ck_assert_uint_eq(L.low_end, 0xc0000000ull);
    ck_assert_uint_eq(L.high_end, (1ull << 32) + (8ull << 30) - 0xc0000000ull);
    /* exactly the low RAM: nothing above 4 GiB */
    ck_assert_int_eq(xkg__hvm_layout(0xf0000000ull >> 10, 0, &L, err, sizeof(err)), 0);
    ck_assert_uint_eq(L.high_end, 0);
}
END_TEST

START_TEST(refusals)
{
    struct xkg__hvm_layout L;
    errno = 0;
    ck_assert_int_eq(xkg__hvm_layout(8 << 10, 0, &L, err, sizeof(err)), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "too little"));
    ck_assert_int_eq(xkg__hvm_layout(64 << 10, 128 << 10, &L, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "MMIO hole"));
    ck_assert_int_eq(xkg__hvm_layout(64 << 10, (256 << 10) + 4, &L, err, sizeof(err)), -1);
    ck_assert_int_eq(xkg__hvm_layout(64 << 10, 4ull << 20, &L, err, sizeof(err)), -1);
}
END_TEST

static unsigned sum(const uint8_t *p, size_t n)
{
    unsigned s = 0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    return s & 0xff;
}

START_TEST(info_table)
{
    struct xkg__hvm_layout L;
    ck_assert_int_eq(xkg__hvm_layout(6ull << 20, 0, &L, err, sizeof(err)), 0);
    uint8_t buf[256];
    memset(buf, 0xa5, sizeof(buf));
    ck_assert_int_eq(xkg__hvm_info(buf, sizeof(buf), &L, 12, 10, err, sizeof(err)), 0);
    struct hvm_info_table t;
    memcpy(&t, buf, sizeof(t));
    ck_assert(!memcmp(t.signature, "HVM INFO", 8));
    ck_assert_uint_eq(t.length, sizeof(t));
    ck_assert_uint_eq(sum(buf, t.length), 0);
    ck_assert_uint_eq(t.apic_mode, 1);
    ck_assert_uint_eq(t.nr_vcpus, 12);
    ck_assert_uint_eq(t.vcpu_online[0], 0xff);
    ck_assert_uint_eq(t.vcpu_online[1], 0x03);
    for (size_t i = 2; i < sizeof(t.vcpu_online); i++)
        ck_assert_uint_eq(t.vcpu_online[i], 0);
    ck_assert_uint_eq(t.low_mem_pgend, 0xf0000);
    ck_assert_uint_eq(t.high_mem_pgend, ((1ull << 32) + (6ull << 30) - 0xf0000000ull) >> 12);
    ck_assert_uint_eq(t.reserved_mem_pgstart, 0xfeff0);
    ck_assert_uint_eq(buf[sizeof(t)], 0xa5);   /* nothing past the table */
    /* refusals */
    ck_assert_int_eq(xkg__hvm_info(buf, sizeof(buf), &L, 0, 0, err, sizeof(err)), -1);
    ck_assert_int_eq(xkg__hvm_info(buf, sizeof(buf), &L, 4, 5, err, sizeof(err)), -1);
    ck_assert_int_eq(xkg__hvm_info(buf, sizeof(buf), &L, HVM_MAX_VCPUS + 1, 1, err, sizeof(err)), -1);
    ck_assert_int_eq(xkg__hvm_info(buf, sizeof(t) - 1, &L, 1, 1, err, sizeof(err)), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("guest_hvm");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, small_guest);
    tcase_add_test(tc, above_4g);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, info_table);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
