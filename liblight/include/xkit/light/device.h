/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxklight, device area: the disks (vbd) and network interfaces (vif) of
 * a running domain: attach, list, detach. Included by <xkit/light.h>; may
 * be included alone.
 */
#ifndef XKIT_LIGHT_DEVICE_H
#define XKIT_LIGHT_DEVICE_H
#include <xkit/light/domain.h>

#include <xkit/light/api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Owned by liblight/device/.
 *
 * Devices are Xen's split drivers: a frontend in the guest, a backend in a
 * backend domain (dom0 unless the spec says backend=DOMAIN), which meet in
 * xenstore with the nodes and permissions libxl writes, so Xen's xl and
 * ours manage each other's devices. A raw image file gets a loop device
 * set up in-process; a vif is named, configured and put on its bridge
 * through netlink; qcow2/vhd/qed images are served by QEMU's qdisk backend.
 * Every call fails with one line in xkl_ctx_error() naming the domain, the
 * device and the operation, and leaves nothing of its own behind.
 *
 * Attach and detach also update the domain's persisted configuration, as
 * libxl does, so xl list -l shows the devices and a restart keeps them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One device, as xl block-list / network-list show it. */
struct xkl_devinfo {
    char kind[8];              /* the backend's kind: "vbd", "qdisk" or "vif" */
    unsigned devid;            /* vbd: virtual device number (51712: xvda); vif: index */
    char vdev[16];             /* vbd: "xvda", "hdc"...; vif: "" */
    uint32_t backend_domid;
    int frontend_state;        /* XenbusState (1..6), -1 when unknown */
    int backend_state;
    int evtchn;                /* the frontend's event-channel, -1 */
    int ring_ref;              /* vbd: ring-ref; vif: tx-ring-ref; -1 */
    int rx_ring_ref;           /* vif: rx-ring-ref; -1 */
    int handle;                /* vif: handle; vbd: -1 */
    char mac[18];              /* vif: "00:16:3e:xx:xx:xx" */
    char frontend_path[128];
    char backend_path[128];
    char target[256];          /* vbd: params (the image or device); vif: bridge;
                                  console: the frontend's tty */
    bool readonly, cdrom;
    /* vkbd: the backend's unique-id; vtpm: its uuid; console (a channel):
     * its name; vusb: the controller type (has_id: the node exists) */
    bool has_id;
    char id[64];
    char connection[16];       /* console: "pty" or "socket" */
    int usb_version, ports;    /* vusb: usb-ver and num-ports, -1 */
};

/* The devices of domid of one family, sorted by devid: "vbd" (blkback and
 * qdisk disks), "vif", "vkbd" (keyboards and pointers: vinput or QEMU's
 * vkbd backend), "vtpm", "console" (the channels: every console in
 * device/console, the primary one is not there) or "vusb" (USB
 * controllers). *out malloc'd (free() it), *n their count. */
XKL_API int xkl_device_list(xkl_ctx *ctx, uint32_t domid, const char *family,
                            struct xkl_devinfo **out, size_t *n);

/* A display's connector as its frontend node says (-1: missing). */
struct xkl_connector_info {
    char id[64];
    int width, height;
    int req_rref, req_evtch, evt_rref, evt_evtch;
};
/* A display (xl vdispl-list): the device, its frontend's be-alloc (-1:
 * missing) and its connectors 0..nconnectors-1. */
struct xkl_vdispl_info {
    struct xkl_devinfo dev;
    int be_alloc;
    struct xkl_connector_info *connectors;
    size_t nconnectors;
};
/* domid's displays by devid; free with xkl_vdispl_list_free. */
XKL_API int xkl_vdispl_list(xkl_ctx *ctx, uint32_t domid, struct xkl_vdispl_info **out, size_t *n);
XKL_API void xkl_vdispl_list_free(struct xkl_vdispl_info *v, size_t n);

/* A sound card (xl vsnd-list), as its frontend nodes say: the card's
 * names (has_*: the node exists), then its PCMs and their streams, each
 * level with the parameters its own nodes give (-1 or "": not given;
 * rates and formats as written, comma-separated). */
