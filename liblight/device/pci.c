/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI devices passed through to guests, as far as xkit goes today: what a
 * domain has (the pciback backend's nodes libxl writes, one backend
 * /local/domain/0/backend/pci/<domid>/0 with num_devs and dev-N =
 * "DDDD:BB:DD.F", vdevfn-N = the guest's slot and function in hex) and
 * which host devices are assignable (bound to dom0's xen-pciback driver,
 * names from libxl's /libxl/pci/<BDF>/name). Attaching is not done here
 * (see xl(1)).
 */
#include "private.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCIBACK_DIR "/sys/bus/pci/drivers/pciback"

/* "DDDD:BB:DD.F" into its parts; -1 when malformed. Pure. */
int xkl__pci_bdf_parse(const char *s, struct xkl_pci_dev *p)
{
    unsigned dom, bus, dev, fn;
    char tail;
    if (!s || sscanf(s, "%4x:%2x:%2x.%1x%c", &dom, &bus, &dev, &fn, &tail) != 4 || dev > 0x1f ||
        fn > 7 || strlen(s) != 12)
        return -1;
    p->domain = dom;
    p->bus = bus;
    p->dev = dev;
    p->func = fn;
    return 0;
}

static int read_uint(xkl_xs *xs, const char *path, int base, unsigned long *v)
{
    char *s = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
    if (!s)
        return -1;
    char *end;
    errno = 0;
    *v = strtoul(s, &end, base);
    int bad = errno || end == s || *end;
    free(s);
    if (bad) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int xkl_pci_list(xkl_ctx *ctx, uint32_t domid, struct xkl_pci_dev **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    XKL__LOCK(ctx);
    int r = -1;
    xkl_xs *xs = xkl__device_op_begin(ctx, domid, "pci-list");
    if (!xs)
        goto out;
    char be[96], path[160];
    snprintf(be, sizeof be, "/local/domain/0/backend/pci/%u/0", domid);
    snprintf(path, sizeof path, "%s/num_devs", be);
    unsigned long num;
    if (read_uint(xs, path, 10, &num) < 0) {
        if (errno == ENOENT)
            r = 0; /* no PCI device */
        else
            xkl__err(ctx, errno, "pci-list domain %u: %s: %s", domid, path,
                     errno == EINVAL ? "not a number" : xkl_xs_error(xs));
        goto out;
    }
    if (num > 256) {
        xkl__err(ctx, EINVAL, "pci-list domain %u: %s: %lu devices", domid, path, num);
        goto out;
    }
    struct xkl_pci_dev *v = calloc(num ? num : 1, sizeof *v);
    if (!v) {
        xkl__err(ctx, ENOMEM, "pci-list domain %u: %s", domid, strerror(ENOMEM));
        goto out;
    }
    size_t k = 0;
    for (unsigned long i = 0; i < num; i++) {
        snprintf(path, sizeof path, "%s/dev-%lu", be, i);
        char *bdf = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
        if (!bdf)
            continue; /* a slot removed by a detach */
        int bad = xkl__pci_bdf_parse(bdf, &v[k]);
        free(bdf);
        if (bad)
            continue;
        unsigned long vdevfn = 0;
        snprintf(path, sizeof path, "%s/vdevfn-%lu", be, i);
        v[k].vdevfn = read_uint(xs, path, 16, &vdevfn) == 0 && vdevfn <= 0xff ? (int)vdevfn : -1;
        k++;
    }
    *out = v;
    *n = k;
    r = 0;
out:
    XKL__UNLOCK(ctx);
    return r;
}

int xkl_pci_assignable_list(xkl_ctx *ctx, struct xkl_pci_dev **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(PCIBACK_DIR);
    if (!d)
        return xkl__err(ctx, errno, "pci-assignable-list: %s: %s%s", PCIBACK_DIR, strerror(errno),
                        errno == ENOENT ? " (Looks like pciback driver not loaded: modprobe xen-pciback)"
                                        : "");
    size_t cap = 0, k = 0;
    struct xkl_pci_dev *v = NULL;
    struct dirent *e;
    int r = 0;
    while ((e = readdir(d))) {
        struct xkl_pci_dev p = { .vdevfn = -1 };
        if (xkl__pci_bdf_parse(e->d_name, &p) < 0)
            continue; /* bind, unbind, new_id, slots... */
        if (k == cap) {
            size_t nc = cap ? cap * 2 : 8;
            struct xkl_pci_dev *nv = realloc(v, nc * sizeof *nv);
            if (!nv) {
                r = xkl__err(ctx, ENOMEM, "pci-assignable-list: %s", strerror(ENOMEM));
                break;
            }
            v = nv;
            cap = nc;
        }
        v[k++] = p;
    }
    closedir(d);
    if (r < 0) {
        free(v);
        return -1;
    }
    XKL__LOCK(ctx);
    xkl_xs *xs = xkl__xs(ctx);
    for (size_t i = 0; xs && i < k; i++) {
        char path[64];
        snprintf(path, sizeof path, "/libxl/pci/%04x-%02x-%02x-%01x/name", v[i].domain, v[i].bus,
                 v[i].dev, v[i].func);
        char *name = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
        if (name)
            snprintf(v[i].name, sizeof v[i].name, "%s", name);
        free(name);
    }
    XKL__UNLOCK(ctx);
    *out = v;
    *n = k;
    return 0;
}
