/*
 * libxklight: the xkit liblight layer. The only public header of libxklight.
 */
#ifndef XKIT_LIGHT_H
#define XKIT_LIGHT_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define XKL_API __attribute__((visibility("default")))
#else
#define XKL_API
#endif

/* Library version string, e.g. "0.1.0". */
XKL_API const char *xkl_version(void);

/* ==== BEGIN configuration (xl.cfg parser, domain config, JSON) ==========
 * Owned by the cfg area (liblight/cfg_*.c, types.*, json_*.c).
 *
 * Diagnostics: every parse step appends located messages to an xkl_diags
 * the caller owns. Errors read "FILE:LINE:COL: what was expected", warnings
 * "FILE:LINE:COL: warning: ...". A step fails (NULL / -1, errno EINVAL)
 * exactly when it added at least one error.
 */
#include <stddef.h>

enum xkl_diag_level { XKL_DIAG_WARNING, XKL_DIAG_ERROR };

struct xkl_diag {
    enum xkl_diag_level level;
    int line, col;          /* 1-based; 0 when the message has no place */
    char *text;             /* full "file:line:col: ..." line, no newline */
};

typedef struct xkl_diags {
    struct xkl_diag *v;
    size_t n, cap;
    unsigned nerrors, nwarnings;
} xkl_diags;

XKL_API void xkl_diags_init(xkl_diags *d);
XKL_API void xkl_diags_dispose(xkl_diags *d);

/* A parsed xl.cfg file: its settings in file order, untyped. */
typedef struct xkl_cfg xkl_cfg;

/* Parse TEXT (LEN bytes, need not be NUL-terminated); SOURCE names it in
 * messages. NULL on a syntax error (errno EINVAL) or ENOMEM. */
XKL_API xkl_cfg *xkl_cfg_parse(const char *source, const char *text, size_t len,
                               xkl_diags *d);
/* Read and parse a file (errors name the path and errno). */
XKL_API xkl_cfg *xkl_cfg_parse_file(const char *path, xkl_diags *d);
/* Apply one "key=value" (or "key+=value") override from the command line,
 * parsed with the file's grammar, after the file's own settings. */
XKL_API int xkl_cfg_override(xkl_cfg *cfg, const char *setting, xkl_diags *d);
XKL_API void xkl_cfg_free(xkl_cfg *cfg);
/* The value of KEY's last setting when that is a plain "=" of a string or
 * a number (its spelling); NULL when absent, a list, or set with "+=". */
XKL_API const char *xkl_cfg_get_atom(const xkl_cfg *cfg, const char *key);

/* Typed domain configuration (what xl create needs); layout is private to
 * liblight (types.def). */
typedef struct xkl_domain_config xkl_domain_config;

/* Check and convert settings to a domain configuration: disk and vif specs,
 * numbers, actions... Unknown keys are warnings. */
XKL_API xkl_domain_config *xkl_domain_config_from_cfg(const xkl_cfg *cfg, xkl_diags *d);
XKL_API void xkl_domain_config_free(xkl_domain_config *dc);
/* libxl-like JSON ({"c_info":..,"b_info":..,"disks":..}); malloc'd string. */
XKL_API char *xkl_domain_config_to_json(const xkl_domain_config *dc);
XKL_API xkl_domain_config *xkl_domain_config_from_json(const char *json, size_t len,
                                                       xkl_diags *d);

/* xl create -n: parse the file at PATH, apply OVERRIDES ("key=value"),
 * convert, and return the JSON text (malloc'd) or NULL with diagnostics. */
XKL_API char *xkl_cfg_to_json(const char *path, char *const *overrides, size_t noverrides,
                              xkl_diags *d);
/* ==== END configuration ================================================= */

/* ===================== xenstore client (xkl_xs_*) ===================== */
/*
 * A connection to xenstored over its unix socket or /dev/xen/xenbus. One
 * mutex per handle: threads may share a handle. Every call returns -1 or
 * NULL with errno set on failure and leaves a message naming the operation
 * and path in xkl_xs_error(), e.g.
 * "xenstore write /local/domain/0/foo: Permission denied (EACCES)".
 * Returned memory is malloc'd and released with free().
 */
