/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The device model area's pure helpers (liblight/dm/), shared with the unit
 * tests: QEMU's command line for a PV or PVH guest's backends, how a
 * running process is recognised as the QEMU of a domain, and the end of
 * its log for error lines. The operations themselves (xkl__dm_pv_ensure,
 * xkl__dm_stop) are declared in device/device.h.
 */
#ifndef XKLIGHT_DM_H
#define XKLIGHT_DM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where QEMU's QMP socket lives (libxl's run directory, same name). */
#define XKL__DM_RUN_DIR "/run/xen"
#define XKL__DM_LOG_DIR "/var/log/xen"

#define XKL__DM_MAXARGS 32
struct xkl__dm_argv {
    const char *argv[XKL__DM_MAXARGS];   /* NULL-terminated; argv[0] = the binary */
    size_t argc;
    /* the formatted arguments argv points into */
    char domid[16], qmp[96], name[160], mem[24];
};
/* QEMU's arguments for domid's PV backends, as libxl gives them to a PV
 * (or PVH) device model: attached to the domain (-xen-attach, -machine
 * xenpv), a QMP socket at XKL__DM_RUN_DIR/qmp-libxl-D, no default devices,
 * no display, -m the guest's maximum memory in MiB (rounded up). The name
 * is passed as guest=NAME with its commas doubled (QEMU's option syntax).
 * Pure; 0, or -1 with errno ENAMETOOLONG when the name does not fit. */
int xkl__dm_pv_args(struct xkl__dm_argv *a, const char *qemu, uint32_t domid, const char *name,
                    uint64_t max_kb);
/* Whether a /proc/PID/cmdline (NUL-separated arguments, len bytes) is a
 * QEMU serving domid: argv[0] names a qemu binary and "-xen-domid D" is
 * among its arguments (Debian's xl starts it alike). Pure. */
bool xkl__dm_cmdline_is(const char *cmdline, size_t len, uint32_t domid);
/* The last (at most 3) non-empty lines of a log text, joined by " | ",
 * into out (outlen bytes, truncated); "(empty)" when there are none. Pure. */
void xkl__dm_log_tail(const char *text, size_t len, char *out, size_t outlen);
#endif
