/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The devices that are xenstore nodes and nothing else in dom0: the PV
 * keyboard and pointer (vkb: frontend device/vkbd, backend QEMU's
 * backend/vkbd or a user-space backend/vinput), the TPM (vtpm, its
 * backend in a vTPM domain) and the display (vdispl, a user-space
 * backend such as displ_be), the sound card (vsnd, snd_be) and the
 * channels (named consoles, whose backend is the guest's QEMU). Created
 * from vkb=, vtpm=, vdispl=, vsnd= and channel=, attached and detached by
 * xl vkb-* / vtpm-* / vdispl-* / vsnd-*, with the nodes libxl writes. All
 * but a keyboard wait, as libxl does, for their backend to reach InitWait;
 * a keyboard does not (its backend may come later, like QEMU's for a vfb).
 */
#include "private.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vif.h"

#define WAIT_MS 10000


struct simple {
    enum xkl__vdev_kind kind;
    const char *frontend;    /* device/<frontend> */
    const char *backend;     /* backend/<backend> */
    uint32_t bdom;
    unsigned devid;
    struct xkl__kv front[2], back[16];
    size_t nfront, nback;
    char nums[12][24];       /* room for the values printed */
    size_t nnums;
    /* frontend nodes the guest may read but not change (dom0's), as
     * libxl writes a display's: malloc'd keys and values */
    struct xkl__kv *ro;
    size_t nro;
    /* more frontend nodes of the guest's (a sound card's), malloc'd */
    struct xkl__kv *fx;
    size_t nfx;
};

static void simple_dispose(struct simple *s)
{
    for (size_t i = 0; i < s->nro; i++) {
        free((char *)s->ro[i].key);
        free((char *)s->ro[i].value);
    }
    free(s->ro);
    for (size_t i = 0; i < s->nfx; i++) {
        free((char *)s->fx[i].key);
        free((char *)s->fx[i].value);
    }
    free(s->fx);
}

/* Append key and value (malloc'd, taken) to a list; -1 on ENOMEM. */
static int kv_take(struct xkl__kv **list, size_t *n, char *key, char *value)
{
    struct xkl__kv *nv = key && value ? realloc(*list, (*n + 1) * sizeof *nv) : NULL;
    if (!nv) {
        free(key);
        free(value);
        return -1;
    }
    *list = nv;
    nv[*n].key = key;
    nv[(*n)++].value = value;
    return 0;
}

/* A read-only frontend node; -1 on ENOMEM. */
static int ro_add(struct simple *s, char *key, char *value)
{
    return kv_take(&s->ro, &s->nro, key, value);
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    char *out = NULL;
    va_list ap;
    va_start(ap, f);
    if (vasprintf(&out, f, ap) < 0)
        out = NULL;
    va_end(ap);
    return out;
}

/* A display's nodes: be-alloc and per connector N its unique-id and
 * resolution WxH, all read-only for the guest. -1 on ENOMEM. */
static int vdispl_nodes(struct simple *s, const struct xkl_vdispl *v)
{
    s->frontend = "vdispl";
    s->backend = "vdispl";
    if (ro_add(s, fmt("be-alloc"), fmt("%d", v->be_alloc ? 1 : 0)) < 0)
        return -1;
    for (size_t i = 0; i < v->num_connectors; i++) {
        const struct xkl_connector *c = &v->connectors[i];
        if (ro_add(s, fmt("%zu/resolution", i), fmt("%lldx%lld", c->width, c->height)) < 0 ||
            ro_add(s, fmt("%zu/unique-id", i), fmt("%s", c->unique_id ? c->unique_id : "")) < 0)
            return -1;
    }
    return 0;
}

static const char *num(struct simple *s, long long v)
{
    char *b = s->nums[s->nnums++];
    snprintf(b, sizeof s->nums[0], "%lld", v);
    return b;
}

static void kv(struct xkl__kv *list, size_t *n, const char *k, const char *v)
{
    list[*n].key = k;
    list[*n].value = v;
    (*n)++;
}

/* The nodes of a keyboard (pure): what was asked for, nothing else. */
static void vkb_nodes(struct simple *s, const struct xkl_vkb *b)
{
    s->frontend = "vkbd";
    s->backend = b->backend_type == XKL_VKB_BACKEND_LINUX ? "vinput" : "vkbd";
    if (b->unique_id)
        kv(s->back, &s->nback, "unique-id", b->unique_id);
    if (b->feature_disable_keyboard)
        kv(s->back, &s->nback, "feature-disable-keyboard", "1");
    if (b->feature_disable_pointer)
        kv(s->back, &s->nback, "feature-disable-pointer", "1");
    if (b->feature_abs_pointer)
        kv(s->back, &s->nback, "feature-abs-pointer", "1");
    if (b->feature_raw_pointer)
        kv(s->back, &s->nback, "feature-raw-pointer", "1");
    if (b->multi_touch_num_contacts > 0) {
        kv(s->back, &s->nback, "feature-multi-touch", "1");
        kv(s->back, &s->nback, "multi-touch-width", num(s, b->multi_touch_width));
        kv(s->back, &s->nback, "multi-touch-height", num(s, b->multi_touch_height));
        kv(s->back, &s->nback, "multi-touch-num-contacts", num(s, b->multi_touch_num_contacts));
    }
    if (b->width > 0)
        kv(s->back, &s->nback, "width", num(s, b->width));
    if (b->height > 0)
        kv(s->back, &s->nback, "height", num(s, b->height));
}

static void vtpm_nodes(struct simple *s, const struct xkl_vtpm *t, char uuid[37])
{
    s->frontend = "vtpm";
    s->backend = "vtpm";
    xkl__uuid_format(t->uuid, uuid);
    const char *h = num(s, s->devid);
    kv(s->front, &s->nfront, "handle", h);
    kv(s->back, &s->nback, "handle", h);
    kv(s->back, &s->nback, "uuid", uuid);
    kv(s->back, &s->nback, "resume", "False");
}

static bool uuid_null(const unsigned char u[16])
{
    for (int i = 0; i < 16; i++)
        if (u[i])
            return false;
    return true;
}

/* A random (version 4) UUID for a vtpm given none, as libxl makes one. */
static int uuid_make(xkl_ctx *ctx, unsigned char u[16], const char *what)
{
    if (xkl__random_bytes(ctx, u, 16, what) < 0)
        return -1;
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
    return 0;
}

/* One past the highest device number of domid's frontend kind, in the
 * guest's device directory or libxl's record. */
static int next_devid(xkl_ctx *ctx, xkl_xs *xs, uint32_t domid, const char *frontend,
                      unsigned *devid, const char *what)
{
    unsigned next = 0;
    for (int pass = 0; pass < 2; pass++) {
        char dir[80];
        snprintf(dir, sizeof dir, pass ? "/libxl/%u/device/%s" : "/local/domain/%u/device/%s",
                 domid, frontend);
        unsigned n = 0;
        char **ents = xkl_xs_directory(xs, XKL_XS_TX_NONE, dir, &n);
        if (!ents && errno != ENOENT)
            return xkl__err(ctx, errno, "%s: directory %s: %s", what, dir, xkl_xs_error(xs));
        unsigned k = xkl__vif_next_devid(ents, ents ? n : 0);
        if (k > next)
            next = k;
        free(ents);
    }
    *devid = next;
    return 0;
}

/* Write the nodes of s for domid; a vtpm then waits for its backend. On
 * failure nothing is left. */
static int simple_write(xkl_ctx *ctx, uint32_t domid, struct simple *s, const char *what)
{
    const struct xkl__devkind *k = xkl__devkind_find(s->backend);
    char name[40];
    snprintf(name, sizeof name, "%s %u", s->frontend, s->devid);
    if (xkl__device_check_free(ctx, domid, s->frontend, s->devid, s->bdom, what, name) < 0)
        return -1;
    struct xkl__device d = { .kind = k, .domid = domid, .backend_domid = s->bdom,
                             .devid = s->devid, .front = s->front, .nfront = s->nfront,
                             .back = s->back, .nback = s->nback };
    struct xkl__layout l;
    xkl__layout_init(&l);
    char fe[128], be[128];
    xkl__device_paths(&d, fe, be);
    const struct xkl_xs_perm roperm[2] = { { 0, XKL_XS_PERM_NONE }, { domid, XKL_XS_PERM_READ } };
    bool ok = xkl__device_layout(&l, &d) == 0;
    for (size_t i = 0; ok && i < s->nfx; i++)
        ok = xkl__layout_add(&l, NULL, 0, s->fx[i].value, "%s/%s", fe, s->fx[i].key) == 0;
    for (size_t i = 0; ok && i < s->nro; i++)
        ok = xkl__layout_add(&l, roperm, 2, s->ro[i].value, "%s/%s", fe, s->ro[i].key) == 0;
    if (!ok) {
        xkl__layout_dispose(&l);
        return xkl__err(ctx, ENOMEM, "%s: %s", what, strerror(ENOMEM));
    }
    int r = xkl__layout_write(ctx, &l);
    xkl__layout_dispose(&l);
    if (r < 0)
        return xkl__err_wrap(ctx, "%s: %s", what, name);
    if (s->kind != XKL__VDEV_VKB && xkl__device_wait_state(ctx, &d, 2, WAIT_MS, what) < 0) {
        xkl__device_undo(ctx, &d);
        return -1;
    }
    return 0;
}

static int vkb_add(xkl_ctx *ctx, xkl_xs *xs, uint32_t domid, void *obj, const char *what)
{
    struct xkl_vkb *b = obj;
    struct simple s = { .kind = XKL__VDEV_VKB };
    if (xkl__backend_domid(ctx, b->backend_domname, &s.bdom, what) < 0)
        return -1;
    if (b->devid < 0) {
        if (next_devid(ctx, xs, domid, "vkbd", &s.devid, what) < 0)
            return -1;
        b->devid = s.devid;
    }
    s.devid = (unsigned)b->devid;
    vkb_nodes(&s, b);
    return simple_write(ctx, domid, &s, what);
}

static int vtpm_add(xkl_ctx *ctx, xkl_xs *xs, uint32_t domid, void *obj, const char *what)
{
    struct xkl_vtpm *t = obj;
    struct simple s = { .kind = XKL__VDEV_VTPM };
    if (xkl__backend_domid(ctx, t->backend_domname, &s.bdom, what) < 0)
        return -1;
    if (t->devid < 0) {
        if (next_devid(ctx, xs, domid, "vtpm", &s.devid, what) < 0)
            return -1;
        t->devid = s.devid;
    }
    s.devid = (unsigned)t->devid;
    if (uuid_null(t->uuid) && uuid_make(ctx, t->uuid, what) < 0)
        return -1;
    char uuid[37];
    vtpm_nodes(&s, t, uuid);
    return simple_write(ctx, domid, &s, what);
}

/* list joined with sep, malloc'd */
static char *joined(char *const *list, size_t n, char sep)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(list[i]) + 1;
    char *out = malloc(len), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (i)
            *o++ = sep;
        size_t l = strlen(list[i]);
        memcpy(o, list[i], l);
        o += l;
    }
    *o = 0;
    return out;
}

