/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenstore: read, write, ls, rm, exists, list, chmod, watch on xenstore,
 * with the options, output and exit codes of Xen's xenstore-* tools. Runs
 * as "xenstore MODE ..." or under an alias name "xenstore-MODE ...".
 * Built on libxklight's xenstore client only.
 */
#include "xenstore.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct ctx {
    xkl_xs *xs;
    enum xst_mode mode;
    const char *prog;        /* for messages: "xenstore-read" or "xenstore" */
    const char *argv0;       /* as invoked: usage lines show it, like Xen's */
    struct xst_opts o;
    int nargs;
    char **args;
    FILE *out;               /* output of the current transaction attempt */
    char *outbuf;
    size_t outlen;
    char errmsg[512];        /* why the transaction body failed */
};

static int usage(const struct ctx *c, const char *extra)
{
    if (extra && *extra)
        fprintf(stderr, "%s: %s\n", c->prog, extra);
    if (strcmp(c->prog, "xenstore") == 0)
        fprintf(stderr, "%s: Usage: %s %s %s\n", c->prog, c->argv0,
                xst_mode_name(c->mode), xst_usage(c->mode));
    else
        fprintf(stderr, "%s: Usage: %s %s\n", c->prog, c->argv0, xst_usage(c->mode));
    return 1;
}

/* Output of a transaction body goes to a memory stream so that a retried
 * transaction prints once. */
static int out_open(struct ctx *c)
{
    free(c->outbuf);
    c->outbuf = NULL;
    c->out = open_memstream(&c->outbuf, &c->outlen);
    return c->out ? 0 : -1;
}

static void out_flush(struct ctx *c)
{
    if (!c->out)
        return;
    fclose(c->out);
    c->out = NULL;
    if (c->outlen)
        fwrite(c->outbuf, 1, c->outlen, stdout);
    free(c->outbuf);
    c->outbuf = NULL;
}

