/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* STUB: device/vif.c (being written) */
#include "private.h"
#include <errno.h>
int xkl__vif_add(xkl_ctx *ctx, uint32_t domid, const struct xkl_nic *nic, struct xkl__fault *f, const char *what) { (void)domid; (void)nic; (void)f; return xkl__err(ctx, ENOSYS, "%s: vifs: not written yet", what); }
int xkl__vif_release(xkl_ctx *ctx, uint32_t domid, unsigned devid, const char *be) { (void)ctx; (void)domid; (void)devid; (void)be; return 0; }
int xkl_nic_attach(xkl_ctx *ctx, uint32_t domid, const char *spec, unsigned *devid) { (void)domid; (void)spec; (void)devid; return xkl__err(ctx, ENOSYS, "network-attach: not written yet"); }
int xkl_nic_detach(xkl_ctx *ctx, uint32_t domid, const char *which, unsigned flags) { (void)domid; (void)which; (void)flags; return xkl__err(ctx, ENOSYS, "network-detach: not written yet"); }
