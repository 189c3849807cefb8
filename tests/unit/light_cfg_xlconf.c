/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl.conf(5): Xen's xl's defaults, every key it knows, bad values as
 * located warnings that keep the default, deprecated keys with Xen's
 * words, a syntax error as the one failure; the global cpumasks, the
 * autoballoon=auto rule, what xl.conf gives a guest's nics and grant
 * limits, and the SXP form of a configuration. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xkit/light.h>

static int bit(const uint8_t *m, unsigned n)
{
    return m[n / 8] >> (n % 8) & 1;
}

/* Parse text as xl.conf; the diagnostics joined by '\n' into diag. */
static int conf_of(const char *text, struct xkl_host_conf *hc, char *diag, size_t len)
{
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_cfg *cfg = xkl_cfg_parse("xl.conf", text, strlen(text), &d);
    ck_assert_ptr_nonnull(cfg);
    int r = xkl_host_conf_from_cfg(cfg, hc, &d);
    diag[0] = 0;
    for (size_t i = 0; i < d.n; i++) {
        strncat(diag, d.v[i].text, len - strlen(diag) - 2);
        strcat(diag, "\n");
    }
    xkl_cfg_free(cfg);
    xkl_diags_dispose(&d);
    return r;
}

START_TEST(defaults)
{
    struct xkl_host_conf hc;
    char diag[256];
    ck_assert_int_eq(conf_of("", &hc, diag, sizeof diag), 0);
    ck_assert_str_eq(diag, "");
    ck_assert(!hc.domid_random);
    ck_assert_int_eq(hc.autoballoon, XKL_AUTOBALLOON_AUTO);
    ck_assert_str_eq(hc.lockfile, "/var/lock/xl");
    ck_assert_int_eq(hc.max_grant_frames, -1);
    ck_assert_int_eq(hc.max_maptrack_frames, -1);
    ck_assert_int_eq(hc.max_grant_version, -1);
    ck_assert_str_eq(hc.vif_script, "");
    ck_assert_str_eq(hc.vif_bridge, "");
    ck_assert_int_eq(hc.output_format, XKL_OUTPUT_JSON);
    ck_assert(hc.claim_mode);
    ck_assert(!hc.has_cpumask && !hc.has_pv_cpumask && !hc.has_hvm_cpumask);
}
END_TEST

START_TEST(every_key)
{
    struct xkl_host_conf hc;
    char diag[1024];
    const char *text = "domid_policy = \"random\"\nautoballoon = \"off\"\nrun_hotplug_scripts = 1\n"
                       "lockfile = \"/run/xl.lock\"\nmax_grant_frames = 64\n"
                       "max_maptrack_frames = 1024\nmax_grant_version = 1\n"
                       "vif.default.script = \"vif-route\"\nvif.default.bridge = \"br1\"\n"
                       "vif.default.backend = \"netdom\"\nvif.default.gatewaydev = \"eth1\"\n"
                       "output_format = \"sxp\"\nclaim_mode = 0\n"
                       "vm.cpumask = \"0-3\"\nvm.pv.cpumask = [\"1\", \"3\"]\n"
                       "vm.hvm.cpumask = \"2-3,^3\"\n";
    ck_assert_int_eq(conf_of(text, &hc, diag, sizeof diag), 0);
    ck_assert_str_eq(diag, "");
    ck_assert(hc.domid_random);
    ck_assert_int_eq(hc.autoballoon, XKL_AUTOBALLOON_OFF);
    ck_assert_str_eq(hc.lockfile, "/run/xl.lock");
    ck_assert_int_eq(hc.max_grant_frames, 64);
    ck_assert_int_eq(hc.max_maptrack_frames, 1024);
    ck_assert_int_eq(hc.max_grant_version, 1);
    ck_assert_str_eq(hc.vif_script, "vif-route");
    ck_assert_str_eq(hc.vif_bridge, "br1");
    ck_assert_str_eq(hc.vif_backend, "netdom");
    ck_assert_str_eq(hc.vif_gatewaydev, "eth1");
    ck_assert_int_eq(hc.output_format, XKL_OUTPUT_SXP);
    ck_assert(!hc.claim_mode);
    ck_assert(hc.has_cpumask && hc.has_pv_cpumask && hc.has_hvm_cpumask);
    ck_assert(bit(hc.cpumask, 0) && bit(hc.cpumask, 3) && !bit(hc.cpumask, 4));
    ck_assert(!bit(hc.pv_cpumask, 0) && bit(hc.pv_cpumask, 1) && bit(hc.pv_cpumask, 3));
    ck_assert(bit(hc.hvm_cpumask, 2) && !bit(hc.hvm_cpumask, 3));
    /* autoballoon's other spellings; the last setting of a key wins */
    ck_assert_int_eq(conf_of("autoballoon = 1\nautoballoon = \"auto\"\nautoballoon = \"on\"\n",
                             &hc, diag, sizeof diag), 0);
    ck_assert_int_eq(hc.autoballoon, XKL_AUTOBALLOON_ON);
    ck_assert_int_eq(conf_of("autoballoon = 0\n", &hc, diag, sizeof diag), 0);
    ck_assert_int_eq(hc.autoballoon, XKL_AUTOBALLOON_OFF);
}
END_TEST

