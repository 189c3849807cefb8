/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * From parsed xl.cfg settings to the typed domain configuration: the
 * checks xl's create does before it talks to the hypervisor (name, guest
 * type, numbers, shutdown actions, every disk and vif spec).
 *
 * One table, xkl__cfg_keys, has a row for every key xl.cfg(5) documents
 * (and the deprecated ones xl still reads): how it is converted (a generic
 * typed reader into a field, or a converter function for the special
 * cases), the guest types it applies to, and whether create acts on it
 * (support.c reads that). Keys xl knows but xkit does not type are kept
 * verbatim in xl_raw; keys nobody knows draw a warning (xl itself ignores
 * them silently).
 */
#include "private.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xkl__conv {
    const xkl_cfg *cfg;
    xkl_diags *d;
    struct xkl_domain_config *dc;
    enum xkl_domain_type type;
};
typedef struct xkl__conv conv_t;
typedef struct xkl__cfg_key cfg_key;

static void cerr(conv_t *c, const struct xkl_cfg_setting *s, const struct xkl_cfg_value *v,
                 enum xkl_diag_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void cerr(conv_t *c, const struct xkl_cfg_setting *s, const struct xkl_cfg_value *v,
                 enum xkl_diag_level lvl, const char *fmt, ...)
{
    const char *src = s ? s->source : (c->cfg->nsources ? c->cfg->sources[0] : NULL);
    int line = v ? v->line : s ? s->line : 0;
    int col = v ? v->col : s ? s->col : 0;
    va_list ap;
    va_start(ap, fmt);
    xkl__vdiag(c->d, lvl, src, line, col, fmt, ap);
    va_end(ap);
}

/* The effective value of KEY (NULL if absent); *S its last setting. */
static struct xkl_cfg_value *get(conv_t *c, const char *key, const struct xkl_cfg_setting **s)
{
    *s = NULL;
    return xkl__cfg_lookup(c->cfg, key, s, c->d);
}

/* The last setting of KEY, or NULL. */
static const struct xkl_cfg_setting *last_setting(const conv_t *c, const char *key)
{
    for (size_t i = c->cfg->n; i-- > 0;)
        if (!strcmp(c->cfg->v[i].name, key))
            return &c->cfg->v[i];
    return NULL;
}

/* "a list", or the value quoted, for messages. */
#define SHOW(v) (v)->kind == XKL_CFG_LIST ? "a list" : "'", \
                (v)->kind == XKL_CFG_LIST ? "" : (v)->str,  \
                (v)->kind == XKL_CFG_LIST ? "" : "'"

/* String or number spelling; a list is an error. 1 found, 0 absent, -1 error. */
static int get_str(conv_t *c, const char *key, char **out)
{
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, key, &s);
    if (!v)
        return 0;
    int r = 1;
    if (v->kind == XKL_CFG_LIST) {
        cerr(c, s, v, XKL_DIAG_ERROR, "expected a string for '%s', found a list", key);
        r = -1;
    } else {
        free(*out);
        *out = v->str;
        v->str = NULL;
    }
    xkl__cfg_value_free(v);
    return r;
}

static int to_int(const char *str, long long *out, bool allow_negative)
{
    if (allow_negative && str[0] == '-') {
        if (xkl__parse_int(str + 1, out) < 0)
            return -1;
        *out = -*out;
        return 0;
    }
    return xkl__parse_int(str, out);
}

/* A number, or a string holding one (xl accepts memory = "512"). */
static int get_int_range(conv_t *c, const char *key, long long *out, long long min,
                         long long max)
{
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, key, &s);
    if (!v)
        return 0;
    int r = 1;
    long long n;
    if (v->kind == XKL_CFG_LIST || to_int(v->str, &n, min < 0) < 0) {
        cerr(c, s, v, XKL_DIAG_ERROR, "expected a number for '%s', found %s%s%s", key, SHOW(v));
        r = -1;
    } else if (n < min || n > max) {
        cerr(c, s, v, XKL_DIAG_ERROR, "expected '%s' between %lld and %lld, found %lld", key, min, max, n);
        r = -1;
    } else {
        *out = n;
    }
    xkl__cfg_value_free(v);
    return r;
}

#define MAX_MB (1LL << 40)

/* BOOLEAN: a number, 0 false, anything else true. */
static int get_bool(conv_t *c, const char *key, signed char *out)
{
    long long n;
    int r = get_int_range(c, key, &n, 0, 0x7fffffff);
    if (r == 1)
        *out = n != 0;
    return r;
}

/* A list of strings, or (ALLOW_ATOM) one string as a one-item list. */
static int get_strlist(conv_t *c, const char *key, char ***list, size_t *n, bool allow_atom)
{
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, key, &s);
    if (!v)
        return 0;
    int r = 1;
    xkl__strlist_free(list, n);
    if (v->kind != XKL_CFG_LIST) {
        if (!allow_atom) {
            cerr(c, s, v, XKL_DIAG_ERROR, "expected a list of strings for '%s', found %s", key,
                 v->kind == XKL_CFG_STRING ? "a string" : "a number");
            r = -1;
        } else if (xkl__strlist_add(list, n, v->str) < 0) {
            r = -1;
        }
    } else {
        for (size_t i = 0; i < v->nitems && r == 1; i++) {
            const struct xkl_cfg_value *it = v->items[i];
            if (it->kind == XKL_CFG_LIST) {
                cerr(c, s, it, XKL_DIAG_ERROR, "expected a string in the list '%s', found a list", key);
                r = -1;
            } else if (xkl__strlist_add(list, n, it->str) < 0) {
                r = -1;
            }
        }
    }
    xkl__cfg_value_free(v);
    return r;
}

static const struct { const char *xl; enum xkl_action_on_shutdown a; } actions[] = {
    { "destroy", XKL_ACTION_DESTROY },
    { "restart", XKL_ACTION_RESTART },
    { "rename-restart", XKL_ACTION_RESTART_RENAME },
    { "preserve", XKL_ACTION_PRESERVE },
    { "coredump-destroy", XKL_ACTION_COREDUMP_DESTROY },
    { "coredump-restart", XKL_ACTION_COREDUMP_RESTART },
    { "soft-reset", XKL_ACTION_SOFT_RESET },
};

static int get_action(conv_t *c, const char *key, enum xkl_action_on_shutdown *out)
{
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, key, &s);
    if (!v)
        return 0;
    int r = -1;
    if (v->kind != XKL_CFG_LIST)
        for (size_t i = 0; i < sizeof actions / sizeof *actions; i++)
            if (!strcmp(v->str, actions[i].xl)) {
                *out = actions[i].a;
                r = 1;
            }
    if (r < 0)
        cerr(c, s, v, XKL_DIAG_ERROR,
             "expected %s to be destroy, restart, rename-restart, preserve, coredump-destroy, "
             "coredump-restart or soft-reset, found %s%s%s", key, SHOW(v));
    xkl__cfg_value_free(v);
    return r;
}