/* A level's parameters under prefix ("" for the card, "0/" for pcm 0,
 * "0/1/" for its stream 1): only those given. */
static int vsnd_params(struct simple *s, const char *prefix, const struct xkl_vsnd_params *q)
{
    if (q->num_sample_rates &&
        kv_take(&s->fx, &s->nfx, fmt("%ssample-rates", prefix),
                joined(q->sample_rates, q->num_sample_rates, ',')) < 0)
        return -1;
    if (q->num_sample_formats &&
        kv_take(&s->fx, &s->nfx, fmt("%ssample-formats", prefix),
                joined(q->sample_formats, q->num_sample_formats, ',')) < 0)
        return -1;
    if (q->buffer_size > 0 &&
        kv_take(&s->fx, &s->nfx, fmt("%sbuffer-size", prefix), fmt("%lld", q->buffer_size)) < 0)
        return -1;
    if (q->channels_min > 0 &&
        kv_take(&s->fx, &s->nfx, fmt("%schannels-min", prefix), fmt("%lld", q->channels_min)) < 0)
        return -1;
    if (q->channels_max > 0 &&
        kv_take(&s->fx, &s->nfx, fmt("%schannels-max", prefix), fmt("%lld", q->channels_max)) < 0)
        return -1;
    return 0;
}

