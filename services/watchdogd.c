/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xkit-watchdogd: keeps a Xen watchdog of dom0 fed (SCHEDOP_watchdog, via
 * libxkctrl). While it runs, a dom0 that hangs for TIMEOUT seconds is shut
 * down by Xen, which then reboots the host. The same arguments as Xen's
 * xenwatchdogd: TIMEOUT [INTERVAL] (INTERVAL: seconds between pokes,
 * TIMEOUT/2 by default).
 *
 *   SIGTERM, SIGINT, SIGHUP: remove the watchdog, then exit 0 (a clean
 *                            stop, as at shutdown)
 *   SIGUSR1:                 exit leaving the watchdog armed: the host
 *                            reboots unless something else takes over
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <xkit/ctrl.h>

static volatile sig_atomic_t stop_sig;
static bool use_syslog;

static void on_signal(int sig)
{
    stop_sig = sig;
}

static void say(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(int prio, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (use_syslog) {
        vsyslog(prio, fmt, ap);
    } else {
        fputs("xkit-watchdogd: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
    }
    va_end(ap);
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: xkit-watchdogd [-F] [-p PIDFILE] TIMEOUT [INTERVAL]\n"
               "Keep a Xen watchdog of this domain fed: Xen shuts the domain down (dom0:\n"
               "reboots the host) when it is not poked for TIMEOUT seconds. It is poked\n"
               "every INTERVAL seconds (TIMEOUT/2 by default).\n"
               "  -F, --foreground    do not detach; messages on stderr (else syslog)\n"
               "  -p, --pidfile=FILE  write the daemon's pid to FILE\n"
               "SIGTERM/SIGINT/SIGHUP remove the watchdog and exit; SIGUSR1 exits leaving it armed.\n");
}

static int seconds(const char *s, const char *what, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v == 0 || v > 86400 || s[0] == '-') {
        fprintf(stderr, "xkit-watchdogd: %s '%s': a number of seconds from 1 to 86400\n", what, s);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

static int write_pidfile(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    int r = write(fd, buf, (size_t)n) == n ? 0 : -1;
    return close(fd) < 0 ? -1 : r;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "foreground", no_argument, NULL, 'F' },
        { "pidfile", required_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool foreground = false;
    const char *pidfile = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "Fp:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'F': foreground = true; break;
        case 'p': pidfile = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc || argc - optind > 2) {
        usage(stderr);
        return 2;
    }
    unsigned timeout, interval;
    if (seconds(argv[optind], "timeout", &timeout) < 0)
        return 2;
    interval = timeout / 2 ? timeout / 2 : 1;
    if (optind + 1 < argc && seconds(argv[optind + 1], "interval", &interval) < 0)
        return 2;
    if (interval >= timeout) {
        fprintf(stderr, "xkit-watchdogd: an interval of %u s is not shorter than the timeout "
                        "(%u s): the watchdog would fire between pokes\n", interval, timeout);
        return 2;
    }

    char err[256];
    xkc_handle *h = xkc_open(err, sizeof err);
    if (!h) {
        fprintf(stderr, "xkit-watchdogd: %s\n", err);
        return 1;
    }
    /* detach before arming, so that the watchdog's owner is the daemon */
    if (!foreground) {
        if (daemon(0, 0) < 0) {
            fprintf(stderr, "xkit-watchdogd: cannot detach: %s\n", strerror(errno));
            xkc_close(h);
            return 1;
        }
        use_syslog = true;
        openlog("xkit-watchdogd", LOG_PID, LOG_DAEMON);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        sigaction(sigs[i], &sa, NULL);

    int id = xkc_watchdog_open(h, timeout);
    if (id < 0) {
        say(LOG_ERR, "%s", xkc_error(h));
        xkc_close(h);
        return 1;
    }
    if (pidfile && write_pidfile(pidfile) < 0) {
        say(LOG_ERR, "pid file %s: %s; the watchdog is removed", pidfile, strerror(errno));
        xkc_watchdog_close(h, (unsigned)id);
        xkc_close(h);
        return 1;
    }
    say(LOG_INFO, "watchdog %d armed: %u s timeout, poked every %u s", id, timeout, interval);

    int rc = 0;
    while (!stop_sig) {
        struct timespec ts = { .tv_sec = interval, .tv_nsec = 0 };
        /* a signal cuts the sleep short; the loop condition sees it */
        while (!stop_sig && nanosleep(&ts, &ts) < 0 && errno == EINTR)
            ;
        if (stop_sig)
            break;
        if (xkc_watchdog_poke(h, (unsigned)id, timeout) < 0) {
            /* Xen no longer knows the watchdog: nothing left to feed */
            say(LOG_ERR, "%s", xkc_error(h));
            rc = 1;
            break;
        }
    }
    if (stop_sig == SIGUSR1) {
        say(LOG_WARNING, "stopping on SIGUSR1: watchdog %d left armed, the host reboots in %u s "
                         "unless it is fed", id, timeout);
    } else if (!rc) {
        if (xkc_watchdog_close(h, (unsigned)id) < 0) {
            say(LOG_ERR, "%s", xkc_error(h));
            rc = 1;
        } else {
            say(LOG_INFO, "watchdog %d removed", id);
        }
    }
    if (pidfile)
        unlink(pidfile);
    xkc_close(h);
    return rc;
}
