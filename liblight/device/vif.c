/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network interfaces: a vif is netback's half in the backend domain and
 * netfront's in the guest. Adding one: check the nic, write libxl's nodes,
 * wait for netback's interface (it makes "vif<domid>.<devid>" on reaching
 * InitWait), then either do what Xen's vif-bridge does in-process (name,
 * MTU, bridge, up: netlink.c) or run the user's script= (hotplug.c), and
 * tell netback hotplug-status = connected. Hot attach and detach keep the
 * persisted configuration in step.
 */
#include "private.h"
#include "dm/dm.h"
#include "device/vif.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- MAC addresses ---- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int xkl__mac_parse(const char *s, uint8_t mac[6])
{
    if (!s || strlen(s) != 17)
        goto bad;
    for (int i = 0; i < 6; i++) {
        const char *p = s + 3 * i;
        int hi = hexval((unsigned char)p[0]), lo = hexval((unsigned char)p[1]);
        if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':'))
            goto bad;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
bad:
    errno = EINVAL;
    return -1;
}

void xkl__mac_format(const uint8_t mac[6], char out[18])
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
             mac[5]);
}

void xkl__mac_xen(const uint8_t rnd[3], uint8_t mac[6])
{
    mac[0] = 0x00;
    mac[1] = 0x16;
    mac[2] = 0x3e;
    mac[3] = rnd[0] & 0x7f;
    mac[4] = rnd[1];
    mac[5] = rnd[2];
}

bool xkl__mac_zero(const uint8_t mac[6])
{
    for (int i = 0; i < 6; i++)
        if (mac[i])
            return false;
    return true;
}

/* ---- rate= ---- */

static int rate_bad(const char **why, int e, const char *reason)
{
    if (why)
        *why = reason;
    errno = e;
    return -1;
}

/* A decimal number at *p (at least one digit), advanced past it. */
static int decimal(const char **p, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    if (!isdigit((unsigned char)*s))
        return -1;
    for (; isdigit((unsigned char)*s); s++) {
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, (uint64_t)(*s - '0'), &v))
            return -2;
    }
    *p = s;
    *out = v;
    return 0;
}

int xkl__rate_parse(const char *s, uint64_t *bytes, uint32_t *usecs, const char **why)
{
    const char *p = s ? s : "";
    uint64_t n, mult = 1, den = 1000000, interval = XKL__RATE_DEFAULT_USECS;
    int r = decimal(&p, &n);
    if (r == -1)
        return rate_bad(why, EINVAL, "expected a number of bytes or bits per second");
    if (r == -2)
        return rate_bad(why, ERANGE, "the rate is too large");
    switch (*p) {
    case 'K': case 'k': mult = 1000; p++; break;
    case 'M': case 'm': mult = 1000000; p++; break;
    case 'G': case 'g': mult = 1000000000; p++; break;
    default: break;
    }
    if (*p == 'b') {
        den *= 8;
        p++;
    } else if (*p == 'B') {
        p++;
    }
    if (p[0] == '/' && p[1] == 's')
        p += 2;
    if (*p == '@') {
        p++;
        uint64_t iv;
        r = decimal(&p, &iv);
        if (r == -1)
            return rate_bad(why, EINVAL, "expected an interval after '@' (e.g. 20ms)");
        uint64_t scale = 1;
        if (!strcmp(p, "s"))
            scale = 1000000;
        else if (!strcmp(p, "ms"))
            scale = 1000;
        else if (strcmp(p, "us") && *p)
            return rate_bad(why, EINVAL, "the interval's unit is s, ms or us");
        p += strlen(p);
        if (r == -2 || __builtin_mul_overflow(iv, scale, &interval) || interval > UINT32_MAX)
            return rate_bad(why, ERANGE, "the interval is too long");
        if (!interval)
            return rate_bad(why, EINVAL, "the interval is 0");
    }
    if (*p)
        return rate_bad(why, EINVAL, "expected RATE[K|M|G][B|b][/s][@INTERVAL[s|ms|us]]");
    if (!n)
        return rate_bad(why, EINVAL, "a rate of 0 (omit rate= for no limit)");
    uint64_t credit;
    if (__builtin_mul_overflow(n, mult, &credit) || __builtin_mul_overflow(credit, interval, &credit))
        return rate_bad(why, ERANGE, "the rate is too large");
    credit /= den;
    if (!credit)
        return rate_bad(why, EINVAL, "less than a byte per interval");
    *bytes = credit;
    *usecs = (uint32_t)interval;
    return 0;
}

/* ---- the nodes of a vif ---- */

