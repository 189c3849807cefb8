/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The library context: owns the hypervisor handle and the xenstore
 * connection (both opened on first use), the error line and the options. */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* xkl__vfmt for a line that may be cut; errno kept. */
static void fmt(char *buf, size_t len, const char *f, ...) __attribute__((format(printf, 3, 4)));

xkl_ctx *xkl_ctx_open(const struct xkl_ctx_opts *opts, char *err, size_t errlen)
{
    xkl_ctx *ctx = calloc(1, sizeof(*ctx));
    const char *dir = opts && opts->state_dir ? opts->state_dir : XK_STATEDIR;
    if (!ctx || !(ctx->state_dir = strdup(dir))) {
        int e = errno;
        if (err && errlen)
            snprintf(err, errlen, "open context: %s", strerror(e));
        free(ctx);
        errno = e;
        return NULL;
    }
    ctx->fault_step = opts ? opts->fault_step : 0;
    ctx->fault_point = opts ? opts->fault_point : 0;
    ctx->log = opts ? opts->log : NULL;
    ctx->log_arg = opts ? opts->log_arg : NULL;
    if (opts && opts->host)
        ctx->host = *opts->host;
    else
        xkl_host_conf_init(&ctx->host);
    pthread_mutex_init(&ctx->lock, NULL);
    return ctx;
}

void xkl_ctx_close(xkl_ctx *ctx)
{
    if (!ctx)
        return;
    xkl_xs_close(ctx->ev_xs);
    xkl_xs_close(ctx->xs);
    xkc_close(ctx->xc);
    free(ctx->known);
    free(ctx->state_dir);
    pthread_mutex_destroy(&ctx->lock);
    free(ctx);
}

const char *xkl_ctx_error(const xkl_ctx *ctx)
{
    return ctx->err;
}

void xkl_ctx_error_copy(xkl_ctx *ctx, char *buf, size_t len)
{
    if (!len)
        return;
    XKL__LOCK(ctx);
    fmt(buf, len, "%s", ctx->err);
    XKL__UNLOCK(ctx);
}

int xkl__vfmt(char *buf, size_t len, const char *f, va_list ap)
{
    int n = vsnprintf(buf, len, f, ap);
    if (n < 0 || (size_t)n >= len) {
        errno = n < 0 ? EINVAL : ENAMETOOLONG;
        return -1;
    }
    return 0;
}

static void fmt(char *buf, size_t len, const char *f, ...)
{
    int e = errno;
    va_list ap;
    va_start(ap, f);
    xkl__vfmt(buf, len, f, ap);   /* a long line is cut, that is all */
    va_end(ap);
    errno = e;
}

int xkl__why(char *why, size_t len, int errnum, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    if (why && len)
        vsnprintf(why, len, f, ap);
    va_end(ap);
    errno = errnum;
    return -1;
}

int xkl__err(xkl_ctx *ctx, int errnum, const char *f, ...)
{
    /* into a copy first: an argument may be ctx->err itself */
    char line[sizeof ctx->err];
    va_list ap;
    va_start(ap, f);
    xkl__vfmt(line, sizeof line, f, ap);
    va_end(ap);
    memcpy(ctx->err, line, sizeof line);
    errno = errnum;
    return -1;
}

int xkl__err_xc(xkl_ctx *ctx, const char *what)
{
    int e = errno ? errno : EIO;
    return xkl__err(ctx, e, "%s: %s", what, ctx->xc ? xkc_error(ctx->xc) : strerror(e));
}

int xkl__err_xs(xkl_ctx *ctx, const char *what)
{
    int e = errno ? errno : EIO;
    return xkl__err(ctx, e, "%s: %s", what, ctx->xs ? xkl_xs_error(ctx->xs) : strerror(e));
}

xkc_handle *xkl__xc(xkl_ctx *ctx)
{
    if (!ctx->xc) {
        char e[512];
        ctx->xc = xkc_open(e, sizeof e);
        if (!ctx->xc) {
            xkl__err(ctx, errno ? errno : EIO, "%s", e);
            return NULL;
        }
    }
    return ctx->xc;
}

xkl_xs *xkl__xs(xkl_ctx *ctx)
{
    if (!ctx->xs) {
        ctx->xs = xkl_xs_open(0);
        if (!ctx->xs) {
            xkl__err(ctx, errno, "connect to xenstored: %s", strerror(errno));
            return NULL;
        }
    }
    return ctx->xs;
}

