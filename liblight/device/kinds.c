/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The device kinds: one row per kind (see device.h). A new kind is a row
 * here and a file of its own beside this one. */
#include "private.h"

#include <string.h>

const struct xkl__devkind xkl__devkinds[] = {
    { "console", "console", true, NULL },   /* console 0 is /local/domain/N/console */
    { "vbd", "vbd", false, xkl__vbd_release },   /* blkback (a loop device for a file) */
    { "qdisk", "vbd", false, NULL },  /* QEMU's block backend, same frontend (QEMU: dm/) */
    { "vif", "vif", false, xkl__vif_release },   /* netback */
    { "vkbd", "vkbd", false, NULL },     /* QEMU's keyboard and pointer backend */
    { "vinput", "vkbd", false, NULL },   /* the same frontend, a backend-type=linux backend */
    { "vtpm", "vtpm", false, NULL },
    { "qusb", "vusb", false, NULL },     /* QEMU's USB controller backend */
    { "vusb", "vusb", false, NULL },
    { "vfb", "vfb", false, NULL },
    { "vdispl", "vdispl", false, NULL },  /* a user-space display backend (displ_be) */
    { "vsnd", "vsnd", false, NULL },      /* a user-space sound backend (snd_be) */
    { NULL, NULL, false, NULL },
};

const struct xkl__devkind *xkl__devkind_find(const char *name)
{
    for (const struct xkl__devkind *k = xkl__devkinds; k->name; k++)
        if (!strcmp(k->name, name))
            return k;
    return NULL;
}
