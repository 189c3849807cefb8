/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xk-pv: the 64-bit PV flavour (hypercalls by `syscall`, M2P lookup). */
#include "xk.h"

#include <xen/arch-x86/xen.h>

#define XK_PV_VIRT_BASE 0xffffffff80000000ul
#define XK_PAGE_SHIFT 12
/* present | rw | user | accessed | dirty: Xen wants user set for 64-bit PV. */
#define XK_PTE_FLAGS 0x67ul

void pv_main(start_info_t *si) __attribute__((noreturn));

/* Overmapped with the shared_info page (vcpu_info, event masks). */
static unsigned char shinfo_page[4096] __attribute__((aligned(4096)));

/*
 * 64-bit PV hypercall: `syscall` from guest kernel mode, number in rax,
 * arguments in rdi, rsi, rdx, r10, r8. Xen clobbers rcx and r11 (syscall);
 * debug hypervisors also scribble on the argument registers.
 */
long xk_hypercall(unsigned int nr, unsigned long a1, unsigned long a2,
                  unsigned long a3)
{
    unsigned long rax = nr;

    __asm__ __volatile__("syscall"
                         : "+a"(rax), "+D"(a1), "+S"(a2), "+d"(a3)
                         :
                         : "rcx", "r11", "r8", "r10", "memory");
    return (long)rax;
}

/* Xen's console; release hypervisors refuse domUs (-EPERM), that is fine. */
void xk_emergency_write(const char *s, size_t n)
{
    xk_hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, n,
                 (unsigned long)s);
}

/*
 * SCHEDOP_block would unmask event delivery, and with no event callback
 * registered the first upcall would crash the domain. SCHEDOP_poll with no
 * ports keeps events masked and blocks until some event arrives; a later
 * event on an already pending port does not wake us again, so this does not
 * spin.
 */
void xk_sleep_forever(void)
{
    struct sched_poll poll;

    for (;;) {
        memset(&poll, 0, sizeof(poll));
        xk_hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll,
                     (unsigned long)&poll, 0);
    }
}

/* Map shared_info and mask event upcalls (the builder normally did). */
static void mask_events(const start_info_t *si)
{
    shared_info_t *sh = (shared_info_t *)shinfo_page;
    long rc;

    rc = xk_hypercall(__HYPERVISOR_update_va_mapping,
                      (unsigned long)shinfo_page,
                      (si->shared_info & ~0xffful) | XK_PTE_FLAGS,
                      UVMF_INVLPG);
    if (rc) {
        xk_puts("XK-GUEST-WARN cannot map shared_info\n");
        return;
    }
    sh->vcpu_info[0].evtchn_upcall_mask = 1;
    xk_barrier();
}

void pv_main(start_info_t *si)
{
    const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;
    const char *cmdline = (const char *)si->cmd_line;
    unsigned long pfn;

    mask_events(si);
    /* The console page's machine frame -> our pfn -> its initial mapping. */
    pfn = m2p[si->console.domU.mfn];
    if (pfn < si->nr_pages)
        xk_console_ring((struct xencons_interface *)
                            (XK_PV_VIRT_BASE + (pfn << XK_PAGE_SHIFT)),
                        si->console.domU.evtchn);
    else
        xk_puts("XK-GUEST-WARN console mfn not in M2P, no ring\n");

    /* PV has no cheap way to learn its domid (that is in xenstore). */
    xk_main("pv", -1, cmdline, xk_strnlen(cmdline, MAX_GUEST_CMDLINE));
}
