/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers of the xl life-cycle commands: context, domain arguments and the
 * small parsers (memory sizes, cpu lists, uptime). */
#include "life.h"

#include <xkit/ctrl.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* xl.conf, read by main; every context of this process is opened with it */
struct xkl_host_conf xl_host;

/* The monitor's report of what it did: on stderr, which is its log. */
/* "xl: monitor" in the monitor (its log file), "xl" elsewhere */
const char *xl_log_who = "xl";

static void log_line(void *arg, const char *line)
{
    (void)arg;
    fprintf(stderr, "%s: %s\n", xl_log_who, line);
}

xkl_ctx *xl_ctx_open(void)
{
    struct xkl_ctx_opts o = { .log = log_line, .host = &xl_host };
    char err[512];
    const char *dir = getenv("XKIT_STATEDIR");
    /* TEST ONLY knobs (the lab's fault scenarios): see xkl_ctx_opts */
    const char *fault = getenv("XKIT_FAULT_STEP");
    const char *point = getenv("XKIT_FAULT_POINT");
    unsigned long n;
    if (dir && *dir)
        o.state_dir = dir;
    if (fault && *fault) {
        if (xl_parse_uint(fault, 0, 1000, &n) < 0) {
            xl_err("XKIT_FAULT_STEP=%s: expected a step number", fault);
            return NULL;
        }
        o.fault_step = (unsigned)n;
    }
    if (point && *point) {
        if (xl_parse_uint(point, 0, 100000, &n) < 0) {
            xl_err("XKIT_FAULT_POINT=%s: expected a fault point number", point);
            return NULL;
        }
        o.fault_point = (unsigned)n;
    }
    xkl_ctx *ctx = xkl_ctx_open(&o, err, sizeof err);
    if (!ctx)
        xl_err("%s", err);
    return ctx;
}

int xl_ctx_fail(xkl_ctx *ctx)
{
    xl_err("%s", xkl_ctx_error(ctx));
    return XL_FAIL;
}

int xl_domid(xkl_ctx *ctx, const char *arg, uint32_t *domid)
{
    if (xkl_domain_lookup(ctx, arg, domid) < 0) {
        /* Xen's xl's words (and libxl's ERROR_INVAL) for a name no domain
         * has; other failures in ours */
        if (errno == ESRCH && !isdigit((unsigned char)*arg))
            fprintf(stderr, "%s is an invalid domain identifier (rc=-6)\n", arg);
        else
            xl_ctx_fail(ctx);
        return -1;
    }
    return 0;
}

int xl_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int xl_parse_mem_kb(const char *s, uint64_t *kb)
{
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || strlen(end) > 1)
        return -1;
    unsigned shift;   /* to KiB */
    switch (tolower((unsigned char)*end)) {
    case 't': shift = 30; break;
    case 'g': shift = 20; break;
    case '\0':
    case 'm': shift = 10; break;
    case 'k': shift = 0; break;
    case 'b': *kb = v >> 10; return 0;
    default: return -1;
    }
    if (shift && v > (UINT64_MAX >> shift))
        return -1;
    *kb = (uint64_t)v << shift;
    return 0;
}

int xl_cpu_nodes(uint32_t *node)
{
    struct xkc_cputopo topo[XKL_CPUMAP_BYTES * 8];
    unsigned n = XKL_CPUMAP_BYTES * 8;
    char err[256];
    xkc_handle *xc = xkc_open(err, sizeof err);
    if (!xc) {
        xl_err("%s", err);
        return -1;
    }
    int r = xkc_cputopo(xc, topo, &n);
    if (r < 0)
        xl_err("%s", xkc_error(xc));
    xkc_close(xc);
    if (r < 0)
        return -1;
    if (n > XKL_CPUMAP_BYTES * 8)
        n = XKL_CPUMAP_BYTES * 8;
    for (unsigned c = 0; c < n; c++)
        node[c] = topo[c].node;
    return (int)n;
}

int xl_parse_cpulist(const char *s, uint8_t *map)
{
    if (!strstr(s, "node"))
        return xkl_cpumap_parse(s, map);
    /* node:N needs the host's topology: asked of Xen only then */
    uint32_t node[XKL_CPUMAP_BYTES * 8];
    int n = xl_cpu_nodes(node);
    if (n < 0)
        return xkl_cpumap_parse(s, map);   /* ENOTSUP for the node items */
    return xkl_cpumap_parse_nodes(s, map, node, (unsigned)n);
}

void xl_format_cpumap(const uint8_t *map, unsigned nr_cpus, char *buf, size_t len)
{
    bool all = nr_cpus > 0;
    for (unsigned c = 0; c < nr_cpus && c < XKL_CPUMAP_BYTES * 8; c++)
        all = all && (map[c / 8] >> (c % 8) & 1);
    if (all) {
        snprintf(buf, len, "all");
        return;
    }
    size_t off = 0;
    buf[0] = 0;
    unsigned limit = XKL_CPUMAP_BYTES * 8;
    for (unsigned c = 0; c < limit; c++) {
        if (!(map[c / 8] >> (c % 8) & 1))
            continue;
        unsigned e = c;
        while (e + 1 < limit && (map[(e + 1) / 8] >> ((e + 1) % 8) & 1))
            e++;
        int w = e > c ? snprintf(buf + off, len - off, "%s%u-%u", off ? "," : "", c, e)
                      : snprintf(buf + off, len - off, "%s%u", off ? "," : "", c);
        if (w < 0 || (size_t)w >= len - off)
            return;
        off += (size_t)w;
        c = e;
    }
    if (!off)
        snprintf(buf, len, "none");
}

void xl_format_uptime_short(unsigned long secs, char *buf, size_t len)
{
    unsigned long d = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60;
    if (d)
        snprintf(buf, len, "%lu day%s, %2lu:%02lu", d, d > 1 ? "s" : "", h, m);
    else
        snprintf(buf, len, "%2lu:%02lu", h, m);
}

void xl_format_uptime(unsigned long secs, char *buf, size_t len)
{
    unsigned long d = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60, s = secs % 60;
    if (d)
        snprintf(buf, len, "%lu day%s, %2lu:%02lu:%02lu", d, d > 1 ? "s" : "", h, m, s);
    else
        snprintf(buf, len, "%2lu:%02lu:%02lu", h, m, s);
}

/* The sequence every one-domain command shares: a context, the domain named
 * by dom (name or id), fn on it, one line on stderr if it fails. */
int xl_with_domain(const char *dom, xl_dom_fn *fn, void *arg)
{
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    uint32_t id;
    int rc = XL_FAIL;
    if (xl_domid(ctx, dom, &id) == 0)
        rc = fn(ctx, id, arg) < 0 ? xl_ctx_fail(ctx) : XL_OK;
    xkl_ctx_close(ctx);
    return rc;
}
