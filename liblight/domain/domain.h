/* liblight domain internals (liblight/domain/): the context and the helpers
 * its files share (create, destroy, layout, state, events, monitor). */
#ifndef XKLIGHT_DOM_PRIVATE_H
#define XKLIGHT_DOM_PRIVATE_H

#include <pthread.h>
#include <stdarg.h>
#include <xkit/ctrl.h>
#include <xen/sched.h>

struct xkl__known {            /* a domain the event stream has seen */
    uint32_t domid;
    bool shutdown_reported;
};

struct xkl_ctx {
    pthread_mutex_t lock;      /* every public call holds it */
    xkc_handle *xc;            /* opened on first use */
    xkl_xs *xs;                /* requests; opened on first use */
    xkl_xs *ev_xs;             /* watch events only (xkl_event_fd) */
    char *state_dir;
    unsigned fault_step;
    void (*log)(void *arg, const char *line);
    void *log_arg;
    char err[1024];
    struct xkl__known *known;
    size_t nknown;
    bool known_primed;
};

#define XKL__LOCK(c) pthread_mutex_lock(&(c)->lock)
#define XKL__UNLOCK(c) pthread_mutex_unlock(&(c)->lock)

/* Set the context's error line and errno = errnum; returns -1. */
int xkl__err(xkl_ctx *ctx, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Put "<prefix>: " before the current error line; errno kept; -1. */
int xkl__err_wrap(xkl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "<what>: <xkc error>" / "<what>: <xs error>", errno kept. */
int xkl__err_xc(xkl_ctx *ctx, const char *what);
int xkl__err_xs(xkl_ctx *ctx, const char *what);
/* One line to the caller's log callback, if any. */
void xkl__log(xkl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Lazily opened handles (NULL with the error set). Caller holds the lock. */
xkc_handle *xkl__xc(xkl_ctx *ctx);
xkl_xs *xkl__xs(xkl_ctx *ctx);

/* xenstore helpers (caller holds the lock). */
char *xkl__xs_readf(xkl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int xkl__xs_writef(xkl_ctx *ctx, xkl_xs_tx tx, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "/vm/UUID" of a domain, malloc'd, from /local/domain/N/vm. */
char *xkl__vm_path(xkl_ctx *ctx, uint32_t domid);
/* Domid of the domain called name, or -1 with errno ESRCH (0 on success). */
int xkl__find_name(xkl_ctx *ctx, const char *name, uint32_t *domid);
int xkl__info(xkl_ctx *ctx, uint32_t domid, struct xkl_dominfo *out);
int xkl__destroy(xkl_ctx *ctx, uint32_t domid);
int xkl__create(xkl_ctx *ctx, struct xkl_domain_config *dc, unsigned flags, uint32_t *domid);

/* ---- xenstore layout of a domain (layout.c) ---- */
struct xkl__node {
    char *path;
    char *value;               /* NULL: a directory ("") */
    struct xkl_xs_perm perms[2];
    unsigned nperms;           /* 0: inherit from the parent */
};
struct xkl__layout {
    struct xkl__node *v;
    size_t n, cap;
    char **rm;                 /* paths removed first */
    size_t nrm;
};
/* What the layout needs to know about the guest. */
struct xkl__layout_in {
    uint32_t domid;
    const char *name;
    const char *uuid;          /* text form */
    bool pvh;
    unsigned max_vcpus, avail_vcpus;
    uint64_t max_kb, target_kb, video_kb;
    const char *kernel, *cmdline, *ramdisk;   /* PV image/ nodes */
    uint64_t store_gfn, console_gfn;
    uint32_t store_port, console_port;
    double start_time;
};
void xkl__layout_init(struct xkl__layout *l);
/* Append a node (value NULL: a directory) with perms[nperms] (0: inherit,
 * at most 2), or a path to remove before any node is written. */
int xkl__layout_add(struct xkl__layout *l, const struct xkl_xs_perm *perms, unsigned nperms,
                    const char *value, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int xkl__layout_addv(struct xkl__layout *l, const struct xkl_xs_perm *perms, unsigned nperms,
                     const char *value, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));
int xkl__layout_rm(struct xkl__layout *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xkl__layout_dispose(struct xkl__layout *l);
/* Before the build: the directories and their permissions (libxl's
 * domain_make). After the build: memory, cpus, store, console, image. */
int xkl__layout_make(struct xkl__layout *l, const struct xkl__layout_in *in);
int xkl__layout_built(struct xkl__layout *l, const struct xkl__layout_in *in);
/* Every path the toolstack owns for domid (removed on destroy). */
int xkl__layout_owned(struct xkl__layout *l, uint32_t domid, const char *vm_path);
/* implied[i] (n entries): node i need not be made, a later node of the
 * layout creates it with the same permissions (pure, for write and tests). */
void xkl__layout_implied(const struct xkl__layout *l, bool *implied);
/* Write l in one transaction (retried on conflicts). On failure the
 * context's error is the xenstore message naming the first failing request,
 * e.g. "xenstore write /local/domain/5/name: Permission denied (EACCES)". */
int xkl__layout_write(xkl_ctx *ctx, const struct xkl__layout *l);

/* ---- persisted configs (state.c) ---- */
/* <state_dir>/<uuid>.json holds the domain's config JSON. remove also
 * drops libxl's /var/lib/xen/userdata-d.<domid>.<uuid>.* of a domain
 * Debian's xl created. */
int xkl__state_save(xkl_ctx *ctx, const char *uuid, const char *config_json);
int xkl__state_remove(xkl_ctx *ctx, const char *uuid, uint32_t domid);
/* The "config" JSON (malloc'd) of uuid/domid, ours or libxl's. */
char *xkl__state_load(xkl_ctx *ctx, const char *uuid, uint32_t domid);
/* "<state_dir>/<file>" */
char *xkl__state_path(xkl_ctx *ctx, const char *file);
#endif
