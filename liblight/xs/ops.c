/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xenstore operations: one function per request type, each building its
 * payload, sending it through xkl__xs_request() and parsing the reply with the
 * codec. Error messages name the operation and the path or domain.
 */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STR(s) {(s), strlen(s) + 1}

/* Fail a call before anything is sent (bad arguments, local checks). */
static int fail(xkl_xs *xs, int err, const char *op, const char *what)
{
    xkl__xs_set_error(xs, err, op, what);
    errno = err;
    return -1;
}

static int parse_failed(xkl_xs *xs, const char *op, const char *what)
{
    int e = errno;
    return fail(xs, e ? e : EBADMSG, op, what);
}

/* Simple requests whose reply is "OK". */
static int request_ok(xkl_xs *xs, xkl_xs_tx tx, uint32_t type,
                      const struct xkl__iov *iov, size_t niov, const char *op,
                      const char *what)
{
    char *body;
    uint32_t len;
    if (xkl__xs_request(xs, tx, type, iov, niov, &body, &len, op, what) < 0)
        return -1;
    int r = xkl__wire_parse_ok(body, len);
    free(body);
    return r < 0 ? parse_failed(xs, op, what) : 0;
}

static int check_path(xkl_xs *xs, const char *path, const char *op)
{
    if (!path)
        return fail(xs, EINVAL, op, "(null)");
    /* Don't let the daemon kill the connection for an oversized payload. */
    if (strlen(path) > XENSTORE_ABS_PATH_MAX)
        return fail(xs, ENAMETOOLONG, op, "(path too long)");
    return 0;
}

char *xkl_xs_read(xkl_xs *xs, xkl_xs_tx tx, const char *path, size_t *len)
{
    if (check_path(xs, path, "read") < 0)
        return NULL;
    struct xkl__iov iov[] = {STR(path)};
    char *body;
    uint32_t l;
    if (xkl__xs_request(xs, tx, XS_READ, iov, 1, &body, &l, "read", path) < 0)
        return NULL;
    if (len)
        *len = l;
    return body;
}

int xkl_xs_write(xkl_xs *xs, xkl_xs_tx tx, const char *path, const void *data,
                 size_t len)
{
    if (check_path(xs, path, "write") < 0)
        return -1;
    if (strlen(path) + 1 + len > XENSTORE_PAYLOAD_MAX)
        return fail(xs, E2BIG, "write", path);
    struct xkl__iov iov[] = {STR(path), {data, len}};
    return request_ok(xs, tx, XS_WRITE, iov, 2, "write", path);
}

int xkl_xs_mkdir(xkl_xs *xs, xkl_xs_tx tx, const char *path)
{
    if (check_path(xs, path, "mkdir") < 0)
        return -1;
    struct xkl__iov iov[] = {STR(path)};
    return request_ok(xs, tx, XS_MKDIR, iov, 1, "mkdir", path);
}

int xkl_xs_rm(xkl_xs *xs, xkl_xs_tx tx, const char *path)
{
    if (check_path(xs, path, "rm") < 0)
        return -1;
    struct xkl__iov iov[] = {STR(path)};
    return request_ok(xs, tx, XS_RM, iov, 1, "rm", path);
}

/* Directory too big for one reply: collect it with DIRECTORY_PART, starting
 * over when the node changes between chunks (generation count differs). */
static char **directory_part(xkl_xs *xs, xkl_xs_tx tx, const char *path,
                             unsigned *num)
{
    for (int attempt = 0; attempt < 16; attempt++) {
        char *acc = NULL;
        size_t acc_len = 0;
        unsigned long long gen0 = 0;
        bool changed = false, last = false;
        while (!last) {
            char off[24];
            snprintf(off, sizeof off, "%zu", acc_len);
            struct xkl__iov iov[] = {STR(path), STR(off)};
            char *body;
            uint32_t len;
            if (xkl__xs_request(xs, tx, XS_DIRECTORY_PART, iov, 2, &body, &len,
                           "directory", path) < 0) {
                free(acc);
                return NULL;
            }
            unsigned long long gen;
            const char *names;
            size_t nlen;
            if (xkl__wire_parse_dirpart(body, len, &gen, &names, &nlen, &last) < 0) {
                free(body);
                free(acc);
                parse_failed(xs, "directory", path);
                return NULL;
            }
            if (acc_len && gen != gen0) {
                free(body);
                changed = true;
                break;
            }
            gen0 = gen;
            if (nlen == 0 && !last) {
                /* no progress and no end marker: the daemon misbehaves */
                free(body);
                free(acc);
                fail(xs, EBADMSG, "directory", path);
                return NULL;
            }
            char *n = realloc(acc, acc_len + nlen + 1);
            if (!n) {
                free(body);
                free(acc);
                fail(xs, ENOMEM, "directory", path);
                return NULL;
            }
            acc = n;
            memcpy(acc + acc_len, names, nlen);
            acc_len += nlen;
            free(body);
        }
        if (changed) {
            free(acc);
            continue;
        }
        char **vec = xkl__wire_parse_strings(acc ? acc : "", acc_len, num);
        free(acc);
        if (!vec)
            parse_failed(xs, "directory", path);
        return vec;
    }
    fail(xs, EAGAIN, "directory", path);
    return NULL;
}