/* A sound card's nodes, all the guest's (frontend): the card's names and
 * parameters, then per pcm I its name and parameters, per stream J its
 * unique-id, type and parameters under I/J/. */
static int vsnd_nodes(struct simple *s, const struct xkl_vsnd *v)
{
    s->frontend = "vsnd";
    s->backend = "vsnd";
    if ((v->long_name && kv_take(&s->fx, &s->nfx, fmt("long-name"), fmt("%s", v->long_name)) < 0) ||
        (v->short_name && kv_take(&s->fx, &s->nfx, fmt("short-name"), fmt("%s", v->short_name)) < 0) ||
        vsnd_params(s, "", &v->params) < 0)
        return -1;
    for (size_t i = 0; i < v->num_pcms; i++) {
        const struct xkl_vsnd_pcm *pc = &v->pcms[i];
        char pre[32];
        snprintf(pre, sizeof pre, "%zu/", i);
        if ((pc->name && kv_take(&s->fx, &s->nfx, fmt("%sname", pre), fmt("%s", pc->name)) < 0) ||
            vsnd_params(s, pre, &pc->params) < 0)
            return -1;
        for (size_t j = 0; j < pc->num_streams; j++) {
            const struct xkl_vsnd_stream *st = &pc->streams[j];
            char sp[48];
            snprintf(sp, sizeof sp, "%zu/%zu/", i, j);
            if (kv_take(&s->fx, &s->nfx, fmt("%sunique-id", sp), fmt("%s", st->unique_id ? st->unique_id : "")) < 0 ||
                kv_take(&s->fx, &s->nfx, fmt("%stype", sp),
                        fmt("%s", xkl__vsnd_stream_type_to_string(st->type))) < 0 ||
                vsnd_params(s, sp, &st->params) < 0)
                return -1;
        }
    }
    return 0;
}

