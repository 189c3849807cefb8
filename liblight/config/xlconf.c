/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xl.conf(5): the host-wide settings of Xen's xl, in the xl.cfg grammar.
 * Xen's xl goes on past a value it cannot use (it says so and keeps the
 * default): so do we, with a located warning; only a syntax error fails.
 * What the settings do to a guest (apply_host) lives here too, so that
 * every caller that builds a domain config gets the same defaults. */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "types.h"

static void warn(const xkl_cfg *cfg, xkl_diags *d, const struct xkl_cfg_setting *s,
                 const struct xkl_cfg_value *v, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void warn(const xkl_cfg *cfg, xkl_diags *d, const struct xkl_cfg_setting *s,
                 const struct xkl_cfg_value *v, const char *fmt, ...)
{
    const char *src = s ? s->source : cfg->nsources ? cfg->sources[0] : NULL;
    va_list ap;
    va_start(ap, fmt);
    xkl__vdiag(d, XKL_DIAG_WARNING, src, v ? v->line : s ? s->line : 0,
               v ? v->col : s ? s->col : 0, fmt, ap);
    va_end(ap);
}

void xkl_host_conf_init(struct xkl_host_conf *hc)
{
    memset(hc, 0, sizeof *hc);
    hc->autoballoon = XKL_AUTOBALLOON_AUTO;
    snprintf(hc->lockfile, sizeof hc->lockfile, "/var/lock/xl");
    hc->max_grant_frames = hc->max_maptrack_frames = hc->max_grant_version = -1;
    hc->output_format = XKL_OUTPUT_JSON;
    hc->claim_mode = true;
}

/* The settings xl.conf(5) knows, and what becomes of each. */
enum kind { K_DOMID_POLICY, K_AUTOBALLOON, K_HOTPLUG, K_LOCKFILE, K_GRANT_FRAMES,
            K_MAPTRACK_FRAMES, K_GRANT_VERSION, K_VIF_SCRIPT, K_VIF_BRIDGE, K_VIF_BACKEND,
            K_VIF_GATEWAYDEV, K_OLD_VIFSCRIPT, K_OLD_BRIDGE, K_NO_EFFECT, K_OUTPUT_FORMAT,
            K_CLAIM_MODE, K_CPUMASK, K_PV_CPUMASK, K_HVM_CPUMASK };
static const struct key {
    const char *name;
    enum kind kind;
} keys[] = {
    { "domid_policy", K_DOMID_POLICY },
    { "autoballoon", K_AUTOBALLOON },
    { "run_hotplug_scripts", K_HOTPLUG },
    { "lockfile", K_LOCKFILE },
    { "max_grant_frames", K_GRANT_FRAMES },
    { "max_maptrack_frames", K_MAPTRACK_FRAMES },
    { "max_grant_version", K_GRANT_VERSION },
    { "vif.default.script", K_VIF_SCRIPT },
    { "vif.default.bridge", K_VIF_BRIDGE },
    { "vif.default.backend", K_VIF_BACKEND },
    { "vif.default.gatewaydev", K_VIF_GATEWAYDEV },
    { "vifscript", K_OLD_VIFSCRIPT },
    { "defaultbridge", K_OLD_BRIDGE },
    { "remus.default.netbufscript", K_NO_EFFECT },
    { "colo.default.proxyscript", K_NO_EFFECT },
    { "blkdev_start", K_NO_EFFECT },
    { "output_format", K_OUTPUT_FORMAT },
    { "claim_mode", K_CLAIM_MODE },
    { "vm.cpumask", K_CPUMASK },
    { "vm.pv.cpumask", K_PV_CPUMASK },
    { "vm.hvm.cpumask", K_HVM_CPUMASK },
};

static const struct key *key_of(const char *name)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strcmp(keys[i].name, name))
            return &keys[i];
    return NULL;
}

/* A string value that fits in a field of SIZE bytes; false (warned) if not. */
static bool str_into(const xkl_cfg *cfg, xkl_diags *d, const struct xkl_cfg_setting *s,
                     const struct xkl_cfg_value *v, char *out, size_t size)
{
    if (v->kind != XKL_CFG_STRING || strlen(v->str) != v->len || strlen(v->str) >= size) {
        warn(cfg, d, s, v, "'%s': expected a string of at most %zu characters: ignored",
             s->name, size - 1);
        return false;
    }
    memcpy(out, v->str, v->len + 1);
    return true;
}

/* A whole number in [lo, hi]; false (warned, as Xen's xl: "not a valid
 * number") if not. */
static bool num_into(const xkl_cfg *cfg, xkl_diags *d, const struct xkl_cfg_setting *s,
                     const struct xkl_cfg_value *v, long long lo, long long hi, long long *out)
{
    long long n;
    if (v->kind == XKL_CFG_LIST || xkl__parse_int(v->str, &n) < 0 || n < lo || n > hi) {
        warn(cfg, d, s, v, "'%s': expected a number from %lld to %lld, found '%s': ignored",
             s->name, lo, hi, v->kind == XKL_CFG_LIST ? "[...]" : v->str);
        return false;
    }
    *out = n;
    return true;
}