bool xkl__ifname_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
        return false;
    for (const char *c = s; *c; c++)
        if (*c == '/' || *c == ':' || isspace((unsigned char)*c) || !isprint((unsigned char)*c))
            return false;
    return true;
}

static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

#define resolve_bad xkl__why

int xkl__vif_resolve(const struct xkl_nic *nic, uint32_t domid, uint32_t backend_domid,
                     const uint8_t rnd[3], struct xkl__vif *v, char *why, size_t len)
{
    memset(v, 0, sizeof *v);
    v->domid = domid;
    v->backend_domid = backend_domid;
    if (nic->devid < 0 || nic->devid > 0x7fffffff)
        return resolve_bad(why, len, EINVAL, "no devid");
    v->devid = (unsigned)nic->devid;
    /* IFNAMSIZ: a name cut short could be another device's */
    int nl = snprintf(v->netdev, sizeof v->netdev, "vif%u.%u", domid, v->devid);
    if (nl < 0 || (size_t)nl >= sizeof v->netdev)
        return resolve_bad(why, len, EINVAL,
                           "domain %u, vif %u: the interface name vif%u.%u is longer than 15 "
                           "characters", domid, v->devid, domid, v->devid);
    if (nic->nictype == XKL_NIC_TYPE_VIF_IOEMU)
        return resolve_bad(why, len, EINVAL,
                           "type=ioemu: PV and PVH guests have no emulated network interface (type=vif)");
    if (nz(nic->coloft_forwarddev))
        return resolve_bad(why, len, EOPNOTSUPP, "forwarddev=%s: COLO is not supported",
                           nic->coloft_forwarddev);

    /* the MAC: the nic's (all zeroes: none, as libxl), or one in Xen's OUI */
    if (nz(nic->mac)) {
        if (xkl__mac_parse(nic->mac, v->mac) < 0)
            return resolve_bad(why, len, EINVAL,
                               "mac %s: expected six pairs of hex digits separated by ':'", nic->mac);
        if (xkl__mac_multicast(v->mac))
            return resolve_bad(why, len, EINVAL,
                               "mac %s: a multicast address (the first byte's low bit is set)", nic->mac);
    }
    if (xkl__mac_zero(v->mac))
        xkl__mac_xen(rnd, v->mac);
    xkl__mac_format(v->mac, v->macs);

    v->bridge = nz(nic->bridge) ? nic->bridge : XKL__VIF_DEFAULT_BRIDGE;
    if (!xkl__ifname_ok(v->bridge))
        return resolve_bad(why, len, EINVAL, "bridge %s: not a valid interface name", v->bridge);
    v->ifname = nz(nic->ifname);
    if (v->ifname && !xkl__ifname_ok(v->ifname))
        return resolve_bad(why, len, EINVAL,
                           "vifname %s: not a valid interface name (1 to 15 characters, no '/', ':' or blank)",
                           v->ifname);
    const char *script = nz(nic->script) ? nic->script : XKL__VIF_DEFAULT_SCRIPT;
    if (xkl__script_path(script, v->script, sizeof v->script) < 0)
        return resolve_bad(why, len, errno, "script %s: name too long", script);
    v->builtin = !strcmp(v->script, XKL__SCRIPT_DIR "/" XKL__VIF_DEFAULT_SCRIPT);
    if (nic->mtu) {
        if (nic->mtu < 68 || nic->mtu > 65535)
            return resolve_bad(why, len, EINVAL, "mtu %lld: out of range 68..65535", nic->mtu);
        v->mtu = (unsigned)nic->mtu;
    }
    if (nz(nic->rate)) {
        const char *r = NULL;
        if (xkl__rate_parse(nic->rate, &v->rate_bytes, &v->rate_usecs, &r) < 0)
            return resolve_bad(why, len, errno, "rate %s: %s", nic->rate, r);
        v->has_rate = true;
        snprintf(v->rate, sizeof v->rate, "%llu,%u", (unsigned long long)v->rate_bytes,
                 (unsigned)v->rate_usecs);
    }
    /* gatewaydev is the routing scripts' (vif-route, vif-nat): passed to a
     * user's script, nothing vif-bridge could do with it */
    if (nz(nic->gatewaydev) && v->builtin)
        return resolve_bad(why, len, EOPNOTSUPP,
                           "gatewaydev=%s: only a routing script (script=vif-route) acts on it, not vif-bridge",
                           nic->gatewaydev);
    if (nz(nic->ip) && v->builtin)
        v->warn[v->nwarn++] = "ip= is recorded in xenstore, but the built-in vif-bridge sets no iptables filter for it";
    /* libxl fills in model=rtl8139 for every nic it saves: only another
     * model is worth a word */
    if (nz(nic->model) && strcmp(nic->model, "rtl8139"))
        v->warn[v->nwarn++] = "model= applies to the emulated nics of HVM guests only: ignored";

    snprintf(v->handle, sizeof v->handle, "%u", v->devid);
    snprintf(v->front_mtu, sizeof v->front_mtu, "%u", v->mtu ? v->mtu : XKL__VIF_DEFAULT_MTU);
    if (v->mtu && v->mtu != XKL__VIF_DEFAULT_MTU)
        snprintf(v->mtus, sizeof v->mtus, "%u", v->mtu);

    /* backend, in libxl's order */
    struct xkl__kv *b = v->back;
    *b++ = (struct xkl__kv){ "script", v->script };
    if (v->ifname)
        *b++ = (struct xkl__kv){ "vifname", v->ifname };
    *b++ = (struct xkl__kv){ "mac", v->macs };
    if (nz(nic->ip))
        *b++ = (struct xkl__kv){ "ip", nic->ip };
    if (nz(nic->gatewaydev))
        *b++ = (struct xkl__kv){ "gatewaydev", nic->gatewaydev };
    if (v->has_rate)
        *b++ = (struct xkl__kv){ "rate", v->rate };
    if (v->mtus[0])
        *b++ = (struct xkl__kv){ "mtu", v->mtus };
    *b++ = (struct xkl__kv){ "bridge", v->bridge };
    *b++ = (struct xkl__kv){ "handle", v->handle };
    *b++ = (struct xkl__kv){ "type", "vif" };
    /* netback waits for this node to read "connected" before it connects */
    *b++ = (struct xkl__kv){ "hotplug-status", "" };
    v->nback = (size_t)(b - v->back);

    struct xkl__kv *fr = v->front;
    *fr++ = (struct xkl__kv){ "handle", v->handle };
    *fr++ = (struct xkl__kv){ "mac", v->macs };
    *fr++ = (struct xkl__kv){ "trusted", nic->trusted == 0 ? "0" : "1" };
    v->nfront = (size_t)(fr - v->front);
    return 0;
}

