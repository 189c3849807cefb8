/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl list, domid, domname, uptime, vcpu-list: reading domains, printed in
 * the same columns as Debian's xl. */
#include "life.h"
#include "json_out.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <xkit/ctrl.h>

XL_CMD(list);
XL_CMD(domid);
XL_CMD(domname);
XL_CMD(uptime);
XL_CMD(vcpu_list);
XL_CMD(claims);
XL_CMD(vm_list);
XL_CMD(sharing);

/* The domains named on the command line (or all): *out malloc'd. */
static int select_domains(xkl_ctx *ctx, int argc, char **argv, struct xkl_dominfo **out, size_t *n)
{
    if (argc == 0) {
        if (xkl_domain_list(ctx, out, n) < 0)
            return xl_ctx_fail(ctx);
        return XL_OK;
    }
    struct xkl_dominfo *v = calloc((size_t)argc, sizeof(*v));
    if (!v) {
        xl_err("list: out of memory");
        return XL_FAIL;
    }
    for (int i = 0; i < argc; i++) {
        uint32_t id;
        if (xl_domid(ctx, argv[i], &id) < 0) {
            free(v);
            return XL_FAIL;
        }
        if (xkl_domain_info(ctx, id, &v[i]) < 0) {
            xl_ctx_fail(ctx);
            free(v);
            return XL_FAIL;
        }
    }
    *out = v;
    *n = (size_t)argc;
    return XL_OK;
}

/* xl list -l with xl.conf's output_format="sxp": each domain's
 * "(domain ...)" block, back to back, as Xen's xl prints them */
static int print_long_sxp(xkl_ctx *ctx, const struct xkl_dominfo *v, size_t n)
{
    int rc = XL_OK;
    for (size_t i = 0; i < n; i++) {
        xkl_domain_config *dc = xkl_domain_config_load(ctx, v[i].domid);
        if (!dc) {
            rc = xl_ctx_fail(ctx);
            continue;
        }
        if (xl_config_print(dc, v[i].domid, v[i].uuid) != XL_OK)
            rc = XL_FAIL;
        xkl_domain_config_free(dc);
    }
    return rc;
}

/* xl list -l: [{"domid": N, "config": {...}}, ...] with libxl's indentation */
static int print_long(xkl_ctx *ctx, const struct xkl_dominfo *v, size_t n)
{
    if (xl_host.output_format == XKL_OUTPUT_SXP)
        return print_long_sxp(ctx, v, n);
    int rc = XL_OK;
    bool first = true;
    printf("[\n");
    for (size_t i = 0; i < n; i++) {
        char *j = xkl_domain_config_json(ctx, v[i].domid);
        if (!j) {
            xl_ctx_fail(ctx);
            rc = XL_FAIL;
            continue;
        }
        printf("%s    {\n        \"domid\": %u,\n        \"config\": ", first ? "" : ",\n", v[i].domid);
        first = false;
        size_t len = strlen(j);
        while (len && (j[len - 1] == '\n' || j[len - 1] == ' '))
            j[--len] = 0;
        for (char *p = j; *p; p++) {
            putchar(*p);
            if (*p == '\n')
                fputs("        ", stdout);
        }
        printf("\n    }");
        free(j);
    }
    printf("%s]\n", first ? "" : "\n");
    return rc;
}

/* What xl list's table shows besides its first columns. */
enum { L_VERBOSE = 1, L_CONTEXT = 2, L_CLAIM = 4, L_CPUPOOL = 8, L_NUMA = 16 };

/* The NUMA nodes of a domain's memory as Xen's xl prints them. */
static void print_nodes(xkc_handle *xc, uint32_t domid, unsigned nr_nodes)
{
    uint8_t nodes[XKL_CPUMAP_BYTES] = { 0 };
    char buf[256];
    if (!xc || xkc_domain_node_affinity(xc, domid, nodes, sizeof nodes) < 0) {
        printf(" ?");
        return;
    }
    xl_format_cpumap(nodes, nr_nodes, buf, sizeof buf);
    printf(" %s", buf);
}