/* Report an error at the value of KEY (which is present). */
static void value_error(conv_t *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void value_error(conv_t *c, const char *key, const char *fmt, ...)
{
    const struct xkl_cfg_setting *s = last_setting(c, key);
    const char *src = s ? s->source : (c->cfg->nsources ? c->cfg->sources[0] : NULL);
    va_list ap;
    va_start(ap, fmt);
    xkl__vdiag(c->d, XKL_DIAG_ERROR, src, s ? s->value->line : 0, s ? s->value->col : 0, fmt, ap);
    va_end(ap);
}

/* ---- converters named in the table ---- */

/* The grub images (Debian's grub-xen-bin) that boot a PV or PVH guest
 * from its own disk: firmware = "pvgrub64" and bootloader = "pygrub" name
 * them as the guest's kernel. */
#define PVGRUB_PV XK_PVGRUB_DIR "/grub-x86_64-xen.bin"
#define PVGRUB_PVH XK_PVGRUB_DIR "/grub-i386-xen_pvh.bin"

/* xl: type= wins; else builder= must be a prefix of "hvm" or "generic"
 * (so builder="linux" is an error since 4.10); else pvh= (deprecated),
 * else pv (x86). */
static int conv_type(conv_t *c, const cfg_key *k)
{
    (void)k;
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, "type", &s);
    int r = 0;
    c->type = XKL_DOMAIN_TYPE_PV;
    if (v) {
        if (v->kind == XKL_CFG_LIST || xkl__domain_type_from_string(v->str, &c->type) < 0 ||
            c->type == XKL_DOMAIN_TYPE_INVALID) {
            cerr(c, s, v, XKL_DIAG_ERROR, "expected type pv, pvh or hvm, found %s%s%s", SHOW(v));
            c->type = XKL_DOMAIN_TYPE_INVALID;
            r = -1;
        }
    } else if ((v = get(c, "builder", &s))) {
        size_t n = v->kind == XKL_CFG_LIST ? 0 : strlen(v->str);
        if (v->kind != XKL_CFG_LIST && !strncmp(v->str, "hvm", n) && n <= 3)
            c->type = XKL_DOMAIN_TYPE_HVM;
        else if (v->kind != XKL_CFG_LIST && !strncmp(v->str, "generic", n) && n <= 7)
            c->type = XKL_DOMAIN_TYPE_PV;
        else {
            cerr(c, s, v, XKL_DIAG_ERROR,
                 "invalid domain type: expected builder \"hvm\" or \"generic\" (or type = \"pv\", \"pvh\", \"hvm\"), found %s%s%s",
                 SHOW(v));
            c->type = XKL_DOMAIN_TYPE_INVALID;
            r = -1;
        }
    } else {
        signed char pvh = 0;
        if (get_bool(c, "pvh", &pvh) < 0) {
            c->type = XKL_DOMAIN_TYPE_INVALID;
            return -1;
        }
        c->type = pvh ? XKL_DOMAIN_TYPE_PVH : XKL_DOMAIN_TYPE_PV;
    }
    xkl__cfg_value_free(v);
    c->dc->c_info.type = c->type;
    return r;
}

static int conv_name(conv_t *c, const cfg_key *k)
{
    struct xkl_c_info *ci = &c->dc->c_info;
    int nr = get_str(c, k->name, &ci->name);
    if (nr == 0 || (nr == 1 && !*ci->name)) {
        cerr(c, NULL, NULL, XKL_DIAG_ERROR, "domain name must be specified: expected name = \"...\"");
        return -1;
    }
    return nr < 0 ? -1 : 0;
}

static int conv_uuid(conv_t *c, const cfg_key *k)
{
    char *str = NULL;
    int r = get_str(c, k->name, &str);
    if (r == 1 && xkl__uuid_parse(str, c->dc->c_info.uuid) < 0) {
        value_error(c, k->name, "expected a uuid xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, found '%s'", str);
        r = -1;
    }
    free(str);
    return r < 0 ? -1 : 0;
}

/* memory and maxmem: xl's defaults are libxl's, left unset here; maxmem
 * defaults to memory. */
static int conv_memory(conv_t *c, const cfg_key *k)
{
    struct xkl_b_info *bi = &c->dc->b_info;
    long long mem = -1, maxmem = -1;
    int r = 0;
    if (get_int_range(c, k->name, &mem, 0, MAX_MB) < 0)
        r = -1;
    if (get_int_range(c, "maxmem", &maxmem, 0, MAX_MB) < 0)
        r = -1;
    if (mem >= 0)
        bi->target_memkb = mem * 1024;
    if (maxmem >= 0)
        bi->max_memkb = maxmem * 1024;
    else if (mem >= 0)
        bi->max_memkb = mem * 1024;
    return r;
}

static int conv_vcpus(conv_t *c, const cfg_key *k)
{
    struct xkl_b_info *bi = &c->dc->b_info;
    long long vcpus = 1, maxvcpus = -1;
    int r = 0;
    int gv = get_int_range(c, k->name, &vcpus, 1, 4096);
    int gm = get_int_range(c, "maxvcpus", &maxvcpus, 1, 4096);
    if (gv < 0 || gm < 0)
        r = -1;
    /* neither key: both 0, as libxl keeps them (create gives one vcpu) */
    bool given = gv > 0 || gm > 0;
    bi->avail_vcpus = given ? vcpus : 0;
    bi->max_vcpus = !given ? 0 : maxvcpus > 0 ? maxvcpus : vcpus;
    if (maxvcpus > 0 && maxvcpus < vcpus) {
        value_error(c, "maxvcpus", "expected maxvcpus (%lld) >= vcpus (%lld)", maxvcpus, vcpus);
        r = -1;
    }
    return r;
}

/* One CPULIST as xl reads it: "all", or comma-separated items, each N,
 * N-M, node:N, nodes:N-M or "all", optionally prefixed with '^' to take
 * them away; empty items are skipped. */
static bool range_ok(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && *q >= '0' && *q <= '9')
        q++;
    if (q == p || q - p > 9)
        return false;
    long a = strtol(p, NULL, 10);
    if (q == end)
        return true;
    if (*q != '-')
        return false;
    const char *r = ++q;
    while (q < end && *q >= '0' && *q <= '9')
        q++;
    if (q == r || q != end || q - r > 9)
        return false;
    return strtol(r, NULL, 10) >= a;
}

bool xkl__cpulist_ok(const char *s)
{
    if (!s)
        return false;
    bool any = false;
    for (const char *p = s; *p;) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        const char *t = p;
        if (t < end) {
            any = true;
            if (*t == '^')
                t++;
            size_t n = (size_t)(end - t);
            if (n == 3 && !strncmp(t, "all", 3))
                ;
            else if (n > 5 && !strncmp(t, "node:", 5) && range_ok(t + 5, end))
                ;
            else if (n > 6 && !strncmp(t, "nodes:", 6) && range_ok(t + 6, end))
                ;
            else if (!range_ok(t, end))
                return false;
        }
        p = *end ? end + 1 : end;
    }
    return any;
}

#define CPULIST_HELP "all, N, N-M, node:N or nodes:N-M, each optionally after '^', separated by ','"

/* cpus / cpus_soft: a CPULIST for every vcpu, or a list of them, entry N
 * for vcpu N. */
