/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl commands acting on one running domain: pause, unpause, destroy,
 * rename, shutdown, reboot, mem-set, mem-max, vcpu-pin, vcpu-set,
 * sched-credit2. */
#include "life.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <xen/sched.h>

XL_CMD(pause);
XL_CMD(unpause);
XL_CMD(destroy);
XL_CMD(rename);
XL_CMD(shutdown);
XL_CMD(reboot);
XL_CMD(mem_set);
XL_CMD(mem_max);
XL_CMD(vcpu_pin);
XL_CMD(vcpu_set);
XL_CMD(sched_credit2);

/* Skip the options (only -h is known) and check the argument count. */
static int plain_args(int argc, char **argv, const char *name, int nargs)
{
    int opt;
    while ((opt = getopt(argc, argv, "+h")) != -1) {
        xl_usage(name);
        return -1;
    }
    if (argc - optind != nargs) {
        xl_usage(name);
        return -1;
    }
    return optind;
}

typedef int dom_op(xkl_ctx *ctx, uint32_t domid);

static int call_op(xkl_ctx *ctx, uint32_t domid, void *op)
{
    return (*(dom_op **)op)(ctx, domid);
}

static int one_domain(int argc, char **argv, const char *name, dom_op *op)
{
    int i = plain_args(argc, argv, name, 1);
    if (i < 0)
        return XL_USAGE;
    return xl_with_domain(argv[i], call_op, &op);
}

int cmd_pause(int argc, char **argv)
{
    return one_domain(argc, argv, "pause", xkl_domain_pause);
}

int cmd_unpause(int argc, char **argv)
{
    return one_domain(argc, argv, "unpause", xkl_domain_unpause);
}

int cmd_destroy(int argc, char **argv)
{
    /* -f is accepted like xl's (it only affects dom0 there; we refuse dom0) */
    int opt;
    while ((opt = getopt(argc, argv, "+fh")) != -1)
        if (opt != 'f')
            return xl_usage("destroy");
    if (argc - optind != 1)
        return xl_usage("destroy");
    dom_op *op = xkl_domain_destroy;
    return xl_with_domain(argv[optind], call_op, &op);
}

static int do_rename(xkl_ctx *ctx, uint32_t domid, void *name)
{
    return xkl_domain_rename(ctx, domid, name);
}

int cmd_rename(int argc, char **argv)
{
    int i = plain_args(argc, argv, "rename", 2);
    if (i < 0)
        return XL_USAGE;
    return xl_with_domain(argv[i], do_rename, argv[i + 1]);
}

/* Wait until every domain in ids is shut down or gone. */
static int wait_down(xkl_ctx *ctx, uint32_t *ids, size_t n)
{
    size_t left = n;
    if (xkl_event_fd(ctx) < 0)
        return xl_ctx_fail(ctx);
    fprintf(stderr, "Waiting for %zu domains\n", n);
    while (left) {
        for (size_t i = 0; i < n; i++) {
            if (ids[i] == UINT32_MAX)
                continue;
            struct xkl_dominfo di;
            int r = xkl_domain_info(ctx, ids[i], &di);
            if (r < 0 && errno != ESRCH)
                return xl_ctx_fail(ctx);
            if (r < 0 || di.dying) {
                fprintf(stderr, "Domain %u has been destroyed.\n", ids[i]);
            } else if (di.shutdown) {
                fprintf(stderr, "Domain %u has been shut down, reason code %u\n", ids[i],
                        di.shutdown_reason);
            } else {
                continue;
            }
            ids[i] = UINT32_MAX;
            left--;
        }
        struct xkl_event ev;
        if (left && xkl_event_next(ctx, &ev, 1000) < 0)
            return xl_ctx_fail(ctx);
    }
    fprintf(stderr, "All domains have been shut down\n");
    return XL_OK;
}

