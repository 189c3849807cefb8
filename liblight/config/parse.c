/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xl.cfg recursive-descent parser.
 *
 *   file    := { stmt }
 *   stmt    := end | NAME ( "=" | "+=" ) value end      NAME: [a-z][._0-9a-z]*
 *   end     := NEWLINE | ";" | EOF
 *   value   := STRING | NUMBER | "[" nl* [ item { "," nl* item } [ "," nl* ] ] "]"
 *   item    := value nl*
 *
 * After an error the parser skips to the next line and goes on, so one run
 * reports every broken line (up to a limit); the result is still a failure.
 */
#include "private.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 64        /* nested lists; bounds the recursion */
#define MAX_ERRORS 20

struct parser {
    struct xkl_lexer lx;
    xkl_cfg *cfg;
    const char *source;     /* the copy owned by cfg */
    unsigned errors;
};

void xkl__cfg_value_free(struct xkl_cfg_value *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->nitems; i++)
        xkl__cfg_value_free(v->items[i]);
    free(v->items);
    free(v->str);
    free(v);
}

struct xkl_cfg_value *xkl__cfg_value_dup(const struct xkl_cfg_value *v)
{
    struct xkl_cfg_value *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->kind = v->kind;
    c->line = v->line;
    c->col = v->col;
    c->len = v->len;
    if (v->str) {
        c->str = malloc(v->len + 1);
        if (!c->str)
            goto fail;
        memcpy(c->str, v->str, v->len + 1);
    }
    if (v->nitems) {
        c->items = calloc(v->nitems, sizeof(*c->items));
        if (!c->items)
            goto fail;
        for (size_t i = 0; i < v->nitems; i++) {
            c->items[i] = xkl__cfg_value_dup(v->items[i]);
            if (!c->items[i])
                goto fail;
            c->nitems = i + 1;
        }
    }
    return c;
fail:
    xkl__cfg_value_free(c);
    return NULL;
}

