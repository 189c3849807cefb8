/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dev_labcheck DOMID: the device layer against the real xenstored, with
 * this program playing the backend (a forked child writing the backend's
 * state the way a backend driver does). Uses the "vkbd" kind, which no
 * driver in dom0 serves, so nothing else touches the nodes. Checks:
 *   - add: the nodes land with the frontend owned by the guest and the
 *     backend by dom0;
 *   - wait: returns once the backend reaches Connected (4), woken by the
 *     watch (well before the timeout);
 *   - a timeout names the state node; a hotplug-error is reported in the
 *     backend's own words;
 *   - remove: online = 0, state 5, the backend closes (6), every node goes;
 *     a backend that never answers still has its nodes removed, with an error.
 * Prints "dev_labcheck: N checks ok" and exits 0, or names the first failure.
 */
#include "private.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned checks;

#define CHECK(c, ...)                                        \
    do {                                                     \
        checks++;                                            \
        if (!(c)) {                                          \
            fprintf(stderr, "dev_labcheck: FAIL: " __VA_ARGS__); \
            fprintf(stderr, "\n");                           \
            exit(1);                                         \
        }                                                    \
    } while (0)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *rd(xkl_xs *xs, const char *path)
{
    return xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
}

static void wr(xkl_xs *xs, const char *path, const char *v)
{
    if (xkl_xs_write(xs, XKL_XS_TX_NONE, path, v, strlen(v)) < 0) {
        fprintf(stderr, "dev_labcheck: backend: %s\n", xkl_xs_error(xs));
        _exit(2);
    }
}

/* The child: after delay_ms, write each "node=value" in turn below be
 * (100 ms apart), on a connection of its own; with close_on_5, then wait
 * until the frontend side asks to close (state 5) and answer 6. */
static pid_t backend(const char *be, int delay_ms, const char *const *writes, bool close_on_5)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    xkl_xs *xs = xkl_xs_open(0);
    if (!xs)
        _exit(2);
    usleep((useconds_t)delay_ms * 1000);
    char path[256];
    for (const char *const *w = writes; w && *w; w++) {
        const char *eq = strchr(*w, '=');
        snprintf(path, sizeof path, "%s/%.*s", be, (int)(eq - *w), *w);
        wr(xs, path, eq + 1);
        usleep(100000);
    }
    if (close_on_5) {
        snprintf(path, sizeof path, "%s/state", be);
        for (int i = 0; i < 100; i++) {
            char *v = rd(xs, path);
            bool closing = v && !strcmp(v, "5");
            free(v);
            if (closing) {
                wr(xs, path, "6");
                break;
            }
            usleep(50000);
        }
    }
    xkl_xs_close(xs);
    _exit(0);
}

