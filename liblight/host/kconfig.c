/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kernel configurations as Linux's Kconfig writes them (.config), read
 * from the text itself, from its gzip form (/proc/config.gz) or from the
 * copy CONFIG_IKCONFIG puts inside a kernel ("IKCFG_ST" then a gzip
 * stream), in a vmlinux, a module, a bzImage or a compressed ELF (those
 * unwrapped by libguest). Pure: files and memory only. */
#include "private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <xkit/guest.h>
#include <zlib.h>

/* Bounds on what is read: a file (a vmlinux with debug info stays under
 * it), and a configuration once decompressed (6.1's has 10000 lines). */
#define MAX_FILE (512u << 20)
#define MAX_TEXT (16u << 20)
/* Located warnings for odd lines before one line says how many more. */
#define MAX_ODD_WARNINGS 5

static const char IK_START[] = "IKCFG_ST";

struct kopt {
    char *name;      /* without CONFIG_ */
    char *value;     /* as written after '=' */
    unsigned line;
};

struct xkl_kconfig {
    enum xkl_kconfig_form form;
    char version[64], arch[32];
    struct kopt *v;
    size_t n;
};

static void opts_free(struct kopt *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].value);
    }
    free(v);
}

void xkl_kconfig_free(xkl_kconfig *kc)
{
    if (!kc)
        return;
    opts_free(kc->v, kc->n);
    free(kc);
}

const char *xkl_kconfig_form_name(enum xkl_kconfig_form f)
{
    switch (f) {
    case XKL_KCONFIG_TEXT: return "text";
    case XKL_KCONFIG_GZIP: return "gzip";
    case XKL_KCONFIG_IKCONFIG: return "ikconfig";
    }
    return "?";
}

enum xkl_kconfig_form xkl_kconfig_form(const xkl_kconfig *kc) { return kc->form; }
const char *xkl_kconfig_version(const xkl_kconfig *kc) { return kc->version; }
const char *xkl_kconfig_arch(const xkl_kconfig *kc) { return kc->arch; }
size_t xkl_kconfig_count(const xkl_kconfig *kc) { return kc->n; }

static int by_name(const void *a, const void *b)
{
    const struct kopt *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

static int key_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct kopt *)elem)->name);
}

const char *xkl_kconfig_get(const xkl_kconfig *kc, const char *option)
{
    if (!kc || !option)
        return NULL;
    if (!strncmp(option, "CONFIG_", 7))
        option += 7;
    const struct kopt *o = bsearch(option, kc->v, kc->n, sizeof *kc->v, key_cmp);
    /* "=n" is Kconfig's own spelling of "not set" in a defconfig */
    return o && strcmp(o->value, "n") ? o->value : NULL;
}

static bool is_sym(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* "# Linux/x86 6.1.0 Kernel Configuration" */
static void header(xkl_kconfig *kc, const char *s, size_t len)
{
    static const char pre[] = "# Linux/";
    if (kc->version[0] || len < sizeof pre || memcmp(s, pre, sizeof pre - 1))
        return;
    const char *p = s + sizeof pre - 1, *end = s + len;
    const char *a = p;
    while (p < end && *p != ' ')
        p++;
    const char *v = ++p;
    while (p < end && *p != ' ')
        p++;
    if (p >= end || (size_t)(p - v) >= sizeof kc->version || (size_t)(v - 1 - a) >= sizeof kc->arch
        || p - v < 1 || end - p < 21 || memcmp(p, " Kernel Configuration", 21))
        return;
    memcpy(kc->arch, a, (size_t)(v - 1 - a));
    kc->arch[v - 1 - a] = 0;
    memcpy(kc->version, v, (size_t)(p - v));
    kc->version[p - v] = 0;
}

static int push(struct kopt **v, size_t *n, size_t *cap, const char *name, size_t nlen,
                const char *val, size_t vlen, unsigned line)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 256;
        struct kopt *nv = realloc(*v, c * sizeof *nv);
        if (!nv)
            return -1;
        *v = nv;
        *cap = c;
    }
    struct kopt *o = &(*v)[*n];
    o->name = strndup(name, nlen);
    o->value = strndup(val, vlen);
    o->line = line;
    if (!o->name || !o->value) {
        free(o->name);
        free(o->value);
        return -1;
    }
    (*n)++;
    return 0;
}

