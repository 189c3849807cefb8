/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the device layer that need no hypervisor: where a device's
 * ends live and the nodes and permissions they get (what libxl writes),
 * the primary console's special frontend, the table of kinds; disks: vdev
 * names and numbers both ways, and the kind and nodes of a disk. */
#include "private.h"
#include "device/vbd.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct xkl__node *find(const struct xkl__layout *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].path, path))
            return &l->v[i];
    return NULL;
}

static const char *perms_of(const struct xkl__layout *l, const char *path, char *buf)
{
    const struct xkl__node *nd = find(l, path);
    ck_assert_msg(nd, "no node %s", path);
    buf[0] = 0;
    for (unsigned i = 0; i < nd->nperms; i++) {
        char one[16];
        xkl_xs_perm_format(&nd->perms[i], one, sizeof one);
        if (i)
            strcat(buf, ",");
        strcat(buf, one);
    }
    return buf;
}

static const char *value_of(const struct xkl__layout *l, const char *path)
{
    const struct xkl__node *nd = find(l, path);
    ck_assert_msg(nd, "no node %s", path);
    return nd->value ? nd->value : "(dir)";
}

START_TEST(generic_device_nodes)
{
    const struct xkl__kv fe[] = { { "virtual-device", "51712" } };
    const struct xkl__kv be[] = { { "params", "/img" }, { "mode", "w" } };
    struct xkl__device d = { .kind = xkl__devkind_find("vbd"), .domid = 5, .backend_domid = 3,
                             .devid = 51712, .front = fe, .nfront = 1, .back = be, .nback = 2 };
    char f[128], b[128], pb[64];
    xkl__device_paths(&d, f, b);
    ck_assert_str_eq(f, "/local/domain/5/device/vbd/51712");
    ck_assert_str_eq(b, "/local/domain/3/backend/vbd/5/51712");
    struct xkl__layout l;
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__device_layout(&l, &d), 0);
    /* frontend: the guest's, read by the backend domain */
    ck_assert_str_eq(perms_of(&l, f, pb), "n5,r3");
    ck_assert_str_eq(value_of(&l, "/local/domain/5/device/vbd/51712/backend"), b);
    ck_assert_str_eq(value_of(&l, "/local/domain/5/device/vbd/51712/backend-id"), "3");
    ck_assert_str_eq(value_of(&l, "/local/domain/5/device/vbd/51712/state"), "1");
    ck_assert_str_eq(value_of(&l, "/local/domain/5/device/vbd/51712/virtual-device"), "51712");
    /* backend: the backend domain's, read by the guest */
    ck_assert_str_eq(perms_of(&l, "/local/domain/3/backend/vbd/5", pb), "n3");
    ck_assert_str_eq(perms_of(&l, b, pb), "n3,r5");
    ck_assert_str_eq(value_of(&l, "/local/domain/3/backend/vbd/5/51712/frontend"), f);
    ck_assert_str_eq(value_of(&l, "/local/domain/3/backend/vbd/5/51712/frontend-id"), "5");
    ck_assert_str_eq(value_of(&l, "/local/domain/3/backend/vbd/5/51712/online"), "1");
    ck_assert_str_eq(value_of(&l, "/local/domain/3/backend/vbd/5/51712/state"), "1");
    ck_assert_str_eq(value_of(&l, "/local/domain/3/backend/vbd/5/51712/params"), "/img");
    ck_assert_ptr_null(find(&l, "/local/domain/3/backend/vbd/5/51712/backend"));
    /* libxl's record: the backend's nodes plus the backend's path */
    ck_assert_str_eq(value_of(&l, "/libxl/5/device/vbd/51712/backend"), b);
    ck_assert_str_eq(value_of(&l, "/libxl/5/device/vbd/51712/mode"), "w");
    /* a stale device of the same id goes first, not its siblings */
    bool rm_be = false, rm_kind = false;
    for (size_t i = 0; i < l.nrm; i++) {
        rm_be |= !strcmp(l.rm[i], b);
        rm_kind |= !strcmp(l.rm[i], "/local/domain/3/backend/vbd/5");
    }
    ck_assert(rm_be && !rm_kind);
    xkl__layout_dispose(&l);
}
END_TEST

