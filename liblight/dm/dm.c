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

#define PV_START_TIMEOUT_MS 10000    /* QEMU writes "running" within this */
#define HVM_START_TIMEOUT_MS 60000   /* libxl's, for a whole emulated machine */
#define SLICE_MS 100             /* between looks at QEMU's pidfd while waiting */
#define STOP_TIMEOUT_MS 5000     /* SIGTERM, then SIGKILL */
#define KILL_TIMEOUT_MS 2000

/* ---- pure helpers (dm.h) ---- */

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
    char dm[64], pid[64], ver[48], sock[64], stat[64];
    snprintf(dm, sizeof dm, "/local/domain/0/device-model/%u", domid);
    snprintf(pid, sizeof pid, "/local/domain/%u/image/device-model-pid", domid);
    snprintf(ver, sizeof ver, "/libxl/%u/dm-version", domid);
    snprintf(sock, sizeof sock, "%s/qmp-libxl-%u", XKL__DM_RUN_DIR, domid);
    snprintf(stat, sizeof stat, "%s/qmp-libxenstat-%u", XKL__DM_RUN_DIR, domid);
    const struct xkl_xs_op ops[] = {
        { .kind = XKL_XS_OP_RM, .path = dm, .missing_ok = 1 },
        { .kind = XKL_XS_OP_RM, .path = pid, .missing_ok = 1 },
        { .kind = XKL_XS_OP_RM, .path = ver, .missing_ok = 1 },
    };
    xkl_xs_batch(xs, XKL_XS_TX_NONE, ops, sizeof ops / sizeof *ops);
    unlink(sock);
    unlink(stat);
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
static int spawn(char *const *argv, int null_fd, int log_fd, const char *exec_msg,
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
            execv(argv[0], argv);
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
static int wait_running(xkl_xs *xs, const char *state, int pidfd, int timeout_ms, char *why,
                        size_t whylen)
{
    static const char token[] = "xkl-dm-state";
    if (xkl_xs_watch(xs, state, token) < 0) {
        snprintf(why, whylen, "%s", xkl_xs_error(xs));
        return -1;
    }
    long long deadline = now_ms() + timeout_ms;
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

static int dm_start(xkl_ctx *ctx, uint32_t domid, const char *name, char *const *argv,
                    int timeout_ms, const char *what);

int xkl__dm_pv_ensure(xkl_ctx *ctx, uint32_t domid, const struct xkl_domain_config *dc,
                      const char *what)
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
    if (dc && xkl__dm_pv_args_channels(&a, dc->channels, dc->num_channels) < 0) {
        free(name);
        return xkl__err(ctx, errno, "%s: QEMU for domain %u: %zu channels: %s (at most %d, "
                        "socket paths of at most 107 bytes)", what, domid, dc->num_channels,
                        strerror(errno), XKL__DM_MAXCHAN);
    }
    if (access(XK_QEMU_XEN, X_OK) < 0) {
        free(name);
        return xkl__err(ctx, errno, "%s: QEMU for domain %u: %s: %s (install qemu-system-xen)", what,
                        domid, XK_QEMU_XEN, strerror(errno));
    }
    int r = dm_start(ctx, domid, name, (char *const *)a.argv, PV_START_TIMEOUT_MS, what);
    free(name);
    return r;
}

/* Start argv as domid's QEMU, recorded where libxl records it (its
 * xenstore directory made empty first, its pid and version), its output
 * appended to its log, and wait until it writes "running". On failure it
 * is killed and its records removed; the error has its log's last lines. */
static int dm_start(xkl_ctx *ctx, uint32_t domid, const char *name, char *const *argv,
                    int timeout_ms, const char *what)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return xkl__err_wrap(ctx, "%s: QEMU for domain %u", what, domid);
    char logpath[PATH_MAX];
    log_path_of(name, logpath, sizeof logpath);
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
    int r = spawn(argv, null_fd, log_fd, exec_msg, &pid, &pidfd);
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
        r = wait_running(xs, state, pidfd, timeout_ms, why, sizeof why);
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
                     what, domid, state, timeout_ms / 1000, logpath, tail);
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

