/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl devd: the backend daemon of a driver domain (liblight's xkl_devd),
 * with Xen's options: -F stays in the foreground (its log on stderr),
 * else it goes to the background with its log in /var/log/xen/xldevd.log,
 * the starting process exiting once it serves (0) or failed (1, the error
 * on its stderr); -p FILE writes its pid there. SIGTERM or SIGINT end it; the devices it
 * set up stay (a daemon started again takes them back).
 */
#include "life.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEVD_LOG_DIR "/var/log/xen"
#define DEVD_LOG DEVD_LOG_DIR "/xldevd.log"
#define DEVD_LOCK "/run/xldevd.lock"

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

/* Into the background: a child in a session of its own goes on; this
 * process waits until the child says it serves (ready() below), so that the
 * caller (an init script) gets its exit status and error on its own
 * stderr. Returns in the child with *log and *ready set. */
static int daemonize(int *log, int *ready)
{
    mkdir(DEVD_LOG_DIR, 0755);
    *log = open(DEVD_LOG, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (*log < 0) {
        xl_err("devd: %s: %s", DEVD_LOG, strerror(errno));
        return -1;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        xl_err("devd: pipe: %s", strerror(errno));
        close(*log);
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        xl_err("devd: fork: %s", strerror(errno));
        close(*log);
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid > 0) {
        close(p[1]);
        char c;
        ssize_t n;
        while ((n = read(p[0], &c, 1)) < 0 && errno == EINTR)
            ;
        /* nothing read: the child failed and said why on our stderr */
        _exit(n == 1 ? XL_OK : XL_FAIL);
    }
    close(p[0]);
    setsid();
    *ready = p[1];
    return 0;
}

/* The child serves: its output to the log from now on, and the parent
 * told to exit 0. */
static void ready(int log, int fd)
{
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        close(null);
    }
    fflush(NULL);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    close(log);
    if (write(fd, "1", 1) < 0)
        xl_err("devd: tell the starting process: %s", strerror(errno));
    close(fd);
}

static int write_pidfile(const char *path)
{
    FILE *f = fopen(path, "we");
    if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
        xl_err("devd: pid file %s: %s", path, strerror(errno));
        if (f)
            unlink(path);
        return -1;
    }
    return 0;
}

XL_CMD(devd);

XL_CMD(devd)
{
    static const struct option longopts[] = {
        { "pidfile", required_argument, NULL, 'p' },
        { NULL, 0, NULL, 0 },
    };
    bool foreground = false;
    const char *pidfile = NULL;
    int opt;
    XL_FOREACH_OPT(opt, "Fp:", longopts, 0) {
    case 'F':
        foreground = true;
        break;
    case 'p':
        pidfile = optarg;
        break;
    }
    xl_extra_args(argc, argv, 0);
    xl_log_who = "xl devd";
    int log = -1, ready_fd = -1;
    if (!foreground && daemonize(&log, &ready_fd) < 0)
        return XL_FAIL;
    /* line by line, as the actions happen (the log may be a file) */
    setvbuf(stderr, NULL, _IOLBF, 0);
    /* one daemon per domain: two would set every new device up twice */
    int lock = open(DEVD_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0) {
        xl_err("devd: %s: %s", DEVD_LOCK,
               lock >= 0 && errno == EWOULDBLOCK ? "another xl devd runs here" : strerror(errno));
        if (lock >= 0)
            close(lock);
        return XL_FAIL;
    }
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    int rc = XL_FAIL;
    bool pid_written = false;
    xkl_devd *d = xkl_devd_open(ctx);
    if (!d) {
        xl_ctx_fail(ctx);
        goto out;
    }
    if (pidfile && write_pidfile(pidfile) < 0)
        goto out;
    pid_written = pidfile != NULL;

    /* the stop signals are taken only inside ppoll: none is lost between
     * the check and the wait */
    sigset_t block, during;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &during);
    sigdelset(&during, SIGTERM);
    sigdelset(&during, SIGINT);
    struct sigaction sa = { .sa_handler = on_stop };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGHUP, SIG_IGN);
    if (!foreground) {
        ready(log, ready_fd);
        log = ready_fd = -1;
    }
    fprintf(stderr, "%s: serving the backends of domain %u\n", xl_log_who, xkl_devd_domid(d));
    rc = XL_OK;
    while (!stop_signal) {
        struct pollfd p = { .fd = xkl_devd_fd(d), .events = POLLIN };
        if (p.fd < 0 || (ppoll(&p, 1, NULL, &during) < 0 && errno != EINTR)) {
            xl_err("devd: poll: %s", p.fd < 0 ? "no xenstore connection" : strerror(errno));
            rc = XL_FAIL;
            break;
        }
        if (stop_signal)
            break;
        if (xkl_devd_process(d, 0) < 0) {
            rc = xl_ctx_fail(ctx);
            break;
        }
    }
    if (stop_signal)
        fprintf(stderr, "%s: %s: stopped (the devices stay set up)\n", xl_log_who,
                strsignal(stop_signal));
out:
    /* a child that failed before it served: the parent reads EOF */
    if (log >= 0)
        close(log);
    if (ready_fd >= 0)
        close(ready_fd);
    xkl_devd_close(d);
    xkl_ctx_close(ctx);
    if (pid_written)
        unlink(pidfile);
    close(lock);
    return rc;
}
