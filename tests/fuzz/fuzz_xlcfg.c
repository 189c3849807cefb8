/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz the xl.cfg path end to end: lexer, parser, += merging, disk/vif
 * specs, conversion and JSON. Oracle beyond "no crash": a config that
 * converts must give JSON that reads back to the same JSON. The same text
 * is also read as an xlcpupool.cfg (cpupool-create's file): a refusal
 * must say why; and as an xl.conf, which never fails once parsed (its
 * problems are warnings), whose defaults then go into the config, which
 * must still print as SXP.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xkit/light.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_cfg *cfg = xkl_cfg_parse("fuzz.cfg", (const char *)data, size, &d);
    if (cfg) {
        xkl_domain_config *dc = xkl_domain_config_from_cfg(cfg, &d);
        struct xkl_host_conf hc;
        if (xkl_host_conf_from_cfg(cfg, &hc, &d) < 0)
            abort();
        if (dc) {
            if (xkl_domain_config_apply_host(dc, &hc) < 0)
                abort();
            char *sxp = xkl_domain_config_to_sxp(dc, -1, NULL);
            if (!sxp || strncmp(sxp, "(domain\n", 8) != 0)
                abort();
            free(sxp);
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
        }
        struct xkl_cpupool_config pc;
        unsigned before = d.nerrors;
        if (xkl_cpupool_config_from_cfg(cfg, &pc, &d) < 0 && d.nerrors == before)
            abort();
        xkl_cfg_free(cfg);
    } else if (d.nerrors == 0) {
        abort();    /* a failure must say why */
    }
    xkl_diags_dispose(&d);
    return 0;
}
