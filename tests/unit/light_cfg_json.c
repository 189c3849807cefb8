/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Domain configuration <-> JSON: shape, defaults omitted, round trip and
 * the errors of the reader. */
#include "private.h"

#include <check.h>
#include <stdio.h>
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
    /* xl 4.17 reads acpi= into b_info.acpi for every guest type */
    ck_assert_ptr_nonnull(strstr(j, "\n        \"acpi\": \"False\""));
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
        "name = 'x'\nvcpus = 0\n", "name = 'x'\nuuid = 'nope'\n", "name = 'x'\ntype = 'pvh'\nhap = 'yes'\n",
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

/* Convert TEXT; DC or NULL, the diagnostics in *D (caller disposes). */
static xkl_domain_config *convert_text(const char *text, xkl_diags *d)
{
    xkl_diags_init(d);
    xkl_cfg *cfg = xkl_cfg_parse("t.cfg", text, strlen(text), d);
    ck_assert_msg(cfg != NULL, "%s", d->n ? d->v[0].text : "");
    xkl_domain_config *dc = xkl_domain_config_from_cfg(cfg, d);
    xkl_cfg_free(cfg);
    return dc;
}

static bool has_diag(const xkl_diags *d, const char *text)
{
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->v[i].text, text))
            return true;
    return false;
}

START_TEST(key_table_rows)
{
    ck_assert_uint_ge(xkl__cfg_nkeys, 150);
    for (size_t i = 0; i < xkl__cfg_nkeys; i++) {
        const struct xkl__cfg_key *k = &xkl__cfg_keys[i];
        ck_assert_msg(k->name[0] >= 'a' && k->name[0] <= 'z', "%s", k->name);
        ck_assert_msg(strspn(k->name, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(k->name), "%s", k->name);
        ck_assert_msg(k->types != 0 && (k->types & ~XKL__KT_ANY) == 0, "%s: types", k->name);
        ck_assert_msg(xkl__cfg_key_find(k->name) == k, "%s: listed twice", k->name);
        ck_assert_msg(k->kind != XKL__KEY_FN || k->conv, "%s: no converter", k->name);
        ck_assert_msg(k->kind != XKL__KEY_RAW || k->create == XKL__CREATE_NOT, "%s: raw but acted on", k->name);
    }
    ck_assert_str_eq(xkl__cfg_keys[0].name, "type");   /* converted first */
    ck_assert_ptr_null(xkl__cfg_key_find("vif2"));       /* not an xl.cfg key */
    ck_assert_int_eq(xkl__cfg_key_find("max_grant_frames")->kind, XKL__KEY_INT);
    ck_assert_int_eq(xkl__cfg_key_find("vfb")->kind, XKL__KEY_RAW);
    ck_assert_int_eq(xkl__cfg_key_find("e820_host")->types, XKL__KT_PV);
}
END_TEST

/* The first setting create cannot act on, for TEXT (which must convert). */
static const char *unsupported_of(const char *text)
{
    static char key[64];
    xkl_diags d;
    xkl_domain_config *dc = convert_text(text, &d);
    ck_assert_msg(dc != NULL, "%s: %s", text, d.n ? d.v[d.n - 1].text : "");
    const char *k = xkl__config_unsupported(dc);
    snprintf(key, sizeof key, "%s", k ? k : "(none)");
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);
    return key;
}

#define PVG "name = 'u'\nkernel = '/k'\n"
#define PVHG "name = 'u'\ntype = 'pvh'\nkernel = '/k'\n"

