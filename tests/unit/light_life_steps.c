/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the domain area's pure logic: the create step runner and
 * its test-only fault knobs (a failing step releases its own partial work,
 * the runner undoes the steps before it), the paginated domain list, the
 * per-vcpu CPU lists, what create asks the hypervisor for, the context's
 * formatter, the state directory, the name lock and the persisted config. */
#include "private.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- a fake create: three steps, each taking resources one by one ---- */
struct fake {
    struct xkl__fault *f;
    int held[3][2];     /* held[step][k]: resource k of step taken */
    char log[128];      /* "r1 r2 u1 ..." what ran, in order */
    bool fail_step2;    /* a real failure in step 2, after its first take */
    bool ignore_point;  /* step 3 ignores its fault point (a bug) */
};

static void logf_(struct fake *fk, const char *w)
{
    strncat(fk->log, w, sizeof fk->log - strlen(fk->log) - 1);
}

static int run_n(struct fake *fk, int i)
{
    char w[8];
    snprintf(w, sizeof w, "r%d ", i + 1);
    logf_(fk, w);
    fk->held[i][0] = 1;                      /* take the first */
    if (xkl__fault_here(fk->f) || (i == 1 && fk->fail_step2)) {
        fk->held[i][0] = 0;                  /* release own work */
        return -1;
    }
    fk->held[i][1] = 1;                      /* take the second */
    if (xkl__fault_here(fk->f) && !(i == 2 && fk->ignore_point)) {
        fk->held[i][1] = fk->held[i][0] = 0;
        return -1;
    }
    return 0;
}

static void undo_n(struct fake *fk, int i)
{
    char w[8];
    snprintf(w, sizeof w, "u%d ", i + 1);
    logf_(fk, w);
    fk->held[i][0] = fk->held[i][1] = 0;
}

static int run1(void *a) { return run_n(a, 0); }
static int run2(void *a) { return run_n(a, 1); }
static int run3(void *a) { return run_n(a, 2); }
static void undo1(void *a) { undo_n(a, 0); }
static void undo2(void *a) { undo_n(a, 1); }
static void undo3(void *a) { undo_n(a, 2); }

static const struct xkl__step fake_steps[] = {
    { "one", run1, undo1 },
    { "two", run2, undo2 },
    { "three", run3, undo3 },
};

static int held(const struct fake *fk)
{
    int n = 0;
    for (int i = 0; i < 3; i++)
        n += fk->held[i][0] + fk->held[i][1];
    return n;
}

