/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl create (without -n): build the domain from the checked config, then
 * leave a monitor behind (a process of its own, like libxl's xl) that
 * carries out on_poweroff / on_reboot / on_crash / on_watchdog. The library
 * never forks: the spawn is here, in xl, as the user asked for a monitor.
 * The monitor is a fresh xl (posix_spawn of /proc/self/exe with the hidden
 * command __monitor), not a fork of this one: it starts from a clean
 * address space of its own, copies nothing of create's heap, and shares
 * no connection with it.
 */
#include "life.h"

#include <errno.h>
#include <fcntl.h>
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

/* The monitor's stderr: a log per domain in the state directory, removed
 * again when the monitor ends with nothing to say. */
static void monitor_log_path(const char *name, char *path, size_t len)
{
    const char *dir = getenv("XKIT_STATEDIR");
    snprintf(path, len, "%s/monitor-%s.log", dir && *dir ? dir : XK_STATEDIR, name);
}

static void monitor_stdio(const char *name)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        close(null);
    }
    char path[512];
    monitor_log_path(name, path, sizeof path);
    int log = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log >= 0) {
        dup2(log, STDERR_FILENO);
        close(log);
    }
}

static int run_monitor(uint32_t domid, const char *uuid)
{
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    int rc = xkl_domain_monitor_uuid(ctx, &domid, uuid) < 0 ? xl_ctx_fail(ctx) : XL_OK;
    xkl_ctx_close(ctx);
    return rc;
}

/* Start the background monitor: a new xl running __monitor DOMID NAME UUID
 * in a session of its own (the UUID: a domain someone destroys before the
 * monitor runs still loses its state file). */
static int spawn_monitor(uint32_t domid, const char *name, const char *uuid)
{
    char id[16];
    snprintf(id, sizeof id, "%u", domid);
    char *const args[] = { "xl", "__monitor", id, (char *)name, (char *)uuid, NULL };
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
    extern char **environ;
    fflush(NULL);
    pid_t pid;
    int e = posix_spawn(&pid, "/proc/self/exe", NULL, &attr, args, environ);
    posix_spawnattr_destroy(&attr);
    if (e) {
        xl_err("create: start the monitor of domain %u: %s", domid, strerror(e));
        return -1;
    }
    return 0;
}

int xl_monitor_main(int argc, char **argv)
{
    char *end;
    unsigned long id = argc == 4 ? strtoul(argv[1], &end, 10) : 0;
    if (argc != 4 || *end || !id || id >= 0x7ff0) {
        xl_err("__monitor: xl create starts it: DOMID NAME UUID");
        return XL_USAGE;
    }
    signal(SIGHUP, SIG_IGN);
    xl_log_who = "xl: monitor";
    monitor_stdio(argv[2]);
    int rc = run_monitor((uint32_t)id, argv[3]);
    char path[512];
    struct stat st;
    monitor_log_path(argv[2], path, sizeof path);
    if (stat(path, &st) == 0 && st.st_size == 0)
        unlink(path);
    return rc;
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
     * it gave one), and the monitor is told its UUID */
    struct xkl_dominfo di;
    char uuid[37] = "";
    if (xkl_domain_info(ctx, domid, &di) == 0)
        xkl_uuid_format(di.uuid, uuid);
    else
        snprintf(di.name, sizeof di.name, "domain-%u", domid);
    if (cfg_name)
        snprintf(di.name, sizeof di.name, "%s", cfg_name);
    if (!o->foreground && o->monitor && spawn_monitor(domid, di.name, uuid) < 0)
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