START_TEST(primary_console_frontend)
{
    struct xkl__device d = { .kind = xkl__devkind_find("console"), .domid = 9, .backend_domid = 0 };
    char f[128], b[128], pb[64];
    xkl__device_paths(&d, f, b);
    ck_assert_str_eq(f, "/local/domain/9/console");
    struct xkl__layout l;
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__device_layout(&l, &d), 0);
    ck_assert_ptr_null(find(&l, f));                       /* inherits the domain's */
    ck_assert_ptr_null(find(&l, "/local/domain/9/console/state"));
    ck_assert_str_eq(perms_of(&l, "/local/domain/9/console/backend-id", pb), "n9,r0");
    xkl__layout_dispose(&l);
    /* a second console is an ordinary device */
    d.devid = 1;
    xkl__device_paths(&d, f, b);
    ck_assert_str_eq(f, "/local/domain/9/device/console/1");
}
END_TEST

START_TEST(backend_paths_checked)
{
    uint32_t b = 99;
    const struct xkl__devkind *k =
        xkl__device_backend_parse("/local/domain/0/backend/vbd/5/51712", 5, "vbd", 51712, &b);
    ck_assert_ptr_nonnull(k);
    ck_assert_str_eq(k->name, "vbd");
    ck_assert_uint_eq(b, 0);
    k = xkl__device_backend_parse("/local/domain/3/backend/qdisk/5/51728", 5, "vbd", 51728, &b);
    ck_assert_ptr_nonnull(k);
    ck_assert_str_eq(k->name, "qdisk");
    ck_assert_uint_eq(b, 3);
    k = xkl__device_backend_parse("/local/domain/2/backend/vif/7/1", 7, "vif", 1, &b);
    ck_assert_ptr_nonnull(k);
    ck_assert_uint_eq(b, 2);
    /* another domain's, another device's, another family's, or not plain */
    b = 42;
    const char *bad[] = { "/local/domain/0/backend/vbd/6/51712", "/local/domain/0/backend/vbd/5/51728",
                          "/local/domain/0/backend/vif/5/51712", "/local/domain/0/backend/nope/5/51712",
                          "/local/domain/0/backend/vbd/5/51712/x", "/local/domain/00/backend/vbd/5/51712",
                          "/local/domain/0/backend/vbd/5/051712", "/libxl/5/device/vbd/51712", "" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!xkl__device_backend_parse(bad[i], 5, "vbd", 51712, &b), "%s", bad[i]);
    ck_assert_ptr_null(xkl__device_backend_parse(NULL, 5, "vbd", 51712, &b));
    ck_assert_uint_eq(b, 42);   /* untouched when refused */
}
END_TEST

START_TEST(new_families_backends)
{
    /* a vkbd frontend has two backends (QEMU's vkbd, a backend-type=linux
     * vinput); a USB controller's is QEMU's qusb; vtpm its own */
    uint32_t b = 99;
    const struct xkl__devkind *k =
        xkl__device_backend_parse("/local/domain/0/backend/vinput/1/0", 1, "vkbd", 0, &b);
    ck_assert_ptr_nonnull(k);
    ck_assert_str_eq(k->name, "vinput");
    k = xkl__device_backend_parse("/local/domain/0/backend/vkbd/1/0", 1, "vkbd", 0, &b);
    ck_assert_ptr_nonnull(k);
    ck_assert_str_eq(k->name, "vkbd");
    k = xkl__device_backend_parse("/local/domain/4/backend/vtpm/1/0", 1, "vtpm", 0, &b);
    ck_assert_ptr_nonnull(k);
    ck_assert_uint_eq(b, 4);
    k = xkl__device_backend_parse("/local/domain/0/backend/qusb/1/0", 1, "vusb", 0, &b);
    ck_assert_ptr_nonnull(k);
    ck_assert_str_eq(k->name, "qusb");
    /* not across families */
    ck_assert_ptr_null(xkl__device_backend_parse("/local/domain/0/backend/vinput/1/0", 1, "vtpm", 0, &b));
    ck_assert_ptr_null(xkl__device_backend_parse("/local/domain/0/backend/vtpm/1/0", 1, "vkbd", 0, &b));
}
END_TEST

