/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl info, xl dmesg: what the host and the hypervisor say about themselves. */
#include "xl.h"
#include "json_out.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>
#include <xkit/ctrl.h>
#include <xkit/light.h>

XL_CMD(info);
XL_CMD(dmesg);
XL_CMD(debug_keys);
XL_CMD(set_parameters);
XL_CMD(getenforce);
XL_CMD(setenforce);
XL_CMD(loadpolicy);

/* `xl info FIELD`: only the values of the fields whose names start with
 * FIELD are printed, without their names (Xen's xl matches a prefix: `xl
 * info free` gives free_memory and free_cpus). NULL: every line. */
static const char *info_only;

static void field(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One "name<pad>: value" line, the layout of xl info. */
/* info --json: one object, each field a member; a value that is a plain
 * decimal number is a number, any other a string. */
static bool info_json;
static struct xl_json info_j;

static void field(const char *name, const char *fmt, ...)
{
    va_list ap;
    if (info_only && strncmp(name, info_only, strlen(info_only)) != 0)
        return;
    if (info_json) {
        char buf[2048];
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        size_t k = 0;
        while (buf[k] >= '0' && buf[k] <= '9')
            k++;
        bool number = k > 0 && !buf[k] && (k == 1 || buf[0] != '0') && k < 19;
        if (number)
            xlj_uint(&info_j, name, strtoull(buf, NULL, 10));
        else
            xlj_str(&info_j, name, buf);
        return;
    }
    if (!info_only)
        printf("%-23s: ", name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static xkc_handle *open_ctrl(void)
{
    char err[512];
    xkc_handle *h = xkc_open(err, sizeof err);
    if (!h)
        xl_err("%s", err);
    return h;
}

static int print_host(void)
{
    struct utsname u;
    if (uname(&u) < 0)
        return -1;
    field("host", "%s", u.nodename);
    field("release", "%s", u.release);
    field("version", "%s", u.version);
    field("machine", "%s", u.machine);
    return 0;
}

static int print_physinfo(xkc_handle *h, const struct xkc_xen_version *v)
{
    struct xkc_physinfo pi;
    uint64_t freed, used;
    unsigned free_cpus;
    if (xkc_physinfo(h, &pi) < 0 || xkc_sharing_pages(h, &freed, &used) < 0 ||
        xkc_free_cpus(h, &free_cpus) < 0) {
        xl_err("%s", xkc_error(h));
        return -1;
    }
    field("nr_cpus", "%u", pi.nr_cpus);
    field("max_cpu_id", "%u", pi.max_cpu_id);
    field("nr_nodes", "%u", pi.nr_nodes);
    field("cores_per_socket", "%u", pi.cores_per_socket);
    field("threads_per_core", "%u", pi.threads_per_core);
    field("cpu_mhz", "%u.%03u", pi.cpu_khz / 1000, pi.cpu_khz % 1000);
    field("hw_caps", "%08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x", pi.hw_cap[0], pi.hw_cap[1],
          pi.hw_cap[2], pi.hw_cap[3], pi.hw_cap[4], pi.hw_cap[5], pi.hw_cap[6], pi.hw_cap[7]);
    /* Same order as Xen's own xl, each word with a leading space: the
     * line is "virt_caps<pad>: pv hvm ..." and `xl info virt_caps` prints
     * "pv hvm ..." */
    char caps[256];
    snprintf(caps, sizeof caps, "%s%s%s%s%s%s%s%s%s%s%s",
             pi.cap_pv ? " pv" : "",
             pi.cap_hvm ? " hvm" : "",
             pi.cap_hvm && pi.cap_directio ? " hvm_directio" : "",
             pi.cap_pv && pi.cap_directio ? " pv_directio" : "",
             pi.cap_hap ? " hap" : "",
             pi.cap_shadow ? " shadow" : "",
             pi.cap_iommu_hap_pt_share ? " iommu_hap_pt_share" : "",
             pi.cap_vmtrace ? " vmtrace" : "",
             pi.cap_vpmu ? " vpmu" : "",
             pi.cap_gnttab_v1 ? " gnttab-v1" : "",
             pi.cap_gnttab_v2 ? " gnttab-v2" : "");
    if (!info_only && !info_json)
        printf("%-23s:%s\n", "virt_caps", caps);
    else if (info_json)
        field("virt_caps", "%s", caps[0] ? caps + 1 : "");
    else if (caps[0])
        field("virt_caps", "%s", caps + 1);
    uint64_t per_mb = (1u << 20) / (v->pagesize ? v->pagesize : 4096);
    field("total_memory", "%" PRIu64, pi.total_pages / per_mb);
    /* Claimed pages are promised to a domain: not free to anyone else. */
    field("free_memory", "%" PRIu64, (pi.free_pages - pi.outstanding_pages) / per_mb);
    field("sharing_freed_memory", "%" PRIu64, freed / per_mb);
    field("sharing_used_memory", "%" PRIu64, used / per_mb);
    field("outstanding_claims", "%" PRIu64, pi.outstanding_pages / per_mb);
    field("free_cpus", "%u", free_cpus);
    return 0;
}

static int print_xeninfo(xkc_handle *h, const struct xkc_xen_version *v)
{
    unsigned sched;
    if (xkc_sched_id(h, &sched) < 0) {
        xl_err("%s", xkc_error(h));
        return -1;
    }
    const char *sname = xkc_sched_name(sched);
    field("xen_major", "%u", v->major);
    field("xen_minor", "%u", v->minor);
    field("xen_extra", "%s", v->extra);
    field("xen_version", "%u.%u%s", v->major, v->minor, v->extra);
    field("xen_caps", "%s", v->capabilities);
    field("xen_scheduler", "%s", sname ? sname : "unknown");
    field("xen_pagesize", "%lu", v->pagesize);
    field("platform_params", "virt_start=0x%" PRIx64, v->virt_start);
    field("xen_changeset", "%s", v->changeset);
    field("xen_commandline", "%s", v->commandline);
    field("cc_compiler", "%s", v->compiler);
    field("cc_compile_by", "%s", v->compile_by);
    field("cc_compile_domain", "%s", v->compile_domain);
    field("cc_compile_date", "%s", v->compile_date);
    field("build_id", "%s", v->build_id);
    return 0;
}

/* xl info -n: the cpu topology, the PCI device topology and the NUMA
 * nodes, between physinfo and the Xen fields as in Xen's xl */
static int print_numa(xkc_handle *h)
{
    struct xkc_cputopo cpus[XKL_CPUMAP_BYTES * 8];
    unsigned n = XKL_CPUMAP_BYTES * 8;
    if (xkc_cputopo(h, cpus, &n) < 0) {
        xl_err("%s", xkc_error(h));
        return -1;
    }
    if (n > XKL_CPUMAP_BYTES * 8)
        n = XKL_CPUMAP_BYTES * 8;   /* the cpus xkit can name elsewhere too */
    printf("cpu_topology           :\n");
    printf("cpu:    core    socket     node\n");
    for (unsigned i = 0; i < n; i++)
        if (cpus[i].core != UINT32_MAX)
            printf("%3u:    %4u     %4u     %4u\n", i, cpus[i].core, cpus[i].socket, cpus[i].node);
    printf("device topology        :\n");
    printf("device           node\n");
    printf("No device topology data available\n");
    enum { MAX_NODES = 64 };
    struct xkc_numa_node nodes[MAX_NODES];
    uint32_t dist[MAX_NODES * MAX_NODES];
    n = MAX_NODES;
    if (xkc_numainfo(h, nodes, dist, &n) < 0) {
        xl_err("%s", xkc_error(h));
        return -1;
    }
    if (n > MAX_NODES) {
        xl_err("info -n: the host has %u NUMA nodes, xkit lists up to %d", n, MAX_NODES);
        return -1;
    }
    printf("numa_info              :\n");
    printf("node:    memsize    memfree    distances\n");
    for (unsigned i = 0; i < n; i++) {
        if (nodes[i].size == UINT64_MAX)
            continue;
        printf("%4u:    %6" PRIu64 "     %6" PRIu64 "      %u", i, nodes[i].size >> 20,
               nodes[i].free >> 20, dist[i * n]);
        for (unsigned j = 1; j < n; j++)
            printf(",%u", dist[i * n + j]);
        printf("\n");
    }
    return 0;
}

int cmd_info(int argc, char **argv)
{
    int opt;
    bool numa = false;
    static const struct option lo[] = {
        { "numa", no_argument, NULL, 'n' },
        { "json", no_argument, NULL, 'J' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    XL_FOREACH_OPT(opt, "n", lo, 0) {
    case 'n': numa = true; break;
    case 'J': info_json = true; break;
    }
    if (info_json && numa) {
        xl_err("info: --json has the fields of xl info, not the -n tables");
        return XL_FAIL;
    }
    /* as Xen's xl: a field name selects (not with -n); later words unused */
    if (!numa && optind < argc)
        info_only = argv[optind++];
    xl_extra_args(argc, argv, 0);
    xkc_handle *h = open_ctrl();
    if (!h)
        return XL_FAIL;
    struct xkc_xen_version v;
    int rc = XL_FAIL;
    if (xkc_xen_version(h, &v) < 0) {
        xl_err("%s", xkc_error(h));
        goto out;
    }
    if (info_json) {
        /* an object, not xlj_begin's array */
        info_j.depth = 1;
        info_j.first[1] = true;
        putchar('{');
    }
    if (print_host() < 0 || print_physinfo(h, &v) < 0 || (numa && print_numa(h) < 0) ||
        print_xeninfo(h, &v) < 0)
        goto out;
    field("xend_config_format", "%d", 4);
    if (info_json)
        printf("\n}\n");
    if (xl_opts.verbose) {
        struct xkc_stats st;
        xkc_stats(h, &st);
        fprintf(stderr, "xl: info used %" PRIu64 " hypercalls (%" PRIu64 " sysctl, %" PRIu64
                " xen_version, %" PRIu64 " memory_op), %" PRIu64 " buffer allocations\n",
                st.hypercalls, st.sysctl, st.xen_version, st.memory_op, st.buffer_allocs);
    }
    rc = XL_OK;
out:
    fflush(stdout);
    xkc_close(h);
    return rc;
}

int cmd_dmesg(int argc, char **argv)
{
    int opt;
    bool clear = false;
    static const struct option lo[] = {
        { "clear", no_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    XL_FOREACH_OPT(opt, "c", lo, 0) {
    case 'c': clear = true; break;
    }
    xl_extra_args(argc, argv, 0);
    xkc_handle *h = open_ctrl();
    if (!h)
        return XL_FAIL;
    char *text = NULL;
    size_t len = 0;
    int rc = XL_OK;
    if (xkc_dmesg(h, clear, &text, &len) < 0) {
        xl_err("%s", xkc_error(h));
        rc = XL_FAIL;
    } else if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
        xl_err("dmesg: write: output error");
        rc = XL_FAIL;
    }
    free(text);
    xkc_close(h);
    return rc;
}

/* xl debug-keys KEYS: Xen's debug console keys; their output is in xl dmesg */
int cmd_debug_keys(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 1) {
    }
    xl_extra_args(argc, argv, 1);
    xkc_handle *h = open_ctrl();
    if (!h)
        return XL_FAIL;
    int rc = XL_OK;
    if (xkc_debug_keys(h, argv[optind]) < 0) {
        fprintf(stderr, "cannot send debug keys: %s\n", argv[optind]);
        xl_err("%s", xkc_error(h));
        rc = XL_FAIL;
    }
    xkc_close(h);
    return rc;
}

/* xl set-parameters "NAME=VALUE [NAME ...]": Xen's runtime parameters, as
 * its command line spells them (a bare NAME sets a boolean, no-NAME
 * clears it), written through hypfs /params/NAME */
int cmd_set_parameters(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 1) {
    }
    xl_extra_args(argc, argv, 1);
    char *copy = strdup(argv[optind]);
    if (!copy) {
        xl_err("set-parameters: out of memory");
        return XL_FAIL;
    }
    xkc_handle *h = open_ctrl();
    int rc = h ? XL_OK : XL_FAIL;
    char *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); h && w && rc == XL_OK; w = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(w, '=');
        const char *value = "1";
        if (eq) {
            *eq = 0;
            value = eq + 1;
        } else if (!strncmp(w, "no-", 3)) {
            w += 3;
            value = "0";
        }
        if (xkc_hypfs_set_param(h, w, value) < 0) {
            xl_err("%s", xkc_error(h));
            fprintf(stderr, "cannot set parameters: %s\n", argv[optind]);
            rc = XL_FAIL;
        }
    }
    free(copy);
    xkc_close(h);
    return rc;
}

/* ---- FLASK (XSM): Xen's security module, when it has one ----
 * Failures exit 255, as Xen's xl's (its -1) do: scripts test for it. */
enum { XL_FLASK_FAIL = 255 };
int cmd_getenforce(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 0) {
    }
    xl_extra_args(argc, argv, 0);
    xkc_handle *h = open_ctrl();
    if (!h)
        return XL_FAIL;
    int r = xkc_flask_getenforce(h);
    if (r < 0 && xkc_errno(h) == ENOSYS)
        printf("Flask XSM Disabled\n");
    else if (r < 0)
        fprintf(stderr, "Failed to get enforcing mode\n");
    else
        printf("%s\n", r ? "Enforcing" : "Permissive");
    xkc_close(h);
    return r < 0 ? XL_FLASK_FAIL : XL_OK;
}

int cmd_setenforce(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 1) {
    }
    xl_extra_args(argc, argv, 1);
    const char *m = argv[optind];
    int mode;
    if (!strcmp(m, "1") || !strcasecmp(m, "enforcing"))
        mode = 1;
    else if (!strcmp(m, "0") || !strcasecmp(m, "permissive"))
        mode = 0;
    else
        return xl_usage("setenforce");
    xkc_handle *h = open_ctrl();
    if (!h)
        return XL_FAIL;
    int r = xkc_flask_setenforce(h, mode);
    if (r < 0 && xkc_errno(h) == ENOSYS)
        fprintf(stderr, "Flask XSM disabled\n");
    else if (r < 0)
        fprintf(stderr, "error occured while setting enforcing mode: %s\n", xkc_error(h));
    xkc_close(h);
    return r < 0 ? XL_FLASK_FAIL : XL_OK;
}

int cmd_loadpolicy(int argc, char **argv)
{
    int opt;
    XL_FOREACH_OPT(opt, "", NULL, 1) {
    }
    xl_extra_args(argc, argv, 1);
    const char *file = argv[optind];
    FILE *f = fopen(file, "rb");
    char *buf = NULL;
    long len = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)len)) && fread(buf, 1, (size_t)len, f) != (size_t)len)
        len = -1;
    int e = errno;
    if (f)
        fclose(f);
    if (!buf || len <= 0) {
        fprintf(stderr, "Cannot read policy file %s: %s\n", file, len == 0 ? "empty file" : strerror(e));
        free(buf);
        return XL_FAIL;
    }
    xkc_handle *h = open_ctrl();
    int r = h ? xkc_flask_load(h, buf, (size_t)len) : -1;
    if (h && r < 0 && xkc_errno(h) == ENOSYS)
        fprintf(stderr, "Flask XSM disabled\n");
    else if (h && r < 0)
        fprintf(stderr, "error occurred while loading policy: %s\n", xkc_error(h));
    free(buf);
    xkc_close(h);
    return r < 0 ? XL_FLASK_FAIL : XL_OK;
}
