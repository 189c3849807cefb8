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

/* Internal symbols are xkci_* (never matched by the map's xkc_*). */

#define XKCI_PAGE_SIZE 4096u
#define XKCI_BUF_CACHE 4          /* cached hypercall buffers */
#define XKCI_BUF_CACHE_MAX_PAGES 16

/* A hypercall-safe buffer (whole pages). */
struct xkci_buf {
    void *p;
    size_t pages;
};

/* One live gntdev mapping, so xkc_gntdev_unmap needs only the address. */
struct xkci_gntmap {
    void *addr;
    uint64_t index;
    struct xkci_gntmap *next;
};

struct xkc_handle {
    int privcmd_fd;     /* -1 when not open */
    int hcall_fd;       /* /dev/xen/hypercall, -1 -> mlock'd anonymous pages */
    int evtchn_fd;      /* lazily opened */
    int gntdev_fd;      /* lazily opened */
    struct xkci_buf cache[XKCI_BUF_CACHE];
    struct xkci_gntmap *gntmaps;
    struct xkc_stats st;
    int err;
    char errmsg[512];
};

/* ---- error.c ---- */
/* Record "<what>: <strerror(err)>" as the last error, set errno, return -1. */
int xkci_fail(xkc_handle *h, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same for a NULL-returning call. */
void *xkci_fail_null(xkc_handle *h, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void xkci_clear_error(xkc_handle *h);
/* Format "<what>: <strerror(err)>" into buf (pure). */
void xkci_format_error(char *buf, size_t len, int err, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
/* Domain id valid for a domctl-like operation (< DOMID_FIRST_RESERVED). */
int xkci_check_domid(xkc_handle *h, uint32_t domid, const char *what);

/* ---- handle.c ---- */
/* A handle with no devices open (fds -1): xkc_open() fills it in; unit tests
 * use it to exercise every call's validation and error path. */
xkc_handle *xkci_handle_new(void);

/* ---- abi.c ---- */
struct xkci_abi {
    const char *xen_release;   /* "4.17" */
    uint32_t domctl, sysctl;
};
const struct xkci_abi *xkci_abi_built(void);
/* The interface versions Xen release major.minor uses, or NULL if unknown. */
const struct xkci_abi *xkci_abi_for_release(unsigned major, unsigned minor);
/* Message for a rejected interface version (pure). */
void xkci_abi_mismatch_message(char *buf, size_t len, const char *which,
                               unsigned hv_major, unsigned hv_minor);
/* At open: probe sysctl and domctl versions; -1 + message on mismatch. */
int xkci_abi_check(xkc_handle *h);

/* ---- buffer.c ---- */
int xkci_buf_get(xkc_handle *h, size_t bytes, struct xkci_buf *b);
void xkci_buf_put(xkc_handle *h, struct xkci_buf *b);
void xkci_buf_cache_drain(xkc_handle *h);

/* ---- hypercall.c ---- */
/* Raw hypercall; returns Xen's non-negative result or -1 + errno (the
 * caller words the error). Counts it in the stats. */
long xkci_hypercall(xkc_handle *h, unsigned op, uint64_t a0, uint64_t a1,
                    uint64_t a2, uint64_t a3, uint64_t a4);
/* domctl/sysctl bounced through a hypercall buffer; interface version is
 * filled in; on failure the error names "domctl <what> (domain N)". */
int xkci_domctl(xkc_handle *h, struct xen_domctl *d, const char *what);
int xkci_sysctl(xkc_handle *h, struct xen_sysctl *s, const char *what);
/* Validate domid, store it in d->domain and run the domctl. */
int xkci_domctl_dom(xkc_handle *h, uint32_t domid, struct xen_domctl *d);
/* Copy `len` bytes of `arg` to a buffer, run the hypercall with its
 * address as argument `argpos` (others from a[]), copy back. */
long xkci_hypercall_bounce(xkc_handle *h, unsigned op, uint64_t cmd, void *arg,
                           size_t len);
const char *xkci_domctl_name(uint32_t cmd);

/* ---- marshalling (pure; domctl_pack.c, sysctl.c, memory.c, gnttab.c) ---- */
int xkci_pack_createdomain(struct xen_domctl *d, const struct xkc_domain_config *cfg,
                           uint32_t domid, const char **why);
void xkci_decode_dominfo(const struct xen_domctl_getdomaininfo *in, struct xkc_dominfo *out);
void xkci_decode_physinfo(const struct xen_sysctl_physinfo *in, struct xkc_physinfo *out);
void xkci_hex(const unsigned char *in, size_t n, char *out, size_t outlen);
unsigned xkci_bitmap_weight(const uint8_t *map, size_t bytes);
/* Plan for populating [first, first+nr): next run of extents of one order. */
struct xkci_run {
    xen_pfn_t start;
    uint64_t count;   /* extents */
    unsigned order;
};
int xkci_range_next_run(xen_pfn_t first, uint64_t nr, struct xkci_run *run);
/* Write a reserved v1 grant entry (frame, domid, then flags after a barrier). */
void xkci_gnttab_set_entry(grant_entry_v1_t *table, unsigned ref, xen_pfn_t frame,
                           uint32_t domid);

/* ---- osdep (linux.c): the only place that knows the OS ---- */
int xkci_os_open_privcmd(xkc_handle *h, char *err, size_t errlen);
void xkci_os_close(xkc_handle *h);
long xkci_os_hypercall(xkc_handle *h, unsigned op, const uint64_t a[5]);
void *xkci_os_buf_alloc(xkc_handle *h, size_t pages);
void xkci_os_buf_free(xkc_handle *h, void *p, size_t pages);
void *xkci_os_map_foreign(xkc_handle *h, uint32_t domid, int prot, const xen_pfn_t *gfns,
                          int *errs, size_t n);
void *xkci_os_map_resource(xkc_handle *h, uint32_t domid, unsigned type, unsigned id,
                           unsigned idx, size_t nr, int prot);
int xkci_os_unmap(void *addr, size_t bytes);
int xkci_os_evtchn_open(xkc_handle *h);
enum xkci_evtchn_op {
    XKCI_EVTCHN_BIND_INTERDOMAIN,
    XKCI_EVTCHN_BIND_UNBOUND,
    XKCI_EVTCHN_BIND_VIRQ,
    XKCI_EVTCHN_NOTIFY,
    XKCI_EVTCHN_UNBIND,
};
/* Returns the port (bind ops), 0 (others), -1 + errno. */
long xkci_os_evtchn_ctl(xkc_handle *h, enum xkci_evtchn_op op, uint32_t a, uint32_t b);
int xkci_os_evtchn_read(xkc_handle *h, uint32_t *port);   /* 1, 0 none, -1 */
int xkci_os_evtchn_unmask(xkc_handle *h, uint32_t port);
int xkci_os_gntdev_open(xkc_handle *h);
void *xkci_os_gntdev_map(xkc_handle *h, uint32_t domid, uint32_t ref, int prot,
                         uint64_t *index);
int xkci_os_gntdev_unmap(xkc_handle *h, void *addr, uint64_t index);
/* Store/load barrier for memory shared with another domain. */
void xkci_os_wmb(void);

#endif
