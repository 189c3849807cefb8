/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Handle lifetime: the one owner of every device fd and cached buffer. */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *xkc_version(void)
{
    return PACKAGE_VERSION;
}

xkc_handle *xkc__handle_new(void)
{
    xkc_handle *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->privcmd_fd = h->hcall_fd = h->evtchn_fd = h->gntdev_fd = -1;
    return h;
}

xkc_handle *xkc_open(char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    xkc_handle *h = xkc__handle_new();
    if (!h) {
        int e = errno;
        if (err)
            snprintf(err, errlen, "xkc_open: %s", strerror(e));
        errno = e;
        return NULL;
    }
    if (xkc__os_open_privcmd(h, err, errlen) < 0)
        goto fail;
    if (xkc__abi_check(h) < 0) {
        if (err)
            snprintf(err, errlen, "%s", h->errmsg);
        goto fail;
    }
    xkc__clear_error(h);
    return h;
fail:;
    int e = errno;
    xkc_close(h);
    errno = e;
    return NULL;
}

void xkc_close(xkc_handle *h)
{
    if (!h)
        return;
    while (h->gntmaps)
        xkc_gntdev_unmap(h, h->gntmaps->addr);
    xkc__buf_cache_drain(h);
    xkc__os_close(h);
    free(h);
}

void xkc_stats(const xkc_handle *h, struct xkc_stats *st)
{
    if (h && st)
        *st = h->st;
    else if (st)
        memset(st, 0, sizeof *st);
}
