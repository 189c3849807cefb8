/*
 * xl: one table of subcommands; usage text is printed from the table so help
 * never drifts from the code.
 */
#include "xl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct xl_global xl_opts;

/* Subcommands, each defined in the cmd_*.c file of its group. */
/* XL-COMMAND-DECLS: add "XL_CMD(name);" lines below, one per subcommand. */
XL_CMD(create);
XL_CMD(info);
XL_CMD(dmesg);

static const struct xl_cmd commands[] = {
    /* XL-COMMAND-TABLE: add { "name", cmd_name, "usage", "help" } rows here. */
    { "create", cmd_create, "[-n] [-f] <ConfigFile> [key=value...]",
      "Create a domain from a config file (-n: check it and print its JSON only)" },
    { "info", cmd_info, "", "Get information about the Xen host" },
    { "dmesg", cmd_dmesg, "[-c]", "Read and/or clear the Xen console ring (-c: clear)" },
    { NULL, NULL, NULL, NULL }
};

void xl_err(const char *fmt, ...)
{
    va_list ap;
    fputs("xl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static const struct xl_cmd *find_cmd(const char *name)
{
    for (const struct xl_cmd *c = commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int xl_usage(const char *name)
{
    const struct xl_cmd *c = name ? find_cmd(name) : NULL;
    if (c) {
        fprintf(stderr, "Usage: xl [-vfN] %s %s\n\n%s.\n", c->name, c->usage, c->help);
        return XL_USAGE;
    }
    fprintf(stderr, "Usage: xl [-vfN] <subcommand> [args]\n\nxl full list of subcommands:\n\n");
    for (c = commands; c->name; c++)
        fprintf(stderr, " %-20s%s\n", c->name, c->help);
    return XL_USAGE;
}

int main(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "+vfNh")) != -1) {
        switch (opt) {
        case 'v': xl_opts.verbose++; break;
        case 'f': xl_opts.force = 1; break;
        case 'N': xl_opts.dry_run = 1; break;
        case 'h': xl_usage(NULL); return XL_OK;
        default: return xl_usage(NULL);
        }
    }
    if (optind >= argc)
        return xl_usage(NULL);
    const char *name = argv[optind];
    if (strcmp(name, "help") == 0) {
        const char *about = optind + 1 < argc ? argv[optind + 1] : NULL;
        xl_usage(about);
        return about && !find_cmd(about) ? XL_USAGE : XL_OK;
    }
    const struct xl_cmd *c = find_cmd(name);
    if (!c) {
        xl_err("unknown subcommand '%s' (see 'xl help')", name);
        return XL_USAGE;
    }
    argc -= optind;
    argv += optind;
    optind = 0;   /* reset getopt for the subcommand (GNU: 0 reinitialises) */
    return c->fn(argc, argv);
}
