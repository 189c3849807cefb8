/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The vif spec of xl-network-configuration(5): comma-separated key=value
 * pairs (mac, bridge, ip, type, model, vifname, script, backend, rate, mtu,
 * devid, gatewaydev, forwarddev) and the flags trusted / untrusted. Like
 * xl, an unknown pair only draws a warning ("unrecognized argument") and
 * an empty spec means a vif with every default.
 */
#include "private.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vp {
    const char *spec, *source;
    int line, col;
    xkl_diags *d;
    int errors;
};

static void vmsg(struct vp *p, enum xkl_diag_level lvl, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void vmsg(struct vp *p, enum xkl_diag_level lvl, const char *at, const char *fmt, ...)
{
    int col = p->col > 0 ? p->col + 1 + (int)(at - p->spec) : 0;
    va_list ap;
    va_start(ap, fmt);
    xkl__vdiag_spec(p->d, lvl, p->source, p->line, col, "vif", p->spec, fmt, ap);
    va_end(ap);
    if (lvl == XKL_DIAG_ERROR)
        p->errors++;
}

/* "xx:xx:xx:xx:xx:xx", six pairs of hex digits; normalised to lower case. */
static char *parse_mac(const char *s)
{
    if (strlen(s) != 17)
        return NULL;
    for (int i = 0; i < 17; i++) {
        if (i % 3 == 2) {
            if (s[i] != ':')
                return NULL;
        } else if (!isxdigit((unsigned char)s[i])) {
            return NULL;
        }
    }
    char *m = strdup(s);
    if (m)
        for (char *c = m; *c; c++)
            *c = (char)tolower((unsigned char)*c);
    return m;
}

/* RATE[/s][@INTERVAL]: a number with an optional B/b and K/M/G unit, e.g.
 * "10Mb/s", "1GB/s@20ms". Only the shape is checked here. */
static bool rate_ok(const char *s)
{
    const char *p = s;
    if (!isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p && strchr("KMGkmg", *p))
        p++;
    if (*p == 'B' || *p == 'b')
        p++;
    if (!strncmp(p, "/s", 2))
        p += 2;
    if (*p == '@') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
        if (!strcmp(p, "s") || !strcmp(p, "ms") || !strcmp(p, "us") || !*p)
            return true;
        return false;
    }
    return *p == 0;
}

static int set(struct vp *p, const char *at, char **field, const char *v)
{
    char *c = strdup(v);
    if (!c) {
        vmsg(p, XKL_DIAG_ERROR, at, "out of memory");
        return -1;
    }
    free(*field);
    *field = c;
    return 0;
}

static void one(struct vp *p, struct xkl_nic *nic, const char *at, char *tok)
{
    char *eq = strchr(tok, '=');
    if (!eq) {
        if (!strcmp(tok, "trusted"))
            nic->trusted = 1;
        else if (!strcmp(tok, "untrusted"))
            nic->trusted = 0;
        else
            vmsg(p, XKL_DIAG_WARNING, at, "unrecognized argument '%s' ignored", tok);
        return;
    }
    *eq = 0;
    const char *k = tok;
    char *v = eq + 1;
    long long n;
    if (!strcmp(k, "mac")) {
        char *m = parse_mac(v);
        if (!m) {
            vmsg(p, XKL_DIAG_ERROR, at, "expected a MAC address xx:xx:xx:xx:xx:xx, found '%s'", v);
            return;
        }
        free(nic->mac);
        nic->mac = m;
    } else if (!strcmp(k, "bridge")) {
        set(p, at, &nic->bridge, v);
    } else if (!strcmp(k, "ip")) {
        set(p, at, &nic->ip, v);
    } else if (!strcmp(k, "model")) {
        set(p, at, &nic->model, v);
    } else if (!strcmp(k, "vifname")) {
        set(p, at, &nic->ifname, v);
    } else if (!strcmp(k, "script")) {
        set(p, at, &nic->script, v);
    } else if (!strcmp(k, "backend")) {
        set(p, at, &nic->backend_domname, v);
    } else if (!strcmp(k, "gatewaydev")) {
        set(p, at, &nic->gatewaydev, v);
    } else if (!strcmp(k, "forwarddev")) {
        set(p, at, &nic->coloft_forwarddev, v);
    } else if (!strcmp(k, "rate")) {
        if (!rate_ok(v)) {
            vmsg(p, XKL_DIAG_ERROR, at, "expected rate as NUMBER[K|M|G][B|b][/s][@INTERVAL], found '%s'", v);
            return;
        }
        set(p, at, &nic->rate, v);
    } else if (!strcmp(k, "type")) {
        if (!strcmp(v, "ioemu"))
            nic->nictype = XKL_NIC_TYPE_VIF_IOEMU;
        else if (!strcmp(v, "vif"))
            nic->nictype = XKL_NIC_TYPE_VIF;
        else
            vmsg(p, XKL_DIAG_ERROR, at, "expected type ioemu or vif, found '%s'", v);
    } else if (!strcmp(k, "mtu") || !strcmp(k, "devid")) {
        if (xkl__parse_int(v, &n) < 0 || n < 0 || n > 0x7fffffff) {
            vmsg(p, XKL_DIAG_ERROR, at, "expected a number for %s, found '%s'", k, v);
            return;
        }
        if (!strcmp(k, "mtu"))
            nic->mtu = n;
        else
            nic->devid = n;
    } else if (!strcmp(k, "accel")) {
        vmsg(p, XKL_DIAG_WARNING, at, "the accel parameter for vifs is not supported, ignored");
    } else {
        *eq = '=';
        vmsg(p, XKL_DIAG_WARNING, at, "unrecognized argument '%s' ignored", tok);
    }
}

int xkl__nic_parse(struct xkl_nic *nic, const char *spec, const char *source,
                   int line, int col, xkl_diags *d)
{
    struct vp p = { .spec = spec, .source = source, .line = line, .col = col, .d = d };
    char *copy = strdup(spec);
    if (!copy) {
        xkl__diag(d, XKL_DIAG_ERROR, source, line, col, "vif spec: out of memory");
        return -1;
    }
    char *s = copy;
    for (;;) {
        char *comma = strchr(s, ',');
        if (comma)
            *comma = 0;
        /* blanks around each pair are not part of it */
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        char *e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
            *--e = 0;
        if (*s)
            one(&p, nic, spec + (s - copy), s);
        if (!comma)
            break;
        s = comma + 1;
    }
    free(copy);
    return p.errors ? -1 : 0;
}
