/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Creating a domain: a plain list of steps, each with its undo. The steps
 * run forward; when one fails the steps done so far are undone backwards,
 * so a failed create leaves nothing behind (domain, xenstore nodes, state
 * file, memory).
 *
 * The contract: a failing step releases its own partial work; the caller
 * undoes the steps before it. A step's undo only ever runs after its run
 * succeeded, so everything a step takes before its last fallible call is
 * released on that call's failure path, inside the step.
 *
 * Two TEST ONLY knobs (xkl_ctx_opts, XKIT_FAULT_STEP / XKIT_FAULT_POINT in
 * xl) prove it in the lab: fault_step N fails step N after it ran (so its
 * own undo runs too); fault_point N fails the Nth fault point (counted
 * across the whole create) inside a step, through the same path a real
 * failure of the call there takes, so every partial release is run.
 */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/domctl.h>
#include <sys/time.h>
#include <time.h>
#include "dm/dm.h"
#include <uuid/uuid.h>
#include <xkit/guest.h>

#define DEFAULT_MEM_KB (32 * 1024)   /* libxl's default: 32 MiB */

struct cstate {
    xkl_ctx *ctx;
    struct xkl_domain_config *dc;
    unsigned flags;
    int lock_fd;
    xkg_image *img;
    uint32_t domid;
    char uuid[37];
    uint64_t max_kb, target_kb, video_kb;
    unsigned max_vcpus, avail_vcpus;
    struct xkg_build_result br;
    double start_time;
    char xen_caps[1024];   /* XENVER_capabilities, read once by run_kernel */
    struct xkl__hvm_plan plan;   /* HVM: firmware, video RAM, params (run_check) */
    long long rtc_offset;        /* HVM: seconds from UTC (run_limits) */
    uint32_t pool_id;            /* pool= (run_domain): the domain's cpupool */
    unsigned pool_sched;         /* and its scheduler (XEN_SCHEDULER_*) */
    struct xkl__fault fault;   /* TEST ONLY knobs */
};

/* A fault point of this create (see the top of the file). */
#define FAULT(s) xkl__fault_here(&(s)->fault)

static bool is_pvh(const struct cstate *s)
{
    return s->dc->c_info.type == XKL_DOMAIN_TYPE_PVH;
}

static bool is_hvm(const struct cstate *s)
{
    return s->dc->c_info.type == XKL_DOMAIN_TYPE_HVM;
}

static bool is_pv(const struct cstate *s)
{
    return s->dc->c_info.type == XKL_DOMAIN_TYPE_PV;
}

static enum xkg_type guest_type(const struct cstate *s)
{
    return is_hvm(s) ? XKG_TYPE_HVM : is_pvh(s) ? XKG_TYPE_PVH : XKG_TYPE_PV;
}

/* 1: serialise creates (and renames) so that "is the name free" and
 * "take the name" are one step for every xkit create on this host */
static int run_lock(void *arg)
{
    struct cstate *s = arg;
    s->lock_fd = xkl__name_lock(s->ctx, "create", &s->fault);
    return s->lock_fd < 0 ? -1 : 0;
}

static void undo_lock(void *arg)
{
    struct cstate *s = arg;
    xkl__name_unlock(s->lock_fd);
    s->lock_fd = -1;
}