static void perr(struct parser *ps, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void perr(struct parser *ps, int line, int col, const char *fmt, ...)
{
    ps->errors++;
    if (ps->errors > MAX_ERRORS)
        return;
    va_list ap;
    va_start(ap, fmt);
    xkl__vdiag(ps->lx.d, XKL_DIAG_ERROR, ps->source, line, col, fmt, ap);
    va_end(ap);
}

static const char *found(struct parser *ps)
{
    return ps->lx.tok == XKL_TOK_ERROR ? NULL : xkl__tok_name(ps->lx.tok);
}

/* Report "expected X, found Y" at the current token, unless the lexer has
 * already said what is wrong with it. */
static void expected(struct parser *ps, const char *what)
{
    const char *f = found(ps);
    if (!f) {
        ps->errors++;
        return;
    }
    perr(ps, ps->lx.tline, ps->lx.tcol, "expected %s, found %s", what, f);
}

static enum xkl_tok next(struct parser *ps)
{
    return xkl__lex_next(&ps->lx);
}

static void skip_newlines(struct parser *ps)
{
    while (ps->lx.tok == XKL_TOK_NEWLINE)
        next(ps);
}

static struct xkl_cfg_value *new_value(struct parser *ps, enum xkl_cfg_kind k)
{
    struct xkl_cfg_value *v = calloc(1, sizeof(*v));
    if (!v) {
        perr(ps, ps->lx.tline, ps->lx.tcol, "out of memory");
        return NULL;
    }
    v->kind = k;
    v->line = ps->lx.tline;
    v->col = ps->lx.tcol;
    return v;
}

static int list_push(struct xkl_cfg_value *l, struct xkl_cfg_value *item)
{
    struct xkl_cfg_value **ni = realloc(l->items, (l->nitems + 1) * sizeof(*ni));
    if (!ni)
        return -1;
    l->items = ni;
    l->items[l->nitems++] = item;
    return 0;
}

/* value: the current token starts it; on return the current token is the
 * one after it. NULL after reporting an error. */
static struct xkl_cfg_value *parse_value(struct parser *ps, int depth, const char *after)
{
    struct xkl_cfg_value *v;
    switch (ps->lx.tok) {
    case XKL_TOK_STRING:
    case XKL_TOK_NUMBER:
        v = new_value(ps, ps->lx.tok == XKL_TOK_STRING ? XKL_CFG_STRING : XKL_CFG_NUMBER);
        if (!v)
            return NULL;
        v->str = ps->lx.text;   /* take ownership from the lexer */
        v->len = ps->lx.tlen;
        ps->lx.text = NULL;
        next(ps);
        return v;
    case XKL_TOK_LBRACKET:
        break;
    case XKL_TOK_IDENT:
        perr(ps, ps->lx.tline, ps->lx.tcol,
             "expected a value after %s, found the bare word '%s' (strings need quotes)",
             after, ps->lx.text);
        return NULL;
    default: {
        char what[64];
        snprintf(what, sizeof what, "a value after %s", after);
        expected(ps, what);
        return NULL;
    }
    }
    if (depth >= MAX_DEPTH) {
        perr(ps, ps->lx.tline, ps->lx.tcol, "lists nested more than %d levels deep", MAX_DEPTH);
        return NULL;
    }
    v = new_value(ps, XKL_CFG_LIST);
    if (!v)
        return NULL;
    next(ps);
    skip_newlines(ps);
    for (;;) {
        if (ps->lx.tok == XKL_TOK_RBRACKET) {
            next(ps);
            return v;
        }
        struct xkl_cfg_value *item = parse_value(ps, depth + 1,
                                                 v->nitems ? "','" : "'['");
        if (!item)
            goto fail;
        if (list_push(v, item) < 0) {
            xkl__cfg_value_free(item);
            perr(ps, ps->lx.tline, ps->lx.tcol, "out of memory");
            goto fail;
        }
        skip_newlines(ps);
        if (ps->lx.tok == XKL_TOK_COMMA) {
            next(ps);
            skip_newlines(ps);
            continue;
        }
        if (ps->lx.tok == XKL_TOK_RBRACKET)
            continue;
        expected(ps, "',' or ']' in list");
        goto fail;
    }
fail:
    xkl__cfg_value_free(v);
    return NULL;
}

static int push_setting(xkl_cfg *cfg, struct xkl_cfg_setting *s)
{
    if (cfg->n == cfg->cap) {
        size_t ncap = cfg->cap ? cfg->cap * 2 : 32;
        struct xkl_cfg_setting *nv = realloc(cfg->v, ncap * sizeof(*nv));
        if (!nv)
            return -1;
        cfg->v = nv;
        cfg->cap = ncap;
    }
    cfg->v[cfg->n++] = *s;
    return 0;
}

/* Xen's lexer takes [a-z][._0-9a-z]* as a name (dots since xl.conf's
 * vif.default.script): "Memory" is a syntax error there, not an unknown
 * key; "a.b" is a name, and in an xl.cfg an unknown key. */
static bool valid_name(const char *n)
{
    if (!(*n >= 'a' && *n <= 'z'))
        return false;
    for (; *n; n++)
        if (!((*n >= 'a' && *n <= 'z') || (*n >= '0' && *n <= '9') || *n == '_' || *n == '.'))
            return false;
    return true;
}

/* KEY += VALUE must add a list to a list or a string (or number: xl keeps
 * numbers as text) to a string, as in xl, which rejects the file
 * otherwise. Checked here, against the earlier settings of KEY (of this or
 * an earlier source), so a clash is an error even for a key nobody reads. */
static bool append_clash(struct parser *ps, const struct xkl_cfg_setting *s)
{
    const struct xkl_cfg_setting *prev = NULL;
    for (size_t i = ps->cfg->n; i-- > 0 && !prev;)
        if (!strcmp(ps->cfg->v[i].name, s->name))
            prev = &ps->cfg->v[i];
    if (!prev)
        return false;
    bool was_list = prev->value->kind == XKL_CFG_LIST, is_list = s->value->kind == XKL_CFG_LIST;
    if (was_list == is_list)
        return false;
    if (was_list)
        perr(ps, s->value->line, s->value->col,
             "expected a list to append to the list '%.100s', found %s", s->name,
             s->value->kind == XKL_CFG_STRING ? "a string" : "a number");
    else
        perr(ps, s->value->line, s->value->col,
             "expected a string or number to append to the string '%.100s', found a list", s->name);
    return true;
}

/* One statement; returns 0, or -1 after an error (caller resynchronises). */
static int parse_stmt(struct parser *ps)
{
    struct xkl_cfg_setting s = { .source = ps->source };
    if (ps->lx.tok != XKL_TOK_IDENT) {
        expected(ps, "a setting name at the start of a statement");
        return -1;
    }
    s.line = ps->lx.tline;
    s.col = ps->lx.tcol;
    s.name = ps->lx.text;
    ps->lx.text = NULL;
    if (!valid_name(s.name)) {
        perr(ps, s.line, s.col,
             "expected a setting name of lower-case letters, digits, '_' and '.' starting with "
             "a letter, found '%.100s'", s.name);
        goto fail;
    }
    next(ps);
    if (ps->lx.tok != XKL_TOK_EQ && ps->lx.tok != XKL_TOK_PLUSEQ) {
        char what[160];
        snprintf(what, sizeof what, "'=' or '+=' after '%.100s'", s.name);
        expected(ps, what);
        goto fail;
    }
    s.op = ps->lx.tok == XKL_TOK_EQ ? XKL_CFG_SET : XKL_CFG_APPEND;
    const char *op = s.op == XKL_CFG_SET ? "'='" : "'+='";
    next(ps);
    s.value = parse_value(ps, 0, op);
    if (!s.value)
        goto fail;
    if (ps->lx.tok != XKL_TOK_NEWLINE && ps->lx.tok != XKL_TOK_SEMI &&
        ps->lx.tok != XKL_TOK_EOF) {
        char what[200];
        snprintf(what, sizeof what, "end of line or ';' after the value of '%.100s'", s.name);
        expected(ps, what);
        goto fail;
    }
    if (s.op == XKL_CFG_APPEND && append_clash(ps, &s))
        goto fail;
    if (push_setting(ps->cfg, &s) < 0) {
        perr(ps, s.line, s.col, "out of memory");
        goto fail;
    }
    return 0;
fail:
    free(s.name);
    xkl__cfg_value_free(s.value);
    return -1;
}

int xkl__cfg_parse_into(xkl_cfg *cfg, const char *source, const char *text,
                        size_t len, xkl_diags *d)
{
    char *src = strdup(source ? source : "<config>");
    char **ns = src ? realloc(cfg->sources, (cfg->nsources + 1) * sizeof(*ns)) : NULL;
    if (!ns) {
        free(src);
        xkl__diag(d, XKL_DIAG_ERROR, source, 0, 0, "parsing: %s", strerror(ENOMEM));
        errno = ENOMEM;
        return -1;
    }
    cfg->sources = ns;
    cfg->sources[cfg->nsources++] = src;

    struct parser ps = { .cfg = cfg, .source = src };
    xkl__lex_init(&ps.lx, src, text, len, d);
    next(&ps);
    while (ps.lx.tok != XKL_TOK_EOF) {
        if (ps.lx.tok == XKL_TOK_NEWLINE || ps.lx.tok == XKL_TOK_SEMI) {
            next(&ps);
            continue;
        }
        if (parse_stmt(&ps) == 0)
            continue;
        /* Resynchronise: drop the rest of the line. Errors inside the
         * skipped text are not reported (they would mostly be echoes). */
        xkl_diags quiet;
        xkl_diags_init(&quiet);
        ps.lx.d = &quiet;
        while (ps.lx.tok != XKL_TOK_NEWLINE && ps.lx.tok != XKL_TOK_EOF)
            next(&ps);
        ps.lx.d = d;
        xkl_diags_dispose(&quiet);
    }
    xkl__lex_dispose(&ps.lx);
    if (ps.errors > MAX_ERRORS)
        xkl__diag(d, XKL_DIAG_ERROR, src, 0, 0, "%u more errors not shown", ps.errors - MAX_ERRORS);
    if (ps.errors) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

xkl_cfg *xkl_cfg_parse(const char *source, const char *text, size_t len, xkl_diags *d)
{
    xkl_cfg *cfg = calloc(1, sizeof(*cfg));
    if (!cfg) {
        xkl__diag(d, XKL_DIAG_ERROR, source, 0, 0, "parsing: %s", strerror(errno));
        return NULL;
    }
    if (xkl__cfg_parse_into(cfg, source, text, len, d) < 0) {
        int e = errno;
        xkl_cfg_free(cfg);
        errno = e;
        return NULL;
    }
    return cfg;
}

xkl_cfg *xkl_cfg_parse_file(const char *path, xkl_diags *d)
{
    char *buf;
    size_t len;
    bool opened;
    if (xkl__read_file(path, XKL__CFG_FILE_MAX, &buf, &len, &opened) < 0) {
        int e = errno;
        xkl__diag(d, XKL_DIAG_ERROR, path, 0, 0, "cannot %s config file: %s",
                  opened ? "read" : "open", strerror(e));
        errno = e;
        return NULL;
    }
    xkl_cfg *cfg = xkl_cfg_parse(path, buf, len, d);
    int e = errno;
    free(buf);
    errno = e;
    return cfg;
}

int xkl_cfg_override(xkl_cfg *cfg, const char *setting, xkl_diags *d)
{
    /* Same grammar as the file; the source name says where it came from. */
    return xkl__cfg_parse_into(cfg, "<command line>", setting, strlen(setting), d);
}

void xkl_cfg_free(xkl_cfg *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->n; i++) {
        free(cfg->v[i].name);
        xkl__cfg_value_free(cfg->v[i].value);
    }
    free(cfg->v);
    for (size_t i = 0; i < cfg->nsources; i++)
        free(cfg->sources[i]);
    free(cfg->sources);
    free(cfg);
}

/* base += add, in place. */
static int merge(struct xkl_cfg_value *base, const struct xkl_cfg_value *add)
{
    if (base->kind == XKL_CFG_LIST) {
        if (add->kind == XKL_CFG_LIST) {
            for (size_t i = 0; i < add->nitems; i++) {
                struct xkl_cfg_value *c = xkl__cfg_value_dup(add->items[i]);
                if (!c || list_push(base, c) < 0) {
                    xkl__cfg_value_free(c);
                    return -ENOMEM;
                }
            }
            return 0;
        }
        return -EINVAL;
    }
    if (add->kind == XKL_CFG_LIST)
        return -EINVAL;
    char *s = malloc(base->len + add->len + 1);
    if (!s)
        return -ENOMEM;
    memcpy(s, base->str, base->len);
    memcpy(s + base->len, add->str, add->len + 1);
    free(base->str);
    base->str = s;
    base->len += add->len;
    base->kind = XKL_CFG_STRING;
    return 0;
}

struct xkl_cfg_value *xkl__cfg_lookup(const xkl_cfg *cfg, const char *key,
                                      const struct xkl_cfg_setting **where,
                                      xkl_diags *d)
{
    size_t start = cfg->n, last = cfg->n;
    for (size_t i = cfg->n; i-- > 0;) {
        if (strcmp(cfg->v[i].name, key) != 0)
            continue;
        if (last == cfg->n)
            last = i;
        start = i;
        if (cfg->v[i].op == XKL_CFG_SET)
            break;
    }
    if (last == cfg->n)
        return NULL;
    if (where)
        *where = &cfg->v[last];
    struct xkl_cfg_value *v = xkl__cfg_value_dup(cfg->v[start].value);
    if (!v) {
        if (d)
            xkl__diag(d, XKL_DIAG_ERROR, cfg->v[start].source, cfg->v[start].line,
                      cfg->v[start].col, "%s: out of memory", key);
        return NULL;
    }
    for (size_t i = start + 1; i <= last; i++) {
        const struct xkl_cfg_setting *s = &cfg->v[i];
        if (strcmp(s->name, key) != 0)
            continue;
        int r = merge(v, s->value);
        if (r < 0) {
            if (d)
                xkl__diag(d, XKL_DIAG_ERROR, s->source, s->value->line, s->value->col,
                          r == -EINVAL ? "'%s': cannot append a list to a string or a string to a list"
                                       : "%s: out of memory appending", key);
            xkl__cfg_value_free(v);
            return NULL;
        }
    }
    return v;
}

const char *xkl_cfg_get_atom(const xkl_cfg *cfg, const char *key)
{
    /* Only plain "=" settings are returned without merging, so the result
     * can point into cfg; merged values are not cached. */
    for (size_t i = cfg->n; i-- > 0;) {
        if (strcmp(cfg->v[i].name, key) != 0)
            continue;
        if (cfg->v[i].op != XKL_CFG_SET || cfg->v[i].value->kind == XKL_CFG_LIST)
            return NULL;
        return cfg->v[i].value->str;
    }
    return NULL;
}
