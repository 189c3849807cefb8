/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shared real-world corpus (../shared/xlcfg-corpus, read in place):
 * every file must get the verdict EXPECT.tsv records for Xen's own xl, with
 * the same reason, and every accepted one must survive JSON both ways.
 * Skipped (with a message) when the corpus is not there.
 */
#include "private.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static char corpus[4096];

static bool have_corpus(void)
{
    const char *src = getenv("XK_SRCDIR");
    snprintf(corpus, sizeof corpus, "%s/../shared/xlcfg-corpus", src ? src : "../..");
    struct stat st;
    char tsv[4200];
    snprintf(tsv, sizeof tsv, "%s/EXPECT.tsv", corpus);
    return stat(tsv, &st) == 0;
}

static bool diag_has(const xkl_diags *d, enum xkl_diag_level lvl, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].level == lvl && strcasestr(d->v[i].text, needle))
            return true;
    return false;
}

/* xl's words in the reason column -> the words our message must contain */
static const struct { const char *xl, *ours; } reasons[] = {
    { "unknown value for access", "unknown value for access" },
    { "Domain name must be specified", "domain name must be specified" },
    { "Invalid domain type", "invalid domain type" },
};

static void check_roundtrip(const char *file, const char *json)
{
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_domain_config *dc = xkl_domain_config_from_json(json, strlen(json), &d);
    ck_assert_msg(dc != NULL, "%s: JSON does not parse back: %s", file, d.n ? d.v[0].text : "");
    char *again = xkl_domain_config_to_json(dc);
    ck_assert_ptr_nonnull(again);
    ck_assert_msg(strcmp(json, again) == 0, "%s: JSON changed on the round trip", file);
    free(again);
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);
}

START_TEST(corpus_matches_xl)
{
    if (!have_corpus()) {
        fprintf(stderr, "light_cfg_corpus: SKIP: no %s\n", corpus);
        return;
    }
    char tsv[4200];
    snprintf(tsv, sizeof tsv, "%s/EXPECT.tsv", corpus);
    FILE *f = fopen(tsv, "r");
    ck_assert_ptr_nonnull(f);
    char line[8192];
    int files = 0, accepted = 0;
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));   /* header */
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char *save = NULL;
        char *file = strtok_r(line, "\t", &save);
        char *expected = strtok_r(NULL, "\t", &save);
        char *reason = strtok_r(NULL, "", &save);
        if (!file || !expected)
            continue;
        char path[8400];
        snprintf(path, sizeof path, "%s/%s", corpus, file);
        xkl_diags d;
        xkl_diags_init(&d);
        char *json = xkl_cfg_to_json(path, NULL, 0, &d);
        files++;
        if (!strcmp(expected, "accept")) {
            ck_assert_msg(json != NULL, "%s: xl accepts it, we reject: %s", file,
                          d.n ? d.v[d.n - 1].text : "");
            accepted++;
            /* "unrecognized argument `X'" in the reason: we warn about X */
            const char *u = reason ? strstr(reason, "unrecognized argument `") : NULL;
            if (u) {
                char arg[256];
                u += strlen("unrecognized argument `");
                snprintf(arg, sizeof arg, "%.*s", (int)strcspn(u, "'"), u);
                ck_assert_msg(diag_has(&d, XKL_DIAG_WARNING, arg), "%s: no warning about %s", file, arg);
            }
            check_roundtrip(file, json);
        } else {
            ck_assert_msg(json == NULL, "%s: xl rejects it (%s), we accept", file, reason);
            bool known = false;
            for (size_t i = 0; i < sizeof reasons / sizeof *reasons; i++) {
                if (!reason || !strstr(reason, reasons[i].xl))
                    continue;
                known = true;
                ck_assert_msg(diag_has(&d, XKL_DIAG_ERROR, reasons[i].ours),
                              "%s: expected an error saying '%s'", file, reasons[i].ours);
            }
            ck_assert_msg(known, "%s: reason not mapped in this test: %s", file, reason);
        }
        free(json);
        xkl_diags_dispose(&d);
    }
    fclose(f);
    ck_assert_int_eq(files, 45);
    ck_assert_int_eq(accepted, 41);
}
END_TEST

/* Spot checks of values xl would use, on files of the corpus. */
START_TEST(corpus_values)
{
    if (!have_corpus())
        return;
    char path[4200];
    snprintf(path, sizeof path, "%s/045-libvirt-xm-pci-dev-syntax.cfg", corpus);
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_cfg *cfg = xkl_cfg_parse_file(path, &d);
    ck_assert_ptr_nonnull(cfg);
    struct xkl_domain_config *dc = xkl_domain_config_from_cfg(cfg, &d);
    ck_assert_ptr_nonnull(dc);
    ck_assert_int_eq(dc->c_info.type, XKL_DOMAIN_TYPE_HVM);
    ck_assert_int_eq(dc->b_info.target_memkb, 350 * 1024);
    ck_assert_int_eq(dc->b_info.max_memkb, 382 * 1024);
    ck_assert_uint_eq(dc->num_pcidevs, 2);
    ck_assert_str_eq(dc->pcidevs[0], "0001:0c:1b.2");
    ck_assert_uint_eq(dc->num_disks, 2);
    ck_assert_int_eq(dc->disks[1].is_cdrom, 1);
    ck_assert_int_eq(dc->disks[1].format, XKL_DISK_FORMAT_EMPTY);
    ck_assert_int_eq(dc->on_reboot, XKL_ACTION_DESTROY);
    xkl_domain_config_free(dc);
    xkl_cfg_free(cfg);
    xkl_diags_dispose(&d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("light_cfg_corpus");
    TCase *tc = tcase_create("corpus");
    tcase_add_test(tc, corpus_matches_xl);
    tcase_add_test(tc, corpus_values);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
