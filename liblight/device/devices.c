/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The devices of a domain as a whole: create's "devices" step (every disk,
 * then every nic, keyboard and TPM), taking them all away when the domain is destroyed, the
 * backend domain of a spec, and keeping the persisted configuration in
 * step with hot attach and detach.
 */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int xkl__backend_domid(xkl_ctx *ctx, const char *backend, uint32_t *domid, const char *what)
{
    *domid = 0;
    if (!backend || !*backend)
        return 0;
    char *end = NULL;
    unsigned long v = strtoul(backend, &end, 10);
    if (end != backend && !*end) {
        struct xkl_dominfo di;
        if (v > UINT32_MAX || xkl__info(ctx, (uint32_t)v, &di) < 0)
            return xkl__err(ctx, ESRCH, "%s: backend domain %s: no such domain", what, backend);
        *domid = (uint32_t)v;
        return 0;
    }
    if (xkl__find_name(ctx, backend, domid) < 0)
        return xkl__err(ctx, errno == ESRCH ? ESRCH : errno, "%s: backend domain %s: %s", what,
                        backend, errno == ESRCH ? "no such domain" : strerror(errno));
    return 0;
}

int xkl__devices_add(xkl_ctx *ctx, uint32_t domid, struct xkl_domain_config *dc,
                     struct xkl__fault *f, const char *what)
{
    /* MACs first, before anything is set up: the config saved after this
     * step keeps them */
    for (size_t i = 0; i < dc->num_nics; i++)
        if (xkl__nic_choose_mac(ctx, &dc->nics[i], what) < 0)
            return -1;
    /* a PV or PVH guest's channels are QEMU's chardevs, given when it
     * starts: started here, before a qdisk disk could start it without */
    if (dc->num_channels && dc->c_info.type != XKL_DOMAIN_TYPE_HVM &&
        xkl__dm_pv_ensure(ctx, domid, dc, what) < 0)
        return -1;
    for (size_t i = 0; i < dc->num_disks; i++)
        if (xkl__vbd_add(ctx, domid, &dc->disks[i], f, what) < 0)
            goto fail;
    for (size_t i = 0; i < dc->num_nics; i++) {
        /* an HVM guest's vif: its PV half here (its emulated half is the
         * tap QEMU made, dm/), a type=vif one PV alone */
        struct xkl_nic pv = dc->nics[i];
        if (dc->c_info.type == XKL_DOMAIN_TYPE_HVM) {
            pv.nictype = XKL_NIC_TYPE_VIF;
            pv.model = NULL;
        }
        if (xkl__vif_add(ctx, domid, &pv, f, what) < 0)
            goto fail;
    }
    if (xkl__simple_add_all(ctx, domid, dc, what) < 0)
        goto fail;
    return 0;
fail:;
    /* each add released its own work; take away the ones before it */
    int e = errno;
    char keep[sizeof ctx->err];
    memcpy(keep, ctx->err, sizeof keep);
    xkl__devices_remove_all(ctx, domid);
    memcpy(ctx->err, keep, sizeof keep);
    errno = e;
    return -1;
}

/* The backend directories of domid's devices of kind k, from libxl's
 * records (/libxl/<domid>/device/<kind>/<devid>/backend), which both
 * toolstacks write for every device, in dom0 or a driver domain. *out:
 * malloc'd strings. */
static size_t backends_of(xkl_xs *xs, uint32_t domid, const char *kind, char ***out)
{
    char **v = NULL;
    size_t n = 0;
    char dir[128];
    snprintf(dir, sizeof dir, "/libxl/%u/device/%s", domid, kind);
    unsigned nents = 0;
    char **ents = xkl_xs_directory(xs, XKL_XS_TX_NONE, dir, &nents);
    for (unsigned i = 0; ents && i < nents; i++) {
        char path[192];
        snprintf(path, sizeof path, "%s/%s/backend", dir, ents[i]);
        char *be = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
        char **nv = be ? realloc(v, (n + 1) * sizeof *v) : NULL;
        if (nv) {
            v = nv;
            v[n++] = be;
        } else {
            free(be);
        }
    }
    free(ents);
    *out = v;
    return n;
}

