/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The backend daemon of a driver domain (xl devd): the toolstack in dom0
 * writes a device's backend nodes under /local/domain/SELF/backend/ of the
 * domain that serves it; the kernel's backend drivers there (blkback,
 * netback) take the device, and this does what Xen's hotplug scripts do
 * beside them, in the driver domain itself: a loop device for a raw image
 * file and its physical-device for blkback, netback's interface put on its
 * bridge, or the device's own script= run; then hotplug-status connected
 * (or error, with hotplug-error saying why). When the device goes (its
 * directory removed, or online 0 and Closed), what was set up is released,
 * and a Closed backend's directory is removed, as libxl's devd does.
 *
 * State: one record per backend directory seen, in memory. A restarted
 * daemon takes back the devices already connected from their nodes (node,
 * params, script), so nothing is set up twice or leaked.
 */
#include "private.h"
#include "device/vbd.h"
#include "device/vif.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define DEVD_SCRIPT_TIMEOUT_MS 30000
#define DEVD_TOKEN "xkl-devd"

enum kind { K_VBD, K_VIF, K_QDISK, K_OTHER };

struct rec {
    char be[128];
    char kname[16];
    enum kind kind;
    uint32_t domid;
    unsigned devid;
    bool seen;            /* marked during a rescan */
    char loop[32];        /* the loop device set up here, "" none */
    char params[4096];    /* the file behind it (released only while still bound) */
    char script[4096];    /* a user's script that ran "add"/"online", "" none */
};

struct xkl_devd {
    xkl_ctx *ctx;
    uint32_t self;
    char base[64];        /* /local/domain/SELF/backend */
    struct rec *recs;
    size_t n, cap;
};

static enum kind kind_of(const char *k)
{
    if (!strcmp(k, "vbd"))
        return K_VBD;
    if (!strcmp(k, "vif"))
        return K_VIF;
    if (!strcmp(k, "qdisk"))
        return K_QDISK;
    return K_OTHER;
}

static char *node(xkl_xs *xs, const char *be, const char *key)
{
    char p[192];
    snprintf(p, sizeof p, "%s/%s", be, key);
    return xkl_xs_read(xs, XKL_XS_TX_NONE, p, NULL);
}

static void copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src ? src : "");
}

static struct rec *find(xkl_devd *d, const char *be)
{
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->recs[i].be, be))
            return &d->recs[i];
    return NULL;
}

static struct rec *add_rec(xkl_devd *d, const char *kname, uint32_t domid, unsigned devid,
                           const char *be)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        struct rec *r = realloc(d->recs, cap * sizeof *r);
        if (!r)
            return NULL;
        d->recs = r;
        d->cap = cap;
    }
    struct rec *r = &d->recs[d->n++];
    memset(r, 0, sizeof *r);
    copy(r->be, sizeof r->be, be);
    copy(r->kname, sizeof r->kname, kname);
    r->kind = kind_of(kname);
    r->domid = domid;
    r->devid = devid;
    return r;
}

static void drop_rec(xkl_devd *d, struct rec *r)
{
    size_t i = (size_t)(r - d->recs);
    d->recs[i] = d->recs[--d->n];
}

static void what_of(const struct rec *r, char *buf, size_t len)
{
    if (r->kind == K_VBD || r->kind == K_QDISK) {
        char v[24];
        xkl__vdev_name(r->devid, v, sizeof v);
        snprintf(buf, len, "%s %s of domain %u", r->kname, v, r->domid);
    } else {
        snprintf(buf, len, "%s %u of domain %u", r->kname, r->devid, r->domid);
    }
}

/* Tell the toolstack (and the backend driver) how it went: connected, or
 * error with the reason, as Xen's hotplug scripts write them. */
