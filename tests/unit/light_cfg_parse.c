/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl.cfg grammar: values, escapes, lists, +=, errors with their place, and
 * the project's own corpus of good and bad configs (tests/unit/cfg/). */
#include "private.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static xkl_cfg *parse(const char *text, xkl_diags *d)
{
    xkl_diags_init(d);
    return xkl_cfg_parse("t.cfg", text, strlen(text), d);
}

static const char *first_error(const xkl_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].level == XKL_DIAG_ERROR)
            return d->v[i].text;
    return "(no error)";
}

/* Parse TEXT and return the effective value of KEY (caller frees). */
static struct xkl_cfg_value *value_of(const char *text, const char *key)
{
    xkl_diags d;
    xkl_cfg *cfg = parse(text, &d);
    ck_assert_msg(cfg, "parse failed: %s", first_error(&d));
    struct xkl_cfg_value *v = xkl__cfg_lookup(cfg, key, NULL, &d);
    xkl_cfg_free(cfg);
    xkl_diags_dispose(&d);
    return v;
}

static void expect_error(const char *text, const char *msg)
{
    xkl_diags d;
    xkl_cfg *cfg = parse(text, &d);
    ck_assert_ptr_null(cfg);
    ck_assert_uint_ge(d.nerrors, 1);
    ck_assert_str_eq(first_error(&d), msg);
    xkl_diags_dispose(&d);
}

START_TEST(strings_both_quotes_and_escapes)
{
    /* 'it''s' is two strings, not an escaped quote */
    expect_error("a = 'it''s'\n", "t.cfg:1:9: expected end of line or ';' after the value of 'a', found a string");
    xkl_diags d;
    xkl_cfg *cfg = parse("a = 'x\\'y'\nb = \"q\\\"\\\\\\n\\t\\x41\\101z\\xc3\\xa9\"\n", &d);
    ck_assert_msg(cfg, "%s", first_error(&d));
    struct xkl_cfg_value *a = xkl__cfg_lookup(cfg, "a", NULL, &d);
    struct xkl_cfg_value *b = xkl__cfg_lookup(cfg, "b", NULL, &d);
    ck_assert_str_eq(a->str, "x'y");
    ck_assert_str_eq(b->str, "q\"\\\n\tAAz\xc3\xa9");   /* \xc3\xa9: UTF-8 e-acute */
    xkl__cfg_value_free(a);
    xkl__cfg_value_free(b);
    xkl_cfg_free(cfg);
    xkl_diags_dispose(&d);
}
END_TEST

START_TEST(numbers_keep_spelling_and_convert)
{
    xkl_diags d;
    xkl_cfg *cfg = parse("a = 0x1F\nb = 017\nc = 42\n", &d);
    ck_assert_ptr_nonnull(cfg);
    ck_assert_str_eq(xkl_cfg_get_atom(cfg, "a"), "0x1F");
    long long n;
    ck_assert_int_eq(xkl__parse_int(xkl_cfg_get_atom(cfg, "a"), &n), 0);
    ck_assert_int_eq(n, 31);
    ck_assert_int_eq(xkl__parse_int(xkl_cfg_get_atom(cfg, "b"), &n), 0);
    ck_assert_int_eq(n, 15);
    ck_assert_int_eq(xkl__parse_int("-1", &n), -1);
    ck_assert_int_eq(xkl__parse_int("", &n), -1);
    ck_assert_int_eq(xkl__parse_int("99999999999999999999999", &n), -1);
    xkl_cfg_free(cfg);
    xkl_diags_dispose(&d);
}
END_TEST

START_TEST(lists_multiline_nested_trailing_comma)
{
    struct xkl_cfg_value *v = value_of("l = [\n  'a', # c\n\n  [ 1, [] ],\n  \"b\",\n]\n", "l");
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(v->kind, XKL_CFG_LIST);
    ck_assert_uint_eq(v->nitems, 3);
    ck_assert_str_eq(v->items[0]->str, "a");
    ck_assert_int_eq(v->items[1]->kind, XKL_CFG_LIST);
    ck_assert_uint_eq(v->items[1]->nitems, 2);
    ck_assert_int_eq(v->items[1]->items[0]->kind, XKL_CFG_NUMBER);
    ck_assert_uint_eq(v->items[1]->items[1]->nitems, 0);
    ck_assert_int_eq(v->items[1]->line, 4);
    ck_assert_int_eq(v->items[1]->col, 3);
    xkl__cfg_value_free(v);
    v = value_of("l = []\n", "l");
    ck_assert_uint_eq(v->nitems, 0);
    xkl__cfg_value_free(v);
}
END_TEST

