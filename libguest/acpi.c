/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ACPI tables for a PVH guest (pure: bytes into a buffer). A PVH guest has
 * no firmware, so the toolstack gives it what an OS needs to find its
 * processors: an RSDP (announced in hvm_start_info.rsdp_paddr), an XSDT and
 * an RSDT pointing at a FADT and a MADT, and the DSDT the FADT must name.
 *
 * - FADT: hardware-reduced ACPI (no SCI, no PM blocks, no FACS), no VGA,
 *   no MSI, no CMOS RTC: a PVH domain emulates none of them.
 * - DSDT: a header and no AML (nothing to declare: no devices, no
 *   processor objects; Linux enumerates processors from the MADT).
 * - MADT: Xen's emulated local APIC at 0xfee00000 and one entry per vcpu
 *   with the APIC ID Xen gives it (2 * vcpu id), all enabled. A vcpu that
 *   is not to run yet is offlined by the guest itself, from xenstore's
 *   cpu/N/availability, as a PV guest does (Linux's Xen CPU hotplug
 *   driver, for PVH too), and vcpu-set brings it back. A disabled entry
 *   would do no good: Linux brings up only processors the MADT enabled at
 *   boot ("native_cpu_up: bad cpu 1" otherwise), and ACPI CPU hotplug
 *   (libxl's tables: processor objects, a GPE) needs an SCI, which a PVH
 *   guest without an I/O APIC cannot get (Linux: "SCI (ACPI GSI 9) not
 *   registered"). Xen emulates no I/O APIC and no 8259 for PVH: none here.
 *
 * Layout from the buffer's start (guest physical `base`): RSDP, XSDT,
 * RSDT, FADT, DSDT, MADT, each 16-byte aligned. All of it below 4 GiB.
 */
#include "private.h"
#include <errno.h>
#include <string.h>

#define OEM_ID "XKIT  "            /* 6 bytes */
#define OEM_TABLE "XKITPVH "       /* 8 bytes */
#define CREATOR "XKIT"
#define LAPIC_ADDR 0xfee00000u

#define HDR 36u                    /* every system description table header */
#define RSDP_LEN 36u
#define FADT_LEN 276u              /* ACPI 6.0: up to the hypervisor vendor id */
#define MADT_FIXED (HDR + 8u)
#define LAPIC_LEN 8u               /* type 0: processor local APIC */
#define X2APIC_LEN 16u             /* type 9: processor local x2APIC */

#define FADT_HW_REDUCED (1u << 20)
#define BOOT_NO_VGA (1u << 2)
#define BOOT_NO_MSI (1u << 3)
#define BOOT_NO_CMOS_RTC (1u << 5)

static size_t align16(size_t n) { return (n + 15) & ~(size_t)15; }

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* the byte that makes p[0..n) sum to zero */
static uint8_t fix_sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    return (uint8_t)(0 - s);
}

static bool x2apic_entry(unsigned vcpu) { return 2 * vcpu > 254; }

static size_t madt_len(unsigned nr_vcpus)
{
    size_t n = MADT_FIXED;
    for (unsigned v = 0; v < nr_vcpus; v++)
        n += x2apic_entry(v) ? X2APIC_LEN : LAPIC_LEN;
    return n;
}

/* offsets of each table from the start */
struct layout {
    size_t xsdt, rsdt, fadt, dsdt, madt, end;
};

static void lay_out(unsigned nr_vcpus, struct layout *L)
{
    L->xsdt = align16(RSDP_LEN);
    L->rsdt = align16(L->xsdt + HDR + 2 * 8);
    L->fadt = align16(L->rsdt + HDR + 2 * 4);
    L->dsdt = align16(L->fadt + FADT_LEN);
    L->madt = align16(L->dsdt + HDR);
    L->end = L->madt + madt_len(nr_vcpus);
}

size_t xkg__acpi_size(unsigned nr_vcpus)
{
    struct layout L;
    lay_out(nr_vcpus, &L);
    return L.end;
}

static void header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, OEM_ID, 6);
    memcpy(t + 16, OEM_TABLE, 8);
    put32(t + 24, 1);              /* OEM revision */
    memcpy(t + 28, CREATOR, 4);
    put32(t + 32, 1);              /* creator revision */
}