/* A channel's nodes: a console (device/console/N, N >= 1) of type ioemu,
 * whose output is the chardev QEMU was started with (the index-th
 * channel's); QEMU writes the tty of a pty one. */
static int channel_nodes(struct simple *s, const struct xkl_channel *ch, size_t index)
{
    s->frontend = "console";
    s->backend = "console";
    kv(s->front, &s->nfront, "protocol", "vt100");
    kv(s->back, &s->nback, "protocol", "vt100");
    kv(s->back, &s->nback, "name", ch->name);
    kv(s->back, &s->nback, "connection", xkl__channel_connection_to_string(ch->connection));
    if (ch->connection == XKL_CHANNEL_CONNECTION_SOCKET)
        kv(s->back, &s->nback, "path", ch->path);
    if (ro_add(s, fmt("name"), fmt("%s", ch->name)) < 0 ||
        ro_add(s, fmt("limit"), fmt("%d", 1048576)) < 0 ||
        ro_add(s, fmt("type"), fmt("ioemu")) < 0 ||
        ro_add(s, fmt("output"), fmt("chardev:libxl-channel%zu", index)) < 0 ||
        ro_add(s, fmt("tty"), fmt("%s", "")) < 0)
        return -1;
    return 0;
}

static int channel_add(xkl_ctx *ctx, uint32_t domid, const struct xkl_channel *ch, size_t index,
                       const char *what)
{
    struct simple s = { .kind = XKL__VDEV_CHANNEL };
    if (xkl__backend_domid(ctx, ch->backend_domname, &s.bdom, what) < 0)
        return -1;
    if (s.bdom != 0)
        return xkl__err(ctx, EOPNOTSUPP, "%s: channel %s: a backend domain other than dom0 "
                        "(its QEMU) is not supported", what, ch->name);
    s.devid = (unsigned)ch->devid;
    int r = channel_nodes(&s, ch, index) < 0 ? xkl__err(ctx, ENOMEM, "%s: %s", what, strerror(ENOMEM))
                                             : simple_write(ctx, domid, &s, what);
    simple_dispose(&s);
    return r;
}

