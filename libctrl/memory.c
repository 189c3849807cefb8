/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* memory_op: giving domains memory, taking it back, and memory facts. */
#include "private.h"

#include <errno.h>
#include <string.h>
#include <xen/xen.h>

/* Extents per hypercall: 8192 frames = 16 pages of buffer, the most the
 * buffer cache keeps, and few hypercalls even for large guests. */
#define BATCH 8192

static const char *reservation_name(unsigned cmd)
{
    switch (cmd) {
    case XENMEM_populate_physmap: return "populate_physmap";
    case XENMEM_increase_reservation: return "increase_reservation";
    case XENMEM_decrease_reservation: return "decrease_reservation";
    }
    return "reservation";
}

/* Run one reservation op over frames[0..nr) in batches. */
static int reservation(xkc_handle *h, unsigned cmd, uint32_t domid, xen_pfn_t *frames,
                       size_t nr, unsigned order, size_t *done_out)
{
    const char *what = reservation_name(cmd);
    size_t done = 0;
    if (done_out)
        *done_out = 0;
    if (domid >= DOMID_FIRST_RESERVED)
        return xkc__fail(h, EINVAL, "memory_op %s (domain %u): invalid domain id", what, domid);
    /* dom0's reservation is its balloon driver's to change, never ours */
    if (domid == 0)
        return xkc__fail(h, EPERM, "memory_op %s: refusing to change domain 0's memory", what);
    if (nr && !frames)
        return xkc__fail(h, EINVAL, "memory_op %s (domain %u): no frame list", what, domid);
    if (order > 18)
        return xkc__fail(h, EINVAL, "memory_op %s (domain %u): extent order %u too large",
                         what, domid, order);
    struct xkc__buf b;
    if (xkc__buf_get(h, sizeof(struct xen_memory_reservation) +
                     (nr < BATCH ? nr : BATCH) * sizeof(xen_pfn_t), &b) < 0)
        return -1;
    struct xen_memory_reservation *r = b.p;
    xen_pfn_t *list = (xen_pfn_t *)((char *)b.p + sizeof *r);
    int rc = 0;
    while (done < nr) {
        size_t n = nr - done < BATCH ? nr - done : BATCH;
        memcpy(list, frames + done, n * sizeof *list);
        memset(r, 0, sizeof *r);
        set_xen_guest_handle(r->extent_start, list);
        r->nr_extents = n;
        r->extent_order = order;
        r->domid = (domid_t)domid;
        long got = xkc__hypercall(h, __HYPERVISOR_memory_op, cmd, (uintptr_t)r, 0, 0, 0);
        if (got < 0) {
            rc = xkc__fail(h, errno, "memory_op %s (domain %u, %zu extents of order %u at "
                           "frame 0x%llx)", what, domid, n, order,
                           (unsigned long long)frames[done]);
            break;
        }
        /* Xen writes MFNs (PV populate / increase) back into the list. */
        memcpy(frames + done, list, (size_t)got * sizeof *list);
        done += (size_t)got;
        if ((size_t)got < n) {
            rc = xkc__fail(h, ENOMEM, "memory_op %s (domain %u): %zu of %zu extents of order "
                           "%u done", what, domid, done, nr, order);
            break;
        }
    }
    xkc__buf_put(h, &b);
    if (done_out)
        *done_out = done;
    return rc < 0 ? -1 : (int)(done > INT32_MAX ? INT32_MAX : done);
}

int xkc_populate_physmap(xkc_handle *h, uint32_t domid, xen_pfn_t *gfns, size_t nr,
                         unsigned order, size_t *done)
{
    return reservation(h, XENMEM_populate_physmap, domid, gfns, nr, order, done);
}

int xkc_increase_reservation(xkc_handle *h, uint32_t domid, xen_pfn_t *frames, size_t nr,
                             unsigned order, size_t *done)
{
    return reservation(h, XENMEM_increase_reservation, domid, frames, nr, order, done);
}

int xkc_decrease_reservation(xkc_handle *h, uint32_t domid, xen_pfn_t *gfns, size_t nr,
                             unsigned order, size_t *done)
{
    return reservation(h, XENMEM_decrease_reservation, domid, gfns, nr, order, done);
}

int xkc__range_next_run(xen_pfn_t first, uint64_t nr, struct xkc__run *run)
{
    const uint64_t super = 1u << 9;   /* 2 MiB in 4 KiB frames */
    if (!nr)
        return 0;
    run->start = first;
    if (first % super == 0 && nr >= super) {
        run->order = 9;
        run->count = nr / super;
    } else {
        uint64_t to_boundary = super - first % super;
        run->order = 0;
        run->count = nr < to_boundary ? nr : to_boundary;
    }
    return 1;
}

int xkc_populate_range(xkc_handle *h, uint32_t domid, xen_pfn_t first_gfn, uint64_t nr_pages,
                       uint64_t *done_pages)
{
    xen_pfn_t list[BATCH];
    uint64_t done = 0;
    struct xkc__run run;
    if (done_pages)
        *done_pages = 0;
    while (xkc__range_next_run(first_gfn + done, nr_pages - done, &run)) {
        uint64_t extents_left = run.count;
        unsigned order = run.order;
        while (extents_left) {
            size_t n = extents_left < BATCH ? (size_t)extents_left : BATCH;
            for (size_t i = 0; i < n; i++)
                list[i] = first_gfn + done + ((xen_pfn_t)i << order);
            size_t got = 0;
            int rc = xkc_populate_physmap(h, domid, list, n, order, &got);
            done += (uint64_t)got << order;
            extents_left -= got;
            if (done_pages)
                *done_pages = done;
            if (rc < 0) {
                /* No 2 MiB block free: the rest of this run in 4 KiB pages. */
                if (order && errno == ENOMEM) {
                    extents_left <<= order;
                    order = 0;
                    continue;
                }
                return -1;
            }
        }
    }
    return 0;
}

