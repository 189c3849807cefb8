/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl commands on a running domain's virtual devices: block-attach,
 * block-list, block-detach, network-attach, network-list, network-detach,
 * cd-insert, cd-eject; vkb-list, vtpm-list, channel-list, pci-list,
 * pci-assignable-list. Usage, arguments and list columns as Xen's xl. */
#include "life.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

XL_CMD(block_attach);
XL_CMD(block_list);
XL_CMD(block_detach);
XL_CMD(vkb_attach);
XL_CMD(vkb_detach);
XL_CMD(vtpm_attach);
XL_CMD(vtpm_detach);
XL_CMD(vdispl_attach);
XL_CMD(vdispl_detach);
XL_CMD(vdispl_list);
XL_CMD(network_attach);
XL_CMD(network_list);
XL_CMD(network_detach);
XL_CMD(cd_insert);
XL_CMD(cd_eject);
XL_CMD(vkb_list);
XL_CMD(vtpm_list);
XL_CMD(channel_list);
XL_CMD(pci_list);
XL_CMD(usb_list);
XL_CMD(pci_assignable_list);

/* Xen's xl refuses -N for these (or prints a JSON we do not produce):
 * a dry run must never attach or detach anything. */
static int no_dry_run(const char *name)
{
    if (!xl_opts.dry_run)
        return 0;
    xl_err("%s: -N (dry run) is not supported by this command", name);
    return -1;
}

/* Only -h is known; at least min and (max >= 0) at most max arguments.
 * The index of the first argument, or -1 with *rc the exit code (help
 * printed). */
static int args(int argc, char **argv, int min, int max, int *rc)
{
    struct xl_optstate st = { XL_OK };
    *rc = XL_OK;
    if (xl_getopt(&st, argc, argv, "", NULL, min) == XL_OPT_EXIT) {
        *rc = st.rc;
        return -1;
    }
    if (max >= 0)
        xl_extra_args(argc, argv, max);
    return optind;
}

/* The words joined with ',' into one spec, as xl does with the spec
 * components on its command line; NULL after printing the error. */
static char *join(char *const *words, int n, const char *name)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(words[i]) + 1;
    char *s = malloc(len);
    if (!s) {
        xl_err("%s: out of memory", name);
        return NULL;
    }
    s[0] = 0;
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(s, ",");
        strcat(s, words[i]);
    }
    return s;
}

/* ---- disks ---- */

static int do_disk_attach(xkl_ctx *ctx, uint32_t domid, void *spec)
{
    return xkl_disk_attach(ctx, domid, spec);
}

int cmd_block_attach(int argc, char **argv)
{
    int rc, i = args(argc, argv, 2, -1, &rc);
    if (i < 0)
        return rc;
    if (no_dry_run("block-attach") < 0)
        return XL_FAIL;
    char *spec = join(argv + i + 1, argc - i - 1, "block-attach");
    if (!spec)
        return XL_FAIL;
    rc = xl_with_domain(argv[i], do_disk_attach, spec);
    free(spec);
    return rc;
}

struct detach_arg {
    const char *which;
    unsigned flags;
};

static int do_disk_detach(xkl_ctx *ctx, uint32_t domid, void *arg)
{
    const struct detach_arg *a = arg;
    return xkl_disk_detach(ctx, domid, a->which, a->flags);
}

int cmd_block_detach(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "force", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct detach_arg a = { NULL, 0 };
    int opt;
    XL_FOREACH_OPT(opt, "f", longopts, 2) {
    case 'f': a.flags |= XKL_DETACH_FORCE; break;
    }
    xl_extra_args(argc, argv, 2);
    a.which = argv[optind + 1];
    return xl_with_domain(argv[optind], do_disk_detach, &a);
}

/* ---- cdroms ---- */

struct cd_arg {
    const char *vdev, *target;
};

static int do_cd(xkl_ctx *ctx, uint32_t domid, void *arg)
{
    const struct cd_arg *a = arg;
    return xkl_cdrom_insert(ctx, domid, a->vdev, a->target);
}