/* ---- an HVM guest's device model ---- */

#define QMP_TIMEOUT_MS 10000   /* libxl's LIBXL_QMP_CMD_TIMEOUT */

/* s as a JSON string (quotes included), malloc'd */
static char *json_quote(const char *s)
{
    size_t n = 3;
    for (const char *p = s; *p; p++)
        n += 6;
    char *o = malloc(n), *q = o;
    if (!o)
        return NULL;
    *q++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            *q++ = '\\';
            *q++ = (char)*p;
        } else if (*p < 0x20) {
            q += sprintf(q, "\\u%04x", *p);
        } else {
            *q++ = (char)*p;
        }
    }
    *q++ = '"';
    *q = '\0';
    return o;
}

/* What libxl publishes once QEMU runs: serial/N/tty for each pty (xl
 * console -t serial opens it), the VNC password, console/vnc-listen and
 * console/vnc-port. */
static int publish(xkl_ctx *ctx, const struct xkl__dm_hvm_in *in, const char *what)
{
    uint32_t d = in->domid;
    const struct xkl_b_info *bi = &in->dc->b_info;
    bool serial = false;
    for (size_t i = 0; i < bi->hvm.num_serial_list; i++)
        serial = serial || !strcmp(bi->hvm.serial_list[i], "pty");
    bool vnc = bi->vnc.enable != 0 && bi->hvm.nographic != 1;
    if (!serial && !vnc)
        return 0;
    struct xkl__qmp q;
    char why[512];
    if (xkl__qmp_open(&q, d, QMP_TIMEOUT_MS, why, sizeof why) < 0)
        return xkl__err(ctx, errno, "%s: QEMU for domain %u: %s", what, d, why);
    xkl_xs *xs = xkl__xs(ctx);
    struct xkl__qmp_msg m;
    int r = 0;
    if (serial) {
        if (xkl__qmp_call(&q, "query-chardev", NULL, QMP_TIMEOUT_MS, &m, why, sizeof why) < 0) {
            r = xkl__err(ctx, errno, "%s: QEMU for domain %u: %s", what, d, why);
            goto out;
        }
        char ptys[8][64];
        xkl__qmp_ptys(m.ret, ptys, 8);
        xkl__qmp_msg_dispose(&m);
        for (unsigned i = 0; i < 8 && r == 0; i++) {
            if (!ptys[i][0])
                continue;
            char path[64];
            snprintf(path, sizeof path, "/local/domain/%u/serial/%u/tty", d, i);
            if (xkl_xs_write(xs, XKL_XS_TX_NONE, path, ptys[i], strlen(ptys[i])) < 0)
                r = xkl__err(ctx, errno, "%s: domain %u: %s", what, d, xkl_xs_error(xs));
        }
    }
    if (r == 0 && vnc && bi->vnc.passwd && *bi->vnc.passwd) {
        char *pw = json_quote(bi->vnc.passwd), *args = NULL;
        if (!pw || asprintf(&args, "{\"password\":%s}", pw) < 0) {
            free(pw);
            r = xkl__err(ctx, ENOMEM, "%s: %s", what, strerror(ENOMEM));
            goto out;
        }
        free(pw);
        int c = xkl__qmp_call(&q, "change-vnc-password", args, QMP_TIMEOUT_MS, &m, why, sizeof why);
        free(args);
        if (c < 0) {
            r = xkl__err(ctx, errno, "%s: QEMU for domain %u: %s", what, d, why);
            goto out;
        }
        xkl__qmp_msg_dispose(&m);
    }
    if (r == 0 && vnc) {
        if (xkl__qmp_call(&q, "query-vnc", NULL, QMP_TIMEOUT_MS, &m, why, sizeof why) < 0) {
            r = xkl__err(ctx, errno, "%s: QEMU for domain %u: %s", what, d, why);
            goto out;
        }
        const char *host = NULL, *port = NULL;
        if (YAJL_IS_OBJECT(m.ret))
            for (size_t i = 0; i < m.ret->u.object.len; i++) {
                yajl_val v = m.ret->u.object.values[i];
                if (!YAJL_IS_STRING(v))
                    continue;
                if (!strcmp(m.ret->u.object.keys[i], "host"))
                    host = YAJL_GET_STRING(v);
                else if (!strcmp(m.ret->u.object.keys[i], "service"))
                    port = YAJL_GET_STRING(v);
            }
        char lp[64], pp[64];
        snprintf(lp, sizeof lp, "/local/domain/%u/console/vnc-listen", d);
        snprintf(pp, sizeof pp, "/local/domain/%u/console/vnc-port", d);
        const struct xkl_xs_op ops[] = {
            { .kind = XKL_XS_OP_WRITE, .path = lp, .data = host, .len = host ? strlen(host) : 0 },
            { .kind = XKL_XS_OP_WRITE, .path = pp, .data = port, .len = port ? strlen(port) : 0 },
        };
        /* only what QEMU said, and only in the shape a host and a port have */
        bool ok = host && port && strlen(host) < 256 && strspn(port, "0123456789") == strlen(port) &&
                  *port;
        if (ok && xkl_xs_batch(xs, XKL_XS_TX_NONE, ops, 2) < 0)
            r = xkl__err(ctx, errno, "%s: domain %u: %s", what, d, xkl_xs_error(xs));
        xkl__qmp_msg_dispose(&m);
    }
out:
    xkl__qmp_close(&q);
    return r;
}

