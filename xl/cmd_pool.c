/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl cpupool-*: create (xlcpupool.cfg), list, destroy, rename, cpu-add,
 * cpu-remove, migrate, numa-split, with Xen's xl's words and columns. */
#include "life.h"
#include "json_out.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <xkit/ctrl.h>

XL_CMD(cpupool_create);
XL_CMD(cpupool_list);
XL_CMD(cpupool_destroy);
XL_CMD(cpupool_rename);
XL_CMD(cpupool_cpu_add);
XL_CMD(cpupool_cpu_remove);
XL_CMD(cpupool_migrate);
XL_CMD(cpupool_numa_split);

#define MAXC (XKL_CPUMAP_BYTES * 8)
#define HAS(map, c) ((map)[(c) / 8] >> ((c) % 8) & 1)
#define SET(map, c) ((map)[(c) / 8] |= (uint8_t)(1u << ((c) % 8)))

/* The pool named on the command line; "unknown cpupool 'X'" if none. */
static int find_pool(xkl_ctx *ctx, const char *q, struct xkl_cpupool *p)
{
    if (xkl_cpupool_lookup(ctx, q, p) == 0)
        return 0;
    if (errno == ENOENT)
        fprintf(stderr, "unknown cpupool '%s'\n", q);
    else
        xl_ctx_fail(ctx);
    return -1;
}