static int shutdown_cmd(int argc, char **argv, const char *name, enum xkl_shutdown_kind kind)
{
    int opt, all = 0, wait = 0;
    unsigned flags = 0;
    while ((opt = getopt(argc, argv, "+awFh")) != -1) {
        switch (opt) {
        case 'a': all = 1; break;
        case 'w': wait = 1; break;
        case 'F': flags |= XKL_SHUTDOWN_FORCE; break;
        default: return xl_usage(name);
        }
    }
    if (all ? argc != optind : argc - optind != 1)
        return xl_usage(name);
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    uint32_t *ids = NULL;
    size_t n = 0;
    int rc = XL_OK;
    if (all) {
        struct xkl_dominfo *v;
        size_t nv;
        if (xkl_domain_list(ctx, &v, &nv) < 0) {
            rc = xl_ctx_fail(ctx);
            goto out;
        }
        ids = calloc(nv ? nv : 1, sizeof(*ids));
        for (size_t i = 0; ids && i < nv; i++)
            if (v[i].domid != 0 && !v[i].dying && !v[i].shutdown)
                ids[n++] = v[i].domid;
        free(v);
    } else {
        ids = calloc(1, sizeof(*ids));
        if (ids && xl_domid(ctx, argv[optind], &ids[0]) < 0) {
            rc = XL_FAIL;
            goto out;
        }
        n = ids ? 1 : 0;
    }
    if (!ids) {
        xl_err("%s: out of memory", name);
        rc = XL_FAIL;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "%s domain %u\n", kind == XKL_SHUTDOWN_REBOOT ? "Rebooting" : "Shutting down",
                ids[i]);
        if (xkl_domain_shutdown(ctx, ids[i], kind, flags) < 0) {
            rc = xl_ctx_fail(ctx);
            ids[i] = UINT32_MAX;
        }
    }
    if (wait && rc == XL_OK)
        rc = wait_down(ctx, ids, n);
out:
    free(ids);
    xkl_ctx_close(ctx);
    return rc;
}

int cmd_shutdown(int argc, char **argv)
{
    return shutdown_cmd(argc, argv, "shutdown", XKL_SHUTDOWN_POWEROFF);
}

int cmd_reboot(int argc, char **argv)
{
    return shutdown_cmd(argc, argv, "reboot", XKL_SHUTDOWN_REBOOT);
}

struct mem_arg {
    uint64_t kb;
    bool max;
};

static int do_mem(xkl_ctx *ctx, uint32_t domid, void *arg)
{
    const struct mem_arg *m = arg;
    return m->max ? xkl_domain_set_max_kb(ctx, domid, m->kb)
                  : xkl_domain_set_target_kb(ctx, domid, m->kb);
}

static int mem_cmd(int argc, char **argv, const char *name, bool max)
{
    int i = plain_args(argc, argv, name, 2);
    if (i < 0)
        return XL_USAGE;
    uint64_t kb;
    if (xl_parse_mem_kb(argv[i + 1], &kb) < 0) {
        xl_err("%s: invalid memory size '%s' (a number with an optional unit b, k, m, g, t; default m)",
               name, argv[i + 1]);
        return XL_USAGE;
    }
    struct mem_arg m = { kb, max };
    return xl_with_domain(argv[i], do_mem, &m);
}

int cmd_mem_set(int argc, char **argv)
{
    return mem_cmd(argc, argv, "mem-set", false);
}

int cmd_mem_max(int argc, char **argv)
{
    return mem_cmd(argc, argv, "mem-max", true);
}

static int do_vcpu_set(xkl_ctx *ctx, uint32_t domid, void *count)
{
    return xkl_vcpu_set_online(ctx, domid, *(unsigned *)count);
}

int cmd_vcpu_set(int argc, char **argv)
{
    int i = plain_args(argc, argv, "vcpu-set", 2);
    if (i < 0)
        return XL_USAGE;
    unsigned long count;
    if (xl_parse_uint(argv[i + 1], 1, 4096, &count) < 0) {
        xl_err("vcpu-set: invalid vcpu count '%s'", argv[i + 1]);
        return XL_USAGE;
    }
    unsigned n = (unsigned)count;
    return xl_with_domain(argv[i], do_vcpu_set, &n);
}

struct pin_arg {
    int vcpu;                 /* -1: every vcpu */
    const uint8_t *hard, *soft;
};

static int do_vcpu_pin(xkl_ctx *ctx, uint32_t domid, void *arg)
{
    const struct pin_arg *p = arg;
    return xkl_vcpu_pin(ctx, domid, p->vcpu, p->hard, p->soft);
}

