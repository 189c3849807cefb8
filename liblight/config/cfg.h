/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xl.cfg parser internals (liblight/config/). */
#ifndef XKLIGHT_CFG_PRIVATE_H
#define XKLIGHT_CFG_PRIVATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- diagnostics (diag.c) ---- */
/* Append "SOURCE:LINE:COL: [warning: ]MESSAGE"; LINE 0 drops the place.
 * xkl__vdiag is the one place a message is formatted: every parser and
 * converter of liblight/config reports through it. */
void xkl__vdiag(xkl_diags *d, enum xkl_diag_level lvl, const char *source,
                int line, int col, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));
/* The same, the message prefixed "WHAT spec 'SPEC': " (disk and vif specs). */
void xkl__vdiag_spec(xkl_diags *d, enum xkl_diag_level lvl, const char *source,
                     int line, int col, const char *what, const char *spec,
                     const char *fmt, va_list ap)
    __attribute__((format(printf, 8, 0)));
void xkl__diag(xkl_diags *d, enum xkl_diag_level lvl, const char *source,
               int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* ---- value tree (parse.c) ---- */
enum xkl_cfg_kind { XKL_CFG_STRING, XKL_CFG_NUMBER, XKL_CFG_LIST };

struct xkl_cfg_value {
    enum xkl_cfg_kind kind;
    char *str;                     /* STRING: decoded text; NUMBER: spelling */
    size_t len;                    /* STRING may hold NUL bytes (\x00) */
    struct xkl_cfg_value **items;  /* LIST */
    size_t nitems;
    int line, col;                 /* where the value starts */
};

enum xkl_cfg_op { XKL_CFG_SET, XKL_CFG_APPEND };

struct xkl_cfg_setting {
    char *name;
    enum xkl_cfg_op op;
    struct xkl_cfg_value *value;
    const char *source;            /* points into xkl_cfg.sources */
    int line, col;                 /* of the key */
};

struct xkl_cfg {
    struct xkl_cfg_setting *v;
    size_t n, cap;
    char **sources;                /* owned names of the texts parsed */
    size_t nsources;
};

void xkl__cfg_value_free(struct xkl_cfg_value *v);
struct xkl_cfg_value *xkl__cfg_value_dup(const struct xkl_cfg_value *v);

/* The effective value of KEY: the last "=" and every later "+=" merged into
 * a fresh value (caller frees). *WHERE is the last setting of KEY. NULL when
 * absent, or on a type clash of += (reported in D). */
struct xkl_cfg_value *xkl__cfg_lookup(const xkl_cfg *cfg, const char *key,
                                      const struct xkl_cfg_setting **where,
                                      xkl_diags *d);

/* Parse TEXT into CFG (appending settings). 0 or -1 (errors in D). */
int xkl__cfg_parse_into(xkl_cfg *cfg, const char *source, const char *text,
                        size_t len, xkl_diags *d);

/* ---- lexer (lex.c) ---- */
enum xkl_tok {
    XKL_TOK_EOF, XKL_TOK_NEWLINE, XKL_TOK_SEMI, XKL_TOK_IDENT, XKL_TOK_STRING,
    XKL_TOK_NUMBER, XKL_TOK_EQ, XKL_TOK_PLUSEQ, XKL_TOK_LBRACKET,
    XKL_TOK_RBRACKET, XKL_TOK_COMMA, XKL_TOK_ERROR
};

struct xkl_lexer {
    const char *p, *end;
    const char *source;
    int line, col;
    xkl_diags *d;
    /* current token */
    enum xkl_tok tok;
    int tline, tcol;
    char *text;                 /* malloc'd for IDENT/STRING/NUMBER */
    size_t tlen;
};

void xkl__lex_init(struct xkl_lexer *lx, const char *source, const char *text,
                   size_t len, xkl_diags *d);
/* Advance to the next token; XKL_TOK_ERROR after reporting a lexical error. */
enum xkl_tok xkl__lex_next(struct xkl_lexer *lx);
void xkl__lex_dispose(struct xkl_lexer *lx);
const char *xkl__tok_name(enum xkl_tok t);

/* ---- small helpers ---- */
/* Parse a whole C-style integer (decimal, 0x hex, 0 octal); 0 or -1. */
int xkl__parse_int(const char *s, long long *out);
char *xkl__strdup(const char *s);
/* ---- whole files (file.c) ---- */
/* Read path to its end into *out (malloc'd, NUL-terminated, *out_len
 * bytes before the NUL), at most max bytes (EFBIG past them); -1 with
 * errno, *opened telling whether the open or the read failed. */
int xkl__read_file(const char *path, size_t max, char **out, size_t *out_len, bool *opened);
/* an xl.cfg or xl.conf is never this large */
#define XKL__CFG_FILE_MAX (16u << 20)
#endif
