/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl list, domid, domname, uptime, vcpu-list: reading domains, printed in
 * the same columns as Debian's xl. */
#include "life.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <xkit/ctrl.h>

XL_CMD(list);
XL_CMD(domid);
XL_CMD(domname);
XL_CMD(uptime);
XL_CMD(vcpu_list);

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

/* xl list -l: [{"domid": N, "config": {...}}, ...] with libxl's indentation */
static int print_long(xkl_ctx *ctx, const struct xkl_dominfo *v, size_t n)
{
    int rc = XL_OK;
    bool first = true;
    printf("[\n");
    for (size_t i = 0; i < n; i++) {
        if (v[i].domid == 0)
            continue;   /* libxl keeps no config for dom0 */
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

int cmd_list(int argc, char **argv)
{
    int opt, verbose = 0, longfmt = 0;
    static const struct option lo[] = {
        { "long", no_argument, NULL, 'l' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    while ((opt = getopt_long(argc, argv, "lvh", lo, NULL)) != -1) {
        switch (opt) {
        case 'l': longfmt = 1; break;
        case 'v': verbose = 1; break;
        case 'h': xl_usage("list"); return XL_OK;
        default: return xl_usage("list");
        }
    }
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    struct xkl_dominfo *v = NULL;
    size_t n = 0;
    int rc = select_domains(ctx, argc - optind, argv + optind, &v, &n);
    if (rc != XL_OK)
        goto out;
    if (longfmt) {
        rc = print_long(ctx, v, n);
        goto out;
    }
    printf("Name                                        ID   Mem VCPUs\tState\tTime(s)");
    if (verbose)
        printf("   UUID                            Reason-Code\tSecurity Label");
    printf("\n");
    for (size_t i = 0; i < n; i++) {
        char st[7];
        xkl_dominfo_state(&v[i], st);
        printf("%-40s %5u %5lu %5u     %s  %8.1f", v[i].name[0] ? v[i].name : "(null)", v[i].domid,
               (unsigned long)(v[i].mem_kb / 1024), v[i].vcpus_online, st,
               (double)v[i].cpu_time_ns / 1e9);
        if (verbose) {
            char u[37];
            xkl_uuid_format(v[i].uuid, u);
            printf(" %s", u);
            if (v[i].shutdown)
                printf(" %8x", v[i].shutdown_reason);
            else
                printf(" %8s", "-");
            printf(" %16s", "-");
        }
        printf("\n");
    }
out:
    free(v);
    xkl_ctx_close(ctx);
    return fflush(stdout) == 0 ? rc : XL_FAIL;
}

int cmd_domid(int argc, char **argv)
{
    if (argc != 2)
        return xl_usage("domid");
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    uint32_t id;
    int rc = XL_FAIL;
    if (xl_domid(ctx, argv[1], &id) == 0) {
        printf("%u\n", id);
        rc = XL_OK;
    }
    xkl_ctx_close(ctx);
    return rc;
}

int cmd_domname(int argc, char **argv)
{
    unsigned long id;
    if (argc != 2)
        return xl_usage("domname");
    if (xl_parse_uint(argv[1], 0, DOMID_FIRST_RESERVED - 1, &id) < 0) {
        xl_err("domname: '%s' is not a domain id", argv[1]);
        return XL_FAIL;
    }
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    struct xkl_dominfo di;
    int rc = XL_FAIL;
    if (xkl_domain_info(ctx, (uint32_t)id, &di) < 0)
        xl_ctx_fail(ctx);
    else {
        printf("%s\n", di.name);
        rc = XL_OK;
    }
    xkl_ctx_close(ctx);
    return rc;
}

int cmd_uptime(int argc, char **argv)
{
    int opt, short_fmt = 0;
    while ((opt = getopt(argc, argv, "sh")) != -1) {
        switch (opt) {
        case 's': short_fmt = 1; break;
        default: return xl_usage("uptime");
        }
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
    if (!short_fmt)
        printf("%-32s %5s %s\n", "Name", "ID", "Uptime");
    for (size_t i = 0; i < n; i++) {
        double start, up;
        if (v[i].domid == 0)
            up = host_up;   /* dom0 came up with the host */
        else if (xkl_domain_start_time(ctx, v[i].domid, &start) == 0)
            up = (double)now.tv_sec + (double)now.tv_usec / 1e6 - start;
        else
            continue;   /* no start time: not a domain a toolstack made */
        char buf[64];
        xl_format_uptime(up > 0 ? (unsigned long)up : 0, buf, sizeof buf);
        if (short_fmt)
            printf("%s %s %u\n", buf, v[i].name, v[i].domid);
        else
            printf("%-32s %5u %s\n", v[i].name, v[i].domid, buf);
    }
out:
    free(v);
    xkl_ctx_close(ctx);
    return rc;
}

int cmd_vcpu_list(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "h")) != -1)
        return xl_usage("vcpu-list");
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
    printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
           "Affinity (Hard / Soft)");
    for (size_t i = 0; i < n; i++) {
        struct xkl_vcpuinfo *vc = NULL;
        unsigned nv = 0;
        if (xkl_vcpu_list(ctx, v[i].domid, &vc, &nv) < 0) {
            rc = xl_ctx_fail(ctx);
            continue;
        }
        for (unsigned k = 0; k < nv; k++) {
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
out:
    free(v);
    xkl_ctx_close(ctx);
    return rc;
}
