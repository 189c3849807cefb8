/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Split-driver devices (liblight/device/). A device is a frontend in the
 * guest and a backend in a backend domain, which meet through xenstore:
 *   frontend  /local/domain/<domid>/device/<frontend>/<devid>
 *   backend   /local/domain/<backend>/backend/<kind>/<domid>/<devid>
 *   record    /libxl/<domid>/device/<kind>/<devid>   (libxl's own copy)
 * with the nodes and permissions libxl writes, so that Xen's xl and ours
 * manage each other's devices. One table of kinds (kinds.c) names every
 * kind; the domain layout's list of backends to remove comes from it.
 */
#ifndef XKLIGHT_DEVICE_H
#define XKLIGHT_DEVICE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xkl__layout;
struct xkl_ctx;

struct xkl__devkind {
    const char *name;       /* backend directory: backend/<name>/<domid>/<devid> */
    const char *frontend;   /* frontend directory: device/<frontend>/<devid> */
    /* device 0 of this kind has its frontend at /local/domain/<domid>/<frontend>
     * (the primary console), without a frontend state */
    bool primary_at_top;
};

/* Every kind liblight knows, terminated by a row with name NULL. */
extern const struct xkl__devkind xkl__devkinds[];
/* The row called name, or NULL. */
const struct xkl__devkind *xkl__devkind_find(const char *name);

/* One node of a device: a name below its directory and its value. */
struct xkl__kv {
    const char *key, *value;
};

/* One device instance: its kind, ends, and the kind's own nodes. */
struct xkl__device {
    const struct xkl__devkind *kind;
    uint32_t domid, backend_domid;
    unsigned devid;
    const struct xkl__kv *front;   /* kind-specific frontend nodes */
    size_t nfront;
    const struct xkl__kv *back;    /* kind-specific backend nodes */
    size_t nback;
};

/* The frontend and backend directories of d (each buffer 128 bytes). */
void xkl__device_paths(const struct xkl__device *d, char fe[128], char be[128]);
/* Append d's nodes and permissions to a layout (pure): the frontend
 * (owned by the guest, read by the backend domain), the backend (owned by
 * the backend domain, read by the guest), both in state 1 (Initialising),
 * and libxl's record. Paths a stale device left are removed first.
 * 0, or -1 with errno ENOMEM. */
int xkl__device_layout(struct xkl__layout *l, const struct xkl__device *d);
/* Wait until the backend's state node reads `state`, at most timeout_ms,
 * woken by watches on the backend's directory and its error node (no
 * polling). On timeout (ETIMEDOUT), or (EIO) when the backend writes a
 * hotplug-error or error node, fail with the context's error naming the
 * domain, the device, the operation and the backend's own words. */
int xkl__device_wait_state(struct xkl_ctx *ctx, const struct xkl__device *d, unsigned state,
                           int timeout_ms, const char *op);
/* Take d away: ask the backend to close (online = 0, state = 5), wait for
 * it to reach 6 (Closed) within timeout_ms (or skip the wait with force),
 * then remove the frontend, the backend and libxl's record. */
int xkl__device_remove(struct xkl_ctx *ctx, const struct xkl__device *d, int timeout_ms, bool force);
#endif
