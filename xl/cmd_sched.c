/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl sched-credit, sched-credit2, sched-rtds: a domain's scheduler
 * parameters and a cpupool's, read and set through libctrl, printed in Xen's
 * xl's columns, with its rules for which options go together. */
#include "life.h"
#include "json_out.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <xen/domctl.h>
#include <xkit/ctrl.h>

XL_CMD(sched_credit);
XL_CMD(sched_credit2);
XL_CMD(sched_rtds);

/* What one command needs open: the library (names, pools) and libctrl. */
struct sched_env {
    xkl_ctx *ctx;
    xkc_handle *xc;
    struct xkl_dominfo *doms;
    size_t ndoms;
    struct xkl_cpupool *pools;
    size_t npools;
    /* --json: the listing as objects (one per domain, vcpu or pool),
     * begun by the first one (an empty listing prints []) */
    bool json, begun;
    bool pool_params;   /* -s: the pools' own parameters are the listing */
    struct xl_json j;
};

/* The next object of a --json listing, with the pool and scheduler. */
static void jobj(struct sched_env *e, const char *pool, const char *sched)
{
    if (!e->begun) {
        xlj_begin(&e->j);
        e->begun = true;
    }
    xlj_obj(&e->j, NULL);
    xlj_str(&e->j, "cpupool", pool);
    xlj_str(&e->j, "scheduler", sched);
}

static int env_open(struct sched_env *e, bool json)
{
    char err[256];
    memset(e, 0, sizeof *e);
    e->json = json;
    e->ctx = xl_ctx_open();
    if (!e->ctx)
        return -1;
    e->xc = xkc_open(err, sizeof err);
    if (!e->xc) {
        xl_err("%s", err);
        return -1;
    }
    if (xkl_domain_list(e->ctx, &e->doms, &e->ndoms) < 0 ||
        xkl_cpupool_list(e->ctx, &e->pools, &e->npools) < 0) {
        xl_ctx_fail(e->ctx);
        return -1;
    }
    return 0;
}

static void env_close(struct sched_env *e)
{
    if (e->json && e->begun)
        xlj_end(&e->j);
    free(e->doms);
    free(e->pools);
    xkc_close(e->xc);
    xkl_ctx_close(e->ctx);
}

static const char *dom_name(const struct sched_env *e, uint32_t domid)
{
    for (size_t i = 0; i < e->ndoms; i++)
        if (e->doms[i].domid == domid)
            return e->doms[i].name[0] ? e->doms[i].name : "(null)";
    return "(null)";
}

static const char *pool_name(const struct sched_env *e, uint32_t id);

/* the pool a domain is in, by name */
static const char *dom_pool(const struct sched_env *e, uint32_t domid)
{
    for (size_t i = 0; i < e->ndoms; i++)
        if (e->doms[i].domid == domid)
            return pool_name(e, e->doms[i].cpupool);
    return NULL;
}

/* -p POOL / -c POOL: its id, or -1 after "unknown cpupool 'X'" */
static int pool_id(const struct sched_env *e, const char *q, uint32_t *id)
{
    char *end;
    unsigned long n = strtoul(q, &end, 10);
    for (size_t i = 0; i < e->npools; i++)
        if (!strcmp(e->pools[i].name, q) || (*q && !*end && e->pools[i].id == n)) {
            *id = e->pools[i].id;
            return 0;
        }
    fprintf(stderr, "unknown cpupool '%s'\n", q);
    return -1;
}

static const char *pool_name(const struct sched_env *e, uint32_t id)
{
    for (size_t i = 0; i < e->npools; i++)
        if (e->pools[i].id == id)
            return e->pools[i].name;
    return "(null)";
}