static int conv_cpus(conv_t *c, const cfg_key *k)
{
    struct xkl_b_info *bi = &c->dc->b_info;
    bool soft = !strcmp(k->name, "cpus_soft");
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, k->name, &s);
    if (!v)
        return 0;
    int r = 0;
    if (v->kind != XKL_CFG_LIST) {
        if (!xkl__cpulist_ok(v->str)) {
            cerr(c, s, v, XKL_DIAG_ERROR, "expected a CPU list (" CPULIST_HELP ") for '%s', found '%s'",
                 k->name, v->str);
            r = -1;
        } else {
            char **dst = soft ? &bi->cpus_soft : &bi->cpus;
            free(*dst);
            *dst = v->str;
            v->str = NULL;
        }
        xkl__cfg_value_free(v);
        return r;
    }
    char ***list = soft ? &bi->cpus_soft_per_vcpu : &bi->cpus_per_vcpu;
    size_t *n = soft ? &bi->num_cpus_soft_per_vcpu : &bi->num_cpus_per_vcpu;
    xkl__strlist_free(list, n);
    for (size_t i = 0; i < v->nitems && r == 0; i++) {
        const struct xkl_cfg_value *it = v->items[i];
        if (it->kind == XKL_CFG_LIST || !xkl__cpulist_ok(it->str)) {
            cerr(c, s, it, XKL_DIAG_ERROR,
                 "expected a CPU list (" CPULIST_HELP ") for vcpu %zu in '%s', found %s%s%s", i,
                 k->name, SHOW(it));
            r = -1;
        } else if ((long long)i >= (bi->max_vcpus ? bi->max_vcpus : 1)) {
            /* xl pins only the vcpus the guest has */
            cerr(c, s, it, XKL_DIAG_WARNING,
                 "'%s' has %zu entries but the guest has %lld vcpus: entries from %zu on ignored",
                 k->name, v->nitems, bi->max_vcpus ? bi->max_vcpus : 1, i);
            break;
        } else if (xkl__strlist_add(list, n, it->str) < 0) {
            r = -1;
        }
    }
    xkl__cfg_value_free(v);
    return r;
}

/* tsc_mode: a name, or the old numbers 0..3 */
static int conv_tsc(conv_t *c, const cfg_key *k)
{
    struct xkl_b_info *bi = &c->dc->b_info;
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, k->name, &s);
    if (!v)
        return 0;
    int r = 0;
    long long t;
    if (v->kind == XKL_CFG_LIST) {
        cerr(c, s, v, XKL_DIAG_ERROR, "expected tsc_mode default, always_emulate, native or native_paravirt, found a list");
        r = -1;
    } else if (xkl__parse_int(v->str, &t) == 0 && t >= 0 && t <= 3) {
        bi->tsc_mode = (enum xkl_tsc_mode)t;
    } else if (xkl__tsc_mode_from_string(v->str, &bi->tsc_mode) < 0) {
        cerr(c, s, v, XKL_DIAG_ERROR, "expected tsc_mode default, always_emulate, native or native_paravirt, found '%s'", v->str);
        r = -1;
    }
    xkl__cfg_value_free(v);
    return r;
}

/* pygrub, by name or by path */
static bool is_pygrub(const char *path)
{
    const char *base = strrchr(path, '/');
    return !strcmp(base ? base + 1 : path, "pygrub");
}

/* Arguments pygrub takes that change nothing the guest boots. */
static bool quiet_arg(const char *a)
{
    return !strcmp(a, "-q") || !strcmp(a, "--quiet");
}

/* bootloader: nothing in dom0 reads a guest's disk, so pygrub (xl's
 * bootloader) maps to pvgrub: the grub image boots as the guest's kernel
 * and reads the guest's own /boot/grub/grub.cfg inside the guest. What
 * pygrub would have been told (a kernel, ramdisk or command line inside
 * the guest, an entry) pvgrub cannot be: then pygrub is not mapped, a
 * warning located at that key says why, and create refuses the bootloader
 * (xl accepts such a config, so converting it does not fail). Another
 * bootloader stays as written, and create refuses it. Converted after
 * kernel, ramdisk, bootloader_args and the command line. */
static int conv_bootloader(conv_t *c, const cfg_key *k)
{
    struct xkl_b_info *bi = &c->dc->b_info;
    int r = get_str(c, k->name, &bi->bootloader);
    if (r <= 0)
        return r;
    bool pv = c->type == XKL_DOMAIN_TYPE_PV;
    if ((!pv && c->type != XKL_DOMAIN_TYPE_PVH) || !is_pygrub(bi->bootloader))
        return 0;
    static const char *const clash[] = { "kernel", "ramdisk", "cmdline", "root", "extra", "firmware" };
    const struct xkl_cfg_setting *at;
    for (size_t i = 0; i < sizeof clash / sizeof *clash; i++)
        if ((at = last_setting(c, clash[i]))) {
            cerr(c, at, at->value, XKL_DIAG_WARNING,
                 "'%s' with bootloader '%s': not mapped to pvgrub, which boots what the guest's "
                 "/boot/grub/grub.cfg names (create refuses the bootloader; remove '%s')",
                 clash[i], bi->bootloader, clash[i]);
            return 0;
        }
    for (size_t i = 0; i < bi->num_bootloader_args; i++)
        if (!quiet_arg(bi->bootloader_args[i]) && (at = last_setting(c, "bootloader_args"))) {
            cerr(c, at, at->value, XKL_DIAG_WARNING,
                 "bootloader_args '%s' with bootloader '%s': not mapped to pvgrub, which boots "
                 "the guest's default grub.cfg entry (create refuses the bootloader)",
                 bi->bootloader_args[i], bi->bootloader);
            return 0;
        }
    const char *grub = pv ? PVGRUB_PV : PVGRUB_PVH;
    const struct xkl_cfg_setting *s = last_setting(c, k->name);
    cerr(c, s, s ? s->value : NULL, XKL_DIAG_WARNING,
         "bootloader '%s' maps to pvgrub (kernel %s): the guest's own grub reads its "
         "/boot/grub/grub.cfg inside the guest; nothing parses the guest's disk in dom0",
         bi->bootloader, grub);
    char *kernel = strdup(grub);
    if (!kernel) {
        value_error(c, k->name, "bootloader: %s", strerror(errno));
        return -1;
    }
    free(bi->kernel);
    bi->kernel = kernel;
    free(bi->bootloader);
    bi->bootloader = NULL;
    return 0;
}

static bool set_bootloader(const struct xkl_domain_config *dc, const cfg_key *k)
{
    (void)k;
    return dc->b_info.bootloader != NULL;
}

/* bootloader_args: a list, or (deprecated) a string split on blanks */
static int conv_bootloader_args(conv_t *c, const cfg_key *k)
{
    struct xkl_b_info *bi = &c->dc->b_info;
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, k->name, &s);
    int r = 0;
    if (v && v->kind != XKL_CFG_LIST) {
        char *save = NULL;
        xkl__strlist_free(&bi->bootloader_args, &bi->num_bootloader_args);
        for (char *t = strtok_r(v->str, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
            if (xkl__strlist_add(&bi->bootloader_args, &bi->num_bootloader_args, t) < 0)
                r = -1;
    } else if (v && get_strlist(c, k->name, &bi->bootloader_args, &bi->num_bootloader_args, false) < 0) {
        r = -1;
    }
    xkl__cfg_value_free(v);
    return r;
}

/* kernel command line: cmdline wins over root + extra, as in xl */
static int conv_cmdline(conv_t *c, const cfg_key *k)
{
    struct xkl_b_info *bi = &c->dc->b_info;
    char *root = NULL, *extra = NULL;
    int r = 0;
    if (get_str(c, k->name, &bi->cmdline) < 0 || get_str(c, "root", &root) < 0 ||
        get_str(c, "extra", &extra) < 0)
        r = -1;
    if (bi->cmdline && (root || extra)) {
        cerr(c, NULL, NULL, XKL_DIAG_WARNING, "root= and extra= ignored in favour of cmdline=");
    } else if (root || extra) {
        int a = asprintf(&bi->cmdline, "%s%s%s%s", root ? "root=" : "", root ? root : "",
                         root && extra ? " " : "", extra ? extra : "");
        if (a < 0) {
            bi->cmdline = NULL;
            r = -1;
        }
    }
    free(root);
    free(extra);
    return r;
}

static int conv_dm_version(conv_t *c, const cfg_key *k)
{
    char *str = NULL;
    int r = get_str(c, k->name, &str);
    if (r == 1) {
        if (!strcmp(str, "qemu-xen"))
            c->dc->b_info.device_model_version = XKL_DM_VERSION_QEMU_XEN;
        else if (!strcmp(str, "qemu-xen-traditional"))
            c->dc->b_info.device_model_version = XKL_DM_VERSION_QEMU_XEN_TRADITIONAL;
        else {
            value_error(c, k->name, "expected device_model_version qemu-xen or qemu-xen-traditional, found '%s'", str);
            r = -1;
        }
    }
    free(str);
    return r < 0 ? -1 : 0;
}

/* xm's device_model: xl ignores it with a warning, and so do we */
static int conv_device_model(conv_t *c, const cfg_key *k)
{
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, k->name, &s);
    if (v)
        cerr(c, s, v, XKL_DIAG_WARNING, "device_model ignored (as by xl); use device_model_override for a non-default device model");
    xkl__cfg_value_free(v);
    return 0;
}

