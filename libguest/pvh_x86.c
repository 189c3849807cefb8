/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PVH builder (docs/misc/pvh.pandoc): the ELF is loaded at its physical
 * addresses, followed by the ramdisk and one page holding hvm_start_info,
 * its module list, memory map and command line. The vcpu starts in 32-bit
 * protected mode, paging off, at XEN_ELFNOTE_PHYS32_ENTRY with ebx = the
 * start info's physical address. Xenstore and console rings live in the
 * special-page area below 0xff000000 where libxl places them, announced
 * through HVM params. ACPI tables (acpi.c) sit in the last pages of low
 * RAM, marked ACPI in the memory map, so that the guest finds its vcpus
 * (acpi=0: none, and Linux then runs on one vcpu).
 */
#include "build.h"
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/arch-x86/hvm/start_info.h>

/* libxl/libxenguest's special pages (private.h: the same as HVM's) */
#define SPECIAL_PFN(x) (XKG_HVM_SPECIAL_END_PFN - XKG_HVM_NR_SPECIAL + (x))
#define GB4 (1ull << 32)
/* RAM above this goes above 4 GiB (libxl's default MMIO hole start) */
#define LOWMEM_MAX (GB4 - XKG_HVM_MMIO_HOLE_DEFAULT)


int xkg__build_pvh(xkc_handle *h, uint32_t domid, const struct xkg_build_cfg *cfg,
                  struct xkg_build_result *out, char *err, size_t errlen)
{
    struct bctx b = { .h = h, .domid = domid, .cfg = cfg, .err = err, .errlen = errlen,
                      .rd_fd = -1 };
    const struct xkg_image_info *in = xkg_image_info(cfg->kernel);
    uint64_t low_done = 0, high_done = 0, special_done = 0;
    int rc = -1;

    b.nr_pages = cfg->mem_kb >> 2;
    uint64_t mem = b.nr_pages << XKG_PAGE_SHIFT;
    uint64_t low = mem < LOWMEM_MAX ? mem : LOWMEM_MAX, high = mem - low;
    if (xkg__ramdisk_open(&b) < 0)
        goto out;

    /* ACPI tables in the last pages of low RAM */
    unsigned nr_vcpus = cfg->nr_vcpus ? cfg->nr_vcpus : 1;
    uint64_t acpi_pages = cfg->no_acpi ? 0 : xkg__pages(xkg__acpi_size(nr_vcpus));
    uint64_t low_pfns = low >> XKG_PAGE_SHIFT;
    uint64_t acpi_pfn = low_pfns > acpi_pages ? low_pfns - acpi_pages : 0;
    uint64_t kern_pfn = in->pstart >> XKG_PAGE_SHIFT, kern_end = xkg__pages(in->pend);
    uint64_t rd_pfn = kern_end, si_pfn = rd_pfn + xkg__pages(b.rd_size);
    if (si_pfn + 1 > acpi_pfn) {
        xkg__build_fail(&b, ENOMEM, "kernel (up to %#llx) and ramdisk (%llu MiB) do not fit in "
                       "the guest's %llu MiB of low memory: give it more memory",
                       (unsigned long long)in->pend, (unsigned long long)(b.rd_size >> 20),
                       (unsigned long long)(low >> 20));
        goto out;
    }
    if (xkg__hvm_domain_prepare(&b) < 0)
        goto out;
    if (xkg__populate_gfns(&b, 0, low >> XKG_PAGE_SHIFT, &low_done) < 0 ||
        (high && xkg__populate_gfns(&b, GB4 >> XKG_PAGE_SHIFT, high >> XKG_PAGE_SHIFT,
                                &high_done) < 0))
        goto out;
    xen_pfn_t special[2] = { SPECIAL_PFN(XKG_HVM_SP_XENSTORE), SPECIAL_PFN(XKG_HVM_SP_CONSOLE) };
    size_t sd = 0;
    if (xkc_populate_physmap(h, domid, special, 2, 0, &sd) < 0) {
        special_done = sd;
        xkg__ctrl_fail(&b, "populate xenstore/console pages");
        goto out;
    }
    special_done = 2;
    out->xenstore_gfn = SPECIAL_PFN(XKG_HVM_SP_XENSTORE);
    out->console_gfn = SPECIAL_PFN(XKG_HVM_SP_CONSOLE);
    if (xkg__zero_pfns(&b, out->xenstore_gfn, 1, "xenstore page") < 0 ||
        xkg__zero_pfns(&b, out->console_gfn, 1, "console page") < 0)
        goto out;

    if (xkg__alloc_ring_ports(&b, out) < 0)
        goto out;

