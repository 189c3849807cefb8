/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Issuing hypercalls: counting, bouncing arguments through safe buffers and
 * wording domctl/sysctl failures. */
#include "private.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

long xkc__hypercall(xkc_handle *h, unsigned op, uint64_t a0, uint64_t a1,
                    uint64_t a2, uint64_t a3, uint64_t a4)
{
    const uint64_t a[5] = { a0, a1, a2, a3, a4 };
    struct xkc_stats *st = &h->st;
    st->hypercalls++;
    switch (op) {
    case __HYPERVISOR_domctl: st->domctl++; break;
    case __HYPERVISOR_sysctl: st->sysctl++; break;
    case __HYPERVISOR_memory_op: st->memory_op++; break;
    case __HYPERVISOR_xen_version: st->xen_version++; break;
    case __HYPERVISOR_hvm_op: st->hvm_op++; break;
    case __HYPERVISOR_event_channel_op: st->event_channel_op++; break;
    case __HYPERVISOR_sched_op: st->sched_op++; break;
    case __HYPERVISOR_mmuext_op: st->mmuext_op++; break;
    default: st->other_hypercalls++; break;
    }
    long rc = xkc__os_hypercall(h, op, a);
    if (rc < 0)
        st->hypercall_failures++;
    return rc;
}

/*
 * The one bounce path: copy arg (len bytes) into a hypercall-safe buffer,
 * issue op with that buffer as its only argument (cmd_first false: domctl,
 * sysctl) or as the argument after cmd (ops with a sub-command), and copy it
 * back even on error (IN/OUT structures). Returns the hypercall's result
 * with its errno. *issued tells the caller whether the hypercall ran: when
 * no buffer could be had, the handle's message already says so.
 */
static long bounce(xkc_handle *h, unsigned op, bool cmd_first, uint64_t cmd, void *arg,
                   size_t len, bool *issued)
{
    struct xkc__buf b;
    *issued = false;
    if (xkc__buf_get(h, len, &b) < 0)
        return -1;
    memcpy(b.p, arg, len);
    uint64_t p = (uintptr_t)b.p;
    *issued = true;
    long rc = cmd_first ? xkc__hypercall(h, op, cmd, p, 0, 0, 0)
                        : xkc__hypercall(h, op, p, 0, 0, 0, 0);
    int e = errno;
    memcpy(arg, b.p, len);
    xkc__buf_put(h, &b);
    errno = e;
    return rc;
}

long xkc__hypercall_bounce(xkc_handle *h, unsigned op, uint64_t cmd, void *arg, size_t len)
{
    bool issued;
    return bounce(h, op, true, cmd, arg, len, &issued);
}

long xkc__hypercall_bounce1(xkc_handle *h, unsigned op, void *arg, size_t len)
{
    bool issued;
    return bounce(h, op, false, 0, arg, len, &issued);
}

static const char *const domctl_names[] = {
    [XEN_DOMCTL_createdomain] = "createdomain",
    [XEN_DOMCTL_destroydomain] = "destroydomain",
    [XEN_DOMCTL_pausedomain] = "pausedomain",
    [XEN_DOMCTL_unpausedomain] = "unpausedomain",
    [XEN_DOMCTL_getdomaininfo] = "getdomaininfo",
    [XEN_DOMCTL_setvcpuaffinity] = "setvcpuaffinity",
    [XEN_DOMCTL_max_mem] = "max_mem",
    [XEN_DOMCTL_setvcpucontext] = "setvcpucontext",
    [XEN_DOMCTL_getvcpucontext] = "getvcpucontext",
    [XEN_DOMCTL_getvcpuinfo] = "getvcpuinfo",
    [XEN_DOMCTL_max_vcpus] = "max_vcpus",
    [XEN_DOMCTL_scheduler_op] = "scheduler_op",
    [XEN_DOMCTL_setdomainhandle] = "setdomainhandle",
    [XEN_DOMCTL_hypercall_init] = "hypercall_init",
    [XEN_DOMCTL_settimeoffset] = "settimeoffset",
    [XEN_DOMCTL_getvcpuaffinity] = "getvcpuaffinity",
    [XEN_DOMCTL_gethvmcontext] = "gethvmcontext",
    [XEN_DOMCTL_sethvmcontext] = "sethvmcontext",
    [XEN_DOMCTL_set_address_size] = "set_address_size",
    [XEN_DOMCTL_get_address_size] = "get_address_size",
    [XEN_DOMCTL_settscinfo] = "settscinfo",
    [XEN_DOMCTL_get_paging_mempool_size] = "get_paging_mempool_size",
    [XEN_DOMCTL_getnodeaffinity] = "getnodeaffinity",
    [XEN_DOMCTL_sendtrigger] = "sendtrigger",
    [XEN_DOMCTL_set_paging_mempool_size] = "set_paging_mempool_size",
    [XEN_DOMCTL_psr_cmt_op] = "psr_cmt_op",
    [XEN_DOMCTL_psr_alloc] = "psr_alloc",
};

const char *xkc__domctl_name(uint32_t cmd)
{
    if (cmd < sizeof domctl_names / sizeof domctl_names[0] && domctl_names[cmd])
        return domctl_names[cmd];
    return "unknown";
}

int xkc__domctl(xkc_handle *h, struct xen_domctl *d, const char *what)
{
    bool issued;
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    if (bounce(h, __HYPERVISOR_domctl, false, 0, d, sizeof *d, &issued) >= 0)
        return 0;
    if (!issued)
        return -1;
    return xkc__fail(h, errno, "domctl %s (domain %u)", what ? what : xkc__domctl_name(d->cmd),
                     (unsigned)d->domain);
}

int xkc__sysctl(xkc_handle *h, struct xen_sysctl *s, const char *what)
{
    bool issued;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    if (bounce(h, __HYPERVISOR_sysctl, false, 0, s, sizeof *s, &issued) >= 0)
        return 0;
    if (!issued)
        return -1;
    return xkc__fail(h, errno, "sysctl %s", what);
}

int xkc__domctl_dom(xkc_handle *h, uint32_t domid, struct xen_domctl *d)
{
    if (domid >= DOMID_FIRST_RESERVED)
        return xkc__fail(h, EINVAL, "domctl %s (domain %u): invalid domain id",
                         xkc__domctl_name(d->cmd), domid);
    d->domain = (domid_t)domid;
    return xkc__domctl(h, d, NULL);
}
