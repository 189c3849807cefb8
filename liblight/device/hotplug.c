/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* STUB: device/hotplug.c (being written) */
#include "private.h"
#include <errno.h>
int xkl__hotplug_run(xkl_ctx *ctx, const char *script, const char *action, const char *be,
                     const char *xenbus_type, const char *const *env, int timeout_ms,
                     const char *what)
{
    (void)script; (void)action; (void)be; (void)xenbus_type; (void)env; (void)timeout_ms;
    return xkl__err(ctx, ENOSYS, "%s: hotplug scripts: not written yet", what);
}