    if (xkg__load_kernel(&b, kern_pfn, kern_end, 0) < 0 || xkg__load_ramdisk(&b, rd_pfn) < 0)
        goto out;

    uint64_t rsdp = 0;
    if (acpi_pages) {
        uint8_t *tables = xkg__map_pfns(&b, acpi_pfn, acpi_pages, "ACPI tables");
        if (!tables)
            goto out;
        int arc = xkg__acpi_build(tables, acpi_pages << XKG_PAGE_SHIFT,
                                  acpi_pfn << XKG_PAGE_SHIFT, nr_vcpus, &rsdp,
                                  b.err, b.errlen);
        xkg__unmap(&b, tables, acpi_pages);
        if (arc < 0)
            goto out;
    }

    /* memory map: RAM, the ACPI tables, the special pages (reserved), RAM
     * above 4 GiB */
    struct xkc_e820 map[4];
    unsigned nmap = 0;
    map[nmap++] = (struct xkc_e820){ 0, acpi_pfn << XKG_PAGE_SHIFT, XEN_HVM_MEMMAP_TYPE_RAM };
    if (acpi_pages)
        map[nmap++] = (struct xkc_e820){ acpi_pfn << XKG_PAGE_SHIFT, acpi_pages << XKG_PAGE_SHIFT,
                                         XEN_HVM_MEMMAP_TYPE_ACPI };
    map[nmap++] = (struct xkc_e820){ SPECIAL_PFN(0) << XKG_PAGE_SHIFT,
                                     XKG_HVM_NR_SPECIAL << XKG_PAGE_SHIFT, XEN_HVM_MEMMAP_TYPE_RESERVED };
    if (high)
        map[nmap++] = (struct xkc_e820){ GB4, high, XEN_HVM_MEMMAP_TYPE_RAM };
    if (xkc_set_memory_map(h, domid, map, nmap) < 0) {
        xkg__ctrl_fail(&b, "set memory map");
        goto out;
    }

    uint64_t si_paddr = si_pfn << XKG_PAGE_SHIFT;
    struct xkg__si_module rd = { rd_pfn << XKG_PAGE_SHIFT, b.rd_size, NULL };
    if (xkg__write_start_info(&b, si_pfn, &rd, cfg->cmdline ? cfg->cmdline : "", rsdp, map,
                              nmap) < 0)
        goto out;

    static const struct { unsigned p; const char *name; } params[] = {
        { HVM_PARAM_STORE_PFN, "HVM_PARAM_STORE_PFN" },
        { HVM_PARAM_STORE_EVTCHN, "HVM_PARAM_STORE_EVTCHN" },
        { HVM_PARAM_CONSOLE_PFN, "HVM_PARAM_CONSOLE_PFN" },
        { HVM_PARAM_CONSOLE_EVTCHN, "HVM_PARAM_CONSOLE_EVTCHN" },
    };
    uint64_t values[] = { out->xenstore_gfn, out->xenstore_port, out->console_gfn, out->console_port };
    for (unsigned i = 0; i < 4; i++)
        if (xkc_hvm_param_set(h, domid, params[i].p, values[i]) < 0) {
            char op[64];
            snprintf(op, sizeof(op), "set %s", params[i].name);
            xkg__ctrl_fail(&b, op);
            goto out;
        }
    if (xkc_gnttab_seed(h, domid, out->console_gfn, cfg->console_domid, out->xenstore_gfn,
                        cfg->xenstore_domid) < 0) {
        xkg__ctrl_fail(&b, "seed grant table");
        goto out;
    }
    if (xkg__hvm_start_vcpu(&b, in->xen.phys32_entry, si_paddr, true) < 0)
        goto out;
    out->nr_pages = b.nr_pages;
    out->entry = in->xen.phys32_entry;
    out->start_info = si_paddr;
    out->superpages = cfg->no_superpages ? 0 : xkg__count_supers(0, low >> XKG_PAGE_SHIFT) +
                                               xkg__count_supers(GB4 >> XKG_PAGE_SHIFT,
                                                            high >> XKG_PAGE_SHIFT);
    out->ramdisk_bytes = b.rd_size;
    rc = 0;
out:
    if (rc < 0) {
        int e = errno;
        xkg__depopulate_gfns(&b, 0, low_done);
        xkg__depopulate_gfns(&b, GB4 >> XKG_PAGE_SHIFT, high_done);
        for (uint64_t i = 0; i < special_done; i++)
            xkg__depopulate_gfns(&b, i == 0 ? SPECIAL_PFN(XKG_HVM_SP_XENSTORE) : SPECIAL_PFN(XKG_HVM_SP_CONSOLE),
                       1);
        errno = e;
    }
    if (b.rd_fd >= 0)
        close(b.rd_fd);
    return rc;
}