static void report(xkl_devd *d, const struct rec *r, bool ok, const char *why)
{
    xkl_xs *xs = xkl__xs(d->ctx);
    if (!xs)
        return;
    char st[160], er[160];
    snprintf(st, sizeof st, "%s/hotplug-status", r->be);
    snprintf(er, sizeof er, "%s/hotplug-error", r->be);
    const char *v = ok ? "connected" : "error";
    struct xkl_xs_op ops[2] = {
        { .kind = XKL_XS_OP_WRITE, .path = er, .data = why, .len = why ? strlen(why) : 0 },
        { .kind = XKL_XS_OP_WRITE, .path = st, .data = v, .len = strlen(v) },
    };
    /* the error first: whoever waits on hotplug-status finds it there */
    if (xkl_xs_batch(xs, XKL_XS_TX_NONE, ok ? ops + 1 : ops, ok ? 1 : 2) < 0)
        xkl__log(d->ctx, "%s: %s", st, xkl_xs_error(xs));
}

static void failed(xkl_devd *d, const struct rec *r)
{
    xkl__log(d->ctx, "error: %s", xkl_ctx_error(d->ctx));
    report(d, r, false, xkl_ctx_error(d->ctx));
}

/* blkback's half of Xen's block script: the device it opens, as
 * physical-device (hex major:minor), and node for a loop device. */
static int vbd_builtin(xkl_devd *d, struct rec *r, const char *what)
{
    xkl_ctx *ctx = d->ctx;
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return -1;
    char *params = node(xs, r->be, "params");
    char *mode = node(xs, r->be, "mode");
    int ret = -1;
    const char *target = params ? params : "";
    bool ro = !mode || mode[0] != 'w';
    struct stat st;
    char dev[4096] = "";
    unsigned ma = 0, mi = 0;
    if (target[0] != '/') {
        xkl__err(ctx, EINVAL, "%s: params \"%s\": not an absolute path of this domain's", what,
                 target);
        goto out;
    }
    if (stat(target, &st) < 0) {
        xkl__err(ctx, errno, "%s: %s: %s", what, target,
                 errno == ENOENT ? "no such file or device in this driver domain" : strerror(errno));
        goto out;
    }
    if (S_ISREG(st.st_mode)) {
        if (strlen(target) >= sizeof r->params) {
            xkl__err(ctx, ENAMETOOLONG, "%s: params: a path of %zu bytes", what, strlen(target));
            goto out;
        }
        if (xkl__loop_attach(ctx, target, ro, dev, sizeof dev, &ma, &mi, what) < 0)
            goto out;
        copy(r->loop, sizeof r->loop, dev);
        copy(r->params, sizeof r->params, target);
    } else if (S_ISBLK(st.st_mode)) {
        copy(dev, sizeof dev, target);
        ma = major(st.st_rdev);
        mi = minor(st.st_rdev);
    } else {
        xkl__err(ctx, EINVAL, "%s: %s is neither a block device nor a regular file", what, target);
        goto out;
    }
    char pd[24], p1[160], p2[160], p3[160];
    snprintf(pd, sizeof pd, "%x:%x", ma, mi);
    snprintf(p1, sizeof p1, "%s/physical-device", r->be);
    snprintf(p2, sizeof p2, "%s/physical-device-path", r->be);
    snprintf(p3, sizeof p3, "%s/node", r->be);
    struct xkl_xs_op ops[3] = {
        { .kind = XKL_XS_OP_WRITE, .path = p2, .data = dev, .len = strlen(dev) },
        { .kind = XKL_XS_OP_WRITE, .path = p3, .data = dev, .len = strlen(dev) },
        { .kind = XKL_XS_OP_WRITE, .path = p1, .data = pd, .len = strlen(pd) },
    };
    /* node only for a loop device (what release clears); physical-device
     * last: blkback opens the device when it appears */
    struct xkl_xs_op use[3] = { ops[0], ops[1], ops[2] };
    size_t nuse = 3;
    if (!r->loop[0]) {
        use[1] = ops[2];
        nuse = 2;
    }
    if (xkl_xs_batch(xs, XKL_XS_TX_NONE, use, nuse) < 0) {
        xkl__err(ctx, errno, "%s: %s", what, xkl_xs_error(xs));
        if (r->loop[0]) {
            char keep[sizeof ctx->err];
            memcpy(keep, ctx->err, sizeof keep);
            xkl__loop_detach(ctx, r->loop, what);
            memcpy(ctx->err, keep, sizeof keep);
            r->loop[0] = 0;
        }
        goto out;
    }
    xkl__log(ctx, "%s: %s%s%s (%s), physical-device %s", what, target, r->loop[0] ? " on " : "",
             r->loop[0] ? r->loop : "", ro ? "read-only" : "read-write", pd);
    ret = 0;
out:
    free(params);
    free(mode);
    return ret;
}