unsigned xkl__vif_next_devid(char *const *ents, size_t n)
{
    unsigned next = 0;
    for (size_t i = 0; i < n; i++) {
        char *end = NULL;
        if (!ents[i] || !isdigit((unsigned char)ents[i][0]))
            continue;
        errno = 0;
        unsigned long d = strtoul(ents[i], &end, 10);
        if (*end || errno || d >= 0x7fffffff)
            continue;
        if (d + 1 > next)
            next = (unsigned)d + 1;
    }
    return next;
}

void xkl__vif_script_env(struct xkl__vif_env *e, uint32_t domid, unsigned devid,
                         const char *gatewaydev)
{
    snprintf(e->vif, sizeof e->vif, "vif=vif%u.%u", domid, devid);
    snprintf(e->netdev, sizeof e->netdev, "netdev=%s", gatewaydev ? gatewaydev : "");
    e->v[0] = e->vif;
    e->v[1] = e->netdev;
    e->v[2] = "type_if=vif";
    e->v[3] = NULL;
}

/* ---- adding a vif ---- */

/* A fault point before a fallible call: true (with the error a failure
 * there gets) when it fires, so the caller takes that call's failure path. */
#define FAULTED(f, ctx, where, step) \
    (xkl__fault_here(f) && (xkl__err((ctx), EIO, "%s: %s: %s", (where), (step), strerror(EIO)), true))

