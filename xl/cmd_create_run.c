/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl create (without -n): build the domain from the checked config, then
 * leave the domain to the host's monitor daemon, which carries out
 * on_poweroff / on_reboot / on_crash / on_watchdog for every guest (Xen's
 * xl leaves a process per guest). The library never forks: the spawn is
 * here, in xl, when no daemon runs yet. The daemon is a fresh xl
 * (posix_spawn of /proc/self/exe with the hidden command __monitord), not
 * a fork of this one: it starts from a clean address space of its own and
 * shares no connection with create.
 */
#include "life.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void print_diags(const xkl_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "%s\n", d->v[i].text);
}

xkl_domain_config *xl_config_load(const char *file, char *const *ov, size_t nov, char **name)
{
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_domain_config *dc = NULL;
    xkl_cfg *cfg = xkl_cfg_parse_file(file, &d);
    bool ok = cfg != NULL;
    for (size_t i = 0; ok && i < nov; i++)
        ok = xkl_cfg_override(cfg, ov[i], &d) == 0;
    if (ok)
        dc = xkl_domain_config_from_cfg(cfg, &d);
    if (dc && xkl_domain_config_apply_host(dc, &xl_host) < 0) {
        xkl_domain_config_free(dc);
        dc = NULL;
    }
    const char *n = dc && name ? xkl_cfg_get_atom(cfg, "name") : NULL;
    if (name)
        *name = n ? strdup(n) : NULL;
    print_diags(&d);
    if (!dc && d.nerrors == 0)
        xl_err("create: %s: %s", file, strerror(errno));
    xkl_diags_dispose(&d);
    xkl_cfg_free(cfg);
    return dc;
}

int xl_config_print(const xkl_domain_config *dc, long long domid, const uint8_t *uuid)
{
    char *text = xl_host.output_format == XKL_OUTPUT_SXP ? xkl_domain_config_to_sxp(dc, domid, uuid)
                                                         : xkl_domain_config_to_json(dc);
    if (!text) {
        xl_err("print the configuration: %s", strerror(errno));
        return XL_FAIL;
    }
    fputs(text, stdout);
    free(text);
    return fflush(stdout) == 0 ? XL_OK : XL_FAIL;
}

/* A domain's lines: a log per domain in the state directory,
 * monitor-NAME.log, written only when there is something to say. */
static void monitor_log_path(const char *file, char *path, size_t len)
{
    const char *dir = getenv("XKIT_STATEDIR");
    snprintf(path, len, "%s/%s", dir && *dir ? dir : XK_STATEDIR, file);
}

static void monitord_log(void *arg, uint32_t domid, const char *name, const char *line)
{
    (void)arg;
    char file[200], path[512];
    int fd = -1;
    if (domid && *name && !strchr(name, '/')) {
        snprintf(file, sizeof file, "monitor-%s.log", name);
        monitor_log_path(file, path, sizeof path);
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    }
    if (fd < 0) {   /* the daemon's own log: its stderr */
        fprintf(stderr, "%s: %s\n", xl_log_who, line);
        return;
    }
    dprintf(fd, "%s: %s\n", xl_log_who, line);
    close(fd);
}

/* xl __monitord: the host's monitor daemon (xkl_monitord_*), one for
 * every domain xl create leaves to it. Its own lines go to
 * <state_dir>/monitord.log; a second one leaves quietly. */
int xl_monitord_main(int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        xl_err("__monitord: xl create starts it; it takes no arguments");
        return XL_USAGE;
    }
    signal(SIGHUP, SIG_IGN);
    setsid();   /* no terminal's session (started by a script): fails when already a leader */
    /* it lives on: no hold on the directory it was started in (a state
     * directory given relative to it excepted) */
    const char *sd = getenv("XKIT_STATEDIR");
    if ((!sd || !*sd || sd[0] == '/') && chdir("/") < 0)
        xl_err("__monitord: chdir /: %s", strerror(errno));
    xl_log_who = "xl: monitor";
    char path[512];
    monitor_log_path("monitord.log", path, sizeof path);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        close(null);
    }
    int log = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log >= 0) {
        dup2(log, STDERR_FILENO);
        close(log);
    }
    setvbuf(stderr, NULL, _IOLBF, 0);
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    xkl_monitord *m = xkl_monitord_open(ctx, monitord_log, NULL);
    if (!m) {
        int rc = errno == EALREADY ? XL_OK : xl_ctx_fail(ctx);
        xkl_ctx_close(ctx);
        return rc;
    }
    fprintf(stderr, "%s: pid %ld serves this host: %zu domains at start\n", xl_log_who,
            (long)getpid(), xkl_monitord_count(m));
    int rc = XL_OK;
    for (;;) {
        struct pollfd p = { .fd = xkl_monitord_fd(m), .events = POLLIN };
        if (poll(&p, 1, -1) < 0 && errno != EINTR) {
            xl_err("__monitord: poll: %s", strerror(errno));
            rc = XL_FAIL;
            break;
        }
        if (xkl_monitord_process(m) < 0) {
            rc = xl_ctx_fail(ctx);
            break;
        }
    }
    xkl_monitord_close(m);
    xkl_ctx_close(ctx);
    return rc;
}

