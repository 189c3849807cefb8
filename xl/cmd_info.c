/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl info, xl dmesg: what the host and the hypervisor say about themselves. */
#include "xl.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <xkit/ctrl.h>

XL_CMD(info);
XL_CMD(dmesg);

static void field(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One "name<pad>: value" line, the layout of xl info. */
static void field(const char *name, const char *fmt, ...)
{
    va_list ap;
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
    /* Same order as Xen's own xl, each word with a leading space. */
    printf("%-23s:%s%s%s%s%s%s%s%s%s%s%s\n", "virt_caps",
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

int cmd_info(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "h")) != -1)
        return xl_usage("info");
    if (optind != argc)
        return xl_usage("info");
    xkc_handle *h = open_ctrl();
    if (!h)
        return XL_FAIL;
    struct xkc_xen_version v;
    int rc = XL_FAIL;
    if (xkc_xen_version(h, &v) < 0) {
        xl_err("%s", xkc_error(h));
        goto out;
    }
    if (print_host() < 0 || print_physinfo(h, &v) < 0 || print_xeninfo(h, &v) < 0)
        goto out;
    field("xend_config_format", "%d", 4);
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
    while ((opt = getopt(argc, argv, "ch")) != -1) {
        switch (opt) {
        case 'c': clear = true; break;
        default: return xl_usage("dmesg");
        }
    }
    if (optind != argc)
        return xl_usage("dmesg");
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