int cmd_cd_insert(int argc, char **argv)
{
    int rc, i = args(argc, argv, 3, 3, &rc);
    if (i < 0)
        return rc;
    if (no_dry_run("cd-insert") < 0)
        return XL_FAIL;
    struct cd_arg a = { argv[i + 1], argv[i + 2] };
    return xl_with_domain(argv[i], do_cd, &a);
}

int cmd_cd_eject(int argc, char **argv)
{
    int rc, i = args(argc, argv, 2, 2, &rc);
    if (i < 0)
        return rc;
    if (no_dry_run("cd-eject") < 0)
        return XL_FAIL;
    struct cd_arg a = { argv[i + 1], NULL };
    return xl_with_domain(argv[i], do_cd, &a);
}

/* ---- network interfaces ---- */

static int do_nic_attach(xkl_ctx *ctx, uint32_t domid, void *spec)
{
    return xkl_nic_attach(ctx, domid, spec, NULL);
}

int cmd_network_attach(int argc, char **argv)
{
    int rc, i = args(argc, argv, 1, -1, &rc);
    if (i < 0)
        return rc;
    if (no_dry_run("network-attach") < 0)
        return XL_FAIL;
    char *spec = join(argv + i + 1, argc - i - 1, "network-attach");
    if (!spec)
        return XL_FAIL;
    rc = xl_with_domain(argv[i], do_nic_attach, spec);
    free(spec);
    return rc;
}

static int do_nic_detach(xkl_ctx *ctx, uint32_t domid, void *which)
{
    return xkl_nic_detach(ctx, domid, which, 0);
}

int cmd_network_detach(int argc, char **argv)
{
    int rc, i = args(argc, argv, 2, 2, &rc);
    if (i < 0)
        return rc;
    return xl_with_domain(argv[i], do_nic_detach, argv[i + 1]);
}

/* ---- keyboards and TPMs ---- */

static int do_vkb_attach(xkl_ctx *ctx, uint32_t domid, void *spec)
{
    return xkl_vkb_attach(ctx, domid, spec, NULL);
}

static int do_vtpm_attach(xkl_ctx *ctx, uint32_t domid, void *spec)
{
    return xkl_vtpm_attach(ctx, domid, spec, NULL);
}

static int do_vkb_detach(xkl_ctx *ctx, uint32_t domid, void *which)
{
    return xkl_vkb_detach(ctx, domid, which, 0);
}

static int do_vtpm_detach(xkl_ctx *ctx, uint32_t domid, void *which)
{
    return xkl_vtpm_detach(ctx, domid, which, 0);
}

/* NAME DOMAIN SPEC-PART...: the parts joined with commas into one spec */
static int spec_attach(int argc, char **argv, const char *name, int min, xl_dom_fn *fn)
{
    int rc, i = args(argc, argv, min, -1, &rc);
    if (i < 0)
        return rc;
    if (no_dry_run(name) < 0)
        return XL_FAIL;
    char *spec = join(argv + i + 1, argc - i - 1, name);
    if (!spec)
        return XL_FAIL;
    rc = xl_with_domain(argv[i], fn, spec);
    free(spec);
    return rc;
}

int cmd_vkb_attach(int argc, char **argv)
{
    return spec_attach(argc, argv, "vkb-attach", 2, do_vkb_attach);
}

int cmd_vtpm_attach(int argc, char **argv)
{
    return spec_attach(argc, argv, "vtpm-attach", 1, do_vtpm_attach);
}

static int do_vdispl_attach(xkl_ctx *ctx, uint32_t domid, void *spec)
{
    return xkl_vdispl_attach(ctx, domid, spec, NULL);
}

static int do_vdispl_detach(xkl_ctx *ctx, uint32_t domid, void *which)
{
    return xkl_vdispl_detach(ctx, domid, which, 0);
}

int cmd_vdispl_attach(int argc, char **argv)
{
    return spec_attach(argc, argv, "vdispl-attach", 1, do_vdispl_attach);
}

