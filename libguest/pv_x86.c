/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * x86_64 PV builder. Follows the start-of-day contract in <xen/xen.h>
 * (struct start_info): one contiguous virtual region from the kernel's
 * VIRT_BASE, mapped 1:1 onto the first pseudo-physical frames, holding in
 * order the kernel, the ramdisk, the p2m list (mfn_list), start_info, the
 * xenstore and console rings, the bootstrap page tables (mapped read-only)
 * and the boot stack, with at least 512 KiB mapped beyond, ending on a
 * 4 MiB boundary.
 */
#include "build.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xen/xen.h>

#define PT_PRESENT 0x001ull
#define PT_RW 0x002ull
#define PT_USER 0x004ull
#define PT_ACCESSED 0x020ull
#define PT_DIRTY 0x040ull
#define L1_PROT (PT_PRESENT | PT_RW | PT_ACCESSED)
#define L1_PROT_RO (PT_PRESENT | PT_ACCESSED)
#define LN_PROT (PT_PRESENT | PT_RW | PT_ACCESSED | PT_DIRTY | PT_USER)

#define POPULATE_BATCH 8192u
#define SUPER_ORDER 9
#define SUPER_PAGES (1u << SUPER_ORDER)

/* Populate pfns [0, nr_pages) and fill the p2m with the MFNs Xen returns:
 * 2 MiB extents where possible (fewer, bigger allocations), 4 KiB pages for
 * the rest or when Xen has no contiguous 2 MiB left. */
static int pv_populate(struct bctx *b, uint64_t *populated, uint64_t *supers)
{
    xen_pfn_t *ext = malloc(POPULATE_BATCH * sizeof(*ext));
    if (!ext)
        return xkg__sys_fail(b, "allocate populate batch");
    uint64_t pfn = 0;
    bool super = !b->cfg->no_superpages;
    int rc = 0;
    while (pfn < b->nr_pages && rc == 0) {
        size_t nr = 0;
        unsigned order = 0;
        if (super && b->nr_pages - pfn >= SUPER_PAGES) {
            order = SUPER_ORDER;
            while (nr < POPULATE_BATCH / 64 && b->nr_pages - pfn - nr * SUPER_PAGES >= SUPER_PAGES) {
                ext[nr] = (xen_pfn_t)(pfn + nr * SUPER_PAGES);
                nr++;
            }
        } else {
            while (nr < POPULATE_BATCH && pfn + nr < b->nr_pages) {
                ext[nr] = (xen_pfn_t)(pfn + nr);
                nr++;
            }
        }
        size_t done = 0;
        int r = xkc_populate_physmap(b->h, b->domid, ext, nr, order, &done);
        if (r < 0 && order && errno == ENOMEM) {
            super = false; /* fragmented: go on with 4 KiB pages */
        } else if (r < 0) {
            rc = xkg__ctrl_fail(b, "populate physmap");
        } else {
            done = nr;
        }
        for (size_t i = 0; i < done; i++)
            for (unsigned j = 0; j < (1u << order); j++)
                b->p2m[pfn + i * (1u << order) + j] = ext[i] + j;
        pfn += (uint64_t)done << order;
        if (order)
            *supers += done;
    }
    *populated = pfn;
    free(ext);
    return rc;
}

/* Give back what pv_populate got (error path). */
static void pv_depopulate(struct bctx *b, uint64_t populated)
{
    for (uint64_t i = 0; i < populated; i += POPULATE_BATCH) {
        size_t n = populated - i < POPULATE_BATCH ? (size_t)(populated - i) : POPULATE_BATCH;
        xkc_decrease_reservation(b->h, b->domid, b->p2m + i, n, 0, NULL);
    }
}

static int write_p2m(struct bctx *b, const struct xkg__pv_layout *L)
{
    uint64_t *m = xkg__map_pfns(b, L->p2m_pfn, (size_t)L->p2m_pages, "p2m list");
    if (!m)
        return -1;
    memset(m, 0, L->p2m_pages << XKG_PAGE_SHIFT);
    for (uint64_t i = 0; i < b->nr_pages; i++)
        m[i] = b->p2m[i];
    xkg__unmap(b, m, (size_t)L->p2m_pages);
    return 0;
}

/* Four-level tables for [virt_base, virt_base + end_pfn pages): page 0 is
 * the L4, then the L3s, L2s and L1s in address order. */
