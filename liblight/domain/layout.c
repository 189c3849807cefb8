/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The xenstore layout of a domain, the same nodes and permissions as libxl
 * writes, so that Debian's xl and ours manage each other's domains:
 *   /local/domain/N   owned by dom0, readable by N; the guest's writable
 *                     nodes (control/shutdown, data, error...) owned by N
 *   /vm/UUID          name, uuid, image/, start_time
 *   /libxl/N          dom0 only: type, dm-version, device/console/0
 *   /local/domain/0/backend/console/N/0: xenconsoled's backend of console 0
 * The layout is built as a list of nodes (pure, unit tested) and written as
 * one batch of requests (xkl_xs_batch) in one transaction.
 */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xkl__layout_init(struct xkl__layout *l)
{
    memset(l, 0, sizeof(*l));
}

void xkl__layout_dispose(struct xkl__layout *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        free(l->v[i].value);
    }
    for (size_t i = 0; i < l->nrm; i++)
        free(l->rm[i]);
    for (size_t i = 0; i < l->nprune; i++)
        free(l->prune[i]);
    free(l->v);
    free(l->rm);
    free(l->prune);
    xkl__layout_init(l);
}

int xkl__layout_addv(struct xkl__layout *l, const struct xkl_xs_perm *perms, unsigned nperms,
                     const char *value, const char *fmt, va_list ap)
{
    if (nperms > sizeof l->v->perms / sizeof *l->v->perms) {
        errno = EINVAL;
        return -1;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct xkl__node *v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    struct xkl__node *nd = &l->v[l->n];
    memset(nd, 0, sizeof(*nd));
    if (vasprintf(&nd->path, fmt, ap) < 0)
        return -1;
    if (value && !(nd->value = strdup(value))) {
        free(nd->path);
        return -1;
    }
    for (unsigned i = 0; i < nperms; i++)
        nd->perms[i] = perms[i];
    nd->nperms = nperms;
    l->n++;
    return 0;
}

int xkl__layout_add(struct xkl__layout *l, const struct xkl_xs_perm *perms, unsigned nperms,
                    const char *value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = xkl__layout_addv(l, perms, nperms, value, fmt, ap);
    va_end(ap);
    return r;
}

/* append one formatted path to a path list */
static int path_push(char ***v, size_t *n, const char *fmt, va_list ap)
{
    char **nv = realloc(*v, (*n + 1) * sizeof(*nv));
    if (!nv)
        return -1;
    *v = nv;
    if (vasprintf(&nv[*n], fmt, ap) < 0)
        return -1;
    (*n)++;
    return 0;
}

int xkl__layout_rm(struct xkl__layout *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = path_push(&l->rm, &l->nrm, fmt, ap);
    va_end(ap);
    return r;
}

int xkl__layout_prune(struct xkl__layout *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = path_push(&l->prune, &l->nprune, fmt, ap);
    va_end(ap);
    return r;
}

/* The permission sets of the domain's own nodes. */
enum perm_kind { P_INHERIT, P_RO, P_RW, P_NO };

static int add(struct xkl__layout *l, uint32_t domid, enum perm_kind pk, const char *value,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int add(struct xkl__layout *l, uint32_t domid, enum perm_kind pk, const char *value,
               const char *fmt, ...)
{
    struct xkl_xs_perm p[2];
    unsigned np = 0;
    switch (pk) {
    case P_INHERIT:
        break;
    case P_RO:   /* dom0 owns, the guest reads */
        p[0] = (struct xkl_xs_perm){ 0, XKL_XS_PERM_NONE };
        p[1] = (struct xkl_xs_perm){ domid, XKL_XS_PERM_READ };
        np = 2;
        break;
    case P_RW:   /* the guest owns */
        p[0] = (struct xkl_xs_perm){ domid, XKL_XS_PERM_NONE };
        np = 1;
        break;
    case P_NO:   /* dom0 only */
        p[0] = (struct xkl_xs_perm){ 0, XKL_XS_PERM_NONE };
        np = 1;
        break;
    }
    va_list ap;
    va_start(ap, fmt);
    int r = xkl__layout_addv(l, p, np, value, fmt, ap);
    va_end(ap);
    return r;
}

#define add_rm xkl__layout_rm

#define TRY(x) do { if ((x) < 0) { errno = ENOMEM; return -1; } } while (0)

int xkl__layout_make(struct xkl__layout *l, const struct xkl__layout_in *in)
{
    uint32_t d = in->domid;
    char dp[64], vp[80];
    snprintf(dp, sizeof dp, "/local/domain/%u", d);
    snprintf(vp, sizeof vp, "/vm/%s", in->uuid);
    TRY(add_rm(l, "%s", dp));
    TRY(add_rm(l, "%s", vp));
    TRY(add_rm(l, "/libxl/%u", d));
    TRY(add(l, d, P_RO, NULL, "%s", dp));
    TRY(add(l, d, P_RO, NULL, "%s", vp));
    TRY(add(l, d, P_NO, NULL, "/libxl/%u", d));
    TRY(add(l, d, P_NO, NULL, "/libxl/%u/device", d));
    TRY(add(l, d, P_INHERIT, vp, "%s/vm", dp));
    TRY(add(l, d, P_INHERIT, in->name, "%s/name", dp));
    TRY(add(l, d, P_RO, NULL, "%s/cpu", dp));
    TRY(add(l, d, P_RO, NULL, "%s/memory", dp));
    TRY(add(l, d, P_RO, NULL, "%s/device", dp));
    TRY(add(l, d, P_RO, NULL, "%s/control", dp));
    static const char *const guest_control[] = {
        "shutdown", "feature-poweroff", "feature-reboot", "feature-suspend", "sysrq",
    };
    for (size_t i = 0; i < sizeof guest_control / sizeof *guest_control; i++)
        TRY(add(l, d, P_RW, NULL, "%s/control/%s", dp, guest_control[i]));
    TRY(add(l, d, P_INHERIT, "1", "%s/control/platform-feature-multiprocessor-suspend", dp));
    TRY(add(l, d, P_INHERIT, "1", "%s/control/platform-feature-xs_reset_watches", dp));
    static const char *const guest_dirs[] = { "data", "drivers", "feature", "attr", "error" };
    for (size_t i = 0; i < sizeof guest_dirs / sizeof *guest_dirs; i++)
        TRY(add(l, d, P_RW, NULL, "%s/%s", dp, guest_dirs[i]));
    TRY(add(l, d, P_INHERIT, in->name, "%s/name", vp));
    TRY(add(l, d, P_INHERIT, in->uuid, "%s/uuid", vp));
    if (in->hvm)   /* what hvmloader reads: the toolstack's, the guest reads */
        TRY(add(l, d, P_RO, NULL, "%s/hvmloader", dp));
    return 0;
}

int xkl__layout_built(struct xkl__layout *l, const struct xkl__layout_in *in)
{
    uint32_t d = in->domid;
    char dp[64], vp[80], num[48];
    snprintf(dp, sizeof dp, "/local/domain/%u", d);
    snprintf(vp, sizeof vp, "/vm/%s", in->uuid);
    for (unsigned i = 0; i < in->max_vcpus; i++)
        TRY(add(l, d, P_INHERIT, i < in->avail_vcpus ? "online" : "offline",
                "%s/cpu/%u/availability", dp, i));
#define NUM(fmt, v) (snprintf(num, sizeof num, fmt, v), num)
    TRY(add(l, d, P_INHERIT, NUM("%llu", (unsigned long long)in->max_kb), "%s/memory/static-max", dp));
    TRY(add(l, d, P_INHERIT, NUM("%llu", (unsigned long long)(in->target_kb - in->video_kb)),
            "%s/memory/target", dp));
    TRY(add(l, d, P_INHERIT, NUM("%llu", (unsigned long long)in->video_kb), "%s/memory/videoram", dp));
    TRY(add(l, d, P_RW, NULL, "%s/device/suspend/event-channel", dp));
    TRY(add(l, d, P_INHERIT, NUM("%u", d), "%s/domid", dp));
    TRY(add(l, d, P_INHERIT, NUM("%u", in->store_port), "%s/store/port", dp));
    TRY(add(l, d, P_INHERIT, NUM("%llu", (unsigned long long)in->store_gfn), "%s/store/ring-ref", dp));
    if (in->hvm) {
        TRY(add(l, d, P_INHERIT, "hvm", "%s/image/ostype", vp));
        TRY(add(l, d, P_INHERIT, NUM("%lld", in->rtc_offset), "%s/rtc/timeoffset", vp));
        /* hvmloader: the system firmware to hand over to, and no moving
         * of RAM above 4 GiB (qemu-xen could not follow it) */
        TRY(add(l, d, P_INHERIT, in->bios ? in->bios : "seabios", "%s/hvmloader/bios", dp));
        TRY(add(l, d, P_INHERIT, "0", "%s/hvmloader/allow-memory-relocate", dp));
        TRY(add(l, d, P_INHERIT, in->acpi ? "1" : "0", "%s/platform/acpi", dp));
        TRY(add(l, d, P_INHERIT, "1", "%s/platform/acpi_s3", dp));
        TRY(add(l, d, P_INHERIT, "1", "%s/platform/acpi_s4", dp));
        TRY(add(l, d, P_INHERIT, "0", "%s/platform/acpi_laptop_slate", dp));
        TRY(add(l, d, P_INHERIT, "qemu_xen", "%s/platform/device-model", dp));
    } else if (!in->pvh) {
        TRY(add(l, d, P_INHERIT, "linux", "%s/image/ostype", vp));
        if (in->kernel)
            TRY(add(l, d, P_INHERIT, in->kernel, "%s/image/kernel", vp));
        if (in->ramdisk && *in->ramdisk)
            TRY(add(l, d, P_INHERIT, in->ramdisk, "%s/image/ramdisk", vp));
        if (in->cmdline)
            TRY(add(l, d, P_INHERIT, in->cmdline, "%s/image/cmdline", vp));
    }
    TRY(add(l, d, P_INHERIT, NUM("%.2f", in->start_time), "%s/start_time", vp));

    /* console 0: frontend, backend for xenconsoled, libxl's own record */
    char port[16], ring[24];
    snprintf(port, sizeof port, "%u", in->console_port);
    snprintf(ring, sizeof ring, "%llu", (unsigned long long)in->console_gfn);
    const struct xkl__kv cfront[] = {
        { "limit", "1048576" }, { "type", "xenconsoled" }, { "output", "pty" },
        { "port", port }, { "ring-ref", ring },
    };
    const struct xkl__kv cback[] = { { "protocol", "vt100" } };
    const struct xkl__device con = {
        .kind = xkl__devkind_find("console"), .domid = d, .backend_domid = 0, .devid = 0,
        .front = cfront, .nfront = sizeof cfront / sizeof *cfront,
        .back = cback, .nback = sizeof cback / sizeof *cback,
    };
    TRY(xkl__device_layout(l, &con));
    TRY(add(l, d, P_INHERIT, in->hvm ? "hvm" : in->pvh ? "pvh" : "pv", "/libxl/%u/type", d));
    TRY(add(l, d, P_INHERIT, "qemu_xen", "/libxl/%u/dm-version", d));
#undef NUM
    return 0;
}

int xkl__layout_owned(struct xkl__layout *l, uint32_t domid, const char *vm_path)
{
    /* backends first: daemons watching them see the device go before the
     * domain's own directory */
    for (const struct xkl__devkind *k = xkl__devkinds; k->name; k++) {
        TRY(add_rm(l, "/local/domain/0/backend/%s/%u", k->name, domid));
        TRY(xkl__layout_prune(l, "/local/domain/0/backend/%s", k->name));
    }
    TRY(xkl__layout_prune(l, "/local/domain/0/backend"));
    TRY(add_rm(l, "/local/domain/%u", domid));
    if (vm_path && !strncmp(vm_path, "/vm/", 4))
        TRY(add_rm(l, "%s", vm_path));
    TRY(add_rm(l, "/libxl/%u", domid));
    return 0;
}

/* a is b or an ancestor of b */
static bool path_covers(const char *a, const char *b)
{
    size_t n = strlen(a);
    return !strncmp(a, b, n) && (b[n] == '\0' || b[n] == '/');
}

static bool perms_equal(const struct xkl__node *a, const struct xkl__node *b)
{
    if (a->nperms != b->nperms)
        return false;
    for (unsigned i = 0; i < a->nperms; i++)
        if (a->perms[i].domid != b->perms[i].domid || a->perms[i].perm != b->perms[i].perm)
            return false;
    return true;
}

/*
 * A directory node need not be made when a later node of the layout is
 * below it: xenstored creates it on that write, with its parent's
 * permissions. That gives the same node only when
 *   - it is new: at or below a path the layout removed first (an older
 *     node would keep its old permissions instead of getting ours);
 *   - its parent is an earlier node of the layout (so exists by then with
 *     known permissions) and it inherits, or its own permissions are the
 *     parent's.
 */
void xkl__layout_implied(const struct xkl__layout *l, bool *implied)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct xkl__node *nd = &l->v[i];
        implied[i] = false;
        if (nd->value)
            continue;
        bool fresh = false;
        for (size_t r = 0; r < l->nrm && !fresh; r++)
            fresh = path_covers(l->rm[r], nd->path);
        if (!fresh)
            continue;
        bool child_later = false;
        for (size_t j = i + 1; j < l->n && !child_later; j++)
            child_later = path_covers(nd->path, l->v[j].path) && strcmp(nd->path, l->v[j].path);
        if (!child_later)
            continue;
        const char *slash = strrchr(nd->path, '/');
        size_t plen = slash ? (size_t)(slash - nd->path) : 0;
        for (size_t a = 0; a < i; a++) {
            const struct xkl__node *pa = &l->v[a];
            if (strlen(pa->path) == plen && !strncmp(pa->path, nd->path, plen)) {
                implied[i] = nd->nperms == 0 || (pa->nperms && perms_equal(pa, nd));
                break;
            }
        }
    }
}

