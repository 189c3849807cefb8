/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QMP, QEMU's JSON monitor, on the socket every device model of ours (and
 * of libxl) listens on: /run/xen/qmp-libxl-D. One connection per use: the
 * greeting, qmp_capabilities, then commands matched to their replies by
 * id; events in between are skipped. What QEMU says is untrusted input:
 * one message is parsed by xkl__qmp_parse (pure, fuzzed), lines are
 * bounded, every wait has a deadline.
 */
#include "private.h"
#include "dm.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#define QMP_LINE_MAX (1u << 20)   /* a reply longer than this is refused */
#define CONNECT_RETRY_MS 20

/* ---- one message (pure) ---- */

static yajl_val member(yajl_val o, const char *key)
{
    if (!YAJL_IS_OBJECT(o))
        return NULL;
    for (size_t i = 0; i < o->u.object.len; i++)
        if (!strcmp(o->u.object.keys[i], key))
            return o->u.object.values[i];
    return NULL;
}

int xkl__qmp_parse(const char *line, size_t len, struct xkl__qmp_msg *m)
{
    memset(m, 0, sizeof *m);
    m->kind = XKL__QMP_BAD;
    m->id = -1;
    char *text = malloc(len + 1);
    if (!text)
        return -1;
    memcpy(text, line, len);
    text[len] = '\0';
    if (strlen(text) != len) {   /* a NUL inside */
        free(text);
        snprintf(m->desc, sizeof m->desc, "a NUL byte in a message");
        return 0;
    }
    char err[128] = "";
    m->tree = yajl_tree_parse(text, err, sizeof err);
    free(text);
    if (!m->tree) {
        snprintf(m->desc, sizeof m->desc, "not JSON: %s", err[0] ? err : "?");
        return 0;
    }
    if (!YAJL_IS_OBJECT(m->tree)) {
        snprintf(m->desc, sizeof m->desc, "not a JSON object");
        return 0;
    }
    yajl_val id = member(m->tree, "id");
    if (id && YAJL_IS_INTEGER(id))
        m->id = YAJL_GET_INTEGER(id);
    yajl_val v;
    if (member(m->tree, "QMP")) {
        m->kind = XKL__QMP_GREETING;
    } else if ((v = member(m->tree, "return"))) {
        m->kind = XKL__QMP_RETURN;
        m->ret = v;
    } else if ((v = member(m->tree, "error"))) {
        m->kind = XKL__QMP_ERROR;
        yajl_val cls = member(v, "class"), desc = member(v, "desc");
        snprintf(m->desc, sizeof m->desc, "%s%s%s",
                 YAJL_IS_STRING(cls) ? YAJL_GET_STRING(cls) : "error",
                 YAJL_IS_STRING(desc) ? ": " : "", YAJL_IS_STRING(desc) ? YAJL_GET_STRING(desc) : "");
    } else if ((v = member(m->tree, "event")) && YAJL_IS_STRING(v)) {
        m->kind = XKL__QMP_EVENT;
        snprintf(m->desc, sizeof m->desc, "%s", YAJL_GET_STRING(v));
    } else {
        snprintf(m->desc, sizeof m->desc, "neither a reply nor an event");
    }
    return 0;
}

void xkl__qmp_msg_dispose(struct xkl__qmp_msg *m)
{
    if (m->tree)
        yajl_tree_free(m->tree);
    m->tree = NULL;
    m->ret = NULL;
}

int xkl__qmp_ptys(yajl_val ret, char ptys[][64], size_t max)
{
    size_t found = 0;
    for (size_t i = 0; i < max; i++)
        ptys[i][0] = '\0';
    if (!YAJL_IS_ARRAY(ret))
        return 0;
    for (size_t i = 0; i < ret->u.array.len; i++) {
        yajl_val c = ret->u.array.values[i];
        yajl_val label = member(c, "label"), file = member(c, "filename");
        if (!YAJL_IS_STRING(label) || !YAJL_IS_STRING(file))
            continue;
        const char *l = YAJL_GET_STRING(label), *f = YAJL_GET_STRING(file);
        char *end;
        if (strncmp(l, "serial", 6) || !(l[6] >= '0' && l[6] <= '9'))
            continue;
        unsigned long n = strtoul(l + 6, &end, 10);
        if (*end || n >= max || strncmp(f, "pty:", 4) || strlen(f + 4) >= 64)
            continue;
        /* a pty's name is /dev/pts/N: nothing else is written where xl
         * console opens it */
        const char *p = f + 4;
        if (strncmp(p, "/dev/pts/", 9) || !p[9] || strspn(p + 9, "0123456789") != strlen(p + 9))
            continue;
        snprintf(ptys[n], 64, "%s", p);
        found++;
    }
    return (int)found;
}

