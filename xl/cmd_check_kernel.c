/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl check-kernel: can this kernel be dom0, or a PV, PVH or HVM guest?
 * (xkit's own command; the rules are liblight's, xkl_kcheck.) */
#include "xl.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <xkit/light.h>

#include "json_out.h"

XL_CMD(check_kernel);

/* Is this kernel dom0 now? /proc/xen/capabilities says control_d there. */
static bool running_in_dom0(void)
{
    FILE *f = fopen("/proc/xen/capabilities", "r");
    if (!f)
        return false;
    char line[128] = "";
    bool r = fgets(line, sizeof line, f) && strstr(line, "control_d");
    fclose(f);
    return r;
}

static int parse_role(const char *s, enum xkl_kcheck_role *r)
{
    if (!strcasecmp(s, "dom0"))
        *r = XKL_KROLE_DOM0;
    else if (!strcasecmp(s, "domU") || !strcasecmp(s, "guest"))
        *r = XKL_KROLE_DOMU;
    else
        return -1;
    return 0;
}

static int parse_type(const char *s, enum xkl_kcheck_type *t)
{
    if (!strcmp(s, "pv"))
        *t = XKL_KTYPE_PV;
    else if (!strcmp(s, "pvh"))
        *t = XKL_KTYPE_PVH;
    else if (!strcmp(s, "hvm"))
        *t = XKL_KTYPE_HVM;
    else
        return -1;
    return 0;
}

static void print_text(enum xkl_kcheck_role role, enum xkl_kcheck_type type, int missing,
                       const struct xkl_kcheck_item *it, size_t n, bool verbose)
{
    unsigned rec = 0;
    for (size_t i = 0; i < n; i++)
        rec += it[i].level == XKL_KRECOMMENDED && !it[i].ok;
    printf("%s %s: %s", xkl_kcheck_role_name(role), xkl_kcheck_type_name(type),
           missing ? "no" : "yes");
    if (missing)
        printf(", %d required option%s missing", missing, missing == 1 ? "" : "s");
    if (rec)
        printf("%s%u recommended option%s not set", missing ? "; " : ", ", rec, rec == 1 ? "" : "s");
    printf("\n");
    for (size_t i = 0; i < n; i++) {
        if (it[i].ok && !verbose)
            continue;
        char opt[96];
        if (it[i].ok)
            snprintf(opt, sizeof opt, "%s=%s", it[i].option, it[i].value);
        else
            snprintf(opt, sizeof opt, "%s", it[i].option);
        const char *st = it[i].ok ? "ok" : it[i].level == XKL_KREQUIRED ? "missing" : "advised";
        printf("  %-8s %-32s %s\n", st, opt, it[i].why);
    }
}

static void print_json(struct xl_json *j, const char *path, const xkl_kconfig *kc,
                       enum xkl_kcheck_role role, enum xkl_kcheck_type type, int missing,
                       const struct xkl_kcheck_item *it, size_t n)
{
    xlj_obj(j, NULL);
    xlj_str(j, "source", path);
    xlj_str(j, "form", xkl_kconfig_form_name(xkl_kconfig_form(kc)));
    xlj_str(j, "version", *xkl_kconfig_version(kc) ? xkl_kconfig_version(kc) : NULL);
    xlj_str(j, "role", xkl_kcheck_role_name(role));
    xlj_str(j, "type", xkl_kcheck_type_name(type));
    xlj_bool(j, "ok", missing == 0);
    xlj_int(j, "missing_required", missing);
    xlj_arr(j, "options");
    for (size_t i = 0; i < n; i++) {
        xlj_obj(j, NULL);
        xlj_str(j, "option", it[i].option);
        xlj_str(j, "level", it[i].level == XKL_KREQUIRED ? "required" : "recommended");
        xlj_str(j, "value", it[i].value);
        xlj_bool(j, "ok", it[i].ok);
        xlj_str(j, "why", it[i].why);
        xlj_obj_end(j);
    }
    xlj_arr_end(j);
    xlj_obj_end(j);
}

