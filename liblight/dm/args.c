/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU's command line for a domain (pure, unit tested in light_dm): the
 * PV device model (qdisk backends only) and the HVM one, with the options
 * upstream QEMU takes for a Xen guest, in the order libxl gives them, so
 * that a user comparing `ps` output under Debian's xl and ours sees the
 * same QEMU.
 */
#include "private.h"
#include "dm.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xkl__dm_pv_args(struct xkl__dm_argv *a, const char *qemu, uint32_t domid, const char *name,
                    uint64_t max_kb)
{
    memset(a, 0, sizeof *a);
    snprintf(a->domid, sizeof a->domid, "%u", domid);
    snprintf(a->qmp, sizeof a->qmp, "socket,id=libxl-cmd,path=%s/qmp-libxl-%u,server=on,wait=off",
             XKL__DM_RUN_DIR, domid);
    snprintf(a->mem, sizeof a->mem, "%llu", (unsigned long long)((max_kb + 1023) / 1024));
    /* -name takes QEMU options: guest= keeps a name with '=' whole, and a
     * comma is written twice */
    size_t o = (size_t)snprintf(a->name, sizeof a->name, "guest=");
    for (const char *p = name; *p; p++) {
        size_t need = *p == ',' ? 2 : 1;
        if (o + need >= sizeof a->name) {
            errno = ENAMETOOLONG;
            return -1;
        }
        a->name[o++] = *p;
        if (*p == ',')
            a->name[o++] = ',';
    }
    a->name[o] = '\0';
    const char *const v[] = {
        qemu,
        "-xen-domid", a->domid,
        "-no-shutdown",
        "-chardev", a->qmp,
        "-mon", "chardev=libxl-cmd,mode=control",
        "-nodefaults",
        "-no-user-config",
        "-xen-attach",
        "-name", a->name,
        /* no "-vnc none" (libxl's): it makes QEMU load a keymap, and a
         * host without qemu-system-data then has QEMU exit; with no
         * display there is no VNC server anyway */
        "-display", "none",
        "-machine", "xenpv",
        "-m", a->mem,
    };
    a->argc = sizeof v / sizeof *v;
    memcpy(a->argv, v, sizeof v);
    a->argv[a->argc] = NULL;
    return 0;
}