static int conv_bios(conv_t *c, const cfg_key *k)
{
    char **bios = &c->dc->b_info.hvm.bios;
    int r = get_str(c, k->name, bios);
    if (r == 1 && strcmp(*bios, "rombios") && strcmp(*bios, "seabios") && strcmp(*bios, "ovmf")) {
        value_error(c, k->name, "expected bios rombios, seabios or ovmf, found '%s'", *bios);
        r = -1;
    }
    return r < 0 ? -1 : 0;
}

/* vga = "stdvga"|"cirrus"|..., or the deprecated stdvga = BOOLEAN; vga wins */
static int conv_vga(conv_t *c, const cfg_key *k)
{
    struct xkl_hvm_info *h = &c->dc->b_info.hvm;
    signed char b = -1;
    char *str = NULL;
    int r = 0;
    int got = get_bool(c, k->name, &b);
    if (got < 0)
        r = -1;
    else if (got == 1 && b) {
        free(h->vga_kind);
        h->vga_kind = strdup("std");
        if (!h->vga_kind)
            r = -1;
    }
    got = get_str(c, "vga", &str);
    if (got < 0)
        r = -1;
    else if (got == 1) {
        free(h->vga_kind);
        h->vga_kind = strdup(strcmp(str, "stdvga") == 0 ? "std" : str);
        if (!h->vga_kind)
            r = -1;
    }
    free(str);
    return r;
}

/* viridian: a BOOLEAN or a list of enlightenment groups */
static int conv_viridian(conv_t *c, const cfg_key *k)
{
    struct xkl_hvm_info *h = &c->dc->b_info.hvm;
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, k->name, &s);
    if (!v)
        return 0;
    bool list = v->kind == XKL_CFG_LIST;
    xkl__cfg_value_free(v);
    if (list) {
        h->viridian = 1;
        return get_strlist(c, k->name, &h->viridian_enable, &h->num_viridian_enable, false) < 0 ? -1 : 0;
    }
    return get_bool(c, k->name, &h->viridian) < 0 ? -1 : 0;
}

/* firmware: the HVM firmware (bios, uefi, a path...); for PV, as in xl, a
 * shorthand for the kernel: pvgrub64 is the 64-bit grub image (a 32-bit
 * PV guest cannot be built), and it cannot be given with kernel= */
static int conv_firmware(conv_t *c, const cfg_key *k)
{
    if (c->type == XKL_DOMAIN_TYPE_HVM)
        return get_str(c, k->name, &c->dc->b_info.hvm.firmware) < 0 ? -1 : 0;
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, k->name, &s);
    if (!v)
        return 0;
    struct xkl_b_info *bi = &c->dc->b_info;
    int r = -1;
    if (v->kind == XKL_CFG_LIST)
        cerr(c, s, v, XKL_DIAG_ERROR, "expected firmware pvgrub64 for a PV guest, found a list");
    else if (bi->kernel)
        cerr(c, s, v, XKL_DIAG_ERROR, "both kernel and firmware specified: firmware '%s' is the kernel",
             v->str);
    else if (!strcmp(v->str, "pvgrub32"))
        cerr(c, s, v, XKL_DIAG_ERROR,
             "firmware 'pvgrub32': 32-bit PV guests are not supported (pvgrub64 boots 64-bit ones)");
    else if (strcmp(v->str, "pvgrub64"))
        cerr(c, s, v, XKL_DIAG_ERROR, "expected firmware pvgrub64 for a PV guest, found '%s'", v->str);
    else if (!(bi->kernel = strdup(PVGRUB_PV)))
        cerr(c, s, v, XKL_DIAG_ERROR, "firmware: %s", strerror(errno));
    else
        r = 0;
    xkl__cfg_value_free(v);
    return r;
}

/* deprecated firmware_override: the HVM firmware path */
static int conv_firmware_override(conv_t *c, const cfg_key *k)
{
    return get_str(c, k->name, &c->dc->b_info.hvm.firmware) < 0 ? -1 : 0;
}

/* A list of spec strings (disk=, vif=, and the device keys to come): the
 * list itself is checked here, each item is handed to one(), which parses
 * it into a new element. */
typedef int spec_fn(conv_t *c, const struct xkl_cfg_setting *s, const struct xkl_cfg_value *it,
                    size_t index);

static int conv_spec_list(conv_t *c, const cfg_key *k, const char *what, const char *example,
                          spec_fn *one)
{
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, k->name, &s);
    if (!v)
        return 0;
    int r = 0;
    if (v->kind != XKL_CFG_LIST) {
        cerr(c, s, v, XKL_DIAG_ERROR, "expected a list of %s specs for '%s', e.g. [ '%s' ]", what,
             k->name, example);
        r = -1;
    }
    for (size_t i = 0; r == 0 && i < v->nitems; i++) {
        const struct xkl_cfg_value *it = v->items[i];
        if (it->kind == XKL_CFG_LIST) {
            cerr(c, s, it, XKL_DIAG_ERROR, "expected a %s spec string, found a list", what);
            r = -1;
        } else if (one(c, s, it, i) < 0) {
            r = -1;
        }
    }
    xkl__cfg_value_free(v);
    return r;
}

static int one_disk(conv_t *c, const struct xkl_cfg_setting *s, const struct xkl_cfg_value *it,
                    size_t index)
{
    struct xkl_disk *dk = xkl__disk_add(c->dc);
    if (!dk) {
        cerr(c, s, it, XKL_DIAG_ERROR, "disk: out of memory");
        return -1;
    }
    return xkl__disk_parse(dk, it->str, s->source, it->line, it->col, c->d);
}

static int one_vif(conv_t *c, const struct xkl_cfg_setting *s, const struct xkl_cfg_value *it,
                   size_t index)
{
    struct xkl_nic *nic = xkl__nic_add(c->dc);
    if (!nic) {
        cerr(c, s, it, XKL_DIAG_ERROR, "vif: out of memory");
        return -1;
    }
    if (xkl__nic_parse(nic, it->str, s->source, it->line, it->col, c->d) < 0)
        return -1;
    if (nic->devid < 0)
        nic->devid = (long long)index;   /* xl numbers vifs in list order */
    return 0;
}

