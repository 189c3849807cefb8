/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading domains: the list, one domain, name <-> id, start time, the
 * persisted config and the console pty. */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xkl_dominfo_state(const struct xkl_dominfo *di, char out[7])
{
    out[0] = di->running ? 'r' : '-';
    out[1] = di->blocked ? 'b' : '-';
    out[2] = di->paused ? 'p' : '-';
    static const char reason[] = "-rscwS";   /* by SHUTDOWN_* (sched.h) */
    out[3] = di->shutdown ? 's' : '-';
    out[4] = !di->shutdown ? '-' : di->shutdown_reason < sizeof reason - 1 ? reason[di->shutdown_reason] : '?';
    out[5] = di->dying ? 'd' : '-';
    out[6] = 0;
}

/* o from the hypervisor's ci and the name read from xenstore (NULL: none) */
static void fill_named(const struct xkc_dominfo *ci, const char *name, struct xkl_dominfo *o)
{
    memset(o, 0, sizeof(*o));
    o->domid = ci->domid;
    memcpy(o->uuid, ci->handle, 16);
    o->mem_kb = (ci->tot_pages + ci->outstanding_pages) * 4;
    o->max_kb = ci->max_pages * 4;
    o->vcpus_online = ci->nr_online_vcpus;
    o->max_vcpu_id = ci->max_vcpu_id;
    o->running = ci->running;
    o->blocked = ci->blocked;
    o->paused = ci->paused;
    o->shutdown = ci->shutdown;
    o->dying = ci->dying;
    o->shutdown_reason = ci->shutdown_reason;
    o->cpupool = ci->cpupool;
    o->outstanding_kb = ci->outstanding_pages * 4;
    o->shared_kb = ci->shr_pages * 4;
    o->ssidref = ci->ssidref;
    o->cpu_time_ns = ci->cpu_time_ns;
    if (name)
        snprintf(o->name, sizeof o->name, "%s", name);
    else if (ci->domid == 0)
        snprintf(o->name, sizeof o->name, "Domain-0");
}

static void fill(xkl_ctx *ctx, const struct xkc_dominfo *ci, struct xkl_dominfo *o)
{
    xkl_xs *xs = xkl__xs(ctx);
    char path[64];
    snprintf(path, sizeof path, "/local/domain/%u/name", ci->domid);
    char *name = xs ? xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL) : NULL;
    fill_named(ci, name, o);
    free(name);
}

int xkl__read_names(xkl_ctx *ctx, const struct xkc_dominfo *ci, size_t n, const bool *skip,
                    char ***out, const char *what)
{
    char **paths = calloc(n ? n : 1, sizeof *paths), **names = calloc(n ? n : 1, sizeof *names);
    int r = paths && names ? 0 : xkl__err(ctx, ENOMEM, "%s: %s", what, strerror(ENOMEM));
    for (size_t i = 0; i < n && r == 0; i++)
        if ((!skip || !skip[i]) && asprintf(&paths[i], "/local/domain/%u/name", ci[i].domid) < 0) {
            paths[i] = NULL;
            r = xkl__err(ctx, ENOMEM, "%s: %s", what, strerror(ENOMEM));
        }
    xkl_xs *xs = r == 0 ? xkl__xs(ctx) : NULL;
    if (r == 0 && xs)
        r = xkl__xs_read_all(ctx, xs, paths, names, n, what);
    for (size_t i = 0; paths && i < n; i++)
        free(paths[i]);
    free(paths);
    if (r < 0) {
        free(names);
        return -1;
    }
    *out = names;
    return 0;
}

int xkl__info(xkl_ctx *ctx, uint32_t domid, struct xkl_dominfo *out)
{
    xkc_handle *xc = xkl__xc(ctx);
    if (!xc)
        return xkl__err_wrap(ctx, "domain %u", domid);
    struct xkc_dominfo ci;
    if (xkc_domain_info(xc, domid, &ci) < 0) {
        if (errno == ESRCH)
            return xkl__err(ctx, ESRCH, "domain %u: no such domain", domid);
        return xkl__err_xc(ctx, "domain info");
    }
    fill(ctx, &ci, out);
    return 0;
}

int xkl_domain_info(xkl_ctx *ctx, uint32_t domid, struct xkl_dominfo *out)
{
    XKL__LOCK(ctx);
    int r = xkl__info(ctx, domid, out);
    XKL__UNLOCK(ctx);
    return r;
}

