/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The device model of a PV or PVH guest: one QEMU (Debian's
 * qemu-system-xen, XK_QEMU_XEN) per domain, attached to it with -machine
 * xenpv, serving its qdisk backends (the disks a loop device cannot give:
 * qcow2, vhd...). It is started and recorded the way libxl does, so that
 * Debian's xl destroys what we started and we recognise what it started:
 *   /local/domain/0/device-model/D          QEMU's directory (state, backends)
 *   /local/domain/0/device-model/D/state    "running" once QEMU is ready
 *   /local/domain/D/image/device-model-pid  its pid
 *   /libxl/D/dm-version                     "qemu_xen"
 *   /run/xen/qmp-libxl-D                    its QMP socket
 *   /var/log/xen/qemu-dm-NAME.log           its stdout and stderr
 *
 * The library forks here (and only here, besides hotplug scripts): QEMU
 * outlives the call, so it is started through a short-lived middle child
 * and reparented to init, and never becomes a zombie of the caller. The
 * caller holds a pidfd on it while it starts (early exit, kill without a
 * pid race); no pid is waited for but the middle child's, at once.
 */
#include "private.h"
#include "dm.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define START_TIMEOUT_MS 10000   /* QEMU writes "running" within this */
#define SLICE_MS 100             /* between looks at QEMU's pidfd while waiting */
#define STOP_TIMEOUT_MS 5000     /* SIGTERM, then SIGKILL */
#define KILL_TIMEOUT_MS 2000

/* ---- pure helpers (dm.h) ---- */

int xkl__dm_pv_args(struct xkl__dm_argv *a, const char *qemu, uint32_t domid, const char *name,
                    uint64_t max_kb)
{
    memset(a, 0, sizeof *a);
    snprintf(a->domid, sizeof a->domid, "%u", domid);
    snprintf(a->qmp, sizeof a->qmp, "socket,id=libxl-cmd,path=%s/qmp-libxl-%u,server=on,wait=off",
             XKL__DM_RUN_DIR, domid);
    snprintf(a->mem, sizeof a->mem, "%llu", (unsigned long long)((max_kb + 1023) / 1024));
    /* -name takes QEMU options: guest= keeps a name with '=' whole, and a
     * comma is written twice */
    size_t o = (size_t)snprintf(a->name, sizeof a->name, "guest=");
    for (const char *p = name; *p; p++) {
        size_t need = *p == ',' ? 2 : 1;
        if (o + need >= sizeof a->name) {
            errno = ENAMETOOLONG;
            return -1;
        }
        a->name[o++] = *p;
        if (*p == ',')
            a->name[o++] = ',';
    }
    a->name[o] = '\0';
    const char *const v[] = {
        qemu,
        "-xen-domid", a->domid,
        "-no-shutdown",
        "-chardev", a->qmp,
        "-mon", "chardev=libxl-cmd,mode=control",
        "-nodefaults",
        "-no-user-config",
        "-xen-attach",
        "-name", a->name,
        /* no "-vnc none" (libxl's): it makes QEMU load a keymap, and a
         * host without qemu-system-data then has QEMU exit; with no
         * display there is no VNC server anyway */
        "-display", "none",
        "-machine", "xenpv",
        "-m", a->mem,
    };
    a->argc = sizeof v / sizeof *v;
    memcpy(a->argv, v, sizeof v);
    a->argv[a->argc] = NULL;
    return 0;
}

/* Whether the argument s[0..n) is a path whose last component names qemu. */
static bool names_qemu(const char *s, size_t n)
{
    const char *base = s;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '/')
            base = s + i + 1;
    return memmem(base, n - (size_t)(base - s), "qemu", 4) != NULL;
}

bool xkl__dm_cmdline_is(const char *cmdline, size_t len, uint32_t domid)
{
    char want[16];
    int wn = snprintf(want, sizeof want, "%u", domid);
    const char *p = cmdline, *end = cmdline + len, *prev = NULL;
    size_t prevn = 0;
    bool qemu = false;
    for (unsigned i = 0; p < end; i++) {
        const char *z = memchr(p, '\0', (size_t)(end - p));
        size_t n = z ? (size_t)(z - p) : (size_t)(end - p);
        /* the binary, or the script an interpreter runs */
        if (i < 2)
            qemu = qemu || names_qemu(p, n);
        if (qemu && prev && prevn == 10 && !memcmp(prev, "-xen-domid", 10) && n == (size_t)wn &&
            !memcmp(p, want, n))
            return true;
        prev = p;
        prevn = n;
        p += n + 1;
    }
    return false;
}

