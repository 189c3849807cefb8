/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain events and the per-domain monitor. Both sleep on xenstored's
 * @releaseDomain watch (fired when any domain shuts down or dies) on a
 * connection of their own, then compare the hypervisor's domain list with
 * what they saw before. Nothing here forks: xl runs the monitor in a
 * process it forks itself, a manager polls xkl_event_fd().
 */
#include "private.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WATCH_TOKEN "xkl-release"

/* Connect the event connection and watch @releaseDomain. Lock held. */
static int ev_open(xkl_ctx *ctx)
{
    if (ctx->ev_xs)
        return 0;
    ctx->ev_xs = xkl_xs_open(0);
    if (!ctx->ev_xs)
        return xkl__err(ctx, errno, "domain events: connect to xenstored: %s", strerror(errno));
    if (xkl_xs_watch(ctx->ev_xs, "@releaseDomain", WATCH_TOKEN) < 0) {
        int e = errno;
        xkl__err(ctx, e, "domain events: %s", xkl_xs_error(ctx->ev_xs));
        xkl_xs_close(ctx->ev_xs);
        ctx->ev_xs = NULL;
        errno = e;
        return -1;
    }
    return 0;
}

int xkl_event_fd(xkl_ctx *ctx)
{
    XKL__LOCK(ctx);
    int fd = ev_open(ctx) < 0 ? -1 : xkl_xs_watch_fd(ctx->ev_xs);
    XKL__UNLOCK(ctx);
    return fd;
}

/* Compare the domain list with the known set; fill ev with the first
 * difference. 1 found, 0 none, -1 error. Lock held. */
static int scan(xkl_ctx *ctx, struct xkl_event *ev)
{
    struct xkc_dominfo *batch;
    size_t got;
    /* every domain, however many (not dom0: it never dies) */
    if (xkl__domains(ctx, "domain events: list domains", &batch, &got) < 0)
        return -1;
    int r = 0;
    /* deaths: known but gone or dying (batch is in domid order) */
    for (size_t k = 0; k < ctx->nknown && !r; k++) {
        size_t lo = 0, hi = got;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (batch[mid].domid < ctx->known[k].domid)
                lo = mid + 1;
            else
                hi = mid;
        }
        bool alive = lo < got && batch[lo].domid == ctx->known[k].domid && !batch[lo].dying;
        if (!alive) {
            ev->kind = XKL_EVENT_DEATH;
            ev->domid = ctx->known[k].domid;
            ev->reason = 0;
            ctx->known[k] = ctx->known[--ctx->nknown];
            r = 1;
        }
    }
    for (size_t i = 0; i < got && !r; i++) {
        if (batch[i].dying || batch[i].domid == 0)
            continue;
        struct xkl__known *kn = NULL;
        for (size_t k = 0; k < ctx->nknown && !kn; k++)
            if (ctx->known[k].domid == batch[i].domid)
                kn = &ctx->known[k];
        if (!kn) {
            struct xkl__known *nk = realloc(ctx->known, (ctx->nknown + 1) * sizeof(*nk));
            if (!nk) {
                r = xkl__err(ctx, ENOMEM, "domain events: %s", strerror(ENOMEM));
                break;
            }
            ctx->known = nk;
            kn = &ctx->known[ctx->nknown++];
            kn->domid = batch[i].domid;
            kn->shutdown_reported = false;
        }
        if (batch[i].shutdown && !kn->shutdown_reported) {
            kn->shutdown_reported = true;
            ev->kind = XKL_EVENT_SHUTDOWN;
            ev->domid = batch[i].domid;
            ev->reason = batch[i].shutdown_reason;
            r = 1;
        } else if (!batch[i].shutdown) {
            kn->shutdown_reported = false;   /* e.g. resumed after suspend */
        }
    }
    free(batch);
    return r;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int xkl_event_next(xkl_ctx *ctx, struct xkl_event *ev, int timeout_ms)
{
    long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    for (;;) {
        XKL__LOCK(ctx);
        int r = ev_open(ctx);
        xkl_xs *evxs = ctx->ev_xs;
        if (r == 0) {
            /* consume what woke the caller's poll() before looking, so the
             * fd is quiet again unless something new happens */
            struct xkl_xs_event *old;
            while ((old = xkl_xs_read_watch(evxs, 0)))
                free(old);
            /* a connection xenstored closed stays readable: an error to
             * report, or the caller's poll() loop would spin on it */
            if (errno != EAGAIN && errno != ETIMEDOUT)
                r = xkl__err(ctx, errno, "domain events: %s", xkl_xs_error(evxs));
            else
                r = scan(ctx, ev);
        }
        XKL__UNLOCK(ctx);
        if (r != 0)
            return r;
        int wait = -1;
        if (deadline >= 0) {
            long long left = deadline - now_ms();
            if (left <= 0)
                return 0;
            wait = (int)left;
        }
        /* the event connection is only read here: no ctx lock needed while
         * waiting, other threads keep using the context */
        struct xkl_xs_event *we = xkl_xs_read_watch(evxs, wait);
        if (!we) {
            if (errno == EAGAIN || errno == ETIMEDOUT)
                return 0;
            XKL__LOCK(ctx);
            xkl__err(ctx, errno, "domain events: %s", xkl_xs_error(evxs));
            XKL__UNLOCK(ctx);
            return -1;
        }
        free(we);
    }
}