int xkl__list_pages(xkl__list_fetch fetch, void *arg, unsigned batch, struct xkc_dominfo **out,
                    size_t *n)
{
    struct xkc_dominfo *v = NULL;
    size_t nv = 0, cap = 0;
    uint32_t next = 0;
    if (!batch) {
        errno = EINVAL;
        return -1;
    }
    /* until a batch comes back empty: a short batch does not prove the
     * end (the list may change between two calls) */
    while (next < DOMID_FIRST_RESERVED) {
        if (cap - nv < batch) {
            struct xkc_dominfo *nvv = realloc(v, (cap + batch) * sizeof(*v));
            if (!nvv) {
                free(v);
                errno = ENOMEM;
                return -1;
            }
            v = nvv;
            cap += batch;
        }
        int got = fetch(arg, next, v + nv, batch);
        if (got < 0 || (unsigned)got > batch) {
            int e = got < 0 ? errno : EIO;
            free(v);
            errno = e;
            return -1;
        }
        if (got == 0)
            break;
        uint32_t last = v[nv + (size_t)got - 1].domid;
        if (last < next) {   /* would loop for ever */
            free(v);
            errno = EIO;
            return -1;
        }
        nv += (size_t)got;
        next = last + 1;
    }
    *out = v;
    *n = nv;
    return 0;
}

static int fetch_xc(void *arg, uint32_t first, struct xkc_dominfo *out, unsigned max)
{
    return xkc_domain_list(arg, first, out, max);
}

int xkl__domains(xkl_ctx *ctx, const char *what, struct xkc_dominfo **out, size_t *n)
{
    xkc_handle *xc = xkl__xc(ctx);
    if (!xc)
        return xkl__err_wrap(ctx, "%s", what);
    if (xkl__list_pages(fetch_xc, xc, 64, out, n) < 0)
        return errno == ENOMEM ? xkl__err(ctx, ENOMEM, "%s: %s", what, strerror(ENOMEM))
                               : xkl__err_xc(ctx, what);
    return 0;
}

static int list_locked(xkl_ctx *ctx, struct xkl_dominfo **out, size_t *n)
{
    struct xkc_dominfo *ci;
    size_t nc;
    if (xkl__domains(ctx, "list domains", &ci, &nc) < 0)
        return -1;
    struct xkl_dominfo *v = nc ? calloc(nc, sizeof(*v)) : NULL;
    if (nc && !v) {
        free(ci);
        return xkl__err(ctx, ENOMEM, "list domains: %s", strerror(ENOMEM));
    }
    char **names;
    if (xkl__read_names(ctx, ci, nc, NULL, &names, "list domains") < 0) {
        free(ci);
        free(v);
        return -1;
    }
    for (size_t i = 0; i < nc; i++) {
        fill_named(&ci[i], names[i], &v[i]);
        free(names[i]);
    }
    free(names);
    free(ci);
    *out = v;
    *n = nc;
    return 0;
}

int xkl_domain_list(xkl_ctx *ctx, struct xkl_dominfo **out, size_t *n)
{
    XKL__LOCK(ctx);
    int r = list_locked(ctx, out, n);
    XKL__UNLOCK(ctx);
    return r;
}

int xkl_domain_lookup(xkl_ctx *ctx, const char *s, uint32_t *domid)
{
    char *end;
    errno = 0;
    unsigned long id = strtoul(s, &end, 10);
    XKL__LOCK(ctx);
    int r;
    if (*s >= '0' && *s <= '9' && !*end && !errno && id < DOMID_FIRST_RESERVED) {
        struct xkl_dominfo di;
        r = xkl__info(ctx, (uint32_t)id, &di);
        if (r == 0)
            *domid = (uint32_t)id;
    } else {
        r = xkl__find_name(ctx, s, domid);
    }
    XKL__UNLOCK(ctx);
    return r;
}

int xkl_domain_start_time(xkl_ctx *ctx, uint32_t domid, double *when)
{
    XKL__LOCK(ctx);
    int r = -1;
    char *vm = xkl__vm_path(ctx, domid);
    char *st = vm ? xkl__xs_readf(ctx, "%s/start_time", vm) : NULL;
    if (st) {
        char *end;
        *when = strtod(st, &end);
        r = end == st ? xkl__err(ctx, EINVAL, "start time of domain %u: bad value '%s'", domid, st) : 0;
    } else {
        xkl__err_wrap(ctx, "start time of domain %u", domid);
    }
    free(vm);
    free(st);
    XKL__UNLOCK(ctx);
    return r;
}

void xkl_uuid_format(const uint8_t uuid[16], char out[37])
{
    xkl__uuid_format(uuid, out);
}

char *xkl_domain_config_json(xkl_ctx *ctx, uint32_t domid)
{
    XKL__LOCK(ctx);
    char *j = NULL;
    if (domid == 0) {
        struct xkl_domain_config *dc = xkl__dom0_config(ctx);
        if (dc && !(j = xkl_domain_config_to_json(dc)))
            xkl__err(ctx, ENOMEM, "config of domain 0: %s", strerror(ENOMEM));
        xkl_domain_config_free(dc);
    } else {
        j = xkl__config_json(ctx, domid, NULL, NULL);
    }
    XKL__UNLOCK(ctx);
    return j;
}

