/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxklight, xenstore area: the client (xkl_xs_*).
 * Included by <xkit/light.h>; may be included alone.
 */
#ifndef XKIT_LIGHT_XS_H
#define XKIT_LIGHT_XS_H

#include <xkit/light/api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Owned by liblight/xs/. */
/*
 * A connection to xenstored over its unix socket or /dev/xen/xenbus. One
 * mutex per handle: threads may share a handle. Every call returns -1 or
 * NULL with errno set on failure and leaves a message naming the operation
 * and path in xkl_xs_error(), e.g.
 * "xenstore write /local/domain/0/foo: Permission denied (EACCES)".
 * Returned memory is malloc'd and released with free().
 */
#include <stddef.h>
#include <stdint.h>

typedef struct xkl_xs xkl_xs;
typedef uint32_t xkl_xs_tx;   /* transaction id; XKL_XS_TX_NONE outside one */
#define XKL_XS_TX_NONE 0u

/* xkl_xs_open() flags; 0 tries the socket first, then the xenbus device. */
#define XKL_XS_OPEN_SOCKET 1u /* only the unix socket ($XENSTORED_PATH, /run, /var/run) */
#define XKL_XS_OPEN_XENBUS 2u /* only /dev/xen/xenbus */

XKL_API xkl_xs *xkl_xs_open(unsigned flags);
/* Connect to an explicit socket path or xenbus device node. */
XKL_API xkl_xs *xkl_xs_open_path(const char *path);
XKL_API void xkl_xs_close(xkl_xs *xs);
/* Message of the handle's last failure ("" if none). With several threads
 * on one handle use xkl_xs_error_copy(). */
XKL_API const char *xkl_xs_error(const xkl_xs *xs);
XKL_API void xkl_xs_error_copy(xkl_xs *xs, char *buf, size_t len);
/* Reply timeout in ms (default 30000; -1 waits forever). */
XKL_API void xkl_xs_set_timeout(xkl_xs *xs, int ms);
/* Counters, cumulative since the handle was opened: requests sent, round
 * trips (a request and its reply; a batch, its requests all in flight, is
 * one; raw xkl_xs_send requests are not counted as any), watch events
 * received. */
struct xkl_xs_stats {
    uint64_t requests;
    uint64_t round_trips;
    uint64_t watch_events;
};
XKL_API void xkl_xs_stats(xkl_xs *xs, struct xkl_xs_stats *st);
/* 1 when connected through /dev/xen/xenbus, 0 through the socket. */
XKL_API int xkl_xs_is_xenbus(const xkl_xs *xs);

/* Value of path, NUL-terminated for convenience; *len (may be NULL) excludes it. */
XKL_API char *xkl_xs_read(xkl_xs *xs, xkl_xs_tx tx, const char *path, size_t *len);
XKL_API int xkl_xs_write(xkl_xs *xs, xkl_xs_tx tx, const char *path,
                         const void *data, size_t len);
XKL_API int xkl_xs_mkdir(xkl_xs *xs, xkl_xs_tx tx, const char *path);
XKL_API int xkl_xs_rm(xkl_xs *xs, xkl_xs_tx tx, const char *path);
/* Children names: NULL-terminated vector in one allocation. Large directories
 * are read with XS_DIRECTORY_PART when the daemon answers E2BIG. */
XKL_API char **xkl_xs_directory(xkl_xs *xs, xkl_xs_tx tx, const char *path,
                                unsigned *num);

/* Permissions: the first entry is the owner (and everyone's default). */
#define XKL_XS_PERM_NONE 0u
#define XKL_XS_PERM_READ 1u
#define XKL_XS_PERM_WRITE 2u
#define XKL_XS_PERM_BOTH 3u
struct xkl_xs_perm {
    unsigned int domid;
    unsigned int perm; /* XKL_XS_PERM_* */
};
/* "n0", "r5", "w7", "b3" <-> struct; parse returns -1/EINVAL on bad input,
 * format returns the length or -1/ENOSPC. */
XKL_API int xkl_xs_perm_parse(const char *s, struct xkl_xs_perm *perm);
XKL_API int xkl_xs_perm_format(const struct xkl_xs_perm *perm, char *buf, size_t len);
XKL_API struct xkl_xs_perm *xkl_xs_get_perms(xkl_xs *xs, xkl_xs_tx tx,
                                             const char *path, unsigned *num);
XKL_API int xkl_xs_set_perms(xkl_xs *xs, xkl_xs_tx tx, const char *path,
                             const struct xkl_xs_perm *perms, unsigned num);