static int vdispl_add(xkl_ctx *ctx, xkl_xs *xs, uint32_t domid, void *obj, const char *what)
{
    struct xkl_vdispl *v = obj;
    struct simple s = { .kind = XKL__VDEV_VDISPL };
    if (xkl__backend_domid(ctx, v->backend_domname, &s.bdom, what) < 0)
        return -1;
    if (v->devid < 0) {
        if (next_devid(ctx, xs, domid, "vdispl", &s.devid, what) < 0)
            return -1;
        v->devid = s.devid;
    }
    s.devid = (unsigned)v->devid;
    int r = vdispl_nodes(&s, v) < 0 ? xkl__err(ctx, ENOMEM, "%s: %s", what, strerror(ENOMEM))
                                    : simple_write(ctx, domid, &s, what);
    simple_dispose(&s);
    return r;
}

static int vsnd_add(xkl_ctx *ctx, xkl_xs *xs, uint32_t domid, void *obj, const char *what)
{
    struct xkl_vsnd *v = obj;
    struct simple s = { .kind = XKL__VDEV_VSND };
    if (xkl__backend_domid(ctx, v->backend_domname, &s.bdom, what) < 0)
        return -1;
    if (v->devid < 0) {
        if (next_devid(ctx, xs, domid, "vsnd", &s.devid, what) < 0)
            return -1;
        v->devid = s.devid;
    }
    s.devid = (unsigned)v->devid;
    int r = vsnd_nodes(&s, v) < 0 ? xkl__err(ctx, ENOMEM, "%s: %s", what, strerror(ENOMEM))
                                  : simple_write(ctx, domid, &s, what);
    simple_dispose(&s);
    return r;
}

int xkl__simple_add_all(xkl_ctx *ctx, uint32_t domid, struct xkl_domain_config *dc, const char *what)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return xkl__err_wrap(ctx, "%s", what);
    for (size_t i = 0; i < dc->num_vkbs; i++)
        if (vkb_add(ctx, xs, domid, &dc->vkbs[i], what) < 0)
            return -1;
    for (size_t i = 0; i < dc->num_vtpms; i++)
        if (vtpm_add(ctx, xs, domid, &dc->vtpms[i], what) < 0)
            return -1;
    for (size_t i = 0; i < dc->num_vdispls; i++)
        if (vdispl_add(ctx, xs, domid, &dc->vdispls[i], what) < 0)
            return -1;
    for (size_t i = 0; i < dc->num_vsnds; i++)
        if (vsnd_add(ctx, xs, domid, &dc->vsnds[i], what) < 0)
            return -1;
    /* channels: QEMU (the HVM one, or a PV one started with their
     * chardevs by xkl__devices_add) takes each up */
    for (size_t i = 0; i < dc->num_channels; i++)
        if (channel_add(ctx, domid, &dc->channels[i], i, what) < 0)
            return -1;
    return 0;
}

/* ---- hot attach and detach, kept in the saved configuration ---- */

/* The first error of a spec parsed for an attach, without the source
 * prefix ("vkb-attach: ") it was parsed under. */
