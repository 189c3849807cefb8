/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xlcpupool.cfg: name, sched, cpus (list or CPU list), nodes; other keys
 * are located warnings, bad values located errors. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xen/domctl.h>
#include <xkit/light.h>

static int bit(const uint8_t *m, unsigned n)
{
    return m[n / 8] >> (n % 8) & 1;
}

/* Parse text as pool.cfg; the diagnostics joined by '\n' into diag. */
static int pool_of(const char *text, struct xkl_cpupool_config *pc, char *diag, size_t len)
{
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_cfg *cfg = xkl_cfg_parse("pool.cfg", text, strlen(text), &d);
    ck_assert_ptr_nonnull(cfg);
    int r = xkl_cpupool_config_from_cfg(cfg, pc, &d);
    diag[0] = 0;
    for (size_t i = 0; i < d.n; i++) {
        strncat(diag, d.v[i].text, len - strlen(diag) - 2);
        strcat(diag, "\n");
    }
    xkl_cfg_free(cfg);
    xkl_diags_dispose(&d);
    return r;
}

START_TEST(pool_full)
{
    struct xkl_cpupool_config pc;
    char diag[1024];
    ck_assert_int_eq(pool_of("name = \"fast\"\nsched = \"credit\"\ncpus = [\"1\", 3]\n", &pc, diag,
                             sizeof diag), 0);
    ck_assert_str_eq(pc.name, "fast");
    ck_assert_int_eq(pc.sched_id, XEN_SCHEDULER_CREDIT);
    ck_assert(pc.has_cpus && !pc.has_nodes);
    ck_assert(!bit(pc.cpus, 0) && bit(pc.cpus, 1) && !bit(pc.cpus, 2) && bit(pc.cpus, 3));
    ck_assert_str_eq(diag, "");
    /* a CPU list string, as xl accepts it */
    ck_assert_int_eq(pool_of("cpus = \"2-4,^3\"\nsched = 'rtds'\n", &pc, diag, sizeof diag), 0);
    ck_assert_str_eq(pc.name, "");
    ck_assert_int_eq(pc.sched_id, XEN_SCHEDULER_RTDS);
    ck_assert(bit(pc.cpus, 2) && !bit(pc.cpus, 3) && bit(pc.cpus, 4));
    /* nothing set: defaults left to the caller */
    ck_assert_int_eq(pool_of("", &pc, diag, sizeof diag), 0);
    ck_assert_int_eq(pc.sched_id, -1);
    ck_assert(!pc.has_cpus && !pc.has_nodes);
}
END_TEST

START_TEST(pool_nodes_win)
{
    struct xkl_cpupool_config pc;
    char diag[1024];
    ck_assert_int_eq(pool_of("nodes = [0, 2]\ncpus = [\"1\"]\n", &pc, diag, sizeof diag), 0);
    ck_assert(pc.has_nodes && !pc.has_cpus);
    ck_assert(bit(pc.nodes, 0) && !bit(pc.nodes, 1) && bit(pc.nodes, 2));
    ck_assert_str_eq(diag, "pool.cfg:2:1: warning: 'cpus' is ignored: 'nodes' chooses the CPUs (as in Xen's xl)\n");
}
END_TEST

START_TEST(pool_errors_located)
{
    struct xkl_cpupool_config pc;
    char diag[1024];
    ck_assert_int_eq(pool_of("name = \"a\"\nweight = 3\n", &pc, diag, sizeof diag), 0);
    ck_assert_str_eq(diag, "pool.cfg:2:1: warning: 'weight' is not a cpupool setting (name, sched, cpus, nodes): ignored\n");
    ck_assert_int_eq(pool_of("sched = \"fifo\"\n", &pc, diag, sizeof diag), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_str_eq(diag, "pool.cfg:1:9: 'sched': expected credit, credit2, rtds, null or arinc653\n");
    ck_assert_int_eq(pool_of("cpus = [\"1\", \"x\"]\n", &pc, diag, sizeof diag), -1);
    ck_assert_str_eq(diag, "pool.cfg:1:14: 'cpus' item 1: expected a CPU number below 256\n");
    ck_assert_int_eq(pool_of("cpus = \"1-\"\n", &pc, diag, sizeof diag), -1);
    ck_assert_int_eq(pool_of("nodes = \"0\"\n", &pc, diag, sizeof diag), -1);
    ck_assert_int_eq(pool_of("name = \"a/b\"\n", &pc, diag, sizeof diag), -1);
    ck_assert_int_eq(pool_of("name = 3\n", &pc, diag, sizeof diag), -1);
    ck_assert_int_eq(pool_of("nodes = [64]\n", &pc, diag, sizeof diag), -1);
}
END_TEST

START_TEST(sched_and_trigger_names)
{
    ck_assert_int_eq(xkl_sched_from_name("credit2"), XEN_SCHEDULER_CREDIT2);
    ck_assert_int_eq(xkl_sched_from_name("null"), XEN_SCHEDULER_NULL);
    ck_assert_int_eq(xkl_sched_from_name("arinc653"), XEN_SCHEDULER_ARINC653);
    ck_assert_int_eq(xkl_sched_from_name("Credit"), -1);
    ck_assert_int_eq(xkl_sched_from_name(""), -1);
    ck_assert_int_eq(xkl_trigger_from_name("nmi"), XKL_TRIGGER_NMI);
    ck_assert_int_eq(xkl_trigger_from_name("s3resume"), XKL_TRIGGER_S3RESUME);
    ck_assert_int_eq(xkl_trigger_from_name("reboot"), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("light_cfg_pool");
    TCase *tc = tcase_create("pool");
    tcase_add_test(tc, pool_full);
    tcase_add_test(tc, pool_nodes_win);
    tcase_add_test(tc, pool_errors_located);
    tcase_add_test(tc, sched_and_trigger_names);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
