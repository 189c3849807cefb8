/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * JSON -> domain configuration, the inverse of json_gen.c, generated from
 * the same types.def. Unknown keys and wrong types are errors naming the
 * JSON path ("b_info.type.hvm.acpi"), since the input is machine-written.
 */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#define SRC "<json>"

/* yajl's getters return NULL on a type mismatch; callers check the type
 * first, this keeps the compiler (and a future slip) away from NULL. */
static const char *jstr(yajl_val v)
{
    const char *s = YAJL_GET_STRING(v);
    return s ? s : "";
}

static const char *jnum(yajl_val v)
{
    const char *s = YAJL_GET_NUMBER(v);
    return s ? s : "0";
}

/* The walk's context: where errors go, and whether keys types.def does
 * not declare are skipped (a file libxl wrote: it has many more) */
struct jctx {
    xkl_diags *d;
    bool lenient;
};

static int bad(struct jctx *d, const char *path, const char *k, const char *what)
{
    xkl__diag(d->d, XKL_DIAG_ERROR, SRC, 0, 0, "at %s%s%s: expected %s", path, *path ? "." : "", k, what);
    return -1;
}

static int get_string(struct jctx *d, const char *path, const char *k, yajl_val v, char **out)
{
    if (!YAJL_IS_STRING(v))
        return bad(d, path, k, "a string");
    char *c = strdup(jstr(v));
    if (!c)
        return bad(d, path, k, "memory for a string");
    free(*out);
    *out = c;
    return 0;
}

static int get_strlist(struct jctx *d, const char *path, const char *k, yajl_val v,
                       char ***l, size_t *n)
{
    if (!YAJL_IS_ARRAY(v))
        return bad(d, path, k, "an array of strings");
    xkl__strlist_free(l, n);
    for (size_t i = 0; i < v->u.array.len; i++) {
        yajl_val it = v->u.array.values[i];
        if (!YAJL_IS_STRING(it))
            return bad(d, path, k, "an array of strings");
        if (xkl__strlist_add(l, n, jstr(it)) < 0)
            return bad(d, path, k, "memory for a string");
    }
    return 0;
}

static struct xkl_cfg_value *to_raw(yajl_val v)
{
    struct xkl_cfg_value *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    if (YAJL_IS_STRING(v) || YAJL_IS_INTEGER(v)) {
        r->kind = YAJL_IS_STRING(v) ? XKL_CFG_STRING : XKL_CFG_NUMBER;
        r->str = strdup(YAJL_IS_STRING(v) ? jstr(v) : jnum(v));
        if (!r->str)
            goto fail;
        r->len = strlen(r->str);
        return r;
    }
    if (!YAJL_IS_ARRAY(v))
        goto fail;
    r->kind = XKL_CFG_LIST;
    if (v->u.array.len) {
        r->items = calloc(v->u.array.len, sizeof(*r->items));
        if (!r->items)
            goto fail;
    }
    for (size_t i = 0; i < v->u.array.len; i++) {
        r->items[i] = to_raw(v->u.array.values[i]);
        if (!r->items[i])
            goto fail;
        r->nitems = i + 1;
    }
    return r;
fail:
    xkl__cfg_value_free(r);
    return NULL;
}

#define STRUCT_BEGIN(s) \
    static int parse_##s(struct jctx *d, const char *path, yajl_val o, struct xkl_##s *p) \
    { \
        if (!YAJL_IS_OBJECT(o)) \
            return bad(d, path, "", "an object"); \
        for (size_t i = 0; i < o->u.object.len; i++) { \
            const char *k = o->u.object.keys[i]; \
            yajl_val v = o->u.object.values[i]; \
            (void)v;
#define STRUCT_END(s) \
            if (d->lenient) \
                continue; \
            return bad(d, path, k, "a known key"); \
        } \
        return 0; \
    }
#define F_STR(s, n, j) \
    if (!strcmp(k, j)) { \
        if (get_string(d, path, k, v, &p->n) < 0) \
            return -1; \
        continue; \
    }
#define F_INT(s, n, j, def) \
    if (!strcmp(k, j)) { \
        if (!YAJL_IS_INTEGER(v)) \
            return bad(d, path, k, "an integer"); \
        p->n = YAJL_GET_INTEGER(v); \
        continue; \
    }
#define F_BOOL(s, n, j) \
    if (!strcmp(k, j)) { \
        if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v)) \
            return bad(d, path, k, "true or false"); \
        p->n = YAJL_IS_TRUE(v); \
        continue; \
    }
#define F_DEFBOOL(s, n, j) \
    if (!strcmp(k, j)) { \
        if (YAJL_IS_STRING(v) && !strcmp(jstr(v), "True")) \
            p->n = 1; \
        else if (YAJL_IS_STRING(v) && !strcmp(jstr(v), "False")) \
            p->n = 0; \
        else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) \
            p->n = YAJL_IS_TRUE(v); \
        else \
            return bad(d, path, k, "\"True\" or \"False\""); \
        continue; \
    }