/* xl list's table (and claims'), in Xen's xl's columns */
static int print_table(xkl_ctx *ctx, const struct xkl_dominfo *v, size_t n, unsigned what)
{
    struct xkl_cpupool *pools = NULL;
    size_t npools = 0;
    xkc_handle *xc = NULL;
    unsigned nr_nodes = 1;
    if ((what & L_CPUPOOL) && xkl_cpupool_list(ctx, &pools, &npools) < 0)
        return xl_ctx_fail(ctx);
    if (what & L_NUMA) {
        char err[256];
        struct xkc_physinfo pi;
        xc = xkc_open(err, sizeof err);
        if (!xc || xkc_physinfo(xc, &pi) < 0) {
            xl_err("%s", xc ? xkc_error(xc) : err);
            xkc_close(xc);
            free(pools);
            return XL_FAIL;
        }
        nr_nodes = pi.nr_nodes;
    }
    printf("Name                                        ID   Mem VCPUs\tState\tTime(s)");
    if (what & L_VERBOSE)
        printf("   UUID                            Reason-Code\tSecurity Label");
    if ((what & L_CONTEXT) && !(what & L_VERBOSE))
        printf("   Security Label");
    if (what & L_CLAIM)
        printf("  Claimed");
    if (what & L_CPUPOOL)
        printf("         Cpupool");
    if (what & L_NUMA)
        printf(" NODE Affinity");
    printf("\n");
    for (size_t i = 0; i < n; i++) {
        char st[7];
        xkl_dominfo_state(&v[i], st);
        printf("%-40s %5u %5lu %5u     %s  %8.1f", v[i].name[0] ? v[i].name : "(null)", v[i].domid,
               (unsigned long)(v[i].mem_kb / 1024), v[i].vcpus_online, st,
               (double)v[i].cpu_time_ns / 1e9);
        if (what & L_VERBOSE) {
            char u[37];
            xkl_uuid_format(v[i].uuid, u);
            printf(" %s", u);
            if (v[i].shutdown)
                printf(" %8x", v[i].shutdown_reason);
            else
                printf(" %8s", "-");
        }
        if (what & L_CLAIM)
            printf(" %5lu", (unsigned long)(v[i].outstanding_kb / 1024));
        if (what & (L_VERBOSE | L_CONTEXT))
            printf(" %16s", "-");   /* no XSM label: Xen without FLASK */
        if (what & L_CPUPOOL) {
            const char *pn = NULL;
            for (size_t k = 0; k < npools && !pn; k++)
                if (pools[k].id == v[i].cpupool)
                    pn = pools[k].name;
            printf("%16s", pn ? pn : "(null)");
        }
        if (what & L_NUMA)
            print_nodes(xc, v[i].domid, nr_nodes);
        printf("\n");
    }
    free(pools);
    xkc_close(xc);
    return XL_OK;
}

/* Xen's SHUTDOWN_* reason of a shut down domain, as a word */
static const char *reason_word(const struct xkl_dominfo *d)
{
    static const char *const w[] = { "poweroff", "reboot", "suspend", "crash", "watchdog",
                                     "soft_reset" };
    if (!d->shutdown)
        return NULL;
    return d->shutdown_reason < sizeof w / sizeof *w ? w[d->shutdown_reason] : "unknown";
}

/* xl list --json: one object per domain */
static int print_json(xkl_ctx *ctx, const struct xkl_dominfo *v, size_t n)
{
    struct xkl_cpupool *pools = NULL;
    size_t npools = 0;
    if (xkl_cpupool_list(ctx, &pools, &npools) < 0)
        return xl_ctx_fail(ctx);
    struct xl_json j;
    xlj_begin(&j);
    for (size_t i = 0; i < n; i++) {
        const struct xkl_dominfo *d = &v[i];
        char u[37], st[7];
        xkl_uuid_format(d->uuid, u);
        xkl_dominfo_state(d, st);
        const char *pn = NULL;
        for (size_t k = 0; k < npools && !pn; k++)
            if (pools[k].id == d->cpupool)
                pn = pools[k].name;
        xlj_obj(&j, NULL);
        xlj_str(&j, "name", d->name[0] ? d->name : NULL);
        xlj_uint(&j, "domid", d->domid);
        xlj_str(&j, "uuid", u);
        xlj_str(&j, "state", st);
        xlj_bool(&j, "running", d->running);
        xlj_bool(&j, "blocked", d->blocked);
        xlj_bool(&j, "paused", d->paused);
        xlj_bool(&j, "shutdown", d->shutdown);
        xlj_bool(&j, "dying", d->dying);
        xlj_str(&j, "shutdown_reason", reason_word(d));
        xlj_uint(&j, "memory_kib", d->mem_kb);
        xlj_uint(&j, "max_memory_kib", d->max_kb);
        xlj_uint(&j, "outstanding_kib", d->outstanding_kb);
        xlj_uint(&j, "shared_kib", d->shared_kb);
        xlj_uint(&j, "vcpus_online", d->vcpus_online);
        xlj_uint(&j, "max_vcpus", (unsigned long long)d->max_vcpu_id + 1);
        xlj_num(&j, "cpu_time", (double)d->cpu_time_ns / 1e9);
        xlj_str(&j, "cpupool", pn);
        xlj_uint(&j, "cpupool_id", d->cpupool);
        xlj_uint(&j, "ssidref", d->ssidref);
        xlj_obj_end(&j);
    }
    xlj_end(&j);
    free(pools);
    return XL_OK;
}