int cmd_vdispl_detach(int argc, char **argv)
{
    int rc, i = args(argc, argv, 2, 2, &rc);
    return i < 0 ? rc : xl_with_domain(argv[i], do_vdispl_detach, argv[i + 1]);
}

/* xl vdispl-list DOMAIN...: Xen's xl's lines, a display and its
 * connectors ("handle" is the guest's domain) */
int cmd_vdispl_list(int argc, char **argv)
{
    int rc, i = args(argc, argv, 1, -1, &rc);
    if (i < 0)
        return rc;
    rc = XL_OK;
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    for (; i < argc; i++) {
        uint32_t domid;
        struct xkl_vdispl_info *v;
        size_t n;
        if (xl_domid(ctx, argv[i], &domid) < 0) {
            rc = XL_FAIL;
            continue;
        }
        if (xkl_vdispl_list(ctx, domid, &v, &n) < 0) {
            rc = xl_ctx_fail(ctx);
            continue;
        }
        for (size_t k = 0; k < n; k++) {
            const struct xkl_devinfo *d = &v[k].dev;
            printf("DevId: %u, BE: %u, handle: %u, state: %d, be-alloc: %d, BE-path: %s, "
                   "FE-path: %s\n", d->devid, d->backend_domid, domid, d->frontend_state,
                   v[k].be_alloc, d->backend_path, d->frontend_path);
            for (size_t c = 0; c < v[k].nconnectors; c++) {
                const struct xkl_connector_info *ci = &v[k].connectors[c];
                printf("\tConnector: %zu, id: %s, width: %d, height: %d, req-rref: %d, "
                       "req-evtch: %d, evt-rref: %d, evt-evtch: %d\n", c, ci->id, ci->width,
                       ci->height, ci->req_rref, ci->req_evtch, ci->evt_rref, ci->evt_evtch);
            }
        }
        xkl_vdispl_list_free(v, n);
    }
    xkl_ctx_close(ctx);
    return rc;
}

int cmd_vkb_detach(int argc, char **argv)
{
    int rc, i = args(argc, argv, 2, 2, &rc);
    return i < 0 ? rc : xl_with_domain(argv[i], do_vkb_detach, argv[i + 1]);
}

int cmd_vtpm_detach(int argc, char **argv)
{
    int rc, i = args(argc, argv, 2, 2, &rc);
    return i < 0 ? rc : xl_with_domain(argv[i], do_vtpm_detach, argv[i + 1]);
}

/* ---- lists ---- */

/* One table row (xl's columns for the family). */
typedef void list_row(uint32_t domid, const struct xkl_devinfo *d);

static void block_row(uint32_t domid, const struct xkl_devinfo *d)
{
    /* Vdev BE handle state evt-ch ring-ref BE-path; xl's "handle" column
     * is the frontend's domain */
    printf("%-5u %-3u %-6u %-5d %-6d %-8d %-30s\n", d->devid, d->backend_domid, domid,
           d->frontend_state, d->evtchn, d->ring_ref, d->backend_path);
}

static void network_row(uint32_t domid, const struct xkl_devinfo *d)
{
    (void)domid;
    /* Idx BE Mac handle state evt-ch tx/rx BE-path; xl's "handle" column
     * is the index, its MAC column is followed by no space */
    printf("%-3u %-2u %-17s%6u %5d %6d %5d/%-11d %-30s\n", d->devid, d->backend_domid, d->mac,
           d->devid, d->frontend_state, d->evtchn, d->ring_ref, d->rx_ring_ref, d->backend_path);
}

static void vkb_row(uint32_t domid, const struct xkl_devinfo *d)
{
    (void)domid;
    /* Idx BE handle state evt-ch ref ID BE-type BE-path; an absent
     * unique-id prints as glibc prints Xen's NULL */
    printf("%-3u %-2u %6u %5d %6d %6d %-10s %-10s %-30s\n", d->devid, d->backend_domid, d->devid,
           d->frontend_state, d->evtchn, d->ring_ref, d->has_id ? d->id : "(null)",
           !strcmp(d->kind, "vinput") ? "linux" : "qemu", d->backend_path);
}

