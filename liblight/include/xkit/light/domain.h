/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxklight, domain area: context, life cycle, events, monitor.
 * Included by <xkit/light.h>; may be included alone.
 */
#ifndef XKIT_LIGHT_DOMAIN_H
#define XKIT_LIGHT_DOMAIN_H
#include <xkit/light/config.h>

#include <xkit/light/api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Owned by liblight/domain/.
 *
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
struct xkl_host_conf;

struct xkl_ctx_opts {
    const char *state_dir;  /* persisted configs; NULL: XK_STATEDIR */
    /* TEST ONLY (fault injection; 0: off; never set in production):
     * xkl_domain_create fails once step N (1-based) has run, its undo
     * running too (xl: XKIT_FAULT_STEP=N). */
    unsigned fault_step;
    /* Optional: one line per thing the monitor did ("domain 5 (web) shut
     * down (reboot): restarted as domain 6"); called with the lock held. */
    void (*log)(void *arg, const char *line);
    void *log_arg;
    /* TEST ONLY (fault injection; 0: off; never set in production):
     * xkl_domain_create fails at its Nth fault point, counted across the
     * whole create, inside a step, taking the path a real failure there
     * takes (xl: XKIT_FAULT_POINT=N). N past the last point: no fault. */
    unsigned fault_point;
    /* Optional: the host's xl.conf settings (xkl_host_conf_load) that
     * create acts on: domid_policy, claim_mode, the cpumasks, autoballoon
     * and its lockfile. Copied; NULL: Xen's xl's defaults. */
    const struct xkl_host_conf *host;
};
/* opts may be NULL. On failure err (errlen bytes) says why. */
XKL_API xkl_ctx *xkl_ctx_open(const struct xkl_ctx_opts *opts, char *err, size_t errlen);
XKL_API void xkl_ctx_close(xkl_ctx *ctx);
XKL_API const char *xkl_ctx_error(const xkl_ctx *ctx);
/* Where the time of a create (and of the other step-by-step operations)
 * goes: with on, one line per step to the log callback, "create web: step
 * 3/12 kernel: 1.2 ms, 0 hypercalls, 0 xenstore requests (0 round trips)",
 * then the total. */
XKL_API void xkl_ctx_set_trace(xkl_ctx *ctx, int on);
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
    uint32_t cpupool;        /* the cpupool's id */
    uint64_t outstanding_kb; /* claimed, not yet populated */
    uint64_t shared_kb;      /* memory shared with other domains */
    uint32_t ssidref;        /* its XSM security label (0 without XSM) */
};
/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lower case), NUL-terminated. */
XKL_API void xkl_uuid_format(const uint8_t uuid[16], char out[37]);
/* xl list's State column, NUL-terminated: r, b, p, s (shut down), the
 * shutdown reason's letter (- poweroff, r reboot, s suspend, c crash, w
 * watchdog, S soft reset), d (dying), each '-' when not so. */
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
/* EEXIST when another domain has the name. Takes the create lock, so a
 * create and a rename never give two domains one name. */
XKL_API int xkl_domain_rename(xkl_ctx *ctx, uint32_t domid, const char *new_name);
/* Balloon target (memory/target) and the hypervisor's maximum, in KiB. */
XKL_API int xkl_domain_set_target_kb(xkl_ctx *ctx, uint32_t domid, uint64_t kb);
XKL_API int xkl_domain_set_max_kb(xkl_ctx *ctx, uint32_t domid, uint64_t kb);
/* A trigger for an HVM guest (xl trigger, button-press): an NMI, RESET or
 * INIT to one vcpu, the ACPI power or sleep button, or an S3 resume.
 * EINVAL (Xen's) for a PV guest or an unknown vcpu. */
enum xkl_trigger { XKL_TRIGGER_NMI, XKL_TRIGGER_RESET, XKL_TRIGGER_INIT, XKL_TRIGGER_POWER,
                   XKL_TRIGGER_SLEEP, XKL_TRIGGER_S3RESUME };
