/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xenstore connection: open/close, sending requests and matching replies by
 * req_id, queueing watch events, timeouts. Several requests may be in
 * flight; whichever thread needs a reply becomes the single reader of the
 * connection and files every message it reads (replies for others, watch
 * events) where its owner will find it.
 */
#include "private.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define XKL__DEFAULT_TIMEOUT_MS 30000

static void set_rcvtimeo(xkl_xs *xs, int ms);

void xkl__xs_set_error_locked(xkl_xs *xs, int err, const char *op, const char *what)
{
    const char *name = xkl__wire_errno_name(err);
    if (!name)
        name = err == ETIMEDOUT ? "ETIMEDOUT" : err == EBADMSG ? "EBADMSG"
             : err == ECONNRESET ? "ECONNRESET" : NULL;
    char ebuf[128];
    const char *msg = strerror_r(err, ebuf, sizeof ebuf);
    if (name)
        snprintf(xs->err, sizeof xs->err, "xenstore %s%s%s: %s (%s)", op,
                 what ? " " : "", what ? what : "", msg, name);
    else
        snprintf(xs->err, sizeof xs->err, "xenstore %s%s%s: %s", op,
                 what ? " " : "", what ? what : "", msg);
}

void xkl__xs_set_error(xkl_xs *xs, int err, const char *op, const char *what)
{
    pthread_mutex_lock(&xs->lock);
    xkl__xs_set_error_locked(xs, err, op, what);
    pthread_mutex_unlock(&xs->lock);
}

const char *xkl_xs_error(const xkl_xs *xs)
{
    return xs ? xs->err : "xenstore: no handle";
}

void xkl_xs_error_copy(xkl_xs *xs, char *buf, size_t len)
{
    if (!len)
        return;
    pthread_mutex_lock(&xs->lock);
    snprintf(buf, len, "%s", xs->err);
    pthread_mutex_unlock(&xs->lock);
}

void xkl_xs_set_timeout(xkl_xs *xs, int ms)
{
    pthread_mutex_lock(&xs->lock);
    xs->timeout_ms = ms < 0 ? -1 : ms;
    if (!xs->reading) /* the reader's read() must not see it change */
        set_rcvtimeo(xs, xs->timeout_ms);
    pthread_mutex_unlock(&xs->lock);
}

int xkl_xs_is_xenbus(const xkl_xs *xs)
{
    return xs->xenbus;
}

static int open_socket(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static xkl_xs *handle_new(int fd, bool xenbus)
{
    xkl_xs *xs = calloc(1, sizeof *xs);
    if (!xs)
        return NULL;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&xs->cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&xs->lock, NULL);
    xs->fd = fd;
    xs->xenbus = xenbus;
    xs->timeout_ms = XKL__DEFAULT_TIMEOUT_MS;
    xs->rcvtimeo_ms = -1; /* a new socket blocks forever */
    xs->next_req_id = 1;
    xs->epfd = -1;
    xs->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (xs->evfd < 0) {
        int e = errno;
        pthread_cond_destroy(&xs->cond);
        pthread_mutex_destroy(&xs->lock);
        free(xs);
        errno = e;
        return NULL;
    }
    return xs;
}

xkl_xs *xkl_xs_open_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return NULL;
    int fd;
    bool xenbus = !S_ISSOCK(st.st_mode);
    if (xenbus)
        fd = open(path, O_RDWR | O_CLOEXEC);
    else
        fd = open_socket(path);
    if (fd < 0)
        return NULL;
    xkl_xs *xs = handle_new(fd, xenbus);
    if (!xs) {
        int e = errno;
        close(fd);
        errno = e;
        return NULL;
    }
    set_rcvtimeo(xs, xs->timeout_ms);
    return xs;
}

