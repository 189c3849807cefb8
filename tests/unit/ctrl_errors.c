/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxkctrl error paths without a hypervisor: every public call, given a
 * handle whose devices are not open (or invalid arguments), must fail with
 * -1/NULL, the right errno, and a message naming the operation and domain.
 */
#include "private.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <xen/sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/hvm/params.h>

static xkc_handle *h;

static void setup(void)
{
    h = xkc__handle_new();
    ck_assert_ptr_nonnull(h);
}

static void teardown(void)
{
    xkc_close(h);
    h = NULL;
}

/* The call failed with err and the message contains every fragment. */
static void expect(int rc, int err, const char *frag1, const char *frag2)
{
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(xkc_errno(h) == err, "errno %d (%s), want %d; message '%s'", xkc_errno(h),
                  strerror(xkc_errno(h)), err, xkc_error(h));
    ck_assert_int_eq(errno, err);
    ck_assert_msg(strstr(xkc_error(h), frag1), "'%s' lacks '%s'", xkc_error(h), frag1);
    if (frag2)
        ck_assert_msg(strstr(xkc_error(h), frag2), "'%s' lacks '%s'", xkc_error(h), frag2);
    ck_assert_msg(strstr(xkc_error(h), strerror(err)), "'%s' lacks errno text", xkc_error(h));
}

#define EXPECT(call, err, f1, f2) expect((call), (err), (f1), (f2))
#define EXPECT_NULL(call, err, f1, f2) expect((call) ? 0 : -1, (err), (f1), (f2))

START_TEST(open_without_privcmd)
{
    if (access("/dev/xen/privcmd", F_OK) == 0)
        return;   /* on a dom0: nothing to check here */
    char err[256] = "junk";
    errno = 0;
    xkc_handle *x = xkc_open(err, sizeof err);
    ck_assert_ptr_null(x);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_ptr_nonnull(strstr(err, "/dev/xen/privcmd"));
    ck_assert_ptr_nonnull(strstr(err, "dom0"));
    ck_assert_ptr_nonnull(strstr(err, strerror(ENOENT)));
    /* A NULL message buffer is fine too. */
    ck_assert_ptr_null(xkc_open(NULL, 0));
    xkc_close(NULL);
}
END_TEST

START_TEST(fresh_handle)
{
    struct xkc_stats st;
    ck_assert_str_eq(xkc_error(h), "");
    ck_assert_int_eq(xkc_errno(h), 0);
    xkc_stats(h, &st);
    ck_assert_uint_eq(st.hypercalls, 0);
    ck_assert_str_eq(xkc_version(), PACKAGE_VERSION);
}
END_TEST

START_TEST(host_calls)
{
    struct xkc_xen_version v;
    struct xkc_physinfo pi;
    unsigned u, n = 4;
    uint64_t a, b;
    struct xkc_cputopo topo[4];
    struct xkc_numa_node nodes[4];
    uint32_t idx = 0;
    char buf[64], *text;
    EXPECT(xkc_xen_version(h, &v), EBADF, "xen_version version", NULL);
    EXPECT(xkc_xen_capabilities(h, buf, sizeof buf), EBADF, "xen_version capabilities", NULL);
    EXPECT(xkc_xen_capabilities(h, NULL, sizeof buf), EINVAL, "xen_version capabilities", NULL);
    EXPECT(xkc_xen_capabilities(h, buf, 0), EINVAL, "xen_version capabilities", NULL);
    EXPECT(xkc_physinfo(h, &pi), EBADF, "sysctl physinfo", NULL);
    EXPECT(xkc_sched_id(h, &u), EBADF, "sysctl sched_id", NULL);
    EXPECT(xkc_free_cpus(h, &u), EBADF, "sysctl physinfo", NULL);
    EXPECT(xkc_sharing_pages(h, &a, &b), EBADF, "memory_op get_sharing_freed_pages", NULL);
    EXPECT(xkc_cputopo(h, topo, &n), EBADF, "sysctl cputopoinfo", NULL);
    n = 4;
    EXPECT(xkc_cputopo(h, NULL, &n), EINVAL, "cputopoinfo", NULL);
    n = 4;
    EXPECT(xkc_numainfo(h, nodes, NULL, &n), EBADF, "sysctl numainfo", NULL);
    EXPECT(xkc_numainfo(h, NULL, NULL, &n), EINVAL, "numainfo", NULL);
    EXPECT(xkc_console_read(h, &idx, false, buf, sizeof buf), EBADF, "sysctl readconsole", NULL);
    EXPECT(xkc_console_read(h, &idx, false, buf, 0), EINVAL, "readconsole", NULL);
    EXPECT(xkc_dmesg(h, true, &text, NULL), EBADF, "sysctl readconsole", NULL);
    /* Failures are counted, and each one is one hypercall. */
    struct xkc_stats st;
    xkc_stats(h, &st);
    ck_assert_uint_eq(st.hypercalls, st.hypercall_failures);
    ck_assert_uint_ge(st.sysctl, 6);
    ck_assert_uint_ge(st.buffer_allocs, 1);
    ck_assert_uint_ge(st.buffer_cache_hits, 1);   /* buffers are reused */
}
END_TEST