/* netback's half of vif-bridge: its interface renamed (vifname), MTU,
 * bridge, up. */
static int vif_builtin(xkl_devd *d, struct rec *r, const char *what)
{
    xkl_ctx *ctx = d->ctx;
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return -1;
    char *bridge = node(xs, r->be, "bridge");
    char *ifname = node(xs, r->be, "vifname");
    char *mtu = node(xs, r->be, "mtu");
    struct xkl__vif v;
    memset(&v, 0, sizeof v);
    snprintf(v.netdev, sizeof v.netdev, "vif%u.%u", r->domid, r->devid);
    v.bridge = bridge && *bridge ? bridge : "xenbr0";
    v.ifname = ifname && *ifname ? ifname : NULL;
    int ret = -1;
    if (v.ifname && !xkl__ifname_ok(v.ifname)) {
        xkl__err(ctx, EINVAL, "%s: vifname \"%s\": not an interface name", what, v.ifname);
        goto out;
    }
    if (mtu && *mtu) {
        char *end;
        unsigned long m = strtoul(mtu, &end, 10);
        if (*end || m < 68 || m > 65535) {
            xkl__err(ctx, EINVAL, "%s: mtu \"%s\": not an MTU", what, mtu);
            goto out;
        }
        v.mtu = (unsigned)m;
    }
    if (xkl__vif_bridge_up(ctx, &v, NULL, what) < 0)
        goto out;
    xkl__log(ctx, "%s: %s on bridge %s", what, v.ifname ? v.ifname : v.netdev, v.bridge);
    ret = 0;
out:
    free(bridge);
    free(ifname);
    free(mtu);
    return ret;
}

static bool builtin_script(const char *script, const char *dflt)
{
    return !script || !*script || !strcmp(script, dflt);
}

static int run_script(xkl_devd *d, const struct rec *r, const char *script, bool up,
                      const char *what)
{
    if (r->kind == K_VIF) {
        struct xkl__vif_env env;
        xkl__vif_script_env(&env, r->domid, r->devid, NULL);
        return xkl__hotplug_run(d->ctx, script, up ? "online" : "offline", r->be, "vif", env.v,
                                DEVD_SCRIPT_TIMEOUT_MS, what);
    }
    return xkl__hotplug_run(d->ctx, script, up ? "add" : "remove", r->be, "vbd", NULL,
                            DEVD_SCRIPT_TIMEOUT_MS, what);
}

/* A new backend: set its side up and say so in hotplug-status. */
static void set_up(xkl_devd *d, struct rec *r)
{
    char what[96];
    what_of(r, what, sizeof what);
    xkl_xs *xs = xkl__xs(d->ctx);
    if (!xs)
        return;
    if (r->kind == K_QDISK) {
        xkl__err(d->ctx, EOPNOTSUPP,
                 "%s: a qdisk backend needs QEMU in the driver domain, which xl devd does not "
                 "start; give the disk format=raw for blkback", what);
        failed(d, r);
        return;
    }
    if (r->kind == K_OTHER) {
        xkl__log(d->ctx, "%s: left to this domain's own %s backend, if it has one", what,
                 r->kname);
        return;
    }
    char *script = node(xs, r->be, "script");
    const char *dflt = r->kind == K_VBD ? XKL__BLOCK_SCRIPT
                                        : XKL__SCRIPT_DIR "/" XKL__VIF_DEFAULT_SCRIPT;
    int ok;
    if (builtin_script(script, dflt)) {
        ok = r->kind == K_VBD ? vbd_builtin(d, r, what) : vif_builtin(d, r, what);
        if (ok == 0)
            report(d, r, true, NULL);
    } else {
        /* the script reports hotplug-status itself, as Xen's do */
        ok = run_script(d, r, script, true, what);
        if (ok == 0) {
            copy(r->script, sizeof r->script, script);
            xkl__log(d->ctx, "%s: script %s ran", what, script);
        }
    }
    if (ok < 0)
        failed(d, r);
    free(script);
}

