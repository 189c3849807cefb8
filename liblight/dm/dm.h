/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The device model area's pure helpers (liblight/dm/), shared with the unit
 * tests: QEMU's command line (args.c) for a PV or PVH guest's backends and
 * for an HVM guest, how a
 * running process is recognised as the QEMU of a domain, and the end of
 * its log for error lines. The operations themselves (xkl__dm_pv_ensure,
 * xkl__dm_stop) are declared in device/device.h.
 */
#ifndef XKLIGHT_DM_H
#define XKLIGHT_DM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

/* Where QEMU's QMP socket lives (libxl's run directory, same name). */
#define XKL__DM_RUN_DIR "/run/xen"
#define XKL__DM_LOG_DIR "/var/log/xen"

#define XKL__DM_MAXARGS 48
#define XKL__DM_MAXCHAN 8      /* channels one QEMU serves */
struct xkl__dm_argv {
    const char *argv[XKL__DM_MAXARGS];   /* NULL-terminated; argv[0] = the binary */
    size_t argc;
    /* the formatted arguments argv points into */
    char domid[16], qmp[96], name[160], mem[24];
    char chardev[XKL__DM_MAXCHAN][320];
};
struct xkl_channel;
/* The -chardev value of channel ch, the index-th of its guest (libxl's
 * id libxl-channel<index>; the console's output node names it): "pty,id=.."
 * or "socket,id=..,path=P,server=on,wait=off" with P's commas doubled.
 * Pure; 0, or -1 with errno ENAMETOOLONG. */
int xkl__dm_channel_chardev(const struct xkl_channel *ch, size_t index, char *buf, size_t len);
/* QEMU's arguments for domid's PV backends, as libxl gives them to a PV
 * (or PVH) device model: attached to the domain (-xen-attach, -machine
 * xenpv), a QMP socket at XKL__DM_RUN_DIR/qmp-libxl-D, no default devices,
 * no display, -m the guest's maximum memory in MiB (rounded up). The name
 * is passed as guest=NAME with its commas doubled (QEMU's option syntax).
 * Pure; 0, or -1 with errno ENAMETOOLONG when the name does not fit. */
int xkl__dm_pv_args(struct xkl__dm_argv *a, const char *qemu, uint32_t domid, const char *name,
                    uint64_t max_kb);
/* Then a -chardev per channel of ch[0..n) (at most XKL__DM_MAXCHAN:
 * E2BIG beyond), after the QMP monitor, where libxl puts them. */
int xkl__dm_pv_args_channels(struct xkl__dm_argv *a, const struct xkl_channel *ch, size_t n);
struct xkl_domain_config;
/* A NULL-terminated argument vector whose strings it owns (args.c). */
struct xkl__dm_cmd {
    char **argv;
    size_t argc, cap;
};
void xkl__dm_cmd_dispose(struct xkl__dm_cmd *c);
/* What an HVM guest's QEMU needs beyond its configuration: the numbers
 * create settled (memory in KiB with the video RAM inside max_kb, vcpus). */
struct xkl__dm_hvm_in {
    uint32_t domid;
    const struct xkl_domain_config *dc;
    uint64_t max_kb, video_kb;
    unsigned max_vcpus, avail_vcpus;
};
/* QEMU's arguments for an HVM guest, as libxl 4.17 gives them to
 * qemu-xen: -xen-domid, the QMP sockets qmp-libxl-D and qmp-libxenstat-D,
 * -nodefaults, -name, -vnc (127.0.0.1:0,to=99 unless vnc=0/nographic),
 * -display none, -serial per serial= entry, the VGA device (cirrus
 * default, std, none), -boot order=, USB devices, -no-acpi, -smp, one
 * emulated NIC per vif (model rtl8139 default, tap vifD.N-emu, the MAC the
 * vif has: create fills in missing ones first) or -net none, -machine
 * xenfv (pc,accel=xen with xen_platform_pci=0), -m (max - video) MiB, IDE
 * disks for hd[a-d]/xvd[a-d] and ide-cd cdroms, then device_model_args
 * and device_model_args_hvm as written. Pure; 0, or -1 with errno
 * (EINVAL: why[whylen] names the setting; ENOMEM) and c empty. */
int xkl__dm_hvm_args(struct xkl__dm_cmd *c, const char *qemu, const struct xkl__dm_hvm_in *in,
                     char *why, size_t whylen);
/* The name of an HVM vif's emulated half, the tap QEMU makes: vifD.N-emu,
 * or vifname-emu (libxl's), into out[len]. Pure; -1 with errno
 * ENAMETOOLONG past 15 characters (IFNAMSIZ). */
struct xkl_nic;
int xkl__dm_tap_name(uint32_t domid, const struct xkl_nic *nic, size_t index, char *out, size_t len);
/* The IDE index QEMU emulates vdev at (hda..hdd, xvda..xvdd: 0..3), or -1:
 * the PV driver alone serves it. Pure. */
int xkl__dm_ide_index(const char *vdev);
/* Whether a /proc/PID/cmdline (NUL-separated arguments, len bytes) is a
 * QEMU serving domid: argv[0] names a qemu binary and "-xen-domid D" is
 * among its arguments (Debian's xl starts it alike). Pure. */
bool xkl__dm_cmdline_is(const char *cmdline, size_t len, uint32_t domid);
/* ---- QMP (qmp.c) ---- */
enum xkl__qmp_kind { XKL__QMP_BAD, XKL__QMP_GREETING, XKL__QMP_RETURN, XKL__QMP_ERROR, XKL__QMP_EVENT };
struct xkl__qmp_msg {
    enum xkl__qmp_kind kind;
    long long id;           /* -1: none */
    yajl_val tree;          /* the whole message (xkl__qmp_msg_dispose) */
    yajl_val ret;           /* RETURN: its "return" value, inside tree */
    char desc[256];         /* ERROR: "Class: desc"; EVENT: its name; BAD: why */
};
/* One QMP message (a line without its CR LF). Pure; 0 (m->kind BAD when
 * it is not one), -1 with errno ENOMEM. */
int xkl__qmp_parse(const char *line, size_t len, struct xkl__qmp_msg *m);
void xkl__qmp_msg_dispose(struct xkl__qmp_msg *m);
/* From query-chardev's return: the pty of serialN into ptys[N] (max of
 * them, "" when none); only "pty:/dev/pts/<digits>" is taken. The count
 * found. Pure. */
int xkl__qmp_ptys(yajl_val ret, char ptys[][64], size_t max);

struct xkl__qmp {
    int fd;
    char *buf;
    size_t n, cap;
    long long next_id;
};
/* Connect to domid's QMP socket (retrying while QEMU makes it), read the
 * greeting, negotiate capabilities. 0, or -1 with errno and why. */
int xkl__qmp_open(struct xkl__qmp *q, uint32_t domid, int timeout_ms, char *why, size_t whylen);
/* Run cmd with arguments args_json (a JSON object, or NULL) and wait for
 * its reply (events are skipped): 0 with reply (RETURN) to dispose, or -1
 * with errno (EIO: QEMU's error, in why) and nothing to dispose. */
int xkl__qmp_call(struct xkl__qmp *q, const char *cmd, const char *args_json, int timeout_ms,
                  struct xkl__qmp_msg *reply, char *why, size_t whylen);
void xkl__qmp_close(struct xkl__qmp *q);

/* The last (at most 3) non-empty lines of a log text, joined by " | ",
 * into out (outlen bytes, truncated); "(empty)" when there are none. Pure. */
void xkl__dm_log_tail(const char *text, size_t len, char *out, size_t outlen);
#endif
