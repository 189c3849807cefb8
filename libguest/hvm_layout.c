/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * HVM guest physical layout (pure arithmetic), as libxl and libxenguest lay
 * out an HVM guest so that hvmloader, SeaBIOS/OVMF and QEMU find what they
 * expect:
 *
 *   0 .. 0x9ffff         RAM (hvm_info_table at 0x9f800)
 *   0xa0000 .. 0xbffff   not populated: the VGA window QEMU emulates
 *   0xc0000 .. low_end   RAM (the firmware ELF at its physical address,
 *                        then its module, then the start info)
 *   mmio_start .. 4 GiB  the MMIO hole (256 MiB by default), holding near
 *                        its top the 8 ioreq-server pages at 0xfeff0 and
 *                        the 8 special pages at 0xfeff8 (paging, access,
 *                        sharing, buffered ioreq, xenstore, ioreq, the
 *                        identity page table, console)
 *   4 GiB .. high_end    the RAM that does not fit below the hole
 */
#include "private.h"
#include <errno.h>
#include <string.h>
#include <xen/hvm/hvm_info_table.h>

#define GB4 (1ull << 32)
#define MB (1ull << 20)

int xkg__hvm_layout(uint64_t mem_kb, uint64_t mmio_hole_kb, struct xkg__hvm_layout *L,
                   char *err, size_t errlen)
{
    memset(L, 0, sizeof *L);
    uint64_t mem = mem_kb << 10;
    uint64_t hole = mmio_hole_kb ? mmio_hole_kb << 10 : XKG_HVM_MMIO_HOLE_DEFAULT;
    /* the hole must keep the special pages and leave room for RAM below it */
    if (hole % MB || hole < XKG_HVM_MMIO_HOLE_DEFAULT || hole > GB4 - 256 * MB) {
        xkg__err(err, errlen, "MMIO hole of %llu KiB: give a multiple of 1 MiB from 256 MiB to "
                 "3840 MiB", (unsigned long long)(hole >> 10));
        errno = EINVAL;
        return -1;
    }
    if (mem < 16 * MB) {
        xkg__err(err, errlen, "%llu KiB of RAM is too little for an HVM guest (firmware and BIOS "
                 "need 16 MiB at least)", (unsigned long long)mem_kb);
        errno = EINVAL;
        return -1;
    }
    L->mmio_start = GB4 - hole;
    L->low_end = mem < L->mmio_start ? mem : L->mmio_start;
    L->high_end = mem > L->mmio_start ? GB4 + (mem - L->mmio_start) : 0;
    L->special_pfn = XKG_HVM_SPECIAL_END_PFN - XKG_HVM_NR_SPECIAL;
    L->ioreq_pfn = L->special_pfn - XKG_HVM_NR_IOREQ_PAGES;
    return 0;
}

int xkg__hvm_info(uint8_t *table, size_t len, const struct xkg__hvm_layout *L, unsigned nr_vcpus,
                 unsigned online, char *err, size_t errlen)
{
    struct hvm_info_table t;
    if (len < sizeof t || nr_vcpus == 0 || nr_vcpus > HVM_MAX_VCPUS || online == 0 ||
        online > nr_vcpus) {
        xkg__err(err, errlen, "hvm_info: %u of %u vcpus online (at most %u vcpus)", online,
                 nr_vcpus, HVM_MAX_VCPUS);
        errno = EINVAL;
        return -1;
    }
    memset(&t, 0, sizeof t);
    memcpy(t.signature, "HVM INFO", 8);
    t.length = sizeof t;
    t.apic_mode = 1;
    t.nr_vcpus = nr_vcpus;
    for (unsigned v = 0; v < online; v++)
        t.vcpu_online[v / 8] |= (uint8_t)(1u << (v % 8));
    t.low_mem_pgend = (uint32_t)(L->low_end >> XKG_PAGE_SHIFT);
    t.high_mem_pgend = (uint32_t)(L->high_end >> XKG_PAGE_SHIFT);
    t.reserved_mem_pgstart = (uint32_t)L->ioreq_pfn;
    uint8_t sum = 0;
    const uint8_t *p = (const uint8_t *)&t;
    for (size_t i = 0; i < sizeof t; i++)
        sum = (uint8_t)(sum + p[i]);
    t.checksum = (uint8_t)(0 - sum);
    memcpy(table, &t, sizeof t);
    return 0;
}
