/* Issuing hypercalls: counting, bouncing arguments through safe buffers and
 * wording domctl/sysctl failures. */
#include "private.h"

#include <errno.h>
#include <string.h>

long xkci_hypercall(xkc_handle *h, unsigned op, uint64_t a0, uint64_t a1,
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
    long rc = xkci_os_hypercall(h, op, a);
    if (rc < 0)
        st->hypercall_failures++;
    return rc;
}

long xkci_hypercall_bounce(xkc_handle *h, unsigned op, uint64_t cmd, void *arg, size_t len)
{
    struct xkci_buf b;
    if (xkci_buf_get(h, len, &b) < 0)
        return -1;
    memcpy(b.p, arg, len);
    long rc = xkci_hypercall(h, op, cmd, (uintptr_t)b.p, 0, 0, 0);
    int e = errno;
    memcpy(arg, b.p, len);   /* IN/OUT structures: copy back even on error */
    xkci_buf_put(h, &b);
    errno = e;
    return rc;
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
    [XEN_DOMCTL_set_paging_mempool_size] = "set_paging_mempool_size",
};

const char *xkci_domctl_name(uint32_t cmd)
{
    if (cmd < sizeof domctl_names / sizeof domctl_names[0] && domctl_names[cmd])
        return domctl_names[cmd];
    return "unknown";
}

int xkci_domctl(xkc_handle *h, struct xen_domctl *d, const char *what)
{
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    struct xkci_buf b;
    if (xkci_buf_get(h, sizeof *d, &b) < 0)
        return -1;
    memcpy(b.p, d, sizeof *d);
    long rc = xkci_hypercall(h, __HYPERVISOR_domctl, (uintptr_t)b.p, 0, 0, 0, 0);
    int e = errno;
    memcpy(d, b.p, sizeof *d);
    xkci_buf_put(h, &b);
    if (rc < 0)
        return xkci_fail(h, e, "domctl %s (domain %u)", what ? what : xkci_domctl_name(d->cmd),
                         (unsigned)d->domain);
    return 0;
}

int xkci_sysctl(xkc_handle *h, struct xen_sysctl *s, const char *what)
{
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    struct xkci_buf b;
    if (xkci_buf_get(h, sizeof *s, &b) < 0)
        return -1;
    memcpy(b.p, s, sizeof *s);
    long rc = xkci_hypercall(h, __HYPERVISOR_sysctl, (uintptr_t)b.p, 0, 0, 0, 0);
    int e = errno;
    memcpy(s, b.p, sizeof *s);
    xkci_buf_put(h, &b);
    if (rc < 0)
        return xkci_fail(h, e, "sysctl %s", what);
    return 0;
}

int xkci_domctl_dom(xkc_handle *h, uint32_t domid, struct xen_domctl *d)
{
    if (domid >= DOMID_FIRST_RESERVED)
        return xkci_fail(h, EINVAL, "domctl %s (domain %u): invalid domain id",
                         xkci_domctl_name(d->cmd), domid);
    d->domain = (domid_t)domid;
    return xkci_domctl(h, d, NULL);
}
