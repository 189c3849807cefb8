/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl psr-*: Intel Platform Shared Resource monitoring (CMT/MBM) and
 * allocation (CAT, MBA), with Xen's xl words and exit statuses, including
 * on hardware without them (Xen's ENODEV: "... is not supported in this
 * system", status 253 as libxl's ERROR_FAIL; CMT disabled: 255). */
#include "life.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xkit/ctrl.h>

XL_CMD(psr_hwinfo);
XL_CMD(psr_cmt_attach);
XL_CMD(psr_cmt_detach);
XL_CMD(psr_cmt_show);
XL_CMD(psr_cat_set);
XL_CMD(psr_cat_show);
XL_CMD(psr_mba_set);
XL_CMD(psr_mba_show);

enum { PSR_FAIL = 253, PSR_DISABLED = 255 };

/* CMT's monitor types by QM event id - 1 (bit N-1 of Xen's event mask) */
static const char *const cmt_types[] = { "cache-occupancy", "total-mem-bandwidth", "local-mem-bandwidth" };

struct psr_env {
    xkl_ctx *ctx;
    xkc_handle *xc;
    unsigned nsockets;
    uint32_t socket_cpu[64]; /* a CPU of each socket */
};

static int env_open(struct psr_env *e)
{
    char err[256];
    memset(e, 0, sizeof *e);
    e->xc = xkc_open(err, sizeof err);
    if (!e->xc) {
        xl_err("%s", err);
        return -1;
    }
    struct xkc_cputopo topo[256];
    unsigned n = 256;
    if (xkc_cputopo(e->xc, topo, &n) < 0) {
        xl_err("%s", xkc_error(e->xc));
        return -1;
    }
    for (unsigned c = 0; c < n && c < 256; c++) {
        uint32_t s = topo[c].socket;
        if (s == UINT32_MAX || s >= 64)
            continue;
        if (s >= e->nsockets) {
            for (unsigned k = e->nsockets; k <= s; k++)
                e->socket_cpu[k] = UINT32_MAX;
            e->nsockets = s + 1;
        }
        if (e->socket_cpu[s] == UINT32_MAX)
            e->socket_cpu[s] = c;
    }
    return 0;
}

static int env_ctx(struct psr_env *e)
{
    if (!e->ctx)
        e->ctx = xl_ctx_open();
    return e->ctx ? 0 : -1;
}

static void env_close(struct psr_env *e)
{
    xkl_ctx_close(e->ctx);
    xkc_close(e->xc);
}

static int lookup(struct psr_env *e, const char *dom, uint32_t *domid)
{
    if (env_ctx(e) < 0)
        return -1;
    return xl_domid(e->ctx, dom, domid);
}

/* libxl's words for a PSR call that failed: ENODEV is "not supported" */
static void psr_fail(struct psr_env *e, const char *feature)
{
    if (xkc_errno(e->xc) == ENODEV)
        fprintf(stderr, "%s: is not supported in this system\n", feature);
    else
        xl_err("%s", xkc_error(e->xc));
}

/* ---- hardware information ---- */

static int hwinfo_cmt(struct psr_env *e)
{
    struct xkc_psr_cmt_info ci;
    printf("Cache Monitoring Technology (CMT):\n");
    if (xkc_psr_cmt_info(e->xc, &ci) < 0) {
        printf("%-16s: %s\n", "Enabled", "0");
        return XL_OK;
    }
    printf("%-16s: %s\n", "Enabled", ci.enabled ? "1" : "0");
    if (!ci.enabled)
        return XL_OK;
    printf("%-16s: %u\n", "Total RMID", ci.total_rmid);
    printf("Supported monitor types:\n");
    for (unsigned t = 0; t < 3; t++)
        if (ci.event_mask & (1U << t))
            printf("%s\n", cmt_types[t]);
    return XL_OK;
}

static int hwinfo_alloc(struct psr_env *e, enum xkc_psr_feat f)
{
    for (unsigned s = 0; s < e->nsockets; s++) {
        struct xkc_psr_alloc_info ai;
        if (xkc_psr_alloc_info(e->xc, f, s, &ai) < 0)
            return PSR_FAIL; /* Xen's xl says nothing here either */
        if (s == 0)
            printf(f == XKC_PSR_MBA ? "Memory Bandwidth Allocation (MBA):\n"
                                    : "Cache Allocation Technology (CAT): L%d\n",
                   f == XKC_PSR_CAT_L2 ? 2 : 3);
        printf("%-16s: %u\n", "Socket ID", s);
        if (f == XKC_PSR_MBA) {
            printf("%-16s: %s\n", "Linear Mode", ai.linear ? "Enabled" : "Disabled");
            printf("%-16s: %u\n", "Maximum COS", ai.cos_max);
            printf("%-16s: %u\n", "Maximum Throttling Value", ai.thrtl_max);
            printf("%-16s: %u\n", "Default Throttling Value", 0);
            continue;
        }
        uint32_t kb = 0;
        if (f == XKC_PSR_CAT_L3 && e->socket_cpu[s] != UINT32_MAX &&
            xkc_psr_cmt_l3_cache_kb(e->xc, e->socket_cpu[s], &kb) == 0)
            printf("%-16s: %uKB\n", "L3 Cache", kb);
        if (f == XKC_PSR_CAT_L3)
            printf("%-16s: %s\n", "CDP Status", ai.cdp ? "Enabled" : "Disabled");
        printf("%-16s: %u\n", "Maximum COS", ai.cos_max);
        printf("%-16s: %u\n", "CBM length", ai.cbm_len);
        printf("%-16s: %#llx\n", "Default CBM", (unsigned long long)((1ULL << ai.cbm_len) - 1));
    }
    return XL_OK;
}

int cmd_psr_hwinfo(int argc, char **argv)
{
    static const struct option lo[] = {
        { "cmt", no_argument, NULL, 'm' }, { "cat", no_argument, NULL, 'a' },
        { "mba", no_argument, NULL, 'b' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt, cmt = 0, cat = 0, mba = 0;
    XL_FOREACH_OPT(opt, "mab", lo, 0) {
        case 'm': cmt = 1; break;
        case 'a': cat = 1; break;
        case 'b': mba = 1; break;
    }
    if (!cmt && !cat && !mba)
        cmt = cat = mba = 1;
    struct psr_env e;
    int rc = XL_FAIL;
    if (env_open(&e) == 0) {
        rc = XL_OK;
        if (cmt)
            rc = hwinfo_cmt(&e);
        if (rc == XL_OK && cat) {
            rc = hwinfo_alloc(&e, XKC_PSR_CAT_L3);
            if (rc == XL_OK)
                hwinfo_alloc(&e, XKC_PSR_CAT_L2); /* L2 CAT is optional */
        }
        if (rc == XL_OK && mba)
            rc = hwinfo_alloc(&e, XKC_PSR_MBA);
    }
    env_close(&e);
    return rc;
}

/* ---- monitoring ---- */

static int cmt_attach_detach(int argc, char **argv, int attach)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 1) {
    }
    xl_extra_args(argc, argv, 1);
    struct psr_env e;
    uint32_t d;
    int rc = XL_FAIL;
    if (env_open(&e) == 0 && lookup(&e, argv[optind], &d) == 0) {
        int r = attach ? xkc_psr_cmt_attach(e.xc, d) : xkc_psr_cmt_detach(e.xc, d);
        if (r == 0)
            rc = XL_OK;
        else {
            int err = xkc_errno(e.xc);
            if (err == ENODEV)
                fprintf(stderr, "CMT is not supported in this system: %s\n", strerror(err));
            else
                xl_err("%s", xkc_error(e.xc));
            rc = PSR_FAIL;
        }
    }
    env_close(&e);
    return rc;
}

int cmd_psr_cmt_attach(int argc, char **argv) { return cmt_attach_detach(argc, argv, 1); }
int cmd_psr_cmt_detach(int argc, char **argv) { return cmt_attach_detach(argc, argv, 0); }

/* a monitored domain's first reading on each socket */
struct cmt_row {
    const struct xkl_dominfo *di;
    uint32_t rmid;
    bool ok[64];
    uint64_t c[64], t[64];
};

static void cmt_read(struct psr_env *e, struct cmt_row *r, unsigned event)
{
    for (unsigned s = 0; s < e->nsockets; s++)
        r->ok[s] = e->socket_cpu[s] != UINT32_MAX &&
                   xkc_psr_cmt_sample(e->xc, r->rmid, e->socket_cpu[s], event, &r->c[s], &r->t[s]) == 0;
}

/* one domain's line: its value on every socket (KB, or for bandwidth KB/s
 * from this reading and the one a second before) */
static void cmt_print(struct psr_env *e, const struct cmt_row *r, unsigned event,
                      const struct xkc_psr_cmt_info *ci)
{
    printf("%-40s %5u", r->di->name[0] ? r->di->name : "(null)", r->di->domid);
    for (unsigned s = 0; s < e->nsockets; s++) {
        uint64_t c1, t1;
        if (!r->ok[s])
            printf("%16s", "n/a");
        else if (event == 1)
            printf("%13llu KB", (unsigned long long)(r->c[s] * ci->upscaling_factor / 1024));
        else if (xkc_psr_cmt_sample(e->xc, r->rmid, e->socket_cpu[s], event, &c1, &t1) < 0 || t1 <= r->t[s])
            printf("%16s", "n/a");
        else {
            /* the counter is 24 bits wide on the first CPUs with MBM */
            uint64_t delta = (c1 - r->c[s]) & ((1ULL << 24) - 1);
            printf("%11llu KB/s", (unsigned long long)(delta * ci->upscaling_factor / 1024 *
                                                        1000000000ULL / (t1 - r->t[s])));
        }
    }
    printf("\n");
}

int cmd_psr_cmt_show(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 1) {
    }
    xl_extra_args(argc, argv, 2);
    unsigned event = 0;
    for (unsigned t = 0; t < 3; t++)
        if (!strcmp(argv[optind], cmt_types[t]))
            event = t + 1;
    if (!event) {
        fprintf(stderr, "Invalid monitor type\n");
        return XL_USAGE;
    }
    struct psr_env e;
    int rc = XL_FAIL;
    struct xkc_psr_cmt_info ci;
    if (env_open(&e) < 0)
        goto out;
    if (xkc_psr_cmt_info(e.xc, &ci) < 0 || !ci.enabled) {
        fprintf(stderr, "CMT is disabled in the system\n");
        rc = PSR_DISABLED;
        goto out;
    }
    if (!(ci.event_mask & (1U << (event - 1)))) {
        fprintf(stderr, "Monitor type '%s' is not supported in the system\n", argv[optind]);
        rc = PSR_FAIL;
        goto out;
    }
    if (env_ctx(&e) < 0)
        goto out;
    struct xkl_dominfo *doms = NULL;
    size_t n = 0;
    uint32_t only = UINT32_MAX;
    if ((optind + 1 < argc && xl_domid(e.ctx, argv[optind + 1], &only) < 0) ||
        xkl_domain_list(e.ctx, &doms, &n) < 0) {
        if (!doms && only != UINT32_MAX)
            xl_ctx_fail(e.ctx);
        goto out;
    }
    printf("Total RMID: %u\n", ci.total_rmid);
    printf("%-46s", "Name                                        ID");
    for (unsigned s = 0; s < e.nsockets; s++)
        printf("%10s %u", "Socket", s);
    printf("\n");
    if (event == 1) {
        printf("%-46s", "Total L3 Cache Size");
        for (unsigned s = 0; s < e.nsockets; s++) {
            uint32_t kb = 0;
            if (e.socket_cpu[s] != UINT32_MAX)
                xkc_psr_cmt_l3_cache_kb(e.xc, e.socket_cpu[s], &kb);
            printf("%13u KB", kb);
        }
        printf("\n");
    }
    /* every monitored domain read first, so that bandwidth needs one
     * second's wait for all of them, not one per domain and socket */
    struct cmt_row *rows = calloc(n ? n : 1, sizeof *rows);
    size_t nr = 0;
    if (!rows) {
        xl_err("psr-cmt-show: out of memory");
        free(doms);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        struct cmt_row *r = &rows[nr];
        if ((only != UINT32_MAX && doms[i].domid != only) ||
            xkc_psr_cmt_rmid(e.xc, doms[i].domid, &r->rmid) < 0 || r->rmid == 0)
            continue; /* not monitored: Xen's xl shows only attached domains */
        r->di = &doms[i];
        cmt_read(&e, r, event);
        nr++;
    }
    if (event != 1 && nr) {
        struct timespec ts = { 1, 0 };
        nanosleep(&ts, NULL);
    }
    for (size_t i = 0; i < nr; i++)
        cmt_print(&e, &rows[i], event, &ci);
    rc = XL_OK;
    free(rows);
    free(doms);
out:
    env_close(&e);
    return rc;
}

