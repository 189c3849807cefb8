/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The FLASK security module (xsm_op): its enforcing mode and policy. A Xen
 * built or booted without XSM answers ENOSYS, which the messages say. */
#include "private.h"

#include <errno.h>
#include <string.h>
#include <xen/xsm/flask_op.h>

static int flask(xkc_handle *h, struct xen_flask_op *op, const char *what)
{
    op->interface_version = XEN_FLASK_INTERFACE_VERSION;
    long rc = xkc__hypercall_bounce1(h, __HYPERVISOR_xsm_op, op, sizeof *op);
    if (rc >= 0)
        return (int)rc;
    int e = errno;
    return xkc__fail(h, e, "xsm_op %s%s", what,
                     e == ENOSYS ? " (Xen has no FLASK security module: booted without flask=enforcing "
                                   "or built without XSM)" : "");
}

int xkc_flask_getenforce(xkc_handle *h)
{
    struct xen_flask_op op = { .cmd = FLASK_GETENFORCE };
    return flask(h, &op, "getenforce");
}

int xkc_flask_setenforce(xkc_handle *h, int enforcing)
{
    struct xen_flask_op op = { .cmd = FLASK_SETENFORCE };
    op.u.enforce.enforcing = enforcing ? 1 : 0;
    return flask(h, &op, "setenforce") < 0 ? -1 : 0;
}

int xkc_flask_load(xkc_handle *h, const void *policy, size_t len)
{
    if (!len || len > UINT32_MAX)
        return xkc__fail(h, EINVAL, "xsm_op load: a %zu-byte policy", len);
    struct xkc__buf b;
    if (xkc__buf_get(h, len, &b) < 0)
        return -1;
    memcpy(b.p, policy, len);
    struct xen_flask_op op = { .cmd = FLASK_LOAD };
    set_xen_guest_handle(op.u.load.buffer, (char *)b.p);
    op.u.load.size = (uint32_t)len;
    int rc = flask(h, &op, "load");
    xkc__buf_put(h, &b);
    return rc < 0 ? -1 : 0;
}
