/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xs_labcheck: drives libxklight's xenstore client against the real
 * xenstored in the lab (tests/lab/scenarios/xs-*.sh).
 *
 *   xs_labcheck tx WRITERS N PATH    WRITERS processes each add 1 to PATH N
 *                                    times in conflicting transactions
 *   xs_labcheck watch PATH COUNT SECS  print "path token" of COUNT events
 *   xs_labcheck xenbus PATH          write/read/list/watch over /dev/xen/xenbus
 *   xs_labcheck errors PATH          daemon errors as messages (PATH absent)
 *   xs_labcheck optional             GET_FEATURE / GET_QUOTA support
 *   xs_labcheck domain DOMID         is-introduced + domain path
 *   xs_labcheck pipeline PATH N      N reads of PATH in flight at once
 *   xs_labcheck try OP PATH [VALUE]  one read/write/rm/dir; prints the value or
 *                                    the client's error message (exit 1)
 *   xs_labcheck reset PATH           RESET_WATCHES drops the handle's watches
 *   xs_labcheck bigdir PATH N        N long-named children: one DIRECTORY is
 *                                    refused (E2BIG), the client's listing
 *                                    (DIRECTORY_PART) still has all N
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>
#include <xkit/light.h>

static xkl_xs *open_or_die(unsigned flags)
{
    xkl_xs *xs = xkl_xs_open(flags);
    if (!xs) {
        fprintf(stderr, "xs_labcheck: open xenstore: %s\n", strerror(errno));
        exit(1);
    }
    return xs;
}

struct incr {
    const char *path;
    unsigned attempts;
};

static int incr_once(xkl_xs *xs, xkl_xs_tx tx, void *arg)
{
    struct incr *in = arg;
    in->attempts++;
    char *v = xkl_xs_read(xs, tx, in->path, NULL);
    if (!v)
        return -1;
    long n = strtol(v, NULL, 10);
    free(v);
    usleep(2000); /* widen the window so the writers really conflict */
    char buf[32];
    int l = snprintf(buf, sizeof buf, "%ld", n + 1);
    return xkl_xs_write(xs, tx, in->path, buf, (size_t)l);
}

static int cmd_tx(int writers, int n, const char *path)
{
    xkl_xs *xs = open_or_die(0);
    if (xkl_xs_write(xs, 0, path, "0", 1) < 0) {
        fprintf(stderr, "%s\n", xkl_xs_error(xs));
        return 1;
    }
    int pipefd[2];
    if (pipe(pipefd) < 0)
        return 1;
    for (int w = 0; w < writers; w++) {
        if (fork() == 0) {
            xkl_xs *c = open_or_die(0);
            struct incr in = {path, 0};
            for (int i = 0; i < n; i++)
                if (xkl_xs_tx_retry(c, 1000, incr_once, &in) < 0) {
                    fprintf(stderr, "writer %d: %s\n", w, xkl_xs_error(c));
                    _exit(1);
                }
            unsigned retries = in.attempts - (unsigned)n;
            if (write(pipefd[1], &retries, sizeof retries) < 0)
                _exit(1);
            xkl_xs_close(c);
            _exit(0);
        }
    }
    close(pipefd[1]);
    int bad = 0;
    for (int w = 0; w < writers; w++) {
        int st;
        wait(&st);
        bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
    }
    unsigned total = 0, r;
    while (read(pipefd[0], &r, sizeof r) == sizeof r)
        total += r;
    char *v = xkl_xs_read(xs, 0, path, NULL);
    long final = v ? strtol(v, NULL, 10) : -1;
    free(v);
    printf("writers %d x %d increments: final %ld (want %d), retries after EAGAIN %u\n",
           writers, n, final, writers * n, total);
    xkl_xs_close(xs);
    return bad || final != (long)writers * n;
}