START_TEST(pci_addresses)
{
    struct xkl_pci_dev p;
    ck_assert_int_eq(xkl__pci_bdf_parse("0000:00:1f.3", &p), 0);
    ck_assert_uint_eq(p.domain, 0);
    ck_assert_uint_eq(p.bus, 0);
    ck_assert_uint_eq(p.dev, 0x1f);
    ck_assert_uint_eq(p.func, 3);
    ck_assert_int_eq(xkl__pci_bdf_parse("abcd:EF:01.7", &p), 0);
    ck_assert_uint_eq(p.domain, 0xabcd);
    ck_assert_uint_eq(p.bus, 0xef);
    /* sysfs's other entries, a slot past 0x1f, a function past 7, short or long */
    const char *bad[] = { "bind", "new_id", "0000:00:20.0", "0000:00:1f.8", "0000:00:1f", "0:0:1.0",
                          "0000:00:1f.3x", "", "0000:00:1f.3 " };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(xkl__pci_bdf_parse(bad[i], &p) < 0, "%s", bad[i]);
    ck_assert_int_lt(xkl__pci_bdf_parse(NULL, &p), 0);
}
END_TEST

START_TEST(netdev_lines)
{
    struct xkl_net_stats st;
    ck_assert_int_eq(xkl__netdev_line_parse("  vif5.1: 1000 10 1 2 0 0 0 0 2000 20 3 4 0 0 0 0\n", &st), 0);
    ck_assert_uint_eq(st.domid, 5);
    ck_assert_uint_eq(st.devid, 1);
    /* the interface's receive is the guest's transmit */
    ck_assert_uint_eq(st.tx_bytes, 1000);
    ck_assert_uint_eq(st.tx_packets, 10);
    ck_assert_uint_eq(st.tx_errors, 1);
    ck_assert_uint_eq(st.tx_drops, 2);
    ck_assert_uint_eq(st.rx_bytes, 2000);
    ck_assert_uint_eq(st.rx_packets, 20);
    ck_assert_uint_eq(st.rx_errors, 3);
    ck_assert_uint_eq(st.rx_drops, 4);
    const char *bad[] = { "Inter-|   Receive", "    lo: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
                          "vif5.0-emu: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0", "vif5.0: 1 2 3", "vif5: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
                          "" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(xkl__netdev_line_parse(bad[i], &st) < 0, "%s", bad[i]);
}
END_TEST

START_TEST(kinds_table)
{
    ck_assert_ptr_null(xkl__devkind_find("nope"));
    ck_assert_str_eq(xkl__devkind_find("qdisk")->frontend, "vbd");
    /* destroy removes every kind's backends: the layout takes them from the table */
    struct xkl__layout l;
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__layout_owned(&l, 4, "/vm/x"), 0);
    for (const struct xkl__devkind *k = xkl__devkinds; k->name; k++) {
        char p[96];
        snprintf(p, sizeof p, "/local/domain/0/backend/%s/4", k->name);
        bool found = false;
        for (size_t i = 0; i < l.nrm; i++)
            found |= !strcmp(l.rm[i], p);
        ck_assert_msg(found, "destroy does not remove %s", p);
    }
    xkl__layout_dispose(&l);
}
END_TEST