/* Watches. Events are queued on the handle, never mistaken for replies. */
struct xkl_xs_event {
    char *path;
    char *token; /* both point into the same allocation: free(event) */
};
XKL_API int xkl_xs_watch(xkl_xs *xs, const char *path, const char *token);
XKL_API int xkl_xs_unwatch(xkl_xs *xs, const char *path, const char *token);
/* Pollable fd: readable when an event may be ready (may wake spuriously). */
XKL_API int xkl_xs_watch_fd(xkl_xs *xs);
/* Next event, waiting up to timeout_ms (-1: forever, 0: don't wait);
 * NULL with errno EAGAIN when none came in time. */
XKL_API struct xkl_xs_event *xkl_xs_read_watch(xkl_xs *xs, int timeout_ms);
XKL_API int xkl_xs_reset_watches(xkl_xs *xs);

/* Transactions. tx_end fails with errno EAGAIN when the commit conflicted. */
XKL_API int xkl_xs_tx_start(xkl_xs *xs, xkl_xs_tx *tx);
XKL_API int xkl_xs_tx_end(xkl_xs *xs, xkl_xs_tx tx, int abort);
/* Run fn inside a transaction and commit, again while fn or the commit fail
 * with EAGAIN, at most max_tries times. fn returns 0, or -1 with errno (the
 * transaction is then aborted). Returns 0 or -1 with errno. */
typedef int xkl_xs_tx_fn(xkl_xs *xs, xkl_xs_tx tx, void *arg);
XKL_API int xkl_xs_tx_retry(xkl_xs *xs, unsigned max_tries, xkl_xs_tx_fn *fn,
                            void *arg);

/* Domains (dom0 only). */
XKL_API int xkl_xs_introduce(xkl_xs *xs, unsigned domid, unsigned long mfn,
                             unsigned evtchn);
XKL_API int xkl_xs_release(xkl_xs *xs, unsigned domid);
XKL_API int xkl_xs_resume(xkl_xs *xs, unsigned domid);
XKL_API int xkl_xs_set_target(xkl_xs *xs, unsigned domid, unsigned target);
/* 1 introduced, 0 not, -1 error. */
XKL_API int xkl_xs_is_introduced(xkl_xs *xs, unsigned domid);
XKL_API char *xkl_xs_get_domain_path(xkl_xs *xs, unsigned domid);

/* Optional requests (Xen 4.19+ daemons): -1 with errno ENOSYS when the
 * daemon lacks them. domid < 0 means the global setting. */
XKL_API int xkl_xs_get_feature(xkl_xs *xs, int domid, uint32_t *features);
XKL_API int xkl_xs_set_feature(xkl_xs *xs, unsigned domid, uint32_t features);
XKL_API int xkl_xs_get_quota(xkl_xs *xs, int domid, const char *name,
                             unsigned *value);
XKL_API int xkl_xs_set_quota(xkl_xs *xs, int domid, const char *name,
                             unsigned value);

/* Batches: writes, directories, removals and permission changes sent all
 * at once (one round trip, not one per request), then every reply is
 * collected (through /dev/xen/xenbus: one after another, see xkl_xs_send).
 * Inside a transaction (tx) the batch is atomic. Returns 0, or
 * -1 with errno and xkl_xs_error() naming the first request that failed by
 * its path, e.g. "xenstore write /local/domain/5/name: Permission denied
 * (EACCES)"; requests after a local failure (e.g. E2BIG) are not sent. */
enum xkl_xs_op_kind {
    XKL_XS_OP_WRITE,      /* path = data[len] */
    XKL_XS_OP_MKDIR,      /* path as a directory */
    XKL_XS_OP_RM,         /* path and its children */
    XKL_XS_OP_SET_PERMS,  /* path's permissions = perms[nperms] */
};
struct xkl_xs_op {
    enum xkl_xs_op_kind kind;
    const char *path;
    const void *data;                   /* WRITE */
    size_t len;
    const struct xkl_xs_perm *perms;    /* SET_PERMS; with WRITE or MKDIR (nperms > 0):
                                         * set these permissions right after */
    unsigned nperms;
    int missing_ok;                     /* RM: a path already gone is success */
};
XKL_API int xkl_xs_batch(xkl_xs *xs, xkl_xs_tx tx, const struct xkl_xs_op *ops, size_t n);

/* Pipelining: send a raw request (type from xen/io/xs_wire.h) now, collect
 * its reply later; several may be in flight. recv returns the reply payload
 * (NUL-terminated for convenience, *len excludes it) or NULL with errno set
 * from the daemon's error. Not through /dev/xen/xenbus (xkl_xs_is_xenbus):
 * Linux's device sends a request's payload later, from the buffer the next
 * request overwrites; keep one request in flight there (xkl_xs_batch
 * does). */
XKL_API int xkl_xs_send(xkl_xs *xs, xkl_xs_tx tx, unsigned type,
                        const void *payload, size_t len, uint32_t *req_id);
XKL_API void *xkl_xs_recv(xkl_xs *xs, uint32_t req_id, size_t *len);

#ifdef __cplusplus
}
#endif
#endif /* XKIT_LIGHT_XS_H */