int cmd_list(int argc, char **argv)
{
    int opt, longfmt = 0;
    unsigned what = 0;
    static const struct option lo[] = {
        { "long", no_argument, NULL, 'l' },
        { "verbose", no_argument, NULL, 'v' },
        { "context", no_argument, NULL, 'Z' },
        { "cpupool", no_argument, NULL, 'c' },
        { "numa", no_argument, NULL, 'n' },
        { "json", no_argument, NULL, 'J' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool json = false;
    XL_FOREACH_OPT(opt, "lvZcn", lo, 0) {
    case 'J': json = true; break;
    case 'l': longfmt = 1; break;
    case 'v': what |= L_VERBOSE; break;
    case 'Z': what |= L_CONTEXT; break;
    case 'c': what |= L_CPUPOOL; break;
    case 'n': what |= L_NUMA; break;
    }
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    struct xkl_dominfo *v = NULL;
    size_t n = 0;
    int rc = select_domains(ctx, argc - optind, argv + optind, &v, &n);
    if (rc != XL_OK)
        goto out;
    rc = longfmt ? print_long(ctx, v, n) : json ? print_json(ctx, v, n) : print_table(ctx, v, n, what);
out:
    free(v);
    xkl_ctx_close(ctx);
    return fflush(stdout) == 0 ? rc : XL_FAIL;
}

/* xl claims: the table with each domain's outstanding claim */
int cmd_claims(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 0) {
    }
    xl_extra_args(argc, argv, 0);
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    struct xkl_dominfo *v = NULL;
    size_t n = 0;
    /* Xen's xl's words when xl.conf turned claims off; the table anyway */
    if (!xl_host.claim_mode)
        fprintf(stderr, "claim_mode not enabled (see man xl.conf).\n");
    int rc = select_domains(ctx, 0, NULL, &v, &n);
    if (rc == XL_OK)
        rc = print_table(ctx, v, n, L_CLAIM);
    free(v);
    xkl_ctx_close(ctx);
    return fflush(stdout) == 0 ? rc : XL_FAIL;
}

/* xl vm-list: the domains with their UUIDs */
int cmd_vm_list(int argc, char **argv)
{
    int opt;
    bool json = false;
    XL_FOREACH_OPT(opt, "", xl_json_opts, 0) {
    case 'J': json = true; break;
    }
    xl_extra_args(argc, argv, 0);
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    struct xkl_dominfo *v = NULL;
    size_t n = 0;
    int rc = select_domains(ctx, 0, NULL, &v, &n);
    struct xl_json j;
    if (rc == XL_OK && json)
        xlj_begin(&j);
    else if (rc == XL_OK)
        printf("UUID                                  ID    name\n");
    for (size_t i = 0; rc == XL_OK && i < n; i++) {
        if (v[i].dying)
            continue;   /* Xen's xl lists dom0 too, despite its summary */
        char u[37];
        xkl_uuid_format(v[i].uuid, u);
        if (json) {
            xlj_obj(&j, NULL);
            xlj_str(&j, "uuid", u);
            xlj_uint(&j, "domid", v[i].domid);
            xlj_str(&j, "name", v[i].name[0] ? v[i].name : NULL);
            xlj_obj_end(&j);
        } else {
            printf("%s  %u    %-30s\n", u, v[i].domid, v[i].name[0] ? v[i].name : "(null)");
        }
    }
    if (rc == XL_OK && json)
        xlj_end(&j);
    free(v);
    xkl_ctx_close(ctx);
    return fflush(stdout) == 0 ? rc : XL_FAIL;
}

int cmd_domid(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 1) {
    }
    xl_extra_args(argc, argv, 1);
    argv += optind - 1;
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    uint32_t id;
    int rc = XL_FAIL;
    /* Xen's xl's words: scripts match them */
    if (xkl_domain_lookup(ctx, argv[1], &id) < 0) {
        if (errno == ESRCH)
            fprintf(stderr, "Can't get domid of domain name '%s', maybe this domain does not exist.\n",
                    argv[1]);
        else
            xl_ctx_fail(ctx);
    } else {
        printf("%u\n", id);
        rc = XL_OK;
    }
    xkl_ctx_close(ctx);
    return rc;
}

