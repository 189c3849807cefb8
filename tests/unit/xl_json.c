/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl's --json writer: arrays, objects, nesting, escaping, null. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"

static char *buf;
static size_t len;
static FILE *saved;

/* stdout into a memory buffer until done() */
static void capture(void)
{
    fflush(stdout);
    saved = stdout;
    stdout = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(stdout);
}

static const char *done(void)
{
    fclose(stdout);
    stdout = saved;
    return buf;
}

START_TEST(array_of_objects)
{
    struct xl_json j;
    capture();
    xlj_begin(&j);
    xlj_obj(&j, NULL);
    xlj_str(&j, "name", "a\"b\\c\nd\te\x01");
    xlj_uint(&j, "domid", 3);
    xlj_int(&j, "delta", -4);
    xlj_bool(&j, "paused", true);
    xlj_null(&j, "pool");
    xlj_opt_int(&j, "ring", -1);
    xlj_opt_int(&j, "port", 7);
    xlj_num(&j, "time", 1.5);
    uint8_t map[2] = { 0x05, 0x01 };
    xlj_cpus(&j, "cpus", map, 16);
    xlj_arr(&j, "list");
    xlj_obj(&j, NULL);
    xlj_str(&j, "k", NULL);
    xlj_obj_end(&j);
    xlj_arr_end(&j);
    xlj_obj_end(&j);
    xlj_obj(&j, NULL);
    xlj_obj_end(&j);
    xlj_end(&j);
    ck_assert_str_eq(done(),
                     "[\n{\"name\": \"a\\\"b\\\\c\\nd\\te\\u0001\", \"domid\": 3, \"delta\": -4, "
                     "\"paused\": true, \"pool\": null, \"ring\": null, \"port\": 7, \"time\": 1.500, "
                     "\"cpus\": [0, 2, 8], \"list\": [{\"k\": null}]},\n{}\n]\n");
    free(buf);
}
END_TEST

START_TEST(empty_array)
{
    struct xl_json j;
    capture();
    xlj_begin(&j);
    xlj_end(&j);
    ck_assert_str_eq(done(), "[]\n");
    free(buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xl_json");
    TCase *tc = tcase_create("json");
    tcase_add_test(tc, array_of_objects);
    tcase_add_test(tc, empty_array);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