static int cmd_watch(const char *path, int count, int secs)
{
    xkl_xs *xs = open_or_die(0);
    if (xkl_xs_watch(xs, path, "lab-token") < 0) {
        fprintf(stderr, "%s\n", xkl_xs_error(xs));
        return 1;
    }
    printf("watching\n");
    fflush(stdout);
    int fd = xkl_xs_watch_fd(xs);
    for (int seen = 0; seen < count;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, secs * 1000) <= 0) {
            fprintf(stderr, "xs_labcheck: no event on the watch fd within %d s\n", secs);
            return 1;
        }
        struct xkl_xs_event *ev;
        while ((ev = xkl_xs_read_watch(xs, 0))) {
            printf("%s %s\n", ev->path, ev->token);
            fflush(stdout);
            free(ev);
            seen++;
        }
    }
    if (xkl_xs_unwatch(xs, path, "lab-token") < 0) {
        fprintf(stderr, "%s\n", xkl_xs_error(xs));
        return 1;
    }
    xkl_xs_close(xs);
    return 0;
}

#define CHECK(cond, ...) do { if (!(cond)) { fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); return 1; } } while (0)

static int cmd_xenbus(const char *path)
{
    xkl_xs *xs = open_or_die(XKL_XS_OPEN_XENBUS);
    CHECK(xkl_xs_is_xenbus(xs), "not a xenbus connection");
    char sub[256];
    snprintf(sub, sizeof sub, "%s/k", path);
    CHECK(xkl_xs_watch(xs, path, "xb") == 0, "%s", xkl_xs_error(xs));
    CHECK(xkl_xs_write(xs, 0, sub, "via-xenbus", 10) == 0, "%s", xkl_xs_error(xs));
    size_t len;
    char *v = xkl_xs_read(xs, 0, sub, &len);
    CHECK(v && len == 10 && !strcmp(v, "via-xenbus"), "read back: %s", v ? v : xkl_xs_error(xs));
    free(v);
    unsigned n;
    char **d = xkl_xs_directory(xs, 0, path, &n);
    CHECK(d && n == 1 && !strcmp(d[0], "k"), "directory: %s", d ? "wrong" : xkl_xs_error(xs));
    free(d);
    xkl_xs_tx tx;
    CHECK(xkl_xs_tx_start(xs, &tx) == 0, "%s", xkl_xs_error(xs));
    CHECK(xkl_xs_write(xs, tx, sub, "in-tx", 5) == 0, "%s", xkl_xs_error(xs));
    CHECK(xkl_xs_tx_end(xs, tx, 0) == 0, "%s", xkl_xs_error(xs));
    int got = 0;
    struct xkl_xs_event *ev;
    while (got < 3 && (ev = xkl_xs_read_watch(xs, 5000))) {
        printf("xenbus event %s %s\n", ev->path, ev->token);
        free(ev);
        got++;
    }
    CHECK(got == 3, "xenbus: %d watch events, want 3 (initial, write, tx commit)", got);
    xkl_xs_close(xs);
    printf("xenbus ok\n");
    return 0;
}

static int cmd_errors(const char *path)
{
    xkl_xs *xs = open_or_die(0);
    char buf[512];
    CHECK(!xkl_xs_read(xs, 0, path, NULL) && errno == ENOENT, "read of absent %s", path);
    printf("%s\n", xkl_xs_error(xs));
    snprintf(buf, sizeof buf, "xenstore read %s: No such file or directory (ENOENT)", path);
    CHECK(!strcmp(xkl_xs_error(xs), buf), "message: %s", xkl_xs_error(xs));
    CHECK(xkl_xs_write(xs, 0, "bad path", "v", 1) < 0 && errno == EINVAL, "bad path write");
    printf("%s\n", xkl_xs_error(xs));
    CHECK(!strcmp(xkl_xs_error(xs), "xenstore write bad path: Invalid argument (EINVAL)"),
          "message: %s", xkl_xs_error(xs));
    struct xkl_xs_perm p = {0, XKL_XS_PERM_NONE};
    CHECK(xkl_xs_set_perms(xs, 0, path, &p, 1) < 0 && errno == ENOENT, "perms on absent");
    printf("%s\n", xkl_xs_error(xs));
    /* (not "rm /": oxenstored accepts it and empties the store) */
    CHECK(!xkl_xs_directory(xs, 0, path, NULL) && errno == ENOENT, "directory of absent");
    printf("%s\n", xkl_xs_error(xs));
    /* the connection survives daemon errors */
    char *v = xkl_xs_read(xs, 0, "/local/domain/0/name", NULL);
    CHECK(v, "read after errors: %s", xkl_xs_error(xs));
    free(v);
    xkl_xs_close(xs);
    return 0;
}

