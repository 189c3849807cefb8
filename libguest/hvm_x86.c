/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * HVM builder: the memory, firmware and start state hvmloader expects (the
 * layout is hvm_layout.c's). The firmware ELF (hvmloader, or the image of
 * xl.cfg's firmware_override) is loaded at its physical addresses; the
 * blob hvmloader hands on (SeaBIOS or OVMF: cfg->ramdisk_path) follows as
 * the start info's module named "firmware"; then the start info page with
 * the memory map. The vcpu starts as for PVH: 32-bit protected mode, paging
 * off, at the ELF entry, ebx = the start info. hvmloader sets the MTRRs,
 * brings up the other vcpus and builds the ACPI tables itself; QEMU (the
 * caller's) serves the ioreq pages announced here.
 */
#include "build.h"
#include <errno.h>
#include <string.h>
#include <xen/hvm/hvm_info_table.h>
#include <xen/hvm/params.h>
#include <xen/arch-x86/hvm/start_info.h>

#define GB4 (1ull << 32)


static int set_params(struct bctx *b, const struct xkg__hvm_layout *L,
                      const struct xkg_build_result *out)
{
    uint64_t sp = L->special_pfn;
    const struct { unsigned p; uint64_t v; const char *name; } params[] = {
        { HVM_PARAM_STORE_PFN, out->xenstore_gfn, "STORE_PFN" },
        { HVM_PARAM_STORE_EVTCHN, out->xenstore_port, "STORE_EVTCHN" },
        { HVM_PARAM_CONSOLE_PFN, out->console_gfn, "CONSOLE_PFN" },
        { HVM_PARAM_CONSOLE_EVTCHN, out->console_port, "CONSOLE_EVTCHN" },
        { HVM_PARAM_IOREQ_PFN, sp + XKG_HVM_SP_IOREQ, "IOREQ_PFN" },
        { HVM_PARAM_BUFIOREQ_PFN, sp + XKG_HVM_SP_BUFIOREQ, "BUFIOREQ_PFN" },
        { HVM_PARAM_PAGING_RING_PFN, sp + XKG_HVM_SP_PAGING, "PAGING_RING_PFN" },
        { HVM_PARAM_MONITOR_RING_PFN, sp + XKG_HVM_SP_ACCESS, "MONITOR_RING_PFN" },
        { HVM_PARAM_SHARING_RING_PFN, sp + XKG_HVM_SP_SHARING, "SHARING_RING_PFN" },
        { HVM_PARAM_IDENT_PT, (sp + XKG_HVM_SP_IDENT_PT) << XKG_PAGE_SHIFT, "IDENT_PT" },
        { HVM_PARAM_IOREQ_SERVER_PFN, L->ioreq_pfn, "IOREQ_SERVER_PFN" },
        { HVM_PARAM_NR_IOREQ_SERVER_PAGES, XKG_HVM_NR_IOREQ_PAGES, "NR_IOREQ_SERVER_PAGES" },
    };
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
        if (xkc_hvm_param_set(b->h, b->domid, params[i].p, params[i].v) < 0) {
            char op[64];
            snprintf(op, sizeof(op), "set HVM_PARAM_%s", params[i].name);
            return xkg__ctrl_fail(b, op);
        }
    return 0;
}

int xkg__build_hvm(xkc_handle *h, uint32_t domid, const struct xkg_build_cfg *cfg,
                  struct xkg_build_result *out, char *err, size_t errlen)
{
    struct bctx b = { .h = h, .domid = domid, .cfg = cfg, .err = err, .errlen = errlen,
                      .rd_fd = -1 };
    const struct xkg_image_info *in = xkg_image_info(cfg->kernel);
    struct xkg__hvm_layout L;
    uint64_t vga_done = 0, low_done = 0, high_done = 0, special_done = 0;
    int rc = -1;

    if (xkg__hvm_layout(cfg->mem_kb, cfg->mmio_hole_kb, &L, err, errlen) < 0)
        return -1;
    unsigned online = cfg->online_vcpus && cfg->online_vcpus < cfg->nr_vcpus ? cfg->online_vcpus
                                                                            : cfg->nr_vcpus;
    uint64_t low_pfns = L.low_end >> XKG_PAGE_SHIFT;
    uint64_t high_first = GB4 >> XKG_PAGE_SHIFT;
    uint64_t high_pfns = L.high_end ? (L.high_end >> XKG_PAGE_SHIFT) - high_first : 0;
    b.nr_pages = low_pfns - (XKG_HVM_VGA_END_PFN - XKG_HVM_VGA_START_PFN) + high_pfns;
    if (xkg__ramdisk_open(&b) < 0)
        goto out;

    /* firmware ELF, its module, the start info: one after the other */
    uint64_t fw_pfn = in->pstart >> XKG_PAGE_SHIFT, fw_end = xkg__pages(in->pend);
    uint64_t mod_pfn = fw_end, si_pfn = mod_pfn + xkg__pages(b.rd_size);
    if (fw_pfn < XKG_HVM_VGA_END_PFN || si_pfn + 1 > low_pfns) {
        xkg__build_fail(&b, ENOMEM, "firmware [%#llx, %#llx) and its %llu KiB module must lie "
                       "between 768 KiB and the end of low RAM (%#llx)",
                       (unsigned long long)in->pstart, (unsigned long long)in->pend,
                       (unsigned long long)(b.rd_size >> 10), (unsigned long long)L.low_end);
        goto out;
    }
    if (xkg__hvm_domain_prepare(&b) < 0)
        goto out;
    /* RAM: below the VGA window, above it, above 4 GiB */
    if (xkg__populate_gfns(&b, 0, XKG_HVM_VGA_START_PFN, &vga_done) < 0 ||
        xkg__populate_gfns(&b, XKG_HVM_VGA_END_PFN, low_pfns - XKG_HVM_VGA_END_PFN, &low_done) < 0 ||
        (high_pfns && xkg__populate_gfns(&b, high_first, high_pfns, &high_done) < 0))
        goto out;
    /* the ioreq server pages and the special pages, contiguous, zeroed */
    uint64_t nr_special = XKG_HVM_NR_IOREQ_PAGES + XKG_HVM_NR_SPECIAL;
    xen_pfn_t sp[16];
    for (uint64_t i = 0; i < nr_special; i++)
        sp[i] = (xen_pfn_t)(L.ioreq_pfn + i);
    size_t sd = 0;
    if (xkc_populate_physmap(h, domid, sp, (size_t)nr_special, 0, &sd) < 0) {
        special_done = sd;
        xkg__ctrl_fail(&b, "populate the special and ioreq pages");
        goto out;
    }
    special_done = nr_special;
    if (xkg__zero_pfns(&b, L.ioreq_pfn, (size_t)nr_special, "special pages") < 0)
        goto out;
    /* identity page table for paging-off guests under EPT: 1024 4 MiB
     * pages, present, writable, user, accessed, dirty */
    uint32_t *pt = xkg__map_pfns(&b, L.special_pfn + XKG_HVM_SP_IDENT_PT, 1, "identity page table");
    if (!pt)
        goto out;
    for (uint32_t i = 0; i < 1024; i++)
        pt[i] = (i << 22) | 0xe7;
    xkg__unmap(&b, pt, 1);
    out->xenstore_gfn = L.special_pfn + XKG_HVM_SP_XENSTORE;
    out->console_gfn = L.special_pfn + XKG_HVM_SP_CONSOLE;
    if (xkg__alloc_ring_ports(&b, out) < 0)
        goto out;

    if (xkg__load_kernel(&b, fw_pfn, fw_end, 0) < 0 || xkg__load_ramdisk(&b, mod_pfn) < 0)
        goto out;

    /* memory map (RAM from 1 MiB, as libxl gives it; hvmloader builds the
     * guest's E820 itself) */
    struct xkc_e820 map[2];
    unsigned nmap = 0;
    map[nmap++] = (struct xkc_e820){ 1ull << 20, L.low_end - (1ull << 20), XEN_HVM_MEMMAP_TYPE_RAM };
    if (L.high_end)
        map[nmap++] = (struct xkc_e820){ GB4, L.high_end - GB4, XEN_HVM_MEMMAP_TYPE_RAM };
    if (xkc_set_memory_map(h, domid, map, nmap) < 0) {
        xkg__ctrl_fail(&b, "set memory map");
        goto out;
    }

    uint64_t si_paddr = si_pfn << XKG_PAGE_SHIFT;
    struct xkg__si_module fw = { mod_pfn << XKG_PAGE_SHIFT, b.rd_size, "firmware" };
    /* hvmloader reads no command line; a test firmware may */
    if (xkg__write_start_info(&b, si_pfn, &fw, cfg->cmdline && cfg->cmdline[0] ? cfg->cmdline : NULL,
                              0, map, nmap) < 0)
        goto out;

    /* hvm_info_table, in a zeroed page */
    uint64_t info_pfn = XKG_HVM_INFO_PADDR >> XKG_PAGE_SHIFT;
    uint8_t *page = xkg__map_pfns(&b, info_pfn, 1, "hvm_info_table");
    if (!page)
        goto out;
    memset(page, 0, XKG_PAGE_SIZE);
    int irc = xkg__hvm_info(page + (XKG_HVM_INFO_PADDR & (XKG_PAGE_SIZE - 1)),
                            XKG_PAGE_SIZE - (XKG_HVM_INFO_PADDR & (XKG_PAGE_SIZE - 1)), &L,
                            cfg->nr_vcpus, online, b.err, b.errlen);
    xkg__unmap(&b, page, 1);
    if (irc < 0)
        goto out;

    if (set_params(&b, &L, out) < 0)
        goto out;
    if (xkc_gnttab_seed(h, domid, out->console_gfn, cfg->console_domid, out->xenstore_gfn,
                        cfg->xenstore_domid) < 0) {
        xkg__ctrl_fail(&b, "seed grant table");
        goto out;
    }
    if (xkg__hvm_start_vcpu(&b, in->elf_entry, si_paddr, false) < 0)
        goto out;
    out->nr_pages = b.nr_pages;
    out->entry = in->elf_entry;
    out->start_info = si_paddr;
    out->ramdisk_bytes = b.rd_size;
    out->superpages = cfg->no_superpages ? 0
                    : xkg__count_supers(XKG_HVM_VGA_END_PFN, low_pfns - XKG_HVM_VGA_END_PFN) +
                      xkg__count_supers(high_first, high_pfns);
    rc = 0;
out:
    if (rc < 0) {
        int e = errno;
        xkg__depopulate_gfns(&b, 0, vga_done);
        xkg__depopulate_gfns(&b, XKG_HVM_VGA_END_PFN, low_done);
        xkg__depopulate_gfns(&b, high_first, high_done);
        xkg__depopulate_gfns(&b, L.ioreq_pfn, special_done);
        errno = e;
    }
    if (b.rd_fd >= 0)
        close(b.rd_fd);
    return rc;
}