#include <stddef.h>
#include <stdint.h>

typedef struct xkl_xs xkl_xs;
typedef uint32_t xkl_xs_tx;   /* transaction id; XKL_XS_TX_NONE outside one */
#define XKL_XS_TX_NONE 0u

/* xkl_xs_open() flags; 0 tries the socket first, then the xenbus device. */
#define XKL_XS_OPEN_SOCKET 1u /* only the unix socket ($XENSTORED_PATH, /run, /var/run) */
#define XKL_XS_OPEN_XENBUS 2u /* only /dev/xen/xenbus */

XKL_API xkl_xs *xkl_xs_open(unsigned flags);
/* Connect to an explicit socket path or xenbus device node. */
XKL_API xkl_xs *xkl_xs_open_path(const char *path);
XKL_API void xkl_xs_close(xkl_xs *xs);
/* Message of the handle's last failure ("" if none). With several threads
 * on one handle use xkl_xs_error_copy(). */
XKL_API const char *xkl_xs_error(const xkl_xs *xs);
XKL_API void xkl_xs_error_copy(xkl_xs *xs, char *buf, size_t len);
/* Reply timeout in ms (default 30000; -1 waits forever). */
XKL_API void xkl_xs_set_timeout(xkl_xs *xs, int ms);
/* 1 when connected through /dev/xen/xenbus, 0 through the socket. */
XKL_API int xkl_xs_is_xenbus(const xkl_xs *xs);

/* Value of path, NUL-terminated for convenience; *len (may be NULL) excludes it. */
XKL_API char *xkl_xs_read(xkl_xs *xs, xkl_xs_tx tx, const char *path, size_t *len);
XKL_API int xkl_xs_write(xkl_xs *xs, xkl_xs_tx tx, const char *path,
                         const void *data, size_t len);
XKL_API int xkl_xs_mkdir(xkl_xs *xs, xkl_xs_tx tx, const char *path);
XKL_API int xkl_xs_rm(xkl_xs *xs, xkl_xs_tx tx, const char *path);
/* Children names: NULL-terminated vector in one allocation. Large directories
 * are read with XS_DIRECTORY_PART when the daemon answers E2BIG. */
XKL_API char **xkl_xs_directory(xkl_xs *xs, xkl_xs_tx tx, const char *path,
                                unsigned *num);

/* Permissions: the first entry is the owner (and everyone's default). */
#define XKL_XS_PERM_NONE 0u
#define XKL_XS_PERM_READ 1u
#define XKL_XS_PERM_WRITE 2u
#define XKL_XS_PERM_BOTH 3u
struct xkl_xs_perm {
    unsigned int domid;
    unsigned int perm; /* XKL_XS_PERM_* */
};
/* "n0", "r5", "w7", "b3" <-> struct; parse returns -1/EINVAL on bad input,
 * format returns the length or -1/ENOSPC. */
XKL_API int xkl_xs_perm_parse(const char *s, struct xkl_xs_perm *perm);
XKL_API int xkl_xs_perm_format(const struct xkl_xs_perm *perm, char *buf, size_t len);
XKL_API struct xkl_xs_perm *xkl_xs_get_perms(xkl_xs *xs, xkl_xs_tx tx,
                                             const char *path, unsigned *num);
XKL_API int xkl_xs_set_perms(xkl_xs *xs, xkl_xs_tx tx, const char *path,
                             const struct xkl_xs_perm *perms, unsigned num);

