/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libxkctrl internals: never included from outside libctrl/ (unit tests
 * excepted: they link the static core library to test the pure parts). */
#ifndef XKCTRL_PRIVATE_H
#define XKCTRL_PRIVATE_H
#include "config.h"
#include <xkit/ctrl.h>

#include <stdarg.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/memory.h>
#include <xen/version.h>
#include <xen/grant_table.h>

/* Internal symbols are xkc__* and hidden; libxkctrl.map lists each export by name. */

#define XKC__PAGE_SIZE 4096u
#define XKC__BUF_CACHE 4          /* cached hypercall buffers */
#define XKC__BUF_CACHE_MAX_PAGES 16

/* A hypercall-safe buffer (whole pages). */
struct xkc__buf {
    void *p;
    size_t pages;
};

/* One live gntdev mapping, so xkc_gntdev_unmap needs only the address. */
struct xkc__gntmap {
    void *addr;
    uint64_t index;
    struct xkc__gntmap *next;
};

struct xkc_handle {
    int privcmd_fd;     /* -1 when not open */
    int hcall_fd;       /* /dev/xen/hypercall, -1 -> mlock'd anonymous pages */
    int evtchn_fd;      /* lazily opened */
    int gntdev_fd;      /* lazily opened */
    struct xkc__buf cache[XKC__BUF_CACHE];
    struct xkc__gntmap *gntmaps;
    struct xkc_stats st;
    int err;
    char errmsg[512];
};