static void reap(pid_t pid)
{
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the backend child failed (status %d)", st);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: dev_labcheck DOMID (a running or paused guest)\n");
        return 2;
    }
    uint32_t domid = (uint32_t)strtoul(argv[1], NULL, 10);
    char err[512];
    xkl_ctx *ctx = xkl_ctx_open(NULL, err, sizeof err);
    CHECK(ctx, "open context: %s", err);
    xkl_xs *xs = xkl_xs_open(0);
    CHECK(xs, "connect to xenstored");

    const struct xkl__kv front[] = { { "xk-front", "f" } };
    const struct xkl__kv back[] = { { "xk-back", "b" } };
    struct xkl__device d = { .kind = xkl__devkind_find("vkbd"), .domid = domid, .backend_domid = 0,
                             .devid = 3, .front = front, .nfront = 1, .back = back, .nback = 1 };
    char fe[128], be[128], path[256];
    xkl__device_paths(&d, fe, be);

    /* add */
    struct xkl__layout l;
    xkl__layout_init(&l);
    CHECK(xkl__device_layout(&l, &d) == 0, "device layout");
    CHECK(xkl__layout_write(ctx, &l) == 0, "write the device: %s", xkl_ctx_error(ctx));
    xkl__layout_dispose(&l);
    unsigned np = 0;
    struct xkl_xs_perm *p = xkl_xs_get_perms(xs, XKL_XS_TX_NONE, fe, &np);
    CHECK(p && np == 2 && p[0].domid == domid && p[1].domid == 0 && p[1].perm == XKL_XS_PERM_READ,
          "frontend %s permissions", fe);
    free(p);
    p = xkl_xs_get_perms(xs, XKL_XS_TX_NONE, be, &np);
    CHECK(p && np == 2 && p[0].domid == 0 && p[1].domid == domid && p[1].perm == XKL_XS_PERM_READ,
          "backend %s permissions", be);
    free(p);
    snprintf(path, sizeof path, "%s/xk-back", be);
    char *v = rd(xs, path);
    CHECK(v && !strcmp(v, "b"), "%s", path);
    free(v);

    /* wait: the backend connects after ~0.5 s; the wait returns then */
    static const char *const connect[] = { "state=2", "state=4", NULL };
    pid_t pid = backend(be, 300, connect, false);
    double t0 = now_s();
    int r = xkl__device_wait_state(ctx, &d, 4, 10000, "connect");
    double took = now_s() - t0;
    CHECK(r == 0, "wait for Connected: %s", xkl_ctx_error(ctx));
    CHECK(took > 0.2 && took < 3.0, "wait for Connected took %.2f s", took);
    reap(pid);
    printf("dev_labcheck: backend connected, wait returned after %.2f s\n", took);

    /* timeout */
    t0 = now_s();
    r = xkl__device_wait_state(ctx, &d, 3, 400, "connect");
    took = now_s() - t0;
    CHECK(r < 0 && errno == ETIMEDOUT, "a wait for a state that never comes must time out");
    CHECK(strstr(xkl_ctx_error(ctx), "did not reach state 3") && strstr(xkl_ctx_error(ctx), be),
          "timeout message: %s", xkl_ctx_error(ctx));
    CHECK(took >= 0.35 && took < 2.0, "timeout took %.2f s", took);
    printf("dev_labcheck: %s\n", xkl_ctx_error(ctx));

    /* hotplug-error: reported in the backend's words, before the timeout */
    snprintf(path, sizeof path, "%s/state", be);
    wr(xs, path, "1");
    static const char *const broken[] = { "hotplug-error=xk: no such bridge br9", NULL };
    pid = backend(be, 200, broken, false);
    t0 = now_s();
    r = xkl__device_wait_state(ctx, &d, 4, 10000, "connect");
    took = now_s() - t0;
    CHECK(r < 0 && errno == EIO, "a hotplug-error must fail the wait");
    CHECK(strstr(xkl_ctx_error(ctx), "no such bridge br9"), "message: %s", xkl_ctx_error(ctx));
    CHECK(took < 3.0, "hotplug-error noticed after %.2f s", took);
    reap(pid);
    printf("dev_labcheck: %s\n", xkl_ctx_error(ctx));
    snprintf(path, sizeof path, "%s/hotplug-error", be);
    xkl_xs_rm(xs, XKL_XS_TX_NONE, path);

    /* remove: the backend answers the close */
    pid = backend(be, 0, NULL, true);
    r = xkl__device_remove(ctx, &d, 10000, false);
    CHECK(r == 0, "remove: %s", xkl_ctx_error(ctx));
    reap(pid);
    snprintf(path, sizeof path, "/libxl/%u/device/vkbd/3", domid);
    const char *gone[] = { fe, be, path };
    for (int i = 0; i < 3; i++) {
        v = rd(xs, gone[i]);
        CHECK(!v && errno == ENOENT, "%s still there after remove", gone[i]);
    }
    printf("dev_labcheck: removed after the backend closed\n");

    /* remove with a backend that never answers: an error, nodes gone all the same */
    xkl__layout_init(&l);
    CHECK(xkl__device_layout(&l, &d) == 0 && xkl__layout_write(ctx, &l) == 0, "re-add");
    xkl__layout_dispose(&l);
    r = xkl__device_remove(ctx, &d, 300, false);
    CHECK(r < 0 && errno == ETIMEDOUT, "remove without a backend answering must fail");
    for (int i = 0; i < 3; i++) {
        v = rd(xs, gone[i]);
        CHECK(!v && errno == ENOENT, "%s still there after a timed-out remove", gone[i]);
    }
    printf("dev_labcheck: %s (nodes removed)\n", xkl_ctx_error(ctx));

    xkl_xs_close(xs);
    xkl_ctx_close(ctx);
    printf("dev_labcheck: %u checks ok\n", checks);
    return 0;
}
