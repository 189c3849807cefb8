/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Located diagnostics for the configuration parsers: a growable list the
 * caller owns, so one run can report several errors and warnings. */
#include "private.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xkl_diags_init(xkl_diags *d)
{
    memset(d, 0, sizeof(*d));
}

void xkl_diags_dispose(xkl_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].text);
    free(d->v);
    memset(d, 0, sizeof(*d));
}

void xkl__vdiag(xkl_diags *d, enum xkl_diag_level lvl, const char *source,
                int line, int col, const char *fmt, va_list ap)
{
    xkl__vdiag_spec(d, lvl, source, line, col, NULL, NULL, fmt, ap);
}

void xkl__vdiag_spec(xkl_diags *d, enum xkl_diag_level lvl, const char *source,
                     int line, int col, const char *what, const char *spec,
                     const char *fmt, va_list ap)
{
    /* Count errors even when the message cannot be stored, so failure is
     * still reported under memory pressure. */
    if (lvl == XKL_DIAG_ERROR)
        d->nerrors++;
    else
        d->nwarnings++;
    if (d->n == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 8;
        struct xkl_diag *nv = realloc(d->v, ncap * sizeof(*nv));
        if (!nv)
            return;
        d->v = nv;
        d->cap = ncap;
    }
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        return;

    const char *level = lvl == XKL_DIAG_WARNING ? "warning: " : "";
    char *text = NULL;
    int r;
    if (what) {
        char *m = NULL;
        r = asprintf(&m, "%s spec '%.200s': %s", what, spec ? spec : "", msg);
        free(msg);
        if (r < 0)
            return;
        msg = m;
    }
    if (line > 0 && col > 0)
        r = asprintf(&text, "%s:%d:%d: %s%s", source ? source : "<config>", line, col, level, msg);
    else if (line > 0)
        r = asprintf(&text, "%s:%d: %s%s", source ? source : "<config>", line, level, msg);
    else
        r = asprintf(&text, "%s: %s%s", source ? source : "<config>", level, msg);
    free(msg);
    if (r < 0)
        return;
    d->v[d->n].level = lvl;
    d->v[d->n].line = line;
    d->v[d->n].col = col;
    d->v[d->n].text = text;
    d->n++;
}

void xkl__diag(xkl_diags *d, enum xkl_diag_level lvl, const char *source,
               int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    xkl__vdiag(d, lvl, source, line, col, fmt, ap);
    va_end(ap);
}

char *xkl__strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

int xkl__parse_int(const char *s, long long *out)
{
    if (!s || !*s)
        return -1;
    /* strtoll accepts leading blanks and signs; an xl.cfg number is digits. */
    if (!(s[0] >= '0' && s[0] <= '9'))
        return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 0);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}
