/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Intel Platform Shared Resource features: cache monitoring (CMT/MBM: a
 * domain gets an RMID, its counters are read from the socket's QM MSRs
 * through platform_op resource_op), cache allocation (CAT, L3 with or
 * without CDP, and L2) and memory bandwidth allocation (MBA): class of
 * service masks per domain and socket. A CPU without them answers ENODEV
 * (the messages say so) or reports CMT disabled. */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <xen/platform.h>

#define MSR_QM_EVTSEL 0x0c8dU
#define MSR_QM_CTR 0x0c8eU
#define QM_CTR_ERROR (1ULL << 63)
#define QM_CTR_UNAVAILABLE (1ULL << 62)

/* the failed call's message (a copy: it is rewritten), with a hint when
 * the CPU lacks the feature */
static int nodev_hint(xkc_handle *h, const char *prefix)
{
    int e = errno;
    char m[sizeof h->errmsg];
    snprintf(m, sizeof m, "%s", xkc_error(h));
    return xkc__fail(h, e, "%s%s%s", prefix, m,
                     e == ENODEV || e == EOPNOTSUPP
                         ? " (this CPU has no such Intel PSR feature, or Xen was booted without psr=)"
                         : "");
}

static int cmt_sysctl(xkc_handle *h, uint32_t cmd, uint32_t cpu, uint64_t *data, const char *what)
{
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_psr_cmt_op };
    s.u.psr_cmt_op.cmd = cmd;
    s.u.psr_cmt_op.u.l3_cache.cpu = cpu;
    if (xkc__sysctl(h, &s, what) < 0)
        return nodev_hint(h, "");
    *data = s.u.psr_cmt_op.u.data;
    return 0;
}

int xkc_psr_cmt_info(xkc_handle *h, struct xkc_psr_cmt_info *info)
{
    uint64_t v;
    memset(info, 0, sizeof *info);
    if (cmt_sysctl(h, XEN_SYSCTL_PSR_CMT_enabled, 0, &v, "psr_cmt_op enabled") < 0)
        return -1;
    info->enabled = v != 0;
    if (!info->enabled)
        return 0;
    if (cmt_sysctl(h, XEN_SYSCTL_PSR_CMT_get_total_rmid, 0, &v, "psr_cmt_op total_rmid") < 0)
        return -1;
    info->total_rmid = (uint32_t)v;
    if (cmt_sysctl(h, XEN_SYSCTL_PSR_CMT_get_l3_upscaling_factor, 0, &v,
                   "psr_cmt_op l3_upscaling_factor") < 0)
        return -1;
    info->upscaling_factor = (uint32_t)v;
    if (cmt_sysctl(h, XEN_SYSCTL_PSR_CMT_get_l3_event_mask, 0, &v, "psr_cmt_op l3_event_mask") < 0)
        return -1;
    info->event_mask = (uint32_t)v;
    return 0;
}

int xkc_psr_cmt_l3_cache_kb(xkc_handle *h, uint32_t cpu, uint32_t *kb)
{
    uint64_t v;
    if (cmt_sysctl(h, XEN_SYSCTL_PSR_CMT_get_l3_cache_size, cpu, &v, "psr_cmt_op l3_cache_size") < 0)
        return -1;
    *kb = (uint32_t)v;
    return 0;
}

static int cmt_domctl(xkc_handle *h, uint32_t domid, uint32_t cmd, uint32_t *data)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_psr_cmt_op };
    d.u.psr_cmt_op.cmd = cmd;
    if (xkc__domctl_dom(h, domid, &d) < 0)
        return nodev_hint(h, "");
    if (data)
        *data = d.u.psr_cmt_op.data;
    return 0;
}

int xkc_psr_cmt_attach(xkc_handle *h, uint32_t domid)
{
    return cmt_domctl(h, domid, XEN_DOMCTL_PSR_CMT_OP_ATTACH, NULL);
}

int xkc_psr_cmt_detach(xkc_handle *h, uint32_t domid)
{
    return cmt_domctl(h, domid, XEN_DOMCTL_PSR_CMT_OP_DETACH, NULL);
}

