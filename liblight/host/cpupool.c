/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cpupools: Xen's pools (libctrl's cpupool_op) with the names libxl keeps
 * in xenstore at /local/pool/ID/name. */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#define POOL0_NAME "Pool-0"

int xkl__cpupool_name(xkl_ctx *ctx, uint32_t id, char *buf, size_t len)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return -1;
    char path[64];
    snprintf(path, sizeof path, "/local/pool/%u/name", id);
    char *v = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
    if (!v && errno != ENOENT)
        return xkl__err_xs(ctx, "read cpupool name");
    /* a pool nobody named: pool 0 is Xen's own, others get their number */
    int r = v ? snprintf(buf, len, "%s", v)
              : id == 0 ? snprintf(buf, len, "%s", POOL0_NAME) : snprintf(buf, len, "Pool-%u", id);
    free(v);
    return r >= 0 && (size_t)r < len ? 0 : xkl__err(ctx, ENAMETOOLONG, "cpupool %u: name too long", id);
}

/* Pool `from` or the next one after it: 1 found, 0 past the last, -1 error. */
static int pool_at(xkl_ctx *ctx, xkc_handle *xc, uint32_t from, struct xkl_cpupool *out)
{
    struct xkc_cpupool ci;
    memset(out, 0, sizeof *out);
    if (xkc_cpupool_info(xc, from, &ci, out->cpus, sizeof out->cpus) < 0) {
        if (errno == ENOENT)
            return 0;
        return xkl__err_xc(ctx, "list cpupools");
    }
    out->id = ci.id;
    out->sched_id = ci.sched_id;
    out->n_dom = ci.n_dom;
    return xkl__cpupool_name(ctx, ci.id, out->name, sizeof out->name) < 0 ? -1 : 1;
}

static int list_locked(xkl_ctx *ctx, struct xkl_cpupool **out, size_t *n)
{
    xkc_handle *xc = xkl__xc(ctx);
    if (!xc)
        return -1;
    struct xkl_cpupool *v = NULL, p;
    size_t cnt = 0, cap = 0;
    for (uint32_t next = 0;; next = p.id + 1) {
        int r = pool_at(ctx, xc, next, &p);
        if (r < 0) {
            free(v);
            return -1;
        }
        if (r == 0)
            break;
        if (cnt == cap) {
            cap = cap ? cap * 2 : 4;
            struct xkl_cpupool *nv = realloc(v, cap * sizeof *v);
            if (!nv) {
                free(v);
                return xkl__err(ctx, ENOMEM, "list cpupools: out of memory");
            }
            v = nv;
        }
        v[cnt++] = p;
        if (p.id == UINT32_MAX)
            break;
    }
    *out = v;
    *n = cnt;
    return 0;
}

int xkl_cpupool_list(xkl_ctx *ctx, struct xkl_cpupool **out, size_t *n)
{
    XKL__LOCK(ctx);
    int r = list_locked(ctx, out, n);
    XKL__UNLOCK(ctx);
    return r;
}

/* By name, else (all digits) by id: the pool into *out; ENOENT if none. */
static int lookup_locked(xkl_ctx *ctx, const char *q, struct xkl_cpupool *out)
{
    struct xkl_cpupool *v;
    size_t n;
    if (list_locked(ctx, &v, &n) < 0)
        return -1;
    char *end;
    errno = 0;
    unsigned long id = strtoul(q, &end, 10);
    bool numeric = *q >= '0' && *q <= '9' && !*end && errno == 0;
    int r = -1;
    for (size_t i = 0; i < n && r < 0; i++)
        if (strcmp(v[i].name, q) == 0 || (numeric && v[i].id == id)) {
            *out = v[i];
            r = 0;
        }
    free(v);
    if (r < 0)
        xkl__err(ctx, ENOENT, "cpupool %s: no such cpupool", q);
    return r;
}

