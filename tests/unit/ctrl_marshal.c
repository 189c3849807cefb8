/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libxkctrl: the pure marshalling of hypercall structures, no hypervisor. */
#include "private.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <xen/sched.h>
#include <stdlib.h>
#include <string.h>

/* What Xen 4.17 on x86 reports: both grant table versions. */
static unsigned x86_gnttab_max(void)
{
    struct xen_sysctl_physinfo in;
    struct xkc_physinfo pi;
    memset(&in, 0, sizeof in);
    in.capabilities = XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_gnttab_v1 | XEN_SYSCTL_PHYSCAP_gnttab_v2;
    xkc__decode_physinfo(&in, &pi);
    return xkc__gnttab_version_max(&pi);
}

static struct xen_domctl pack_ok(enum xkc_domain_type t)
{
    struct xkc_domain_config cfg;
    struct xen_domctl d;
    const char *why;
    xkc_domain_config_init(&cfg, t);
    cfg.max_vcpus = 4;
    cfg.max_grant_version = x86_gnttab_max();   /* as xkc_domain_create resolves 0 */
    ck_assert_int_eq(xkc__pack_createdomain(&d, &cfg, 0, &why), 0);
    ck_assert_ptr_null(why);
    return d;
}

START_TEST(create_pv)
{
    struct xen_domctl d = pack_ok(XKC_DOMAIN_PV);
    ck_assert_uint_eq(d.cmd, XEN_DOMCTL_createdomain);
    ck_assert_uint_eq(d.domain, 0);
    ck_assert_uint_eq(d.u.createdomain.flags, 0);   /* no hvm, no hap */
    ck_assert_uint_eq(d.u.createdomain.arch.emulation_flags, 0);
    ck_assert_uint_eq(d.u.createdomain.max_vcpus, 4);
    ck_assert_uint_eq(d.u.createdomain.max_evtchn_port, 1023);
    /* libxl's defaults: the hypervisor's frame limits, grant v2 allowed */
    ck_assert_int_eq(d.u.createdomain.max_grant_frames, -1);
    ck_assert_int_eq(d.u.createdomain.max_maptrack_frames, -1);
    ck_assert_uint_eq(d.u.createdomain.grant_opts, XEN_DOMCTL_GRANT_version(2));
}
END_TEST

START_TEST(gnttab_defaults)
{
    struct xkc_domain_config cfg;
    struct xen_domctl d;
    const char *why;
    xkc_domain_config_init(&cfg, XKC_DOMAIN_PVH);
    ck_assert_int_eq(cfg.max_grant_frames, -1);
    ck_assert_int_eq(cfg.max_maptrack_frames, -1);
    ck_assert_uint_eq(cfg.max_grant_version, 0);   /* resolved at create */
    /* unresolved is refused by the packer (never sent as version 0) */
    ck_assert_int_eq(xkc__pack_createdomain(&d, &cfg, 0, &why), -1);
    ck_assert_ptr_nonnull(strstr(why, "max_grant_version"));
    /* the highest version the hypervisor offers */
    struct xkc_physinfo pi;
    memset(&pi, 0, sizeof pi);
    ck_assert_uint_eq(xkc__gnttab_version_max(&pi), 0);
    pi.cap_gnttab_v1 = true;
    ck_assert_uint_eq(xkc__gnttab_version_max(&pi), 1);
    pi.cap_gnttab_v2 = true;
    ck_assert_uint_eq(xkc__gnttab_version_max(&pi), 2);
    pi.cap_gnttab_v1 = false;
    ck_assert_uint_eq(xkc__gnttab_version_max(&pi), 2);
    ck_assert_uint_eq(x86_gnttab_max(), 2);
    /* explicit limits (xl.cfg max_grant_frames= etc.) are packed as given */
    cfg.max_grant_version = 1;
    cfg.max_grant_frames = 32;
    cfg.max_maptrack_frames = 0;
    ck_assert_int_eq(xkc__pack_createdomain(&d, &cfg, 0, &why), 0);
    ck_assert_int_eq(d.u.createdomain.max_grant_frames, 32);
    ck_assert_int_eq(d.u.createdomain.max_maptrack_frames, 0);
    ck_assert_uint_eq(d.u.createdomain.grant_opts, XEN_DOMCTL_GRANT_version(1));
}
END_TEST

