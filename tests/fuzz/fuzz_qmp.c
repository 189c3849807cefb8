/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: what a device model (QEMU, or anything listening on its QMP
 * socket) sends: the input split into lines as the QMP client splits its
 * stream, each line through the message parser (liblight/dm/qmp.c) and
 * every reply through query-chardev's pty reader. Nothing may crash, read
 * out of bounds or leak; a pty taken must look like /dev/pts/N.
 */
#include "private.h"
#include "dm/dm.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        size_t l = len && p[len - 1] == '\r' ? len - 1 : len;
        struct xkl__qmp_msg m;
        if (xkl__qmp_parse(p, l, &m) == 0) {
            if (m.kind == XKL__QMP_RETURN) {
                char ptys[8][64];
                int n = xkl__qmp_ptys(m.ret, ptys, 8);
                for (int i = 0; i < 8 && n > 0; i++)
                    if (ptys[i][0] && strncmp(ptys[i], "/dev/pts/", 9))
                        abort();
            }
            xkl__qmp_msg_dispose(&m);
        }
        p += len + (nl ? 1 : 0);
    }
    return 0;
}