int xkc_maximum_gpfn(xkc_handle *h, uint32_t domid, xen_pfn_t *gpfn)
{
    if (xkc__check_domid(h, domid, "memory_op maximum_gpfn") < 0)
        return -1;
    domid_t d = (domid_t)domid;
    long rc = xkc__hypercall_bounce(h, __HYPERVISOR_memory_op, XENMEM_maximum_gpfn, &d,
                                    sizeof d);
    if (rc < 0)
        return xkc__fail(h, errno, "memory_op maximum_gpfn (domain %u)", domid);
    *gpfn = (xen_pfn_t)rc;
    return 0;
}

int xkc_claim_pages(xkc_handle *h, uint32_t domid, uint64_t nr_pages)
{
    if (xkc__check_domid(h, domid, "memory_op claim_pages") < 0)
        return -1;
    struct xen_memory_reservation r = { .nr_extents = nr_pages, .domid = (domid_t)domid };
    if (xkc__hypercall_bounce(h, __HYPERVISOR_memory_op, XENMEM_claim_pages, &r, sizeof r) < 0)
        return xkc__fail(h, errno, "memory_op claim_pages (domain %u, %llu pages)", domid,
                         (unsigned long long)nr_pages);
    return 0;
}

int xkc_add_to_physmap(xkc_handle *h, uint32_t domid, unsigned space, uint64_t idx,
                       xen_pfn_t gpfn)
{
    if (xkc__check_domid(h, domid, "memory_op add_to_physmap") < 0)
        return -1;
    struct xen_add_to_physmap a = {
        .domid = (domid_t)domid, .space = space, .idx = idx, .gpfn = gpfn,
    };
    if (xkc__hypercall_bounce(h, __HYPERVISOR_memory_op, XENMEM_add_to_physmap, &a,
                              sizeof a) < 0)
        return xkc__fail(h, errno, "memory_op add_to_physmap (domain %u, space %u, idx "
                         "%llu -> gpfn 0x%llx)", domid, space, (unsigned long long)idx,
                         (unsigned long long)gpfn);
    return 0;
}

/* Xen's e820 entry: 20 bytes, packed. */
struct e820_wire {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

int xkc_set_memory_map(xkc_handle *h, uint32_t domid, const struct xkc_e820 *map, unsigned nr)
{
    if (xkc__check_domid(h, domid, "memory_op set_memory_map") < 0)
        return -1;
    if (!map || !nr || nr > 128)
        return xkc__fail(h, EINVAL, "memory_op set_memory_map (domain %u): %u entries", domid,
                         nr);
    struct xkc__buf b;
    if (xkc__buf_get(h, nr * sizeof(struct e820_wire), &b) < 0)
        return -1;
    struct e820_wire *w = b.p;
    for (unsigned i = 0; i < nr; i++) {
        w[i].addr = map[i].addr;
        w[i].size = map[i].size;
        w[i].type = map[i].type;
    }
    struct xen_foreign_memory_map fm = { .domid = (domid_t)domid };
    fm.map.nr_entries = nr;
    set_xen_guest_handle(fm.map.buffer, b.p);
    long rc = xkc__hypercall_bounce(h, __HYPERVISOR_memory_op, XENMEM_set_memory_map, &fm,
                                    sizeof fm);
    int e = errno;
    xkc__buf_put(h, &b);
    if (rc < 0)
        return xkc__fail(h, e, "memory_op set_memory_map (domain %u)", domid);
    return 0;
}

int xkc_sharing_pages(xkc_handle *h, uint64_t *freed, uint64_t *used)
{
    long f = xkc__hypercall(h, __HYPERVISOR_memory_op, XENMEM_get_sharing_freed_pages, 0, 0,
                            0, 0);
    if (f < 0)
        return xkc__fail(h, errno, "memory_op get_sharing_freed_pages");
    long u = xkc__hypercall(h, __HYPERVISOR_memory_op, XENMEM_get_sharing_shared_pages, 0, 0,
                            0, 0);
    if (u < 0)
        return xkc__fail(h, errno, "memory_op get_sharing_shared_pages");
    *freed = (uint64_t)f;
    *used = (uint64_t)u;
    return 0;
}

int xkc_mmuext_pin_table(xkc_handle *h, uint32_t domid, unsigned level, xen_pfn_t mfn)
{
    static const unsigned cmds[] = { 0, MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE,
                                     MMUEXT_PIN_L3_TABLE, MMUEXT_PIN_L4_TABLE };
    if (xkc__check_domid(h, domid, "mmuext_op pin_table") < 0)
        return -1;
    if (level < 1 || level > 4)
        return xkc__fail(h, EINVAL, "mmuext_op pin_table (domain %u): level %u", domid, level);
    struct xkc__buf b;
    if (xkc__buf_get(h, sizeof(struct mmuext_op), &b) < 0)
        return -1;
    struct mmuext_op *op = b.p;
    op->cmd = cmds[level];
    op->arg1.mfn = mfn;
    long rc = xkc__hypercall(h, __HYPERVISOR_mmuext_op, (uintptr_t)op, 1, 0, domid, 0);
    int e = errno;
    xkc__buf_put(h, &b);
    if (rc < 0)
        return xkc__fail(h, e, "mmuext_op pin L%u table (domain %u, mfn 0x%llx)", level,
                         domid, (unsigned long long)mfn);
    return 0;
}