/* ---- disks: vdev names and numbers (xen-vbd-interface(7)) ---- */

static unsigned num_of(const char *vdev)
{
    unsigned n = 0;
    ck_assert_msg(xkl__vdev_number(vdev, &n) == 0, "%s refused", vdev);
    return n;
}

START_TEST(vdev_numbers)
{
    struct { const char *name; unsigned num; } v[] = {
        { "xvda", 51712 }, { "xvdb", 51728 }, { "xvdc", 51744 }, { "xvdp", 51952 },
        /* from disk 16 on: the extended form 1 << 28 | disk << 8 */
        { "xvdq", 268439552 }, { "xvdz", 268441856 }, { "xvdaa", 268442112 },
        { "xvdab", 268442368 }, { "xvdtq", 268572672 },
        /* IDE: two disks per major, 3, 22, 33, 34, ... 91 */
        { "hda", 768 }, { "hdb", 832 }, { "hdc", 5632 }, { "hdd", 5696 }, { "hde", 8448 },
        { "hdg", 8704 }, { "hdi", 14336 }, { "hdt", 23360 },
        /* SCSI major 8, 16 disks */
        { "sda", 2048 }, { "sdb", 2064 }, { "sdp", 2288 },
        /* Xen's dN and dNp0, and plain numbers */
        { "d0", 51712 }, { "d1", 51728 }, { "d15", 51952 }, { "d16", 268439552 },
        { "d536", 268572672 }, { "d0p0", 51712 }, { "51712", 51712 }, { "768", 768 },
        { "0", 0 }, { "4294967295", 4294967295u },
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        ck_assert_msg(num_of(v[i].name) == v[i].num, "%s: %u, expected %u", v[i].name,
                      num_of(v[i].name), v[i].num);
    const char *bad[] = { "", "xvd", "xvda1", "xvdb2", "hda1", "sda1", "d1p2", "d0p", "dp0",
                          "d", "hdu", "sdq", "xvdA", "XVDA", "xvd1", "foo", "-1", "+5",
                          "4294967296", "51712 ", " xvda", "xvda ", "hd", "sd", "disk",
                          "xvdzzzzzzz", "d1048576" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        unsigned n = 12345;
        errno = 0;
        ck_assert_msg(xkl__vdev_number(bad[i], &n) == -1, "'%s' accepted (%u)", bad[i], n);
        ck_assert_int_eq(errno, EINVAL);
        ck_assert_uint_eq(n, 12345);
    }
}
END_TEST

START_TEST(vdev_names)
{
    struct { unsigned num; const char *name; } v[] = {
        { 51712, "xvda" }, { 51728, "xvdb" }, { 51952, "xvdp" }, { 51713, "xvda1" },
        { 51727, "xvda15" }, { 268439552, "xvdq" }, { 268442112, "xvdaa" },
        { 268572672, "xvdtq" }, { 268572672 + 37, "xvdtq37" }, { 768, "hda" }, { 832, "hdb" },
        { 769, "hda1" }, { 5632, "hdc" }, { 5696, "hdd" }, { 8448, "hde" }, { 23360, "hdt" },
        { 2048, "sda" }, { 2064, "sdb" }, { 2051, "sda3" },
        /* not a name of any of the forms: the number */
        { 896, "896" }, { 12345, "12345" }, { 0, "0" }, { 2u << 28, "536870912" },
    };
    char buf[32];
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        xkl__vdev_name(v[i].num, buf, sizeof buf);
        ck_assert_msg(!strcmp(buf, v[i].name), "%u: %s, expected %s", v[i].num, buf, v[i].name);
    }
    /* both ways, for every xvd disk up to the three-letter names */
    for (unsigned disk = 0; disk < 20000; disk++) {
        char name[32], d[16];
        unsigned expect = disk < 16 ? 51712 + disk * 16 : (1u << 28) | disk << 8;
        snprintf(d, sizeof d, "d%u", disk);
        ck_assert_uint_eq(num_of(d), expect);
        xkl__vdev_name(expect, name, sizeof name);
        ck_assert_msg(!strncmp(name, "xvd", 3), "%u: %s", disk, name);
        ck_assert_msg(num_of(name) == expect, "%s", name);
    }
    for (const char *l = "abcdefghijklmnopqrst"; *l; l++) {
        char hd[8], back[16];
        snprintf(hd, sizeof hd, "hd%c", *l);
        xkl__vdev_name(num_of(hd), back, sizeof back);
        ck_assert_str_eq(back, hd);
    }
    /* a short buffer is cut, never overrun */
    char small[4] = "zzz";
    xkl__vdev_name(51712, small, sizeof small);
    ck_assert_str_eq(small, "xvd");
}
END_TEST