/* A device already connected when this daemon started: take its record
 * back from the nodes. */
static void adopt(xkl_devd *d, struct rec *r)
{
    xkl_xs *xs = xkl__xs(d->ctx);
    if (!xs)
        return;
    char *script = node(xs, r->be, "script");
    const char *dflt = r->kind == K_VBD ? XKL__BLOCK_SCRIPT
                                        : XKL__SCRIPT_DIR "/" XKL__VIF_DEFAULT_SCRIPT;
    if ((r->kind == K_VBD || r->kind == K_VIF) && !builtin_script(script, dflt))
        copy(r->script, sizeof r->script, script);
    if (r->kind == K_VBD && !r->script[0]) {
        char *n = node(xs, r->be, "node");
        char *p = node(xs, r->be, "params");
        if (n && !strncmp(n, "/dev/loop", 9)) {
            copy(r->loop, sizeof r->loop, n);
            copy(r->params, sizeof r->params, p);
        }
        free(n);
        free(p);
    }
    free(script);
    char what[96];
    what_of(r, what, sizeof what);
    xkl__log(d->ctx, "%s: already set up, taken back", what);
}

/* The device went: release what was set up for it. */
static void release(xkl_devd *d, struct rec *r, bool rm_dir)
{
    char what[96];
    what_of(r, what, sizeof what);
    xkl_ctx *ctx = d->ctx;
    if (r->script[0]) {
        if (run_script(d, r, r->script, false, what) < 0)
            xkl__log(ctx, "error: %s", xkl_ctx_error(ctx));
        else
            xkl__log(ctx, "%s: script %s ran for the removal", what, r->script);
    }
    if (r->loop[0]) {
        if (xkl__loop_detach_bound(ctx, r->loop, r->params, what) < 0)
            xkl__log(ctx, "error: %s", xkl_ctx_error(ctx));
        else
            xkl__log(ctx, "%s: released %s", what, r->loop);
    } else if (!r->script[0]) {
        xkl__log(ctx, "%s: removed", what);
    }
    xkl_xs *xs = xkl__xs(ctx);
    /* libxl leaves a driver domain's backend directory to the driver domain */
    if (rm_dir && xs && xkl_xs_rm(xs, XKL_XS_TX_NONE, r->be) < 0 && errno != ENOENT)
        xkl__log(ctx, "error: %s: remove %s: %s", what, r->be, xkl_xs_error(xs));
    xkl__device_rm_empty_parent(ctx, r->be);
    drop_rec(d, r);
}

/* Look at one backend directory and act on what it says now. */
static void consider(xkl_devd *d, const char *kname, uint32_t domid, unsigned devid)
{
    xkl_xs *xs = xkl__xs(d->ctx);
    if (!xs)
        return;
    char be[128];
    snprintf(be, sizeof be, "%s/%s/%u/%u", d->base, kname, domid, devid);
    struct rec *r = find(d, be);
    if (r)
        r->seen = true;
    char *state = node(xs, be, "state");
    if (!state) {
        /* dom0 writes a backend in one transaction, state with it: no
         * state, no device (or not yet) */
        if (r && errno == ENOENT)
            release(d, r, false);
        return;
    }
    char *online = node(xs, be, "online");
    bool closed = !strcmp(state, "6") && online && !strcmp(online, "0");
    free(state);
    free(online);
    if (r) {
        if (closed) {
            release(d, r, true);
            return;
        }
        /* the same path again, fresh (no hotplug-status yet, where our set
         * up always writes one: a detach and an attach of one vdev in one
         * burst): the old device's work goes, the new one is set up */
        bool ours = r->kind != K_OTHER && !r->script[0];   /* we wrote its status */
        char *hs = ours ? node(xs, be, "hotplug-status") : NULL;
        bool fresh = ours && (!hs || !*hs);
        free(hs);
        if (!fresh)
            return;
        release(d, r, false);
        r = NULL;
    }
    r = add_rec(d, kname, domid, devid, be);
    if (!r) {
        xkl__log(d->ctx, "error: %s: out of memory", be);
        return;
    }
    r->seen = true;
    char *hs = node(xs, be, "hotplug-status");
    bool done = hs && (!strcmp(hs, "connected") || !strcmp(hs, "error"));
    free(hs);
    if (done)
        adopt(d, r);
    else if (!closed)
        set_up(d, r);
    if (closed)
        release(d, r, true);
}

