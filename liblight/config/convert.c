/*
 * From parsed xl.cfg settings to the typed domain configuration: the
 * checks xl's create does before it talks to the hypervisor (name, guest
 * type, numbers, shutdown actions, every disk and vif spec). Keys xl knows
 * but xkit does not type are kept verbatim in xl_raw; keys nobody knows
 * draw a warning (xl itself ignores them silently).
 */
#include "private.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct conv {
    const xkl_cfg *cfg;
    xkl_diags *d;
    struct xkl_domain_config *dc;
    enum xkl_domain_type type;
};

/* Keys xl.cfg(5) documents that are kept as written (device classes and
 * tunables xkit does not implement yet). */
static const char *const raw_keys[] = {
    "vnuma", "channel", "usbctrl", "usbdev", "vfb", "vkb", "vtpm", "p9", "pvcalls",
    "vdispl", "vsnd", "virtio", "rdm", "rdm_mem_boundary", "iomem", "ioports", "irqs",
    "dtdev", "cpuid", "gfx_passthru", "acpi_s3", "acpi_s4", "acpi_laptop_slate",
    "smbios_firmware", "acpi_firmware", "ms_vm_genid", "vendor_device",
    "max_grant_frames", "max_maptrack_frames", "max_grant_version", "claim_mode",
    "gic_version", "vuart", "tee", "nomigrate", "event_channels", "seclabel",
    "init_seclabel", "stubdomain_kernel", "stubdomain_ramdisk", "stubdomain_memory",
    "device_model_stubdomain_seclabel", "xen_platform_pci", "parallel", "spice",
    "spicehost", "spiceport", "spicetls_port", "spicedisable_ticketing", "spicepasswd",
    "spiceagent_mouse", "spicevdagent", "spice_clipboard_sharing", "spiceusbredirection",
    "spice_image_compression", "spice_streaming_video", "usbversion", "passthrough",
    "device_tree", "dm_restrict", "pvshim", "pvshim_path", "pvshim_cmdline", "pvshim_extra",
    "mca_caps", "msr_relaxed", "vpmu", "suppress_vmdesc", "pci_permissive",
    "pci_msitranslate", "pci_seize", "pci_power_mgmt", "static_shm", "hdtype",
    "timer_mode", "altp2mhvm", "trap_unmapped_accesses", "nr_spis", "cpus_hard",
    "viridian_disable", "vcpu_hard_affinity", "vcpu_soft_affinity", "apic_x2apic",
    "assisted_xapic", "assisted_x2apic", "vpmu", "xenstore_domid", "cpupool",
    "cpu_weight_ms", "migration_channel", "coredump", "acpi_table", "vif2", "vcpus_soft",
    "vga_kind", "usb_version", "vfb_keymap", "vkb_device", "maxvcpus_soft", "sve", "vpci",
    NULL
};

static bool in(const char *const *list, const char *k)
{
    for (; *list; list++)
        if (!strcmp(*list, k))
            return true;
    return false;
}