/* "nmi", "reset", "init", "power", "sleep", "s3resume"; -1 if none. */
XKL_API int xkl_trigger_from_name(const char *name);
XKL_API int xkl_domain_trigger(xkl_ctx *ctx, uint32_t domid, enum xkl_trigger t, unsigned vcpu);
/* The domain's memory and vcpus as a core file in Xen's dump-core format
 * (ELF: crash(8) and Xen's tools read it), as xl dump-core writes it; the
 * domain is not paused (pause it for a consistent image). path is created
 * 0600 (or truncated) and removed again when the dump fails. A PV guest
 * must have published its p2m in its shared info, as Linux does. */
XKL_API int xkl_domain_core_dump(xkl_ctx *ctx, uint32_t domid, const char *path);
/* Ask the guest's kernel for a magic SysRq key (control/sysrq, which
 * Linux's xen frontend watches): a single printable character. */
XKL_API int xkl_domain_sysrq(xkl_ctx *ctx, uint32_t domid, char key);

/* vCPUs. Affinity bitmaps: bit n = physical CPU n. */
#define XKL_CPUMAP_BYTES 32
struct xkl_vcpuinfo {
    unsigned vcpu;
    bool online, blocked, running;
    uint32_t cpu;
    uint64_t cpu_time_ns;
    uint8_t hard[XKL_CPUMAP_BYTES], soft[XKL_CPUMAP_BYTES];
};
/* "all", "3", "0-2,5", "^3" -> bitmap (XKL_CPUMAP_BYTES); -1/EINVAL when
 * malformed or a cpu is beyond the map; ENOTSUP for "node:N" items. */
XKL_API int xkl_cpumap_parse(const char *s, uint8_t *map);
/* The same with "node:N" / "nodes:N-M" items too: cpu_node[c] is CPU c's
 * NUMA node (xkc_cputopo's node), for ncpus CPUs. */
XKL_API int xkl_cpumap_parse_nodes(const char *s, uint8_t *map, const uint32_t *cpu_node,
                                   unsigned ncpus);
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
/* The persisted configuration, parsed (free with xkl_domain_config_free):
 * ours, or what types.def declares of libxl's file; for dom0 (both
 * calls) what Xen's xl lists: type pv, name, max and target memory. */
XKL_API xkl_domain_config *xkl_domain_config_load(xkl_ctx *ctx, uint32_t domid);
/* xl config-update: dc becomes the configuration domid is rebuilt from
 * at its next reboot (its uuid kept). dc is still the caller's to free
 * (it then holds the configuration replaced). ENOENT for a domain another
 * toolstack created. */
XKL_API int xkl_domain_config_update(xkl_ctx *ctx, uint32_t domid, xkl_domain_config *dc);
/* The pty xenconsoled made for console 0 (malloc'd path). */
XKL_API char *xkl_console_tty(xkl_ctx *ctx, uint32_t domid);
/* The pty of a console by type, as xl console -t picks it: PV console 0
 * (xenconsoled's), or an HVM guest's emulated serial port num (QEMU's
 * pty, serial='pty' in xl.cfg). DEFAULT: serial 0 for an HVM guest, the
 * PV console otherwise. Malloc'd path, or NULL with the error (EAGAIN: not
 * there yet; ENODEV: the guest has no such console). */
enum xkl_console_type { XKL_CONSOLE_DEFAULT, XKL_CONSOLE_PV, XKL_CONSOLE_SERIAL };
XKL_API char *xkl_console_tty_of(xkl_ctx *ctx, uint32_t domid, enum xkl_console_type type,
                                 unsigned num);
/* Where a guest's VNC display listens (QEMU's, published in its console
 * directory): *listen malloc'd ("127.0.0.1" when unsaid), *port the TCP
 * port; ENODEV when the guest has none. With passwd, also its VNC
 * password from the saved configuration (malloc'd, NULL for none). */
XKL_API int xkl_console_vnc(xkl_ctx *ctx, uint32_t domid, char **listen, unsigned *port,
                            char **passwd);
/* Run a QEMU monitor (HMP) command in an HVM guest's device model, as xl
 * qemu-monitor-command does; *output (malloc'd) is what QEMU printed. */