/* Xen's xl reads numbers with strtol and no check; we refuse what is not one */
static int num(const char *opt, const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno) {
        xl_err("-%s %s: expected a number", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* ---- per-scheduler output ---- */
typedef int dom_out_fn(struct sched_env *e, uint32_t domid);   /* domid UINT32_MAX: header */
typedef void pool_out_fn(struct sched_env *e, uint32_t poolid);

static int credit_dom_out(struct sched_env *e, uint32_t domid, bool credit2)
{
    unsigned w, c;
    if (domid == UINT32_MAX) {
        if (!e->json)
            printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
        return 0;
    }
    if ((credit2 ? xkc_sched_credit2_get(e->xc, domid, &w, &c)
                 : xkc_sched_credit_get(e->xc, domid, &w, &c)) < 0) {
        xl_err("%s", xkc_error(e->xc));
        return -1;
    }
    if (e->json) {
        jobj(e, dom_pool(e, domid), credit2 ? "credit2" : "credit");
        xlj_str(&e->j, "name", dom_name(e, domid));
        xlj_uint(&e->j, "domid", domid);
        xlj_uint(&e->j, "weight", w);
        xlj_uint(&e->j, "cap", c);
        xlj_obj_end(&e->j);
        return 0;
    }
    printf("%-33s %4u %6u %4u\n", dom_name(e, domid), domid, w, c);
    return 0;
}

static int credit1_dom(struct sched_env *e, uint32_t d) { return credit_dom_out(e, d, false); }
static int credit2_dom(struct sched_env *e, uint32_t d) { return credit_dom_out(e, d, true); }

static void credit1_pool(struct sched_env *e, uint32_t poolid)
{
    struct xkc_credit_params p;
    int got = xkc_sched_credit_params_get(e->xc, poolid, &p);
    if (e->json) {
        if (!e->pool_params)
            return;   /* a domain listing: the pools are in each object */
        jobj(e, pool_name(e, poolid), "credit");
        if (got < 0) {
            xlj_null(&e->j, "tslice_ms");
            xlj_null(&e->j, "ratelimit_us");
            xlj_null(&e->j, "migration_delay_us");
        } else {
            xlj_uint(&e->j, "tslice_ms", p.tslice_ms);
            xlj_uint(&e->j, "ratelimit_us", p.ratelimit_us);
            xlj_uint(&e->j, "migration_delay_us", p.migration_delay_us);
        }
        xlj_obj_end(&e->j);
        return;
    }
    if (got < 0)
        printf("Cpupool %s: [sched params unavailable]\n", pool_name(e, poolid));
    else
        printf("Cpupool %s: tslice=%ums ratelimit=%uus migration-delay=%uus\n", pool_name(e, poolid),
               p.tslice_ms, p.ratelimit_us, p.migration_delay_us);
}

static void credit2_pool(struct sched_env *e, uint32_t poolid)
{
    uint32_t r;
    int got = xkc_sched_credit2_params_get(e->xc, poolid, &r);
    if (e->json) {
        if (!e->pool_params)
            return;
        jobj(e, pool_name(e, poolid), "credit2");
        if (got < 0)
            xlj_null(&e->j, "ratelimit_us");
        else
            xlj_uint(&e->j, "ratelimit_us", r);
        xlj_obj_end(&e->j);
        return;
    }
    if (got < 0)
        printf("Cpupool %s: [sched params unavailable]\n", pool_name(e, poolid));
    else
        printf("Cpupool %s: ratelimit=%uus\n", pool_name(e, poolid), r);
}

static int rtds_dom(struct sched_env *e, uint32_t domid)
{
    if (domid == UINT32_MAX) {
        if (!e->json)
            printf("%-33s %4s %9s %9s %10s\n", "Name", "ID", "Period", "Budget", "Extratime");
        return 0;
    }
    struct xkc_rtds_vcpu v = { .vcpu = 0 };
    uint32_t period, budget;
    /* the domain's default; its extratime is vcpu 0's (Xen keeps it per vcpu) */
    if (xkc_sched_rtds_get(e->xc, domid, &period, &budget) < 0 ||
        xkc_sched_rtds_vcpu_get(e->xc, domid, &v, 1) < 0) {
        xl_err("%s", xkc_error(e->xc));
        return -1;
    }
    if (e->json) {
        jobj(e, dom_pool(e, domid), "rtds");
        xlj_str(&e->j, "name", dom_name(e, domid));
        xlj_uint(&e->j, "domid", domid);
        xlj_uint(&e->j, "period_us", period);
        xlj_uint(&e->j, "budget_us", budget);
        xlj_bool(&e->j, "extratime", v.extratime);
        xlj_obj_end(&e->j);
        return 0;
    }
    printf("%-33s %4u %9u %9u %10s\n", dom_name(e, domid), domid, period, budget,
           v.extratime ? "yes" : "no");
    return 0;
}

static void rtds_pool(struct sched_env *e, uint32_t poolid)
{
    if (!e->json)
        printf("Cpupool %s: sched=RTDS\n", pool_name(e, poolid));
}

/* Every pool running sched (or just `only`): its line, then its domains. */
static int list_pools(struct sched_env *e, unsigned sched, const uint32_t *only, pool_out_fn *pool,
                      dom_out_fn *dom)
{
    for (size_t p = 0; p < e->npools; p++) {
        if (e->pools[p].sched_id != sched || (only && *only != e->pools[p].id))
            continue;
        pool(e, e->pools[p].id);
        dom(e, UINT32_MAX);
        for (size_t i = 0; i < e->ndoms; i++)
            if (e->doms[i].cpupool == e->pools[p].id && !e->doms[i].dying && dom(e, e->doms[i].domid) < 0)
                return XL_FAIL;
    }
    return XL_OK;
}

static int find_dom(struct sched_env *e, const char *q, uint32_t *domid)
{
    return xl_domid(e->ctx, q, domid);
}

/* sched-credit and sched-credit2 share their options and rules */
static int credit_cmd(int argc, char **argv, bool credit2)
{
    const char *dom = NULL, *cpupool = NULL;
    long weight = 0, cap = 0, tslice = 0, rlimit = 0, mdelay = 0;
    bool w = false, c = false, s = false, t = false, r = false, m = false;
    int opt;
    static const struct option lo[] = {
        { "domain", required_argument, NULL, 'd' },
        { "weight", required_argument, NULL, 'w' },
        { "cap", required_argument, NULL, 'c' },
        { "schedparam", no_argument, NULL, 's' },
        { "tslice_ms", required_argument, NULL, 't' },
        { "ratelimit_us", required_argument, NULL, 'r' },
        { "migration_delay_us", required_argument, NULL, 'm' },
        { "cpupool", required_argument, NULL, 'p' },
        { "json", no_argument, NULL, 'J' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool json = false;
    XL_FOREACH_OPT(opt, credit2 ? "d:w:c:p:r:s" : "d:w:c:p:t:r:m:s", lo, 0) {
    case 'J': json = true; break;
    case 'd': dom = optarg; break;
    case 'w': if (num("w", optarg, &weight) < 0) return XL_USAGE; w = true; break;
    case 'c': if (num("c", optarg, &cap) < 0) return XL_USAGE; c = true; break;
    case 't': if (num("t", optarg, &tslice) < 0) return XL_USAGE; t = true; break;
    case 'r': if (num("r", optarg, &rlimit) < 0) return XL_USAGE; r = true; break;
    case 'm': if (num("m", optarg, &mdelay) < 0) return XL_USAGE; m = true; break;
    case 's': s = true; break;
    case 'p': cpupool = optarg; break;
    }
    xl_extra_args(argc, argv, 0);
    if (credit2 && cpupool && (dom || w || c)) {
        fprintf(stderr, "Specifying a cpupool is not allowed with other options.\n");
        return XL_FAIL;
    }
    if (!credit2 && (cpupool || s) && (dom || w || c)) {
        fprintf(stderr, "Specifying a cpupool or schedparam is not allowed with domain options.\n");
        return XL_FAIL;
    }
    if (!dom && (w || c)) {
        fprintf(stderr, "Must specify a domain.\n");
        return XL_FAIL;
    }
    if (!credit2 && !s && (t || r || m)) {
        fprintf(stderr, "Must specify schedparam to set schedule parameter values.\n");
        return XL_FAIL;
    }
    struct sched_env e;
    int rc = XL_FAIL;
    /* --json lists; a command that sets something prints nothing anyway */
    if (env_open(&e, json) < 0)
        goto out;
    e.pool_params = s;
    if (json && (s ? !(t || r || m) : !(w || c)) && !e.begun) {
        xlj_begin(&e.j);
        e.begun = true;
    }
    unsigned sched = credit2 ? XEN_SCHEDULER_CREDIT2 : XEN_SCHEDULER_CREDIT;
    if (s) {
        uint32_t pid = 0;
        if (cpupool && pool_id(&e, cpupool, &pid) < 0)
            goto out;
        if (credit2) {
            if (!r) {
                credit2_pool(&e, pid);
            } else if (xkc_sched_credit2_params_set(e.xc, pid, (uint32_t)rlimit) < 0) {
                xl_err("%s", xkc_error(e.xc));
                goto out;
            }
        } else if (!t && !r && !m) {
            credit1_pool(&e, pid);
        } else {
            struct xkc_credit_params p;
            if (xkc_sched_credit_params_get(e.xc, pid, &p) < 0) {
                xl_err("%s", xkc_error(e.xc));
                goto out;
            }
            if (t)
                p.tslice_ms = (uint32_t)tslice;
            if (r)
                p.ratelimit_us = (uint32_t)rlimit;
            if (m)
                p.migration_delay_us = (uint32_t)mdelay;
            if (xkc_sched_credit_params_set(e.xc, pid, &p) < 0) {
                xl_err("%s", xkc_error(e.xc));
                goto out;
            }
        }
        rc = XL_OK;
    } else if (!dom) {
        uint32_t pid;
        if (cpupool && pool_id(&e, cpupool, &pid) < 0)
            goto out;
        rc = list_pools(&e, sched, cpupool ? &pid : NULL, credit2 ? credit2_pool : credit1_pool,
                        credit2 ? credit2_dom : credit1_dom);
    } else {
        uint32_t domid;
        if (find_dom(&e, dom, &domid) < 0)
            goto out;
        if (!w && !c) {
            credit_dom_out(&e, UINT32_MAX, credit2);
            rc = credit_dom_out(&e, domid, credit2) < 0 ? XL_FAIL : XL_OK;
            goto out;
        }
        unsigned cw, cc;
        int x = credit2 ? xkc_sched_credit2_get(e.xc, domid, &cw, &cc)
                        : xkc_sched_credit_get(e.xc, domid, &cw, &cc);
        if (x == 0) {
            if (w)
                cw = (unsigned)weight;
            if (c)
                cc = (unsigned)cap;
            x = (weight < 0 || cap < 0) ? (errno = EINVAL, -1)
                : credit2 ? xkc_sched_credit2_set(e.xc, domid, cw, cc)
                          : xkc_sched_credit_set(e.xc, domid, cw, cc);
        }
        if (x < 0) {
            xl_err("%s", weight < 0 || cap < 0 ? "weight and cap are not negative" : xkc_error(e.xc));
            goto out;
        }
        rc = XL_OK;
    }
out:
    env_close(&e);
    return rc;
}

int cmd_sched_credit(int argc, char **argv)
{
    return credit_cmd(argc, argv, false);
}

int cmd_sched_credit2(int argc, char **argv)
{
    return credit_cmd(argc, argv, true);
}

/* every vcpu of a domain (its max_vcpu_id + 1) */
static int rtds_vcpus_of(struct sched_env *e, uint32_t domid, struct xkc_rtds_vcpu **out, unsigned *n)
{
    for (size_t i = 0; i < e->ndoms; i++)
        if (e->doms[i].domid == domid) {
            *n = e->doms[i].max_vcpu_id + 1;
            *out = calloc(*n, sizeof **out);
            if (!*out) {
                xl_err("sched-rtds: out of memory");
                return -1;
            }
            for (unsigned k = 0; k < *n; k++)
                (*out)[k].vcpu = k;
            return 0;
        }
    xl_err("sched-rtds: domain %u is gone", domid);
    return -1;
}

static int rtds_vcpu_rows(struct sched_env *e, uint32_t domid, struct xkc_rtds_vcpu *v, unsigned n)
{
    if (xkc_sched_rtds_vcpu_get(e->xc, domid, v, n) < 0) {
        xl_err("%s", xkc_error(e->xc));
        return -1;
    }
    for (unsigned i = 0; i < n; i++) {
        if (e->json) {
            jobj(e, dom_pool(e, domid), "rtds");
            xlj_str(&e->j, "name", dom_name(e, domid));
            xlj_uint(&e->j, "domid", domid);
            xlj_uint(&e->j, "vcpu", v[i].vcpu);
            xlj_uint(&e->j, "period_us", v[i].period_us);
            xlj_uint(&e->j, "budget_us", v[i].budget_us);
            xlj_bool(&e->j, "extratime", v[i].extratime);
            xlj_obj_end(&e->j);
            continue;
        }
        printf("%-33s %4u %4u %9u %9u %10s\n", dom_name(e, domid), domid, v[i].vcpu, v[i].period_us,
               v[i].budget_us, v[i].extratime ? "yes" : "no");
    }
    return 0;
}

static int rtds_all_vcpus(struct sched_env *e, uint32_t domid)
{
    if (domid == UINT32_MAX) {
        if (!e->json)
            printf("%-33s %4s %4s %9s %9s %10s\n", "Name", "ID", "VCPU", "Period", "Budget", "Extratime");
        return 0;
    }
    struct xkc_rtds_vcpu *v;
    unsigned n;
    if (rtds_vcpus_of(e, domid, &v, &n) < 0)
        return -1;
    int r = rtds_vcpu_rows(e, domid, v, n);
    free(v);
    return r;
}

int cmd_sched_rtds(int argc, char **argv)
{
    enum { MAXV = 4096 };
    static long vcpus[MAXV], periods[MAXV], budgets[MAXV], extras[MAXV];
    unsigned nv = 0, np = 0, nb = 0, ne = 0;
    bool all = false;
    const char *dom = NULL, *cpupool = NULL;
    int opt;
    static const struct option lo[] = {
        { "domain", required_argument, NULL, 'd' },
        { "period", required_argument, NULL, 'p' },
        { "budget", required_argument, NULL, 'b' },
        { "extratime", required_argument, NULL, 'e' },
        { "vcpuid", required_argument, NULL, 'v' },
        { "cpupool", required_argument, NULL, 'c' },
        { "json", no_argument, NULL, 'J' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool json = false;
    XL_FOREACH_OPT(opt, "d:p:b:e:v:c:", lo, 0) {
    case 'J': json = true; break;
    case 'd': dom = optarg; break;
    case 'p':
        if (np == MAXV || num("p", optarg, &periods[np++]) < 0)
            return XL_USAGE;
        break;
    case 'b':
        if (nb == MAXV || num("b", optarg, &budgets[nb++]) < 0)
            return XL_USAGE;
        break;
    case 'e':
        if (strcmp(optarg, "0") && strcmp(optarg, "1")) {
            fprintf(stderr, "Invalid extratime.\n");
            return XL_FAIL;
        }
        if (ne == MAXV)
            return XL_USAGE;
        extras[ne++] = optarg[0] == '1';
        break;
    case 'v':
        if (!strcmp(optarg, "all"))
            all = true;
        else if (nv == MAXV || num("v", optarg, &vcpus[nv++]) < 0)
            return XL_USAGE;
        break;
    case 'c': cpupool = optarg; break;
    }
    xl_extra_args(argc, argv, 0);
    /* Xen's xl's rules, in its order */
    if (cpupool && (dom || np || nb || ne || nv || all)) {
        fprintf(stderr, "Specifying a cpupool is not allowed with other options.\n");
        return XL_FAIL;
    }
    if (!dom && (np || nb || ne || nv)) {
        fprintf(stderr, "Missing parameters.\n");
        return XL_FAIL;
    }
    if (dom && !nv && !all && (np || nb || ne)) {
        fprintf(stderr, "Must specify VCPU.\n");
        return XL_FAIL;
    }
    if (nv && all) {
        fprintf(stderr, "Incorrect VCPU IDs.\n");
        return XL_FAIL;
    }
    if ((nv > nb && nb) || (nv > np && np) || (nv > ne && ne) || np != nb || np != ne) {
        fprintf(stderr, "Incorrect number of period, budget and extratime\n");
        return XL_FAIL;
    }
    struct sched_env e;
    int rc = XL_FAIL;
    if (env_open(&e, json) < 0)
        goto out;
    if (json && !np) {
        xlj_begin(&e.j);
        e.begun = true;
    }
    uint32_t pid, domid;
    if (!dom) {
        if (cpupool && pool_id(&e, cpupool, &pid) < 0)
            goto out;
        rc = list_pools(&e, XEN_SCHEDULER_RTDS, cpupool ? &pid : NULL, rtds_pool,
                        all ? rtds_all_vcpus : rtds_dom);
        goto out;
    }
    if (find_dom(&e, dom, &domid) < 0)
        goto out;
    if (!nv && !all) {
        rtds_dom(&e, UINT32_MAX);
        rc = rtds_dom(&e, domid) < 0 ? XL_FAIL : XL_OK;
        goto out;
    }
    struct xkc_rtds_vcpu *v = NULL;
    unsigned n = 0;
    if (!np) {
        /* read: the vcpus named, or all of them */
        rtds_all_vcpus(&e, UINT32_MAX);
        if (all) {
            rc = rtds_all_vcpus(&e, domid) < 0 ? XL_FAIL : XL_OK;
            goto out;
        }
        v = calloc(nv, sizeof *v);
        for (unsigned i = 0; v && i < nv; i++)
            v[i].vcpu = (uint32_t)vcpus[i];
        rc = v && rtds_vcpu_rows(&e, domid, v, nv) == 0 ? XL_OK : XL_FAIL;
        free(v);
        goto out;
    }
    /* write: each -v its own -p/-b/-e, or -v all the first ones */
    if (all) {
        if (rtds_vcpus_of(&e, domid, &v, &n) < 0)
            goto out;
        for (unsigned i = 0; i < n; i++) {
            v[i].period_us = (uint32_t)periods[0];
            v[i].budget_us = (uint32_t)budgets[0];
            v[i].extratime = extras[0];
        }
    } else {
        n = nv;
        v = calloc(n, sizeof *v);
        for (unsigned i = 0; v && i < n; i++) {
            v[i].vcpu = (uint32_t)vcpus[i];
            v[i].period_us = (uint32_t)periods[i];
            v[i].budget_us = (uint32_t)budgets[i];
            v[i].extratime = extras[i];
        }
    }
    if (!v)
        xl_err("sched-rtds: out of memory");
    else if (xkc_sched_rtds_vcpu_set(e.xc, domid, v, n) < 0)
        xl_err("%s", xkc_error(e.xc));
    else
        rc = XL_OK;
    free(v);
out:
    env_close(&e);
    return rc;
}
