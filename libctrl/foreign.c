/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mapping another domain's memory into ours. */
#include "private.h"

#include <errno.h>
#include <stdlib.h>

void *xkc_foreign_map(xkc_handle *h, uint32_t domid, int prot, const xen_pfn_t *gfns,
                      int *errs, size_t n)
{
    if (domid >= DOMID_FIRST_RESERVED)
        return xkc__fail_null(h, EINVAL, "foreign map (domain %u): invalid domain id", domid);
    /* dom0's own frames are its kernel's and its processes' memory: a
     * toolstack never has a reason to map them, and a wrong domid here
     * would write into them */
    if (domid == 0)
        return xkc__fail_null(h, EPERM, "foreign map: refusing to map domain 0's own memory");
    if (!gfns || !n || n > UINT32_MAX / XKC__PAGE_SIZE)
        return xkc__fail_null(h, EINVAL, "foreign map (domain %u): %zu frames", domid, n);
    int *own = NULL;
    if (!errs) {
        own = calloc(n, sizeof *own);
        if (!own)
            return xkc__fail_null(h, ENOMEM, "foreign map (domain %u)", domid);
    }
    int *e = errs ? errs : own;
    void *addr = xkc__os_map_foreign(h, domid, prot, gfns, e, n);
    if (!addr) {
        int err = errno;
        free(own);
        return xkc__fail_null(h, err, "foreign map (domain %u, %zu frames from gfn 0x%llx)",
                              domid, n, (unsigned long long)gfns[0]);
    }
    if (own) {
        for (size_t i = 0; i < n; i++)
            if (own[i]) {
                int err = -own[i];
                xkc__os_unmap(addr, n * XKC__PAGE_SIZE);
                free(own);
                return xkc__fail_null(h, err, "foreign map (domain %u, gfn 0x%llx)", domid,
                                      (unsigned long long)gfns[i]);
            }
        free(own);
    }
    return addr;
}

int xkc_foreign_unmap(xkc_handle *h, void *addr, size_t n)
{
    if (!addr || !n)
        return xkc__fail(h, EINVAL, "foreign unmap: nothing to unmap");
    if (xkc__os_unmap(addr, n * XKC__PAGE_SIZE) < 0)
        return xkc__fail(h, errno, "foreign unmap (%zu pages at %p)", n, addr);
    return 0;
}

void *xkc_resource_map(xkc_handle *h, uint32_t domid, unsigned type, unsigned id,
                       unsigned idx, size_t nr, int prot)
{
    if (domid >= DOMID_FIRST_RESERVED)
        return xkc__fail_null(h, EINVAL, "resource map (domain %u): invalid domain id", domid);
    if (domid == 0)
        return xkc__fail_null(h, EPERM, "resource map: refusing to map domain 0's own resources");
    if (!nr || nr > 1024)
        return xkc__fail_null(h, EINVAL, "resource map (domain %u): %zu frames", domid, nr);
    void *addr = xkc__os_map_resource(h, domid, type, id, idx, nr, prot);
    if (!addr)
        return xkc__fail_null(h, errno, "resource map (domain %u, type %u id %u, frames "
                              "%u+%zu)", domid, type, id, idx, nr);
    return addr;
}

int xkc_resource_unmap(xkc_handle *h, void *addr, size_t nr)
{
    if (!addr || !nr)
        return xkc__fail(h, EINVAL, "resource unmap: nothing to unmap");
    if (xkc__os_unmap(addr, nr * XKC__PAGE_SIZE) < 0)
        return xkc__fail(h, errno, "resource unmap (%zu frames at %p)", nr, addr);
    return 0;
}
