/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Listing a domain's devices of one family (xl block-list, network-list):
 * the frontends under /local/domain/<domid>/device/<family>/, each with
 * what its frontend and its backend say about it.
 *
 * The backend of a device is taken from libxl's record
 * (/libxl/<domid>/device/<family>/<devid>/backend, written by the
 * toolstack, out of the guest's reach) and only without one from the
 * frontend's own backend node (the guest owns that one). Either way the
 * path must be a backend of this very device of a kind of this family,
 * or the device is left out: a guest cannot make us read and report
 * another domain's nodes.
 *
 * Reads are pipelined: every read of a stage is sent before the first
 * reply is awaited, so the listing costs one directory and two rounds of
 * reads (frontends, then backends) whatever the number of devices.
 */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads in flight at once: replies queue in the daemon meanwhile. */

/* The frontend's nodes (and libxl's record of the backend), by index. */
enum { FE_RECORD, FE_BACKEND, FE_BACKEND_ID, FE_STATE, FE_EVTCHN, FE_RING, FE_RX_RING,
       FE_HANDLE, FE_MAC, FE_TTY, FE_N };
/* The backend's nodes. */
enum { BE_STATE, BE_PARAMS, BE_MODE, BE_DEVTYPE, BE_BRIDGE, BE_MAC, BE_ID, BE_CONN, BE_VER,
       BE_PORTS, BE_N };

/* A family of devices a listing reads: its frontend directory, the
 * command it serves, and node names (NULL: not read; FE_RECORD is a path
 * of its own). */
struct family {
    const char *name, *op;
    const char *fe[FE_N];
    const char *be[BE_N];
};
static const struct family families[] = {
    { "vbd", "block-list",
      { NULL, "backend", "backend-id", "state", "event-channel", "ring-ref" },
      { "state", "params", "mode", "device-type" } },
    { "vif", "network-list",
      { NULL, "backend", "backend-id", "state", "event-channel", "tx-ring-ref", "rx-ring-ref",
        "handle", "mac" },
      { "state", NULL, NULL, NULL, "bridge", "mac" } },
    { "vkbd", "vkb-list",
      { NULL, "backend", "backend-id", "state", "event-channel", "page-ref" },
      { "state", [BE_ID] = "unique-id" } },
    { "vtpm", "vtpm-list",
      { NULL, "backend", "backend-id", "state", "event-channel", "ring-ref", NULL, "handle" },
      { "state", [BE_ID] = "uuid" } },
    /* channels: consoles after the primary one (which is not in device/) */
    { "console", "channel-list",
      { NULL, "backend", "backend-id", "state", "port", "ring-ref", [FE_TTY] = "tty" },
      { "state", [BE_ID] = "name", [BE_CONN] = "connection" } },
    { "vusb", "usb-list",
      { NULL, "backend", "backend-id", "state", "event-channel", "urb-ring-ref" },
      { "state", [BE_ID] = "type", [BE_VER] = "usb-ver", [BE_PORTS] = "num-ports" } },
    /* displays and sound cards: their parts are read by xkl_vdispl_list
     * and xkl_vsnd_list */
    { "vdispl", "vdispl-list", { NULL, "backend", "backend-id", "state" }, { "state" } },
    { "vsnd", "vsnd-list", { NULL, "backend", "backend-id", "state" }, { "state" } },
};

static const struct family *family_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof families / sizeof families[0]; i++)
        if (!strcmp(families[i].name, name))
            return &families[i];
    return NULL;
}

/* A plain decimal in [0, INT_MAX], else -1 (missing or malformed). */
static int num_or_unknown(const char *s)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    long v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (*s - '0');
        if (v > 0x7fffffff)
            return -1;
    }
    return *s ? -1 : (int)v;
}

/* Is path the backend directory of device devid of domid, of a kind whose
 * frontends are in device/<family>? Then its kind and backend domain. */
static int backend_of(const char *path, uint32_t domid, const char *family, unsigned devid,
                      char kind[8], uint32_t *bdom)
{
    const struct xkl__devkind *dk = xkl__device_backend_parse(path, domid, family, devid, bdom);
    if (!dk || strlen(dk->name) >= 8)
        return -1;
    memcpy(kind, dk->name, strlen(dk->name) + 1);
    return 0;
}

