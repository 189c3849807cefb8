/*
 * Creating a domain: a plain list of steps, each with its undo. The steps
 * run forward; when one fails the steps done so far are undone backwards,
 * so a failed create leaves nothing behind (domain, xenstore nodes, state
 * file, memory). The test knob ctx->fault_step makes step N fail after it
 * ran (its own undo runs too), which is how the lab proves every undo.
 */
#include "private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <xen/domctl.h>
#include <sys/time.h>
#include <unistd.h>
#include <uuid/uuid.h>
#include <xkit/guest.h>

#define DEFAULT_MEM_KB (32 * 1024)   /* libxl's default: 32 MiB */
#define MAXMEM_SLACK_KB 1024         /* libxl's LIBXL_MAXMEM_CONSTANT */

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
};

static bool is_pvh(const struct cstate *s)
{
    return s->dc->c_info.type == XKL_DOMAIN_TYPE_PVH;
}

/* 1: serialise creates so that "is the name free" and "take the name" are
 * one step for every xkit create on this host */
static int run_lock(struct cstate *s)
{
    xkl_ctx *ctx = s->ctx;
    char *path = xkl__state_path(ctx, "create.lock");
    if (!path)
        return -1;
    /* the state dir may not exist yet */
    char *slash = strrchr(path, '/');
    *slash = 0;
    char *cmd = path;
    for (char *p = cmd + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(cmd, 0755);
            *p = '/';
        }
    mkdir(cmd, 0700);
    *slash = '/';
    s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (s->lock_fd < 0 || flock(s->lock_fd, LOCK_EX) < 0) {
        int e = errno;
        xkl__err(ctx, e, "create: lock %s: %s", path, strerror(e));
        if (s->lock_fd >= 0)
            close(s->lock_fd);
        s->lock_fd = -1;
        free(path);
        return -1;
    }
    free(path);
    return 0;
}

static void undo_lock(struct cstate *s)
{
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    s->lock_fd = -1;
}

/* 2: the name is free (in xenstore, whoever created the domain) */
static int run_check(struct cstate *s)
{
    struct xkl_domain_config *dc = s->dc;
    const char *name = dc->c_info.name;
    if (!name || !*name)
        return xkl__err(s->ctx, EINVAL, "create: the config has no name");
    if (dc->c_info.type != XKL_DOMAIN_TYPE_PV && dc->c_info.type != XKL_DOMAIN_TYPE_PVH)
        return xkl__err(s->ctx, EOPNOTSUPP, "create %s: only type pv and pvh guests are supported", name);
    if (!dc->b_info.kernel)
        return xkl__err(s->ctx, EINVAL, "create %s: no kernel in the config (bootloaders are not supported)", name);
    uint32_t other;
    if (xkl__find_name(s->ctx, name, &other) == 0)
        return xkl__err(s->ctx, EEXIST, "create %s: domain %u already has that name", name, other);
    if (errno != ESRCH)
        return -1;
    return 0;
}

/* 3: the kernel loads and can boot as this type on this hypervisor */
static int run_kernel(struct cstate *s)
{
    char err[512];
    xkc_handle *xc = xkl__xc(s->ctx);
    if (!xc)
        return -1;
    s->img = xkg_image_load(s->dc->b_info.kernel, 0, err, sizeof err);
    if (!s->img)
        return xkl__err(s->ctx, errno, "create %s: %s", s->dc->c_info.name, err);
    if (xkc_xen_capabilities(xc, s->xen_caps, sizeof s->xen_caps) < 0)
        return xkl__err_xc(s->ctx, "create: xen version");
    if (xkg_image_check(s->img, is_pvh(s) ? XKG_TYPE_PVH : XKG_TYPE_PV, s->xen_caps, err,
                        sizeof err) < 0)
        return xkl__err(s->ctx, errno, "create %s: %s", s->dc->c_info.name, err);
    return 0;
}

static void undo_kernel(struct cstate *s)
{
    xkg_image_free(s->img);
    s->img = NULL;
}

/* 4: the hypervisor's domain */
static int run_domain(struct cstate *s)
{
    struct xkl_domain_config *dc = s->dc;
    struct xkc_domain_config cc;
    xkc_domain_config_init(&cc, is_pvh(s) ? XKC_DOMAIN_PVH : XKC_DOMAIN_PV);
    cc.max_vcpus = s->max_vcpus;
    if (dc->c_info.hap >= 0 && is_pvh(s))
        cc.hap = dc->c_info.hap;
    memcpy(cc.handle, dc->c_info.uuid, 16);
    s->domid = 0;
    if (xkc_domain_create(s->ctx->xc, &cc, &s->domid) < 0)
        return xkl__err(s->ctx, errno, "create %s: %s", dc->c_info.name, xkc_error(s->ctx->xc));
    return 0;
}

static void undo_xs(struct cstate *s);