START_TEST(bad_values_warn_and_keep_defaults)
{
    struct xkl_host_conf hc;
    char diag[2048];
    const char *text = "domid_policy = \"next\"\n"
                       "autoballoon = \"maybe\"\n"
                       "output_format = \"bogus\"\n"
                       "claim_mode = \"yes\"\n"
                       "max_grant_frames = 0\n"
                       "max_grant_version = 3\n"
                       "vm.cpumask = \"x\"\n"
                       "color = \"blue\"\n"
                       "lockfile = [\"a\"]\n";
    ck_assert_int_eq(conf_of(text, &hc, diag, sizeof diag), 0);
    ck_assert(!hc.domid_random);
    ck_assert_int_eq(hc.autoballoon, XKL_AUTOBALLOON_AUTO);
    ck_assert_int_eq(hc.output_format, XKL_OUTPUT_JSON);
    ck_assert(hc.claim_mode);
    ck_assert_int_eq(hc.max_grant_frames, -1);
    ck_assert_int_eq(hc.max_grant_version, -1);
    ck_assert(!hc.has_cpumask);
    ck_assert_str_eq(hc.lockfile, "/var/lock/xl");
    ck_assert_str_eq(diag,
        "xl.conf:1:16: warning: 'domid_policy': expected \"xen\" or \"random\", found 'next': ignored\n"
        "xl.conf:2:15: warning: 'autoballoon': expected \"on\", \"off\" or \"auto\", found 'maybe': ignored\n"
        "xl.conf:3:17: warning: invalid default output format \"bogus\": expected \"json\" or \"sxp\"\n"
        "xl.conf:4:14: warning: 'claim_mode': expected a number from 0 to 1, found 'yes': ignored\n"
        "xl.conf:5:20: warning: 'max_grant_frames': expected a number from 1 to 4294967295, found '0': ignored\n"
        "xl.conf:6:21: warning: 'max_grant_version': expected a number from 1 to 2, found '3': ignored\n"
        "xl.conf:7:14: warning: 'vm.cpumask': expected a CPU list (\"0-3,^2\") or a list of them: ignored\n"
        "xl.conf:8:1: warning: 'color' is not an xl.conf setting (see xl.conf(5)): ignored\n"
        "xl.conf:9:12: warning: 'lockfile': expected a string of at most 255 characters: ignored\n");
}
END_TEST

START_TEST(deprecated_and_inert_keys)
{
    struct xkl_host_conf hc;
    char diag[2048];
    const char *text = "vifscript = \"vif-nat\"\ndefaultbridge = \"br7\"\n"
                       "blkdev_start = \"xvda\"\nremus.default.netbufscript = \"x\"\n"
                       "colo.default.proxyscript = \"y\"\nrun_hotplug_scripts = 0\n";
    ck_assert_int_eq(conf_of(text, &hc, diag, sizeof diag), 0);
    ck_assert_str_eq(hc.vif_script, "vif-nat");
    ck_assert_str_eq(hc.vif_bridge, "br7");
    ck_assert_str_eq(diag,
        "xl.conf:1:1: warning: the global config option vifscript is deprecated, please switch to vif.default.script\n"
        "xl.conf:2:1: warning: the global config option defaultbridge is deprecated, please switch to vif.default.bridge\n"
        "xl.conf:3:1: warning: 'blkdev_start' has no effect here: xkit has no bootloader that reads a guest's disk in dom0: ignored\n"
        "xl.conf:4:1: warning: 'remus.default.netbufscript' has no effect here: xkit has no Remus or COLO: ignored\n"
        "xl.conf:5:1: warning: 'colo.default.proxyscript' has no effect here: xkit has no Remus or COLO: ignored\n"
        "xl.conf:6:23: warning: 'run_hotplug_scripts=0': xkit sets up dom0's devices itself (udev's Xen rules are not needed): ignored\n");
    /* the newer key, written after the old one, wins */
    ck_assert_int_eq(conf_of("vifscript = \"a\"\nvif.default.script = \"b\"\n", &hc, diag,
                             sizeof diag), 0);
    ck_assert_str_eq(hc.vif_script, "b");
}
END_TEST