static int cmd_optional(void)
{
    xkl_xs *xs = open_or_die(0);
    xkl_xs_set_timeout(xs, 3000);
    uint32_t f;
    unsigned q;
    int r1 = xkl_xs_get_feature(xs, 0, &f);
    printf("get feature: %s\n", r1 == 0 ? "supported" : xkl_xs_error(xs));
    int e1 = r1 ? errno : 0;
    int r2 = xkl_xs_get_quota(xs, -1, "nodes", &q);
    printf("get quota: %s\n", r2 == 0 ? "supported" : xkl_xs_error(xs));
    int e2 = r2 ? errno : 0;
    xkl_xs_close(xs);
    /* Xen 4.17 daemons predate both: the client must say so cleanly. */
    return (r1 && e1 != ENOSYS && e1 != ETIMEDOUT) || (r2 && e2 != ENOSYS && e2 != ETIMEDOUT);
}

static int cmd_domain(unsigned domid)
{
    xkl_xs *xs = open_or_die(0);
    int in = xkl_xs_is_introduced(xs, domid);
    char *p = xkl_xs_get_domain_path(xs, domid);
    printf("domain %u: introduced %d, path %s\n", domid, in, p ? p : xkl_xs_error(xs));
    int bad = in < 0 || !p;
    free(p);
    xkl_xs_close(xs);
    return bad;
}

static int cmd_pipeline(const char *path, int n)
{
    xkl_xs *xs = open_or_die(0);
    size_t want_len;
    char *want = xkl_xs_read(xs, 0, path, &want_len);
    CHECK(want, "%s", xkl_xs_error(xs));
    uint32_t *ids = calloc((size_t)n, sizeof *ids);
    for (int i = 0; i < n; i++)
        CHECK(xkl_xs_send(xs, 0, XS_READ, path, strlen(path) + 1, &ids[i]) == 0, "%s",
              xkl_xs_error(xs));
    for (int i = n - 1; i >= 0; i--) { /* collect in reverse order on purpose */
        size_t len;
        char *v = xkl_xs_recv(xs, ids[i], &len);
        CHECK(v && len == want_len && !memcmp(v, want, len), "reply %d: %s", i,
              v ? "wrong value" : xkl_xs_error(xs));
        free(v);
    }
    printf("pipeline: %d reads in flight, all matched\n", n);
    free(ids);
    free(want);
    xkl_xs_close(xs);
    return 0;
}

static int cmd_reset(const char *path)
{
    xkl_xs *xs = open_or_die(0);
    char sub[256];
    snprintf(sub, sizeof sub, "%s/x", path);
    CHECK(xkl_xs_watch(xs, path, "r") == 0, "%s", xkl_xs_error(xs));
    struct xkl_xs_event *ev = xkl_xs_read_watch(xs, 5000);
    CHECK(ev, "no initial event: %s", xkl_xs_error(xs));
    free(ev);
    CHECK(xkl_xs_reset_watches(xs) == 0, "%s", xkl_xs_error(xs));
    CHECK(xkl_xs_write(xs, 0, sub, "1", 1) == 0, "%s", xkl_xs_error(xs));
    ev = xkl_xs_read_watch(xs, 1000);
    CHECK(!ev && errno == EAGAIN, "an event came after RESET_WATCHES: %s", ev ? ev->path : "");
    /* and a new watch works again */
    CHECK(xkl_xs_watch(xs, path, "r2") == 0, "%s", xkl_xs_error(xs));
    ev = xkl_xs_read_watch(xs, 5000);
    CHECK(ev && !strcmp(ev->token, "r2"), "no event after re-watch");
    free(ev);
    printf("reset watches ok\n");
    xkl_xs_close(xs);
    return 0;
}

