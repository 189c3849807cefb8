/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* liblight host internals (liblight/host/): what other areas ask of it. */
#ifndef XKLIGHT_HOST_PRIVATE_H
#define XKLIGHT_HOST_PRIVATE_H

/* The pool called name (lock held): its id and scheduler; -1 with the
 * error "cpupool NAME: ..." (ENOENT when there is none). Pure of side
 * effects. */
int xkl__cpupool_find(xkl_ctx *ctx, const char *name, uint32_t *id, unsigned *sched_id);
/* The name of pool id into buf (lock held); "Pool-0" for pool 0 without one. */
int xkl__cpupool_name(xkl_ctx *ctx, uint32_t id, char *buf, size_t len);
#endif
