/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Operations on a running domain: pause, shutdown and reboot, rename,
 * memory, vcpus and the credit2 scheduler. */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/domctl.h>

/* The xc call under the lock, its failure named "<what> domain N". */
#define XC_OP(ctx, what, domid, call)                                              \
    ({                                                                            \
        XKL__LOCK(ctx);                                                           \
        xkc_handle *xc_ = xkl__xc(ctx);                                           \
        int r_ = -1;                                                              \
        if (!xc_)                                                                 \
            xkl__err_wrap(ctx, "%s domain %u", what, domid);                       \
        else {                                                                \
            r_ = (call);                                                          \
            if (r_ < 0)                                                           \
                xkl__err(ctx, errno ? errno : EIO, "%s domain %u: %s", what, domid, xkc_error(xc_)); \
        }                                                                         \
        XKL__UNLOCK(ctx);                                                         \
        r_;                                                                       \
    })

int xkl_domain_pause(xkl_ctx *ctx, uint32_t domid)
{
    return XC_OP(ctx, "pause", domid, xkc_domain_pause(xc_, domid));
}

int xkl_domain_unpause(xkl_ctx *ctx, uint32_t domid)
{
    return XC_OP(ctx, "unpause", domid, xkc_domain_unpause(xc_, domid));
}

int xkl_sched_credit2_get(xkl_ctx *ctx, uint32_t domid, unsigned *weight, unsigned *cap)
{
    return XC_OP(ctx, "credit2 parameters of", domid, xkc_sched_credit2_get(xc_, domid, weight, cap));
}

int xkl_sched_credit2_set(xkl_ctx *ctx, uint32_t domid, unsigned weight, unsigned cap)
{
    return XC_OP(ctx, "set credit2 parameters of", domid,
                 xkc_sched_credit2_set(xc_, domid, weight, cap));
}

static bool has_pv_control(xkl_ctx *ctx, uint32_t domid)
{
    xkl_xs *xs = xkl__xs(ctx);
    char path[80];
    snprintf(path, sizeof path, "/local/domain/%u/control/feature-poweroff", domid);
    char *v = xs ? xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL) : NULL;
    bool yes = v && strcmp(v, "1") == 0;
    free(v);
    return yes;
}

int xkl_domain_shutdown(xkl_ctx *ctx, uint32_t domid, enum xkl_shutdown_kind kind, unsigned flags)
{
    const char *word = kind == XKL_SHUTDOWN_REBOOT ? "reboot" : "poweroff";
    const char *op = kind == XKL_SHUTDOWN_REBOOT ? "reboot" : "shut down";
    XKL__LOCK(ctx);
    if (domid == 0) {
        xkl__err(ctx, EINVAL, "%s domain 0: refusing to shut down dom0", op);
        XKL__UNLOCK(ctx);
        return -1;
    }
    struct xkl_dominfo di;
    int r = xkl__info(ctx, domid, &di);
    if (r == 0 && !(flags & XKL_SHUTDOWN_FORCE) && has_pv_control(ctx, domid)) {
        char path[80];
        snprintf(path, sizeof path, "/local/domain/%u/control/shutdown", domid);
        if (xkl_xs_write(ctx->xs, XKL_XS_TX_NONE, path, word, strlen(word)) < 0)
            r = xkl__err(ctx, errno, "%s domain %u: %s", op, domid, xkl_xs_error(ctx->xs));
    } else if (r == 0) {
        /* no PV drivers to ask (or forced): shut it down from outside */
        unsigned reason = kind == XKL_SHUTDOWN_REBOOT ? SHUTDOWN_reboot : SHUTDOWN_poweroff;
        if (xkc_domain_shutdown(ctx->xc, domid, reason) < 0)
            r = xkl__err(ctx, errno, "%s domain %u: %s", op, domid, xkc_error(ctx->xc));
    }
    XKL__UNLOCK(ctx);
    return r;
}

static bool name_ok(const char *n)
{
    if (!*n || strlen(n) >= sizeof(((struct xkl_dominfo *)0)->name))
        return false;
    for (const char *p = n; *p; p++)
        if (*p == '/' || (unsigned char)*p < 0x20)
            return false;
    return true;
}

/* Rewrite the persisted config with the new name (best effort: a domain
 * without a persisted config keeps working; a failure is logged). */