START_TEST(append_and_last_wins)
{
    struct xkl_cfg_value *v = value_of("s = 'a'\ns += 'b'\ns += 3\n", "s");
    ck_assert_str_eq(v->str, "ab3");
    xkl__cfg_value_free(v);
    v = value_of("l = ['a']\nl = ['b']\nl += ['c', 'd']\nl += []\n", "l");
    ck_assert_uint_eq(v->nitems, 3);
    ck_assert_str_eq(v->items[0]->str, "b");
    ck_assert_str_eq(v->items[2]->str, "d");
    xkl__cfg_value_free(v);
    v = value_of("n = 1\nn += 2\n", "n");    /* xl keeps numbers as text */
    ck_assert_str_eq(v->str, "12");
    xkl__cfg_value_free(v);
    /* as in xl, a string onto a list or a list onto a string is an error,
     * even for a key nobody reads, and across sources */
    expect_error("l = ['a']\nl += 'e'\n", "t.cfg:2:6: expected a list to append to the list 'l', found a string");
    expect_error("l = ['a']\nl += 3\n", "t.cfg:2:6: expected a list to append to the list 'l', found a number");
    expect_error("wibble = 'a'\nwibble += [ 'b' ]\n",
                 "t.cfg:2:11: expected a string or number to append to the string 'wibble', found a list");
    xkl_diags d;
    xkl_cfg *cfg = parse("vif = [ 'bridge=a' ]\n", &d);
    ck_assert_ptr_nonnull(cfg);
    ck_assert_int_eq(xkl_cfg_override(cfg, "vif += 'bridge=b'", &d), -1);
    ck_assert_str_eq(first_error(&d), "<command line>:1:8: expected a list to append to the list 'vif', found a string");
    ck_assert_int_eq(xkl_cfg_override(cfg, "vif += [ 'bridge=b' ]", &d), 0);
    xkl_cfg_free(cfg);
    xkl_diags_dispose(&d);
    v = value_of("x += 'only'\n", "x");
    ck_assert_str_eq(v->str, "only");
    xkl__cfg_value_free(v);
    v = value_of("k = 1\nk = 2\n", "k");
    ck_assert_str_eq(v->str, "2");
    xkl__cfg_value_free(v);
    ck_assert_ptr_null(value_of("k = 1\n", "absent"));
}
END_TEST

START_TEST(separators_comments_crlf)
{
    xkl_diags d;
    xkl_cfg *cfg = parse("a = 1; b = 'x;y' # c = 3\r\n;;\r\nc = [ 1,\r\n 2 ]\r\n# end", &d);
    ck_assert_msg(cfg, "%s", first_error(&d));
    ck_assert_uint_eq(cfg->n, 3);
    ck_assert_str_eq(xkl_cfg_get_atom(cfg, "b"), "x;y");
    ck_assert_ptr_null(xkl_cfg_get_atom(cfg, "c"));   /* a list */
    ck_assert_int_eq(cfg->v[2].line, 3);
    xkl_cfg_free(cfg);
    xkl_diags_dispose(&d);
    cfg = parse("", &d);
    ck_assert_ptr_nonnull(cfg);
    ck_assert_uint_eq(cfg->n, 0);
    xkl_cfg_free(cfg);
    xkl_diags_dispose(&d);
}
END_TEST

START_TEST(errors_are_located)
{
    expect_error("a = 1\nb =\n", "t.cfg:2:4: expected a value after '=', found end of line");
    expect_error("a = 1\n  = 2\n", "t.cfg:2:3: expected a setting name at the start of a statement, found '='");
    expect_error("a + 1\n", "t.cfg:1:3: expected '=' after '+', found ' '");
    expect_error("a = [ 1,, 2 ]\n", "t.cfg:1:9: expected a value after ',', found ','");
    expect_error("a = ]\n", "t.cfg:1:5: expected a value after '=', found ']'");
    expect_error("a = 'x\n'\n", "t.cfg:1:5: unterminated string: expected closing '");
    expect_error("a = \"\\x4\"\n", "t.cfg:1:6: expected two hex digits after '\\x' in string");
    expect_error("a = \"\\777\"\n", "t.cfg:1:6: octal escape out of range in string");
    expect_error("a = 1\x01\n", "t.cfg:1:6: unexpected character (byte 0x01)");
    /* Xen's names are [a-z][._0-9a-z]* (xl.conf's vif.default.script):
     * anything else is a syntax error */
    expect_error("name = 'x'\nMemory = 512\n", "t.cfg:2:1: expected a setting name of lower-case letters, "
                 "digits, '_' and '.' starting with a letter, found 'Memory'");
    expect_error("_x = 1\n", "t.cfg:1:1: expected a setting name of lower-case letters, "
                 "digits, '_' and '.' starting with a letter, found '_x'");
    expect_error("vcpuS = 1\n", "t.cfg:1:1: expected a setting name of lower-case letters, "
                 "digits, '_' and '.' starting with a letter, found 'vcpuS'");
    /* strings become C strings and JSON: no NUL, only UTF-8 */
    expect_error("a = 'x\\0'\n", "t.cfg:1:5: expected text in string, found a NUL");
    expect_error("a = \"\xd2x\"\n", "t.cfg:1:5: expected UTF-8 text in string, found an invalid sequence at (byte 0xd2)");
    expect_error("a = '\\xed\\xa0\\x80'\n", "t.cfg:1:5: expected UTF-8 text in string, found an invalid sequence at (byte 0xed)");
    expect_error("a = '\xc0\xaf'\n", "t.cfg:1:5: expected UTF-8 text in string, found an invalid sequence at (byte 0xc0)");
}
END_TEST