static bool number(const char *s, unsigned *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return false;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || v > 0xffffffffUL)
        return false;
    *out = (unsigned)v;
    return true;
}

/* Every backend directory there, and every record whose directory went. */
static int rescan(xkl_devd *d)
{
    xkl_xs *xs = xkl__xs(d->ctx);
    if (!xs)
        return -1;
    for (size_t i = 0; i < d->n; i++)
        d->recs[i].seen = false;
    unsigned nk = 0;
    char **kinds = xkl_xs_directory(xs, XKL_XS_TX_NONE, d->base, &nk);
    if (!kinds && errno != ENOENT)
        return xkl__err(d->ctx, errno, "devd: %s: %s", d->base, xkl_xs_error(xs));
    for (unsigned k = 0; kinds && k < nk; k++) {
        if (strlen(kinds[k]) >= sizeof d->recs[0].kname)
            continue;   /* no kind of ours, and its paths would not fit */
        char p[128];
        snprintf(p, sizeof p, "%s/%s", d->base, kinds[k]);
        unsigned nd = 0;
        char **doms = xkl_xs_directory(xs, XKL_XS_TX_NONE, p, &nd);
        for (unsigned i = 0; doms && i < nd; i++) {
            unsigned domid, devid;
            if (!number(doms[i], &domid))
                continue;
            char q[160];
            snprintf(q, sizeof q, "%s/%s", p, doms[i]);
            unsigned nv = 0;
            char **devs = xkl_xs_directory(xs, XKL_XS_TX_NONE, q, &nv);
            for (unsigned j = 0; devs && j < nv; j++)
                if (number(devs[j], &devid))
                    consider(d, kinds[k], domid, devid);
            free(devs);
        }
        free(doms);
    }
    free(kinds);
    /* records not seen: their directories are gone */
    for (size_t i = d->n; i-- > 0;)
        if (!d->recs[i].seen)
            release(d, &d->recs[i], false);
    return 0;
}

xkl_devd *xkl_devd_open(xkl_ctx *ctx)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs) {
        xkl__err_wrap(ctx, "devd");
        return NULL;
    }
    /* our own domain id: the relative node every domain has */
    char *id = xkl_xs_read(xs, XKL_XS_TX_NONE, "domid", NULL);
    unsigned self;
    if (!number(id, &self)) {
        xkl__err(ctx, id ? EINVAL : errno, "devd: this domain's id (xenstore node domid): %s",
                 id ? "not a number" : xkl_xs_error(xs));
        free(id);
        return NULL;
    }
    free(id);
    if (self == 0) {
        /* a second set-up of dom0's backends would fight xl's own */
        xkl__err(ctx, EINVAL, "devd: this is domain 0, whose toolstack sets up its own "
                 "backends as it creates them: run xl devd in a driver domain");
        return NULL;
    }
    xkl_devd *d = calloc(1, sizeof *d);
    if (!d) {
        xkl__err(ctx, ENOMEM, "devd: %s", strerror(ENOMEM));
        return NULL;
    }
    d->ctx = ctx;
    d->self = self;
    snprintf(d->base, sizeof d->base, "/local/domain/%u/backend", self);
    if (xkl_xs_watch(xs, d->base, DEVD_TOKEN) < 0) {
        xkl__err(ctx, errno, "devd: watch %s: %s", d->base, xkl_xs_error(xs));
        free(d);
        return NULL;
    }
    /* what is there already: set up, or taken back when connected */
    if (rescan(d) < 0) {
        xkl_devd_close(d);
        return NULL;
    }
    return d;
}