xkl_domain_config *xkl_domain_config_load(xkl_ctx *ctx, uint32_t domid)
{
    XKL__LOCK(ctx);
    xkl_domain_config *dc = domid ? xkl__config_read(ctx, domid, NULL, true) : xkl__dom0_config(ctx);
    XKL__UNLOCK(ctx);
    return dc;
}

char *xkl_console_tty(xkl_ctx *ctx, uint32_t domid)
{
    return xkl_console_tty_of(ctx, domid, XKL_CONSOLE_PV, 0);
}

bool xkl__is_hvm(xkl_ctx *ctx, uint32_t domid)
{
    char *t = xkl__xs_readf(ctx, "/libxl/%u/type", domid);
    bool hvm = t && !strcmp(t, "hvm");
    free(t);
    return hvm;
}

char *xkl_console_tty_of(xkl_ctx *ctx, uint32_t domid, enum xkl_console_type type, unsigned num)
{
    XKL__LOCK(ctx);
    /* libxl's type record only when the type depends on it */
    bool hvm = type != XKL_CONSOLE_PV && xkl__is_hvm(ctx, domid);
    if (type == XKL_CONSOLE_DEFAULT)
        type = hvm ? XKL_CONSOLE_SERIAL : XKL_CONSOLE_PV;
    char *t = NULL;
    if (type == XKL_CONSOLE_PV) {
        if (num != 0)
            xkl__err(ctx, ENODEV, "console %u of domain %u: only PV console 0 is supported", num, domid);
        else
            t = xkl__xs_readf(ctx, "/local/domain/%u/console/tty", domid);
        if (!t && num == 0)
            xkl__err_wrap(ctx, "console of domain %u: no tty in xenstore (is xenconsoled running?)", domid);
    } else if (!hvm) {
        xkl__err(ctx, ENODEV, "serial console of domain %u: only HVM guests have emulated serial ports; use -t pv", domid);
    } else {
        t = xkl__xs_readf(ctx, "/local/domain/%u/serial/%u/tty", domid, num);
        if (!t)
            xkl__err(ctx, ENODEV, "serial console %u of domain %u: none in xenstore (the guest's config needs serial='pty')",
                     num, domid);
    }
    if (t && !*t) {
        free(t);
        t = NULL;
        xkl__err(ctx, EAGAIN, "console of domain %u: %s has not made its pty yet", domid,
                 type == XKL_CONSOLE_PV ? "xenconsoled" : "QEMU");
    }
    XKL__UNLOCK(ctx);
    return t;
}

int xkl_console_vnc(xkl_ctx *ctx, uint32_t domid, char **listen, unsigned *port, char **passwd)
{
    *listen = NULL;
    *port = 0;
    if (passwd)
        *passwd = NULL;
    XKL__LOCK(ctx);
    int r = -1;
    char *p = xkl__xs_readf(ctx, "/local/domain/%u/console/vnc-port", domid);
    if (!p) {
        xkl__err(ctx, ENODEV, "VNC console of domain %u: no vnc-port in xenstore (no VNC display: vnc=1 "
                              "in the guest's config, or its QEMU has not started)", domid);
        goto out;
    }
    char *end;
    errno = 0;
    unsigned long v = strtoul(p, &end, 10);
    if (errno || end == p || *end || v == 0 || v > 65535) {
        xkl__err(ctx, EINVAL, "VNC console of domain %u: vnc-port \"%.32s\" is not a port", domid, p);
        free(p);
        goto out;
    }
    free(p);
    char *l = xkl__xs_readf(ctx, "/local/domain/%u/console/vnc-listen", domid);
    if (!l || !*l || strspn(l, "0123456789abcdefABCDEF.:[]-_.") != strlen(l)) {
        free(l);
        l = strdup("127.0.0.1"); /* QEMU's and libxl's default */
    }
    if (!l) {
        xkl__err(ctx, ENOMEM, "VNC console of domain %u: %s", domid, strerror(ENOMEM));
        goto out;
    }
    *listen = l;
    *port = (unsigned)v;
    r = 0;
out:
    XKL__UNLOCK(ctx);
    if (r == 0 && passwd) {
        /* the password is in the saved configuration (ours or libxl's),
         * never in xenstore, where the guest could read it */
        xkl_domain_config *dc = xkl_domain_config_load(ctx, domid);
        const char *pw = dc ? dc->b_info.vnc.passwd : NULL;
        if (pw && *pw && !(*passwd = strdup(pw)))
            r = xkl__err(ctx, ENOMEM, "VNC console of domain %u: %s", domid, strerror(ENOMEM));
        xkl_domain_config_free(dc);
        if (r < 0) {
            free(*listen);
            *listen = NULL;
        }
    }
    return r;
}