#define XS_WINDOW 64

/* Read every paths[i] (NULL: skipped) into vals[i] (NULL when the node is
 * missing), XS_WINDOW requests in flight at a time. Every request sent is
 * collected, also after a failure. 0, or -1 with the context's error. */
int xkl__xs_read_all(xkl_ctx *ctx, xkl_xs *xs, char *const *paths, char **vals, size_t n,
                     const char *what)
{
    uint32_t ids[XS_WINDOW];
    size_t at[XS_WINDOW];
    int fail = 0;
    for (size_t i = 0; i < n; i++)
        vals[i] = NULL;
    /* one at a time through /dev/xen/xenbus (see xkl_xs_send) */
    size_t window = xkl_xs_is_xenbus(xs) ? 1 : XS_WINDOW;
    for (size_t done = 0; done < n && !fail;) {
        size_t k = 0, i = done;
        for (; i < n && k < window; i++) {
            if (!paths[i])
                continue;
            if (xkl_xs_send(xs, XKL_XS_TX_NONE, XS_READ, paths[i], strlen(paths[i]) + 1,
                            &ids[k]) < 0) {
                fail = xkl__err(ctx, errno ? errno : EIO, "%s: xenstore read %s: %s", what,
                                paths[i], strerror(errno ? errno : EIO));
                break;
            }
            at[k++] = i;
        }
        done = i;
        for (size_t j = 0; j < k; j++) {
            char *v = xkl_xs_recv(xs, ids[j], NULL);
            int e = errno;
            if (v)
                vals[at[j]] = v;
            else if (e != ENOENT && e != EACCES && !fail)
                fail = xkl__err(ctx, e ? e : EIO, "%s: xenstore read %s: %s", what,
                                paths[at[j]], strerror(e ? e : EIO));
        }
    }
    if (fail)
        for (size_t i = 0; i < n; i++) {
            free(vals[i]);
            vals[i] = NULL;
        }
    return fail;
}

char *xkl__xs_readf(xkl_ctx *ctx, const char *f, ...)
{
    char path[256];
    va_list ap;
    va_start(ap, f);
    int r = xkl__vfmt(path, sizeof path, f, ap);
    va_end(ap);
    if (r < 0) {
        xkl__err(ctx, ENAMETOOLONG, "read %s...: path too long", path);
        return NULL;
    }
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return NULL;
    char *v = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
    if (!v)
        xkl__err_xs(ctx, "read");
    return v;
}

int xkl__xs_writef(xkl_ctx *ctx, xkl_xs_tx tx, const char *path, const char *f, ...)
{
    char val[256];
    va_list ap;
    va_start(ap, f);
    int r = xkl__vfmt(val, sizeof val, f, ap);
    va_end(ap);
    if (r < 0)
        return xkl__err(ctx, ENAMETOOLONG, "write %s: value too long", path);
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return -1;
    if (xkl_xs_write(xs, tx, path, val, strlen(val)) < 0)
        return xkl__err_xs(ctx, "write");
    return 0;
}

char *xkl__vm_path(xkl_ctx *ctx, uint32_t domid)
{
    return xkl__xs_readf(ctx, "/local/domain/%u/vm", domid);
}

int xkl__err_wrap(xkl_ctx *ctx, const char *f, ...)
{
    int e = errno;
    char old[sizeof ctx->err], pre[256];
    memcpy(old, ctx->err, sizeof old);
    va_list ap;
    va_start(ap, f);
    xkl__vfmt(pre, sizeof pre, f, ap);
    va_end(ap);
    fmt(ctx->err, sizeof ctx->err, "%s: %s", pre, old);
    errno = e;
    return -1;
}

void xkl__log(xkl_ctx *ctx, const char *f, ...)
{
    if (!ctx->log)
        return;
    int e = errno;
    char line[512];
    va_list ap;
    va_start(ap, f);
    xkl__vfmt(line, sizeof line, f, ap);
    va_end(ap);
    ctx->log(ctx->log_arg, line);
    errno = e;
}

void xkl_ctx_set_trace(xkl_ctx *ctx, int on)
{
    XKL__LOCK(ctx);
    ctx->trace = on != 0;
    XKL__UNLOCK(ctx);
}