XKL_API int xkl_domain_qemu_monitor(xkl_ctx *ctx, uint32_t domid, const char *command,
                                    char **output);

/* Domain events for a long-running manager: poll the fd, then take events. */
enum xkl_event_kind { XKL_EVENT_SHUTDOWN, XKL_EVENT_DEATH };
struct xkl_event {
    enum xkl_event_kind kind;
    uint32_t domid;
    unsigned reason;    /* SHUTDOWN_* for XKL_EVENT_SHUTDOWN */
};
/* Start watching (first call) and return the pollable fd. */
XKL_API int xkl_event_fd(xkl_ctx *ctx);
/* 1 with *ev filled, 0 none within timeout_ms (-1 forever), -1 error (also
 * when xenstored closed the event connection: the fd stays readable, so a
 * poll() loop must stop or reopen the context). Each domain's shutdown and
 * death are reported once. */
XKL_API int xkl_event_next(xkl_ctx *ctx, struct xkl_event *ev, int timeout_ms);

/* Carry out the persisted on_poweroff/on_reboot/on_crash/on_watchdog
 * actions for domid until it is gone (destroyed, preserved, or not
 * restarted). Blocks; returns 0, or -1. A caller wanting a background
 * monitor starts a process and calls this there. *domid follows restarts. */
XKL_API int xkl_domain_monitor(xkl_ctx *ctx, uint32_t *domid);
/* The same for a domain whose UUID the caller knows (create gave it):
 * a domain destroyed by someone else before the monitor started still has
 * its state file removed. uuid NULL: as xkl_domain_monitor. */
XKL_API int xkl_domain_monitor_uuid(xkl_ctx *ctx, uint32_t *domid, const char *uuid);

/* The host's monitor daemon: one process carries out the actions of every
 * domain enlisted with xkl_domain_monitor_enlist, instead of a monitor per
 * domain. Its list is <state_dir>/monitor/DOMID (the domain's UUID and
 * name), so a daemon that starts again picks up where the last one was,
 * and a domain enlisted while no daemon ran is acted on when one starts.
 * Domains not enlisted (Debian's xl's, create -e, create -F) are left
 * alone. Nothing here forks: xl starts the daemon (xl __monitord). */
typedef struct xkl_monitord xkl_monitord;
/* One line about domain domid (0: the daemon itself), called by
 * xkl_monitord_process with the context's lock held. */
typedef void xkl_monitord_log(void *arg, uint32_t domid, const char *name, const char *line);
/* Become the host's monitor daemon: -1 with errno EALREADY when another
 * one holds <state_dir>/monitord.lock. Reads the list and acts at once on
 * enlisted domains that shut down or went while none ran. */
XKL_API xkl_monitord *xkl_monitord_open(xkl_ctx *ctx, xkl_monitord_log *log, void *arg);
/* Pollable: readable when xkl_monitord_process has something to do. */
XKL_API int xkl_monitord_fd(const xkl_monitord *m);
/* Handle what is pending without blocking: new entries, deaths,
 * shutdowns, HVM device models gone. 0, or -1 when the daemon cannot go
 * on (its xenstore connection lost); a failed action is logged only. */
XKL_API int xkl_monitord_process(xkl_monitord *m);
/* The domains it monitors now. */
XKL_API size_t xkl_monitord_count(const xkl_monitord *m);
XKL_API void xkl_monitord_close(xkl_monitord *m);
/* 1 when a monitor daemon serves ctx's state directory, 0 when none. Not
 * from the daemon's own process: its POSIX lock looks free to its owner,
 * and this call's close of the lock file would drop it. */
XKL_API int xkl_monitord_running(xkl_ctx *ctx);
/* Put a domain on the daemon's list (after create); name is the one its
 * log lines go under (NULL: the domain's own). */
XKL_API int xkl_domain_monitor_enlist(xkl_ctx *ctx, uint32_t domid, const char *name);

#ifdef __cplusplus
}
#endif
#endif /* XKIT_LIGHT_DOMAIN_H */