/* Watches. Events are queued on the handle, never mistaken for replies. */
struct xkl_xs_event {
    char *path;
    char *token; /* both point into the same allocation: free(event) */
};
XKL_API int xkl_xs_watch(xkl_xs *xs, const char *path, const char *token);
XKL_API int xkl_xs_unwatch(xkl_xs *xs, const char *path, const char *token);
/* Pollable fd: readable when an event may be ready (may wake spuriously). */
XKL_API int xkl_xs_watch_fd(xkl_xs *xs);
/* Next event, waiting up to timeout_ms (-1: forever, 0: don't wait);
 * NULL with errno EAGAIN when none came in time. */
XKL_API struct xkl_xs_event *xkl_xs_read_watch(xkl_xs *xs, int timeout_ms);
XKL_API int xkl_xs_reset_watches(xkl_xs *xs);

/* Transactions. tx_end fails with errno EAGAIN when the commit conflicted. */
XKL_API int xkl_xs_tx_start(xkl_xs *xs, xkl_xs_tx *tx);
XKL_API int xkl_xs_tx_end(xkl_xs *xs, xkl_xs_tx tx, int abort);
/* Run fn inside a transaction and commit, again while fn or the commit fail
 * with EAGAIN, at most max_tries times. fn returns 0, or -1 with errno (the
 * transaction is then aborted). Returns 0 or -1 with errno. */
typedef int xkl_xs_tx_fn(xkl_xs *xs, xkl_xs_tx tx, void *arg);
XKL_API int xkl_xs_tx_retry(xkl_xs *xs, unsigned max_tries, xkl_xs_tx_fn *fn,
                            void *arg);

/* Domains (dom0 only). */
XKL_API int xkl_xs_introduce(xkl_xs *xs, unsigned domid, unsigned long mfn,
                             unsigned evtchn);
XKL_API int xkl_xs_release(xkl_xs *xs, unsigned domid);
XKL_API int xkl_xs_resume(xkl_xs *xs, unsigned domid);
XKL_API int xkl_xs_set_target(xkl_xs *xs, unsigned domid, unsigned target);
/* 1 introduced, 0 not, -1 error. */
XKL_API int xkl_xs_is_introduced(xkl_xs *xs, unsigned domid);
XKL_API char *xkl_xs_get_domain_path(xkl_xs *xs, unsigned domid);

/* Optional requests (Xen 4.19+ daemons): -1 with errno ENOSYS when the
 * daemon lacks them. domid < 0 means the global setting. */
XKL_API int xkl_xs_get_feature(xkl_xs *xs, int domid, uint32_t *features);
XKL_API int xkl_xs_set_feature(xkl_xs *xs, unsigned domid, uint32_t features);
XKL_API int xkl_xs_get_quota(xkl_xs *xs, int domid, const char *name,
                             unsigned *value);
XKL_API int xkl_xs_set_quota(xkl_xs *xs, int domid, const char *name,
                             unsigned value);

/* Pipelining: send a raw request (type from xen/io/xs_wire.h) now, collect
 * its reply later; several may be in flight. recv returns the reply payload
 * (NUL-terminated for convenience, *len excludes it) or NULL with errno set
 * from the daemon's error. */
XKL_API int xkl_xs_send(xkl_xs *xs, xkl_xs_tx tx, unsigned type,
                        const void *payload, size_t len, uint32_t *req_id);
XKL_API void *xkl_xs_recv(xkl_xs *xs, uint32_t req_id, size_t *len);
/* =================== end of xenstore client section =================== */

/* ==== BEGIN life cycle (ctx.c, dom_*.c, layout_*.c, state.c, monitor.c) ====
 * A context owns a libxkctrl handle and a xenstore connection, both opened
 * on first use. One mutex per context: threads may share one. No global
 * state, no exit(), no signal handlers, no fork() except where a call says
 * so. Every call returns -1 / NULL with errno set on failure and leaves one
 * line in xkl_ctx_error() naming the operation, the domain and the reason,
 * e.g. "destroy domain 5: No such process".
 */
#include <stdbool.h>
#include <stdint.h>

typedef struct xkl_ctx xkl_ctx;