static void vtpm_row(uint32_t domid, const struct xkl_devinfo *d)
{
    (void)domid;
    printf("%-3u %-2u %-36s %6d %5d %6d %8d %s\n", d->devid, d->backend_domid,
           d->has_id ? d->id : "(null)", d->handle, d->frontend_state, d->evtchn, d->ring_ref,
           d->backend_path);
}

static void channel_row(uint32_t domid, const struct xkl_devinfo *d)
{
    (void)domid;
    /* Idx BE state evt-ch ring-ref connection, then the pty's path */
    printf("%-3u %-2u %-5d %-6d %-8d %-10s %-30s\n", d->devid, d->backend_domid, d->frontend_state,
           d->evtchn, d->ring_ref, d->connection[0] ? d->connection : "(null)",
           !strcmp(d->connection, "pty") ? d->target : "");
}

/* The header, then every domain's devices of family; a domain that cannot
 * be listed is reported in one line and the others are still listed. */
static int list_cmd(int argc, char **argv, const char *name, const char *family,
                    list_row *row)
{
    int rc, i = args(argc, argv, 1, -1, &rc);
    if (i < 0)
        return rc;
    rc = XL_OK;
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    if (row == block_row)
        printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle", "state", "evt-ch",
               "ring-ref", "BE-path");
    else if (row == vkb_row)
        printf("%-3s %-2s %-6s %-5s %-6s %6s %-10s %-10s %-30s\n", "Idx", "BE", "handle", "state",
               "evt-ch", "ref", "ID", "BE-type", "BE-path");
    else if (row == vtpm_row)
        printf("%-3s %-2s %-36s %-6s %-5s %-6s %-8s %-10s\n", "Idx", "BE", "Uuid", "handle", "state",
               "evt-ch", "ring-ref", "BE-path");
    else if (row == channel_row)
        printf("%-3s %-2s %-5s %-6s %-8s %-10s %-30s\n", "Idx", "BE", "state", "evt-ch", "ring-ref",
               "connection", "");
    else
        printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE", "Mac Addr.",
               "handle", "state", "evt-ch", "tx-", "rx-ring-ref", "BE-path");
    for (; i < argc; i++) {
        uint32_t domid;
        struct xkl_devinfo *v;
        size_t n;
        if (xl_domid(ctx, argv[i], &domid) < 0) {
            rc = XL_FAIL;
            continue;
        }
        if (xkl_device_list(ctx, domid, family, &v, &n) < 0) {
            rc = xl_ctx_fail(ctx);
            continue;
        }
        for (size_t k = 0; k < n; k++)
            row(domid, &v[k]);
        free(v);
    }
    xkl_ctx_close(ctx);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        xl_err("%s: writing the list: standard output failed", name);
        rc = XL_FAIL;
    }
    return rc;
}

int cmd_block_list(int argc, char **argv)
{
    return list_cmd(argc, argv, "block-list", "vbd", block_row);
}

int cmd_network_list(int argc, char **argv)
{
    return list_cmd(argc, argv, "network-list", "vif", network_row);
}

int cmd_vkb_list(int argc, char **argv)
{
    return list_cmd(argc, argv, "vkb-list", "vkbd", vkb_row);
}

int cmd_vtpm_list(int argc, char **argv)
{
    return list_cmd(argc, argv, "vtpm-list", "vtpm", vtpm_row);
}

int cmd_channel_list(int argc, char **argv)
{
    return list_cmd(argc, argv, "channel-list", "console", channel_row);
}

/* xl pci-list DOMAIN: nothing at all when the guest has no PCI device */
static int pci_list_one(xkl_ctx *ctx, uint32_t domid, void *arg)
{
    (void)arg;
    struct xkl_pci_dev *v = NULL;
    size_t n = 0;
    if (xkl_pci_list(ctx, domid, &v, &n) < 0)
        return -1;
    if (n)
        printf("Vdev Device\n");
    for (size_t k = 0; k < n; k++)
        printf("%02x.%01x %04x:%02x:%02x.%01x\n", v[k].vdevfn < 0 ? 0 : v[k].vdevfn >> 3,
               v[k].vdevfn < 0 ? 0 : v[k].vdevfn & 7, v[k].domain, v[k].bus, v[k].dev, v[k].func);
    free(v);
    return 0;
}