static const char *first_error(const xkl_diags *dg, const char *source)
{
    size_t pl = strlen(source);
    for (size_t i = 0; i < dg->n; i++) {
        const char *t = dg->v[i].text;
        if (dg->v[i].level != XKL_DIAG_ERROR)
            continue;
        if (!strncmp(t, source, pl) && !strncmp(t + pl, ": ", 2))
            t += pl + 2;
        return t;
    }
    return "invalid spec";
}

/* The hot-attachable kinds' adders (a channel has no xl attach). */
typedef int vdev_add_fn(xkl_ctx *ctx, xkl_xs *xs, uint32_t domid, void *obj, const char *what);
static vdev_add_fn *const adders[XKL__VDEV_N] = {
    [XKL__VDEV_VKB] = vkb_add, [XKL__VDEV_VTPM] = vtpm_add, [XKL__VDEV_VDISPL] = vdispl_add,
    [XKL__VDEV_VSND] = vsnd_add,
};

struct edit {
    const struct xkl__vdev_type *t;
    const void *dev;                      /* attach: the device added */
    const struct xkl__spec_item *items;   /* and its spec, parsed again */
    size_t nitems;
    long long devid;                      /* detach: the one taken away */
    xkl_ctx *ctx;
    const char *what;
};

/* The device added, into the saved config: its spec again, and what the
 * attach chose (its devid, a vtpm's UUID). */
static int attach_edit(struct xkl_domain_config *dc, void *arg)
{
    struct edit *e = arg;
    void *o = xkl__vdev_append(dc, e->t);
    if (!o)
        return xkl__err(e->ctx, ENOMEM, "%s: %s", e->what, strerror(ENOMEM));
    xkl_diags dg;
    xkl_diags_init(&dg);
    int r = e->t->parse(o, e->items, e->nitems, e->what, &dg);
    xkl_diags_dispose(&dg);
    *xkl__vdev_devid(e->t, o) = *xkl__vdev_devid(e->t, (void *)e->dev);
    if (e->t->settle)
        e->t->settle(o, e->dev);
    if (r < 0)
        return xkl__err(e->ctx, ENOMEM, "%s: saving the configuration: %s", e->what,
                        strerror(ENOMEM));
    return 0;
}

static int detach_edit(struct xkl_domain_config *dc, void *arg)
{
    struct edit *e = arg;
    xkl__vdev_drop(dc, e->t, e->devid);
    return 0;
}

/* The device is written; if the configuration cannot keep it, it goes. */
static int attach_keep(xkl_ctx *ctx, uint32_t domid, struct edit *e, const char *frontend,
                       unsigned devid, const char *what)
{
    if (xkl__config_update(ctx, domid, attach_edit, e, what) == 0)
        return 0;
    int er = errno;
    char keep[sizeof ctx->err];
    memcpy(keep, ctx->err, sizeof keep);
    const struct xkl__devkind *k;
    uint32_t bdom;
    int found = xkl__device_backend_find(ctx, domid, frontend, devid, &k, &bdom, what, frontend);
    memcpy(ctx->err, keep, sizeof keep);
    errno = er;
    if (found > 0) {
        const struct xkl__device d = { .kind = k, .domid = domid, .backend_domid = bdom, .devid = devid };
        xkl__device_undo(ctx, &d);
    }
    return -1;
}

/* xl KIND-attach: the spec (a sound card: its items) parsed, the device
 * added, then kept in the saved configuration (or taken away again). */