/* Leave the domain to the host's monitor daemon, starting one (a fresh
 * xl running __monitord, in a session of its own) when none runs. The
 * entry is written first: a daemon starting at any time after sees it. */
static int monitor_enlist(xkl_ctx *ctx, uint32_t domid, const char *name)
{
    int running = xkl_domain_monitor_enlist(ctx, domid, name) < 0 ? -1 : xkl_monitord_running(ctx);
    if (running < 0) {
        xl_ctx_fail(ctx);
        return -1;
    }
    if (running)
        return 0;
    char *const args[] = { "xl", "__monitord", NULL };
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
    extern char **environ;
    fflush(NULL);
    pid_t pid;
    /* this very xl, by its name when it still has one (ps and top then
     * show "xl __monitord", not "exe") */
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0)
        self[n] = 0;
    if (n <= 0 || access(self, X_OK) < 0)
        snprintf(self, sizeof self, "/proc/self/exe");
    int e = posix_spawn(&pid, self, NULL, &attr, args, environ);
    posix_spawnattr_destroy(&attr);
    if (e) {
        xl_err("create: start the monitor daemon for domain %u: %s", domid, strerror(e));
        return -1;
    }
    return 0;
}

/* create -V/-A: a child runs the user's vncviewer on the new guest's
 * display (Xen's xl does the same), the parent goes on */
static void spawn_vncviewer(uint32_t domid, bool autopass)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        xl_err("create: fork the VNC viewer of domain %u: %s", domid, strerror(errno));
        return;
    }
    if (pid > 0)
        return;
    xkl_ctx *ctx = xl_ctx_open();
    _exit(ctx ? xl_vncviewer_exec(ctx, domid, autopass) : XL_FAIL);
}

int xl_create_run(const char *file, char *const *ov, size_t nov, const struct xl_create_opts *o)
{
    if (!o->quiet)
        fprintf(stderr, "Parsing config from %s\n", file);
    char *cfg_name = NULL;
    xkl_domain_config *dc = xl_config_load(file, ov, nov, &cfg_name);
    if (!dc)
        return XL_FAIL;
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx) {
        xkl_domain_config_free(dc);
        free(cfg_name);
        return XL_FAIL;
    }
    /* xl -v create: where the time goes, step by step */
    if (xl_opts.verbose)
        xkl_ctx_set_trace(ctx, 1);
    uint32_t domid;
    int rc = XL_OK;
    /* with -c the console is opened before the guest runs, so that its
     * first words are not lost */
    unsigned flags = o->paused || o->console ? XKL_CREATE_PAUSED : 0;
    if (xkl_domain_create(ctx, dc, flags, &domid) < 0) {
        rc = xl_ctx_fail(ctx);
        goto out;
    }
    /* the monitor's log is named after the domain (the config's name when
     * it gave one, else the domain's own) */
    if (!o->foreground && o->monitor && monitor_enlist(ctx, domid, cfg_name) < 0)
        rc = XL_FAIL;
    if (o->vncviewer)
        spawn_vncviewer(domid, o->vnc_autopass);
    if (o->console) {
        int crc = xl_console_attach(ctx, domid, !o->paused);
        if (crc != XL_OK && !o->paused)
            xkl_domain_unpause(ctx, domid);   /* no console: run anyway (may already run) */
        rc = crc != XL_OK ? crc : rc;
    }
    if (o->foreground && o->monitor) {
        xl_log_who = "xl: monitor";
        rc = xkl_domain_monitor(ctx, &domid) < 0 ? xl_ctx_fail(ctx) : rc;
    }
out:
    free(cfg_name);
    xkl_domain_config_free(dc);
    xkl_ctx_close(ctx);
    return rc;
}

/* xl config-update DOMAIN [-f] FILE [key=value...]: the configuration the
 * domain is rebuilt from at its next reboot (its monitor reads it then);
 * (dry: printed as JSON instead) */
int xl_config_update_run(const char *dom, const char *file, char *const *ov, size_t nov, int dry)
{
    fprintf(stderr, "Parsing config from %s\n", file);
    xkl_domain_config *dc = xl_config_load(file, ov, nov, NULL);
    if (!dc)
        return XL_FAIL;
    xkl_ctx *ctx = xl_ctx_open();
    int rc = XL_FAIL;
    uint32_t domid;
    if (ctx && xl_domid(ctx, dom, &domid) == 0) {
        if (dry)
            rc = xl_config_print(dc, -1, NULL);
        else
            rc = xkl_domain_config_update(ctx, domid, dc) < 0 ? xl_ctx_fail(ctx) : XL_OK;
    }
    xkl_domain_config_free(dc);
    xkl_ctx_close(ctx);
    return rc;
}