START_TEST(create_pvh_hvm)
{
    struct xen_domctl d = pack_ok(XKC_DOMAIN_PVH);
    ck_assert_uint_eq(d.u.createdomain.flags, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap);
    ck_assert_uint_eq(d.u.createdomain.arch.emulation_flags, XEN_X86_EMU_LAPIC);
    d = pack_ok(XKC_DOMAIN_HVM);
    ck_assert_uint_eq(d.u.createdomain.flags, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap);
    ck_assert_uint_eq(d.u.createdomain.arch.emulation_flags, XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI);
}
END_TEST

START_TEST(create_options)
{
    struct xkc_domain_config cfg;
    struct xen_domctl d;
    const char *why;
    xkc_domain_config_init(&cfg, XKC_DOMAIN_HVM);
    cfg.hap = false;
    cfg.oos_off = cfg.iommu = cfg.nested_virt = cfg.vpmu = cfg.xs_domain = true;
    cfg.msr_relaxed = true;
    cfg.max_grant_version = 2;
    cfg.ssidref = 7;
    cfg.cpupool_id = 3;
    cfg.vmtrace_size = 65536;
    memset(cfg.handle, 0xab, 16);
    ck_assert_int_eq(xkc__pack_createdomain(&d, &cfg, 42, &why), 0);
    ck_assert_uint_eq(d.domain, 42);
    ck_assert_uint_eq(d.u.createdomain.flags,
                      XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_oos_off | XEN_DOMCTL_CDF_iommu |
                      XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu |
                      XEN_DOMCTL_CDF_xs_domain);
    ck_assert_uint_eq(d.u.createdomain.arch.misc_flags, XEN_X86_MSR_RELAXED);
    ck_assert_uint_eq(d.u.createdomain.grant_opts, 2);
    ck_assert_uint_eq(d.u.createdomain.ssidref, 7);
    ck_assert_uint_eq(d.u.createdomain.cpupool_id, 3);
    ck_assert_uint_eq(d.u.createdomain.vmtrace_size, 65536);
    ck_assert_uint_eq(d.u.createdomain.handle[15], 0xab);
}
END_TEST

START_TEST(create_rejects)
{
    struct xkc_domain_config cfg;
    struct xen_domctl d;
    const char *why;
    xkc_domain_config_init(&cfg, XKC_DOMAIN_PV);
    cfg.max_vcpus = 0;
    ck_assert_int_eq(xkc__pack_createdomain(&d, &cfg, 0, &why), -1);
    ck_assert_str_eq(why, "max_vcpus must be at least 1");
    xkc_domain_config_init(&cfg, XKC_DOMAIN_PV);
    cfg.hap = true;
    ck_assert_int_eq(xkc__pack_createdomain(&d, &cfg, 0, &why), -1);
    ck_assert_ptr_nonnull(strstr(why, "PVH or HVM"));
    xkc_domain_config_init(&cfg, XKC_DOMAIN_PVH);
    cfg.max_grant_version = 3;
    ck_assert_int_eq(xkc__pack_createdomain(&d, &cfg, 0, &why), -1);
    xkc_domain_config_init(&cfg, XKC_DOMAIN_PVH);
    cfg.max_grant_version = 1;
    ck_assert_int_eq(xkc__pack_createdomain(&d, &cfg, DOMID_FIRST_RESERVED, &why), -1);
    ck_assert_str_eq(why, "invalid domain id");
    cfg.type = (enum xkc_domain_type)9;
    ck_assert_int_eq(xkc__pack_createdomain(&d, &cfg, 1, &why), -1);
}
END_TEST