static void seal(uint8_t *t)
{
    uint32_t len = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 |
                   (uint32_t)t[7] << 24;
    t[9] = 0;
    t[9] = fix_sum(t, len);
}

int xkg__acpi_build(uint8_t *buf, size_t len, uint64_t base, unsigned nr_vcpus,
                   uint64_t *rsdp_paddr, char *err, size_t errlen)
{
    struct layout L;
    if (nr_vcpus == 0) {
        xkg__err(err, errlen, "ACPI tables: a guest needs at least one vcpu");
        errno = EINVAL;
        return -1;
    }
    lay_out(nr_vcpus, &L);
    if (len < L.end || base % 16 || base + L.end > (1ull << 32)) {
        xkg__err(err, errlen, "ACPI tables: %zu bytes at %#llx do not fit the %zu-byte area "
                 "below 4 GiB", L.end, (unsigned long long)base, len);
        errno = ENOSPC;
        return -1;
    }
    memset(buf, 0, L.end);

    uint8_t *p = buf + L.madt;
    header(p, "APIC", (uint32_t)madt_len(nr_vcpus), 4);
    put32(p + HDR, LAPIC_ADDR);
    put32(p + HDR + 4, 0);         /* no PC-AT 8259 pair */
    size_t off = MADT_FIXED;
    for (unsigned v = 0; v < nr_vcpus; v++) {
        uint32_t flags = 1;        /* enabled */
        uint8_t *e = p + off;
        if (!x2apic_entry(v)) {
            e[0] = 0;
            e[1] = LAPIC_LEN;
            e[2] = (uint8_t)v;     /* ACPI processor UID */
            e[3] = (uint8_t)(2 * v);
            put32(e + 4, flags);
            off += LAPIC_LEN;
        } else {
            e[0] = 9;
            e[1] = X2APIC_LEN;
            put32(e + 4, 2 * v);
            put32(e + 8, flags);
            put32(e + 12, v);
            off += X2APIC_LEN;
        }
    }
    seal(p);

    p = buf + L.dsdt;
    header(p, "DSDT", HDR, 2);
    seal(p);

    p = buf + L.fadt;
    header(p, "FACP", FADT_LEN, 6);
    put32(p + 40, (uint32_t)(base + L.dsdt));     /* DSDT */
    put16(p + 109, BOOT_NO_VGA | BOOT_NO_MSI | BOOT_NO_CMOS_RTC);
    put32(p + 112, FADT_HW_REDUCED);
    p[131] = 0;                                    /* minor version: 6.0 */
    put64(p + 140, base + L.dsdt);                 /* X_DSDT */
    memcpy(p + 268, "XenVMM\0\0", 8);              /* hypervisor vendor identity */
    seal(p);

    p = buf + L.xsdt;
    header(p, "XSDT", HDR + 2 * 8, 1);
    put64(p + HDR, base + L.fadt);
    put64(p + HDR + 8, base + L.madt);
    seal(p);

    p = buf + L.rsdt;
    header(p, "RSDT", HDR + 2 * 4, 1);
    put32(p + HDR, (uint32_t)(base + L.fadt));
    put32(p + HDR + 4, (uint32_t)(base + L.madt));
    seal(p);

    p = buf;
    memcpy(p, "RSD PTR ", 8);
    memcpy(p + 9, OEM_ID, 6);
    p[15] = 2;                                     /* ACPI 2.0+ RSDP */
    put32(p + 16, (uint32_t)(base + L.rsdt));
    put32(p + 20, RSDP_LEN);
    put64(p + 24, base + L.xsdt);
    p[8] = fix_sum(p, 20);
    p[32] = fix_sum(p, RSDP_LEN);

    *rsdp_paddr = base;
    return 0;
}