static int conv_disks(conv_t *c, const cfg_key *k)
{
    return conv_spec_list(c, k, "disk", "phy:/dev/vg/lv,xvda,w", one_disk);
}

static int conv_vifs(conv_t *c, const cfg_key *k)
{
    return conv_spec_list(c, k, "vif", "bridge=xenbr0", one_vif);
}

/* One spec of a device kind of the table (the key is the kind's name):
 * its element of the config, numbered in list order from the kind's
 * first devid when the spec gives none. */
static int one_vdev(conv_t *c, const struct xkl_cfg_setting *s, const struct xkl_cfg_value *it,
                    size_t index)
{
    const struct xkl__vdev_type *t = xkl__vdev_type_find(s->name);
    void *o = t ? xkl__vdev_append(c->dc, t) : NULL;
    if (!o) {
        cerr(c, s, it, XKL_DIAG_ERROR, "%s: out of memory", s->name);
        return -1;
    }
    const struct xkl__spec_item item = { it->str, it->line, it->col };
    if (t->parse(o, &item, 1, s->source, c->d) < 0)
        return -1;
    /* xl.cfg(5) on vtpm's backend=: "This value is required!" */
    const char *be = t->backend_of(o);
    if (t->cfg_needs_backend && (!be || !*be)) {
        cerr(c, s, it, XKL_DIAG_ERROR, "%s spec '%s': backend= is required (the domain that "
             "serves it)", t->name, it->str);
        return -1;
    }
    long long *devid = xkl__vdev_devid(t, o);
    if (*devid < 0)
        *devid = (long long)index + t->first_devid;
    return 0;
}

/* vkb=, vtpm=, vdispl=, channel=: a list of specs. (Xen 4.17's xl numbers
 * channels from 0 and loses a PV guest's first one to the primary
 * console; ours are 1, 2, ....) */
static int conv_vdevs(conv_t *c, const cfg_key *k)
{
    const struct xkl__vdev_type *t = xkl__vdev_type_find(k->name);
    return conv_spec_list(c, k, t->name, t->example, one_vdev);
}

/* vsnd = [ [ 'card, ...', 'pcm, ...', 'stream, ...' ], ... ]: a list of
 * cards, each a list of its items */
static int conv_vsnds(conv_t *c, const cfg_key *k)
{
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, k->name, &s);
    if (!v)
        return 0;
    int r = 0;
    if (v->kind != XKL_CFG_LIST) {
        cerr(c, s, v, XKL_DIAG_ERROR, "expected a list of sound cards for 'vsnd', e.g. "
             "[ [ 'card, short-name=SN', 'pcm, name=P0', 'stream, unique-id=S0, type=p' ] ]");
        r = -1;
    }
    for (size_t i = 0; r == 0 && i < v->nitems; i++) {
        const struct xkl_cfg_value *card = v->items[i];
        if (card->kind != XKL_CFG_LIST || !card->nitems) {
            cerr(c, s, card, XKL_DIAG_ERROR, "expected a sound card as a list of its items "
                 "[ 'card, ...', 'pcm, ...', 'stream, ...' ]");
            r = -1;
            break;
        }
        struct xkl__spec_item *items = calloc(card->nitems, sizeof *items);
        struct xkl_vsnd *vs = items ? xkl__vdev_append(c->dc, &xkl__vdev_types[XKL__VDEV_VSND]) : NULL;
        if (!vs) {
            free(items);
            cerr(c, s, card, XKL_DIAG_ERROR, "vsnd: out of memory");
            r = -1;
            break;
        }
        for (size_t j = 0; j < card->nitems && r == 0; j++) {
            const struct xkl_cfg_value *it = card->items[j];
            if (it->kind == XKL_CFG_LIST) {
                cerr(c, s, it, XKL_DIAG_ERROR, "expected a vsnd item string, found a list");
                r = -1;
            }
            items[j] = (struct xkl__spec_item){ it->str, it->line, it->col };
        }
        if (r == 0 && xkl__vsnd_parse(vs, items, card->nitems, s->source, c->d) < 0)
            r = -1;
        if (r == 0 && vs->devid < 0)
            vs->devid = (long long)i;
        free(items);
    }
    xkl__cfg_value_free(v);
    return r;
}

/* "[DDDD:]BB:DD.F[@VSLOT][,options]": only the address is checked. */
static bool pci_bdf_ok(const char *p)
{
    unsigned a, b, dd;
    char f[2];
    int n = 0;
    if (sscanf(p, "%x:%x:%x.%1[0-7*]%n", &a, &b, &dd, f, &n) == 4 && n > 0)
        return a <= 0xffff && b <= 0xff && dd <= 0x1f;
    n = 0;
    if (sscanf(p, "%x:%x.%1[0-7*]%n", &b, &dd, f, &n) == 3 && n > 0)
        return b <= 0xff && dd <= 0x1f;
    return false;
}

static int conv_pcis(conv_t *c, const cfg_key *k)
{
    struct xkl_domain_config *dc = c->dc;
    int r = get_strlist(c, k->name, &dc->pcidevs, &dc->num_pcidevs, false);
    if (r <= 0)
        return r;
    r = 0;
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, k->name, &s);
    for (size_t i = 0; v && i < dc->num_pcidevs; i++) {
        const char *p = dc->pcidevs[i];
        /* keyword form "bdf=..." is newer xl syntax */
        if (!strncmp(p, "bdf=", 4))
            p += 4;
        if (strchr(p, '=') && !strstr(dc->pcidevs[i], "bdf=") && strchr(p, ',') > strchr(p, '='))
            continue;
        if (!pci_bdf_ok(p)) {
            cerr(c, s, v->items[i], XKL_DIAG_ERROR,
                 "expected a PCI address [DDDD:]BB:DD.F in pci spec, found '%s'", dc->pcidevs[i]);
            r = -1;
        }
    }
    xkl__cfg_value_free(v);
    return r;
}

/* ---- "is it set" tests for settings create cannot act on ---- */

static bool set_true(const struct xkl_domain_config *dc, const cfg_key *k)
{
    return *(const signed char *)((const char *)dc + k->off) == 1;
}

static bool set_false(const struct xkl_domain_config *dc, const cfg_key *k)
{
    return *(const signed char *)((const char *)dc + k->off) == 0;
}

/* Pool-0 is where a domain goes anyway */
/* shadow_memory sizes a PVH or HVM guest's HAP pool (create acts on it);
 * for PV (shadow paging, log-dirty) nothing uses it yet */
static bool set_shadow(const struct xkl_domain_config *dc, const cfg_key *k)
{
    (void)k;
    return dc->b_info.shadow_memkb >= 0 && dc->c_info.type == XKL_DOMAIN_TYPE_PV;
}

static bool is_hvm(const struct xkl_domain_config *dc)
{
    return dc->c_info.type == XKL_DOMAIN_TYPE_HVM;
}

/* vnc= / sdl= on a PV guest ask for a vfb device, which xkit has not;
 * for HVM, vnc is QEMU's display (create acts on it) */
static bool set_vnc(const struct xkl_domain_config *dc, const cfg_key *k)
{
    return set_true(dc, k) && !is_hvm(dc);
}

/* the HVM device model's settings: for PV and PVH, QEMU serves qdisk
 * backends only, with its own fixed arguments */
