/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* liblight domain internals (liblight/domain/): the context and the helpers
 * its files share (create, destroy, layout, state, events, monitor). */
#ifndef XKLIGHT_DOM_PRIVATE_H
#define XKLIGHT_DOM_PRIVATE_H

#include <pthread.h>
#include <stdarg.h>
#include <xkit/ctrl.h>
#include <xen/sched.h>
#include <xen/hvm/params.h>

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
    unsigned fault_step;       /* TEST ONLY (xkl_ctx_opts) */
    unsigned fault_point;      /* TEST ONLY (xkl_ctx_opts) */
    void (*log)(void *arg, const char *line);
    void *log_arg;
    struct xkl_host_conf host;  /* xl.conf (xkl_ctx_opts) */
    char err[1024];
    struct xkl__known *known;
    size_t nknown;
    bool known_primed;
    bool trace;                /* xkl_ctx_set_trace */
};

#define XKL__LOCK(c) pthread_mutex_lock(&(c)->lock)
#define XKL__UNLOCK(c) pthread_mutex_unlock(&(c)->lock)

/* The one formatter of the context's lines (errors, log, xenstore paths
 * and values): vsnprintf into buf[len]; 0 when it fitted, -1 with errno
 * ENAMETOOLONG when truncated (buf still holds the truncated text). */
