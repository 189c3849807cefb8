/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xl.conf's autoballoon: memory a new guest needs and the host lacks is
 * taken from dom0, as Xen's xl does: dom0's target in xenstore goes down,
 * dom0's balloon driver hands the pages back to Xen, and create waits for
 * Xen's free memory to grow. dom0 keeps the lower target afterwards (as
 * with Xen's xl); xl mem-set 0 gives it back. */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* dom0 is never ballooned below this (libxl's floor too) */
#define DOM0_MIN_KB (128u << 10)
/* taken on top of the shortfall: what Xen keeps for itself meanwhile */
#define SLACK_KB (4u << 10)
/* how long dom0's balloon driver gets to give the memory back */
#define WAIT_MS 20000

static uint64_t free_kb(xkl_ctx *ctx)
{
    struct xkc_physinfo pi;
    if (xkc_physinfo(ctx->xc, &pi) < 0)
        return 0;
    return (pi.free_pages > pi.outstanding_pages ? pi.free_pages - pi.outstanding_pages : 0) * 4;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

bool xkl__autoballoon(xkl_ctx *ctx)
{
    if (ctx->host.autoballoon != XKL_AUTOBALLOON_AUTO)
        return ctx->host.autoballoon == XKL_AUTOBALLOON_ON;
    /* auto: Xen's command line decides (dom0_mem= turns it off) */
    struct xkc_xen_version xv;
    return xkc_xen_version(ctx->xc, &xv) == 0 && xkl_host_conf_autoballoon(&ctx->host, xv.commandline);
}

int xkl__balloon_dom0(xkl_ctx *ctx, const char *what, uint64_t need_kb)
{
    /* the common case costs one physinfo: the host has the memory */
    uint64_t have = free_kb(ctx);
    if (have >= need_kb || !xkl__autoballoon(ctx))
        return 0;
    uint64_t short_kb = need_kb - have + SLACK_KB;
    /* dom0's target as its balloon driver reads it, else what it has */
    uint64_t target = 0;
    char *t = xkl__xs_readf(ctx, "/local/domain/0/memory/target");
    if (t)
        target = strtoull(t, NULL, 10);
    free(t);
    if (!target) {
        struct xkc_dominfo di;
        if (xkc_domain_info(ctx->xc, 0, &di) < 0)
            return xkl__err(ctx, errno, "%s: autoballoon: dom0's memory: %s", what, xkc_error(ctx->xc));
        target = di.tot_pages * 4;
    }
    if (target < DOM0_MIN_KB + short_kb)
        return xkl__err(ctx, ENOMEM, "%s: the host has %llu MiB free; autoballoon would take %llu MiB "
                        "from dom0, which has %llu MiB and keeps at least %u MiB",
                        what, (unsigned long long)(have >> 10), (unsigned long long)(short_kb >> 10),
                        (unsigned long long)(target >> 10), DOM0_MIN_KB >> 10);
    uint64_t new_target = target - short_kb;
    if (xkl__xs_writef(ctx, XKL_XS_TX_NONE, "/local/domain/0/memory/target", "%llu",
                       (unsigned long long)new_target) < 0)
        return xkl__err_wrap(ctx, "%s: autoballoon: lower dom0's memory target", what);
    xkl__log(ctx, "%s: autoballoon: dom0 %llu -> %llu MiB for %llu MiB the host lacked", what,
             (unsigned long long)(target >> 10), (unsigned long long)(new_target >> 10),
             (unsigned long long)(short_kb >> 10));
    /* Xen tells no one when memory comes free: look every 20 ms */
    double end = now_ms() + WAIT_MS;
    while ((have = free_kb(ctx)) < need_kb) {
        if (now_ms() > end)
            return xkl__err(ctx, ENOMEM, "%s: autoballoon: dom0's target is %llu MiB but in %d s the "
                            "host's free memory grew only to %llu of the %llu MiB needed (is dom0's "
                            "balloon driver, CONFIG_XEN_BALLOON, working?)",
                            what, (unsigned long long)(new_target >> 10), WAIT_MS / 1000,
                            (unsigned long long)(have >> 10), (unsigned long long)(need_kb >> 10));
        usleep(20 * 1000);
    }
    return 0;
}
