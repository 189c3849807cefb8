/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure parts of the xenstore command: mode and option parsing, value
 * escaping and the xenstore-ls line layout. Kept apart from the I/O so the
 * formats (which scripts parse) are unit-tested exactly.
 */
#include "xenstore.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name, *opts, *usage;
} modes[XST_NMODES] = {
    [XST_READ] = {"read", "hpsR", "[-h] [-p] [-s] [-R] key [...]"},
    [XST_WRITE] = {"write", "hsR", "[-h] [-s] [-R] key value [...]"},
    [XST_LS] = {"ls", "hfps", "[-h] [-f] [-p] [-s] [path]"},
    [XST_RM] = {"rm", "hst", "[-h] [-s] [-t] key [...]"},
    [XST_EXISTS] = {"exists", "hps", "[-h] [-p] [-s] key [...]"},
    [XST_LIST] = {"list", "hps", "[-h] [-p] [-s] key [...]"},
    [XST_CHMOD] = {"chmod", "hurs", "[-h] [-u] [-r] [-s] key <mode [modes...]>"},
    [XST_WATCH] = {"watch", "hn:s", "[-h] [-n NR] key"},
};

enum xst_mode xst_mode_of_name(const char *name)
{
    for (int m = 0; m < XST_NMODES; m++)
        if (strcmp(modes[m].name, name) == 0)
            return (enum xst_mode)m;
    return XST_NONE;
}

enum xst_mode xst_mode_of_prog(const char *argv0)
{
    const char *base = strrchr(argv0, '/');
    base = base ? base + 1 : argv0;
    if (strncmp(base, "xenstore-", 9) != 0)
        return XST_NONE;
    return xst_mode_of_name(base + 9);
}

const char *xst_mode_name(enum xst_mode m)
{
    return m >= 0 && m < XST_NMODES ? modes[m].name : "?";
}

const char *xst_optstring(enum xst_mode m)
{
    return modes[m].opts;
}

const char *xst_usage(enum xst_mode m)
{
    return modes[m].usage;
}

int xst_parse_args(enum xst_mode m, int argc, char **argv, struct xst_opts *o,
                   char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->count = -1;
    if (errlen)
        err[0] = '\0';
    optind = 0; /* glibc: full reinitialisation, so tests may call us again */
    opterr = 0;
    int c;
    char optstr[16];
    /* Leading ':' so a missing -n argument is told apart from a bad option. */
    snprintf(optstr, sizeof optstr, ":%s", modes[m].opts);
    while ((c = getopt(argc, argv, optstr)) != -1) {
        switch (c) {
        case 'p':
            if (m == XST_EXISTS) /* listed in its usage, yet refused: as Xen's tool */
                return -1;
            if (m == XST_LS)
                o->perms = true;
            else
                o->prefix = true;
            break;
        case 'R': o->raw = true; break;
        case 's': o->socket = true; break;
        case 'f': o->full_path = true; break;
        case 't': o->tidy = true; break;
        case 'r': o->recurse = true; break;
        case 'u': o->upto = true; break;
        case 'n': o->count = strtol(optarg, NULL, 10); break;
        case 'h':
            snprintf(err, errlen, "%s", "");
            return -1;
        case ':':
            /* Like Xen's tool (glibc's getopt message), then carry on: only
             * the operands decide whether this is a usage error. */
            snprintf(err, errlen, "option requires an argument -- '%c'", optopt);
            break;
        default:
            snprintf(err, errlen, "invalid option -- '%c'", optopt);
            break;
        }
    }
    o->first = optind;
    if (!xst_operands_ok(m, argc - optind))
        return -1;
    return 0;
}

bool xst_operands_ok(enum xst_mode m, int n)
{
    switch (m) {
    case XST_LS: return true;
    case XST_WRITE: return n > 0 && n % 2 == 0;
    case XST_CHMOD: return n >= 1; /* no modes: the daemon's EINVAL, as Xen's tool */
    case XST_WATCH: return n >= 1; /* Xen's tool watches every key given */
    default: return n >= 1;
    }
}

