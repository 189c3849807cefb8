/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xl.cfg lexer. Tokens: names, numbers (decimal, 0x hex, 0 octal), strings in
 * '...' or "..." (both decode backslash escapes), = += [ ] , ; and newlines.
 * '#' starts a comment to the end of the line; CR is blank so CRLF files
 * read like LF ones. Positions are 1-based line:column in bytes.
 */
#include "private.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xkl__lex_init(struct xkl_lexer *lx, const char *source, const char *text,
                   size_t len, xkl_diags *d)
{
    memset(lx, 0, sizeof(*lx));
    lx->p = text;
    lx->end = text + len;
    lx->source = source;
    lx->line = 1;
    lx->col = 1;
    lx->d = d;
}

void xkl__lex_dispose(struct xkl_lexer *lx)
{
    free(lx->text);
    lx->text = NULL;
}

const char *xkl__tok_name(enum xkl_tok t)
{
    switch (t) {
    case XKL_TOK_EOF: return "end of file";
    case XKL_TOK_NEWLINE: return "end of line";
    case XKL_TOK_SEMI: return "';'";
    case XKL_TOK_IDENT: return "a name";
    case XKL_TOK_STRING: return "a string";
    case XKL_TOK_NUMBER: return "a number";
    case XKL_TOK_EQ: return "'='";
    case XKL_TOK_PLUSEQ: return "'+='";
    case XKL_TOK_LBRACKET: return "'['";
    case XKL_TOK_RBRACKET: return "']'";
    case XKL_TOK_COMMA: return "','";
    case XKL_TOK_ERROR: return "an invalid token";
    }
    return "?";
}

static void adv(struct xkl_lexer *lx)
{
    if (*lx->p == '\n') {
        lx->line++;
        lx->col = 1;
    } else {
        lx->col++;
    }
    lx->p++;
}

