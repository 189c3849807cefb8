/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain configuration -> JSON, shaped like libxl's (what Debian's
 * "xl create -n" prints): one object per struct, fields at their default
 * omitted, enums as their names, defbools as "True"/"False". Generated from
 * types.def.
 *
 * Known differences from libxl's JSON, on purpose or not yet done:
 *  - no uuid is generated when the config has none (creation does that);
 *  - b_info.cpus / cpus_soft keep the xl CPULIST string instead of
 *    vcpu_hard_affinity bitmaps; nics[].rate keeps "10Mb/s@20ms" instead
 *    of rate_bytes_per_interval / rate_interval_usecs; nics[].mac keeps the
 *    text form; pcidevs are the xl spec strings, not libxl_device_pci;
 *  - vnc / sdl live in b_info for every guest type (libxl: type.hvm or
 *    vfbs[]); type.hvm.vga_kind is a string, libxl nests vga.kind;
 *  - xl keys xkit does not type yet (vnuma, channel, usbctrl, cpuid, ...)
 *    are kept verbatim under "xkit_raw";
 *  - shutdown actions are always written (xl fills its defaults too).
 */
#include "private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

static int key(yajl_gen g, const char *k)
{
    return yajl_gen_string(g, (const unsigned char *)k, strlen(k)) != yajl_gen_status_ok;
}

static int str(yajl_gen g, const char *s)
{
    return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) != yajl_gen_status_ok;
}

static int integer(yajl_gen g, long long v)
{
    return yajl_gen_integer(g, v) != yajl_gen_status_ok;
}

static int strlist(yajl_gen g, char *const *l, size_t n)
{
    if (yajl_gen_array_open(g) != yajl_gen_status_ok)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (str(g, l[i]))
            return -1;
    return yajl_gen_array_close(g) != yajl_gen_status_ok;
}

/* xl.cfg value as JSON: numbers as integers (0x/0 spellings converted),
 * strings as strings, lists as arrays. A string may hold NUL bytes. */
static int raw(yajl_gen g, const struct xkl_cfg_value *v)
{
    long long n;
    switch (v->kind) {
    case XKL_CFG_STRING:
        return yajl_gen_string(g, (const unsigned char *)v->str, v->len) != yajl_gen_status_ok;
    case XKL_CFG_NUMBER:
        if (xkl__parse_int(v->str, &n) == 0)
            return integer(g, n);
        return str(g, v->str);
    case XKL_CFG_LIST:
        if (yajl_gen_array_open(g) != yajl_gen_status_ok)
            return -1;
        for (size_t i = 0; i < v->nitems; i++)
            if (raw(g, v->items[i]))
                return -1;
        return yajl_gen_array_close(g) != yajl_gen_status_ok;
    }
    return -1;
}

static int uuid_null(const unsigned char *u)
{
    for (int i = 0; i < 16; i++)
        if (u[i])
            return 0;
    return 1;
}

#define STRUCT_BEGIN(s) \
    static int gen_##s(yajl_gen g, const struct xkl_##s *p) \
    { \
        if (yajl_gen_map_open(g) != yajl_gen_status_ok) \
            return -1;
#define STRUCT_END(s) \
        return yajl_gen_map_close(g) != yajl_gen_status_ok; \
    }
#define F_STR(s, n, j) \
    if (p->n && (key(g, j) || str(g, p->n))) \
        return -1;
#define F_INT(s, n, j, def) \
    if (p->n != (def) && (key(g, j) || integer(g, p->n))) \
        return -1;
#define F_BOOL(s, n, j) \
    if (p->n && (key(g, j) || yajl_gen_bool(g, 1) != yajl_gen_status_ok)) \
        return -1;
#define F_DEFBOOL(s, n, j) \
    if (p->n >= 0 && (key(g, j) || str(g, p->n ? "True" : "False"))) \
        return -1;
#define F_ENUM(s, n, j, e) \
    if (p->n != 0) { \
        const char *name = xkl__##e##_to_string(p->n); \
        if (!name || key(g, j) || str(g, name)) \
            return -1; \
    }
#define F_UUID(s, n, j) \
    if (!uuid_null(p->n)) { \
        char u[37]; \
        xkl__uuid_format(p->n, u); \
        if (key(g, j) || str(g, u)) \
            return -1; \
    }
#define F_STRLIST(s, n, j) \
    if (p->num_##n && (key(g, j) || strlist(g, p->n, p->num_##n))) \
        return -1;
#define F_CPUS(s, n, j) \
    if (p->n > 0) { \
        if (key(g, j) || yajl_gen_array_open(g) != yajl_gen_status_ok) \
            return -1; \
        for (long long i = 0; i < p->n; i++) \
            if (integer(g, i)) \
                return -1; \
        if (yajl_gen_array_close(g) != yajl_gen_status_ok) \
            return -1; \
    }
#define F_STRUCT(s, n, j, t) \
    if (!xkl__##t##_is_default(&p->n) && (key(g, j) || gen_##t(g, &p->n))) \
        return -1;
#define F_ARRAY(s, n, j, t) \
    if (p->num_##n) { \
        if (key(g, j) || yajl_gen_array_open(g) != yajl_gen_status_ok) \
            return -1; \
        for (size_t i = 0; i < p->num_##n; i++) \
            if (gen_##t(g, &p->n[i])) \
                return -1; \
        if (yajl_gen_array_close(g) != yajl_gen_status_ok) \
            return -1; \
    }
#define F_RAWMAP(s, n, j) \
    if (p->num_##n) { \
        if (key(g, j) || yajl_gen_map_open(g) != yajl_gen_status_ok) \
            return -1; \
        for (size_t i = 0; i < p->num_##n; i++) \
            if (key(g, p->n[i].key) || raw(g, p->n[i].value)) \
                return -1; \
        if (yajl_gen_map_close(g) != yajl_gen_status_ok) \
            return -1; \
    }
#include "types.def"

char *xkl__domain_config_gen_json(const struct xkl_domain_config *dc)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g) {
        errno = ENOMEM;
        return NULL;
    }
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "    ");
    char *out = NULL;
    const unsigned char *buf;
    size_t len;
    if (gen_domain_config(g, dc) == 0 &&
        yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
        out = malloc(len + 2);
        if (out) {
            memcpy(out, buf, len);
            /* yajl's beautified output already ends in a newline */
            if (len == 0 || buf[len - 1] != '\n')
                out[len++] = '\n';
            out[len] = 0;
        }
    }
    if (!out)
        errno = errno ? errno : EINVAL;
    yajl_gen_free(g);
    return out;
}