uint32_t xkl_devd_domid(const xkl_devd *d)
{
    return d->self;
}

int xkl_devd_fd(xkl_devd *d)
{
    xkl_xs *xs = xkl__xs(d->ctx);
    return xs ? xkl_xs_watch_fd(xs) : -1;
}

/* The backend a watch event is about: 1 (kind, domid, devid set), 0 an
 * event above any one device (rescan), -1 not ours. */
static int event_device(const xkl_devd *d, const char *path, char *kind, size_t klen,
                        unsigned *domid, unsigned *devid)
{
    size_t bl = strlen(d->base);
    if (strncmp(path, d->base, bl) != 0 || (path[bl] && path[bl] != '/'))
        return -1;
    const char *p = path + bl;
    if (!*p || !p[1])
        return 0;
    p++;
    const char *s = strchr(p, '/');
    if (!s || (size_t)(s - p) >= klen)
        return 0;
    memcpy(kind, p, (size_t)(s - p));
    kind[s - p] = 0;
    char a[16], b[16];
    const char *q = s + 1, *t = strchr(q, '/');
    size_t n = t ? (size_t)(t - q) : strlen(q);
    if (!n || n >= sizeof a)
        return 0;
    memcpy(a, q, n);
    a[n] = 0;
    if (!t)
        return 0;   /* a whole domain's directory of that kind */
    q = t + 1;
    t = strchr(q, '/');
    n = t ? (size_t)(t - q) : strlen(q);
    if (!n || n >= sizeof b)
        return 0;
    memcpy(b, q, n);
    b[n] = 0;
    if (!number(a, domid) || !number(b, devid))
        return -1;
    return 1;
}

int xkl_devd_process(xkl_devd *d, int timeout_ms)
{
    xkl_xs *xs = xkl__xs(d->ctx);
    if (!xs)
        return -1;
    /* a burst of events (a device's nodes come in one transaction, but a
     * directory removal fires for each watcher once) is handled once per
     * device */
    struct { char kind[16]; unsigned domid, devid; } seen[64];
    size_t ns = 0;
    bool all = false;
    int wait = timeout_ms;
    struct xkl_xs_event *ev;
    while ((ev = xkl_xs_read_watch(xs, wait))) {
        wait = 0;
        char k[16];
        unsigned dom, dev;
        int w = strcmp(ev->token, DEVD_TOKEN) ? -1 : event_device(d, ev->path, k, sizeof k, &dom, &dev);
        free(ev);
        if (w == 0 || (w == 1 && ns == sizeof seen / sizeof seen[0])) {
            all = true;
        } else if (w == 1 && !all) {
            size_t i;
            for (i = 0; i < ns; i++)
                if (seen[i].domid == dom && seen[i].devid == dev && !strcmp(seen[i].kind, k))
                    break;
            if (i == ns) {
                snprintf(seen[ns].kind, sizeof seen[ns].kind, "%s", k);
                seen[ns].domid = dom;
                seen[ns].devid = dev;
                ns++;
            }
        }
    }
    if (errno != EAGAIN && errno != ETIMEDOUT)
        return xkl__err(d->ctx, errno, "devd: watch %s: %s", d->base, xkl_xs_error(xs));
    if (all)
        return rescan(d);
    for (size_t i = 0; i < ns; i++)
        consider(d, seen[i].kind, seen[i].domid, seen[i].devid);
    return 0;
}

void xkl_devd_close(xkl_devd *d)
{
    if (!d)
        return;
    xkl_xs *xs = xkl__xs(d->ctx);
    if (xs)
        xkl_xs_unwatch(xs, d->base, DEVD_TOKEN);
    /* the devices stay as they are: a daemon started again takes them back */
    free(d->recs);
    free(d);
}
