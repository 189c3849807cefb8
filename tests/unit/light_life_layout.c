/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the life-cycle logic that needs no hypervisor: the xenstore
 * layout of a domain (what libxl writes, node by node), the persisted
 * config files, the state letters, the create step table, and the error
 * path of every public call on a host without Xen. */
#include "private.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct xkl__node *find(const struct xkl__layout *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].path, path))
            return &l->v[i];
    return NULL;
}

static bool removes(const struct xkl__layout *l, const char *path)
{
    for (size_t i = 0; i < l->nrm; i++)
        if (!strcmp(l->rm[i], path))
            return true;
    return false;
}

static void in_init(struct xkl__layout_in *in, bool pvh)
{
    memset(in, 0, sizeof(*in));
    in->domid = 7;
    in->name = "g1";
    in->uuid = "e3ec3358-76ad-4bc4-8e9a-52d484483198";
    in->pvh = pvh;
    in->max_vcpus = 3;
    in->avail_vcpus = 2;
    in->max_kb = 65536;
    in->target_kb = 32768;
    in->video_kb = 0;
    in->kernel = "/k";
    in->cmdline = "xk.mode=sleep";
    in->store_gfn = 1044476;
    in->console_gfn = 1044479;
    in->store_port = 1;
    in->console_port = 2;
    in->start_time = 1795577636.79;
}

/* perms as xenstore-ls prints them */
static const char *perms(const struct xkl__node *nd, char *buf)
{
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

START_TEST(make_dirs_and_permissions)
{
    struct xkl__layout l;
    struct xkl__layout_in in;
    char pb[64];
    in_init(&in, false);
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__layout_make(&l, &in), 0);
    ck_assert(removes(&l, "/local/domain/7"));
    ck_assert(removes(&l, "/vm/e3ec3358-76ad-4bc4-8e9a-52d484483198"));
    ck_assert(removes(&l, "/libxl/7"));
    /* dom0 owns the domain's directory, the guest reads it */
    ck_assert_str_eq(perms(find(&l, "/local/domain/7"), pb), "n0,r7");
    ck_assert_str_eq(perms(find(&l, "/vm/e3ec3358-76ad-4bc4-8e9a-52d484483198"), pb), "n0,r7");
    ck_assert_str_eq(perms(find(&l, "/libxl/7"), pb), "n0");
    /* the guest owns what it writes */
    const char *rw[] = { "control/shutdown", "control/feature-poweroff", "control/feature-reboot",
                         "control/feature-suspend", "control/sysrq", "data", "drivers", "feature",
                         "attr", "error" };
    for (size_t i = 0; i < sizeof rw / sizeof *rw; i++) {
        char p[128];
        snprintf(p, sizeof p, "/local/domain/7/%s", rw[i]);
        const struct xkl__node *nd = find(&l, p);
        ck_assert_msg(nd != NULL, "%s missing", p);
        ck_assert_str_eq(perms(nd, pb), "n7");
        ck_assert_ptr_null(nd->value);
    }
    ck_assert_str_eq(find(&l, "/local/domain/7/name")->value, "g1");
    ck_assert_str_eq(find(&l, "/local/domain/7/vm")->value, "/vm/e3ec3358-76ad-4bc4-8e9a-52d484483198");
    ck_assert_str_eq(find(&l, "/local/domain/7/control/platform-feature-xs_reset_watches")->value, "1");
    ck_assert_str_eq(find(&l, "/vm/e3ec3358-76ad-4bc4-8e9a-52d484483198/uuid")->value,
                     "e3ec3358-76ad-4bc4-8e9a-52d484483198");
    /* a node that inherits names no perms of its own */
    ck_assert_uint_eq(find(&l, "/local/domain/7/name")->nperms, 0);
    /* parents come before children, so perms are set on the right node */
    for (size_t i = 0; i < l.n; i++)
        for (size_t j = i + 1; j < l.n; j++) {
            size_t n = strlen(l.v[j].path);
            ck_assert_msg(!(strncmp(l.v[i].path, l.v[j].path, n) == 0 && l.v[i].path[n] == '/'),
                          "%s before its parent %s", l.v[i].path, l.v[j].path);
        }
    xkl__layout_dispose(&l);
    ck_assert_uint_eq(l.n, 0);
}
END_TEST