#define F_ENUM(s, n, j, e) \
    if (!strcmp(k, j)) { \
        if (!YAJL_IS_STRING(v) || xkl__##e##_from_string(jstr(v), &p->n) < 0) \
            return bad(d, path, k, "a " #e " name"); \
        continue; \
    }
#define F_UUID(s, n, j) \
    if (!strcmp(k, j)) { \
        if (!YAJL_IS_STRING(v) || xkl__uuid_parse(jstr(v), p->n) < 0) \
            return bad(d, path, k, "a uuid string"); \
        continue; \
    }
#define F_STRLIST(s, n, j) \
    if (!strcmp(k, j)) { \
        if (get_strlist(d, path, k, v, &p->n, &p->num_##n) < 0) \
            return -1; \
        continue; \
    }
#define F_CPUS(s, n, j) \
    if (!strcmp(k, j)) { \
        if (!YAJL_IS_ARRAY(v)) \
            return bad(d, path, k, "an array of cpu numbers"); \
        for (size_t c = 0; c < v->u.array.len; c++) \
            if (!YAJL_IS_INTEGER(v->u.array.values[c]) || \
                YAJL_GET_INTEGER(v->u.array.values[c]) != (long long)c) \
                return bad(d, path, k, "cpu numbers 0, 1, ... in order"); \
        p->n = (long long)v->u.array.len; \
        continue; \
    }
#define F_STRUCT(s, n, j, t) \
    if (!strcmp(k, j)) { \
        char sub[256]; \
        int sl = snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", k); \
        if (sl < 0 || (size_t)sl >= sizeof sub) \
            return bad(d, path, k, "a shorter key path"); \
        if (parse_##t(d, sub, v, &p->n) < 0) \
            return -1; \
        continue; \
    }
#define F_ARRAY(s, n, j, t) \
    if (!strcmp(k, j)) { \
        if (!YAJL_IS_ARRAY(v)) \
            return bad(d, path, k, "an array of objects"); \
        for (size_t a = 0; a < v->u.array.len; a++) { \
            struct xkl_##t *nv = realloc(p->n, (p->num_##n + 1) * sizeof(*nv)); \
            if (!nv) \
                return bad(d, path, k, "memory for an array"); \
            p->n = nv; \
            xkl__##t##_init(&nv[p->num_##n]); \
            p->num_##n++; \
            char sub[256]; \
            int sl = snprintf(sub, sizeof sub, "%s%s%s[%zu]", path, *path ? "." : "", k, a); \
            if (sl < 0 || (size_t)sl >= sizeof sub) \
                return bad(d, path, k, "a shorter key path"); \
            if (parse_##t(d, sub, v->u.array.values[a], &nv[p->num_##n - 1]) < 0) \
                return -1; \
        } \
        continue; \
    }
#define F_RAWMAP(s, n, j) \
    if (!strcmp(k, j)) { \
        if (!YAJL_IS_OBJECT(v)) \
            return bad(d, path, k, "an object"); \
        for (size_t m = 0; m < v->u.object.len; m++) { \
            struct xkl_cfg_value *rv = to_raw(v->u.object.values[m]); \
            int rr = rv ? xkl__rawmap_add(&p->n, &p->num_##n, v->u.object.keys[m], rv) : -1; \
            xkl__cfg_value_free(rv); \
            if (rr < 0) \
                return bad(d, path, k, "strings, integers and arrays of them"); \
        } \
        continue; \
    }
#include "types.def"

int xkl__domain_config_parse_json(struct xkl_domain_config *dc, const char *json,
                                  size_t len, bool lenient, xkl_diags *d)
{
    char *text = malloc(len + 1);
    if (!text) {
        xkl__diag(d, XKL_DIAG_ERROR, SRC, 0, 0, "parsing JSON: %s", strerror(errno));
        return -1;
    }
    memcpy(text, json, len);
    text[len] = 0;
    if (strlen(text) != len) {
        free(text);
        xkl__diag(d, XKL_DIAG_ERROR, SRC, 0, 0, "expected JSON text, found a NUL byte");
        return -1;
    }
    /* yajl_tree and our walkers recurse: bound the nesting first. */
    int depth = 0, maxdepth = 0;
    bool instr = false;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (instr) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                instr = false;
        } else if (ch == '"') {
            instr = true;
        } else if (ch == '[' || ch == '{') {
            if (++depth > maxdepth)
                maxdepth = depth;
        } else if (ch == ']' || ch == '}') {
            depth--;
        }
    }
    if (maxdepth > 64) {
        free(text);
        xkl__diag(d, XKL_DIAG_ERROR, SRC, 0, 0, "JSON nested more than 64 levels deep");
        return -1;
    }
    char err[256] = "";
    yajl_val root = yajl_tree_parse(text, err, sizeof err);
    free(text);
    if (!root) {
        /* yajl's message spans lines; keep the first */
        char *nl = strchr(err, '\n');
        if (nl)
            *nl = 0;
        xkl__diag(d, XKL_DIAG_ERROR, SRC, 0, 0, "invalid JSON: %s", *err ? err : "parse error");
        return -1;
    }
    struct jctx jc = { .d = d, .lenient = lenient };
    int r = parse_domain_config(&jc, "", root, dc);
    yajl_tree_free(root);
    return r;
}