START_TEST(load_file)
{
    struct xkl_host_conf hc;
    xkl_diags d;
    xkl_diags_init(&d);
    /* no file: Xen's defaults, no message */
    ck_assert_int_eq(xkl_host_conf_load("/nonexistent/xl.conf", &hc, &d), 0);
    ck_assert_uint_eq(d.n, 0);
    ck_assert(hc.claim_mode);
    char path[] = "/tmp/xlconf-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *good = "# comment\noutput_format = \"sxp\"\n";
    ck_assert_int_eq(write(fd, good, strlen(good)), (ssize_t)strlen(good));
    ck_assert_int_eq(xkl_host_conf_load(path, &hc, &d), 0);
    ck_assert_int_eq(hc.output_format, XKL_OUTPUT_SXP);
    ck_assert_uint_eq(d.n, 0);
    /* a syntax error: the one failure, located */
    const char *bad = "claim_mode = = 1\n";
    ck_assert_int_eq(ftruncate(fd, 0), 0);
    ck_assert_int_eq(pwrite(fd, bad, strlen(bad), 0), (ssize_t)strlen(bad));
    ck_assert_int_eq(xkl_host_conf_load(path, &hc, &d), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_uint_eq(d.nerrors, 1);
    ck_assert_ptr_nonnull(strstr(d.v[0].text, ":1:14: "));
    ck_assert_int_eq(strncmp(d.v[0].text, path, strlen(path)), 0);
    close(fd);
    unlink(path);
    xkl_diags_dispose(&d);
}
END_TEST

START_TEST(autoballoon_auto)
{
    struct xkl_host_conf hc;
    xkl_host_conf_init(&hc);
    ck_assert(xkl_host_conf_autoballoon(&hc, "console=com1 smap=0"));
    ck_assert(!xkl_host_conf_autoballoon(&hc, "dom0_mem=1024M,max:1024M console=com1"));
    ck_assert(!xkl_host_conf_autoballoon(&hc, "smap=0 dom0_mem=512M"));
    ck_assert(xkl_host_conf_autoballoon(&hc, "xdom0_mem=512M"));
    ck_assert(xkl_host_conf_autoballoon(&hc, NULL));
    hc.autoballoon = XKL_AUTOBALLOON_ON;
    ck_assert(xkl_host_conf_autoballoon(&hc, "dom0_mem=512M"));
    hc.autoballoon = XKL_AUTOBALLOON_OFF;
    ck_assert(!xkl_host_conf_autoballoon(&hc, ""));
}
END_TEST

START_TEST(cpumasks)
{
    struct xkl_host_conf hc;
    char diag[256];
    uint8_t map[XKL_CPUMAP_BYTES];
    ck_assert_int_eq(conf_of("vm.cpumask = \"0-2\"\nvm.pv.cpumask = \"1-5\"\n", &hc, diag,
                             sizeof diag), 0);
    memset(map, 0xff, sizeof map);
    ck_assert_int_eq(xkl_host_conf_mask(&hc, false, map), 0);     /* PV: 0-2 & 1-5 */
    ck_assert(!bit(map, 0) && bit(map, 1) && bit(map, 2) && !bit(map, 3));
    memset(map, 0xff, sizeof map);
    ck_assert_int_eq(xkl_host_conf_mask(&hc, true, map), 0);      /* HVM: 0-2 only */
    ck_assert(bit(map, 0) && bit(map, 2) && !bit(map, 3));
    memset(map, 0, sizeof map);
    map[0] = 1;                                                   /* cpus="0" on PV */
    errno = 0;
    ck_assert_int_eq(xkl_host_conf_mask(&hc, false, map), -1);
    ck_assert_int_eq(errno, EINVAL);
}
END_TEST

static xkl_domain_config *dc_of(const char *text)
{
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_cfg *cfg = xkl_cfg_parse("g.cfg", text, strlen(text), &d);
    ck_assert_ptr_nonnull(cfg);
    xkl_domain_config *dc = xkl_domain_config_from_cfg(cfg, &d);
    ck_assert_ptr_nonnull(dc);
    xkl_cfg_free(cfg);
    xkl_diags_dispose(&d);
    return dc;
}

START_TEST(apply_host_defaults)
{
    struct xkl_host_conf hc;
    char diag[256];
    ck_assert_int_eq(conf_of("vif.default.bridge = \"brx\"\nvif.default.gatewaydev = \"eth0\"\n"
                             "vif.default.backend = \"0\"\nmax_grant_frames = 40\n", &hc, diag,
                             sizeof diag), 0);
    xkl_domain_config *dc = dc_of("name = \"g\"\nkernel = \"/k\"\nmemory = 16\n"
                                  "max_maptrack_frames = 7\n"
                                  "vif = [ \"\", \"bridge=br2\", \"script=vif-route\" ]\n");
    ck_assert_int_eq(xkl_domain_config_apply_host(dc, &hc), 0);
    char *j = xkl_domain_config_to_json(dc);
    ck_assert_ptr_nonnull(j);
    /* bridge from xl.conf where the nic has none; gatewaydev only for the
     * routing script; grant limits the config did not set */
    ck_assert_ptr_nonnull(strstr(j, "\"max_grant_frames\": 40"));
    ck_assert_ptr_nonnull(strstr(j, "\"max_maptrack_frames\": 7"));
    const char *n1 = strstr(j, "\"nics\"");
    ck_assert_ptr_nonnull(n1);
    ck_assert_ptr_nonnull(strstr(n1, "\"bridge\": \"brx\""));
    ck_assert_ptr_nonnull(strstr(n1, "\"bridge\": \"br2\""));
    ck_assert_ptr_nonnull(strstr(n1, "\"backend_domname\": \"0\""));
    const char *g = strstr(n1, "\"gatewaydev\": \"eth0\"");
    ck_assert_ptr_nonnull(g);
    ck_assert_ptr_null(strstr(g + 1, "\"gatewaydev\""));   /* once: the vif-route nic */
    ck_assert_ptr_nonnull(strstr(n1, "\"script\": \"vif-route\""));
    free(j);
    xkl_domain_config_free(dc);
}
END_TEST

/* Debian's xl 4.17 printed these lines for the same config (lab, xl-conf) */
START_TEST(sxp_pv)
{
    xkl_domain_config *dc = dc_of("name = \"v1\"\nkernel = \"/k\"\nmemory = 16\nmaxmem = 32\n"
                                  "cmdline = \"a b\"\ne820_host = 1\n"
                                  "disk = [ \"phy:/dev/loop0,xvdb,r\" ]\n"
                                  "vif = [ \"mac=00:16:3e:0a:0b:0c,vifname=foo,mtu=1400\" ]\n");
    char *s = xkl_domain_config_to_sxp(dc, -1, NULL);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s,
        "(domain\n\t(domid -1)\n\t(create_info)\n\t(hvm 0)\n\t(hap <default>)\n\t(oos <default>)\n"
        "\t(ssidref 0)\n\t(name v1)\n\t(uuid <unknown>)\n\t(xsdata (null))\n\t(platformdata (null))\n"
        "\t(build_info)\n\t(max_vcpus 0)\n\t(max_grant_frames -1)\n\t(max_maptrack_frames -1)\n"
        "\t(tsc_mode default)\n\t(max_memkb 32768)\n\t(target_memkb 16384)\n\t(nomigrate <default>)\n"
        "\t(image\n\t\t(linux 0)\n\t\t\t(kernel /k)\n\t\t\t(cmdline a b)\n\t\t\t(ramdisk (null))\n"
        "\t\t\t(e820_host True)\n\t\t)\n\t)\n"
        "\t(device\n\t\t(tap\n\t\t\t(backend_domid 0)\n\t\t\t(frontend_domid -1)\n"
        "\t\t\t(physpath /dev/loop0)\n\t\t\t(phystype 0)\n\t\t\t(virtpath xvdb)\n"
        "\t\t\t(unpluggable 0)\n\t\t\t(readwrite 0)\n\t\t\t(is_cdrom 0)\n\t\t)\n\t)\n"
        "\t(device\n\t\t(vif\n\t\t\t(vifname foo)\n\t\t\t(backend_domid 0)\n\t\t\t(frontend_domid -1)\n"
        "\t\t\t(devid 0)\n\t\t\t(mtu 1400)\n\t\t\t(model (null))\n\t\t\t(mac 00163e0a0b0c)\n\t\t)\n\t)\n"
        ")\n");
    free(s);
    /* a live domain: its domid and uuid */
    uint8_t uuid[16] = { 0x0f, 0xa2, 0x77, 0x81, 0x76, 0xee, 0x47, 0x54,
                         0x96, 0x8e, 0xda, 0x43, 0xa1, 0x9e, 0xd1, 0x2c };
    s = xkl_domain_config_to_sxp(dc, 7, uuid);
    ck_assert_ptr_nonnull(strstr(s, "\t(domid 7)\n"));
    ck_assert_ptr_nonnull(strstr(s, "\t(uuid 0fa27781-76ee-4754-968e-da43a19ed12c)\n"));
    ck_assert_ptr_nonnull(strstr(s, "\t\t\t(frontend_domid 7)\n"));
    free(s);
    xkl_domain_config_free(dc);
}
END_TEST

