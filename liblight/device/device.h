/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Split-driver devices (liblight/device/). A device is a frontend in the
 * guest and a backend in a backend domain, which meet through xenstore:
 *   frontend  /local/domain/<domid>/device/<frontend>/<devid>
 *   backend   /local/domain/<backend>/backend/<kind>/<domid>/<devid>
 *   record    /libxl/<domid>/device/<frontend>/<devid>   (libxl's own copy;
 *             named by the frontend, so a qdisk disk's record is under vbd/)
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
    /* The one release path of what a device of this kind holds in dom0
     * beyond its xenstore nodes (a loop device, the work of a user's
     * hotplug script): called by xkl__device_remove after the backend
     * closed (or was given up on), and by destroy for every device of a
     * dead domain, before the nodes go (it may read them; be is the
     * backend's directory). Best effort: it sets the context's error and
     * returns -1 on failure, the caller goes on. NULL: nothing to release. */
    int (*release)(struct xkl_ctx *ctx, uint32_t domid, unsigned devid, const char *be);
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
/* After a failure: take d away at once (forced, as xkl__device_remove),
 * keeping the failure's error and errno for the caller to return. */
void xkl__device_undo(struct xkl_ctx *ctx, const struct xkl__device *d);
/* After a device's directory at path went: its parent (the guest's
 * directory of that kind, e.g. .../backend/vif/5) removed too when it is
 * empty now, in one transaction (a device added meanwhile keeps it), as
 * libxl cleans paths up. Best effort: a failure leaves an empty node. */
void xkl__device_rm_empty_parent(struct xkl_ctx *ctx, const char *path);
/* n random bytes (getrandom), or -1 with "<what>: getrandom: ...". */
int xkl__random_bytes(struct xkl_ctx *ctx, uint8_t *buf, size_t n, const char *what);
/* Is path the backend directory of device devid of domid, of a kind whose
 * frontends are in device/<frontend> (numbers written plainly)? Its kind
 * and (in bdom) backend domain, else NULL. Pure. */
const struct xkl__devkind *xkl__device_backend_parse(const char *path, uint32_t domid,
                                                     const char *frontend, unsigned devid,
                                                     uint32_t *bdom);
/* The backend of device devid of domid: from libxl's record (dom0's), and
 * only without one from the frontend's backend node (the guest's), either
 * checked by xkl__device_backend_parse. 1 with kind and bdom; 0 when
 * neither node exists; -1 with the context's error ("<what>: <name>: ..."),
 * EINVAL when the node names another backend. */
int xkl__device_backend_find(struct xkl_ctx *ctx, uint32_t domid, const char *frontend,
                             unsigned devid, const struct xkl__devkind **kind, uint32_t *bdom,
                             const char *what, const char *name);
/* Before an attach: 0 when device devid of domid is nowhere, else -1
 * (EEXIST, or a xenstore error) naming what holds it: its frontend,
 * libxl's record, or a backend of a kind of this frontend in bdom's or
 * dom0's backend directory (the guest may have removed the first). */
int xkl__device_check_free(struct xkl_ctx *ctx, uint32_t domid, const char *frontend, unsigned devid,
                       uint32_t bdom, const char *what, const char *name);
/* ---- PCI (pci.c) ---- */
struct xkl_pci_dev;
/* "DDDD:BB:DD.F" (lower or upper case hex) into p; -1 when malformed. */
int xkl__pci_bdf_parse(const char *s, struct xkl_pci_dev *p);
/* ---- I/O counters (stats.c) ---- */
struct xkl_net_stats;
/* One /proc/net/dev line of a netback interface "vifD.N:" (16 counters)
 * into s, turned round to the guest's view; -1 for any other line. Pure. */
int xkl__netdev_line_parse(const char *line, struct xkl_net_stats *s);
/* ---- the devices of a domain (devices.c) ---- */
struct xkl_domain_config;
struct xkl_disk;
struct xkl_nic;
struct xkl__fault;
/* create's "devices" step: every disk, then every nic of dc, in config
 * order (a QEMU for the qdisk ones). On failure the devices it added are
 * removed again (nothing left). what: "create NAME". */
int xkl__devices_add(struct xkl_ctx *ctx, uint32_t domid, struct xkl_domain_config *dc,
                     struct xkl__fault *f, const char *what);
/* Every device of domid, whatever its backend domain (dom0's backend
 * directories and libxl's /libxl/<domid>/device records): released
 * (kind->release) and its nodes removed, without waiting for the guest
 * (the domain is dead or being destroyed); its QEMU stopped. */
void xkl__devices_remove_all(struct xkl_ctx *ctx, uint32_t domid);
/* The start of a hot attach, detach or list of domid's devices: the
 * domain exists and xenstore answers; its handle, or NULL with the error
 * "<what>: ..." set. */
xkl_xs *xkl__device_op_begin(struct xkl_ctx *ctx, uint32_t domid, const char *what);
/* Persist a hot attach or detach: load domid's saved configuration, let
 * edit change it (0, or -1 with the context's error set), save it. A
 * domain another toolstack created (no state file of ours) keeps its own
 * record untouched (0). */
int xkl__config_update(struct xkl_ctx *ctx, uint32_t domid,
                       int (*edit)(struct xkl_domain_config *dc, void *arg), void *arg,
                       const char *what);
/* The backend domain of a spec's backend= (a name or an id; NULL or "":
 * dom0), with the error "<what>: backend domain X: ..." */
int xkl__backend_domid(struct xkl_ctx *ctx, const char *backend, uint32_t *domid, const char *what);

/* ---- keyboards and TPMs (simple.c) ---- */
/* create's part for dc's vkbs and vtpms (after the nics): their nodes, a
 * vtpm's backend awaited; devids and vtpm UUIDs chosen are kept in dc.
 * On failure the caller removes every device of the domain. */
int xkl__simple_add_all(struct xkl_ctx *ctx, uint32_t domid, struct xkl_domain_config *dc,
                        const char *what);

/* ---- block devices (vbd.c, vdev.c, loop.c) ---- */
/* A vdev name or number to Xen's virtual device number
 * (xen-vbd-interface(7)): "xvda" 51712, "xvdb" 51728, "hda" 768, "sda"
 * 2048, "xvdaa" (extended form) ..., or a decimal number. Partitions
 * ("xvda1") are refused. Pure; -1 with errno EINVAL. */
int xkl__vdev_number(const char *vdev, unsigned *devid);
/* The inverse for printing ("xvda" for 51712); buf of len bytes. Pure. */
void xkl__vdev_name(unsigned devid, char *buf, size_t len);
/* Add one disk (create and block-attach): check it (the image exists, no
 * vdev used twice, no image attached read-write to another guest), set up
 * its dom0 side (a loop device for a raw file; QEMU for qdisk), write its
 * nodes and wait for the backend. Releases its own work on failure. */
int xkl__vbd_add(struct xkl_ctx *ctx, uint32_t domid, const struct xkl_disk *disk,
                 struct xkl__fault *f, const char *what);
/* A loop device over path (read-only or not): its name (/dev/loopN, in
 * dev of len bytes) and device number. Set up with ioctls, no process. */
int xkl__loop_attach(struct xkl_ctx *ctx, const char *path, bool readonly, char *dev, size_t len,
                     unsigned *major, unsigned *minor, const char *what);
/* Let the loop device go: cleared now, or (while a backend still holds it)
 * as soon as the last holder closes it (autoclear). */
int xkl__loop_detach(struct xkl_ctx *ctx, const char *dev, const char *what);
/* The same for a device named by a node read back (it may have been freed
 * and bound by someone else since): only while it is still bound to the
 * file backing (LOOP_GET_STATUS64 against stat); else left alone (0). */
int xkl__loop_detach_bound(struct xkl_ctx *ctx, const char *dev, const char *backing,
                           const char *what);
/* The vbd kind's release (see struct xkl__devkind): its loop device. */
int xkl__vbd_release(struct xkl_ctx *ctx, uint32_t domid, unsigned devid, const char *be);

/* ---- network interfaces (vif.c, netlink.c, hotplug.c) ---- */
/* Add one nic (create and network-attach): MAC (Xen's OUI 00:16:3e when
 * none), nodes, wait for netback's interface, name it, set its MTU, put
 * it on its bridge and up through netlink (or run the user's script=),
 * then tell netback hotplug-status=connected. Releases its own work on
 * failure. nic->devid must be set. */
int xkl__vif_add(struct xkl_ctx *ctx, uint32_t domid, const struct xkl_nic *nic,
                 struct xkl__fault *f, const char *what);
/* Give nic a MAC in Xen's OUI when it has none (or all zeros), so that
 * the saved configuration keeps it across restarts, as libxl does. */
int xkl__nic_choose_mac(struct xkl_ctx *ctx, struct xkl_nic *nic, const char *what);
/* The vif kind's release: a user's script= run "offline" (netback's own
 * interface goes with its backend). */
int xkl__vif_release(struct xkl_ctx *ctx, uint32_t domid, unsigned devid, const char *be);

/* Run a hotplug script the way Xen's toolstack does: `script action`
 * (action "add"/"remove" for block scripts, "online"/"offline" for vif
 * scripts), with XENBUS_PATH=be, XENBUS_TYPE, XENBUS_BASE_PATH and the
 * extra "NAME=value" strings of env (NULL-terminated, may be NULL) in its
 * environment; a relative script is looked up in /etc/xen/scripts. Waits
 * for it (at most timeout_ms; killed past it). 0 when it exited 0; else
 * -1 with "<what>: script S ACTION: exit N: <its last line of stderr>". */
int xkl__hotplug_run(struct xkl_ctx *ctx, const char *script, const char *action, const char *be,
                     const char *xenbus_type, const char *const *env, int timeout_ms,
                     const char *what);

/* Put an HVM vif's emulated half (the tap QEMU made for nic, the index-th
 * vif) on its bridge and up, as vif-bridge does with type_if=tap; only
 * the built-in vif-bridge (a user's script= is refused). */
int xkl__vif_tap_up(struct xkl_ctx *ctx, uint32_t domid, const struct xkl_nic *nic, size_t index,
                    const char *what);

/* ---- the device model for PV backends (../dm/dm.c) ---- */
/* QEMU serving the domain's qdisk backends and channels (-machine xenpv),
 * started once per domain and recorded where libxl records it; 0 when it
 * runs. dc (may be NULL) gives the channels' chardevs: it must be the
 * first start then. */
int xkl__dm_pv_ensure(struct xkl_ctx *ctx, uint32_t domid, const struct xkl_domain_config *dc,
                      const char *what);
/* An HVM guest's QEMU (-machine xenfv, its emulated disks and NICs, the
 * settings of xl.cfg's HVM keys; dm/args.c), started as libxl starts it;
 * once it runs: the taps on their bridges, serial/N/tty for each pty, the
 * VNC password and console/vnc-port. On failure it is stopped and its
 * records are gone. */
struct xkl__dm_hvm_in;
int xkl__dm_hvm_start(struct xkl_ctx *ctx, const struct xkl__dm_hvm_in *in, const char *what);
/* A pidfd on an HVM guest's running QEMU (its pid in *pid), or -1 when
 * none runs or the guest is not HVM; for watching it die. */
int xkl__dm_hvm_pidfd(struct xkl_ctx *ctx, uint32_t domid, int *pid);
/* Whether a toolstack is stopping the domain's QEMU on purpose: its
 * xenstore directory is gone (libxl removes it before the kill, ours
 * with it). */
bool xkl__dm_stopping(struct xkl_ctx *ctx, uint32_t domid);
/* Change the medium of an HVM guest's emulated cdrom at IDE index ide
 * (QMP eject, then blockdev-change-medium of target as a raw image; target
 * NULL or "": leave it empty). */
int xkl__dm_cdrom_change(struct xkl_ctx *ctx, uint32_t domid, int ide, const char *target,
                         const char *what);
/* Stop the domain's QEMU and remove its record; nothing when none runs. */
void xkl__dm_stop(struct xkl_ctx *ctx, uint32_t domid);
/* What domid's QEMU last said (its log's last distinct lines), for an
 * error about a backend it serves: 0 with out filled, -1 when there is no
 * log. */
int xkl__dm_said(struct xkl_ctx *ctx, uint32_t domid, char *out, size_t outlen);
#endif
