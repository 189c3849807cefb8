/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the xenstore connection logic (liblight/xs/conn.c,
 * xs/ops.c) against a scripted peer on a unix socket: req_id matching with
 * replies out of order, watch events between replies, timeouts and late
 * replies, malformed and oversized replies, transaction retry, directory
 * chunks, threads sharing a handle. This tests the client's own logic; the
 * real daemons are exercised in the lab (tests/lab/scenarios/xs-*.sh).
 */
#include "private.h"

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct peer {
    char path[108];
    int lfd, cfd;
    pthread_t th;
    unsigned tx_ends;            /* TRANSACTION_END requests seen */
    bool has_held;               /* a READ /held waits for /second */
    struct xsd_sockmsg held;
};

static void peer_send(struct peer *p, uint32_t type, uint32_t req, uint32_t tx,
                      const void *body, size_t len)
{
    struct xsd_sockmsg h = {.type = type, .req_id = req, .tx_id = tx, .len = (uint32_t)len};
    char buf[XKL__MSG_MAX + 64];
    memcpy(buf, &h, sizeof h);
    memcpy(buf + sizeof h, body, len);
    ck_assert_int_eq(write(p->cfd, buf, sizeof h + len), (ssize_t)(sizeof h + len));
}

static void reply_str(struct peer *p, const struct xsd_sockmsg *h, const char *s)
{
    peer_send(p, h->type, h->req_id, h->tx_id, s, strlen(s) + 1);
}

static void reply_err(struct peer *p, const struct xsd_sockmsg *h, const char *e)
{
    peer_send(p, XS_ERROR, h->req_id, h->tx_id, e, strlen(e) + 1);
}