int xkl_cpupool_lookup(xkl_ctx *ctx, const char *name_or_id, struct xkl_cpupool *out)
{
    XKL__LOCK(ctx);
    int r = lookup_locked(ctx, name_or_id, out);
    XKL__UNLOCK(ctx);
    return r;
}

int xkl__cpupool_find(xkl_ctx *ctx, const char *name, uint32_t *id, unsigned *sched_id)
{
    struct xkl_cpupool p;
    if (lookup_locked(ctx, name, &p) < 0)
        return -1;
    *id = p.id;
    *sched_id = p.sched_id;
    return 0;
}

/* Fails (EEXIST) when a pool other than `self` has the name. */
static int name_free(xkl_ctx *ctx, const char *name, uint32_t self)
{
    struct xkl_cpupool *v;
    size_t n;
    if (!*name || strlen(name) >= sizeof v->name || strchr(name, '/'))
        return xkl__err(ctx, EINVAL, "cpupool name '%s': expected 1 to %zu characters, no '/'",
                        name, sizeof v->name - 1);
    if (list_locked(ctx, &v, &n) < 0)
        return -1;
    int r = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].id != self && strcmp(v[i].name, name) == 0)
            r = xkl__err(ctx, EEXIST, "cpupool %s: the name is taken (by pool %u)", name, v[i].id);
    free(v);
    return r;
}

/* Write the pool's name (and, when new, a UUID as libxl does). */
static int write_name(xkl_ctx *ctx, uint32_t id, const char *name, bool with_uuid)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return -1;
    char path[64], uuid[37];
    for (unsigned tries = 0; tries < 16; tries++) {
        xkl_xs_tx tx;
        if (xkl_xs_tx_start(xs, &tx) < 0)
            return xkl__err_xs(ctx, "cpupool name: transaction");
        snprintf(path, sizeof path, "/local/pool/%u/name", id);
        int r = xkl_xs_write(xs, tx, path, name, strlen(name));
        if (r == 0 && with_uuid) {
            uint8_t u[16];
            uuid_generate(u);
            xkl__uuid_format(u, uuid);
            snprintf(path, sizeof path, "/local/pool/%u/uuid", id);
            r = xkl_xs_write(xs, tx, path, uuid, strlen(uuid));
        }
        if (r < 0) {
            int e = errno;
            xkl_xs_tx_end(xs, tx, 1);
            errno = e;
            return xkl__err_xs(ctx, "cpupool name: write");
        }
        if (xkl_xs_tx_end(xs, tx, 0) == 0)
            return 0;
        if (errno != EAGAIN)
            return xkl__err_xs(ctx, "cpupool name: commit");
    }
    return xkl__err(ctx, EAGAIN, "cpupool name: xenstore kept aborting the transaction");
}

static void forget_name(xkl_ctx *ctx, uint32_t id)
{
    xkl_xs *xs = xkl__xs(ctx);
    char path[64];
    snprintf(path, sizeof path, "/local/pool/%u", id);
    if (xs && xkl_xs_rm(xs, XKL_XS_TX_NONE, path) < 0 && errno != ENOENT)
        xkl__log(ctx, "cpupool %u: could not remove %s: %s", id, path, xkl_xs_error(xs));
}

/* Give every CPU of map back to the free CPUs (best effort: undo paths). */
static void free_cpus_of(xkc_handle *xc, uint32_t id, const uint8_t *map)
{
    for (unsigned c = 0; c < XKL_CPUMAP_BYTES * 8; c++)
        if (map[c / 8] & (1u << (c % 8)))
            xkc_cpupool_remove_cpu(xc, id, c);
}