static int write_pagetables(struct bctx *b, const struct xkg__pv_layout *L)
{
    uint64_t *pt = xkg__map_pfns(b, L->pt_pfn, (size_t)L->nr_pt, "page tables");
    if (!pt)
        return -1;
    memset(pt, 0, L->nr_pt << XKG_PAGE_SHIFT);
    const uint64_t vb = L->virt_base;
    const uint64_t l3_first = 1, l2_first = l3_first + L->nr_l3, l1_first = l2_first + L->nr_l2;
    for (uint64_t pfn = 0; pfn < L->end_pfn; pfn++) {
        uint64_t va = vb + (pfn << XKG_PAGE_SHIFT);
        uint64_t l3p = l3_first + ((va >> 39) - (vb >> 39));
        uint64_t l2p = l2_first + ((va >> 30) - (vb >> 30));
        uint64_t l1p = l1_first + ((va >> 21) - (vb >> 21));
        uint64_t *l4 = pt, *l3 = pt + 512 * l3p, *l2 = pt + 512 * l2p, *l1 = pt + 512 * l1p;
        l4[(va >> 39) & 511] = ((uint64_t)b->p2m[L->pt_pfn + l3p] << XKG_PAGE_SHIFT) | LN_PROT;
        l3[(va >> 30) & 511] = ((uint64_t)b->p2m[L->pt_pfn + l2p] << XKG_PAGE_SHIFT) | LN_PROT;
        l2[(va >> 21) & 511] = ((uint64_t)b->p2m[L->pt_pfn + l1p] << XKG_PAGE_SHIFT) | LN_PROT;
        bool is_pt = pfn >= L->pt_pfn && pfn < L->pt_pfn + L->nr_pt;
        l1[(va >> 12) & 511] = ((uint64_t)b->p2m[pfn] << XKG_PAGE_SHIFT) |
                               (is_pt ? L1_PROT_RO : L1_PROT);
    }
    xkg__unmap(b, pt, (size_t)L->nr_pt);
    return 0;
}

static int write_start_info(struct bctx *b, const struct xkg__pv_layout *L, uint64_t shinfo_mfn,
                            const struct xkg_build_result *r)
{
    void *m = xkg__map_pfns(b, L->si_pfn, 3, "start info and ring pages");
    if (!m)
        return -1;
    memset(m, 0, 3 * XKG_PAGE_SIZE);
    start_info_t *si = m;
    snprintf(si->magic, sizeof(si->magic), "xen-3.0-x86_64");
    si->nr_pages = b->nr_pages;
    si->shared_info = shinfo_mfn << XKG_PAGE_SHIFT;
    si->flags = 0;
    si->store_mfn = r->xenstore_gfn;
    si->store_evtchn = r->xenstore_port;
    si->console.domU.mfn = r->console_gfn;
    si->console.domU.evtchn = r->console_port;
    si->pt_base = L->virt_base + (L->pt_pfn << XKG_PAGE_SHIFT);
    si->nr_pt_frames = L->nr_pt;
    si->mfn_list = L->virt_base + (L->p2m_pfn << XKG_PAGE_SHIFT);
    if (b->rd_size) {
        si->mod_start = L->virt_base + (L->rd_pfn << XKG_PAGE_SHIFT);
        si->mod_len = b->rd_size;
    }
    snprintf((char *)si->cmd_line, sizeof(si->cmd_line), "%s",
             b->cfg->cmdline ? b->cfg->cmdline : "");
    xkg__unmap(b, m, 3);
    return 0;
}

/* Start from a clean shared info page with every vcpu's event delivery
 * masked: the guest unmasks when it has set up its handlers. */