char **xkl_xs_directory(xkl_xs *xs, xkl_xs_tx tx, const char *path, unsigned *num)
{
    if (check_path(xs, path, "directory") < 0)
        return NULL;
    struct xkl__iov iov[] = {STR(path)};
    char *body;
    uint32_t len;
    if (xkl__xs_request(xs, tx, XS_DIRECTORY, iov, 1, &body, &len, "directory", path) < 0) {
        if (errno != E2BIG)
            return NULL;
        char **vec = directory_part(xs, tx, path, num);
        if (!vec && (errno == ENOSYS || errno == EINVAL)) /* e.g. oxenstored 4.17 */
            fail(xs, E2BIG, "directory",
                 path); /* the listing's size, not the fallback, is the problem */
        return vec;
    }
    unsigned n;
    char **vec = xkl__wire_parse_strings(body, len, &n);
    free(body);
    if (!vec) {
        parse_failed(xs, "directory", path);
        return NULL;
    }
    if (num)
        *num = n;
    return vec;
}

struct xkl_xs_perm *xkl_xs_get_perms(xkl_xs *xs, xkl_xs_tx tx, const char *path,
                                     unsigned *num)
{
    if (check_path(xs, path, "get perms") < 0)
        return NULL;
    struct xkl__iov iov[] = {STR(path)};
    char *body;
    uint32_t len;
    if (xkl__xs_request(xs, tx, XS_GET_PERMS, iov, 1, &body, &len, "get perms", path) < 0)
        return NULL;
    unsigned n = 0;
    struct xkl_xs_perm *p = xkl__wire_parse_perms(body, len, &n);
    free(body);
    if (!p) {
        parse_failed(xs, "get perms", path);
        return NULL;
    }
    if (num)
        *num = n;
    return p;
}

int xkl_xs_set_perms(xkl_xs *xs, xkl_xs_tx tx, const char *path,
                     const struct xkl_xs_perm *perms, unsigned num)
{
    if (check_path(xs, path, "set perms") < 0)
        return -1;
    if (num == 0 || !perms)
        return fail(xs, EINVAL, "set perms", path);
    /* path| then each perm| — built in one buffer the size of a payload. */
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t used = 0;
    for (unsigned i = 0; i < num; i++) {
        int n = xkl_xs_perm_format(&perms[i], buf + used, sizeof buf - used);
        if (n < 0)
            return fail(xs, errno == ENOSPC ? E2BIG : errno, "set perms", path);
        used += (size_t)n + 1;
    }
    struct xkl__iov iov[] = {STR(path), {buf, used}};
    return request_ok(xs, tx, XS_SET_PERMS, iov, 2, "set perms", path);
}

int xkl_xs_watch(xkl_xs *xs, const char *path, const char *token)
{
    if (check_path(xs, path, "watch") < 0)
        return -1;
    if (!token)
        return fail(xs, EINVAL, "watch", path);
    struct xkl__iov iov[] = {STR(path), STR(token)};
    return request_ok(xs, XKL_XS_TX_NONE, XS_WATCH, iov, 2, "watch", path);
}

int xkl_xs_unwatch(xkl_xs *xs, const char *path, const char *token)
{
    if (check_path(xs, path, "unwatch") < 0)
        return -1;
    if (!token)
        return fail(xs, EINVAL, "unwatch", path);
    struct xkl__iov iov[] = {STR(path), STR(token)};
    return request_ok(xs, XKL_XS_TX_NONE, XS_UNWATCH, iov, 2, "unwatch", path);
}