static void one(const xkl_cfg *cfg, xkl_diags *d, const struct xkl_cfg_setting *s,
                const struct xkl_cfg_value *v, enum kind k, struct xkl_host_conf *hc)
{
    long long n;
    const char *str = v->kind == XKL_CFG_LIST ? "" : v->str;
    switch (k) {
    case K_DOMID_POLICY:
        if (!strcmp(str, "xen") || !strcmp(str, "random"))
            hc->domid_random = !strcmp(str, "random");
        else
            warn(cfg, d, s, v, "'domid_policy': expected \"xen\" or \"random\", found '%s': "
                 "ignored", str);
        break;
    case K_AUTOBALLOON:
        if (!strcmp(str, "on") || !strcmp(str, "1"))
            hc->autoballoon = XKL_AUTOBALLOON_ON;
        else if (!strcmp(str, "off") || !strcmp(str, "0"))
            hc->autoballoon = XKL_AUTOBALLOON_OFF;
        else if (!strcmp(str, "auto"))
            hc->autoballoon = XKL_AUTOBALLOON_AUTO;
        else
            warn(cfg, d, s, v, "'autoballoon': expected \"on\", \"off\" or \"auto\", found "
                 "'%s': ignored", str);
        break;
    case K_HOTPLUG:
        if (num_into(cfg, d, s, v, 0, 1, &n) && !n)
            warn(cfg, d, s, v, "'run_hotplug_scripts=0': xkit sets up dom0's devices itself "
                 "(udev's Xen rules are not needed): ignored");
        break;
    case K_LOCKFILE:
        str_into(cfg, d, s, v, hc->lockfile, sizeof hc->lockfile);
        break;
    case K_GRANT_FRAMES:
        num_into(cfg, d, s, v, 1, UINT32_MAX, &hc->max_grant_frames);
        break;
    case K_MAPTRACK_FRAMES:
        num_into(cfg, d, s, v, 0, UINT32_MAX, &hc->max_maptrack_frames);
        break;
    case K_GRANT_VERSION:
        num_into(cfg, d, s, v, 1, 2, &hc->max_grant_version);
        break;
    case K_OLD_VIFSCRIPT:
        warn(cfg, d, s, NULL, "the global config option vifscript is deprecated, please "
             "switch to vif.default.script");
        /* fall through */
    case K_VIF_SCRIPT:
        str_into(cfg, d, s, v, hc->vif_script, sizeof hc->vif_script);
        break;
    case K_OLD_BRIDGE:
        warn(cfg, d, s, NULL, "the global config option defaultbridge is deprecated, please "
             "switch to vif.default.bridge");
        /* fall through */
    case K_VIF_BRIDGE:
        str_into(cfg, d, s, v, hc->vif_bridge, sizeof hc->vif_bridge);
        break;
    case K_VIF_BACKEND:
        str_into(cfg, d, s, v, hc->vif_backend, sizeof hc->vif_backend);
        break;
    case K_VIF_GATEWAYDEV:
        str_into(cfg, d, s, v, hc->vif_gatewaydev, sizeof hc->vif_gatewaydev);
        break;
    case K_NO_EFFECT:
        warn(cfg, d, s, NULL, "'%s' has no effect here: xkit has %s: ignored", s->name,
             !strcmp(s->name, "blkdev_start") ? "no bootloader that reads a guest's disk "
             "in dom0" : "no Remus or COLO");
        break;
    case K_OUTPUT_FORMAT:
        if (!strcmp(str, "json") || !strcmp(str, "sxp"))
            hc->output_format = !strcmp(str, "sxp") ? XKL_OUTPUT_SXP : XKL_OUTPUT_JSON;
        else
            warn(cfg, d, s, v, "invalid default output format \"%s\": expected \"json\" or "
                 "\"sxp\"", str);
        break;
    case K_CLAIM_MODE:
        if (num_into(cfg, d, s, v, 0, 1, &n))
            hc->claim_mode = n;
        break;
    case K_CPUMASK:
    case K_PV_CPUMASK:
    case K_HVM_CPUMASK: {
        uint8_t *map = k == K_CPUMASK ? hc->cpumask : k == K_PV_CPUMASK ? hc->pv_cpumask
                                                                       : hc->hvm_cpumask;
        bool *has = k == K_CPUMASK ? &hc->has_cpumask : k == K_PV_CPUMASK ? &hc->has_pv_cpumask
                                                                         : &hc->has_hvm_cpumask;
        uint8_t m[XKL_CPUMAP_BYTES] = { 0 };
        bool ok = true;
        if (v->kind != XKL_CFG_LIST) {
            ok = xkl_cpumap_parse(v->str, m) == 0;
        } else {
            for (size_t i = 0; i < v->nitems && ok; i++) {
                uint8_t one_map[XKL_CPUMAP_BYTES] = { 0 };
                ok = v->items[i]->kind != XKL_CFG_LIST && xkl_cpumap_parse(v->items[i]->str,
                                                                           one_map) == 0;
                for (size_t b = 0; b < sizeof m; b++)
                    m[b] |= one_map[b];
            }
        }
        if (!ok) {
            warn(cfg, d, s, v, "'%s': expected a CPU list (\"0-3,^2\") or a list of them: "
                 "ignored", s->name);
            break;
        }
        memcpy(map, m, sizeof m);
        *has = true;
        break;
    }
    }
}