START_TEST(unsupported_every_class)
{
    /* everything create acts on, or that changes nothing it builds */
    ck_assert_str_eq(unsupported_of(PVHG "memory = 64\nmaxmem = 128\nvcpus = 2\nmaxvcpus = 4\n"
                                    "cpus = [ '0', '1' ]\ncpus_soft = 'all'\ncpu_weight = 512\ncap = 50\n"
                                    "tsc_mode = 'native'\nmax_grant_frames = 64\nmax_maptrack_frames = 0\n"
                                    "max_grant_version = 1\nuuid = '00112233-4455-6677-8899-aabbccddeeff'\n"
                                    "root = '/dev/xvda'\nextra = 'ro'\nramdisk = '/r'\nhap = 1\nnestedhvm = 1\n"
                                    "on_crash = 'preserve'\nvideoram = 8\nvnclisten = '::'\nvncunused = 1\n"
                                    "device_model_version = 'qemu-xen'\nbootloader_args = [ '-q' ]\n"
                                    "pool = 'Pool-0'\ndriver_domain = 0\naltp2m = 'disabled'\nvnc = 0\n"),
                     "(none)");
    /* devices and boot */
    /* disks and vifs are acted on (issue 10) */
    ck_assert_str_eq(unsupported_of(PVG "disk = [ 'phy:/dev/vg/a,xvda,w' ]\n"), "(none)");
    ck_assert_str_eq(unsupported_of(PVG "vif = [ 'bridge=xenbr0' ]\n"), "(none)");
    ck_assert_str_eq(unsupported_of(PVG "pci = [ '01:00.0' ]\n"), "pci");
    /* pygrub maps to pvgrub (a kernel); any other bootloader is refused */
    ck_assert_str_eq(unsupported_of("name = 'u'\nbootloader = 'pygrub'\n"), "(none)");
    ck_assert_str_eq(unsupported_of("name = 'u'\nbootloader = '/usr/bin/mybootloader'\n"), "bootloader");
    /* raw keys */
    ck_assert_str_eq(unsupported_of(PVG "vfb = [ 'vnc=1' ]\n"), "vfb");
    ck_assert_str_eq(unsupported_of(PVG "nomigrate = 1\n"), "nomigrate");
    ck_assert_str_eq(unsupported_of(PVHG "pvshim = 1\n"), "pvshim");
    /* typed fields create does not implement */
    ck_assert_str_eq(unsupported_of(PVG "vnc = 1\n"), "vnc");
    ck_assert_str_eq(unsupported_of(PVG "sdl = 1\n"), "sdl");
    ck_assert_str_eq(unsupported_of(PVG "pool = 'fast'\n"), "(none)");   /* cpupools (issue 14) */
    ck_assert_str_eq(unsupported_of(PVG "driver_domain = 1\n"), "driver_domain");
    ck_assert_str_eq(unsupported_of(PVG "shadow_memory = 8\n"), "shadow_memory");
    ck_assert_str_eq(unsupported_of(PVHG "shadow_memory = 8\n"), "(none)");   /* the HAP pool */
    ck_assert_str_eq(unsupported_of(PVG "e820_host = 1\n"), "e820_host");
    ck_assert_str_eq(unsupported_of(PVHG "oos = 0\n"), "oos");
    ck_assert_str_eq(unsupported_of(PVHG "altp2m = 'mixed'\n"), "altp2m");
    ck_assert_str_eq(unsupported_of(PVG "device_model_override = '/q'\n"), "device_model_override");
    ck_assert_str_eq(unsupported_of(PVG "device_model_user = 'q'\n"), "device_model_user");
    ck_assert_str_eq(unsupported_of(PVG "device_model_args_pv = [ '-x' ]\n"), "device_model_args_pv");
    ck_assert_str_eq(unsupported_of(PVG "device_model_args = [ '-x' ]\n"), "device_model_args");
    ck_assert_str_eq(unsupported_of(PVG "device_model_stubdomain_override = 1\n"),
                     "device_model_stubdomain_override");
    /* HVM: what create acts on, and what it still refuses */
    ck_assert_str_eq(unsupported_of("name = 'u'\ntype = 'hvm'\nacpi = 0\n"), "(none)");
    ck_assert_str_eq(unsupported_of("name = 'u'\nfirmware = 'pvgrub64'\n"), "(none)");   /* PV: pvgrub's kernel */
    ck_assert_str_eq(unsupported_of("name = 'u'\ntype = 'hvm'\nfirmware = 'uefi'\n"), "(none)");
    ck_assert_str_eq(unsupported_of("name = 'u'\ntype = 'hvm'\nviridian = 1\n"), "(none)");
    ck_assert_str_eq(unsupported_of("name = 'u'\ntype = 'hvm'\nviridian = [ 'base' ]\n"), "viridian");
    ck_assert_str_eq(unsupported_of("name = 'u'\ntype = 'hvm'\nvga = 'stdvga'\n"), "(none)");
    ck_assert_str_eq(unsupported_of("name = 'u'\ntype = 'hvm'\nvnc = 1\nserial = 'pty'\nusbdevice = 'tablet'\n"),
                     "(none)");
    ck_assert_str_eq(unsupported_of("name = 'u'\ntype = 'hvm'\ndevice_model_args = [ '-x' ]\n"), "(none)");
    ck_assert_str_eq(unsupported_of("name = 'u'\ntype = 'hvm'\ndevice_model_user = 'q'\n"), "device_model_user");
    ck_assert_str_eq(unsupported_of("name = 'u'\ntype = 'hvm'\npae = 0\n"), "pae");
    ck_assert_str_eq(unsupported_of("name = 'u'\ntype = 'hvm'\npae = 1\n"), "(none)");
    ck_assert_str_eq(unsupported_of("name = 'u'\ntype = 'hvm'\nsoundhw = 'hda'\n"), "soundhw");
    ck_assert_str_eq(unsupported_of("name = 'u'\ntype = 'hvm'\ntimer_mode = 2\n"), "timer_mode");
    /* keys for another guest type are warned about and dropped, as by xl */
    ck_assert_str_eq(unsupported_of(PVG "acpi = 0\nacpi_s3 = 0\n"), "(none)");
    ck_assert_str_eq(unsupported_of(PVHG "e820_host = 1\n"), "(none)");
    /* the first in table order */
    ck_assert_str_eq(unsupported_of(PVG "vfb = [ 'vnc=1' ]\npci = [ '01:00.0' ]\nvif = [ '' ]\n"), "pci");

    /* from JSON: the same fields, and raw keys the table does not know */
    static const struct { const char *json, *key; } js[] = {
        { "{\"c_info\": {\"type\": \"pv\", \"name\": \"j\"}, \"pcidevs\": [\"01:00.0\"]}", "pci" },
        { "{\"c_info\": {\"type\": \"pv\", \"name\": \"j\"}, \"b_info\": {\"vnc\": {\"enable\": \"True\"}}}", "vnc" },
        { "{\"c_info\": {\"type\": \"pv\", \"name\": \"j\"}, \"b_info\": {\"type.hvm\": {\"acpi\": \"False\"}}}", NULL },
        { "{\"c_info\": {\"type\": \"pvh\", \"name\": \"j\"}, \"b_info\": {\"shadow_memkb\": 1024}}", NULL },
        { "{\"c_info\": {\"type\": \"pv\", \"name\": \"j\"}, \"b_info\": {\"shadow_memkb\": 1024}}", "shadow_memory" },
        { "{\"c_info\": {\"type\": \"pv\", \"name\": \"j\"}, \"xkit_raw\": {\"wibble\": 1}}", "wibble" },
        { "{\"c_info\": {\"type\": \"pv\", \"name\": \"j\"}, \"xkit_raw\": {\"vtpm\": [\"x\"]}}", "vtpm" },
        { "{\"c_info\": {\"type\": \"pv\", \"name\": \"j\"}, \"b_info\": {\"max_grant_frames\": 8}}", NULL },
    };
    for (size_t i = 0; i < sizeof js / sizeof *js; i++) {
        xkl_diags d;
        xkl_diags_init(&d);
        xkl_domain_config *dc = xkl_domain_config_from_json(js[i].json, strlen(js[i].json), &d);
        ck_assert_msg(dc != NULL, "%s: %s", js[i].json, d.n ? d.v[0].text : "");
        const char *k = xkl__config_unsupported(dc);
        if (js[i].key)
            ck_assert_msg(k && !strcmp(k, js[i].key), "%s: got %s", js[i].json, k ? k : "NULL");
        else
            ck_assert_msg(k == NULL, "%s: got %s", js[i].json, k);
        xkl_domain_config_free(dc);
        xkl_diags_dispose(&d);
    }
}
END_TEST