struct xkl_ctx_opts {
    const char *state_dir;  /* persisted configs; NULL: XK_STATEDIR */
    unsigned fault_step;    /* tests only: xkl_domain_create fails at step N (1-based) */
    /* Optional: one line per thing the monitor did ("domain 5 (web) shut
     * down (reboot): restarted as domain 6"); called with the lock held. */
    void (*log)(void *arg, const char *line);
    void *log_arg;
};
/* opts may be NULL. On failure err (errlen bytes) says why. */
XKL_API xkl_ctx *xkl_ctx_open(const struct xkl_ctx_opts *opts, char *err, size_t errlen);
XKL_API void xkl_ctx_close(xkl_ctx *ctx);
XKL_API const char *xkl_ctx_error(const xkl_ctx *ctx);
XKL_API void xkl_ctx_error_copy(xkl_ctx *ctx, char *buf, size_t len);

/* One domain as xl list shows it. */
struct xkl_dominfo {
    uint32_t domid;
    char name[128];          /* from xenstore; "" when it has none */
    uint8_t uuid[16];
    uint64_t mem_kb;         /* current + outstanding (claimed) */
    uint64_t max_kb;
    unsigned vcpus_online;
    unsigned max_vcpu_id;
    bool running, blocked, paused, shutdown, dying;
    unsigned shutdown_reason;  /* SHUTDOWN_*, valid when shutdown */
    uint64_t cpu_time_ns;
};
/* "rbpscd" letters or '-' (xl list's State column), NUL-terminated. */
XKL_API void xkl_dominfo_state(const struct xkl_dominfo *di, char out[7]);
/* All domains, in domid order; *out is malloc'd (free() it). */
XKL_API int xkl_domain_list(xkl_ctx *ctx, struct xkl_dominfo **out, size_t *n);
XKL_API int xkl_domain_info(xkl_ctx *ctx, uint32_t domid, struct xkl_dominfo *out);
/* Domain id from a name or a decimal id (ESRCH if none). */
XKL_API int xkl_domain_lookup(xkl_ctx *ctx, const char *name_or_id, uint32_t *domid);
/* Seconds since the epoch when the domain was started (/vm/UUID/start_time). */
XKL_API int xkl_domain_start_time(xkl_ctx *ctx, uint32_t domid, double *when);

XKL_API int xkl_domain_pause(xkl_ctx *ctx, uint32_t domid);
XKL_API int xkl_domain_unpause(xkl_ctx *ctx, uint32_t domid);
/* Destroy the domain and everything the toolstack kept for it: xenstore
 * (/local/domain/N, /vm/UUID, /libxl/N, its backends) and the state file. */
XKL_API int xkl_domain_destroy(xkl_ctx *ctx, uint32_t domid);

enum xkl_shutdown_kind { XKL_SHUTDOWN_POWEROFF, XKL_SHUTDOWN_REBOOT };
#define XKL_SHUTDOWN_FORCE 1u  /* SCHEDOP_remote_shutdown even with PV drivers */
/* Ask the guest through control/shutdown when it has PV drivers
 * (control/feature-poweroff = 1), else (or with FORCE) shut it down from
 * outside with SCHEDOP_remote_shutdown. */
XKL_API int xkl_domain_shutdown(xkl_ctx *ctx, uint32_t domid, enum xkl_shutdown_kind kind,
                                unsigned flags);
/* EEXIST when another domain has the name. */
XKL_API int xkl_domain_rename(xkl_ctx *ctx, uint32_t domid, const char *new_name);
/* Balloon target (memory/target) and the hypervisor's maximum, in KiB. */
XKL_API int xkl_domain_set_target_kb(xkl_ctx *ctx, uint32_t domid, uint64_t kb);
XKL_API int xkl_domain_set_max_kb(xkl_ctx *ctx, uint32_t domid, uint64_t kb);