int xkc_psr_cmt_rmid(xkc_handle *h, uint32_t domid, uint32_t *rmid)
{
    return cmt_domctl(h, domid, XEN_DOMCTL_PSR_CMT_OP_QUERY_RMID, rmid);
}

int xkc_psr_cmt_sample(xkc_handle *h, uint32_t rmid, uint32_t cpu, unsigned event,
                       uint64_t *counter, uint64_t *tsc_ns)
{
    if (event > 0xff)
        return xkc__fail(h, EINVAL, "psr cmt: event %u is not a QM event id", event);
    struct xenpf_resource_entry e[3];
    memset(e, 0, sizeof e);
    e[0].u.cmd = XEN_RESOURCE_OP_MSR_WRITE;
    e[0].idx = MSR_QM_EVTSEL;
    e[0].val = ((uint64_t)rmid << 32) | event;
    e[1].u.cmd = XEN_RESOURCE_OP_MSR_READ;
    e[1].idx = MSR_QM_CTR;
    e[2].u.cmd = XEN_RESOURCE_OP_MSR_READ;
    e[2].idx = 0x10; /* IA32_TSC: Xen answers with its system time in ns */
    struct xkc__buf b;
    if (xkc__buf_get(h, sizeof e, &b) < 0)
        return -1;
    memcpy(b.p, e, sizeof e);
    struct xen_platform_op op = { .cmd = XENPF_resource_op, .interface_version = XENPF_INTERFACE_VERSION };
    op.u.resource_op.nr_entries = 3;
    op.u.resource_op.cpu = cpu;
    set_xen_guest_handle(op.u.resource_op.entries, (xenpf_resource_entry_t *)b.p);
    long rc = xkc__hypercall_bounce1(h, __HYPERVISOR_platform_op, &op, sizeof op);
    int err = errno;
    memcpy(e, b.p, sizeof e);
    xkc__buf_put(h, &b);
    /* Xen returns how many entries it performed; a short count is the
     * failing entry's error in its ret field */
    if (rc < 0)
        return xkc__fail(h, err, "platform_op resource_op on CPU %u (QM counter of RMID %u)", cpu, rmid);
    if (rc < 3)
        return xkc__fail(h, e[rc].u.ret < 0 ? -e[rc].u.ret : EIO,
                         "platform_op resource_op on CPU %u: entry %ld (%s) failed", cpu, rc,
                         rc == 0 ? "QM_EVTSEL write" : rc == 1 ? "QM_CTR read" : "TSC read");
    if (e[1].val & (QM_CTR_ERROR | QM_CTR_UNAVAILABLE))
        return xkc__fail(h, ENODATA, "QM counter of RMID %u on CPU %u: %s", rmid, cpu,
                         e[1].val & QM_CTR_ERROR ? "error bit set" : "data unavailable");
    *counter = e[1].val;
    if (tsc_ns)
        *tsc_ns = e[2].val;
    return 0;
}

static uint32_t info_cmd(enum xkc_psr_feat f)
{
    switch (f) {
    case XKC_PSR_CAT_L3: return XEN_SYSCTL_PSR_get_l3_info;
    case XKC_PSR_CAT_L2: return XEN_SYSCTL_PSR_get_l2_info;
    case XKC_PSR_MBA: return XEN_SYSCTL_PSR_get_mba_info;
    }
    return UINT32_MAX;
}

static const char *feat_name(enum xkc_psr_feat f)
{
    return f == XKC_PSR_CAT_L3 ? "L3 CAT" : f == XKC_PSR_CAT_L2 ? "L2 CAT" : "MBA";
}

