/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* STUB: device/vdev.c (being written) */
#include "private.h"
#include <errno.h>
#include <stdio.h>
int xkl__vdev_number(const char *vdev, unsigned *devid) { (void)vdev; (void)devid; errno = ENOSYS; return -1; }
void xkl__vdev_name(unsigned devid, char *buf, size_t len) { snprintf(buf, len, "%u", devid); }
