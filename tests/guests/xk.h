/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared declarations of the xk test kernels (xk-pv, xk-pvh).
 *
 * The common code (console, command line, main flow) is written once; each
 * flavour supplies the few functions that differ: how a hypercall is made,
 * how bytes reach the emergency console and how to sleep with events masked.
 */
#ifndef XK_H
#define XK_H

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/io/console.h>
#include <xen/grant_table.h>

/* Compiler barrier: x86 keeps stores in order (TSO), the compiler must too. */
#define xk_barrier() __asm__ __volatile__("" ::: "memory")

/* libc.c: what gcc may call even in a freestanding kernel. */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

/* string.c */
size_t xk_strnlen(const char *s, size_t max);
int xk_strncmp(const char *a, const char *b, size_t n);

/* A bounded line buffer: appends are truncated, never overflow. */
struct xk_buf {
    char *p;
    size_t len, cap; /* cap includes room for the terminating NUL */
};
void xk_buf_init(struct xk_buf *b, char *mem, size_t cap);
void xk_buf_str(struct xk_buf *b, const char *s);
void xk_buf_strn(struct xk_buf *b, const char *s, size_t n);
void xk_buf_ulong(struct xk_buf *b, unsigned long v);

/* cmdline.c */
enum xk_mode { XK_MODE_POWEROFF, XK_MODE_REBOOT, XK_MODE_CRASH, XK_MODE_SLEEP, XK_MODE_WATCHDOG,
              XK_MODE_GNTTAB2 };
#define XK_MSG_MAX 64
struct xk_opts {
    enum xk_mode mode;
    int bad_mode;           /* xk.mode= had an unknown value (poweroff used) */
    char msg[XK_MSG_MAX];   /* xk.msg=WORD, "" if absent */
};
void xk_cmdline_parse(const char *cmdline, size_t len, struct xk_opts *o);
const char *xk_mode_name(enum xk_mode m);

/* console.c: PV console ring + emergency console. */
void xk_console_ring(struct xencons_interface *ring, evtchn_port_t port);
void xk_write(const char *s, size_t n);
void xk_puts(const char *s);
void xk_console_flush(void);

/* main.c: the common flow after the flavour's setup. domid < 0: unknown. */
void xk_main(const char *type, long domid, const char *cmdline, size_t len)
    __attribute__((noreturn));

/* Provided by pv.c / pvh.c. */
long xk_hypercall(unsigned int nr, unsigned long a1, unsigned long a2,
                  unsigned long a3);
void xk_emergency_write(const char *s, size_t n);
void xk_sleep_forever(void) __attribute__((noreturn));

#endif