/* 2: the name is free (in xenstore, whoever created the domain) */
static int run_check(void *arg)
{
    struct cstate *s = arg;
    struct xkl_domain_config *dc = s->dc;
    const char *name = dc->c_info.name;
    if (!name || !*name)
        return xkl__err(s->ctx, EINVAL, "create: the config has no name");
    if (dc->c_info.type != XKL_DOMAIN_TYPE_PV && dc->c_info.type != XKL_DOMAIN_TYPE_PVH &&
        dc->c_info.type != XKL_DOMAIN_TYPE_HVM)
        return xkl__err(s->ctx, EOPNOTSUPP, "create %s: only type pv, pvh and hvm guests are supported", name);
    if (!is_hvm(s) && !dc->b_info.kernel)
        return xkl__err(s->ctx, EINVAL, "create %s: no kernel in the config (bootloaders are not supported)", name);
    if (is_hvm(s)) {
        char why[256];
        if (xkl__hvm_plan(dc, &s->plan, why, sizeof why) < 0)
            return xkl__err(s->ctx, errno, "create %s: %s", name, why);
        s->video_kb = s->plan.video_kb;
        /* populate-on-demand is what memory < maxmem needs for HVM */
        if (s->target_kb < s->max_kb)
            return xkl__err(s->ctx, EOPNOTSUPP,
                            "create %s: memory=%llu below maxmem=%llu: an HVM guest then needs populate-on-demand, which xkit does not do yet (set memory = maxmem)",
                            name, (unsigned long long)(s->target_kb / 1024), (unsigned long long)(s->max_kb / 1024));
        if (s->max_kb < s->video_kb + 16 * 1024)
            return xkl__err(s->ctx, EINVAL, "create %s: memory=%llu: an HVM guest needs at least 16 MiB beyond its %llu MiB of video RAM",
                            name, (unsigned long long)(s->max_kb / 1024), (unsigned long long)(s->video_kb / 1024));
    }
    const char *key = xkl__config_unsupported(dc);
    if (key)
        return xkl__err(s->ctx, EOPNOTSUPP,
                        "create %s: '%s' is not supported yet: xkit cannot give the guest what it asks for (remove it to create the domain without it)",
                        name, key);
    uint32_t other;
    if (xkl__name_taken(s->ctx, name, &other) == 0)
        return xkl__err(s->ctx, EEXIST, "create %s: domain %u already has that name", name, other);
    if (errno != ESRCH)
        return -1;
    return 0;
}

/* 3: the kernel loads and can boot as this type on this hypervisor */
static void undo_kernel(void *arg)
{
    struct cstate *s = arg;
    xkg_image_free(s->img);
    s->img = NULL;
}

static int run_kernel(void *arg)
{
    struct cstate *s = arg;
    char err[512] = "";   /* a fault point may fail before anything wrote it */
    xkc_handle *xc = s->ctx->xc;
    /* HVM: the builder loads the firmware; a kernel= is QEMU's (direct boot) */
    s->img = xkg_image_load(is_hvm(s) ? s->plan.hvmloader : s->dc->b_info.kernel, 0, err, sizeof err);
    if (!s->img)
        return xkl__err(s->ctx, errno, "create %s: %s", s->dc->c_info.name, err);
    /* from here on the image is ours: every failure frees it */
    if (FAULT(s) || xkc_xen_capabilities(xc, s->xen_caps, sizeof s->xen_caps) < 0) {
        xkl__err(s->ctx, errno ? errno : EIO, "create %s: xen version: %s", s->dc->c_info.name,
                 xkc_error(xc));
        goto fail;
    }
    if (FAULT(s) || xkg_image_check(s->img, guest_type(s), s->xen_caps,
                                    err, sizeof err) < 0) {
        xkl__err(s->ctx, errno ? errno : EIO, "create %s: %s", s->dc->c_info.name, err);
        goto fail;
    }
    return 0;
fail:
    undo_kernel(s);
    return -1;
}

/* 4: the hypervisor's domain */
int xkl__domctl_config(xkl_ctx *ctx, const struct xkl_domain_config *dc, unsigned max_vcpus,
                       struct xkc_domain_config *cc)
{
    const struct xkl_b_info *bi = &dc->b_info;
    bool pvh = dc->c_info.type == XKL_DOMAIN_TYPE_PVH, hvm = dc->c_info.type == XKL_DOMAIN_TYPE_HVM;
    xkc_domain_config_init(cc, hvm ? XKC_DOMAIN_HVM : pvh ? XKC_DOMAIN_PVH : XKC_DOMAIN_PV);
    cc->max_vcpus = max_vcpus;
    if (dc->c_info.hap >= 0 && (pvh || hvm))
        cc->hap = dc->c_info.hap;
    /* nestedhvm=1: the guest sees the virtualisation extensions (PVH is
     * an HVM container; for PV the key is a located warning already) */
    if ((pvh || hvm) && bi->nested_hvm == 1)
        cc->nested_virt = true;
    /* grant tables: -1 keeps libxl's defaults (the hypervisor's frame
     * limits, the highest grant version it offers) */
    if (bi->max_grant_frames > INT32_MAX || bi->max_maptrack_frames > INT32_MAX)
        return xkl__err(ctx, EINVAL, "create %s: max_grant_frames / max_maptrack_frames above %d",
                        dc->c_info.name, INT32_MAX);
    if (bi->max_grant_frames >= 0)
        cc->max_grant_frames = (int32_t)bi->max_grant_frames;
    if (bi->max_maptrack_frames >= 0)
        cc->max_maptrack_frames = (int32_t)bi->max_maptrack_frames;
    if (bi->max_grant_version >= 0) {
        if (bi->max_grant_version < 1 || bi->max_grant_version > 2)
            return xkl__err(ctx, EINVAL, "create %s: max_grant_version=%lld: expected 1 or 2",
                            dc->c_info.name, (long long)bi->max_grant_version);
        cc->max_grant_version = (unsigned)bi->max_grant_version;
    }
    memcpy(cc->handle, dc->c_info.uuid, 16);
    return 0;
}