int cmd_cpupool_create(int argc, char **argv)
{
    const char *file = NULL;
    int opt, dry = xl_opts.dry_run;
    static const struct option lo[] = {
        { "defconfig", required_argument, NULL, 'f' },
        { "dryrun", no_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    XL_FOREACH_OPT(opt, "nf:", lo, 0) {
    case 'f': file = optarg; break;
    case 'n': dry = 1; break;
    }
    /* the first word without '=' is the file, the others settings */
    for (int i = optind; i < argc; i++)
        if (!strchr(argv[i], '=')) {
            if (file) {
                xl_err("cpupool-create: a second config file '%s'", argv[i]);
                return xl_usage("cpupool-create");
            }
            file = argv[i];
        }
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_cfg *cfg = file ? xkl_cfg_parse_file(file, &d) : xkl_cfg_parse("command line", "", 0, &d);
    for (int i = optind; cfg && i < argc; i++)
        if (strchr(argv[i], '=') && xkl_cfg_override(cfg, argv[i], &d) < 0) {
            xkl_cfg_free(cfg);
            cfg = NULL;
        }
    struct xkl_cpupool_config pc;
    int bad = !cfg || xkl_cpupool_config_from_cfg(cfg, &pc, &d) < 0;
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "%s\n", d.v[i].text);
    xkl_diags_dispose(&d);
    xkl_cfg_free(cfg);
    if (bad)
        return XL_FAIL;
    if (!pc.name[0]) {
        if (!file) {
            fprintf(stderr, "Missing cpupool name!\n");
            return XL_FAIL;
        }
        char *copy = strdup(file);
        snprintf(pc.name, sizeof pc.name, "%s", copy ? basename(copy) : file);
        free(copy);
    }
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    int rc = XL_FAIL;
    struct xkl_cpupool p;
    uint8_t freemap[XKL_CPUMAP_BYTES], cpus[XKL_CPUMAP_BYTES] = { 0 };
    unsigned ncpus = 0;
    if (xkl_cpupool_lookup(ctx, pc.name, &p) == 0) {
        fprintf(stderr, "Pool name \"%s\" already exists\n", pc.name);
        goto out;
    }
    if (pc.sched_id < 0) {
        /* the scheduler Xen booted with (its default pool's) */
        char err[256];
        xkc_handle *xc = xkc_open(err, sizeof err);
        unsigned id = 0;
        if (!xc || xkc_sched_id(xc, &id) < 0) {
            xl_err("%s", xc ? xkc_error(xc) : err);
            xkc_close(xc);
            goto out;
        }
        xkc_close(xc);
        pc.sched_id = (int)id;
    }
    if (xkl_cpupool_free_cpus(ctx, freemap) < 0) {
        xl_ctx_fail(ctx);
        goto out;
    }
    if (pc.has_nodes) {
        uint32_t node[MAXC];
        int n = xl_cpu_nodes(node);
        if (n < 0)
            goto out;
        for (int c = 0; c < n; c++)
            if (node[c] < XKL_CPUPOOL_NODES_BYTES * 8 && HAS(pc.nodes, node[c]) && HAS(freemap, c)) {
                SET(cpus, c);
                ncpus++;
            }
        if (!ncpus) {
            fprintf(stderr, "no free cpu found\n");
            goto out;
        }
    } else if (pc.has_cpus) {
        for (unsigned c = 0; c < MAXC; c++) {
            if (!HAS(pc.cpus, c))
                continue;
            if (!HAS(freemap, c)) {
                fprintf(stderr, "cpu %u illegal or not free\n", c);
                goto out;
            }
            SET(cpus, c);
            ncpus++;
        }
    }
    printf("Using config file \"%s\"\n", file ? file : "command line");
    printf("cpupool name:   %s\n", pc.name);
    printf("scheduler:      %s\n", xkc_sched_name((unsigned)pc.sched_id));
    printf("number of cpus: %u\n", ncpus);
    fflush(stdout);
    uint32_t id;
    if (!dry && xkl_cpupool_create(ctx, pc.name, (unsigned)pc.sched_id, cpus, &id) < 0) {
        fprintf(stderr, "error on creating cpupool\n");
        xl_ctx_fail(ctx);
        goto out;
    }
    rc = XL_OK;
out:
    xkl_ctx_close(ctx);
    return rc;
}

int cmd_cpupool_list(int argc, char **argv)
{
    int opt;
    bool cpus = false;
    static const struct option lo[] = {
        { "cpus", no_argument, NULL, 'c' },
        { "json", no_argument, NULL, 'J' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool json = false;
    XL_FOREACH_OPT(opt, "c", lo, 0) {
    case 'c': cpus = true; break;
    case 'J': json = true; break;
    }
    xl_extra_args(argc, argv, 1);
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    int rc = XL_FAIL;
    struct xkl_cpupool *v = NULL, one;
    size_t n = 0;
    const char *only = optind < argc ? argv[optind] : NULL;
    if (only && xkl_cpupool_lookup(ctx, only, &one) < 0) {
        if (errno == ENOENT)
            fprintf(stderr, "Pool '%s' does not exist\n", only);
        else
            xl_ctx_fail(ctx);
        goto out;
    }
    if (xkl_cpupool_list(ctx, &v, &n) < 0) {
        xl_ctx_fail(ctx);
        goto out;
    }
    struct xl_json j;
    if (json)
        xlj_begin(&j);
    else
        printf("%-19s%s\n", "Name", cpus ? "CPU list" : "CPUs   Sched     Active   Domain count");
    for (size_t i = 0; i < n; i++) {
        if (only && v[i].id != one.id)
            continue;
        if (json) {
            const char *sn = xkc_sched_name(v[i].sched_id);
            xlj_obj(&j, NULL);
            xlj_str(&j, "name", v[i].name);
            xlj_uint(&j, "id", v[i].id);
            xlj_str(&j, "scheduler", sn);
            xlj_uint(&j, "domains", v[i].n_dom);
            xlj_cpus(&j, "cpus", v[i].cpus, MAXC);
            xlj_obj_end(&j);
            continue;
        }
        printf("%-19s", v[i].name);
        unsigned k = 0;
        for (unsigned c = 0; c < MAXC; c++)
            if (HAS(v[i].cpus, c)) {
                if (cpus)
                    printf("%s%u", k ? "," : "", c);
                k++;
            }
        if (!cpus) {
            const char *s = xkc_sched_name(v[i].sched_id);
            printf("%3u %9s       y       %4u", k, s ? s : "unknown", v[i].n_dom);
        }
        printf("\n");
    }
    if (json)
        xlj_end(&j);
    rc = fflush(stdout) == 0 ? XL_OK : XL_FAIL;
out:
    free(v);
    xkl_ctx_close(ctx);
    return rc;
}

/* cpupool-destroy POOL / cpupool-rename POOL NEW: the pool found, then the
 * operation; Xen's xl's words when either fails */
static int pool_op(int argc, char **argv, int nargs, bool rename)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, nargs) {
    }
    xl_extra_args(argc, argv, nargs);
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    struct xkl_cpupool p;
    int rc = XL_FAIL;
    if (find_pool(ctx, argv[optind], &p) == 0) {
        if ((rename ? xkl_cpupool_rename(ctx, p.id, argv[optind + 1]) : xkl_cpupool_destroy(ctx, p.id)) == 0)
            rc = XL_OK;
        else {
            fprintf(stderr, "Can't %s cpupool '%s'\n", rename ? "rename" : "destroy", argv[optind]);
            xl_ctx_fail(ctx);
        }
    }
    xkl_ctx_close(ctx);
    return rc;
}

int cmd_cpupool_destroy(int argc, char **argv)
{
    return pool_op(argc, argv, 1, false);
}

int cmd_cpupool_rename(int argc, char **argv)
{
    return pool_op(argc, argv, 2, true);
}

/* cpupool-cpu-add / -remove POOL CPUS: every CPU of the list (N, N-M,
 * node:N, ^N...). As Xen's xl, a CPU that cannot be moved is reported and
 * the exit status stays 0 once the pool and the list were understood. */
static int cpu_cmd(int argc, char **argv, bool add)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 2) {
    }
    xl_extra_args(argc, argv, 2);
    uint8_t map[XKL_CPUMAP_BYTES];
    if (xl_parse_cpulist(argv[optind + 1], map) < 0) {
        fprintf(stderr, "Invalid argument: '%s' (expected a CPU, N-M, node:N, all, ^N)\n",
                argv[optind + 1]);
        return XL_FAIL;
    }
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    struct xkl_cpupool p;
    int rc = XL_FAIL;
    if (find_pool(ctx, argv[optind], &p) < 0)
        goto out;
    bool failed = false;
    for (unsigned c = 0; c < MAXC; c++) {
        if (!HAS(map, c))
            continue;
        if ((add ? xkl_cpupool_cpu_add(ctx, p.id, c) : xkl_cpupool_cpu_remove(ctx, p.id, c)) < 0) {
            xl_ctx_fail(ctx);
            failed = true;
        }
    }
    if (failed && add)
        fprintf(stderr, "some cpus may not have been added to %s\n", argv[optind]);
    else if (failed) {
        fprintf(stderr, "Some cpus may have not or only partially been removed from '%s'.\n",
                argv[optind]);
        fprintf(stderr, "If a cpu can't be added to another cpupool, add it to '%s' again and retry.\n",
                argv[optind]);
    }
    rc = XL_OK;
