/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Domain lifecycle and per-domain settings (domctl, sched_op). */
#include "private.h"

#include <errno.h>
#include <string.h>
#include <xen/sched.h>

int xkc_domain_create(xkc_handle *h, const struct xkc_domain_config *cfg, uint32_t *domid)
{
    struct xen_domctl d;
    const char *why;
    uint32_t want = domid ? *domid : 0;
    if (!cfg || !domid)
        return xkc__fail(h, EINVAL, "domctl createdomain: no config or domid");
    struct xkc_domain_config c = *cfg;
    if (c.max_grant_version == 0) {
        /* a config bad in itself fails as such, before any hypercall */
        c.max_grant_version = 1;
        if (xkc__pack_createdomain(&d, &c, want, &why) < 0)
            return xkc__fail(h, EINVAL, "domctl createdomain (domain %u): %s", want, why);
        /* the highest version the hypervisor offers, as libxl */
        struct xkc_physinfo pi;
        if (xkc_physinfo(h, &pi) < 0) {
            int e = errno;
            return xkc__fail(h, e, "domctl createdomain (domain %u): grant table versions (sysctl physinfo)",
                             want);
        }
        c.max_grant_version = xkc__gnttab_version_max(&pi);
        if (!c.max_grant_version)
            return xkc__fail(h, EOPNOTSUPP,
                             "domctl createdomain (domain %u): the hypervisor offers neither grant table v1 nor v2",
                             want);
    }
    if (xkc__pack_createdomain(&d, &c, want, &why) < 0)
        return xkc__fail(h, EINVAL, "domctl createdomain (domain %u): %s", want, why);
    if (xkc__domctl(h, &d, NULL) < 0)
        return -1;
    *domid = d.domain;
    return 0;
}

/* A domctl whose only argument is the domain (xkc__domctl_dom checks it). */
static int simple(xkc_handle *h, uint32_t domid, uint32_t cmd)
{
    struct xen_domctl d = { .cmd = cmd };
    return xkc__domctl_dom(h, domid, &d);
}

int xkc_domain_destroy(xkc_handle *h, uint32_t domid)
{
    /* Xen tears a domain down in steps and asks to be called again. */
    for (;;) {
        struct xen_domctl d = { .cmd = XEN_DOMCTL_destroydomain };
        if (xkc__domctl_dom(h, domid, &d) == 0)
            return 0;
        if (errno != EAGAIN)
            return -1;
    }
}

int xkc_domain_pause(xkc_handle *h, uint32_t domid)
{
    return simple(h, domid, XEN_DOMCTL_pausedomain);
}

int xkc_domain_unpause(xkc_handle *h, uint32_t domid)
{
    return simple(h, domid, XEN_DOMCTL_unpausedomain);
}

int xkc_domain_info(xkc_handle *h, uint32_t domid, struct xkc_dominfo *info)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_getdomaininfo };
    if (xkc__domctl_dom(h, domid, &d) < 0)
        return -1;
    /* Xen 4.17 answers with the next domain at or above the one asked for. */
    if (d.u.getdomaininfo.domain != domid)
        return xkc__fail(h, ESRCH, "domctl getdomaininfo (domain %u)", domid);
    xkc__decode_dominfo(&d.u.getdomaininfo, info);
    return 0;
}

int xkc_domain_list(xkc_handle *h, uint32_t first, struct xkc_dominfo *out, unsigned max)
{
    enum { BATCH = 64 };
    if (max && !out)
        return xkc__fail(h, EINVAL, "sysctl getdomaininfolist: no output array");
    struct xkc__buf b;
    if (xkc__buf_get(h, BATCH * sizeof(xen_domctl_getdomaininfo_t), &b) < 0)
        return -1;
    unsigned n = 0;
    while (n < max && first < DOMID_FIRST_RESERVED) {
        struct xen_sysctl s = { .cmd = XEN_SYSCTL_getdomaininfolist };
        unsigned want = max - n < BATCH ? max - n : BATCH;
        s.u.getdomaininfolist.first_domain = (domid_t)first;
        s.u.getdomaininfolist.max_domains = want;
        set_xen_guest_handle(s.u.getdomaininfolist.buffer, (xen_domctl_getdomaininfo_t *)b.p);
        if (xkc__sysctl(h, &s, "getdomaininfolist") < 0) {
            xkc__buf_put(h, &b);
            return -1;
        }
        unsigned got = s.u.getdomaininfolist.num_domains;
        const xen_domctl_getdomaininfo_t *di = b.p;
        for (unsigned i = 0; i < got && n < max; i++)
            xkc__decode_dominfo(&di[i], &out[n++]);
        if (got < want || !got)
            break;
        first = di[got - 1].domain + 1u;
    }
    xkc__buf_put(h, &b);
    return (int)n;
}

