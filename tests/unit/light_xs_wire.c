/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the xenstore wire codec (liblight/xs/wire.c): every message
 * type encodes as the protocol says, every reply parser rejects malformed
 * payloads. */
#include "private.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define S(lit) lit, sizeof(lit) - 1 /* literal with its embedded NULs */

START_TEST(encode_header_and_payload)
{
    unsigned char buf[XKL__MSG_MAX];
    struct xkl__iov iov[] = {{"/a/b", 5}, {"val", 3}};
    ssize_t n = xkl__wire_encode(buf, sizeof buf, XS_WRITE, 7, 9, iov, 2);
    ck_assert_int_eq(n, 16 + 8);
    struct xsd_sockmsg h;
    memcpy(&h, buf, 16);
    ck_assert_uint_eq(h.type, XS_WRITE);
    ck_assert_uint_eq(h.req_id, 7);
    ck_assert_uint_eq(h.tx_id, 9);
    ck_assert_uint_eq(h.len, 8);
    ck_assert_mem_eq(buf + 16, "/a/b\0val", 8);
}
END_TEST

START_TEST(encode_every_type)
{
    unsigned char buf[XKL__MSG_MAX];
    for (uint32_t t = 0; t <= XKL__TYPE_LAST; t++) {
        struct xkl__iov iov[] = {{"x", 2}};
        ck_assert_int_eq(xkl__wire_encode(buf, sizeof buf, t, t + 1, 0, iov, 1), 18);
        struct xsd_sockmsg h;
        ck_assert_int_eq(xkl__wire_decode_header(buf, &h), t == XKL__TYPE_REMOVED ? -1 : 0);
        if (t != XKL__TYPE_REMOVED) {
            ck_assert_uint_eq(h.type, t);
            ck_assert_ptr_nonnull(xkl__wire_type_name(t));
        }
    }
    ck_assert_ptr_null(xkl__wire_type_name(XKL__TYPE_LAST + 1));
    ck_assert_str_eq(xkl__wire_type_name(XS_DIRECTORY_PART), "DIRECTORY_PART");
}
END_TEST

START_TEST(encode_payload_limit)
{
    static char big[XENSTORE_PAYLOAD_MAX + 1];
    unsigned char buf[XKL__MSG_MAX];
    struct xkl__iov iov[] = {{big, XENSTORE_PAYLOAD_MAX}};
    ck_assert_int_eq(xkl__wire_encode(buf, sizeof buf, XS_WRITE, 1, 0, iov, 1),
                     16 + XENSTORE_PAYLOAD_MAX);
    struct xkl__iov iov2[] = {{big, XENSTORE_PAYLOAD_MAX}, {"x", 1}};
    errno = 0;
    ck_assert_int_eq(xkl__wire_encode(buf, sizeof buf, XS_WRITE, 1, 0, iov2, 2), -1);
    ck_assert_int_eq(errno, E2BIG);
    /* buffer too small is ENOSPC, not an overflow */
    ck_assert_int_eq(xkl__wire_encode(buf, 20, XS_WRITE, 1, 0, iov, 1), -1);
    ck_assert_int_eq(errno, ENOSPC);
}
END_TEST

START_TEST(decode_header_rejects)
{
    struct xsd_sockmsg in = {.type = XS_READ, .len = XENSTORE_PAYLOAD_MAX + 1}, out;
    errno = 0;
    ck_assert_int_eq(xkl__wire_decode_header(&in, &out), -1);
    ck_assert_int_eq(errno, EBADMSG);
    in.len = XENSTORE_PAYLOAD_MAX;
    ck_assert_int_eq(xkl__wire_decode_header(&in, &out), 0);
    in.type = XS_INVALID;
    ck_assert_int_eq(xkl__wire_decode_header(&in, &out), -1);
    in.type = XKL__TYPE_LAST + 1;
    ck_assert_int_eq(xkl__wire_decode_header(&in, &out), -1);
    in.type = XS_WATCH_EVENT;
    ck_assert_int_eq(xkl__wire_decode_header(&in, &out), 0);
}
END_TEST