START_TEST(built_pv)
{
    struct xkl__layout l;
    struct xkl__layout_in in;
    char pb[64];
    in_init(&in, false);
    in.video_kb = 1024;
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__layout_built(&l, &in), 0);
    ck_assert_str_eq(find(&l, "/local/domain/7/cpu/0/availability")->value, "online");
    ck_assert_str_eq(find(&l, "/local/domain/7/cpu/1/availability")->value, "online");
    ck_assert_str_eq(find(&l, "/local/domain/7/cpu/2/availability")->value, "offline");
    ck_assert_ptr_null(find(&l, "/local/domain/7/cpu/3/availability"));
    ck_assert_str_eq(find(&l, "/local/domain/7/memory/static-max")->value, "65536");
    ck_assert_str_eq(find(&l, "/local/domain/7/memory/target")->value, "31744");   /* minus video */
    ck_assert_str_eq(find(&l, "/local/domain/7/memory/videoram")->value, "1024");
    ck_assert_str_eq(find(&l, "/local/domain/7/store/ring-ref")->value, "1044476");
    ck_assert_str_eq(find(&l, "/local/domain/7/store/port")->value, "1");
    ck_assert_str_eq(find(&l, "/local/domain/7/console/ring-ref")->value, "1044479");
    ck_assert_str_eq(find(&l, "/local/domain/7/console/port")->value, "2");
    ck_assert_str_eq(find(&l, "/local/domain/7/console/type")->value, "xenconsoled");
    ck_assert_str_eq(find(&l, "/local/domain/7/console/output")->value, "pty");
    ck_assert_str_eq(find(&l, "/local/domain/7/console/limit")->value, "1048576");
    ck_assert_str_eq(perms(find(&l, "/local/domain/7/console/backend-id"), pb), "n7,r0");
    ck_assert_str_eq(find(&l, "/local/domain/7/console/backend")->value,
                     "/local/domain/0/backend/console/7/0");
    ck_assert_str_eq(perms(find(&l, "/local/domain/0/backend/console/7/0"), pb), "n0,r7");
    ck_assert_str_eq(find(&l, "/local/domain/0/backend/console/7/0/frontend")->value,
                     "/local/domain/7/console");
    ck_assert_str_eq(find(&l, "/local/domain/0/backend/console/7/0/protocol")->value, "vt100");
    ck_assert_ptr_null(find(&l, "/local/domain/0/backend/console/7/0/backend"));
    ck_assert_str_eq(find(&l, "/libxl/7/device/console/0/backend")->value,
                     "/local/domain/0/backend/console/7/0");
    ck_assert_str_eq(find(&l, "/libxl/7/type")->value, "pv");
    ck_assert_str_eq(find(&l, "/libxl/7/dm-version")->value, "qemu_xen");
    ck_assert_str_eq(find(&l, "/vm/e3ec3358-76ad-4bc4-8e9a-52d484483198/image/ostype")->value, "linux");
    ck_assert_str_eq(find(&l, "/vm/e3ec3358-76ad-4bc4-8e9a-52d484483198/image/cmdline")->value,
                     "xk.mode=sleep");
    ck_assert_str_eq(find(&l, "/vm/e3ec3358-76ad-4bc4-8e9a-52d484483198/start_time")->value,
                     "1795577636.79");
    ck_assert_str_eq(perms(find(&l, "/local/domain/7/device/suspend/event-channel"), pb), "n7");
    xkl__layout_dispose(&l);
}
END_TEST

START_TEST(built_pvh_has_no_image)
{
    struct xkl__layout l;
    struct xkl__layout_in in;
    in_init(&in, true);
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__layout_built(&l, &in), 0);
    ck_assert_ptr_null(find(&l, "/vm/e3ec3358-76ad-4bc4-8e9a-52d484483198/image/ostype"));
    ck_assert_str_eq(find(&l, "/libxl/7/type")->value, "pvh");
    xkl__layout_dispose(&l);
}
END_TEST