/* The text of a .config: CONFIG_NAME=VALUE lines, "# CONFIG_NAME is not
 * set" lines and comments. Anything else is a located warning (Kconfig
 * ignores such a line too); no CONFIG_ line at all is an error. */
static int parse_text(xkl_kconfig *kc, const char *name, const char *text, size_t len,
                      xkl_diags *d)
{
    struct kopt *v = NULL;
    size_t n = 0, cap = 0;
    unsigned line = 0, odd = 0, unset = 0, odd_at[MAX_ODD_WARNINGS][2];
    for (size_t i = 0; i < len;) {
        const char *s = text + i;
        const char *nl = memchr(s, '\n', len - i);
        size_t l = nl ? (size_t)(nl - s) : len - i;
        i += l + (nl != NULL);
        line++;
        if (l && s[l - 1] == '\r')
            l--;
        size_t k = 0;
        while (k < l && (s[k] == ' ' || s[k] == '\t'))
            k++;
        if (k == l)
            continue;
        if (s[k] == '#') {
            /* "# CONFIG_X is not set" needs no entry: absent is unset */
            if (l - k > 9 && !memcmp(s + k, "# CONFIG_", 9))
                unset++;
            header(kc, s + k, l - k);
            continue;
        }
        size_t e = k;
        if (l - k > 7 && !memcmp(s + k, "CONFIG_", 7)) {
            e = k + 7;
            while (e < l && is_sym(s[e]))
                e++;
        }
        if (e > k + 7 && e < l && s[e] == '=' && !memchr(s + k, 0, l - k)) {
            if (push(&v, &n, &cap, s + k + 7, e - k - 7, s + e + 1, l - e - 1, line) < 0) {
                opts_free(v, n);
                xkl__diag(d, XKL_DIAG_ERROR, name, 0, 0, "out of memory");
                errno = ENOMEM;
                return -1;
            }
            continue;
        }
        if (odd < MAX_ODD_WARNINGS) {
            odd_at[odd][0] = line;
            odd_at[odd][1] = (unsigned)k + 1;
        }
        odd++;
    }
    /* odd lines are worth a word only in what is a configuration */
    for (unsigned o = 0; (n || unset) && o < odd && o < MAX_ODD_WARNINGS; o++)
        xkl__diag(d, XKL_DIAG_WARNING, name, (int)odd_at[o][0], (int)odd_at[o][1],
                  "not a kernel configuration line (CONFIG_NAME=VALUE or "
                  "'# CONFIG_NAME is not set'); ignored");
    if ((n || unset) && odd > MAX_ODD_WARNINGS)
        xkl__diag(d, XKL_DIAG_WARNING, name, 0, 0, "%u more lines that are not kernel "
                  "configuration lines; ignored", odd - MAX_ODD_WARNINGS);
    if (!n && !unset) {
        free(v);
        xkl__diag(d, XKL_DIAG_ERROR, name, 0, 0, "not a kernel configuration: no CONFIG_ line "
                  "in it (give a .config, /proc/config.gz or a kernel built with CONFIG_IKCONFIG)");
        errno = EINVAL;
        return -1;
    }
    /* the last assignment of an option wins, as in Kconfig, which says so */
    if (n)
        qsort(v, n, sizeof *v, by_name);
    size_t w = 0;
    for (size_t r = 0; r < n; r++) {
        if (w && !strcmp(v[w - 1].name, v[r].name)) {
            xkl__diag(d, XKL_DIAG_WARNING, name, (int)v[r].line, 1,
                      "CONFIG_%s set again (first on line %u); this value wins",
                      v[r].name, v[w - 1].line);
            free(v[w - 1].name);
            free(v[w - 1].value);
            v[w - 1] = v[r];
            continue;
        }
        v[w++] = v[r];
    }
    kc->v = v;
    kc->n = w;
    return 0;
}