static int run_domain(void *arg)
{
    struct cstate *s = arg;
    struct xkc_domain_config cc;
    if (xkl__domctl_config(s->ctx, s->dc, s->max_vcpus, &cc) < 0)
        return -1;
    /* pool=: the domain is born in that cpupool (Xen's default pool 0 else) */
    const char *pool = s->dc->c_info.pool_name;
    s->pool_id = 0;
    if (pool && *pool) {
        if (xkl__cpupool_find(s->ctx, pool, &s->pool_id, &s->pool_sched) < 0)
            return xkl__err_wrap(s->ctx, "create %s: pool=\"%s\"", s->dc->c_info.name, pool);
    } else if (xkc_sched_id(s->ctx->xc, &s->pool_sched) < 0) {
        return xkl__err(s->ctx, errno, "create %s: %s", s->dc->c_info.name, xkc_error(s->ctx->xc));
    }
    cc.cpupool_id = s->pool_id;
    /* xl.conf domid_policy="random": a random free domid below the
     * reserved ones, another when it is taken; else Xen's next one */
    for (unsigned tries = 0;; tries++) {
        s->domid = 0;
        if (s->ctx->host.domid_random) {
            uint16_t r;
            if (xkl__random_bytes(s->ctx, (uint8_t *)&r, sizeof r, "create: random domid") < 0)
                return -1;
            s->domid = 1 + r % (DOMID_FIRST_RESERVED - 1);
        }
        if (xkc_domain_create(s->ctx->xc, &cc, &s->domid) == 0)
            return 0;
        if (errno != EEXIST || !s->ctx->host.domid_random || tries == 64)
            return xkl__err(s->ctx, errno, "create %s: %s", s->dc->c_info.name, xkc_error(s->ctx->xc));
    }
}

static void undo_xs(void *arg);

static void undo_domain(void *arg)
{
    struct cstate *s = arg;
    xkc_domain_destroy(s->ctx->xc, s->domid);
    /* xenconsoled may have written console/tty after the xenstore undo
     * ran; with the domain gone it writes nothing more */
    undo_xs(s);
}

static int limits_fail(struct cstate *s)
{
    return xkl__err(s->ctx, errno ? errno : EIO, "create %s (domain %u): %s", s->dc->c_info.name,
                    s->domid, xkc_error(s->ctx->xc));
}

/* cpus / cpus_soft of vcpu v into map; false when it gets none. */
static int vcpu_map(struct cstate *s, const char *key, const char *all, char *const *per,
                    size_t nper, unsigned v, uint8_t *map, bool *set)
{
    const char *list = xkl__vcpu_cpulist(all, per, nper, v);
    *set = list != NULL;
    int r = list ? xkl_cpumap_parse(list, map) : 0;
    if (r < 0 && errno == ENOTSUP) {
        /* node:N: the host's topology, asked of Xen for this list only */
        enum { MAXC = XKL_CPUMAP_BYTES * 8 };
        struct xkc_cputopo topo[MAXC];
        uint32_t node[MAXC];
        unsigned n = MAXC;
        if (xkc_cputopo(s->ctx->xc, topo, &n) < 0)
            return limits_fail(s);
        for (unsigned c = 0; c < n && c < MAXC; c++)
            node[c] = topo[c].node;
        r = xkl_cpumap_parse_nodes(list, map, node, n < MAXC ? n : MAXC);
    }
    if (r < 0) {
        return xkl__err(s->ctx, EINVAL, "create %s: %s=\"%s\" (vcpu %u): expected all, N, N-M, "
                        "node:N, ^N or a comma list of them (CPUs and nodes this host has)",
                        s->dc->c_info.name, key, list, v);
    }
    return 0;
}

/* 5: vcpus, memory limit, TSC, affinity, scheduler weight and cap (all
 * kept by the domain: step 4's undo releases them) */