struct xkl_vsnd_params_info {
    int channels_min, channels_max, buffer_size;
    char sample_rates[256], sample_formats[256];
};
struct xkl_vsnd_stream_info {
    char unique_id[64];
    char type[4];               /* "p", "c" */
    int evtchn, ring_ref;       /* -1: missing */
    struct xkl_vsnd_params_info params;
};
struct xkl_vsnd_pcm_info {
    char name[64];
    struct xkl_vsnd_params_info params;
    struct xkl_vsnd_stream_info *streams;
    size_t nstreams;
};
struct xkl_vsnd_info {
    struct xkl_devinfo dev;
    bool has_short_name, has_long_name;
    char short_name[64], long_name[128];
    struct xkl_vsnd_params_info params;
    struct xkl_vsnd_pcm_info *pcms;
    size_t npcms;
};
XKL_API int xkl_vsnd_list(xkl_ctx *ctx, uint32_t domid, struct xkl_vsnd_info **out, size_t *n);
XKL_API void xkl_vsnd_list_free(struct xkl_vsnd_info *v, size_t n);

/* A PCI device: its host address; a guest's slot and function (vdevfn,
 * -1 unknown) in xl pci-list; the name it was made assignable under
 * (xl pci-assignable-add -n, "" for none). */
struct xkl_pci_dev {
    unsigned domain, bus, dev, func;
    int vdevfn;
    char name[64];
};
/* The PCI devices passed through to domid (pciback's backend), in slot
 * order; *out malloc'd. */
XKL_API int xkl_pci_list(xkl_ctx *ctx, uint32_t domid, struct xkl_pci_dev **out, size_t *n);
/* The host's devices bound to xen-pciback, ready to be passed through
 * (ENOENT: the driver is not loaded); *out malloc'd. */
XKL_API int xkl_pci_assignable_list(xkl_ctx *ctx, struct xkl_pci_dev **out, size_t *n);

/* I/O counters of every guest device dom0's backends serve (xl top), read
 * for all domains at once. A vif's counters are the guest's view (its
 * transmit is the backend interface's receive). Only blkback disks have
 * counters (a qdisk disk's are QEMU's, not read). *out malloc'd. */
struct xkl_net_stats {
    uint32_t domid;
    unsigned devid;
    uint64_t rx_bytes, rx_packets, rx_errors, rx_drops;
    uint64_t tx_bytes, tx_packets, tx_errors, tx_drops;
};
XKL_API int xkl_net_stats_all(xkl_ctx *ctx, struct xkl_net_stats **out, size_t *n);
struct xkl_vbd_stats {
    uint32_t domid;
    unsigned devid;
    uint64_t oo_req, rd_req, wr_req, rd_sect, wr_sect;
};
XKL_API int xkl_vbd_stats_all(xkl_ctx *ctx, struct xkl_vbd_stats **out, size_t *n);

#define XKL_DETACH_FORCE 1u   /* take the device away without waiting for the guest */

/* Attach a disk described by an xl-disk-configuration(5) spec, e.g.
 * "format=raw,vdev=xvdb,access=rw,target=/srv/data.img". */
XKL_API int xkl_disk_attach(xkl_ctx *ctx, uint32_t domid, const char *spec);
/* Detach the disk at vdev ("xvdb", or its number "51728"). */
XKL_API int xkl_disk_detach(xkl_ctx *ctx, uint32_t domid, const char *vdev, unsigned flags);
/* cd-insert / cd-eject (target NULL or ""): a removable cdrom at vdev.
 * Only HVM guests have one: EOPNOTSUPP for PV and PVH, as libxl. */
XKL_API int xkl_cdrom_insert(xkl_ctx *ctx, uint32_t domid, const char *vdev, const char *target);

/* Attach a network interface described by an xl-network-configuration(5)
 * spec ("bridge=xenbr0,mac=00:16:3e:01:02:03"); *devid (may be NULL) gets
 * its index. */
XKL_API int xkl_nic_attach(xkl_ctx *ctx, uint32_t domid, const char *spec, unsigned *devid);
/* Detach the interface `which`: its index ("1") or its MAC address. */
XKL_API int xkl_nic_detach(xkl_ctx *ctx, uint32_t domid, const char *which, unsigned flags);

