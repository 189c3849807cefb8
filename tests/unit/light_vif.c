/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the vif layer that need no hypervisor: MAC addresses (form,
 * Xen's OUI, unicast), rate= to netback's credit, the nodes of a vif for a
 * few nics (libxl's), what a vif cannot act on, the devid of a new vif, a
 * hotplug script's environment, and running scripts (exit status, last
 * line of stderr, timeout, clean environment, no leaked fd, no zombie). */
#include "private.h"
#include "device/vif.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

START_TEST(mac_parse_format)
{
    uint8_t m[6];
    char s[18];
    ck_assert_int_eq(xkl__mac_parse("00:16:3E:74:3d:76", m), 0);
    ck_assert_int_eq(m[0], 0x00);
    ck_assert_int_eq(m[2], 0x3e);
    ck_assert_int_eq(m[5], 0x76);
    xkl__mac_format(m, s);
    ck_assert_str_eq(s, "00:16:3e:74:3d:76");
    const char *bad[] = { "", "00:16:3e:74:3d", "00:16:3e:74:3d:7", "00:16:3e:74:3d:766",
                          "00-16-3e-74-3d-76", "0g:16:3e:74:3d:76", "00:16:3e:74:3d:76:",
                          " 0:16:3e:74:3d:76", NULL };
    for (int i = 0; bad[i]; i++) {
        errno = 0;
        ck_assert_msg(xkl__mac_parse(bad[i], m) == -1 && errno == EINVAL, "'%s' accepted", bad[i]);
    }
    ck_assert_int_eq(xkl__mac_parse("01:00:5e:00:00:01", m), 0);
    ck_assert(xkl__mac_multicast(m));
    ck_assert_int_eq(xkl__mac_parse("02:00:5e:00:00:01", m), 0);
    ck_assert(!xkl__mac_multicast(m));
    ck_assert_int_eq(xkl__mac_parse("00:00:00:00:00:00", m), 0);
    ck_assert(xkl__mac_zero(m));
}
END_TEST

START_TEST(mac_xen_oui)
{
    uint8_t m[6];
    char s[18];
    const uint8_t all[3] = { 0xff, 0xff, 0xff }, none[3] = { 0, 0, 0 }, mix[3] = { 0x80, 0x12, 0xab };
    xkl__mac_xen(all, m);
    xkl__mac_format(m, s);
    ck_assert_str_eq(s, "00:16:3e:7f:ff:ff");   /* the 4th byte's top bit is clear */
    xkl__mac_xen(none, m);
    xkl__mac_format(m, s);
    ck_assert_str_eq(s, "00:16:3e:00:00:00");
    xkl__mac_xen(mix, m);
    xkl__mac_format(m, s);
    ck_assert_str_eq(s, "00:16:3e:00:12:ab");
    ck_assert(!xkl__mac_multicast(m));
}
END_TEST

START_TEST(rate_forms)
{
    const struct {
        const char *s;
        unsigned long long bytes;
        unsigned usecs;
    } ok[] = {
        { "10Mb/s", 62500, 50000 },          /* 10e6 bits/s = 1.25e6 B/s, 50 ms */
        { "250KB/s", 12500, 50000 },
        { "1MB/s@20ms", 20000, 20000 },      /* the man page's example */
        { "1GB/s@20ms", 20000000, 20000 },
        { "100B/s@1s", 100, 1000000 },
        { "8b/s@1s", 1, 1000000 },
        { "1000", 50, 50000 },               /* bytes, per second */
        { "3MB/s@250", 750, 250 },           /* a bare interval is in us */
        { "1Gb/s@5us", 625, 5 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        uint64_t b = 0;
        uint32_t u = 0;
        const char *why = NULL;
        ck_assert_msg(xkl__rate_parse(ok[i].s, &b, &u, &why) == 0, "%s: %s", ok[i].s, why);
        ck_assert_msg(b == ok[i].bytes && u == ok[i].usecs, "%s: %llu,%u", ok[i].s,
                      (unsigned long long)b, u);
    }
}
END_TEST

START_TEST(rate_refused)
{
    const struct {
        const char *s;
        int err;
    } bad[] = {
        { "", EINVAL }, { "fast", EINVAL }, { "10Mb/h", EINVAL }, { "10Tb/s", EINVAL },
        { "10MB/s@", EINVAL }, { "10MB/s@20m", EINVAL }, { "10MB/s@0ms", EINVAL },
        { "0MB/s", EINVAL }, { "10MB/s@20msx", EINVAL }, { "-1MB/s", EINVAL },
        { "1b/s@1us", EINVAL },                        /* no whole byte per interval */
        { "99999999999999999999B/s", ERANGE },         /* past 64 bits */
        { "18446744073709551615GB/s", ERANGE },
        { "1MB/s@5000s", ERANGE },                     /* past 32 bits of us */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        uint64_t b = 7;
        uint32_t u = 7;
        const char *why = NULL;
        errno = 0;
        ck_assert_msg(xkl__rate_parse(bad[i].s, &b, &u, &why) == -1, "'%s' accepted", bad[i].s);
        ck_assert_msg(errno == bad[i].err, "'%s': errno %d", bad[i].s, errno);
        ck_assert_msg(why && *why, "'%s': no reason", bad[i].s);
        ck_assert(b == 7 && u == 7);
    }
}
END_TEST

static const char *kv(const struct xkl__kv *v, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].key, key))
            return v[i].value;
    return NULL;
}