/* vCPUs. Affinity bitmaps: bit n = physical CPU n. */
#define XKL_CPUMAP_BYTES 32
struct xkl_vcpuinfo {
    unsigned vcpu;
    bool online, blocked, running;
    uint32_t cpu;
    uint64_t cpu_time_ns;
    uint8_t hard[XKL_CPUMAP_BYTES], soft[XKL_CPUMAP_BYTES];
};
/* "all", "3", "0-2,5" -> bitmap (XKL_CPUMAP_BYTES); -1/EINVAL when
 * malformed or a cpu is beyond the map. */
XKL_API int xkl_cpumap_parse(const char *s, uint8_t *map);
/* Every vcpu up to max_vcpu_id; *out malloc'd. */
XKL_API int xkl_vcpu_list(xkl_ctx *ctx, uint32_t domid, struct xkl_vcpuinfo **out, unsigned *n);
/* vcpu < 0: all. hard/soft NULL: leave that mask alone. */
XKL_API int xkl_vcpu_pin(xkl_ctx *ctx, uint32_t domid, int vcpu, const uint8_t *hard,
                         const uint8_t *soft);
/* Bring vcpus [0, count) online and the rest offline (cpu/N/availability). */
XKL_API int xkl_vcpu_set_online(xkl_ctx *ctx, uint32_t domid, unsigned count);
XKL_API int xkl_sched_credit2_get(xkl_ctx *ctx, uint32_t domid, unsigned *weight, unsigned *cap);
XKL_API int xkl_sched_credit2_set(xkl_ctx *ctx, uint32_t domid, unsigned weight, unsigned cap);

/* Create a domain from dc (a UUID is chosen and stored in dc when it has
 * none), leave it paused with XKL_CREATE_PAUSED. Steps run in order, each
 * with its undo; on failure the done steps are undone backwards, so nothing
 * is left (domain, xenstore, state file). */
#define XKL_CREATE_PAUSED 1u
XKL_API int xkl_domain_create(xkl_ctx *ctx, xkl_domain_config *dc, unsigned flags,
                              uint32_t *domid);
/* Number and names of the create steps (for fault tests and -v). */
XKL_API unsigned xkl_create_nsteps(void);
XKL_API const char *xkl_create_step_name(unsigned step);
/* The persisted configuration of a domain as JSON (malloc'd): ours, or
 * the one Debian's libxl keeps in /var/lib/xen for domains it created. */
XKL_API char *xkl_domain_config_json(xkl_ctx *ctx, uint32_t domid);
/* The persisted configuration, parsed (free with xkl_domain_config_free). */
XKL_API xkl_domain_config *xkl_domain_config_load(xkl_ctx *ctx, uint32_t domid);
/* The pty xenconsoled made for console 0 (malloc'd path). */
XKL_API char *xkl_console_tty(xkl_ctx *ctx, uint32_t domid);

/* Domain events for a long-running manager: poll the fd, then take events. */
enum xkl_event_kind { XKL_EVENT_SHUTDOWN, XKL_EVENT_DEATH };
struct xkl_event {
    enum xkl_event_kind kind;
    uint32_t domid;
    unsigned reason;    /* SHUTDOWN_* for XKL_EVENT_SHUTDOWN */
};
/* Start watching (first call) and return the pollable fd. */
XKL_API int xkl_event_fd(xkl_ctx *ctx);
/* 1 with *ev filled, 0 none within timeout_ms (-1 forever), -1 error. Each
 * domain's shutdown and death are reported once. */
XKL_API int xkl_event_next(xkl_ctx *ctx, struct xkl_event *ev, int timeout_ms);

/* Carry out the persisted on_poweroff/on_reboot/on_crash/on_watchdog
 * actions for domid until it is gone (destroyed, preserved, or not
 * restarted). Blocks; returns 0, or -1. A caller wanting a background
 * monitor forks and calls this itself. *domid follows restarts. */
XKL_API int xkl_domain_monitor(xkl_ctx *ctx, uint32_t *domid);
/* ==== END life cycle ==================================================== */

#ifdef __cplusplus
}
#endif
#endif /* XKIT_LIGHT_H */