/* The scripted daemon: behaviour chosen by the request's path. */
static int handle(struct peer *p, const struct xsd_sockmsg *h, const char *body)
{
    switch (h->type) {
    case XS_READ:
        if (!strcmp(body, "/held")) {
            p->held = *h;
            p->has_held = true;
        } else if (!strcmp(body, "/second")) {
            reply_str(p, h, "");
            if (p->has_held) /* answer the older request last */
                peer_send(p, XS_READ, p->held.req_id, 0, "held-value", 10);
        } else if (!strcmp(body, "/event-first")) {
            peer_send(p, XS_WATCH_EVENT, 0, 0, "/w/x\0tok\0", 9);
            peer_send(p, XS_READ, h->req_id, 0, "v", 1);
        } else if (!strcmp(body, "/event-after")) {
            /* reply and event in one write: the client reads both at once */
            char two[2 * sizeof(struct xsd_sockmsg) + 16];
            struct xsd_sockmsg r = {XS_READ, h->req_id, 0, 1}, ev = {XS_WATCH_EVENT, 0, 0, 9};
            memcpy(two, &r, sizeof r);
            memcpy(two + sizeof r, "v", 1);
            memcpy(two + sizeof r + 1, &ev, sizeof ev);
            memcpy(two + 2 * sizeof r + 1, "/w/y\0tok\0", 9);
            ck_assert_int_eq(write(p->cfd, two, sizeof two - 6), (ssize_t)(sizeof two - 6));
        } else if (!strcmp(body, "/late")) {
            usleep(300000);
            peer_send(p, XS_READ, h->req_id, 0, "late", 4);
        } else if (!strcmp(body, "/oversize")) {
            /* longer than the protocol allows, but framed: skipped */
            static char big[sizeof(struct xsd_sockmsg) + 3 * XENSTORE_PAYLOAD_MAX];
            struct xsd_sockmsg o = {XS_READ, h->req_id, 0, 3 * XENSTORE_PAYLOAD_MAX};
            memcpy(big, &o, sizeof o);
            memset(big + sizeof o, 'x', 3 * XENSTORE_PAYLOAD_MAX);
            ck_assert_int_eq(write(p->cfd, big, sizeof big), (ssize_t)sizeof big);
        } else if (!strcmp(body, "/oversize-tail")) {
            /* an oversized reply one byte longer than the client's buffer,
             * with two whole late replies right behind it in one write:
             * the skip's last read must stop at its end (it once took the
             * replies too, and the E2BIG put in its place overran) */
            enum { BIG = 2 * XKL__MSG_MAX + 1 - XKL__HDR_LEN, LATE = XENSTORE_PAYLOAD_MAX };
            static char all[XKL__HDR_LEN + BIG + 2 * (XKL__HDR_LEN + LATE)];
            struct xsd_sockmsg o = {XS_READ, h->req_id, 0, BIG};
            struct xsd_sockmsg l = {XS_READ, 0xdead, 0, LATE};
            memset(all, 'x', sizeof all);
            memcpy(all, &o, sizeof o);
            memcpy(all + XKL__HDR_LEN + BIG, &l, sizeof l);
            memcpy(all + 2 * XKL__HDR_LEN + BIG + LATE, &l, sizeof l);
            ck_assert_int_eq(write(p->cfd, all, sizeof all), (ssize_t)sizeof all);
        } else if (!strcmp(body, "/garbage")) {
            struct xsd_sockmsg o = {XS_READ, h->req_id, 0, 0x7fffffff};
            ck_assert_int_eq(write(p->cfd, &o, sizeof o), (ssize_t)sizeof o);
        } else if (!strcmp(body, "/badtype")) {
            struct xsd_sockmsg o = {XS_INVALID, h->req_id, 0, 0};
            ck_assert_int_eq(write(p->cfd, &o, sizeof o), (ssize_t)sizeof o);
        } else if (!strcmp(body, "/wrongtype")) {
            peer_send(p, XS_WRITE, h->req_id, 0, "OK", 3);
        } else if (!strcmp(body, "/bad-error")) {
            peer_send(p, XS_ERROR, h->req_id, 0, "EACCES", 6); /* no NUL */
        } else if (!strcmp(body, "/close")) {
            return -1;
        } else if (!strcmp(body, "/missing")) {
            reply_err(p, h, "ENOENT");
        } else {
            peer_send(p, XS_READ, h->req_id, h->tx_id, body, strlen(body)); /* echo */
        }
        return 0;
    case XS_WRITE:
        if (!strcmp(body, "/local/domain/0/foo"))
            reply_err(p, h, "EACCES");
        else
            reply_str(p, h, "OK");
        return 0;
    case XS_MKDIR:
        if (!strcmp(body, "/a/b"))
            reply_err(p, h, "EINVAL");
        else
            reply_str(p, h, "OK");
        return 0;
    case XS_RM:
        if (!strcmp(body, "/gone"))
            reply_err(p, h, "ENOENT");
        else
            reply_str(p, h, "OK");
        return 0;
    case XS_DIRECTORY:
        if (!strcmp(body, "/big") || !strcmp(body, "/big-nopart"))
            reply_err(p, h, "E2BIG");
        else
            peer_send(p, XS_DIRECTORY, h->req_id, 0, "a\0b\0", 4);
        return 0;
    case XS_DIRECTORY_PART: {
        const char *off = body + strlen(body) + 1;
        if (!strcmp(body, "/big-nopart"))
            reply_err(p, h, "EINVAL"); /* a daemon without DIRECTORY_PART */
        else if (!strcmp(off, "0"))
            peer_send(p, h->type, h->req_id, 0, "5\0c0\0c1\0", 8);
        else if (!strcmp(off, "6"))
            peer_send(p, h->type, h->req_id, 0, "5\0c2\0\0", 6);
        else
            reply_err(p, h, "EINVAL");
        return 0;
    }
    case XS_GET_PERMS:
        peer_send(p, h->type, h->req_id, 0, "n0\0r5\0", 6);
        return 0;
    case XS_SET_PERMS:
        if (h->len == 12 && !memcmp(body, "/p\0n0\0r5\0b7\0", 12))
            reply_str(p, h, "OK");
        else
            reply_err(p, h, "EINVAL");
        return 0;
    case XS_WATCH: {
        reply_str(p, h, "OK");
        char ev[256];
        size_t pl = strlen(body) + 1, tl = strlen(body + pl) + 1;
        memcpy(ev, body, pl + tl);
        peer_send(p, XS_WATCH_EVENT, 0, 0, ev, pl + tl);
        return 0;
    }
    case XS_TRANSACTION_START:
        reply_str(p, h, "7");
        return 0;
    case XS_TRANSACTION_END:
        if (h->tx_id != 7)
            reply_err(p, h, "ENOENT");
        else if (body[0] == 'T' && p->tx_ends++ == 0)
            reply_err(p, h, "EAGAIN"); /* the first commit conflicts */
        else
            reply_str(p, h, "OK");
        return 0;
    case XS_GET_DOMAIN_PATH: {
        char b[64];
        snprintf(b, sizeof b, "/local/domain/%.16s", body);
        reply_str(p, h, b);
        return 0;
    }
    case XS_IS_DOMAIN_INTRODUCED:
        reply_str(p, h, "T");
        return 0;
    default:
        reply_err(p, h, "EINVAL"); /* like a 4.17 daemon for newer types */
        return 0;
    }
}

