/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the xenstore command's pure parts (xl/xenstore_fmt.c). The
 * expected strings are what Debian's xenstore-* 4.17 tools print for the
 * same input, as seen in the lab (tests/lab/scenarios/xs-tools.sh compares
 * the two live). */
#include "xenstore.h"

#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

START_TEST(modes_by_name)
{
    ck_assert_int_eq(xst_mode_of_prog("/usr/local/bin/xenstore-read"), XST_READ);
    ck_assert_int_eq(xst_mode_of_prog("xenstore-ls"), XST_LS);
    ck_assert_int_eq(xst_mode_of_prog("xenstore-watch"), XST_WATCH);
    ck_assert_int_eq(xst_mode_of_prog("xenstore"), XST_NONE);
    ck_assert_int_eq(xst_mode_of_prog("xenstore-bogus"), XST_NONE);
    ck_assert_int_eq(xst_mode_of_prog("read"), XST_NONE);
    ck_assert_int_eq(xst_mode_of_name("chmod"), XST_CHMOD);
    ck_assert_int_eq(xst_mode_of_name("xenstore-read"), XST_NONE);
    ck_assert_str_eq(xst_usage(XST_READ), "[-h] [-p] [-s] [-R] key [...]");
}
END_TEST

static int parse(enum xst_mode m, struct xst_opts *o, int argc, ...)
{
    static char *argv[16];
    va_list ap;
    va_start(ap, argc);
    for (int i = 0; i < argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    argv[argc] = NULL;
    char err[128];
    return xst_parse_args(m, argc, argv, o, err, sizeof err);
}

START_TEST(options)
{
    struct xst_opts o;
    ck_assert_int_eq(parse(XST_READ, &o, 4, "xenstore-read", "-p", "-R", "/a"), 0);
    ck_assert(o.prefix && o.raw && !o.socket);
    ck_assert_int_eq(o.first, 3);
    /* options after operands are options too (like Xen's tool) */
    ck_assert_int_eq(parse(XST_READ, &o, 3, "xenstore-read", "/a", "-s"), 0);
    ck_assert(o.socket);
    ck_assert_int_eq(parse(XST_READ, &o, 1, "xenstore-read"), -1);
    /* a bad option is reported but only the operands make a usage error */
    ck_assert_int_eq(parse(XST_READ, &o, 3, "xenstore-read", "-z", "/a"), 0);
    ck_assert_int_eq(parse(XST_READ, &o, 2, "xenstore-read", "-z"), -1);
    ck_assert_int_eq(parse(XST_READ, &o, 3, "xenstore-read", "-h", "/a"), -1);
    ck_assert_int_eq(parse(XST_WRITE, &o, 3, "xenstore-write", "/a", "v"), 0);
    ck_assert_int_eq(parse(XST_WRITE, &o, 4, "xenstore-write", "/a", "v", "/b"), -1);
    ck_assert_int_eq(parse(XST_LS, &o, 1, "xenstore-ls"), 0);
    ck_assert_int_eq(parse(XST_LS, &o, 4, "xenstore-ls", "-f", "-p", "/"), 0);
    ck_assert(o.full_path && o.perms && !o.prefix);
    ck_assert_int_eq(parse(XST_RM, &o, 3, "xenstore-rm", "-t", "/a"), 0);
    ck_assert(o.tidy);
    ck_assert_int_eq(parse(XST_EXISTS, &o, 3, "xenstore-exists", "-p", "/a"), -1);
    ck_assert_int_eq(parse(XST_CHMOD, &o, 3, "xenstore-chmod", "/a", "n0"), 0);
    ck_assert_int_eq(parse(XST_CHMOD, &o, 2, "xenstore-chmod", "/a"), 0);
    ck_assert_int_eq(parse(XST_CHMOD, &o, 1, "xenstore-chmod"), -1);
    ck_assert_int_eq(parse(XST_CHMOD, &o, 5, "xenstore-chmod", "-r", "-u", "/a", "b0"), 0);
    ck_assert(o.recurse && o.upto);
    ck_assert_int_eq(parse(XST_WATCH, &o, 2, "xenstore-watch", "/a"), 0);
    ck_assert_int_eq(o.count, -1);
    ck_assert_int_eq(parse(XST_WATCH, &o, 4, "xenstore-watch", "-n", "3", "/a"), 0);
    ck_assert_int_eq(o.count, 3);
    ck_assert_int_eq(parse(XST_WATCH, &o, 4, "xenstore-watch", "-n", "x", "/a"), 0);
    ck_assert_int_eq(o.count, 0);
    ck_assert_int_eq(parse(XST_WATCH, &o, 2, "xenstore-watch", "-n"), -1);
    ck_assert_int_eq(parse(XST_WATCH, &o, 3, "xenstore-watch", "/a", "-n"), 0);
    ck_assert_int_eq(parse(XST_WATCH, &o, 1, "xenstore-watch"), -1);
}
END_TEST

START_TEST(escape)
{
    const char in[] = "a\tb\nc\rd\x1f" "e f~\x80\\\x00\x01\x07\x08\x0b\x7f\xc3";
    char *e = xst_escape(in, sizeof in - 1);
    ck_assert_str_eq(e, "a\\tb\\nc\\rd\\x1fe f~\\x80\\\\\\000\\001\\007\\x08\\x0b\\x7f\\xc3");
    free(e);
    e = xst_escape("", 0);
    ck_assert_str_eq(e, "");
    free(e);
    e = xst_escape("quo\"te", 6);
    ck_assert_str_eq(e, "quo\"te");
    free(e);
}
END_TEST

START_TEST(unescape)
{
    size_t len;
    char *u = xst_unescape("A\\tB\\nC\\101D\\x4E\\qF\\\\G\\x4", &len);
    ck_assert_uint_eq(len, 13);
    ck_assert_mem_eq(u, "A\tB\nCADNqF\\G\x04", 13);
    free(u);
    u = xst_unescape("tail\\", &len);
    ck_assert_uint_eq(len, 5);
    ck_assert_mem_eq(u, "tail\0", 5);
    free(u);
    u = xst_unescape("\\0x\\08\\1234\\x4g", &len);
    ck_assert_uint_eq(len, 8);
    ck_assert_mem_eq(u, "\0x\0" "8S4\x04g", 8);
    free(u);
    u = xst_unescape("a\\rb\\ac\\fd\\ve\\\"f\\'g\\eh\\0101i", &len);
    ck_assert_mem_eq(u, "a\rbacfdve\"f'geh\b1i", len);
    ck_assert_uint_eq(len, 18);
    free(u);
    u = xst_unescape("quo\"te\\back", &len);
    ck_assert_str_eq(u, "quo\"teback");
    free(u);
}
END_TEST

START_TEST(perm_args)
{
    struct xkl_xs_perm p;
    ck_assert_int_eq(xst_parse_perm_arg("b7", &p), 0);
    ck_assert_uint_eq(p.perm, XKL_XS_PERM_BOTH);
    ck_assert_uint_eq(p.domid, 7);
    ck_assert_int_eq(xst_parse_perm_arg("n", &p), 0); /* Xen's tool: domain 0 */
    ck_assert_uint_eq(p.domid, 0);
    ck_assert_int_eq(xst_parse_perm_arg("r1x", &p), 0);
    ck_assert_uint_eq(p.domid, 1);
    ck_assert_int_eq(xst_parse_perm_arg("N1", &p), -1);
    ck_assert_int_eq(xst_parse_perm_arg("", &p), -1);
    ck_assert_int_eq(errno, EINVAL);
}
END_TEST

static void line_is(int width, int depth, const char *full, const char *name,
                    const char *esc, size_t rawlen, const char *perms, const char *want)
{
    char *l = xst_ls_line(width, depth, full, name, esc, rawlen, perms);
    ck_assert_ptr_nonnull(l);
    ck_assert_str_eq(l, want);
    free(l);
}

START_TEST(ls_lines)
{
    line_is(80, 0, NULL, "a", "hello world", 11, NULL, "a = \"hello world\"");
    line_is(80, 1, NULL, "d", "1", 1, NULL, " d = \"1\"");
    /* perms padded with dots to column 60 */
    line_is(80, 0, NULL, "control", "", 0, "n0",
            "control = \"\" . . . . . . . . . . . . . . . . . . . . . . . .  (n0)");
    line_is(80, 1, NULL, "feature-poweroff", "1", 1, "n0",
            " feature-poweroff = \"1\"  . . . . . . . . . . . . . . . . . .  (n0)");
    line_is(80, 0, NULL, "domid", "0", 1, "n0",
            "domid = \"0\"  . . . . . . . . . . . . . . . . . . . . . . . .  (n0)");
    char y[128];
    memset(y, 'y', sizeof y);
    y[50] = '\0';
    line_is(80, 1, NULL, "v50", y, 50, "n0", " v50 = \"" "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy" "\"   (n0)");
    y[48] = '\0';
    line_is(80, 1, NULL, "v48", y, 48, "n0", " v48 = \"" "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy" "\"  .  (n0)");
    /* value cut at 80 columns */
    memset(y, 'y', sizeof y);
    y[69] = '\0';
    line_is(80, 1, NULL, "v69", y, 69, NULL,
            " v69 = \"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\\...\"");
    line_is(80, 1, NULL, "v69", y, 69, "n0",
            " v69 = \"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\\...\"  (n0)");
    y[68] = '\0';
    line_is(80, 1, NULL, "v68", y, 68, NULL,
            " v68 = \"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\"");
    /* long names are cut, deep nodes print whole */
    char n[101];
    memset(n, 'n', 100);
    n[100] = '\0';
    line_is(80, 0, NULL, n, "v", 1, NULL,
            "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn = \"\\...\"");
    char deep[200];
    memset(deep, ' ', 72);
    strcpy(deep + 72, " = \"\"   (n0)");
    line_is(80, 72, NULL, "j", "", 0, "n0", deep);
    memset(deep, ' ', 88);
    strcpy(deep + 88, "z = \"vvvvvvvvvvvvvvvvvvvvvvvv\\...\"");
    line_is(80, 88, NULL, "z", "vvvvvvvvvvvvvvvvvvvvvvvv", 24, NULL, deep);
    /* terminal 100 columns wide: width 98 */
    memset(deep, ' ', 87);
    strcpy(deep + 87, "z = \"vv\\...\"  (n0)");
    line_is(98, 87, NULL, "z", "vvvvvvvvvvvvvvvvvvvvvvvv", 24, "n0", deep);
    /* -f: whole path, no limit, no dots */
    line_is(-1, 0, "/t/a", "a", "hello world", 11, "n0,r5,b7", "/t/a = \"hello world\"   (n0,r5,b7)");
    line_is(-1, 0, "/t/e", "e", "", 0, NULL, "/t/e = \"\"");
    /* unreadable value */
    line_is(80, 2, NULL, "x", NULL, 0, "n0", "  x:");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("light_xs_cmd");
    TCase *tc = tcase_create("cmd");
    tcase_add_test(tc, modes_by_name);
    tcase_add_test(tc, options);
    tcase_add_test(tc, escape);
    tcase_add_test(tc, unescape);
    tcase_add_test(tc, perm_args);
    tcase_add_test(tc, ls_lines);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