xkl_xs *xkl_xs_open(unsigned flags)
{
    if (flags & ~(XKL_XS_OPEN_SOCKET | XKL_XS_OPEN_XENBUS) ||
        flags == (XKL_XS_OPEN_SOCKET | XKL_XS_OPEN_XENBUS)) {
        errno = EINVAL;
        return NULL;
    }
    int err = ENOENT;
    if (!(flags & XKL_XS_OPEN_XENBUS)) {
        const char *env = getenv("XENSTORED_PATH");
        const char *paths[] = {env, "/run/xenstored/socket", "/var/run/xenstored/socket"};
        /* An explicit XENSTORED_PATH is the only socket tried. */
        size_t n = env ? 1 : 3;
        for (size_t i = env ? 0 : 1; i < n; i++) {
            xkl_xs *xs = xkl_xs_open_path(paths[i]);
            if (xs)
                return xs;
            if (errno != ENOENT || err == ENOENT)
                err = errno;
        }
    }
    if (!(flags & XKL_XS_OPEN_SOCKET)) {
        const char *devs[] = {"/dev/xen/xenbus", "/proc/xen/xenbus"};
        for (size_t i = 0; i < 2; i++) {
            xkl_xs *xs = xkl_xs_open_path(devs[i]);
            if (xs)
                return xs;
            if (errno != ENOENT)
                err = errno;
        }
    }
    errno = err;
    return NULL;
}

static void free_events(xkl_xs *xs)
{
    while (xs->ev_head) {
        struct xkl__event_node *n = xs->ev_head;
        xs->ev_head = n->next;
        free(n);
    }
    xs->ev_tail = NULL;
}

void xkl_xs_close(xkl_xs *xs)
{
    if (!xs)
        return;
    while (xs->pending) {
        struct xkl__pending *p = xs->pending;
        xs->pending = p->next;
        free(p->body);
        free(p);
    }
    free_events(xs);
    if (xs->epfd >= 0)
        close(xs->epfd);
    close(xs->evfd);
    close(xs->fd);
    pthread_cond_destroy(&xs->cond);
    pthread_mutex_destroy(&xs->lock);
    free(xs);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Remaining ms before deadline (-1: none). */
static int remaining(int64_t deadline)
{
    if (deadline < 0)
        return -1;
    int64_t r = deadline - now_ms();
    return r < 0 ? 0 : (int)(r > 1000000 ? 1000000 : r);
}

/*
 * Make blocking reads of a socket give up after ms (-1: never). The reader
 * then needs neither poll() nor the clock per reply: in a PV dom0 every
 * system call is a trip through Xen, and they dominate a request's cost.
 */
static void set_rcvtimeo(xkl_xs *xs, int ms)
{
    /* 0 cannot be said with SO_RCVTIMEO (it means forever): poll() does it */
    if (xs->xenbus || xs->rcvtimeo_ms == ms || ms == 0)
        return;
    struct timeval tv = {0, 0};
    if (ms > 0) {
        tv.tv_sec = ms / 1000;
        tv.tv_usec = (ms % 1000) * 1000;
    }
    if (setsockopt(xs->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0)
        xs->rcvtimeo_ms = ms;
    else
        xs->rcvtimeo_ms = -2; /* unknown: use poll() */
}

/* Length of the complete message at the start of xs->in, 0 if incomplete. */
/* Replies longer than the protocol allows but at most this long are still
 * framed: they are skipped and their request fails with E2BIG (oxenstored
 * answers a big DIRECTORY so), keeping the connection. Longer is garbage. */
#define XKL__DRAIN_MAX (16 * XENSTORE_PAYLOAD_MAX)

/* 1: xs->in starts with a whole message; 0: not yet; 2: with an oversized
 * but skippable reply; -1: garbage. */
static int complete_message(xkl_xs *xs, struct xsd_sockmsg *hdr, size_t *mlen)
{
    if (xs->in_len < XKL__HDR_LEN)
        return 0;
    if (xkl__wire_decode_header(xs->in, hdr) < 0) {
        memcpy(hdr, xs->in, XKL__HDR_LEN);
        if (hdr->len > XENSTORE_PAYLOAD_MAX && hdr->len <= XKL__DRAIN_MAX &&
            xkl__wire_type_name(hdr->type) && hdr->type != XS_WATCH_EVENT &&
            hdr->type != XS_ERROR)
            return 2;
        errno = EBADMSG;
        return -1;
    }
    *mlen = XKL__HDR_LEN + hdr->len;
    return xs->in_len >= *mlen;
}

/* Read more bytes into xs->in (at most max), waiting at most timeout_ms
 * (-1: forever). */
static int read_more(xkl_xs *xs, int timeout_ms, size_t max)
{
    for (;;) {
        /* A socket whose receive timeout matches blocks in read() itself. */
        bool direct = !xs->xenbus && timeout_ms == xs->rcvtimeo_ms;
        if (!direct) {
            struct pollfd pfd = {.fd = xs->fd, .events = POLLIN};
            int pr = poll(&pfd, 1, timeout_ms);
            if (pr < 0) {
                if (errno == EINTR)
                    continue;
                return -1;
            }
            if (pr == 0) {
                errno = ETIMEDOUT;
                return -1;
            }
        }
        size_t room = sizeof xs->in - 1 - xs->in_len;
        ssize_t n = read(xs->fd, xs->in + xs->in_len, room < max ? room : max);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (direct) {
                    errno = ETIMEDOUT; /* SO_RCVTIMEO expired */
                    return -1;
                }
                continue;
            }
            return -1;
        }
        if (n == 0) {
            errno = ECONNRESET;
            return -1;
        }
        xs->in_len += (size_t)n;
        return 0;
    }
}

