/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl console: attach to a guest's console. xenconsoled owns the PV console
 * ring and gives each guest a pty (its path in /local/domain/N/console/tty);
 * an HVM guest's emulated serial ports are QEMU's ptys
 * (/local/domain/N/serial/M/tty), its default console as in Xen's xl. We
 * relay between that pty and our terminal ourselves. Ctrl-] detaches. We
 * leave when the domain is gone (the pty hangs up, or the domain no longer
 * exists). Also xl qemu-monitor-command, the other way into the device
 * model.
 */
#include "life.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

XL_CMD(console);
XL_CMD(qemu_monitor_command);
XL_CMD(vncviewer);

#define DETACH_KEY 0x1d   /* Ctrl-] */

static bool domain_alive(xkl_ctx *ctx, uint32_t domid)
{
    struct xkl_dominfo di;
    return xkl_domain_info(ctx, domid, &di) == 0 && !di.dying;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                struct pollfd p = { .fd = fd, .events = POLLOUT };
                poll(&p, 1, 100);
                continue;
            }
            return -1;
        }
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

int xl_console_attach(xkl_ctx *ctx, uint32_t domid, bool unpause)
{
    return xl_console_attach_type(ctx, domid, XKL_CONSOLE_DEFAULT, 0, unpause);
}

int xl_console_attach_type(xkl_ctx *ctx, uint32_t domid, enum xkl_console_type type, unsigned num,
                           bool unpause)
{
    char *tty = NULL;
    /* xenconsoled writes the pty path shortly after the domain appears */
    for (int i = 0; i < 100 && !tty; i++) {
        tty = xkl_console_tty_of(ctx, domid, type, num);
        if (!tty) {
            if (errno == ENODEV || !domain_alive(ctx, domid))
                break;
            struct timespec ts = { 0, 100 * 1000 * 1000 };
            nanosleep(&ts, NULL);
        }
    }
    if (!tty)
        return xl_ctx_fail(ctx);
    int fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        xl_err("console of domain %u: open %s: %s", domid, tty, strerror(errno));
        free(tty);
        return XL_FAIL;
    }
    free(tty);
    if (unpause && xkl_domain_unpause(ctx, domid) < 0) {
        close(fd);
        return xl_ctx_fail(ctx);
    }
    struct termios t;
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    struct termios saved;
    bool raw = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (raw) {
        struct termios r = saved;
        cfmakeraw(&r);
        tcsetattr(STDIN_FILENO, TCSANOW, &r);
    }
    bool in_open = true;
    int rc = XL_OK;
    char buf[4096];
    for (;;) {
        struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = STDIN_FILENO, .events = POLLIN } };
        int n = poll(p, in_open ? 2 : 1, 500);
        if (n < 0 && errno != EINTR) {
            rc = XL_FAIL;
            break;
        }
        if (n <= 0) {
            if (!domain_alive(ctx, domid))
                break;
            continue;
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = read(fd, buf, sizeof buf);
            if (r > 0) {
                if (write_all(STDOUT_FILENO, buf, (size_t)r) < 0)
                    break;
            } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                break;   /* hung up: the domain is gone */
            } else if (p[0].revents & POLLHUP) {
                if (!domain_alive(ctx, domid))
                    break;
                struct timespec ts = { 0, 50 * 1000 * 1000 };
                nanosleep(&ts, NULL);
            }
        }
        if (in_open && (p[1].revents & (POLLIN | POLLHUP))) {
            ssize_t r = read(STDIN_FILENO, buf, sizeof buf);
            if (r <= 0) {
                in_open = false;   /* keep showing output until the domain goes */
                continue;
            }
            char *k = memchr(buf, DETACH_KEY, (size_t)r);
            if (write_all(fd, buf, k ? (size_t)(k - buf) : (size_t)r) < 0 || k)
                break;
        }
    }
    if (raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    close(fd);
    return rc;
}