/* ---- disks: kind and nodes ---- */

static const char *kv_of(const struct xkl__kv *v, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].key, key))
            return v[i].value;
    return NULL;
}

/* a disk from an xl-disk-configuration spec, as block-attach parses it */
static void parse_disk(struct xkl_disk *disk, const char *spec)
{
    xkl_diags d;
    xkl_diags_init(&d);
    xkl__disk_init(disk);
    int r = xkl__disk_parse(disk, spec, "test", 0, 0, &d);
    ck_assert_msg(r == 0, "%s: %s", spec, d.n ? d.v[0].text : "?");
    xkl_diags_dispose(&d);
}

static struct xkl__vbd_nodes nodes;

START_TEST(vbd_nodes_file)
{
    struct xkl_disk disk;
    parse_disk(&disk, "format=raw,vdev=xvdb,access=rw,target=/srv/data.img");
    struct xkl__vbd_local loc = { .device = "/dev/loop3", .major = 7, .minor = 3,
                                  .loop = "/dev/loop3" };
    char why[128];
    ck_assert_int_eq(xkl__vbd_nodes(&disk, &loc, &nodes, why, sizeof why), 0);
    struct xkl__vbd_nodes *n = &nodes;
    ck_assert_str_eq(n->kind, "vbd");
    ck_assert_uint_eq(n->devid, 51728);
    ck_assert_str_eq(kv_of(n->back, n->nback, "params"), "/srv/data.img");
    ck_assert_str_eq(kv_of(n->back, n->nback, "type"), "phy");
    ck_assert_str_eq(kv_of(n->back, n->nback, "mode"), "w");
    ck_assert_str_eq(kv_of(n->back, n->nback, "device-type"), "disk");
    ck_assert_str_eq(kv_of(n->back, n->nback, "removable"), "0");
    ck_assert_str_eq(kv_of(n->back, n->nback, "bootable"), "1");
    ck_assert_str_eq(kv_of(n->back, n->nback, "dev"), "xvdb");
    ck_assert_str_eq(kv_of(n->back, n->nback, "script"), "/etc/xen/scripts/block");
    ck_assert_str_eq(kv_of(n->back, n->nback, "discard-enable"), "1");
    ck_assert_ptr_null(kv_of(n->back, n->nback, "direct-io-safe"));
    ck_assert(!n->user_script);
    ck_assert_str_eq(kv_of(n->front, n->nfront, "virtual-device"), "51728");
    ck_assert_str_eq(kv_of(n->front, n->nfront, "device-type"), "disk");
    ck_assert_str_eq(kv_of(n->front, n->nfront, "trusted"), "1");
    /* what the block script would write: hex major:minor, the loop */
    ck_assert_str_eq(kv_of(n->local, n->nlocal, "physical-device"), "7:3");
    ck_assert_str_eq(kv_of(n->local, n->nlocal, "physical-device-path"), "/dev/loop3");
    ck_assert_str_eq(kv_of(n->local, n->nlocal, "node"), "/dev/loop3");
    ck_assert_ptr_null(kv_of(n->back, n->nback, "physical-device"));

    /* in the layout: local nodes in the backend, not in libxl's record */
    struct xkl__layout l;
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__vbd_layout(&l, 5, 0, n), 0);
    ck_assert_str_eq(value_of(&l, "/local/domain/0/backend/vbd/5/51728/physical-device"), "7:3");
    ck_assert_str_eq(value_of(&l, "/local/domain/0/backend/vbd/5/51728/node"), "/dev/loop3");
    ck_assert_str_eq(value_of(&l, "/local/domain/0/backend/vbd/5/51728/params"), "/srv/data.img");
    ck_assert_str_eq(value_of(&l, "/local/domain/0/backend/vbd/5/51728/frontend"),
                     "/local/domain/5/device/vbd/51728");
    ck_assert_str_eq(value_of(&l, "/local/domain/5/device/vbd/51728/virtual-device"), "51728");
    ck_assert_str_eq(value_of(&l, "/local/domain/5/device/vbd/51728/backend"),
                     "/local/domain/0/backend/vbd/5/51728");
    ck_assert_str_eq(value_of(&l, "/libxl/5/device/vbd/51728/params"), "/srv/data.img");
    ck_assert_ptr_null(find(&l, "/libxl/5/device/vbd/51728/physical-device"));
    ck_assert_ptr_null(find(&l, "/libxl/5/device/vbd/51728/node"));
    xkl__layout_dispose(&l);
    xkl__disk_dispose(&disk);
}
END_TEST