int xkc_psr_alloc_info(xkc_handle *h, enum xkc_psr_feat feat, uint32_t socket,
                       struct xkc_psr_alloc_info *info)
{
    uint32_t cmd = info_cmd(feat);
    if (cmd == UINT32_MAX)
        return xkc__fail(h, EINVAL, "psr: unknown feature %d", (int)feat);
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_psr_alloc };
    s.u.psr_alloc.cmd = cmd;
    s.u.psr_alloc.target = socket;
    char what[48];
    snprintf(what, sizeof what, "psr_alloc %s info (socket %u)", feat_name(feat), socket);
    if (xkc__sysctl(h, &s, what) < 0)
        return nodev_hint(h, "");
    memset(info, 0, sizeof *info);
    if (feat == XKC_PSR_MBA) {
        info->cos_max = s.u.psr_alloc.u.mba_info.cos_max;
        info->thrtl_max = s.u.psr_alloc.u.mba_info.thrtl_max;
        info->linear = s.u.psr_alloc.u.mba_info.flags & XEN_SYSCTL_PSR_MBA_LINEAR;
    } else {
        info->cos_max = s.u.psr_alloc.u.cat_info.cos_max;
        info->cbm_len = s.u.psr_alloc.u.cat_info.cbm_len;
        info->cdp = s.u.psr_alloc.u.cat_info.flags & XEN_SYSCTL_PSR_CAT_L3_CDP;
    }
    return 0;
}

/* the domctl for reading (set = 0) or writing a value of one type */
static int alloc_cmd(enum xkc_psr_type t, int set, uint32_t *cmd)
{
    static const uint32_t get[] = {
        [XKC_PSR_L3_CBM] = XEN_DOMCTL_PSR_GET_L3_CBM,   [XKC_PSR_L3_CODE] = XEN_DOMCTL_PSR_GET_L3_CODE,
        [XKC_PSR_L3_DATA] = XEN_DOMCTL_PSR_GET_L3_DATA, [XKC_PSR_L2_CBM] = XEN_DOMCTL_PSR_GET_L2_CBM,
        [XKC_PSR_MBA_THRTL] = XEN_DOMCTL_PSR_GET_MBA_THRTL,
    };
    static const uint32_t put[] = {
        [XKC_PSR_L3_CBM] = XEN_DOMCTL_PSR_SET_L3_CBM,   [XKC_PSR_L3_CODE] = XEN_DOMCTL_PSR_SET_L3_CODE,
        [XKC_PSR_L3_DATA] = XEN_DOMCTL_PSR_SET_L3_DATA, [XKC_PSR_L2_CBM] = XEN_DOMCTL_PSR_SET_L2_CBM,
        [XKC_PSR_MBA_THRTL] = XEN_DOMCTL_PSR_SET_MBA_THRTL,
    };
    if ((unsigned)t > XKC_PSR_MBA_THRTL)
        return -1;
    *cmd = set ? put[t] : get[t];
    return 0;
}

static const char *const type_names[] = {
    [XKC_PSR_L3_CBM] = "L3 CBM",   [XKC_PSR_L3_CODE] = "L3 code CBM", [XKC_PSR_L3_DATA] = "L3 data CBM",
    [XKC_PSR_L2_CBM] = "L2 CBM",   [XKC_PSR_MBA_THRTL] = "MBA throttle",
};

static int alloc_op(xkc_handle *h, uint32_t domid, enum xkc_psr_type t, uint32_t socket, int set,
                    uint64_t *val)
{
    uint32_t cmd;
    if (alloc_cmd(t, set, &cmd) < 0)
        return xkc__fail(h, EINVAL, "psr: unknown value type %d", (int)t);
    struct xen_domctl d = { .cmd = XEN_DOMCTL_psr_alloc };
    d.u.psr_alloc.cmd = cmd;
    d.u.psr_alloc.target = socket;
    d.u.psr_alloc.data = set ? *val : 0;
    if (xkc__domctl_dom(h, domid, &d) < 0) {
        int e = errno;
        xkc__fail(h, e, "psr_alloc %s %s of domain %u on socket %u: %s", set ? "set" : "get",
                  type_names[t], domid, socket, strerror(e));
        return nodev_hint(h, "");
    }
    if (!set)
        *val = d.u.psr_alloc.data;
    return 0;
}

int xkc_psr_get(xkc_handle *h, uint32_t domid, enum xkc_psr_type t, uint32_t socket, uint64_t *val)
{
    return alloc_op(h, domid, t, socket, 0, val);
}

int xkc_psr_set(xkc_handle *h, uint32_t domid, enum xkc_psr_type t, uint32_t socket, uint64_t val)
{
    return alloc_op(h, domid, t, socket, 1, &val);
}
