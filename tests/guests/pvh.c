/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xk-pvh: the PVH flavour (hypercall page via CPUID/MSR, port 0xe9). Built
 * with XK_HVM it is xk-hvm: the same code as an HVM guest's firmware (what
 * xl.cfg's firmware_override loads instead of hvmloader), which Xen enters
 * the same way. */
#include "xk.h"

#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <xen/arch-x86/cpuid.h>

#define XK_PAGE_SHIFT 12
#define XK_DEBUG_PORT 0xe9
#define XK_HYPERCALL_ENTRY_SIZE 32

void pvh_main(uint32_t start_info_paddr) __attribute__((noreturn));

extern unsigned char hypercall_page[4096];
static int hypercalls_ready;

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c,
                  uint32_t *d)
{
    __asm__ __volatile__("cpuid"
                         : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                         : "0"(leaf), "2"(0));
}

static void wrmsr(uint32_t msr, uint64_t val)
{
    __asm__ __volatile__("wrmsr"
                         :
                         : "c"(msr), "a"((uint32_t)val),
                           "d"((uint32_t)(val >> 32))
                         : "memory");
}

/* Xen's CPUID leaves start at 0x40000000 or, behind Viridian, higher. */
static uint32_t xen_cpuid_base(void)
{
    uint32_t base, a, b, c, d;

    for (base = 0x40000000; base < 0x40010000; base += 0x100) {
        cpuid(base, &a, &b, &c, &d);
        if (b == XEN_CPUID_SIGNATURE_EBX && c == XEN_CPUID_SIGNATURE_ECX &&
            d == XEN_CPUID_SIGNATURE_EDX && a - base >= 2)
            return base;
    }
    return 0;
}

/*
 * Xen fills the hypercall page with the right instruction for the CPU
 * (vmcall on Intel, vmmcall on AMD, as under QEMU TCG) when we write the
 * page's physical address to the MSR that leaf base+2 names.
 */
static void hypercall_setup(uint32_t base)
{
    uint32_t a, b, c, d;

    cpuid(base + 2, &a, &b, &c, &d);
    if (a < 1)
        return;
    /* Identity mapped: the virtual address is the physical one. */
    wrmsr(b, (uint64_t)(uintptr_t)hypercall_page);
    hypercalls_ready = 1;
}

/* Our domid from leaf base+4, if this Xen reports it; else -1. */
static long xen_domid(uint32_t base)
{
    uint32_t a, b, c, d;

    cpuid(base, &a, &b, &c, &d);
    if (a < base + 4)
        return -1;
    cpuid(base + 4, &a, &b, &c, &d);
    return (a & XEN_HVM_CPUID_DOMID_PRESENT) ? (long)(c & 0xffff) : -1;
}

/* Call entry nr of the page; 64-bit HVM ABI: rdi, rsi, rdx, r10, r8. */
long xk_hypercall(unsigned int nr, unsigned long a1, unsigned long a2,
                  unsigned long a3)
{
    void *entry = hypercall_page + nr * XK_HYPERCALL_ENTRY_SIZE;
    long ret;

    if (!hypercalls_ready)
        return -38; /* -ENOSYS */
    __asm__ __volatile__("call *%[entry]"
                         : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
                         : [entry] "r"(entry)
                         : "rcx", "r8", "r10", "r11", "memory");
    return ret;
}

/*
 * Xen prints what an HVM guest writes to port 0xe9 in its own log
 * (guest_loglvl=all). We do not also use console_io: it would print twice
 * on a debug hypervisor and is refused on release ones.
 */
void xk_emergency_write(const char *s, size_t n)
{
    while (n--)
        __asm__ __volatile__("outb %b0, %w1" : : "a"(*s++), "Nd"(XK_DEBUG_PORT));
}

/*
 * With interrupts off and no event callback configured Xen never injects an
 * upcall, so SCHEDOP_block just sleeps until some event kicks the vCPU; we
 * then block again.
 */
void xk_sleep_forever(void)
{
    for (;;) {
        __asm__ __volatile__("cli" ::: "memory");
        xk_hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
    }
}

static int get_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    long rc;

    rc = xk_hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param,
                      (unsigned long)&p, 0);
    if (rc)
        return -1;
    *value = p.value;
    return 0;
}

void pvh_main(uint32_t start_info_paddr)
{
    const struct hvm_start_info *si =
        (const struct hvm_start_info *)(uintptr_t)start_info_paddr;
    const char *cmdline = "";
    uint64_t pfn, port;
    uint32_t base;

    base = xen_cpuid_base();
    if (!base) {
        xk_puts("XK-GUEST-ERROR no Xen CPUID leaves\n");
        for (;;)
            __asm__ __volatile__("cli; hlt");
    }
    hypercall_setup(base);

    if (si->magic != XEN_HVM_START_MAGIC_VALUE)
        xk_puts("XK-GUEST-WARN bad hvm_start_info magic\n");
    else if (si->cmdline_paddr && si->cmdline_paddr < (1ull << 32))
        cmdline = (const char *)(uintptr_t)si->cmdline_paddr;

    /* Only what our 4 GiB identity map covers can be used. */
    if (get_param(HVM_PARAM_CONSOLE_PFN, &pfn) == 0 && pfn &&
        pfn < (1ull << (32 - XK_PAGE_SHIFT)) &&
        get_param(HVM_PARAM_CONSOLE_EVTCHN, &port) == 0)
        xk_console_ring((struct xencons_interface *)(uintptr_t)
                            (pfn << XK_PAGE_SHIFT),
                        (evtchn_port_t)port);
    else
        xk_puts("XK-GUEST-WARN no console ring\n");

#ifdef XK_HVM
    xk_main("hvm", xen_domid(base), cmdline,
#else
    xk_main("pvh", xen_domid(base), cmdline,
#endif
            xk_strnlen(cmdline, MAX_GUEST_CMDLINE));
}