static void rename_state(xkl_ctx *ctx, const struct xkl_dominfo *di, const char *uuid,
                         const char *new_name)
{
    struct xkl_domain_config *dc = xkl__config_load(ctx, di->domid, di->uuid);
    if (!dc) {
        if (errno != ENOENT)
            xkl__log(ctx, "rename domain %u: persisted config not updated: %s", di->domid, ctx->err);
        return;
    }
    char *n = strdup(new_name);
    char *out = NULL;
    if (n) {
        free(dc->c_info.name);
        dc->c_info.name = n;
        out = xkl_domain_config_to_json(dc);
    }
    if (!out || xkl__state_save(ctx, uuid, out) < 0)
        xkl__log(ctx, "rename domain %u: persisted config not updated: %s", di->domid,
                 out ? ctx->err : strerror(ENOMEM));
    free(out);
    xkl_domain_config_free(dc);
}

/* Lock held (the context's; the name lock taken here). */
int xkl__rename(xkl_ctx *ctx, uint32_t domid, const char *new_name)
{
    if (!name_ok(new_name))
        return xkl__err(ctx, EINVAL, "rename domain %u: invalid name '%s'", domid, new_name);
    char what[64];
    snprintf(what, sizeof what, "rename domain %u", domid);
    struct xkl_dominfo di;
    if (xkl__info(ctx, domid, &di) < 0)   /* its error names the domain */
        return -1;
    /* check and write under the name lock: a create cannot take the
     * name between the two */
    int lock = xkl__name_lock(ctx, what, NULL);
    if (lock < 0)
        return -1;
    uint32_t other;
    int r = 0;
    if (xkl__find_name(ctx, new_name, &other) == 0) {
        if (other != domid)
            r = xkl__err(ctx, EEXIST, "%s: domain %u is already called '%s'", what, other, new_name);
    } else if (errno != ESRCH)
        r = xkl__err_wrap(ctx, "%s", what);
    char *vm = NULL;
    if (r == 0 && !(vm = xkl__vm_path(ctx, domid)) && errno != ENOENT)
        r = xkl__err_wrap(ctx, "%s", what);
    if (r == 0) {
        char path[160];
        snprintf(path, sizeof path, "/local/domain/%u/name", domid);
        if (xkl_xs_write(ctx->xs, XKL_XS_TX_NONE, path, new_name, strlen(new_name)) < 0)
            r = xkl__err(ctx, errno, "%s: %s", what, xkl_xs_error(ctx->xs));
        if (r == 0 && vm && !strncmp(vm, "/vm/", 4)) {
            snprintf(path, sizeof path, "%s/name", vm);
            if (xkl_xs_write(ctx->xs, XKL_XS_TX_NONE, path, new_name, strlen(new_name)) < 0)
                xkl__log(ctx, "%s: %s not updated: %s", what, path, xkl_xs_error(ctx->xs));
            rename_state(ctx, &di, vm + 4, new_name);
        }
        char uuid[37];
        xkl__uuid_format(di.uuid, uuid);
        if (r == 0 && xkl__names_set(ctx, new_name, domid, uuid) < 0)
            xkl__log(ctx, "%s: name index not updated: %s", what, ctx->err);
    }
    free(vm);
    xkl__name_unlock(lock);
    return r;
}

int xkl_domain_rename(xkl_ctx *ctx, uint32_t domid, const char *new_name)
{
    XKL__LOCK(ctx);
    int r = new_name ? xkl__rename(ctx, domid, new_name)
                     : xkl__err(ctx, EINVAL, "rename domain %u: no name", domid);
    XKL__UNLOCK(ctx);
    return r;
}

static int read_kb(xkl_ctx *ctx, uint32_t domid, const char *node, uint64_t *kb)
{
    char *v = xkl__xs_readf(ctx, "/local/domain/%u/memory/%s", domid, node);
    if (!v)
        return -1;
    char *end;
    *kb = strtoull(v, &end, 10);
    int bad = end == v || *end;
    free(v);
    return bad ? xkl__err(ctx, EINVAL, "memory/%s of domain %u: not a number", node, domid) : 0;
}