static int random_bytes(xkl_ctx *ctx, uint8_t *buf, size_t n, struct xkl__fault *f, const char *where)
{
    if (FAULTED(f, ctx, where, "getrandom"))
        return -1;
    return xkl__random_bytes(ctx, buf, n, where);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* After a user's script ran: its hotplug-status says "connected" (0) or
 * "error" (-1 with its hotplug-error); woken by a watch on the node. */
static int wait_hotplug_status(xkl_ctx *ctx, const char *be, int timeout_ms, const char *where)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return xkl__err_wrap(ctx, "%s", where);
    char path[192], token[200];
    snprintf(path, sizeof path, "%s/hotplug-status", be);
    snprintf(token, sizeof token, "xkl-hotplug-%s", be);
    if (xkl_xs_watch(xs, path, token) < 0)
        return xkl__err(ctx, errno, "%s: watch %s: %s", where, path, xkl_xs_error(xs));
    long long deadline = now_ms() + timeout_ms;
    int r = -1;
    for (;;) {
        char *v = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
        if (v && !strcmp(v, "connected")) {
            free(v);
            r = 0;
            break;
        }
        if (v && !strcmp(v, "error")) {
            free(v);
            char epath[192];
            snprintf(epath, sizeof epath, "%s/hotplug-error", be);
            char *why = xkl_xs_read(xs, XKL_XS_TX_NONE, epath, NULL);
            xkl__err(ctx, EIO, "%s: the script reports: %s", where,
                     why && *why ? why : "hotplug-status error");
            free(why);
            break;
        }
        free(v);
        long long left = deadline - now_ms();
        if (left <= 0) {
            xkl__err(ctx, ETIMEDOUT, "%s: the script did not write %s = connected in %d ms", where,
                     path, timeout_ms);
            break;
        }
        struct xkl_xs_event *ev = xkl_xs_read_watch(xs, (int)left);
        if (!ev && errno != EAGAIN && errno != ETIMEDOUT) {
            xkl__err(ctx, errno, "%s: %s", where, xkl_xs_error(xs));
            break;
        }
        free(ev);
    }
    xkl_xs_unwatch(xs, path, token);
    struct xkl_xs_event *ev;
    while ((ev = xkl_xs_read_watch(xs, 0)))
        free(ev);
    return r;
}

int xkl__vif_bridge_up(xkl_ctx *ctx, const struct xkl__vif *v, struct xkl__fault *f,
                       const char *where)
{
    if (FAULTED(f, ctx, where, "netlink socket"))
        return -1;
    struct xkl__nl *nl = xkl__nl_open(ctx, where);
    if (!nl)
        return -1;
    int r = -1;
    const char *name = v->netdev;
    if (FAULTED(f, ctx, where, v->netdev) || xkl__nl_link_wait(nl, name, 10000) < 0)
        goto out;
    if (v->ifname && strcmp(v->ifname, name)) {
        int ex;
        if (FAULTED(f, ctx, where, v->ifname) || (ex = xkl__nl_link_exists(nl, v->ifname)) < 0)
            goto out;
        if (ex) {
            xkl__err(ctx, EEXIST, "%s: vifname %s: an interface of that name already exists", where,
                     v->ifname);
            goto out;
        }
        if (FAULTED(f, ctx, where, "rename") || xkl__nl_link_rename(nl, name, v->ifname) < 0)
            goto out;
        name = v->ifname;
    }
    if (v->mtu && (FAULTED(f, ctx, where, "mtu") || xkl__nl_link_set_mtu(nl, name, v->mtu) < 0))
        goto out;
    if (FAULTED(f, ctx, where, v->bridge) || xkl__nl_link_set_master(nl, name, v->bridge) < 0)
        goto out;
    if (FAULTED(f, ctx, where, "up") || xkl__nl_link_set_up(nl, name) < 0)
        goto out;
    r = 0;
out:
    xkl__nl_close(nl);
    return r;
}

int xkl__vif_tap_up(xkl_ctx *ctx, uint32_t domid, const struct xkl_nic *nic, size_t index,
                    const char *what)
{
    char where[256];
    snprintf(where, sizeof where, "%s: vif %lld (emulated)", what, nic->devid);
    struct xkl_nic pv = *nic;   /* settled as its PV half is */
    pv.nictype = XKL_NIC_TYPE_VIF;
    pv.model = NULL;
    if (pv.devid < 0)
        pv.devid = (long long)index;
    const uint8_t rnd[3] = { 0, 0, 0 };
    struct xkl__vif v;
    char why[256];
    if (xkl__vif_resolve(&pv, domid, 0, rnd, &v, why, sizeof why) < 0)
        return xkl__err(ctx, errno, "%s: %s", where, why);
    if (!v.builtin)
        return xkl__err(ctx, EOPNOTSUPP,
                        "%s: script %s: the tap of an emulated NIC is bridged in-process only (vif-bridge); use type=vif for a PV interface alone",
                        where, v.script);
    struct xkl__vif t = v;
    t.ifname = NULL;   /* QEMU named it already */
    if (xkl__dm_tap_name(domid, nic, index, t.netdev, sizeof t.netdev) < 0)
        return xkl__err(ctx, ENAMETOOLONG, "%s: the tap's name is longer than 15 characters", where);
    return xkl__vif_bridge_up(ctx, &t, NULL, where);
}

static int backend_of(xkl_ctx *ctx, const struct xkl_nic *nic, uint32_t *bdom, const char *what)
{
    if (nz(nic->backend_domname))
        return xkl__backend_domid(ctx, nic->backend_domname, bdom, what);
    if (nic->backend_domid < 0 || nic->backend_domid > 0x7fef)
        return xkl__err(ctx, EINVAL, "%s: vif %lld: backend domain %lld: not a domain id", what,
                        nic->devid, nic->backend_domid);
    *bdom = (uint32_t)nic->backend_domid;
    return 0;
}