int xkl__dm_channel_chardev(const struct xkl_channel *ch, size_t index, char *buf, size_t len)
{
    size_t o;
    if (ch->connection != XKL_CHANNEL_CONNECTION_SOCKET) {
        o = (size_t)snprintf(buf, len, "pty,id=libxl-channel%zu", index);
    } else {
        o = (size_t)snprintf(buf, len, "socket,id=libxl-channel%zu,path=", index);
        for (const char *p = ch->path ? ch->path : ""; *p && o < len; p++) {
            buf[o++] = *p;
            if (*p == ',' && o < len)
                buf[o++] = ',';
        }
        if (o < len)
            o += (size_t)snprintf(buf + o, len - o, ",server=on,wait=off");
    }
    if (o >= len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

int xkl__dm_pv_args_channels(struct xkl__dm_argv *a, const struct xkl_channel *ch, size_t n)
{
    if (n > XKL__DM_MAXCHAN) {
        errno = E2BIG;
        return -1;
    }
    /* after "-mon chardev=libxl-cmd,mode=control" (argv[6], argv[7]) */
    const size_t at = 8;
    if (a->argc + 2 * n + 1 > XKL__DM_MAXARGS) {
        errno = E2BIG;
        return -1;
    }
    memmove(&a->argv[at + 2 * n], &a->argv[at], (a->argc - at + 1) * sizeof *a->argv);
    for (size_t i = 0; i < n; i++) {
        if (xkl__dm_channel_chardev(&ch[i], i, a->chardev[i], sizeof a->chardev[i]) < 0)
            return -1;
        a->argv[at + 2 * i] = "-chardev";
        a->argv[at + 2 * i + 1] = a->chardev[i];
    }
    a->argc += 2 * n;
    return 0;
}

/* ---- a growing argument vector ---- */

void xkl__dm_cmd_dispose(struct xkl__dm_cmd *c)
{
    for (size_t i = 0; i < c->argc; i++)
        free(c->argv[i]);
    free(c->argv);
    memset(c, 0, sizeof *c);
}

static int push(struct xkl__dm_cmd *c, char *s)
{
    if (!s)
        return -1;
    if (c->argc + 2 > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        char **v = realloc(c->argv, cap * sizeof *v);
        if (!v) {
            free(s);
            return -1;
        }
        c->argv = v;
        c->cap = cap;
    }
    c->argv[c->argc++] = s;
    c->argv[c->argc] = NULL;
    return 0;
}

static int arg(struct xkl__dm_cmd *c, const char *s)
{
    return push(c, strdup(s));
}

static int argf(struct xkl__dm_cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int argf(struct xkl__dm_cmd *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int r = vasprintf(&s, fmt, ap);
    va_end(ap);
    return push(c, r < 0 ? NULL : s);
}

/* s with every comma doubled (QEMU's option syntax), malloc'd */
static char *commas(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += *p == ',' ? 2 : 1;
    char *o = malloc(n + 1), *q = o;
    if (!o)
        return NULL;
    for (const char *p = s; *p; p++) {
        *q++ = *p;
        if (*p == ',')
            *q++ = ',';
    }
    *q = '\0';
    return o;
}

/* "pty", "stdio", "none", "vc", "null", "file:PATH", "pipe:PATH",
 * "/dev/ttyS0", "tcp:...", "udp:...", "unix:...": QEMU's own serial
 * syntax, which xl passes on as written; a value with a blank or a
 * control character cannot be one */
static bool serial_ok(const char *s)
{
    if (!*s)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return false;
    return true;
}

/* The IDE index (0..3) of an emulated disk's vdev: hdX and xvdX (the
 * first four letters, as libxl emulates both), sdX is SCSI; -1 when QEMU
 * does not emulate it (the PV driver alone serves it). */
int xkl__dm_ide_index(const char *vdev)
{
    if (!vdev)
        return -1;
    const char *l = !strncmp(vdev, "hd", 2) ? vdev + 2 : !strncmp(vdev, "xvd", 3) ? vdev + 3 : NULL;
    if (!l || l[0] < 'a' || l[0] > 'd' || l[1])
        return -1;
    return l[0] - 'a';
}

static const char *format_name(unsigned f)
{
    switch (f) {
    case XKL_DISK_FORMAT_QCOW: return "qcow";
    case XKL_DISK_FORMAT_QCOW2: return "qcow2";
    case XKL_DISK_FORMAT_VHD: return "vpc";   /* QEMU's name for VHD */
    case XKL_DISK_FORMAT_QED: return "qed";
    default: return "raw";
    }
}

int xkl__dm_tap_name(uint32_t domid, const struct xkl_nic *nic, size_t index, char *out, size_t len)
{
    long long id = nic->devid >= 0 ? nic->devid : (long long)index;
    int n = nic->ifname && *nic->ifname ? snprintf(out, len, "%s-emu", nic->ifname)
                                        : snprintf(out, len, "vif%u.%lld-emu", domid, id);
    if (n < 0 || (size_t)n >= len || n > 15) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

#define WHY(...) (snprintf(why, whylen, __VA_ARGS__), errno = EINVAL, -1)
#define T(x) do { if ((x) < 0) goto nomem; } while (0)

int xkl__dm_hvm_args(struct xkl__dm_cmd *c, const char *qemu, const struct xkl__dm_hvm_in *in,
                     char *why, size_t whylen)
{
    const struct xkl_domain_config *dc = in->dc;
    const struct xkl_b_info *bi = &dc->b_info;
    const struct xkl_hvm_info *h = &bi->hvm;
    uint32_t d = in->domid;
    memset(c, 0, sizeof *c);
    if (why && whylen)
        why[0] = '\0';

    T(arg(c, qemu));
    T(arg(c, "-xen-domid"));
    T(argf(c, "%u", d));
    T(arg(c, "-no-shutdown"));
    T(arg(c, "-chardev"));
    T(argf(c, "socket,id=libxl-cmd,path=%s/qmp-libxl-%u,server=on,wait=off", XKL__DM_RUN_DIR, d));
    T(arg(c, "-mon"));
    T(arg(c, "chardev=libxl-cmd,mode=control"));
    /* the second monitor xentop/libxenstat reads, as libxl starts it */
    T(arg(c, "-chardev"));
    T(argf(c, "socket,id=libxenstat-cmd,path=%s/qmp-libxenstat-%u,server=on,wait=off",
           XKL__DM_RUN_DIR, d));
    T(arg(c, "-mon"));
    T(arg(c, "chardev=libxenstat-cmd,mode=control"));
    /* the channels' chardevs, which their consoles' output nodes name */
    for (size_t i = 0; i < dc->num_channels; i++) {
        char cd[320];
        if (xkl__dm_channel_chardev(&dc->channels[i], i, cd, sizeof cd) < 0)
            return xkl__dm_cmd_dispose(c), WHY("channel %s: its socket path is too long",
                                               dc->channels[i].name ? dc->channels[i].name : "");
        T(arg(c, "-chardev"));
        T(arg(c, cd));
    }
    T(arg(c, "-nodefaults"));
    T(arg(c, "-no-user-config"));
    T(arg(c, "-name"));
    char *n = commas(dc->c_info.name ? dc->c_info.name : "");
    T(n ? argf(c, "guest=%s", n) : -1);
    free(n);

    /* display: VNC is on unless vnc=0 or nographic=1 (libxl's default for
     * HVM), on 127.0.0.1, display 0, the next free one up to 99 */
    bool vnc = bi->vnc.enable != 0 && h->nographic != 1;
    T(arg(c, "-vnc"));
    if (vnc) {
        const char *listen = bi->vnc.listen && *bi->vnc.listen ? bi->vnc.listen : "127.0.0.1";
        char *l = commas(listen);
        if (!l)
            goto nomem;
        bool unused = bi->vnc.findunused != 0;
        int r = strchr(listen, ':') ? argf(c, "%s%s%s", l, unused ? ",to=99" : "",
                                           bi->vnc.passwd && *bi->vnc.passwd ? ",password=on" : "")
                                    : argf(c, "%s:%lld%s%s", l, (long long)bi->vnc.display,
                                           unused ? ",to=99" : "",
                                           bi->vnc.passwd && *bi->vnc.passwd ? ",password=on" : "");
        free(l);
        T(r);
    } else {
        T(arg(c, "none"));
    }
    T(arg(c, "-display"));
    T(arg(c, "none"));
    if (h->keymap && vnc) {
        T(arg(c, "-k"));
        T(arg(c, h->keymap));
    }
    /* direct kernel boot: QEMU loads the kernel (SeaBIOS's linuxboot) */
    if (bi->kernel) {
        T(arg(c, "-kernel"));
        T(arg(c, bi->kernel));
        if (bi->ramdisk && *bi->ramdisk) {
            T(arg(c, "-initrd"));
            T(arg(c, bi->ramdisk));
        }
        if (bi->cmdline && *bi->cmdline) {
            T(arg(c, "-append"));
            T(arg(c, bi->cmdline));
        }
    }
    for (size_t i = 0; i < h->num_serial_list; i++) {
        if (!serial_ok(h->serial_list[i]))
            return xkl__dm_cmd_dispose(c), WHY("serial '%s': not a serial device QEMU knows (pty, file:PATH, /dev/ttyS0, ...)",
                                               h->serial_list[i]);
        T(arg(c, "-serial"));
        T(arg(c, h->serial_list[i]));
    }
    /* VGA: cirrus (libxl's default, 8 MiB), std (16 MiB at least), none */
    const char *vga = h->vga_kind ? h->vga_kind : "cirrus";
    unsigned long long vram_mb = in->video_kb / 1024;
    if (!strcmp(vga, "cirrus")) {
        T(arg(c, "-device"));
        T(argf(c, "cirrus-vga,vgamem_mb=%llu", vram_mb ? vram_mb : 8));
    } else if (!strcmp(vga, "std")) {
        T(arg(c, "-device"));
        T(argf(c, "VGA,vgamem_mb=%llu", vram_mb > 16 ? vram_mb : 16));
    } else if (strcmp(vga, "none")) {
        return xkl__dm_cmd_dispose(c), WHY("vga '%s': expected stdvga, cirrus or none", vga);
    }
    /* boot order: letters a (floppy), c (disk), d (cdrom), n (network) */
    const char *boot = h->boot && *h->boot ? h->boot : "cda";
    for (const char *p = boot; *p; p++)
        if (!strchr("acdn", *p))
            return xkl__dm_cmd_dispose(c), WHY("boot '%s': expected the letters a, c, d and n", boot);
    T(arg(c, "-boot"));
    T(argf(c, "order=%s", boot));
    bool usb = h->usb == 1 || h->num_usbdevice_list > 0;
    if (usb) {
        T(arg(c, "-usb"));
        for (size_t i = 0; i < h->num_usbdevice_list; i++) {
            const char *u = h->usbdevice_list[i];
            if (strcmp(u, "tablet") && strcmp(u, "mouse") && strcmp(u, "keyboard"))
                return xkl__dm_cmd_dispose(c), WHY("usbdevice '%s': expected tablet, mouse or keyboard", u);
            T(arg(c, "-device"));
            T(argf(c, "usb-%s", !strcmp(u, "keyboard") ? "kbd" : u));
        }
    }
    if (bi->acpi == 0 || h->acpi == 0)
        T(arg(c, "-no-acpi"));
    if (in->max_vcpus > 1) {
        T(arg(c, "-smp"));
        T(argf(c, "%u,maxcpus=%u", in->avail_vcpus, in->max_vcpus));
    }
    /* emulated NICs: the guest's PV driver unplugs them; the tap is
     * vifD.N-emu, put on the bridge by the toolstack (script=no) */
    size_t nemu = 0;
    for (size_t i = 0; i < dc->num_nics; i++) {
        const struct xkl_nic *nic = &dc->nics[i];
        if (nic->nictype == XKL_NIC_TYPE_VIF)
            continue;   /* type=vif: PV only */
        if (!nic->mac)
            return xkl__dm_cmd_dispose(c), WHY("vif %zu: no MAC address chosen", i);
        long long id = nic->devid >= 0 ? nic->devid : (long long)i;
        const char *model = nic->model && *nic->model ? nic->model : "rtl8139";
        for (const char *p = model; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
                return xkl__dm_cmd_dispose(c), WHY("vif %zu: model '%s': not a QEMU NIC model name", i, model);
        T(arg(c, "-device"));
        T(argf(c, "%s,id=nic%lld,netdev=net%lld,mac=%s", model, id, id, nic->mac));
        char tap[32];
        if (xkl__dm_tap_name(d, nic, i, tap, sizeof tap) < 0)
            return xkl__dm_cmd_dispose(c), WHY("vif %zu: its tap's name (vifname + \"-emu\") is longer than 15 characters", i);
        T(arg(c, "-netdev"));
        T(argf(c, "type=tap,id=net%lld,ifname=%s,script=no,downscript=no", id, tap));
        nemu++;
    }
    if (!nemu) {
        T(arg(c, "-net"));
        T(arg(c, "none"));
    }
    T(arg(c, "-machine"));
    T(arg(c, h->xen_platform_pci == 0 ? "pc,accel=xen,suppress-vmdesc=on" : "xenfv,suppress-vmdesc=on"));
    T(arg(c, "-m"));
    T(argf(c, "%llu", (unsigned long long)((in->max_kb - in->video_kb) / 1024)));
    /* disks: IDE 0..3 (hdX / xvdX), cdroms as ide-cd on the same buses */
    for (size_t i = 0; i < dc->num_disks; i++) {
        const struct xkl_disk *dk = &dc->disks[i];
        int idx = xkl__dm_ide_index(dk->vdev);
        if (idx < 0)
            continue;   /* PV only */
        const char *path = dk->pdev_path && *dk->pdev_path ? dk->pdev_path : NULL;
        char *p = path ? commas(path) : NULL;
        if (path && !p)
            goto nomem;
        const char *fmt = format_name((unsigned)dk->format);
        int r;
        if (dk->is_cdrom) {
            r = arg(c, "-drive");
            if (r == 0)
                r = path ? argf(c, "if=none,readonly=on,id=ide-%d,file=%s,format=%s", idx, p, fmt)
                         : argf(c, "if=none,readonly=on,id=ide-%d", idx);
            if (r == 0)
                r = arg(c, "-device");
            if (r == 0)
                r = argf(c, "ide-cd,id=ide-%d,drive=ide-%d,bus=ide.%d,unit=%d", idx, idx, idx / 2, idx % 2);
        } else if (!path) {
            free(p);
            return xkl__dm_cmd_dispose(c), WHY("disk %s: no target", dk->vdev);
        } else if (!dk->readwrite) {
            free(p);
            return xkl__dm_cmd_dispose(c), WHY("disk %s: an emulated IDE disk cannot be read-only (libxl refuses it too): make it a cdrom, or name it xvde or later for the PV driver alone",
                                               dk->vdev);
        } else {
            r = arg(c, "-drive");
            if (r == 0)
                r = argf(c, "file=%s,if=ide,index=%d,media=disk,format=%s,cache=writeback", p, idx, fmt);
        }
        free(p);
        T(r);
    }
    /* the user's own, last (device_model_args, device_model_args_hvm) */
    for (size_t i = 0; i < bi->num_extra; i++)
        T(arg(c, bi->extra[i]));
    for (size_t i = 0; i < bi->num_extra_hvm; i++)
        T(arg(c, bi->extra_hvm[i]));
    return 0;
nomem:
    xkl__dm_cmd_dispose(c);
    if (why && whylen)
        snprintf(why, whylen, "%s", strerror(ENOMEM));
    errno = ENOMEM;
    return -1;
}
