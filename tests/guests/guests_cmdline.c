/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host-side unit test of the xk test kernels' pure logic: the command line
 * parser and the bounded line buffer (cmdline.c, string.c).
 */
#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "xk.h"

static struct xk_opts parse(const char *s)
{
    struct xk_opts o;

    memset(&o, 0x5a, sizeof(o)); /* the parser must set every field */
    xk_cmdline_parse(s, strlen(s), &o);
    return o;
}

START_TEST(defaults)
{
    struct xk_opts o = parse("");

    ck_assert_int_eq(o.mode, XK_MODE_POWEROFF);
    ck_assert_int_eq(o.bad_mode, 0);
    ck_assert_str_eq(o.msg, "");
    o = parse("console=hvc0 quiet  ");
    ck_assert_int_eq(o.mode, XK_MODE_POWEROFF);
    ck_assert_str_eq(o.msg, "");
}
END_TEST

START_TEST(each_mode)
{
    ck_assert_int_eq(parse("xk.mode=poweroff").mode, XK_MODE_POWEROFF);
    ck_assert_int_eq(parse("xk.mode=reboot").mode, XK_MODE_REBOOT);
    ck_assert_int_eq(parse("xk.mode=crash").mode, XK_MODE_CRASH);
    ck_assert_int_eq(parse("a xk.mode=sleep b").mode, XK_MODE_SLEEP);
    ck_assert_int_eq(parse("xk.mode=watchdog").mode, XK_MODE_WATCHDOG);
    ck_assert_int_eq(parse("xk.mode=gnttab2").mode, XK_MODE_GNTTAB2);
    ck_assert_str_eq(xk_mode_name(XK_MODE_GNTTAB2), "gnttab2");
    ck_assert_str_eq(xk_mode_name(XK_MODE_WATCHDOG), "watchdog");
    ck_assert_str_eq(xk_mode_name(XK_MODE_SLEEP), "sleep");
    ck_assert_str_eq(xk_mode_name(XK_MODE_CRASH), "crash");
}
END_TEST

START_TEST(last_wins_and_separators)
{
    struct xk_opts o = parse("xk.mode=sleep\txk.msg=one xk.mode=crash xk.msg=two");

    ck_assert_int_eq(o.mode, XK_MODE_CRASH);
    ck_assert_str_eq(o.msg, "two");
    /* a good mode after a bad one clears the error */
    o = parse("xk.mode=nope xk.mode=reboot");
    ck_assert_int_eq(o.mode, XK_MODE_REBOOT);
    ck_assert_int_eq(o.bad_mode, 0);
}
END_TEST

START_TEST(bad_modes)
{
    static const char *const bad[] = {
        "xk.mode=", "xk.mode=sleepy", "xk.mode=slee", "xk.mode=SLEEP",
        "xk.mode=sleep=1",
    };
    unsigned int i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct xk_opts o = parse(bad[i]);

        ck_assert_msg(o.mode == XK_MODE_POWEROFF && o.bad_mode == 1, "%s", bad[i]);
    }
}
END_TEST

START_TEST(keys_only_at_word_start)
{
    struct xk_opts o = parse("xxk.mode=sleep foo.xk.msg=hi xk.modes=crash xk.msgx");

    ck_assert_int_eq(o.mode, XK_MODE_POWEROFF);
    ck_assert_int_eq(o.bad_mode, 0);
    ck_assert_str_eq(o.msg, "");
}
END_TEST

START_TEST(msg_truncated)
{
    char line[200], want[XK_MSG_MAX];
    struct xk_opts o;

    memset(want, 'm', sizeof(want) - 1);
    want[sizeof(want) - 1] = '\0';
    strcpy(line, "xk.msg=");
    memset(line + 7, 'm', 100);
    line[107] = '\0';
    o = parse(line);
    ck_assert_str_eq(o.msg, want);
    ck_assert_str_eq(parse("xk.msg=").msg, "");
}
END_TEST

START_TEST(length_bounds_the_parse)
{
    /* the PV command line is a fixed array: only len bytes may be read */
    static const char s[] = "xk.mode=sleepXXX xk.mode=crash";
    struct xk_opts o;

    xk_cmdline_parse(s, 13, &o);
    ck_assert_int_eq(o.mode, XK_MODE_SLEEP);
    xk_cmdline_parse(s, 0, &o);
    ck_assert_int_eq(o.mode, XK_MODE_POWEROFF);
}
END_TEST

START_TEST(buf_truncates)
{
    char mem[8];
    struct xk_buf b;

    xk_buf_init(&b, mem, sizeof(mem));
    xk_buf_str(&b, "abc");
    xk_buf_ulong(&b, 0);
    ck_assert_str_eq(mem, "abc0");
    xk_buf_str(&b, "defghij");
    ck_assert_str_eq(mem, "abc0def");
    ck_assert_uint_eq(b.len, 7);
    xk_buf_ulong(&b, 5);
    ck_assert_str_eq(mem, "abc0def");
}
END_TEST

START_TEST(buf_numbers_and_strn)
{
    char mem[64];
    struct xk_buf b;

    xk_buf_init(&b, mem, sizeof(mem));
    xk_buf_ulong(&b, 123);
    xk_buf_str(&b, " ");
    xk_buf_ulong(&b, ULONG_MAX);
    xk_buf_str(&b, " ");
    xk_buf_strn(&b, "hello", 3);
    ck_assert_str_eq(mem, "123 18446744073709551615 hel");
    ck_assert_uint_eq(xk_strnlen("abcdef", 4), 4);
    ck_assert_int_eq(xk_strncmp("abc", "abd", 2), 0);
    ck_assert_int_lt(xk_strncmp("abc", "abd", 3), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("guests_cmdline");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, defaults);
    tcase_add_test(tc, each_mode);
    tcase_add_test(tc, last_wins_and_separators);
    tcase_add_test(tc, bad_modes);
    tcase_add_test(tc, keys_only_at_word_start);
    tcase_add_test(tc, msg_truncated);
    tcase_add_test(tc, length_bounds_the_parse);
    tcase_add_test(tc, buf_truncates);
    tcase_add_test(tc, buf_numbers_and_strn);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