START_TEST(vbd_nodes_block_device)
{
    struct xkl_disk disk;
    parse_disk(&disk, "phy:/dev/vg0/guest,xvda,w");
    struct xkl__vbd_local loc = { .device = "/dev/vg0/guest", .major = 254, .minor = 17 };
    char why[128];
    ck_assert_int_eq(xkl__vbd_nodes(&disk, &loc, &nodes, why, sizeof why), 0);
    struct xkl__vbd_nodes *n = &nodes;
    ck_assert_str_eq(n->kind, "vbd");
    ck_assert_uint_eq(n->devid, 51712);
    ck_assert_str_eq(kv_of(n->back, n->nback, "params"), "/dev/vg0/guest");
    ck_assert_str_eq(kv_of(n->local, n->nlocal, "physical-device"), "fe:11");
    ck_assert_str_eq(kv_of(n->local, n->nlocal, "physical-device-path"), "/dev/vg0/guest");
    ck_assert_ptr_null(kv_of(n->local, n->nlocal, "node"));   /* no loop of ours */
    /* a driver domain's backend: nothing local, same libxl nodes */
    ck_assert_int_eq(xkl__vbd_nodes(&disk, NULL, &nodes, why, sizeof why), 0);
    ck_assert_uint_eq(n->nlocal, 0);
    struct xkl__layout l;
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__vbd_layout(&l, 7, 3, n), 0);
    ck_assert_str_eq(value_of(&l, "/local/domain/3/backend/vbd/7/51712/mode"), "w");
    ck_assert_ptr_null(find(&l, "/local/domain/3/backend/vbd/7/51712/physical-device"));
    ck_assert_str_eq(value_of(&l, "/local/domain/7/device/vbd/51712/backend-id"), "3");
    xkl__layout_dispose(&l);
    xkl__disk_dispose(&disk);
}
END_TEST