START_TEST(dominfo_decode)
{
    struct xen_domctl_getdomaininfo in;
    struct xkc_dominfo out;
    memset(&in, 0, sizeof in);
    in.domain = 12;
    in.flags = XEN_DOMINF_hvm_guest | XEN_DOMINF_shutdown | XEN_DOMINF_paused | XEN_DOMINF_hap |
               (SHUTDOWN_reboot << XEN_DOMINF_shutdownshift);
    in.tot_pages = 4096;
    in.max_pages = 8192;
    in.shared_info_frame = 0xfeff;
    in.cpu_time = 123456789;
    in.nr_online_vcpus = 2;
    in.max_vcpu_id = 1;
    in.cpupool = 5;
    in.gpaddr_bits = 48;
    in.handle[0] = 0x11;
    in.arch_config.emulation_flags = XEN_X86_EMU_LAPIC;
    xkc__decode_dominfo(&in, &out);
    ck_assert_uint_eq(out.domid, 12);
    ck_assert(out.hvm && out.shutdown && out.paused && out.hap);
    ck_assert(!out.dying && !out.running && !out.blocked && !out.xs_domain);
    ck_assert_uint_eq(out.shutdown_reason, SHUTDOWN_reboot);
    ck_assert_uint_eq(out.tot_pages, 4096);
    ck_assert_uint_eq(out.max_pages, 8192);
    ck_assert_uint_eq(out.shared_info_frame, 0xfeff);
    ck_assert_uint_eq(out.cpu_time_ns, 123456789);
    ck_assert_uint_eq(out.nr_online_vcpus, 2);
    ck_assert_uint_eq(out.cpupool, 5);
    ck_assert_uint_eq(out.gpaddr_bits, 48);
    ck_assert_uint_eq(out.handle[0], 0x11);
    ck_assert_uint_eq(out.emulation_flags, XEN_X86_EMU_LAPIC);
}
END_TEST

START_TEST(physinfo_decode)
{
    struct xen_sysctl_physinfo in;
    struct xkc_physinfo out;
    memset(&in, 0, sizeof in);
    in.nr_cpus = 2;
    in.max_cpu_id = 1;
    in.cpu_khz = 2994372;
    in.total_pages = 786432;
    in.free_pages = 1000;
    in.outstanding_pages = 10;
    in.hw_cap[7] = 0xdeadbeef;
    in.capabilities = XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_shadow |
                      XEN_SYSCTL_PHYSCAP_gnttab_v1 | XEN_SYSCTL_PHYSCAP_gnttab_v2;
    xkc__decode_physinfo(&in, &out);
    ck_assert(out.cap_pv && out.cap_hvm && out.cap_shadow && out.cap_gnttab_v1 &&
              out.cap_gnttab_v2);
    ck_assert(!out.cap_hap && !out.cap_directio && !out.cap_vmtrace && !out.cap_vpmu &&
              !out.cap_iommu_hap_pt_share);
    ck_assert_uint_eq(out.nr_cpus, 2);
    ck_assert_uint_eq(out.cpu_khz, 2994372);
    ck_assert_uint_eq(out.total_pages, 786432);
    ck_assert_uint_eq(out.outstanding_pages, 10);
    ck_assert_uint_eq(out.hw_cap[7], 0xdeadbeef);
    ck_assert_uint_eq(out.capabilities_raw, in.capabilities);
}
END_TEST

START_TEST(range_plan)
{
    struct xkc__run r;
    /* Aligned 16 MiB: one run of eight 2 MiB extents. */
    ck_assert_int_eq(xkc__range_next_run(0, 4096, &r), 1);
    ck_assert_uint_eq(r.order, 9);
    ck_assert_uint_eq(r.count, 8);
    ck_assert_uint_eq(r.start, 0);
    /* Unaligned start: 4 KiB pages up to the next 2 MiB boundary. */
    ck_assert_int_eq(xkc__range_next_run(0x100, 4096, &r), 1);
    ck_assert_uint_eq(r.order, 0);
    ck_assert_uint_eq(r.count, 0x100);
    /* Aligned but short: pages. */
    ck_assert_int_eq(xkc__range_next_run(512, 100, &r), 1);
    ck_assert_uint_eq(r.order, 0);
    ck_assert_uint_eq(r.count, 100);
    ck_assert_int_eq(xkc__range_next_run(7, 0, &r), 0);
    /* Walking a whole ragged range covers every page exactly once. */
    xen_pfn_t first = 3, pos = first;
    uint64_t nr = 5000, left = nr, covered = 0;
    while (xkc__range_next_run(pos, left, &r)) {
        ck_assert_uint_eq(r.start, pos);
        if (r.order)
            ck_assert_uint_eq(r.start % 512, 0);
        uint64_t pages = r.count << r.order;
        pos += pages;
        left -= pages;
        covered += pages;
    }
    ck_assert_uint_eq(covered, nr);
}
END_TEST

