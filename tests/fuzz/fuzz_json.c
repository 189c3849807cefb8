/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz the JSON reader of the domain configuration. Oracle: whatever it
 * accepts, written out and read again, must give the same JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xkit/light.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_domain_config *dc = xkl_domain_config_from_json((const char *)data, size, &d);
    if (dc) {
        char *j = xkl_domain_config_to_json(dc);
        if (!j)
            abort();
        xkl_domain_config *back = xkl_domain_config_from_json(j, strlen(j), &d);
        if (!back)
            abort();
        char *j2 = xkl_domain_config_to_json(back);
        if (!j2 || strcmp(j, j2) != 0)
            abort();
        free(j);
        free(j2);
        xkl_domain_config_free(back);
        xkl_domain_config_free(dc);
    } else if (d.nerrors == 0) {
        abort();
    }
    xkl_diags_dispose(&d);
    return 0;
}