void xkl__devices_remove_all(xkl_ctx *ctx, uint32_t domid)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return;
    /* two round trips for a domain with only its console (this and the QEMU
     * record) */
    char dir[64];
    snprintf(dir, sizeof dir, "/libxl/%u/device", domid);
    unsigned nkinds = 0;
    char **kinds = xkl_xs_directory(xs, XKL_XS_TX_NONE, dir, &nkinds);
    for (unsigned i = 0; kinds && i < nkinds; i++) {
        /* the console's backend is xenconsoled's: the layout removes it */
        if (!strcmp(kinds[i], "console"))
            continue;
        char **bes = NULL;
        size_t n = backends_of(xs, domid, kinds[i], &bes);
        for (size_t j = 0; j < n; j++) {
            /* /local/domain/<backend>/backend/<kind>/<domid>/<devid>: the
             * kind is the backend's (a vbd record may name a qdisk) */
            unsigned bdom = 0, fdom = 0, devid = 0;
            char kind[16];
            int end = 0;
            if (sscanf(bes[j], "/local/domain/%u/backend/%15[^/]/%u/%u%n", &bdom, kind, &fdom,
                       &devid, &end) == 4 && !bes[j][end] && fdom == domid) {
                const struct xkl__devkind *k = xkl__devkind_find(kind);
                if (k) {
                    struct xkl__device d = { .kind = k, .domid = domid, .backend_domid = bdom,
                                             .devid = devid };
                    xkl__device_remove(ctx, &d, 0, true);   /* releases, then removes */
                    /* a driver domain's backend/<kind>/<domid>: dom0's goes
                     * with the domain's layout */
                    char parent[96];
                    snprintf(parent, sizeof parent, "/local/domain/%u/backend/%s/%u", bdom, kind, domid);
                    if (bdom != 0)
                        xkl_xs_rm(xs, XKL_XS_TX_NONE, parent);
                }
            }
            free(bes[j]);
        }
        free(bes);
    }
    free(kinds);
    /* a QEMU may outlive the last qdisk it served (detached): always */
    xkl__dm_stop(ctx, domid);
}

xkl_xs *xkl__device_op_begin(xkl_ctx *ctx, uint32_t domid, const char *what)
{
    struct xkl_dominfo di;
    if (xkl__info(ctx, domid, &di) < 0) {
        xkl__err_wrap(ctx, "%s", what);
        return NULL;
    }
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        xkl__err_wrap(ctx, "%s", what);
    return xs;
}

int xkl__config_update(xkl_ctx *ctx, uint32_t domid,
                       int (*edit)(struct xkl_domain_config *dc, void *arg), void *arg,
                       const char *what)
{
    struct xkl_dominfo di;
    if (xkl__info(ctx, domid, &di) < 0)
        return xkl__err_wrap(ctx, "%s", what);
    char uuid[37], name[64];
    xkl__uuid_format(di.uuid, uuid);
    snprintf(name, sizeof name, "%s.json", uuid);
    char *path = xkl__state_path(ctx, name);
    if (!path)
        return xkl__err_wrap(ctx, "%s", what);
    bool ours = access(path, F_OK) == 0;
    free(path);
    if (!ours)
        return 0;   /* another toolstack's domain: its own record stays as it is */
    struct xkl_domain_config *dc = xkl__config_load(ctx, domid, di.uuid);
    if (!dc)
        return xkl__err_wrap(ctx, "%s", what);
    int r = edit(dc, arg);
    char *json = r < 0 ? NULL : xkl_domain_config_to_json(dc);
    if (r == 0 && !json)
        r = xkl__err(ctx, ENOMEM, "%s: config to JSON: %s", what, strerror(ENOMEM));
    if (json && xkl__state_save(ctx, uuid, json) < 0)
        r = xkl__err_wrap(ctx, "%s", what);
    free(json);
    xkl_domain_config_free(dc);
    return r;
}