char *xst_escape(const char *val, size_t len)
{
    char *out = malloc(len * 4 + 1), *p = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)val[i];
        if (c == '\\') {
            *p++ = '\\';
            *p++ = '\\';
        } else if (c >= ' ' && c <= '~') {
            *p++ = (char)c;
        } else if (c == '\t' || c == '\n' || c == '\r') {
            *p++ = '\\';
            *p++ = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
        } else if (c < 8) {
            p += sprintf(p, "\\%03o", c);
        } else {
            p += sprintf(p, "\\x%02x", c);
        }
    }
    *p = '\0';
    return out;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *xst_unescape(const char *s, size_t *len)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1), *p = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            *p++ = s[i];
            continue;
        }
        i++;
        char c = s[i];
        if (c == '\0') { /* trailing backslash escapes the terminator */
            *p++ = '\0';
            break;
        }
        if (c == 't') {
            *p++ = '\t';
        } else if (c == 'n') {
            *p++ = '\n';
        } else if (c == 'r') {
            *p++ = '\r';
        } else if (c == 'x' && hexval(s[i + 1]) >= 0) {
            int v = hexval(s[++i]);
            if (hexval(s[i + 1]) >= 0)
                v = v * 16 + hexval(s[++i]);
            *p++ = (char)v;
        } else if (c >= '0' && c <= '7') {
            int v = c - '0';
            for (int k = 0; k < 2 && s[i + 1] >= '0' && s[i + 1] <= '7'; k++)
                v = v * 8 + (s[++i] - '0');
            *p++ = (char)v;
        } else {
            *p++ = c;
        }
    }
    *p = '\0';
    if (len)
        *len = (size_t)(p - out);
    return out;
}

int xst_parse_perm_arg(const char *s, struct xkl_xs_perm *p)
{
    switch (s[0]) {
    case 'n': p->perm = XKL_XS_PERM_NONE; break;
    case 'r': p->perm = XKL_XS_PERM_READ; break;
    case 'w': p->perm = XKL_XS_PERM_WRITE; break;
    case 'b': p->perm = XKL_XS_PERM_BOTH; break;
    default: errno = EINVAL; return -1;
    }
    p->domid = (unsigned)strtoul(s + 1, NULL, 10);
    return 0;
}

/* Growable output line. */
struct line {
    char *buf;
    size_t len, cap;
    bool oom;
};

static void put(struct line *l, const char *s, size_t n)
{
    if (l->oom)
        return;
    if (l->len + n + 1 > l->cap) {
        size_t cap = (l->len + n + 1) * 2;
        char *b = realloc(l->buf, cap);
        if (!b) {
            l->oom = true;
            return;
        }
        l->buf = b;
        l->cap = cap;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
    l->buf[l->len] = '\0';
}

static void puts_(struct line *l, const char *s)
{
    put(l, s, strlen(s));
}

/* The value column: " = \"...\"" is 8 characters wide with an ellipsis. */
#define LS_TAG_LEN 8
/* Permissions line up at this column when the line is short enough. */
#define LS_PERM_COL 60

char *xst_ls_line(int width, int depth, const char *full, const char *name,
                  const char *escaped, size_t rawlen, const char *perms)
{
    struct line l = {0};
    long wid = 0;
    put(&l, "", 0);
    if (full) {
        puts_(&l, full);
    } else {
        for (int i = 0; i < depth; i++)
            put(&l, " ", 1);
        wid = depth;
        size_t n = strlen(name);
        long room = width - LS_TAG_LEN - wid;
        /* A negative room (deep nodes) prints the whole name. */
        if (width >= 0 && room >= 0 && (size_t)room < n)
            n = (size_t)room;
        put(&l, name, n);
        wid += (long)n;
    }
    if (!escaped) {
        put(&l, ":", 1);
        goto done;
    }
    bool cut = width >= 0 && (long)width < wid + (long)rawlen + LS_TAG_LEN;
    if (cut) {
        long room = width - LS_TAG_LEN - wid;
        size_t n = strlen(escaped);
        if (room >= 0 && (size_t)room < n)
            n = (size_t)room;
        puts_(&l, " = \"");
        put(&l, escaped, n);
        puts_(&l, "\\...\"");
    } else {
        puts_(&l, " = \"");
        puts_(&l, escaped);
        puts_(&l, "\"");
        wid += 5 + (long)strlen(escaped); /* = "" around it */
    }
    if (perms) {
        if (!cut && width >= 0) {
            put(&l, " ", 1);
            for (long p = wid + 1; p < LS_PERM_COL; p++)
                put(&l, p % 2 ? "." : " ", 1);
        } else if (!cut) {
            put(&l, " ", 1);
        }
        puts_(&l, "  (");
        puts_(&l, perms);
        puts_(&l, ")");
    }
done:
    if (l.oom) {
        free(l.buf);
        return NULL;
    }
    return l.buf;
}
