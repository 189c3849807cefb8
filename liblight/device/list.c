/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* STUB: device/list.c (being written) */
#include "private.h"
#include <errno.h>
int xkl_device_list(xkl_ctx *ctx, uint32_t domid, const char *family, struct xkl_devinfo **out, size_t *n) { (void)domid; (void)family; *out = NULL; *n = 0; return xkl__err(ctx, ENOSYS, "device list: not written yet"); }
