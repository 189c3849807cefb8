/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxklight, host area: what belongs to the whole Xen host rather than to
 * one domain: cpupools (and the scheduler each runs). Included by
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

#ifdef __cplusplus
}
#endif
#endif /* XKIT_LIGHT_HOST_H */