void xkl__dm_log_tail(const char *text, size_t len, char *out, size_t outlen)
{
    const char *start[3];
    size_t n[3];
    int k = 0;
    const char *e = text + len;
    while (k < 3) {
        while (e > text && (e[-1] == '\n' || e[-1] == '\r'))
            e--;
        if (e == text)
            break;
        const char *b = e;
        while (b > text && b[-1] != '\n')
            b--;
        /* a line repeated (QEMU retries and says it again) counts once */
        if (!k || n[k - 1] != (size_t)(e - b) || memcmp(start[k - 1], b, n[k - 1])) {
            start[k] = b;
            n[k] = (size_t)(e - b);
            k++;
        }
        e = b;
    }
    if (!outlen)
        return;
    if (!k) {
        snprintf(out, outlen, "(empty)");
        return;
    }
    size_t o = 0;
    out[0] = '\0';
    for (int i = k - 1; i >= 0 && o + 1 < outlen; i--) {
        int w = snprintf(out + o, outlen - o, "%s%.*s", i == k - 1 ? "" : " | ", (int)n[i], start[i]);
        if (w < 0 || (size_t)w >= outlen - o)
            break;
        o += (size_t)w;
    }
}

/* ---- processes ---- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether the process behind pidfd ended within ms (0: just look). */
static bool pidfd_ended(int pidfd, int ms)
{
    long long deadline = now_ms() + ms;
    for (;;) {
        struct pollfd p = { .fd = pidfd, .events = POLLIN };
        long long left = deadline - now_ms();
        int r = poll(&p, 1, left > 0 ? (int)left : 0);
        if (r > 0)
            return true;
        if (r == 0 || errno != EINTR)
            return false;
    }
}