static int by_devid(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

static void copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src ? src : "");
}

static void free_all(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
}

static int list_locked(xkl_ctx *ctx, uint32_t domid, const struct family *fam,
                       struct xkl_devinfo **out, size_t *nout)
{
    const char *family = fam->name, *op = fam->op;
    bool vif = !strcmp(family, "vif"), vbd = !strcmp(family, "vbd");
    const char *const *fe_keys = fam->fe;
    const char *const *be_keys = fam->be;

    xkc_handle *xc = xkl__xc(ctx);
    struct xkc_dominfo ci;
    if (!xc)
        return xkl__err_wrap(ctx, "%s domain %u", op, domid);
    if (xkc_domain_info(xc, domid, &ci) < 0)
        return errno == ESRCH ? xkl__err(ctx, ESRCH, "%s domain %u: no such domain", op, domid)
                              : xkl__err(ctx, errno ? errno : EIO, "%s domain %u: %s", op, domid,
                                         xkc_error(xc));
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return xkl__err_wrap(ctx, "%s domain %u", op, domid);

    char dir[96];
    snprintf(dir, sizeof dir, "/local/domain/%u/device/%s", domid, family);
    unsigned nents = 0;
    char **ents = xkl_xs_directory(xs, XKL_XS_TX_NONE, dir, &nents);
    if (!ents) {
        if (errno == ENOENT)
            return 0;   /* no device of this family */
        return xkl__err(ctx, errno ? errno : EIO, "%s domain %u: %s", op, domid, xkl_xs_error(xs));
    }
    unsigned *devids = calloc(nents ? nents : 1, sizeof *devids);
    size_t ndev = 0;
    for (unsigned i = 0; devids && i < nents; i++) {
        int v = num_or_unknown(ents[i]);
        if (v >= 0)
            devids[ndev++] = (unsigned)v;
    }
    free(ents);
    if (!devids)
        return xkl__err(ctx, ENOMEM, "%s domain %u: %s", op, domid, strerror(ENOMEM));
    qsort(devids, ndev, sizeof *devids, by_devid);

    int r = -1;
    struct xkl_devinfo *v = calloc(ndev ? ndev : 1, sizeof *v);
    char **paths = calloc(ndev * FE_N + 1, sizeof *paths);
    char **fe = calloc(ndev * FE_N + 1, sizeof *fe);
    char **bpaths = calloc(ndev * BE_N + 1, sizeof *bpaths);
    char **be = calloc(ndev * BE_N + 1, sizeof *be);
    bool *keep = calloc(ndev ? ndev : 1, sizeof *keep);
    if (!v || !paths || !fe || !bpaths || !be || !keep) {
        xkl__err(ctx, ENOMEM, "%s domain %u: %s", op, domid, strerror(ENOMEM));
        goto out;
    }

    /* stage 1: every frontend, and libxl's record of its backend */
    for (size_t i = 0; i < ndev; i++) {
        struct xkl_devinfo *d = &v[i];
        d->devid = devids[i];
        snprintf(d->frontend_path, sizeof d->frontend_path, "%s/%u", dir, d->devid);
        char **p = &paths[i * FE_N];
        char buf[192];
        snprintf(buf, sizeof buf, "/libxl/%u/device/%s/%u/backend", domid, family, d->devid);
        if (!(p[FE_RECORD] = strdup(buf)))
            goto nomem;
        for (int k = 1; k < FE_N; k++) {
            if (!fe_keys[k])
                continue;
            snprintf(buf, sizeof buf, "%s/%s", d->frontend_path, fe_keys[k]);
            if (!(p[k] = strdup(buf)))
                goto nomem;
        }
    }
    char what[64];
    snprintf(what, sizeof what, "%s domain %u", op, domid);
    if (xkl__xs_read_all(ctx, xs, paths, fe, ndev * FE_N, what) < 0)
        goto out;

