/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl: the command-line front end. Shared declarations of the subcommands. */
#ifndef XL_H
#define XL_H
#include "config.h"
#include <stdio.h>

/* Exit codes documented in xl(1): 0 success, 1 failure, 2 usage error. */
enum { XL_OK = 0, XL_FAIL = 1, XL_USAGE = 2 };

struct xl_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);  /* argv[0] is the subcommand name */
    const char *usage;                 /* options and arguments */
    const char *help;                  /* one line */
};

/* Global options (xl -v, -N, -f...), set by main before the subcommand runs. */
struct xl_global {
    int verbose;
    int dry_run;
    int force;
};
extern struct xl_global xl_opts;

/* Print "xl: <message>" on stderr, one line. */
void xl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int xl_usage(const char *cmd);

#define XL_CMD(n) int cmd_##n(int argc, char **argv)
#endif