/* Skip the oversized reply at the start of xs->in and put a synthetic
 * "E2BIG" error reply for its request in its place. */
static int skip_oversized(xkl_xs *xs, const struct xsd_sockmsg *hdr, int timeout_ms)
{
    size_t left = XKL__HDR_LEN + hdr->len;
    for (;;) {
        size_t k = xs->in_len < left ? xs->in_len : left;
        memmove(xs->in, xs->in + k, xs->in_len - k);
        xs->in_len -= k;
        left -= k;
        if (!left)
            break;
        /* never past its end (xs->in is empty here): what follows must
         * leave room for the error reply put in its place */
        if (read_more(xs, timeout_ms, left) < 0) {
            if (errno == ETIMEDOUT)
                errno = EBADMSG; /* half skipped: the framing is lost */
            return -1;
        }
    }
    /* room for the small reply: what follows the skipped reply came with
     * its first read, at most sizeof xs->in - 1 - (XKL__HDR_LEN +
     * XENSTORE_PAYLOAD_MAX + 1) bytes, as later reads stop at its end */
    if (xs->in_len + XKL__HDR_LEN + 6 > sizeof xs->in - 1) {
        errno = EBADMSG; /* cannot happen (see above); never write past in */
        return -1;
    }
    struct xsd_sockmsg e = {XS_ERROR, hdr->req_id, hdr->tx_id, 6};
    memmove(xs->in + XKL__HDR_LEN + 6, xs->in, xs->in_len);
    memcpy(xs->in, &e, XKL__HDR_LEN);
    memcpy(xs->in + XKL__HDR_LEN, "E2BIG", 6);
    xs->in_len += XKL__HDR_LEN + 6;
    return 0;
}

/*
 * Read until xs->in starts with a whole message, waiting at most timeout_ms
 * (-1: forever) per wait. Called by the reader only, without the lock.
 * Bytes of following messages stay buffered for the next call, and so does
 * a partial message across a timeout.
 */
static int read_message(xkl_xs *xs, int timeout_ms, struct xsd_sockmsg *hdr,
                        size_t *mlen)
{
    for (;;) {
        int r = complete_message(xs, hdr, mlen);
        if (r == 1)
            return 0;
        if (r < 0)
            return -1;
        if (r == 2) {
            if (skip_oversized(xs, hdr, timeout_ms) < 0)
                return -1;
            continue;
        }
        if (read_more(xs, timeout_ms, SIZE_MAX) < 0)
            return -1;
    }
}