static int read_full(int fd, void *buf, size_t len)
{
    char *b = buf;
    while (len) {
        ssize_t n = read(fd, b, len);
        if (n <= 0)
            return -1;
        b += n;
        len -= (size_t)n;
    }
    return 0;
}

static void *peer_main(void *arg)
{
    struct peer *p = arg;
    p->cfd = accept(p->lfd, NULL, NULL);
    for (;;) {
        struct xsd_sockmsg h;
        char body[XENSTORE_PAYLOAD_MAX + 1];
        if (read_full(p->cfd, &h, sizeof h) < 0 || h.len > XENSTORE_PAYLOAD_MAX ||
            read_full(p->cfd, body, h.len) < 0)
            break;
        body[h.len] = '\0';
        if (handle(p, &h, body) < 0)
            break;
    }
    close(p->cfd);
    return NULL;
}

static struct peer peer;

static xkl_xs *start(void)
{
    snprintf(peer.path, sizeof peer.path, "/tmp/xk-xs-test-%d.sock", (int)getpid());
    unlink(peer.path);
    peer.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, peer.path);
    ck_assert_int_eq(bind(peer.lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(peer.lfd, 1), 0);
    pthread_create(&peer.th, NULL, peer_main, &peer);
    xkl_xs *xs = xkl_xs_open_path(peer.path);
    ck_assert_ptr_nonnull(xs);
    ck_assert_int_eq(xkl_xs_is_xenbus(xs), 0);
    return xs;
}

static void stop(xkl_xs *xs)
{
    xkl_xs_close(xs);
    pthread_join(peer.th, NULL);
    close(peer.lfd);
    unlink(peer.path);
}

START_TEST(read_write)
{
    xkl_xs *xs = start();
    size_t len;
    char *v = xkl_xs_read(xs, 0, "/a/b", &len);
    ck_assert_str_eq(v, "/a/b");
    ck_assert_uint_eq(len, 4);
    free(v);
    ck_assert_int_eq(xkl_xs_write(xs, 0, "/a/b", "x", 1), 0);
    ck_assert_int_eq(xkl_xs_mkdir(xs, 0, "/a/b"), -1); /* peer: EINVAL */
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_ptr_null(xkl_xs_read(xs, 0, "/missing", NULL));
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_str_eq(xkl_xs_error(xs), "xenstore read /missing: No such file or directory (ENOENT)");
    stop(xs);
}
END_TEST