static void cerr(struct conv *c, const struct xkl_cfg_setting *s, const struct xkl_cfg_value *v,
                 enum xkl_diag_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void cerr(struct conv *c, const struct xkl_cfg_setting *s, const struct xkl_cfg_value *v,
                 enum xkl_diag_level lvl, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *src = s ? s->source : (c->cfg->nsources ? c->cfg->sources[0] : NULL);
    int line = v ? v->line : s ? s->line : 0;
    int col = v ? v->col : s ? s->col : 0;
    xkl__diag(c->d, lvl, src, line, col, "%s", msg);
}

/* The effective value of KEY (NULL if absent); *S its last setting. */
static struct xkl_cfg_value *get(struct conv *c, const char *key, const struct xkl_cfg_setting **s)
{
    *s = NULL;
    return xkl__cfg_lookup(c->cfg, key, s, c->d);
}

/* String or number spelling; a list is an error. 1 found, 0 absent, -1 error. */
static int get_str(struct conv *c, const char *key, char **out)
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
static int get_int_range(struct conv *c, const char *key, long long *out, long long min,
                         long long max)
{
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, key, &s);
    if (!v)
        return 0;
    int r = 1;
    long long n;
    if (v->kind == XKL_CFG_LIST || to_int(v->str, &n, min < 0) < 0) {
        cerr(c, s, v, XKL_DIAG_ERROR, "expected a number for '%s', found %s%s%s", key,
             v->kind == XKL_CFG_LIST ? "a list" : "'",
             v->kind == XKL_CFG_LIST ? "" : v->str, v->kind == XKL_CFG_LIST ? "" : "'");
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

static int get_int(struct conv *c, const char *key, long long *out)
{
    return get_int_range(c, key, out, 0, (1LL << 40));
}

/* BOOLEAN: a number, 0 false, anything else true. */
static int get_bool(struct conv *c, const char *key, signed char *out)
{
    long long n;
    int r = get_int_range(c, key, &n, 0, 0x7fffffff);
    if (r == 1)
        *out = n != 0;
    return r;
}

/* A list of strings, or (ALLOW_ATOM) one string as a one-item list. */
static int get_strlist(struct conv *c, const char *key, char ***list, size_t *n, bool allow_atom)
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

static int get_action(struct conv *c, const char *key, enum xkl_action_on_shutdown *out)
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
             "coredump-restart or soft-reset, found %s%s%s", key,
             v->kind == XKL_CFG_LIST ? "a list" : "'", v->kind == XKL_CFG_LIST ? "" : v->str,
             v->kind == XKL_CFG_LIST ? "" : "'");
    xkl__cfg_value_free(v);
    return r;
}

/* xl: type= wins; else builder= must be a prefix of "hvm" or "generic"
 * (so builder="linux" is an error since 4.10); else pv (x86). */
static int guest_type(struct conv *c)
{
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, "type", &s);
    int r = 0;
    if (v) {
        if (v->kind == XKL_CFG_LIST || xkl__domain_type_from_string(v->str, &c->type) < 0 ||
            c->type == XKL_DOMAIN_TYPE_INVALID) {
            cerr(c, s, v, XKL_DIAG_ERROR, "expected type pv, pvh or hvm, found %s%s%s",
                 v->kind == XKL_CFG_LIST ? "a list" : "'", v->kind == XKL_CFG_LIST ? "" : v->str,
                 v->kind == XKL_CFG_LIST ? "" : "'");
            r = -1;
        }
        xkl__cfg_value_free(v);
        return r;
    }
    v = get(c, "builder", &s);
    if (v) {
        size_t n = v->kind == XKL_CFG_LIST ? 0 : strlen(v->str);
        if (v->kind != XKL_CFG_LIST && !strncmp(v->str, "hvm", n) && n <= 3)
            c->type = XKL_DOMAIN_TYPE_HVM;
        else if (v->kind != XKL_CFG_LIST && !strncmp(v->str, "generic", n) && n <= 7)
            c->type = XKL_DOMAIN_TYPE_PV;
        else {
            cerr(c, s, v, XKL_DIAG_ERROR,
                 "invalid domain type: expected builder \"hvm\" or \"generic\" (or type = \"pv\", \"pvh\", \"hvm\"), found %s%s%s",
                 v->kind == XKL_CFG_LIST ? "a list" : "'", v->kind == XKL_CFG_LIST ? "" : v->str,
                 v->kind == XKL_CFG_LIST ? "" : "'");
            r = -1;
        }
        xkl__cfg_value_free(v);
        return r;
    }
    signed char pvh = 0;
    if (get_bool(c, "pvh", &pvh) < 0)
        return -1;
    c->type = pvh ? XKL_DOMAIN_TYPE_PVH : XKL_DOMAIN_TYPE_PV;
    return 0;
}

static int disks(struct conv *c)
{
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, "disk", &s);
    if (!v)
        return 0;
    int r = 0;
    if (v->kind != XKL_CFG_LIST) {
        cerr(c, s, v, XKL_DIAG_ERROR, "expected a list of disk specs for 'disk', e.g. [ 'phy:/dev/vg/lv,xvda,w' ]");
        r = -1;
    }
    for (size_t i = 0; r == 0 && i < v->nitems; i++) {
        const struct xkl_cfg_value *it = v->items[i];
        if (it->kind == XKL_CFG_LIST) {
            cerr(c, s, it, XKL_DIAG_ERROR, "expected a disk spec string, found a list");
            r = -1;
            continue;
        }
        struct xkl_disk *dk = xkl__disk_add(c->dc);
        if (!dk) {
            cerr(c, s, it, XKL_DIAG_ERROR, "disk: out of memory");
            r = -1;
        } else if (xkl__disk_parse(dk, it->str, s->source, it->line, it->col, c->d) < 0) {
            r = -1;
        }
    }
    xkl__cfg_value_free(v);
    return r;
}