static int create_locked(xkl_ctx *ctx, const char *name, unsigned sched_id, const uint8_t *cpus,
                         uint32_t *out)
{
    xkc_handle *xc = xkl__xc(ctx);
    if (!xc)
        return -1;
    if (!xkc_sched_name(sched_id))
        return xkl__err(ctx, EINVAL, "cpupool %s: unknown scheduler %u", name, sched_id);
    if (name_free(ctx, name, UINT32_MAX) < 0)
        return -1;
    uint32_t id = XKC_CPUPOOL_ANY;
    if (xkc_cpupool_create(xc, &id, sched_id) < 0)
        return xkl__err_xc(ctx, "create cpupool");
    uint8_t added[XKL_CPUMAP_BYTES] = { 0 };
    int r = write_name(ctx, id, name, true);
    for (unsigned c = 0; r == 0 && c < XKL_CPUMAP_BYTES * 8; c++) {
        if (!(cpus[c / 8] & (1u << (c % 8))))
            continue;
        if (xkc_cpupool_add_cpu(xc, id, c) < 0) {
            r = errno == ENODEV ? xkl__err(ctx, EBUSY, "CPU %u is not free (see xl cpupool-list -c)", c)
                                : xkl__err_xc(ctx, "add CPU");
            break;
        }
        added[c / 8] |= (uint8_t)(1u << (c % 8));
    }
    if (r < 0) {
        /* undo: the CPUs back, the pool and its name gone */
        free_cpus_of(xc, id, added);
        xkc_cpupool_destroy(xc, id);
        forget_name(ctx, id);
        return -1;
    }
    *out = id;
    return 0;
}

int xkl_cpupool_create(xkl_ctx *ctx, const char *name, unsigned sched_id,
                       const uint8_t cpus[XKL_CPUMAP_BYTES], uint32_t *id)
{
    int lk = xkl__name_lock(ctx, "create cpupool", NULL);
    if (lk < 0)
        return -1;
    XKL__LOCK(ctx);
    int r = create_locked(ctx, name, sched_id, cpus, id);
    if (r < 0)
        xkl__err_wrap(ctx, "create cpupool %s", name);
    XKL__UNLOCK(ctx);
    xkl__name_unlock(lk);
    return r;
}

int xkl_cpupool_destroy(xkl_ctx *ctx, uint32_t id)
{
    XKL__LOCK(ctx);
    xkc_handle *xc = xkl__xc(ctx);
    struct xkl_cpupool p;
    int r = -1;
    if (!xc || pool_at(ctx, xc, id, &p) < 0)
        goto out;
    if (p.id != id) {
        xkl__err(ctx, ENOENT, "destroy cpupool %u: no such cpupool", id);
        goto out;
    }
    if (id == 0) {
        xkl__err(ctx, EPERM, "destroy cpupool %s: pool 0 is Xen's own and holds dom0", p.name);
        goto out;
    }
    if (p.n_dom) {
        xkl__err(ctx, EBUSY, "destroy cpupool %s: %u domain%s in it (xl cpupool-migrate them first)",
                 p.name, p.n_dom, p.n_dom == 1 ? " is" : "s are");
        goto out;
    }
    for (unsigned c = 0; c < XKL_CPUMAP_BYTES * 8; c++)
        if ((p.cpus[c / 8] & (1u << (c % 8))) && xkc_cpupool_remove_cpu(xc, id, c) < 0) {
            xkl__err_xc(ctx, "destroy cpupool: remove CPU");
            xkl__err_wrap(ctx, "destroy cpupool %s", p.name);
            goto out;
        }
    if (xkc_cpupool_destroy(xc, id) < 0) {
        xkl__err_xc(ctx, "destroy cpupool");
        xkl__err_wrap(ctx, "destroy cpupool %s", p.name);
        goto out;
    }
    forget_name(ctx, id);
    r = 0;
out:
    XKL__UNLOCK(ctx);
    return r;
}