static int cmd_bigdir(const char *path, int n)
{
    xkl_xs *xs = open_or_die(0);
    char sub[512];
    for (int i = 0; i < n; i++) {
        snprintf(sub, sizeof sub, "%s/a-rather-long-child-name-to-fill-payloads-%d", path, i);
        CHECK(xkl_xs_write(xs, 0, sub, "", 0) == 0, "%s", xkl_xs_error(xs));
    }
    uint32_t id;
    CHECK(xkl_xs_send(xs, 0, XS_DIRECTORY, path, strlen(path) + 1, &id) == 0, "%s",
          xkl_xs_error(xs));
    void *r = xkl_xs_recv(xs, id, NULL);
    int e = errno;
    printf("plain DIRECTORY of %d children: %s\n", n, r ? "answered" : xkl_xs_error(xs));
    free(r);
    unsigned num;
    char **d = xkl_xs_directory(xs, 0, path, &num);
    if (!d && errno == E2BIG && !r && e == E2BIG) {
        /* oxenstored 4.17: no DIRECTORY_PART; a clean E2BIG is all we can do */
        printf("daemon lacks DIRECTORY_PART: %s\n", xkl_xs_error(xs));
        xkl_xs_close(xs);
        return 0;
    }
    CHECK(d, "%s", xkl_xs_error(xs));
    printf("xkl_xs_directory: %u children\n", num);
    free(d);
    xkl_xs_close(xs);
    CHECK(num == (unsigned)n, "listed %u of %d", num, n);
    CHECK(!r && e == E2BIG, "the daemon did not refuse the plain request: DIRECTORY_PART untested");
    return 0;
}

static int cmd_try(const char *op, const char *path, const char *value)
{
    xkl_xs *xs = open_or_die(0);
    int r = -1;
    if (!strcmp(op, "read")) {
        char *v = xkl_xs_read(xs, 0, path, NULL);
        if (v)
            printf("value: %s\n", v);
        r = v ? 0 : -1;
        free(v);
    } else if (!strcmp(op, "write")) {
        r = xkl_xs_write(xs, 0, path, value ? value : "", value ? strlen(value) : 0);
    } else if (!strcmp(op, "rm")) {
        r = xkl_xs_rm(xs, 0, path);
    } else if (!strcmp(op, "dir")) {
        unsigned n;
        char **d = xkl_xs_directory(xs, 0, path, &n);
        r = d ? 0 : -1;
        free(d);
    }
    printf("%s %s: %s (via %s)\n", op, path, r == 0 ? "ok" : xkl_xs_error(xs),
           xkl_xs_is_xenbus(xs) ? "xenbus" : "socket");
    xkl_xs_close(xs);
    return r == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "tx"))
        return cmd_tx(atoi(argv[2]), atoi(argv[3]), argv[4]);
    if (argc >= 5 && !strcmp(argv[1], "watch"))
        return cmd_watch(argv[2], atoi(argv[3]), atoi(argv[4]));
    if (argc >= 3 && !strcmp(argv[1], "xenbus"))
        return cmd_xenbus(argv[2]);
    if (argc >= 3 && !strcmp(argv[1], "errors"))
        return cmd_errors(argv[2]);
    if (argc >= 2 && !strcmp(argv[1], "optional"))
        return cmd_optional();
    if (argc >= 3 && !strcmp(argv[1], "domain"))
        return cmd_domain((unsigned)atoi(argv[2]));
    if (argc >= 4 && !strcmp(argv[1], "pipeline"))
        return cmd_pipeline(argv[2], atoi(argv[3]));
    if (argc >= 4 && !strcmp(argv[1], "try"))
        return cmd_try(argv[2], argv[3], argc > 4 ? argv[4] : NULL);
    if (argc >= 4 && !strcmp(argv[1], "bigdir"))
        return cmd_bigdir(argv[2], atoi(argv[3]));
    if (argc >= 3 && !strcmp(argv[1], "reset"))
        return cmd_reset(argv[2]);
    fprintf(stderr, "usage: see the comment at the top of xs_labcheck.c\n");
    return 2;
}