/* ---- the monitor ---- */

static enum xkl_action_on_shutdown action_for(const struct xkl_domain_config *dc, unsigned reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff: return dc->on_poweroff;
    case SHUTDOWN_reboot: return dc->on_reboot;
    case SHUTDOWN_crash: return dc->on_crash;
    case SHUTDOWN_watchdog: return dc->on_watchdog;
    case SHUTDOWN_soft_reset: return dc->on_soft_reset;
    default: return XKL_ACTION_DEFAULT;   /* suspend: not ours to act on */
    }
}

/* coredump-destroy / coredump-restart: the domain's core in Xen's format
 * under <state_dir>/dump, as NAME.DOMID.TIME.core (Xen's xl writes
 * /var/lib/xen/dump/NAME); the monitor's log says where, or why not. */
static void coredump(xkl_ctx *ctx, uint32_t domid, const struct xkl_dominfo *di)
{
    char *dir = NULL;
    if (xkl__state_dir_ensure(ctx, "dump") < 0 || !(dir = xkl__state_path(ctx, "dump"))) {
        xkl__log(ctx, "domain %u: no core dump: %s", domid, ctx->err);
        return;
    }
    char path[600];
    snprintf(path, sizeof path, "%s/%s.%u.%lld.core", dir, di->name, domid, (long long)time(NULL));
    free(dir);
    uint64_t pages = 0;
    if (xkl__core_dump(ctx, domid, path, &pages) < 0)
        xkl__log(ctx, "domain %u: no core dump: %s", domid, ctx->err);
    else
        xkl__log(ctx, "domain %u: core dump %s (%llu pages)", domid, path,
                 (unsigned long long)pages);
}

/* A guest that crashes on every boot must not have the monitor restart it
 * for ever (every restart costs a build in dom0): at most CRASH_RESTARTS
 * restarts after a crash or a watchdog in CRASH_WINDOW_MS, then it is left
 * as it is, shut down, with a line saying so. Reboots are the guest's own
 * wish and not counted. */
#define CRASH_RESTARTS XKL__CRASH_RESTARTS
#define CRASH_WINDOW_MS 60000

/* true when one more crash restart is allowed now (and counted) */
static bool crash_restart_allowed(struct xkl__crashes *h, long long now)
{
    unsigned recent = 0;
    for (unsigned i = 0; i < h->n; i++)
        if (now - h->at[i] < CRASH_WINDOW_MS)
            recent++;
    if (recent >= CRASH_RESTARTS)
        return false;
    h->at[h->next] = now;
    h->next = (h->next + 1) % CRASH_RESTARTS;
    if (h->n < CRASH_RESTARTS)
        h->n++;
    return true;
}

/* Act on a shut down domain. 1: keep monitoring *domid (restarted),
 * 0: done, -1: error. Lock held. */
