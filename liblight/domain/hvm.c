/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What an HVM create decides from the configuration before it touches
 * anything (pure, unit tested in light_life_hvm): which firmware image the
 * builder loads (hvmloader, or firmware= / firmware_override= PATH), which
 * system firmware hvmloader hands over to (SeaBIOS or OVMF, bios= /
 * bios_path_override=), the video RAM QEMU takes out of the guest's
 * memory, and the HVM params set before the build, with libxl 4.17's
 * defaults.
 */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <xen/hvm/params.h>

#define no xkl__why

int xkl__hvm_plan(const struct xkl_domain_config *dc, struct xkl__hvm_plan *p, char *why, size_t len)
{
    const struct xkl_b_info *bi = &dc->b_info;
    const struct xkl_hvm_info *h = &bi->hvm;
    memset(p, 0, sizeof *p);
    p->hvmloader = XK_HVMLOADER;
    p->bios = "seabios";
    if (bi->device_model_version == XKL_DM_VERSION_QEMU_XEN_TRADITIONAL)
        return no(why, len, EOPNOTSUPP,
                  "device_model_version=qemu-xen-traditional: Xen 4.17 on Debian has only qemu-xen (remove the key)");
    /* firmware=: a kind of firmware, or a PATH loaded in hvmloader's place */
    const char *fw = h->firmware;
    if (fw && (!strcmp(fw, "bios") || !strcmp(fw, "seabios")))
        p->bios = "seabios";
    else if (fw && (!strcmp(fw, "uefi") || !strcmp(fw, "ovmf")))
        p->bios = "ovmf";
    else if (fw && !strcmp(fw, "rombios"))
        return no(why, len, EOPNOTSUPP, "firmware=rombios needs qemu-xen-traditional: use seabios or ovmf");
    else if (fw && *fw)
        p->hvmloader = fw;
    if (h->bios) {
        if (!strcmp(h->bios, "rombios"))
            return no(why, len, EOPNOTSUPP, "bios=rombios needs qemu-xen-traditional: use seabios or ovmf");
        p->bios = !strcmp(h->bios, "ovmf") ? "ovmf" : "seabios";
    }
    p->bios_path = h->system_firmware && *h->system_firmware ? h->system_firmware
                   : !strcmp(p->bios, "ovmf")                  ? XK_OVMF
                                                               : XK_SEABIOS;

    /* video RAM, inside memory= as libxl counts it: cirrus 8 MiB (and at
     * least that), std 16 MiB (at least), none 0 */
    const char *vga = h->vga_kind ? h->vga_kind : "cirrus";
    uint64_t min_kb = !strcmp(vga, "std") ? 16 * 1024 : !strcmp(vga, "cirrus") ? 8 * 1024 : 0;
    if (strcmp(vga, "std") && strcmp(vga, "cirrus") && strcmp(vga, "none"))
        return no(why, len, EINVAL, "vga=%s: expected stdvga, cirrus or none", vga);
    p->video_kb = bi->video_memkb > 0 ? (uint64_t)bi->video_memkb : min_kb;
    if (p->video_kb < min_kb)
        return no(why, len, EINVAL, "videoram=%llu: %s VGA needs at least %llu MiB",
                  (unsigned long long)(p->video_kb / 1024), vga, (unsigned long long)(min_kb / 1024));

    /* HVM params, in libxl's order: HPET and VPT alignment (default on),
     * timer mode "no delay for missed ticks", altp2m off, viridian's
     * default groups when asked for */
    p->nparams = 0;
    p->params[p->nparams++] = (struct xkl__hvm_param){ HVM_PARAM_HPET_ENABLED, h->hpet != 0 };
    p->params[p->nparams++] = (struct xkl__hvm_param){ HVM_PARAM_VPT_ALIGN, h->vpt_align != 0 };
    p->params[p->nparams++] = (struct xkl__hvm_param){ HVM_PARAM_TIMER_MODE, HVMPTM_no_delay_for_missed_ticks };
    p->params[p->nparams++] = (struct xkl__hvm_param){ HVM_PARAM_ALTP2M, 0 };
    if (h->viridian == 1)
        p->params[p->nparams++] = (struct xkl__hvm_param){ HVM_PARAM_VIRIDIAN, XKL__VIRIDIAN_DEFAULT };
    p->acpi = bi->acpi != 0 && h->acpi != 0;
    return 0;
}
