/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vCPUs: context, state, affinity, and per-domain scheduler parameters. */
#include "private.h"

#include <errno.h>
#include <string.h>

static int vcpu_context(xkc_handle *h, uint32_t domid, unsigned vcpu, uint32_t cmd,
                        vcpu_guest_context_t *ctx)
{
    if (!ctx)
        return xkc__fail(h, EINVAL, "domctl %s (domain %u): no context",
                         xkc__domctl_name(cmd), domid);
    struct xkc__buf b;
    if (xkc__buf_get(h, sizeof *ctx, &b) < 0)
        return -1;
    memcpy(b.p, ctx, sizeof *ctx);
    struct xen_domctl d = { .cmd = cmd };
    d.u.vcpucontext.vcpu = vcpu;
    set_xen_guest_handle(d.u.vcpucontext.ctxt, (vcpu_guest_context_t *)b.p);
    int rc = xkc__domctl_dom(h, domid, &d);
    if (rc == 0)
        memcpy(ctx, b.p, sizeof *ctx);
    xkc__buf_put(h, &b);
    return rc;
}

int xkc_vcpu_set_context(xkc_handle *h, uint32_t domid, unsigned vcpu,
                         const vcpu_guest_context_t *ctx)
{
    vcpu_guest_context_t copy;
    if (ctx)
        copy = *ctx;
    return vcpu_context(h, domid, vcpu, XEN_DOMCTL_setvcpucontext, ctx ? &copy : NULL);
}

int xkc_vcpu_get_context(xkc_handle *h, uint32_t domid, unsigned vcpu, vcpu_guest_context_t *ctx)
{
    if (ctx)
        memset(ctx, 0, sizeof *ctx);
    return vcpu_context(h, domid, vcpu, XEN_DOMCTL_getvcpucontext, ctx);
}

int xkc_vcpu_info(xkc_handle *h, uint32_t domid, unsigned vcpu, struct xkc_vcpuinfo *vi)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_getvcpuinfo };
    d.u.getvcpuinfo.vcpu = vcpu;
    if (xkc__domctl_dom(h, domid, &d) < 0)
        return -1;
    vi->online = d.u.getvcpuinfo.online;
    vi->blocked = d.u.getvcpuinfo.blocked;
    vi->running = d.u.getvcpuinfo.running;
    vi->cpu_time_ns = d.u.getvcpuinfo.cpu_time;
    vi->cpu = d.u.getvcpuinfo.cpu;
    return 0;
}

static int affinity(xkc_handle *h, uint32_t domid, unsigned vcpu, uint32_t cmd,
                    uint8_t *hard, uint8_t *soft, size_t bytes)
{
    if ((!hard && !soft) || !bytes || bytes > XKC__PAGE_SIZE)
        return xkc__fail(h, EINVAL, "domctl %s (domain %u): no cpumap or bad size %zu",
                         xkc__domctl_name(cmd), domid, bytes);
    struct xkc__buf b;
    if (xkc__buf_get(h, 2 * bytes, &b) < 0)
        return -1;
    uint8_t *bh = b.p, *bs = bh + bytes;
    struct xen_domctl d = { .cmd = cmd };
    d.u.vcpuaffinity.vcpu = vcpu;
    if (hard) {
        d.u.vcpuaffinity.flags |= XEN_VCPUAFFINITY_HARD;
        memcpy(bh, hard, bytes);
    }
    if (soft) {
        d.u.vcpuaffinity.flags |= XEN_VCPUAFFINITY_SOFT;
        memcpy(bs, soft, bytes);
    }
    set_xen_guest_handle(d.u.vcpuaffinity.cpumap_hard.bitmap, bh);
    set_xen_guest_handle(d.u.vcpuaffinity.cpumap_soft.bitmap, bs);
    d.u.vcpuaffinity.cpumap_hard.nr_bits = d.u.vcpuaffinity.cpumap_soft.nr_bits =
        (uint32_t)(bytes * 8);
    int rc = xkc__domctl_dom(h, domid, &d);
    if (rc == 0) {
        if (hard)
            memcpy(hard, bh, bytes);
        if (soft)
            memcpy(soft, bs, bytes);
    }
    xkc__buf_put(h, &b);
    return rc;
}