START_TEST(sxp_hvm)
{
    xkl_domain_config *dc = dc_of("name = \"h1\"\ntype = \"hvm\"\nmemory = 32\nvcpus = 2\n"
                                  "stdvga = 1\nserial = \"pty\"\nhap = 1\npool = \"Pool-0\"\n"
                                  "disk = [ \",raw,hdc,cdrom\" ]\n");
    char *s = xkl_domain_config_to_sxp(dc, -1, NULL);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_nonnull(strstr(s, "\t(hvm 1)\n\t(hap True)\n"));
    ck_assert_ptr_nonnull(strstr(s, "\t(uuid <unknown>)\n\t(cpupool Pool-0)\n\t(xsdata (null))\n"));
    ck_assert_ptr_nonnull(strstr(s, "\t(max_vcpus 2)\n"));
    ck_assert_ptr_nonnull(strstr(s, "\t(image\n\t\t(hvm\n\t\t\t(firmware (null))\n"
                                    "\t\t\t(video_memkb -1)\n\t\t\t(shadow_memkb -1)\n"));
    ck_assert_ptr_nonnull(strstr(s, "\t\t\t(timer_mode unknown)\n\t\t\t(nestedhvm <default>)\n"
                                    "\t\t\t(stdvga True)\n"));
    ck_assert_ptr_nonnull(strstr(s, "\t\t\t(device_model default)\n\t\t\t(gfx_passthru <default>)\n"
                                    "\t\t\t(serial pty)\n\t\t\t(boot (null))\n"));
    ck_assert_ptr_nonnull(strstr(s, "\t\t\t(physpath )\n\t\t\t(phystype 0)\n\t\t\t(virtpath hdc)\n"
                                    "\t\t\t(unpluggable 1)\n\t\t\t(readwrite 0)\n\t\t\t(is_cdrom 1)\n"));
    ck_assert_str_eq(s + strlen(s) - 5, "\t)\n)\n");
    free(s);
    xkl_domain_config_free(dc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("light_cfg_xlconf");
    TCase *tc = tcase_create("xlconf");
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, every_key);
    tcase_add_test(tc, bad_values_warn_and_keep_defaults);
    tcase_add_test(tc, deprecated_and_inert_keys);
    tcase_add_test(tc, load_file);
    tcase_add_test(tc, autoballoon_auto);
    tcase_add_test(tc, cpumasks);
    tcase_add_test(tc, apply_host_defaults);
    tcase_add_test(tc, sxp_pv);
    tcase_add_test(tc, sxp_hvm);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