static int run_limits(void *arg)
{
    struct cstate *s = arg;
    xkc_handle *xc = s->ctx->xc;
    struct xkl_b_info *bi = &s->dc->b_info;
    if (xkc_domain_max_vcpus(xc, s->domid, s->max_vcpus) < 0 || FAULT(s) ||
        xkc_domain_set_maxmem(xc, s->domid, s->max_kb + XKL__MAXMEM_SLACK_KB) < 0)
        return limits_fail(s);
    if (bi->tsc_mode != XKL_TSC_MODE_DEFAULT &&
        xkc_domain_set_tsc(xc, s->domid, (uint32_t)bi->tsc_mode, 0, 0, 0) < 0)
        return limits_fail(s);
    /* cpus= / cpus_soft=: a string pins every vcpu the same, a list pins
     * vcpu N to entry N (vcpus past its end: no pinning, as xl) */
    for (unsigned v = 0; v < s->max_vcpus; v++) {
        uint8_t hard[XKL_CPUMAP_BYTES], soft[XKL_CPUMAP_BYTES];
        bool h, sf;
        if (vcpu_map(s, "cpus", bi->cpus, bi->cpus_per_vcpu, bi->num_cpus_per_vcpu, v, hard, &h) < 0 ||
            vcpu_map(s, "cpus_soft", bi->cpus_soft, bi->cpus_soft_per_vcpu, bi->num_cpus_soft_per_vcpu,
                     v, soft, &sf) < 0)
            return -1;
        if (!h && !sf)
            continue;
        /* xl.conf's vm.cpumask / vm.{pv,hvm}.cpumask narrow the hard
         * affinity of a pinned guest (all CPUs when only cpus_soft= pins
         * it), as in Xen's xl */
        const struct xkl_host_conf *hc = &s->ctx->host;
        if (hc->has_cpumask || (is_pv(s) ? hc->has_pv_cpumask : hc->has_hvm_cpumask)) {
            if (!h)
                memset(hard, 0xff, sizeof hard);
            h = true;
            if (xkl_host_conf_mask(hc, !is_pv(s), hard) < 0)
                return xkl__err(s->ctx, EINVAL, "create %s: vcpu %u: hard affinity map is empty "
                                "(cpus= and xl.conf's vm%s.cpumask share no CPU)",
                                s->dc->c_info.name, v, is_pv(s) ? ".pv" : ".hvm");
        }
        if (FAULT(s) || xkc_vcpu_set_affinity(xc, s->domid, v, h ? hard : NULL, sf ? soft : NULL,
                                              XKL_CPUMAP_BYTES) < 0)
            return limits_fail(s);
    }
    long long w = bi->sched_params.weight, cap = bi->sched_params.cap;
    if (w >= 0 || cap >= 0) {
        unsigned cw = 256, cc = 0;
        int r = 0;
        bool credit1 = s->pool_sched == XEN_SCHEDULER_CREDIT;
        if (r == 0)
            r = credit1 ? xkc_sched_credit_get(xc, s->domid, &cw, &cc)
                        : xkc_sched_credit2_get(xc, s->domid, &cw, &cc);
        if (r == 0) {
            cw = w >= 0 ? (unsigned)w : cw;
            cc = cap >= 0 ? (unsigned)cap : cc;
            r = credit1 ? xkc_sched_credit_set(xc, s->domid, cw, cc)
                        : xkc_sched_credit2_set(xc, s->domid, cw, cc);
        }
        if (r < 0)
            return limits_fail(s);
    }
    if (is_hvm(s)) {
        /* the HVM params libxl sets before the build, and the RTC's
         * offset from UTC (rtc_timeoffset, plus the host's zone for
         * localtime=1) */
        for (size_t i = 0; i < s->plan.nparams; i++)
            if (FAULT(s) || xkc_hvm_param_set(xc, s->domid, s->plan.params[i].index, s->plan.params[i].value) < 0)
                return limits_fail(s);
        s->rtc_offset = bi->hvm.rtc_timeoffset;
        if (bi->hvm.localtime == 1) {
            time_t now = time(NULL);
            struct tm tm;
            if (localtime_r(&now, &tm))
                s->rtc_offset += tm.tm_gmtoff;
        }
        if (s->rtc_offset && (s->rtc_offset < INT32_MIN || s->rtc_offset > INT32_MAX ||
                              xkc_domain_set_time_offset(xc, s->domid, (int32_t)s->rtc_offset) < 0))
            return limits_fail(s);
    }
    return 0;
}