START_TEST(built_hvm_for_hvmloader)
{
    struct xkl__layout l;
    struct xkl__layout_in in;
    char pb[64];
    in_init(&in, false);
    in.hvm = true;
    in.bios = "ovmf";
    in.acpi = false;
    in.rtc_offset = -3600;
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__layout_make(&l, &in), 0);
    /* hvmloader/ is the toolstack's, readable by the guest */
    ck_assert_str_eq(perms(find(&l, "/local/domain/7/hvmloader"), pb), "n0,r7");
    xkl__layout_dispose(&l);
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__layout_built(&l, &in), 0);
    ck_assert_str_eq(find(&l, "/local/domain/7/hvmloader/bios")->value, "ovmf");
    ck_assert_str_eq(find(&l, "/local/domain/7/hvmloader/allow-memory-relocate")->value, "0");
    ck_assert_str_eq(find(&l, "/local/domain/7/platform/acpi")->value, "0");
    ck_assert_str_eq(find(&l, "/local/domain/7/platform/acpi_s3")->value, "1");
    ck_assert_str_eq(find(&l, "/local/domain/7/platform/device-model")->value, "qemu_xen");
    ck_assert_str_eq(find(&l, "/vm/e3ec3358-76ad-4bc4-8e9a-52d484483198/image/ostype")->value, "hvm");
    ck_assert_str_eq(find(&l, "/vm/e3ec3358-76ad-4bc4-8e9a-52d484483198/rtc/timeoffset")->value, "-3600");
    ck_assert_ptr_null(find(&l, "/vm/e3ec3358-76ad-4bc4-8e9a-52d484483198/image/cmdline"));
    ck_assert_str_eq(find(&l, "/libxl/7/type")->value, "hvm");
    /* the PV console is there for HVM too (hvc0 of a guest with PV drivers) */
    ck_assert_str_eq(find(&l, "/local/domain/7/console/type")->value, "xenconsoled");
    xkl__layout_dispose(&l);
}
END_TEST

/* Which directories the write may leave to xenstored (it creates them
 * with the parent's permissions when a child is written). */
static bool implied_of(const struct xkl__layout *l, const bool *imp, const char *path)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].path, path))
            return imp[i];
    ck_abort_msg("%s not in the layout", path);
    return false;
}

START_TEST(implied_directories)
{
    struct xkl__layout l;
    struct xkl__layout_in in;
    bool imp[128];
    in_init(&in, false);
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__layout_make(&l, &in), 0);
    ck_assert_uint_le(l.n, 128);
    xkl__layout_implied(&l, imp);
    /* control has the domain directory's perms and children follow */
    ck_assert(implied_of(&l, imp, "/local/domain/7/control"));
    /* perms differ from /local/domain (not in the layout) */
    ck_assert(!implied_of(&l, imp, "/local/domain/7"));
    /* no child in this layout: cpu, memory, device, /libxl/7/device */
    ck_assert(!implied_of(&l, imp, "/local/domain/7/cpu"));
    ck_assert(!implied_of(&l, imp, "/local/domain/7/memory"));
    ck_assert(!implied_of(&l, imp, "/libxl/7/device"));
    /* guest-owned: perms differ from the parent's */
    ck_assert(!implied_of(&l, imp, "/local/domain/7/control/shutdown"));
    ck_assert(!implied_of(&l, imp, "/local/domain/7/data"));
    /* values are always written */
    ck_assert(!implied_of(&l, imp, "/local/domain/7/name"));
    xkl__layout_dispose(&l);

    /* after the build nothing is implied: cpu/memory exist already and the
     * console backend directories have perms other than their parents' */
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__layout_built(&l, &in), 0);
    ck_assert_uint_le(l.n, 128);
    xkl__layout_implied(&l, imp);
    for (size_t i = 0; i < l.n; i++)
        ck_assert_msg(!imp[i], "%s implied", l.v[i].path);
    xkl__layout_dispose(&l);

    /* hand-made: an inheriting directory below a new parent is implied; the
     * same without the removal (an old node keeps its perms) is not */
    char *rm[] = { (char *)"/a" };
    struct xkl__node v[] = {
        { (char *)"/a", NULL, { { 0, XKL_XS_PERM_NONE } }, 1 },
        { (char *)"/a/b", NULL, { { 0, 0 } }, 0 },
        { (char *)"/a/b/c", (char *)"x", { { 0, 0 } }, 0 },
        { (char *)"/a/d", NULL, { { 0, XKL_XS_PERM_NONE } }, 1 },
        { (char *)"/a/d/e", (char *)"y", { { 0, 0 } }, 0 },
        { (char *)"/a/f", NULL, { { 3, XKL_XS_PERM_NONE } }, 1 },
        { (char *)"/a/f/g", (char *)"z", { { 0, 0 } }, 0 },
    };
    struct xkl__layout h = { .v = v, .n = sizeof v / sizeof *v, .cap = sizeof v / sizeof *v,
                             .rm = rm, .nrm = 1 };
    xkl__layout_implied(&h, imp);
    ck_assert(!imp[0]);   /* its parent is not in the layout */
    ck_assert(imp[1]);    /* inherits, child follows */
    ck_assert(!imp[2]);
    ck_assert(imp[3]);    /* same perms as /a */
    ck_assert(!imp[5]);   /* owned by 3: must be set */
    h.nrm = 0;
    xkl__layout_implied(&h, imp);
    for (size_t i = 0; i < h.n; i++)
        ck_assert(!imp[i]);
}
END_TEST

