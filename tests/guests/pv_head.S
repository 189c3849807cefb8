/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entry of xk-pv, the 64-bit PV kernel.
 *
 * Xen (the domain builder) enters at _start in 64-bit (guest) kernel mode
 * with the image, start_info, the initial page tables etc. mapped from
 * VIRT_BASE, %rsi = virtual address of start_info and a stack we do not
 * rely on.
 */
/* the symbol table names this file, not the compiler's temporary object:
 * the same kernel from any build (tests/check-repro) */
	.file "pv_head.S"

#include "xk_note.h"

#define XK_PV_VIRT_BASE 0xffffffff80000000

XK_NOTE(XEN_ELFNOTE_GUEST_OS, .asciz "xk-pv")
XK_NOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz "1")
XK_NOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
XK_NOTE(XEN_ELFNOTE_LOADER, .asciz "generic")
XK_NOTE(XEN_ELFNOTE_VIRT_BASE, .quad XK_PV_VIRT_BASE)
/* ELF paddr + VIRT_BASE - PADDR_OFFSET = virtual address (see pv.lds). */
XK_NOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad 0)
XK_NOTE(XEN_ELFNOTE_ENTRY, .quad _start)
XK_NOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)
XK_NOTE(XEN_ELFNOTE_FEATURES, .asciz "!writable_page_tables")
XK_NOTE(XEN_ELFNOTE_PAE_MODE, .asciz "yes")
XK_NOTE(XEN_ELFNOTE_SUSPEND_CANCEL, .long 1)

    .section .text.head, "ax", @progbits
    .code64
    .globl _start
_start:
    cld
    /* Zero .bss (our stack lives there, so before using the stack). */
    lea __bss_start(%rip), %rdi
    lea __bss_end(%rip), %rcx
    sub %rdi, %rcx
    xor %eax, %eax
    mov %rsi, %rbx
    rep stosb
    lea stack_top(%rip), %rsp
    mov %rbx, %rdi
    call pv_main
    ud2

    /* Filled by the domain builder; we use `syscall` directly instead. */
    .section .hypercall_page, "ax", @progbits
    .p2align 12
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc

    .section .bss, "aw", @nobits
    .p2align 12
stack:
    .skip 16384
stack_top:
