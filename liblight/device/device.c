/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The generic half of every split-driver device: where its frontend and
 * backend live, the nodes and permissions libxl gives them, waiting for the
 * backend to reach a state (a watch, never polling), and taking a device
 * away. A device kind adds only its own nodes (see device.h).
 */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

void xkl__device_paths(const struct xkl__device *d, char fe[128], char be[128])
{
    if (d->kind->primary_at_top && d->devid == 0)
        snprintf(fe, 128, "/local/domain/%u/%s", d->domid, d->kind->frontend);
    else
        snprintf(fe, 128, "/local/domain/%u/device/%s/%u", d->domid, d->kind->frontend, d->devid);
    snprintf(be, 128, "/local/domain/%u/backend/%s/%u/%u", d->backend_domid, d->kind->name,
             d->domid, d->devid);
}

#define TRY(x) do { if ((x) < 0) { errno = ENOMEM; return -1; } } while (0)

int xkl__device_layout(struct xkl__layout *l, const struct xkl__device *d)
{
    char fe[128], be[128], num[16], bnum[16];
    xkl__device_paths(d, fe, be);
    bool primary = d->kind->primary_at_top && d->devid == 0;
    snprintf(num, sizeof num, "%u", d->domid);
    snprintf(bnum, sizeof bnum, "%u", d->backend_domid);
    /* the guest owns its end and the backend domain reads it; the backend
     * domain owns its end and the guest reads it */
    const struct xkl_xs_perm fperm[2] = { { d->domid, XKL_XS_PERM_NONE },
                                          { d->backend_domid, XKL_XS_PERM_READ } };
    const struct xkl_xs_perm bperm[2] = { { d->backend_domid, XKL_XS_PERM_NONE },
                                          { d->domid, XKL_XS_PERM_READ } };
    TRY(xkl__layout_rm(l, "%s", fe));
    TRY(xkl__layout_rm(l, "%s", be));
    TRY(xkl__layout_rm(l, "/libxl/%u/device/%s/%u", d->domid, d->kind->frontend, d->devid));

    /* frontend: the primary console's directory inherits the domain's, only
     * its backend-id is the guest's (and it has no state of its own) */
    if (!primary)
        TRY(xkl__layout_add(l, fperm, 2, NULL, "%s", fe));
    TRY(xkl__layout_add(l, NULL, 0, be, "%s/backend", fe));
    TRY(xkl__layout_add(l, fperm, primary ? 2 : 0, bnum, "%s/backend-id", fe));
    if (!primary)
        TRY(xkl__layout_add(l, NULL, 0, "1", "%s/state", fe));
    for (size_t i = 0; i < d->nfront; i++)
        TRY(xkl__layout_add(l, NULL, 0, d->front[i].value, "%s/%s", fe, d->front[i].key));

    /* backend */
    TRY(xkl__layout_add(l, bperm, 1, NULL, "/local/domain/%u/backend/%s/%u", d->backend_domid,
                        d->kind->name, d->domid));
    TRY(xkl__layout_add(l, bperm, 2, NULL, "%s", be));
    /* libxl's record repeats the backend's nodes and names the backend */
    char rec[128];
    snprintf(rec, sizeof rec, "/libxl/%u/device/%s/%u", d->domid, d->kind->frontend, d->devid);
    const char *base[2] = { be, rec };
    for (int b = 0; b < 2; b++) {
        TRY(xkl__layout_add(l, NULL, 0, fe, "%s/frontend", base[b]));
        if (b == 1)
            TRY(xkl__layout_add(l, NULL, 0, be, "%s/backend", base[b]));
        TRY(xkl__layout_add(l, NULL, 0, num, "%s/frontend-id", base[b]));
        TRY(xkl__layout_add(l, NULL, 0, "1", "%s/online", base[b]));
        TRY(xkl__layout_add(l, NULL, 0, "1", "%s/state", base[b]));
        for (size_t i = 0; i < d->nback; i++)
            TRY(xkl__layout_add(l, NULL, 0, d->back[i].value, "%s/%s", base[b], d->back[i].key));
    }
    return 0;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the backend said went wrong: its hotplug-error node, or the error
 * node xenbus drivers write under /local/domain/<backend>/error/. NULL if
 * neither (malloc'd). */
static void error_path(const struct xkl__device *d, char *buf, size_t len)
{
    snprintf(buf, len, "/local/domain/%u/error/backend/%s/%u/%u/error", d->backend_domid,
             d->kind->name, d->domid, d->devid);
}

static char *backend_error(xkl_xs *xs, const struct xkl__device *d, const char *be)
{
    char path[192];
    snprintf(path, sizeof path, "%s/hotplug-error", be);
    char *e = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
    if (e && *e)
        return e;
    free(e);
    error_path(d, path, sizeof path);
    e = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
    if (e && *e)
        return e;
    free(e);
    return NULL;
}

int xkl__device_wait_state(xkl_ctx *ctx, const struct xkl__device *d, unsigned state,
                           int timeout_ms, const char *op)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return -1;
    char fe[128], be[128], path[160], errpath[192], token[64];
    xkl__device_paths(d, fe, be);
    snprintf(path, sizeof path, "%s/state", be);
    error_path(d, errpath, sizeof errpath);
    snprintf(token, sizeof token, "xkl-device-%s-%u-%u", d->kind->name, d->domid, d->devid);
    /* the backend's directory (its state, its hotplug-error) and the
     * error node its driver may write: any change wakes the wait */
    if (xkl_xs_watch(xs, be, token) < 0)
        return xkl__err(ctx, errno, "%s %s %u of domain %u: %s", op, d->kind->name, d->devid,
                        d->domid, xkl_xs_error(xs));
    if (xkl_xs_watch(xs, errpath, token) < 0) {
        int e = errno;
        xkl__err(ctx, e, "%s %s %u of domain %u: %s", op, d->kind->name, d->devid, d->domid,
                 xkl_xs_error(xs));
        xkl_xs_unwatch(xs, be, token);
        errno = e;
        return -1;
    }
    long long deadline = now_ms() + timeout_ms;
    int r = -1, err = ETIMEDOUT;
    char *why = NULL;
    for (;;) {
        /* a watch fires once when set, then on every change: look first */
        char *v = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
        bool gone = !v && errno == ENOENT;
        char *end = NULL;
        unsigned long now = v ? strtoul(v, &end, 10) : 0;
        bool valid = v && end != v && !*end;
        free(v);
        /* a driver domain removes its backend once Closed (libxl's devd
         * and ours do): gone counts as Closed */
        if ((valid && now == state) || (gone && state == 6 && d->backend_domid != 0)) {
            r = 0;
            break;
        }
        /* closing, an error it reported before (a failed set-up) does not
         * stop it: only a wait for it to come up ends at an error */
        if (state != 6 && (why = backend_error(xs, d, be))) {
            err = EIO;
            break;
        }
        long long left = deadline - now_ms();
        if (left <= 0)
            break;
        struct xkl_xs_event *ev = xkl_xs_read_watch(xs, (int)left);
        if (!ev && errno != EAGAIN && errno != ETIMEDOUT) {
            err = errno;
            why = strdup(xkl_xs_error(xs));
            break;
        }
        free(ev);
    }
    xkl_xs_unwatch(xs, errpath, token);
    xkl_xs_unwatch(xs, be, token);
    /* drop events of this watch that came after the last look */
    struct xkl_xs_event *ev;
    while ((ev = xkl_xs_read_watch(xs, 0)))
        free(ev);
    if (r < 0) {
        if (why)
            xkl__err(ctx, err, "%s %s %u of domain %u: the backend reports: %s", op,
                     d->kind->name, d->devid, d->domid, why);
        else {
            /* a QEMU backend says why in its log, not in xenstore */
            char said[640] = "";
            if (!strcmp(d->kind->name, "qdisk") &&
                xkl__dm_said(ctx, d->domid, said + 2, sizeof said - 2) == 0)
                memcpy(said, "; ", 2);
            xkl__err(ctx, err, "%s %s %u of domain %u: the backend did not reach state %u in %d ms (%s)%s",
                     op, d->kind->name, d->devid, d->domid, state, timeout_ms, path, said);
        }
    }
    free(why);
    return r;
}

struct parent_arg {
    char dir[160];
};

static int rm_if_empty(xkl_xs *xs, xkl_xs_tx tx, void *arg)
{
    const struct parent_arg *a = arg;
    unsigned n = 0;
    char **v = xkl_xs_directory(xs, tx, a->dir, &n);
    if (!v)
        return errno == ENOENT ? 0 : -1;
    free(v);
    return n ? 0 : xkl_xs_rm(xs, tx, a->dir);
}

void xkl__device_rm_empty_parent(xkl_ctx *ctx, const char *path)
{
    struct parent_arg a;
    snprintf(a.dir, sizeof a.dir, "%s", path);
    char *slash = strrchr(a.dir, '/');
    xkl_xs *xs = xkl__xs(ctx);
    if (!slash || slash == a.dir || !xs)
        return;
    *slash = 0;
    int e = errno;
    xkl_xs_tx_retry(xs, 5, rm_if_empty, &a);
    errno = e;
}

/* A driver domain's backend that its daemon served (hotplug-status set)
 * is its daemon's to remove once Closed, after what it runs for the
 * removal (a script reading those nodes): given up to 5 s before dom0
 * removes it itself. Without a daemon there (no status), nothing waits. */
static void wait_driver_domain(xkl_xs *xs, const char *be)
{
    char path[160];
    snprintf(path, sizeof path, "%s/hotplug-status", be);
    char *hs = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
    bool served = hs && *hs;
    free(hs);
    if (!served)
        return;
    snprintf(path, sizeof path, "%s/state", be);
    for (int i = 0; i < 50; i++) {
        char *v = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
        bool gone = !v && errno == ENOENT;
        free(v);
        if (gone)
            return;
        struct timespec ts = { 0, 100 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
}

int xkl__device_remove(xkl_ctx *ctx, const struct xkl__device *d, int timeout_ms, bool force)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return -1;
    char fe[128], be[128], online[160], state[160], rec[128];
    xkl__device_paths(d, fe, be);
    snprintf(online, sizeof online, "%s/online", be);
    snprintf(state, sizeof state, "%s/state", be);
    snprintf(rec, sizeof rec, "/libxl/%u/device/%s/%u", d->domid, d->kind->frontend, d->devid);
    const struct xkl_xs_op close_ops[] = {
        { .kind = XKL_XS_OP_WRITE, .path = online, .data = "0", .len = 1 },
        { .kind = XKL_XS_OP_WRITE, .path = state, .data = "5", .len = 1 },
    };
    int r = 0;
    if (!force) {
        if (xkl_xs_batch(xs, XKL_XS_TX_NONE, close_ops, 2) < 0)
            return xkl__err(ctx, errno, "remove %s %u of domain %u: %s", d->kind->name, d->devid,
                            d->domid, xkl_xs_error(xs));
        r = xkl__device_wait_state(ctx, d, 6, timeout_ms, "remove");
        if (r == 0 && d->backend_domid != 0)
            wait_driver_domain(xs, be);
    }
    const struct xkl_xs_op rm_ops[] = {
        { .kind = XKL_XS_OP_RM, .path = fe, .missing_ok = 1 },
        { .kind = XKL_XS_OP_RM, .path = be, .missing_ok = 1 },
        { .kind = XKL_XS_OP_RM, .path = rec, .missing_ok = 1 },
    };
    /* a backend that did not close in time is still taken away: what it
     * holds in dom0 is released, its nodes go, and the error says it did
     * not answer */
    int e = errno;
    char keep[sizeof ctx->err];
    memcpy(keep, ctx->err, sizeof keep);
    if (d->kind->release && d->kind->release(ctx, d->domid, d->devid, be) < 0 && r == 0) {
        r = -1;
        e = errno;
        memcpy(keep, ctx->err, sizeof keep);
    }
    memcpy(ctx->err, keep, sizeof keep);
    if (xkl_xs_batch(xs, XKL_XS_TX_NONE, rm_ops, 3) < 0 && r == 0)
        return xkl__err(ctx, errno, "remove %s %u of domain %u: %s", d->kind->name, d->devid,
                        d->domid, xkl_xs_error(xs));
    /* the guest's directory of this kind in the backend domain goes with
     * its last device (dom0's is removed with the domain; a driver
     * domain's would stay) */
    if (d->backend_domid != 0)
        xkl__device_rm_empty_parent(ctx, be);
    errno = e;   /* the wait's, when it failed */
    return r;
}

const struct xkl__devkind *xkl__device_backend_parse(const char *path, uint32_t domid,
                                                     const char *frontend, unsigned devid,
                                                     uint32_t *bdom)
{
    unsigned b, d, id;
    char k[16];
    int end = -1;
    if (!path ||
        sscanf(path, "/local/domain/%u/backend/%15[^/]/%u/%u%n", &b, k, &d, &id, &end) != 4 ||
        end < 0 || path[end] || d != domid || id != devid)
        return NULL;
    const struct xkl__devkind *dk = xkl__devkind_find(k);
    if (!dk || strcmp(dk->frontend, frontend))
        return NULL;
    /* the numbers written plainly: "/local/domain/007/..." is not ours */
    char again[128];
    snprintf(again, sizeof again, "/local/domain/%u/backend/%s/%u/%u", b, k, d, id);
    if (strcmp(again, path))
        return NULL;
    *bdom = b;
    return dk;
}

int xkl__device_backend_find(struct xkl_ctx *ctx, uint32_t domid, const char *frontend,
                             unsigned devid, const struct xkl__devkind **kind, uint32_t *bdom,
                             const char *what, const char *name)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return xkl__err_wrap(ctx, "%s", what);
    char path[128];
    snprintf(path, sizeof path, "/libxl/%u/device/%s/%u/backend", domid, frontend, devid);
    char *be = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
    if (!be && errno == ENOENT) {
        snprintf(path, sizeof path, "/local/domain/%u/device/%s/%u/backend", domid, frontend,
                 devid);
        be = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
    }
    if (!be) {
        if (errno == ENOENT)
            return 0;
        return xkl__err(ctx, errno ? errno : EIO, "%s: %s: xenstore read %s: %s", what, name, path,
                        xkl_xs_error(xs));
    }
    const struct xkl__devkind *k = xkl__device_backend_parse(be, domid, frontend, devid, bdom);
    if (!k) {
        xkl__err(ctx, EINVAL, "%s: %s: %s names an unexpected backend %s", what, name, path, be);
        free(be);
        return -1;
    }
    free(be);
    *kind = k;
    return 1;
}

/* Does path exist? 1 yes, 0 no, -1 (errno) when xenstore cannot tell. */
static int node_exists(xkl_xs *xs, const char *path)
{
    char *v = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
    if (v) {
        free(v);
        return 1;
    }
    return errno == ENOENT ? 0 : -1;
}

int xkl__device_check_free(struct xkl_ctx *ctx, uint32_t domid, const char *frontend, unsigned devid,
                       uint32_t bdom, const char *what, const char *name)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return xkl__err_wrap(ctx, "%s", what);
    char path[128];
    int n = 0;
    snprintf(path, sizeof path, "/local/domain/%u/device/%s/%u", domid, frontend, devid);
    if ((n = node_exists(xs, path)) == 0) {
        snprintf(path, sizeof path, "/libxl/%u/device/%s/%u", domid, frontend, devid);
        n = node_exists(xs, path);
    }
    /* a backend whose frontend and record are gone is still live: in the
     * backend domain's directory or dom0's, of every kind of this frontend */
    for (const struct xkl__devkind *k = xkl__devkinds; n == 0 && k->name; k++) {
        if (strcmp(k->frontend, frontend))
            continue;
        for (int i = 0; i < (bdom ? 2 : 1) && n == 0; i++) {
            snprintf(path, sizeof path, "/local/domain/%u/backend/%s/%u/%u", i ? 0 : bdom,
                     k->name, domid, devid);
            n = node_exists(xs, path);
        }
    }
    if (n < 0)
        return xkl__err(ctx, errno ? errno : EIO, "%s: %s: xenstore read %s: %s", what, name, path,
                        xkl_xs_error(xs));
    if (n > 0)
        return xkl__err(ctx, EEXIST, "%s: %s: already in use (%s exists)", what, name, path);
    return 0;
}

void xkl__device_undo(struct xkl_ctx *ctx, const struct xkl__device *d)
{
    int e = errno;
    char keep[sizeof ctx->err];
    memcpy(keep, ctx->err, sizeof keep);
    xkl__device_remove(ctx, d, 0, true);
    memcpy(ctx->err, keep, sizeof keep);
    errno = e;
}

int xkl__random_bytes(struct xkl_ctx *ctx, uint8_t *buf, size_t n, const char *what)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(buf + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return xkl__err(ctx, errno, "%s: getrandom: %s", what, strerror(errno));
        got += (size_t)r;
    }
    return 0;
}
