/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain configuration -> the S-expression Xen's xl prints for list -l
 * and create -n when xl.conf says output_format="sxp": a legacy,
 * tab-indented form of libxl's config, line for line as Debian's xl 4.17
 * writes it (compared in the lab, xl-conf). Defbools are "<default>",
 * "True" or "False"; an unset string is "(null)".
 *
 * Where we differ: a PVH guest gets an image "(pvh 0)" section (Xen's xl
 * says "Unknown domain type 3" and stops there); the vfb and pci sections
 * are not written (xkit creates neither device).
 */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"

static const char *defbool(signed char b)
{
    return b < 0 ? "<default>" : b ? "True" : "False";
}

static const char *nul(const char *s)
{
    return s ? s : "(null)";
}

static void hvm_image(FILE *f, const struct xkl_b_info *b)
{
    const struct xkl_hvm_info *h = &b->hvm;
    fprintf(f, "\t\t(hvm\n");
    fprintf(f, "\t\t\t(firmware %s)\n", nul(h->firmware));
    fprintf(f, "\t\t\t(video_memkb %lld)\n", b->video_memkb);
    fprintf(f, "\t\t\t(shadow_memkb %lld)\n", b->shadow_memkb);
    fprintf(f, "\t\t\t(pae %s)\n", defbool(h->pae));
    fprintf(f, "\t\t\t(apic %s)\n", defbool(h->apic));
    fprintf(f, "\t\t\t(acpi %s)\n", defbool(h->acpi));
    fprintf(f, "\t\t\t(nx %s)\n", defbool(h->nx));
    fprintf(f, "\t\t\t(viridian %s)\n", defbool(h->viridian));
    fprintf(f, "\t\t\t(hpet %s)\n", defbool(h->hpet));
    fprintf(f, "\t\t\t(vpt_align %s)\n", defbool(h->vpt_align));
    fprintf(f, "\t\t\t(timer_mode unknown)\n");   /* timer_mode= is refused */
    fprintf(f, "\t\t\t(nestedhvm %s)\n", defbool(b->nested_hvm));
    fprintf(f, "\t\t\t(stdvga %s)\n", h->vga_kind && !strcmp(h->vga_kind, "std") ? "True" : "False");
    fprintf(f, "\t\t\t(vnc %s)\n", defbool(b->vnc.enable));
    fprintf(f, "\t\t\t(vnclisten %s)\n", nul(b->vnc.listen));
    fprintf(f, "\t\t\t(vncdisplay %lld)\n", b->vnc.display);
    fprintf(f, "\t\t\t(vncunused %s)\n", defbool(b->vnc.findunused));
    fprintf(f, "\t\t\t(keymap %s)\n", nul(h->keymap));
    fprintf(f, "\t\t\t(sdl %s)\n", defbool(b->sdl.enable));
    fprintf(f, "\t\t\t(opengl %s)\n", defbool(b->sdl.opengl));
    fprintf(f, "\t\t\t(nographic %s)\n", defbool(h->nographic));
    /* spice= is refused: libxl's spice defaults */
    fprintf(f, "\t\t\t(spice <default>)\n\t\t\t(spiceport 0)\n\t\t\t(spicetls_port 0)\n"
               "\t\t\t(spicehost (null))\n\t\t\t(spicedisable_ticketing <default>)\n"
               "\t\t\t(spiceagent_mouse <default>)\n");
    fprintf(f, "\t\t\t(device_model %s)\n", b->device_model ? b->device_model : "default");
    fprintf(f, "\t\t\t(gfx_passthru <default>)\n");
    fprintf(f, "\t\t\t(serial %s)\n", nul(h->num_serial_list ? h->serial_list[0] : NULL));
    fprintf(f, "\t\t\t(boot %s)\n", nul(h->boot));
    fprintf(f, "\t\t\t(usb %s)\n", defbool(h->usb));
    fprintf(f, "\t\t\t(usbdevice (null))\n");     /* xl keeps usbdevice= in the list */
    fprintf(f, "\t\t\t(vkb_device <default>)\n");
    fprintf(f, "\t\t)\n");
}

static void pv_image(FILE *f, const char *kind, const struct xkl_b_info *b)
{
    fprintf(f, "\t\t(%s 0)\n", kind);
    fprintf(f, "\t\t\t(kernel %s)\n", nul(b->kernel));
    fprintf(f, "\t\t\t(cmdline %s)\n", nul(b->cmdline));
    fprintf(f, "\t\t\t(ramdisk %s)\n", nul(b->ramdisk));
    if (!strcmp(kind, "linux"))
        fprintf(f, "\t\t\t(e820_host %s)\n", defbool(b->pv.e820_host));
    fprintf(f, "\t\t)\n");
}

