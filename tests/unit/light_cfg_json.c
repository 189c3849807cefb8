/* Domain configuration <-> JSON: shape, defaults omitted, round trip and
 * the errors of the reader. */
#include "private.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static xkl_domain_config *from_text(const char *text)
{
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_cfg *cfg = xkl_cfg_parse("t.cfg", text, strlen(text), &d);
    ck_assert_ptr_nonnull(cfg);
    xkl_domain_config *dc = xkl_domain_config_from_cfg(cfg, &d);
    ck_assert_msg(dc != NULL, "%s", d.n ? d.v[0].text : "");
    xkl_cfg_free(cfg);
    xkl_diags_dispose(&d);
    return dc;
}

START_TEST(defaults_init_and_dispose)
{
    struct xkl_domain_config dc;
    xkl__domain_config_init(&dc);
    ck_assert(xkl__domain_config_is_default(&dc));
    ck_assert_int_eq(dc.b_info.max_memkb, -1);
    ck_assert_int_eq(dc.b_info.hvm.acpi, -1);
    ck_assert_int_eq(dc.b_info.sched_params.weight, -1);
    char *j = xkl__domain_config_gen_json(&dc);
    ck_assert_ptr_null(strchr(j, '"'));   /* every field at its default: no key */
    ck_assert_int_eq(j[0], '{');
    free(j);
    ck_assert_int_eq(xkl__strlist_add(&dc.pcidevs, &dc.num_pcidevs, "01:00.0"), 0);
    ck_assert(!xkl__domain_config_is_default(&dc));
    xkl__domain_config_dispose(&dc);
    ck_assert(xkl__domain_config_is_default(&dc));
}
END_TEST

START_TEST(json_shape)
{
    xkl_domain_config *dc = from_text(
        "name = 'j'\nbuilder = 'hvm'\nmemory = 64\nvcpus = 2\nacpi = 0\n"
        "uuid = '00112233-4455-6677-8899-aabbccddeeff'\n"
        "disk = [ ',hdc:cdrom,r' ]\nvif = [ 'bridge=br0' ]\ncpuid = [ 'host', 'x=1' ]\n");
    char *j = xkl_domain_config_to_json(dc);
    ck_assert_ptr_nonnull(j);
    ck_assert_ptr_nonnull(strstr(j, "\"c_info\": {\n        \"type\": \"hvm\",\n        \"name\": \"j\",\n"
                                    "        \"uuid\": \"00112233-4455-6677-8899-aabbccddeeff\"\n    }"));
    ck_assert_ptr_nonnull(strstr(j, "\"max_vcpus\": 2"));
    ck_assert_ptr_nonnull(strstr(j, "\"avail_vcpus\": [\n            0,\n            1\n        ]"));
    ck_assert_ptr_nonnull(strstr(j, "\"target_memkb\": 65536"));
    ck_assert_ptr_nonnull(strstr(j, "\"type.hvm\": {\n            \"acpi\": \"False\""));
    ck_assert_ptr_nonnull(strstr(j, "\"format\": \"empty\""));
    ck_assert_ptr_nonnull(strstr(j, "\"is_cdrom\": 1"));
    ck_assert_ptr_nonnull(strstr(j, "\"nics\": [\n        {\n            \"devid\": 0,\n            \"bridge\": \"br0\""));
    ck_assert_ptr_nonnull(strstr(j, "\"on_reboot\": \"restart\""));
    ck_assert_ptr_nonnull(strstr(j, "\"xkit_raw\": {\n        \"cpuid\": [\n            \"host\","));
    ck_assert_ptr_null(strstr(j, "pdev_path"));   /* unset fields are omitted */
    free(j);
    xkl_domain_config_free(dc);
}
END_TEST

