/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz what a device spec becomes before anything is set up: the disk
 * and vif spec parsers, the vdev numbers, the rate= and MAC parsers, the
 * pure halves of the vbd and vif kinds that turn a parsed spec into
 * xenstore nodes, and the specs of the table of the other kinds (vkb,
 * vtpm, vdispl, channel: one spec; vsnd: items, one per line). The first
 * byte picks the parser, the rest is its text. Oracles beyond "no crash":
 * a vdev number prints as a name that parses back to it; a rate that
 * parses has a non-zero credit and interval; a MAC that parses formats and
 * parses back to itself; nodes come out only with a devid, a kind and
 * non-NULL values; a spec that fails says why, one that parses gives the
 * same device when parsed again (the saved configuration re-parses it).
 */
#include "private.h"
#include "device/vbd.h"
#include "device/vif.h"

#include <stdbool.h>
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
        /* a partition's name ("hdd41": a number given in decimal may be
         * one) is refused by design: only whole disks are attached */
        size_t l = strlen(name);
        bool partition = l && name[l - 1] >= '0' && name[l - 1] <= '9' && strspn(name, "0123456789") != l;
        if (!partition && (xkl__vdev_number(name, &back) < 0 || back != n))
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

/* a spec of the table's kind t: items are the lines of s */
static void vdev_spec(const struct xkl__vdev_type *t, char *s)
{
    struct xkl__spec_item items[16];
    size_t n = 0;
    for (char *save = NULL, *l = strtok_r(s, "\n", &save); l && n < 16; l = strtok_r(NULL, "\n", &save))
        items[n++] = (struct xkl__spec_item){ l, 1, 1 };
    if (t != &xkl__vdev_types[XKL__VDEV_VSND] && n > 1)
        n = 1;
    xkl_diags d;
    xkl_diags_init(&d);
    void *a = calloc(1, t->size), *b = calloc(1, t->size);
    if (!a || !b)
        abort();
    t->init(a);
    t->init(b);
    if (t->parse(a, items, n, "fuzz", &d) == 0) {
        if (t->parse(b, items, n, "fuzz", &d) != 0)
            abort();
        /* the same device both times, as far as its JSON shows */
        struct xkl_domain_config dc1, dc2;
        xkl__domain_config_init(&dc1);
        xkl__domain_config_init(&dc2);
        void *x = xkl__vdev_append(&dc1, t), *y = xkl__vdev_append(&dc2, t);
        if (!x || !y)
            abort();
        t->dispose(x);
        t->dispose(y);
        memcpy(x, a, t->size);
        memcpy(y, b, t->size);
        t->init(a);
        t->init(b);
        char *j1 = xkl__domain_config_gen_json(&dc1), *j2 = xkl__domain_config_gen_json(&dc2);
        if (!j1 || !j2 || strcmp(j1, j2))
            abort();
        free(j1);
        free(j2);
        xkl__domain_config_dispose(&dc1);
        xkl__domain_config_dispose(&dc2);
    } else if (d.nerrors == 0) {
        abort();
    }
    t->dispose(a);
    t->dispose(b);
    free(a);
    free(b);
    xkl_diags_dispose(&d);
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
    switch (data[0] % 10) {
    case 0: disk(s); break;
    case 1: vif(s); break;
    case 2: vdev(s); break;
    case 3: rate(s); break;
    case 4: mac(s); break;
    case 5: vdev_spec(&xkl__vdev_types[XKL__VDEV_VKB], s); break;
    case 6: vdev_spec(&xkl__vdev_types[XKL__VDEV_VTPM], s); break;
    case 7: vdev_spec(&xkl__vdev_types[XKL__VDEV_VDISPL], s); break;
    case 8: vdev_spec(&xkl__vdev_types[XKL__VDEV_CHANNEL], s); break;
    default: vdev_spec(&xkl__vdev_types[XKL__VDEV_VSND], s); break;
    }
    free(s);
    return 0;
}