static enum xkl_tok lex_error(struct xkl_lexer *lx, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static enum xkl_tok lex_error(struct xkl_lexer *lx, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    xkl__vdiag(lx->d, XKL_DIAG_ERROR, lx->source, line, col, fmt, ap);
    va_end(ap);
    return lx->tok = XKL_TOK_ERROR;
}

/* WHAT followed by the offending byte: 'c' when printable, else its code. */
static enum xkl_tok lex_error_at(struct xkl_lexer *lx, int line, int col, const char *what, int c)
{
    if (isprint(c))
        return lex_error(lx, line, col, "%s '%c'", what, c);
    return lex_error(lx, line, col, "%s (byte 0x%02x)", what, c);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Offset of the first NUL or malformed UTF-8 sequence (overlong forms,
 * surrogates and code points past U+10FFFF included), or N if none. */
static size_t utf8_bad(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = u[i];
        size_t len;
        unsigned min, cp;
        if (c == 0)
            return i;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            len = 2, min = 0x80, cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3, min = 0x800, cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4, min = 0x10000, cp = c & 0x07;
        } else {
            return i;
        }
        if (i + len > n)
            return i;
        for (size_t k = 1; k < len; k++) {
            if ((u[i + k] & 0xc0) != 0x80)
                return i;
            cp = (cp << 6) | (u[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += len;
    }
    return n;
}

/* Decode a quoted string starting at the opening quote. The decoded text is
 * never longer than the source, so one buffer of the remaining size is
 * enough; it is trimmed to fit at the end. */
static enum xkl_tok lex_string(struct xkl_lexer *lx)
{
    char q = *lx->p;
    adv(lx);
    char *buf = malloc((size_t)(lx->end - lx->p) + 1);
    if (!buf)
        return lex_error(lx, lx->tline, lx->tcol, "out of memory reading a string");
    size_t n = 0;
    for (;;) {
        if (lx->p >= lx->end || *lx->p == '\n') {
            free(buf);
            return lex_error(lx, lx->tline, lx->tcol, "unterminated string: expected closing %c", q);
        }
        char c = *lx->p;
        if (c == q) {
            adv(lx);
            break;
        }
        if (c != '\\') {
            buf[n++] = c;
            adv(lx);
            continue;
        }
        int eline = lx->line, ecol = lx->col;
        adv(lx);
        if (lx->p >= lx->end || *lx->p == '\n') {
            free(buf);
            return lex_error(lx, eline, ecol, "expected a character after '\\' in string");
        }
        c = *lx->p;
        const char *simple = strchr("\"'\\abfnrtv", c);
        if (c && simple) {
            static const char out[] = "\"'\\\a\b\f\n\r\t\v";
            buf[n++] = out[simple - "\"'\\abfnrtv"];
            adv(lx);
        } else if (c == 'x') {
            adv(lx);
            int h1 = lx->p < lx->end ? hexval((unsigned char)*lx->p) : -1;
            int h2 = lx->p + 1 < lx->end ? hexval((unsigned char)lx->p[1]) : -1;
            if (h1 < 0 || h2 < 0) {
                free(buf);
                return lex_error(lx, eline, ecol, "expected two hex digits after '\\x' in string");
            }
            buf[n++] = (char)(h1 * 16 + h2);
            adv(lx);
            adv(lx);
        } else if (c >= '0' && c <= '7') {
            int v = 0;
            for (int i = 0; i < 3 && lx->p < lx->end && *lx->p >= '0' && *lx->p <= '7'; i++) {
                v = v * 8 + (*lx->p - '0');
                adv(lx);
            }
            if (v > 255) {
                free(buf);
                return lex_error(lx, eline, ecol, "octal escape out of range in string");
            }
            buf[n++] = (char)v;
        } else {
            free(buf);
            return lex_error_at(lx, eline, ecol, "unknown escape in string: '\\' followed by", (unsigned char)c);
        }
    }
    buf[n] = 0;
    /* Values become C strings and JSON text: no NUL, only UTF-8. */
    size_t bad = utf8_bad(buf, n);
    if (bad < n) {
        int c = (unsigned char)buf[bad];
        free(buf);
        if (!c)
            return lex_error(lx, lx->tline, lx->tcol, "expected text in string, found a NUL");
        return lex_error_at(lx, lx->tline, lx->tcol,
                            "expected UTF-8 text in string, found an invalid sequence at", c);
    }
    char *fit = realloc(buf, n + 1);
    lx->text = fit ? fit : buf;
    lx->tlen = n;
    return lx->tok = XKL_TOK_STRING;
}

static char *dup_range(const char *a, const char *b)
{
    char *s = malloc((size_t)(b - a) + 1);
    if (s) {
        memcpy(s, a, (size_t)(b - a));
        s[b - a] = 0;
    }
    return s;
}

enum xkl_tok xkl__lex_next(struct xkl_lexer *lx)
{
    free(lx->text);
    lx->text = NULL;
    lx->tlen = 0;
    for (;;) {
        while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r' ||
                                   *lx->p == '\f' || *lx->p == '\v'))
            adv(lx);
        if (lx->p < lx->end && *lx->p == '#') {
            while (lx->p < lx->end && *lx->p != '\n')
                adv(lx);
            continue;
        }
        break;
    }
    lx->tline = lx->line;
    lx->tcol = lx->col;
    if (lx->p >= lx->end)
        return lx->tok = XKL_TOK_EOF;
    unsigned char c = (unsigned char)*lx->p;
    switch (c) {
    case '\n': adv(lx); return lx->tok = XKL_TOK_NEWLINE;
    case ';': adv(lx); return lx->tok = XKL_TOK_SEMI;
    case '=': adv(lx); return lx->tok = XKL_TOK_EQ;
    case '[': adv(lx); return lx->tok = XKL_TOK_LBRACKET;
    case ']': adv(lx); return lx->tok = XKL_TOK_RBRACKET;
    case ',': adv(lx); return lx->tok = XKL_TOK_COMMA;
    case '+':
        if (lx->p + 1 < lx->end && lx->p[1] == '=') {
            adv(lx);
            adv(lx);
            return lx->tok = XKL_TOK_PLUSEQ;
        }
        adv(lx);    /* consume the '+' so the error recovery moves on */
        if (lx->p >= lx->end)
            return lex_error(lx, lx->tline, lx->tcol, "expected '=' after '+', found end of file");
        return lex_error_at(lx, lx->tline, lx->tcol, "expected '=' after '+', found", (unsigned char)*lx->p);
    case '"':
    case '\'':
        return lex_string(lx);
    default:
        break;
    }
    const char *start = lx->p;
    if (isalpha(c) || c == '_') {
        while (lx->p < lx->end && (isalnum((unsigned char)*lx->p) || *lx->p == '_' || *lx->p == '.'))
            adv(lx);
        lx->text = dup_range(start, lx->p);
        if (!lx->text)
            return lex_error(lx, lx->tline, lx->tcol, "out of memory");
        lx->tlen = (size_t)(lx->p - start);
        return lx->tok = XKL_TOK_IDENT;
    }
    if (isdigit(c)) {
        /* Take the whole alphanumeric run so "12abc" is one bad number,
         * not a number followed by a name. */
        while (lx->p < lx->end && (isalnum((unsigned char)*lx->p) || *lx->p == '_' || *lx->p == '.'))
            adv(lx);
        lx->text = dup_range(start, lx->p);
        if (!lx->text)
            return lex_error(lx, lx->tline, lx->tcol, "out of memory");
        lx->tlen = (size_t)(lx->p - start);
        long long v;
        if (xkl__parse_int(lx->text, &v) < 0) {
            return lex_error(lx, lx->tline, lx->tcol,
                             "expected a decimal, 0x hex or 0 octal integer, found '%s'", lx->text);
        }
        return lx->tok = XKL_TOK_NUMBER;
    }
    adv(lx);
    return lex_error_at(lx, lx->tline, lx->tcol, "unexpected character", c);
}