static xkl_ctx *tmp_ctx(char *dir, size_t len)
{
    snprintf(dir, len, "/tmp/xk-steps-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    struct xkl_ctx_opts o = { .state_dir = dir };
    xkl_ctx *ctx = xkl_ctx_open(&o, NULL, 0);
    ck_assert_ptr_nonnull(ctx);
    return ctx;
}

static void rm_tmp(const char *dir)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(steps_succeed)
{
    xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
    struct xkl__fault f = { 0 };
    struct fake fk = { .f = &f };
    ck_assert_int_eq(xkl__steps_run(ctx, fake_steps, 3, &fk, &f, "create g"), 0);
    ck_assert_str_eq(fk.log, "r1 r2 r3 ");
    ck_assert_int_eq(held(&fk), 6);
    ck_assert_uint_eq(f.seen, 6);   /* every fault point passed, none fired */
    ck_assert(!f.fired);
    xkl_ctx_close(ctx);
}
END_TEST

START_TEST(steps_real_failure_half_way)
{
    /* step 2 fails after taking its first resource: it released it, the
     * runner undoes step 1 only (never step 2's undo) and keeps the error */
    xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
    struct fake fk = { .fail_step2 = true };
    ck_assert_int_eq(xkl__steps_run(ctx, fake_steps, 3, &fk, NULL, "create g"), -1);
    ck_assert_str_eq(fk.log, "r1 r2 u1 ");
    ck_assert_int_eq(held(&fk), 0);
    xkl_ctx_close(ctx);
}
END_TEST

START_TEST(steps_fault_after_step)
{
    for (unsigned n = 1; n <= 3; n++) {
        xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
        struct xkl__fault f = { .after_step = n };
        struct fake fk = { .f = &f };
        errno = 0;
        ck_assert_int_eq(xkl__steps_run(ctx, fake_steps, 3, &fk, &f, "create g"), -1);
        ck_assert_int_eq(errno, EIO);
        ck_assert_int_eq(held(&fk), 0);
        char want[64];
        snprintf(want, sizeof want, "create g: step %u (%s): injected fault (XKIT_FAULT_STEP)", n,
                 fake_steps[n - 1].name);
        ck_assert_str_eq(xkl_ctx_error(ctx), want);
        static const char *const logs[] = { "r1 u1 ", "r1 r2 u2 u1 ", "r1 r2 r3 u3 u2 u1 " };
        ck_assert_str_eq(fk.log, logs[n - 1]);
        xkl_ctx_close(ctx);
    }
}
END_TEST

START_TEST(steps_fault_points)
{
    /* every fault point in turn: the step it is in takes its own failure
     * path, the steps before it are undone, nothing is held after */
    static const char *const logs[] = { "r1 ", "r1 ", "r1 r2 u1 ", "r1 r2 u1 ", "r1 r2 r3 u2 u1 ",
                                        "r1 r2 r3 u2 u1 " };
    for (unsigned p = 1; p <= 6; p++) {
        xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
        struct xkl__fault f = { .point = p };
        struct fake fk = { .f = &f };
        ck_assert_int_eq(xkl__steps_run(ctx, fake_steps, 3, &fk, &f, "create g"), -1);
        ck_assert_int_eq(errno, EIO);
        ck_assert_int_eq(held(&fk), 0);
        ck_assert_str_eq(fk.log, logs[p - 1]);
        unsigned step = (p + 1) / 2;
        char want[128];
        snprintf(want, sizeof want, "create g: step %u (%s): injected fault at fault point %u (XKIT_FAULT_POINT)",
                 step, fake_steps[step - 1].name, p);
        ck_assert_str_eq(xkl_ctx_error(ctx), want);
        xkl_ctx_close(ctx);
    }
    /* past the last point: no fault, the create goes through */
    xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
    struct xkl__fault f = { .point = 7 };
    struct fake fk = { .f = &f };
    ck_assert_int_eq(xkl__steps_run(ctx, fake_steps, 3, &fk, &f, "create g"), 0);
    ck_assert(!f.fired);
    xkl_ctx_close(ctx);
}
END_TEST

START_TEST(steps_ignored_fault_point_fails)
{
    /* a step that swallows its fault point would hide a missing release
     * path: the runner fails and says so, and undoes that step too */
    xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
    struct xkl__fault f = { .point = 6 };
    struct fake fk = { .f = &f, .ignore_point = true };
    ck_assert_int_eq(xkl__steps_run(ctx, fake_steps, 3, &fk, &f, "create g"), -1);
    ck_assert_int_eq(held(&fk), 0);
    ck_assert_str_eq(fk.log, "r1 r2 r3 u3 u2 u1 ");
    ck_assert_ptr_nonnull(strstr(xkl_ctx_error(ctx), "but the step did not fail"));
    xkl_ctx_close(ctx);
}
END_TEST

START_TEST(fault_here_counts)
{
    ck_assert(!xkl__fault_here(NULL));
    struct xkl__fault f = { 0 };
    for (int i = 0; i < 5; i++)
        ck_assert(!xkl__fault_here(&f));   /* off */
    f = (struct xkl__fault){ .point = 3 };
    ck_assert(!xkl__fault_here(&f));
    ck_assert(!xkl__fault_here(&f));
    errno = 0;
    ck_assert(xkl__fault_here(&f));
    ck_assert_int_eq(errno, EIO);
    ck_assert(!xkl__fault_here(&f));   /* once */
    ck_assert(f.fired);
}
END_TEST

START_TEST(create_step_table)
{
    /* the real table: names for the fault scenario's messages */
    ck_assert_uint_eq(xkl_create_nsteps(), 12);
    ck_assert_str_eq(xkl_create_step_name(1), "lock");
    ck_assert_str_eq(xkl_create_step_name(3), "kernel");
    ck_assert_ptr_null(xkl_create_step_name(0));
    ck_assert_ptr_null(xkl_create_step_name(13));
}
END_TEST

/* ---- the paginated domain list ---- */
struct fakexen {
    uint32_t ids[400];
    size_t n;
    unsigned calls;
    unsigned cap;       /* returns at most this many per call (0: max) */
    int fail_at;        /* this call fails (1-based; 0: never) */
};

static int fetch(void *arg, uint32_t first, struct xkc_dominfo *out, unsigned max)
{
    struct fakexen *x = arg;
    x->calls++;
    if (x->fail_at && (int)x->calls == x->fail_at) {
        errno = EACCES;
        return -1;
    }
    unsigned got = 0, lim = x->cap && x->cap < max ? x->cap : max;
    for (size_t i = 0; i < x->n && got < lim; i++)
        if (x->ids[i] >= first) {
            memset(&out[got], 0, sizeof out[got]);
            out[got++].domid = x->ids[i];
        }
    return (int)got;
}

START_TEST(list_reads_every_domain)
{
    /* 300 domains with gaps, well past one batch (the monitor used to read
     * 128 from domid 1 and lose the rest) */
    struct fakexen x = { .n = 0 };
    x.ids[x.n++] = 0;
    for (uint32_t d = 1; x.n < 301; d += 1 + d % 3)
        x.ids[x.n++] = d;
    unsigned batches[] = { 1, 7, 64, 128, 1000 };
    for (size_t b = 0; b < sizeof batches / sizeof *batches; b++) {
        for (unsigned cap = 0; cap <= 5; cap += 5) {
            x.calls = 0;
            x.cap = cap;   /* 5: short batches although more follow */
            struct xkc_dominfo *v = NULL;
            size_t n = 0;
            ck_assert_int_eq(xkl__list_pages(fetch, &x, batches[b], &v, &n), 0);
            ck_assert_uint_eq(n, 301);
            for (size_t i = 0; i < n; i++)
                ck_assert_uint_eq(v[i].domid, x.ids[i]);
            free(v);
        }
    }
    /* none */
    struct fakexen empty = { .n = 0 };
    struct xkc_dominfo *v = NULL;
    size_t n = 9;
    ck_assert_int_eq(xkl__list_pages(fetch, &empty, 64, &v, &n), 0);
    ck_assert_uint_eq(n, 0);
    free(v);
    /* a failing batch: -1, its errno, nothing left allocated */
    x.cap = 0;
    x.calls = 0;
    x.fail_at = 3;
    ck_assert_int_eq(xkl__list_pages(fetch, &x, 64, &v, &n), -1);
    ck_assert_int_eq(errno, EACCES);
    ck_assert_int_eq(xkl__list_pages(fetch, &x, 0, &v, &n), -1);
    ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* ---- cpus = ["0", "1"]: one list per vcpu ---- */
START_TEST(vcpu_cpulists)
{
    char *per[] = { "0", "1-3" };
    ck_assert_str_eq(xkl__vcpu_cpulist("all", per, 2, 0), "0");
    ck_assert_str_eq(xkl__vcpu_cpulist(NULL, per, 2, 1), "1-3");
    ck_assert_ptr_null(xkl__vcpu_cpulist(NULL, per, 2, 2));   /* past the list: none */
    ck_assert_str_eq(xkl__vcpu_cpulist("2", NULL, 0, 0), "2");   /* one string: every vcpu */
    ck_assert_str_eq(xkl__vcpu_cpulist("2", NULL, 0, 7), "2");
    ck_assert_ptr_null(xkl__vcpu_cpulist(NULL, NULL, 0, 0));
}
END_TEST

/* ---- what create asks the hypervisor for ---- */
static struct xkl_domain_config *cfg_of(const char *text)
{
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_cfg *c = xkl_cfg_parse("t.cfg", text, strlen(text), &d);
    ck_assert_ptr_nonnull(c);
    xkl_domain_config *dc = xkl_domain_config_from_cfg(c, &d);
    ck_assert_ptr_nonnull(dc);
    xkl_cfg_free(c);
    xkl_diags_dispose(&d);
    return dc;
}

static bool cpu_set(const uint8_t *m, unsigned c)
{
    return m[c / 8] & (1u << (c % 8));
}

START_TEST(cpumap_syntax)
{
    uint8_t m[XKL_CPUMAP_BYTES];
    ck_assert_int_eq(xkl_cpumap_parse("0-3,^1", m), 0);
    ck_assert(cpu_set(m, 0) && !cpu_set(m, 1) && cpu_set(m, 2) && cpu_set(m, 3) && !cpu_set(m, 4));
    ck_assert_int_eq(xkl_cpumap_parse("all,^0-1", m), 0);
    ck_assert(!cpu_set(m, 0) && !cpu_set(m, 1) && cpu_set(m, 2) && cpu_set(m, XKL_CPUMAP_BYTES * 8 - 1));
    ck_assert_int_eq(xkl_cpumap_parse("5", m), 0);
    ck_assert(cpu_set(m, 5) && !cpu_set(m, 4));
    /* exclusions only, or all excluded again: nothing to run on */
    ck_assert_int_eq(xkl_cpumap_parse("^1", m), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(xkl_cpumap_parse("1,^1", m), -1);
    const char *bad[] = { "", "1-", "3-1", "a", "1,,2", "1,", "^", "all2", "99999999999999999999" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_msg(xkl_cpumap_parse(bad[i], m) == -1 && errno == EINVAL, "'%s' accepted", bad[i]);
    }
    /* NUMA node lists are refused as such, not misread */
    ck_assert_int_eq(xkl_cpumap_parse("node:0", m), -1);
    ck_assert_int_eq(errno, ENOTSUP);
    ck_assert_int_eq(xkl_cpumap_parse("0,nodes:0-1", m), -1);
    ck_assert_int_eq(errno, ENOTSUP);
    /* with a topology: CPUs 0-3 on node 0, 4-5 on node 1, 6 offline */
    const uint32_t node[] = { 0, 0, 0, 0, 1, 1, UINT32_MAX };
    ck_assert_int_eq(xkl_cpumap_parse_nodes("node:1", m, node, 7), 0);
    ck_assert(!cpu_set(m, 3) && cpu_set(m, 4) && cpu_set(m, 5) && !cpu_set(m, 6));
    ck_assert_int_eq(xkl_cpumap_parse_nodes("nodes:0-1,^node:1,7", m, node, 7), 0);
    ck_assert(cpu_set(m, 0) && cpu_set(m, 3) && !cpu_set(m, 4) && !cpu_set(m, 6) && cpu_set(m, 7));
    ck_assert_int_eq(xkl_cpumap_parse_nodes("1,^node:0", m, node, 7), -1);   /* nothing left */
    ck_assert_int_eq(xkl_cpumap_parse_nodes("node:2", m, node, 7), -1);      /* no such node */
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(xkl_cpumap_parse_nodes("node:", m, node, 7), -1);
    ck_assert_int_eq(xkl_cpumap_parse_nodes("node:1-0", m, node, 7), -1);
    ck_assert_int_eq(xkl_cpumap_parse_nodes("node:0x", m, node, 7), -1);
}
END_TEST

START_TEST(domctl_nested_and_grants)
{
    xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
    struct xkc_domain_config cc;
    /* nestedhvm=1 on PVH: the guest sees the virtualisation extensions */
    xkl_domain_config *dc = cfg_of("name = 'n'\ntype = 'pvh'\nkernel = '/k'\nnestedhvm = 1\n");
    ck_assert_int_eq(dc->b_info.nested_hvm, 1);
    ck_assert_int_eq(xkl__domctl_config(ctx, dc, 2, &cc), 0);
    ck_assert(cc.nested_virt);
    ck_assert_uint_eq(cc.type, XKC_DOMAIN_PVH);
    ck_assert_uint_eq(cc.max_vcpus, 2);
    xkl_domain_config_free(dc);
    /* default: none */
    dc = cfg_of("name = 'n'\ntype = 'pvh'\nkernel = '/k'\n");
    ck_assert_int_eq(xkl__domctl_config(ctx, dc, 1, &cc), 0);
    ck_assert(!cc.nested_virt);
    /* grant tables: libxl's defaults (hypervisor limits, highest version) */
    ck_assert_int_eq(cc.max_grant_frames, -1);
    ck_assert_int_eq(cc.max_maptrack_frames, -1);
    ck_assert_uint_eq(cc.max_grant_version, 0);
    xkl_domain_config_free(dc);
    /* the config's own values */
    dc = cfg_of("name = 'n'\ntype = 'pv'\nkernel = '/k'\nmax_grant_frames = 32\n"
                "max_maptrack_frames = 0\nmax_grant_version = 1\n");
    ck_assert_int_eq(xkl__domctl_config(ctx, dc, 1, &cc), 0);
    ck_assert(!cc.nested_virt);
    ck_assert_int_eq(cc.max_grant_frames, 32);
    ck_assert_int_eq(cc.max_maptrack_frames, 0);
    ck_assert_uint_eq(cc.max_grant_version, 1);
    /* out of range (e.g. from JSON) */
    dc->b_info.max_grant_version = 3;
    ck_assert_int_eq(xkl__domctl_config(ctx, dc, 1, &cc), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_ptr_nonnull(strstr(xkl_ctx_error(ctx), "max_grant_version"));
    xkl_domain_config_free(dc);
    xkl_ctx_close(ctx);
}
END_TEST

/* ---- the context's formatter ---- */
START_TEST(err_may_quote_itself)
{
    xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
    xkl__err(ctx, ENOENT, "memory/static-max of domain 4: not found");
    /* the error line as an argument of the next one (overlapping
     * snprintf before) */
    ck_assert_int_eq(xkl__err(ctx, EINVAL, "set memory of domain 4: %s", xkl_ctx_error(ctx)), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_str_eq(xkl_ctx_error(ctx), "set memory of domain 4: memory/static-max of domain 4: not found");
    errno = ENOSPC;
    ck_assert_int_eq(xkl__err_wrap(ctx, "outer %d", 1), -1);
    ck_assert_int_eq(errno, ENOSPC);
    ck_assert_str_eq(xkl_ctx_error(ctx),
                     "outer 1: set memory of domain 4: memory/static-max of domain 4: not found");
    xkl_ctx_close(ctx);
}
END_TEST

static int vfmt(char *b, size_t n, const char *f, ...) __attribute__((format(printf, 3, 4)));
static int vfmt(char *b, size_t n, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int r = xkl__vfmt(b, n, f, ap);
    va_end(ap);
    return r;
}

START_TEST(vfmt_reports_truncation)
{
    char b[8];
    ck_assert_int_eq(vfmt(b, sizeof b, "%s", "1234567"), 0);
    ck_assert_str_eq(b, "1234567");
    errno = 0;
    ck_assert_int_eq(vfmt(b, sizeof b, "%s", "12345678"), -1);
    ck_assert_int_eq(errno, ENAMETOOLONG);
    ck_assert_str_eq(b, "1234567");
    xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
    /* a path too long for the reader is refused, not cut and read */
    char *v = xkl__xs_readf(ctx, "/local/domain/%0300d", 1);
    ck_assert_ptr_null(v);
    ck_assert_int_eq(errno, ENAMETOOLONG);
    ck_assert_ptr_nonnull(strstr(xkl_ctx_error(ctx), "path too long"));
    xkl_ctx_close(ctx);
}
END_TEST

/* ---- the state directory, the name lock, the persisted config ---- */
START_TEST(state_dir_ensure_checked)
{
    char dir[64];
    xkl_ctx *ctx = tmp_ctx(dir, sizeof dir);
    xkl_ctx_close(ctx);
    char sd[128];
    snprintf(sd, sizeof sd, "%s/a/b", dir);
    struct xkl_ctx_opts o = { .state_dir = sd };
    ctx = xkl_ctx_open(&o, NULL, 0);
    ck_assert_int_eq(xkl__state_dir_ensure(ctx, "dump"), 0);
    char p[160];
    struct stat st;
    snprintf(p, sizeof p, "%s/dump", sd);
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_uint_eq(st.st_mode & 0777, 0700);
    ck_assert_int_eq(stat(sd, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0700);
    ck_assert_int_eq(xkl__state_dir_ensure(ctx, "dump"), 0);   /* again: fine */
    /* a file in the way: an error naming it */
    snprintf(p, sizeof p, "%s/file", sd);
    FILE *fp = fopen(p, "w");
    ck_assert_ptr_nonnull(fp);
    fclose(fp);
    ck_assert_int_eq(xkl__state_dir_ensure(ctx, "file"), -1);
    ck_assert_int_eq(errno, ENOTDIR);
    ck_assert_ptr_nonnull(strstr(xkl_ctx_error(ctx), p));
    xkl_ctx_close(ctx);
    rm_tmp(dir);
}
END_TEST

START_TEST(name_lock_excludes)
{
    char dir[64];
    xkl_ctx *ctx = tmp_ctx(dir, sizeof dir);
    int fd = xkl__name_lock(ctx, "rename domain 3", NULL);
    ck_assert_int_ge(fd, 0);
    /* another holder (a create in another process) cannot take it */
    char p[128];
    snprintf(p, sizeof p, "%s/create.lock", dir);
    int other = open(p, O_RDWR | O_CLOEXEC);
    ck_assert_int_ge(other, 0);
    ck_assert_int_eq(flock(other, LOCK_EX | LOCK_NB), -1);
    ck_assert_int_eq(errno, EWOULDBLOCK);
    xkl__name_unlock(fd);
    ck_assert_int_eq(flock(other, LOCK_EX | LOCK_NB), 0);
    close(other);
    /* its fault point (create's lock step) fails through the real path */
    struct xkl__fault f = { .point = 1 };
    ck_assert_int_eq(xkl__name_lock(ctx, "create", &f), -1);
    ck_assert(f.fired);
    ck_assert_ptr_nonnull(strstr(xkl_ctx_error(ctx), "create: lock "));
    xkl_ctx_close(ctx);
    rm_tmp(dir);
}
END_TEST

START_TEST(config_load_one_owner)
{
    char dir[64];
    xkl_ctx *ctx = tmp_ctx(dir, sizeof dir);
    uint8_t u[16];
    for (int i = 0; i < 16; i++)
        u[i] = (uint8_t)(0x10 * (i % 16) + i);
    char text[37];
    xkl__uuid_format(u, text);
    char pub[37];
    xkl_uuid_format(u, pub);
    ck_assert_str_eq(pub, text);
    ck_assert_str_eq(text, "00112233-4455-6677-8899-aabbccddeeff");
    /* missing: ENOENT, named */
    ck_assert_ptr_null(xkl__config_load(ctx, 7, u));
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_ptr_nonnull(strstr(xkl_ctx_error(ctx), "config of domain 7"));
    /* bad JSON: EINVAL, named */
    ck_assert_int_eq(xkl__state_save(ctx, text, "{ nope"), 0);
    ck_assert_ptr_null(xkl__config_load(ctx, 7, u));
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_ptr_nonnull(strstr(xkl_ctx_error(ctx), "config of domain 7: "));
    /* good */
    ck_assert_int_eq(xkl__state_save(ctx, text, "{\"c_info\": {\"type\": \"pv\", \"name\": \"web\"}}"), 0);
    struct xkl_domain_config *dc = xkl__config_load(ctx, 7, u);
    ck_assert_ptr_nonnull(dc);
    ck_assert_str_eq(dc->c_info.name, "web");
    xkl_domain_config_free(dc);
    char *j = xkl__config_json(ctx, 7, u, NULL);
    ck_assert_ptr_nonnull(strstr(j, "\"web\""));
    free(j);
    xkl_ctx_close(ctx);
    rm_tmp(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("light_life_steps");
    TCase *tc = tcase_create("steps");
    tcase_add_test(tc, steps_succeed);
    tcase_add_test(tc, steps_real_failure_half_way);
    tcase_add_test(tc, steps_fault_after_step);
    tcase_add_test(tc, steps_fault_points);
    tcase_add_test(tc, steps_ignored_fault_point_fails);
    tcase_add_test(tc, fault_here_counts);
    tcase_add_test(tc, create_step_table);
    tcase_add_test(tc, list_reads_every_domain);
    tcase_add_test(tc, vcpu_cpulists);
    tcase_add_test(tc, domctl_nested_and_grants);
    tcase_add_test(tc, cpumap_syntax);
    tcase_add_test(tc, err_may_quote_itself);
    tcase_add_test(tc, vfmt_reports_truncation);
    tcase_add_test(tc, state_dir_ensure_checked);
    tcase_add_test(tc, name_lock_excludes);
    tcase_add_test(tc, config_load_one_owner);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