/* One gzip stream from in (trailing bytes ignored: IKCONFIG's is followed
 * by "IKCFG_ED") into a malloc'd buffer of at most max bytes; with peek,
 * the first max bytes are enough (no error for the rest). */
static char *gunzip(const void *in, size_t len, size_t max, bool peek, size_t *out_len,
                    const char *name, xkl_diags *d)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        xkl__diag(d, XKL_DIAG_ERROR, name, 0, 0, "cannot start zlib");
        errno = ENOMEM;
        return NULL;
    }
    size_t cap = max < (1u << 16) ? max : 1u << 16, n = 0;
    char *out = malloc(cap);
    int r = Z_OK;
    z.next_in = (Bytef *)(uintptr_t)in;
    /* zlib counts in uInt: feed a bounded window at a time */
    size_t left = len;
    while (out && r != Z_STREAM_END) {
        if (!z.avail_in) {
            if (!left)
                break;
            z.avail_in = left > (1u << 30) ? 1u << 30 : (uInt)left;
            left -= z.avail_in;
        }
        if (n == cap) {
            if (cap >= max)
                break;
            char *o = realloc(out, cap * 2);
            if (!o) {
                free(out);
                out = NULL;
                break;
            }
            out = o;
            cap *= 2;
        }
        z.next_out = (Bytef *)out + n;
        z.avail_out = (uInt)(cap - n);
        r = inflate(&z, Z_NO_FLUSH);
        n = cap - z.avail_out;
        if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR)
            break;
        if (r == Z_BUF_ERROR && z.avail_in == 0 && left == 0)
            break;
    }
    inflateEnd(&z);
    if (!out) {
        xkl__diag(d, XKL_DIAG_ERROR, name, 0, 0, "out of memory");
        errno = ENOMEM;
        return NULL;
    }
    if (r != Z_STREAM_END && !(peek && n == max)) {
        free(out);
        if (n >= max)
            xkl__diag(d, XKL_DIAG_ERROR, name, 0, 0, "gzip data larger than %u MiB once "
                      "decompressed: not a kernel configuration", MAX_TEXT >> 20);
        else
            xkl__diag(d, XKL_DIAG_ERROR, name, 0, 0, "gzip data %s", z.msg ? z.msg : "cut short");
        errno = EINVAL;
        return NULL;
    }
    *out_len = n;
    return out;
}

static const uint8_t *find_ik(const uint8_t *p, size_t len)
{
    const size_t m = sizeof IK_START - 1;
    while (len > m + 2) {
        const uint8_t *h = memchr(p, 'I', len - m - 2);
        if (!h)
            return NULL;
        if (!memcmp(h, IK_START, m) && h[m] == 0x1f && h[m + 1] == 0x8b)
            return h + m;
        len -= (size_t)(h + 1 - p);
        p = h + 1;
    }
    return NULL;
}

static int from_gzip(xkl_kconfig *kc, const char *name, const uint8_t *gz, size_t len,
                     xkl_diags *d)
{
    size_t n;
    char *t = gunzip(gz, len, MAX_TEXT, false, &n, name, d);
    if (!t)
        return -1;
    int r = parse_text(kc, name, t, n, d);
    free(t);
    return r;
}