int cmd_check_kernel(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "role", required_argument, NULL, 'r' },
        { "type", required_argument, NULL, 't' },
        { "json", no_argument, NULL, 'J' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    bool json = false, verbose = xl_opts.verbose > 0, have_role = false, have_type = false;
    enum xkl_kcheck_role role = XKL_KROLE_DOMU;
    enum xkl_kcheck_type type = XKL_KTYPE_PV;
    XL_FOREACH_OPT(opt, "r:t:Jv", longopts, 0) {
    case 'r':
        if (parse_role(optarg, &role) < 0) {
            xl_err("check-kernel: role '%s': dom0 or domU", optarg);
            return xl_usage("check-kernel");
        }
        have_role = true;
        break;
    case 't':
        if (parse_type(optarg, &type) < 0) {
            xl_err("check-kernel: type '%s': pv, pvh or hvm", optarg);
            return xl_usage("check-kernel");
        }
        have_type = true;
        break;
    case 'J':
        json = true;
        break;
    case 'v':
        verbose = true;
        break;
    }
    xl_extra_args(argc, argv, 1);
    char buf[512];
    const char *path = optind < argc ? argv[optind] : xkl_kconfig_running_path(buf, sizeof buf);
    if (!path) {
        xl_err("check-kernel: the running kernel's configuration is in none of /proc/config.gz, "
               "%s, /lib/modules/RELEASE/config: name a .config or kernel image", buf);
        return XL_FAIL;
    }
    if (!have_role && optind >= argc && running_in_dom0())
        role = XKL_KROLE_DOM0;
    if (role == XKL_KROLE_DOM0 && have_type && type == XKL_KTYPE_HVM) {
        xl_err("check-kernel: dom0 is PV or PVH: Xen builds no HVM dom0");
        return XL_USAGE;
    }
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_kconfig *kc = xkl_kconfig_load(path, &d);
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "%s\n", d.v[i].text);
    xkl_diags_dispose(&d);
    if (!kc)
        return XL_FAIL;

    /* the use asked, or each type of the role */
    enum xkl_kcheck_type types[3];
    size_t nt = 0;
    if (have_type)
        types[nt++] = type;
    else {
        types[nt++] = XKL_KTYPE_PV;
        types[nt++] = XKL_KTYPE_PVH;
        if (role == XKL_KROLE_DOMU)
            types[nt++] = XKL_KTYPE_HVM;
    }
    struct xl_json j;
    if (json)
        xlj_begin(&j);
    else if (*xkl_kconfig_version(kc))
        printf("%s: Linux %s (%s), kernel configuration (%s)\n", path, xkl_kconfig_version(kc),
               xkl_kconfig_arch(kc), xkl_kconfig_form_name(xkl_kconfig_form(kc)));
    else
        printf("%s: kernel configuration (%s)\n", path, xkl_kconfig_form_name(xkl_kconfig_form(kc)));
    int rc = XL_OK;
    size_t usable = 0;
    for (size_t t = 0; t < nt; t++) {
        struct xkl_kcheck_item *it;
        size_t n;
        int missing = xkl_kcheck(kc, role, types[t], &it, &n);
        if (missing < 0) {
            xl_err("check-kernel: out of memory");
            rc = XL_FAIL;
            break;
        }
        usable += missing == 0;
        if (json)
            print_json(&j, path, kc, role, types[t], missing, it, n);
        else
            print_text(role, types[t], missing, it, n, verbose);
        free(it);
    }
    if (json)
        xlj_end(&j);
    xkl_kconfig_free(kc);
    /* asked for one type: that one; else the role in any of its types */
    if (rc == XL_OK && (have_type ? usable != 1 : usable == 0))
        rc = XL_FAIL;
    return rc;
}