    /* stage 2: the backends that are this device's */
    for (size_t i = 0; i < ndev; i++) {
        struct xkl_devinfo *d = &v[i];
        char **f = &fe[i * FE_N];
        const char *bpath = f[FE_RECORD] ? f[FE_RECORD] : f[FE_BACKEND];
        if (backend_of(bpath, domid, family, d->devid, d->kind, &d->backend_domid) < 0)
            continue;   /* going away, never connected, or not to be trusted */
        keep[i] = true;
        copy(d->backend_path, sizeof d->backend_path, bpath);
        for (int k = 0; k < BE_N; k++) {
            if (!be_keys[k])
                continue;
            char buf[192];
            snprintf(buf, sizeof buf, "%s/%s", d->backend_path, be_keys[k]);
            if (!(bpaths[i * BE_N + k] = strdup(buf)))
                goto nomem;
        }
    }
    if (xkl__xs_read_all(ctx, xs, bpaths, be, ndev * BE_N, what) < 0)
        goto out;

    /* fill, in devid order, the kept ones packed to the front */
    size_t n = 0;
    for (size_t i = 0; i < ndev; i++) {
        if (!keep[i])
            continue;
        struct xkl_devinfo d = v[i];
        char **f = &fe[i * FE_N], **b = &be[i * BE_N];
        if (vbd)
            xkl__vdev_name(d.devid, d.vdev, sizeof d.vdev);
        d.frontend_state = num_or_unknown(f[FE_STATE]);
        d.backend_state = num_or_unknown(b[BE_STATE]);
        d.evtchn = num_or_unknown(f[FE_EVTCHN]);
        d.ring_ref = num_or_unknown(f[FE_RING]);
        d.rx_ring_ref = vif ? num_or_unknown(f[FE_RX_RING]) : -1;
        d.handle = fe_keys[FE_HANDLE] ? num_or_unknown(f[FE_HANDLE]) : -1;
        if (vif)
            copy(d.mac, sizeof d.mac, b[BE_MAC] ? b[BE_MAC] : f[FE_MAC]);   /* dom0's first */
        copy(d.target, sizeof d.target, vif ? b[BE_BRIDGE] : vbd ? b[BE_PARAMS] : f[FE_TTY]);
        d.readonly = vbd && b[BE_MODE] && !strchr(b[BE_MODE], 'w');
        d.cdrom = vbd && b[BE_DEVTYPE] && !strcmp(b[BE_DEVTYPE], "cdrom");
        d.has_id = b[BE_ID] != NULL;
        copy(d.id, sizeof d.id, b[BE_ID]);
        copy(d.connection, sizeof d.connection, b[BE_CONN]);
        d.usb_version = num_or_unknown(b[BE_VER]);
        d.ports = num_or_unknown(b[BE_PORTS]);
        v[n++] = d;
    }
    *out = v;
    *nout = n;
    v = NULL;
    r = 0;
    goto out;
nomem:
    xkl__err(ctx, ENOMEM, "%s domain %u: %s", op, domid, strerror(ENOMEM));
out:
    free_all(paths, ndev * FE_N);
    free_all(fe, ndev * FE_N);
    free_all(bpaths, ndev * BE_N);
    free_all(be, ndev * BE_N);
    free(paths);
    free(fe);
    free(bpaths);
    free(be);
    free(keep);
    free(v);
    free(devids);
    return r;
}

int xkl_device_list(xkl_ctx *ctx, uint32_t domid, const char *family, struct xkl_devinfo **out,
                    size_t *n)
{
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    XKL__LOCK(ctx);
    int r;
    const struct family *fam = family_find(family);
    if (!out || !n)
        r = xkl__err(ctx, EINVAL, "device list domain %u: no place for the result", domid);
    else if (!fam)
        r = xkl__err(ctx, EINVAL,
                     "device list domain %u: unknown device family \"%s\" (vbd, vif, vkbd, vtpm, "
                     "console, vusb or vdispl)", domid, family ? family : "");
    else
        r = list_locked(ctx, domid, fam, out, n);
    XKL__UNLOCK(ctx);
    return r;
}

/* ---- devices with parts: displays and sound cards ---- */

/* The numeric entries of dir (a display's connectors, a card's PCMs, a
 * PCM's streams), as a count one past the highest below max. */
static unsigned numbered(xkl_xs *xs, const char *dir, unsigned max)
{
    unsigned ne = 0, count = 0;
    char **ents = xs ? xkl_xs_directory(xs, XKL_XS_TX_NONE, dir, &ne) : NULL;
    for (unsigned k = 0; ents && k < ne; k++) {
        int c = num_or_unknown(ents[k]);
        if (c >= 0 && (unsigned)c < max && (unsigned)c + 1 > count)
            count = (unsigned)c + 1;
    }
    free(ents);
    return count;
}

