/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl commands acting on one running domain: pause, unpause, destroy,
 * rename, shutdown, reboot, mem-set, mem-max, vcpu-pin, vcpu-set, trigger,
 * button-press, sysrq, dump-core. */
#include "life.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <xen/sched.h>
#include <xkit/ctrl.h>

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
XL_CMD(trigger);
XL_CMD(button_press);
XL_CMD(sysrq);
XL_CMD(dump_core);

/* Skip the options (only -h is known) and check the argument count. */
static int plain_args(int argc, char **argv, int nargs)
{
    struct xl_optstate st = { XL_OK };
    if (xl_getopt(&st, argc, argv, "", NULL, nargs) == XL_OPT_EXIT)
        return st.rc == XL_OK ? -2 : -1;
    xl_extra_args(argc, argv, nargs);
    return optind;
}

typedef int dom_op(xkl_ctx *ctx, uint32_t domid);

static int call_op(xkl_ctx *ctx, uint32_t domid, void *op)
{
    return (*(dom_op **)op)(ctx, domid);
}

static int one_domain(int argc, char **argv, dom_op *op)
{
    int i = plain_args(argc, argv, 1);
    if (i < 0)
        return i == -2 ? XL_OK : XL_USAGE;
    return xl_with_domain(argv[i], call_op, &op);
}

int cmd_pause(int argc, char **argv)
{
    return one_domain(argc, argv, xkl_domain_pause);
}

int cmd_unpause(int argc, char **argv)
{
    return one_domain(argc, argv, xkl_domain_unpause);
}

int cmd_destroy(int argc, char **argv)
{
    /* -f is accepted like xl's (it only affects dom0 there; we refuse dom0) */
    int opt;
    XL_FOREACH_OPT(opt, "f", NULL, 1) {
    case 'f': break;
    }
    xl_extra_args(argc, argv, 1);
    dom_op *op = xkl_domain_destroy;
    return xl_with_domain(argv[optind], call_op, &op);
}

static int do_rename(xkl_ctx *ctx, uint32_t domid, void *name)
{
    return xkl_domain_rename(ctx, domid, name);
}

