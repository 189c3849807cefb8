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

/* The two pages of the p2m tree published in shared_info (below). */
static unsigned long p2m_fll[512] __attribute__((aligned(4096)));
static unsigned long p2m_fl[512] __attribute__((aligned(4096)));

/* The machine frame of an address in the initial mapping, where every
 * pfn the builder gave out is at XK_PV_VIRT_BASE + (pfn << 12). */
static unsigned long virt_to_mfn(const start_info_t *si, const void *va)
{
    const unsigned long *p2m = (const unsigned long *)si->mfn_list;
    return p2m[((unsigned long)va - XK_PV_VIRT_BASE) >> XK_PAGE_SHIFT];
}

/*
 * Publish the p2m as Linux does (shared_info arch.max_pfn and the
 * 3-level pfn_to_mfn_frame_list_list), so that a dom0 tool can find our
 * pages (xl dump-core, save): the frame list list names the frame list
 * page, which names the pages of the builder's p2m array. One frame list
 * covers 512 p2m pages, 1 GiB of guest: plenty here.
 */
static void publish_p2m(const start_info_t *si, shared_info_t *sh)
{
    unsigned long pages = (si->nr_pages + 511) / 512;
    if (pages > 512)
        return;
    for (unsigned long i = 0; i < pages; i++)
        p2m_fl[i] = virt_to_mfn(si, (const char *)si->mfn_list + i * 4096);
    p2m_fll[0] = virt_to_mfn(si, p2m_fl);
    sh->arch.max_pfn = si->nr_pages;
    xk_barrier();
    sh->arch.pfn_to_mfn_frame_list_list = virt_to_mfn(si, p2m_fll);
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
    publish_p2m(si, sh);
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
