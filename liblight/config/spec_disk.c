/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The disk spec mini-language of xl-disk-configuration(5):
 *
 *   [key=value|flag,]* [target,[format,[vdev,[access]]]] [key=value|flag,]* [target=rest]
 *
 * Parameters without '=' that are not flags fill the positional slots in
 * order. "target=" swallows the rest of the spec, commas included, so it
 * must come last. Deprecated forms are kept working: "raw:" "qcow:" "qcow2:"
 * "vhd:" "qed:" format prefixes, "iscsi:" "nbd:" "enbd:" "drbd:" script
 * prefixes and ignored "phy:" "file:" "tap:" "tap2:" "aio:" "ioemu:"
 * "tapdisk:" prefixes on the target; a prefixed target skips the format
 * slot ("phy:/dev/sda,hda,w"), like xend's "[<format>:]<target>,<vdev>,<access>";
 * "vdev:cdrom" means devtype=cdrom; an empty first field followed by a
 * non-format ("',hdc:cdrom,r'") is xend's empty cdrom.
 */
#include "private.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dp {
    struct xkl_disk *disk;
    const char *spec, *source;
    int line, col;
    xkl_diags *d;
    int errors;
    bool depr_prefix, empty_target, access_set, format_set;
    int positional;             /* next positional slot: 0 target .. 3 access */
};