/* ---- the connection ---- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void xkl__qmp_close(struct xkl__qmp *q)
{
    if (q->fd >= 0)
        close(q->fd);
    free(q->buf);
    memset(q, 0, sizeof *q);
    q->fd = -1;
}

/* The next line (without its CR LF) into m, waiting until deadline. */
static int read_msg(struct xkl__qmp *q, long long deadline, struct xkl__qmp_msg *m, char *why,
                    size_t whylen)
{
    for (;;) {
        char *nl = q->n ? memchr(q->buf, '\n', q->n) : NULL;
        if (nl) {
            size_t len = (size_t)(nl - q->buf);
            size_t l = len && q->buf[len - 1] == '\r' ? len - 1 : len;
            int r = xkl__qmp_parse(q->buf, l, m);
            memmove(q->buf, nl + 1, q->n - len - 1);
            q->n -= len + 1;
            if (r < 0) {
                snprintf(why, whylen, "%s", strerror(ENOMEM));
                errno = ENOMEM;
                return -1;
            }
            if (m->kind == XKL__QMP_BAD) {
                snprintf(why, whylen, "QEMU sent a bad QMP message: %s", m->desc);
                xkl__qmp_msg_dispose(m);
                errno = EPROTO;
                return -1;
            }
            return 0;
        }
        if (q->n == q->cap) {
            if (q->cap >= QMP_LINE_MAX) {
                snprintf(why, whylen, "QEMU sent a QMP message longer than %u bytes", QMP_LINE_MAX);
                errno = EPROTO;
                return -1;
            }
            size_t cap = q->cap ? q->cap * 2 : 4096;
            char *b = realloc(q->buf, cap);
            if (!b) {
                snprintf(why, whylen, "%s", strerror(ENOMEM));
                errno = ENOMEM;
                return -1;
            }
            q->buf = b;
            q->cap = cap;
        }
        long long left = deadline - now_ms();
        struct pollfd p = { .fd = q->fd, .events = POLLIN };
        int r = left > 0 ? poll(&p, 1, (int)left) : 0;
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            snprintf(why, whylen, "QEMU did not answer on QMP in time");
            errno = ETIMEDOUT;
            return -1;
        }
        ssize_t got = read(q->fd, q->buf + q->n, q->cap - q->n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            snprintf(why, whylen, "QEMU closed its QMP socket%s%s", got < 0 ? ": " : "",
                     got < 0 ? strerror(errno) : "");
            errno = got < 0 ? errno : ECONNRESET;
            return -1;
        }
        q->n += (size_t)got;
    }
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

int xkl__qmp_call(struct xkl__qmp *q, const char *cmd, const char *args_json, int timeout_ms,
                  struct xkl__qmp_msg *reply, char *why, size_t whylen)
{
    long long id = ++q->next_id;
    char *req = NULL;
    int n = args_json ? asprintf(&req, "{\"execute\":\"%s\",\"arguments\":%s,\"id\":%lld}\r\n", cmd, args_json, id)
                      : asprintf(&req, "{\"execute\":\"%s\",\"id\":%lld}\r\n", cmd, id);
    if (n < 0) {
        snprintf(why, whylen, "%s", strerror(ENOMEM));
        errno = ENOMEM;
        return -1;
    }
    int r = write_all(q->fd, req, (size_t)n);
    free(req);
    if (r < 0) {
        int e = errno;
        snprintf(why, whylen, "QMP %s: %s", cmd, strerror(e));
        errno = e;
        return -1;
    }
    long long deadline = now_ms() + timeout_ms;
    for (;;) {
        if (read_msg(q, deadline, reply, why, whylen) < 0)
            return -1;
        if ((reply->kind == XKL__QMP_RETURN || reply->kind == XKL__QMP_ERROR) && reply->id == id)
            break;
        xkl__qmp_msg_dispose(reply);   /* an event, or a stale reply */
    }
    if (reply->kind == XKL__QMP_ERROR) {
        snprintf(why, whylen, "QMP %s: %s", cmd, reply->desc);
        xkl__qmp_msg_dispose(reply);
        errno = EIO;
        return -1;
    }
    return 0;
}

int xkl__qmp_open(struct xkl__qmp *q, uint32_t domid, int timeout_ms, char *why, size_t whylen)
{
    memset(q, 0, sizeof *q);
    q->fd = -1;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/qmp-libxl-%u", XKL__DM_RUN_DIR, domid);
    long long deadline = now_ms() + timeout_ms;
    for (;;) {
        q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (q->fd < 0) {
            snprintf(why, whylen, "socket: %s", strerror(errno));
            return -1;
        }
        if (connect(q->fd, (struct sockaddr *)&sa, sizeof sa) == 0)
            break;
        int e = errno;
        close(q->fd);
        q->fd = -1;
        /* QEMU makes the socket early in its start; retry a short while */
        if ((e != ENOENT && e != ECONNREFUSED && e != EAGAIN) || now_ms() >= deadline) {
            snprintf(why, whylen, "QMP socket %s: %s", sa.sun_path, strerror(e));
            errno = e;
            return -1;
        }
        struct timespec ts = { 0, CONNECT_RETRY_MS * 1000000L };
        nanosleep(&ts, NULL);
    }
    struct xkl__qmp_msg m;
    if (read_msg(q, deadline, &m, why, whylen) < 0)
        goto fail;
    bool greeting = m.kind == XKL__QMP_GREETING;
    xkl__qmp_msg_dispose(&m);
    if (!greeting) {
        snprintf(why, whylen, "QEMU's QMP socket did not greet with QMP");
        errno = EPROTO;
        goto fail;
    }
    long long left = deadline - now_ms();
    if (xkl__qmp_call(q, "qmp_capabilities", NULL, left > 1000 ? (int)left : 1000, &m, why, whylen) < 0)
        goto fail;
    xkl__qmp_msg_dispose(&m);
    return 0;
fail:;
    int e = errno;
    xkl__qmp_close(q);
    errno = e;
    return -1;
}
