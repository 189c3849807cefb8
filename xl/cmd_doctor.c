/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl doctor: the running host against what a Xen host run with xkit needs
 * (xkit-services(7)): each check one line, ok / warn / FAIL, and what to
 * do about the ones that are not ok. xkit's own command. */
#include "xl.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <xkit/ctrl.h>
#include <xkit/light.h>

#include "json_out.h"

XL_CMD(doctor);

enum level { OK, WARN, FAIL };

struct report {
    bool json;
    struct xl_json j;
    unsigned n[3];
};

static void check(struct report *r, enum level lv, const char *what, const char *fix,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void check(struct report *r, enum level lv, const char *what, const char *fix,
                  const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    r->n[lv]++;
    static const char *const words[] = { "ok", "warn", "FAIL" };
    if (r->json) {
        xlj_obj(&r->j, NULL);
        xlj_str(&r->j, "check", what);
        xlj_str(&r->j, "status", lv == OK ? "ok" : lv == WARN ? "warn" : "fail");
        xlj_str(&r->j, "detail", detail);
        xlj_str(&r->j, "fix", lv == OK ? NULL : fix);
        xlj_obj_end(&r->j);
        return;
    }
    printf("%-5s %-18s %s\n", words[lv], what, detail);
    if (lv != OK && fix)
        printf("      %-18s -> %s\n", "", fix);
}

static bool file_has(const char *path, const char *word)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char line[256];
    bool r = false;
    while (!r && fgets(line, sizeof line, f))
        r = strstr(line, word) != NULL;
    fclose(f);
    return r;
}

/* The pid of a process whose /proc/PID/comm is name, or 0. */
static long find_process(const char *name)
{
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    struct dirent *e;
    long found = 0;
    while (!found && (e = readdir(d))) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        char p[64], comm[64] = "";
        snprintf(p, sizeof p, "/proc/%ld/comm", pid);
        FILE *f = fopen(p, "r");
        if (!f)
            continue;
        if (fgets(comm, sizeof comm, f))
            comm[strcspn(comm, "\n")] = 0;
        fclose(f);
        if (!strcmp(comm, name))
            found = pid;
    }
    closedir(d);
    return found;
}

static bool module_loaded(const char *mod)
{
    char p[128];
    snprintf(p, sizeof p, "/sys/module/%s", mod);
    return access(p, F_OK) == 0;
}

static unsigned bridges(char *first, size_t len)
{
    DIR *d = opendir("/sys/class/net");
    if (!d)
        return 0;
    struct dirent *e;
    unsigned n = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[300];
        snprintf(p, sizeof p, "/sys/class/net/%s/bridge", e->d_name);
        if (access(p, F_OK) == 0 && n++ == 0) {
            size_t l = strnlen(e->d_name, len - 1);
            memcpy(first, e->d_name, l);
            first[l] = 0;
        }
    }
    closedir(d);
    return n;
}

static void check_kernel(struct report *r)
{
    char buf[300];
    const char *found = xkl_kconfig_running_path(buf, sizeof buf);
    const char *path = found ? found : buf;
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_kconfig *kc = found ? xkl_kconfig_load(found, &d) : NULL;
    xkl_diags_dispose(&d);
    if (!kc) {
        check(r, WARN, "kernel config", "xl check-kernel FILE with the kernel's .config",
              "the running kernel's configuration is not at hand (%s)", path);
        return;
    }
    struct xkl_kcheck_item *it;
    size_t n;
    int missing = xkl_kcheck(kc, XKL_KROLE_DOM0, XKL_KTYPE_PV, &it, &n);
    unsigned rec = 0;
    char names[256] = "";
    for (size_t i = 0; missing >= 0 && i < n; i++)
        if (!it[i].ok && (missing > 0 ? it[i].level == XKL_KREQUIRED : true)) {
            rec++;
            if (strlen(names) + strlen(it[i].option) + 2 < sizeof names)
                strcat(strcat(names, *names ? " " : ""), it[i].option);
        }
    if (missing > 0)
        check(r, FAIL, "kernel config", "xl check-kernel -r dom0 for each option's why",
              "%s lacks what dom0 needs: %s", path, names);
    else if (rec)
        check(r, WARN, "kernel config", "xl check-kernel -r dom0 for each option's why",
              "%s: dom0 can run; recommended but not set: %s", path, names);
    else if (missing == 0)
        check(r, OK, "kernel config", NULL, "%s has every option dom0 needs", path);
    free(it);
    xkl_kconfig_free(kc);
}