START_TEST(vbd_nodes_qdisk)
{
    struct xkl_disk disk;
    parse_disk(&disk, "/srv/win.qcow2,qcow2,xvdc,w");
    char why[128];
    struct xkl__vbd_local loc = { .device = "/dev/loop1", .major = 7, .minor = 1 };
    ck_assert_int_eq(xkl__vbd_nodes(&disk, &loc, &nodes, why, sizeof why), 0);
    struct xkl__vbd_nodes *n = &nodes;
    ck_assert_str_eq(n->kind, "qdisk");
    ck_assert_str_eq(kv_of(n->back, n->nback, "params"), "qcow2:/srv/win.qcow2");
    ck_assert_str_eq(kv_of(n->back, n->nback, "type"), "qdisk");
    ck_assert_ptr_null(kv_of(n->back, n->nback, "script"));
    ck_assert_uint_eq(n->nlocal, 0);   /* QEMU opens the file itself */
    struct xkl__layout l;
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__vbd_layout(&l, 5, 0, n), 0);
    ck_assert_str_eq(value_of(&l, "/local/domain/0/backend/qdisk/5/51744/params"),
                     "qcow2:/srv/win.qcow2");
    ck_assert_str_eq(value_of(&l, "/local/domain/5/device/vbd/51744/backend"),
                     "/local/domain/0/backend/qdisk/5/51744");
    xkl__layout_dispose(&l);
    xkl__disk_dispose(&disk);
    /* a raw image given to qdisk: QEMU's "aio" */
    parse_disk(&disk, "backendtype=qdisk,vdev=xvdd,target=/srv/raw.img");
    ck_assert_int_eq(xkl__vbd_nodes(&disk, NULL, &nodes, why, sizeof why), 0);
    ck_assert_str_eq(n->kind, "qdisk");
    ck_assert_str_eq(kv_of(n->back, n->nback, "params"), "aio:/srv/raw.img");
    xkl__disk_dispose(&disk);
}
END_TEST

START_TEST(vbd_nodes_cdrom_and_readonly)
{
    struct xkl_disk disk;
    parse_disk(&disk, "/srv/debian.iso,,hdc,cdrom");
    char why[128];
    ck_assert_int_eq(xkl__vbd_nodes(&disk, NULL, &nodes, why, sizeof why), 0);
    struct xkl__vbd_nodes *n = &nodes;
    ck_assert_str_eq(n->kind, "vbd");
    ck_assert_uint_eq(n->devid, 5632);
    ck_assert_str_eq(kv_of(n->back, n->nback, "device-type"), "cdrom");
    ck_assert_str_eq(kv_of(n->front, n->nfront, "device-type"), "cdrom");
    ck_assert_str_eq(kv_of(n->back, n->nback, "removable"), "1");
    ck_assert_str_eq(kv_of(n->back, n->nback, "mode"), "r");
    ck_assert_str_eq(kv_of(n->back, n->nback, "dev"), "hdc");
    ck_assert_str_eq(kv_of(n->back, n->nback, "discard-enable"), "0");
    xkl__disk_dispose(&disk);

    parse_disk(&disk, "/srv/base.img,raw,xvde,r");
    ck_assert_int_eq(xkl__vbd_nodes(&disk, NULL, &nodes, why, sizeof why), 0);
    ck_assert_str_eq(kv_of(n->back, n->nback, "mode"), "r");
    ck_assert_str_eq(kv_of(n->back, n->nback, "device-type"), "disk");
    ck_assert_str_eq(kv_of(n->back, n->nback, "removable"), "0");
    ck_assert_str_eq(kv_of(n->back, n->nback, "discard-enable"), "0");
    ck_assert_uint_eq(n->devid, 51776);
    xkl__disk_dispose(&disk);

    /* explicit flags win over the defaults */
    parse_disk(&disk, "/srv/a.img,raw,xvdf,w,no-discard,direct-io-safe,untrusted");
    ck_assert_int_eq(xkl__vbd_nodes(&disk, NULL, &nodes, why, sizeof why), 0);
    ck_assert_str_eq(kv_of(n->back, n->nback, "discard-enable"), "0");
    ck_assert_str_eq(kv_of(n->back, n->nback, "direct-io-safe"), "1");
    ck_assert_str_eq(kv_of(n->front, n->nfront, "trusted"), "0");
    xkl__disk_dispose(&disk);
}
END_TEST