int xkl_xs_reset_watches(xkl_xs *xs)
{
    struct xkl__iov iov[] = {{"", 1}};
    return request_ok(xs, XKL_XS_TX_NONE, XS_RESET_WATCHES, iov, 1,
                      "reset watches", NULL);
}

int xkl_xs_tx_start(xkl_xs *xs, xkl_xs_tx *tx)
{
    struct xkl__iov iov[] = {{"", 1}};
    char *body;
    uint32_t len;
    if (xkl__xs_request(xs, XKL_XS_TX_NONE, XS_TRANSACTION_START, iov, 1, &body, &len,
                   "transaction start", NULL) < 0)
        return -1;
    unsigned long id;
    int r = xkl__wire_parse_uint(body, len, &id);
    free(body);
    if (r < 0 || id == 0 || id > UINT32_MAX)
        return fail(xs, EBADMSG, "transaction start", NULL);
    *tx = (xkl_xs_tx)id;
    return 0;
}

int xkl_xs_tx_end(xkl_xs *xs, xkl_xs_tx tx, int abort)
{
    char what[32];
    snprintf(what, sizeof what, "%u", tx);
    if (tx == XKL_XS_TX_NONE)
        return fail(xs, EINVAL, "transaction end", what);
    struct xkl__iov iov[] = {STR(abort ? "F" : "T")};
    return request_ok(xs, tx, XS_TRANSACTION_END, iov, 1, "transaction end", what);
}

int xkl_xs_tx_retry(xkl_xs *xs, unsigned max_tries, xkl_xs_tx_fn *fn, void *arg)
{
    if (!fn || max_tries == 0)
        return fail(xs, EINVAL, "transaction", NULL);
    for (unsigned i = 0; i < max_tries; i++) {
        xkl_xs_tx tx;
        if (xkl_xs_tx_start(xs, &tx) < 0)
            return -1;
        if (fn(xs, tx, arg) < 0) {
            int e = errno;
            char saved[sizeof xs->err];
            xkl_xs_error_copy(xs, saved, sizeof saved);
            xkl_xs_tx_end(xs, tx, 1);
            if (e == EAGAIN)
                continue;
            /* keep fn's message, not the abort's */
            pthread_mutex_lock(&xs->lock);
            snprintf(xs->err, sizeof xs->err, "%s", saved);
            pthread_mutex_unlock(&xs->lock);
            errno = e;
            return -1;
        }
        if (xkl_xs_tx_end(xs, tx, 0) == 0)
            return 0;
        if (errno != EAGAIN)
            return -1;
    }
    char what[48];
    snprintf(what, sizeof what, "(gave up after %u conflicts)", max_tries);
    return fail(xs, EAGAIN, "transaction", what);
}

static int domid_request(xkl_xs *xs, uint32_t type, const char *op, unsigned domid,
                         const char *extra1, const char *extra2, char **body,
                         uint32_t *len)
{
    char d[16], what[32];
    snprintf(d, sizeof d, "%u", domid);
    snprintf(what, sizeof what, "domain %u", domid);
    struct xkl__iov iov[3] = {STR(d)};
    size_t n = 1;
    if (extra1)
        iov[n++] = (struct xkl__iov)STR(extra1);
    if (extra2)
        iov[n++] = (struct xkl__iov)STR(extra2);
    return xkl__xs_request(xs, XKL_XS_TX_NONE, type, iov, n, body, len, op, what);
}

static int domid_ok(xkl_xs *xs, uint32_t type, const char *op, unsigned domid,
                    const char *e1, const char *e2)
{
    char *body;
    uint32_t len;
    if (domid_request(xs, type, op, domid, e1, e2, &body, &len) < 0)
        return -1;
    int r = xkl__wire_parse_ok(body, len);
    free(body);
    if (r < 0) {
        char what[32];
        snprintf(what, sizeof what, "domain %u", domid);
        return parse_failed(xs, op, what);
    }
    return 0;
}

int xkl_xs_introduce(xkl_xs *xs, unsigned domid, unsigned long mfn, unsigned evtchn)
{
    char m[24], e[16];
    snprintf(m, sizeof m, "%lu", mfn);
    snprintf(e, sizeof e, "%u", evtchn);
    return domid_ok(xs, XS_INTRODUCE, "introduce", domid, m, e);
}

int xkl_xs_release(xkl_xs *xs, unsigned domid)
{
    return domid_ok(xs, XS_RELEASE, "release", domid, NULL, NULL);
}

int xkl_xs_resume(xkl_xs *xs, unsigned domid)
{
    return domid_ok(xs, XS_RESUME, "resume", domid, NULL, NULL);
}

