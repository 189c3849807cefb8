/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: kernel configurations (liblight/host/kconfig.c): text,
 * gzip and IKCONFIG copies in kernel images, then every verdict. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <xkit/light.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_kconfig *kc = xkl_kconfig_load_mem(data, size, "fuzz", &d);
    xkl_diags_dispose(&d);
    if (!kc)
        return 0;
    static const enum xkl_kcheck_type types[] = { XKL_KTYPE_PV, XKL_KTYPE_PVH, XKL_KTYPE_HVM };
    for (int r = 0; r < 2; r++)
        for (int t = 0; t < 3; t++) {
            struct xkl_kcheck_item *it;
            size_t n;
            if (xkl_kcheck(kc, r ? XKL_KROLE_DOM0 : XKL_KROLE_DOMU, types[t], &it, &n) >= 0)
                free(it);
        }
    (void)xkl_kconfig_get(kc, "CONFIG_XEN");
    xkl_kconfig_free(kc);
    return 0;
}