int xkc_vcpu_set_affinity(xkc_handle *h, uint32_t domid, unsigned vcpu, uint8_t *hard,
                          uint8_t *soft, size_t bytes)
{
    return affinity(h, domid, vcpu, XEN_DOMCTL_setvcpuaffinity, hard, soft, bytes);
}

int xkc_vcpu_get_affinity(xkc_handle *h, uint32_t domid, unsigned vcpu, uint8_t *hard,
                          uint8_t *soft, size_t bytes)
{
    return affinity(h, domid, vcpu, XEN_DOMCTL_getvcpuaffinity, hard, soft, bytes);
}

/* credit and credit2 share the layout {weight, cap}. */
static int sched_op(xkc_handle *h, uint32_t domid, uint32_t sched, uint32_t cmd,
                    unsigned *weight, unsigned *cap)
{
    if (cmd == XEN_DOMCTL_SCHEDOP_putinfo && (*weight > UINT16_MAX || *cap > UINT16_MAX))
        return xkc__fail(h, EINVAL, "domctl scheduler_op (domain %u): weight %u / cap %u "
                         "out of range", domid, *weight, *cap);
    struct xen_domctl d = { .cmd = XEN_DOMCTL_scheduler_op };
    d.u.scheduler_op.sched_id = sched;
    d.u.scheduler_op.cmd = cmd;
    d.u.scheduler_op.u.credit2.weight = (uint16_t)*weight;
    d.u.scheduler_op.u.credit2.cap = (uint16_t)*cap;
    if (xkc__domctl_dom(h, domid, &d) < 0)
        return -1;
    *weight = d.u.scheduler_op.u.credit2.weight;
    *cap = d.u.scheduler_op.u.credit2.cap;
    return 0;
}

int xkc_sched_credit2_get(xkc_handle *h, uint32_t domid, unsigned *weight, unsigned *cap)
{
    unsigned w = 0, c = 0;
    if (sched_op(h, domid, XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_getinfo, &w, &c) < 0)
        return -1;
    *weight = w;
    *cap = c;
    return 0;
}

int xkc_sched_credit2_set(xkc_handle *h, uint32_t domid, unsigned weight, unsigned cap)
{
    return sched_op(h, domid, XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_putinfo, &weight, &cap);
}

int xkc_sched_credit_get(xkc_handle *h, uint32_t domid, unsigned *weight, unsigned *cap)
{
    unsigned w = 0, c = 0;
    if (sched_op(h, domid, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_getinfo, &w, &c) < 0)
        return -1;
    *weight = w;
    *cap = c;
    return 0;
}

int xkc_sched_credit_set(xkc_handle *h, uint32_t domid, unsigned weight, unsigned cap)
{
    return sched_op(h, domid, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_putinfo, &weight, &cap);
}

int xkc_domain_node_affinity(xkc_handle *h, uint32_t domid, uint8_t *nodes, size_t bytes)
{
    if (!nodes || !bytes || bytes > XKC__PAGE_SIZE)
        return xkc__fail(h, EINVAL, "domctl getnodeaffinity (domain %u): no nodemap or bad size %zu",
                         domid, bytes);
    struct xkc__buf b;
    if (xkc__buf_get(h, bytes, &b) < 0)
        return -1;
    memset(b.p, 0, bytes);
    struct xen_domctl d = { .cmd = XEN_DOMCTL_getnodeaffinity };
    set_xen_guest_handle(d.u.nodeaffinity.nodemap.bitmap, (uint8_t *)b.p);
    d.u.nodeaffinity.nodemap.nr_bits = (uint32_t)(bytes * 8);
    int rc = xkc__domctl_dom(h, domid, &d);
    if (rc == 0)
        memcpy(nodes, b.p, bytes);
    xkc__buf_put(h, &b);
    return rc;
}