START_TEST(error_names_path)
{
    xkl_xs *xs = start();
    ck_assert_int_eq(xkl_xs_write(xs, 0, "/local/domain/0/foo", "1", 1), -1);
    ck_assert_int_eq(errno, EACCES);
    ck_assert_str_eq(xkl_xs_error(xs),
                     "xenstore write /local/domain/0/foo: Permission denied (EACCES)");
    char copy[16];
    xkl_xs_error_copy(xs, copy, sizeof copy);
    ck_assert_str_eq(copy, "xenstore write ");
    /* a malformed error reply is an error too, not a crash */
    ck_assert_ptr_null(xkl_xs_read(xs, 0, "/bad-error", NULL));
    ck_assert_int_eq(errno, EBADMSG);
    stop(xs);
}
END_TEST

START_TEST(batch_reports_first_failure)
{
    xkl_xs *xs = start();
    const struct xkl_xs_perm pp[] = { { 0, XKL_XS_PERM_NONE }, { 5, XKL_XS_PERM_READ },
                                      { 7, XKL_XS_PERM_BOTH } };
    struct xkl_xs_op ok[] = {
        { .kind = XKL_XS_OP_RM, .path = "/gone", .missing_ok = 1 },
        { .kind = XKL_XS_OP_MKDIR, .path = "/p", .perms = pp, .nperms = 3 },
        { .kind = XKL_XS_OP_WRITE, .path = "/a", .data = "x", .len = 1 },
        { .kind = XKL_XS_OP_SET_PERMS, .path = "/p", .perms = pp, .nperms = 3 },
    };
    ck_assert_int_eq(xkl_xs_batch(xs, 0, ok, 4), 0);
    /* the second failure (EINVAL perms) is not the one reported */
    struct xkl_xs_op bad[] = {
        { .kind = XKL_XS_OP_WRITE, .path = "/a", .data = "x", .len = 1 },
        { .kind = XKL_XS_OP_WRITE, .path = "/local/domain/0/foo", .data = "1", .len = 1 },
        { .kind = XKL_XS_OP_MKDIR, .path = "/q", .perms = pp, .nperms = 1 },
        { .kind = XKL_XS_OP_RM, .path = "/gone" },
    };
    ck_assert_int_eq(xkl_xs_batch(xs, 0, bad, 4), -1);
    ck_assert_int_eq(errno, EACCES);
    ck_assert_str_eq(xkl_xs_error(xs),
                     "xenstore write /local/domain/0/foo: Permission denied (EACCES)");
    ck_assert_int_eq(xkl_xs_batch(xs, 0, bad + 3, 1), -1);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_str_eq(xkl_xs_error(xs), "xenstore rm /gone: No such file or directory (ENOENT)");
    /* every reply was collected: the next request gets its own */
    char *v = xkl_xs_read(xs, 0, "/echo", NULL);
    ck_assert_str_eq(v, "/echo");
    free(v);
    stop(xs);
}
END_TEST