static void layout_in(const struct cstate *s, struct xkl__layout_in *in)
{
    memset(in, 0, sizeof(*in));
    in->domid = s->domid;
    in->name = s->dc->c_info.name;
    in->uuid = s->uuid;
    in->pvh = is_pvh(s);
    in->hvm = is_hvm(s);
    in->bios = s->plan.bios;
    in->acpi = s->plan.acpi;
    in->rtc_offset = s->rtc_offset;
    in->max_vcpus = s->max_vcpus;
    in->avail_vcpus = s->avail_vcpus;
    in->max_kb = s->max_kb;
    in->target_kb = s->target_kb;
    in->video_kb = s->video_kb;
    in->kernel = s->dc->b_info.kernel;
    in->cmdline = s->dc->b_info.cmdline;
    in->ramdisk = s->dc->b_info.ramdisk;
    in->store_gfn = s->br.xenstore_gfn;
    in->console_gfn = s->br.console_gfn;
    in->store_port = s->br.xenstore_port;
    in->console_port = s->br.console_port;
    in->start_time = s->start_time;
}

/* One transaction: it writes all of l or nothing, and l is released on
 * every path. */
static int write_layout(struct cstate *s, bool built)
{
    struct xkl__layout l;
    struct xkl__layout_in in;
    layout_in(s, &in);
    xkl__layout_init(&l);
    int r = built ? xkl__layout_built(&l, &in) : xkl__layout_make(&l, &in);
    if (r < 0)
        xkl__err(s->ctx, ENOMEM, "create %s: xenstore layout: %s", in.name, strerror(ENOMEM));
    else if (FAULT(s))
        r = xkl__err(s->ctx, EIO, "create %s (domain %u): writing xenstore", in.name, s->domid);
    else if ((r = xkl__layout_write(s->ctx, &l)) < 0)
        xkl__err_wrap(s->ctx, "create %s (domain %u): writing xenstore", in.name, s->domid);
    xkl__layout_dispose(&l);
    return r;
}

/* 6: /local/domain/N, /vm/UUID, /libxl/N: the name is taken from here on */
static int run_xs_make(void *arg)
{
    return write_layout(arg, false);
}

static void undo_xs(void *arg)
{
    struct cstate *s = arg;
    struct xkl__layout l;
    char vm[64];
    snprintf(vm, sizeof vm, "/vm/%s", s->uuid);
    xkl__layout_init(&l);
    if (xkl__layout_owned(&l, s->domid, vm) == 0)
        xkl__layout_write(s->ctx, &l);
    xkl__layout_dispose(&l);
}

