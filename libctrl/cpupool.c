/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cpupools (sysctl cpupool_op): the pools, their CPUs and domains, and the
 * CPUs that belong to none. */
#include "private.h"

#include <errno.h>
#include <string.h>

/* One cpupool_op with an optional CPU bitmap (bytes of it) for Xen to fill. */
static int pool_op(xkc_handle *h, struct xen_sysctl_cpupool_op *op, uint8_t *map, size_t bytes,
                   const char *what)
{
    struct xkc__buf b = { 0 };
    if (map && bytes) {
        if (bytes > UINT32_MAX / 8)
            return xkc__fail(h, EINVAL, "cpupool_op %s: a %zu-byte CPU map", what, bytes);
        if (xkc__buf_get(h, bytes, &b) < 0)
            return -1;
        memset(b.p, 0, bytes);
        set_xen_guest_handle(op->cpumap.bitmap, (uint8_t *)b.p);
        op->cpumap.nr_bits = (uint32_t)(bytes * 8);
    }
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_cpupool_op };
    s.u.cpupool_op = *op;
    int rc = xkc__sysctl(h, &s, what);
    if (rc == 0) {
        *op = s.u.cpupool_op;
        if (b.p)
            memcpy(map, b.p, bytes);
    }
    xkc__buf_put(h, &b);
    return rc;
}

int xkc_cpupool_info(xkc_handle *h, uint32_t poolid, struct xkc_cpupool *out, uint8_t *cpus,
                     size_t bytes)
{
    struct xen_sysctl_cpupool_op op = { .op = XEN_SYSCTL_CPUPOOL_OP_INFO, .cpupool_id = poolid };
    if (pool_op(h, &op, cpus, bytes, "cpupool_op info") < 0)
        return -1;
    out->id = op.cpupool_id;
    out->sched_id = op.sched_id;
    out->n_dom = op.n_dom;
    return 0;
}

int xkc_cpupool_create(xkc_handle *h, uint32_t *poolid, unsigned sched_id)
{
    struct xen_sysctl_cpupool_op op = { .op = XEN_SYSCTL_CPUPOOL_OP_CREATE,
                                        .cpupool_id = *poolid, .sched_id = sched_id };
    if (pool_op(h, &op, NULL, 0, "cpupool_op create") < 0)
        return -1;
    *poolid = op.cpupool_id;
    return 0;
}

int xkc_cpupool_destroy(xkc_handle *h, uint32_t poolid)
{
    struct xen_sysctl_cpupool_op op = { .op = XEN_SYSCTL_CPUPOOL_OP_DESTROY, .cpupool_id = poolid };
    return pool_op(h, &op, NULL, 0, "cpupool_op destroy");
}

int xkc_cpupool_add_cpu(xkc_handle *h, uint32_t poolid, uint32_t cpu)
{
    struct xen_sysctl_cpupool_op op = { .op = XEN_SYSCTL_CPUPOOL_OP_ADDCPU, .cpupool_id = poolid,
                                        .cpu = cpu };
    return pool_op(h, &op, NULL, 0, "cpupool_op addcpu");
}

int xkc_cpupool_remove_cpu(xkc_handle *h, uint32_t poolid, uint32_t cpu)
{
    struct xen_sysctl_cpupool_op op = { .op = XEN_SYSCTL_CPUPOOL_OP_RMCPU, .cpupool_id = poolid,
                                        .cpu = cpu };
    /* EAGAIN: the CPU is still busy in Xen; a retry soon succeeds (sysctl.h) */
    for (int tries = 0;; tries++) {
        int rc = pool_op(h, &op, NULL, 0, "cpupool_op rmcpu");
        if (rc == 0 || xkc_errno(h) != EAGAIN || tries == 50)
            return rc;
    }
}

int xkc_cpupool_move_domain(xkc_handle *h, uint32_t poolid, uint32_t domid)
{
    if (xkc__check_domid(h, domid, "cpupool_op movedomain") < 0)
        return -1;
    struct xen_sysctl_cpupool_op op = { .op = XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN,
                                        .cpupool_id = poolid, .domid = domid };
    return pool_op(h, &op, NULL, 0, "cpupool_op movedomain");
}

int xkc_cpupool_free_map(xkc_handle *h, uint8_t *cpus, size_t bytes)
{
    struct xen_sysctl_cpupool_op op = { .op = XEN_SYSCTL_CPUPOOL_OP_FREEINFO };
    return pool_op(h, &op, cpus, bytes, "cpupool_op freeinfo");
}

int xkc_free_cpus(xkc_handle *h, unsigned *count)
{
    uint8_t map[XKC_CPUMAP_MAX_BYTES];
    struct xkc_physinfo pi;
    if (xkc_physinfo(h, &pi) < 0)
        return -1;
    size_t bytes = (pi.max_cpu_id + 8) / 8;
    if (bytes > sizeof map)
        bytes = sizeof map;
    if (xkc_cpupool_free_map(h, map, bytes) < 0)
        return -1;
    *count = xkc__bitmap_weight(map, bytes);
    return 0;
}

/* A pool's scheduler-wide parameters (sysctl scheduler_op). */
static int pool_sched_op(xkc_handle *h, uint32_t poolid, uint32_t sched, uint32_t cmd,
                         struct xen_sysctl_scheduler_op *io)
{
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_scheduler_op };
    s.u.scheduler_op = *io;
    s.u.scheduler_op.cpupool_id = poolid;
    s.u.scheduler_op.sched_id = sched;
    s.u.scheduler_op.cmd = cmd;
    int rc = xkc__sysctl(h, &s, "scheduler_op");
    if (rc == 0)
        *io = s.u.scheduler_op;
    return rc;
}

int xkc_sched_credit_params_get(xkc_handle *h, uint32_t poolid, struct xkc_credit_params *p)
{
    struct xen_sysctl_scheduler_op io = { 0 };
    if (pool_sched_op(h, poolid, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_getinfo, &io) < 0)
        return -1;
    p->tslice_ms = io.u.sched_credit.tslice_ms;
    p->ratelimit_us = io.u.sched_credit.ratelimit_us;
    p->migration_delay_us = io.u.sched_credit.vcpu_migr_delay_us;
    return 0;
}

int xkc_sched_credit_params_set(xkc_handle *h, uint32_t poolid, const struct xkc_credit_params *p)
{
    struct xen_sysctl_scheduler_op io = { 0 };
    io.u.sched_credit.tslice_ms = p->tslice_ms;
    io.u.sched_credit.ratelimit_us = p->ratelimit_us;
    io.u.sched_credit.vcpu_migr_delay_us = p->migration_delay_us;
    return pool_sched_op(h, poolid, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_putinfo, &io);
}

int xkc_sched_credit2_params_get(xkc_handle *h, uint32_t poolid, uint32_t *ratelimit_us)
{
    struct xen_sysctl_scheduler_op io = { 0 };
    if (pool_sched_op(h, poolid, XEN_SCHEDULER_CREDIT2, XEN_SYSCTL_SCHEDOP_getinfo, &io) < 0)
        return -1;
    *ratelimit_us = io.u.sched_credit2.ratelimit_us;
    return 0;
}

int xkc_sched_credit2_params_set(xkc_handle *h, uint32_t poolid, uint32_t ratelimit_us)
{
    struct xen_sysctl_scheduler_op io = { 0 };
    io.u.sched_credit2.ratelimit_us = ratelimit_us;
    return pool_sched_op(h, poolid, XEN_SCHEDULER_CREDIT2, XEN_SYSCTL_SCHEDOP_putinfo, &io);
}