int xkl__vif_add(xkl_ctx *ctx, uint32_t domid, const struct xkl_nic *nic, struct xkl__fault *f,
                 const char *what)
{
    char where[256];
    snprintf(where, sizeof where, "%s: vif %lld", what, nic->devid);
    uint32_t bdom = 0;
    if (backend_of(ctx, nic, &bdom, what) < 0)
        return -1;
    uint8_t rnd[3] = { 0, 0, 0 }, mac[6];
    bool need_mac = !nz(nic->mac) || (xkl__mac_parse(nic->mac, mac) == 0 && xkl__mac_zero(mac));
    if (need_mac && random_bytes(ctx, rnd, sizeof rnd, f, where) < 0)
        return -1;
    struct xkl__vif v;
    char why[256];
    if (xkl__vif_resolve(nic, domid, bdom, rnd, &v, why, sizeof why) < 0)
        return xkl__err(ctx, errno, "%s: %s", where, why);
    for (size_t i = 0; i < v.nwarn; i++)
        xkl__log(ctx, "%s: warning: %s", where, v.warn[i]);

    const struct xkl__device d = {
        .kind = xkl__devkind_find("vif"), .domid = domid, .backend_domid = bdom, .devid = v.devid,
        .front = v.front, .nfront = v.nfront, .back = v.back, .nback = v.nback,
    };
    char fe[128], be[128];
    xkl__device_paths(&d, fe, be);
    struct xkl__layout l;
    xkl__layout_init(&l);
    /* the guest reads its MTU but may not change it: libxl's read-only
     * frontend node, owned by the toolstack's domain */
    const struct xkl_xs_perm roperm[2] = { { 0, XKL_XS_PERM_NONE }, { domid, XKL_XS_PERM_READ } };
    if (xkl__device_layout(&l, &d) < 0 ||
        xkl__layout_add(&l, roperm, 2, v.front_mtu, "%s/mtu", fe) < 0) {
        xkl__layout_dispose(&l);
        return xkl__err(ctx, ENOMEM, "%s: %s", where, strerror(ENOMEM));
    }
    /* one transaction: on failure nothing was written */
    bool faulted = FAULTED(f, ctx, where, "xenstore nodes");
    int r = faulted ? -1 : xkl__layout_write(ctx, &l);
    xkl__layout_dispose(&l);
    if (r < 0)
        return faulted ? -1 : xkl__err_wrap(ctx, "%s", where);
    if (bdom != 0)
        return 0;   /* a driver domain's own toolstack sets its side up */

    if (FAULTED(f, ctx, where, "waiting for netback") ||
        xkl__device_wait_state(ctx, &d, 2, 10000, what) < 0)
        goto fail;
    if (v.builtin) {
        if (xkl__vif_bridge_up(ctx, &v, f, where) < 0)
            goto fail;
        char path[160];
        snprintf(path, sizeof path, "%s/hotplug-status", be);
        xkl_xs *xs = xkl__xs(ctx);
        if (!xs)
            goto fail;
        if (FAULTED(f, ctx, where, "hotplug-status"))
            goto fail;
        if (xkl_xs_write(xs, XKL_XS_TX_NONE, path, "connected", 9) < 0) {
            xkl__err(ctx, errno, "%s: write %s: %s", where, path, xkl_xs_error(xs));
            goto fail;
        }
    } else {
        struct xkl__vif_env env;
        xkl__vif_script_env(&env, domid, v.devid, nz(nic->gatewaydev));
        if (FAULTED(f, ctx, where, v.script))
            goto fail;
        if (xkl__hotplug_run(ctx, v.script, "online", be, "vif", env.v, 10000, where) < 0) {
            /* Xen's scripts say what went wrong in hotplug-error (their
             * stderr goes to syslog): that, else the script's last line */
            int e = errno;
            char keep[sizeof ctx->err];
            memcpy(keep, ctx->err, sizeof keep);
            char *he = xkl__xs_readf(ctx, "%s/hotplug-error", be);
            if (he && *he) {
                xkl__err(ctx, EIO, "%s: script %s online: %s", where, v.script, he);
            } else {
                memcpy(ctx->err, keep, sizeof keep);
                errno = e;
            }
            free(he);
            goto fail;
        }
        if (FAULTED(f, ctx, where, "hotplug-status") ||
            wait_hotplug_status(ctx, be, 10000, where) < 0)
            goto fail;
    }
    return 0;
fail:
    /* the nodes are ours: take them away with what the script did */
    xkl__device_undo(ctx, &d);
    return -1;
}

