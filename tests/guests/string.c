/* SPDX-License-Identifier: GPL-2.0-or-later */
/* String helpers of the xk test kernels (also built on the host for tests). */
#include "xk.h"

size_t xk_strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int xk_strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

void xk_buf_init(struct xk_buf *b, char *mem, size_t cap)
{
    b->p = mem;
    b->len = 0;
    b->cap = cap;
    if (cap)
        mem[0] = '\0';
}

void xk_buf_strn(struct xk_buf *b, const char *s, size_t n)
{
    while (n-- && *s && b->len + 1 < b->cap)
        b->p[b->len++] = *s++;
    if (b->cap)
        b->p[b->len] = '\0';
}

void xk_buf_str(struct xk_buf *b, const char *s)
{
    xk_buf_strn(b, s, (size_t)-1);
}

void xk_buf_ulong(struct xk_buf *b, unsigned long v)
{
    char tmp[24];
    size_t i = sizeof(tmp) - 1;

    tmp[i] = '\0';
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    xk_buf_str(b, &tmp[i]);
}