int xkc_domain_shutdown(xkc_handle *h, uint32_t domid, unsigned reason)
{
    if (xkc__check_domid(h, domid, "sched_op remote_shutdown") < 0)
        return -1;
    struct sched_remote_shutdown arg = { .domain_id = (domid_t)domid, .reason = reason };
    if (xkc__hypercall_bounce(h, __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, &arg,
                              sizeof arg) < 0)
        return xkc__fail(h, errno, "sched_op remote_shutdown (domain %u)", domid);
    return 0;
}

int xkc_domain_max_vcpus(xkc_handle *h, uint32_t domid, unsigned max)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_max_vcpus };
    d.u.max_vcpus.max = max;
    return xkc__domctl_dom(h, domid, &d);
}

int xkc_domain_set_maxmem(xkc_handle *h, uint32_t domid, uint64_t max_kb)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_max_mem };
    d.u.max_mem.max_memkb = max_kb;
    return xkc__domctl_dom(h, domid, &d);
}

int xkc_domain_set_address_size(xkc_handle *h, uint32_t domid, unsigned bits)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_set_address_size };
    d.u.address_size.size = bits;
    return xkc__domctl_dom(h, domid, &d);
}

int xkc_domain_get_address_size(xkc_handle *h, uint32_t domid, unsigned *bits)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_get_address_size };
    if (xkc__domctl_dom(h, domid, &d) < 0)
        return -1;
    *bits = d.u.address_size.size;
    return 0;
}

int xkc_domain_set_handle(xkc_handle *h, uint32_t domid, const uint8_t uuid[16])
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_setdomainhandle };
    memcpy(d.u.setdomainhandle.handle, uuid, 16);
    return xkc__domctl_dom(h, domid, &d);
}

int xkc_domain_set_time_offset(xkc_handle *h, uint32_t domid, int32_t seconds)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_settimeoffset };
    d.u.settimeoffset.time_offset_seconds = seconds;
    return xkc__domctl_dom(h, domid, &d);
}

int xkc_domain_set_tsc(xkc_handle *h, uint32_t domid, uint32_t mode, uint32_t gtsc_khz,
                       uint32_t incarnation, uint64_t elapsed_nsec)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_settscinfo };
    d.u.tsc_info.tsc_mode = mode;
    d.u.tsc_info.gtsc_khz = gtsc_khz;
    d.u.tsc_info.incarnation = incarnation;
    d.u.tsc_info.elapsed_nsec = elapsed_nsec;
    return xkc__domctl_dom(h, domid, &d);
}

int xkc_domain_hypercall_init(xkc_handle *h, uint32_t domid, uint64_t gmfn)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_hypercall_init };
    d.u.hypercall_init.gmfn = gmfn;
    return xkc__domctl_dom(h, domid, &d);
}

int xkc_domain_paging_mempool_get(xkc_handle *h, uint32_t domid, uint64_t *bytes)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_get_paging_mempool_size };
    if (xkc__domctl_dom(h, domid, &d) < 0)
        return -1;
    *bytes = d.u.paging_mempool.size;
    return 0;
}

int xkc_domain_paging_mempool_set(xkc_handle *h, uint32_t domid, uint64_t bytes)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_set_paging_mempool_size };
    d.u.paging_mempool.size = bytes;
    return xkc__domctl_dom(h, domid, &d);
}

int xkc_domain_trigger(xkc_handle *h, uint32_t domid, unsigned trigger, uint32_t vcpu)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_sendtrigger };
    d.u.sendtrigger.trigger = trigger;
    d.u.sendtrigger.vcpu = vcpu;
    return xkc__domctl_dom(h, domid, &d);
}