/* 7: memory, kernel, start info, console and xenstore pages, vcpu 0 */
static int run_build(void *arg)
{
    struct cstate *s = arg;
    struct xkg_build_cfg bc;
    char err[512];
    xkg_build_cfg_init(&bc, guest_type(s));
    bc.kernel = s->img;
    bc.ramdisk_path = s->dc->b_info.ramdisk;
    bc.cmdline = s->dc->b_info.cmdline;
    bc.mem_kb = s->target_kb;
    bc.nr_vcpus = s->max_vcpus;
    bc.no_acpi = s->dc->b_info.acpi == 0;   /* acpi=0 (default on) */
    bc.xen_caps = s->xen_caps;   /* already read by run_kernel */
    if (is_hvm(s)) {
        /* hvmloader, with SeaBIOS or OVMF as its "firmware" module; QEMU
         * takes the video RAM out of the rest; kernel= is QEMU's */
        bc.ramdisk_path = s->plan.bios_path;
        bc.cmdline = NULL;
        bc.mem_kb = s->target_kb - s->video_kb;
        bc.online_vcpus = s->avail_vcpus;
    }
    if ((is_pvh(s) || is_hvm(s)) && s->dc->b_info.shadow_memkb > 0)
        bc.paging_pool_kb = (uint64_t)s->dc->b_info.shadow_memkb;   /* shadow_memory */
    /* xl.conf claim_mode (on by default, as in Xen's xl): the guest's
     * memory is set aside in one hypercall before the build takes it
     * page by page, so that a host short of memory says so at once and
     * parallel creates cannot starve each other half way */
    /* xl.conf's autoballoon (on, or auto without dom0_mem=): what the
     * host lacks comes from dom0 first, as with Xen's xl */
    if (s->ctx->host.autoballoon != XKL_AUTOBALLOON_OFF) {
        char what[160];
        snprintf(what, sizeof what, "create %s (domain %u)", s->dc->c_info.name, s->domid);
        if (xkl__balloon_dom0(s->ctx, what, bc.mem_kb + bc.paging_pool_kb) < 0)
            return -1;
    }
    if (s->ctx->host.claim_mode &&
        xkc_claim_pages(s->ctx->xc, s->domid, bc.mem_kb / 4) < 0) {
        int e = errno;
        struct xkc_physinfo pi;
        if (e == ENOMEM && xkc_physinfo(s->ctx->xc, &pi) == 0)
            return xkl__err(s->ctx, e, "create %s (domain %u): cannot claim %llu MiB for the guest: "
                            "the host has %llu MiB free and unclaimed (xl.conf claim_mode)%s",
                            s->dc->c_info.name, s->domid, (unsigned long long)(bc.mem_kb / 1024),
                            (unsigned long long)((pi.free_pages > pi.outstanding_pages
                                                  ? pi.free_pages - pi.outstanding_pages : 0) / 256),
                            xkl__autoballoon(s->ctx) ? "" : "; lower dom0's memory (xl mem-set 0) "
                                                             "or set autoballoon=\"on\" in xl.conf");
        return xkl__err(s->ctx, e, "create %s (domain %u): claim memory: %s", s->dc->c_info.name,
                        s->domid, xkc_error(s->ctx->xc));
    }
    if (xkg_build(s->ctx->xc, s->domid, &bc, &s->br, err, sizeof err) < 0)
        return xkl__err(s->ctx, errno, "create %s (domain %u): %s", s->dc->c_info.name, s->domid, err);
    /* what the build did not take goes back to the host */
    if (s->ctx->host.claim_mode && xkc_claim_pages(s->ctx->xc, s->domid, 0) < 0)
        return xkl__err(s->ctx, errno, "create %s (domain %u): release the claim: %s",
                        s->dc->c_info.name, s->domid, xkc_error(s->ctx->xc));
    struct timeval tv;
    gettimeofday(&tv, NULL);
    s->start_time = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
    return 0;
}

/* 8: what the guest and the backends read: memory, cpus, store, console */
static int run_xs_built(void *arg)
{
    return write_layout(arg, true);
}

/* 9: xenstored starts serving the guest's ring */
static int run_introduce(void *arg)
{
    struct cstate *s = arg;
    if (xkl_xs_introduce(s->ctx->xs, s->domid, (unsigned long)s->br.xenstore_gfn,
                         s->br.xenstore_port) < 0)
        return xkl__err(s->ctx, errno, "create %s (domain %u): %s", s->dc->c_info.name, s->domid,
                        xkl_xs_error(s->ctx->xs));
    return 0;
}

/* The domain goes before xenstored lets go of it, as in a destroy:
 * xenstored then sees it die and fires @releaseDomain, on which xenconsoled
 * unmaps the console ring it grant-mapped since the introduction. Released
 * first, xenstored would fire while the domain still ran, and never again:
 * xenconsoled would keep its mapping and the destroyed domain would stay a
 * zombie (dying, one page) for good. Step 4's undo finds it dying. */
static void undo_introduce(void *arg)
{
    struct cstate *s = arg;
    xkc_domain_destroy(s->ctx->xc, s->domid);
    xkl_xs_release(s->ctx->xs, s->domid);
}

/* 10: disks and network interfaces: backends set up and waiting for the
 * guest's frontends (device/devices.c; it releases its own work) */
static int run_devices(void *arg)
{
    struct cstate *s = arg;
    char what[160];
    snprintf(what, sizeof what, "create %s (domain %u)", s->dc->c_info.name, s->domid);
    if (is_hvm(s)) {
        /* the emulated machine first: its NICs have the MACs of their PV
         * halves (chosen now), and it serves qdisk backends as well */
        for (size_t i = 0; i < s->dc->num_nics; i++)
            if (xkl__nic_choose_mac(s->ctx, &s->dc->nics[i], what) < 0)
                return -1;
        const struct xkl__dm_hvm_in in = {
            .domid = s->domid, .dc = s->dc, .max_kb = s->max_kb, .video_kb = s->video_kb,
            .max_vcpus = s->max_vcpus, .avail_vcpus = s->avail_vcpus,
        };
        if (FAULT(s))
            return xkl__err(s->ctx, EIO, "%s: starting QEMU", what);
        if (xkl__dm_hvm_start(s->ctx, &in, what) < 0)
            return -1;
    }
    /* on failure it removes what it added, the QEMU above included */
    return xkl__devices_add(s->ctx, s->domid, s->dc, &s->fault, what);
}