int xkl__dm_hvm_start(xkl_ctx *ctx, const struct xkl__dm_hvm_in *in, const char *what)
{
    uint32_t d = in->domid;
    const struct xkl_domain_config *dc = in->dc;
    const char *qemu = dc->b_info.device_model && *dc->b_info.device_model ? dc->b_info.device_model
                                                                              : XK_QEMU_XEN;
    if (access(qemu, X_OK) < 0)
        return xkl__err(ctx, errno, "%s: QEMU for domain %u: %s: %s%s", what, d, qemu, strerror(errno),
                        qemu == (const char *)XK_QEMU_XEN ? " (install qemu-system-xen)" : "");
    struct xkl__dm_cmd c;
    char why[512];
    if (xkl__dm_hvm_args(&c, qemu, in, why, sizeof why) < 0)
        return xkl__err(ctx, errno, "%s: %s", what, why);
    int r = dm_start(ctx, d, dc->c_info.name, c.argv, HVM_START_TIMEOUT_MS, what);
    xkl__dm_cmd_dispose(&c);
    if (r < 0)
        return -1;
    for (size_t i = 0; i < dc->num_nics && r == 0; i++)
        if (dc->nics[i].nictype != XKL_NIC_TYPE_VIF)
            r = xkl__vif_tap_up(ctx, d, &dc->nics[i], i, what);
    if (r == 0)
        r = publish(ctx, in, what);
    if (r < 0) {
        /* what QEMU said goes with the error: it may have died meanwhile */
        int e = errno;
        char keep[sizeof ctx->err], said[600];
        memcpy(keep, ctx->err, sizeof keep);
        if (xkl__dm_said(ctx, d, said, sizeof said) == 0) {
            size_t n = strlen(keep);
            snprintf(keep + n, sizeof keep - n, "; %s", said);
        }
        xkl__dm_stop(ctx, d);
        memcpy(ctx->err, keep, sizeof keep);
        errno = e;
    }
    return r;
}