START_TEST(error_names)
{
    int e;
    for (size_t i = 0; i < sizeof xsd_errors / sizeof xsd_errors[0]; i++) {
        char b[32];
        size_t l = strlen(xsd_errors[i].errstring) + 1;
        memcpy(b, xsd_errors[i].errstring, l);
        ck_assert_int_eq(xkl__wire_parse_error(b, l, &e), 0);
        ck_assert_int_eq(e, xsd_errors[i].errnum);
        ck_assert_str_eq(xkl__wire_errno_name(e), xsd_errors[i].errstring);
    }
    ck_assert_int_eq(xkl__wire_parse_error(S("EWHATEVER\0"), &e), 0);
    ck_assert_int_eq(e, EIO);
    ck_assert_int_eq(xkl__wire_parse_error(S("EACCES"), &e), -1);
    ck_assert_int_eq(errno, EBADMSG);
    ck_assert_int_eq(xkl__wire_parse_error(S(""), &e), -1);
    ck_assert_int_eq(xkl__wire_parse_error(S("\0"), &e), -1);
    ck_assert_int_eq(xkl__wire_parse_error(S("EACCES\0X\0"), &e), -1);
    ck_assert_int_eq(xkl__wire_parse_error(S("ACCES\0"), &e), -1);
    ck_assert_ptr_null(xkl__wire_errno_name(ETIMEDOUT));
}
END_TEST

START_TEST(ok_reply)
{
    ck_assert_int_eq(xkl__wire_parse_ok(S("OK\0")), 0);
    ck_assert_int_eq(xkl__wire_parse_ok(S("OK")), -1);
    ck_assert_int_eq(xkl__wire_parse_ok(S("KO\0")), -1);
    ck_assert_int_eq(xkl__wire_parse_ok(S("OK\0\0")), -1);
    ck_assert_int_eq(xkl__wire_parse_ok(S("")), -1);
}
END_TEST

