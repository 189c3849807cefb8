/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxklight, configuration area: xl.cfg parser, typed domain configuration, JSON.
 * Included by <xkit/light.h>; may be included alone.
 */
#ifndef XKIT_LIGHT_CONFIG_H
#define XKIT_LIGHT_CONFIG_H

#include <xkit/light/api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Owned by liblight/config/.
 *
 * Diagnostics: every parse step appends located messages to an xkl_diags
 * the caller owns. Errors read "FILE:LINE:COL: what was expected", warnings
 * "FILE:LINE:COL: warning: ...". A step fails (NULL / -1, errno EINVAL)
 * exactly when it added at least one error.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* xlcpupool.cfg(5): name (empty: absent), sched (XEN_SCHEDULER_*, -1:
 * absent), cpus (a list of numbers or a CPU list string) or nodes (a list
 * of numbers; cpus is then ignored, with a warning). Other keys are
 * located warnings; -1 (EINVAL) when an error was added to d. */
#define XKL_CPUPOOL_NODES_BYTES 8
struct xkl_cpupool_config {
    char name[128];
    int sched_id;
    bool has_cpus, has_nodes;
    uint8_t cpus[32];                        /* XKL_CPUMAP_BYTES */
    uint8_t nodes[XKL_CPUPOOL_NODES_BYTES];
};
XKL_API int xkl_cpupool_config_from_cfg(const xkl_cfg *cfg, struct xkl_cpupool_config *pc,
                                        xkl_diags *d);
/* XEN_SCHEDULER_* of "credit", "credit2", "rtds", "null", "arinc653";
 * -1 (EINVAL) for anything else. */
XKL_API int xkl_sched_from_name(const char *name);

/* xl.conf(5): the host-wide settings of Xen's xl (Debian's
 * /etc/xen/xl.conf), in the xl.cfg grammar. Unknown keys and values that
 * do not parse are located warnings and leave the default (Xen's xl goes
 * on as well); only a syntax error fails. Strings are "" when unset. */
#define XKL_HOST_CONF_PATH "/etc/xen/xl.conf"
enum xkl_autoballoon { XKL_AUTOBALLOON_AUTO, XKL_AUTOBALLOON_OFF, XKL_AUTOBALLOON_ON };
enum xkl_output_format { XKL_OUTPUT_JSON, XKL_OUTPUT_SXP };
struct xkl_host_conf {
    bool domid_random;                    /* domid_policy="random" */
    enum xkl_autoballoon autoballoon;     /* default auto */
    char lockfile[256];                   /* default "/var/lock/xl" */
    long long max_grant_frames;           /* -1: unset (the hypervisor's) */
    long long max_maptrack_frames;
    long long max_grant_version;
    char vif_script[256];                 /* vif.default.script (vifscript) */
    char vif_bridge[64];                  /* vif.default.bridge (defaultbridge) */
    char vif_backend[128];                /* vif.default.backend */
    char vif_gatewaydev[64];              /* vif.default.gatewaydev */
    enum xkl_output_format output_format; /* list -l, create -n */
    bool claim_mode;                      /* default on, as in Xen's xl */
    /* vm.cpumask, vm.pv.cpumask, vm.hvm.cpumask (HVM and PVH) */
    bool has_cpumask, has_pv_cpumask, has_hvm_cpumask;
    uint8_t cpumask[32], pv_cpumask[32], hvm_cpumask[32];   /* XKL_CPUMAP_BYTES */
};
/* Xen's xl's defaults. */
XKL_API void xkl_host_conf_init(struct xkl_host_conf *hc);
/* The settings of a parsed xl.conf over the defaults; 0, or -1 (errno
 * EINVAL) when an error was added to d. */
XKL_API int xkl_host_conf_from_cfg(const xkl_cfg *cfg, struct xkl_host_conf *hc, xkl_diags *d);
/* Read PATH (NULL: XKL_HOST_CONF_PATH): a missing file leaves the
 * defaults and is no error, as for Xen's xl. */
XKL_API int xkl_host_conf_load(const char *path, struct xkl_host_conf *hc, xkl_diags *d);
/* autoballoon=auto resolved against the hypervisor's command line: on
 * unless it gives dom0_mem. */
XKL_API bool xkl_host_conf_autoballoon(const struct xkl_host_conf *hc, const char *xen_cmdline);
/* AND the global masks for a guest (hvm: HVM or PVH) into map; -1
 * (EINVAL) when no CPU is left ("vcpu hard affinity map is empty"). */
XKL_API int xkl_host_conf_mask(const struct xkl_host_conf *hc, bool hvm, uint8_t *map);

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

/* What xl.conf gives the guests that do not say: each vif's script,
 * bridge, backend and gatewaydev (routing scripts only), the grant table
 * limits. 0, or -1 (ENOMEM). */
XKL_API int xkl_domain_config_apply_host(xkl_domain_config *dc, const struct xkl_host_conf *hc);
/* xl.conf's output_format="sxp": the S-expression form Xen's xl prints
 * for list -l and create -n. domid -1: not created yet; uuid NULL:
 * "<unknown>" (no live domain). A PVH guest gets an image "(pvh 0)"
 * section (Xen's xl prints none). malloc'd. */
XKL_API char *xkl_domain_config_to_sxp(const xkl_domain_config *dc, long long domid,
                                       const uint8_t *uuid);

/* xl create -n: parse the file at PATH, apply OVERRIDES ("key=value"),
 * convert, and return the JSON text (malloc'd) or NULL with diagnostics. */
XKL_API char *xkl_cfg_to_json(const char *path, char *const *overrides, size_t noverrides,
                              xkl_diags *d);

#ifdef __cplusplus
}
#endif
#endif /* XKIT_LIGHT_CONFIG_H */
