/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Error messages into the caller's buffer. */
#include "private.h"
#include <errno.h>
#include <stdio.h>

void xkg__err(char *err, size_t errlen, const char *fmt, ...)
{
    int saved = errno;
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    errno = saved;
}
