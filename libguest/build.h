/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared state of the PV and PVH builders and their helpers (builder.c). */
#ifndef XKGUEST_BUILD_H
#define XKGUEST_BUILD_H
#include "private.h"
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

struct bctx {
    xkc_handle *h;
    uint32_t domid;
    const struct xkg_build_cfg *cfg;
    char *err;
    size_t errlen;
    xen_pfn_t *p2m;          /* PV: pfn -> mfn; NULL for PVH (gfn = pfn) */
    uint64_t nr_pages;
    int rd_fd;
    uint64_t rd_size;
};

int xkg__ctrl_fail(struct bctx *b, const char *op);
int xkg__sys_fail(struct bctx *b, const char *op);
int xkg__build_fail(struct bctx *b, int e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void *xkg__map(struct bctx *b, const xen_pfn_t *frames, size_t n, const char *what);
void *xkg__map_pfns(struct bctx *b, uint64_t pfn, size_t n, const char *what);
void xkg__unmap(struct bctx *b, void *p, size_t n);
int xkg__zero_pfns(struct bctx *b, uint64_t pfn, size_t n, const char *what);
/* The console and xenstore event channels, unbound for their back ends
 * (cfg->console_domid, cfg->xenstore_domid), into out->*_port. */
int xkg__alloc_ring_ports(struct bctx *b, struct xkg_build_result *out);
/* copy every segment to guest page (paddr + load_offset) >> 12, zeroing
 * the rest of [first_pfn, end_pfn) */
int xkg__load_kernel(struct bctx *b, uint64_t first_pfn, uint64_t end_pfn, uint64_t load_offset);
int xkg__ramdisk_open(struct bctx *b);
int xkg__load_ramdisk(struct bctx *b, uint64_t first_pfn);

/* PVH and HVM guests (hvm_domain.c): RAM [first, first + nr) in guest
 * frames (2 MiB extents where aligned, unless no_superpages), *done = what
 * was populated even on failure; its release; vcpu 0's 32-bit start state
 * at entry with ebx = si_paddr, and with mtrr_wb every vcpu's MTRRs
 * write-back by default (PVH). */
/* the domain is an HVM container (PVH, HVM); its paging pool set (cfg's
 * paging_pool_kb or xkg_paging_pool_bytes) */
int xkg__hvm_domain_prepare(struct bctx *b);
int xkg__populate_gfns(struct bctx *b, uint64_t first, uint64_t nr, uint64_t *done);
void xkg__depopulate_gfns(struct bctx *b, uint64_t first, uint64_t nr);
int xkg__hvm_start_vcpu(struct bctx *b, uint64_t entry, uint64_t si_paddr, bool mtrr_wb);
/* The start info page at si_pfn (hvm_start_info version 1): mod (NULL or
 * size 0: none) as module 0 with its name, cmdline (NULL: none), the RSDP
 * (0: none) and the memory map. */
#define XKG_SI_MAX_MAP 4
struct xkg__si_module {
    uint64_t paddr, size;
    const char *name;       /* NULL: none */
};
int xkg__write_start_info(struct bctx *b, uint64_t si_pfn, const struct xkg__si_module *mod,
                          const char *cmdline, uint64_t rsdp, const struct xkc_e820 *map,
                          unsigned nmap);

/* 2 MiB extents inside [first, first + nr) (pages), as xkc_populate_range
 * uses them */
static inline uint64_t xkg__count_supers(uint64_t first, uint64_t nr)
{
    uint64_t a = (first + 511) & ~511ull, e = (first + nr) & ~511ull;
    return e > a ? (e - a) / 512 : 0;
}

static inline uint64_t xkg__pages(uint64_t bytes)
{
    return (bytes + XKG_PAGE_SIZE - 1) >> XKG_PAGE_SHIFT;
}
#endif