int xkl_domain_set_target_kb(xkl_ctx *ctx, uint32_t domid, uint64_t kb)
{
    XKL__LOCK(ctx);
    uint64_t smax = 0, video = 0;
    struct xkl_dominfo di;
    int r = xkl__info(ctx, domid, &di);
    if (r == 0 && read_kb(ctx, domid, "static-max", &smax) < 0)
        r = xkl__err_wrap(ctx, "set memory of domain %u: no memory/static-max", domid);
    if (r == 0 && read_kb(ctx, domid, "videoram", &video) < 0)
        video = 0;
    if (r == 0 && kb > smax)
        r = xkl__err(ctx, EINVAL, "set memory of domain %u: %llu KiB is above its maximum %llu KiB (xl mem-max first)",
                     domid, (unsigned long long)kb, (unsigned long long)smax);
    if (r == 0 && domid != 0 &&
        xkc_domain_set_maxmem(ctx->xc, domid, kb + video + XKL__MAXMEM_SLACK_KB) < 0)
        r = xkl__err(ctx, errno, "set memory of domain %u: %s", domid, xkc_error(ctx->xc));
    if (r == 0) {
        char path[80];
        snprintf(path, sizeof path, "/local/domain/%u/memory/target", domid);
        r = xkl__xs_writef(ctx, XKL_XS_TX_NONE, path, "%llu", (unsigned long long)(kb - (kb > video ? video : 0)));
    }
    XKL__UNLOCK(ctx);
    return r;
}

int xkl_domain_set_max_kb(xkl_ctx *ctx, uint32_t domid, uint64_t kb)
{
    XKL__LOCK(ctx);
    uint64_t target = 0;
    struct xkl_dominfo di;
    int r = xkl__info(ctx, domid, &di);
    if (r == 0 && read_kb(ctx, domid, "target", &target) == 0 && kb < target)
        r = xkl__err(ctx, EINVAL, "set maximum memory of domain %u: %llu KiB is below its target %llu KiB (xl mem-set first)",
                     domid, (unsigned long long)kb, (unsigned long long)target);
    if (r == 0 && xkc_domain_set_maxmem(ctx->xc, domid, kb + XKL__MAXMEM_SLACK_KB) < 0)
        r = xkl__err(ctx, errno, "set maximum memory of domain %u: %s", domid, xkc_error(ctx->xc));
    if (r == 0) {
        char path[80];
        snprintf(path, sizeof path, "/local/domain/%u/memory/static-max", domid);
        r = xkl__xs_writef(ctx, XKL_XS_TX_NONE, path, "%llu", (unsigned long long)kb);
    }
    XKL__UNLOCK(ctx);
    return r;
}

int xkl_vcpu_list(xkl_ctx *ctx, uint32_t domid, struct xkl_vcpuinfo **out, unsigned *n)
{
    XKL__LOCK(ctx);
    struct xkl_dominfo di;
    struct xkl_vcpuinfo *v = NULL;
    int r = xkl__info(ctx, domid, &di);
    unsigned nv = r == 0 && di.max_vcpu_id != UINT32_MAX ? di.max_vcpu_id + 1 : 0;
    if (r == 0 && nv && !(v = calloc(nv, sizeof(*v))))
        r = xkl__err(ctx, ENOMEM, "vcpus of domain %u: %s", domid, strerror(ENOMEM));
    for (unsigned i = 0; r == 0 && i < nv; i++) {
        struct xkc_vcpuinfo vi;
        v[i].vcpu = i;
        if (xkc_vcpu_info(ctx->xc, domid, i, &vi) < 0 ||
            xkc_vcpu_get_affinity(ctx->xc, domid, i, v[i].hard, v[i].soft, XKL_CPUMAP_BYTES) < 0) {
            r = xkl__err(ctx, errno, "vcpu %u of domain %u: %s", i, domid, xkc_error(ctx->xc));
            break;
        }
        v[i].online = vi.online;
        v[i].blocked = vi.blocked;
        v[i].running = vi.running;
        v[i].cpu = vi.cpu;
        v[i].cpu_time_ns = vi.cpu_time_ns;
    }
    if (r == 0) {
        *out = v;
        *n = nv;
    } else {
        free(v);
    }
    XKL__UNLOCK(ctx);
    return r;
}