/* ---- allocation ---- */

/* the sockets "-s N" names, or all */
static int socket_range(const char *arg, unsigned nsockets, unsigned *lo, unsigned *hi)
{
    unsigned long v;
    if (!arg) {
        *lo = 0;
        *hi = nsockets ? nsockets - 1 : 0;
        return 0;
    }
    if (xl_parse_uint(arg, 0, nsockets ? nsockets - 1 : 0, &v) < 0) {
        fprintf(stderr, "Invalid socket %s: this host has %u\n", arg, nsockets);
        return -1;
    }
    *lo = *hi = (unsigned)v;
    return 0;
}

static int alloc_set(struct psr_env *e, const char *dom, enum xkc_psr_type t, const char *sock,
                     const char *value, const char *feature)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(value, &end, 0);
    if (errno || *end || end == value) {
        fprintf(stderr, "Invalid value '%s'\n", value);
        return XL_USAGE;
    }
    uint32_t d;
    unsigned lo, hi;
    if (lookup(e, dom, &d) < 0)
        return XL_FAIL;
    if (socket_range(sock, e->nsockets, &lo, &hi) < 0)
        return XL_USAGE;
    for (unsigned s = lo; s <= hi; s++)
        if (xkc_psr_set(e->xc, d, t, s, v) < 0) {
            psr_fail(e, feature);
            return PSR_FAIL;
        }
    return XL_OK;
}