static int body_fail(struct ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int body_fail(struct ctx *c, const char *fmt, ...)
{
    int e = errno;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
    va_end(ap);
    errno = e;
    return -1;
}

static int do_read(struct ctx *c, xkl_xs_tx tx)
{
    for (int i = 0; i < c->nargs; i++) {
        size_t len;
        char *v = xkl_xs_read(c->xs, tx, c->args[i], &len);
        if (!v) {
            if (errno == EAGAIN)
                return -1;
            return body_fail(c, "couldn't read path %s", c->args[i]);
        }
        if (c->o.prefix)
            fprintf(c->out, "%s: ", c->args[i]);
        if (c->o.raw) {
            fwrite(v, 1, len, c->out);
        } else {
            char *e = xst_escape(v, len);
            fprintf(c->out, "%s\n", e ? e : "");
            free(e);
        }
        free(v);
    }
    return 0;
}

static int do_write(struct ctx *c, xkl_xs_tx tx)
{
    for (int i = 0; i + 1 < c->nargs; i += 2) {
        size_t len = strlen(c->args[i + 1]);
        char *val = c->o.raw ? strdup(c->args[i + 1]) : xst_unescape(c->args[i + 1], &len);
        if (!val)
            return body_fail(c, "could not write path %s", c->args[i]);
        int r = xkl_xs_write(c->xs, tx, c->args[i], val, len);
        free(val);
        if (r < 0)
            return errno == EAGAIN ? -1 : body_fail(c, "could not write path %s", c->args[i]);
    }
    return 0;
}

/* rm -t: also remove parents that are left empty (no children, no value). */
static int tidy_parents(struct ctx *c, xkl_xs_tx tx, const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    for (;;) {
        char *slash = strrchr(p, '/');
        if (!slash || slash == p)
            break; /* never the root */
        *slash = '\0';
        unsigned n;
        char **kids = xkl_xs_directory(c->xs, tx, p, &n);
        if (!kids)
            break;
        free(kids);
        size_t vlen = 0;
        char *v = xkl_xs_read(c->xs, tx, p, &vlen);
        free(v);
        if (n || !v || vlen)
            break;
        if (xkl_xs_rm(c->xs, tx, p) < 0) {
            free(p);
            return -1;
        }
    }
    free(p);
    return 0;
}

static int do_rm(struct ctx *c, xkl_xs_tx tx)
{
    for (int i = 0; i < c->nargs; i++) {
        if (xkl_xs_rm(c->xs, tx, c->args[i]) < 0 ||
            (c->o.tidy && tidy_parents(c, tx, c->args[i]) < 0))
            return errno == EAGAIN ? -1 : body_fail(c, "could not remove path %s", c->args[i]);
    }
    return 0;
}

static int do_exists(struct ctx *c, xkl_xs_tx tx)
{
    for (int i = 0; i < c->nargs; i++) {
        char *v = xkl_xs_read(c->xs, tx, c->args[i], NULL);
        if (!v) {
            c->errmsg[0] = '\0'; /* silent, like Xen's tool */
            return -1;
        }
        free(v);
    }
    return 0;
}

static int do_list(struct ctx *c, xkl_xs_tx tx)
{
    for (int i = 0; i < c->nargs; i++) {
        unsigned n;
        char **kids = xkl_xs_directory(c->xs, tx, c->args[i], &n);
        if (!kids)
            return errno == EAGAIN ? -1 : body_fail(c, "could not list path %s", c->args[i]);
        for (unsigned k = 0; k < n; k++) {
            if (c->o.prefix)
                fprintf(c->out, "%s/%s\n", c->args[i], kids[k]);
            else
                fprintf(c->out, "%s\n", kids[k]);
        }
        free(kids);
    }
    return 0;
}

static int chmod_one(struct ctx *c, xkl_xs_tx tx, const char *path,
                     const struct xkl_xs_perm *perms, unsigned n, bool recurse)
{
    if (xkl_xs_set_perms(c->xs, tx, path, perms, n) < 0)
        return -1;
    if (!recurse)
        return 0;
    unsigned nk;
    char **kids = xkl_xs_directory(c->xs, tx, path, &nk);
    if (!kids)
        return -1;
    int r = 0;
    for (unsigned k = 0; k < nk && r == 0; k++) {
        size_t l = strlen(path) + strlen(kids[k]) + 2;
        char *sub = malloc(l);
        if (!sub) {
            r = -1;
            break;
        }
        snprintf(sub, l, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", kids[k]);
        r = chmod_one(c, tx, sub, perms, n, true);
        free(sub);
    }
    free(kids);
    return r;
}

static int do_chmod(struct ctx *c, xkl_xs_tx tx)
{
    const char *path = c->args[0];
    unsigned n = (unsigned)c->nargs - 1;
    struct xkl_xs_perm *perms = calloc(n, sizeof *perms);
    if (!perms)
        return body_fail(c, "Error occurred setting permissions on '%s': %s", path,
                         strerror(errno));
    for (unsigned i = 0; i < n; i++) {
        if (xst_parse_perm_arg(c->args[i + 1], &perms[i]) < 0) {
            snprintf(c->errmsg, sizeof c->errmsg,
                     "Invalid permission specification: '%.1s'", c->args[i + 1]);
            free(perms);
            errno = EINVAL;
            return -1;
        }
    }
    int r = 0;
    if (c->o.upto) {
        /* -u: every ancestor from the top-level node down gets them too. */
        char *p = strdup(path);
        for (char *s = p ? strchr(p + 1, '/') : NULL; p && s && r == 0;
             s = strchr(s + 1, '/')) {
            *s = '\0';
            r = chmod_one(c, tx, p, perms, n, false);
            *s = '/';
        }
        if (!p)
            r = -1;
        free(p);
    }
    if (r == 0)
        r = chmod_one(c, tx, path, perms, n, c->o.recurse);
    free(perms);
    if (r < 0 && errno != EAGAIN)
        return body_fail(c, "Error occurred setting permissions on '%s': %s", path,
                         strerror(errno));
    return r;
}

static int tx_body(xkl_xs *xs, xkl_xs_tx tx, void *arg)
{
    struct ctx *c = arg;
    (void)xs;
    if (out_open(c) < 0)
        return -1;
    switch (c->mode) {
    case XST_READ: return do_read(c, tx);
    case XST_WRITE: return do_write(c, tx);
    case XST_RM: return do_rm(c, tx);
    case XST_EXISTS: return do_exists(c, tx);
    case XST_LIST: return do_list(c, tx);
    case XST_CHMOD: return do_chmod(c, tx);
    default: errno = EINVAL; return -1;
    }
}

/*
 * The body in one transaction, redone when the commit conflicts; as with
 * Xen's tools, a failing body's transaction is still ended (aborted) and a
 * failure to end it is reported too.
 */
static int run_in_transaction(struct ctx *c)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        xkl_xs_tx tx;
        c->errmsg[0] = '\0';
        if (xkl_xs_tx_start(c->xs, &tx) < 0) {
            fprintf(stderr, "%s: couldn't start transaction\n", c->prog);
            return 1;
        }
        int r = tx_body(c->xs, tx, c);
        int e = errno;
        if (r < 0 && e == EAGAIN && !c->errmsg[0]) { /* conflict seen early */
            xkl_xs_tx_end(c->xs, tx, 1);
            continue;
        }
        if (r < 0) {
            if (c->errmsg[0])
                fprintf(stderr, "%s: %s\n", c->prog, c->errmsg);
            else if (c->mode != XST_EXISTS)
                fprintf(stderr, "%s: %s\n", c->prog, xkl_xs_error(c->xs));
        }
        if (xkl_xs_tx_end(c->xs, tx, r < 0) < 0) {
            if (errno == EAGAIN && r == 0)
                continue;
            fprintf(stderr, "%s: couldn't end transaction\n", c->prog);
            r = -1;
        }
        out_flush(c);
        return r < 0 ? 1 : 0;
    }
    fprintf(stderr, "%s: %s\n", c->prog, "transaction kept conflicting");
    return 1;
}