/* ---- error.c ---- */
/* Record "<what>: <strerror(err)>" as the last error, set errno, return -1. */
int xkc__fail(xkc_handle *h, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same for a NULL-returning call. */
void *xkc__fail_null(xkc_handle *h, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void xkc__clear_error(xkc_handle *h);
/* Format "<what>: <strerror(err)>" into buf (pure). */
void xkc__format_error(char *buf, size_t len, int err, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
/* Domain id valid for a domctl-like operation (< DOMID_FIRST_RESERVED). */
int xkc__check_domid(xkc_handle *h, uint32_t domid, const char *what);

/* ---- handle.c ---- */
/* A handle with no devices open (fds -1): xkc_open() fills it in; unit tests
 * use it to exercise every call's validation and error path. */
xkc_handle *xkc__handle_new(void);

/* ---- abi.c ---- */
struct xkc__abi {
    const char *xen_release;   /* "4.17" */
    uint32_t domctl, sysctl;
};
const struct xkc__abi *xkc__abi_built(void);
/* The interface versions Xen release major.minor uses, or NULL if unknown. */
const struct xkc__abi *xkc__abi_for_release(unsigned major, unsigned minor);
/* Message for a rejected interface version (pure). */
void xkc__abi_mismatch_message(char *buf, size_t len, const char *which,
                               unsigned hv_major, unsigned hv_minor);
/* At open: probe sysctl and domctl versions; -1 + message on mismatch. */
int xkc__abi_check(xkc_handle *h);

/* ---- buffer.c ---- */
int xkc__buf_get(xkc_handle *h, size_t bytes, struct xkc__buf *b);
void xkc__buf_put(xkc_handle *h, struct xkc__buf *b);
void xkc__buf_cache_drain(xkc_handle *h);

/* ---- hypercall.c ---- */
/* Raw hypercall; returns Xen's non-negative result or -1 + errno (the
 * caller words the error). Counts it in the stats. */
long xkc__hypercall(xkc_handle *h, unsigned op, uint64_t a0, uint64_t a1,
                    uint64_t a2, uint64_t a3, uint64_t a4);
/* domctl/sysctl bounced through a hypercall buffer; interface version is
 * filled in; on failure the error names "domctl <what> (domain N)". */
int xkc__domctl(xkc_handle *h, struct xen_domctl *d, const char *what);
int xkc__sysctl(xkc_handle *h, struct xen_sysctl *s, const char *what);
/* Validate domid, store it in d->domain and run the domctl. */
int xkc__domctl_dom(xkc_handle *h, uint32_t domid, struct xen_domctl *d);
/* Copy `len` bytes of `arg` to a buffer, run the hypercall with its
 * address as argument `argpos` (others from a[]), copy back. */
long xkc__hypercall_bounce(xkc_handle *h, unsigned op, uint64_t cmd, void *arg,
                           size_t len);
/* The same for an op whose only argument is the structure (xsm_op). */
long xkc__hypercall_bounce1(xkc_handle *h, unsigned op, void *arg, size_t len);
const char *xkc__domctl_name(uint32_t cmd);

/* ---- marshalling (pure; domctl_pack.c, sysctl.c, memory.c, gnttab.c) ---- */
int xkc__pack_createdomain(struct xen_domctl *d, const struct xkc_domain_config *cfg,
                           uint32_t domid, const char **why);
/* The highest grant table version the hypervisor offers (libxl's default
 * max_grant_version): 2, 1, or 0 when it reports neither. */
unsigned xkc__gnttab_version_max(const struct xkc_physinfo *pi);
void xkc__decode_dominfo(const struct xen_domctl_getdomaininfo *in, struct xkc_dominfo *out);
void xkc__decode_physinfo(const struct xen_sysctl_physinfo *in, struct xkc_physinfo *out);
void xkc__hex(const unsigned char *in, size_t n, char *out, size_t outlen);
unsigned xkc__bitmap_weight(const uint8_t *map, size_t bytes);
/* Plan for populating [first, first+nr): next run of extents of one order. */
struct xkc__run {
    xen_pfn_t start;
    uint64_t count;   /* extents */
    unsigned order;
};
int xkc__range_next_run(xen_pfn_t first, uint64_t nr, struct xkc__run *run);
/* Write a reserved v1 grant entry (frame, domid, then flags after a barrier). */
void xkc__gnttab_set_entry(grant_entry_v1_t *table, unsigned ref, xen_pfn_t frame,
                           uint32_t domid);

/* ---- osdep (linux.c): the only place that knows the OS ---- */
int xkc__os_open_privcmd(xkc_handle *h, char *err, size_t errlen);
void xkc__os_close(xkc_handle *h);
long xkc__os_hypercall(xkc_handle *h, unsigned op, const uint64_t a[5]);
void *xkc__os_buf_alloc(xkc_handle *h, size_t pages);
void xkc__os_buf_free(xkc_handle *h, void *p, size_t pages);
void *xkc__os_map_foreign(xkc_handle *h, uint32_t domid, int prot, const xen_pfn_t *gfns,
                          int *errs, size_t n);
void *xkc__os_map_resource(xkc_handle *h, uint32_t domid, unsigned type, unsigned id,
                           unsigned idx, size_t nr, int prot);
int xkc__os_unmap(void *addr, size_t bytes);
int xkc__os_evtchn_open(xkc_handle *h);
enum xkc__evtchn_op {
    XKC__EVTCHN_BIND_INTERDOMAIN,
    XKC__EVTCHN_BIND_UNBOUND,
    XKC__EVTCHN_BIND_VIRQ,
    XKC__EVTCHN_NOTIFY,
    XKC__EVTCHN_UNBIND,
};
/* Returns the port (bind ops), 0 (others), -1 + errno. */
long xkc__os_evtchn_ctl(xkc_handle *h, enum xkc__evtchn_op op, uint32_t a, uint32_t b);
int xkc__os_evtchn_read(xkc_handle *h, uint32_t *port);   /* 1, 0 none, -1 */
int xkc__os_evtchn_unmask(xkc_handle *h, uint32_t port);
int xkc__os_gntdev_open(xkc_handle *h);
void *xkc__os_gntdev_map(xkc_handle *h, uint32_t domid, uint32_t ref, int prot,
                         uint64_t *index);
int xkc__os_gntdev_unmap(xkc_handle *h, void *addr, uint64_t index);
/* Store/load barrier for memory shared with another domain. */
void xkc__os_wmb(void);

#endif
