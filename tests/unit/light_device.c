/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the device layer that need no hypervisor: where a device's
 * ends live and the nodes and permissions they get (what libxl writes),
 * the primary console's special frontend, and the table of kinds. */
#include "private.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct xkl__node *find(const struct xkl__layout *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].path, path))
            return &l->v[i];
    return NULL;
}

static const char *perms_of(const struct xkl__layout *l, const char *path, char *buf)
{
    const struct xkl__node *nd = find(l, path);
    ck_assert_msg(nd, "no node %s", path);
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

static const char *value_of(const struct xkl__layout *l, const char *path)
{
    const struct xkl__node *nd = find(l, path);
    ck_assert_msg(nd, "no node %s", path);
    return nd->value ? nd->value : "(dir)";
}

START_TEST(generic_device_nodes)
{
    const struct xkl__kv fe[] = { { "virtual-device", "51712" } };
    const struct xkl__kv be[] = { { "params", "/img" }, { "mode", "w" } };
    struct xkl__device d = { .kind = xkl__devkind_find("vbd"), .domid = 5, .backend_domid = 3,
                             .devid = 51712, .front = fe, .nfront = 1, .back = be, .nback = 2 };
    char f[128], b[128], pb[64];
    xkl__device_paths(&d, f, b);
    ck_assert_str_eq(f, "/local/domain/5/device/vbd/51712");
    ck_assert_str_eq(b, "/local/domain/3/backend/vbd/5/51712");
    struct xkl__layout l;
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__device_layout(&l, &d), 0);
    /* frontend: the guest's, read by the backend domain */
    ck_assert_str_eq(perms_of(&l, f, pb), "n5,r3");
    ck_assert_str_eq(value_of(&l, "/local/domain/5/device/vbd/51712/backend"), b);
    ck_assert_str_eq(value_of(&l, "/local/domain/5/device/vbd/51712/backend-id"), "3");
    ck_assert_str_eq(value_of(&l, "/local/domain/5/device/vbd/51712/state"), "1");
    ck_assert_str_eq(value_of(&l, "/local/domain/5/device/vbd/51712/virtual-device"), "51712");
    /* backend: the backend domain's, read by the guest */
    ck_assert_str_eq(perms_of(&l, "/local/domain/3/backend/vbd/5", pb), "n3");
    ck_assert_str_eq(perms_of(&l, b, pb), "n3,r5");
    ck_assert_str_eq(value_of(&l, "/local/domain/3/backend/vbd/5/51712/frontend"), f);
    ck_assert_str_eq(value_of(&l, "/local/domain/3/backend/vbd/5/51712/frontend-id"), "5");
    ck_assert_str_eq(value_of(&l, "/local/domain/3/backend/vbd/5/51712/online"), "1");
    ck_assert_str_eq(value_of(&l, "/local/domain/3/backend/vbd/5/51712/state"), "1");
    ck_assert_str_eq(value_of(&l, "/local/domain/3/backend/vbd/5/51712/params"), "/img");
    ck_assert_ptr_null(find(&l, "/local/domain/3/backend/vbd/5/51712/backend"));
    /* libxl's record: the backend's nodes plus the backend's path */
    ck_assert_str_eq(value_of(&l, "/libxl/5/device/vbd/51712/backend"), b);
    ck_assert_str_eq(value_of(&l, "/libxl/5/device/vbd/51712/mode"), "w");
    /* a stale device of the same id goes first, not its siblings */
    bool rm_be = false, rm_kind = false;
    for (size_t i = 0; i < l.nrm; i++) {
        rm_be |= !strcmp(l.rm[i], b);
        rm_kind |= !strcmp(l.rm[i], "/local/domain/3/backend/vbd/5");
    }
    ck_assert(rm_be && !rm_kind);
    xkl__layout_dispose(&l);
}
END_TEST

START_TEST(primary_console_frontend)
{
    struct xkl__device d = { .kind = xkl__devkind_find("console"), .domid = 9, .backend_domid = 0 };
    char f[128], b[128], pb[64];
    xkl__device_paths(&d, f, b);
    ck_assert_str_eq(f, "/local/domain/9/console");
    struct xkl__layout l;
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__device_layout(&l, &d), 0);
    ck_assert_ptr_null(find(&l, f));                       /* inherits the domain's */
    ck_assert_ptr_null(find(&l, "/local/domain/9/console/state"));
    ck_assert_str_eq(perms_of(&l, "/local/domain/9/console/backend-id", pb), "n9,r0");
    xkl__layout_dispose(&l);
    /* a second console is an ordinary device */
    d.devid = 1;
    xkl__device_paths(&d, f, b);
    ck_assert_str_eq(f, "/local/domain/9/device/console/1");
}
END_TEST

START_TEST(kinds_table)
{
    ck_assert_ptr_null(xkl__devkind_find("nope"));
    ck_assert_str_eq(xkl__devkind_find("qdisk")->frontend, "vbd");
    /* destroy removes every kind's backends: the layout takes them from the table */
    struct xkl__layout l;
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__layout_owned(&l, 4, "/vm/x"), 0);
    for (const struct xkl__devkind *k = xkl__devkinds; k->name; k++) {
        char p[96];
        snprintf(p, sizeof p, "/local/domain/0/backend/%s/4", k->name);
        bool found = false;
        for (size_t i = 0; i < l.nrm; i++)
            found |= !strcmp(l.rm[i], p);
        ck_assert_msg(found, "destroy does not remove %s", p);
    }
    xkl__layout_dispose(&l);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("device");
    TCase *tc = tcase_create("device");
    tcase_add_test(tc, generic_device_nodes);
    tcase_add_test(tc, primary_console_frontend);
    tcase_add_test(tc, kinds_table);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