int xkl_domain_qemu_monitor(xkl_ctx *ctx, uint32_t domid, const char *command, char **output)
{
    if (!ctx)
        return -1;
    XKL__LOCK(ctx);
    int r = -1;
    struct xkl__qmp q;
    char why[512];
    char *cmd = NULL, *args = NULL;
    if (!command || !output) {
        r = xkl__err(ctx, EINVAL, "qemu-monitor-command: no command");
        goto out;
    }
    *output = NULL;
    if (!(cmd = json_quote(command)) || asprintf(&args, "{\"command-line\":%s}", cmd) < 0) {
        args = NULL;
        r = xkl__err(ctx, ENOMEM, "qemu-monitor-command: %s", strerror(ENOMEM));
        goto out;
    }
    if (xkl__qmp_open(&q, domid, QMP_TIMEOUT_MS, why, sizeof why) < 0) {
        r = xkl__err(ctx, errno, "qemu-monitor-command domain %u: %s%s", domid, why,
                     errno == ENOENT ? " (no device model runs for it)" : "");
        goto out;
    }
    struct xkl__qmp_msg m;
    if (xkl__qmp_call(&q, "human-monitor-command", args, QMP_TIMEOUT_MS, &m, why, sizeof why) < 0) {
        r = xkl__err(ctx, errno, "qemu-monitor-command domain %u: %s", domid, why);
    } else {
        const char *text = YAJL_IS_STRING(m.ret) ? YAJL_GET_STRING(m.ret) : NULL;
        if (!text)
            r = xkl__err(ctx, EPROTO, "qemu-monitor-command domain %u: QEMU's answer is not text", domid);
        else if (!(*output = strdup(text)))
            r = xkl__err(ctx, ENOMEM, "qemu-monitor-command: %s", strerror(ENOMEM));
        else
            r = 0;
        xkl__qmp_msg_dispose(&m);
    }
    xkl__qmp_close(&q);
out:
    free(cmd);
    free(args);
    XKL__UNLOCK(ctx);
    return r;
}

int xkl__dm_hvm_pidfd(xkl_ctx *ctx, uint32_t domid, int *pid)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return -1;
    if (!xkl__is_hvm(ctx, domid))
        return -1;   /* a PV guest's QEMU serves disks only, and may go */
    pid_t p = recorded_pid(xs, domid);
    if (p <= 0)
        return -1;
    /* held first, then checked: the pidfd stays this process */
    int fd = pidfd_open(p, 0);
    if (fd >= 0 && !is_domains_qemu(p, domid)) {
        close(fd);
        fd = -1;
    }
    if (fd >= 0 && pid)
        *pid = (int)p;
    return fd;
}

bool xkl__dm_stopping(xkl_ctx *ctx, uint32_t domid)
{
    char *st = xkl__xs_readf(ctx, "/local/domain/0/device-model/%u/state", domid);
    bool stopping = !st && errno == ENOENT;
    free(st);
    return stopping;
}

int xkl__dm_cdrom_change(xkl_ctx *ctx, uint32_t domid, int ide, const char *target, const char *what)
{
    struct xkl__qmp q;
    char why[512];
    if (xkl__qmp_open(&q, domid, QMP_TIMEOUT_MS, why, sizeof why) < 0)
        return xkl__err(ctx, errno, "%s: QEMU: %s", what, why);
    struct xkl__qmp_msg m;
    char args[128];
    /* out first (the guest may hold the tray locked: forced), then in */
    snprintf(args, sizeof args, "{\"id\":\"ide-%d\",\"force\":true}", ide);
    int r = xkl__qmp_call(&q, "eject", args, QMP_TIMEOUT_MS, &m, why, sizeof why);
    if (r == 0) {
        xkl__qmp_msg_dispose(&m);
        if (target && *target) {
            char *file = json_quote(target), *a = NULL;
            if (!file || asprintf(&a, "{\"id\":\"ide-%d\",\"filename\":%s,\"format\":\"raw\"}", ide, file) < 0) {
                a = NULL;
                errno = ENOMEM;
                snprintf(why, sizeof why, "%s", strerror(ENOMEM));
                r = -1;
            } else {
                r = xkl__qmp_call(&q, "blockdev-change-medium", a, QMP_TIMEOUT_MS, &m, why, sizeof why);
                if (r == 0)
                    xkl__qmp_msg_dispose(&m);
            }
            free(file);
            free(a);
        }
    }
    if (r < 0)
        xkl__err(ctx, errno, "%s: QEMU: %s", what, why);
    xkl__qmp_close(&q);
    return r;
}