int xkl_cpupool_rename(xkl_ctx *ctx, uint32_t id, const char *name)
{
    int lk = xkl__name_lock(ctx, "rename cpupool", NULL);
    if (lk < 0)
        return -1;
    XKL__LOCK(ctx);
    xkc_handle *xc = xkl__xc(ctx);
    struct xkl_cpupool p;
    int r = -1;
    if (!xc || pool_at(ctx, xc, id, &p) < 0)
        goto out;
    if (p.id != id)
        xkl__err(ctx, ENOENT, "rename cpupool %u: no such cpupool", id);
    else if (name_free(ctx, name, id) == 0 && write_name(ctx, id, name, false) == 0)
        r = 0;
    if (r < 0 && p.id == id)
        xkl__err_wrap(ctx, "rename cpupool %s to %s", p.name, name);
out:
    XKL__UNLOCK(ctx);
    xkl__name_unlock(lk);
    return r;
}

static int cpu_op(xkl_ctx *ctx, uint32_t id, unsigned cpu, bool add)
{
    XKL__LOCK(ctx);
    xkc_handle *xc = xkl__xc(ctx);
    int r = -1;
    char name[128];
    if (!xc || xkl__cpupool_name(ctx, id, name, sizeof name) < 0)
        goto out;
    r = add ? xkc_cpupool_add_cpu(xc, id, cpu) : xkc_cpupool_remove_cpu(xc, id, cpu);
    if (r < 0) {
        int e = errno;
        if (e == ENODEV)
            xkl__err(ctx, e, "%s CPU %u %s cpupool %s: the CPU is %s", add ? "add" : "remove", cpu,
                     add ? "to" : "from", name, add ? "not free" : "not in that pool");
        else if (e == EBUSY && !add)
            xkl__err(ctx, e, "remove CPU %u from cpupool %s: it is the pool's last CPU and "
                     "domains still run there", cpu, name);
        else {
            xkl__err_xc(ctx, add ? "add CPU" : "remove CPU");
            xkl__err_wrap(ctx, "cpupool %s, CPU %u", name, cpu);
        }
    }
out:
    XKL__UNLOCK(ctx);
    return r;
}

int xkl_cpupool_cpu_add(xkl_ctx *ctx, uint32_t id, unsigned cpu)
{
    return cpu_op(ctx, id, cpu, true);
}

int xkl_cpupool_cpu_remove(xkl_ctx *ctx, uint32_t id, unsigned cpu)
{
    return cpu_op(ctx, id, cpu, false);
}

int xkl_cpupool_move_domain(xkl_ctx *ctx, uint32_t id, uint32_t domid)
{
    XKL__LOCK(ctx);
    xkc_handle *xc = xkl__xc(ctx);
    int r = -1;
    char name[128];
    if (!xc || xkl__cpupool_name(ctx, id, name, sizeof name) < 0)
        goto out;
    if (xkc_cpupool_move_domain(xc, id, domid) < 0) {
        xkl__err_xc(ctx, "move");
        xkl__err_wrap(ctx, "domain %u to cpupool %s", domid, name);
        goto out;
    }
    r = 0;
    /* libxl keeps the pool's name beside the domain's other /vm facts */
    char *vm = xkl__vm_path(ctx, domid);
    if (vm) {
        char path[256];
        if (snprintf(path, sizeof path, "%s/pool_name", vm) >= (int)sizeof path ||
            xkl__xs_writef(ctx, XKL_XS_TX_NONE, path, "%s", name) < 0)
            xkl__log(ctx, "domain %u moved to cpupool %s; %s/pool_name not updated", domid, name, vm);
        free(vm);
    }
out:
    XKL__UNLOCK(ctx);
    return r;
}

int xkl_cpupool_free_cpus(xkl_ctx *ctx, uint8_t cpus[XKL_CPUMAP_BYTES])
{
    XKL__LOCK(ctx);
    xkc_handle *xc = xkl__xc(ctx);
    int r = -1;
    memset(cpus, 0, XKL_CPUMAP_BYTES);
    if (xc && (r = xkc_cpupool_free_map(xc, cpus, XKL_CPUMAP_BYTES)) < 0)
        xkl__err_xc(ctx, "free CPUs");
    XKL__UNLOCK(ctx);
    return r;
}