int cmd_psr_cat_set(int argc, char **argv)
{
    int opt, code = 0, data = 0;
    unsigned long level = 3;
    const char *sock = NULL;
    XL_FOREACH_OPT(opt, "s:l:cd", NULL, 2) {
        case 's': sock = optarg; break;
        case 'l':
            if (xl_parse_uint(optarg, 2, 3, &level) < 0) {
                fprintf(stderr, "Invalid cache level %s: 2 or 3\n", optarg);
                return XL_USAGE;
            }
            break;
        case 'c': code = 1; break;
        case 'd': data = 1; break;
    }
    xl_extra_args(argc, argv, 2);
    if (level == 2 && (code || data)) {
        fprintf(stderr, "Unsupported options -c/-d for L2 cache\n");
        return XL_USAGE;
    }
    struct psr_env e;
    int rc = XL_FAIL;
    if (env_open(&e) == 0) {
        const char *feat = level == 2 ? "L2 CAT" : "L3 CAT";
        if (level == 2)
            rc = alloc_set(&e, argv[optind], XKC_PSR_L2_CBM, sock, argv[optind + 1], feat);
        else if (!code && !data)
            rc = alloc_set(&e, argv[optind], XKC_PSR_L3_CBM, sock, argv[optind + 1], feat);
        else {
            rc = XL_OK;
            if (code)
                rc = alloc_set(&e, argv[optind], XKC_PSR_L3_CODE, sock, argv[optind + 1], feat);
            if (rc == XL_OK && data)
                rc = alloc_set(&e, argv[optind], XKC_PSR_L3_DATA, sock, argv[optind + 1], feat);
        }
    }
    env_close(&e);
    return rc;
}