START_TEST(local_limits)
{
    xkl_xs *xs = start();
    static char big[XENSTORE_PAYLOAD_MAX];
    ck_assert_int_eq(xkl_xs_write(xs, 0, "/a", big, sizeof big), -1);
    ck_assert_int_eq(errno, E2BIG);
    static char path[XENSTORE_ABS_PATH_MAX + 2];
    memset(path, 'a', sizeof path - 1);
    path[0] = '/';
    ck_assert_ptr_null(xkl_xs_read(xs, 0, path, NULL));
    ck_assert_int_eq(errno, ENAMETOOLONG);
    ck_assert_ptr_null(xkl_xs_read(xs, 0, NULL, NULL));
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(xkl_xs_set_perms(xs, 0, "/p", NULL, 0), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(xkl_xs_tx_end(xs, XKL_XS_TX_NONE, 0), -1);
    ck_assert_int_eq(errno, EINVAL);
    uint32_t id;
    ck_assert_int_eq(xkl_xs_send(xs, 0, XS_WATCH_EVENT, "", 0, &id), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_ptr_null(xkl_xs_recv(xs, 12345, NULL));
    ck_assert_int_eq(errno, ENOENT);
    /* still usable */
    char *v = xkl_xs_read(xs, 0, "/ok", NULL);
    ck_assert_str_eq(v, "/ok");
    free(v);
    stop(xs);
}
END_TEST

START_TEST(pipelined_out_of_order)
{
    xkl_xs *xs = start();
    uint32_t a, b;
    ck_assert_int_eq(xkl_xs_send(xs, 0, XS_READ, "/held", 6, &a), 0);
    ck_assert_int_eq(xkl_xs_send(xs, 0, XS_READ, "/second", 8, &b), 0);
    ck_assert_uint_ne(a, b);
    size_t len;
    char *va = xkl_xs_recv(xs, a, &len); /* its reply comes second */
    ck_assert_str_eq(va, "held-value");
    ck_assert_uint_eq(len, 10);
    char *vb = xkl_xs_recv(xs, b, &len);
    ck_assert_str_eq(vb, "");
    free(va);
    free(vb);
    stop(xs);
}
END_TEST

START_TEST(events_between_replies)
{
    xkl_xs *xs = start();
    int fd = xkl_xs_watch_fd(xs);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(xkl_xs_watch_fd(xs), fd);
    ck_assert_ptr_null(xkl_xs_read_watch(xs, 0));
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert_int_eq(xkl_xs_watch(xs, "/w", "tok"), 0);
    /* the WATCH's own event may already be queued */
    char *v = xkl_xs_read(xs, 0, "/event-first", NULL);
    ck_assert_str_eq(v, "v");
    free(v);
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
    struct xkl_xs_event *ev = xkl_xs_read_watch(xs, 1000);
    ck_assert_ptr_nonnull(ev);
    ck_assert_str_eq(ev->path, "/w");
    ck_assert_str_eq(ev->token, "tok");
    free(ev);
    ev = xkl_xs_read_watch(xs, 1000);
    ck_assert_ptr_nonnull(ev);
    ck_assert_str_eq(ev->path, "/w/x");
    free(ev);
    /* an event that came in the same read as a reply still wakes the fd */
    v = xkl_xs_read(xs, 0, "/event-after", NULL);
    ck_assert_str_eq(v, "v");
    free(v);
    ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
    ev = xkl_xs_read_watch(xs, 0);
    ck_assert_ptr_nonnull(ev);
    ck_assert_str_eq(ev->path, "/w/y");
    free(ev);
    /* queue empty: fd no longer readable */
    ck_assert_int_eq(poll(&pfd, 1, 50), 0);
    ck_assert_ptr_null(xkl_xs_read_watch(xs, 50));
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert_int_eq(xkl_xs_unwatch(xs, "/w", "tok"), -1); /* peer: EINVAL */
    stop(xs);
}
END_TEST

START_TEST(timeout_and_late_reply)
{
    xkl_xs *xs = start();
    xkl_xs_set_timeout(xs, 100);
    ck_assert_ptr_null(xkl_xs_read(xs, 0, "/late", NULL));
    ck_assert_int_eq(errno, ETIMEDOUT);
    ck_assert_str_eq(xkl_xs_error(xs), "xenstore read /late: Connection timed out (ETIMEDOUT)");
    xkl_xs_set_timeout(xs, 2000);
    /* the late "late" reply must be dropped, not taken for this one */
    char *v = xkl_xs_read(xs, 0, "/next", NULL);
    ck_assert_str_eq(v, "/next");
    free(v);
    stop(xs);
}
END_TEST

START_TEST(oversized_reply_breaks_connection)
{
    xkl_xs *xs = start();
    /* framed but too long: that request fails, the connection lives on */
    ck_assert_ptr_null(xkl_xs_read(xs, 0, "/oversize", NULL));
    ck_assert_int_eq(errno, E2BIG);
    char *v = xkl_xs_read(xs, 0, "/after", NULL);
    ck_assert_str_eq(v, "/after");
    free(v);
    /* the same with replies queued right behind it */
    ck_assert_ptr_null(xkl_xs_read(xs, 0, "/oversize-tail", NULL));
    ck_assert_int_eq(errno, E2BIG);
    v = xkl_xs_read(xs, 0, "/after", NULL);
    ck_assert_str_eq(v, "/after");
    free(v);
    /* absurd length: framing lost, the connection is given up */
    ck_assert_ptr_null(xkl_xs_read(xs, 0, "/garbage", NULL));
    ck_assert_int_eq(errno, EBADMSG);
    ck_assert_ptr_null(xkl_xs_read(xs, 0, "/after", NULL));
    ck_assert_int_eq(errno, ECONNRESET);
    stop(xs);
}
END_TEST

START_TEST(bad_type_breaks_connection)
{
    xkl_xs *xs = start();
    ck_assert_ptr_null(xkl_xs_read(xs, 0, "/badtype", NULL));
    ck_assert_int_eq(errno, EBADMSG);
    ck_assert_ptr_null(xkl_xs_read(xs, 0, "/after", NULL));
    ck_assert_int_eq(errno, ECONNRESET);
    stop(xs);
}
END_TEST

START_TEST(wrong_reply_type)
{
    xkl_xs *xs = start();
    ck_assert_ptr_null(xkl_xs_read(xs, 0, "/wrongtype", NULL));
    ck_assert_int_eq(errno, EBADMSG);
    char *v = xkl_xs_read(xs, 0, "/still", NULL);
    ck_assert_str_eq(v, "/still");
    free(v);
    stop(xs);
}
END_TEST

START_TEST(peer_closes)
{
    xkl_xs *xs = start();
    ck_assert_ptr_null(xkl_xs_read(xs, 0, "/close", NULL));
    ck_assert_int_eq(errno, ECONNRESET);
    stop(xs);
}
END_TEST

static int tx_calls;
static int tx_fn(xkl_xs *xs, xkl_xs_tx tx, void *arg)
{
    (void)arg;
    tx_calls++;
    ck_assert_uint_eq(tx, 7);
    return xkl_xs_write(xs, tx, "/tx", "1", 1);
}

static int tx_fail(xkl_xs *xs, xkl_xs_tx tx, void *arg)
{
    (void)arg;
    return xkl_xs_write(xs, tx, "/local/domain/0/foo", "1", 1);
}

START_TEST(transaction_retry)
{
    xkl_xs *xs = start();
    ck_assert_int_eq(xkl_xs_tx_retry(xs, 5, tx_fn, NULL), 0);
    ck_assert_int_eq(tx_calls, 2); /* first commit got EAGAIN */
    ck_assert_int_eq(xkl_xs_tx_retry(xs, 5, tx_fail, NULL), -1);
    ck_assert_int_eq(errno, EACCES);
    ck_assert_str_eq(xkl_xs_error(xs),
                     "xenstore write /local/domain/0/foo: Permission denied (EACCES)");
    ck_assert_int_eq(xkl_xs_tx_retry(xs, 0, tx_fn, NULL), -1);
    ck_assert_int_eq(errno, EINVAL);
    stop(xs);
}
END_TEST

START_TEST(directories)
{
    xkl_xs *xs = start();
    unsigned n;
    char **d = xkl_xs_directory(xs, 0, "/small", &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(d[1], "b");
    free(d);
    d = xkl_xs_directory(xs, 0, "/big", &n); /* E2BIG -> DIRECTORY_PART */
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(d[0], "c0");
    ck_assert_str_eq(d[2], "c2");
    ck_assert_ptr_null(d[3]);
    free(d);
    ck_assert_ptr_null(xkl_xs_directory(xs, 0, "/big-nopart", &n));
    ck_assert_int_eq(errno, E2BIG);
    ck_assert_str_eq(xkl_xs_error(xs), "xenstore directory /big-nopart: Argument list too long (E2BIG)");
    stop(xs);
}
END_TEST

START_TEST(perms_and_domains)
{
    xkl_xs *xs = start();
    unsigned n;
    struct xkl_xs_perm *p = xkl_xs_get_perms(xs, 0, "/p", &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(p[1].domid, 5);
    ck_assert_uint_eq(p[1].perm, XKL_XS_PERM_READ);
    free(p);
    struct xkl_xs_perm set[] = {{0, XKL_XS_PERM_NONE}, {5, XKL_XS_PERM_READ}, {7, XKL_XS_PERM_BOTH}};
    ck_assert_int_eq(xkl_xs_set_perms(xs, 0, "/p", set, 3), 0);
    ck_assert_int_eq(xkl_xs_set_perms(xs, 0, "/p", set, 2), -1);
    char *dp = xkl_xs_get_domain_path(xs, 3);
    ck_assert_str_eq(dp, "/local/domain/3");
    free(dp);
    ck_assert_int_eq(xkl_xs_is_introduced(xs, 3), 1);
    ck_assert_int_eq(xkl_xs_release(xs, 3), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_str_eq(xkl_xs_error(xs), "xenstore release domain 3: Invalid argument (EINVAL)");
    uint32_t f;
    ck_assert_int_eq(xkl_xs_get_feature(xs, 1, &f), -1);
    ck_assert_int_eq(errno, ENOSYS);
    unsigned q;
    ck_assert_int_eq(xkl_xs_get_quota(xs, -1, "nodes", &q), -1);
    ck_assert_int_eq(errno, ENOSYS);
    ck_assert_int_eq(xkl_xs_reset_watches(xs), -1);
    stop(xs);
}
END_TEST

#define NTHREADS 4
#define NREADS 300
static void *reader(void *arg)
{
    xkl_xs *xs = arg;
    for (int i = 0; i < NREADS; i++) {
        char path[64];
        snprintf(path, sizeof path, "/t/%lu/%d", (unsigned long)pthread_self() % 1000, i);
        char *v = xkl_xs_read(xs, 0, path, NULL);
        if (!v || strcmp(v, path) != 0) {
            free(v);
            return (void *)1;
        }
        free(v);
    }
    return NULL;
}

START_TEST(threads_share_handle)
{
    xkl_xs *xs = start();
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&th[i], NULL, reader, xs);
    for (int i = 0; i < NTHREADS; i++) {
        void *r;
        pthread_join(th[i], &r);
        ck_assert_ptr_null(r);
    }
    stop(xs);
}
END_TEST

START_TEST(open_failures)
{
    ck_assert_ptr_null(xkl_xs_open_path("/nonexistent/xenstored"));
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_ptr_null(xkl_xs_open(XKL_XS_OPEN_SOCKET | XKL_XS_OPEN_XENBUS));
    ck_assert_int_eq(errno, EINVAL);
    setenv("XENSTORED_PATH", "/nonexistent/socket", 1);
    ck_assert_ptr_null(xkl_xs_open(XKL_XS_OPEN_SOCKET));
    ck_assert_int_eq(errno, ENOENT);
    xkl_xs_close(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("light_xs_conn");
    TCase *tc = tcase_create("conn");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, read_write);
    tcase_add_test(tc, error_names_path);
    tcase_add_test(tc, local_limits);
    tcase_add_test(tc, batch_reports_first_failure);
    tcase_add_test(tc, pipelined_out_of_order);
    tcase_add_test(tc, events_between_replies);
    tcase_add_test(tc, timeout_and_late_reply);
    tcase_add_test(tc, oversized_reply_breaks_connection);
    tcase_add_test(tc, bad_type_breaks_connection);
    tcase_add_test(tc, wrong_reply_type);
    tcase_add_test(tc, peer_closes);
    tcase_add_test(tc, transaction_retry);
    tcase_add_test(tc, directories);
    tcase_add_test(tc, perms_and_domains);
    tcase_add_test(tc, threads_share_handle);
    tcase_add_test(tc, open_failures);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