int xkl_vcpu_pin(xkl_ctx *ctx, uint32_t domid, int vcpu, const uint8_t *hard, const uint8_t *soft)
{
    XKL__LOCK(ctx);
    struct xkl_dominfo di;
    int r = xkl__info(ctx, domid, &di);
    unsigned first = vcpu < 0 ? 0 : (unsigned)vcpu;
    unsigned last = vcpu < 0 ? di.max_vcpu_id : (unsigned)vcpu;
    if (r == 0 && vcpu >= 0 && (unsigned)vcpu > di.max_vcpu_id)
        r = xkl__err(ctx, EINVAL, "pin vcpu %d of domain %u: the domain has %u vcpus", vcpu, domid,
                     di.max_vcpu_id + 1);
    for (unsigned i = first; r == 0 && i <= last; i++) {
        uint8_t h[XKL_CPUMAP_BYTES], s[XKL_CPUMAP_BYTES];
        if (hard)
            memcpy(h, hard, sizeof h);
        if (soft)
            memcpy(s, soft, sizeof s);
        if (xkc_vcpu_set_affinity(ctx->xc, domid, i, hard ? h : NULL, soft ? s : NULL,
                                  XKL_CPUMAP_BYTES) < 0)
            r = xkl__err(ctx, errno, "pin vcpu %u of domain %u: %s", i, domid, xkc_error(ctx->xc));
    }
    XKL__UNLOCK(ctx);
    return r;
}

int xkl_vcpu_set_online(xkl_ctx *ctx, uint32_t domid, unsigned count)
{
    XKL__LOCK(ctx);
    struct xkl_dominfo di;
    int r = xkl__info(ctx, domid, &di);
    if (r == 0 && (count == 0 || count > di.max_vcpu_id + 1))
        r = xkl__err(ctx, EINVAL, "set vcpus of domain %u: %u is not in 1..%u (its maximum)", domid,
                     count, di.max_vcpu_id + 1);
    for (unsigned i = 0; r == 0 && i <= di.max_vcpu_id; i++) {
        char path[80];
        snprintf(path, sizeof path, "/local/domain/%u/cpu/%u/availability", domid, i);
        r = xkl__xs_writef(ctx, XKL_XS_TX_NONE, path, "%s", i < count ? "online" : "offline");
    }
    XKL__UNLOCK(ctx);
    return r;
}

int xkl_trigger_from_name(const char *name)
{
    static const char *const names[] = { "nmi", "reset", "init", "power", "sleep", "s3resume" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(names[i], name))
            return (int)i;
    errno = EINVAL;
    return -1;
}

int xkl_domain_trigger(xkl_ctx *ctx, uint32_t domid, enum xkl_trigger t, unsigned vcpu)
{
    static const unsigned xen[] = {
        [XKL_TRIGGER_NMI] = XEN_DOMCTL_SENDTRIGGER_NMI,
        [XKL_TRIGGER_RESET] = XEN_DOMCTL_SENDTRIGGER_RESET,
        [XKL_TRIGGER_INIT] = XEN_DOMCTL_SENDTRIGGER_INIT,
        [XKL_TRIGGER_POWER] = XEN_DOMCTL_SENDTRIGGER_POWER,
        [XKL_TRIGGER_SLEEP] = XEN_DOMCTL_SENDTRIGGER_SLEEP,
    };
    if ((unsigned)t > XKL_TRIGGER_S3RESUME)
        return xkl__err(ctx, EINVAL, "trigger domain %u: unknown trigger %d", domid, (int)t);
    /* S3 resume: no trigger of its own; the ACPI sleep state goes back to S0 */
    if (t == XKL_TRIGGER_S3RESUME)
        return XC_OP(ctx, "s3resume trigger to", domid,
                     xkc_hvm_param_set(xc_, domid, HVM_PARAM_ACPI_S_STATE, 0));
    return XC_OP(ctx, "trigger to", domid, xkc_domain_trigger(xc_, domid, xen[t], vcpu));
}

int xkl_domain_sysrq(xkl_ctx *ctx, uint32_t domid, char key)
{
    if (key < '!' || key > '~')
        return xkl__err(ctx, EINVAL, "sysrq domain %u: expected one printable character", domid);
    XKL__LOCK(ctx);
    char path[64];
    snprintf(path, sizeof path, "/local/domain/%u/control/sysrq", domid);
    int r = xkl__xs_writef(ctx, XKL_XS_TX_NONE, path, "%c", key);
    if (r < 0)
        xkl__err_wrap(ctx, "sysrq domain %u", domid);
    XKL__UNLOCK(ctx);
    return r;
}