START_TEST(several_errors_one_run)
{
    xkl_diags d;
    xkl_cfg *cfg = parse("a =\nb = 1\nc = [\nd = ]\ne = 'ok'\n", &d);
    ck_assert_ptr_null(cfg);
    ck_assert_uint_eq(d.nerrors, 2);
    ck_assert_str_eq(d.v[0].text, "t.cfg:1:4: expected a value after '=', found end of line");
    ck_assert_str_eq(d.v[1].text, "t.cfg:4:1: expected a value after '[', found the bare word 'd' (strings need quotes)");
    xkl_diags_dispose(&d);
}
END_TEST

START_TEST(deep_nesting_is_bounded)
{
    char buf[300];
    strcpy(buf, "a = ");
    for (int i = 0; i < 100; i++)
        strcat(buf, "[");
    xkl_diags d;
    xkl_cfg *cfg = parse(buf, &d);
    ck_assert_ptr_null(cfg);
    ck_assert_ptr_nonnull(strstr(first_error(&d), "nested more than 64"));
    xkl_diags_dispose(&d);
}
END_TEST

START_TEST(overrides_after_file)
{
    xkl_diags d;
    xkl_cfg *cfg = parse("name = 'file'\nmemory = 128\nextra = 'a'\n", &d);
    ck_assert_ptr_nonnull(cfg);
    ck_assert_int_eq(xkl_cfg_override(cfg, "memory=512", &d), 0);
    ck_assert_int_eq(xkl_cfg_override(cfg, "extra+=' b'", &d), 0);
    ck_assert_int_eq(xkl_cfg_override(cfg, "vif=['bridge=br9']", &d), 0);
    ck_assert_str_eq(xkl_cfg_get_atom(cfg, "memory"), "512");
    struct xkl_cfg_value *v = xkl__cfg_lookup(cfg, "extra", NULL, &d);
    ck_assert_str_eq(v->str, "a b");
    xkl__cfg_value_free(v);
    ck_assert_int_eq(xkl_cfg_override(cfg, "memory=", &d), -1);
    ck_assert_str_eq(first_error(&d), "<command line>:1:8: expected a value after '=', found end of file");
    ck_assert_int_eq(xkl_cfg_override(cfg, "name=bare", &d), -1);
    xkl_cfg_free(cfg);
    xkl_diags_dispose(&d);
}
END_TEST

START_TEST(parse_file_errors_name_path)
{
    xkl_diags d;
    xkl_diags_init(&d);
    ck_assert_ptr_null(xkl_cfg_parse_file("/nonexistent/x.cfg", &d));
    ck_assert_str_eq(first_error(&d), "/nonexistent/x.cfg: cannot open config file: No such file or directory");
    ck_assert_ptr_null(xkl_cfg_parse_file("/", &d));   /* a directory: read fails */
    ck_assert_uint_eq(d.nerrors, 2);
    ck_assert_ptr_null(xkl_cfg_to_json("/nonexistent/x.cfg", NULL, 0, &d));
    xkl_diags_dispose(&d);
}
END_TEST

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = malloc(1 << 16);
    *len = fread(buf, 1, (1 << 16) - 1, f);
    buf[*len] = 0;
    fclose(f);
    return buf;
}

static const char *srcdir(void)
{
    const char *s = getenv("XK_SRCDIR");
    return s ? s : "../..";
}

/* Every tests/unit/cfg/good file converts; every bad one fails with
 * exactly the message in its .expect file. */
