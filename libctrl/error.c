/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The handle's last error: one message naming operation, domain and errno. */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void xkc__format_error(char *buf, size_t len, int err, const char *fmt, va_list ap)
{
    if (!len)
        return;
    int n = vsnprintf(buf, len, fmt, ap);
    if (n < 0)
        n = 0;
    if ((size_t)n < len && err)
        snprintf(buf + n, len - (size_t)n, ": %s", strerror(err));
}

static void set_error(xkc_handle *h, int err, const char *fmt, va_list ap)
{
    if (h) {
        xkc__format_error(h->errmsg, sizeof h->errmsg, err, fmt, ap);
        h->err = err;
    }
    errno = err;
}

int xkc__fail(xkc_handle *h, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error(h, err, fmt, ap);
    va_end(ap);
    return -1;
}

void *xkc__fail_null(xkc_handle *h, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error(h, err, fmt, ap);
    va_end(ap);
    return NULL;
}

void xkc__clear_error(xkc_handle *h)
{
    h->err = 0;
    h->errmsg[0] = '\0';
}

int xkc__check_domid(xkc_handle *h, uint32_t domid, const char *what)
{
    /* domid_t is 16 bits and ids from DOMID_FIRST_RESERVED up are special. */
    if (domid >= DOMID_FIRST_RESERVED)
        return xkc__fail(h, EINVAL, "%s (domain %u): invalid domain id", what, domid);
    return 0;
}

const char *xkc_error(const xkc_handle *h)
{
    return h ? h->errmsg : "no handle";
}

int xkc_errno(const xkc_handle *h)
{
    return h ? h->err : EINVAL;
}
