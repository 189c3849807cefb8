/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Builder entry point: checks the request and dispatches to the PV or PVH
 * builder (pv_x86.c, pvh_x86.c); their shared helpers live in builder.c.
 */
#include "private.h"
#include <errno.h>
#include <string.h>
#include <time.h>

void xkg_build_cfg_init(struct xkg_build_cfg *cfg, enum xkg_type type)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->type = type;
    cfg->nr_vcpus = 1;
}

uint64_t xkg_paging_pool_bytes(uint64_t mem_kb, unsigned nr_vcpus)
{
    uint64_t kb = 4 * (256 * (uint64_t)nr_vcpus + 2 * (mem_kb / 1024));
    return ((kb + 1023) / 1024) << 20;
}

int xkg_build(xkc_handle *h, uint32_t domid, const struct xkg_build_cfg *cfg,
              struct xkg_build_result *out, char *err, size_t errlen)
{
    if (!h || !cfg || !out || !cfg->kernel) {
        errno = EINVAL;
        xkg__err(err, errlen, "build guest (domain %u): missing handle, config, result or kernel",
                domid);
        return -1;
    }
    if (cfg->nr_vcpus == 0 || cfg->mem_kb < 4096) {
        errno = EINVAL;
        xkg__err(err, errlen, "build %s guest (domain %u): need at least 1 vcpu and 4 MiB of "
                "memory (got %u vcpus, %llu KiB)", xkg_type_name(cfg->type), domid,
                cfg->nr_vcpus, (unsigned long long)cfg->mem_kb);
        return -1;
    }
    if (cfg->cmdline && strlen(cfg->cmdline) >= 1024) {
        errno = E2BIG;
        xkg__err(err, errlen, "build %s guest (domain %u): command line is %zu bytes, the limit "
                "is 1023", xkg_type_name(cfg->type), domid, strlen(cfg->cmdline));
        return -1;
    }
    /* Only the capabilities matter here; the caller usually read them
     * already to check the kernel before creating the domain. */
    char caps[1024];
    const char *xen_caps = cfg->xen_caps;
    if (!xen_caps) {
        if (xkc_xen_capabilities(h, caps, sizeof caps) < 0) {
            xkg__err(err, errlen, "build %s guest (domain %u): xen_version: %s",
                    xkg_type_name(cfg->type), domid, xkc_error(h));
            return -1;
        }
        xen_caps = caps;
    }
    if (xkg_image_check(cfg->kernel, cfg->type, xen_caps, err, errlen) < 0)
        return -1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(out, 0, sizeof(*out));
    int rc;
    switch (cfg->type) {
    case XKG_TYPE_PV: rc = xkg__build_pv(h, domid, cfg, out, err, errlen); break;
    case XKG_TYPE_PVH: rc = xkg__build_pvh(h, domid, cfg, out, err, errlen); break;
    case XKG_TYPE_HVM: rc = xkg__build_hvm(h, domid, cfg, out, err, errlen); break;
    default:
        errno = EINVAL;
        xkg__err(err, errlen, "build guest (domain %u): unknown type %d", domid, (int)cfg->type);
        return -1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    out->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}