static void undo_domain(struct cstate *s)
{
    xkc_domain_destroy(s->ctx->xc, s->domid);
    /* xenconsoled may have written console/tty after the xenstore undo
     * ran; with the domain gone it writes nothing more */
    undo_xs(s);
}

/* 5: vcpus, memory limit, TSC, scheduler weight and cap */
static int run_limits(struct cstate *s)
{
    xkc_handle *xc = s->ctx->xc;
    struct xkl_b_info *bi = &s->dc->b_info;
    const char *name = s->dc->c_info.name;
    if (xkc_domain_max_vcpus(xc, s->domid, s->max_vcpus) < 0 ||
        xkc_domain_set_maxmem(xc, s->domid, s->max_kb + MAXMEM_SLACK_KB) < 0)
        return xkl__err(s->ctx, errno, "create %s (domain %u): %s", name, s->domid, xkc_error(xc));
    if (bi->tsc_mode != XKL_TSC_MODE_DEFAULT &&
        xkc_domain_set_tsc(xc, s->domid, (uint32_t)bi->tsc_mode, 0, 0, 0) < 0)
        return xkl__err(s->ctx, errno, "create %s (domain %u): %s", name, s->domid, xkc_error(xc));
    if (bi->cpus || bi->cpus_soft) {
        /* cpus= / cpus_soft=: every vcpu gets the same affinity */
        uint8_t hard[XKL_CPUMAP_BYTES], soft[XKL_CPUMAP_BYTES];
        if ((bi->cpus && xkl_cpumap_parse(bi->cpus, hard) < 0) ||
            (bi->cpus_soft && xkl_cpumap_parse(bi->cpus_soft, soft) < 0))
            return xkl__err(s->ctx, EINVAL, "create %s: cpus=\"%s\": expected all, N, N-M or a comma list",
                            name, bi->cpus && xkl_cpumap_parse(bi->cpus, hard) < 0 ? bi->cpus : bi->cpus_soft);
        for (unsigned v = 0; v < s->max_vcpus; v++)
            if (xkc_vcpu_set_affinity(xc, s->domid, v, bi->cpus ? hard : NULL,
                                      bi->cpus_soft ? soft : NULL, XKL_CPUMAP_BYTES) < 0)
                return xkl__err(s->ctx, errno, "create %s (domain %u): %s", name, s->domid, xkc_error(xc));
    }
    long long w = bi->sched_params.weight, cap = bi->sched_params.cap;
    if (w >= 0 || cap >= 0) {
        unsigned sched = 0, cw = 256, cc = 0;
        int r = xkc_sched_id(xc, &sched);
        bool credit1 = r == 0 && sched == XEN_SCHEDULER_CREDIT;
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
            return xkl__err(s->ctx, errno, "create %s (domain %u): %s", name, s->domid, xkc_error(xc));
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

static int write_layout(struct cstate *s, bool built)
{
    struct xkl__layout l;
    struct xkl__layout_in in;
    layout_in(s, &in);
    xkl__layout_init(&l);
    int r = built ? xkl__layout_built(&l, &in) : xkl__layout_make(&l, &in);
    if (r < 0)
        xkl__err(s->ctx, ENOMEM, "create %s: xenstore layout: %s", in.name, strerror(ENOMEM));
    else if ((r = xkl__layout_write(s->ctx, &l)) < 0)
        xkl__err_wrap(s->ctx, "create %s (domain %u): writing xenstore", in.name, s->domid);
    xkl__layout_dispose(&l);
    return r;
}

/* 6: /local/domain/N, /vm/UUID, /libxl/N: the name is taken from here on */
static int run_xs_make(struct cstate *s)
{
    return write_layout(s, false);
}

static void undo_xs(struct cstate *s)
{
    struct xkl__layout l;
    char vm[64];
    snprintf(vm, sizeof vm, "/vm/%s", s->uuid);
    xkl__layout_init(&l);
    if (xkl__layout_owned(&l, s->domid, vm) == 0)
        xkl__layout_write(s->ctx, &l);
    xkl__layout_dispose(&l);
}

/* 7: memory, kernel, start info, console and xenstore pages, vcpu 0 */
static int run_build(struct cstate *s)
{
    struct xkg_build_cfg bc;
    char err[512];
    xkg_build_cfg_init(&bc, is_pvh(s) ? XKG_TYPE_PVH : XKG_TYPE_PV);
    bc.kernel = s->img;
    bc.ramdisk_path = s->dc->b_info.ramdisk;
    bc.cmdline = s->dc->b_info.cmdline;
    bc.mem_kb = s->target_kb;
    bc.nr_vcpus = s->max_vcpus;
    bc.xen_caps = s->xen_caps;   /* already read by run_kernel */
    if (xkg_build(s->ctx->xc, s->domid, &bc, &s->br, err, sizeof err) < 0)
        return xkl__err(s->ctx, errno, "create %s (domain %u): %s", s->dc->c_info.name, s->domid, err);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    s->start_time = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
    return 0;
}

/* 8: what the guest and the backends read: memory, cpus, store, console */
static int run_xs_built(struct cstate *s)
{
    return write_layout(s, true);
}

/* 9: xenstored starts serving the guest's ring */
static int run_introduce(struct cstate *s)
{
    if (xkl_xs_introduce(s->ctx->xs, s->domid, (unsigned long)s->br.xenstore_gfn,
                         s->br.xenstore_port) < 0)
        return xkl__err(s->ctx, errno, "create %s (domain %u): %s", s->dc->c_info.name, s->domid,
                        xkl_xs_error(s->ctx->xs));
    return 0;
}

static void undo_introduce(struct cstate *s)
{
    xkl_xs_release(s->ctx->xs, s->domid);
}

/* 10: the config, for xl list -l, the monitor and restarts */
static int run_save(struct cstate *s)
{
    char *json = xkl_domain_config_to_json(s->dc);
    if (!json)
        return xkl__err(s->ctx, errno ? errno : ENOMEM, "create %s: config to JSON: %s",
                        s->dc->c_info.name, strerror(errno ? errno : ENOMEM));
    int r = xkl__state_save(s->ctx, s->uuid, json);
    free(json);
    return r;
}

static void undo_save(struct cstate *s)
{
    xkl__state_remove(s->ctx, s->uuid, s->domid);
}

/* 11: run (unless asked to stay paused) */
static int run_unpause(struct cstate *s)
{
    if ((s->flags & XKL_CREATE_PAUSED) || xkc_domain_unpause(s->ctx->xc, s->domid) == 0)
        return 0;
    return xkl__err(s->ctx, errno, "create %s (domain %u): %s", s->dc->c_info.name, s->domid,
                    xkc_error(s->ctx->xc));
}

static void undo_unpause(struct cstate *s)
{
    xkc_domain_pause(s->ctx->xc, s->domid);
}

struct step {
    const char *name;
    int (*run)(struct cstate *s);
    void (*undo)(struct cstate *s);
};

static const struct step steps[] = {
    { "lock", run_lock, undo_lock },
    { "check", run_check, NULL },
    { "kernel", run_kernel, undo_kernel },
    { "domain", run_domain, undo_domain },
    { "limits", run_limits, NULL },
    { "xenstore", run_xs_make, undo_xs },
    { "build", run_build, NULL },
    { "xenstore-built", run_xs_built, undo_xs },
    { "introduce", run_introduce, undo_introduce },
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

int xkl__create(xkl_ctx *ctx, struct xkl_domain_config *dc, unsigned flags, uint32_t *domid)
{
    struct cstate s = { .ctx = ctx, .dc = dc, .flags = flags, .lock_fd = -1 };
    struct xkl_b_info *bi = &dc->b_info;
    static const uint8_t zero[16];
    if (!memcmp(dc->c_info.uuid, zero, 16))
        uuid_generate(dc->c_info.uuid);
    uuid_unparse_lower(dc->c_info.uuid, s.uuid);
    s.max_kb = bi->max_memkb > 0 ? (uint64_t)bi->max_memkb : DEFAULT_MEM_KB;
    s.target_kb = bi->target_memkb > 0 ? (uint64_t)bi->target_memkb : s.max_kb;
    s.video_kb = bi->video_memkb > 0 ? (uint64_t)bi->video_memkb : 0;
    if (s.target_kb > s.max_kb)
        s.max_kb = s.target_kb;
    s.max_vcpus = bi->max_vcpus > 0 ? (unsigned)bi->max_vcpus : 1;
    s.avail_vcpus = bi->avail_vcpus > 0 ? (unsigned)bi->avail_vcpus : s.max_vcpus;
    if (!xkl__xs(ctx) || !xkl__xc(ctx))
        return xkl__err_wrap(ctx, "create %s", dc->c_info.name ? dc->c_info.name : "?");

    size_t done = 0;
    int rc = 0;
    for (; done < NSTEPS; done++) {
        if (steps[done].run(&s) < 0) {
            rc = -1;
            break;
        }
        if (ctx->fault_step == done + 1) {
            done++;   /* it ran: undo it too */
            rc = xkl__err(ctx, EIO, "create %s: step %zu (%s): injected fault (XKIT_FAULT_STEP)",
                          dc->c_info.name ? dc->c_info.name : "?", done, steps[done - 1].name);
            break;
        }
    }
    int e = errno;
    if (rc < 0) {
        char keep[sizeof ctx->err];
        memcpy(keep, ctx->err, sizeof keep);   /* undos may overwrite it */
        while (done-- > 0)
            if (steps[done].undo)
                steps[done].undo(&s);
        memcpy(ctx->err, keep, sizeof keep);
        errno = e;
        return -1;
    }
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