START_TEST(grant_tables_typed)
{
    xkl_diags d;
    xkl_domain_config *dc = convert_text("name = 'g'\nmax_grant_frames = 0x20\nmax_maptrack_frames = 0\n"
                                         "max_grant_version = 2\n", &d);
    ck_assert_ptr_nonnull(dc);
    ck_assert_int_eq(dc->b_info.max_grant_frames, 32);
    ck_assert_int_eq(dc->b_info.max_maptrack_frames, 0);
    ck_assert_int_eq(dc->b_info.max_grant_version, 2);
    ck_assert_uint_eq(dc->num_xl_raw, 0);
    char *j = xkl_domain_config_to_json(dc);
    ck_assert_ptr_nonnull(strstr(j, "\"max_maptrack_frames\": 0"));
    ck_assert_ptr_nonnull(strstr(j, "\"max_grant_version\": 2"));
    xkl_domain_config *back = xkl_domain_config_from_json(j, strlen(j), &d);
    ck_assert_ptr_nonnull(back);
    ck_assert_int_eq(back->b_info.max_grant_frames, 32);
    ck_assert_int_eq(back->b_info.max_maptrack_frames, 0);
    ck_assert_int_eq(back->b_info.max_grant_version, 2);
    free(j);
    xkl_domain_config_free(back);
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);
    static const struct { const char *text, *msg; } bad[] = {
        { "name = 'g'\nmax_grant_frames = 0\n", "t.cfg:2:20: expected 'max_grant_frames' between 1 and 4294967295, found 0" },
        { "name = 'g'\nmax_grant_version = 3\n", "t.cfg:2:21: expected 'max_grant_version' between 1 and 2, found 3" },
        { "name = 'g'\nmax_maptrack_frames = [ 1 ]\n", "t.cfg:2:23: expected a number for 'max_maptrack_frames', found a list" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_ptr_null(convert_text(bad[i].text, &d));
        ck_assert_msg(has_diag(&d, bad[i].msg), "%s: got %s", bad[i].text, d.n ? d.v[0].text : "");
        xkl_diags_dispose(&d);
    }
}
END_TEST