/* ---- ls ---- */
static int ls_width(const struct ctx *c)
{
    if (c->o.full_path)
        return -1;
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
        return ws.ws_col > 2 ? ws.ws_col - 2 : -1; /* unknown width: no limit */
    return 80;
}

static int ls_tree(struct ctx *c, const char *path, int depth, int width)
{
    unsigned n;
    char **kids = xkl_xs_directory(c->xs, XKL_XS_TX_NONE, path, &n);
    if (!kids) {
        /* Nodes vanishing or unreadable below the top are skipped. */
        if (depth && (errno == ENOENT || errno == EACCES))
            return 0;
        fprintf(stderr, "%s: xs_directory (%s): %s\n", c->prog, path, strerror(errno));
        return -1;
    }
    int r = 0;
    size_t plen = strlen(path);
    for (unsigned i = 0; i < n && r == 0; i++) {
        size_t l = plen + strlen(kids[i]) + 2;
        char *sub = malloc(l);
        if (!sub) {
            r = -1;
            break;
        }
        snprintf(sub, l, "%s%s%s", path, plen && path[plen - 1] == '/' ? "" : "/", kids[i]);
        size_t vlen = 0;
        char *v = xkl_xs_read(c->xs, XKL_XS_TX_NONE, sub, &vlen);
        char *esc = v ? xst_escape(v, vlen) : NULL;
        char *perms = NULL;
        if (c->o.perms && v) {
            unsigned np;
            struct xkl_xs_perm *p = xkl_xs_get_perms(c->xs, XKL_XS_TX_NONE, sub, &np);
            if (p) {
                perms = malloc(np * 8 + 1);
                size_t off = 0;
                for (unsigned k = 0; perms && k < np; k++) {
                    if (k)
                        perms[off++] = ',';
                    int w = xkl_xs_perm_format(&p[k], perms + off, 8);
                    off += w > 0 ? (size_t)w : 0;
                }
                if (perms)
                    perms[off] = '\0';
                free(p);
            } else {
                fprintf(stderr, "%s: \ncould not access permissions for %s: %s\n", c->prog,
                        kids[i], strerror(errno));
            }
        }
        char *line = xst_ls_line(width, depth, c->o.full_path ? sub : NULL, kids[i],
                                 esc, vlen, perms);
        if (line) {
            puts(line);
            free(line);
        } else {
            r = -1;
        }
        free(perms);
        free(esc);
        free(v);
        if (r == 0)
            r = ls_tree(c, sub, depth + 1, width);
        free(sub);
    }
    free(kids);
    return r;
}