START_TEST(vif_netdev_name_fits)
{
    /* netback's name has at most 15 characters: one cut short could be
     * another device's, so it is refused */
    struct xkl_nic nic;
    xkl__nic_init(&nic);
    const uint8_t rnd[3] = { 1, 2, 3 };
    struct xkl__vif v;
    char why[256] = "";
    nic.devid = 999999;   /* "vif32752.999999": 15 */
    ck_assert_msg(xkl__vif_resolve(&nic, 32752, 0, rnd, &v, why, sizeof why) == 0, "%s", why);
    ck_assert_str_eq(v.netdev, "vif32752.999999");
    nic.devid = 1000000;  /* 16 */
    errno = 0;
    ck_assert_int_eq(xkl__vif_resolve(&nic, 32752, 0, rnd, &v, why, sizeof why), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_msg(strstr(why, "domain 32752, vif 1000000") && strstr(why, "15"), "%s", why);
    xkl__nic_dispose(&nic);
}
END_TEST

START_TEST(vif_nodes_default)
{
    struct xkl_nic nic;
    xkl__nic_init(&nic);
    nic.devid = 0;
    const uint8_t rnd[3] = { 0xc1, 0x02, 0x03 };
    struct xkl__vif v;
    char why[256] = "";
    ck_assert_msg(xkl__vif_resolve(&nic, 5, 0, rnd, &v, why, sizeof why) == 0, "%s", why);
    ck_assert_str_eq(v.macs, "00:16:3e:41:02:03");
    ck_assert_str_eq(v.netdev, "vif5.0");
    ck_assert(v.builtin);
    ck_assert_str_eq(kv(v.back, v.nback, "script"), "/etc/xen/scripts/vif-bridge");
    ck_assert_str_eq(kv(v.back, v.nback, "mac"), "00:16:3e:41:02:03");
    ck_assert_str_eq(kv(v.back, v.nback, "bridge"), "xenbr0");
    ck_assert_str_eq(kv(v.back, v.nback, "handle"), "0");
    ck_assert_str_eq(kv(v.back, v.nback, "type"), "vif");
    ck_assert_str_eq(kv(v.back, v.nback, "hotplug-status"), "");
    ck_assert_ptr_null(kv(v.back, v.nback, "mtu"));
    ck_assert_ptr_null(kv(v.back, v.nback, "rate"));
    ck_assert_ptr_null(kv(v.back, v.nback, "ip"));
    ck_assert_ptr_null(kv(v.back, v.nback, "vifname"));
    ck_assert_str_eq(kv(v.front, v.nfront, "handle"), "0");
    ck_assert_str_eq(kv(v.front, v.nfront, "mac"), "00:16:3e:41:02:03");
    ck_assert_str_eq(kv(v.front, v.nfront, "trusted"), "1");
    ck_assert_str_eq(v.front_mtu, "1500");
    ck_assert_uint_eq(v.nwarn, 0);

    /* in the generic layout: frontend, backend and libxl's record */
    const struct xkl__device d = { .kind = xkl__devkind_find("vif"), .domid = 5, .devid = 0,
                                   .front = v.front, .nfront = v.nfront,
                                   .back = v.back, .nback = v.nback };
    struct xkl__layout l;
    xkl__layout_init(&l);
    ck_assert_int_eq(xkl__device_layout(&l, &d), 0);
    bool fe_mac = false, be_bridge = false;
    for (size_t i = 0; i < l.n; i++) {
        fe_mac |= !strcmp(l.v[i].path, "/local/domain/5/device/vif/0/mac") &&
                  !strcmp(l.v[i].value, "00:16:3e:41:02:03");
        be_bridge |= !strcmp(l.v[i].path, "/local/domain/0/backend/vif/5/0/bridge") &&
                     !strcmp(l.v[i].value, "xenbr0");
    }
    ck_assert(fe_mac && be_bridge);
    xkl__layout_dispose(&l);
    xkl__nic_dispose(&nic);
}
END_TEST

START_TEST(vif_nodes_full)
{
    struct xkl_nic nic;
    xkl__nic_init(&nic);
    xkl_diags dg;
    xkl_diags_init(&dg);
    ck_assert_int_eq(xkl__nic_parse(&nic, "mac=00:16:3E:0a:0B:0c,bridge=br1,vifname=web0,mtu=9000,"
                                          "rate=10Mb/s@20ms,ip=192.0.2.7,devid=3,untrusted",
                                    "test", 0, 0, &dg), 0);
    xkl_diags_dispose(&dg);
    const uint8_t rnd[3] = { 9, 9, 9 };
    struct xkl__vif v;
    char why[256] = "";
    ck_assert_msg(xkl__vif_resolve(&nic, 7, 0, rnd, &v, why, sizeof why) == 0, "%s", why);
    ck_assert_str_eq(kv(v.back, v.nback, "mac"), "00:16:3e:0a:0b:0c");
    ck_assert_str_eq(kv(v.back, v.nback, "bridge"), "br1");
    ck_assert_str_eq(kv(v.back, v.nback, "vifname"), "web0");
    ck_assert_str_eq(kv(v.back, v.nback, "mtu"), "9000");
    ck_assert_str_eq(kv(v.back, v.nback, "rate"), "25000,20000");
    ck_assert_str_eq(kv(v.back, v.nback, "ip"), "192.0.2.7");
    ck_assert_str_eq(kv(v.back, v.nback, "handle"), "3");
    ck_assert_str_eq(kv(v.front, v.nfront, "handle"), "3");
    ck_assert_str_eq(kv(v.front, v.nfront, "trusted"), "0");
    ck_assert_str_eq(v.front_mtu, "9000");
    ck_assert_str_eq(v.netdev, "vif7.3");
    ck_assert_uint_eq(v.mtu, 9000);
    /* ip= with the built-in vif-bridge: recorded, not filtered: a warning */
    ck_assert_uint_eq(v.nwarn, 1);
    ck_assert(strstr(v.warn[0], "ip="));
    xkl__nic_dispose(&nic);

    /* mtu 1500 is libxl's default: no backend node, the frontend's says it */
    xkl__nic_init(&nic);
    nic.devid = 1;
    nic.mtu = 1500;
    ck_assert_int_eq(xkl__vif_resolve(&nic, 7, 0, rnd, &v, why, sizeof why), 0);
    ck_assert_ptr_null(kv(v.back, v.nback, "mtu"));
    ck_assert_str_eq(v.front_mtu, "1500");
    xkl__nic_dispose(&nic);
}
END_TEST

START_TEST(vif_nodes_script)
{
    struct xkl_nic nic;
    xkl__nic_init(&nic);
    nic.devid = 2;
    nic.script = strdup("vif-route");
    nic.gatewaydev = strdup("eth1");
    const uint8_t rnd[3] = { 1, 2, 3 };
    struct xkl__vif v;
    char why[256] = "";
    ck_assert_msg(xkl__vif_resolve(&nic, 4, 0, rnd, &v, why, sizeof why) == 0, "%s", why);
    ck_assert(!v.builtin);
    ck_assert_str_eq(kv(v.back, v.nback, "script"), "/etc/xen/scripts/vif-route");
    ck_assert_str_eq(kv(v.back, v.nback, "gatewaydev"), "eth1");
    free(nic.script);
    nic.script = strdup("/usr/local/lib/my-vif");
    ck_assert_int_eq(xkl__vif_resolve(&nic, 4, 0, rnd, &v, why, sizeof why), 0);
    ck_assert_str_eq(kv(v.back, v.nback, "script"), "/usr/local/lib/my-vif");
    /* the default script, spelled out, is still done in-process */
    free(nic.script);
    nic.script = strdup("/etc/xen/scripts/vif-bridge");
    free(nic.gatewaydev);
    nic.gatewaydev = NULL;
    ck_assert_int_eq(xkl__vif_resolve(&nic, 4, 0, rnd, &v, why, sizeof why), 0);
    ck_assert(v.builtin);
    xkl__nic_dispose(&nic);
}
END_TEST

START_TEST(vif_refused)
{
    const struct {
        const char *spec;
        int err;
        const char *says;
    } v[] = {
        { "mac=01:16:3e:00:00:01", EINVAL, "multicast" },
        { "type=ioemu", EINVAL, "type=ioemu" },
        { "forwarddev=eth2", EOPNOTSUPP, "forwarddev" },
        { "gatewaydev=eth0", EOPNOTSUPP, "gatewaydev" },      /* with vif-bridge */
        { "mtu=20", EINVAL, "mtu 20" },
        { "mtu=70000", EINVAL, "mtu 70000" },
        { "vifname=a-very-long-interface-name", EINVAL, "vifname" },
        { "vifname=a/b", EINVAL, "vifname" },
        { "bridge=br:0", EINVAL, "bridge" },
        { "rate=0b/s", EINVAL, "rate 0b/s" },
        { "rate=1b/s@1us", EINVAL, "rate" },
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        struct xkl_nic nic;
        xkl__nic_init(&nic);
        xkl_diags dg;
        xkl_diags_init(&dg);
        ck_assert_msg(xkl__nic_parse(&nic, v[i].spec, "test", 0, 0, &dg) == 0, "%s: parse", v[i].spec);
        xkl_diags_dispose(&dg);
        nic.devid = 0;
        const uint8_t rnd[3] = { 0, 0, 1 };
        struct xkl__vif out;
        char why[256] = "";
        errno = 0;
        ck_assert_msg(xkl__vif_resolve(&nic, 3, 0, rnd, &out, why, sizeof why) == -1, "%s accepted",
                      v[i].spec);
        ck_assert_msg(errno == v[i].err, "%s: errno %d", v[i].spec, errno);
        ck_assert_msg(strstr(why, v[i].says), "%s: '%s' does not name %s", v[i].spec, why, v[i].says);
        xkl__nic_dispose(&nic);
    }
    /* no devid */
    struct xkl_nic nic;
    xkl__nic_init(&nic);
    struct xkl__vif out;
    char why[64];
    const uint8_t rnd[3] = { 0, 0, 1 };
    ck_assert_int_eq(xkl__vif_resolve(&nic, 3, 0, rnd, &out, why, sizeof why), -1);
    xkl__nic_dispose(&nic);
}
END_TEST

START_TEST(vif_model_warning)
{
    struct xkl_nic nic;
    xkl__nic_init(&nic);
    nic.devid = 0;
    nic.model = strdup("rtl8139");   /* what libxl saves for every nic */
    const uint8_t rnd[3] = { 0, 0, 1 };
    struct xkl__vif v;
    char why[64];
    ck_assert_int_eq(xkl__vif_resolve(&nic, 3, 0, rnd, &v, why, sizeof why), 0);
    ck_assert_uint_eq(v.nwarn, 0);
    free(nic.model);
    nic.model = strdup("e1000");
    ck_assert_int_eq(xkl__vif_resolve(&nic, 3, 0, rnd, &v, why, sizeof why), 0);
    ck_assert_uint_eq(v.nwarn, 1);
    ck_assert(strstr(v.warn[0], "model="));
    /* an all-zero MAC means none, as libxl: one in Xen's OUI */
    nic.mac = strdup("00:00:00:00:00:00");
    ck_assert_int_eq(xkl__vif_resolve(&nic, 3, 0, rnd, &v, why, sizeof why), 0);
    ck_assert_str_eq(v.macs, "00:16:3e:00:00:01");
    xkl__nic_dispose(&nic);
}
END_TEST

START_TEST(devid_choice)
{
    ck_assert_uint_eq(xkl__vif_next_devid(NULL, 0), 0);
    char *a[] = { "0", "1" };
    ck_assert_uint_eq(xkl__vif_next_devid(a, 2), 2);
    char *b[] = { "4", "1" };   /* one past the highest, not the first gap */
    ck_assert_uint_eq(xkl__vif_next_devid(b, 2), 5);
    char *c[] = { "x", "2a", "", "-1" };
    ck_assert_uint_eq(xkl__vif_next_devid(c, 4), 0);
    char *d[] = { "10", "junk", "9" };
    ck_assert_uint_eq(xkl__vif_next_devid(d, 3), 11);
}
END_TEST

START_TEST(ifnames)
{
    ck_assert(xkl__ifname_ok("xenbr0"));
    ck_assert(xkl__ifname_ok("vif12345.12345"));
    ck_assert(xkl__ifname_ok("abcdefghijklmno"));   /* 15 */
    ck_assert(!xkl__ifname_ok("abcdefghijklmnop"));
    ck_assert(!xkl__ifname_ok(""));
    ck_assert(!xkl__ifname_ok("."));
    ck_assert(!xkl__ifname_ok(".."));
    ck_assert(!xkl__ifname_ok("a b"));
    ck_assert(!xkl__ifname_ok("a:b"));
}
END_TEST

static bool has(char **env, const char *s)
{
    for (size_t i = 0; env[i]; i++)
        if (!strcmp(env[i], s))
            return true;
    return false;
}

START_TEST(script_env)
{
    struct xkl__vif_env e;
    xkl__vif_script_env(&e, 5, 2, NULL);
    char **env = xkl__hotplug_env("/etc/xen/scripts/vif-bridge", "/local/domain/0/backend/vif/5/2",
                                  "vif", e.v);
    ck_assert_ptr_nonnull(env);
    size_t n = 0;
    while (env[n])
        n++;
    ck_assert_uint_eq(n, 8);
    ck_assert(has(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    ck_assert(has(env, "script=/etc/xen/scripts/vif-bridge"));
    ck_assert(has(env, "XENBUS_TYPE=vif"));
    ck_assert(has(env, "XENBUS_PATH=/local/domain/0/backend/vif/5/2"));
    ck_assert(has(env, "XENBUS_BASE_PATH=backend"));
    ck_assert(has(env, "vif=vif5.2"));
    ck_assert(has(env, "netdev="));
    ck_assert(has(env, "type_if=vif"));
    xkl__strv_free(env);
    xkl__vif_script_env(&e, 1, 0, "eth0");
    ck_assert_str_eq(e.v[1], "netdev=eth0");
    env = xkl__hotplug_env("/s", "/b", "vbd", NULL);
    ck_assert_ptr_nonnull(env);
    ck_assert_ptr_null(env[5]);
    xkl__strv_free(env);

    char p[64];
    ck_assert_int_eq(xkl__script_path("vif-nat", p, sizeof p), 0);
    ck_assert_str_eq(p, "/etc/xen/scripts/vif-nat");
    ck_assert_int_eq(xkl__script_path("/opt/x", p, sizeof p), 0);
    ck_assert_str_eq(p, "/opt/x");
    ck_assert_int_eq(xkl__script_path("a-name-much-too-long-for-the-buffer-we-give-it-here", p, 20), -1);
    ck_assert_int_eq(errno, ENAMETOOLONG);
    ck_assert_int_eq(xkl__script_path("", p, sizeof p), -1);
}
END_TEST

/* ---- running scripts (a shell script in a temporary directory) ---- */

static char dir[64];   /* made by main() before the tests fork */

static const char *script(const char *name, const char *body)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    chmod(path, 0755);
    return path;
}

static void no_children(void)
{
    errno = 0;
    ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);   /* nothing left to reap */
    ck_assert_int_eq(errno, ECHILD);
}

START_TEST(hotplug_ok_and_env)
{
    xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
    ck_assert_ptr_nonnull(ctx);
    /* an fd of the application without close-on-exec must not leak */
    int leak = open("/dev/null", O_RDONLY);
    ck_assert_int_ge(leak, 3);
    char body[1024];
    snprintf(body, sizeof body,
             "[ \"$1\" = online ] || exit 11\n"
             "[ \"$XENBUS_PATH\" = /local/domain/0/backend/vif/5/0 ] || exit 12\n"
             "[ \"$XENBUS_TYPE\" = vif ] || exit 13\n"
             "[ \"$XENBUS_BASE_PATH\" = backend ] || exit 14\n"
             "[ \"$vif\" = vif5.0 ] || exit 15\n"
             "[ -z \"$HOME\" ] || exit 16\n"
             "[ -e /proc/self/fd/%d ] && exit 17\n"
             "read x && exit 18\n"
             "exit 0", leak);
    const char *p = script("ok", body);
    setenv("HOME", "/root", 1);
    const char *extra[] = { "vif=vif5.0", NULL };
    int r = xkl__hotplug_run(ctx, p, "online", "/local/domain/0/backend/vif/5/0", "vif", extra, 5000,
                             "test");
    ck_assert_msg(r == 0, "%s", xkl_ctx_error(ctx));
    close(leak);
    no_children();
    xkl_ctx_close(ctx);
}
END_TEST

START_TEST(hotplug_failure_last_line)
{
    xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
    const char *p = script("fail", "echo first >&2\necho 'the bridge is gone' >&2\necho out\nexit 3");
    errno = 0;
    ck_assert_int_eq(xkl__hotplug_run(ctx, p, "offline", "/b", "vif", NULL, 5000, "network-detach domain 5"), -1);
    ck_assert_int_eq(errno, EIO);
    const char *e = xkl_ctx_error(ctx);
    ck_assert_msg(strstr(e, "network-detach domain 5: script ") == e, "%s", e);
    ck_assert_msg(strstr(e, "offline: exit 3: the bridge is gone"), "%s", e);
    no_children();
    /* a missing script: no process at all */
    char missing[128];
    snprintf(missing, sizeof missing, "%s/none", dir);
    ck_assert_int_eq(xkl__hotplug_run(ctx, missing, "online", "/b", "vif", NULL, 5000, "t"), -1);
    ck_assert_int_eq(errno, ENOENT);
    no_children();
    xkl_ctx_close(ctx);
}
END_TEST

START_TEST(hotplug_timeout)
{
    xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
    /* the script and its own child are both killed, and reaped */
    const char *p = script("slow", "echo waiting >&2\nsleep 30 &\nsleep 30");
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    errno = 0;
    ck_assert_int_eq(xkl__hotplug_run(ctx, p, "online", "/b", "vif", NULL, 300, "t"), -1);
    clock_gettime(CLOCK_MONOTONIC, &b);
    ck_assert_int_eq(errno, ETIMEDOUT);
    ck_assert_msg(strstr(xkl_ctx_error(ctx), "killed after 300 ms: waiting"), "%s", xkl_ctx_error(ctx));
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    ck_assert_msg(ms >= 290 && ms < 5000, "%ld ms", ms);
    no_children();
    xkl_ctx_close(ctx);
}
END_TEST

START_TEST(hotplug_signals_and_std_fds)
{
    /* a signal the caller ignores is the default again in the script */
    xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
    const char *p = script("sig", "kill -TERM $$\nexit 0");
    struct sigaction ign = { .sa_handler = SIG_IGN }, old;
    sigemptyset(&ign.sa_mask);
    ck_assert_int_eq(sigaction(SIGTERM, &ign, &old), 0);
    errno = 0;
    int r = xkl__hotplug_run(ctx, p, "online", "/b", "vif", NULL, 10000, "t");
    sigaction(SIGTERM, &old, NULL);
    ck_assert_int_eq(r, -1);
    ck_assert_msg(strstr(xkl_ctx_error(ctx), "killed by signal 15"), "%s", xkl_ctx_error(ctx));
    no_children();

    /* with the caller's 0, 1 and 2 closed the script still has /dev/null
     * for stdin and its stderr reaches us (a child of ours does the run:
     * the test's own std fds stay) */
    p = script("std", "read x && exit 9\necho said >&2\nexit 3");
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(0);
        close(1);
        close(2);
        int rr = xkl__hotplug_run(ctx, p, "online", "/b", "vif", NULL, 10000, "t");
        _exit(rr == -1 && strstr(xkl_ctx_error(ctx), ": exit 3: said") ? 0 : 1);
    }
    int st = 0;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 0);
    xkl_ctx_close(ctx);
}
END_TEST