/* Lock held: domid's devices of family (*devs, *nd) and a zeroed array of
 * *nd elements of elem bytes for what the caller reads of each; NULL with
 * the context's error ("<op> domain N: ..."). */
static void *list_parts(xkl_ctx *ctx, uint32_t domid, const char *family, const char *op,
                        size_t elem, struct xkl_devinfo **devs, size_t *nd)
{
    *devs = NULL;
    *nd = 0;
    if (list_locked(ctx, domid, family_find(family), devs, nd) < 0)
        return NULL;
    void *v = calloc(*nd ? *nd : 1, elem);
    if (!v) {
        xkl__err(ctx, ENOMEM, "%s domain %u: %s", op, domid, strerror(ENOMEM));
        free(*devs);
        *devs = NULL;
    }
    return v;
}

/* displays and their connectors */

void xkl_vdispl_list_free(struct xkl_vdispl_info *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].connectors);
    free(v);
}

/* A frontend node of a display read as a number, -1 when missing. */
static int fe_num(xkl_ctx *ctx, const char *fe, const char *key)
{
    char *s = xkl__xs_readf(ctx, "%s/%s", fe, key);
    int v = num_or_unknown(s);
    free(s);
    return v;
}

/* connector i of the display at fe: its id, "WxH" resolution and the
 * rings and channels the frontend wrote */
static void connector_read(xkl_ctx *ctx, const char *fe, unsigned i, struct xkl_connector_info *c)
{
    char key[48];
    snprintf(key, sizeof key, "%u/unique-id", i);
    char *id = xkl__xs_readf(ctx, "%s/%s", fe, key);
    copy(c->id, sizeof c->id, id);
    free(id);
    snprintf(key, sizeof key, "%u/resolution", i);
    char *res = xkl__xs_readf(ctx, "%s/%s", fe, key);
    unsigned w = 0, h = 0;
    char tail;
    if (res && sscanf(res, "%ux%u%c", &w, &h, &tail) == 2 && w <= 0xffff && h <= 0xffff) {
        c->width = (int)w;
        c->height = (int)h;
    } else {
        c->width = c->height = -1;
    }
    free(res);
    static const char *const k[4] = { "req-ring-ref", "req-event-channel", "evt-ring-ref",
                                      "evt-event-channel" };
    int *out[4] = { &c->req_rref, &c->req_evtch, &c->evt_rref, &c->evt_evtch };
    for (int j = 0; j < 4; j++) {
        snprintf(key, sizeof key, "%u/%s", i, k[j]);
        *out[j] = fe_num(ctx, fe, key);
    }
}

int xkl_vdispl_list(xkl_ctx *ctx, uint32_t domid, struct xkl_vdispl_info **out, size_t *n)
{
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    XKL__LOCK(ctx);
    struct xkl_devinfo *devs = NULL;
    size_t nd = 0;
    int r = -1;
    struct xkl_vdispl_info *v = NULL;
    if (!out || !n) {
        xkl__err(ctx, EINVAL, "vdispl-list domain %u: no place for the result", domid);
        goto done;
    }
    if (!(v = list_parts(ctx, domid, "vdispl", "vdispl-list", sizeof *v, &devs, &nd)))
        goto done;
    xkl_xs *xs = xkl__xs(ctx);
    for (size_t i = 0; i < nd; i++) {
        v[i].dev = devs[i];
        const char *fe = devs[i].frontend_path;
        v[i].be_alloc = fe_num(ctx, fe, "be-alloc");
        /* the connectors 0, 1, ... the frontend directory holds */
        unsigned count = numbered(xs, fe, 1024);
        v[i].connectors = calloc(count ? count : 1, sizeof *v[i].connectors);
        if (!v[i].connectors) {
            xkl_vdispl_list_free(v, i);
            v = NULL;
            xkl__err(ctx, ENOMEM, "vdispl-list domain %u: %s", domid, strerror(ENOMEM));
            goto done;
        }
        v[i].nconnectors = count;
        for (unsigned c = 0; c < count; c++)
            connector_read(ctx, fe, c, &v[i].connectors[c]);
    }
    *out = v;
    *n = nd;
    v = NULL;
    r = 0;
done:
    free(v);
    free(devs);
    XKL__UNLOCK(ctx);
    return r;
}