static int do_ls(struct ctx *c)
{
    int width = ls_width(c);
    if (c->nargs == 0)
        return ls_tree(c, "/", 0, width) < 0 ? 1 : 0;
    for (int i = 0; i < c->nargs; i++)
        if (ls_tree(c, c->args[i], 0, width) < 0)
            return 1;
    return 0;
}

/* ---- watch ---- */
static int do_watch(struct ctx *c)
{
    for (int i = 0; i < c->nargs; i++) {
        if (xkl_xs_watch(c->xs, c->args[i], c->args[i]) < 0) {
            fprintf(stderr, "%s: Unable to add watch on %s: %s\n", c->prog,
                    c->args[i], strerror(errno));
            return 1;
        }
    }
    xkl_xs_set_timeout(c->xs, -1);
    for (long seen = 0; c->o.count < 0 || seen < c->o.count; seen++) {
        struct xkl_xs_event *ev = xkl_xs_read_watch(c->xs, -1);
        if (!ev) {
            fprintf(stderr, "%s: %s\n", c->prog, xkl_xs_error(c->xs));
            return 1;
        }
        printf("%s\n", ev->path);
        fflush(stdout);
        free(ev);
    }
    return 0;
}

static int run(struct ctx *c)
{
    if (c->mode == XST_WATCH && c->o.count == 0)
        return 0;
    c->xs = xkl_xs_open(c->o.socket ? XKL_XS_OPEN_SOCKET : 0);
    if (!c->xs) {
        fprintf(stderr, "%s: xs_open: %s\n", c->prog, strerror(errno));
        return 1;
    }
    int rc;
    if (c->mode == XST_LS) {
        rc = do_ls(c);
    } else if (c->mode == XST_WATCH) {
        rc = do_watch(c);
    } else {
        rc = run_in_transaction(c);
    }
    fflush(stdout);
    xkl_xs_close(c->xs);
    return rc;
}

int main(int argc, char **argv)
{
    struct ctx c = {0};
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    c.mode = xst_mode_of_prog(base);
    c.prog = base;
    c.argv0 = argv[0];
    if (c.mode == XST_NONE) {
        c.prog = "xenstore";
        if (argc < 2) {
            fprintf(stderr, "xenstore: Usage: xenstore <mode> [-h] [...]\n");
            return 1;
        }
        c.mode = xst_mode_of_name(argv[1]);
        if (c.mode == XST_NONE) {
            fprintf(stderr, "xenstore: unknown mode %s\n\n", argv[1]);
            return 1;
        }
        argc--;
        argv++;
    }
    char err[128];
    int pr = xst_parse_args(c.mode, argc, argv, &c.o, err, sizeof err);
    if (pr < 0)
        return usage(&c, err);
    if (err[0])
        fprintf(stderr, "%s: %s\n", c.prog, err);
    c.nargs = argc - c.o.first;
    c.args = argv + c.o.first;
    return run(&c);
}