START_TEST(gnttab_entries)
{
    grant_entry_v1_t t[8];
    memset(t, 0xff, sizeof t);
    xkc__gnttab_set_entry(t, GNTTAB_RESERVED_CONSOLE, 0x1234, 0);
    xkc__gnttab_set_entry(t, GNTTAB_RESERVED_XENSTORE, 0x1235, 7);
    ck_assert_uint_eq(t[0].frame, 0x1234);
    ck_assert_uint_eq(t[0].domid, 0);
    ck_assert_uint_eq(t[0].flags, GTF_permit_access);
    ck_assert_uint_eq(t[1].frame, 0x1235);
    ck_assert_uint_eq(t[1].domid, 7);
    ck_assert_uint_eq(t[1].flags, GTF_permit_access);
    ck_assert_uint_eq(t[2].flags, 0xffff);   /* untouched */
}
END_TEST

START_TEST(hex_and_bits)
{
    const unsigned char id[] = { 0x00, 0x9f, 0xa0, 0xff };
    char out[16];
    xkc__hex(id, sizeof id, out, sizeof out);
    ck_assert_str_eq(out, "009fa0ff");
    xkc__hex(id, sizeof id, out, 5);   /* truncates on whole bytes */
    ck_assert_str_eq(out, "009f");
    const uint8_t map[] = { 0x03, 0x80, 0x00, 0xff };
    ck_assert_uint_eq(xkc__bitmap_weight(map, sizeof map), 11);
    ck_assert_uint_eq(xkc__bitmap_weight(map, 0), 0);
}
END_TEST

START_TEST(sched_names)
{
    ck_assert_str_eq(xkc_sched_name(XEN_SCHEDULER_CREDIT2), "credit2");
    ck_assert_str_eq(xkc_sched_name(XEN_SCHEDULER_CREDIT), "credit");
    ck_assert_str_eq(xkc_sched_name(XEN_SCHEDULER_NULL), "null");
    ck_assert_ptr_null(xkc_sched_name(4));   /* sedf: removed */
}
END_TEST

START_TEST(abi_table)
{
    uint32_t dv, sv;
    const char *rel;
    xkc_abi_versions(&dv, &sv, &rel);
    ck_assert_uint_eq(dv, XEN_DOMCTL_INTERFACE_VERSION);
    ck_assert_uint_eq(sv, XEN_SYSCTL_INTERFACE_VERSION);
    ck_assert_str_eq(rel, "4.17");
    ck_assert_ptr_eq(xkc__abi_for_release(4, 17), xkc__abi_built());
    ck_assert_ptr_null(xkc__abi_for_release(4, 99));
    char msg[256];
    xkc__abi_mismatch_message(msg, sizeof msg, "sysctl", 4, 99);
    /* Names the hypervisor, the interface and our version. */
    ck_assert_ptr_nonnull(strstr(msg, "Xen 4.99"));
    ck_assert_ptr_nonnull(strstr(msg, "sysctl"));
    char ours[16];
    snprintf(ours, sizeof ours, "0x%08x", XEN_SYSCTL_INTERFACE_VERSION);
    ck_assert_ptr_nonnull(strstr(msg, ours));
    ck_assert_ptr_nonnull(strstr(msg, "4.17"));
}
END_TEST

static void fmt(char *buf, size_t len, int err, const char *f, ...)
    __attribute__((format(printf, 4, 5)));
static void fmt(char *buf, size_t len, int err, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    xkc__format_error(buf, len, err, f, ap);
    va_end(ap);
}

START_TEST(error_format)
{
    char buf[128];
    fmt(buf, sizeof buf, ENOMEM, "domctl %s (domain %u)", "createdomain", 5u);
    ck_assert_str_eq(buf, "domctl createdomain (domain 5): Cannot allocate memory");
    fmt(buf, sizeof buf, 0, "plain");
    ck_assert_str_eq(buf, "plain");
    fmt(buf, 8, ENOMEM, "a very long operation name");
    ck_assert_uint_eq(strlen(buf), 7);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ctrl_marshal");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, create_pv);
    tcase_add_test(tc, create_pvh_hvm);
    tcase_add_test(tc, gnttab_defaults);
    tcase_add_test(tc, create_options);
    tcase_add_test(tc, create_rejects);
    tcase_add_test(tc, dominfo_decode);
    tcase_add_test(tc, physinfo_decode);
    tcase_add_test(tc, range_plan);
    tcase_add_test(tc, gnttab_entries);
    tcase_add_test(tc, hex_and_bits);
    tcase_add_test(tc, sched_names);
    tcase_add_test(tc, abi_table);
    tcase_add_test(tc, error_format);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