START_TEST(cpus_string_or_list)
{
    ck_assert(xkl__cpulist_ok("all"));
    ck_assert(xkl__cpulist_ok("0-3,5,^1"));
    ck_assert(xkl__cpulist_ok("all,^7"));
    ck_assert(xkl__cpulist_ok("nodes:0-3,^node:2"));
    ck_assert(xkl__cpulist_ok("1,node:1,^6"));
    ck_assert(xkl__cpulist_ok("2,,3,"));          /* xl skips empty items */
    ck_assert(!xkl__cpulist_ok(""));
    ck_assert(!xkl__cpulist_ok(","));
    ck_assert(!xkl__cpulist_ok("3-1"));
    ck_assert(!xkl__cpulist_ok("0-"));
    ck_assert(!xkl__cpulist_ok("-3"));
    ck_assert(!xkl__cpulist_ok("node:"));
    ck_assert(!xkl__cpulist_ok("x"));
    ck_assert(!xkl__cpulist_ok("^"));
    ck_assert(!xkl__cpulist_ok("1 ,2"));

    xkl_diags d;
    xkl_domain_config *dc = convert_text("name = 'c'\nvcpus = 2\ncpus = '0-3,^1'\ncpus_soft = [ \"2\", \"3-8,^5\", ]\n", &d);
    ck_assert_ptr_nonnull(dc);
    ck_assert_str_eq(dc->b_info.cpus, "0-3,^1");
    ck_assert_uint_eq(dc->b_info.num_cpus_per_vcpu, 0);
    ck_assert_uint_eq(dc->b_info.num_cpus_soft_per_vcpu, 2);
    ck_assert_str_eq(dc->b_info.cpus_soft_per_vcpu[1], "3-8,^5");
    ck_assert_ptr_null(dc->b_info.cpus_soft);
    char *j = xkl_domain_config_to_json(dc);
    ck_assert_ptr_nonnull(strstr(j, "\"xkit_cpus_soft_per_vcpu\": [\n            \"2\",\n            \"3-8,^5\"\n        ]"));
    xkl_domain_config *back = xkl_domain_config_from_json(j, strlen(j), &d);
    ck_assert_ptr_nonnull(back);
    char *j2 = xkl_domain_config_to_json(back);
    ck_assert_str_eq(j, j2);
    free(j);
    free(j2);
    xkl_domain_config_free(back);
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);

    /* more entries than vcpus: the rest is a located warning */
    dc = convert_text("name = 'c'\nvcpus = 1\ncpus = [ 0, 1 ]\n", &d);
    ck_assert_ptr_nonnull(dc);
    ck_assert_uint_eq(dc->b_info.num_cpus_per_vcpu, 1);
    ck_assert_str_eq(dc->b_info.cpus_per_vcpu[0], "0");
    ck_assert_str_eq(d.v[0].text, "t.cfg:3:13: warning: 'cpus' has 2 entries but the guest has 1 vcpus: entries from 1 on ignored");
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);

    ck_assert_ptr_null(convert_text("name = 'c'\ncpus = '1-'\n", &d));
    ck_assert_str_eq(d.v[0].text, "t.cfg:2:8: expected a CPU list (all, N, N-M, node:N or nodes:N-M, each optionally "
                                  "after '^', separated by ',') for 'cpus', found '1-'");
    xkl_diags_dispose(&d);
    ck_assert_ptr_null(convert_text("name = 'c'\nvcpus = 2\ncpus = [ '0', [ '1' ] ]\n", &d));
    ck_assert_str_eq(d.v[0].text, "t.cfg:3:15: expected a CPU list (all, N, N-M, node:N or nodes:N-M, each optionally "
                                  "after '^', separated by ',') for vcpu 1 in 'cpus', found a list");
    xkl_diags_dispose(&d);
}
END_TEST