int xkl__monitor_act(xkl_ctx *ctx, uint32_t *domid, const struct xkl_dominfo *di,
                     struct xkl__crashes *crashes)
{
    struct xkl_domain_config *dc = xkl__config_load(ctx, *domid, di->uuid);
    if (!dc)
        xkl__log(ctx, "monitor domain %u: %s", *domid, ctx->err);
    enum xkl_action_on_shutdown a = XKL_ACTION_DESTROY;
    if (dc)
        a = action_for(dc, di->shutdown_reason);
    else if (di->shutdown_reason == SHUTDOWN_reboot)
        a = XKL_ACTION_DESTROY;   /* without a config we cannot restart */
    if (di->shutdown_reason == SHUTDOWN_suspend) {
        xkl_domain_config_free(dc);
        return 1;   /* suspended (save/migrate): someone else's business */
    }
    if (a == XKL_ACTION_DEFAULT)
        a = XKL_ACTION_DESTROY;
    if (a == XKL_ACTION_SOFT_RESET) {
        /* unsupported: treated as destroy, as the error line says */
        xkl__log(ctx, "domain %u: soft_reset is not supported, destroying it instead", *domid);
        a = XKL_ACTION_DESTROY;
    }
    static const char *const reasons[] = { "poweroff", "reboot", "suspend", "crash", "watchdog",
                                           "soft_reset" };
    const char *why = di->shutdown_reason < 6 ? reasons[di->shutdown_reason] : "unknown";
    xkl__log(ctx, "domain %u (%s) shut down (%s): action %s", *domid, di->name, why,
             xkl__action_on_shutdown_to_string(a));
    if (a == XKL_ACTION_COREDUMP_DESTROY || a == XKL_ACTION_COREDUMP_RESTART)
        coredump(ctx, *domid, di);
    bool restarts = a == XKL_ACTION_RESTART || a == XKL_ACTION_RESTART_RENAME ||
                    a == XKL_ACTION_COREDUMP_RESTART;
    bool crashed = di->shutdown_reason == SHUTDOWN_crash || di->shutdown_reason == SHUTDOWN_watchdog;
    if (restarts && crashed && !crash_restart_allowed(crashes, now_ms())) {
        xkl__log(ctx, "domain %u (%s): restarted %d times in %d s after a %s: not restarted "
                 "again; it stays shut down (xl destroy %s when its kernel is fixed)", *domid,
                 di->name, CRASH_RESTARTS, CRASH_WINDOW_MS / 1000, why, di->name);
        xkl_domain_config_free(dc);
        return 0;
    }
    int r = 0;
    switch (a) {
    case XKL_ACTION_PRESERVE:
        r = 0;
        break;
    case XKL_ACTION_RESTART_RENAME: {
        if (!dc) {
            r = xkl__destroy(ctx, *domid) < 0 ? -1 : 0;
            break;
        }
        char old[200];
        snprintf(old, sizeof old, "%s-old-%u", di->name, *domid);
        /* the old domain stays (preserved) under a new name; the new one
         * needs its own UUID since /vm/UUID still belongs to the old */
        if (xkl__rename(ctx, *domid, old) < 0) {
            r = -1;
            break;
        }
        memset(dc->c_info.uuid, 0, sizeof dc->c_info.uuid);
        uint32_t nd;
        r = xkl__create(ctx, dc, 0, &nd) < 0 ? -1 : 1;
        if (r == 1)
            *domid = nd;
        break;
    }
    case XKL_ACTION_RESTART:
    case XKL_ACTION_COREDUMP_RESTART: {
        if (!dc) {
            r = xkl__destroy(ctx, *domid) < 0 ? -1 : 0;
            break;
        }
        if (xkl__destroy(ctx, *domid) < 0) {
            r = -1;
            break;
        }
        uint32_t nd;
        r = xkl__create(ctx, dc, 0, &nd) < 0 ? -1 : 1;
        if (r == 1)
            *domid = nd;
        break;
    }
    default:   /* destroy, coredump_destroy */
        r = xkl__destroy(ctx, *domid) < 0 ? -1 : 0;
        break;
    }
    if (r == 1)
        xkl__log(ctx, "domain %s restarted as domain %u", di->name, *domid);
    else if (r < 0)
        xkl__log(ctx, "domain %s: %s", di->name, ctx->err);
    xkl_domain_config_free(dc);
    return r;
}

/* The device model of an HVM guest died while the guest ran: the guest
 * cannot go on (its emulated machine is gone), so it is handled as a
 * crash, with what QEMU last said. Lock held. */
int xkl__monitor_dm_died(xkl_ctx *ctx, uint32_t *domid, struct xkl_dominfo *di, int pid,
                         struct xkl__crashes *crashes)
{
    if (xkl__dm_stopping(ctx, *domid))
        return 1;   /* a destroy (ours or Debian's xl's): the domain goes next */
    char said[600] = "";
    if (xkl__dm_said(ctx, *domid, said, sizeof said) < 0)
        snprintf(said, sizeof said, "no QEMU log");
    xkl__log(ctx, "domain %u (%s): its device model (QEMU, pid %d) exited while the guest ran; %s",
             *domid, di->name, pid, said);
    /* a preserved guest stays, paused: nothing emulates its machine */
    xkc_domain_pause(ctx->xc, *domid);
    di->shutdown = true;
    di->shutdown_reason = SHUTDOWN_crash;
    return xkl__monitor_act(ctx, domid, di, crashes);
}

