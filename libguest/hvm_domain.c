/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the PVH and HVM builders share (declared in build.h): populating
 * and releasing ranges of guest frames (gfn = pfn), the start info page,
 * and vcpu 0's start state. Both start the same way (docs/misc/pvh.pandoc): 32-bit protected
 * mode, paging off, flat segments, ebx = the start info's physical
 * address. The other vcpus keep Xen's reset state: the guest (or
 * hvmloader) starts them.
 */
#include "build.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xen/hvm/save.h>
#include <xen/arch-x86/hvm/start_info.h>

#define MTRR_TYPE_WB 6
#define MTRR_DEF_ENABLE (1u << 11)

int xkg__hvm_domain_prepare(struct bctx *b)
{
    struct xkc_dominfo di;
    if (xkc_domain_info(b->h, b->domid, &di) < 0)
        return xkg__ctrl_fail(b, "domain info");
    if (!di.hvm)
        return xkg__build_fail(b, EINVAL, "domain is PV, not %s", xkg_type_name(b->cfg->type));
    /* the HAP pool must exist before RAM is populated (p2m pages come
     * from it) */
    uint64_t pool = b->cfg->paging_pool_kb ? b->cfg->paging_pool_kb * 1024
                                           : xkg_paging_pool_bytes(b->cfg->mem_kb,
                                                                   b->cfg->nr_vcpus);
    if (xkc_domain_paging_mempool_set(b->h, b->domid, pool) < 0)
        return xkg__ctrl_fail(b, "set paging mempool size");
    return 0;
}

int xkg__populate_gfns(struct bctx *b, uint64_t first, uint64_t nr, uint64_t *done)
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
        size_t got = 0;
        if (xkc_populate_physmap(b->h, b->domid, batch, n, 0, &got) < 0) {
            *done += got;
            return xkg__ctrl_fail(b, "populate guest RAM");
        }
        *done += n;
    }
    return 0;
}

void xkg__depopulate_gfns(struct bctx *b, uint64_t first, uint64_t nr)
{
    xen_pfn_t batch[1024];
    for (uint64_t i = 0; i < nr; i += 1024) {
        size_t n = nr - i < 1024 ? (size_t)(nr - i) : 1024;
        for (size_t k = 0; k < n; k++)
            batch[k] = (xen_pfn_t)(first + i + k);
        xkc_decrease_reservation(b->h, b->domid, batch, n, 0, NULL);
    }
}

int xkg__hvm_start_vcpu(struct bctx *b, uint64_t entry, uint64_t si_paddr, bool mtrr_wb)
{
    void *full = NULL;
    size_t len = 0;
    if (xkc_hvm_context_get(b->h, b->domid, &full, &len) < 0)
        return xkg__ctrl_fail(b, "get HVM context");
    const size_t dsz = sizeof(struct hvm_save_descriptor);
    const struct hvm_save_descriptor *hdr_d = NULL;
    unsigned nr_mtrr = 0;
    size_t pos = 0;
    while (len - pos >= dsz) {
        const struct hvm_save_descriptor *d = (const void *)((const uint8_t *)full + pos);
        if (d->length > len - pos - dsz || d->typecode == HVM_SAVE_CODE(END))
            break;
        if (d->typecode == HVM_SAVE_CODE(HEADER))
            hdr_d = d;
        else if (d->typecode == HVM_SAVE_CODE(MTRR) && d->length == HVM_SAVE_LENGTH(MTRR))
            nr_mtrr++;
        pos += dsz + d->length;
    }
    if (!hdr_d || hdr_d->length != HVM_SAVE_LENGTH(HEADER)) {
        free(full);
        return xkg__build_fail(b, EPROTO, "HVM context has no valid header record");
    }
    if (!mtrr_wb)
        nr_mtrr = 0;
    /* the new context: header, vcpu 0's CPU, every vcpu's MTRR if asked,
     * END; records are packed back to back */
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

    /* PVH: write-back by default on every vcpu, else all guest memory
     * would be uncached (HVM: hvmloader programs the MTRRs itself) */
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

/* the start info page: hvm_start_info, one module, the memory map, then
 * the module's name and the command line */
struct si_page {
    struct hvm_start_info si;
    struct hvm_modlist_entry mod;
    struct hvm_memmap_table_entry map[XKG_SI_MAX_MAP];
};
#define SI_MODNAME_OFF 1024
#define SI_CMDLINE_OFF 2048

int xkg__write_start_info(struct bctx *b, uint64_t si_pfn, const struct xkg__si_module *mod,
                          const char *cmdline, uint64_t rsdp, const struct xkc_e820 *map,
                          unsigned nmap)
{
    if (nmap > XKG_SI_MAX_MAP)
        return xkg__build_fail(b, E2BIG, "start info: %u memory map entries (at most %d)", nmap,
                               XKG_SI_MAX_MAP);
    uint8_t *page = xkg__map_pfns(b, si_pfn, 1, "start info");
    if (!page)
        return -1;
    memset(page, 0, XKG_PAGE_SIZE);
    struct si_page *sp = (struct si_page *)page;
    uint64_t si_paddr = si_pfn << XKG_PAGE_SHIFT;
    sp->si.magic = XEN_HVM_START_MAGIC_VALUE;
    sp->si.version = 1;
    if (mod && mod->size) {
        sp->si.nr_modules = 1;
        sp->si.modlist_paddr = si_paddr + offsetof(struct si_page, mod);
        sp->mod.paddr = mod->paddr;
        sp->mod.size = mod->size;
        if (mod->name) {
            snprintf((char *)page + SI_MODNAME_OFF, SI_CMDLINE_OFF - SI_MODNAME_OFF, "%s",
                     mod->name);
            sp->mod.cmdline_paddr = si_paddr + SI_MODNAME_OFF;
        }
    }
    if (cmdline) {
        snprintf((char *)page + SI_CMDLINE_OFF, XKG_PAGE_SIZE - SI_CMDLINE_OFF, "%s", cmdline);
        sp->si.cmdline_paddr = si_paddr + SI_CMDLINE_OFF;
    }
    sp->si.rsdp_paddr = rsdp;
    sp->si.memmap_paddr = si_paddr + offsetof(struct si_page, map);
    sp->si.memmap_entries = nmap;
    for (unsigned i = 0; i < nmap; i++) {
        sp->map[i].addr = map[i].addr;
        sp->map[i].size = map[i].size;
        sp->map[i].type = map[i].type;
    }
    xkg__unmap(b, page, 1);
    return 0;
}