static bool set_dm_override(const struct xkl_domain_config *dc, const cfg_key *k)
{
    (void)k;
    return dc->b_info.device_model != NULL && !is_hvm(dc);
}

static bool set_dm_args(const struct xkl_domain_config *dc, const cfg_key *k)
{
    (void)k;
    return dc->b_info.num_extra > 0 && !is_hvm(dc);
}

static bool set_altp2m(const struct xkl_domain_config *dc, const cfg_key *k)
{
    (void)k;
    return dc->b_info.altp2m && strcmp(dc->b_info.altp2m, "disabled");
}

static bool set_disks(const struct xkl_domain_config *dc, const cfg_key *k)
{
    (void)k;
    return dc->num_disks > 0;
}

static bool set_nics(const struct xkl_domain_config *dc, const cfg_key *k)
{
    (void)k;
    return dc->num_nics > 0;
}

static bool set_pcis(const struct xkl_domain_config *dc, const cfg_key *k)
{
    (void)k;
    return dc->num_pcidevs > 0;
}

static bool set_viridian(const struct xkl_domain_config *dc, const cfg_key *k)
{
    (void)k;
    return dc->b_info.hvm.num_viridian_enable > 0;
}

/* ---- the table ---- */

#define FLD(m) offsetof(struct xkl_domain_config, m)
#define PV XKL__KT_PV
#define PVH XKL__KT_PVH
#define HVM XKL__KT_HVM
#define ANY XKL__KT_ANY
#define ACTS XKL__CREATE_ACTS
#define NOT XKL__CREATE_NOT
#define INERT XKL__CREATE_INERT
#define ROW(n, kd, t, a) .name = n, .kind = XKL__KEY_##kd, .types = t, .create = a
#define R_STR(n, t, a, m, ...) { ROW(n, STR, t, a), .off = FLD(m), __VA_ARGS__ }
#define R_INT(n, t, a, m, lo, hi) { ROW(n, INT, t, a), .off = FLD(m), .min = lo, .max = hi }
#define R_MB(n, t, a, m, ...) { ROW(n, MB, t, a), .off = FLD(m), .max = MAX_MB, __VA_ARGS__ }
#define R_BOOL(n, t, a, m, ...) { ROW(n, BOOL, t, a), .off = FLD(m), __VA_ARGS__ }
#define R_LIST(n, t, a, p, m) { ROW(n, LIST, t, a), .off = FLD(p.m), .noff = FLD(p.num_##m) }
#define R_LIST1(n, t, a, p, m) { ROW(n, LIST1, t, a), .off = FLD(p.m), .noff = FLD(p.num_##m) }
#define R_ACTION(n, m) { ROW(n, ACTION, ANY, ACTS), .off = FLD(m) }
#define R_FN(n, t, a, fn, ...) { ROW(n, FN, t, a), .conv = fn, __VA_ARGS__ }
#define R_BY(n, t) { ROW(n, BY, t, INERT) }
#define R_RAW(n, t) { ROW(n, RAW, t, NOT) }

/* In the order they are converted (and checked by create): the guest type
 * first, since every other row is checked against it. */
