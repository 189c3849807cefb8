/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Grant tables: seeding a new guest's reserved entries, and mapping grants
 * made to us (backends). */
#include "private.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

void xkc__gnttab_set_entry(grant_entry_v1_t *table, unsigned ref, xen_pfn_t frame,
                           uint32_t domid)
{
    /* The guest (and Xen) may look at flags at any time: the entry must be
     * complete before it says GTF_permit_access. */
    table[ref].flags = 0;
    xkc__os_wmb();
    table[ref].frame = (uint32_t)frame;
    table[ref].domid = (domid_t)domid;
    xkc__os_wmb();
    table[ref].flags = GTF_permit_access;
}

int xkc_gnttab_seed(xkc_handle *h, uint32_t domid, xen_pfn_t console_gfn,
                    uint32_t console_domid, xen_pfn_t xenstore_gfn, uint32_t xenstore_domid)
{
    if (domid >= DOMID_FIRST_RESERVED || console_domid >= DOMID_FIRST_RESERVED ||
        xenstore_domid >= DOMID_FIRST_RESERVED)
        return xkc__fail(h, EINVAL, "gnttab seed (domain %u): invalid domain id", domid);
    /* v1 entries hold 32-bit frame numbers. */
    if ((console_gfn != XKC_NO_GFN && console_gfn > UINT32_MAX) ||
        (xenstore_gfn != XKC_NO_GFN && xenstore_gfn > UINT32_MAX))
        return xkc__fail(h, EINVAL, "gnttab seed (domain %u): frame above 32 bits", domid);
    grant_entry_v1_t *t = xkc_resource_map(h, domid, XENMEM_resource_grant_table,
                                           XENMEM_resource_grant_table_id_shared, 0, 1,
                                           PROT_READ | PROT_WRITE);
    if (!t)
        return xkc__fail(h, errno, "gnttab seed (domain %u): map grant frame 0", domid);
    if (console_gfn != XKC_NO_GFN)
        xkc__gnttab_set_entry(t, GNTTAB_RESERVED_CONSOLE, console_gfn, console_domid);
    if (xenstore_gfn != XKC_NO_GFN)
        xkc__gnttab_set_entry(t, GNTTAB_RESERVED_XENSTORE, xenstore_gfn, xenstore_domid);
    return xkc_resource_unmap(h, t, 1);
}

void *xkc_gntdev_map(xkc_handle *h, uint32_t domid, uint32_t ref, int prot)
{
    if (domid >= DOMID_FIRST_RESERVED)
        return xkc__fail_null(h, EINVAL, "gntdev map (domain %u, ref %u): invalid domain id",
                              domid, ref);
    if (xkc__os_gntdev_open(h) < 0)
        return xkc__fail_null(h, errno, "gntdev map (domain %u, ref %u): open grant device",
                              domid, ref);
    struct xkc__gntmap *m = malloc(sizeof *m);
    if (!m)
        return xkc__fail_null(h, ENOMEM, "gntdev map (domain %u, ref %u)", domid, ref);
    m->addr = xkc__os_gntdev_map(h, domid, ref, prot, &m->index);
    if (!m->addr) {
        int e = errno;
        free(m);
        return xkc__fail_null(h, e, "gntdev map (domain %u, ref %u)", domid, ref);
    }
    m->next = h->gntmaps;
    h->gntmaps = m;
    return m->addr;
}

int xkc_gntdev_unmap(xkc_handle *h, void *addr)
{
    for (struct xkc__gntmap **pp = &h->gntmaps; *pp; pp = &(*pp)->next) {
        struct xkc__gntmap *m = *pp;
        if (m->addr != addr)
            continue;
        *pp = m->next;   /* forget it even if the kernel complains: one release path */
        int rc = xkc__os_gntdev_unmap(h, m->addr, m->index);
        int e = errno;
        free(m);
        if (rc < 0)
            return xkc__fail(h, e, "gntdev unmap (%p)", addr);
        return 0;
    }
    return xkc__fail(h, EINVAL, "gntdev unmap (%p): not a gntdev mapping", addr);
}