int xkc_sched_rtds_get(xkc_handle *h, uint32_t domid, uint32_t *period_us, uint32_t *budget_us)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_scheduler_op };
    d.u.scheduler_op.sched_id = XEN_SCHEDULER_RTDS;
    d.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    if (xkc__domctl_dom(h, domid, &d) < 0)
        return -1;
    *period_us = d.u.scheduler_op.u.rtds.period;
    *budget_us = d.u.scheduler_op.u.rtds.budget;
    return 0;
}

int xkc_sched_rtds_set(xkc_handle *h, uint32_t domid, uint32_t period_us, uint32_t budget_us)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_scheduler_op };
    d.u.scheduler_op.sched_id = XEN_SCHEDULER_RTDS;
    d.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    d.u.scheduler_op.u.rtds.period = period_us;
    d.u.scheduler_op.u.rtds.budget = budget_us;
    return xkc__domctl_dom(h, domid, &d);
}

/* Per-vcpu RTDS parameters, both ways: Xen may process fewer than asked
 * (a preemption); the call continues from where it stopped. */
static int rtds_vcpus(xkc_handle *h, uint32_t domid, uint32_t cmd, struct xkc_rtds_vcpu *v, unsigned n)
{
    if (!v || !n || n > XKC__PAGE_SIZE / sizeof(xen_domctl_schedparam_vcpu_t))
        return xkc__fail(h, EINVAL, "domctl scheduler_op rtds (domain %u): %u vcpus", domid, n);
    struct xkc__buf b;
    if (xkc__buf_get(h, n * sizeof(xen_domctl_schedparam_vcpu_t), &b) < 0)
        return -1;
    xen_domctl_schedparam_vcpu_t *p = b.p;
    memset(p, 0, n * sizeof *p);
    for (unsigned i = 0; i < n; i++) {
        p[i].vcpuid = v[i].vcpu;
        p[i].u.rtds.period = v[i].period_us;
        p[i].u.rtds.budget = v[i].budget_us;
        p[i].u.rtds.flags = v[i].extratime ? XEN_DOMCTL_SCHEDRT_extra : 0;
    }
    int rc = 0;
    for (unsigned done = 0; rc == 0 && done < n;) {
        struct xen_domctl d = { .cmd = XEN_DOMCTL_scheduler_op };
        d.u.scheduler_op.sched_id = XEN_SCHEDULER_RTDS;
        d.u.scheduler_op.cmd = cmd;
        set_xen_guest_handle(d.u.scheduler_op.u.v.vcpus, p + done);
        d.u.scheduler_op.u.v.nr_vcpus = n - done;
        rc = xkc__domctl_dom(h, domid, &d);
        if (rc == 0) {
            if (!d.u.scheduler_op.u.v.nr_vcpus)
                rc = xkc__fail(h, EIO, "domctl scheduler_op rtds (domain %u): no progress", domid);
            done += d.u.scheduler_op.u.v.nr_vcpus;
        }
    }
    if (rc == 0 && cmd == XEN_DOMCTL_SCHEDOP_getvcpuinfo)
        for (unsigned i = 0; i < n; i++) {
            v[i].period_us = p[i].u.rtds.period;
            v[i].budget_us = p[i].u.rtds.budget;
            v[i].extratime = p[i].u.rtds.flags & XEN_DOMCTL_SCHEDRT_extra;
        }
    xkc__buf_put(h, &b);
    return rc;
}

int xkc_sched_rtds_vcpu_get(xkc_handle *h, uint32_t domid, struct xkc_rtds_vcpu *v, unsigned n)
{
    return rtds_vcpus(h, domid, XEN_DOMCTL_SCHEDOP_getvcpuinfo, v, n);
}

int xkc_sched_rtds_vcpu_set(xkc_handle *h, uint32_t domid, const struct xkc_rtds_vcpu *v, unsigned n)
{
    return rtds_vcpus(h, domid, XEN_DOMCTL_SCHEDOP_putvcpuinfo, (struct xkc_rtds_vcpu *)v, n);
}