START_TEST(domain_calls)
{
    struct xkc_dominfo di[2];
    struct xkc_domain_config cfg;
    uint32_t domid = 0;
    unsigned u;
    uint64_t q;
    uint8_t uuid[16] = { 0 };
    xkc_domain_config_init(&cfg, XKC_DOMAIN_PV);
    EXPECT(xkc_domain_create(h, &cfg, &domid), EBADF, "domctl createdomain (domain 0)", NULL);
    cfg.max_vcpus = 0;
    EXPECT(xkc_domain_create(h, &cfg, &domid), EINVAL, "createdomain", "max_vcpus");
    EXPECT(xkc_domain_create(h, NULL, &domid), EINVAL, "createdomain", NULL);
    EXPECT(xkc_domain_destroy(h, 5), EBADF, "domctl destroydomain (domain 5)", NULL);
    EXPECT(xkc_domain_destroy(h, 0x7ff0), EINVAL, "destroydomain (domain 32752)", NULL);
    EXPECT(xkc_domain_pause(h, 5), EBADF, "domctl pausedomain (domain 5)", NULL);
    EXPECT(xkc_domain_unpause(h, 5), EBADF, "domctl unpausedomain (domain 5)", NULL);
    EXPECT(xkc_domain_unpause(h, 70000), EINVAL, "domctl unpausedomain (domain 70000)",
           "invalid domain id");
    EXPECT(xkc_domain_info(h, 5, di), EBADF, "domctl getdomaininfo (domain 5)", NULL);
    EXPECT(xkc_domain_info(h, 99999, di), EINVAL, "getdomaininfo (domain 99999)", NULL);
    EXPECT(xkc_domain_list(h, 0, di, 2), EBADF, "sysctl getdomaininfolist", NULL);
    EXPECT(xkc_domain_list(h, 0, NULL, 2), EINVAL, "getdomaininfolist", NULL);
    EXPECT(xkc_domain_shutdown(h, 5, SHUTDOWN_poweroff), EBADF,
           "sched_op remote_shutdown (domain 5)", NULL);
    EXPECT(xkc_domain_shutdown(h, 0xffff, 0), EINVAL, "remote_shutdown", NULL);
    EXPECT(xkc_domain_max_vcpus(h, 5, 2), EBADF, "domctl max_vcpus (domain 5)", NULL);
    EXPECT(xkc_domain_set_maxmem(h, 5, 1024), EBADF, "domctl max_mem (domain 5)", NULL);
    EXPECT(xkc_domain_set_address_size(h, 5, 64), EBADF, "set_address_size (domain 5)", NULL);
    EXPECT(xkc_domain_get_address_size(h, 5, &u), EBADF, "get_address_size (domain 5)", NULL);
    EXPECT(xkc_domain_set_handle(h, 5, uuid), EBADF, "setdomainhandle (domain 5)", NULL);
    EXPECT(xkc_domain_set_time_offset(h, 5, 3600), EBADF, "settimeoffset (domain 5)", NULL);
    EXPECT(xkc_domain_set_tsc(h, 5, 2, 0, 0, 0), EBADF, "settscinfo (domain 5)", NULL);
    EXPECT(xkc_domain_hypercall_init(h, 5, 0x100), EBADF, "hypercall_init (domain 5)", NULL);
    EXPECT(xkc_domain_paging_mempool_get(h, 5, &q), EBADF, "get_paging_mempool_size (domain 5)",
           NULL);
    EXPECT(xkc_domain_paging_mempool_set(h, 5, 1 << 20), EBADF,
           "set_paging_mempool_size (domain 5)", NULL);
}
END_TEST

