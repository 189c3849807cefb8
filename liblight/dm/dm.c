/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* STUB: dm/dm.c (being written) */
#include "private.h"
#include <errno.h>
int xkl__dm_pv_ensure(xkl_ctx *ctx, uint32_t domid, const char *what) { (void)domid; return xkl__err(ctx, ENOSYS, "%s: qdisk: not written yet", what); }
void xkl__dm_stop(xkl_ctx *ctx, uint32_t domid) { (void)ctx; (void)domid; }