static bool looks_binary(const uint8_t *p, size_t len)
{
    size_t n = len < 4096 ? len : 4096;
    for (size_t i = 0; i < n; i++)
        if (p[i] == 0 || (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t'))
            return true;
    return false;
}

/* A kernel image: its IKCONFIG copy, in the bytes as given (vmlinux, a
 * module) or in the ELF libguest unwraps (bzImage, vmlinux.gz/.xz...). */
static int from_image(xkl_kconfig *kc, const char *name, const uint8_t *p, size_t len,
                      xkl_diags *d)
{
    const uint8_t *gz = find_ik(p, len);
    if (gz) {
        kc->form = XKL_KCONFIG_IKCONFIG;
        return from_gzip(kc, name, gz, len - (size_t)(gz - p), d);
    }
    char err[256];
    xkg_image *img = xkg_image_load_mem(p, len, 0, name, err, sizeof err);
    if (!img) {
        xkl__diag(d, XKL_DIAG_ERROR, name, 0, 0, "neither a kernel configuration nor a "
                  "kernel image libxkguest can open (%s)", err);
        errno = EINVAL;
        return -1;
    }
    const struct xkg_image_info *in = xkg_image_info(img);
    int r = 1;
    for (unsigned i = 0; r > 0 && i < in->nr_segments; i++) {
        const struct xkg_segment *s = xkg_image_segment(img, i);
        if (!s->data || !(gz = find_ik(s->data, s->filesz)))
            continue;
        kc->form = XKL_KCONFIG_IKCONFIG;
        r = from_gzip(kc, name, gz, s->filesz - (size_t)(gz - s->data), d);
    }
    xkg_image_free(img);
    if (r > 0) {
        xkl__diag(d, XKL_DIAG_ERROR, name, 0, 0, "a kernel image without its configuration "
                  "in it (built without CONFIG_IKCONFIG): give its .config instead "
                  "(Debian: /boot/config-VERSION)");
        errno = ENOENT;
        return -1;
    }
    return r;
}

xkl_kconfig *xkl_kconfig_load_mem(const void *buf, size_t len, const char *name, xkl_diags *d)
{
    if (!name)
        name = "kernel config";
    xkl_kconfig *kc = calloc(1, sizeof *kc);
    if (!kc) {
        xkl__diag(d, XKL_DIAG_ERROR, name, 0, 0, "out of memory");
        errno = ENOMEM;
        return NULL;
    }
    const uint8_t *p = buf;
    int r;
    if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
        /* /proc/config.gz, or a gzip'd vmlinux: the first bytes tell */
        size_t n;
        char *t = gunzip(p, len, 4096, true, &n, name, d);
        if (!t) {
            free(kc);
            return NULL;
        }
        bool bin = looks_binary((const uint8_t *)t, n);
        free(t);
        if (bin) {
            r = from_image(kc, name, p, len, d);
        } else {
            kc->form = XKL_KCONFIG_GZIP;
            r = from_gzip(kc, name, p, len, d);
        }
    } else if (looks_binary(p, len)) {
        r = from_image(kc, name, p, len, d);
    } else {
        kc->form = XKL_KCONFIG_TEXT;
        r = parse_text(kc, name, buf, len, d);
    }
    if (r < 0) {
        int e = errno;
        xkl_kconfig_free(kc);
        errno = e;
        return NULL;
    }
    return kc;
}

xkl_kconfig *xkl_kconfig_load(const char *path, xkl_diags *d)
{
    char *buf;
    size_t n;
    bool opened;
    if (xkl__read_file(path, MAX_FILE, &buf, &n, &opened) < 0) {
        int e = errno;
        if (e == EFBIG)
            xkl__diag(d, XKL_DIAG_ERROR, path, 0, 0, "larger than %u MiB: not a kernel or "
                      "its configuration", MAX_FILE >> 20);
        else
            xkl__diag(d, XKL_DIAG_ERROR, path, 0, 0, "cannot %s: %s", opened ? "read" : "open",
                      strerror(e));
        errno = e;
        return NULL;
    }
    xkl_kconfig *kc = xkl_kconfig_load_mem(buf, n, path, d);
    int e = errno;
    free(buf);
    errno = e;
    return kc;
}

const char *xkl_kconfig_running_path(char *buf, size_t len)
{
    if (len)
        buf[0] = 0;
    if (!access("/proc/config.gz", R_OK))
        return "/proc/config.gz";
    struct utsname u;
    if (uname(&u) < 0)
        return NULL;
    snprintf(buf, len, "/lib/modules/%s/config", u.release);
    if (!access(buf, R_OK))
        return buf;
    snprintf(buf, len, "/boot/config-%s", u.release);
    return access(buf, R_OK) == 0 ? buf : NULL;
}