/* ---- release: a user's script run offline ---- */

int xkl__vif_release(xkl_ctx *ctx, uint32_t domid, unsigned devid, const char *be)
{
    /* a driver domain's backend: its own toolstack releases it */
    if (strncmp(be, "/local/domain/0/", 16))
        return 0;
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return -1;
    char path[192];
    snprintf(path, sizeof path, "%s/script", be);
    char *script = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
    if (!script)
        return 0;   /* nothing was set up (or released already) */
    char abs[256];
    bool builtin = xkl__script_path(script, abs, sizeof abs) < 0 ||
                   !strcmp(abs, XKL__SCRIPT_DIR "/" XKL__VIF_DEFAULT_SCRIPT);
    free(script);
    /* vif-bridge's work (name, MTU, bridge port) goes with netback's
     * interface; a user's script ran only if it got to write a status */
    snprintf(path, sizeof path, "%s/hotplug-status", be);
    char *status = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
    bool ran = status && *status;
    free(status);
    if (builtin || !ran)
        return 0;
    char gwpath[192];
    snprintf(gwpath, sizeof gwpath, "%s/gatewaydev", be);
    char *gw = xkl_xs_read(xs, XKL_XS_TX_NONE, gwpath, NULL);
    struct xkl__vif_env env;
    xkl__vif_script_env(&env, domid, devid, gw);
    free(gw);
    char where[96];
    snprintf(where, sizeof where, "remove vif %u of domain %u", devid, domid);
    int r = xkl__hotplug_run(ctx, abs, "offline", be, "vif", env.v, 10000, where);
    /* once is enough: a second release finds no status */
    xkl_xs_rm(xs, XKL_XS_TX_NONE, path);
    return r;
}

/* ---- network-attach / network-detach ---- */

struct attach_edit {
    xkl_ctx *ctx;
    const char *spec, *mac, *what;
    unsigned devid;
};

/* The saved configuration gets the nic as the spec says, with the devid
 * and MAC it was given (libxl's update_config). */
static int attach_edit(struct xkl_domain_config *dc, void *arg)
{
    struct attach_edit *a = arg;
    struct xkl_nic *n = xkl__nic_add(dc);
    if (!n)
        return xkl__err(a->ctx, ENOMEM, "%s: %s", a->what, strerror(ENOMEM));
    xkl_diags dg;
    xkl_diags_init(&dg);
    int r = xkl__nic_parse(n, a->spec, "network-attach", 0, 0, &dg);
    xkl_diags_dispose(&dg);
    char *mac = strdup(a->mac);
    if (r < 0 || !mac) {
        free(mac);
        xkl__nic_dispose(n);
        dc->num_nics--;
        return xkl__err(a->ctx, ENOMEM, "%s: saving the configuration: %s", a->what, strerror(ENOMEM));
    }
    free(n->mac);
    n->mac = mac;
    n->devid = a->devid;
    n->nictype = XKL_NIC_TYPE_VIF;
    return 0;
}

struct detach_edit {
    unsigned devid;
};

static int detach_edit(struct xkl_domain_config *dc, void *arg)
{
    struct detach_edit *a = arg;
    for (size_t i = 0; i < dc->num_nics; i++) {
        /* a nic saved without a devid has its index as devid */
        long long id = dc->nics[i].devid >= 0 ? dc->nics[i].devid : (long long)i;
        if (id != (long long)a->devid)
            continue;
        xkl__nic_dispose(&dc->nics[i]);
        memmove(&dc->nics[i], &dc->nics[i + 1], (dc->num_nics - i - 1) * sizeof *dc->nics);
        dc->num_nics--;
        break;
    }
    return 0;
}