int cmd_rename(int argc, char **argv)
{
    int i = plain_args(argc, argv, 2);
    if (i < 0)
        return i == -2 ? XL_OK : XL_USAGE;
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
    static const struct option lo[] = {
        { "all", no_argument, NULL, 'a' },
        { "wait", no_argument, NULL, 'w' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    XL_FOREACH_OPT(opt, "awF", lo, 0) {
    case 'a': all = 1; break;
    case 'w': wait = 1; break;
    case 'F': flags |= XKL_SHUTDOWN_FORCE; break;
    }
    if (!all && argc == optind) {
        fprintf(stderr, "'xl %s' requires at least 1 argument.\n\n", name);
        return xl_usage(name);
    }
    xl_extra_args(argc, argv, all ? 0 : 1);
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
    int i = plain_args(argc, argv, 2);
    if (i < 0)
        return i == -2 ? XL_OK : XL_USAGE;
    uint64_t kb;
    if (xl_parse_mem_kb(argv[i + 1], &kb) < 0) {
        /* Xen's xl's words; the unit is b, k, m (the default), g or t */
        fprintf(stderr, "invalid memory size: %s\n", argv[i + 1]);
        return XL_FAIL;
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
    int opt;
    bool check_host = true;
    static const struct option lo[] = {
        { "ignore-host", no_argument, NULL, 'i' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    XL_FOREACH_OPT(opt, "i", lo, 2) {
    case 'i': check_host = false; break;
    }
    xl_extra_args(argc, argv, 2);
    int i = optind;
    unsigned long count;
    if (xl_parse_uint(argv[i + 1], 1, 4096, &count) < 0) {
        fprintf(stderr, "Error: Invalid argument.\n");
        return XL_FAIL;
    }
    unsigned n = (unsigned)count;
    if (check_host) {
        /* as Xen's xl: more vcpus than the host has CPUs only with -i */
        char err[256];
        struct xkc_physinfo pi;
        xkc_handle *xc = xkc_open(err, sizeof err);
        int r = xc ? xkc_physinfo(xc, &pi) : -1;
        if (r < 0)
            xl_err("%s", xc ? xkc_error(xc) : err);
        xkc_close(xc);
        if (r < 0)
            return XL_FAIL;
        xkl_ctx *ctx = xl_ctx_open();
        uint32_t domid;
        struct xkl_dominfo di;
        if (!ctx || xl_domid(ctx, argv[i], &domid) < 0 || xkl_domain_info(ctx, domid, &di) < 0) {
            if (ctx)
                xl_ctx_fail(ctx);
            xkl_ctx_close(ctx);
            return XL_FAIL;
        }
        xkl_ctx_close(ctx);
        unsigned host = pi.max_cpu_id + 1;
        if (n > di.vcpus_online && n > host) {
            fprintf(stderr, "You are overcommmitting! You have %u physical CPUs and want %u vCPUs! "
                    "Aborting, use --ignore-host to continue\n", host, n);
            return XL_FAIL;
        }
    }
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
    static const struct option lo[] = {
        { "force", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    XL_FOREACH_OPT(opt, "f", lo, 3) {
    case 'f': break;
    }
    xl_extra_args(argc, argv, 4);
    int nargs = argc - optind > 4 ? 4 : argc - optind;
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

/* Whether the domain named exists (a trigger's exit status: Xen's xl
 * fails only when the domain does not). */
static bool domain_exists(const char *dom)
{
    xkl_ctx *ctx = xl_ctx_open();
    uint32_t id;
    bool yes = ctx && xkl_domain_lookup(ctx, dom, &id) == 0;
    xkl_ctx_close(ctx);
    return yes;
}

struct trigger_arg {
    enum xkl_trigger t;
    unsigned vcpu;
};

static int do_trigger(xkl_ctx *ctx, uint32_t domid, void *arg)
{
    const struct trigger_arg *a = arg;
    return xkl_domain_trigger(ctx, domid, a->t, a->vcpu);
}

int cmd_trigger(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 2) {
    }
    xl_extra_args(argc, argv, 3);
    int t = xkl_trigger_from_name(argv[optind + 1]);
    if (t < 0) {
        fprintf(stderr, "Invalid trigger \"%s\"\n", argv[optind + 1]);
        return XL_FAIL;
    }
    unsigned long vcpu = 0;
    if (optind + 2 < argc && xl_parse_uint(argv[optind + 2], 0, 4095, &vcpu) < 0) {
        xl_err("trigger: invalid vcpu '%s'", argv[optind + 2]);
        return XL_USAGE;
    }
    struct trigger_arg a = { (enum xkl_trigger)t, (unsigned)vcpu };
    /* Xen's xl reports a refused trigger and exits 0 all the same */
    return xl_with_domain(argv[optind], do_trigger, &a) == XL_OK || domain_exists(argv[optind]) ? XL_OK
                                                                                               : XL_FAIL;
}

/* Xen's xl keeps button-press as an old spelling of trigger power/sleep */
int cmd_button_press(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 2) {
    }
    xl_extra_args(argc, argv, 2);
    fprintf(stderr, "WARNING: \"button-press\" is deprecated. Please use \"trigger\"\n");
    const char *b = argv[optind + 1];
    struct trigger_arg a = { XKL_TRIGGER_POWER, 0 };
    if (!strcmp(b, "sleep"))
        a.t = XKL_TRIGGER_SLEEP;
    else if (strcmp(b, "power")) {
        fprintf(stderr, "%s is an invalid button identifier\n", b);
        return XL_FAIL;
    }
    return xl_with_domain(argv[optind], do_trigger, &a) == XL_OK || domain_exists(argv[optind]) ? XL_OK
                                                                                               : XL_FAIL;
}

static int do_sysrq(xkl_ctx *ctx, uint32_t domid, void *key)
{
    return xkl_domain_sysrq(ctx, domid, *(const char *)key);
}

int cmd_sysrq(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 2) {
    }
    xl_extra_args(argc, argv, 2);
    const char *k = argv[optind + 1];
    if (!k[0] || k[1]) {
        fprintf(stderr, "Invalid sysrq.\n\n");
        xl_usage("sysrq");
        return XL_FAIL;
    }
    return xl_with_domain(argv[optind], do_sysrq, (void *)k);
}

static int do_dump_core(xkl_ctx *ctx, uint32_t domid, void *path)
{
    return xkl_domain_core_dump(ctx, domid, path);
}

int cmd_dump_core(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 2) {
    }
    xl_extra_args(argc, argv, 2);
    return xl_with_domain(argv[optind], do_dump_core, argv[optind + 1]);
}