static int vdev_attach(xkl_ctx *ctx, uint32_t domid, enum xkl__vdev_kind kind,
                       const char *const *strs, size_t n, unsigned *devid)
{
    const struct xkl__vdev_type *t = &xkl__vdev_types[kind];
    char what[64], source[32];
    snprintf(what, sizeof what, "%s-attach domain %u", t->name, domid);
    snprintf(source, sizeof source, "%s-attach", t->name);
    xkl_xs *xs = xkl__device_op_begin(ctx, domid, what);
    if (!xs)
        return -1;
    struct xkl__spec_item *items = calloc(n ? n : 1, sizeof *items);
    void *o = calloc(1, t->size);
    if (!items || !o) {
        free(items);
        free(o);
        return xkl__err(ctx, ENOMEM, "%s: %s", what, strerror(ENOMEM));
    }
    for (size_t i = 0; i < n; i++)
        items[i].str = strs[i] ? strs[i] : "";
    t->init(o);
    xkl_diags dg;
    xkl_diags_init(&dg);
    int r = t->parse(o, items, n, source, &dg);
    if (r < 0)
        xkl__err(ctx, EINVAL, "%s: %s", what, first_error(&dg, source));
    xkl_diags_dispose(&dg);
    if (r == 0 && (r = adders[kind](ctx, xs, domid, o, what)) == 0) {
        struct edit e = { .t = t, .dev = o, .items = items, .nitems = n, .ctx = ctx, .what = what };
        r = attach_keep(ctx, domid, &e, t->frontend, (unsigned)*xkl__vdev_devid(t, o), what);
    }
    if (r == 0 && devid)
        *devid = (unsigned)*xkl__vdev_devid(t, o);
    t->dispose(o);
    free(o);
    free(items);
    return r;
}

/* Take device devid of frontend kind away and out of the saved config. */
static int simple_detach(xkl_ctx *ctx, uint32_t domid, enum xkl__vdev_kind kind, const char *frontend,
                         unsigned devid, unsigned flags, const char *what)
{
    const struct xkl__devkind *k = NULL;
    uint32_t bdom = 0;
    char name[40];
    snprintf(name, sizeof name, "%s %u", frontend, devid);
    int got = xkl__device_backend_find(ctx, domid, frontend, devid, &k, &bdom, what, name);
    if (got < 0)
        return -1;
    if (!got)
        return xkl__err(ctx, ENODEV, "%s: no %s", what, name);
    const struct xkl__device d = { .kind = k, .domid = domid, .backend_domid = bdom, .devid = devid };
    /* a backend that never took the device up (still Initialising, as a
     * QEMU keyboard of a guest without QEMU) has nothing to close: no wait */
    char *st = xkl__xs_readf(ctx, "/local/domain/%u/backend/%s/%u/%u/state", bdom, k->name, domid,
                             devid);
    bool never = !st || !strcmp(st, "1");
    free(st);
    int r = xkl__device_remove(ctx, &d, WAIT_MS, never || (flags & XKL_DETACH_FORCE));
    if (r < 0)
        xkl__err_wrap(ctx, "%s", what);
    int e = errno;
    char keep[sizeof ctx->err];
    memcpy(keep, ctx->err, sizeof keep);
    struct edit ed = { .t = &xkl__vdev_types[kind], .devid = devid, .ctx = ctx, .what = what };
    if (xkl__config_update(ctx, domid, detach_edit, &ed, what) < 0 && r == 0)
        return -1;
    if (r < 0) {
        memcpy(ctx->err, keep, sizeof keep);
        errno = e;
    }
    return r;
}

/* A device number: decimal digits only. */
static int devid_parse(const char *s, unsigned *devid)
{
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || errno || v >= 0x7fffffff)
        return -1;
    *devid = (unsigned)v;
    return 0;
}