int xkl_xs_set_target(xkl_xs *xs, unsigned domid, unsigned target)
{
    char t[16];
    snprintf(t, sizeof t, "%u", target);
    return domid_ok(xs, XS_SET_TARGET, "set target", domid, t, NULL);
}

int xkl_xs_is_introduced(xkl_xs *xs, unsigned domid)
{
    char *body;
    uint32_t len;
    if (domid_request(xs, XS_IS_DOMAIN_INTRODUCED, "is introduced", domid, NULL,
                      NULL, &body, &len) < 0)
        return -1;
    bool v;
    int r = xkl__wire_parse_bool(body, len, &v);
    free(body);
    if (r < 0)
        return parse_failed(xs, "is introduced", NULL);
    return v;
}

char *xkl_xs_get_domain_path(xkl_xs *xs, unsigned domid)
{
    char *body;
    uint32_t len;
    if (domid_request(xs, XS_GET_DOMAIN_PATH, "get domain path", domid, NULL, NULL,
                      &body, &len) < 0)
        return NULL;
    char *p = xkl__wire_parse_string(body, len);
    free(body);
    if (!p)
        parse_failed(xs, "get domain path", NULL);
    return p;
}

/*
 * Optional requests. Daemons that predate them answer EINVAL (C xenstored:
 * unknown type) or ENOSYS; both are reported as ENOSYS so callers can tell
 * "unsupported" from a real failure.
 */
static int optional_request(xkl_xs *xs, uint32_t type, const char *op,
                            const struct xkl__iov *iov, size_t niov,
                            unsigned long *val)
{
    char *body;
    uint32_t len;
    if (xkl__xs_request(xs, XKL_XS_TX_NONE, type, iov, niov, &body, &len, op, NULL) < 0) {
        if (errno == EINVAL || errno == ENOSYS)
            return fail(xs, ENOSYS, op, "(not supported by this xenstored)");
        return -1;
    }
    int r = val ? xkl__wire_parse_uint(body, len, val) : xkl__wire_parse_ok(body, len);
    free(body);
    return r < 0 ? parse_failed(xs, op, NULL) : 0;
}

int xkl_xs_get_feature(xkl_xs *xs, int domid, uint32_t *features)
{
    char d[16];
    snprintf(d, sizeof d, "%d", domid);
    struct xkl__iov iov[] = {STR(d)};
    unsigned long v;
    if (optional_request(xs, XKL__TYPE_GET_FEATURE, "get feature", iov,
                         domid < 0 ? 0 : 1, &v) < 0)
        return -1;
    *features = (uint32_t)v;
    return 0;
}

int xkl_xs_set_feature(xkl_xs *xs, unsigned domid, uint32_t features)
{
    char d[16], f[16];
    snprintf(d, sizeof d, "%u", domid);
    snprintf(f, sizeof f, "%u", features);
    struct xkl__iov iov[] = {STR(d), STR(f)};
    return optional_request(xs, XKL__TYPE_SET_FEATURE, "set feature", iov, 2, NULL);
}

int xkl_xs_get_quota(xkl_xs *xs, int domid, const char *name, unsigned *value)
{
    if (!name)
        return fail(xs, EINVAL, "get quota", NULL);
    char d[16];
    snprintf(d, sizeof d, "%d", domid);
    struct xkl__iov iov[2];
    size_t n = 0;
    if (domid >= 0)
        iov[n++] = (struct xkl__iov)STR(d);
    iov[n++] = (struct xkl__iov)STR(name);
    unsigned long v;
    if (optional_request(xs, XKL__TYPE_GET_QUOTA, "get quota", iov, n, &v) < 0)
        return -1;
    *value = (unsigned)v;
    return 0;
}

int xkl_xs_set_quota(xkl_xs *xs, int domid, const char *name, unsigned value)
{
    if (!name)
        return fail(xs, EINVAL, "set quota", NULL);
    char d[16], v[16];
    snprintf(d, sizeof d, "%d", domid);
    snprintf(v, sizeof v, "%u", value);
    struct xkl__iov iov[3];
    size_t n = 0;
    if (domid >= 0)
        iov[n++] = (struct xkl__iov)STR(d);
    iov[n++] = (struct xkl__iov)STR(name);
    iov[n++] = (struct xkl__iov)STR(v);
    return optional_request(xs, XKL__TYPE_SET_QUOTA, "set quota", iov, n, NULL);
}
