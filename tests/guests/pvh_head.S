/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entry of xk-pvh (PVH boot ABI, docs/misc/pvh.pandoc in Xen).
 *
 * Xen enters at pvh_start32 in 32-bit protected mode, paging off, flat
 * segments, interrupts off, %ebx = physical address of hvm_start_info.
 * We identity-map the low 4 GiB with 2 MiB pages (the console and xenstore
 * pages live just below 4 GiB), load our own GDT and switch to long mode.
 */
/* the symbol table names this file, not the compiler's temporary object:
 * the same kernel from any build (tests/check-repro) */
	.file "pvh_head.S"

#include "xk_note.h"

#ifndef XK_HVM
/* (xk-hvm, the same code built as HVM firmware, has no notes: it is
 * entered at the ELF entry, which is pvh_start32 too) */
XK_NOTE(XEN_ELFNOTE_GUEST_OS, .asciz "xk-pvh")
XK_NOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz "1")
XK_NOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
XK_NOTE(XEN_ELFNOTE_PHYS32_ENTRY, .long pvh_start32)
#endif

#define CR0_PG      0x80000000
#define CR4_PAE     0x20
#define MSR_EFER    0xc0000080
#define EFER_LME    0x100
#define PTE_P_RW    0x3
#define PDE_LARGE   0x83        /* present | rw | 2 MiB page */
#define SEL_CODE64  0x08
#define SEL_DATA    0x10

    .section .text.head, "ax", @progbits
    .code32
    .globl pvh_start32
pvh_start32:
    cld
    mov %ebx, %esi              /* keep start_info across the setup */

    /* Zero .bss: page tables and stack live there. */
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    xor %eax, %eax
    rep stosb

    /* PML4[0] -> PDPT; PDPT[0..3] -> PD[0..3]; 2048 x 2 MiB = 4 GiB. */
    movl $(pdpt + PTE_P_RW), pml4

    mov $pdpt, %edi
    mov $(pd + PTE_P_RW), %eax
    mov $4, %ecx
1:  mov %eax, (%edi)
    add $4096, %eax
    add $8, %edi
    loop 1b

    mov $pd, %edi
    mov $PDE_LARGE, %eax
    mov $2048, %ecx
2:  mov %eax, (%edi)            /* high dword stays 0 (< 4 GiB) */
    add $0x200000, %eax
    add $8, %edi
    loop 2b

    lgdt gdt_desc

    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov $pml4, %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $CR0_PG, %eax
    mov %eax, %cr0

    ljmp $SEL_CODE64, $start64

    .code64
start64:
    mov $SEL_DATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    mov $stack_top, %rsp
    mov %esi, %edi              /* zero-extends the start_info address */
    call pvh_main
    ud2

    /* Xen writes the hypercall stubs here when we ask via the MSR. */
    .section .hypercall_page, "ax", @progbits
    .p2align 12
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc

    .section .rodata, "a", @progbits
    .p2align 3
gdt:
    .quad 0                     /* null */
    .quad 0x00af9a000000ffff    /* 0x08: 64-bit code, DPL 0 */
    .quad 0x00cf92000000ffff    /* 0x10: flat data */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt

    .section .bss, "aw", @nobits
    .p2align 12
pml4:
    .skip 4096
pdpt:
    .skip 4096
pd:
    .skip 4 * 4096
stack:
    .skip 16384
stack_top:
