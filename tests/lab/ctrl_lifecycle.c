/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lab test of libxkctrl against a real Xen: an empty PV domain from birth to
 * death (memory, pause, foreign mapping, event channel, grant seeding), then
 * an empty PVH domain (2 MiB populate, HVM params, paging pool, HVM context),
 * checking that Xen's free memory comes back. Prints each step and its
 * hypercall count; exits non-zero on the first failure.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xkit/ctrl.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/grant_table.h>
#include <xen/sched.h>
#include <xen/sys/gntalloc.h>
#include <fcntl.h>
#include <sys/ioctl.h>

#define MIB_PAGES 256u
#define GUEST_PAGES (16 * MIB_PAGES)

static xkc_handle *h;
static struct xkc_stats last;
static uint32_t domid_pv, domid_pvh;   /* 0: none to clean up */

static void step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void step(const char *fmt, ...)
{
    struct xkc_stats st;
    xkc_stats(h, &st);
    va_list ap;
    va_start(ap, fmt);
    printf("ctrl: ");
    vprintf(fmt, ap);
    va_end(ap);
    printf(" [hypercalls=%" PRIu64 " domctl=%" PRIu64 " sysctl=%" PRIu64 " memory_op=%" PRIu64
           " other=%" PRIu64 "]\n", st.hypercalls - last.hypercalls,
           st.domctl - last.domctl, st.sysctl - last.sysctl, st.memory_op - last.memory_op,
           (st.hypercalls - last.hypercalls) - (st.domctl - last.domctl) -
               (st.sysctl - last.sysctl) - (st.memory_op - last.memory_op));
    fflush(stdout);
    last = st;
}

static void die(const char *what)
{
    printf("FAIL: %s: %s\n", what, xkc_error(h));
    if (domid_pv)
        xkc_domain_destroy(h, domid_pv);
    if (domid_pvh)
        xkc_domain_destroy(h, domid_pvh);
    exit(1);
}

#define CHECK(call, what) do { if ((call) < 0) die(what); } while (0)
static void fail_now(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail_now(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    if (domid_pv)
        xkc_domain_destroy(h, domid_pv);
    if (domid_pvh)
        xkc_domain_destroy(h, domid_pvh);
    exit(1);
}

#define EXPECT(cond, ...) do { if (!(cond)) fail_now(__VA_ARGS__); } while (0)

static uint64_t free_pages(void)
{
    struct xkc_physinfo pi;
    CHECK(xkc_physinfo(h, &pi), "physinfo");
    /* Pages still being scrubbed are free, just not yet clean. */
    return pi.free_pages;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* Destroy and wait until Xen has forgotten the domain. */
static void destroy(uint32_t domid)
{
    struct xkc_dominfo di;
    CHECK(xkc_domain_destroy(h, domid), "destroy");
    double t0 = now();
    while (xkc_domain_info(h, domid, &di) == 0) {
        EXPECT(now() - t0 < 10, "domain %u still exists 10 s after destroy", domid);
        usleep(10000);
    }
    EXPECT(xkc_errno(h) == ESRCH, "info after destroy: %s", xkc_error(h));
}

/* Poll until Xen's free memory is back at start (scrubbing and RCU-deferred
 * frees take a moment). strict=false: the first cycle may leave one-time
 * growth of dom0's own structures (e.g. a new event channel bucket for the
 * port dom0 bound), which is reported, not failed. */
static void wait_free_back(uint64_t start, bool strict)
{
    double t0 = now(), limit = strict ? 10 : 3;
    uint64_t f;
    while ((f = free_pages()) < start) {
        if (now() - t0 > limit)
            break;
        usleep(50000);
    }
    step("free memory %" PRIu64 " pages, was %" PRIu64 " (%+" PRId64 ") after %.2f s%s", f,
         start, (int64_t)(f - start), now() - t0,
         strict ? "" : " (first cycle: dom0 may keep one-time allocations)");
    EXPECT(f >= start || (!strict && start - f <= 16),
           "Xen's free memory did not come back: %" PRIu64 " < %" PRIu64, f, start);
}

static void pv_domain(int cycle)
{
    struct xkc_domain_config cfg;
    struct xkc_dominfo di;
    uint64_t start = free_pages();
    step("PV cycle %d: free memory at start: %" PRIu64 " pages (%" PRIu64 " MiB)", cycle, start,
         start / MIB_PAGES);

    xkc_domain_config_init(&cfg, XKC_DOMAIN_PV);
    cfg.max_vcpus = 2;
    memcpy(cfg.handle, "xkit-ctrl-test!!", 16);
    uint32_t domid = 0;
    CHECK(xkc_domain_create(h, &cfg, &domid), "create PV domain");
    domid_pv = domid;
    step("created PV domain %u", domid);

    /* The real error path: the same id again. */
    uint32_t again = domid;
    EXPECT(xkc_domain_create(h, &cfg, &again) < 0 && xkc_errno(h) == EEXIST,
           "creating domain %u twice should give EEXIST, got '%s'", domid, xkc_error(h));
    step("create with a taken id fails: %s", xkc_error(h));

    CHECK(xkc_domain_max_vcpus(h, domid, 2), "max_vcpus");
    CHECK(xkc_domain_set_maxmem(h, domid, (GUEST_PAGES + 1024) * 4), "max_mem");
    CHECK(xkc_domain_set_address_size(h, domid, 64), "set_address_size");
    unsigned bits = 0;
    CHECK(xkc_domain_get_address_size(h, domid, &bits), "get_address_size");
    EXPECT(bits == 64, "address size %u", bits);
    step("max_vcpus 2, max_mem %u KiB, address size %u", (GUEST_PAGES + 1024) * 4, bits);

    xen_pfn_t *frames = malloc(GUEST_PAGES * sizeof *frames);
    EXPECT(frames, "malloc");
    for (unsigned i = 0; i < GUEST_PAGES; i++)
        frames[i] = i;
    size_t done = 0;
    double t0 = now();
    CHECK(xkc_populate_physmap(h, domid, frames, GUEST_PAGES, 0, &done), "populate");
    step("populated %zu pages (16 MiB) in %.3f s", done, now() - t0);

    CHECK(xkc_domain_info(h, domid, &di), "info");
    EXPECT(di.tot_pages == GUEST_PAGES, "tot_pages %" PRIu64, di.tot_pages);
    EXPECT(di.paused && !di.hvm && !di.dying, "flags paused=%d hvm=%d", di.paused, di.hvm);
    EXPECT(memcmp(di.handle, "xkit-ctrl-test!!", 16) == 0, "handle");
    EXPECT(di.max_vcpu_id == 1, "max_vcpu_id %u", di.max_vcpu_id);
    step("info: tot_pages %" PRIu64 " max_pages %" PRIu64 " vcpus max id %u, paused",
         di.tot_pages, di.max_pages, di.max_vcpu_id);

    CHECK(xkc_domain_unpause(h, domid), "unpause");
    CHECK(xkc_domain_info(h, domid, &di), "info");
    EXPECT(!di.paused, "still paused after unpause");
    CHECK(xkc_domain_pause(h, domid), "pause");
    CHECK(xkc_domain_info(h, domid, &di), "info");
    EXPECT(di.paused, "not paused after pause");
    step("unpause + pause seen in domain info");

    struct xkc_dominfo list[16];
    int n = xkc_domain_list(h, 0, list, 16);
    CHECK(n, "domain list");
    int seen = 0;
    for (int i = 0; i < n; i++)
        seen |= list[i].domid == domid;
    EXPECT(seen && list[0].domid == 0, "domain list lacks dom0 or %u", domid);
    step("domain list: %d domains, ours among them", n);

    struct xkc_vcpuinfo vi;
    CHECK(xkc_vcpu_info(h, domid, 0, &vi), "vcpu info");
    uint8_t hard[1] = { 0x1 };
    CHECK(xkc_vcpu_set_affinity(h, domid, 0, hard, NULL, sizeof hard), "affinity");
    uint8_t got_hard[1] = { 0 };
    CHECK(xkc_vcpu_get_affinity(h, domid, 0, got_hard, NULL, sizeof got_hard), "get affinity");
    EXPECT(got_hard[0] == 0x1, "hard affinity %#x", got_hard[0]);
    unsigned sched = 0, w = 0, c = 0;
    CHECK(xkc_sched_id(h, &sched), "sched_id");
    if (sched == 6) {
        CHECK(xkc_sched_credit2_set(h, domid, 512, 0), "credit2 set");
        CHECK(xkc_sched_credit2_get(h, domid, &w, &c), "credit2 get");
        EXPECT(w == 512, "credit2 weight %u", w);
    }
    step("vcpu0 online=%d; hard affinity cpu0; %s weight %u", vi.online,
         xkc_sched_name(sched), w);

    /* Foreign map: a PV guest's frames are machine frames. */
    xen_pfn_t mfn = frames[5];
    int err = 0;
    uint32_t *p = xkc_foreign_map(h, domid, PROT_READ | PROT_WRITE, &mfn, &err, 1);
    if (!p)
        die("foreign map");
    EXPECT(err == 0, "foreign map page error %d", err);
    for (unsigned i = 0; i < 1024; i++)
        p[i] = 0x5eed0000u + i;
    CHECK(xkc_foreign_unmap(h, p, 1), "foreign unmap");
    p = xkc_foreign_map(h, domid, PROT_READ, &mfn, NULL, 1);
    if (!p)
        die("foreign map again");
    for (unsigned i = 0; i < 1024; i++)
        EXPECT(p[i] == 0x5eed0000u + i, "word %u reads %#x", i, p[i]);
    CHECK(xkc_foreign_unmap(h, p, 1), "foreign unmap");
    step("foreign-mapped mfn %#lx, wrote and read back 4 KiB", (unsigned long)mfn);
    xen_pfn_t bad = ~(xen_pfn_t)0 >> 20;
    p = xkc_foreign_map(h, domid, PROT_READ, &bad, NULL, 1);
    EXPECT(!p, "mapping a frame the guest does not own succeeded");
    step("foreign map of a frame it does not own fails: %s", xkc_error(h));

    uint32_t remote_port, local_port;
    CHECK(xkc_evtchn_alloc_unbound(h, domid, 0, &remote_port), "alloc_unbound");
    CHECK(xkc_evtchn_bind_interdomain(h, domid, remote_port, &local_port), "bind_interdomain");
    CHECK(xkc_evtchn_notify(h, local_port), "notify");
    uint32_t pending;
    int pr = xkc_evtchn_pending(h, &pending);
    CHECK(pr, "pending");
    CHECK(xkc_evtchn_unbind(h, local_port), "unbind");
    step("event channel: guest port %u bound to dom0 port %u, notified, %d pending in dom0",
         remote_port, local_port, pr);

    CHECK(xkc_gnttab_seed(h, domid, frames[1], 0, frames[2], 0), "gnttab seed");
    grant_entry_v1_t *gt = xkc_resource_map(h, domid, XENMEM_resource_grant_table,
                                            XENMEM_resource_grant_table_id_shared, 0, 1,
                                            PROT_READ);
    if (!gt)
        die("map grant table to check");
    EXPECT(gt[GNTTAB_RESERVED_CONSOLE].frame == frames[1] &&
           gt[GNTTAB_RESERVED_CONSOLE].flags == GTF_permit_access &&
           gt[GNTTAB_RESERVED_XENSTORE].frame == frames[2] &&
           gt[GNTTAB_RESERVED_XENSTORE].domid == 0, "grant entries not as seeded");
    CHECK(xkc_resource_unmap(h, gt, 1), "unmap grant table");
    step("grant table seeded: console -> %#lx, xenstore -> %#lx (read back)",
         (unsigned long)frames[1], (unsigned long)frames[2]);

    /* Xen writes its hypercall page into a guest frame (PV: an MFN). */
    CHECK(xkc_domain_hypercall_init(h, domid, frames[3]), "hypercall_init");
    uint8_t *hp = xkc_foreign_map(h, domid, PROT_READ, &frames[3], NULL, 1);
    if (!hp)
        die("map hypercall page");
    unsigned nonzero = 0;
    for (unsigned i = 0; i < 4096; i++)
        nonzero += hp[i] != 0;
    CHECK(xkc_foreign_unmap(h, hp, 1), "unmap hypercall page");
    EXPECT(nonzero > 100, "hypercall page has only %u non-zero bytes", nonzero);
    CHECK(xkc_domain_set_time_offset(h, domid, 3600), "time offset");
    vcpu_guest_context_t ctx;
    int vrc = xkc_vcpu_get_context(h, domid, 0, &ctx);
    step("hypercall page written by Xen (%u non-zero bytes); time offset set; vcpu0 context: "
         "%s", nonzero, vrc == 0 ? "read" : xkc_error(h));

    CHECK(xkc_domain_shutdown(h, domid, SHUTDOWN_poweroff), "remote shutdown");
    CHECK(xkc_domain_info(h, domid, &di), "info");
    EXPECT(di.shutdown && di.shutdown_reason == SHUTDOWN_poweroff, "shutdown=%d reason=%u",
           di.shutdown, di.shutdown_reason);
    step("remote shutdown (poweroff) seen in domain info");

    free(frames);
    destroy(domid);
    domid_pv = 0;
    step("destroyed PV domain %u", domid);
    wait_free_back(start, cycle > 1);
}

static void pvh_domain(void)
{
    struct xkc_physinfo pi;
    CHECK(xkc_physinfo(h, &pi), "physinfo");
    if (!pi.cap_hvm) {
        step("no HVM support: PVH part skipped");
        return;
    }
    uint64_t start = free_pages();
    struct xkc_domain_config cfg;
    xkc_domain_config_init(&cfg, XKC_DOMAIN_PVH);
    cfg.hap = pi.cap_hap;
    uint32_t domid = 0;
    CHECK(xkc_domain_create(h, &cfg, &domid), "create PVH domain");
    domid_pvh = domid;
    step("created PVH domain %u (%s)", domid, cfg.hap ? "hap" : "shadow");
    CHECK(xkc_domain_max_vcpus(h, domid, 1), "max_vcpus");
    CHECK(xkc_domain_set_maxmem(h, domid, (GUEST_PAGES + 1024) * 4), "max_mem");
    uint64_t pool = 0;
    CHECK(xkc_domain_paging_mempool_get(h, domid, &pool), "paging pool get");
    CHECK(xkc_domain_paging_mempool_set(h, domid, 4u << 20), "paging pool set");
    uint64_t pool2 = 0;
    CHECK(xkc_domain_paging_mempool_get(h, domid, &pool2), "paging pool get");
    EXPECT(pool2 == 4u << 20, "paging pool %" PRIu64, pool2);
    step("paging pool %" PRIu64 " -> %" PRIu64 " bytes", pool, pool2);

    CHECK(xkc_domain_set_tsc(h, domid, 2 /* native */, 0, 0, 0), "tsc native");
    CHECK(xkc_claim_pages(h, domid, GUEST_PAGES), "claim");
    struct xkc_physinfo pc;
    CHECK(xkc_physinfo(h, &pc), "physinfo");
    EXPECT(pc.outstanding_pages >= GUEST_PAGES, "outstanding %" PRIu64, pc.outstanding_pages);
    step("tsc_mode native; claimed %u pages (host outstanding %" PRIu64 ")", GUEST_PAGES,
         pc.outstanding_pages);

    uint64_t done = 0;
    double t0 = now();
    CHECK(xkc_populate_range(h, domid, 0, GUEST_PAGES, &done), "populate_range");
    CHECK(xkc_physinfo(h, &pc), "physinfo");
    EXPECT(pc.outstanding_pages == 0, "claim not consumed: %" PRIu64, pc.outstanding_pages);
    step("populated %" PRIu64 " pages with 2 MiB extents in %.3f s", done, now() - t0);
    struct xkc_dominfo di;
    CHECK(xkc_domain_info(h, domid, &di), "info");
    EXPECT(di.hvm && di.tot_pages >= GUEST_PAGES, "hvm=%d tot_pages %" PRIu64, di.hvm,
           di.tot_pages);
    EXPECT(di.emulation_flags == XEN_X86_EMU_LAPIC, "emulation %#x", di.emulation_flags);
    xen_pfn_t maxgpfn = 0;
    CHECK(xkc_maximum_gpfn(h, domid, &maxgpfn), "maximum_gpfn");
    EXPECT(maxgpfn == GUEST_PAGES - 1, "maximum gpfn %#lx", (unsigned long)maxgpfn);
    step("info: hvm, emulation LAPIC only, tot_pages %" PRIu64 ", max gpfn %#lx", di.tot_pages,
         (unsigned long)maxgpfn);

    CHECK(xkc_hvm_param_set(h, domid, HVM_PARAM_STORE_PFN, GUEST_PAGES - 2), "set param");
    uint64_t v = 0;
    CHECK(xkc_hvm_param_get(h, domid, HVM_PARAM_STORE_PFN, &v), "get param");
    EXPECT(v == GUEST_PAGES - 2, "store pfn %" PRIu64, v);
    void *rec = NULL;
    size_t len = 0;
    CHECK(xkc_hvm_context_get(h, domid, &rec, &len), "hvm context get");
    CHECK(xkc_hvm_context_set(h, domid, rec, len), "hvm context set");
    free(rec);
    step("HVM param STORE_PFN set/get; HVM context %zu bytes read and written back", len);

    /* Through gfns: PVH frames map by guest frame number. */
    xen_pfn_t gfn = 0x123;
    uint8_t *p = xkc_foreign_map(h, domid, PROT_READ | PROT_WRITE, &gfn, NULL, 1);
    if (!p)
        die("foreign map PVH");
    memset(p, 0xa5, 4096);
    CHECK(xkc_foreign_unmap(h, p, 1), "unmap");
    step("foreign-mapped gfn 0x123 of the PVH guest");

    destroy(domid);
    domid_pvh = 0;
    step("destroyed PVH domain %u", domid);
    wait_free_back(start, true);
}


/* Dom0 talking to itself: an event channel loopback (pending, unmask, poll)
 * and a grant made with gntalloc (the granting side, test-only) mapped back
 * through xkc_gntdev_map. */
static void dom0_loopback(void)
{
    uint32_t a, b, got = 0;
    CHECK(xkc_evtchn_bind_unbound(h, 0, &a), "bind_unbound");
    CHECK(xkc_evtchn_bind_interdomain(h, 0, a, &b), "bind_interdomain loopback");
    while (xkc_evtchn_pending(h, &got) == 1)   /* drain what binding raised */
        CHECK(xkc_evtchn_unmask(h, got), "unmask");
    CHECK(xkc_evtchn_notify(h, b), "notify");
    /* The event binding raised on b may reach the device only now: skip
     * (and unmask) anything but a, which must come within 2 s. */
    struct pollfd pfd = { .fd = xkc_evtchn_fd(h), .events = POLLIN };
    int pr = 0;
    for (int tries = 0; tries < 4; tries++) {
        EXPECT(pfd.fd >= 0 && poll(&pfd, 1, 2000) == 1, "no event within 2 s");
        pr = xkc_evtchn_pending(h, &got);
        CHECK(pr, "pending");
        if (pr == 1 && got == a)
            break;
        EXPECT(pr == 1 && got == b, "pending %d port %u, want port %u", pr, got, a);
        CHECK(xkc_evtchn_unmask(h, got), "unmask");
    }
    EXPECT(pr == 1 && got == a, "pending %d port %u, want port %u", pr, got, a);
    CHECK(xkc_evtchn_unmask(h, a), "unmask");
    CHECK(xkc_evtchn_unbind(h, b), "unbind");
    CHECK(xkc_evtchn_unbind(h, a), "unbind");
    step("evtchn loopback: notify on port %u raised port %u (poll, pending, unmask)", b, a);

    int fd = open("/dev/xen/gntalloc", O_RDWR);
    if (fd < 0) {
        step("no /dev/xen/gntalloc: gntdev check skipped");
        return;
    }
    struct ioctl_gntalloc_alloc_gref g = { .domid = 0, .flags = GNTALLOC_FLAG_WRITABLE,
                                           .count = 1 };
    EXPECT(ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &g) == 0, "gntalloc: %s", strerror(errno));
    uint32_t *src = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)g.index);
    EXPECT(src != MAP_FAILED, "gntalloc mmap: %s", strerror(errno));
    for (unsigned i = 0; i < 1024; i++)
        src[i] = 0x67a70000u + i;
    uint32_t *dst = xkc_gntdev_map(h, 0, g.gref_ids[0], PROT_READ);
    if (!dst)
        die("gntdev map of our own grant");
    for (unsigned i = 0; i < 1024; i++)
        EXPECT(dst[i] == 0x67a70000u + i, "granted word %u reads %#x", i, dst[i]);
    CHECK(xkc_gntdev_unmap(h, dst), "gntdev unmap");
    EXPECT(xkc_gntdev_unmap(h, dst) < 0 && xkc_errno(h) == EINVAL, "double unmap accepted");
    munmap(src, 4096);
    struct ioctl_gntalloc_dealloc_gref d = { .index = g.index, .count = 1 };
    ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &d);
    close(fd);
    step("gntdev: mapped grant ref %u from dom0 and read 4 KiB back; double unmap refused",
         g.gref_ids[0]);
}