/* The layout as one batch: removals first, then each node not implied by
 * a later one, with its permissions. */
static struct xkl_xs_op *layout_ops(const struct xkl__layout *l, size_t *n)
{
    bool *implied = calloc(l->n ? l->n : 1, sizeof(*implied));
    struct xkl_xs_op *ops = calloc(l->nrm + l->n + 1, sizeof(*ops));
    if (!implied || !ops) {
        free(implied);
        free(ops);
        return NULL;
    }
    xkl__layout_implied(l, implied);
    size_t k = 0;
    for (size_t i = 0; i < l->nrm; i++)
        ops[k++] = (struct xkl_xs_op){ .kind = XKL_XS_OP_RM, .path = l->rm[i], .missing_ok = 1 };
    for (size_t i = 0; i < l->n; i++) {
        const struct xkl__node *nd = &l->v[i];
        if (implied[i])
            continue;
        ops[k++] = (struct xkl_xs_op){
            .kind = nd->value ? XKL_XS_OP_WRITE : XKL_XS_OP_MKDIR,
            .path = nd->path,
            .data = nd->value,
            .len = nd->value ? strlen(nd->value) : 0,
            .perms = nd->perms,
            .nperms = nd->nperms,
        };
    }
    free(implied);
    *n = k;
    return ops;
}