START_TEST(own_corpus)
{
    char dir[4096];
    int ngood = 0, nbad = 0;
    snprintf(dir, sizeof dir, "%s/tests/unit/cfg/good", srcdir());
    DIR *dd = opendir(dir);
    ck_assert_msg(dd != NULL, "no %s", dir);
    struct dirent *e;
    while ((e = readdir(dd))) {
        if (!strstr(e->d_name, ".cfg"))
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        xkl_diags d;
        xkl_diags_init(&d);
        char *json = xkl_cfg_to_json(path, NULL, 0, &d);
        ck_assert_msg(json != NULL, "%s: %s", e->d_name, first_error(&d));
        ck_assert_uint_eq(d.nwarnings, 0);
        free(json);
        xkl_diags_dispose(&d);
        ngood++;
    }
    closedir(dd);
    snprintf(dir, sizeof dir, "%s/tests/unit/cfg/bad", srcdir());
    dd = opendir(dir);
    ck_assert_ptr_nonnull(dd);
    while ((e = readdir(dd))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".cfg"))
            continue;
        char path[8192], expect_path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(expect_path, sizeof expect_path, "%s/%.*s.expect", dir, (int)(n - 4), e->d_name);
        size_t len, elen;
        char *text = slurp(path, &len);
        char *expect = slurp(expect_path, &elen);
        expect[strcspn(expect, "\n")] = 0;
        xkl_diags d;
        xkl_diags_init(&d);
        xkl_cfg *cfg = xkl_cfg_parse(e->d_name, text, len, &d);
        xkl_domain_config *dc = cfg ? xkl_domain_config_from_cfg(cfg, &d) : NULL;
        ck_assert_msg(dc == NULL, "%s was accepted", e->d_name);
        ck_assert_str_eq(first_error(&d), expect);
        xkl_cfg_free(cfg);
        xkl_diags_dispose(&d);
        free(text);
        free(expect);
        nbad++;
    }
    closedir(dd);
    ck_assert_int_ge(ngood, 4);
    ck_assert_int_ge(nbad, 20);
}
END_TEST

START_TEST(grammar_all_values)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/unit/cfg/good/grammar-all.cfg", srcdir());
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_cfg *cfg = xkl_cfg_parse_file(path, &d);
    ck_assert_ptr_nonnull(cfg);
    struct xkl_domain_config *dc = xkl_domain_config_from_cfg(cfg, &d);
    ck_assert_msg(dc != NULL, "%s", first_error(&d));
    ck_assert_int_eq(dc->c_info.type, XKL_DOMAIN_TYPE_PVH);
    ck_assert_str_eq(dc->c_info.name, "grammar");
    ck_assert_int_eq(dc->b_info.target_memkb, 512 * 1024);
    ck_assert_int_eq(dc->b_info.max_memkb, 512 * 1024);
    ck_assert_str_eq(dc->b_info.kernel, "/boot/vmlinuz-AA");
    ck_assert_str_eq(dc->b_info.cmdline, "console=hvc0 quiet");
    ck_assert_uint_eq(dc->num_disks, 2);
    ck_assert_str_eq(dc->disks[1].pdev_path, "/img/a,b.qcow2");
    ck_assert_int_eq(dc->disks[1].format, XKL_DISK_FORMAT_QCOW2);
    ck_assert_uint_eq(dc->num_nics, 2);
    ck_assert_str_eq(dc->nics[0].mac, "00:16:3e:01:02:03");
    ck_assert_int_eq(dc->nics[1].devid, 1);
    ck_assert_int_eq(dc->on_crash, XKL_ACTION_COREDUMP_RESTART);
    ck_assert_int_eq(dc->b_info.tsc_mode, XKL_TSC_MODE_NATIVE);
    ck_assert_uint_eq(dc->num_xl_raw, 1);
    ck_assert_str_eq(dc->xl_raw[0].key, "vnuma");
    ck_assert_uint_eq(dc->xl_raw[0].value->nitems, 2);
    xkl_domain_config_free(dc);
    xkl_cfg_free(cfg);
    xkl_diags_dispose(&d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("light_cfg_parse");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, strings_both_quotes_and_escapes);
    tcase_add_test(tc, numbers_keep_spelling_and_convert);
    tcase_add_test(tc, lists_multiline_nested_trailing_comma);
    tcase_add_test(tc, append_and_last_wins);
    tcase_add_test(tc, separators_comments_crlf);
    tcase_add_test(tc, errors_are_located);
    tcase_add_test(tc, several_errors_one_run);
    tcase_add_test(tc, deep_nesting_is_bounded);
    tcase_add_test(tc, overrides_after_file);
    tcase_add_test(tc, parse_file_errors_name_path);
    tcase_add_test(tc, own_corpus);
    tcase_add_test(tc, grammar_all_values);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
