/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl: the command-line front end. Shared declarations of the subcommands. */
#ifndef XL_H
#define XL_H
#include "config.h"
#include <stdio.h>
#include <xkit/light/config.h>

/* Exit codes documented in xl(1): 0 success, 1 failure, 2 usage error. */
enum { XL_OK = 0, XL_FAIL = 1, XL_USAGE = 2 };

enum { XL_DRYRUN = 1, XL_MODIFIES = 2 };

struct xl_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);  /* argv[0] is the subcommand name */
    unsigned flags;                    /* XL_DRYRUN, XL_MODIFIES */
    const char *help;                  /* one line: what it does */
    const char *usage;                 /* options and arguments */
    const char *options;               /* NULL or the option list of `xl help CMD` */
};

/* Global options (xl -v, -N, -f, -t, -T), set by main before the subcommand runs. */
struct xl_global {
    int verbose;
    int dry_run;
    int force;
    int progress_cr;   /* -t: progress lines end in CR */
    int timestamps;    /* -T: timestamps on log lines */
};
extern struct xl_global xl_opts;
/* /etc/xen/xl.conf (XKIT_XL_CONF overrides the path), read by main before
 * any subcommand runs. */
extern struct xkl_host_conf xl_host;

/* The option loop of every subcommand, with Xen's xl habits: GNU order
 * (options may follow arguments), -h/--help prints the command's help on
 * stdout, an unknown option is a usage error as in Xen's xl, fewer than min_args
 * arguments is a usage error. Returns the next option, -1 at the end
 * (optind at the first argument), or XL_OPT_EXIT: the command returns
 * st->rc (0 after help, XL_USAGE after an error that printed the help).
 * opts: getopt's option string without 'h'; longopts: NULL for --help
 * alone. */
struct option;
struct xl_optstate {
    int rc;
};
enum { XL_OPT_EXIT = -2 };
int xl_getopt(struct xl_optstate *st, int argc, char **argv, const char *opts,
              const struct option *longopts, int min_args);
/* Arguments beyond the first max after the options are named on stderr
 * as ignored (Xen's xl ignores them silently). */
void xl_extra_args(int argc, char **argv, int max);
/* for (opt: options of the command) switch (opt) { case ...: } with the
 * XL_OPT_EXIT case handled: "XL_FOREACH_OPT(opt, "fq", NULL, 1) { case 'f': ... }" */
#define XL_FOREACH_OPT(opt, opts, longopts, min_args)                                   \
    for (struct xl_optstate xl_os_ = { 0 };                                             \
         ((opt) = xl_getopt(&xl_os_, argc, argv, (opts), (longopts), (min_args))) != -1;) \
        if ((opt) == XL_OPT_EXIT)                                                       \
            return xl_os_.rc;                                                           \
        else                                                                            \
            switch (opt)

/* Print "xl: <message>" on stderr, one line. */
void xl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int xl_usage(const char *cmd);

#define XL_CMD(n) int cmd_##n(int argc, char **argv)
/* xl __monitor DOMID NAME: hidden, what xl create starts in the background
 * (cmd_create_run.c); argv[0] is "__monitor" */
int xl_monitord_main(int argc, char **argv);
/* who the library's log lines are from: "xl", or "xl: monitor" */
extern const char *xl_log_who;
#endif
