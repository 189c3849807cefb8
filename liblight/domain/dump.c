/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A domain's core dump, in Xen's dump-core format (libguest writes it):
 * xl dump-core and the monitor's coredump-destroy / coredump-restart. */
#include "private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xkit/guest.h>

int xkl__core_dump(xkl_ctx *ctx, uint32_t domid, const char *path, uint64_t *pages)
{
    xkc_handle *xc = xkl__xc(ctx);
    if (!xc)
        return xkl__err_wrap(ctx, "dump-core of domain %u", domid);
    if (domid == 0)
        return xkl__err(ctx, EINVAL, "dump-core of domain 0: dom0's memory is not a guest's "
                        "(use the host's own crash dump tools)");
    /* the file Xen's writes: created or truncated, the owner's alone */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return xkl__err(ctx, errno, "dump-core of domain %u: %s: %s", domid, path, strerror(errno));
    char err[512];
    struct xkg_core_stats st;
    int r = xkg_core_dump(xc, domid, fd, &st, err, sizeof err);
    int e = errno;
    if (close(fd) < 0 && r == 0) {
        e = errno;
        snprintf(err, sizeof err, "dump-core of domain %u: closing %s: %s", domid, path, strerror(e));
        r = -1;
    }
    if (r < 0) {
        unlink(path);   /* nothing half-written is left */
        return xkl__err(ctx, e, "%s", err);
    }
    if (pages)
        *pages = st.pages;
    return 0;
}

int xkl_domain_core_dump(xkl_ctx *ctx, uint32_t domid, const char *path)
{
    XKL__LOCK(ctx);
    int r = xkl__core_dump(ctx, domid, path, NULL);
    XKL__UNLOCK(ctx);
    return r;
}