START_TEST(hvm_calls)
{
    uint64_t v;
    void *buf;
    size_t len;
    char rec[16] = { 0 };
    EXPECT(xkc_hvm_param_set(h, 5, HVM_PARAM_STORE_PFN, 0xfeffc), EBADF,
           "hvm_op set_param 1 (domain 5)", NULL);
    EXPECT(xkc_hvm_param_get(h, 5, HVM_PARAM_STORE_EVTCHN, &v), EBADF,
           "hvm_op get_param 2 (domain 5)", NULL);
    EXPECT(xkc_hvm_param_get(h, 5, HVM_NR_PARAMS, &v), EINVAL, "no such param", NULL);
    EXPECT(xkc_hvm_param_set(h, 0x7ff0, 1, 1), EINVAL, "set_param", "invalid domain id");
    EXPECT(xkc_hvm_context_get(h, 5, &buf, &len), EBADF, "domctl gethvmcontext (domain 5)", NULL);
    EXPECT(xkc_hvm_context_get(h, 5, NULL, &len), EINVAL, "gethvmcontext", NULL);
    EXPECT(xkc_hvm_context_set(h, 5, rec, sizeof rec), EBADF, "domctl sethvmcontext (domain 5)",
           NULL);
    EXPECT(xkc_hvm_context_set(h, 5, rec, 0), EINVAL, "sethvmcontext", NULL);
}
END_TEST

START_TEST(vcpu_calls)
{
    vcpu_guest_context_t ctx;
    struct xkc_vcpuinfo vi;
    uint8_t hard[8], soft[8];
    unsigned w, c;
    memset(&ctx, 0, sizeof ctx);
    memset(hard, 0xff, sizeof hard);
    memset(soft, 0xff, sizeof soft);
    EXPECT(xkc_vcpu_set_context(h, 5, 0, &ctx), EBADF, "domctl setvcpucontext (domain 5)", NULL);
    EXPECT(xkc_vcpu_set_context(h, 5, 0, NULL), EINVAL, "setvcpucontext", NULL);
    EXPECT(xkc_vcpu_get_context(h, 5, 0, &ctx), EBADF, "domctl getvcpucontext (domain 5)", NULL);
    EXPECT(xkc_vcpu_info(h, 5, 0, &vi), EBADF, "domctl getvcpuinfo (domain 5)", NULL);
    EXPECT(xkc_vcpu_set_affinity(h, 5, 0, hard, soft, sizeof hard), EBADF,
           "domctl setvcpuaffinity (domain 5)", NULL);
    EXPECT(xkc_vcpu_set_affinity(h, 5, 0, NULL, NULL, 8), EINVAL, "setvcpuaffinity", NULL);
    EXPECT(xkc_vcpu_get_affinity(h, 5, 0, hard, NULL, sizeof hard), EBADF,
           "domctl getvcpuaffinity (domain 5)", NULL);
    EXPECT(xkc_sched_credit2_get(h, 5, &w, &c), EBADF, "domctl scheduler_op (domain 5)", NULL);
    EXPECT(xkc_sched_credit2_set(h, 5, 256, 0), EBADF, "domctl scheduler_op (domain 5)", NULL);
    EXPECT(xkc_sched_credit2_set(h, 5, 70000, 0), EINVAL, "scheduler_op", "out of range");
    EXPECT(xkc_sched_credit_get(h, 5, &w, &c), EBADF, "domctl scheduler_op (domain 5)", NULL);
    EXPECT(xkc_sched_credit_set(h, 5, 256, 50), EBADF, "domctl scheduler_op (domain 5)", NULL);
}
END_TEST

