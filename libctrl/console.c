/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The hypervisor console ring (xl dmesg). */
#include "private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int xkc_console_read(xkc_handle *h, uint32_t *index, bool clear, char *buf, size_t size)
{
    if (!index || !buf || !size || size > UINT32_MAX)
        return xkc__fail(h, EINVAL, "sysctl readconsole: bad buffer");
    struct xkc__buf b;
    if (xkc__buf_get(h, size, &b) < 0)
        return -1;
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_readconsole };
    s.u.readconsole.clear = clear;
    s.u.readconsole.incremental = 1;
    s.u.readconsole.index = *index;
    s.u.readconsole.count = (uint32_t)size;
    set_xen_guest_handle(s.u.readconsole.buffer, (char *)b.p);
    int rc = xkc__sysctl(h, &s, "readconsole");
    if (rc == 0) {
        size_t got = s.u.readconsole.count;
        if (got > size)
            got = size;
        memcpy(buf, b.p, got);
        *index = s.u.readconsole.index;
        rc = (int)got;
    }
    xkc__buf_put(h, &b);
    return rc;
}

int xkc_dmesg(xkc_handle *h, bool clear, char **out, size_t *len)
{
    enum { CHUNK = 16384 };
    size_t cap = CHUNK + 1, used = 0;
    char *all = malloc(cap);
    if (!all)
        return xkc__fail(h, errno, "dmesg");
    uint32_t index = 0;
    for (;;) {
        if (cap - used < CHUNK + 1) {
            char *n = realloc(all, cap * 2);
            if (!n) {
                free(all);
                return xkc__fail(h, ENOMEM, "dmesg");
            }
            all = n;
            cap *= 2;
        }
        int got = xkc_console_read(h, &index, clear, all + used, CHUNK);
        if (got < 0) {
            free(all);
            return -1;
        }
        if (got == 0)
            break;
        used += (size_t)got;
    }
    all[used] = '\0';
    *out = all;
    if (len)
        *len = used;
    return 0;
}
