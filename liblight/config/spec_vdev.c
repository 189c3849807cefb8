/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The vkb and vtpm specs of xl.cfg(5) and of xl vkb-attach / vtpm-attach:
 * comma-separated key=value pairs.
 *   vkb:  backend, backend-type (qemu, linux), unique-id,
 *         feature-disable-keyboard, feature-disable-pointer,
 *         feature-abs-pointer, feature-raw-pointer, width, height,
 *         multi-touch-width, multi-touch-height, multi-touch-num-contacts
 *   vtpm: backend, uuid
 *   vdispl: backend, be-alloc, connectors=ID:WxH;ID:WxH... (at least one)
 *   channel: backend, name (required), connection=pty|socket, path (a
 *            socket's, required for one)
 * plus devid for both (xkit's, as for vifs). Unlike a vif spec, an unknown
 * key is an error, as Xen's xl makes it: it would change the device; so is
 * a vkb without backend-type.
 */
#include "private.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sp {
    const char *spec, *source, *what;
    int line, col;
    xkl_diags *d;
    int errors;
    bool typed;   /* a vkb's backend-type was given */
};

static void smsg(struct sp *p, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void smsg(struct sp *p, const char *at, const char *fmt, ...)
{
    int col = p->col > 0 ? p->col + 1 + (int)(at - p->spec) : 0;
    va_list ap;
    va_start(ap, fmt);
    xkl__vdiag_spec(p->d, XKL_DIAG_ERROR, p->source, p->line, col, p->what, p->spec, fmt, ap);
    va_end(ap);
    p->errors++;
}

static void set_str(struct sp *p, const char *at, char **field, const char *v)
{
    char *c = strdup(v);
    if (!c) {
        smsg(p, at, "out of memory");
        return;
    }
    free(*field);
    *field = c;
}

/* a number from 0 to max (flags: 0 or 1) */
static void set_num(struct sp *p, const char *at, const char *k, const char *v, long long max,
                    long long *out)
{
    long long n;
    if (xkl__parse_int(v, &n) < 0 || n < 0 || n > max) {
        smsg(p, at, "expected a number from 0 to %lld for %s, found '%s'", max, k, v);
        return;
    }
    *out = n;
}

static void set_flag(struct sp *p, const char *at, const char *k, const char *v, bool *out)
{
    long long n = 0;
    int before = p->errors;
    set_num(p, at, k, v, 1, &n);
    if (p->errors == before)
        *out = n == 1;
}

/* Split spec at commas, blanks around each pair dropped; one(p, obj,
 * where, key, value) per pair. */
static int each_pair_at(struct sp *p, void *obj,
                        void (*one)(struct sp *, void *, const char *, const char *, const char *),
                        size_t from);

static int each_pair(struct sp *p, void *obj,
                     void (*one)(struct sp *, void *, const char *, const char *, const char *))
{
    return each_pair_at(p, obj, one, 0);
}

/* The pairs of p->spec from byte `from` on. */
static int each_pair_at(struct sp *p, void *obj,
                        void (*one)(struct sp *, void *, const char *, const char *, const char *),
                        size_t from)
{
    char *copy = strdup(p->spec + from);
    if (!copy) {
        xkl__diag(p->d, XKL_DIAG_ERROR, p->source, p->line, p->col, "%s spec: out of memory", p->what);
        return -1;
    }
    char *s = copy;
    for (;;) {
        char *comma = strchr(s, ',');
        if (comma)
            *comma = 0;
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        char *e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
            *--e = 0;
        if (*s) {
            const char *at = p->spec + from + (s - copy);
            char *eq = strchr(s, '=');
            if (!eq) {
                smsg(p, at, "expected key=value, found '%s'", s);
            } else {
                *eq = 0;
                one(p, obj, at, s, eq + 1);
            }
        }
        if (!comma)
            break;
        s = comma + 1;
    }
    free(copy);
    return p->errors ? -1 : 0;
}

static void vkb_one(struct sp *p, void *obj, const char *at, const char *k, const char *v)
{
    struct xkl_vkb *b = obj;
    static const struct { const char *key; size_t off; } flags[] = {
        { "feature-disable-keyboard", offsetof(struct xkl_vkb, feature_disable_keyboard) },
        { "feature-disable-pointer", offsetof(struct xkl_vkb, feature_disable_pointer) },
        { "feature-abs-pointer", offsetof(struct xkl_vkb, feature_abs_pointer) },
        { "feature-raw-pointer", offsetof(struct xkl_vkb, feature_raw_pointer) },
    };
    static const struct { const char *key; size_t off; } nums[] = {
        { "width", offsetof(struct xkl_vkb, width) },
        { "height", offsetof(struct xkl_vkb, height) },
        { "multi-touch-width", offsetof(struct xkl_vkb, multi_touch_width) },
        { "multi-touch-height", offsetof(struct xkl_vkb, multi_touch_height) },
        { "multi-touch-num-contacts", offsetof(struct xkl_vkb, multi_touch_num_contacts) },
        { "devid", offsetof(struct xkl_vkb, devid) },
    };
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
        if (!strcmp(k, flags[i].key)) {
            set_flag(p, at, k, v, (bool *)((char *)b + flags[i].off));
            return;
        }
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
        if (!strcmp(k, nums[i].key)) {
            set_num(p, at, k, v, 0x7fffffff, (long long *)((char *)b + nums[i].off));
            return;
        }
    if (!strcmp(k, "backend")) {
        set_str(p, at, &b->backend_domname, v);
    } else if (!strcmp(k, "unique-id")) {
        set_str(p, at, &b->unique_id, v);
    } else if (!strcmp(k, "backend-type")) {
        if (xkl__vkb_backend_from_string(v, &b->backend_type) < 0)
            smsg(p, at, "expected backend-type qemu or linux, found '%s'", v);
        p->typed = true;
    } else {
        smsg(p, at, "unknown key '%s' (expected backend, backend-type, unique-id, "
             "feature-disable-keyboard, feature-disable-pointer, feature-abs-pointer, "
             "feature-raw-pointer, width, height, multi-touch-width, multi-touch-height, "
             "multi-touch-num-contacts)", k);
    }
}

static void vtpm_one(struct sp *p, void *obj, const char *at, const char *k, const char *v)
{
    struct xkl_vtpm *t = obj;
    if (!strcmp(k, "backend")) {
        set_str(p, at, &t->backend_domname, v);
    } else if (!strcmp(k, "uuid")) {
        if (xkl__uuid_parse(v, t->uuid) < 0)
            smsg(p, at, "expected a UUID xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, found '%s'", v);
    } else if (!strcmp(k, "devid")) {
        set_num(p, at, k, v, 0x7fffffff, &t->devid);
    } else {
        smsg(p, at, "unknown key '%s' (expected backend or uuid)", k);
    }
}

int xkl__vkb_parse(struct xkl_vkb *vkb, const char *spec, const char *source, int line, int col,
                   xkl_diags *d)
{
    struct sp p = { .spec = spec, .source = source, .what = "vkb", .line = line, .col = col, .d = d };
    if (each_pair(&p, vkb, vkb_one) < 0)
        return -1;
    /* as Xen's xl: which backend serves it is never guessed */
    if (!p.typed) {
        smsg(&p, spec, "backend-type is required (qemu or linux)");
        return -1;
    }
    return 0;
}

int xkl__vtpm_parse(struct xkl_vtpm *vtpm, const char *spec, const char *source, int line,
                    int col, xkl_diags *d)
{
    struct sp p = { .spec = spec, .source = source, .what = "vtpm", .line = line, .col = col, .d = d };
    return each_pair(&p, vtpm, vtpm_one);
}

/* "id0:800x600;id1:1024x768" into v's connectors */
static void connectors(struct sp *p, struct xkl_vdispl *v, const char *at, const char *val)
{
    char *copy = strdup(val);
    if (!copy) {
        smsg(p, at, "out of memory");
        return;
    }
    for (char *save = NULL, *c = strtok_r(copy, ";", &save); c; c = strtok_r(NULL, ";", &save)) {
        char *colon = strrchr(c, ':');
        unsigned long w = 0, h = 0;
        char *x = colon ? strchr(colon + 1, 'x') : NULL, *end = NULL;
        bool ok = colon && colon > c && x;
        if (ok) {
            w = strtoul(colon + 1, &end, 10);
            ok = end == x && end > colon + 1 && w > 0 && w <= 0xffff;
        }
        if (ok) {
            h = strtoul(x + 1, &end, 10);
            ok = !*end && end > x + 1 && h > 0 && h <= 0xffff;
        }
        if (!ok) {
            smsg(p, at, "expected connectors as ID:WIDTHxHEIGHT;..., found '%s'", c);
            break;
        }
        struct xkl_connector *nv = realloc(v->connectors, (v->num_connectors + 1) * sizeof *nv);
        if (!nv) {
            smsg(p, at, "out of memory");
            break;
        }
        v->connectors = nv;
        struct xkl_connector *k = &nv[v->num_connectors];
        xkl__connector_init(k);
        *colon = 0;
        k->unique_id = strdup(c);
        k->width = (long long)w;
        k->height = (long long)h;
        v->num_connectors++;
        if (!k->unique_id) {
            smsg(p, at, "out of memory");
            break;
        }
    }
    free(copy);
}

static void vdispl_one(struct sp *p, void *obj, const char *at, const char *k, const char *v)
{
    struct xkl_vdispl *d = obj;
    if (!strcmp(k, "backend")) {
        set_str(p, at, &d->backend_domname, v);
    } else if (!strcmp(k, "be-alloc")) {
        set_flag(p, at, k, v, &d->be_alloc);
    } else if (!strcmp(k, "connectors")) {
        connectors(p, d, at, v);
    } else if (!strcmp(k, "devid")) {
        set_num(p, at, k, v, 0x7fffffff, &d->devid);
    } else {
        smsg(p, at, "unknown key '%s' (expected backend, be-alloc or connectors)", k);
    }
}

int xkl__vdispl_parse(struct xkl_vdispl *v, const char *spec, const char *source, int line,
                      int col, xkl_diags *d)
{
    struct sp p = { .spec = spec, .source = source, .what = "vdispl", .line = line, .col = col, .d = d };
    if (each_pair(&p, v, vdispl_one) < 0)
        return -1;
    if (!v->num_connectors) {
        smsg(&p, spec, "at least one connector is required (connectors=ID:WIDTHxHEIGHT)");
        return -1;
    }
    return 0;
}

static void channel_one(struct sp *p, void *obj, const char *at, const char *k, const char *v)
{
    struct xkl_channel *ch = obj;
    if (!strcmp(k, "backend")) {
        set_str(p, at, &ch->backend_domname, v);
    } else if (!strcmp(k, "name")) {
        set_str(p, at, &ch->name, v);
    } else if (!strcmp(k, "path")) {
        set_str(p, at, &ch->path, v);
    } else if (!strcmp(k, "connection")) {
        if (xkl__channel_connection_from_string(v, &ch->connection) < 0)
            smsg(p, at, "expected connection pty or socket, found '%s'", v);
        p->typed = true;
    } else if (!strcmp(k, "devid")) {
        set_num(p, at, k, v, 0x7fffffff, &ch->devid);
    } else {
        smsg(p, at, "unknown key '%s' (expected name, connection, path or backend)", k);
    }
}

int xkl__channel_parse(struct xkl_channel *ch, const char *spec, const char *source, int line,
                       int col, xkl_diags *d)
{
    struct sp p = { .spec = spec, .source = source, .what = "channel", .line = line, .col = col, .d = d };
    if (each_pair(&p, ch, channel_one) < 0)
        return -1;
    /* as Xen's xl: a channel has a name and a connection, a socket a path */
    if (!p.typed)
        smsg(&p, spec, "connection is required (pty or socket)");
    else if (ch->connection == XKL_CHANNEL_CONNECTION_SOCKET && (!ch->path || !*ch->path))
        smsg(&p, spec, "connection socket requires path=");
    else if (ch->connection == XKL_CHANNEL_CONNECTION_PTY && ch->path)
        smsg(&p, spec, "path= is for connection socket, not pty");
    else if (ch->path && strlen(ch->path) > 107)
        smsg(&p, spec, "path= is longer than a UNIX socket's 107 bytes");
    if (!p.errors && (!ch->name || !*ch->name))
        smsg(&p, spec, "name is required (the name the guest finds the channel by)");
    if (!p.errors && ch->devid == 0)
        smsg(&p, spec, "devid 0 is the primary console: a channel is 1 or more");
    return p.errors ? -1 : 0;
}

/* ---- vsnd: a card, its PCMs and their streams ---- */

struct vsnd_cur {
    struct xkl_vsnd *v;
    struct xkl_vsnd_params *params;   /* the level the pairs are for */
    struct xkl_vsnd_pcm *pcm;         /* pcm: the one being read */
    struct xkl_vsnd_stream *stream;   /* stream: the one being read */
};

static const char *const vsnd_formats[] = {
    "s8", "u8", "s16_le", "s16_be", "u16_le", "u16_be", "s24_le", "s24_be", "u24_le", "u24_be",
    "s32_le", "s32_be", "u32_le", "u32_be", "float_le", "float_be", "float64_le", "float64_be",
    "iec958_subframe_le", "iec958_subframe_be", "mu_law", "a_law", "ima_adpcm", "mpeg", "gsm", NULL,
};

/* "8000;44100" (numbers) or "s16_le;u8" (formats) into list */
static void vsnd_list(struct sp *p, const char *at, const char *k, const char *v, char ***list,
                      size_t *n, bool numbers)
{
    xkl__strlist_free(list, n);
    char *copy = strdup(v);
    if (!copy) {
        smsg(p, at, "out of memory");
        return;
    }
    for (char *save = NULL, *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        bool ok = true;
        if (numbers) {
            long long x;
            ok = xkl__parse_int(t, &x) == 0 && x > 0 && x <= 0x7fffffff;
        } else {
            ok = false;
            for (const char *const *f = vsnd_formats; *f && !ok; f++)
                ok = !strcmp(*f, t);
        }
        if (!ok) {
            smsg(p, at, numbers ? "%s: expected numbers separated by ';', found '%s'"
                                : "%s: unknown sample format '%s'", k, t);
            break;
        }
        if (xkl__strlist_add(list, n, t) < 0) {
            smsg(p, at, "out of memory");
            break;
        }
    }
    if (!*n && p->errors == 0)
        smsg(p, at, "%s: empty", k);
    free(copy);
}

static bool vsnd_param(struct sp *p, struct xkl_vsnd_params *q, const char *at, const char *k,
                       const char *v)
{
    if (!strcmp(k, "sample-rates"))
        vsnd_list(p, at, k, v, &q->sample_rates, &q->num_sample_rates, true);
    else if (!strcmp(k, "sample-formats"))
        vsnd_list(p, at, k, v, &q->sample_formats, &q->num_sample_formats, false);
    else if (!strcmp(k, "channels-min"))
        set_num(p, at, k, v, 0x7fffffff, &q->channels_min);
    else if (!strcmp(k, "channels-max"))
        set_num(p, at, k, v, 0x7fffffff, &q->channels_max);
    else if (!strcmp(k, "buffer-size"))
        set_num(p, at, k, v, 0x7fffffff, &q->buffer_size);
    else
        return false;
    return true;
}

static void vsnd_one(struct sp *p, void *obj, const char *at, const char *k, const char *v)
{
    struct vsnd_cur *c = obj;
    if (vsnd_param(p, c->params, at, k, v))
        return;
    if (c->stream) {
        if (!strcmp(k, "unique-id"))
            set_str(p, at, &c->stream->unique_id, v);
        else if (!strcmp(k, "type")) {
            if (xkl__vsnd_stream_type_from_string(v, &c->stream->type) < 0)
                smsg(p, at, "expected stream type p (playback) or c (capture), found '%s'", v);
            p->typed = true;
        } else
            smsg(p, at, "unknown stream key '%s' (expected unique-id, type, sample-rates, "
                 "sample-formats, channels-min, channels-max, buffer-size)", k);
    } else if (c->pcm) {
        if (!strcmp(k, "name"))
            set_str(p, at, &c->pcm->name, v);
        else
            smsg(p, at, "unknown pcm key '%s' (expected name, sample-rates, sample-formats, "
                 "channels-min, channels-max, buffer-size)", k);
    } else {
        if (!strcmp(k, "backend"))
            set_str(p, at, &c->v->backend_domname, v);
        else if (!strcmp(k, "short-name"))
            set_str(p, at, &c->v->short_name, v);
        else if (!strcmp(k, "long-name"))
            set_str(p, at, &c->v->long_name, v);
        else if (!strcmp(k, "devid"))
            set_num(p, at, k, v, 0x7fffffff, &c->v->devid);
        else
            smsg(p, at, "unknown card key '%s' (expected backend, short-name, long-name, "
                 "sample-rates, sample-formats, channels-min, channels-max, buffer-size)", k);
    }
}

static bool params_ok(struct sp *p, const struct xkl_vsnd_params *q, const char *at)
{
    if (q->channels_min && q->channels_max && q->channels_min > q->channels_max) {
        smsg(p, at, "channels-min %lld is above channels-max %lld", q->channels_min, q->channels_max);
        return false;
    }
    return true;
}

int xkl__vsnd_parse(struct xkl_vsnd *v, const struct xkl__spec_item *items, size_t n,
                    const char *source, xkl_diags *d)
{
    int errors = 0;
    bool card_seen = false;
    for (size_t i = 0; i < n; i++) {
        struct sp p = { .spec = items[i].str, .source = source, .what = "vsnd",
                        .line = items[i].line, .col = items[i].col, .d = d };
        const char *s = items[i].str;
        size_t lead = strspn(s, " \t\n");
        size_t tl = strcspn(s + lead, ", \t\n");
        struct vsnd_cur c = { .v = v, .params = &v->params };
        if (tl == 4 && !strncmp(s + lead, "card", 4)) {
            if (card_seen || v->num_pcms)
                smsg(&p, s, "the card comes once, before its pcms");
            card_seen = true;
        } else if (tl == 3 && !strncmp(s + lead, "pcm", 3)) {
            struct xkl_vsnd_pcm *nv = realloc(v->pcms, (v->num_pcms + 1) * sizeof *nv);
            if (!nv) {
                smsg(&p, s, "out of memory");
            } else {
                v->pcms = nv;
                xkl__vsnd_pcm_init(&nv[v->num_pcms]);
                c.pcm = &nv[v->num_pcms++];
                c.params = &c.pcm->params;
            }
        } else if (tl == 6 && !strncmp(s + lead, "stream", 6)) {
            if (!v->num_pcms) {
                smsg(&p, s, "a stream belongs to a pcm: a 'pcm, ...' item comes first");
            } else {
                struct xkl_vsnd_pcm *pc = &v->pcms[v->num_pcms - 1];
                struct xkl_vsnd_stream *nv = realloc(pc->streams, (pc->num_streams + 1) * sizeof *nv);
                if (!nv) {
                    smsg(&p, s, "out of memory");
                } else {
                    pc->streams = nv;
                    xkl__vsnd_stream_init(&nv[pc->num_streams]);
                    c.pcm = pc;
                    c.stream = &nv[pc->num_streams++];
                    c.params = &c.stream->params;
                }
            }
        } else {
            smsg(&p, s, "expected an item starting with card, pcm or stream");
        }
        if (!p.errors) {
            size_t from = lead + tl;
            from += strspn(s + from, " \t\n");
            if (s[from] == ',')
                from++;
            else if (s[from])
                smsg(&p, s + from, "expected ',' after the item's kind");
            if (!p.errors)
                each_pair_at(&p, &c, vsnd_one, from);
            if (!p.errors && c.stream && !c.stream->unique_id)
                smsg(&p, s, "a stream needs unique-id=");
            if (!p.errors && c.stream && !p.typed)
                smsg(&p, s, "a stream needs type=p (playback) or type=c (capture)");
            if (!p.errors)
                params_ok(&p, c.params, s);
        }
        errors += p.errors;
    }
    if (!errors && !v->num_pcms) {
        struct sp p = { .spec = n ? items[0].str : "", .source = source, .what = "vsnd",
                        .line = n ? items[0].line : 0, .col = n ? items[0].col : 0, .d = d };
        smsg(&p, p.spec, "a sound card needs a pcm ('pcm, name=...') with a stream");
        errors++;
    }
    for (size_t i = 0; !errors && i < v->num_pcms; i++)
        if (!v->pcms[i].num_streams) {
            struct sp p = { .spec = items[0].str, .source = source, .what = "vsnd",
                            .line = items[0].line, .col = items[0].col, .d = d };
            smsg(&p, p.spec, "pcm %zu has no stream ('stream, unique-id=...,type=p')", i);
            errors++;
        }
    return errors ? -1 : 0;
}

/* ---- the table of these kinds ---- */

#define ADAPT(k)                                                                            \
    static void k##_init_any(void *o) { xkl__##k##_init(o); }                               \
    static void k##_dispose_any(void *o) { xkl__##k##_dispose(o); }                         \
    static const char *k##_backend_any(const void *o)                                      \
    {                                                                                       \
        return ((const struct xkl_##k *)o)->backend_domname;                                \
    }
ADAPT(vkb)
ADAPT(vtpm)
ADAPT(vdispl)
ADAPT(vsnd)
ADAPT(channel)

/* the one-spec kinds: items[0] is the spec */
#define ONE_SPEC(k)                                                                         \
    static int k##_parse_any(void *o, const struct xkl__spec_item *it, size_t n,            \
                             const char *source, xkl_diags *d)                              \
    {                                                                                       \
        return xkl__##k##_parse(o, n ? it[0].str : "", source, n ? it[0].line : 0,          \
                                n ? it[0].col : 0, d);                                      \
    }
ONE_SPEC(vkb)
ONE_SPEC(vtpm)
ONE_SPEC(vdispl)
ONE_SPEC(channel)

static int vsnd_parse_any(void *o, const struct xkl__spec_item *it, size_t n, const char *source,
                          xkl_diags *d)
{
    return xkl__vsnd_parse(o, it, n, source, d);
}

static void vtpm_settle(void *saved, const void *added)
{
    memcpy(((struct xkl_vtpm *)saved)->uuid, ((const struct xkl_vtpm *)added)->uuid, 16);
}

#define DC(m) offsetof(struct xkl_domain_config, m)
#define ROW(k, fe, ex, first, needs, settle)                                                \
    { #k, fe, ex, sizeof(struct xkl_##k), DC(k##s), DC(num_##k##s), offsetof(struct xkl_##k, devid), \
      first, needs, k##_init_any, k##_dispose_any, k##_parse_any, k##_backend_any, settle }

const struct xkl__vdev_type xkl__vdev_types[XKL__VDEV_N] = {
    [XKL__VDEV_VKB] = ROW(vkb, "vkbd", "backend-type=linux", 0, false, NULL),
    [XKL__VDEV_VTPM] = ROW(vtpm, "vtpm", "backend=vtpmdomain", 0, true, vtpm_settle),
    [XKL__VDEV_VDISPL] = ROW(vdispl, "vdispl", "connectors=id0:1024x768", 0, false, NULL),
    [XKL__VDEV_VSND] = ROW(vsnd, "vsnd", "pcm,name=P0", 0, false, NULL),
    /* console 0 is the primary one: channels are 1, 2, ... */
    [XKL__VDEV_CHANNEL] = ROW(channel, "console", "name=org.example.agent,connection=pty", 1, false, NULL),
};

const struct xkl__vdev_type *xkl__vdev_type_find(const char *name)
{
    for (size_t i = 0; i < XKL__VDEV_N; i++)
        if (!strcmp(xkl__vdev_types[i].name, name))
            return &xkl__vdev_types[i];
    return NULL;
}

void *xkl__vdev_append(struct xkl_domain_config *dc, const struct xkl__vdev_type *t)
{
    char **arr = (char **)((char *)dc + t->arr_off);
    size_t *num = (size_t *)((char *)dc + t->num_off);
    char *nv = realloc(*arr, (*num + 1) * t->size);
    if (!nv)
        return NULL;
    *arr = nv;
    void *o = nv + *num * t->size;
    t->init(o);
    (*num)++;
    return o;
}

long long *xkl__vdev_devid(const struct xkl__vdev_type *t, void *obj)
{
    return (long long *)((char *)obj + t->devid_off);
}

void xkl__vdev_drop(struct xkl_domain_config *dc, const struct xkl__vdev_type *t, long long devid)
{
    char *arr = *(char **)((char *)dc + t->arr_off);
    size_t *num = (size_t *)((char *)dc + t->num_off);
    for (size_t i = 0; i < *num; i++) {
        char *o = arr + i * t->size;
        if (*xkl__vdev_devid(t, o) != devid)
            continue;
        t->dispose(o);
        memmove(o, o + t->size, (*num - i - 1) * t->size);
        (*num)--;
        return;
    }
}