int cmd_vcpu_pin(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "+fh")) != -1)
        if (opt != 'f')
            return xl_usage("vcpu-pin");
    int nargs = argc - optind;
    if (nargs < 3 || nargs > 4)
        return xl_usage("vcpu-pin");
    char **a = argv + optind;
    unsigned long vcpu = 0;
    bool all = !strcmp(a[1], "all");
    if (!all && xl_parse_uint(a[1], 0, 4095, &vcpu) < 0) {
        xl_err("vcpu-pin: invalid vcpu '%s'", a[1]);
        return XL_USAGE;
    }
    uint8_t hard[XKL_CPUMAP_BYTES], soft[XKL_CPUMAP_BYTES];
    bool set_hard = strcmp(a[2], "-") != 0, set_soft = nargs == 4 && strcmp(a[3], "-") != 0;
    if ((set_hard && xl_parse_cpulist(a[2], hard) < 0) ||
        (set_soft && xl_parse_cpulist(a[3], soft) < 0)) {
        xl_err("vcpu-pin: invalid cpu list '%s' (expected all, N, N-M or a comma list)",
               set_soft && xl_parse_cpulist(a[3], soft) < 0 ? a[3] : a[2]);
        return XL_USAGE;
    }
    struct pin_arg p = { all ? -1 : (int)vcpu, set_hard ? hard : NULL, set_soft ? soft : NULL };
    return xl_with_domain(a[0], do_vcpu_pin, &p);
}

int cmd_sched_credit2(int argc, char **argv)
{
    int opt;
    const char *dom = NULL;
    long weight = -1, cap = -1;
    unsigned long v;
    static const struct option lo[] = {
        { "domain", required_argument, NULL, 'd' },
        { "weight", required_argument, NULL, 'w' },
        { "cap", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    while ((opt = getopt_long(argc, argv, "d:w:c:h", lo, NULL)) != -1) {
        switch (opt) {
        case 'd': dom = optarg; break;
        case 'w':
            if (xl_parse_uint(optarg, 1, 65535, &v) < 0) {
                xl_err("sched-credit2: invalid weight '%s' (1..65535)", optarg);
                return XL_USAGE;
            }
            weight = (long)v;
            break;
        case 'c':
            if (xl_parse_uint(optarg, 0, 100 * 4096, &v) < 0) {
                xl_err("sched-credit2: invalid cap '%s'", optarg);
                return XL_USAGE;
            }
            cap = (long)v;
            break;
        default: return xl_usage("sched-credit2");
        }
    }
    if (optind != argc || (!dom && (weight >= 0 || cap >= 0)))
        return xl_usage("sched-credit2");
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    int rc = XL_OK;
    struct xkl_dominfo *list = NULL;
    size_t n = 0;
    if (dom) {
        uint32_t id;
        unsigned w, c;
        if (xl_domid(ctx, dom, &id) < 0) {
            rc = XL_FAIL;
        } else if (weight >= 0 || cap >= 0) {
            if (xkl_sched_credit2_get(ctx, id, &w, &c) < 0 ||
                xkl_sched_credit2_set(ctx, id, weight >= 0 ? (unsigned)weight : w,
                                      cap >= 0 ? (unsigned)cap : c) < 0)
                rc = xl_ctx_fail(ctx);
        } else if (xkl_sched_credit2_get(ctx, id, &w, &c) < 0) {
            rc = xl_ctx_fail(ctx);
        } else {
            struct xkl_dominfo di;
            if (xkl_domain_info(ctx, id, &di) < 0)
                rc = xl_ctx_fail(ctx);
            else
                printf("%-33s %4s %6s %4s\n%-33s %4u %6u %4u\n", "Name", "ID", "Weight", "Cap",
                       di.name, id, w, c);
        }
    } else if (xkl_domain_list(ctx, &list, &n) < 0) {
        rc = xl_ctx_fail(ctx);
    } else {
        printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
        for (size_t i = 0; i < n; i++) {
            unsigned w, c;
            if (list[i].dying)
                continue;
            if (xkl_sched_credit2_get(ctx, list[i].domid, &w, &c) < 0) {
                rc = xl_ctx_fail(ctx);
                continue;
            }
            printf("%-33s %4u %6u %4u\n", list[i].name, list[i].domid, w, c);
        }
    }
    free(list);
    xkl_ctx_close(ctx);
    return rc;
}