START_TEST(owned_paths)
{
    struct xkl__layout l;
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__layout_owned(&l, 9, "/vm/abc"), 0);
    ck_assert(removes(&l, "/local/domain/9"));
    ck_assert(removes(&l, "/vm/abc"));
    ck_assert(removes(&l, "/libxl/9"));
    ck_assert(removes(&l, "/local/domain/0/backend/console/9"));
    ck_assert_uint_eq(l.n, 0);
    /* the kinds' directories are pruned when left empty, each before the
     * backend directory that holds them (which goes last) */
    ck_assert_uint_ge(l.nprune, 2);
    bool console = false;
    for (size_t i = 0; i + 1 < l.nprune; i++)
        console = console || !strcmp(l.prune[i], "/local/domain/0/backend/console");
    ck_assert(console);
    ck_assert_str_eq(l.prune[l.nprune - 1], "/local/domain/0/backend");
    xkl__layout_dispose(&l);
    /* a vm path that is not under /vm is never removed */
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__layout_owned(&l, 9, "/local"), 0);
    ck_assert(!removes(&l, "/local"));
    ck_assert_int_eq(xkl__layout_owned(&l, 9, NULL), 0);
    xkl__layout_dispose(&l);
}
END_TEST

START_TEST(state_letters)
{
    struct xkl_dominfo di;
    char st[7];
    memset(&di, 0, sizeof di);
    xkl_dominfo_state(&di, st);
    ck_assert_str_eq(st, "------");
    di.running = di.paused = true;
    xkl_dominfo_state(&di, st);
    ck_assert_str_eq(st, "r-p---");
    memset(&di, 0, sizeof di);
    di.shutdown = true;
    di.shutdown_reason = SHUTDOWN_crash;
    di.dying = di.blocked = true;
    xkl_dominfo_state(&di, st);
    ck_assert_str_eq(st, "-b-scd");
    di.shutdown_reason = SHUTDOWN_poweroff;
    xkl_dominfo_state(&di, st);
    ck_assert_str_eq(st, "-b-s-d");
    /* the reason's letter, as Xen's xl: reboot, suspend, watchdog, soft reset */
    const char *want[] = { "-b-srd", "-b-ssd", "-b-scd", "-b-swd", "-b-sSd", "-b-s?d" };
    for (unsigned r = SHUTDOWN_reboot; r <= SHUTDOWN_soft_reset + 1; r++) {
        di.shutdown_reason = r;
        xkl_dominfo_state(&di, st);
        ck_assert_str_eq(st, want[r - 1]);
    }
    /* not shut down: no reason letter, whatever the field holds */
    di.shutdown = false;
    xkl_dominfo_state(&di, st);
    ck_assert_str_eq(st, "-b---d");
}
END_TEST

static char tmpdir[64];

