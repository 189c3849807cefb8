/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Defaults, release and enum names of the domain configuration types, all
 * generated from types.def so a new field needs one line there. */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- enums ---- */
#define ENUM_BEGIN(e) \
    static const char *const e##_names[] = {
#define ENUM_VAL(e, c, j) [XKL_##c] = j,
#define ENUM_END(e) }; \
    const char *xkl__##e##_to_string(enum xkl_##e v) \
    { \
        if ((unsigned)v >= sizeof(e##_names) / sizeof(e##_names[0])) \
            return NULL; \
        return e##_names[v]; \
    } \
    int xkl__##e##_from_string(const char *s, enum xkl_##e *out) \
    { \
        for (unsigned i = 0; i < sizeof(e##_names) / sizeof(e##_names[0]); i++) \
            if (strcasecmp(s, e##_names[i]) == 0) { \
                *out = (enum xkl_##e)i; \
                return 0; \
            } \
        return -1; \
    }
#include "types.def"

/* ---- init: every field at its "unset" value ---- */
#define STRUCT_BEGIN(s) \
    void xkl__##s##_init(struct xkl_##s *p) \
    { \
        memset(p, 0, sizeof(*p));
#define STRUCT_END(s) }
#define F_INT(s, n, j, def) p->n = (def);
#define F_DEFBOOL(s, n, j) p->n = -1;
#define F_STRUCT(s, n, j, t) xkl__##t##_init(&p->n);
#include "types.def"

/* ---- dispose ---- */
static void rawmap_free(struct xkl_raw_entry **map, size_t *n)
{
    for (size_t i = 0; i < *n; i++) {
        free((*map)[i].key);
        xkl__cfg_value_free((*map)[i].value);
    }
    free(*map);
    *map = NULL;
    *n = 0;
}

#define STRUCT_BEGIN(s) \
    void xkl__##s##_dispose(struct xkl_##s *p) \
    {
#define STRUCT_END(s) xkl__##s##_init(p); }
#define F_STR(s, n, j) free(p->n);
#define F_STRLIST(s, n, j) xkl__strlist_free(&p->n, &p->num_##n);
#define F_STRUCT(s, n, j, t) xkl__##t##_dispose(&p->n);
#define F_ARRAY(s, n, j, t) \
    for (size_t i = 0; i < p->num_##n; i++) \
        xkl__##t##_dispose(&p->n[i]); \
    free(p->n);
#define F_RAWMAP(s, n, j) rawmap_free(&p->n, &p->num_##n);
#include "types.def"

/* ---- is_default ---- */
static bool uuid_is_null(const unsigned char *u)
{
    for (int i = 0; i < 16; i++)
        if (u[i])
            return false;
    return true;
}

#define STRUCT_BEGIN(s) \
    bool xkl__##s##_is_default(const struct xkl_##s *p) \
    {
#define STRUCT_END(s) return true; }
#define F_STR(s, n, j) if (p->n) return false;
#define F_INT(s, n, j, def) if (p->n != (def)) return false;
#define F_BOOL(s, n, j) if (p->n) return false;
#define F_DEFBOOL(s, n, j) if (p->n != -1) return false;
#define F_ENUM(s, n, j, e) if (p->n != 0) return false;
#define F_UUID(s, n, j) if (!uuid_is_null(p->n)) return false;
#define F_STRLIST(s, n, j) if (p->num_##n) return false;
#define F_CPUS(s, n, j) if (p->n) return false;
#define F_STRUCT(s, n, j, t) if (!xkl__##t##_is_default(&p->n)) return false;
#define F_ARRAY(s, n, j, t) if (p->num_##n) return false;
#define F_RAWMAP(s, n, j) if (p->num_##n) return false;
#include "types.def"

/* ---- helpers ---- */
int xkl__strlist_add(char ***list, size_t *n, const char *s)
{
    char *c = strdup(s);
    char **nl = c ? realloc(*list, (*n + 1) * sizeof(*nl)) : NULL;
    if (!nl) {
        free(c);
        errno = ENOMEM;
        return -1;
    }
    nl[(*n)++] = c;
    *list = nl;
    return 0;
}

void xkl__strlist_free(char ***list, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free((*list)[i]);
    free(*list);
    *list = NULL;
    *n = 0;
}

struct xkl_disk *xkl__disk_add(struct xkl_domain_config *dc)
{
    struct xkl_disk *nv = realloc(dc->disks, (dc->num_disks + 1) * sizeof(*nv));
    if (!nv)
        return NULL;
    dc->disks = nv;
    xkl__disk_init(&nv[dc->num_disks]);
    return &nv[dc->num_disks++];
}

struct xkl_nic *xkl__nic_add(struct xkl_domain_config *dc)
{
    struct xkl_nic *nv = realloc(dc->nics, (dc->num_nics + 1) * sizeof(*nv));
    if (!nv)
        return NULL;
    dc->nics = nv;
    xkl__nic_init(&nv[dc->num_nics]);
    return &nv[dc->num_nics++];
}

int xkl__rawmap_add(struct xkl_raw_entry **map, size_t *n, const char *key,
                    const struct xkl_cfg_value *v)
{
    char *k = strdup(key);
    struct xkl_cfg_value *c = k ? xkl__cfg_value_dup(v) : NULL;
    struct xkl_raw_entry *nm = c ? realloc(*map, (*n + 1) * sizeof(*nm)) : NULL;
    if (!nm) {
        free(k);
        xkl__cfg_value_free(c);
        errno = ENOMEM;
        return -1;
    }
    nm[*n].key = k;
    nm[*n].value = c;
    (*n)++;
    *map = nm;
    return 0;
}

void xkl_domain_config_free(xkl_domain_config *dc)
{
    if (!dc)
        return;
    xkl__domain_config_dispose(dc);
    free(dc);
}

static int hexdig(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int xkl__uuid_parse(const char *s, unsigned char out[16])
{
    int k = 0;
    for (int i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return -1;
            i++;
            continue;
        }
        int hi = hexdig(s[i]), lo = hi < 0 ? -1 : hexdig(s[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[k++] = (unsigned char)(hi * 16 + lo);
        i += 2;
    }
    return s[36] == 0 ? 0 : -1;
}

void xkl__uuid_format(const unsigned char u[16], char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
             u[12], u[13], u[14], u[15]);
}