static void queue_event(xkl_xs *xs, const char *path, const char *token)
{
    size_t pl = strlen(path) + 1, tl = strlen(token) + 1;
    struct xkl__event_node *n = malloc(sizeof *n + pl + tl);
    if (!n)
        return; /* watches may fire spuriously or be lost under OOM only */
    char *s = (char *)(n + 1);
    memcpy(s, path, pl);
    memcpy(s + pl, token, tl);
    n->ev.path = s;
    n->ev.token = s + pl;
    n->next = NULL;
    if (xs->ev_tail)
        xs->ev_tail->next = n;
    else {
        xs->ev_head = n;
        uint64_t one = 1;
        if (write(xs->evfd, &one, sizeof one) < 0) {
            /* counter already non-zero: nothing to do */
        }
    }
    xs->ev_tail = n;
    xs->stats.watch_events++;
}

/* File the message in xs->in (lock held). */
static void dispatch_one(xkl_xs *xs, const struct xsd_sockmsg *hdr, char *body);

/* File the message at the start of xs->in and drop it from the buffer. */
static void dispatch(xkl_xs *xs, const struct xsd_sockmsg *hdr, size_t mlen)
{
    char *body = (char *)xs->in + XKL__HDR_LEN;
    char saved = body[hdr->len];
    body[hdr->len] = '\0';
    dispatch_one(xs, hdr, body);
    body[hdr->len] = saved;
    xs->in_len -= mlen;
    if (xs->in_len)
        memmove(xs->in, xs->in + mlen, xs->in_len);
}

static void dispatch_one(xkl_xs *xs, const struct xsd_sockmsg *hdr, char *body)
{
    if (hdr->type == XS_WATCH_EVENT) {
        const char *path, *token;
        if (xkl__wire_parse_event(body, hdr->len, &path, &token) == 0)
            queue_event(xs, path, token);
        return;
    }
    struct xkl__pending *p;
    for (p = xs->pending; p; p = p->next)
        if (p->req_id == hdr->req_id && !p->done)
            break;
    if (!p)
        return; /* reply to a request that timed out: drop it */
    p->done = true;
    if (hdr->type == XS_ERROR) {
        int e;
        p->err = xkl__wire_parse_error(body, hdr->len, &e) == 0 ? e : EBADMSG;
        return;
    }
    if (hdr->type != p->type) {
        p->err = EBADMSG;
        return;
    }
    p->body = malloc(hdr->len + 1);
    if (!p->body) {
        p->err = ENOMEM;
        return;
    }
    memcpy(p->body, body, hdr->len + 1);
    p->len = hdr->len;
}

/*
 * Become the reader (or wait for the current one) until pred(xs, arg) holds
 * or the deadline passes. Lock held on entry and exit.
 */
typedef bool xkl__xs_pred(xkl_xs *xs, void *arg);

static int pump(xkl_xs *xs, int timeout_ms, xkl__xs_pred *pred, void *arg)
{
    /* The clock is read only when a second wait is needed: the usual
     * request is one read() whose socket timeout is the request's. (A reply
     * may so take up to twice the timeout to be declared lost.) */
    int64_t deadline = -1;
    bool first = true;
    while (!pred(xs, arg)) {
        if (xs->broken) {
            errno = ECONNRESET;
            return -1;
        }
        if (timeout_ms >= 0 && deadline < 0 && (!first || xs->reading))
            deadline = now_ms() + timeout_ms;
        first = false;
        int wait_ms = timeout_ms < 0 ? -1 : deadline < 0 ? timeout_ms : remaining(deadline);
        if (xs->reading) {
            if (timeout_ms < 0) {
                pthread_cond_wait(&xs->cond, &xs->lock);
            } else {
                struct timespec ts = {.tv_sec = deadline / 1000,
                                      .tv_nsec = (deadline % 1000) * 1000000};
                if (pthread_cond_timedwait(&xs->cond, &xs->lock, &ts) == ETIMEDOUT &&
                    !pred(xs, arg)) {
                    errno = ETIMEDOUT;
                    return -1;
                }
            }
            continue;
        }
        xs->reading = true;
        set_rcvtimeo(xs, xs->timeout_ms); /* no system call when unchanged */
        pthread_mutex_unlock(&xs->lock);
        struct xsd_sockmsg hdr;
        size_t mlen = 0;
        int r = read_message(xs, wait_ms, &hdr, &mlen);
        int e = errno;
        pthread_mutex_lock(&xs->lock);
        xs->reading = false;
        if (r == 0) {
            dispatch(xs, &hdr, mlen);
            /* Whole messages read ahead are filed now: an event left in the
             * buffer would not make the watch fd readable. */
            int more;
            while ((more = complete_message(xs, &hdr, &mlen)) == 1)
                dispatch(xs, &hdr, mlen);
            if (more < 0)
                xs->broken = true;
            /* (an oversized reply read ahead is skipped by the next reader) */
        } else if (e != ETIMEDOUT)
            xs->broken = true; /* lost framing or connection: unrecoverable */
        pthread_cond_broadcast(&xs->cond);
        if (r < 0) {
            errno = e;
            return -1;
        }
    }
    return 0;
}

