/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Destroying a domain: the hypervisor's domain, then everything the
 * toolstack (ours or libxl) kept for it in xenstore and on disk. */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xkl__destroy(xkl_ctx *ctx, uint32_t domid)
{
    if (domid == 0)
        return xkl__err(ctx, EINVAL, "destroy domain 0: refusing to destroy dom0");
    /* Only "does it exist" and its UUID are needed: one domctl, not the
     * whole xkl__info() (which also reads the name from xenstore). */
    xkc_handle *xc = xkl__xc(ctx);
    struct xkc_dominfo ci;
    if (!xc)
        return xkl__err_wrap(ctx, "destroy domain %u", domid);
    if (xkc_domain_info(xc, domid, &ci) < 0)
        return errno == ESRCH ? xkl__err(ctx, ESRCH, "destroy domain %u: no such domain", domid)
                              : xkl__err(ctx, errno ? errno : EIO, "destroy domain %u: %s", domid,
                                         xkc_error(xc));
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return xkl__err_wrap(ctx, "destroy domain %u", domid);
    char path[64];
    snprintf(path, sizeof path, "/local/domain/%u/vm", domid);
    char *vm = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
    char uuid[37];
    xkl__uuid_format(ci.handle, uuid);
    if (xkc_domain_destroy(ctx->xc, domid) < 0 && errno != ESRCH) {
        int e = errno;
        xkl__err(ctx, e, "destroy domain %u: %s", domid, xkc_error(ctx->xc));
        free(vm);
        return -1;
    }
    /* what the devices hold in dom0 (loop devices, scripts' work, QEMU)
     * is released and their backends removed, in driver domains too */
    xkl__devices_remove_all(ctx, domid);
    struct xkl__layout l;
    xkl__layout_init(&l);
    int r = xkl__layout_owned(&l, domid, vm);
    if (r < 0)
        xkl__err(ctx, ENOMEM, "destroy domain %u: %s", domid, strerror(ENOMEM));
    else if ((r = xkl__layout_write(ctx, &l)) < 0)
        xkl__err_wrap(ctx, "destroy domain %u: removing its xenstore nodes", domid);
    xkl__layout_dispose(&l);
    free(vm);
    /* the state and the name index under the name lock: a create of the
     * same name may be saving its own entry right now */
    char what[48];
    snprintf(what, sizeof what, "destroy domain %u", domid);
    int lock = xkl__name_lock(ctx, what, NULL);
    if (xkl__state_remove(ctx, uuid, domid) < 0)
        r = xkl__err_wrap(ctx, "destroy domain %u", domid);
    xkl__name_unlock(lock);
    xkl__monitor_entry_remove(ctx, domid, uuid);
    return r;
}

int xkl_domain_destroy(xkl_ctx *ctx, uint32_t domid)
{
    XKL__LOCK(ctx);
    int r = xkl__destroy(ctx, domid);
    XKL__UNLOCK(ctx);
    return r;
}