START_TEST(json_roundtrip_every_kind)
{
    xkl_domain_config *dc = from_text(
        "name = 'rt'\ntype = 'hvm'\nmemory = 0x40\nmaxmem = 128\nvcpus = 1\nmaxvcpus = 4\n"
        "cpus = '0-3,^1'\nkernel = '/k'\nramdisk = '/r'\nroot = '/dev/xvda1'\nextra = 'ro'\n"
        "bootloader_args = '-q --x'\ntsc_mode = 2\nhap = 1\nnestedhvm = 1\n"
        "viridian = [ 'base', 'freq' ]\nshadow_memory = 8\ndevice_model_version = 'qemu-xen'\n"
        "device_model_args = [ '-a', 'b\"c' ]\nvnc = 1\nvnclisten = '0.0.0.0'\nserial = 'pty'\n"
        "cpu_weight = 512\nusbdevice = [ 'tablet' ]\npci = [ '01:00.0', '0000:02:00.1@3' ]\n"
        "disk = [ 'vdev=xvda, discard, direct-io-safe, target=/a, b' ]\n"
        "vif = [ 'mac=aa:bb:cc:dd:ee:ff,rate=1Mb/s,trusted' ]\n"
        "vnuma = [ [ 'pnode=0', 'size=64' ] ]\nmax_grant_frames = 0x20\nrtc_timeoffset = '-3600'\n"
        "on_watchdog = 'rename-restart'\n");
    ck_assert_str_eq(dc->b_info.cmdline, "root=/dev/xvda1 ro");
    ck_assert_uint_eq(dc->b_info.num_bootloader_args, 2);
    ck_assert_int_eq(dc->b_info.hvm.rtc_timeoffset, -3600);
    char *j = xkl_domain_config_to_json(dc);
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_domain_config *back = xkl_domain_config_from_json(j, strlen(j), &d);
    ck_assert_msg(back != NULL, "%s", d.n ? d.v[0].text : "");
    char *j2 = xkl_domain_config_to_json(back);
    ck_assert_str_eq(j, j2);
    ck_assert_ptr_nonnull(strstr(j, "\"max_grant_frames\": 32"));
    ck_assert_str_eq(back->disks[0].pdev_path, "/a, b");
    ck_assert_int_eq(back->on_watchdog, XKL_ACTION_RESTART_RENAME);
    free(j);
    free(j2);
    xkl_domain_config_free(back);
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);
}
END_TEST

static void json_error(const char *json, const char *msg)
{
    xkl_diags d;
    xkl_diags_init(&d);
    ck_assert_ptr_null(xkl_domain_config_from_json(json, strlen(json), &d));
    ck_assert_uint_ge(d.nerrors, 1);
    ck_assert_msg(strstr(d.v[0].text, msg) != NULL, "got: %s", d.v[0].text);
    xkl_diags_dispose(&d);
}

START_TEST(json_reader_errors)
{
    json_error("{", "<json>: invalid JSON");
    json_error("[]", "<json>: at : expected an object");
    json_error("{\"c_info\": {\"name\": 3}}", "at c_info.name: expected a string");
    json_error("{\"c_info\": {\"type\": \"xen\"}}", "at c_info.type: expected a domain_type name");
    json_error("{\"c_info\": {\"uuid\": \"x\"}}", "at c_info.uuid: expected a uuid string");
    json_error("{\"c_info\": {\"hap\": 1}}", "at c_info.hap: expected \"True\" or \"False\"");
    json_error("{\"b_info\": {\"max_memkb\": \"1\"}}", "at b_info.max_memkb: expected an integer");
    json_error("{\"b_info\": {\"avail_vcpus\": [1]}}", "at b_info.avail_vcpus: expected cpu numbers 0, 1, ... in order");
    json_error("{\"b_info\": {\"type.hvm\": {\"wat\": 1}}}", "at b_info.type.hvm.wat: expected a known key");
    json_error("{\"disks\": [{\"direct_io_safe\": 1}]}", "at disks[0].direct_io_safe: expected true or false");
    json_error("{\"disks\": {}}", "at disks: expected an array of objects");
    json_error("{\"pcidevs\": [1]}", "at pcidevs: expected an array of strings");
    json_error("{\"xkit_raw\": {\"a\": {}}}", "at xkit_raw: expected strings, integers and arrays of them");
    json_error("{\"xkit_raw\": []}", "at xkit_raw: expected an object");
    char deep[200] = "{\"xkit_raw\": {\"a\": ";
    for (int i = 0; i < 70; i++)
        strcat(deep, "[");
    json_error(deep, "nested more than 64 levels");
    xkl_diags d;
    xkl_diags_init(&d);
    ck_assert_ptr_null(xkl_domain_config_from_json("{}\0{}", 5, &d));
    ck_assert_ptr_nonnull(strstr(d.v[0].text, "NUL byte"));
    xkl_diags_dispose(&d);
    /* true/false accepted for defbools too (hand-written JSON) */
    xkl_diags_init(&d);
    xkl_domain_config *dc = xkl_domain_config_from_json("{\"c_info\": {\"hap\": true}}", 25, &d);
    ck_assert_ptr_nonnull(dc);
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);
}
END_TEST

