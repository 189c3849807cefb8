/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl commands on a running domain's virtual devices: block-attach,
 * block-list, block-detach, network-attach, network-list, network-detach,
 * cd-insert, cd-eject; vkb-list, vtpm-list, channel-list, pci-list,
 * pci-assignable-list. Usage, arguments and list columns as Xen's xl. */
#include "life.h"
#include "json_out.h"

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
XL_CMD(vsnd_attach);
XL_CMD(vsnd_detach);
XL_CMD(vsnd_list);
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
static int args(int argc, char **argv, int min, int max, int *rc);

/* The same for a listing, which also knows --json (*json). */
static int args_json(int argc, char **argv, int min, int max, int *rc, bool *json)
{
    struct xl_optstate st = { XL_OK };
    int opt;
    *rc = XL_OK;
    *json = false;
    while ((opt = xl_getopt(&st, argc, argv, "", xl_json_opts, min)) != -1) {
        if (opt == XL_OPT_EXIT) {
            *rc = st.rc;
            return -1;
        }
        if (opt == 'J')
            *json = true;
    }
    if (max >= 0)
        xl_extra_args(argc, argv, max);
    return optind;
}

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

/* DOMAIN...: each domain's devices by one(ctx, domid, j, arg), j the
 * --json writer or NULL for Xen's lines, after header(arg) (may be NULL)
 * for the lines; a domain that fails is reported and the others are still
 * listed. */
typedef int list_one_fn(xkl_ctx *ctx, uint32_t domid, struct xl_json *j, const void *arg);

static int list_domains(int argc, char **argv, const char *name, void (*header)(const void *arg),
                        list_one_fn *one, const void *arg)
{
    bool json;
    int rc, i = args_json(argc, argv, 1, -1, &rc, &json);
    if (i < 0)
        return rc;
    rc = XL_OK;
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    struct xl_json j;
    if (json)
        xlj_begin(&j);
    else if (header)
        header(arg);
    for (; i < argc; i++) {
        uint32_t domid;
        if (xl_domid(ctx, argv[i], &domid) < 0)
            rc = XL_FAIL;
        else if (one(ctx, domid, json ? &j : NULL, arg) < 0)
            rc = xl_ctx_fail(ctx);
    }
    if (json)
        xlj_end(&j);
    xkl_ctx_close(ctx);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        xl_err("%s: writing the list: standard output failed", name);
        rc = XL_FAIL;
    }
    return rc;
}

/* xl vdispl-list DOMAIN...: Xen's xl's lines, a display and its
 * connectors ("handle" is the guest's domain) */