static void derr(struct dp *p, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void derr(struct dp *p, const char *at, const char *fmt, ...)
{
    /* +1: the column of the value is its opening quote. */
    int col = p->col > 0 ? p->col + 1 + (int)(at - p->spec) : 0;
    va_list ap;
    va_start(ap, fmt);
    xkl__vdiag_spec(p->d, XKL_DIAG_ERROR, p->source, p->line, col, "disk", p->spec, fmt, ap);
    va_end(ap);
    p->errors++;
}

static int set_str(struct dp *p, const char *at, char **field, const char *name, const char *v)
{
    if (*field && **field) {
        derr(p, at, "%s given twice", name);
        return -1;
    }
    free(*field);
    *field = *v ? strdup(v) : NULL;
    if (*v && !*field) {
        derr(p, at, "out of memory");
        return -1;
    }
    return 0;
}

static int set_format(struct dp *p, const char *at, const char *v)
{
    if (p->format_set && p->disk->format != XKL_DISK_FORMAT_UNKNOWN) {
        derr(p, at, "format given twice");
        return -1;
    }
    p->format_set = true;
    if (!*v)
        return 0;       /* empty: the default applies */
    enum xkl_disk_format f;
    if (xkl__disk_format_from_string(v, &f) < 0 || f == XKL_DISK_FORMAT_UNKNOWN) {
        derr(p, at, "expected format raw, qcow, qcow2, vhd, qed or empty, found '%s'", v);
        return -1;
    }
    p->disk->format = f;
    return 0;
}

static int set_access(struct dp *p, const char *at, const char *v)
{
    if (p->access_set) {
        derr(p, at, "access given twice");
        return -1;
    }
    if (!*v)
        return 0;
    p->access_set = true;
    if (!strcmp(v, "r") || !strcmp(v, "ro"))
        p->disk->readwrite = 0;
    else if (!strcmp(v, "w") || !strcmp(v, "rw"))
        p->disk->readwrite = 1;
    else {
        derr(p, at, "unknown value for access: expected r, ro, w or rw, found '%s'", v);
        return -1;
    }
    return 0;
}

static int set_vdev(struct dp *p, const char *at, char *v)
{
    /* "hdc:cdrom": the deprecated way to say devtype=cdrom */
    char *colon = strrchr(v, ':');
    if (colon && !strcmp(colon + 1, "cdrom")) {
        *colon = 0;
        p->disk->is_cdrom = 1;
    }
    return set_str(p, at, &p->disk->vdev, "vdev", v);
}

static bool is_format_name(const char *v)
{
    enum xkl_disk_format f;
    return xkl__disk_format_from_string(v, &f) == 0 && f != XKL_DISK_FORMAT_UNKNOWN;
}

/* Strip deprecated prefixes from a positional target (in place). */
static int strip_prefixes(struct dp *p, const char *at, char **pv)
{
    static const char *const ignored[] = { "phy", "file", "tap", "tap2", "aio", "ioemu", "tapdisk" };
    static const char *const formats[] = { "raw", "qcow", "qcow2", "vhd", "qed" };
    static const char *const scripts[] = { "iscsi", "nbd", "enbd", "drbd" };
    for (;;) {
        char *v = *pv, *colon = strchr(v, ':');
        if (!colon)
            return 0;
        size_t n = (size_t)(colon - v);
        bool hit = false;
        for (size_t i = 0; i < sizeof ignored / sizeof *ignored && !hit; i++)
            if (strlen(ignored[i]) == n && !strncmp(v, ignored[i], n))
                hit = true;
        for (size_t i = 0; i < sizeof formats / sizeof *formats && !hit; i++)
            if (strlen(formats[i]) == n && !strncmp(v, formats[i], n)) {
                *colon = 0;
                if (set_format(p, at, v) < 0)
                    return -1;
                hit = true;
            }
        for (size_t i = 0; i < sizeof scripts / sizeof *scripts && !hit; i++)
            if (strlen(scripts[i]) == n && !strncmp(v, scripts[i], n)) {
                char s[16];
                snprintf(s, sizeof s, "block-%s", scripts[i]);
                if (set_str(p, at, &p->disk->script, "script", s) < 0)
                    return -1;
                hit = true;
            }
        if (!hit)
            return 0;
        p->depr_prefix = true;
        *pv = colon + 1;
    }
}

static int positional(struct dp *p, const char *at, char *v)
{
    for (;;) {
        switch (p->positional) {
        case 0:
            p->positional = 1;
            if (!*v)
                p->empty_target = true;
            if (strip_prefixes(p, at, &v) < 0)
                return -1;
            return set_str(p, at, &p->disk->pdev_path, "target", v);
        case 1:
            p->positional = 2;
            if (p->depr_prefix || p->format_set)
                continue;       /* the slot is taken: this is the vdev */
            if (p->empty_target && *v && !is_format_name(v))
                continue;       /* xend's ",hdc:cdrom,r" */
            return set_format(p, at, v);
        case 2:
            p->positional = 3;
            if (p->disk->vdev)
                continue;
            return set_vdev(p, at, v);
        case 3:
            p->positional = 4;
            if (p->access_set)
                continue;
            return set_access(p, at, v);
        default:
            derr(p, at, "too many positional parameters at '%s'", v);
            return -1;
        }
    }
}

static int keyword(struct dp *p, const char *at, const char *k, char *v)
{
    struct xkl_disk *disk = p->disk;
    if (!strcmp(k, "format"))
        return set_format(p, at, v);
    if (!strcmp(k, "vdev"))
        return set_vdev(p, at, v);
    if (!strcmp(k, "access"))
        return set_access(p, at, v);
    if (!strcmp(k, "devtype")) {
        if (strcmp(v, "cdrom") != 0) {
            derr(p, at, "expected devtype=cdrom, found '%s'", v);
            return -1;
        }
        disk->is_cdrom = 1;
        return 0;
    }
    if (!strcmp(k, "backendtype")) {
        enum xkl_disk_backend b;
        if (xkl__disk_backend_from_string(v, &b) < 0 || b == XKL_DISK_BACKEND_UNKNOWN) {
            derr(p, at, "expected backendtype phy, tap, qdisk or standalone, found '%s'", v);
            return -1;
        }
        disk->backend = b;
        return 0;
    }
    if (!strcmp(k, "specification")) {
        enum xkl_disk_specification s;
        if (xkl__disk_specification_from_string(v, &s) < 0 || s == XKL_DISK_SPEC_UNKNOWN) {
            derr(p, at, "expected specification xen or virtio, found '%s'", v);
            return -1;
        }
        disk->specification = s;
        return 0;
    }
    if (!strcmp(k, "backend"))
        return set_str(p, at, &disk->backend_domname, "backend", v);
    if (!strcmp(k, "script"))
        return set_str(p, at, &disk->script, "script", v);
    if (!strcmp(k, "colo-host"))
        return set_str(p, at, &disk->colo_host, "colo-host", v);
    if (!strcmp(k, "colo-export"))
        return set_str(p, at, &disk->colo_export, "colo-export", v);
    if (!strcmp(k, "active-disk"))
        return set_str(p, at, &disk->active_disk, "active-disk", v);
    if (!strcmp(k, "hidden-disk"))
        return set_str(p, at, &disk->hidden_disk, "hidden-disk", v);
    if (!strcmp(k, "colo-port")) {
        long long n;
        if (xkl__parse_int(v, &n) < 0 || n <= 0 || n > 65535) {
            derr(p, at, "expected a port number for colo-port, found '%s'", v);
            return -1;
        }
        disk->colo_port = n;
        return 0;
    }
    derr(p, at, "unknown parameter '%s'", k);
    return -1;
}

static int flag(struct dp *p, const char *w)
{
    struct xkl_disk *disk = p->disk;
    if (!strcmp(w, "cdrom"))
        disk->is_cdrom = 1;
    else if (!strcmp(w, "direct-io-safe"))
        disk->direct_io_safe = true;
    else if (!strcmp(w, "discard"))
        disk->discard_enable = 1;
    else if (!strcmp(w, "no-discard"))
        disk->discard_enable = 0;
    else if (!strcmp(w, "colo"))
        disk->colo_enable = 1;
    else if (!strcmp(w, "trusted"))
        disk->trusted = 1;
    else if (!strcmp(w, "untrusted"))
        disk->trusted = 0;
    else
        return 0;
    return 1;
}

int xkl__disk_parse(struct xkl_disk *disk, const char *spec, const char *source,
                    int line, int col, xkl_diags *d)
{
    struct dp p = { .disk = disk, .spec = spec, .source = source, .line = line,
                    .col = col, .d = d };
    char *copy = strdup(spec);
    if (!copy) {
        xkl__diag(d, XKL_DIAG_ERROR, source, line, col, "disk spec: out of memory");
        return -1;
    }
    char *s = copy;
    while (*s && !p.errors) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        const char *at = spec + (s - copy);
        if (!strncmp(s, "target=", 7)) {
            /* the rest of the spec, commas and trailing blanks included */
            free(disk->pdev_path);
            disk->pdev_path = s[7] ? strdup(s + 7) : NULL;
            break;
        }
        char *comma = strchr(s, ',');
        char *next = comma ? comma + 1 : s + strlen(s);
        if (comma)
            *comma = 0;
        char *eq = strchr(s, '=');
        if (eq) {
            *eq = 0;
            keyword(&p, at, s, eq + 1);
        } else if (!flag(&p, s)) {
            positional(&p, at, s);
        }
        s = next;
        /* "a,b," ends with an empty positional in xl too; only an explicit
         * trailing comma after a positional matters for slot counting. */
        if (!comma)
            break;
    }
    free(copy);
    if (p.errors)
        return -1;
    if (!disk->vdev) {
        derr(&p, spec, "no vdev specified");
        return -1;
    }
    if (disk->is_cdrom) {
        disk->removable = 1;
        if (!p.access_set)
            disk->readwrite = 0;
        if (!disk->pdev_path)
            disk->format = XKL_DISK_FORMAT_EMPTY;
    } else {
        if (!p.access_set)
            disk->readwrite = 1;
        if (!disk->pdev_path) {
            derr(&p, spec, "no target specified (only a cdrom may be empty)");
            return -1;
        }
    }
    if (disk->format == XKL_DISK_FORMAT_UNKNOWN)
        disk->format = XKL_DISK_FORMAT_RAW;
    return 0;
}