const struct xkl__cfg_key xkl__cfg_keys[] = {
    R_FN("type", ANY, ACTS, conv_type),
    R_BY("builder", ANY),                 /* deprecated: read by type */
    R_BY("pvh", ANY),                     /* deprecated: read by type */
    R_FN("name", ANY, ACTS, conv_name),
    R_FN("uuid", ANY, ACTS, conv_uuid),
    R_BOOL("hap", HVM | PVH, ACTS, c_info.hap),
    R_BOOL("oos", HVM | PVH, NOT, c_info.oos, .set = set_false),
    R_BOOL("driver_domain", ANY, NOT, c_info.driver_domain, .set = set_true),
    R_STR("pool", ANY, ACTS, c_info.pool_name),   /* the cpupool the domain is born in */
    R_FN("memory", ANY, ACTS, conv_memory),
    R_BY("maxmem", ANY),                  /* read by memory */
    R_FN("vcpus", ANY, ACTS, conv_vcpus),
    R_BY("maxvcpus", ANY),                /* read by vcpus */
    R_FN("cpus", ANY, ACTS, conv_cpus),
    R_FN("cpus_soft", ANY, ACTS, conv_cpus),
    R_MB("shadow_memory", ANY, NOT, b_info.shadow_memkb, .set = set_shadow),   /* PVH: acted on */
    R_MB("videoram", ANY, ACTS, b_info.video_memkb),
    R_INT("cpu_weight", ANY, ACTS, b_info.sched_params.weight, 1, 65535),
    R_INT("cap", ANY, ACTS, b_info.sched_params.cap, 0, 1 << 20),
    R_BOOL("nestedhvm", HVM | PVH, ACTS, b_info.nested_hvm),
    R_BOOL("acpi", HVM | PVH, ACTS, b_info.acpi),   /* PVH: libguest's tables; HVM: hvmloader's */
    R_STR("altp2m", HVM | PVH, NOT, b_info.altp2m, .set = set_altp2m),
    R_FN("tsc_mode", ANY, ACTS, conv_tsc),
    R_STR("kernel", ANY, ACTS, b_info.kernel),
    R_STR("ramdisk", ANY, ACTS, b_info.ramdisk),
    R_FN("bootloader_args", ANY, INERT, conv_bootloader_args),   /* nothing without a bootloader */
    R_FN("cmdline", ANY, ACTS, conv_cmdline),
    R_BY("root", ANY),                    /* read by cmdline */
    R_BY("extra", ANY),                   /* read by cmdline */
    /* after the boot keys above, which it checks: pygrub becomes pvgrub (a
     * kernel); any other bootloader is refused by create */
    R_FN("bootloader", ANY, NOT, conv_bootloader, .set = set_bootloader),
    R_FN("device_model_version", ANY, INERT, conv_dm_version),  /* no device model runs */
    R_BOOL("device_model_stubdomain_override", ANY, NOT, b_info.device_model_stubdomain, .set = set_true),
    R_STR("device_model_override", ANY, NOT, b_info.device_model, .set = set_dm_override),
    R_FN("device_model", ANY, INERT, conv_device_model),
    R_STR("device_model_user", ANY, NOT, b_info.device_model_user),
    { ROW("device_model_args", LIST, ANY, NOT), .off = FLD(b_info.extra), .noff = FLD(b_info.num_extra), .set = set_dm_args },
    R_LIST("device_model_args_pv", ANY, NOT, b_info, extra_pv),
    R_LIST("device_model_args_hvm", HVM, ACTS, b_info, extra_hvm),
    /* display: for PV, vnc= or sdl= make xl add a vfb device */
    R_BOOL("vnc", ANY, NOT, b_info.vnc.enable, .set = set_vnc),
    R_STR("vnclisten", ANY, INERT, b_info.vnc.listen),
    R_STR("vncpasswd", ANY, INERT, b_info.vnc.passwd),
    R_INT("vncdisplay", ANY, INERT, b_info.vnc.display, 0, 65535),
    R_BOOL("vncunused", ANY, INERT, b_info.vnc.findunused),
    R_BOOL("sdl", ANY, NOT, b_info.sdl.enable, .set = set_true),
    R_BOOL("opengl", ANY, INERT, b_info.sdl.opengl),
    R_STR("display", ANY, INERT, b_info.sdl.display),
    R_STR("xauthority", ANY, INERT, b_info.sdl.xauthority),
    /* HVM */
    R_FN("firmware", PV | HVM, ACTS, conv_firmware),
    R_FN("bios", HVM, ACTS, conv_bios, .off = FLD(b_info.hvm.bios)),
    R_STR("bios_path_override", HVM, ACTS, b_info.hvm.system_firmware),
    /* the CPUID policy is Xen's default, which has them on: only off is refused */
    R_BOOL("pae", HVM, NOT, b_info.hvm.pae, .set = set_false),
    R_BOOL("apic", HVM, NOT, b_info.hvm.apic, .set = set_false),
    R_BOOL("nx", HVM, NOT, b_info.hvm.nx, .set = set_false),
    R_BOOL("hpet", HVM, ACTS, b_info.hvm.hpet),
    R_BOOL("vpt_align", HVM, ACTS, b_info.hvm.vpt_align),
    R_STR("timeoffset", HVM, NOT, b_info.hvm.timeoffset),
    R_STR("boot", HVM, ACTS, b_info.hvm.boot),
    R_BOOL("usb", HVM, ACTS, b_info.hvm.usb),
    R_LIST1("usbdevice", HVM, ACTS, b_info.hvm, usbdevice_list),
    R_STR("soundhw", HVM, NOT, b_info.hvm.soundhw),
    R_LIST1("serial", HVM, ACTS, b_info.hvm, serial_list),
    R_STR("keymap", HVM, ACTS, b_info.hvm.keymap),
    R_BOOL("nographic", HVM, ACTS, b_info.hvm.nographic),
    R_BOOL("localtime", HVM, ACTS, b_info.hvm.localtime),
    R_INT("rtc_timeoffset", HVM, ACTS, b_info.hvm.rtc_timeoffset, -(1LL << 40), 1LL << 40),
    R_MB("mmio_hole", HVM, NOT, b_info.hvm.mmio_hole_memkb),
    R_FN("stdvga", HVM, ACTS, conv_vga),
    R_BY("vga", HVM),                     /* read by stdvga */
    /* viridian=1 acts (the default groups); a list of groups does not yet */
    R_FN("viridian", HVM, NOT, conv_viridian, .set = set_viridian),
    R_BOOL("xen_platform_pci", HVM, ACTS, b_info.hvm.xen_platform_pci),
    R_FN("firmware_override", HVM, ACTS, conv_firmware_override),   /* sets firmware */
    R_BOOL("e820_host", PV, NOT, b_info.pv.e820_host, .set = set_true),
    /* shutdown actions (xl's defaults are set before the table runs) */
    R_ACTION("on_poweroff", on_poweroff),
    R_ACTION("on_reboot", on_reboot),
    R_ACTION("on_watchdog", on_watchdog),
    R_ACTION("on_crash", on_crash),
    R_ACTION("on_soft_reset", on_soft_reset),
    /* devices */
    R_FN("disk", ANY, ACTS, conv_disks, .set = set_disks),
    R_FN("vif", ANY, ACTS, conv_vifs, .set = set_nics),
    R_FN("pci", ANY, NOT, conv_pcis, .set = set_pcis),
    R_FN("vkb", ANY, ACTS, conv_vdevs),
    R_FN("vtpm", ANY, ACTS, conv_vdevs),
    R_FN("vdispl", ANY, ACTS, conv_vdevs),
    R_FN("channel", ANY, ACTS, conv_vdevs),
    R_FN("vsnd", ANY, ACTS, conv_vsnds),
    /* grant tables */
    R_INT("max_grant_frames", ANY, ACTS, b_info.max_grant_frames, 1, 0xffffffffLL),
    R_INT("max_maptrack_frames", ANY, ACTS, b_info.max_maptrack_frames, 0, 0xffffffffLL),
    R_INT("max_grant_version", ANY, ACTS, b_info.max_grant_version, 1, 2),
    /* Keys xl.cfg(5) documents that xkit keeps as written: create does not
     * act on them yet. */
    R_RAW("seclabel", ANY), R_RAW("init_seclabel", ANY), R_RAW("nomigrate", ANY),
    R_RAW("device_tree", ANY), R_RAW("passthrough", ANY),
    R_RAW("xend_suspend_evtchn_compat", ANY), R_RAW("vmtrace_buf_kb", ANY), R_RAW("vpmu", ANY),
    R_RAW("vnuma", ANY),
    R_RAW("pvshim", PVH), R_RAW("pvshim_path", PVH), R_RAW("pvshim_cmdline", PVH),
    R_RAW("pvshim_extra", PVH),
    R_RAW("p9", ANY), R_RAW("pvcalls", ANY), R_RAW("vfb", ANY),
    R_RAW("rdm", HVM), R_RAW("usbctrl", ANY),
    R_RAW("usbdev", ANY), R_RAW("pci_permissive", ANY), R_RAW("pci_msitranslate", ANY),
    R_RAW("pci_seize", ANY), R_RAW("pci_power_mgmt", HVM), R_RAW("gfx_passthru", HVM),
    R_RAW("rdm_mem_boundary", HVM), R_RAW("dtdev", ANY), R_RAW("ioports", ANY),
    R_RAW("iomem", ANY), R_RAW("irqs", ANY), R_RAW("max_event_channels", ANY),
    R_RAW("dm_restrict", ANY),
    R_RAW("virtio", ANY), R_RAW("tee", ANY),
    R_RAW("bootloader_restrict", PV | PVH), R_RAW("bootloader_user", PV | PVH),
    R_RAW("hdtype", HVM), R_RAW("acpi_s3", HVM),
    R_RAW("acpi_s4", HVM), R_RAW("acpi_laptop_slate", HVM), R_RAW("altp2mhvm", HVM),
    R_RAW("cpuid", ANY), R_RAW("acpi_firmware", HVM), R_RAW("smbios_firmware", HVM),
    R_RAW("smbios", HVM), R_RAW("ms_vm_genid", HVM), R_RAW("timer_mode", HVM | PVH),
    R_RAW("hvm_pirq", HVM), R_RAW("spice", HVM),
    R_RAW("spicehost", HVM), R_RAW("spiceport", HVM), R_RAW("spicetls_port", HVM),
    R_RAW("spicedisable_ticketing", HVM), R_RAW("spicepasswd", HVM),
    R_RAW("spiceagent_mouse", HVM), R_RAW("spicevdagent", HVM),
    R_RAW("spice_clipboard_sharing", HVM), R_RAW("spiceusbredirection", HVM),
    R_RAW("spice_image_compression", HVM), R_RAW("spice_streaming_video", HVM),
    R_RAW("vkb_device", HVM), R_RAW("usbversion", HVM), R_RAW("vendor_device", HVM),
    R_RAW("stubdomain_kernel", ANY), R_RAW("stubdomain_cmdline", ANY),
    R_RAW("stubdomain_ramdisk", ANY), R_RAW("stubdomain_memory", ANY),
    R_RAW("device_model_stubdomain_seclabel", ANY),
    R_RAW("gic_version", ANY), R_RAW("vuart", ANY), R_RAW("sve", ANY),
    R_RAW("mca_caps", HVM), R_RAW("msr_relaxed", ANY), R_RAW("assisted_xapic", HVM | PVH),
    R_RAW("assisted_x2apic", HVM | PVH), R_RAW("static_shm", ANY),
};
const size_t xkl__cfg_nkeys = sizeof xkl__cfg_keys / sizeof *xkl__cfg_keys;

