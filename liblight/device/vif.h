/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network interfaces (vif.c, netlink.c, hotplug.c), internals beyond
 * device.h: the pure parts (MAC addresses, rate=, the nodes of a vif, the
 * choice of a devid, the environment of a hotplug script) for the unit
 * tests, and the small netlink calls that put netback's interface on its
 * bridge. No libnl type shows here: only netlink.c includes libnl.
 */
#ifndef XKLIGHT_VIF_H
#define XKLIGHT_VIF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* after "private.h" (struct xkl__kv, struct xkl_nic) */
struct xkl_ctx;

/* Where relative script names live, and the script libxl defaults to. */
#define XKL__SCRIPT_DIR "/etc/xen/scripts"
#define XKL__VIF_DEFAULT_SCRIPT "vif-bridge"
#define XKL__VIF_DEFAULT_BRIDGE "xenbr0"
#define XKL__VIF_DEFAULT_MTU 1500u
/* netback's default rate interval (xl-network-configuration(5)) */
#define XKL__RATE_DEFAULT_USECS 50000u

/* ---- MAC addresses (pure) ---- */
/* "xx:xx:xx:xx:xx:xx": six pairs of hex digits (either case) separated by
 * ':'. 0, or -1 with errno EINVAL. Unicast is the caller's check. */
int xkl__mac_parse(const char *s, uint8_t mac[6]);
/* Lower-case "xx:xx:xx:xx:xx:xx". */
void xkl__mac_format(const uint8_t mac[6], char out[18]);
/* An address in Xen's OUI 00:16:3e from three random bytes, the top bit
 * of the fourth byte clear (as libxl makes them). */
void xkl__mac_xen(const uint8_t rnd[3], uint8_t mac[6]);
static inline bool xkl__mac_multicast(const uint8_t mac[6]) { return mac[0] & 1; }
bool xkl__mac_zero(const uint8_t mac[6]);

/* ---- rate= (pure) ---- */
/* xl-network-configuration(5)'s RATE[/s][@INTERVAL]: RATE a decimal number
 * with an optional K, M or G (powers of 1000) and B (bytes, the default)
 * or b (bits); INTERVAL a decimal number of us (default), ms or s,
 * default 50ms. Out: netback's credit, bytes per interval and the
 * interval in microseconds. 0, or -1 with errno EINVAL (why: the reason)
 * or ERANGE (too large). */
int xkl__rate_parse(const char *s, uint64_t *bytes, uint32_t *usecs, const char **why);

/* ---- a vif's settings, checked, and its nodes (pure) ---- */
struct xkl__vif {
    uint32_t domid, backend_domid;
    unsigned devid;
    uint8_t mac[6];
    char macs[18];
    const char *bridge;         /* nic's or "xenbr0" */
    const char *ifname;         /* vifname=, NULL: netback's "vif<domid>.<devid>" */
    char netdev[16];            /* "vif<domid>.<devid>": netback's name for it */
    char script[256];           /* absolute */
    bool builtin;               /* vif-bridge: done in-process (netlink.c) */
    unsigned mtu;               /* 0: not set */
    bool has_rate;
    uint64_t rate_bytes;
    uint32_t rate_usecs;
    char handle[16], mtus[16], front_mtu[16], rate[48];
    const char *warn[4];        /* what is recorded but not acted on */
    size_t nwarn;
    struct xkl__kv front[4], back[16];   /* the node lists (into this struct) */
    size_t nfront, nback;
};
/* Check nic (devid set, MAC well-formed and unicast, names valid, rate and
 * mtu in range, no emulated nic type, no setting a vif cannot act on) and
 * fill v: rnd gives a MAC in Xen's OUI when nic has none (or all zeroes).
 * The backend nodes are libxl's: script (absolute), vifname, mac, ip,
 * gatewaydev (user scripts only), rate, mtu (when not 1500), bridge,
 * handle, type, and hotplug-status "" (netback waits for it to read
 * "connected"); the frontend's: handle, mac, trusted (the guest's
 * read-only mtu is v->front_mtu, written apart). 0, or -1 with errno
 * (EINVAL, EOPNOTSUPP) and the reason in why[len] ("mac ...: ..."). */
int xkl__vif_resolve(const struct xkl_nic *nic, uint32_t domid, uint32_t backend_domid,
                     const uint8_t rnd[3], struct xkl__vif *v, char *why, size_t len);
/* The devid of a new vif: one past the highest numeric entry of
 * device/vif/ (ents, n of them), 0 when none. Pure. */
unsigned xkl__vif_next_devid(char *const *ents, size_t n);
/* A name Linux takes for an interface (dev_valid_name): 1..15 bytes, no
 * '/', ':' or blank, not "." or "..". Pure. */
bool xkl__ifname_ok(const char *s);

/* The extra environment of a vif script (libxl's): vif=<netback's name>,
 * netdev=<gatewaydev or "">, type_if=vif. Pure. */
struct xkl__vif_env {
    char vif[32], netdev[80];
    const char *v[4];           /* NULL-terminated, into this struct */
};
void xkl__vif_script_env(struct xkl__vif_env *e, uint32_t domid, unsigned devid,
                         const char *gatewaydev);

/* What Xen's vif-bridge does, in-process (netlink): wait up to 10 s for
 * v->netdev (netback's interface), rename it to v->ifname (when set and
 * different), set v->mtu (when not 0), put it on v->bridge and up. Only
 * those fields are read; f may be NULL. */
int xkl__vif_bridge_up(struct xkl_ctx *ctx, const struct xkl__vif *v, struct xkl__fault *f,
                       const char *where);

/* ---- hotplug scripts (hotplug.c) ---- */
/* script as an absolute path (relative names under /etc/xen/scripts) into
 * out[len]; -1 with errno ENAMETOOLONG / EINVAL (empty). Pure. */
int xkl__script_path(const char *script, char *out, size_t len);
/* The whole environment of a hotplug script: PATH, script=, XENBUS_TYPE,
 * XENBUS_PATH, XENBUS_BASE_PATH=backend, then extra (NULL-terminated, may
 * be NULL). Malloc'd NULL-terminated array (xkl__strv_free), NULL with
 * errno ENOMEM. Pure. */
char **xkl__hotplug_env(const char *script, const char *be, const char *xenbus_type,
                        const char *const *extra);
void xkl__strv_free(char **v);

/* ---- netlink (netlink.c): one socket for a sequence of calls ---- */
struct xkl__nl;
/* Errors: "<what>: interface X: <libnl's words>". */
struct xkl__nl *xkl__nl_open(struct xkl_ctx *ctx, const char *what);
void xkl__nl_close(struct xkl__nl *nl);
/* 1 when an interface called name exists, 0 when not, -1 on error. */
int xkl__nl_link_exists(struct xkl__nl *nl, const char *name);
/* Wait (at most timeout_ms, woken by link notifications) for name to
 * appear; ETIMEDOUT error when it does not. */
int xkl__nl_link_wait(struct xkl__nl *nl, const char *name, int timeout_ms);
int xkl__nl_link_rename(struct xkl__nl *nl, const char *name, const char *newname);
int xkl__nl_link_set_mtu(struct xkl__nl *nl, const char *name, unsigned mtu);
/* Put name on bridge: ENODEV "bridge B does not exist", EINVAL "... is
 * not a bridge" when it is another kind of interface. */
int xkl__nl_link_set_master(struct xkl__nl *nl, const char *name, const char *bridge);
int xkl__nl_link_set_up(struct xkl__nl *nl, const char *name);
#endif