int xkl_host_conf_from_cfg(const xkl_cfg *cfg, struct xkl_host_conf *hc, xkl_diags *d)
{
    xkl_host_conf_init(hc);
    /* every setting in file order: the last one of a key wins, and a
     * deprecated key's message comes where it is written */
    for (size_t i = 0; i < cfg->n; i++) {
        const struct xkl_cfg_setting *s = &cfg->v[i];
        const struct key *k = key_of(s->name);
        if (!k) {
            warn(cfg, d, s, NULL, "'%s' is not an xl.conf setting (see xl.conf(5)): ignored",
                 s->name);
            continue;
        }
        const struct xkl_cfg_setting *last = NULL;
        struct xkl_cfg_value *v = xkl__cfg_lookup(cfg, s->name, &last, d);
        if (v && last == s)
            one(cfg, d, s, v, k->kind, hc);
        xkl__cfg_value_free(v);
    }
    return 0;
}

int xkl_host_conf_load(const char *path, struct xkl_host_conf *hc, xkl_diags *d)
{
    struct stat st;
    xkl_host_conf_init(hc);
    if (!path)
        path = XKL_HOST_CONF_PATH;
    if (stat(path, &st) < 0 && errno == ENOENT)
        return 0;
    unsigned before = d->nerrors;
    xkl_cfg *cfg = xkl_cfg_parse_file(path, d);
    if (!cfg) {
        int e = errno;
        if (d->nerrors == before)
            xkl__diag(d, XKL_DIAG_ERROR, path, 0, 0, "cannot read: %s", strerror(e));
        errno = e;
        return -1;
    }
    int r = xkl_host_conf_from_cfg(cfg, hc, d);
    xkl_cfg_free(cfg);
    return r;
}

bool xkl_host_conf_autoballoon(const struct xkl_host_conf *hc, const char *xen_cmdline)
{
    if (hc->autoballoon != XKL_AUTOBALLOON_AUTO)
        return hc->autoballoon == XKL_AUTOBALLOON_ON;
    /* Xen's xl: off when the hypervisor was told dom0's memory */
    for (const char *p = xen_cmdline ? xen_cmdline : ""; (p = strstr(p, "dom0_mem=")); p++)
        if (p == xen_cmdline || p[-1] == ' ')
            return false;
    return true;
}

int xkl_host_conf_mask(const struct xkl_host_conf *hc, bool hvm, uint8_t *map)
{
    const uint8_t *type = hvm ? hc->hvm_cpumask : hc->pv_cpumask;
    bool has_type = hvm ? hc->has_hvm_cpumask : hc->has_pv_cpumask;
    bool any = false;
    for (size_t b = 0; b < XKL_CPUMAP_BYTES; b++) {
        if (hc->has_cpumask)
            map[b] &= hc->cpumask[b];
        if (has_type)
            map[b] &= type[b];
        any |= map[b] != 0;
    }
    if (!any) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

static int set_default(char **field, const char *value)
{
    if ((*field && **field) || !*value)
        return 0;
    char *s = strdup(value);
    if (!s)
        return -1;
    free(*field);
    *field = s;
    return 0;
}

/* The basename of a vif script is vif-bridge (xkit's built-in). */
static bool bridge_script(const char *script)
{
    const char *b = script && *script ? strrchr(script, '/') : NULL;
    return !script || !*script || !strcmp(b ? b + 1 : script, "vif-bridge");
}

int xkl__nic_apply_host(struct xkl_nic *nic, const struct xkl_host_conf *hc)
{
    if (set_default(&nic->script, hc->vif_script) < 0 ||
        set_default(&nic->bridge, hc->vif_bridge) < 0 ||
        set_default(&nic->backend_domname, hc->vif_backend) < 0)
        return -1;
    /* gatewaydev is for the routing scripts: vif-bridge has no use for
     * it (Xen's xl hands it to every vif; vif-bridge ignores it) */
    if (!bridge_script(nic->script) && set_default(&nic->gatewaydev, hc->vif_gatewaydev) < 0)
        return -1;
    return 0;
}

int xkl_domain_config_apply_host(xkl_domain_config *dc, const struct xkl_host_conf *hc)
{
    for (size_t i = 0; i < dc->num_nics; i++)
        if (xkl__nic_apply_host(&dc->nics[i], hc) < 0)
            return -1;
    struct xkl_b_info *b = &dc->b_info;
    if (b->max_grant_frames < 0)
        b->max_grant_frames = hc->max_grant_frames;
    if (b->max_maptrack_frames < 0)
        b->max_maptrack_frames = hc->max_maptrack_frames;
    if (b->max_grant_version < 0)
        b->max_grant_version = hc->max_grant_version;
    return 0;
}
