/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The libc functions the xk test kernels need: gcc may emit calls to them
 * even with -ffreestanding (struct copies and zeroing).
 */
#include "xk.h"

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    while (n--)
        *d++ = *s++;
    return dst;
}