static int nic_attach(xkl_ctx *ctx, uint32_t domid, const char *spec, unsigned *devid_out)
{
    char what[64];
    snprintf(what, sizeof what, "network-attach domain %u", domid);
    xkl_xs *xs = xkl__device_op_begin(ctx, domid, what);
    if (!xs)
        return -1;
    struct xkl_nic nic;
    xkl__nic_init(&nic);
    xkl_diags dg;
    xkl_diags_init(&dg);
    int r = xkl__nic_parse(&nic, spec ? spec : "", "network-attach", 0, 0, &dg);
    const char *first = NULL;
    for (size_t i = 0; i < dg.n; i++) {
        /* "network-attach: vif spec '...': ..." after our own prefix */
        const char *t = dg.v[i].text;
        if (!strncmp(t, "network-attach: ", 16))
            t += 16;
        if (dg.v[i].level == XKL_DIAG_WARNING)
            xkl__log(ctx, "%s: %s", what, t);
        else if (!first)
            first = t;
    }
    if (r < 0) {
        xkl__err(ctx, EINVAL, "%s: %s", what, first ? first : "invalid vif spec");
        goto out;
    }
    /* xl.conf's vif.default.* as for a create's vifs, as Xen's xl does */
    if (xkl__nic_apply_host(&nic, &ctx->host) < 0) {
        r = xkl__err(ctx, ENOMEM, "%s: out of memory", what);
        goto out;
    }
    bool nic_auto = nic.devid < 0;   /* no devid in the spec: one past the highest */
    /* the guest's frontends and libxl's records (dom0's: the guest may
     * have removed its frontend of a live backend, which must never be
     * overwritten unreleased) */
    for (int pass = 0; pass < 2 && r == 0; pass++) {
        char dir[64];
        snprintf(dir, sizeof dir, pass ? "/libxl/%u/device/vif" : "/local/domain/%u/device/vif",
                 domid);
        unsigned n = 0;
        char **ents = xkl_xs_directory(xs, XKL_XS_TX_NONE, dir, &n);
        if (!ents && errno != ENOENT) {
            r = xkl__err(ctx, errno, "%s: directory %s: %s", what, dir, xkl_xs_error(xs));
            break;
        }
        if (nic.devid < 0 || pass == 1) {
            long long next = (long long)xkl__vif_next_devid(ents, ents ? n : 0);
            if (nic.devid < 0 || (pass == 1 && nic_auto && next > nic.devid))
                nic.devid = next;
        }
        char id[24];
        snprintf(id, sizeof id, "%lld", nic.devid);
        for (unsigned i = 0; ents && i < n && !nic_auto; i++)
            if (!strcmp(ents[i], id))
                r = xkl__err(ctx, EEXIST, "%s: vif %s already exists", what, id);
        free(ents);
    }
    if (r < 0)
        goto out;
    /* nor a backend left without frontend and record */
    uint32_t abdom = 0;
    char vname[32];
    snprintf(vname, sizeof vname, "vif %lld", nic.devid);
    if ((r = backend_of(ctx, &nic, &abdom, what)) < 0 ||
        (r = xkl__device_check_free(ctx, domid, "vif", (unsigned)nic.devid, abdom, what, vname)) < 0)
        goto out;
    /* the MAC is chosen here so that the saved configuration keeps it */
    if ((r = xkl__nic_choose_mac(ctx, &nic, what)) < 0)
        goto out;
    char macs[18];
    snprintf(macs, sizeof macs, "%s", nic.mac);
    if ((r = xkl__vif_add(ctx, domid, &nic, NULL, what)) < 0)
        goto out;
    struct attach_edit ae = { ctx, spec ? spec : "", macs, what, (unsigned)nic.devid };
    if ((r = xkl__config_update(ctx, domid, attach_edit, &ae, what)) < 0) {
        /* not saved: not attached either */
        int e = errno;
        char keep[sizeof ctx->err];
        memcpy(keep, ctx->err, sizeof keep);
        uint32_t bdom = 0;
        if (backend_of(ctx, &nic, &bdom, what) == 0) {
            const struct xkl__device d = { .kind = xkl__devkind_find("vif"), .domid = domid,
                                           .backend_domid = bdom, .devid = (unsigned)nic.devid };
            xkl__device_remove(ctx, &d, 10000, false);
        }
        memcpy(ctx->err, keep, sizeof keep);
        errno = e;
        goto out;
    }
    if (devid_out)
        *devid_out = (unsigned)nic.devid;
out:
    xkl_diags_dispose(&dg);
    xkl__nic_dispose(&nic);
    return r;
}

int xkl__nic_choose_mac(xkl_ctx *ctx, struct xkl_nic *nic, const char *what)
{
    uint8_t mac[6] = { 0 };
    if (nz(nic->mac) && xkl__mac_parse(nic->mac, mac) < 0)
        return xkl__err(ctx, EINVAL, "%s: vif %lld: mac %s: expected six pairs of hex digits separated by ':'",
                        what, nic->devid, nic->mac);
    if (!xkl__mac_zero(mac))
        return 0;
    uint8_t rnd[3];
    if (random_bytes(ctx, rnd, sizeof rnd, NULL, what) < 0)
        return -1;
    xkl__mac_xen(rnd, mac);
    char macs[18];
    xkl__mac_format(mac, macs);
    char *m = strdup(macs);
    if (!m)
        return xkl__err(ctx, ENOMEM, "%s: %s", what, strerror(ENOMEM));
    free(nic->mac);
    nic->mac = m;
    return 0;
}