static int vdispl_list_one(xkl_ctx *ctx, uint32_t domid, struct xl_json *j, const void *arg)
{
    (void)arg;
    struct xkl_vdispl_info *v;
    size_t n;
    if (xkl_vdispl_list(ctx, domid, &v, &n) < 0)
        return -1;
    for (size_t k = 0; j && k < n; k++) {
        const struct xkl_devinfo *d = &v[k].dev;
        xlj_obj(j, NULL);
        xlj_uint(j, "domid", domid);
        xlj_uint(j, "devid", d->devid);
        xlj_uint(j, "backend_domid", d->backend_domid);
        xlj_opt_int(j, "frontend_state", d->frontend_state);
        xlj_opt_int(j, "backend_state", d->backend_state);
        if (v[k].be_alloc < 0)
            xlj_null(j, "be_alloc");
        else
            xlj_bool(j, "be_alloc", v[k].be_alloc != 0);
        xlj_str(j, "frontend_path", d->frontend_path);
        xlj_str(j, "backend_path", d->backend_path);
        xlj_arr(j, "connectors");
        for (size_t c = 0; c < v[k].nconnectors; c++) {
            const struct xkl_connector_info *ci = &v[k].connectors[c];
            xlj_obj(j, NULL);
            xlj_str(j, "unique_id", ci->id);
            xlj_opt_int(j, "width", ci->width);
            xlj_opt_int(j, "height", ci->height);
            xlj_opt_int(j, "req_ring_ref", ci->req_rref);
            xlj_opt_int(j, "req_event_channel", ci->req_evtch);
            xlj_opt_int(j, "evt_ring_ref", ci->evt_rref);
            xlj_opt_int(j, "evt_event_channel", ci->evt_evtch);
            xlj_obj_end(j);
        }
        xlj_arr_end(j);
        xlj_obj_end(j);
    }
    for (size_t k = 0; !j && k < n; k++) {
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
    return 0;
}

int cmd_vdispl_list(int argc, char **argv)
{
    return list_domains(argc, argv, "vdispl-list", NULL, vdispl_list_one, NULL);
}

static int do_vsnd_detach(xkl_ctx *ctx, uint32_t domid, void *which)
{
    return xkl_vsnd_detach(ctx, domid, which, 0);
}

struct vsnd_items {
    char **items;
    size_t n;
};

static int do_vsnd_attach(xkl_ctx *ctx, uint32_t domid, void *arg)
{
    const struct vsnd_items *v = arg;
    return xkl_vsnd_attach(ctx, domid, (const char *const *)v->items, v->n, NULL);
}

/* xl vsnd-attach DOMAIN ITEM...: each argument one item of the card */
int cmd_vsnd_attach(int argc, char **argv)
{
    int rc, i = args(argc, argv, 2, -1, &rc);
    if (i < 0)
        return rc;
    if (no_dry_run("vsnd-attach") < 0)
        return XL_FAIL;
    struct vsnd_items v = { argv + i + 1, (size_t)(argc - i - 1) };
    return xl_with_domain(argv[i], do_vsnd_attach, &v);
}

int cmd_vsnd_detach(int argc, char **argv)
{
    int rc, i = args(argc, argv, 2, 2, &rc);
    return i < 0 ? rc : xl_with_domain(argv[i], do_vsnd_detach, argv[i + 1]);
}

/* a comma-separated list as Xen's xl prints it, with ';' */
static void semis(const char *s)
{
    for (; *s; s++)
        putchar(*s == ',' ? ';' : *s);
}

/* ", key: value" for each parameter a level gives, in Xen's xl's order
 * (its label for the formats is "sample-rates" too, kept) */
static void vsnd_params_out(const struct xkl_vsnd_params_info *p)
{
    if (p->channels_min >= 0)
        printf(", channels-min: %d", p->channels_min);
    if (p->channels_max >= 0)
        printf(", channels-max: %d", p->channels_max);
    if (p->buffer_size >= 0)
        printf(", buffer-size: %d", p->buffer_size);
    if (p->sample_rates[0]) {
        printf(", sample-rates: ");
        semis(p->sample_rates);
    }
    if (p->sample_formats[0]) {
        printf(", sample-rates: ");
        semis(p->sample_formats);
    }
}

static void vsnd_params_json(struct xl_json *j, const struct xkl_vsnd_params_info *p)
{
    xlj_obj(j, "params");
    xlj_opt_int(j, "channels_min", p->channels_min);
    xlj_opt_int(j, "channels_max", p->channels_max);
    xlj_opt_int(j, "buffer_size", p->buffer_size);
    xlj_str(j, "sample_rates", p->sample_rates[0] ? p->sample_rates : NULL);
    xlj_str(j, "sample_formats", p->sample_formats[0] ? p->sample_formats : NULL);
    xlj_obj_end(j);
}

/* xl vsnd-list DOMAIN...: Xen's xl's lines, a card, its PCMs and streams
 * ("handle" is the guest's domain; Xen's label for the formats is
 * "sample-rates" too, kept) */
static int vsnd_list_one(xkl_ctx *ctx, uint32_t domid, struct xl_json *j, const void *arg)
{
    (void)arg;
    struct xkl_vsnd_info *v;
    size_t n;
    if (xkl_vsnd_list(ctx, domid, &v, &n) < 0)
        return -1;
    for (size_t k = 0; k < n; k++) {
        const struct xkl_vsnd_info *c = &v[k];
        const struct xkl_devinfo *d = &c->dev;
        if (j) {
            xlj_obj(j, NULL);
            xlj_uint(j, "domid", domid);
            xlj_uint(j, "devid", d->devid);
            xlj_uint(j, "backend_domid", d->backend_domid);
            xlj_opt_int(j, "frontend_state", d->frontend_state);
            xlj_opt_int(j, "backend_state", d->backend_state);
            xlj_str(j, "frontend_path", d->frontend_path);
            xlj_str(j, "backend_path", d->backend_path);
            xlj_str(j, "short_name", c->has_short_name ? c->short_name : NULL);
            xlj_str(j, "long_name", c->has_long_name ? c->long_name : NULL);
            vsnd_params_json(j, &c->params);
            xlj_arr(j, "pcms");
            for (size_t p = 0; p < c->npcms; p++) {
                xlj_obj(j, NULL);
                xlj_str(j, "name", c->pcms[p].name);
                vsnd_params_json(j, &c->pcms[p].params);
                xlj_arr(j, "streams");
                for (size_t t = 0; t < c->pcms[p].nstreams; t++) {
                    const struct xkl_vsnd_stream_info *st = &c->pcms[p].streams[t];
                    xlj_obj(j, NULL);
                    xlj_str(j, "unique_id", st->unique_id);
                    xlj_str(j, "type", st->type);
                    xlj_opt_int(j, "event_channel", st->evtchn);
                    xlj_opt_int(j, "ring_ref", st->ring_ref);
                    vsnd_params_json(j, &st->params);
                    xlj_obj_end(j);
                }
                xlj_arr_end(j);
                xlj_obj_end(j);
            }
            xlj_arr_end(j);
            xlj_obj_end(j);
            continue;
        }
        printf("\ndevid: %u, be-domid: %u, handle: %u, state: %d, be-path: %s, fe-path: %s\n",
               d->devid, d->backend_domid, domid, d->frontend_state, d->backend_path,
               d->frontend_path);
        printf("short-name: \"%s\", long-name: \"%s\"", c->has_short_name ? c->short_name : "(null)",
               c->has_long_name ? c->long_name : "(null)");
        vsnd_params_out(&c->params);
        printf("\n");
        for (size_t p = 0; p < c->npcms; p++) {
            printf("\tpcm: %zu, name: \"%s\"", p, c->pcms[p].name);
            vsnd_params_out(&c->pcms[p].params);
            printf("\n");
            for (size_t t = 0; t < c->pcms[p].nstreams; t++) {
                const struct xkl_vsnd_stream_info *st = &c->pcms[p].streams[t];
                printf("\t\tstream: %zu, unique-id: \"%s\", type: %s", t, st->unique_id, st->type);
                vsnd_params_out(&st->params);
                printf("\n\t\t\tevent-channel: %d, ring-ref: %d\n", st->evtchn, st->ring_ref);
            }
        }
    }
    xkl_vsnd_list_free(v, n);
    return 0;
}

int cmd_vsnd_list(int argc, char **argv)
{
    return list_domains(argc, argv, "vsnd-list", NULL, vsnd_list_one, NULL);
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
    /* Idx BE state evt-ch ring-ref connection, then a pty's path; as Xen's
     * xl, Idx counts the channels from 0 (console 1 is channel 0) */
    printf("%-3u %-2u %-5d %-6d %-8d %-10s ", d->devid ? d->devid - 1 : 0, d->backend_domid,
           d->frontend_state, d->evtchn, d->ring_ref, d->connection[0] ? d->connection : "(null)");
    if (!strcmp(d->connection, "pty"))
        printf("%-30s ", d->target);
    printf("\n");
}

/* One device of a listing as a JSON object: what every family has, then
 * its family's own (the same names as the columns, spelt out). */
static void dev_json(struct xl_json *j, uint32_t domid, const char *family, const struct xkl_devinfo *d)
{
    xlj_obj(j, NULL);
    xlj_uint(j, "domid", domid);
    xlj_uint(j, "devid", d->devid);
    xlj_uint(j, "backend_domid", d->backend_domid);
    xlj_str(j, "backend_kind", d->kind);
    xlj_opt_int(j, "frontend_state", d->frontend_state);
    xlj_opt_int(j, "backend_state", d->backend_state);
    xlj_opt_int(j, "event_channel", d->evtchn);
    xlj_str(j, "frontend_path", d->frontend_path);
    xlj_str(j, "backend_path", d->backend_path);
    if (!strcmp(family, "vbd")) {
        xlj_str(j, "vdev", d->vdev);
        xlj_opt_int(j, "ring_ref", d->ring_ref);
        xlj_str(j, "target", d->target);
        xlj_bool(j, "readonly", d->readonly);
        xlj_bool(j, "cdrom", d->cdrom);
    } else if (!strcmp(family, "vif")) {
        xlj_str(j, "mac", d->mac[0] ? d->mac : NULL);
        xlj_str(j, "bridge", d->target[0] ? d->target : NULL);
        xlj_opt_int(j, "tx_ring_ref", d->ring_ref);
        xlj_opt_int(j, "rx_ring_ref", d->rx_ring_ref);
    } else if (!strcmp(family, "vkbd")) {
        xlj_str(j, "unique_id", d->has_id ? d->id : NULL);
        xlj_str(j, "backend_type", !strcmp(d->kind, "vinput") ? "linux" : "qemu");
        xlj_opt_int(j, "page_ref", d->ring_ref);
    } else if (!strcmp(family, "vtpm")) {
        xlj_str(j, "uuid", d->has_id ? d->id : NULL);
        xlj_opt_int(j, "ring_ref", d->ring_ref);
    } else if (!strcmp(family, "console")) {
        xlj_str(j, "name", d->has_id ? d->id : NULL);
        xlj_str(j, "connection", d->connection[0] ? d->connection : NULL);
        xlj_str(j, "tty", !strcmp(d->connection, "pty") && d->target[0] ? d->target : NULL);
        xlj_opt_int(j, "ring_ref", d->ring_ref);
    }
    xlj_obj_end(j);
}

/* A device family's listing: its xkl_device_list family and its line. */
struct family_list {
    const char *family;
    list_row *row;
};

/* the column heading of a family's lines, Xen's xl's */
static void family_header(const void *arg)
{
    const struct family_list *f = arg;
    if (f->row == block_row)
        printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle", "state", "evt-ch",
               "ring-ref", "BE-path");
    else if (f->row == vkb_row)
        printf("%-3s %-2s %-6s %-5s %-6s %6s %-10s %-10s %-30s\n", "Idx", "BE", "handle", "state",
               "evt-ch", "ref", "ID", "BE-type", "BE-path");
    else if (f->row == vtpm_row)
        printf("%-3s %-2s %-36s %-6s %-5s %-6s %-8s %-10s\n", "Idx", "BE", "Uuid", "handle", "state",
               "evt-ch", "ring-ref", "BE-path");
    else if (f->row == channel_row)
        printf("%-3s %-2s %-5s %-6s %-8s %-10s %-30s\n", "Idx", "BE", "state", "evt-ch", "ring-ref",
               "connection", "");
    else
        printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE", "Mac Addr.",
               "handle", "state", "evt-ch", "tx-", "rx-ring-ref", "BE-path");
}