START_TEST(type_masks_warn)
{
    xkl_diags d;
    xkl_domain_config *dc = convert_text("name = 'm'\ntype = 'pvh'\ne820_host = 1\nacpi_s3 = 0\nvif2 = 1\n", &d);
    ck_assert_ptr_nonnull(dc);
    ck_assert_uint_eq(d.nwarnings, 3);
    ck_assert(has_diag(&d, "t.cfg:3:1: warning: 'e820_host' only applies to pv guests, ignored"));
    ck_assert(has_diag(&d, "t.cfg:4:1: warning: 'acpi_s3' only applies to hvm guests, ignored"));
    ck_assert(has_diag(&d, "t.cfg:5:1: warning: unknown key 'vif2' ignored"));
    ck_assert_int_eq(dc->b_info.pv.e820_host, -1);
    ck_assert_uint_eq(dc->num_xl_raw, 0);
    xkl_domain_config_free(dc);
    xkl_diags_dispose(&d);
    dc = convert_text("name = 'm'\nhap = 0\nnestedhvm = 1\n", &d);
    ck_assert_ptr_nonnull(dc);
    ck_assert(has_diag(&d, "t.cfg:2:1: warning: 'hap' only applies to hvm and pvh guests, ignored"));
    ck_assert(has_diag(&d, "t.cfg:3:1: warning: 'nestedhvm' only applies to hvm and pvh guests, ignored"));
    ck_assert_int_eq(dc->c_info.hap, -1);
    xkl_domain_config_free(dc);
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
    tcase_add_test(tc, key_table_rows);
    tcase_add_test(tc, unsupported_every_class);
    tcase_add_test(tc, grant_tables_typed);
    tcase_add_test(tc, cpus_string_or_list);
    tcase_add_test(tc, type_masks_warn);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