static void undo_devices(void *arg)
{
    struct cstate *s = arg;
    xkl__devices_remove_all(s->ctx, s->domid);
}

/* 11: the config, for xl list -l, the monitor and restarts */
static int run_save(void *arg)
{
    struct cstate *s = arg;
    char *json = xkl_domain_config_to_json(s->dc);
    if (!json)
        return xkl__err(s->ctx, errno ? errno : ENOMEM, "create %s: config to JSON: %s",
                        s->dc->c_info.name, strerror(errno ? errno : ENOMEM));
    int r = FAULT(s) ? xkl__err(s->ctx, EIO, "create %s: save config", s->dc->c_info.name)
                     : xkl__state_save(s->ctx, s->uuid, json);
    free(json);
    /* the name index (still under the name lock); undone with the state */
    if (r == 0 && xkl__names_set(s->ctx, s->dc->c_info.name, s->domid, s->uuid) < 0) {
        xkl__state_remove(s->ctx, s->uuid, s->domid);
        r = xkl__err_wrap(s->ctx, "create %s", s->dc->c_info.name);
    }
    return r;
}

static void undo_save(void *arg)
{
    struct cstate *s = arg;
    xkl__state_remove(s->ctx, s->uuid, s->domid);
}

/* 12: run (unless asked to stay paused) */
static int run_unpause(void *arg)
{
    struct cstate *s = arg;
    if ((s->flags & XKL_CREATE_PAUSED) || xkc_domain_unpause(s->ctx->xc, s->domid) == 0)
        return 0;
    return xkl__err(s->ctx, errno, "create %s (domain %u): %s", s->dc->c_info.name, s->domid,
                    xkc_error(s->ctx->xc));
}

static void undo_unpause(void *arg)
{
    struct cstate *s = arg;
    xkc_domain_pause(s->ctx->xc, s->domid);
}

static const struct xkl__step steps[] = {
    { "lock", run_lock, undo_lock },
    { "check", run_check, NULL },
    { "kernel", run_kernel, undo_kernel },
    { "domain", run_domain, undo_domain },
    { "limits", run_limits, NULL },
    { "xenstore", run_xs_make, undo_xs },
    { "build", run_build, NULL },
    { "xenstore-built", run_xs_built, undo_xs },
    { "introduce", run_introduce, undo_introduce },
    { "devices", run_devices, undo_devices },
    { "save", run_save, undo_save },
    { "unpause", run_unpause, undo_unpause },
};
#define NSTEPS (sizeof steps / sizeof *steps)

unsigned xkl_create_nsteps(void)
{
    return NSTEPS;
}

const char *xkl_create_step_name(unsigned step)
{
    return step >= 1 && step <= NSTEPS ? steps[step - 1].name : NULL;
}

bool xkl__fault_here(struct xkl__fault *f)
{
    if (!f)
        return false;
    f->seen++;
    if (!f->point || f->fired || f->seen != f->point)
        return false;
    f->fired = true;
    errno = EIO;
    return true;
}

/* What a step cost (xkl_ctx_set_trace): time, hypercalls, xenstore
 * requests and round trips on the context's connections. */
struct cost {
    struct timespec t;
    uint64_t hypercalls, requests, round_trips;
};

static void cost_now(xkl_ctx *ctx, struct cost *c)
{
    clock_gettime(CLOCK_MONOTONIC, &c->t);
    c->hypercalls = c->requests = c->round_trips = 0;
    if (ctx->xc) {
        struct xkc_stats st;
        xkc_stats(ctx->xc, &st);
        c->hypercalls = st.hypercalls;
    }
    if (ctx->xs) {
        struct xkl_xs_stats st;
        xkl_xs_stats(ctx->xs, &st);
        c->requests = st.requests;
        c->round_trips = st.round_trips;
    }
}

static void cost_log(xkl_ctx *ctx, const char *what, const char *label, const struct cost *a,
                     const struct cost *b)
{
    double ms = (double)(b->t.tv_sec - a->t.tv_sec) * 1e3 + (double)(b->t.tv_nsec - a->t.tv_nsec) / 1e6;
    xkl__log(ctx, "%s: %s: %.1f ms, %llu hypercalls, %llu xenstore requests (%llu round trips)",
             what, label, ms, (unsigned long long)(b->hypercalls - a->hypercalls),
             (unsigned long long)(b->requests - a->requests),
             (unsigned long long)(b->round_trips - a->round_trips));
}

