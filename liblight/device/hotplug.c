/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running a hotplug script the way Xen's toolstack does: the script
 * executed directly (no shell) as `script ACTION`, in a clean environment
 * (PATH, script, XENBUS_TYPE, XENBUS_PATH, XENBUS_BASE_PATH and the
 * caller's own), stdin and stdout on /dev/null, stderr read through a pipe
 * (its last line names the failure), at most timeout_ms (then the whole
 * process group is killed), and always reaped.
 */
#include "private.h"
#include "device/vif.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOTPLUG_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int xkl__script_path(const char *script, char *out, size_t len)
{
    if (!script || !*script) {
        errno = EINVAL;
        return -1;
    }
    int n = script[0] == '/' ? snprintf(out, len, "%s", script)
                             : snprintf(out, len, "%s/%s", XKL__SCRIPT_DIR, script);
    if (n < 0 || (size_t)n >= len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

void xkl__strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static int strv_push(char **v, size_t *n, const char *a, const char *b)
{
    char *s = NULL;
    if (asprintf(&s, "%s%s", a, b ? b : "") < 0)
        return -1;
    v[(*n)++] = s;
    return 0;
}

char **xkl__hotplug_env(const char *script, const char *be, const char *xenbus_type,
                        const char *const *extra)
{
    size_t nextra = 0;
    while (extra && extra[nextra])
        nextra++;
    char **v = calloc(5 + nextra + 1, sizeof *v);
    if (!v)
        return NULL;
    size_t n = 0;
    if (strv_push(v, &n, HOTPLUG_PATH, NULL) < 0 || strv_push(v, &n, "script=", script) < 0 ||
        strv_push(v, &n, "XENBUS_TYPE=", xenbus_type) < 0 ||
        strv_push(v, &n, "XENBUS_PATH=", be) < 0 ||
        strv_push(v, &n, "XENBUS_BASE_PATH=", "backend") < 0)
        goto nomem;
    for (size_t i = 0; i < nextra; i++)
        if (strv_push(v, &n, extra[i], NULL) < 0)
            goto nomem;
    return v;
nomem:
    xkl__strv_free(v);
    errno = ENOMEM;
    return NULL;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The last non-empty line of what the script wrote to stderr. */
struct lastline {
    char cur[512], last[512];
    size_t ncur;
};

static void lastline_feed(struct lastline *ll, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '\n' || c == '\r') {
            if (ll->ncur) {
                memcpy(ll->last, ll->cur, ll->ncur);
                ll->last[ll->ncur] = 0;
                ll->ncur = 0;
            }
        } else if (ll->ncur + 1 < sizeof ll->cur) {
            ll->cur[ll->ncur++] = c;
        }
    }
}

static const char *lastline_get(struct lastline *ll)
{
    if (ll->ncur) {
        memcpy(ll->last, ll->cur, ll->ncur);
        ll->last[ll->ncur] = 0;
        ll->ncur = 0;
    }
    return ll->last[0] ? ll->last : NULL;
}

/* Everything readable now from fd (non-blocking); 1 at end of file. */
static int drain(int fd, struct lastline *ll)
{
    char buf[1024];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r > 0) {
            lastline_feed(ll, buf, (size_t)r);
            continue;
        }
        if (r == 0)
            return 1;
        if (errno == EINTR)
            continue;
        return 0;   /* EAGAIN, or an error: nothing more now */
    }
}

/* Move *fd to a descriptor >= 3 (close-on-exec) when it is 0, 1 or 2. */
static int above_std(int *fd)
{
    if (*fd > 2)
        return 0;
    int n = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
    if (n < 0)
        return -1;
    close(*fd);
    *fd = n;
    return 0;
}

/* In the child, between fork and exec: async-signal-safe calls only. */
static void child(int devnull, int errw, const char *path, char *const argv[], char *const envp[])
{
    /* every disposition default first (an ignored signal stays ignored
     * across exec), then nothing blocked: a signal pending meanwhile meets
     * the default, never the application's handler */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++)
        sigaction(s, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setpgid(0, 0);   /* its own group: a timeout kills what it started too */
    if (dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(errw, 2) < 0)
        _exit(126);
    /* nothing else of ours (or the application's) reaches the script */
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3u, ~0u, 0u) < 0)
#endif
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
    execve(path, argv, envp);
    static const char msg[] = "cannot execute the script\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(127);
}

