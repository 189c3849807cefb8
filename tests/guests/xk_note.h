/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XK_NOTE(type, directive...): one Xen ELF note (name "Xen", see
 * xen/elfnote.h) whose descriptor is the given assembler directive(s).
 * For the assembler sources only.
 */
#ifndef XK_NOTE_H
#define XK_NOTE_H

#include <xen/elfnote.h>

#define XK_NOTE(type, ...)                                  \
    .pushsection .note.Xen, "a", @note;                     \
    .p2align 2;                                             \
    .long 92f - 91f; /* name size */                        \
    .long 94f - 93f; /* descriptor size */                  \
    .long type;                                             \
91: .asciz "Xen";                                           \
92: .p2align 2;                                             \
93: __VA_ARGS__;                                            \
94: .p2align 2;                                             \
    .popsection

#endif
