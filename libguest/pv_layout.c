/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The PV bootstrap region (pure arithmetic, unit-tested): per <xen/xen.h>'s
 * start-of-day contract, one virtual range from VIRT_BASE mapped onto the
 * first pseudo-physical pages, holding in order the kernel, the ramdisk,
 * the p2m list, start_info, the xenstore and console pages, the bootstrap
 * page tables and the boot stack, followed by at least 512 KiB of mapped
 * slack and ending on a 4 MiB boundary.
 */
#include "private.h"
#include <errno.h>
#include <string.h>

static uint64_t span(uint64_t from, uint64_t to, unsigned shift)
{
    return ((to - 1) >> shift) - (from >> shift) + 1;
}

static uint64_t pages(uint64_t bytes)
{
    return (bytes + XKG_PAGE_SIZE - 1) >> XKG_PAGE_SHIFT;
}

int xkg__pv_layout(uint64_t virt_base, uint64_t kstart, uint64_t kend, uint64_t rd_size,
                  uint64_t nr_pages, struct xkg__pv_layout *L, char *err, size_t errlen)
{
    memset(L, 0, sizeof(*L));
    if (kstart < virt_base || kend < kstart || (virt_base & (XKG_PAGE_SIZE - 1))) {
        errno = EINVAL;
        xkg__err(err, errlen, "PV layout: kernel [%#llx, %#llx) is not above VIRT_BASE %#llx",
                (unsigned long long)kstart, (unsigned long long)kend,
                (unsigned long long)virt_base);
        return -1;
    }
    L->virt_base = virt_base;
    L->kern_pfn = (kstart - virt_base) >> XKG_PAGE_SHIFT;
    L->kern_end_pfn = pages(kend - virt_base);
    uint64_t next = L->kern_end_pfn;
    L->rd_pfn = next;
    L->rd_pages = pages(rd_size);
    next += L->rd_pages;
    L->p2m_pfn = next;
    L->p2m_pages = pages(nr_pages * sizeof(uint64_t));
    next += L->p2m_pages;
    L->si_pfn = next++;
    L->store_pfn = next++;
    L->cons_pfn = next++;
    L->pt_pfn = next;
    /* the page-table count and the region's end depend on each other:
     * iterate to the fixed point (two or three rounds) */
    uint64_t nr_pt = 0;
    for (;;) {
        uint64_t used = virt_base + ((L->pt_pfn + nr_pt + 1) << XKG_PAGE_SHIFT); /* + stack */
        uint64_t vend = (used + XKG_PV_SLACK + XKG_PV_ALIGN - 1) & ~(XKG_PV_ALIGN - 1);
        if (vend < virt_base || used < virt_base || vend == 0 ||
            ((vend - virt_base) >> XKG_PAGE_SHIFT) > nr_pages) {
            errno = ENOMEM;
            xkg__err(err, errlen, "kernel, ramdisk and bootstrap data need %llu MiB of the "
                    "guest's %llu MiB: give the guest more memory",
                    (unsigned long long)((vend - virt_base) >> 20),
                    (unsigned long long)(nr_pages >> 8));
            return -1;
        }
        uint64_t l3 = span(virt_base, vend, 39), l2 = span(virt_base, vend, 30),
                 l1 = span(virt_base, vend, 21);
        L->nr_l3 = (unsigned)l3;
        L->nr_l2 = (unsigned)l2;
        L->nr_l1 = (unsigned)l1;
        L->end_pfn = (vend - virt_base) >> XKG_PAGE_SHIFT;
        if (1 + l3 + l2 + l1 <= nr_pt)
            break;
        nr_pt = 1 + l3 + l2 + l1;
    }
    L->nr_pt = nr_pt;
    L->stack_pfn = L->pt_pfn + nr_pt;
    return 0;
}
