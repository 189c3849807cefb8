/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* STUB: device/loop.c (being written) */
#include "private.h"
#include <errno.h>
int xkl__loop_attach(xkl_ctx *ctx, const char *path, bool readonly, char *dev, size_t len, unsigned *major, unsigned *minor, const char *what) { (void)path; (void)readonly; (void)dev; (void)len; (void)major; (void)minor; return xkl__err(ctx, ENOSYS, "%s: loop: not written yet", what); }
int xkl__loop_detach(xkl_ctx *ctx, const char *dev, const char *what) { (void)dev; return xkl__err(ctx, ENOSYS, "%s: loop: not written yet", what); }