int cmd_domname(int argc, char **argv)
{
    unsigned long id;
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 1) {
    }
    xl_extra_args(argc, argv, 1);
    argv += optind - 1;
    if (xl_parse_uint(argv[1], 0, DOMID_FIRST_RESERVED - 1, &id) < 0) {
        fprintf(stderr, "Invalid domain id.\n\n");
        return XL_FAIL;
    }
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    struct xkl_dominfo di;
    int rc = XL_FAIL;
    if (xkl_domain_info(ctx, (uint32_t)id, &di) < 0) {
        if (errno == ESRCH)
            fprintf(stderr, "Can't get domain name of domain id '%lu', maybe this domain does not exist.\n",
                    id);
        else
            xl_ctx_fail(ctx);
    } else {
        printf("%s\n", di.name);
        rc = XL_OK;
    }
    xkl_ctx_close(ctx);
    return rc;
}

int cmd_uptime(int argc, char **argv)
{
    int opt, short_fmt = 0;
    bool json = false;
    XL_FOREACH_OPT(opt, "s", xl_json_opts, 0) {
    case 's': short_fmt = 1; break;
    case 'J': json = true; break;
    }
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    struct xkl_dominfo *v = NULL;
    size_t n = 0;
    int rc = select_domains(ctx, argc - optind, argv + optind, &v, &n);
    if (rc != XL_OK)
        goto out;
    struct timeval now;
    gettimeofday(&now, NULL);
    double host_up = 0;
    FILE *f = fopen("/proc/uptime", "re");
    if (f) {
        if (fscanf(f, "%lf", &host_up) != 1)
            host_up = 0;
        fclose(f);
    }
    char clock[16] = "";
    struct tm tm;
    time_t t = now.tv_sec;
    if (short_fmt && localtime_r(&t, &tm))
        strftime(clock, sizeof clock, "%H:%M:%S", &tm);
    struct xl_json j;
    if (json)
        xlj_begin(&j);
    else if (!short_fmt)
        printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
    for (size_t i = 0; i < n; i++) {
        double start, up;
        if (v[i].domid == 0)
            up = host_up;   /* dom0 came up with the host */
        else if (xkl_domain_start_time(ctx, v[i].domid, &start) == 0)
            up = (double)(now.tv_sec - (time_t)start);   /* whole seconds, as Xen's xl */
        else
            continue;   /* no start time: not a domain a toolstack made */
        char buf[64];
        unsigned long secs = up > 0 ? (unsigned long)up : 0;
        if (json) {
            xlj_obj(&j, NULL);
            xlj_str(&j, "name", v[i].name[0] ? v[i].name : NULL);
            xlj_uint(&j, "domid", v[i].domid);
            xlj_uint(&j, "uptime_seconds", secs);
            xlj_obj_end(&j);
        } else if (short_fmt) {
            xl_format_uptime_short(secs, buf, sizeof buf);
            printf(" %s up %s, %s (%u)\n", clock, buf, v[i].name, v[i].domid);
        } else {
            xl_format_uptime(secs, buf, sizeof buf);
            printf("%-33s %4u %s\n", v[i].name, v[i].domid, buf);
        }
    }
    if (json)
        xlj_end(&j);
out:
    free(v);
    xkl_ctx_close(ctx);
    return rc;
}