START_TEST(memory_calls)
{
    xen_pfn_t pfns[4] = { 0, 1, 2, 3 }, gpfn;
    size_t done = 99;
    uint64_t done_pages = 99;
    struct xkc_e820 map[1] = { { 0, 1 << 20, 1 } };
    EXPECT(xkc_populate_physmap(h, 5, pfns, 4, 0, &done), EBADF,
           "memory_op populate_physmap (domain 5", NULL);
    ck_assert_uint_eq(done, 0);
    EXPECT(xkc_populate_physmap(h, 5, NULL, 4, 0, &done), EINVAL, "no frame list", NULL);
    EXPECT(xkc_populate_physmap(h, 5, pfns, 4, 40, &done), EINVAL, "order 40", NULL);
    EXPECT(xkc_populate_range(h, 5, 0, 4096, &done_pages), EBADF,
           "populate_physmap (domain 5, 8 extents of order 9", NULL);
    ck_assert_uint_eq(done_pages, 0);
    EXPECT(xkc_increase_reservation(h, 5, pfns, 4, 0, &done), EBADF,
           "memory_op increase_reservation (domain 5", NULL);
    EXPECT(xkc_decrease_reservation(h, 5, pfns, 4, 0, &done), EBADF,
           "memory_op decrease_reservation (domain 5", NULL);
    EXPECT(xkc_decrease_reservation(h, 0x7ff5, pfns, 4, 0, &done), EINVAL, "invalid domain id",
           NULL);
    /* dom0's own memory is never ours to change or map */
    EXPECT(xkc_decrease_reservation(h, 0, pfns, 4, 0, &done), EPERM,
           "memory_op decrease_reservation: refusing to change domain 0's memory", NULL);
    EXPECT(xkc_populate_physmap(h, 0, pfns, 4, 0, &done), EPERM, "refusing to change domain 0", NULL);
    EXPECT(xkc_maximum_gpfn(h, 5, &gpfn), EBADF, "memory_op maximum_gpfn (domain 5)", NULL);
    EXPECT(xkc_claim_pages(h, 5, 100), EBADF, "memory_op claim_pages (domain 5, 100 pages)",
           NULL);
    EXPECT(xkc_add_to_physmap(h, 5, XENMAPSPACE_shared_info, 0, 0xfeffd), EBADF,
           "memory_op add_to_physmap (domain 5", NULL);
    EXPECT(xkc_set_memory_map(h, 5, map, 1), EBADF, "memory_op set_memory_map (domain 5)", NULL);
    EXPECT(xkc_set_memory_map(h, 5, map, 0), EINVAL, "set_memory_map", NULL);
    EXPECT(xkc_mmuext_pin_table(h, 5, 4, 0x1000), EBADF, "mmuext_op pin L4 table (domain 5",
           NULL);
    EXPECT(xkc_mmuext_pin_table(h, 5, 5, 0x1000), EINVAL, "level 5", NULL);
}
END_TEST

START_TEST(foreign_calls)
{
    xen_pfn_t gfns[2] = { 0x10, 0x11 };
    int errs[2];
    EXPECT_NULL(xkc_foreign_map(h, 5, PROT_READ, gfns, errs, 2), EBADF,
                "foreign map (domain 5, 2 frames from gfn 0x10)", NULL);
    EXPECT_NULL(xkc_foreign_map(h, 5, PROT_READ, gfns, NULL, 0), EINVAL, "foreign map", NULL);
    EXPECT_NULL(xkc_foreign_map(h, 0, PROT_READ, gfns, NULL, 1), EPERM,
                "foreign map: refusing to map domain 0's own memory", NULL);
    EXPECT_NULL(xkc_resource_map(h, 0, XENMEM_resource_grant_table, 0, 0, 1, PROT_READ), EPERM,
                "refusing to map domain 0", NULL);
    EXPECT_NULL(xkc_foreign_map(h, 0x7ff0, PROT_READ, gfns, NULL, 1), EINVAL, "invalid domain",
                NULL);
    EXPECT(xkc_foreign_unmap(h, NULL, 1), EINVAL, "foreign unmap", NULL);
    EXPECT_NULL(xkc_resource_map(h, 5, XENMEM_resource_grant_table, 0, 0, 1,
                                 PROT_READ | PROT_WRITE), EBADF, "resource map (domain 5", NULL);
    EXPECT_NULL(xkc_resource_map(h, 5, 1, 0, 0, 0, PROT_READ), EINVAL, "resource map", NULL);
    EXPECT(xkc_resource_unmap(h, NULL, 1), EINVAL, "resource unmap", NULL);
}
END_TEST