/* ---- sound cards ---- */

void xkl_vsnd_list_free(struct xkl_vsnd_info *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        for (size_t k = 0; k < v[i].npcms; k++)
            free(v[i].pcms[k].streams);
        free(v[i].pcms);
    }
    free(v);
}

/* node of dir into buf (len bytes): true when it exists */
static bool read_into(xkl_ctx *ctx, const char *dir, const char *node, char *buf, size_t len)
{
    char *v = xkl__xs_readf(ctx, "%s/%s", dir, node);
    copy(buf, len, v);
    bool have = v != NULL;
    free(v);
    return have;
}

/* the parameters a level's own nodes under dir give */
static void vsnd_params_read(xkl_ctx *ctx, const char *dir, struct xkl_vsnd_params_info *p)
{
    p->channels_min = fe_num(ctx, dir, "channels-min");
    p->channels_max = fe_num(ctx, dir, "channels-max");
    p->buffer_size = fe_num(ctx, dir, "buffer-size");
    read_into(ctx, dir, "sample-rates", p->sample_rates, sizeof p->sample_rates);
    read_into(ctx, dir, "sample-formats", p->sample_formats, sizeof p->sample_formats);
}

int xkl_vsnd_list(xkl_ctx *ctx, uint32_t domid, struct xkl_vsnd_info **out, size_t *n)
{
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    XKL__LOCK(ctx);
    struct xkl_devinfo *devs = NULL;
    size_t nd = 0;
    int r = -1;
    struct xkl_vsnd_info *v = NULL;
    if (!out || !n) {
        xkl__err(ctx, EINVAL, "vsnd-list domain %u: no place for the result", domid);
        goto done;
    }
    if (!(v = list_parts(ctx, domid, "vsnd", "vsnd-list", sizeof *v, &devs, &nd)))
        goto done;
    xkl_xs *xs = xkl__xs(ctx);
    for (size_t i = 0; i < nd; i++) {
        struct xkl_vsnd_info *c = &v[i];
        c->dev = devs[i];
        const char *fe = devs[i].frontend_path;
        c->has_short_name = read_into(ctx, fe, "short-name", c->short_name, sizeof c->short_name);
        c->has_long_name = read_into(ctx, fe, "long-name", c->long_name, sizeof c->long_name);
        vsnd_params_read(ctx, fe, &c->params);
        c->npcms = numbered(xs, fe, 256);
        c->pcms = calloc(c->npcms ? c->npcms : 1, sizeof *c->pcms);
        if (!c->pcms) {
            c->npcms = 0;
            goto nomem_v;
        }
        for (size_t k = 0; k < c->npcms; k++) {
            struct xkl_vsnd_pcm_info *pc = &c->pcms[k];
            char dir[192];
            snprintf(dir, sizeof dir, "%s/%zu", fe, k);
            read_into(ctx, dir, "name", pc->name, sizeof pc->name);
            vsnd_params_read(ctx, dir, &pc->params);
            pc->nstreams = numbered(xs, dir, 256);
            pc->streams = calloc(pc->nstreams ? pc->nstreams : 1, sizeof *pc->streams);
            if (!pc->streams) {
                pc->nstreams = 0;
                goto nomem_v;
            }
            for (size_t j = 0; j < pc->nstreams; j++) {
                struct xkl_vsnd_stream_info *st = &pc->streams[j];
                char sd[224];
                snprintf(sd, sizeof sd, "%s/%zu", dir, j);
                read_into(ctx, sd, "unique-id", st->unique_id, sizeof st->unique_id);
                read_into(ctx, sd, "type", st->type, sizeof st->type);
                st->evtchn = fe_num(ctx, sd, "event-channel");
                st->ring_ref = fe_num(ctx, sd, "ring-ref");
                vsnd_params_read(ctx, sd, &st->params);
            }
        }
    }
    *out = v;
    *n = nd;
    v = NULL;
    r = 0;
    goto done;
nomem_v:
    xkl_vsnd_list_free(v, nd);
    v = NULL;
    xkl__err(ctx, ENOMEM, "vsnd-list domain %u: %s", domid, strerror(ENOMEM));
done:
    free(v);
    free(devs);
    XKL__UNLOCK(ctx);
    return r;
}
