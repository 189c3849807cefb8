/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxklight, host area: what belongs to the whole Xen host rather than to
 * one domain: cpupools (and the scheduler each runs), and whether a Linux
 * kernel can serve as its dom0 or its guests (kernel configurations). Included by
 * <xkit/light.h>; may be included alone.
 */
#ifndef XKIT_LIGHT_HOST_H
#define XKIT_LIGHT_HOST_H
#include <xkit/light/domain.h>

#include <xkit/light/api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Owned by liblight/host/.
 *
 * cpupools: Xen's partitions of the host's CPUs, each with its own
 * scheduler. A pool's name lives where libxl keeps it
 * (/local/pool/ID/name; pool 0 is "Pool-0" when it has none), so Xen's xl
 * and ours see the same pools. Names are unique on the host (taken under
 * the same lock as domain names). Every call fails with one line in
 * xkl_ctx_error() naming the pool and the operation. */
struct xkl_cpupool {
    uint32_t id;
    char name[128];
    unsigned sched_id;                 /* XEN_SCHEDULER_* */
    unsigned n_dom;                    /* domains in it */
    uint8_t cpus[XKL_CPUMAP_BYTES];    /* bit n: CPU n */
};
/* Every pool in id order; *out malloc'd (free() it). */
XKL_API int xkl_cpupool_list(xkl_ctx *ctx, struct xkl_cpupool **out, size_t *n);
/* One pool by name or decimal id (ENOENT if none). */
XKL_API int xkl_cpupool_lookup(xkl_ctx *ctx, const char *name_or_id, struct xkl_cpupool *out);
/* A new pool called name (EEXIST if taken) running scheduler sched_id
 * with the CPUs in cpus (free CPUs only: EBUSY names a CPU another pool
 * has); *id the new pool's. On failure nothing of it is left (its CPUs
 * are free again). */
XKL_API int xkl_cpupool_create(xkl_ctx *ctx, const char *name, unsigned sched_id,
                               const uint8_t cpus[XKL_CPUMAP_BYTES], uint32_t *id);
/* Free the pool's CPUs and remove it (EBUSY while domains are in it). */
XKL_API int xkl_cpupool_destroy(xkl_ctx *ctx, uint32_t id);
XKL_API int xkl_cpupool_rename(xkl_ctx *ctx, uint32_t id, const char *name);
/* Move a free CPU into the pool / a pool's CPU out to the free CPUs. */
XKL_API int xkl_cpupool_cpu_add(xkl_ctx *ctx, uint32_t id, unsigned cpu);
XKL_API int xkl_cpupool_cpu_remove(xkl_ctx *ctx, uint32_t id, unsigned cpu);
/* Move a domain into the pool (its /vm/UUID/pool_name follows, as libxl's). */
XKL_API int xkl_cpupool_move_domain(xkl_ctx *ctx, uint32_t id, uint32_t domid);
/* The CPUs in no pool. */
XKL_API int xkl_cpupool_free_cpus(xkl_ctx *ctx, uint8_t cpus[XKL_CPUMAP_BYTES]);

/* Kernel configurations (pure: files and memory, no context, no
 * hypervisor). A configuration is read from a .config, its gzip form
 * (/proc/config.gz) or the copy a kernel built with CONFIG_IKCONFIG holds
 * (vmlinux, module, bzImage, compressed ELF). Lines that are not
 * configuration lines are located warnings in d; a file that holds no
 * configuration is an error in d naming it (errno EINVAL, or ENOENT for
 * a kernel image built without IKCONFIG). */
typedef struct xkl_kconfig xkl_kconfig;
enum xkl_kconfig_form { XKL_KCONFIG_TEXT, XKL_KCONFIG_GZIP, XKL_KCONFIG_IKCONFIG };
XKL_API xkl_kconfig *xkl_kconfig_load(const char *path, xkl_diags *d);
/* Where the running kernel's configuration is: /proc/config.gz when the
 * kernel keeps it, else /boot/config-RELEASE or /lib/modules/RELEASE/config
 * (where distributions install it): a pointer to that path (buf or a
 * constant), or NULL with buf holding /boot/config-RELEASE (for a message). */
XKL_API const char *xkl_kconfig_running_path(char *buf, size_t len);
/* name labels messages */
XKL_API xkl_kconfig *xkl_kconfig_load_mem(const void *buf, size_t len, const char *name,
                                          xkl_diags *d);
XKL_API void xkl_kconfig_free(xkl_kconfig *kc);
XKL_API enum xkl_kconfig_form xkl_kconfig_form(const xkl_kconfig *kc);
XKL_API const char *xkl_kconfig_form_name(enum xkl_kconfig_form f);   /* "text", "gzip", "ikconfig" */
/* From the "# Linux/x86 6.1.0 Kernel Configuration" line: "6.1.0" and
 * "x86", or "" when the file has none. */
XKL_API const char *xkl_kconfig_version(const xkl_kconfig *kc);
XKL_API const char *xkl_kconfig_arch(const xkl_kconfig *kc);
/* Options set (not "is not set", not "=n"). */
XKL_API size_t xkl_kconfig_count(const xkl_kconfig *kc);
/* OPTION's value ("CONFIG_XEN" or "XEN") as written: "y", "m", a number,
 * a quoted string; NULL when it is not set. The last assignment wins. */
XKL_API const char *xkl_kconfig_get(const xkl_kconfig *kc, const char *option);

/* Can a kernel serve as dom0 (PV or PVH; Xen builds no HVM dom0) or as a
 * PV, PVH or HVM domU? The options that use needs (required) and those it
 * is the better for (recommended), each with one line of why. */
enum xkl_kcheck_role { XKL_KROLE_DOMU, XKL_KROLE_DOM0 };
enum xkl_kcheck_type { XKL_KTYPE_PV, XKL_KTYPE_PVH, XKL_KTYPE_HVM };
enum xkl_kcheck_level { XKL_KREQUIRED, XKL_KRECOMMENDED };
struct xkl_kcheck_item {
    const char *option;            /* "CONFIG_XEN_PV" */
    enum xkl_kcheck_level level;
    const char *value;             /* the kernel's ("y", "m"), NULL: not set */
    bool ok;                       /* set (a module counts: it must be loaded) */
    const char *why;               /* what it gives, one line */
};
XKL_API const char *xkl_kcheck_role_name(enum xkl_kcheck_role r);   /* "dom0", "domU" */
XKL_API const char *xkl_kcheck_type_name(enum xkl_kcheck_type t);   /* "pv", "pvh", "hvm" */
/* Every option of that use, required ones first, in *items (malloc'd,
 * free() it; strings live as long as kc); returns how many required
 * options are missing (0: the kernel can), or -1 (EINVAL: dom0 as HVM). */
XKL_API int xkl_kcheck(const xkl_kconfig *kc, enum xkl_kcheck_role role,
                       enum xkl_kcheck_type type, struct xkl_kcheck_item **items, size_t *n);

#ifdef __cplusplus
}
#endif
#endif /* XKIT_LIGHT_HOST_H */