static int vtpm_detach(xkl_ctx *ctx, uint32_t domid, const char *which, unsigned flags)
{
    char what[64];
    snprintf(what, sizeof what, "vtpm-detach domain %u", domid);
    xkl_xs *xs = xkl__device_op_begin(ctx, domid, what);
    if (!xs)
        return -1;
    unsigned devid;
    if (devid_parse(which, &devid) == 0)
        return simple_detach(ctx, domid, XKL__VDEV_VTPM, "vtpm", devid, flags, what);
    unsigned char want[16];
    if (xkl__uuid_parse(which ? which : "", want) < 0)
        return xkl__err(ctx, EINVAL, "%s: %s: neither a device number nor a UUID", what,
                        which ? which : "");
    /* the vtpm whose backend (dom0's record first) has that uuid */
    char dir[64];
    snprintf(dir, sizeof dir, "/libxl/%u/device/vtpm", domid);
    unsigned n = 0;
    char **ents = xkl_xs_directory(xs, XKL_XS_TX_NONE, dir, &n);
    if (!ents && errno != ENOENT)
        return xkl__err(ctx, errno, "%s: directory %s: %s", what, dir, xkl_xs_error(xs));
    long found = -1;
    for (unsigned i = 0; ents && i < n && found < 0; i++) {
        unsigned id;
        if (devid_parse(ents[i], &id) < 0)
            continue;
        char *u = xkl__xs_readf(ctx, "/libxl/%u/device/vtpm/%u/uuid", domid, id);
        unsigned char have[16];
        if (u && xkl__uuid_parse(u, have) == 0 && !memcmp(have, want, 16))
            found = id;
        free(u);
    }
    free(ents);
    if (found < 0)
        return xkl__err(ctx, ENODEV, "%s: no vtpm with uuid %s", what, which);
    return simple_detach(ctx, domid, XKL__VDEV_VTPM, "vtpm", (unsigned)found, flags, what);
}




/* xl KIND-detach DOMAIN DEVID of the kinds detached by number */
static int vdev_detach(xkl_ctx *ctx, uint32_t domid, enum xkl__vdev_kind kind, const char *which,
                       unsigned flags)
{
    const struct xkl__vdev_type *t = &xkl__vdev_types[kind];
    char what[64];
    snprintf(what, sizeof what, "%s-detach domain %u", t->name, domid);
    if (!xkl__device_op_begin(ctx, domid, what))
        return -1;
    unsigned devid;
    if (devid_parse(which, &devid) < 0)
        return xkl__err(ctx, EINVAL, "%s: %s: not a device number", what, which ? which : "");
    return simple_detach(ctx, domid, kind, t->frontend, devid, flags, what);
}

#define LOCKED(call)             \
    do {                         \
        XKL__LOCK(ctx);          \
        int r_ = (call);         \
        XKL__UNLOCK(ctx);        \
        return r_;               \
    } while (0)

int xkl_vkb_attach(xkl_ctx *ctx, uint32_t domid, const char *spec, unsigned *devid)
{
    LOCKED(vdev_attach(ctx, domid, XKL__VDEV_VKB, &spec, 1, devid));
}

int xkl_vkb_detach(xkl_ctx *ctx, uint32_t domid, const char *which, unsigned flags)
{
    LOCKED(vdev_detach(ctx, domid, XKL__VDEV_VKB, which, flags));
}

int xkl_vtpm_attach(xkl_ctx *ctx, uint32_t domid, const char *spec, unsigned *devid)
{
    LOCKED(vdev_attach(ctx, domid, XKL__VDEV_VTPM, &spec, 1, devid));
}

int xkl_vtpm_detach(xkl_ctx *ctx, uint32_t domid, const char *which, unsigned flags)
{
    LOCKED(vtpm_detach(ctx, domid, which, flags));
}

int xkl_vdispl_attach(xkl_ctx *ctx, uint32_t domid, const char *spec, unsigned *devid)
{
    LOCKED(vdev_attach(ctx, domid, XKL__VDEV_VDISPL, &spec, 1, devid));
}

int xkl_vdispl_detach(xkl_ctx *ctx, uint32_t domid, const char *which, unsigned flags)
{
    LOCKED(vdev_detach(ctx, domid, XKL__VDEV_VDISPL, which, flags));
}

int xkl_vsnd_attach(xkl_ctx *ctx, uint32_t domid, const char *const *items, size_t n, unsigned *devid)
{
    LOCKED(vdev_attach(ctx, domid, XKL__VDEV_VSND, items, n, devid));
}

int xkl_vsnd_detach(xkl_ctx *ctx, uint32_t domid, const char *which, unsigned flags)
{
    LOCKED(vdev_detach(ctx, domid, XKL__VDEV_VSND, which, flags));
}