int xkl_nic_attach(xkl_ctx *ctx, uint32_t domid, const char *spec, unsigned *devid)
{
    XKL__LOCK(ctx);
    int r = nic_attach(ctx, domid, spec, devid);
    XKL__UNLOCK(ctx);
    return r;
}

static int nic_detach(xkl_ctx *ctx, uint32_t domid, const char *which, unsigned flags)
{
    char what[64];
    snprintf(what, sizeof what, "network-detach domain %u", domid);
    xkl_xs *xs = xkl__device_op_begin(ctx, domid, what);
    if (!xs)
        return -1;
    if (!which || !*which)
        return xkl__err(ctx, EINVAL, "%s: no interface given", what);
    bool by_id = true;
    for (const char *c = which; *c; c++)
        by_id = by_id && isdigit((unsigned char)*c);
    uint8_t want[6];
    if (!by_id && xkl__mac_parse(which, want) < 0)
        return xkl__err(ctx, EINVAL, "%s: %s: neither an interface index nor a MAC address", what,
                        which);
    /* each device's backend from libxl's record, which dom0 owns (the
     * frontend's node, the guest's, only without one), and a MAC from
     * that backend, never the guest's own frontend nodes */
    long found = -1;
    if (by_id) {
        unsigned long id = strtoul(which, NULL, 10);
        if (id < 0x7fffffff)
            found = (long)id;
    }
    for (int pass = 0; pass < 2 && !by_id && found < 0; pass++) {
        char dir[64];
        snprintf(dir, sizeof dir, pass ? "/local/domain/%u/device/vif" : "/libxl/%u/device/vif",
                 domid);
        unsigned n = 0;
        char **ents = xkl_xs_directory(xs, XKL_XS_TX_NONE, dir, &n);
        if (!ents && errno != ENOENT)
            return xkl__err(ctx, errno, "%s: directory %s: %s", what, dir, xkl_xs_error(xs));
        for (unsigned i = 0; ents && i < n && found < 0; i++) {
            char *end = NULL;
            unsigned long id = strtoul(ents[i], &end, 10);
            if (!isdigit((unsigned char)ents[i][0]) || *end || id >= 0x7fffffff)
                continue;
            const struct xkl__devkind *k;
            uint32_t b;
            if (xkl__device_backend_find(ctx, domid, "vif", (unsigned)id, &k, &b, what, ents[i]) <= 0)
                continue;   /* none, or not this device's: not a match */
            char *mac = xkl__xs_readf(ctx, "/local/domain/%u/backend/%s/%u/%lu/mac", b, k->name,
                                      domid, id);
            uint8_t have[6];
            if (mac && xkl__mac_parse(mac, have) == 0 && !memcmp(have, want, 6))
                found = (long)id;
            free(mac);
        }
        free(ents);
    }
    const struct xkl__devkind *kind = NULL;
    uint32_t bdom = 0;
    char vname[32];
    snprintf(vname, sizeof vname, "vif %ld", found);
    int got = found < 0 ? 0
                        : xkl__device_backend_find(ctx, domid, "vif", (unsigned)found, &kind, &bdom,
                                                   what, vname);
    if (got < 0)
        return -1;
    if (!got)
        return xkl__err(ctx, ENODEV, "%s: no interface %s", what, which);
    const struct xkl__device d = { .kind = xkl__devkind_find("vif"), .domid = domid,
                                   .backend_domid = bdom, .devid = (unsigned)found };
    int r = xkl__device_remove(ctx, &d, 10000, flags & XKL_DETACH_FORCE);
    if (r < 0)
        xkl__err_wrap(ctx, "%s", what);
    /* the nodes are gone either way: so is the nic from the saved config */
    int e = errno;
    char keep[sizeof ctx->err];
    memcpy(keep, ctx->err, sizeof keep);
    struct detach_edit de = { (unsigned)found };
    if (xkl__config_update(ctx, domid, detach_edit, &de, what) < 0 && r == 0)
        return -1;
    if (r < 0) {
        memcpy(ctx->err, keep, sizeof keep);
        errno = e;
    }
    return r;
}

int xkl_nic_detach(xkl_ctx *ctx, uint32_t domid, const char *which, unsigned flags)
{
    XKL__LOCK(ctx);
    int r = nic_detach(ctx, domid, which, flags);
    XKL__UNLOCK(ctx);
    return r;
}