START_TEST(vbd_nodes_scripts)
{
    struct xkl_disk disk;
    char why[128];
    parse_disk(&disk, "script=block-iscsi,vdev=xvdb,target=iqn.2001-05.com.example:disk");
    ck_assert_int_eq(xkl__vbd_nodes(&disk, NULL, &nodes, why, sizeof why), 0);
    ck_assert_str_eq(kv_of(nodes.back, nodes.nback, "script"), "/etc/xen/scripts/block-iscsi");
    ck_assert(nodes.user_script);
    xkl__disk_dispose(&disk);
    parse_disk(&disk, "script=/usr/local/bin/myblock,vdev=xvdb,target=/x");
    ck_assert_int_eq(xkl__vbd_nodes(&disk, NULL, &nodes, why, sizeof why), 0);
    ck_assert_str_eq(kv_of(nodes.back, nodes.nback, "script"), "/usr/local/bin/myblock");
    ck_assert(nodes.user_script);
    xkl__disk_dispose(&disk);
    /* naming the default script is the default: done in-process */
    parse_disk(&disk, "script=block,vdev=xvdb,target=/x");
    ck_assert_int_eq(xkl__vbd_nodes(&disk, NULL, &nodes, why, sizeof why), 0);
    ck_assert(!nodes.user_script);
    xkl__disk_dispose(&disk);
}
END_TEST

START_TEST(vbd_nodes_refused)
{
    struct { const char *spec; int err; const char *says; } v[] = {
        { "backendtype=tap,vdev=xvdb,target=/x", EOPNOTSUPP, "backendtype=tap" },
        { "backendtype=standalone,vdev=xvdb,target=/x", EOPNOTSUPP, "backendtype=standalone" },
        { "specification=virtio,vdev=xvdb,target=/x", EOPNOTSUPP, "specification=virtio" },
        { "colo,colo-host=h,colo-port=9,colo-export=e,active-disk=a,hidden-disk=b,vdev=xvdb,target=/x",
          EOPNOTSUPP, "colo" },
        { "backendtype=qdisk,script=foo,vdev=xvdb,target=/x", EOPNOTSUPP, "script=" },
        { "backendtype=phy,format=qcow2,vdev=xvdb,target=/x", EINVAL, "qcow2" },
        { "vdev=xvdb1,target=/x", EINVAL, "xvdb1" },
        { "vdev=hdz,target=/x", EINVAL, "hdz" },
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        struct xkl_disk disk;
        parse_disk(&disk, v[i].spec);
        char why[256] = "";
        errno = 0;
        ck_assert_msg(xkl__vbd_nodes(&disk, NULL, &nodes, why, sizeof why) == -1, "%s accepted",
                      v[i].spec);
        ck_assert_msg(errno == v[i].err, "%s: errno %d", v[i].spec, errno);
        ck_assert_msg(strstr(why, v[i].says), "%s: '%s' does not name %s", v[i].spec, why,
                      v[i].says);
        xkl__disk_dispose(&disk);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("device");
    TCase *tc = tcase_create("device");
    tcase_add_test(tc, generic_device_nodes);
    tcase_add_test(tc, primary_console_frontend);
    tcase_add_test(tc, kinds_table);
    tcase_add_test(tc, backend_paths_checked);
    tcase_add_test(tc, new_families_backends);
    tcase_add_test(tc, pci_addresses);
    tcase_add_test(tc, netdev_lines);
    tcase_add_test(tc, vdev_numbers);
    tcase_add_test(tc, vdev_names);
    tcase_add_test(tc, vbd_nodes_file);
    tcase_add_test(tc, vbd_nodes_block_device);
    tcase_add_test(tc, vbd_nodes_qdisk);
    tcase_add_test(tc, vbd_nodes_cdrom_and_readonly);
    tcase_add_test(tc, vbd_nodes_scripts);
    tcase_add_test(tc, vbd_nodes_refused);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