struct batch {
    const struct xkl_xs_op *ops;
    size_t n;
    const struct xkl__layout *l;
};

static int write_tx(xkl_xs *xs, xkl_xs_tx tx, void *arg)
{
    const struct batch *b = arg;
    if (xkl_xs_batch(xs, tx, b->ops, b->n) < 0)
        return -1;
    /* empty parents last: a child another create writes meanwhile makes
     * the transaction conflict, and the retry sees it */
    for (size_t i = 0; i < b->l->nprune; i++) {
        unsigned num = 0;
        char **kids = xkl_xs_directory(xs, tx, b->l->prune[i], &num);
        if (!kids) {
            if (errno == ENOENT)
                continue;
            return -1;
        }
        free(kids);
        if (num == 0 && xkl_xs_rm(xs, tx, b->l->prune[i]) < 0 && errno != ENOENT)
            return -1;
    }
    return 0;
}

int xkl__layout_write(xkl_ctx *ctx, const struct xkl__layout *l)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return -1;
    struct batch b;
    struct xkl_xs_op *ops = layout_ops(l, &b.n);
    if (!ops)
        return xkl__err(ctx, ENOMEM, "xenstore layout: %s", strerror(ENOMEM));
    b.ops = ops;
    b.l = l;
    /* one transaction, retried on conflicts; a failure keeps the batch's
     * message naming the first failing request */
    int r = 0;
    if (xkl_xs_tx_retry(xs, 16, write_tx, &b) < 0) {
        int e = errno ? errno : EIO;
        r = xkl__err(ctx, e, "%s", xkl_xs_error(xs));
    }
    free(ops);
    return r;
}
