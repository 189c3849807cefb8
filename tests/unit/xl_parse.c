/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of xl's argument parsers and formatters (xl/life_util.c):
 * memory sizes, cpu lists, cpu maps, uptimes, numbers. */
#include "life.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

struct xl_global xl_opts;
void xl_err(const char *fmt, ...)
{
    (void)fmt;
}
int xl_usage(const char *cmd)
{
    (void)cmd;
    return XL_USAGE;
}

START_TEST(mem_sizes)
{
    uint64_t kb;
    ck_assert_int_eq(xl_parse_mem_kb("256", &kb), 0);
    ck_assert_uint_eq(kb, 256 * 1024);       /* no unit: MiB, like xl */
    ck_assert_int_eq(xl_parse_mem_kb("16m", &kb), 0);
    ck_assert_uint_eq(kb, 16 * 1024);
    ck_assert_int_eq(xl_parse_mem_kb("2G", &kb), 0);
    ck_assert_uint_eq(kb, 2 * 1024 * 1024);
    ck_assert_int_eq(xl_parse_mem_kb("1t", &kb), 0);
    ck_assert_uint_eq(kb, 1ull << 30);
    ck_assert_int_eq(xl_parse_mem_kb("512k", &kb), 0);
    ck_assert_uint_eq(kb, 512);
    ck_assert_int_eq(xl_parse_mem_kb("1048576b", &kb), 0);
    ck_assert_uint_eq(kb, 1024);
    ck_assert_int_eq(xl_parse_mem_kb("", &kb), -1);
    ck_assert_int_eq(xl_parse_mem_kb("m", &kb), -1);
    ck_assert_int_eq(xl_parse_mem_kb("-5", &kb), -1);
    ck_assert_int_eq(xl_parse_mem_kb("5x", &kb), -1);
    ck_assert_int_eq(xl_parse_mem_kb("5mb", &kb), -1);
    ck_assert_int_eq(xl_parse_mem_kb("99999999999999999999", &kb), -1);
    ck_assert_int_eq(xl_parse_mem_kb("17179869184t", &kb), -1);   /* overflows KiB */
    ck_assert_int_eq(xl_parse_mem_kb(NULL, &kb), -1);
}
END_TEST

START_TEST(cpu_lists)
{
    uint8_t m[XKL_CPUMAP_BYTES];
    ck_assert_int_eq(xl_parse_cpulist("all", m), 0);
    ck_assert_uint_eq(m[0], 0xff);
    ck_assert_uint_eq(m[XKL_CPUMAP_BYTES - 1], 0xff);
    ck_assert_int_eq(xl_parse_cpulist("3", m), 0);
    ck_assert_uint_eq(m[0], 0x08);
    ck_assert_int_eq(xl_parse_cpulist("0-2,5,9-10", m), 0);
    ck_assert_uint_eq(m[0], 0x27);
    ck_assert_uint_eq(m[1], 0x06);
    ck_assert_int_eq(xl_parse_cpulist("", m), -1);
    ck_assert_int_eq(xl_parse_cpulist("2-1", m), -1);
    ck_assert_int_eq(xl_parse_cpulist("1,", m), -1);
    ck_assert_int_eq(xl_parse_cpulist(",1", m), -1);
    ck_assert_int_eq(xl_parse_cpulist("1-", m), -1);
    ck_assert_int_eq(xl_parse_cpulist("a", m), -1);
    ck_assert_int_eq(xl_parse_cpulist("256", m), -1);   /* beyond the map */
    ck_assert_int_eq(xl_parse_cpulist("255", m), 0);
}
END_TEST

START_TEST(cpu_maps)
{
    uint8_t m[XKL_CPUMAP_BYTES];
    char buf[128];
    xl_parse_cpulist("all", m);
    xl_format_cpumap(m, 2, buf, sizeof buf);
    ck_assert_str_eq(buf, "all");
    xl_parse_cpulist("0-1", m);
    xl_format_cpumap(m, 2, buf, sizeof buf);
    ck_assert_str_eq(buf, "all");   /* every cpu the host has */
    xl_parse_cpulist("0", m);
    xl_format_cpumap(m, 2, buf, sizeof buf);
    ck_assert_str_eq(buf, "0");
    xl_parse_cpulist("0-2,5,9-10", m);
    xl_format_cpumap(m, 16, buf, sizeof buf);
    ck_assert_str_eq(buf, "0-2,5,9-10");
    memset(m, 0, sizeof m);
    xl_format_cpumap(m, 4, buf, sizeof buf);
    ck_assert_str_eq(buf, "none");
    xl_format_cpumap(m, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "none");
}
END_TEST

START_TEST(uptimes)
{
    char buf[64];
    xl_format_uptime(17, buf, sizeof buf);
    ck_assert_str_eq(buf, " 0:00:17");
    xl_format_uptime(3600 + 62, buf, sizeof buf);
    ck_assert_str_eq(buf, " 1:01:02");
    xl_format_uptime(86400 + 5, buf, sizeof buf);
    ck_assert_str_eq(buf, "1 day,  0:00:05");
    xl_format_uptime(3 * 86400 + 11 * 3600, buf, sizeof buf);
    ck_assert_str_eq(buf, "3 days, 11:00:00");
    /* uptime -s: no seconds */
    xl_format_uptime_short(17, buf, sizeof buf);
    ck_assert_str_eq(buf, " 0:00");
    xl_format_uptime_short(3600 + 62, buf, sizeof buf);
    ck_assert_str_eq(buf, " 1:01");
    xl_format_uptime_short(86400 + 5, buf, sizeof buf);
    ck_assert_str_eq(buf, "1 day,  0:00");
    xl_format_uptime_short(2 * 86400 + 13 * 3600 + 7 * 60, buf, sizeof buf);
    ck_assert_str_eq(buf, "2 days, 13:07");
}
END_TEST

START_TEST(numbers)
{
    unsigned long v;
    ck_assert_int_eq(xl_parse_uint("5", 1, 10, &v), 0);
    ck_assert_uint_eq(v, 5);
    ck_assert_int_eq(xl_parse_uint("0", 1, 10, &v), -1);
    ck_assert_int_eq(xl_parse_uint("11", 1, 10, &v), -1);
    ck_assert_int_eq(xl_parse_uint("-1", 0, 10, &v), -1);
    ck_assert_int_eq(xl_parse_uint(" 1", 0, 10, &v), -1);
    ck_assert_int_eq(xl_parse_uint("1a", 0, 10, &v), -1);
    ck_assert_int_eq(xl_parse_uint("", 0, 10, &v), -1);
    ck_assert_int_eq(xl_parse_uint(NULL, 0, 10, &v), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xl_parse");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, mem_sizes);
    tcase_add_test(tc, cpu_lists);
    tcase_add_test(tc, cpu_maps);
    tcase_add_test(tc, uptimes);
    tcase_add_test(tc, numbers);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
