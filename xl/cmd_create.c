/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl create and config-update: their options. The dry run (-n, -N) prints
 * the checked configuration as Debian's xl does (libxl's JSON, or SXP when
 * xl.conf says output_format="sxp"); the rest is cmd_create_run.c's.
 */
#include "xl.h"
#include "life.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <xkit/light.h>

XL_CMD(create);
XL_CMD(config_update);

int cmd_create(int argc, char **argv)
{
    const char *file = NULL;
    int dry_run = xl_opts.dry_run, opt;
    struct xl_create_opts co = { .monitor = true };
    static const struct option longopts[] = {
        { "dryrun", no_argument, NULL, 'n' },
        { "defconfig", required_argument, NULL, 'f' },
        { "quiet", no_argument, NULL, 'q' },
        { "vncviewer", no_argument, NULL, 'V' },
        { "vncviewer-autopass", no_argument, NULL, 'A' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    XL_FOREACH_OPT(opt, "nf:pcdFeqVA", longopts, 0) {
        case 'n': dry_run = 1; break;
        case 'p': co.paused = true; break;
        case 'c': co.console = true; break;
        case 'F': co.foreground = true; break;
        case 'e': co.monitor = false; break;
        case 'q': co.quiet = true; break;
        case 'd': xl_opts.verbose++; break;
        case 'V': co.vncviewer = true; break;
        case 'A': co.vncviewer = co.vnc_autopass = true; break;
        case 'f': file = optarg; break;
    }
    /* xl create [-f] CFG [key=value...]: the first non-setting argument is
     * the file when -f was not given. */
    if (!file && optind < argc && !strchr(argv[optind], '='))
        file = argv[optind++];
    if (!file) {
        /* Xen's xl's words and status (its ERROR_INVAL): no file, and
         * xkit has no save file to take one from */
        fprintf(stderr, "Config file not specified and none in save file\n");
        return 6;
    }
    if (!dry_run)
        return xl_create_run(file, argv + optind, (size_t)(argc - optind), &co);
    if (!co.quiet)
        fprintf(stderr, "Parsing config from %s\n", file);
    xkl_domain_config *dc = xl_config_load(file, argv + optind, (size_t)(argc - optind), NULL);
    if (!dc)
        return XL_FAIL;
    int rc = xl_config_print(dc, -1, NULL);
    xkl_domain_config_free(dc);
    return rc;
}

int cmd_config_update(int argc, char **argv)
{
    static const struct option lo[] = {
        { "defconfig", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    const char *file = NULL;
    fprintf(stderr, "WARNING: xl now has better capability to manage domain configuration, "
                    "avoid using this command when possible\n");
    XL_FOREACH_OPT(opt, "f:d", lo, 1) {
        case 'f': file = optarg; break;
        case 'd': xl_opts.verbose++; break;
    }
    const char *dom = argv[optind++];
    if (!file && optind < argc && !strchr(argv[optind], '='))
        file = argv[optind++];
    if (!file) {
        fprintf(stderr, "Config file not specified\n");
        return XL_FAIL;
    }
    /* -N: the configuration as JSON, checked, not saved */
    return xl_config_update_run(dom, file, argv + optind, (size_t)(argc - optind), xl_opts.dry_run);
}