static int init_shared_info(struct bctx *b, uint64_t mfn)
{
    xen_pfn_t f = (xen_pfn_t)mfn;
    shared_info_t *s = xkg__map(b, &f, 1, "shared info");
    if (!s)
        return -1;
    memset(s, 0, XKG_PAGE_SIZE);
    for (unsigned i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        s->vcpu_info[i].evtchn_upcall_mask = 1;
    xkg__unmap(b, s, 1);
    return 0;
}

int xkg__build_pv(xkc_handle *h, uint32_t domid, const struct xkg_build_cfg *cfg,
                 struct xkg_build_result *out, char *err, size_t errlen)
{
    struct bctx b = { .h = h, .domid = domid, .cfg = cfg, .err = err, .errlen = errlen,
                      .rd_fd = -1 };
    struct xkg__layout kl;
    struct xkg__pv_layout L;
    uint64_t populated = 0, supers = 0;
    int rc = -1;

    if (xkg__layout_pv(cfg->kernel, &kl, err, errlen) < 0)
        return -1;
    b.nr_pages = cfg->mem_kb >> 2;
    if (xkg__ramdisk_open(&b) < 0)
        goto out;
    char why[256];
    if (xkg__pv_layout(kl.virt_base, kl.kstart, kl.kend, b.rd_size, b.nr_pages, &L, why,
                      sizeof(why)) < 0) {
        xkg__build_fail(&b, errno, "%s", why);
        goto out;
    }
    struct xkc_dominfo di;
    if (xkc_domain_info(h, domid, &di) < 0) {
        xkg__ctrl_fail(&b, "domain info");
        goto out;
    }
    if (di.hvm) {
        xkg__build_fail(&b, EINVAL, "domain is HVM/PVH, not PV");
        goto out;
    }
    if (xkc_domain_set_address_size(h, domid, 64) < 0) {
        xkg__ctrl_fail(&b, "set address size 64");
        goto out;
    }
    b.p2m = calloc(b.nr_pages, sizeof(*b.p2m));
    if (!b.p2m) {
        xkg__sys_fail(&b, "allocate p2m");
        goto out;
    }
    if (pv_populate(&b, &populated, &supers) < 0)
        goto out;

    if (xkg__alloc_ring_ports(&b, out) < 0)
        goto out;
    out->console_gfn = b.p2m[L.cons_pfn];
    out->xenstore_gfn = b.p2m[L.store_pfn];

    if (xkg__load_kernel(&b, L.kern_pfn, L.kern_end_pfn, kl.virt_offset - kl.virt_base) < 0 ||
        xkg__load_ramdisk(&b, L.rd_pfn) < 0 || write_p2m(&b, &L) < 0 ||
        write_start_info(&b, &L, di.shared_info_frame, out) < 0 ||
        write_pagetables(&b, &L) < 0 || xkg__zero_pfns(&b, L.stack_pfn, 1, "boot stack") < 0 ||
        init_shared_info(&b, di.shared_info_frame) < 0)
        goto out;
    if (kl.hypercall_page &&
        xkc_domain_hypercall_init(h, domid,
                                  b.p2m[(kl.hypercall_page - kl.virt_base) >> XKG_PAGE_SHIFT]) < 0) {
        xkg__ctrl_fail(&b, "hypercall page init");
        goto out;
    }
    if (xkc_gnttab_seed(h, domid, out->console_gfn, cfg->console_domid, out->xenstore_gfn,
                        cfg->xenstore_domid) < 0) {
        xkg__ctrl_fail(&b, "seed grant table");
        goto out;
    }
    /* all our mappings are gone: Xen can now type the tables as page
     * tables (a writable mapping of any of them would make this fail) */
    if (xkc_mmuext_pin_table(h, domid, 4, b.p2m[L.pt_pfn]) < 0) {
        xkg__ctrl_fail(&b, "pin L4 page table");
        goto out;
    }

    vcpu_guest_context_t ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.user_regs.rip = kl.entry;
    ctx.user_regs.rsp = L.virt_base + ((L.stack_pfn + 1) << XKG_PAGE_SHIFT);
    ctx.user_regs.rsi = L.virt_base + (L.si_pfn << XKG_PAGE_SHIFT);
    ctx.user_regs.rflags = 1 << 9; /* IF */
    ctx.user_regs.cs = FLAT_KERNEL_CS;
    ctx.user_regs.ss = FLAT_KERNEL_SS;
    ctx.user_regs.ds = ctx.user_regs.es = FLAT_KERNEL_DS;
    ctx.user_regs.fs = ctx.user_regs.gs = FLAT_KERNEL_DS;
    ctx.kernel_ss = ctx.user_regs.ss;
    ctx.kernel_sp = ctx.user_regs.rsp;
    ctx.flags = VGCF_in_kernel | VGCF_online;
    ctx.ctrlreg[3] = xen_pfn_to_cr3(b.p2m[L.pt_pfn]);
    if (xkc_vcpu_set_context(h, domid, 0, &ctx) < 0) {
        xkg__ctrl_fail(&b, "set vcpu 0 context");
        goto out;
    }
    out->nr_pages = b.nr_pages;
    out->entry = kl.entry;
    out->start_info = ctx.user_regs.rsi;
    out->superpages = supers;
    out->ramdisk_bytes = b.rd_size;
    rc = 0;
out:
    if (rc < 0) {
        int e = errno;
        if (populated)
            pv_depopulate(&b, populated);
        errno = e;
    }
    free(b.p2m);
    if (b.rd_fd >= 0)
        close(b.rd_fd);
    return rc;
}