/* "00:16:3e:0a:0b:0c" -> "00163e0a0b0c"; unset or unreadable: zeros. */
static void mac_hex(const char *mac, char out[13])
{
    unsigned m[6];
    if (!mac || sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2], &m[3], &m[4],
                       &m[5]) != 6)
        memset(m, 0, sizeof m);
    snprintf(out, 13, "%02x%02x%02x%02x%02x%02x", m[0] & 0xff, m[1] & 0xff, m[2] & 0xff,
             m[3] & 0xff, m[4] & 0xff, m[5] & 0xff);
}

char *xkl_domain_config_to_sxp(const xkl_domain_config *dc, long long domid,
                               const uint8_t *uuid)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    const struct xkl_c_info *c = &dc->c_info;
    const struct xkl_b_info *b = &dc->b_info;
    bool hvm = c->type == XKL_DOMAIN_TYPE_HVM;
    fprintf(f, "(domain\n\t(domid %lld)\n\t(create_info)\n\t(hvm %d)\n", domid, hvm);
    fprintf(f, "\t(hap %s)\n\t(oos %s)\n\t(ssidref 0)\n", defbool(c->hap), defbool(c->oos));
    fprintf(f, "\t(name %s)\n", nul(c->name));
    if (uuid) {
        char u[37];
        xkl__uuid_format(uuid, u);
        fprintf(f, "\t(uuid %s)\n", u);
    } else {
        fprintf(f, "\t(uuid <unknown>)\n");
    }
    if (c->pool_name)
        fprintf(f, "\t(cpupool %s)\n", c->pool_name);
    fprintf(f, "\t(xsdata (null))\n\t(platformdata (null))\n");
    fprintf(f, "\t(build_info)\n\t(max_vcpus %lld)\n", b->max_vcpus);
    fprintf(f, "\t(max_grant_frames %lld)\n\t(max_maptrack_frames %lld)\n",
            b->max_grant_frames, b->max_maptrack_frames);
    fprintf(f, "\t(tsc_mode %s)\n", xkl__tsc_mode_to_string(b->tsc_mode));
    fprintf(f, "\t(max_memkb %lld)\n\t(target_memkb %lld)\n", b->max_memkb, b->target_memkb);
    fprintf(f, "\t(nomigrate <default>)\n");
    fprintf(f, "\t(image\n");
    if (hvm)
        hvm_image(f, b);
    else
        pv_image(f, c->type == XKL_DOMAIN_TYPE_PVH ? "pvh" : "linux", b);
    fprintf(f, "\t)\n");
    for (size_t i = 0; i < dc->num_disks; i++) {
        const struct xkl_disk *k = &dc->disks[i];
        fprintf(f, "\t(device\n\t\t(tap\n");
        fprintf(f, "\t\t\t(backend_domid %lld)\n\t\t\t(frontend_domid %lld)\n",
                k->backend_domid, domid);
        fprintf(f, "\t\t\t(physpath %s)\n\t\t\t(phystype %d)\n", k->pdev_path ? k->pdev_path : "",
                (int)k->backend);
        fprintf(f, "\t\t\t(virtpath %s)\n\t\t\t(unpluggable %d)\n\t\t\t(readwrite %d)\n",
                nul(k->vdev), k->removable ? 1 : 0, k->readwrite ? 1 : 0);
        fprintf(f, "\t\t\t(is_cdrom %d)\n\t\t)\n\t)\n", k->is_cdrom ? 1 : 0);
    }
    for (size_t i = 0; i < dc->num_nics; i++) {
        const struct xkl_nic *n = &dc->nics[i];
        char mac[13];
        mac_hex(n->mac, mac);
        fprintf(f, "\t(device\n\t\t(vif\n");
        if (n->ifname)
            fprintf(f, "\t\t\t(vifname %s)\n", n->ifname);
        fprintf(f, "\t\t\t(backend_domid %lld)\n\t\t\t(frontend_domid %lld)\n",
                n->backend_domid, domid);
        fprintf(f, "\t\t\t(devid %lld)\n\t\t\t(mtu %lld)\n\t\t\t(model %s)\n", n->devid, n->mtu,
                nul(n->model));
        fprintf(f, "\t\t\t(mac %s)\n\t\t)\n\t)\n", mac);
    }
    fprintf(f, ")\n");
    if (fclose(f) != 0) {
        free(buf);
        errno = ENOMEM;
        return NULL;
    }
    return buf;
}