out:
    xkl_ctx_close(ctx);
    return rc;
}

int cmd_cpupool_cpu_add(int argc, char **argv)
{
    return cpu_cmd(argc, argv, true);
}

int cmd_cpupool_cpu_remove(int argc, char **argv)
{
    return cpu_cmd(argc, argv, false);
}

int cmd_cpupool_migrate(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 2) {
    }
    xl_extra_args(argc, argv, 2);
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    int rc = XL_FAIL;
    uint32_t domid;
    struct xkl_cpupool p;
    if (xkl_domain_lookup(ctx, argv[optind], &domid) < 0) {
        fprintf(stderr, "unknown domain '%s'\n", argv[optind]);
        goto out;
    }
    if (find_pool(ctx, argv[optind + 1], &p) < 0)
        goto out;
    if (xkl_cpupool_move_domain(ctx, p.id, domid) < 0)
        xl_ctx_fail(ctx);
    else
        rc = XL_OK;
out:
    xkl_ctx_close(ctx);
    return rc;
}

/* One pool per NUMA node: pool 0 keeps the first CPU's node and is renamed
 * Pool-nodeN, every other node's CPUs leave it for a new Pool-nodeM with
 * the same scheduler. Only from the single-pool state, as Xen's xl. */
int cmd_cpupool_numa_split(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 0) {
    }
    xl_extra_args(argc, argv, 0);
    uint32_t node[MAXC];
    int ncpu = xl_cpu_nodes(node);
    if (ncpu <= 0)
        return XL_FAIL;
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    int rc = XL_FAIL;
    struct xkl_cpupool *v = NULL;
    size_t n = 0;
    if (xkl_cpupool_list(ctx, &v, &n) < 0) {
        xl_ctx_fail(ctx);
        goto out;
    }
    if (n != 1 || v[0].id != 0) {
        fprintf(stderr, "splitting not possible, already cpupools in use\n");
        goto out;
    }
    uint32_t first = node[0];
    char name[64];
    /* pool 0 first takes every free CPU of its node, then gives up the others */
    for (int c = 0; c < ncpu; c++)
        if (node[c] == first && !HAS(v[0].cpus, c) && xkl_cpupool_cpu_add(ctx, 0, (unsigned)c) < 0) {
            fprintf(stderr, "error on adding cpu to Pool 0\n");
            xl_ctx_fail(ctx);
            goto out;
        }
    snprintf(name, sizeof name, "Pool-node%u", first);
    if (xkl_cpupool_rename(ctx, 0, name) < 0) {
        fprintf(stderr, "error on renaming Pool 0\n");
        xl_ctx_fail(ctx);
        goto out;
    }
    for (int c = 0; c < ncpu; c++) {
        if (node[c] == first || node[c] == UINT32_MAX)
            continue;
        uint32_t nd = node[c];
        uint8_t cpus[XKL_CPUMAP_BYTES] = { 0 };
        for (int k = c; k < ncpu; k++)
            if (node[k] == nd) {
                if (HAS(v[0].cpus, k) && xkl_cpupool_cpu_remove(ctx, 0, (unsigned)k) < 0) {
                    fprintf(stderr, "error on removing cpu %d from Pool 0\n", k);
                    xl_ctx_fail(ctx);
                    goto out;
                }
                SET(cpus, k);
                node[k] = first;   /* done */
            }
        snprintf(name, sizeof name, "Pool-node%u", nd);
        uint32_t id;
        if (xkl_cpupool_create(ctx, name, v[0].sched_id, cpus, &id) < 0) {
            fprintf(stderr, "error on creating cpupool %s\n", name);
            xl_ctx_fail(ctx);
            goto out;
        }
    }
    rc = XL_OK;
out:
    free(v);
    xkl_ctx_close(ctx);
    return rc;
}
