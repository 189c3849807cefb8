/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Block devices (vbd.c): the pure half that turns a disk into its kind and
 * xenstore nodes, visible to the unit tests. Included by vbd.c (after
 * private.h) and by tests/unit/light_device.c.
 */
#ifndef XKLIGHT_VBD_H
#define XKLIGHT_VBD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xkl_disk;
struct xkl__layout;

#define XKL__SCRIPT_DIR "/etc/xen/scripts"
#define XKL__BLOCK_SCRIPT XKL__SCRIPT_DIR "/block"

/* What dom0 set up for a disk, as Xen's block script would report it.
 * All NULL/0 when nothing was set up here (a driver domain's backend, a
 * qdisk, a user's script=). */
struct xkl__vbd_local {
    const char *device;     /* the block device blkback opens (the target or its loop) */
    unsigned major, minor;
    const char *loop;       /* the loop device set up for it ("node"), or NULL */
};

/* A disk's kind, devid and nodes. front/back/local point into the struct
 * itself: do not copy it. */
struct xkl__vbd_nodes {
    const char *kind;       /* "vbd" (blkback) or "qdisk" (QEMU) */
    unsigned devid;
    bool user_script;       /* a script= other than the default block script */
    char vdev[16], devid_s[16], mm[24];
    char params[4128], script[4128];
    struct xkl__kv front[4], back[16], local[4];
    size_t nfront, nback, nlocal;
};

/* Pure. The kind that serves disk (raw with backend phy or unset: "vbd";
 * qcow/qcow2/vhd/qed or backendtype=qdisk: "qdisk"), its devid, and the
 * nodes libxl writes for it: backend params, script (vbd), type, mode,
 * device-type, removable, bootable, dev, discard-enable, direct-io-safe;
 * frontend virtual-device, device-type, trusted; and in `local` what
 * Xen's block script writes once it has the device (physical-device
 * "%x:%x", physical-device-path, node), from loc (may be NULL).
 * -1 with errno EINVAL (a bad vdev, a partition, no target),
 * EOPNOTSUPP (a setting not supported: backendtype=tap, specification=
 * virtio, colo...) or ENAMETOOLONG, and why[len] a phrase naming it. */
int xkl__vbd_nodes(const struct xkl_disk *disk, const struct xkl__vbd_local *loc,
                   struct xkl__vbd_nodes *n, char *why, size_t len);
/* Pure: the device's nodes and permissions (xkl__device_layout), plus
 * the local nodes in its backend directory only (not in libxl's record,
 * as the block script writes them). 0, or -1 with errno ENOMEM. */
int xkl__vbd_layout(struct xkl__layout *l, uint32_t domid, uint32_t backend_domid,
                    const struct xkl__vbd_nodes *n);
#endif