int cmd_pci_list(int argc, char **argv)
{
    int rc, i = args(argc, argv, 1, 1, &rc);
    return i < 0 ? rc : xl_with_domain(argv[i], pci_list_one, NULL);
}

/* xl pci-assignable-list [-n]: the devices bound to xen-pciback. Xen's xl
 * only logs a missing driver and exits 0, so do we. */
int cmd_pci_assignable_list(int argc, char **argv)
{
    static const struct option lo[] = {
        { "show-names", no_argument, NULL, 'n' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt, names = 0;
    XL_FOREACH_OPT(opt, "n", lo, 0) {
        case 'n': names = 1; break;
    }
    xl_extra_args(argc, argv, 0);
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    struct xkl_pci_dev *v = NULL;
    size_t n = 0;
    if (xkl_pci_assignable_list(ctx, &v, &n) < 0)
        xl_ctx_fail(ctx);
    for (size_t k = 0; k < n; k++) {
        printf("%04x:%02x:%02x.%01x", v[k].domain, v[k].bus, v[k].dev, v[k].func);
        if (names && v[k].name[0])
            printf(" %s", v[k].name);
        printf("\n");
    }
    free(v);
    xkl_ctx_close(ctx);
    return XL_OK;
}

/* One port of a USB controller: "  Port N:", and for a port a host device
 * was given to (its busid, "1-2", in the backend's port/N) the device's
 * bus and address from sysfs, as Xen's xl shows them. */
static void usb_port(xkl_xs *xs, const struct xkl_devinfo *d, int port)
{
    printf("  Port %d:", port);
    char path[192];
    snprintf(path, sizeof path, "%s/port/%d", d->backend_path, port);
    char *busid = xs ? xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL) : NULL;
    if (busid && *busid && !strchr(busid, '/') && strcmp(busid, "..") && strcmp(busid, ".")) {
        unsigned long v[2];
        int ok = 1;
        static const char *const f[2] = { "busnum", "devnum" };
        for (int k = 0; k < 2 && ok; k++) {
            char sp[128];
            snprintf(sp, sizeof sp, "/sys/bus/usb/devices/%s/%s", busid, f[k]);
            FILE *fp = fopen(sp, "r");
            ok = fp && fscanf(fp, "%lu", &v[k]) == 1;
            if (fp)
                fclose(fp);
        }
        if (ok)
            printf(" Bus %03lx Device %03lx", v[0], v[1]);
        else
            printf(" %s", busid);   /* the host device is gone: its busid */
    }
    free(busid);
    printf("\n");
}

/* xl usb-list DOMAIN: each USB controller and its ports */
static int usb_list_one(xkl_ctx *ctx, uint32_t domid, void *arg)
{
    (void)arg;
    struct xkl_devinfo *v = NULL;
    size_t n = 0;
    if (xkl_device_list(ctx, domid, "vusb", &v, &n) < 0)
        return -1;
    xkl_xs *xs = n ? xkl_xs_open(0) : NULL;
    if (n)
        printf("%-6s %-12s %-3s %-5s %-7s %-5s\n", "Devid", "Type", "BE", "state", "usb-ver", "ports");
    for (size_t k = 0; k < n; k++) {
        printf("%-6u %-12s %-3u %-5d %-7d %-5d\n", v[k].devid, v[k].has_id ? v[k].id : v[k].kind,
               v[k].backend_domid, v[k].frontend_state, v[k].usb_version, v[k].ports);
        for (int p = 1; p <= v[k].ports && p <= 31; p++)
            usb_port(xs, &v[k], p);
    }
    if (xs)
        xkl_xs_close(xs);
    free(v);
    return 0;
}

int cmd_usb_list(int argc, char **argv)
{
    int rc, i = args(argc, argv, 1, 1, &rc);
    return i < 0 ? rc : xl_with_domain(argv[i], usb_list_one, NULL);
}