START_TEST(semantic_errors)
{
    static const char *const bad[] = {
        "name = 'x'\nvcpus = 0\n", "name = 'x'\nuuid = 'nope'\n", "name = 'x'\nhap = 'yes'\n",
        "name = 'x'\ntsc_mode = 'fast'\n", "name = 'x'\ntsc_mode = [ 1 ]\n",
        "name = 'x'\ndevice_model_version = 'qemu'\n", "name = 'x'\nvif = 'bridge=b'\n",
        "name = 'x'\nvif = [ [ 'a' ] ]\n", "name = 'x'\ndisk = [ [ 'a' ] ]\n",
        "name = 'x'\npci = [ 'zz:00.0' ]\n", "name = 'x'\npci = '01:00.0'\n",
        "name = 'x'\nbuilder = 'hvm'\nbios = 'uefi'\n", "name = [ 'x' ]\n", "name = ''\n",
        "name = 'x'\ntype = [ 'pv' ]\n", "name = 'x'\ncpu_weight = 0\n",
        "name = 'x'\ndevice_model_args = 'a'\n", "name = 'x'\non_reboot = [ 'x' ]\n",
        "name = 'x'\npvh = 'a'\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        xkl_diags d;
        xkl_diags_init(&d);
        xkl_cfg *cfg = xkl_cfg_parse("t.cfg", bad[i], strlen(bad[i]), &d);
        ck_assert_ptr_nonnull(cfg);
        xkl_domain_config *dc = xkl_domain_config_from_cfg(cfg, &d);
        ck_assert_msg(dc == NULL, "accepted: %s", bad[i]);
        ck_assert_uint_ge(d.nerrors, 1);
        ck_assert_msg(strncmp(d.v[d.n - 1].text, "t.cfg:", 6) == 0, "%s", d.v[d.n - 1].text);
        xkl_cfg_free(cfg);
        xkl_diags_dispose(&d);
    }
}
END_TEST

START_TEST(warnings_do_not_fail)
{
    xkl_diags d;
    xkl_diags_init(&d);
    const char *t = "name = 'w'\nwibble = 1\nacpi = 1\ndevice_model = '/x'\ncmdline = 'c'\nroot = 'r'\n";
    xkl_cfg *cfg = xkl_cfg_parse("t.cfg", t, strlen(t), &d);
    xkl_domain_config *dc = xkl_domain_config_from_cfg(cfg, &d);
    ck_assert_ptr_nonnull(dc);
    ck_assert_uint_eq(d.nerrors, 0);
    ck_assert_uint_eq(d.nwarnings, 4);
    ck_assert_str_eq(d.v[0].text, "t.cfg:2:1: warning: unknown key 'wibble' ignored");
    ck_assert_str_eq(dc->b_info.cmdline, "c");
    ck_assert_int_eq(dc->c_info.type, XKL_DOMAIN_TYPE_PV);
    xkl_domain_config_free(dc);
    xkl_cfg_free(cfg);
    xkl_diags_dispose(&d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("light_cfg_json");
    TCase *tc = tcase_create("json");
    tcase_add_test(tc, defaults_init_and_dispose);
    tcase_add_test(tc, json_shape);
    tcase_add_test(tc, json_roundtrip_every_kind);
    tcase_add_test(tc, json_reader_errors);
    tcase_add_test(tc, semantic_errors);
    tcase_add_test(tc, warnings_do_not_fail);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