/* Whether pid runs as domid's QEMU, from its /proc/PID/cmdline. */
static bool is_domains_qemu(pid_t pid, uint32_t domid)
{
    char path[32], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    size_t n = 0;
    while (n < sizeof buf) {
        ssize_t r = read(fd, buf + n, sizeof buf - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    return xkl__dm_cmdline_is(buf, n, domid);
}

/* The pid recorded for domid's device model, or 0. */
static pid_t recorded_pid(xkl_xs *xs, uint32_t domid)
{
    char path[64];
    snprintf(path, sizeof path, "/local/domain/%u/image/device-model-pid", domid);
    char *v = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
    if (!v)
        return 0;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    bool ok = errno == 0 && end != v && !*end && n > 0 && n <= INT_MAX;
    free(v);
    return ok ? (pid_t)n : 0;
}

/* Remove what records domid's QEMU: its xenstore directory, the pid and
 * version libxl reads, its QMP socket. Best effort. */
static void remove_records(xkl_xs *xs, uint32_t domid)
{
    char dm[64], pid[64], ver[48], sock[64];
    snprintf(dm, sizeof dm, "/local/domain/0/device-model/%u", domid);
    snprintf(pid, sizeof pid, "/local/domain/%u/image/device-model-pid", domid);
    snprintf(ver, sizeof ver, "/libxl/%u/dm-version", domid);
    snprintf(sock, sizeof sock, "%s/qmp-libxl-%u", XKL__DM_RUN_DIR, domid);
    const struct xkl_xs_op ops[] = {
        { .kind = XKL_XS_OP_RM, .path = dm, .missing_ok = 1 },
        { .kind = XKL_XS_OP_RM, .path = pid, .missing_ok = 1 },
        { .kind = XKL_XS_OP_RM, .path = ver, .missing_ok = 1 },
    };
    xkl_xs_batch(xs, XKL_XS_TX_NONE, ops, sizeof ops / sizeof *ops);
    unlink(sock);
}

/* fd moved to 3 or above (close-on-exec), so that the child's dup2 onto
 * 0, 1 and 2 always makes a new descriptor. */
static int high_fd(int fd)
{
    if (fd < 0 || fd > 2)
        return fd;
    int h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int e = errno;
    close(fd);
    errno = e;
    return h;
}

/* Start a->argv as a grandchild in its own session (stdin null_fd, stdout
 * and stderr log_fd, every other descriptor closed on exec, signals at
 * their defaults), reparented to init: the middle child reports QEMU's
 * pid, waits until we hold a pidfd on it (so the pid cannot be reused
 * meanwhile), then exits and is reaped here. 0 with *pidfd, or -1 with
 * errno and nothing left running. */
static int spawn(const struct xkl__dm_argv *a, int null_fd, int log_fd, const char *exec_msg,
                 pid_t *pid, int *pidfd)
{
    int pp[2], go[2];
    if (pipe2(pp, O_CLOEXEC) < 0)
        return -1;
    if (pipe2(go, O_CLOEXEC) < 0) {
        int e = errno;
        close(pp[0]);
        close(pp[1]);
        errno = e;
        return -1;
    }
    size_t msglen = strlen(exec_msg);
    pid_t mid = fork();
    if (mid == 0) {
        /* the middle child: async-signal-safe calls only. Its copy of the
         * go pipe's write end goes, so that our close() is its EOF */
        close(go[1]);
        close(pp[0]);
        pid_t q = fork();
        if (q == 0) {
            setsid();
            sigset_t none;
            sigemptyset(&none);
            sigprocmask(SIG_SETMASK, &none, NULL);
            struct sigaction dfl = { .sa_handler = SIG_DFL };
            for (int s = 1; s < NSIG; s++)
                sigaction(s, &dfl, NULL);   /* an ignored signal stays ignored across exec */
            if (dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0)
                _exit(127);
            close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
            execv(a->argv[0], (char *const *)a->argv);
            if (write(2, exec_msg, msglen) < 0)
                _exit(127);
            _exit(127);
        }
        struct { pid_t pid; int err; } m = { q, q < 0 ? errno : 0 };
        if (write(pp[1], &m, sizeof m) == (ssize_t)sizeof m && q > 0) {
            char c;
            while (read(go[0], &c, 1) < 0 && errno == EINTR)
                ;
        }
        _exit(0);
    }
    int e = errno;
    close(pp[1]);
    close(go[0]);
    if (mid < 0) {
        close(pp[0]);
        close(go[1]);
        errno = e;
        return -1;
    }
    struct { pid_t pid; int err; } m = { 0, 0 };
    ssize_t n;
    do
        n = read(pp[0], &m, sizeof m);
    while (n < 0 && errno == EINTR);
    close(pp[0]);
    int r = -1;
    e = EIO;
    if (n == (ssize_t)sizeof m && m.err) {
        e = m.err;
    } else if (n == (ssize_t)sizeof m && m.pid > 0) {
        *pidfd = pidfd_open(m.pid, 0);
        if (*pidfd >= 0) {
            *pid = m.pid;
            r = 0;
        } else {
            e = errno;
            kill(m.pid, SIGKILL);   /* still the middle child's child: this very process */
        }
    }
    close(go[1]);   /* the middle child exits; QEMU goes to init */
    while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
        ;
    errno = e;
    return r;
}

/* Kill the process behind pidfd and wait (a while) for it to go. */
static void kill_wait(int pidfd)
{
    pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
    pidfd_ended(pidfd, KILL_TIMEOUT_MS);
}

/* The end of the log written since offset `from`, for an error line. */
static void log_tail(const char *path, off_t from, char *out, size_t outlen)
{
    char buf[4096];
    size_t n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        off_t end = lseek(fd, 0, SEEK_END);
        off_t at = end - from > (off_t)sizeof buf ? end - (off_t)sizeof buf : from;
        ssize_t r = at >= 0 ? pread(fd, buf, sizeof buf, at) : -1;
        n = r > 0 ? (size_t)r : 0;
        close(fd);
    }
    xkl__dm_log_tail(buf, n, out, outlen);
}

/* the log of domid's QEMU, named after the guest as libxl names it ('/'
 * cannot be in a file name); name is the domain's */
static void log_path_of(const char *name, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s/qemu-dm-%s.log", XKL__DM_LOG_DIR, name);
    for (char *p = out + strlen(XKL__DM_LOG_DIR) + 1; *p; p++)
        if (*p == '/')
            *p = '_';
}

int xkl__dm_said(struct xkl_ctx *ctx, uint32_t domid, char *out, size_t outlen)
{
    char *name = xkl__xs_readf(ctx, "/local/domain/%u/name", domid);
    if (!name)
        return -1;
    char path[PATH_MAX], tail[512];
    log_path_of(name, path, sizeof path);
    free(name);
    if (access(path, R_OK) < 0)
        return -1;
    log_tail(path, 0, tail, sizeof tail);
    snprintf(out, outlen, "QEMU's log %s ends: %s", path, tail);
    return 0;
}

static int mkdir_p1(const char *dir)
{
    return mkdir(dir, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

/* ---- the operations (device/device.h) ---- */

/* Wait until QEMU writes "running" to its state node, watched; between
 * watch events (at most SLICE_MS apart) look whether it exited. 0, or -1
 * with errno ETIMEDOUT (too slow), ECHILD (exited) or the xenstore one. */
static int wait_running(xkl_xs *xs, const char *state, int pidfd, char *why, size_t whylen)
{
    static const char token[] = "xkl-dm-state";
    if (xkl_xs_watch(xs, state, token) < 0) {
        snprintf(why, whylen, "%s", xkl_xs_error(xs));
        return -1;
    }
    long long deadline = now_ms() + START_TIMEOUT_MS;
    int r = -1, err = ETIMEDOUT;
    for (;;) {
        /* a watch fires once when set, then on every change: look first */
        char *v = xkl_xs_read(xs, XKL_XS_TX_NONE, state, NULL);
        bool running = v && !strcmp(v, "running");
        free(v);
        if (running) {
            r = 0;
            break;
        }
        if (pidfd_ended(pidfd, 0)) {
            err = ECHILD;
            break;
        }
        long long left = deadline - now_ms();
        if (left <= 0)
            break;
        struct xkl_xs_event *ev = xkl_xs_read_watch(xs, left < SLICE_MS ? (int)left : SLICE_MS);
        if (!ev && errno != EAGAIN && errno != ETIMEDOUT) {
            err = errno;
            snprintf(why, whylen, "%s", xkl_xs_error(xs));
            break;
        }
        free(ev);
    }
    xkl_xs_unwatch(xs, state, token);
    struct xkl_xs_event *ev;
    while ((ev = xkl_xs_read_watch(xs, 0)))
        free(ev);
    errno = err;
    return r;
}

int xkl__dm_pv_ensure(xkl_ctx *ctx, uint32_t domid, const char *what)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return xkl__err_wrap(ctx, "%s: QEMU for domain %u", what, domid);
    pid_t old = recorded_pid(xs, domid);
    if (old > 0 && is_domains_qemu(old, domid))
        return 0;   /* started already, by us or by Debian's xl */

    char *name = xkl__xs_readf(ctx, "/local/domain/%u/name", domid);
    if (!name)
        return xkl__err_wrap(ctx, "%s: QEMU for domain %u: the domain's name", what, domid);
    char *smax = xkl__xs_readf(ctx, "/local/domain/%u/memory/static-max", domid);
    char *end = NULL;
    unsigned long long max_kb = smax ? strtoull(smax, &end, 10) : 0;
    bool mem_ok = smax && end != smax && !*end && max_kb > 0;
    free(smax);
    if (!mem_ok) {
        free(name);
        return smax ? xkl__err(ctx, EINVAL, "%s: QEMU for domain %u: bad memory/static-max", what, domid)
                    : xkl__err_wrap(ctx, "%s: QEMU for domain %u: the domain's memory", what, domid);
    }
    struct xkl__dm_argv a;
    if (xkl__dm_pv_args(&a, XK_QEMU_XEN, domid, name, max_kb) < 0) {
        free(name);
        return xkl__err(ctx, errno, "%s: QEMU for domain %u: domain name too long", what, domid);
    }
    if (access(XK_QEMU_XEN, X_OK) < 0) {
        free(name);
        return xkl__err(ctx, errno, "%s: QEMU for domain %u: %s: %s (install qemu-system-xen)", what,
                        domid, XK_QEMU_XEN, strerror(errno));
    }

    char logpath[PATH_MAX];
    log_path_of(name, logpath, sizeof logpath);
    free(name);
    if (mkdir_p1(XKL__DM_LOG_DIR) < 0 || mkdir_p1(XKL__DM_RUN_DIR) < 0)
        return xkl__err(ctx, errno, "%s: QEMU for domain %u: mkdir %s or %s: %s", what, domid,
                        XKL__DM_LOG_DIR, XKL__DM_RUN_DIR, strerror(errno));
    int log_fd = high_fd(open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (log_fd < 0)
        return xkl__err(ctx, errno, "%s: QEMU for domain %u: %s: %s", what, domid, logpath,
                        strerror(errno));
    off_t from = lseek(log_fd, 0, SEEK_END);
    int null_fd = high_fd(open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (null_fd < 0) {
        int e = errno;
        close(log_fd);
        return xkl__err(ctx, e, "%s: QEMU for domain %u: /dev/null: %s", what, domid, strerror(e));
    }

    /* QEMU's directory, empty (a state left by an earlier QEMU would read
     * as ready), owned by dom0 as libxl makes it */
    char dmdir[64], state[80], pidpath[64], verpath[48], pidnum[16], sock[64];
    snprintf(dmdir, sizeof dmdir, "/local/domain/0/device-model/%u", domid);
    snprintf(state, sizeof state, "%s/state", dmdir);
    snprintf(pidpath, sizeof pidpath, "/local/domain/%u/image/device-model-pid", domid);
    snprintf(verpath, sizeof verpath, "/libxl/%u/dm-version", domid);
    snprintf(sock, sizeof sock, "%s/qmp-libxl-%u", XKL__DM_RUN_DIR, domid);
    unlink(sock);
    const struct xkl_xs_perm dom0_only = { 0, XKL_XS_PERM_NONE };
    const struct xkl_xs_op prep[] = {
        { .kind = XKL_XS_OP_RM, .path = dmdir, .missing_ok = 1 },
        { .kind = XKL_XS_OP_MKDIR, .path = dmdir, .perms = &dom0_only, .nperms = 1 },
    };
    if (xkl_xs_batch(xs, XKL_XS_TX_NONE, prep, 2) < 0) {
        int e = errno;
        xkl__err(ctx, e, "%s: QEMU for domain %u: %s", what, domid, xkl_xs_error(xs));
        close(log_fd);
        close(null_fd);
        return -1;
    }

    char exec_msg[PATH_MAX + 64];
    snprintf(exec_msg, sizeof exec_msg, "xkit: cannot execute %s\n", XK_QEMU_XEN);
    pid_t pid = 0;
    int pidfd = -1;
    int r = spawn(&a, null_fd, log_fd, exec_msg, &pid, &pidfd);
    int e = errno;
    close(log_fd);
    close(null_fd);
    if (r < 0) {
        remove_records(xs, domid);
        return xkl__err(ctx, e, "%s: QEMU for domain %u: start %s: %s", what, domid, XK_QEMU_XEN,
                        strerror(e));
    }
    /* recorded at once, where Debian's xl destroy finds it too */
    snprintf(pidnum, sizeof pidnum, "%d", (int)pid);
    const struct xkl_xs_op rec[] = {
        { .kind = XKL_XS_OP_WRITE, .path = pidpath, .data = pidnum, .len = strlen(pidnum) },
        { .kind = XKL_XS_OP_WRITE, .path = verpath, .data = "qemu_xen", .len = 8 },
    };
    char why[512] = "";
    if (xkl_xs_batch(xs, XKL_XS_TX_NONE, rec, 2) < 0) {
        e = errno;
        snprintf(why, sizeof why, "%s", xkl_xs_error(xs));
        r = -1;
    } else {
        /* silent as Xen's xl is; its log path is in any error about it */
        r = wait_running(xs, state, pidfd, why, sizeof why);
        e = errno;
    }
    if (r < 0) {
        char tail[400];
        bool exited = e == ECHILD;
        kill_wait(pidfd);
        log_tail(logpath, from, tail, sizeof tail);
        remove_records(xs, domid);
        if (exited)
            xkl__err(ctx, EIO, "%s: QEMU for domain %u exited before it was ready; %s: %s", what,
                     domid, logpath, tail);
        else if (e == ETIMEDOUT)
            xkl__err(ctx, e, "%s: QEMU for domain %u did not write running to %s in %d s; %s: %s",
                     what, domid, state, START_TIMEOUT_MS / 1000, logpath, tail);
        else
            xkl__err(ctx, e, "%s: QEMU for domain %u: %s", what, domid, why);
    }
    close(pidfd);
    return r;
}

void xkl__dm_stop(xkl_ctx *ctx, uint32_t domid)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return;
    pid_t pid = recorded_pid(xs, domid);
    if (!pid)
        return;   /* none runs */
    /* hold the process first, then check it is the domain's QEMU: the
     * pidfd stays this process whatever happens to the pid */
    int pidfd = pidfd_open(pid, 0);
    if (pidfd >= 0 && is_domains_qemu(pid, domid)) {
        if (pidfd_send_signal(pidfd, SIGTERM, NULL, 0) < 0 && errno != ESRCH)
            xkl__err(ctx, errno, "stop QEMU of domain %u (pid %d): %s", domid, (int)pid,
                     strerror(errno));
        else if (!pidfd_ended(pidfd, STOP_TIMEOUT_MS)) {
            xkl__log(ctx, "domain %u: QEMU (pid %d) still runs %d s after SIGTERM: SIGKILL", domid,
                     (int)pid, STOP_TIMEOUT_MS / 1000);
            pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
            if (!pidfd_ended(pidfd, KILL_TIMEOUT_MS))
                xkl__err(ctx, ETIMEDOUT, "stop QEMU of domain %u (pid %d): still there after SIGKILL",
                         domid, (int)pid);
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    /* gone, or a recorded pid that is no longer this domain's QEMU: its
     * records go either way */
    remove_records(xs, domid);
}
