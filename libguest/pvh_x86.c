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
#include <stdlib.h>
#include <string.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/hvm/save.h>
#include <xen/arch-x86/hvm/start_info.h>

/* libxl/libxenguest's special pages: 8 pages ending at pfn 0xff000 */
#define SPECIAL_END_PFN 0xff000ull
#define SPECIAL_NR 8ull
#define SPECIAL_XENSTORE 4ull
#define SPECIAL_CONSOLE 7ull
#define SPECIAL_PFN(x) (SPECIAL_END_PFN - SPECIAL_NR + (x))
/* RAM above this goes above 4 GiB (libxl's default MMIO hole start) */
#define LOWMEM_MAX 0xf0000000ull
#define GB4 (1ull << 32)

#define MTRR_TYPE_WB 6
#define MTRR_DEF_ENABLE (1u << 11)

struct si_page {
    struct hvm_start_info si;
    struct hvm_modlist_entry mod;
    struct hvm_memmap_table_entry map[4];
};
#define SI_CMDLINE_OFF 2048

/* Replace vcpu 0's CPU record with the PVH start state and turn every
 * vcpu's MTRRs on with write-back default (else all guest memory would be
 * uncached). The other vcpus keep Xen's reset state: the guest starts them
 * (INIT/SIPI through its local APIC). */
static int set_vcpu_state(struct bctx *b, uint64_t entry, uint64_t si_paddr)
{
    void *full = NULL;
    size_t len = 0;
    if (xkc_hvm_context_get(b->h, b->domid, &full, &len) < 0)
        return xkg__ctrl_fail(b, "get HVM context");
    const struct hvm_save_descriptor *hdr_d = NULL;
    unsigned nr_mtrr = 0;
    size_t pos = 0;
    while (len - pos >= sizeof(struct hvm_save_descriptor)) {
        const struct hvm_save_descriptor *d = (const void *)((const uint8_t *)full + pos);
        if (d->length > len - pos - sizeof(*d))
            break;
        if (d->typecode == HVM_SAVE_CODE(HEADER))
            hdr_d = d;
        else if (d->typecode == HVM_SAVE_CODE(MTRR) && d->length == HVM_SAVE_LENGTH(MTRR))
            nr_mtrr++;
        else if (d->typecode == HVM_SAVE_CODE(END))
            break;
        pos += sizeof(*d) + d->length;
    }
    if (!hdr_d || hdr_d->length != HVM_SAVE_LENGTH(HEADER)) {
        free(full);
        return xkg__build_fail(b, EPROTO, "HVM context has no valid header record");
    }
    /* new context: header, vcpu 0's CPU, every MTRR Xen gave, END; records
     * are packed back to back */
    const size_t dsz = sizeof(struct hvm_save_descriptor);
    size_t cap = 3 * dsz + HVM_SAVE_LENGTH(HEADER) + HVM_SAVE_LENGTH(CPU) +
                 (size_t)nr_mtrr * (dsz + HVM_SAVE_LENGTH(MTRR));
    uint8_t *blob = malloc(cap);
    if (!blob) {
        free(full);
        return xkg__sys_fail(b, "allocate the HVM context");
    }
    size_t size = 0;
    memcpy(blob, hdr_d, dsz + HVM_SAVE_LENGTH(HEADER));
    size += dsz + HVM_SAVE_LENGTH(HEADER);

    struct hvm_save_descriptor d = { HVM_SAVE_CODE(CPU), 0, HVM_SAVE_LENGTH(CPU) };
    HVM_SAVE_TYPE(CPU) c;
    memset(&c, 0, sizeof(c));
    c.cs_limit = c.ds_limit = c.es_limit = c.ss_limit = ~0u;
    c.cs_arbytes = 0xc9b;  /* 32-bit code, read/execute, accessed, present, 4K gran */
    c.ds_arbytes = c.es_arbytes = c.ss_arbytes = 0xc93; /* 32-bit data, read/write */
    c.tr_limit = 0x67;
    c.tr_arbytes = 0x8b;   /* busy 32-bit TSS */
    c.cr0 = 0x11;          /* PE | ET */
    c.dr6 = 0xffff0ff0;
    c.dr7 = 0x400;
    c.rip = entry;
    c.rbx = si_paddr;
    c.rflags = 2;
    memcpy(blob + size, &d, sizeof(d));
    memcpy(blob + size + sizeof(d), &c, sizeof(c));
    size += sizeof(d) + sizeof(c);

    unsigned copied = 0;
    for (pos = 0; len - pos >= dsz && copied < nr_mtrr;) {
        const struct hvm_save_descriptor *m_d = (const void *)((const uint8_t *)full + pos);
        if (m_d->length > len - pos - dsz || m_d->typecode == HVM_SAVE_CODE(END))
            break;
        if (m_d->typecode == HVM_SAVE_CODE(MTRR) && m_d->length == HVM_SAVE_LENGTH(MTRR)) {
            HVM_SAVE_TYPE(MTRR) m;
            memcpy(&m, m_d + 1, sizeof(m));
            m.msr_mtrr_def_type = MTRR_TYPE_WB | MTRR_DEF_ENABLE;
            memcpy(blob + size, m_d, dsz);
            memcpy(blob + size + dsz, &m, sizeof(m));
            size += dsz + sizeof(m);
            copied++;
        }
        pos += dsz + m_d->length;
    }
    free(full);
    struct hvm_save_descriptor e = { HVM_SAVE_CODE(END), 0, 0 };
    memcpy(blob + size, &e, sizeof(e));
    size += sizeof(e);
    int rc = xkc_hvm_context_set(b->h, b->domid, blob, size);
    free(blob);
    if (rc < 0)
        return xkg__ctrl_fail(b, "set HVM context (vcpu 0 start state)");
    return 0;
}

