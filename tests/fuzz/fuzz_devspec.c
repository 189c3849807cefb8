/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz what a disk or vif spec becomes before anything is set up: the
 * spec parsers, the vdev numbers, the rate= and MAC parsers, and the pure
 * halves of the vbd and vif kinds that turn a parsed spec into xenstore
 * nodes. The first byte picks the parser, the rest is its text. Oracles
 * beyond "no crash": a vdev number prints as a name that parses back to
 * it; a rate that parses has a non-zero credit and interval; a MAC that
 * parses formats and parses back to itself; nodes come out only with a
 * devid, a kind and non-NULL values.
 */
#include "private.h"
#include "device/vbd.h"
#include "device/vif.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_nodes(const struct xkl__kv *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!v[i].key || !v[i].value)
            abort();
}

static void disk(const char *s)
{
    xkl_diags d;
    xkl_diags_init(&d);
    struct xkl_disk disk;
    xkl__disk_init(&disk);
    if (xkl__disk_parse(&disk, s, "fuzz", 1, 1, &d) == 0) {
        static struct xkl__vbd_nodes n;   /* large: not on the stack */
        char why[256];
        const struct xkl__vbd_local loc = { "/dev/loop0", 7, 0, "/dev/loop0" };
        if (xkl__vbd_nodes(&disk, &loc, &n, why, sizeof why) == 0) {
            if (!n.kind)
                abort();
            check_nodes(n.front, n.nfront);
            check_nodes(n.back, n.nback);
            check_nodes(n.local, n.nlocal);
        }
    } else if (d.nerrors == 0) {
        abort();   /* a failure must say why */
    }
    xkl__disk_dispose(&disk);
    xkl_diags_dispose(&d);
}

static void vif(const char *s)
{
    xkl_diags d;
    xkl_diags_init(&d);
    struct xkl_nic nic;
    xkl__nic_init(&nic);
    if (xkl__nic_parse(&nic, s, "fuzz", 1, 1, &d) == 0) {
        if (nic.devid < 0)
            nic.devid = 0;
        static struct xkl__vif v;
        char why[256];
        const uint8_t rnd[3] = { 1, 2, 3 };
        if (xkl__vif_resolve(&nic, 5, 0, rnd, &v, why, sizeof why) == 0) {
            check_nodes(v.front, v.nfront);
            check_nodes(v.back, v.nback);
        }
    } else if (d.nerrors == 0) {
        abort();
    }
    xkl__nic_dispose(&nic);
    xkl_diags_dispose(&d);
}

static void vdev(const char *s)
{
    unsigned n, back;
    char name[32];
    if (xkl__vdev_number(s, &n) == 0) {
        xkl__vdev_name(n, name, sizeof name);
        if (xkl__vdev_number(name, &back) < 0 || back != n)
            abort();
    }
}

static void rate(const char *s)
{
    uint64_t bytes;
    uint32_t usecs;
    const char *why = NULL;
    if (xkl__rate_parse(s, &bytes, &usecs, &why) == 0 && (!bytes || !usecs))
        abort();
}

static void mac(const char *s)
{
    uint8_t m[6], back[6];
    char text[18];
    if (xkl__mac_parse(s, m) == 0) {
        xkl__mac_format(m, text);
        if (xkl__mac_parse(text, back) < 0 || memcmp(m, back, 6))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    char *s = malloc(size);
    if (!s)
        return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    switch (data[0] % 5) {
    case 0: disk(s); break;
    case 1: vif(s); break;
    case 2: vdev(s); break;
    case 3: rate(s); break;
    default: mac(s); break;
    }
    free(s);
    return 0;
}
