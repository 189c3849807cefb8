/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sysctl: host-wide facts (physinfo, scheduler, topology, NUMA, cpupools). */
#include "private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void xkc__decode_physinfo(const struct xen_sysctl_physinfo *in, struct xkc_physinfo *out)
{
    memset(out, 0, sizeof *out);
    out->threads_per_core = in->threads_per_core;
    out->cores_per_socket = in->cores_per_socket;
    out->nr_cpus = in->nr_cpus;
    out->max_cpu_id = in->max_cpu_id;
    out->nr_nodes = in->nr_nodes;
    out->max_node_id = in->max_node_id;
    out->cpu_khz = in->cpu_khz;
    memcpy(out->hw_cap, in->hw_cap, sizeof out->hw_cap);
    out->total_pages = in->total_pages;
    out->free_pages = in->free_pages;
    out->scrub_pages = in->scrub_pages;
    out->outstanding_pages = in->outstanding_pages;
    out->max_mfn = in->max_mfn;
    uint32_t c = in->capabilities;
    out->cap_hvm = c & XEN_SYSCTL_PHYSCAP_hvm;
    out->cap_pv = c & XEN_SYSCTL_PHYSCAP_pv;
    out->cap_directio = c & XEN_SYSCTL_PHYSCAP_directio;
    out->cap_hap = c & XEN_SYSCTL_PHYSCAP_hap;
    out->cap_shadow = c & XEN_SYSCTL_PHYSCAP_shadow;
    out->cap_iommu_hap_pt_share = c & XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share;
    out->cap_vmtrace = c & XEN_SYSCTL_PHYSCAP_vmtrace;
    out->cap_vpmu = c & XEN_SYSCTL_PHYSCAP_vpmu;
    out->cap_gnttab_v1 = c & XEN_SYSCTL_PHYSCAP_gnttab_v1;
    out->cap_gnttab_v2 = c & XEN_SYSCTL_PHYSCAP_gnttab_v2;
    out->capabilities_raw = c;
    out->arch_capabilities_raw = in->arch_capabilities;
}

int xkc_physinfo(xkc_handle *h, struct xkc_physinfo *pi)
{
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_physinfo };
    if (xkc__sysctl(h, &s, "physinfo") < 0)
        return -1;
    xkc__decode_physinfo(&s.u.physinfo, pi);
    return 0;
}

int xkc_sched_id(xkc_handle *h, unsigned *id)
{
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_sched_id };
    if (xkc__sysctl(h, &s, "sched_id") < 0)
        return -1;
    *id = s.u.sched_id.sched_id;
    return 0;
}

const char *xkc_sched_name(unsigned id)
{
    switch (id) {
    case XEN_SCHEDULER_CREDIT: return "credit";
    case XEN_SCHEDULER_CREDIT2: return "credit2";
    case XEN_SCHEDULER_ARINC653: return "arinc653";
    case XEN_SCHEDULER_RTDS: return "rtds";
    case XEN_SCHEDULER_NULL: return "null";
    }
    return NULL;
}

unsigned xkc__bitmap_weight(const uint8_t *map, size_t bytes)
{
    unsigned n = 0;
    for (size_t i = 0; i < bytes; i++)
        n += (unsigned)__builtin_popcount(map[i]);
    return n;
}

int xkc_cputopo(xkc_handle *h, struct xkc_cputopo *cpus, unsigned *n)
{
    if (!n || (*n && !cpus))
        return xkc__fail(h, EINVAL, "sysctl cputopoinfo: no output array");
    struct xkc__buf b = { 0 };
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_cputopoinfo };
    if (*n) {
        if (xkc__buf_get(h, *n * sizeof(xen_sysctl_cputopo_t), &b) < 0)
            return -1;
        set_xen_guest_handle(s.u.cputopoinfo.cputopo, (xen_sysctl_cputopo_t *)b.p);
    }
    s.u.cputopoinfo.num_cpus = *n;
    int rc = xkc__sysctl(h, &s, "cputopoinfo");
    if (rc == 0) {
        unsigned got = s.u.cputopoinfo.num_cpus;
        const xen_sysctl_cputopo_t *t = b.p;
        for (unsigned i = 0; i < got && i < *n; i++) {
            cpus[i].core = t[i].core;
            cpus[i].socket = t[i].socket;
            cpus[i].node = t[i].node;
        }
        *n = got;
    }
    xkc__buf_put(h, &b);
    return rc;
}

int xkc_numainfo(xkc_handle *h, struct xkc_numa_node *nodes, uint32_t *distances, unsigned *n)
{
    if (!n || (*n && !nodes))
        return xkc__fail(h, EINVAL, "sysctl numainfo: no output array");
    size_t cap = *n;
    struct xkc__buf mb = { 0 }, db = { 0 };
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_numainfo };
    if (cap) {
        if (xkc__buf_get(h, cap * sizeof(xen_sysctl_meminfo_t), &mb) < 0)
            return -1;
        if (xkc__buf_get(h, cap * cap * sizeof(uint32_t), &db) < 0) {
            xkc__buf_put(h, &mb);
            return -1;
        }
        set_xen_guest_handle(s.u.numainfo.meminfo, (xen_sysctl_meminfo_t *)mb.p);
        set_xen_guest_handle(s.u.numainfo.distance, (uint32_t *)db.p);
    }
    s.u.numainfo.num_nodes = (uint32_t)cap;
    int rc = xkc__sysctl(h, &s, "numainfo");
    if (rc == 0) {
        size_t got = s.u.numainfo.num_nodes;
        const xen_sysctl_meminfo_t *m = mb.p;
        const uint32_t *d = db.p;
        if (cap >= got) {
            for (size_t i = 0; i < got; i++) {
                nodes[i].size = m[i].memsize;
                nodes[i].free = m[i].memfree;
            }
            if (distances)
                for (size_t i = 0; i < got * got; i++)
                    distances[i] = d[i];
        }
        *n = (unsigned)got;
    }
    xkc__buf_put(h, &db);
    xkc__buf_put(h, &mb);
    return rc;
}

int xkc_debug_keys(xkc_handle *h, const char *keys)
{
    size_t n = keys ? strlen(keys) : 0;
    if (!n || n > XKC__PAGE_SIZE)
        return xkc__fail(h, EINVAL, "sysctl debug_keys: %zu keys", n);
    struct xkc__buf b;
    if (xkc__buf_get(h, n, &b) < 0)
        return -1;
    memcpy(b.p, keys, n);
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_debug_keys };
    set_xen_guest_handle(s.u.debug_keys.keys, (const char *)b.p);
    s.u.debug_keys.nr_keys = (uint32_t)n;
    int rc = xkc__sysctl(h, &s, "debug_keys");
    xkc__buf_put(h, &b);
    return rc;
}
