/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The device kinds: one row per kind (see device.h). A new kind is a row
 * here and a file of its own beside this one. */
#include "private.h"

#include <string.h>

const struct xkl__devkind xkl__devkinds[] = {
    { "console", "console", true },   /* console 0 is /local/domain/N/console */
    { "vbd", "vbd", false },          /* blkback */
    { "qdisk", "vbd", false },        /* QEMU's block backend, same frontend */
    { "vif", "vif", false },          /* netback */
    { "vkbd", "vkbd", false },
    { "vfb", "vfb", false },
    { NULL, NULL, false },
};

const struct xkl__devkind *xkl__devkind_find(const char *name)
{
    for (const struct xkl__devkind *k = xkl__devkinds; k->name; k++)
        if (!strcmp(k->name, name))
            return k;
    return NULL;
}