int xkl_domain_monitor(xkl_ctx *ctx, uint32_t *domid)
{
    return xkl_domain_monitor_uuid(ctx, domid, NULL);
}

int xkl_domain_monitor_uuid(xkl_ctx *ctx, uint32_t *domid, const char *known_uuid)
{
    XKL__LOCK(ctx);
    int r = ev_open(ctx);
    xkl_xs *evxs = ctx->ev_xs;
    struct xkl_dominfo di;
    char uuid[37] = "";
    unsigned char ub[16];
    /* the caller's UUID (checked: it names a file): a domain gone before
     * this monitor ran still has its state removed below */
    if (known_uuid && xkl__uuid_parse(known_uuid, ub) == 0)
        xkl__uuid_format(ub, uuid);
    if (r == 0 && xkl__info(ctx, *domid, &di) == 0)
        xkl__uuid_format(di.uuid, uuid);
    XKL__UNLOCK(ctx);
    if (r < 0)
        return -1;
    /* an HVM guest's QEMU, watched through a pidfd; looked up once per
     * domain (not per wake-up: every monitor wakes on every death) */
    struct xkl__crashes crashes = { .n = 0 };
    int dm_fd = -1, dm_pid = 0;
    uint32_t dm_of = 0;
    bool dm_looked = false, dm_gone = false;
    for (;;) {
        XKL__LOCK(ctx);
        r = xkl__info(ctx, *domid, &di);
        if (r < 0 && errno == ESRCH) {
            /* destroyed by someone else (maybe another toolstack, which
             * does not know our state file) */
            if (uuid[0])
                xkl__state_remove(ctx, uuid, *domid);
            XKL__UNLOCK(ctx);
            return 0;
        }
        if (r == 0)
            xkl__uuid_format(di.uuid, uuid);   /* follows restarts */
        if (r == 0 && di.dying) {
            if (uuid[0])
                xkl__state_remove(ctx, uuid, *domid);
            XKL__UNLOCK(ctx);
            return 0;
        }
        if (r == 0 && di.shutdown)
            r = xkl__monitor_act(ctx, domid, &di, &crashes);
        else if (r == 0 && dm_gone)
            r = xkl__monitor_dm_died(ctx, domid, &di, dm_pid, &crashes);
        else if (r == 0)
            r = 1;
        if (r == 1 && (!dm_looked || dm_of != *domid)) {   /* first look, or restarted */
            if (dm_fd >= 0)
                close(dm_fd);
            dm_fd = xkl__dm_hvm_pidfd(ctx, *domid, &dm_pid);
            dm_of = *domid;
            dm_looked = true;
            dm_gone = false;
        }
        if (r == 1 && dm_gone) {   /* stopped on purpose: the domain goes next */
            close(dm_fd);
            dm_fd = -1;
            dm_gone = false;
        }
        XKL__UNLOCK(ctx);
        if (r <= 0) {
            if (dm_fd >= 0)
                close(dm_fd);
            return r;
        }
        struct xkl_xs_event *we = xkl_xs_read_watch(evxs, 0);
        while (!we && (errno == EAGAIN || errno == ETIMEDOUT)) {
            struct pollfd p[2] = { { .fd = xkl_xs_watch_fd(evxs), .events = POLLIN },
                                   { .fd = dm_fd, .events = POLLIN } };
            int n = poll(p, dm_fd >= 0 ? 2 : 1, -1);
            if (n < 0 && errno != EINTR)
                break;
            if (n > 0 && dm_fd >= 0 && (p[1].revents & POLLIN)) {
                dm_gone = true;
                break;
            }
            we = xkl_xs_read_watch(evxs, 0);
        }
        if (dm_gone && !we)
            continue;
        if (!we) {
            XKL__LOCK(ctx);
            xkl__err(ctx, errno, "monitor domain %u: %s", *domid, xkl_xs_error(evxs));
            XKL__UNLOCK(ctx);
            if (dm_fd >= 0)
                close(dm_fd);
            return -1;
        }
        free(we);
    }
}