static int family_one(xkl_ctx *ctx, uint32_t domid, struct xl_json *j, const void *arg)
{
    const struct family_list *f = arg;
    struct xkl_devinfo *v;
    size_t n;
    if (xkl_device_list(ctx, domid, f->family, &v, &n) < 0)
        return -1;
    for (size_t k = 0; k < n; k++) {
        if (j)
            dev_json(j, domid, f->family, &v[k]);
        else
            f->row(domid, &v[k]);
    }
    free(v);
    return 0;
}

/* The header, then every domain's devices of family */
static int list_cmd(int argc, char **argv, const char *name, const char *family,
                    list_row *row)
{
    const struct family_list f = { family, row };
    return list_domains(argc, argv, name, family_header, family_one, &f);
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
static void pci_json(struct xl_json *j, const struct xkl_pci_dev *p)
{
    char bdf[16];
    snprintf(bdf, sizeof bdf, "%04x:%02x:%02x.%01x", p->domain, p->bus, p->dev, p->func);
    xlj_obj(j, NULL);
    xlj_str(j, "bdf", bdf);
    if (p->vdevfn < 0) {
        xlj_null(j, "vslot");
        xlj_null(j, "vfunc");
    } else {
        xlj_uint(j, "vslot", (unsigned)p->vdevfn >> 3);
        xlj_uint(j, "vfunc", (unsigned)p->vdevfn & 7);
    }
    xlj_str(j, "name", p->name[0] ? p->name : NULL);
    xlj_obj_end(j);
}

static int pci_list_one(xkl_ctx *ctx, uint32_t domid, void *arg)
{
    bool json = *(const bool *)arg;
    struct xkl_pci_dev *v = NULL;
    size_t n = 0;
    if (xkl_pci_list(ctx, domid, &v, &n) < 0)
        return -1;
    if (json) {
        struct xl_json j;
        xlj_begin(&j);
        for (size_t k = 0; k < n; k++)
            pci_json(&j, &v[k]);
        xlj_end(&j);
        free(v);
        return 0;
    }
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
    bool json;
    int rc, i = args_json(argc, argv, 1, 1, &rc, &json);
    return i < 0 ? rc : xl_with_domain(argv[i], pci_list_one, &json);
}

/* xl pci-assignable-list [-n]: the devices bound to xen-pciback. Xen's xl
 * only logs a missing driver and exits 0, so do we. */
int cmd_pci_assignable_list(int argc, char **argv)
{
    static const struct option lo[] = {
        { "show-names", no_argument, NULL, 'n' }, { "json", no_argument, NULL, 'J' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    int opt, names = 0;
    bool json = false;
    XL_FOREACH_OPT(opt, "n", lo, 0) {
        case 'n': names = 1; break;
        case 'J': json = true; break;
    }
    xl_extra_args(argc, argv, 0);
    xkl_ctx *ctx = xl_ctx_open();
    if (!ctx)
        return XL_FAIL;
    struct xkl_pci_dev *v = NULL;
    size_t n = 0;
    if (xkl_pci_assignable_list(ctx, &v, &n) < 0)
        xl_ctx_fail(ctx);
    struct xl_json j;
    if (json)
        xlj_begin(&j);
    for (size_t k = 0; json && k < n; k++)
        pci_json(&j, &v[k]);
    if (json) {
        xlj_end(&j);
        n = 0;
    }
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
static void usb_port(xkl_xs *xs, const struct xkl_devinfo *d, int port, struct xl_json *j)
{
    if (j) {
        xlj_obj(j, NULL);
        xlj_int(j, "port", port);
    } else {
        printf("  Port %d:", port);
    }
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
        if (j) {
            xlj_str(j, "busid", busid);
            if (ok) {
                xlj_uint(j, "hostbus", v[0]);
                xlj_uint(j, "hostaddr", v[1]);
            }
        } else if (ok) {
            printf(" Bus %03lx Device %03lx", v[0], v[1]);
        } else {
            printf(" %s", busid);   /* the host device is gone: its busid */
        }
    } else if (j) {
        xlj_null(j, "busid");
    }
    free(busid);
    if (j)
        xlj_obj_end(j);
    else
        printf("\n");
}

/* xl usb-list DOMAIN: each USB controller and its ports */
static int usb_list_one(xkl_ctx *ctx, uint32_t domid, void *arg)
{
    bool json = *(const bool *)arg;
    struct xkl_devinfo *v = NULL;
    size_t n = 0;
    if (xkl_device_list(ctx, domid, "vusb", &v, &n) < 0)
        return -1;
    xkl_xs *xs = n ? xkl_xs_open(0) : NULL;
    struct xl_json j;
    if (json)
        xlj_begin(&j);
    else if (n)
        printf("%-6s %-12s %-3s %-5s %-7s %-5s\n", "Devid", "Type", "BE", "state", "usb-ver", "ports");
    for (size_t k = 0; k < n; k++) {
        if (json) {
            xlj_obj(&j, NULL);
            xlj_uint(&j, "devid", v[k].devid);
            xlj_str(&j, "type", v[k].has_id ? v[k].id : v[k].kind);
            xlj_uint(&j, "backend_domid", v[k].backend_domid);
            xlj_opt_int(&j, "frontend_state", v[k].frontend_state);
            xlj_opt_int(&j, "usb_version", v[k].usb_version);
            xlj_opt_int(&j, "ports", v[k].ports);
            xlj_arr(&j, "port_devices");
        } else {
            printf("%-6u %-12s %-3u %-5d %-7d %-5d\n", v[k].devid, v[k].has_id ? v[k].id : v[k].kind,
                   v[k].backend_domid, v[k].frontend_state, v[k].usb_version, v[k].ports);
        }
        for (int p = 1; p <= v[k].ports && p <= 31; p++)
            usb_port(xs, &v[k], p, json ? &j : NULL);
        if (json) {
            xlj_arr_end(&j);
            xlj_obj_end(&j);
        }
    }
    if (json)
        xlj_end(&j);
    if (xs)
        xkl_xs_close(xs);
    free(v);
    return 0;
}

int cmd_usb_list(int argc, char **argv)
{
    bool json;
    int rc, i = args_json(argc, argv, 1, 1, &rc, &json);
    return i < 0 ? rc : xl_with_domain(argv[i], usb_list_one, &json);
}
