/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * I/O counters of every guest's devices, as dom0's backends count them
 * (xl top): netback's interfaces vif<domid>.<devid> in /proc/net/dev (the
 * guest's transmit is the interface's receive: turned round here) and
 * blkback's requests and sectors in sysfs
 * (/sys/bus/xen-backend/devices/vbd-<domid>-<devid>/statistics). Read for
 * all domains at once: one file and one directory whatever their number.
 */
#include "private.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKEND_DEVICES "/sys/bus/xen-backend/devices"

int xkl__netdev_line_parse(const char *line, struct xkl_net_stats *s)
{
    unsigned d, n;
    int end = -1;
    while (*line == ' ')
        line++;
    if (sscanf(line, "vif%u.%u:%n", &d, &n, &end) != 2 || end < 0)
        return -1;
    unsigned long long v[16];
    if (sscanf(line + end, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
               &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10], &v[11],
               &v[12], &v[13], &v[14], &v[15]) != 16)
        return -1;
    memset(s, 0, sizeof *s);
    s->domid = d;
    s->devid = n;
    /* the interface receives what the guest transmits */
    s->tx_bytes = v[0];
    s->tx_packets = v[1];
    s->tx_errors = v[2];
    s->tx_drops = v[3];
    s->rx_bytes = v[8];
    s->rx_packets = v[9];
    s->rx_errors = v[10];
    s->rx_drops = v[11];
    return 0;
}

int xkl_net_stats_all(xkl_ctx *ctx, struct xkl_net_stats **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    FILE *f = fopen("/proc/net/dev", "re");
    if (!f)
        return xkl__err(ctx, errno, "network statistics: /proc/net/dev: %s", strerror(errno));
    char line[512];
    size_t cap = 0;
    struct xkl_net_stats *v = NULL, s;
    int r = 0;
    while (fgets(line, sizeof line, f)) {
        if (xkl__netdev_line_parse(line, &s) < 0)
            continue; /* the heading, dom0's own interfaces, a QEMU tap (vifD.N-emu) */
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct xkl_net_stats *nv = realloc(v, nc * sizeof *nv);
            if (!nv) {
                r = xkl__err(ctx, ENOMEM, "network statistics: %s", strerror(ENOMEM));
                break;
            }
            v = nv;
            cap = nc;
        }
        v[(*n)++] = s;
    }
    fclose(f);
    if (r < 0) {
        free(v);
        *n = 0;
        return -1;
    }
    *out = v;
    return 0;
}

static uint64_t read_counter(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/statistics/%s", dir, name);
    FILE *f = fopen(p, "re");
    unsigned long long v = 0;
    if (f) {
        if (fscanf(f, "%llu", &v) != 1)
            v = 0;
        fclose(f);
    }
    return v;
}

int xkl_vbd_stats_all(xkl_ctx *ctx, struct xkl_vbd_stats **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(BACKEND_DEVICES);
    if (!d)
        return errno == ENOENT ? 0 /* no backend driver loaded: no disks */
                               : xkl__err(ctx, errno, "disk statistics: %s: %s", BACKEND_DEVICES,
                                          strerror(errno));
    size_t cap = 0;
    struct xkl_vbd_stats *v = NULL;
    struct dirent *e;
    int r = 0;
    while ((e = readdir(d))) {
        unsigned dom, dev;
        int end = -1;
        if (sscanf(e->d_name, "vbd-%u-%u%n", &dom, &dev, &end) != 2 || end < 0 || e->d_name[end])
            continue;
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct xkl_vbd_stats *nv = realloc(v, nc * sizeof *nv);
            if (!nv) {
                r = xkl__err(ctx, ENOMEM, "disk statistics: %s", strerror(ENOMEM));
                break;
            }
            v = nv;
            cap = nc;
        }
        char dir[400];
        snprintf(dir, sizeof dir, "%s/%s", BACKEND_DEVICES, e->d_name);
        struct xkl_vbd_stats *s = &v[(*n)++];
        memset(s, 0, sizeof *s);
        s->domid = dom;
        s->devid = dev;
        s->oo_req = read_counter(dir, "oo_req");
        s->rd_req = read_counter(dir, "rd_req");
        s->wr_req = read_counter(dir, "wr_req");
        s->rd_sect = read_counter(dir, "rd_sect");
        s->wr_sect = read_counter(dir, "wr_sect");
    }
    closedir(d);
    if (r < 0) {
        free(v);
        *n = 0;
        return -1;
    }
    *out = v;
    return 0;
}
