/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hypercall buffers: memory Xen may read and write while the hypercall runs.
 * Obtaining one is a syscall or two, so a few are cached per handle.
 */
#include "private.h"

#include <errno.h>
#include <string.h>

int xkc__buf_get(xkc_handle *h, size_t bytes, struct xkc__buf *b)
{
    size_t pages = (bytes + XKC__PAGE_SIZE - 1) / XKC__PAGE_SIZE;
    if (!pages)
        pages = 1;
    /* Best fit among cached buffers that are large enough. */
    int best = -1;
    for (int i = 0; i < XKC__BUF_CACHE; i++)
        if (h->cache[i].p && h->cache[i].pages >= pages &&
            (best < 0 || h->cache[i].pages < h->cache[best].pages))
            best = i;
    if (best >= 0) {
        *b = h->cache[best];
        h->cache[best].p = NULL;
        h->st.buffer_cache_hits++;
        memset(b->p, 0, pages * XKC__PAGE_SIZE);
        return 0;
    }
    b->p = xkc__os_buf_alloc(h, pages);
    if (!b->p)
        return xkc__fail(h, errno ? errno : ENOMEM, "hypercall buffer (%zu pages)", pages);
    b->pages = pages;
    h->st.buffer_allocs++;
    return 0;
}

void xkc__buf_put(xkc_handle *h, struct xkc__buf *b)
{
    if (!b->p)
        return;
    if (b->pages <= XKC__BUF_CACHE_MAX_PAGES)
        for (int i = 0; i < XKC__BUF_CACHE; i++)
            if (!h->cache[i].p) {
                h->cache[i] = *b;
                b->p = NULL;
                return;
            }
    xkc__os_buf_free(h, b->p, b->pages);
    b->p = NULL;
}

void xkc__buf_cache_drain(xkc_handle *h)
{
    for (int i = 0; i < XKC__BUF_CACHE; i++)
        if (h->cache[i].p) {
            xkc__os_buf_free(h, h->cache[i].p, h->cache[i].pages);
            h->cache[i].p = NULL;
        }
}