START_TEST(evtchn_calls)
{
    uint32_t port;
    EXPECT(xkc_evtchn_alloc_unbound(h, 5, 0, &port), EBADF,
           "event_channel_op alloc_unbound (domain 5, remote 0)", NULL);
    EXPECT(xkc_evtchn_alloc_unbound(h, 5, 0x7ff1, &port), EINVAL, "alloc_unbound", NULL);
    EXPECT(xkc_evtchn_bind_interdomain(h, 0x7ff1, 3, &port), EINVAL, "bind_interdomain", NULL);
    EXPECT(xkc_evtchn_bind_unbound(h, 0x7ff1, &port), EINVAL, "bind_unbound", NULL);
    EXPECT(xkc_evtchn_bind_virq(h, NR_VIRQS, &port), EINVAL, "bind_virq", NULL);
    if (access("/dev/xen/evtchn", F_OK) == 0)
        return;
    /* No event channel device here: each call says so. */
    EXPECT(xkc_evtchn_fd(h), ENOENT, "evtchn fd: open event channel device", NULL);
    EXPECT(xkc_evtchn_bind_interdomain(h, 5, 3, &port), ENOENT, "evtchn bind_interdomain", NULL);
    EXPECT(xkc_evtchn_bind_unbound(h, 5, &port), ENOENT, "evtchn bind_unbound", NULL);
    EXPECT(xkc_evtchn_bind_virq(h, VIRQ_DOM_EXC, &port), ENOENT, "evtchn bind_virq", NULL);
    EXPECT(xkc_evtchn_notify(h, 3), ENOENT, "evtchn notify", NULL);
    EXPECT(xkc_evtchn_unbind(h, 3), ENOENT, "evtchn unbind", NULL);
    EXPECT(xkc_evtchn_pending(h, &port), ENOENT, "evtchn pending", NULL);
    EXPECT(xkc_evtchn_unmask(h, 3), ENOENT, "evtchn unmask", NULL);
}
END_TEST

START_TEST(gnttab_calls)
{
    EXPECT(xkc_gnttab_seed(h, 5, 0x100, 0, 0x101, 0), EBADF, "gnttab seed (domain 5)",
           "map grant frame 0");
    EXPECT(xkc_gnttab_seed(h, 5, (xen_pfn_t)1 << 40, 0, XKC_NO_GFN, 0), EINVAL, "32 bits", NULL);
    EXPECT(xkc_gnttab_seed(h, 5, 1, 0x7ff2, 2, 0), EINVAL, "invalid domain id", NULL);
    int x;
    EXPECT(xkc_gntdev_unmap(h, &x), EINVAL, "not a gntdev mapping", NULL);
    EXPECT_NULL(xkc_gntdev_map(h, 0x7ff0, 1, PROT_READ), EINVAL, "gntdev map", NULL);
    if (access("/dev/xen/gntdev", F_OK) == 0)
        return;
    EXPECT_NULL(xkc_gntdev_map(h, 5, 8, PROT_READ), ENOENT, "gntdev map (domain 5, ref 8)",
                "open grant device");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ctrl_errors");
    TCase *tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, open_without_privcmd);
    tcase_add_test(tc, fresh_handle);
    tcase_add_test(tc, host_calls);
    tcase_add_test(tc, domain_calls);
    tcase_add_test(tc, hvm_calls);
    tcase_add_test(tc, vcpu_calls);
    tcase_add_test(tc, memory_calls);
    tcase_add_test(tc, foreign_calls);
    tcase_add_test(tc, evtchn_calls);
    tcase_add_test(tc, gnttab_calls);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
