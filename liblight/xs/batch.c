/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Batches of requests (xkl_xs_batch): every request is sent before any
 * reply is read. xenstored answers in order, so a batch of N requests costs
 * one round trip instead of N. Every reply is collected, so nothing is left
 * pending on the handle, and the first failure is the one reported, by its
 * operation and path, in the same words as the single-request calls.
 */
#include "private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One request on the wire: what it was for, to name it if it fails. */
struct sent {
    struct xkl__pending *p;
    const char *op;
    const char *path;
    bool missing_ok;
};

/* "perm NUL perm NUL ..." into buf; its length, or -1 with errno. */
static ssize_t perms_payload(const struct xkl_xs_perm *perms, unsigned n, char *buf, size_t cap)
{
    size_t used = 0;
    for (unsigned i = 0; i < n; i++) {
        int w = xkl_xs_perm_format(&perms[i], buf + used, cap - used);
        if (w < 0)
            return -1;
        used += (size_t)w + 1;
    }
    return (ssize_t)used;
}

static const char *op_name(enum xkl_xs_op_kind k)
{
    switch (k) {
    case XKL_XS_OP_WRITE: return "write";
    case XKL_XS_OP_MKDIR: return "mkdir";
    case XKL_XS_OP_RM: return "rm";
    case XKL_XS_OP_SET_PERMS: return "set perms";
    }
    return "request";
}

static uint32_t op_type(enum xkl_xs_op_kind k)
{
    switch (k) {
    case XKL_XS_OP_WRITE: return XS_WRITE;
    case XKL_XS_OP_MKDIR: return XS_MKDIR;
    case XKL_XS_OP_RM: return XS_RM;
    case XKL_XS_OP_SET_PERMS: return XS_SET_PERMS;
    }
    return XS_INVALID;
}

/* Send one request of the batch (lock held); 0, or -1 with errno. */
static int send_one(xkl_xs *xs, xkl_xs_tx tx, enum xkl_xs_op_kind kind, const struct xkl_xs_op *o,
                    struct sent *s)
{
    char pb[XENSTORE_PAYLOAD_MAX];
    struct xkl__iov iov[2] = { { o->path, strlen(o->path) + 1 }, { NULL, 0 } };
    size_t niov = 1;
    s->op = op_name(kind);
    s->path = o->path;
    s->missing_ok = kind == XKL_XS_OP_RM && o->missing_ok;
    if (iov[0].len - 1 > XENSTORE_ABS_PATH_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (kind == XKL_XS_OP_WRITE && o->len) {
        iov[1] = (struct xkl__iov){ o->data, o->len };
        niov = 2;
    } else if (kind == XKL_XS_OP_SET_PERMS) {
        ssize_t n = o->nperms ? perms_payload(o->perms, o->nperms, pb, sizeof pb) : -1;
        if (n < 0) {
            errno = EINVAL;
            return -1;
        }
        iov[1] = (struct xkl__iov){ pb, (size_t)n };
        niov = 2;
    }
    s->p = xkl__xs_send_locked(xs, tx, op_type(kind), iov, niov);
    return s->p ? 0 : -1;
}

/* One reply of the batch; the first failure is the batch's. */
static void collect(xkl_xs *xs, struct sent *s, int *err, const char **err_op,
                    const char **err_path)
{
    char *body = NULL;
    if (xkl__xs_wait_locked(xs, s->p, &body, NULL) == 0) {
        free(body);
    } else if (!*err && !(s->missing_ok && errno == ENOENT)) {
        *err = errno ? errno : EIO;
        *err_op = s->op;
        *err_path = s->path;
    }
    s->p = NULL;
}

int xkl_xs_batch(xkl_xs *xs, xkl_xs_tx tx, const struct xkl_xs_op *ops, size_t n)
{
    struct sent *sent = calloc(2 * n + 1, sizeof *sent);
    if (!sent) {
        xkl__xs_set_error(xs, ENOMEM, "batch", NULL);
        errno = ENOMEM;
        return -1;
    }
    pthread_mutex_lock(&xs->lock);
    /* Linux's /dev/xen/xenbus hands a request's payload to its xenbus
     * thread without copying it, from the buffer the next write() fills:
     * requests sent back to back there can reach xenstored mixed up (seen
     * as EINVAL from a driver domain). There, one request at a time. */
    bool one_by_one = xs->xenbus;
    size_t ns = 0;
    int err = 0;
    const char *err_op = NULL, *err_path = NULL;
    /* a local failure stops the sending; a reply's failure (one by one)
     * does not, as when every request went out before the first reply */
    for (size_t i = 0; i < n; i++) {
        const struct xkl_xs_op *o = &ops[i];
        if (!o->path) {
            if (!err)
                err = EINVAL, err_op = op_name(o->kind), err_path = "(null)";
            break;
        }
        if (send_one(xs, tx, o->kind, o, &sent[ns]) < 0) {
            if (!err)
                err = errno, err_op = sent[ns].op, err_path = sent[ns].path;
            break;
        }
        if (one_by_one) {
            xs->stats.round_trips++;
            collect(xs, &sent[ns], &err, &err_op, &err_path);
            /* a request that timed out may still sit in the device:
             * nothing more is written after it */
            if (err == ETIMEDOUT || err == ECONNRESET) {
                ns++;
                break;
            }
        }
        ns++;
        if (o->nperms && (o->kind == XKL_XS_OP_WRITE || o->kind == XKL_XS_OP_MKDIR)) {
            if (send_one(xs, tx, XKL_XS_OP_SET_PERMS, o, &sent[ns]) < 0) {
                if (!err)
                    err = errno, err_op = sent[ns].op, err_path = sent[ns].path;
                break;
            }
            if (one_by_one) {
                xs->stats.round_trips++;
                collect(xs, &sent[ns], &err, &err_op, &err_path);
                if (err == ETIMEDOUT || err == ECONNRESET) {
                    ns++;
                    break;
                }
            }
            ns++;
        }
    }
    /* all in flight at once: one round trip */
    if (!one_by_one && ns > 0)
        xs->stats.round_trips++;
    /* collect every reply, also after a failure: none stays pending */
    for (size_t i = 0; i < ns; i++)
        if (sent[i].p)
            collect(xs, &sent[i], &err, &err_op, &err_path);
    if (err)
        xkl__xs_set_error_locked(xs, err, err_op, err_path);
    pthread_mutex_unlock(&xs->lock);
    free(sent);
    errno = err;
    return err ? -1 : 0;
}