const struct xkl__cfg_key *xkl__cfg_key_find(const char *name)
{
    for (size_t i = 0; i < xkl__cfg_nkeys; i++)
        if (!strcmp(xkl__cfg_keys[i].name, name))
            return &xkl__cfg_keys[i];
    return NULL;
}

unsigned xkl__key_type_bit(enum xkl_domain_type t)
{
    switch (t) {
    case XKL_DOMAIN_TYPE_PV: return XKL__KT_PV;
    case XKL_DOMAIN_TYPE_PVH: return XKL__KT_PVH;
    case XKL_DOMAIN_TYPE_HVM: return XKL__KT_HVM;
    default: return 0;
    }
}

static const char *types_name(unsigned t)
{
    switch (t) {
    case PV: return "pv";
    case PVH: return "pvh";
    case HVM: return "hvm";
    case PV | PVH: return "pv and pvh";
    case HVM | PVH: return "hvm and pvh";
    case PV | HVM: return "pv and hvm";
    default: return "other";
    }
}

/* A key present for a guest type it does not apply to: a located warning
 * (xl ignores it too). True when K does not apply. */
static bool wrong_type(conv_t *c, const cfg_key *k, const struct xkl_cfg_setting *s)
{
    /* an invalid type is reported already: check every key regardless */
    if (c->type == XKL_DOMAIN_TYPE_INVALID || (k->types & xkl__key_type_bit(c->type)))
        return false;
    if (s)
        cerr(c, s, NULL, XKL_DIAG_WARNING, "'%s' only applies to %s guests, ignored", k->name,
             types_name(k->types));
    return true;
}

/* One row whose key is present (or an FN row); 0 or -1. */
static int convert_row(conv_t *c, const cfg_key *k)
{
    void *f = (char *)c->dc + k->off;
    long long n;
    int r = 0;
    switch (k->kind) {
    case XKL__KEY_STR:
        r = get_str(c, k->name, f);
        break;
    case XKL__KEY_INT:
        r = get_int_range(c, k->name, f, k->min, k->max);
        break;
    case XKL__KEY_MB:
        r = get_int_range(c, k->name, &n, k->min, k->max);
        if (r == 1)
            *(long long *)f = n * 1024;
        break;
    case XKL__KEY_BOOL:
        r = get_bool(c, k->name, f);
        break;
    case XKL__KEY_LIST:
    case XKL__KEY_LIST1:
        r = get_strlist(c, k->name, f, (size_t *)((char *)c->dc + k->noff),
                        k->kind == XKL__KEY_LIST1);
        break;
    case XKL__KEY_ACTION:
        r = get_action(c, k->name, f);
        break;
    case XKL__KEY_FN:
        r = k->conv(c, k);
        break;
    default:
        break;
    }
    return r < 0 ? -1 : 0;
}

static int convert(conv_t *c)
{
    struct xkl_domain_config *dc = c->dc;
    int r = 0;

    /* the guest type: every other key is checked against it */
    if (conv_type(c, &xkl__cfg_keys[0]) < 0)
        r = -1;

    /* Keys in file order: unknown names warned about, raw ones kept. */
    for (size_t i = 0; i < c->cfg->n; i++) {
        const struct xkl_cfg_setting *s = &c->cfg->v[i];
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(c->cfg->v[j].name, s->name);
        if (seen)
            continue;
        const cfg_key *k = xkl__cfg_key_find(s->name);
        if (!k) {
            cerr(c, s, NULL, XKL_DIAG_WARNING, "unknown key '%s' ignored", s->name);
            continue;
        }
        if (k->kind != XKL__KEY_RAW || wrong_type(c, k, last_setting(c, k->name)))
            continue;
        struct xkl_cfg_value *v = xkl__cfg_lookup(c->cfg, s->name, NULL, c->d);
        if (!v || xkl__rawmap_add(&dc->xl_raw, &dc->num_xl_raw, s->name, v) < 0)
            r = -1;
        xkl__cfg_value_free(v);
    }

    /* xl's shutdown actions made explicit */
    dc->on_poweroff = XKL_ACTION_DESTROY;
    dc->on_reboot = XKL_ACTION_RESTART;
    dc->on_watchdog = XKL_ACTION_DESTROY;
    dc->on_crash = XKL_ACTION_DESTROY;
    dc->on_soft_reset = XKL_ACTION_SOFT_RESET;

    for (size_t i = 1; i < xkl__cfg_nkeys; i++) {
        const cfg_key *k = &xkl__cfg_keys[i];
        if (k->kind == XKL__KEY_RAW)
            continue;
        const struct xkl_cfg_setting *s = last_setting(c, k->name);
        if (!s && k->kind != XKL__KEY_FN)
            continue;
        if (wrong_type(c, k, s))
            continue;
        if (k->kind != XKL__KEY_BY && convert_row(c, k) < 0)
            r = -1;
    }
    return r;
}

xkl_domain_config *xkl_domain_config_from_cfg(const xkl_cfg *cfg, xkl_diags *d)
{
    struct xkl_domain_config *dc = malloc(sizeof(*dc));
    if (!dc) {
        xkl__diag(d, XKL_DIAG_ERROR, cfg->nsources ? cfg->sources[0] : NULL, 0, 0,
                  "domain config: %s", strerror(errno));
        return NULL;
    }
    xkl__domain_config_init(dc);
    conv_t c = { .cfg = cfg, .d = d, .dc = dc };
    unsigned before = d->nerrors;
    if (convert(&c) < 0 || d->nerrors != before) {
        xkl_domain_config_free(dc);
        errno = EINVAL;
        return NULL;
    }
    return dc;
}

char *xkl_domain_config_to_json(const xkl_domain_config *dc)
{
    return xkl__domain_config_gen_json(dc);
}

static xkl_domain_config *from_json(const char *json, size_t len, bool lenient, xkl_diags *d)
{
    struct xkl_domain_config *dc = malloc(sizeof(*dc));
    if (!dc) {
        xkl__diag(d, XKL_DIAG_ERROR, "<json>", 0, 0, "domain config: %s", strerror(errno));
        return NULL;
    }
    xkl__domain_config_init(dc);
    if (xkl__domain_config_parse_json(dc, json, len, lenient, d) < 0) {
        xkl_domain_config_free(dc);
        errno = EINVAL;
        return NULL;
    }
    return dc;
}

xkl_domain_config *xkl_domain_config_from_json(const char *json, size_t len, xkl_diags *d)
{
    return from_json(json, len, false, d);
}

struct xkl_domain_config *xkl__domain_config_from_libxl_json(const char *json, size_t len,
                                                            xkl_diags *d)
{
    return from_json(json, len, true, d);
}

char *xkl_cfg_to_json(const char *path, char *const *overrides, size_t noverrides, xkl_diags *d)
{
    xkl_cfg *cfg = xkl_cfg_parse_file(path, d);
    if (!cfg)
        return NULL;
    char *json = NULL;
    for (size_t i = 0; i < noverrides; i++)
        if (xkl_cfg_override(cfg, overrides[i], d) < 0)
            goto out;
    xkl_domain_config *dc = xkl_domain_config_from_cfg(cfg, d);
    if (dc) {
        json = xkl_domain_config_to_json(dc);
        if (!json)
            xkl__diag(d, XKL_DIAG_ERROR, path, 0, 0, "generating JSON: %s", strerror(errno));
        xkl_domain_config_free(dc);
    }
out:
    xkl_cfg_free(cfg);
    if (!json)
        errno = EINVAL;
    return json;
}
