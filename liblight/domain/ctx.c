/* The library context: owns the hypervisor handle and the xenstore
 * connection (both opened on first use), the error line and the options. */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    ctx->log = opts ? opts->log : NULL;
    ctx->log_arg = opts ? opts->log_arg : NULL;
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
    snprintf(buf, len, "%s", ctx->err);
    XKL__UNLOCK(ctx);
}

int xkl__err(xkl_ctx *ctx, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
    va_end(ap);
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
            xkl__err(ctx, errno, "%s", e);
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

char *xkl__xs_readf(xkl_ctx *ctx, const char *fmt, ...)
{
    char path[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return NULL;
    char *v = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
    if (!v)
        xkl__err_xs(ctx, "read");
    return v;
}

int xkl__xs_writef(xkl_ctx *ctx, xkl_xs_tx tx, const char *path, const char *fmt, ...)
{
    char val[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(val, sizeof val, fmt, ap);
    va_end(ap);
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

int xkl__err_wrap(xkl_ctx *ctx, const char *fmt, ...)
{
    int e = errno;
    char old[sizeof ctx->err], pre[256];
    memcpy(old, ctx->err, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    snprintf(ctx->err, sizeof ctx->err, "%s: %s", pre, old);
    errno = e;
    return -1;
}

void xkl__log(xkl_ctx *ctx, const char *fmt, ...)
{
    if (!ctx->log)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    ctx->log(ctx->log_arg, line);
}