int cmd_console(int argc, char **argv)
{
    int opt;
    const char *type = NULL;
    unsigned long num = 0;
    XL_FOREACH_OPT(opt, "t:n:", NULL, 1) {
        case 't': type = optarg; break;
        case 'n':
            if (xl_parse_uint(optarg, 0, 7, &num) < 0) {
                xl_err("console: -n %s: expected a console number 0 to 7", optarg);
                return XL_FAIL;
            }
            break;
    }
    xl_extra_args(argc, argv, 1);
    if (type && strcmp(type, "pv") && strcmp(type, "serial")) {
        xl_err("console: unknown console type '%s' (expected pv or serial)", type);
        return XL_USAGE;
    }
    /* as Xen's xl: an HVM guest's default is its emulated serial port */
    enum xkl_console_type t = !type ? XKL_CONSOLE_DEFAULT
                              : !strcmp(type, "serial") ? XKL_CONSOLE_SERIAL : XKL_CONSOLE_PV;
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    uint32_t id;
    int rc = XL_FAIL;
    if (xl_domid(ctx, argv[optind], &id) == 0)
        rc = xl_console_attach_type(ctx, id, t, (unsigned)num, false);
    xkl_ctx_close(ctx);
    return rc;
}

static int monitor_one(xkl_ctx *ctx, uint32_t domid, void *arg)
{
    char *out = NULL;
    if (xkl_domain_qemu_monitor(ctx, domid, arg, &out) < 0)
        return xl_ctx_fail(ctx);
    fputs(out, stdout);
    free(out);
    return XL_OK;
}

/* xl qemu-monitor-command: a QEMU monitor command (HMP) through QMP, its
 * text printed as QEMU wrote it */
int cmd_qemu_monitor_command(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 2) {
    }
    xl_extra_args(argc, argv, 2);
    return xl_with_domain(argv[optind], monitor_one, argv[optind + 1]);
}

/* xl vncviewer [--autopass] DOMAIN: run the user's vncviewer (from PATH)
 * on the guest's display, as Xen's xl does: "vncviewer HOST:DISPLAY",
 * with --autopass the password on its standard input and -autopass. */
int xl_vncviewer_exec(xkl_ctx *ctx, uint32_t domid, bool autopass)
{
    char *host = NULL, *pw = NULL;
    unsigned port;
    if (xkl_console_vnc(ctx, domid, &host, &port, autopass ? &pw : NULL) < 0)
        return xl_ctx_fail(ctx);
    char addr[300];
    if (port >= 5900)
        snprintf(addr, sizeof addr, "%s:%u", host, port - 5900);
    else
        snprintf(addr, sizeof addr, "%s::%u", host, port);   /* a raw port */
    free(host);
    if (autopass && pw) {
        int p[2];
        if (pipe(p) < 0) {
            free(pw);
            xl_err("vncviewer: pipe: %s", strerror(errno));
            return XL_FAIL;
        }
        /* a password is far smaller than a pipe's buffer: no deadlock */
        size_t len = strlen(pw);
        ssize_t w = write(p[1], pw, len);
        close(p[1]);
        free(pw);
        if (w != (ssize_t)len || dup2(p[0], STDIN_FILENO) < 0) {
            xl_err("vncviewer: passing the password: %s", strerror(errno));
            close(p[0]);
            return XL_FAIL;
        }
        close(p[0]);
    } else
        free(pw);
    char *args[] = { "vncviewer", addr, autopass ? "-autopass" : NULL, NULL };
    fflush(NULL);
    execvp("vncviewer", args);
    xl_err("vncviewer: cannot run vncviewer (%s): install a VNC viewer, or connect one to %s",
           strerror(errno), addr);
    return XL_FAIL;
}

int cmd_vncviewer(int argc, char **argv)
{
    static const struct option lo[] = {
        { "autopass", no_argument, NULL, 'a' },
        { "vncviewer-autopass", no_argument, NULL, 'a' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    bool autopass = false;
    XL_FOREACH_OPT(opt, "", lo, 1) {
        case 'a': autopass = true; break;
    }
    xl_extra_args(argc, argv, 1);
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    uint32_t id;
    int rc = XL_FAIL;
    if (xl_domid(ctx, argv[optind], &id) == 0)
        rc = xl_vncviewer_exec(ctx, id, autopass);
    xkl_ctx_close(ctx);
    return rc;
}