int xkl__vfmt(char *buf, size_t len, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
/* Set the context's error line and errno = errnum; returns -1. The
 * arguments may point into ctx->err (formatted first, then copied). */
int xkl__err(xkl_ctx *ctx, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same for pure code without a context: the reason into why[len],
 * errno = errnum; returns -1. */
int xkl__why(char *why, size_t len, int errnum, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Put "<prefix>: " before the current error line; errno kept; -1. */
int xkl__err_wrap(xkl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Write domid's core dump in Xen's format to path (created 0600 or
 * truncated; removed again on failure); pages found in *pages (may be
 * NULL). Lock held. */
int xkl__core_dump(xkl_ctx *ctx, uint32_t domid, const char *path, uint64_t *pages);
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
/* Read every paths[i] (NULL: skipped) into vals[i] (NULL when the node is
 * missing or not ours to read), up to 64 requests in flight (one at a time
 * through /dev/xen/xenbus): n reads in about n/64 round trips. 0, or -1
 * with "<what>: xenstore read PATH: reason" (vals all NULL). */
int xkl__xs_read_all(xkl_ctx *ctx, xkl_xs *xs, char *const *paths, char **vals, size_t n,
                     const char *what);
/* "/vm/UUID" of a domain, malloc'd, from /local/domain/N/vm. */
char *xkl__vm_path(xkl_ctx *ctx, uint32_t domid);
/* Domid of the domain called name, or -1 with errno ESRCH (0 on success);
 * through the name index when it knows the name (names.c). */
int xkl__find_name(xkl_ctx *ctx, const char *name, uint32_t *domid);
/* The same for a name about to be taken (create): a miss reads only the
 * names of the domains the index lacks. */
int xkl__name_taken(xkl_ctx *ctx, const char *name, uint32_t *domid);
/* The name index (names.c; under the name lock): domain uuid (domid) is
 * called name now / is gone. */
int xkl__names_set(xkl_ctx *ctx, const char *name, uint32_t domid, const char *uuid);
void xkl__names_drop(xkl_ctx *ctx, const char *uuid, uint32_t domid);
int xkl__info(xkl_ctx *ctx, uint32_t domid, struct xkl_dominfo *out);
int xkl__destroy(xkl_ctx *ctx, uint32_t domid);
int xkl__create(xkl_ctx *ctx, struct xkl_domain_config *dc, unsigned flags, uint32_t *domid);

/* libxl's LIBXL_MAXMEM_CONSTANT: the hypervisor's max for a domain is
 * 1 MiB above what the guest is given (create, mem-set, mem-max). */
#define XKL__MAXMEM_SLACK_KB 1024

/* Every domain, in domid order, fetched in batches of at most `batch` by
 * fetch (xkc_domain_list's contract: up to max domains from domid first
 * on, their count, or -1 with errno). *out malloc'd. Pure: tests pass a
 * fake fetch. -1 with errno on failure (nothing allocated). */
typedef int (*xkl__list_fetch)(void *arg, uint32_t first, struct xkc_dominfo *out, unsigned max);
int xkl__list_pages(xkl__list_fetch fetch, void *arg, unsigned batch, struct xkc_dominfo **out,
                    size_t *n);
/* xkl__list_pages over the hypervisor (error set: "<what>: ..."). */
int xkl__domains(xkl_ctx *ctx, const char *what, struct xkc_dominfo **out, size_t *n);
/* The names of the domains ci[0..n) but those skip[i] says (skip may be
 * NULL), all requests in flight at once (info.c): (*out)[i] malloc'd, or
 * NULL (none, skipped, or no xenstore). 0, or -1 with the error set. */
int xkl__read_names(xkl_ctx *ctx, const struct xkc_dominfo *ci, size_t n, const bool *skip,
                    char ***out, const char *what);

/* The CPU list pinning vcpu v (hard or soft alike): entry v of the
 * per-vcpu list when there is one (vcpus past its end: none), else the
 * one list for every vcpu, else NULL (pure). */
const char *xkl__vcpu_cpulist(const char *all, char *const *per_vcpu, size_t nper, unsigned v);

/* ---- create: steps, undos and the test-only fault knobs (create.c) ----
 * Contract of a step: run() either succeeds, and then undo() (if any)
 * releases what it took, or fails having released its own partial work;
 * the runner undoes the steps before it, backwards. */
struct xkl__fault {            /* TEST ONLY: one create's injected faults */
    unsigned after_step;       /* fail once step N (1-based) has run; 0 off */
    unsigned point;            /* fail at the Nth fault point; 0 off */
    unsigned seen;             /* fault points passed so far */
    unsigned step;             /* the step running (1-based) */
    bool fired;                /* the point-th fault point was reached */
};
/* A fault point: true (errno EIO) when it is the one to fail; the caller
 * then takes the path a real failure at that place takes. f may be NULL. */
bool xkl__fault_here(struct xkl__fault *f);
struct xkl__step {
    const char *name;
    int (*run)(void *arg);
    void (*undo)(void *arg);   /* NULL: run() keeps nothing of its own */
};
/* Run v[0..n) in order on arg; on a failure undo the done ones backwards,
 * keeping the failure's error line (injected faults get their own line:
 * "<what>: step N (NAME): injected fault ..."). 0 or -1 with errno. */
int xkl__steps_run(xkl_ctx *ctx, const struct xkl__step *v, size_t n, void *arg,
                   struct xkl__fault *f, const char *what);

/* What create asks the hypervisor for (pure): type, vcpus, hap, nested
 * virtualisation (PVH with nestedhvm=1), grant table limits and version
 * (-1 in dc: libxl's defaults), the UUID. -1 (EINVAL) on a bad value. */
int xkl__domctl_config(xkl_ctx *ctx, const struct xkl_domain_config *dc, unsigned max_vcpus,
                       struct xkc_domain_config *cc);

/* ---- the name lock (state.c): creates and renames on this host are
 * serialised by flock(<state_dir>/create.lock), so "is the name free" and
 * "take the name" are one step. Returns the fd (>= 0) or -1 with the error
 * "<what>: ...". f: fault points for create (NULL otherwise). */
int xkl__name_lock(xkl_ctx *ctx, const char *what, struct xkl__fault *f);
void xkl__name_unlock(int fd);
/* Rename under the name lock: EEXIST when another live domain has it. */
int xkl__rename(xkl_ctx *ctx, uint32_t domid, const char *new_name);

/* Whether domid is an HVM guest, from libxl's record /libxl/D/type (ours
 * and Debian's xl's); false when it cannot be read. */
bool xkl__is_hvm(xkl_ctx *ctx, uint32_t domid);

/* ---- an HVM create's decisions (hvm.c, pure) ---- */
/* viridian=1: xl.cfg(5)'s "defaults" groups of Xen 4.17 (base, freq,
 * time_ref_count, apic_assist, crash_ctl, stimer with the synic it needs,
 * no_vp_limit, cpu_hotplug) */
#define XKL__VIRIDIAN_DEFAULT (HVMPV_base_freq | HVMPV_time_ref_count | HVMPV_apic_assist | \
                               HVMPV_crash_ctl | HVMPV_synic | HVMPV_stimer | HVMPV_no_vp_limit | \
                               HVMPV_cpu_hotplug)
struct xkl__hvm_param {
    unsigned index;
    uint64_t value;
};
struct xkl__hvm_plan {
    const char *hvmloader;     /* the image the builder loads */
    const char *bios;          /* hvmloader/bios: "seabios" or "ovmf" */
    const char *bios_path;     /* the module hvmloader hands over to */
    uint64_t video_kb;         /* QEMU's video RAM, inside memory= */
    bool acpi;                 /* platform/acpi */
    struct xkl__hvm_param params[8];
    size_t nparams;
};
/* Pointers point into dc or at constants. 0, or -1 with errno
 * (EOPNOTSUPP, EINVAL) and the reason in why[len] naming the key. */
int xkl__hvm_plan(const struct xkl_domain_config *dc, struct xkl__hvm_plan *p, char *why, size_t len);

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
    char **prune;              /* removed last when left empty, in order */
    size_t nprune;
};
/* What the layout needs to know about the guest. */
struct xkl__layout_in {
    uint32_t domid;
    const char *name;
    const char *uuid;          /* text form */
    bool pvh, hvm;
    unsigned max_vcpus, avail_vcpus;
    uint64_t max_kb, target_kb, video_kb;
    const char *kernel, *cmdline, *ramdisk;   /* PV image/ nodes */
    uint64_t store_gfn, console_gfn;
    uint32_t store_port, console_port;
    double start_time;
    /* HVM: what hvmloader reads, from the plan */
    const char *bios;          /* hvmloader/bios */
    bool acpi;                 /* platform/acpi */
    long long rtc_offset;      /* /vm/UUID/rtc/timeoffset (seconds) */
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
/* Remove this directory after the rest of the layout when it has no
 * children left (in the same transaction), as libxl removes a device's
 * empty parents: the last domain's backend/console goes with it. */
int xkl__layout_prune(struct xkl__layout *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
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

/* ---- the monitor's actions (monitor.c), for the per-domain monitor
 * and the host's monitor daemon (monitord.c) ---- */
/* A guest crashing at every boot is restarted at most this many times a
 * minute; the history of one domain's crash restarts. */
#define XKL__CRASH_RESTARTS 5
struct xkl__crashes {
    long long at[XKL__CRASH_RESTARTS];   /* when each of the last ones was (ms) */
    unsigned n, next;
};
/* Carry out the configured action for a shut down domain di. 1: go on
 * monitoring *domid (restarted, or suspended), 0: done with it, -1: error
 * (logged). Lock held. */
int xkl__monitor_act(xkl_ctx *ctx, uint32_t *domid, const struct xkl_dominfo *di,
                     struct xkl__crashes *crashes);
/* The HVM guest's QEMU (pid) exited while the guest ran: handled as a
 * crash, unless a destroy stops it. As xkl__monitor_act. Lock held. */
int xkl__monitor_dm_died(xkl_ctx *ctx, uint32_t *domid, struct xkl_dominfo *di, int pid,
                         struct xkl__crashes *crashes);
/* Take domid off the monitor daemon's list when its entry is the domain
 * uuid's (monitord.c; destroy calls it). */
void xkl__monitor_entry_remove(xkl_ctx *ctx, uint32_t domid, const char *uuid);

/* ---- persisted configs (state.c) ---- */
/* <state_dir>/<uuid>.json holds the domain's config JSON. remove also
 * drops libxl's /var/lib/xen/userdata-d.<domid>.<uuid>.* of a domain
 * Debian's xl created. */
int xkl__state_save(xkl_ctx *ctx, const char *uuid, const char *config_json);
int xkl__state_remove(xkl_ctx *ctx, const char *uuid, uint32_t domid);
/* The "config" JSON (malloc'd) of uuid/domid, ours or libxl's. */
char *xkl__state_load(xkl_ctx *ctx, const char *uuid, uint32_t domid, bool *libxl);
/* Replace path by text through tmp (same directory; a dot name readers
 * skip): write, fsync when durable, rename, so that a reader sees the old
 * file or the new one, never half of one. On failure tmp is gone and the
 * error is "WHAT PATH: reason". 0 or -1. */
int xkl__state_write_file(xkl_ctx *ctx, const char *path, const char *tmp, const char *text,
                          bool durable, const char *what);
/* "<state_dir>/<file>" */
char *xkl__state_path(xkl_ctx *ctx, const char *file);
/* mkdir -p of the state directory, or of <state_dir>/<sub> when sub is
 * not NULL, mode 0700; errors checked ("state directory X: ..."). */
int xkl__state_dir_ensure(xkl_ctx *ctx, const char *sub);
/* The persisted config of domid as JSON (malloc'd) / parsed. uuid: the
 * domain's (NULL: looked up). Error "config of domain N: ...". */
char *xkl__config_json(xkl_ctx *ctx, uint32_t domid, const uint8_t *uuid, bool *libxl);
struct xkl_domain_config *xkl__config_load(xkl_ctx *ctx, uint32_t domid, const uint8_t *uuid);
/* The same; libxl_ok: a file Debian's libxl wrote is read too, skipping
 * what types.def does not declare (for showing it, never for acting on
 * it: the operations that act keep to xkl__config_load). */
struct xkl_domain_config *xkl__config_read(xkl_ctx *ctx, uint32_t domid, const uint8_t *uuid,
                                          bool libxl_ok);
/* dom0 has no saved config: what Xen's xl lists for it (type pv, its
 * name, max and target memory). Lock held. */
struct xkl_domain_config *xkl__dom0_config(xkl_ctx *ctx);
/* xl.conf autoballoon (balloon.c): when Xen has less than need_kb free and
 * autoballoon is in effect, lower dom0's memory target by the difference
 * and wait until Xen has it (else nothing: 0); -1 (ENOMEM) with "WHAT: ..."
 * when dom0 cannot give that much or does not within its time. */
bool xkl__autoballoon(xkl_ctx *ctx);
int xkl__balloon_dom0(xkl_ctx *ctx, const char *what, uint64_t need_kb);
#endif
