/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libguest's PV bootstrap layout (pure arithmetic): ordering, page-table
 * coverage, 512 KiB slack, 4 MiB end alignment, memory limits. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "private.h"

static char err[256];

static uint64_t span(uint64_t from, uint64_t to, unsigned shift)
{
    return ((to - 1) >> shift) - (from >> shift) + 1;
}

static void invariants(const struct xkg__pv_layout *L, uint64_t rd_size, uint64_t nr_pages)
{
    uint64_t vend = L->virt_base + (L->end_pfn << 12);
    /* order and packing */
    ck_assert_uint_le(L->kern_pfn, L->kern_end_pfn);
    ck_assert_uint_eq(L->rd_pfn, L->kern_end_pfn);
    ck_assert_uint_eq(L->rd_pages, (rd_size + 4095) / 4096);
    ck_assert_uint_eq(L->p2m_pfn, L->rd_pfn + L->rd_pages);
    ck_assert_uint_ge(L->p2m_pages * 4096, nr_pages * 8);
    ck_assert_uint_eq(L->si_pfn, L->p2m_pfn + L->p2m_pages);
    ck_assert_uint_eq(L->store_pfn, L->si_pfn + 1);
    ck_assert_uint_eq(L->cons_pfn, L->store_pfn + 1);
    ck_assert_uint_eq(L->pt_pfn, L->cons_pfn + 1);
    ck_assert_uint_eq(L->stack_pfn, L->pt_pfn + L->nr_pt);
    /* slack and alignment */
    ck_assert_uint_ge((L->end_pfn - L->stack_pfn - 1) << 12, 512u << 10);
    ck_assert_uint_eq(vend % (4u << 20), 0);
    ck_assert_uint_le(L->end_pfn, nr_pages);
    /* the tables cover exactly the region: one L4 + what the span needs */
    ck_assert_uint_eq(L->nr_l3, span(L->virt_base, vend, 39));
    ck_assert_uint_eq(L->nr_l2, span(L->virt_base, vend, 30));
    ck_assert_uint_eq(L->nr_l1, span(L->virt_base, vend, 21));
    ck_assert_uint_eq(L->nr_pt, 1 + L->nr_l3 + L->nr_l2 + L->nr_l1);
}

START_TEST(linux_like)
{
    struct xkg__pv_layout L;
    uint64_t vb = 0xffffffff80000000ull;
    /* Debian's 6.1 kernel: loads at 16 MiB, ~58 MiB of image */
    ck_assert_int_eq(xkg__pv_layout(vb, vb + 0x1000000, vb + 0x4a00000, 1162697, 65536, &L,
                                   err, sizeof(err)), 0);
    invariants(&L, 1162697, 65536);
    ck_assert_uint_eq(L.kern_pfn, 0x1000);
    ck_assert_uint_eq(L.nr_l3, 1);
    ck_assert_uint_eq(L.nr_l2, 1);
}
END_TEST

START_TEST(sweep)
{
    struct xkg__pv_layout L;
    const uint64_t bases[] = { 0xffffffff80000000ull, 0xffff800000000000ull + (1ull << 39) - (2ull << 20),
                               0x400000, 0 };
    for (unsigned b = 0; b < 4; b++)
        for (uint64_t rd = 0; rd < (600ull << 20); rd += (37ull << 20) + 4095)
            for (uint64_t mem = 64; mem <= 2048; mem *= 2) {
                uint64_t vb = bases[b], nr = mem << 8;
                int r = xkg__pv_layout(vb, vb + 0x200000, vb + 0x5a3210, rd, nr, &L, err,
                                      sizeof(err));
                if (r == 0)
                    invariants(&L, rd, nr);
                else {
                    ck_assert_int_eq(errno, ENOMEM);
                    ck_assert_msg(strstr(err, "give the guest more memory"), "%s", err);
                    /* refused only when it really does not fit */
                    ck_assert_uint_gt(0x5a3210 + rd + nr * 8 + (512u << 10), (nr << 12) / 2);
                }
            }
}
END_TEST

/* a region crossing a 1 GiB and a 512 GiB boundary needs 2 L2 + 2 L3 */
START_TEST(crossing)
{
    struct xkg__pv_layout L;
    uint64_t vb = (1ull << 39) - (8ull << 20);
    ck_assert_int_eq(xkg__pv_layout(vb, vb, vb + (20ull << 20), 0, 32768, &L, err, sizeof(err)), 0);
    invariants(&L, 0, 32768);
    ck_assert_uint_eq(L.nr_l3, 2);
    ck_assert_uint_eq(L.nr_l2, 2);
}
END_TEST

START_TEST(refusals)
{
    struct xkg__pv_layout L;
    uint64_t vb = 0xffffffff80000000ull;
    errno = 0;
    ck_assert_int_eq(xkg__pv_layout(vb, vb + 0x200000, vb + 0x400000, 20u << 20, 4096, &L, err,
                                   sizeof(err)), -1);
    ck_assert_int_eq(errno, ENOMEM);
    ck_assert_msg(strstr(err, "of the guest's 16 MiB"), "%s", err);
    ck_assert_int_eq(xkg__pv_layout(vb, vb - 4096, vb + 0x400000, 0, 4096, &L, err, sizeof(err)),
                     -1);
    ck_assert_int_eq(errno, EINVAL);
    /* a region that would wrap past the top of the address space */
    ck_assert_int_eq(xkg__pv_layout(vb, vb, vb + 0x7fe00000, 0, 1u << 20, &L, err, sizeof(err)),
                     -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("guest_layout");
    TCase *tc = tcase_create("pv");
    tcase_add_test(tc, linux_like);
    tcase_add_test(tc, sweep);
    tcase_add_test(tc, crossing);
    tcase_add_test(tc, refusals);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
