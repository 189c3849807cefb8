/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xenstore command (xenstore-read, -write, -ls, ...): pure helpers
 * shared by xenstore.c and its unit tests. They reproduce the output
 * formats of Xen's own xenstore-* tools byte for byte.
 */
#ifndef XL_XENSTORE_H
#define XL_XENSTORE_H
#include "config.h"
#include <stdbool.h>
#include <stddef.h>
#include <xkit/light.h>

enum xst_mode {
    XST_NONE = -1,
    XST_READ, XST_WRITE, XST_LS, XST_RM, XST_EXISTS, XST_LIST, XST_CHMOD,
    XST_WATCH,
    XST_NMODES
};

/* Mode from a program name ("xenstore-read", "/usr/bin/xenstore-ls") or a
 * subcommand ("read"); XST_NONE if unknown. */
enum xst_mode xst_mode_of_prog(const char *argv0);
enum xst_mode xst_mode_of_name(const char *name);
const char *xst_mode_name(enum xst_mode m);
/* getopt string and usage tail ("[-h] [-p] [-s] [-R] key [...]") of a mode. */
const char *xst_optstring(enum xst_mode m);
const char *xst_usage(enum xst_mode m);

struct xst_opts {
    bool prefix;      /* -p */
    bool raw;         /* -R */
    bool socket;      /* -s */
    bool full_path;   /* ls -f */
    bool perms;       /* ls -p */
    bool tidy;        /* rm -t */
    bool recurse;     /* chmod -r */
    bool upto;        /* chmod -u */
    long count;       /* watch -n; -1 = forever */
    int first;        /* index of the first operand */
};
/* Parse options of mode m (argv[0] is the program or subcommand name).
 * Returns 0, or -1 for a usage error. A bad option is reported in err (to
 * be printed either way) but, like Xen's tool, is no error by itself. */
int xst_parse_args(enum xst_mode m, int argc, char **argv, struct xst_opts *o,
                   char *err, size_t errlen);
/* Whether the operand count suits the mode (xenstore-write: pairs...). */
bool xst_operands_ok(enum xst_mode m, int n);

/* Escape a value for display: printable ASCII as is, backslash doubled,
 * \t \n \r named, other bytes below 8 as \ooo, the rest as \xNN. */
char *xst_escape(const char *val, size_t len);
/* Undo the escapes of a command-line value (\\ \t \n \r \xNN \ooo; any
 * other escaped character stands for itself; a trailing backslash is a NUL). */
char *xst_unescape(const char *s, size_t *len);
/* A permission argument as xenstore-chmod reads it: a letter n/r/w/b and
 * the leading digits of the rest (missing digits mean domain 0). */
int xst_parse_perm_arg(const char *s, struct xkl_xs_perm *p);

/* One xenstore-ls line (without newline) into a malloc'd string.
 * width: -1 unlimited (ls -f, a terminal of unknown width), else columns.
 * full: the node's full path (ls -f) or NULL; name and depth otherwise.
 * escaped/rawlen: the value escaped and its raw length, or NULL when the
 * value could not be read; perms: "n0,r5" or NULL. */
char *xst_ls_line(int width, int depth, const char *full, const char *name,
                  const char *escaped, size_t rawlen, const char *perms);
#endif