int main(void)
{
    char err[512];
    h = xkc_open(err, sizeof err);
    if (!h) {
        printf("FAIL: %s\n", err);
        return 1;
    }
    struct xkc_xen_version v;
    CHECK(xkc_xen_version(h, &v), "xen_version");
    uint32_t dv, sv;
    const char *rel;
    xkc_abi_versions(&dv, &sv, &rel);
    step("Xen %u.%u%s, domctl 0x%x sysctl 0x%x (built for %s)", v.major, v.minor, v.extra, dv,
         sv, rel);
    struct xkc_dominfo di;
    EXPECT(xkc_domain_info(h, 31000, &di) < 0 && xkc_errno(h) == ESRCH,
           "info of a missing domain: %s", xkc_error(h));
    step("info of a missing domain fails: %s", xkc_error(h));

    struct xkc_physinfo pi;
    CHECK(xkc_physinfo(h, &pi), "physinfo");
    struct xkc_cputopo topo[64];
    unsigned ncpu = 64;
    CHECK(xkc_cputopo(h, topo, &ncpu), "cputopo");
    EXPECT(ncpu >= pi.nr_cpus, "cputopo %u cpus, physinfo %u", ncpu, pi.nr_cpus);
    struct xkc_numa_node nodes[8];
    uint32_t dist[64];
    unsigned nnode = 8;
    CHECK(xkc_numainfo(h, nodes, dist, &nnode), "numainfo");
    EXPECT(nnode >= pi.nr_nodes && nodes[0].size > 0 && dist[0] == 10,
           "numainfo %u nodes, node0 size %" PRIu64 " distance %u", nnode, nodes[0].size,
           dist[0]);
    unsigned fc = 0;
    CHECK(xkc_free_cpus(h, &fc), "free cpus");
    step("topology: %u cpus (cpu0 core %u socket %u node %u), %u node(s), node0 %" PRIu64
         " MiB / %" PRIu64 " MiB free, %u cpus outside pools", ncpu, topo[0].core,
         topo[0].socket, topo[0].node, nnode, nodes[0].size >> 20, nodes[0].free >> 20, fc);

    dom0_loopback();
    pv_domain(1);
    pv_domain(2);
    pvh_domain();

    struct xkc_stats st;
    xkc_stats(h, &st);
    printf("ctrl: totals: %" PRIu64 " hypercalls (%" PRIu64 " failed), %" PRIu64
           " buffer allocations, %" PRIu64 " buffer cache hits, %" PRIu64 " foreign map calls, %"
           PRIu64 " resource maps, %" PRIu64 " evtchn device ops\n", st.hypercalls,
           st.hypercall_failures, st.buffer_allocs, st.buffer_cache_hits, st.foreign_map_calls,
           st.resource_map_calls, st.evtchn_ops);
    xkc_close(h);
    printf("ctrl: lifecycle ok\n");
    return 0;
}