int xkl__hotplug_run(xkl_ctx *ctx, const char *script, const char *action, const char *be,
                     const char *xenbus_type, const char *const *env, int timeout_ms,
                     const char *what)
{
    char path[256];
    if (xkl__script_path(script, path, sizeof path) < 0)
        return xkl__err(ctx, errno, "%s: script %s: %s", what, script ? script : "(none)",
                        strerror(errno));
    if (access(path, X_OK) < 0)
        return xkl__err(ctx, errno, "%s: script %s %s: %s", what, path, action, strerror(errno));
    char **envp = xkl__hotplug_env(path, be, xenbus_type, env);
    if (!envp)
        return xkl__err(ctx, ENOMEM, "%s: script %s %s: %s", what, path, action, strerror(ENOMEM));
    char *argv[] = { path, (char *)action, NULL };
    int r = -1, pipefd[2] = { -1, -1 }, devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
        xkl__err(ctx, errno, "%s: script %s %s: %s", what, path, action, strerror(errno));
        goto out;
    }
    /* all three at 3 or above: with the caller's 0, 1 or 2 closed, one of
     * them could be a std fd the child's dup2 calls overwrite */
    if (above_std(&devnull) < 0 || above_std(&pipefd[0]) < 0 || above_std(&pipefd[1]) < 0) {
        xkl__err(ctx, errno, "%s: script %s %s: F_DUPFD_CLOEXEC: %s", what, path, action,
                 strerror(errno));
        goto out;
    }
    pid_t pid = fork();
    if (pid < 0) {
        xkl__err(ctx, errno, "%s: script %s %s: fork: %s", what, path, action, strerror(errno));
        goto out;
    }
    if (pid == 0)
        child(devnull, pipefd[1], path, argv, envp);
    setpgid(pid, pid);   /* as the child does: no window before kill(-pid) */
    close(pipefd[1]);
    pipefd[1] = -1;
    fcntl(pipefd[0], F_SETFL, O_NONBLOCK);

    /* wake on its output and on its exit (a pidfd; without one, a short
     * tick): a background child keeping stderr open does not hold us */
#ifdef SYS_pidfd_open
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#else
    int pidfd = -1;
#endif
    struct lastline ll = { .ncur = 0 };
    long long deadline = now_ms() + timeout_ms;
    bool eof = false, exited = false, killed = false;
    int status = 0;
    while (!exited) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            killed = true;
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            break;
        }
        struct pollfd p[2];
        nfds_t np = 0;
        if (!eof)
            p[np++] = (struct pollfd){ .fd = pipefd[0], .events = POLLIN };
        if (pidfd >= 0)
            p[np++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
        int tick = pidfd >= 0 ? (int)left : (int)(left < 50 ? left : 50);
        if (np)
            poll(p, np, tick);
        else
            poll(NULL, 0, tick);
        if (!eof && drain(pipefd[0], &ll))
            eof = true;
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            exited = true;
        else if (w < 0 && errno != EINTR) {
            /* not ours to wait for any more (the application reaps
             * children itself): nothing left to collect */
            status = 0;
            xkl__err(ctx, errno, "%s: script %s %s: waitpid: %s", what, path, action, strerror(errno));
            goto reaped;
        }
    }
    if (!eof)
        drain(pipefd[0], &ll);
    const char *line = lastline_get(&ll);
    if (killed)
        xkl__err(ctx, ETIMEDOUT, "%s: script %s %s: killed after %d ms%s%s", what, path, action,
                 timeout_ms, line ? ": " : "", line ? line : "");
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        r = 0;
    else if (WIFEXITED(status))
        xkl__err(ctx, EIO, "%s: script %s %s: exit %d%s%s", what, path, action, WEXITSTATUS(status),
                 line ? ": " : "", line ? line : "");
    else
        xkl__err(ctx, EIO, "%s: script %s %s: killed by signal %d%s%s", what, path, action,
                 WTERMSIG(status), line ? ": " : "", line ? line : "");
reaped:
    if (pidfd >= 0)
        close(pidfd);
out:
    if (devnull >= 0)
        close(devnull);
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    xkl__strv_free(envp);
    return r;
}