static void mk_tmp(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/xkl-life-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

START_TEST(state_save_load_remove)
{
    mk_tmp();
    char dir[128];
    snprintf(dir, sizeof dir, "%s/sub/dir", tmpdir);   /* created on demand */
    struct xkl_ctx_opts o = { .state_dir = dir };
    xkl_ctx *ctx = xkl_ctx_open(&o, NULL, 0);
    ck_assert_ptr_nonnull(ctx);
    const char *u = "11111111-2222-3333-4444-555555555555";
    ck_assert_int_eq(xkl__state_save(ctx, u, "{\"c_info\": {}}"), 0);
    char *j = xkl__state_load(ctx, u, 3, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(j, "{\"c_info\": {}}\n");
    free(j);
    ck_assert_int_eq(xkl__state_remove(ctx, u, 3), 0);
    ck_assert_ptr_null(xkl__state_load(ctx, u, 3, NULL));
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_ptr_nonnull(strstr(xkl_ctx_error(ctx), "config of domain 3"));
    ck_assert_ptr_nonnull(strstr(xkl_ctx_error(ctx), dir));
    /* removing twice is not an error (destroy after a failed create) */
    ck_assert_int_eq(xkl__state_remove(ctx, u, 3), 0);
    xkl_ctx_close(ctx);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(state_save_error_names_path)
{
    /* a file where the directory should be */
    mk_tmp();
    char f[128];
    snprintf(f, sizeof f, "%s/file", tmpdir);
    FILE *fp = fopen(f, "w");
    ck_assert_ptr_nonnull(fp);
    fclose(fp);
    char dir[160];
    snprintf(dir, sizeof dir, "%s/sub", f);
    struct xkl_ctx_opts o = { .state_dir = dir };
    xkl_ctx *ctx = xkl_ctx_open(&o, NULL, 0);
    ck_assert_int_eq(xkl__state_save(ctx, "u", "{}"), -1);
    ck_assert_int_eq(errno, ENOTDIR);
    ck_assert_ptr_nonnull(strstr(xkl_ctx_error(ctx), f));
    xkl_ctx_close(ctx);
    unlink(f);
    rmdir(tmpdir);
}
END_TEST

START_TEST(create_steps)
{
    ck_assert_uint_eq(xkl_create_nsteps(), 12);
    ck_assert_str_eq(xkl_create_step_name(1), "lock");
    ck_assert_str_eq(xkl_create_step_name(4), "domain");
    ck_assert_str_eq(xkl_create_step_name(10), "devices");
    ck_assert_str_eq(xkl_create_step_name(12), "unpause");
    ck_assert_ptr_null(xkl_create_step_name(0));
    ck_assert_ptr_null(xkl_create_step_name(13));
}
END_TEST

/* Without Xen every call fails with a message saying which and why. */
START_TEST(calls_fail_without_xen)
{
    if (access("/dev/xen/privcmd", F_OK) == 0)
        return;   /* a real dom0: the lab tests the calls there */
    setenv("XENSTORED_PATH", "/nonexistent/xkit-socket", 1);
    xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_str_eq(xkl_ctx_error(ctx), "");
    struct xkl_dominfo di, *v = NULL;
    size_t n;
    uint32_t id;
    double t;
    unsigned w, c;
    struct xkl_vcpuinfo *vc;
    unsigned nv;
    ck_assert_int_eq(xkl_domain_list(ctx, &v, &n), -1);
    ck_assert_ptr_nonnull(strstr(xkl_ctx_error(ctx), "privcmd"));
    ck_assert_int_eq(xkl_domain_info(ctx, 1, &di), -1);
    ck_assert_int_eq(xkl_domain_lookup(ctx, "g", &id), -1);
    /* a name not in the index: the hypervisor's domain list comes first */
    ck_assert_ptr_nonnull(strstr(xkl_ctx_error(ctx), "domain 'g'"));
    ck_assert_ptr_nonnull(strstr(xkl_ctx_error(ctx), "privcmd"));
    ck_assert_int_eq(xkl_domain_lookup(ctx, "5", &id), -1);
    ck_assert_int_eq(xkl_domain_start_time(ctx, 1, &t), -1);
    ck_assert_int_eq(xkl_domain_pause(ctx, 1), -1);
    ck_assert_ptr_nonnull(strstr(xkl_ctx_error(ctx), "pause domain 1"));
    ck_assert_int_eq(xkl_domain_unpause(ctx, 1), -1);
    ck_assert_int_eq(xkl_domain_destroy(ctx, 1), -1);
    ck_assert_int_eq(xkl_domain_destroy(ctx, 0), -1);
    ck_assert_ptr_nonnull(strstr(xkl_ctx_error(ctx), "dom0"));
    ck_assert_int_eq(xkl_domain_shutdown(ctx, 1, XKL_SHUTDOWN_POWEROFF, 0), -1);
    ck_assert_int_eq(xkl_domain_shutdown(ctx, 0, XKL_SHUTDOWN_REBOOT, 0), -1);
    ck_assert_int_eq(xkl_domain_rename(ctx, 1, "x"), -1);
    ck_assert_int_eq(xkl_domain_rename(ctx, 1, "a/b"), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(xkl_domain_set_target_kb(ctx, 1, 1024), -1);
    ck_assert_int_eq(xkl_domain_set_max_kb(ctx, 1, 1024), -1);
    ck_assert_int_eq(xkl_vcpu_list(ctx, 1, &vc, &nv), -1);
    ck_assert_int_eq(xkl_vcpu_pin(ctx, 1, 0, NULL, NULL), -1);
    ck_assert_int_eq(xkl_vcpu_set_online(ctx, 1, 1), -1);
    ck_assert_int_eq(xkl_sched_credit2_get(ctx, 1, &w, &c), -1);
    ck_assert_int_eq(xkl_sched_credit2_set(ctx, 1, 256, 0), -1);
    ck_assert_ptr_null(xkl_domain_config_json(ctx, 1));
    ck_assert_ptr_null(xkl_domain_config_load(ctx, 1));
    ck_assert_ptr_null(xkl_console_tty(ctx, 1));
    ck_assert_int_eq(xkl_event_fd(ctx), -1);
    struct xkl_event ev;
    ck_assert_int_eq(xkl_event_next(ctx, &ev, 0), -1);
    ck_assert_int_eq(xkl_domain_monitor(ctx, &id), -1);
    ck_assert_int_eq(xkl_domain_create(ctx, NULL, 0, &id), -1);
    char buf[8];
    xkl_ctx_error_copy(ctx, buf, sizeof buf);
    ck_assert_uint_eq(strlen(buf), 7);
    xkl_ctx_close(ctx);
    xkl_ctx_close(NULL);
}
END_TEST

/* One context shared by threads: calls serialise on its mutex and the
 * error line read with xkl_ctx_error_copy is always a whole message. */
static void *hammer(void *arg)
{
    xkl_ctx *ctx = arg;
    for (int i = 0; i < 200; i++) {
        uint32_t id;
        char buf[256];
        xkl_domain_lookup(ctx, "nobody", &id);
        xkl_domain_pause(ctx, 3);
        xkl_ctx_error_copy(ctx, buf, sizeof buf);
        if (!strstr(buf, "domain") && !strstr(buf, "privcmd"))
            return (void *)1;
    }
    return NULL;
}

START_TEST(threads_share_a_context)
{
    if (access("/dev/xen/privcmd", F_OK) == 0)
        return;
    setenv("XENSTORED_PATH", "/nonexistent/xkit-socket", 1);
    xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, hammer, ctx), 0);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        ck_assert_ptr_null(r);
    }
    xkl_ctx_close(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("light_life_layout");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, make_dirs_and_permissions);
    tcase_add_test(tc, built_pv);
    tcase_add_test(tc, built_pvh_has_no_image);
    tcase_add_test(tc, built_hvm_for_hvmloader);
    tcase_add_test(tc, owned_paths);
    tcase_add_test(tc, implied_directories);
    tcase_add_test(tc, state_letters);
    tcase_add_test(tc, state_save_load_remove);
    tcase_add_test(tc, state_save_error_names_path);
    tcase_add_test(tc, create_steps);
    tcase_add_test(tc, calls_fail_without_xen);
    tcase_add_test(tc, threads_share_a_context);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