int cmd_psr_mba_set(int argc, char **argv)
{
    int opt;
    const char *sock = NULL;
    XL_FOREACH_OPT(opt, "s:", NULL, 2) {
        case 's': sock = optarg; break;
    }
    xl_extra_args(argc, argv, 2);
    struct psr_env e;
    int rc = XL_FAIL;
    if (env_open(&e) == 0)
        rc = alloc_set(&e, argv[optind], XKC_PSR_MBA_THRTL, sock, argv[optind + 1], "MBA");
    env_close(&e);
    return rc;
}

/* psr-cat-show / psr-mba-show: each socket's limits, then each domain's
 * value on each socket */
static int alloc_show(struct psr_env *e, enum xkc_psr_feat f, const char *dom)
{
    struct xkc_psr_alloc_info info[64];
    for (unsigned s = 0; s < e->nsockets; s++)
        if (xkc_psr_alloc_info(e->xc, f, s, &info[s]) < 0) {
            fprintf(stderr, "Failed to get info\n");
            return PSR_FAIL;
        }
    if (env_ctx(e) < 0)
        return XL_FAIL;
    uint32_t only = UINT32_MAX;
    if (dom && xl_domid(e->ctx, dom, &only) < 0)
        return XL_FAIL;
    struct xkl_dominfo *doms = NULL;
    size_t n = 0;
    if (xkl_domain_list(e->ctx, &doms, &n) < 0)
        return xl_ctx_fail(e->ctx);
    int rc = XL_OK;
    for (unsigned s = 0; s < e->nsockets && rc == XL_OK; s++) {
        const struct xkc_psr_alloc_info *ai = &info[s];
        printf("%-16s: %u\n", "Socket ID", s);
        if (f == XKC_PSR_MBA) {
            printf("%-16s: %s\n", "Linear Mode", ai->linear ? "Enabled" : "Disabled");
            printf("%-16s: %u\n", "Maximum COS", ai->cos_max);
            printf("%-16s: %u\n", "Maximum Throttling Value", ai->thrtl_max);
            printf("%5s%25s%16s\n", "ID", "NAME", "THRTL");
        } else {
            printf("%-16s: %u\n", "Maximum COS", ai->cos_max);
            printf("%-16s: %u\n", "CBM length", ai->cbm_len);
            printf("%-16s: %#llx\n", "Default CBM", (unsigned long long)((1ULL << ai->cbm_len) - 1));
            printf(ai->cdp ? "%5s%25s%16s%16s\n" : "%5s%25s%16s\n", "ID", "NAME",
                   ai->cdp ? "CBM (code)" : "CBM", "CBM (data)");
        }
        for (size_t i = 0; i < n && rc == XL_OK; i++) {
            if (only != UINT32_MAX && doms[i].domid != only)
                continue;
            const char *name = doms[i].name[0] ? doms[i].name : "(null)";
            uint64_t v, v2;
            if (f == XKC_PSR_MBA) {
                if (xkc_psr_get(e->xc, doms[i].domid, XKC_PSR_MBA_THRTL, s, &v) < 0)
                    rc = PSR_FAIL;
                else
                    printf("%5u%25s%16llu\n", doms[i].domid, name, (unsigned long long)v);
            } else if (f == XKC_PSR_CAT_L3 && ai->cdp) {
                if (xkc_psr_get(e->xc, doms[i].domid, XKC_PSR_L3_CODE, s, &v) < 0 ||
                    xkc_psr_get(e->xc, doms[i].domid, XKC_PSR_L3_DATA, s, &v2) < 0)
                    rc = PSR_FAIL;
                else
                    printf("%5u%25s%#16llx%#16llx\n", doms[i].domid, name, (unsigned long long)v,
                           (unsigned long long)v2);
            } else {
                enum xkc_psr_type t = f == XKC_PSR_CAT_L2 ? XKC_PSR_L2_CBM : XKC_PSR_L3_CBM;
                if (xkc_psr_get(e->xc, doms[i].domid, t, s, &v) < 0)
                    rc = PSR_FAIL;
                else
                    printf("%5u%25s%#16llx\n", doms[i].domid, name, (unsigned long long)v);
            }
            if (rc != XL_OK)
                xl_err("%s", xkc_error(e->xc));
        }
    }
    free(doms);
    return rc;
}

int cmd_psr_cat_show(int argc, char **argv)
{
    int opt;
    unsigned long level = 3;
    XL_FOREACH_OPT(opt, "l:", NULL, 0) {
        case 'l':
            if (xl_parse_uint(optarg, 2, 3, &level) < 0) {
                fprintf(stderr, "Invalid cache level %s: 2 or 3\n", optarg);
                return XL_USAGE;
            }
            break;
    }
    xl_extra_args(argc, argv, 1);
    struct psr_env e;
    int rc = XL_FAIL;
    if (env_open(&e) == 0)
        rc = alloc_show(&e, level == 2 ? XKC_PSR_CAT_L2 : XKC_PSR_CAT_L3,
                        optind < argc ? argv[optind] : NULL);
    env_close(&e);
    return rc;
}

int cmd_psr_mba_show(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 0) {
    }
    xl_extra_args(argc, argv, 1);
    struct psr_env e;
    int rc = XL_FAIL;
    if (env_open(&e) == 0)
        rc = alloc_show(&e, XKC_PSR_MBA, optind < argc ? argv[optind] : NULL);
    env_close(&e);
    return rc;
}