static bool reply_ready(xkl_xs *xs, void *arg)
{
    (void)xs;
    return ((struct xkl__pending *)arg)->done;
}

static bool event_ready(xkl_xs *xs, void *arg)
{
    (void)arg;
    return xs->ev_head != NULL;
}

static void unlink_pending(xkl_xs *xs, struct xkl__pending *p)
{
    for (struct xkl__pending **pp = &xs->pending; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            return;
        }
}

/* A socket gets send() without SIGPIPE: a daemon gone away is EPIPE, an
 * error to report, never a signal that kills the caller (a manager). */
static int write_all(const xkl_xs *xs, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = xs->xenbus ? write(xs->fd, p, len) : send(xs->fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Send a request (lock held); registers it as pending. */
struct xkl__pending *xkl__xs_send_locked(xkl_xs *xs, xkl_xs_tx tx, uint32_t type,
                                         const struct xkl__iov *iov, size_t niov)
{
    if (xs->broken) {
        errno = ECONNRESET;
        return NULL;
    }
    unsigned char buf[XKL__MSG_MAX];
    struct xkl__pending *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->type = type;
    p->req_id = xs->next_req_id++;
    if (xs->next_req_id == 0)
        xs->next_req_id = 1;
    ssize_t n = xkl__wire_encode(buf, sizeof buf, type, p->req_id, tx, iov, niov);
    if (n < 0 || write_all(xs, buf, (size_t)n) < 0) {
        int e = errno;
        if (n >= 0)
            xs->broken = true; /* a partial message cannot be taken back */
        free(p);
        errno = e;
        return NULL;
    }
    p->next = xs->pending;
    xs->pending = p;
    xs->stats.requests++;
    return p;
}

/* Wait for p's reply (lock held); consumes p. */
int xkl__xs_wait_locked(xkl_xs *xs, struct xkl__pending *p, char **body, uint32_t *len)
{
    int r = pump(xs, xs->timeout_ms, reply_ready, p);
    int e = errno;
    unlink_pending(xs, p);
    if (r == 0 && p->err) {
        r = -1;
        e = p->err;
    }
    if (r == 0) {
        *body = p->body;
        if (len)
            *len = p->len;
    } else {
        free(p->body);
    }
    free(p);
    errno = e;
    return r;
}

int xkl__xs_request(xkl_xs *xs, xkl_xs_tx tx, uint32_t type, const struct xkl__iov *iov,
               size_t niov, char **body, uint32_t *len, const char *op,
               const char *what)
{
    pthread_mutex_lock(&xs->lock);
    struct xkl__pending *p = xkl__xs_send_locked(xs, tx, type, iov, niov);
    if (p)
        xs->stats.round_trips++;
    int r = p ? xkl__xs_wait_locked(xs, p, body, len) : -1;
    if (r < 0)
        xkl__xs_set_error_locked(xs, errno, op, what);
    int e = errno;
    pthread_mutex_unlock(&xs->lock);
    errno = e;
    return r;
}

int xkl_xs_send(xkl_xs *xs, xkl_xs_tx tx, unsigned type, const void *payload,
                size_t len, uint32_t *req_id)
{
    struct xkl__iov iov = {payload, len};
    pthread_mutex_lock(&xs->lock);
    int r = 0;
    if (type > XKL__TYPE_LAST || type == XS_WATCH_EVENT || type == XS_ERROR ||
        type == XKL__TYPE_REMOVED) {
        errno = EINVAL;
        r = -1;
    } else {
        struct xkl__pending *p = xkl__xs_send_locked(xs, tx, type, &iov, 1);
        if (p)
            *req_id = p->req_id;
        else
            r = -1;
    }
    int e = errno;
    if (r < 0)
        xkl__xs_set_error_locked(xs, e, "send", xkl__wire_type_name(type));
    pthread_mutex_unlock(&xs->lock);
    errno = e;
    return r;
}

void *xkl_xs_recv(xkl_xs *xs, uint32_t req_id, size_t *len)
{
    pthread_mutex_lock(&xs->lock);
    struct xkl__pending *p;
    for (p = xs->pending; p; p = p->next)
        if (p->req_id == req_id)
            break;
    char *body = NULL;
    uint32_t l = 0;
    int r;
    char what[32];
    snprintf(what, sizeof what, "request %u", req_id);
    if (!p) {
        errno = ENOENT;
        r = -1;
    } else {
        r = xkl__xs_wait_locked(xs, p, &body, &l);
    }
    int e = errno;
    if (r < 0)
        xkl__xs_set_error_locked(xs, e, "recv", what);
    pthread_mutex_unlock(&xs->lock);
    if (r < 0) {
        errno = e;
        return NULL;
    }
    if (len)
        *len = l;
    return body;
}

int xkl_xs_watch_fd(xkl_xs *xs)
{
    pthread_mutex_lock(&xs->lock);
    if (xs->epfd < 0) {
        int ep = epoll_create1(EPOLL_CLOEXEC);
        struct epoll_event a = {.events = EPOLLIN, .data.fd = xs->fd};
        struct epoll_event b = {.events = EPOLLIN, .data.fd = xs->evfd};
        if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, xs->fd, &a) < 0 ||
            epoll_ctl(ep, EPOLL_CTL_ADD, xs->evfd, &b) < 0) {
            int e = errno;
            if (ep >= 0)
                close(ep);
            xkl__xs_set_error_locked(xs, e, "watch fd", NULL);
            pthread_mutex_unlock(&xs->lock);
            errno = e;
            return -1;
        }
        xs->epfd = ep;
    }
    int fd = xs->epfd;
    pthread_mutex_unlock(&xs->lock);
    return fd;
}

struct xkl_xs_event *xkl_xs_read_watch(xkl_xs *xs, int timeout_ms)
{
    pthread_mutex_lock(&xs->lock);
    int r = pump(xs, timeout_ms < 0 ? -1 : timeout_ms, event_ready, NULL);
    struct xkl_xs_event *ev = NULL;
    int e = errno;
    if (r == 0) {
        struct xkl__event_node *n = xs->ev_head;
        xs->ev_head = n->next;
        if (!xs->ev_head) {
            xs->ev_tail = NULL;
            uint64_t v;
            if (read(xs->evfd, &v, sizeof v) < 0) {
                /* already drained */
            }
        }
        ev = &n->ev;
    } else if (e == ETIMEDOUT) {
        e = EAGAIN;
    }
    if (!ev)
        xkl__xs_set_error_locked(xs, e, "read watch", NULL);
    pthread_mutex_unlock(&xs->lock);
    errno = e;
    return ev;
}

void xkl_xs_stats(xkl_xs *xs, struct xkl_xs_stats *st)
{
    pthread_mutex_lock(&xs->lock);
    *st = xs->stats;
    pthread_mutex_unlock(&xs->lock);
}