int cmd_vcpu_list(int argc, char **argv)
{
    int opt;
    bool json = false;
    XL_FOREACH_OPT(opt, "", xl_json_opts, 0) {
    case 'J': json = true; break;
    }
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    struct xkl_dominfo *v = NULL;
    size_t n = 0;
    unsigned nr_cpus = 0;
    int rc = select_domains(ctx, argc - optind, argv + optind, &v, &n);
    if (rc != XL_OK)
        goto out;
    {
        char err[256];
        xkc_handle *xc = xkc_open(err, sizeof err);
        struct xkc_physinfo pi;
        if (xc && xkc_physinfo(xc, &pi) == 0)
            nr_cpus = pi.nr_cpus;
        xkc_close(xc);
    }
    struct xl_json j;
    if (json)
        xlj_begin(&j);
    else
        printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
               "Affinity (Hard / Soft)");
    for (size_t i = 0; i < n; i++) {
        struct xkl_vcpuinfo *vc = NULL;
        unsigned nv = 0;
        if (xkl_vcpu_list(ctx, v[i].domid, &vc, &nv) < 0) {
            rc = xl_ctx_fail(ctx);
            continue;
        }
        for (unsigned k = 0; json && k < nv; k++) {
            xlj_obj(&j, NULL);
            xlj_str(&j, "name", v[i].name[0] ? v[i].name : NULL);
            xlj_uint(&j, "domid", v[i].domid);
            xlj_uint(&j, "vcpu", vc[k].vcpu);
            if (vc[k].online)
                xlj_uint(&j, "cpu", vc[k].cpu);
            else
                xlj_null(&j, "cpu");
            xlj_bool(&j, "online", vc[k].online);
            xlj_bool(&j, "running", vc[k].running);
            xlj_bool(&j, "blocked", vc[k].blocked);
            xlj_num(&j, "cpu_time", (double)vc[k].cpu_time_ns / 1e9);
            xlj_cpus(&j, "hard_affinity", vc[k].hard, nr_cpus);
            xlj_cpus(&j, "soft_affinity", vc[k].soft, nr_cpus);
            xlj_obj_end(&j);
        }
        for (unsigned k = 0; !json && k < nv; k++) {
            char cpu[16], hard[128], soft[128];
            if (vc[k].online)
                snprintf(cpu, sizeof cpu, "%u", vc[k].cpu);
            else
                snprintf(cpu, sizeof cpu, "-");
            xl_format_cpumap(vc[k].hard, nr_cpus, hard, sizeof hard);
            xl_format_cpumap(vc[k].soft, nr_cpus, soft, sizeof soft);
            printf("%-32s %5u %5u %4s   %c%c%c %9.1f  %s / %s\n", v[i].name, v[i].domid, vc[k].vcpu,
                   cpu, vc[k].running ? 'r' : '-', vc[k].blocked ? 'b' : '-',
                   vc[k].online ? '-' : 'p', (double)vc[k].cpu_time_ns / 1e9, hard, soft);
        }
        free(vc);
    }
    if (json)
        xlj_end(&j);
out:
    free(v);
    xkl_ctx_close(ctx);
    return rc;
}

/* xl sharing [Domain]: memory each domain shares with others (Xen's page
 * sharing; 0 unless a tool deduplicated pages) */
int cmd_sharing(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 0) {
    }
    xl_extra_args(argc, argv, 1);
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    struct xkl_dominfo *v = NULL;
    size_t n = 0;
    int rc = select_domains(ctx, optind < argc ? 1 : 0, argv + optind, &v, &n);
    if (rc == XL_OK) {
        printf("Name                                        ID   Mem Shared\n");
        for (size_t i = 0; i < n; i++)
            printf("%-40s %5u %5lu  %5lu\n", v[i].name[0] ? v[i].name : "(null)", v[i].domid,
                   (unsigned long)((v[i].mem_kb - v[i].outstanding_kb) / 1024),
                   (unsigned long)(v[i].shared_kb / 1024));
    }
    free(v);
    xkl_ctx_close(ctx);
    return fflush(stdout) == 0 ? rc : XL_FAIL;
}