START_TEST(hotplug_background_child)
{
    /* a daemon the script leaves behind keeps stderr open: the script's
     * own exit ends the wait */
    xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
    const char *p = script("bg", "sleep 3 &\nexit 0");
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    ck_assert_msg(xkl__hotplug_run(ctx, p, "online", "/b", "vif", NULL, 10000, "t") == 0, "%s",
                  xkl_ctx_error(ctx));
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    ck_assert_msg(ms < 2500, "%ld ms", ms);
    no_children();
    xkl_ctx_close(ctx);
}
END_TEST

/* ---- netlink: the reading calls and the refusals need no privilege ---- */

START_TEST(netlink_lookups)
{
    xkl_ctx *ctx = xkl_ctx_open(NULL, NULL, 0);
    struct xkl__nl *nl = xkl__nl_open(ctx, "network-attach domain 5: vif 0");
    if (!nl) {
        fprintf(stderr, "netlink_lookups: no rtnetlink here (%s): skipped\n", xkl_ctx_error(ctx));
        xkl_ctx_close(ctx);
        return;
    }
    ck_assert_int_eq(xkl__nl_link_exists(nl, "lo"), 1);
    ck_assert_int_eq(xkl__nl_link_exists(nl, "xkl-none0"), 0);
    errno = 0;
    ck_assert_int_eq(xkl__nl_link_set_master(nl, "lo", "xkl-nobr0"), -1);
    ck_assert_int_eq(errno, ENODEV);
    ck_assert_str_eq(xkl_ctx_error(ctx), "network-attach domain 5: vif 0: bridge xkl-nobr0 does not exist");
    ck_assert_int_eq(xkl__nl_link_set_master(nl, "xkl-none0", "lo"), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_msg(strstr(xkl_ctx_error(ctx), "vif 0: lo is not a bridge"), "%s", xkl_ctx_error(ctx));
    ck_assert_int_eq(xkl__nl_link_rename(nl, "xkl-none0", "xkl-none1"), -1);
    ck_assert_int_eq(errno, ENODEV);
    ck_assert_msg(strstr(xkl_ctx_error(ctx), "interface xkl-none0: renaming it xkl-none1: no such interface"),
                  "%s", xkl_ctx_error(ctx));
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    ck_assert_int_eq(xkl__nl_link_wait(nl, "xkl-none0", 200), -1);
    clock_gettime(CLOCK_MONOTONIC, &b);
    ck_assert_int_eq(errno, ETIMEDOUT);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    ck_assert_msg(ms >= 190 && ms < 3000, "%ld ms", ms);
    ck_assert_int_eq(xkl__nl_link_wait(nl, "lo", 200), 0);
    xkl__nl_close(nl);
    xkl_ctx_close(ctx);
}
END_TEST

int main(void)
{
    strcpy(dir, "/tmp/light_vif.XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    Suite *s = suite_create("vif");
    TCase *tc = tcase_create("vif");
    tcase_add_test(tc, mac_parse_format);
    tcase_add_test(tc, mac_xen_oui);
    tcase_add_test(tc, rate_forms);
    tcase_add_test(tc, rate_refused);
    tcase_add_test(tc, vif_nodes_default);
    tcase_add_test(tc, vif_nodes_full);
    tcase_add_test(tc, vif_nodes_script);
    tcase_add_test(tc, vif_refused);
    tcase_add_test(tc, vif_model_warning);
    tcase_add_test(tc, devid_choice);
    tcase_add_test(tc, ifnames);
    tcase_add_test(tc, script_env);
    tcase_add_test(tc, hotplug_ok_and_env);
    tcase_add_test(tc, hotplug_failure_last_line);
    tcase_add_test(tc, hotplug_timeout);
    tcase_add_test(tc, hotplug_background_child);
    tcase_add_test(tc, vif_netdev_name_fits);
    tcase_add_test(tc, hotplug_signals_and_std_fds);
    tcase_add_test(tc, netlink_lookups);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    const char *names[] = { "ok", "fail", "slow", "bg", "sig", "std" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
    return failed ? 1 : 0;
}
