/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl life-cycle commands: shared helpers (life_util.c). */
#ifndef XL_LIFE_H
#define XL_LIFE_H
#include "xl.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xkit/light.h>

/* A context configured from the environment: XKIT_STATEDIR (state
 * directory) and XKIT_FAULT_STEP (tests: make create step N fail). NULL
 * after printing the error. */
xkl_ctx *xl_ctx_open(void);
/* Resolve a domain name or id; prints "xl: ..." and returns -1 if none. */
int xl_domid(xkl_ctx *ctx, const char *arg, uint32_t *domid);
/* Run fn(ctx, domid, arg) on the domain named by dom with a fresh context;
 * XL_OK, or XL_FAIL after reporting the error in one line. */
typedef int xl_dom_fn(xkl_ctx *ctx, uint32_t domid, void *arg);
int xl_with_domain(const char *dom, xl_dom_fn *fn, void *arg);
/* Print the context's error as one "xl: ..." line; returns XL_FAIL. */
int xl_ctx_fail(xkl_ctx *ctx);

/* Pure parsers (unit tested in tests/unit/xl_parse.c). */
/* "256", "256m", "1g", "512k", "1048576b": KiB (no suffix: MiB, like xl). */
int xl_parse_mem_kb(const char *s, uint64_t *kb);
/* "all", "3", "0-2,5": bitmap of XKL_CPUMAP_BYTES bytes; -1 if malformed
 * or a cpu >= XKL_CPUMAP_BYTES * 8. */
int xl_parse_cpulist(const char *s, uint8_t *map);
/* Each CPU's NUMA node (node[] of XKL_CPUMAP_BYTES * 8), from Xen: the
 * number of CPUs, or -1 after printing why. */
int xl_cpu_nodes(uint32_t *node);
/* "all" when every cpu below nr_cpus is set, else "0-2,5" (buf >= 64). */
void xl_format_cpumap(const uint8_t *map, unsigned nr_cpus, char *buf, size_t len);
/* xl uptime's "[N day(s), ]H:MM:SS". */
void xl_format_uptime(unsigned long secs, char *buf, size_t len);
/* xl uptime -s's "[N day(s), ]H:MM". */
void xl_format_uptime_short(unsigned long secs, char *buf, size_t len);
/* Unsigned decimal in [min, max]; -1 if not. */
int xl_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out);

/* An xl.cfg FILE with OVERRIDES, converted and given xl.conf's defaults;
 * messages printed; NULL after an error. *name (NULL: not wanted): the
 * name as the file spells it, malloc'd, or NULL. */
xkl_domain_config *xl_config_load(const char *file, char *const *overrides, size_t noverrides,
                                  char **name);
/* A configuration on stdout as xl.conf's output_format says: JSON, or
 * SXP for domain domid (-1: not created) with uuid (NULL: unknown). */
int xl_config_print(const xkl_domain_config *dc, long long domid, const uint8_t *uuid);

/* xl create's work after the config was checked (cmd_create_run.c). */
struct xl_create_opts {
    bool paused, console, foreground, quiet;
    bool monitor;   /* false with -e: nobody acts on shutdowns */
    bool vncviewer, vnc_autopass;   /* -V, -A: run vncviewer on the guest's display */
};
int xl_create_run(const char *file, char *const *overrides, size_t noverrides,
                  const struct xl_create_opts *o);
/* config-update's work after its arguments were read (cmd_create_run.c). */
int xl_config_update_run(const char *dom, const char *file, char *const *overrides, size_t noverrides,
                         int dry);
/* Attach to a domain's console (cmd_console.c); returns an exit code.
 * unpause: unpause the domain once the pty is open (xl create -c). */
int xl_console_attach(xkl_ctx *ctx, uint32_t domid, bool unpause);
/* The same for a console by type and number (xl console -t / -n). */
int xl_console_attach_type(xkl_ctx *ctx, uint32_t domid, enum xkl_console_type type, unsigned num,
                           bool unpause);
/* Replace this process with the user's vncviewer on domid's VNC display
 * (cmd_console.c); returns an exit code only when that failed. */
int xl_vncviewer_exec(xkl_ctx *ctx, uint32_t domid, bool autopass);
#endif