int cmd_doctor(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "json", no_argument, NULL, 'J' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct report r = { 0 };
    int opt;
    XL_FOREACH_OPT(opt, "J", longopts, 0) {
    case 'J':
        r.json = true;
        break;
    }
    xl_extra_args(argc, argv, 0);
    if (r.json)
        xlj_begin(&r.j);

    /* xenfs and dom0 */
    bool xenfs = access("/proc/xen/capabilities", R_OK) == 0;
    bool dom0 = xenfs && file_has("/proc/xen/capabilities", "control_d");
    if (!xenfs)
        check(&r, FAIL, "/proc/xen", "mount -t xenfs xenfs /proc/xen (proc-xen.mount; "
              "the xkit-xenstored init.d script mounts it)",
              "xenfs is not mounted (or this kernel is not running on Xen)");
    else if (!dom0)
        check(&r, FAIL, "/proc/xen", "boot this kernel as Xen's dom0 (the Xen entry of the "
              "boot loader)", "mounted, but this is not dom0 (no control_d)");
    else
        check(&r, OK, "/proc/xen", NULL, "xenfs mounted; this is dom0");

    /* the devices the toolstack and the daemons open */
    static const struct { const char *dev, *mod, *modname; } devs[] = {
        { "/dev/xen/privcmd", "xen_privcmd", "xen-privcmd" },
        { "/dev/xen/evtchn", "xen_evtchn", "xen-evtchn" },
        { "/dev/xen/gntdev", "xen_gntdev", "xen-gntdev" },
        { "/dev/xen/gntalloc", "xen_gntalloc", "xen-gntalloc" },
    };
    for (size_t i = 0; i < sizeof devs / sizeof *devs; i++) {
        char fix[96];
        snprintf(fix, sizeof fix, "modprobe %s", devs[i].modname);
        if (access(devs[i].dev, F_OK) == 0)
            check(&r, OK, devs[i].dev + 5, NULL, "present");
        else
            check(&r, i < 3 ? FAIL : WARN, devs[i].dev + 5, fix, "missing");
    }

    /* the hypervisor */
    char err[256];
    xkc_handle *h = xkc_open(err, sizeof err);
    if (!h) {
        check(&r, FAIL, "hypervisor", NULL, "%s", err);
    } else {
        struct xkc_xen_version v;
        if (xkc_xen_version(h, &v) < 0)
            check(&r, FAIL, "hypervisor", NULL, "%s", xkc_error(h));
        else if (v.major != 4 || v.minor != 17)
            check(&r, WARN, "hypervisor", "xkit is built against Xen 4.17's interface (libxen-dev)",
                  "Xen %u.%u%s", v.major, v.minor, v.extra);
        else
            check(&r, OK, "hypervisor", NULL, "Xen %u.%u%s (%s)", v.major, v.minor, v.extra,
                  strstr(v.capabilities, "hvm") ? "HVM guests possible" : "no HVM: PV guests only");
        xkc_close(h);
    }

    /* the store daemon and dom0's entries in it */
    long xs_pid = find_process("oxenstored");
    const char *xs_name = "oxenstored";
    if (!xs_pid) {
        xs_pid = find_process("xenstored");
        xs_name = "xenstored";
    }
    xkl_xs *xs = xkl_xs_open(0);
    if (xs)
        xkl_xs_set_timeout(xs, 3000);
    char *name = xs ? xkl_xs_read(xs, XKL_XS_TX_NONE, "/local/domain/0/name", NULL) : NULL;
    char *domid = xs ? xkl_xs_read(xs, XKL_XS_TX_NONE, "/local/domain/0/domid", NULL) : NULL;
    if (!xs || (!name && errno != ENOENT))
        check(&r, FAIL, "xenstored", "start the store: service xkit-xenstored start "
              "(systemctl start xkit-xenstored)", "%s", xs_pid ? "runs but does not answer"
              : "not running");
    else
        check(&r, OK, "xenstored", NULL, "%s answers (pid %ld)", xs_name, xs_pid);
    if (xs && (!name || !domid))
        check(&r, FAIL, "dom0 entries", "run libexec/xkit/init-dom0 (the xkit-xenstored "
              "service does at start)", "/local/domain/0/%s missing", !name ? "name" : "domid");
    else if (xs)
        check(&r, OK, "dom0 entries", NULL, "dom0 is %s", name);
    free(name);
    free(domid);
    if (xs)
        xkl_xs_close(xs);

    long cons = find_process("xenconsoled");
    if (cons)
        check(&r, OK, "xenconsoled", NULL, "running (pid %ld)", cons);
    else
        check(&r, FAIL, "xenconsoled", "service xkit-xenconsoled start (systemctl start "
              "xkit-xenconsoled)", "not running: guests' consoles go nowhere");

    /* what guests' devices need */
    static const struct { const char *mod, *what; } backs[] = {
        { "xen_blkback", "blkback: phy: and raw-file disks" },
        { "xen_netback", "netback: vifs" },
        { "loop", "loop devices: raw image files" },
        { "bridge", "bridges: vif bridge=" },
    };
    for (size_t i = 0; i < sizeof backs / sizeof *backs; i++) {
        char fix[96], m[32];
        snprintf(m, sizeof m, "%s", backs[i].mod);
        for (char *p = m; *p; p++)
            if (*p == '_')
                *p = '-';
        snprintf(fix, sizeof fix, "modprobe %s", m);
        check(&r, module_loaded(backs[i].mod) ? OK : WARN, backs[i].mod, fix, "%s: %s",
              backs[i].what, module_loaded(backs[i].mod) ? "loaded" : "not loaded");
    }
    char br[64] = "";
    unsigned nb = bridges(br, sizeof br);
    if (nb)
        check(&r, OK, "bridges", NULL, "%u (%s%s)", nb, br, nb > 1 ? ", ..." : "");
    else
        check(&r, WARN, "bridges", "create one: ip link add xenbr0 type bridge (see "
              "xl-network-configuration)", "none: a vif without bridge= has nowhere to go");
    if (access(XK_QEMU_XEN, X_OK) == 0)
        check(&r, OK, "qemu", NULL, "%s", XK_QEMU_XEN);
    else
        check(&r, WARN, "qemu", "apt-get install qemu-system-xen", "%s missing: no qcow2 disks, "
              "no HVM guests", XK_QEMU_XEN);
    if (access(XK_HVMLOADER, R_OK) == 0)
        check(&r, OK, "hvmloader", NULL, "%s", XK_HVMLOADER);
    else
        check(&r, WARN, "hvmloader", "apt-get install xen-utils-4.17", "%s missing: no HVM guests",
              XK_HVMLOADER);

    /* the state directory */
    struct stat st;
    if (stat(XK_STATEDIR, &st) == 0 && S_ISDIR(st.st_mode) && access(XK_STATEDIR, W_OK) == 0)
        check(&r, OK, "state directory", NULL, "%s", XK_STATEDIR);
    else
        check(&r, FAIL, "state directory", "mkdir -p " XK_STATEDIR " (as root)",
              "%s missing or not writable", XK_STATEDIR);

    /* optional services */
    long wd = find_process("xkit-watchdogd");
    if (wd)
        check(&r, OK, "watchdog", NULL, "xkit-watchdogd running (pid %ld)", wd);
    else
        check(&r, WARN, "watchdog", "service xkit-watchdog start (optional)",
              "no xkit-watchdogd: a hung dom0 hangs the host");

    check_kernel(&r);

    if (r.json) {
        xlj_end(&r.j);
    } else {
        printf("%u ok, %u warning%s, %u failure%s", r.n[OK], r.n[WARN], r.n[WARN] == 1 ? "" : "s",
               r.n[FAIL], r.n[FAIL] == 1 ? "" : "s");
        printf("%s\n", r.n[FAIL] ? ": this host cannot run guests until each FAIL is fixed" : "");
    }
    return r.n[FAIL] ? XL_FAIL : XL_OK;
}