START_TEST(strings_reply)
{
    unsigned n = 99;
    char **v = xkl__wire_parse_strings(S(""), &n);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(n, 0);
    ck_assert_ptr_null(v[0]);
    free(v);
    v = xkl__wire_parse_strings(S("a\0bc\0\0"), &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(v[0], "a");
    ck_assert_str_eq(v[1], "bc");
    ck_assert_str_eq(v[2], "");
    ck_assert_ptr_null(v[3]);
    free(v);
    errno = 0;
    ck_assert_ptr_null(xkl__wire_parse_strings(S("a\0b"), &n));
    ck_assert_int_eq(errno, EBADMSG);
}
END_TEST

START_TEST(uint_reply)
{
    unsigned long v;
    ck_assert_int_eq(xkl__wire_parse_uint(S("4294967295\0"), &v), 0);
    ck_assert_uint_eq(v, 4294967295UL);
    ck_assert_int_eq(xkl__wire_parse_uint(S("0\0"), &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(xkl__wire_parse_uint(S("\0"), &v), -1);
    ck_assert_int_eq(xkl__wire_parse_uint(S("12"), &v), -1);
    ck_assert_int_eq(xkl__wire_parse_uint(S("1a\0"), &v), -1);
    ck_assert_int_eq(xkl__wire_parse_uint(S("-1\0"), &v), -1);
    ck_assert_int_eq(xkl__wire_parse_uint(S("1\0002\0"), &v), -1);
    ck_assert_int_eq(xkl__wire_parse_uint(S("99999999999999999999\0"), &v), -1);
}
END_TEST

START_TEST(bool_and_string_reply)
{
    bool b;
    ck_assert_int_eq(xkl__wire_parse_bool(S("T\0"), &b), 0);
    ck_assert(b);
    ck_assert_int_eq(xkl__wire_parse_bool(S("F\0"), &b), 0);
    ck_assert(!b);
    ck_assert_int_eq(xkl__wire_parse_bool(S("T"), &b), -1);
    ck_assert_int_eq(xkl__wire_parse_bool(S("X\0"), &b), -1);
    char *s = xkl__wire_parse_string(S("/local/domain/3\0"));
    ck_assert_str_eq(s, "/local/domain/3");
    free(s);
    ck_assert_ptr_null(xkl__wire_parse_string(S("/local")));
    ck_assert_ptr_null(xkl__wire_parse_string(S("a\0b\0")));
}
END_TEST

START_TEST(dirpart_reply)
{
    unsigned long long gen;
    const char *names;
    size_t nl;
    bool last;
    ck_assert_int_eq(xkl__wire_parse_dirpart(S("42\0a\0b\0\0"), &gen, &names, &nl, &last), 0);
    ck_assert_uint_eq(gen, 42);
    ck_assert_uint_eq(nl, 4);
    ck_assert_mem_eq(names, "a\0b\0", 4);
    ck_assert(last);
    ck_assert_int_eq(xkl__wire_parse_dirpart(S("7\0a\0"), &gen, &names, &nl, &last), 0);
    ck_assert(!last);
    ck_assert_uint_eq(nl, 2);
    ck_assert_int_eq(xkl__wire_parse_dirpart(S("7\0\0"), &gen, &names, &nl, &last), 0);
    ck_assert(last);
    ck_assert_uint_eq(nl, 0);
    ck_assert_int_eq(xkl__wire_parse_dirpart(S("\0a\0"), &gen, &names, &nl, &last), -1);
    ck_assert_int_eq(xkl__wire_parse_dirpart(S("x\0a\0"), &gen, &names, &nl, &last), -1);
    ck_assert_int_eq(xkl__wire_parse_dirpart(S("1\0a\0\0b\0"), &gen, &names, &nl, &last), -1);
    ck_assert_int_eq(xkl__wire_parse_dirpart(S("1\0a"), &gen, &names, &nl, &last), -1);
    ck_assert_int_eq(xkl__wire_parse_dirpart(S(""), &gen, &names, &nl, &last), -1);
}
END_TEST

START_TEST(event_reply)
{
    const char *p, *t;
    ck_assert_int_eq(xkl__wire_parse_event(S("/a/b\0tok\0"), &p, &t), 0);
    ck_assert_str_eq(p, "/a/b");
    ck_assert_str_eq(t, "tok");
    ck_assert_int_eq(xkl__wire_parse_event(S("/a/b\0\0"), &p, &t), 0);
    ck_assert_str_eq(t, "");
    ck_assert_int_eq(xkl__wire_parse_event(S("/a/b\0"), &p, &t), -1);
    ck_assert_int_eq(xkl__wire_parse_event(S("\0tok\0"), &p, &t), -1);
    ck_assert_int_eq(xkl__wire_parse_event(S("/a\0tok"), &p, &t), -1);
    ck_assert_int_eq(xkl__wire_parse_event(S(""), &p, &t), -1);
}
END_TEST

START_TEST(perms_codec)
{
    struct xkl_xs_perm p;
    ck_assert_int_eq(xkl_xs_perm_parse("b65535", &p), 0);
    ck_assert_uint_eq(p.perm, XKL_XS_PERM_BOTH);
    ck_assert_uint_eq(p.domid, 65535);
    ck_assert_int_eq(xkl_xs_perm_parse("n0", &p), 0);
    ck_assert_uint_eq(p.perm, XKL_XS_PERM_NONE);
    ck_assert_int_eq(xkl_xs_perm_parse("r5", &p), 0);
    ck_assert_uint_eq(p.perm, XKL_XS_PERM_READ);
    ck_assert_int_eq(xkl_xs_perm_parse("w7", &p), 0);
    ck_assert_uint_eq(p.perm, XKL_XS_PERM_WRITE);
    const char *bad[] = {"", "n", "x1", "N1", "n1x", "n65536", "n-1", "n99999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errno = 0;
        ck_assert_int_eq(xkl_xs_perm_parse(bad[i], &p), -1);
        ck_assert_int_eq(errno, EINVAL);
    }
    ck_assert_int_eq(xkl_xs_perm_parse(NULL, &p), -1);

    char buf[16];
    struct xkl_xs_perm q = {.domid = 12, .perm = XKL_XS_PERM_WRITE};
    ck_assert_int_eq(xkl_xs_perm_format(&q, buf, sizeof buf), 3);
    ck_assert_str_eq(buf, "w12");
    ck_assert_int_eq(xkl_xs_perm_format(&q, buf, 3), -1);
    ck_assert_int_eq(errno, ENOSPC);
    q.perm = 4;
    ck_assert_int_eq(xkl_xs_perm_format(&q, buf, sizeof buf), -1);
    ck_assert_int_eq(errno, EINVAL);

    unsigned n;
    struct xkl_xs_perm *v = xkl__wire_parse_perms(S("n0\0r5\0b7\0"), &n);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(v[2].domid, 7);
    ck_assert_uint_eq(v[2].perm, XKL_XS_PERM_BOTH);
    free(v);
    ck_assert_ptr_null(xkl__wire_parse_perms(S("n0\0q5\0"), &n));
    ck_assert_int_eq(errno, EBADMSG);
    ck_assert_ptr_null(xkl__wire_parse_perms(S("n0"), &n));
    ck_assert_ptr_null(xkl__wire_parse_perms(S(""), &n));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("light_xs_wire");
    TCase *tc = tcase_create("codec");
    tcase_add_test(tc, encode_header_and_payload);
    tcase_add_test(tc, encode_every_type);
    tcase_add_test(tc, encode_payload_limit);
    tcase_add_test(tc, decode_header_rejects);
    tcase_add_test(tc, error_names);
    tcase_add_test(tc, ok_reply);
    tcase_add_test(tc, strings_reply);
    tcase_add_test(tc, uint_reply);
    tcase_add_test(tc, bool_and_string_reply);
    tcase_add_test(tc, dirpart_reply);
    tcase_add_test(tc, event_reply);
    tcase_add_test(tc, perms_codec);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