/* A PV keyboard and pointer from a vkb spec of xl.cfg(5)
 * ("backend-type=linux,unique-id=K"): its nodes, for a backend that may
 * come later; *devid (may be NULL) gets its number. */
XKL_API int xkl_vkb_attach(xkl_ctx *ctx, uint32_t domid, const char *spec, unsigned *devid);
/* Detach keyboard `which` (its number). */
XKL_API int xkl_vkb_detach(xkl_ctx *ctx, uint32_t domid, const char *which, unsigned flags);
/* A TPM from a vtpm spec ("backend=vtpmdom,uuid=..."; a UUID is made
 * when none is given); its backend must reach InitWait within 10 s, or
 * the device is taken away again and the call fails. */
XKL_API int xkl_vtpm_attach(xkl_ctx *ctx, uint32_t domid, const char *spec, unsigned *devid);
/* Detach TPM `which`: its number or its UUID. */
XKL_API int xkl_vtpm_detach(xkl_ctx *ctx, uint32_t domid, const char *which, unsigned flags);
/* A display from a vdispl spec ("be-alloc=1,connectors=id0:800x600;id1:
 * 1024x768"); its backend must reach InitWait within 10 s, as a vtpm's. */
XKL_API int xkl_vdispl_attach(xkl_ctx *ctx, uint32_t domid, const char *spec, unsigned *devid);
XKL_API int xkl_vdispl_detach(xkl_ctx *ctx, uint32_t domid, const char *which, unsigned flags);
/* A sound card from its items, as xl vsnd-attach takes them: "card,
 * short-name=..,long-name=..,sample-rates=8000;44100,..", then for each
 * PCM "pcm, name=..", then its streams "stream, unique-id=..,type=p|c";
 * its backend must reach InitWait within 10 s. */
XKL_API int xkl_vsnd_attach(xkl_ctx *ctx, uint32_t domid, const char *const *items, size_t n,
                            unsigned *devid);
XKL_API int xkl_vsnd_detach(xkl_ctx *ctx, uint32_t domid, const char *which, unsigned flags);

/* The backend daemon of a driver domain (xl devd), run in the domain that
 * serves other guests' devices (backend=DOMAIN in their config): it
 * watches /local/domain/SELF/backend and, beside the kernel's blkback and
 * netback, does what Xen's hotplug scripts do there: a loop device for a
 * raw image file (blkback's physical-device), netback's interface on its
 * bridge (vifname, mtu), or the device's script= run; then hotplug-status
 * "connected", or "error" with hotplug-error saying why. A device that
 * goes (its directory removed, or online 0 and Closed) is released, and a
 * Closed backend's directory removed. qdisk backends (QEMU) are refused
 * with hotplug-status error. Each action is one line to the context's log
 * callback. Devices connected before open are taken back, not set up
 * again. The daemon uses ctx's xenstore connection (in a domU:
 * /dev/xen/xenbus): give it a context of its own. */
typedef struct xkl_devd xkl_devd;
/* Watch and act on what is there already. NULL with xkl_ctx_error(). */
XKL_API xkl_devd *xkl_devd_open(xkl_ctx *ctx);
/* The domain it serves (xenstore's domid node of the caller). */
XKL_API uint32_t xkl_devd_domid(const xkl_devd *d);
/* Readable when an event may be waiting (poll it, then process). */
XKL_API int xkl_devd_fd(xkl_devd *d);
/* Handle the events that came, waiting up to timeout_ms (-1: forever, 0:
 * not at all) for the first. A device's failure is logged and written to
 * its hotplug-error, not returned: -1 (xkl_ctx_error) only when xenstore
 * itself failed. */
XKL_API int xkl_devd_process(xkl_devd *d, int timeout_ms);
/* Stop watching; the devices stay set up (a new daemon takes them back). */
XKL_API void xkl_devd_close(xkl_devd *d);

#ifdef __cplusplus
}
#endif
#endif /* XKIT_LIGHT_DEVICE_H */
