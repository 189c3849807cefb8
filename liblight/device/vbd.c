/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* STUB: device/vbd.c (being written) */
#include "private.h"
#include <errno.h>
int xkl__vbd_add(xkl_ctx *ctx, uint32_t domid, const struct xkl_disk *disk, struct xkl__fault *f, const char *what) { (void)domid; (void)disk; (void)f; return xkl__err(ctx, ENOSYS, "%s: disks: not written yet", what); }
int xkl__vbd_release(xkl_ctx *ctx, uint32_t domid, unsigned devid, const char *be) { (void)ctx; (void)domid; (void)devid; (void)be; return 0; }
int xkl_disk_attach(xkl_ctx *ctx, uint32_t domid, const char *spec) { (void)domid; (void)spec; return xkl__err(ctx, ENOSYS, "block-attach: not written yet"); }
int xkl_disk_detach(xkl_ctx *ctx, uint32_t domid, const char *vdev, unsigned flags) { (void)domid; (void)vdev; (void)flags; return xkl__err(ctx, ENOSYS, "block-detach: not written yet"); }
int xkl_cdrom_insert(xkl_ctx *ctx, uint32_t domid, const char *vdev, const char *target) { (void)domid; (void)vdev; (void)target; return xkl__err(ctx, ENOSYS, "cd-insert: not written yet"); }