static int vifs(struct conv *c)
{
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, "vif", &s);
    if (!v)
        return 0;
    int r = 0;
    if (v->kind != XKL_CFG_LIST) {
        cerr(c, s, v, XKL_DIAG_ERROR, "expected a list of vif specs for 'vif', e.g. [ 'bridge=xenbr0' ]");
        r = -1;
    }
    for (size_t i = 0; r == 0 && i < v->nitems; i++) {
        const struct xkl_cfg_value *it = v->items[i];
        if (it->kind == XKL_CFG_LIST) {
            cerr(c, s, it, XKL_DIAG_ERROR, "expected a vif spec string, found a list");
            r = -1;
            continue;
        }
        struct xkl_nic *nic = xkl__nic_add(c->dc);
        if (!nic) {
            cerr(c, s, it, XKL_DIAG_ERROR, "vif: out of memory");
            r = -1;
            continue;
        }
        if (xkl__nic_parse(nic, it->str, s->source, it->line, it->col, c->d) < 0)
            r = -1;
        else if (nic->devid < 0)
            nic->devid = (long long)i;   /* xl numbers vifs in list order */
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

static int pcis(struct conv *c)
{
    struct xkl_domain_config *dc = c->dc;
    int r = get_strlist(c, "pci", &dc->pcidevs, &dc->num_pcidevs, false);
    if (r <= 0)
        return r;
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, "pci", &s);
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

/* Keys typed below; everything else is raw or unknown. */
static const char *const typed_keys[] = {
    "name", "uuid", "type", "builder", "pvh", "memory", "maxmem", "vcpus", "maxvcpus",
    "cpus", "cpus_soft", "kernel", "ramdisk", "cmdline", "root", "extra", "bootloader",
    "bootloader_args", "on_poweroff", "on_reboot", "on_watchdog", "on_crash",
    "on_soft_reset", "disk", "vif", "pci", "serial", "vnc", "vnclisten", "vncpasswd",
    "vncdisplay", "vncunused", "sdl", "opengl", "display", "xauthority", "keymap",
    "nographic", "tsc_mode", "hap", "oos", "nestedhvm", "viridian", "shadow_memory",
    "videoram", "device_model_version", "device_model_stubdomain_override",
    "device_model_override", "device_model", "device_model_user", "device_model_args",
    "device_model_args_pv", "device_model_args_hvm", "firmware", "bios", "pae", "apic",
    "acpi", "nx", "hpet", "vpt_align", "timeoffset", "boot", "usb", "usbdevice", "soundhw",
    "stdvga", "vga", "localtime", "rtc_timeoffset", "altp2m", "pool", "cpu_weight", "cap",
    "e820_host", "driver_domain", "mmio_hole", "firmware_override", NULL
};

static const char *const hvm_only_keys[] = {
    "firmware", "bios", "pae", "apic", "acpi", "nx", "hpet", "vpt_align", "timeoffset",
    "boot", "usb", "usbdevice", "soundhw", "stdvga", "vga", "serial", "nographic",
    "viridian", "mmio_hole", "localtime", "rtc_timeoffset", "keymap", NULL
};

static int hvm_keys(struct conv *c)
{
    struct xkl_hvm_info *h = &c->dc->b_info.hvm;
    int r = 0;
    long long n;
    char *str = NULL;
#define CHK(x) do { if ((x) < 0) r = -1; } while (0)
    CHK(get_str(c, "firmware", &h->firmware));
    CHK(get_str(c, "bios", &h->bios));
    if (h->bios && strcmp(h->bios, "rombios") && strcmp(h->bios, "seabios") && strcmp(h->bios, "ovmf")) {
        const struct xkl_cfg_setting *s;
        struct xkl_cfg_value *v = get(c, "bios", &s);
        cerr(c, s, v, XKL_DIAG_ERROR, "expected bios rombios, seabios or ovmf, found '%s'", h->bios);
        xkl__cfg_value_free(v);
        r = -1;
    }
    CHK(get_bool(c, "pae", &h->pae));
    CHK(get_bool(c, "apic", &h->apic));
    CHK(get_bool(c, "acpi", &h->acpi));
    CHK(get_bool(c, "nx", &h->nx));
    CHK(get_bool(c, "hpet", &h->hpet));
    CHK(get_bool(c, "vpt_align", &h->vpt_align));
    CHK(get_str(c, "timeoffset", &h->timeoffset));
    CHK(get_str(c, "boot", &h->boot));
    CHK(get_bool(c, "usb", &h->usb));
    CHK(get_strlist(c, "usbdevice", &h->usbdevice_list, &h->num_usbdevice_list, true));
    CHK(get_str(c, "soundhw", &h->soundhw));
    CHK(get_strlist(c, "serial", &h->serial_list, &h->num_serial_list, true));
    CHK(get_str(c, "keymap", &h->keymap));
    CHK(get_bool(c, "nographic", &h->nographic));
    CHK(get_bool(c, "localtime", &h->localtime));
    if (get_int_range(c, "rtc_timeoffset", &n, -(1LL << 40), 1LL << 40) == 1)
        h->rtc_timeoffset = n;
    if (get_int(c, "mmio_hole", &n) == 1)
        h->mmio_hole_memkb = n * 1024;
    signed char b = -1;
    if (get_bool(c, "stdvga", &b) == 1 && b)
        h->vga_kind = strdup("std");
    if (get_str(c, "vga", &str) == 1) {
        free(h->vga_kind);
        h->vga_kind = strcmp(str, "stdvga") == 0 ? strdup("std") : strdup(str);
    }
    free(str);
    /* viridian: a BOOLEAN or a list of enlightenment groups */
    const struct xkl_cfg_setting *s;
    struct xkl_cfg_value *v = get(c, "viridian", &s);
    if (v && v->kind == XKL_CFG_LIST) {
        xkl__cfg_value_free(v);
        CHK(get_strlist(c, "viridian", &h->viridian_enable, &h->num_viridian_enable, false));
        h->viridian = 1;
    } else if (v) {
        xkl__cfg_value_free(v);
        CHK(get_bool(c, "viridian", &h->viridian));
    }
#undef CHK
    return r;
}

static int convert(struct conv *c)
{
    struct xkl_domain_config *dc = c->dc;
    struct xkl_c_info *ci = &dc->c_info;
    struct xkl_b_info *bi = &dc->b_info;
    int r = 0;
    long long n;
    char *str = NULL;
#define CHK(x) do { if ((x) < 0) r = -1; } while (0)

    /* Keys first, so unknown names are reported in file order. */
    for (size_t i = 0; i < c->cfg->n; i++) {
        const struct xkl_cfg_setting *s = &c->cfg->v[i];
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(c->cfg->v[j].name, s->name);
        if (seen || in(typed_keys, s->name))
            continue;
        if (in(raw_keys, s->name)) {
            struct xkl_cfg_value *v = xkl__cfg_lookup(c->cfg, s->name, NULL, c->d);
            if (!v || xkl__rawmap_add(&dc->xl_raw, &dc->num_xl_raw, s->name, v) < 0)
                r = -1;
            xkl__cfg_value_free(v);
            continue;
        }
        cerr(c, s, NULL, XKL_DIAG_WARNING, "unknown key '%s' ignored", s->name);
    }

    CHK(guest_type(c));
    ci->type = c->type;
    int nr = get_str(c, "name", &ci->name);
    if (nr == 0 || (nr == 1 && !*ci->name)) {
        cerr(c, NULL, NULL, XKL_DIAG_ERROR, "domain name must be specified: expected name = \"...\"");
        r = -1;
    }
    CHK(nr);
    if (get_str(c, "uuid", &str) == 1 && xkl__uuid_parse(str, ci->uuid) < 0) {
        const struct xkl_cfg_setting *s;
        struct xkl_cfg_value *v = get(c, "uuid", &s);
        cerr(c, s, v, XKL_DIAG_ERROR, "expected a uuid xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, found '%s'", str);
        xkl__cfg_value_free(v);
        r = -1;
    }
    free(str);
    str = NULL;
    CHK(get_bool(c, "hap", &ci->hap));
    CHK(get_bool(c, "oos", &ci->oos));
    CHK(get_bool(c, "driver_domain", &ci->driver_domain));
    CHK(get_str(c, "pool", &ci->pool_name));

    /* memory and vcpus: xl's defaults are libxl's, left unset here */
    long long mem = -1, maxmem = -1;
    CHK(get_int(c, "memory", &mem));
    CHK(get_int(c, "maxmem", &maxmem));
    if (mem >= 0)
        bi->target_memkb = mem * 1024;
    if (maxmem >= 0)
        bi->max_memkb = maxmem * 1024;
    else if (mem >= 0)
        bi->max_memkb = mem * 1024;
    long long vcpus = 1, maxvcpus = -1;
    CHK(get_int_range(c, "vcpus", &vcpus, 1, 4096));
    CHK(get_int_range(c, "maxvcpus", &maxvcpus, 1, 4096));
    bi->avail_vcpus = vcpus;
    bi->max_vcpus = maxvcpus > 0 ? maxvcpus : vcpus;
    if (maxvcpus > 0 && maxvcpus < vcpus) {
        const struct xkl_cfg_setting *s;
        struct xkl_cfg_value *v = get(c, "maxvcpus", &s);
        cerr(c, s, v, XKL_DIAG_ERROR, "expected maxvcpus (%lld) >= vcpus (%lld)", maxvcpus, vcpus);
        xkl__cfg_value_free(v);
        r = -1;
    }
    CHK(get_str(c, "cpus", &bi->cpus));
    CHK(get_str(c, "cpus_soft", &bi->cpus_soft));
    if (get_int(c, "shadow_memory", &n) == 1)
        bi->shadow_memkb = n * 1024;
    if (get_int(c, "videoram", &n) == 1)
        bi->video_memkb = n * 1024;
    CHK(get_int_range(c, "cpu_weight", &bi->sched_params.weight, 1, 65535));
    CHK(get_int_range(c, "cap", &bi->sched_params.cap, 0, 1 << 20));
    CHK(get_bool(c, "nestedhvm", &bi->nested_hvm));
    CHK(get_str(c, "altp2m", &bi->altp2m));

    /* tsc_mode: a name, or the old numbers 0..3 */
    {
        const struct xkl_cfg_setting *s;
        struct xkl_cfg_value *v = get(c, "tsc_mode", &s);
        if (v) {
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
        }
    }

    /* kernel command line: cmdline wins over root + extra, as in xl */
    CHK(get_str(c, "kernel", &bi->kernel));
    CHK(get_str(c, "ramdisk", &bi->ramdisk));
    CHK(get_str(c, "bootloader", &bi->bootloader));
    {
        const struct xkl_cfg_setting *s;
        struct xkl_cfg_value *v = get(c, "bootloader_args", &s);
        if (v && v->kind != XKL_CFG_LIST) {
            /* deprecated string form: split on blanks */
            char *save = NULL;
            for (char *t = strtok_r(v->str, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
                CHK(xkl__strlist_add(&bi->bootloader_args, &bi->num_bootloader_args, t));
        } else if (v) {
            CHK(get_strlist(c, "bootloader_args", &bi->bootloader_args, &bi->num_bootloader_args, false));
        }
        xkl__cfg_value_free(v);
    }
    char *root = NULL, *extra = NULL;
    CHK(get_str(c, "cmdline", &bi->cmdline));
    CHK(get_str(c, "root", &root));
    CHK(get_str(c, "extra", &extra));
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

    /* device model */
    if (get_str(c, "device_model_version", &str) == 1) {
        if (!strcmp(str, "qemu-xen"))
            bi->device_model_version = XKL_DM_VERSION_QEMU_XEN;
        else if (!strcmp(str, "qemu-xen-traditional"))
            bi->device_model_version = XKL_DM_VERSION_QEMU_XEN_TRADITIONAL;
        else {
            const struct xkl_cfg_setting *s;
            struct xkl_cfg_value *v = get(c, "device_model_version", &s);
            cerr(c, s, v, XKL_DIAG_ERROR, "expected device_model_version qemu-xen or qemu-xen-traditional, found '%s'", str);
            xkl__cfg_value_free(v);
            r = -1;
        }
    }
    free(str);
    str = NULL;
    CHK(get_bool(c, "device_model_stubdomain_override", &bi->device_model_stubdomain));
    CHK(get_str(c, "device_model_override", &bi->device_model));
    if (get_str(c, "device_model", &str) == 1) {
        const struct xkl_cfg_setting *s;
        struct xkl_cfg_value *v = get(c, "device_model", &s);
        cerr(c, s, v, XKL_DIAG_WARNING, "device_model ignored (as by xl); use device_model_override for a non-default device model");
        xkl__cfg_value_free(v);
    }
    free(str);
    str = NULL;
    CHK(get_str(c, "device_model_user", &bi->device_model_user));
    CHK(get_strlist(c, "device_model_args", &bi->extra, &bi->num_extra, false));
    CHK(get_strlist(c, "device_model_args_pv", &bi->extra_pv, &bi->num_extra_pv, false));
    CHK(get_strlist(c, "device_model_args_hvm", &bi->extra_hvm, &bi->num_extra_hvm, false));

    /* display */
    CHK(get_bool(c, "vnc", &bi->vnc.enable));
    CHK(get_str(c, "vnclisten", &bi->vnc.listen));
    CHK(get_str(c, "vncpasswd", &bi->vnc.passwd));
    CHK(get_int_range(c, "vncdisplay", &bi->vnc.display, 0, 65535));
    CHK(get_bool(c, "vncunused", &bi->vnc.findunused));
    CHK(get_bool(c, "sdl", &bi->sdl.enable));
    CHK(get_bool(c, "opengl", &bi->sdl.opengl));
    CHK(get_str(c, "display", &bi->sdl.display));
    CHK(get_str(c, "xauthority", &bi->sdl.xauthority));

    if (c->type == XKL_DOMAIN_TYPE_HVM) {
        CHK(hvm_keys(c));
    } else {
        for (size_t i = 0; hvm_only_keys[i]; i++) {
            const struct xkl_cfg_setting *s;
            struct xkl_cfg_value *v = get(c, hvm_only_keys[i], &s);
            if (v)
                cerr(c, s, NULL, XKL_DIAG_WARNING, "'%s' only applies to hvm guests, ignored", hvm_only_keys[i]);
            xkl__cfg_value_free(v);
        }
    }
    CHK(get_bool(c, "e820_host", &bi->pv.e820_host));
    if (get_str(c, "firmware_override", &str) == 1 && c->type == XKL_DOMAIN_TYPE_HVM) {
        free(bi->hvm.firmware);
        bi->hvm.firmware = str;
        str = NULL;
    }
    free(str);
    str = NULL;

    /* shutdown actions: xl's defaults made explicit */
    dc->on_poweroff = XKL_ACTION_DESTROY;
    dc->on_reboot = XKL_ACTION_RESTART;
    dc->on_watchdog = XKL_ACTION_DESTROY;
    dc->on_crash = XKL_ACTION_DESTROY;
    dc->on_soft_reset = XKL_ACTION_SOFT_RESET;
    CHK(get_action(c, "on_poweroff", &dc->on_poweroff));
    CHK(get_action(c, "on_reboot", &dc->on_reboot));
    CHK(get_action(c, "on_watchdog", &dc->on_watchdog));
    CHK(get_action(c, "on_crash", &dc->on_crash));
    CHK(get_action(c, "on_soft_reset", &dc->on_soft_reset));

    CHK(disks(c));
    CHK(vifs(c));
    CHK(pcis(c));
#undef CHK
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
    struct conv c = { .cfg = cfg, .d = d, .dc = dc };
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

xkl_domain_config *xkl_domain_config_from_json(const char *json, size_t len, xkl_diags *d)
{
    struct xkl_domain_config *dc = malloc(sizeof(*dc));
    if (!dc) {
        xkl__diag(d, XKL_DIAG_ERROR, "<json>", 0, 0, "domain config: %s", strerror(errno));
        return NULL;
    }
    xkl__domain_config_init(dc);
    if (xkl__domain_config_parse_json(dc, json, len, d) < 0) {
        xkl_domain_config_free(dc);
        errno = EINVAL;
        return NULL;
    }
    return dc;
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
