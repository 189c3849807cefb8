/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xlcpupool.cfg(5): a cpupool's configuration (name, sched, cpus, nodes)
 * in the xl.cfg grammar, checked with located messages. */
#include "private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xen/domctl.h>

static void perr(const xkl_cfg *cfg, xkl_diags *d, const struct xkl_cfg_setting *s,
                 const struct xkl_cfg_value *v, enum xkl_diag_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void perr(const xkl_cfg *cfg, xkl_diags *d, const struct xkl_cfg_setting *s,
                 const struct xkl_cfg_value *v, enum xkl_diag_level lvl, const char *fmt, ...)
{
    const char *src = s ? s->source : cfg->nsources ? cfg->sources[0] : NULL;
    va_list ap;
    va_start(ap, fmt);
    xkl__vdiag(d, lvl, src, v ? v->line : s ? s->line : 0, v ? v->col : s ? s->col : 0, fmt, ap);
    va_end(ap);
}

int xkl_sched_from_name(const char *name)
{
    static const unsigned ids[] = { XEN_SCHEDULER_CREDIT, XEN_SCHEDULER_CREDIT2,
                                    XEN_SCHEDULER_ARINC653, XEN_SCHEDULER_RTDS, XEN_SCHEDULER_NULL };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (!strcmp(xkc_sched_name(ids[i]), name))
            return (int)ids[i];
    errno = EINVAL;
    return -1;
}

/* A whole number in [0, max) from a string or number item; -1 if not. */
static long index_of(const struct xkl_cfg_value *v, long max)
{
    long long n;
    if (v->kind == XKL_CFG_LIST || xkl__parse_int(v->str, &n) < 0 || n < 0 || n >= max)
        return -1;
    return (long)n;
}

/* cpus = ["1", "3"] or cpus = "1-3,^2"; nodes = [0, 1] */
static int set_bits(const xkl_cfg *cfg, xkl_diags *d, const char *key, uint8_t *map, size_t bytes,
                    bool string_ok)
{
    const struct xkl_cfg_setting *s = NULL;
    struct xkl_cfg_value *v = xkl__cfg_lookup(cfg, key, &s, d);
    if (!v)
        return 0;
    int r = 1;
    if (v->kind != XKL_CFG_LIST) {
        if (!string_ok || xkl_cpumap_parse(v->str, map) < 0) {
            perr(cfg, d, s, v, XKL_DIAG_ERROR, string_ok ? "expected a CPU list (\"0-3,^2\") or a "
                 "list of CPU numbers for '%s', found '%s'" : "expected a list of node numbers for "
                 "'%s', found '%s'", key, v->str);
            r = -1;
        }
    } else {
        for (size_t i = 0; i < v->nitems && r > 0; i++) {
            long n = index_of(v->items[i], (long)bytes * 8);
            if (n < 0) {
                perr(cfg, d, s, v->items[i], XKL_DIAG_ERROR, "'%s' item %zu: expected a %s "
                     "number below %zu", key, i, string_ok ? "CPU" : "node", bytes * 8);
                r = -1;
            } else {
                map[n / 8] |= (uint8_t)(1u << (n % 8));
            }
        }
    }
    xkl__cfg_value_free(v);
    return r;
}

int xkl_cpupool_config_from_cfg(const xkl_cfg *cfg, struct xkl_cpupool_config *pc, xkl_diags *d)
{
    memset(pc, 0, sizeof *pc);
    pc->sched_id = -1;
    unsigned before = d->nerrors;
    for (size_t i = 0; i < cfg->n; i++) {
        const struct xkl_cfg_setting *s = &cfg->v[i];
        if (strcmp(s->name, "name") && strcmp(s->name, "sched") && strcmp(s->name, "cpus") &&
            strcmp(s->name, "nodes"))
            perr(cfg, d, s, NULL, XKL_DIAG_WARNING, "'%s' is not a cpupool setting (name, sched, "
                 "cpus, nodes): ignored", s->name);
    }
    const struct xkl_cfg_setting *s = NULL;
    struct xkl_cfg_value *v = xkl__cfg_lookup(cfg, "name", &s, d);
    if (v) {
        if (v->kind != XKL_CFG_STRING || !*v->str || strchr(v->str, '/') ||
            strlen(v->str) >= sizeof pc->name)
            perr(cfg, d, s, v, XKL_DIAG_ERROR, "'name': expected a cpupool name (a string of 1 "
                 "to %zu characters, no '/')", sizeof pc->name - 1);
        else
            memcpy(pc->name, v->str, strlen(v->str) + 1);
        xkl__cfg_value_free(v);
    }
    v = xkl__cfg_lookup(cfg, "sched", &s, d);
    if (v) {
        if (v->kind != XKL_CFG_STRING || (pc->sched_id = xkl_sched_from_name(v->str)) < 0)
            perr(cfg, d, s, v, XKL_DIAG_ERROR, "'sched': expected credit, credit2, rtds, null or "
                 "arinc653");
        xkl__cfg_value_free(v);
    }
    int rn = set_bits(cfg, d, "nodes", pc->nodes, sizeof pc->nodes, false);
    int rc = set_bits(cfg, d, "cpus", pc->cpus, sizeof pc->cpus, true);
    pc->has_nodes = rn > 0;
    pc->has_cpus = rc > 0;
    if (pc->has_nodes && pc->has_cpus) {
        const struct xkl_cfg_setting *sc = NULL;
        for (size_t i = 0; i < cfg->n; i++)
            if (!strcmp(cfg->v[i].name, "cpus"))
                sc = &cfg->v[i];
        perr(cfg, d, sc, NULL, XKL_DIAG_WARNING, "'cpus' is ignored: 'nodes' chooses the CPUs "
             "(as in Xen's xl)");
        pc->has_cpus = false;
    }
    if (d->nerrors != before) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}