static int populate_range(struct bctx *b, uint64_t first, uint64_t nr, uint64_t *done)
{
    *done = 0;
    if (!b->cfg->no_superpages) {
        if (xkc_populate_range(b->h, b->domid, first, nr, done) < 0)
            return xkg__ctrl_fail(b, "populate guest RAM");
        return 0;
    }
    xen_pfn_t batch[1024];
    while (*done < nr) {
        size_t n = nr - *done < 1024 ? (size_t)(nr - *done) : 1024;
        for (size_t i = 0; i < n; i++)
            batch[i] = (xen_pfn_t)(first + *done + i);
        size_t d = 0;
        if (xkc_populate_physmap(b->h, b->domid, batch, n, 0, &d) < 0) {
            *done += d;
            return xkg__ctrl_fail(b, "populate guest RAM");
        }
        *done += n;
    }
    return 0;
}

static void depopulate(struct bctx *b, uint64_t first, uint64_t nr)
{
    xen_pfn_t batch[1024];
    for (uint64_t i = 0; i < nr; i += 1024) {
        size_t n = nr - i < 1024 ? (size_t)(nr - i) : 1024;
        for (size_t k = 0; k < n; k++)
            batch[k] = (xen_pfn_t)(first + i + k);
        xkc_decrease_reservation(b->h, b->domid, batch, n, 0, NULL);
    }
}

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
    struct xkc_dominfo di;
    if (xkc_domain_info(h, domid, &di) < 0) {
        xkg__ctrl_fail(&b, "domain info");
        goto out;
    }
    if (!di.hvm) {
        xkg__build_fail(&b, EINVAL, "domain is PV, not PVH");
        goto out;
    }
    /* the HAP pool must exist before RAM is populated (p2m pages come
     * from it) */
    uint64_t pool = cfg->paging_pool_kb ? cfg->paging_pool_kb * 1024
                                        : xkg_paging_pool_bytes(cfg->mem_kb, cfg->nr_vcpus);
    if (xkc_domain_paging_mempool_set(h, domid, pool) < 0) {
        xkg__ctrl_fail(&b, "set paging mempool size");
        goto out;
    }
    if (populate_range(&b, 0, low >> XKG_PAGE_SHIFT, &low_done) < 0 ||
        (high && populate_range(&b, GB4 >> XKG_PAGE_SHIFT, high >> XKG_PAGE_SHIFT,
                                &high_done) < 0))
        goto out;
    xen_pfn_t special[2] = { SPECIAL_PFN(SPECIAL_XENSTORE), SPECIAL_PFN(SPECIAL_CONSOLE) };
    size_t sd = 0;
    if (xkc_populate_physmap(h, domid, special, 2, 0, &sd) < 0) {
        special_done = sd;
        xkg__ctrl_fail(&b, "populate xenstore/console pages");
        goto out;
    }
    special_done = 2;
    out->xenstore_gfn = SPECIAL_PFN(SPECIAL_XENSTORE);
    out->console_gfn = SPECIAL_PFN(SPECIAL_CONSOLE);
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
                                     SPECIAL_NR << XKG_PAGE_SHIFT, XEN_HVM_MEMMAP_TYPE_RESERVED };
    if (high)
        map[nmap++] = (struct xkc_e820){ GB4, high, XEN_HVM_MEMMAP_TYPE_RAM };
    if (xkc_set_memory_map(h, domid, map, nmap) < 0) {
        xkg__ctrl_fail(&b, "set memory map");
        goto out;
    }

    uint8_t *page = xkg__map_pfns(&b, si_pfn, 1, "start info");
    if (!page)
        goto out;
    memset(page, 0, XKG_PAGE_SIZE);
    struct si_page *sp = (struct si_page *)page;
    uint64_t si_paddr = si_pfn << XKG_PAGE_SHIFT;
    sp->si.magic = XEN_HVM_START_MAGIC_VALUE;
    sp->si.version = 1;
    if (b.rd_size) {
        sp->si.nr_modules = 1;
        sp->si.modlist_paddr = si_paddr + offsetof(struct si_page, mod);
        sp->mod.paddr = rd_pfn << XKG_PAGE_SHIFT;
        sp->mod.size = b.rd_size;
    }
    snprintf((char *)page + SI_CMDLINE_OFF, 1024, "%s", cfg->cmdline ? cfg->cmdline : "");
    sp->si.cmdline_paddr = si_paddr + SI_CMDLINE_OFF;
    sp->si.rsdp_paddr = rsdp;
    sp->si.memmap_paddr = si_paddr + offsetof(struct si_page, map);
    sp->si.memmap_entries = nmap;
    for (unsigned i = 0; i < nmap; i++) {
        sp->map[i].addr = map[i].addr;
        sp->map[i].size = map[i].size;
        sp->map[i].type = map[i].type;
    }
    xkg__unmap(&b, page, 1);

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
    if (set_vcpu_state(&b, in->xen.phys32_entry, si_paddr) < 0)
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
        depopulate(&b, 0, low_done);
        depopulate(&b, GB4 >> XKG_PAGE_SHIFT, high_done);
        for (uint64_t i = 0; i < special_done; i++)
            depopulate(&b, i == 0 ? SPECIAL_PFN(SPECIAL_XENSTORE) : SPECIAL_PFN(SPECIAL_CONSOLE),
                       1);
        errno = e;
    }
    if (b.rd_fd >= 0)
        close(b.rd_fd);
    return rc;
}
