/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the xenstore client (liblight/xs/). Never included from
 * outside liblight/. The codec half (xkl__wire_*) is pure: it only turns bytes
 * into messages and back, so it is unit-tested and fuzzed without a daemon.
 */
#ifndef XKLIGHT_XS_PRIVATE_H
#define XKLIGHT_XS_PRIVATE_H
#include <errno.h> /* before xs_wire.h: it defines xsd_errors only when EINVAL is known */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <xen/io/xs_wire.h>

/* Message types newer than the Xen 4.17 headers (xenstore.txt, Xen 4.19+). */
#define XKL__TYPE_GET_FEATURE 23
#define XKL__TYPE_SET_FEATURE 24
#define XKL__TYPE_GET_QUOTA 25
#define XKL__TYPE_SET_QUOTA 26
#define XKL__TYPE_LAST XKL__TYPE_SET_QUOTA
/* XS_RESTRICT (20) was removed from the protocol: nobody may send it. */
#define XKL__TYPE_REMOVED 20

#define XKL__HDR_LEN ((size_t)sizeof(struct xsd_sockmsg))
#define XKL__MSG_MAX (XKL__HDR_LEN + XENSTORE_PAYLOAD_MAX)

/* One piece of a request payload; a string is passed with its NUL. */
struct xkl__iov {
    const void *base;
    size_t len;
};

/* Name of a message type ("READ", ...) or NULL when unknown. */
const char *xkl__wire_type_name(uint32_t type);
/* Daemon error name ("EACCES") -> errno; 0 when unknown. */
int xkl__wire_errno_of(const char *name);
/* errno -> daemon error name, or NULL when the protocol has none. */
const char *xkl__wire_errno_name(int err);

/*
 * Encode header + payload pieces into buf (at least XKL__MSG_MAX bytes).
 * Returns the message length, or -1 with errno E2BIG when the payload would
 * exceed XENSTORE_PAYLOAD_MAX (the daemon kills such connections).
 */
ssize_t xkl__wire_encode(void *buf, size_t cap, uint32_t type, uint32_t req_id,
                       uint32_t tx_id, const struct xkl__iov *iov, size_t niov);
/* Decode a 16-byte header in host byte order; -1/EBADMSG if the type is not
 * a known one or len exceeds XENSTORE_PAYLOAD_MAX. */
int xkl__wire_decode_header(const void *buf, struct xsd_sockmsg *hdr);

/*
 * Reply parsers. Each takes the payload of a reply (not of an XS_ERROR) and
 * returns 0, or -1 with errno EBADMSG when the payload is malformed.
 */
/* Payload of an XS_ERROR reply -> errno (EIO for unknown names). */
int xkl__wire_parse_error(const char *body, size_t len, int *err);
int xkl__wire_parse_ok(const char *body, size_t len);
/* NUL-terminated strings -> a malloc'd NULL-terminated vector, one block. */
char **xkl__wire_parse_strings(const char *body, size_t len, unsigned *num);
/* One NUL-terminated unsigned decimal number (transaction id, feature...). */
int xkl__wire_parse_uint(const char *body, size_t len, unsigned long *val);
/* "T" or "F" (IS_DOMAIN_INTRODUCED). */
int xkl__wire_parse_bool(const char *body, size_t len, bool *val);
/* One NUL-terminated string (GET_DOMAIN_PATH). Returns a malloc'd copy. */
char *xkl__wire_parse_string(const char *body, size_t len);
/* DIRECTORY_PART: <gencnt>|<child>|*, a final empty string marks the end.
 * names/names_len: the children part (each NUL-terminated, end marker
 * excluded). */
int xkl__wire_parse_dirpart(const char *body, size_t len, unsigned long long *gen,
                          const char **names, size_t *names_len, bool *last);
/* WATCH_EVENT: <path>|<token>| (pointers into body). */
int xkl__wire_parse_event(const char *body, size_t len, const char **path,
                        const char **token);
/* GET_PERMS: <perm>|+ -> malloc'd array. */
struct xkl_xs_perm;
struct xkl_xs_perm *xkl__wire_parse_perms(const char *body, size_t len, unsigned *num);

/* ---- connection (conn.c) ---- */
#include <pthread.h>

/* A request in flight: its reply is stored here by whichever thread reads it. */
struct xkl__pending {
    uint32_t req_id;
    uint32_t type;
    bool done;
    int err;          /* daemon error (errno), or local protocol error */
    char *body;       /* reply payload (+ NUL), owned until claimed */
    uint32_t len;
    struct xkl__pending *next;
};

/* ev comes first: the node is handed to the caller as its xkl_xs_event and
 * released with one free(). path/token point just past the node. */
struct xkl__event_node {
    struct xkl_xs_event ev;
    struct xkl__event_node *next;
};

struct xkl_xs {
    pthread_mutex_t lock;
    pthread_cond_t cond;        /* a message was read or the reader left */
    int fd;
    bool xenbus;
    bool broken;                /* framing lost: every call fails */
    bool reading;               /* a thread owns the input side */
    int timeout_ms;
    uint32_t next_req_id;
    struct xkl__pending *pending;
    struct xkl__event_node *ev_head, *ev_tail;
    int evfd;                   /* readable while events are queued */
    int epfd;                   /* xkl_xs_watch_fd(): socket + evfd */
    int rcvtimeo_ms;            /* SO_RCVTIMEO set on the socket (-1: none) */
    struct xkl_xs_stats stats;  /* xkl_xs_stats() */
    size_t in_len;              /* bytes received, a message or more */
    unsigned char in[2 * XKL__MSG_MAX + 1];
    char err[512];
};

/* Send one request and wait for its reply. On success *body is the malloc'd
 * payload (NUL appended) and *len its length. On failure -1 with errno and
 * the handle's error message set from op/what. Caller does not hold lock. */
int xkl__xs_request(xkl_xs *xs, xkl_xs_tx tx, uint32_t type, const struct xkl__iov *iov,
               size_t niov, char **body, uint32_t *len, const char *op,
               const char *what);
/* The two halves of a request, for callers that hold xs->lock and keep
 * several requests in flight (batch.c): send registers the request as
 * pending (NULL with errno on failure); wait takes its reply and consumes
 * the pending entry (-1 with errno, the daemon's error included). */
struct xkl__pending *xkl__xs_send_locked(xkl_xs *xs, xkl_xs_tx tx, uint32_t type,
                                         const struct xkl__iov *iov, size_t niov);
int xkl__xs_wait_locked(xkl_xs *xs, struct xkl__pending *p, char **body, uint32_t *len);
/* Record "xenstore OP WHAT: strerror (ENAME)"; _locked: lock already held. */
void xkl__xs_set_error(xkl_xs *xs, int err, const char *op, const char *what);
void xkl__xs_set_error_locked(xkl_xs *xs, int err, const char *op, const char *what);

#endif
