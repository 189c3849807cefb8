/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* HVM/PVH state: params (hvm_op) and the save record (hvmcontext). */
#include "private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

static int param(xkc_handle *h, uint32_t domid, unsigned cmd, unsigned index, uint64_t *value)
{
    const char *what = cmd == HVMOP_set_param ? "set_param" : "get_param";
    if (xkc__check_domid(h, domid, cmd == HVMOP_set_param ? "hvm_op set_param"
                                                         : "hvm_op get_param") < 0)
        return -1;
    if (index >= HVM_NR_PARAMS)
        return xkc__fail(h, EINVAL, "hvm_op %s %u (domain %u): no such param", what, index,
                         domid);
    struct xen_hvm_param p = { .domid = (domid_t)domid, .index = index, .value = *value };
    if (xkc__hypercall_bounce(h, __HYPERVISOR_hvm_op, cmd, &p, sizeof p) < 0)
        return xkc__fail(h, errno, "hvm_op %s %u (domain %u)", what, index, domid);
    *value = p.value;
    return 0;
}

int xkc_hvm_param_set(xkc_handle *h, uint32_t domid, unsigned index, uint64_t value)
{
    return param(h, domid, HVMOP_set_param, index, &value);
}

int xkc_hvm_param_get(xkc_handle *h, uint32_t domid, unsigned index, uint64_t *value)
{
    uint64_t v = 0;
    if (param(h, domid, HVMOP_get_param, index, &v) < 0)
        return -1;
    *value = v;
    return 0;
}

int xkc_hvm_context_get(xkc_handle *h, uint32_t domid, void **buf, size_t *len)
{
    if (!buf || !len)
        return xkc__fail(h, EINVAL, "domctl gethvmcontext (domain %u): no output", domid);
    /* First ask for the size (NULL buffer), then fetch. */
    struct xen_domctl d = { .cmd = XEN_DOMCTL_gethvmcontext };
    if (xkc__domctl_dom(h, domid, &d) < 0)
        return -1;
    size_t size = d.u.hvmcontext.size;
    struct xkc__buf b;
    if (xkc__buf_get(h, size, &b) < 0)
        return -1;
    memset(&d, 0, sizeof d);
    d.cmd = XEN_DOMCTL_gethvmcontext;
    d.u.hvmcontext.size = (uint32_t)size;
    set_xen_guest_handle(d.u.hvmcontext.buffer, (uint8_t *)b.p);
    int rc = xkc__domctl_dom(h, domid, &d);
    if (rc == 0) {
        size_t got = d.u.hvmcontext.size;
        void *out = malloc(got ? got : 1);
        if (!out) {
            rc = xkc__fail(h, ENOMEM, "domctl gethvmcontext (domain %u)", domid);
        } else {
            memcpy(out, b.p, got);
            *buf = out;
            *len = got;
        }
    }
    xkc__buf_put(h, &b);
    return rc;
}

int xkc_hvm_context_set(xkc_handle *h, uint32_t domid, const void *buf, size_t len)
{
    if (!buf || !len || len > UINT32_MAX)
        return xkc__fail(h, EINVAL, "domctl sethvmcontext (domain %u): empty record", domid);
    struct xkc__buf b;
    if (xkc__buf_get(h, len, &b) < 0)
        return -1;
    memcpy(b.p, buf, len);
    struct xen_domctl d = { .cmd = XEN_DOMCTL_sethvmcontext };
    d.u.hvmcontext.size = (uint32_t)len;
    set_xen_guest_handle(d.u.hvmcontext.buffer, (uint8_t *)b.p);
    int rc = xkc__domctl_dom(h, domid, &d);
    xkc__buf_put(h, &b);
    return rc;
}