int xkl__steps_run(xkl_ctx *ctx, const struct xkl__step *v, size_t n, void *arg,
                   struct xkl__fault *f, const char *what)
{
    size_t done = 0;
    int rc = 0;
    struct cost start, before, after;
    if (ctx->trace)
        cost_now(ctx, &start);
    for (; done < n; done++) {
        if (f)
            f->step = (unsigned)done + 1;
        if (ctx->trace)
            cost_now(ctx, &before);
        int r = v[done].run(arg);
        if (ctx->trace) {
            char label[64];
            cost_now(ctx, &after);
            snprintf(label, sizeof label, "step %zu/%zu %s%s", done + 1, n, v[done].name,
                     r < 0 ? " (failed)" : "");
            cost_log(ctx, what, label, &before, &after);
        }
        if (f && f->fired) {
            /* the step took the failure path of the fault point: it
             * released its own work (its undo must not run) */
            if (r == 0)
                done++;   /* a step ignored its fault point: undo it, fail loudly */
            rc = xkl__err(ctx, EIO, "%s: step %u (%s): injected fault at fault point %u (XKIT_FAULT_POINT)%s",
                          what, f->step, v[f->step - 1].name, f->point,
                          r == 0 ? ", but the step did not fail" : "");
            break;
        }
        if (r < 0) {
            rc = -1;
            break;
        }
        if (f && f->after_step == done + 1) {
            done++;   /* it ran: undo it too */
            rc = xkl__err(ctx, EIO, "%s: step %zu (%s): injected fault (XKIT_FAULT_STEP)", what, done,
                          v[done - 1].name);
            break;
        }
    }
    if (ctx->trace && rc == 0) {
        cost_now(ctx, &after);
        cost_log(ctx, what, "all steps", &start, &after);
    }
    if (rc == 0)
        return 0;
    int e = errno;
    char keep[sizeof ctx->err];
    memcpy(keep, ctx->err, sizeof keep);   /* undos may overwrite it */
    while (done-- > 0)
        if (v[done].undo)
            v[done].undo(arg);
    memcpy(ctx->err, keep, sizeof keep);
    errno = e;
    return -1;
}

int xkl__create(xkl_ctx *ctx, struct xkl_domain_config *dc, unsigned flags, uint32_t *domid)
{
    struct cstate s = { .ctx = ctx, .dc = dc, .flags = flags, .lock_fd = -1 };
    struct xkl_b_info *bi = &dc->b_info;
    static const uint8_t zero[16];
    if (!memcmp(dc->c_info.uuid, zero, 16))
        uuid_generate(dc->c_info.uuid);
    xkl__uuid_format(dc->c_info.uuid, s.uuid);
    s.max_kb = bi->max_memkb > 0 ? (uint64_t)bi->max_memkb : DEFAULT_MEM_KB;
    s.target_kb = bi->target_memkb > 0 ? (uint64_t)bi->target_memkb : s.max_kb;
    s.video_kb = bi->video_memkb > 0 ? (uint64_t)bi->video_memkb : 0;
    if (s.target_kb > s.max_kb)
        s.max_kb = s.target_kb;
    s.max_vcpus = bi->max_vcpus > 0 ? (unsigned)bi->max_vcpus : 1;
    s.avail_vcpus = bi->avail_vcpus > 0 ? (unsigned)bi->avail_vcpus : s.max_vcpus;
    s.fault.after_step = ctx->fault_step;
    s.fault.point = ctx->fault_point;
    const char *name = dc->c_info.name ? dc->c_info.name : "?";
    if (!xkl__xs(ctx) || !xkl__xc(ctx))
        return xkl__err_wrap(ctx, "create %s", name);

    char what[200];
    snprintf(what, sizeof what, "create %s", name);
    if (xkl__steps_run(ctx, steps, NSTEPS, &s, &s.fault, what) < 0)
        return -1;
    undo_kernel(&s);
    undo_lock(&s);
    *domid = s.domid;
    return 0;
}

int xkl_domain_create(xkl_ctx *ctx, xkl_domain_config *dc, unsigned flags, uint32_t *domid)
{
    XKL__LOCK(ctx);
    int r = !dc || !domid ? xkl__err(ctx, EINVAL, "create: no domain configuration")
                          : xkl__create(ctx, dc, flags, domid);
    XKL__UNLOCK(ctx);
    return r;
}
