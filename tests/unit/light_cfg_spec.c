/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Disk (xl-disk-configuration) and vif (xl-network-configuration) specs. */
#include "private.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static struct xkl_disk disk;
static xkl_diags d;

static int dparse(const char *spec)
{
    xkl__disk_dispose(&disk);
    xkl_diags_dispose(&d);
    xkl_diags_init(&d);
    return xkl__disk_parse(&disk, spec, "t.cfg", 7, 10, &d);
}

static const char *err(void)
{
    return d.n ? d.v[d.n - 1].text : "(none)";
}

static void setup(void)
{
    xkl__disk_init(&disk);
    xkl_diags_init(&d);
}

static void teardown(void)
{
    xkl__disk_dispose(&disk);
    xkl_diags_dispose(&d);
}

static void expect_disk(const char *spec, const char *target, const char *vdev,
                        enum xkl_disk_format fmt, int rw, int cdrom)
{
    ck_assert_msg(dparse(spec) == 0, "%s: %s", spec, err());
    if (target)
        ck_assert_str_eq(disk.pdev_path, target);
    else
        ck_assert_ptr_null(disk.pdev_path);
    ck_assert_str_eq(disk.vdev, vdev);
    ck_assert_int_eq(disk.format, fmt);
    ck_assert_int_eq(disk.readwrite, rw);
    ck_assert_int_eq(disk.is_cdrom, cdrom);
}

START_TEST(disk_equivalent_forms)
{
    /* the four equivalent spellings of xl-disk-configuration(5) */
    expect_disk("/dev/vg/guest-volume,,hda", "/dev/vg/guest-volume", "hda", XKL_DISK_FORMAT_RAW, 1, 0);
    expect_disk("/dev/vg/guest-volume,raw,hda,rw", "/dev/vg/guest-volume", "hda", XKL_DISK_FORMAT_RAW, 1, 0);
    expect_disk("format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume", "/dev/vg/guest-volume", "hda", XKL_DISK_FORMAT_RAW, 1, 0);
    expect_disk("raw:/dev/vg/guest-volume,hda,w", "/dev/vg/guest-volume", "hda", XKL_DISK_FORMAT_RAW, 1, 0);
    /* and the cdrom ones */
    expect_disk("/root/image.iso,,hdc,cdrom", "/root/image.iso", "hdc", XKL_DISK_FORMAT_RAW, 0, 1);
    expect_disk("/root/image.iso,,hdc,,cdrom", "/root/image.iso", "hdc", XKL_DISK_FORMAT_RAW, 0, 1);
    expect_disk("/root/image.iso,raw,hdc,devtype=cdrom", "/root/image.iso", "hdc", XKL_DISK_FORMAT_RAW, 0, 1);
    expect_disk("format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/root/image.iso", "/root/image.iso", "hdc", XKL_DISK_FORMAT_RAW, 0, 1);
    expect_disk("raw:/root/image.iso,hdc:cdrom,ro", "/root/image.iso", "hdc", XKL_DISK_FORMAT_RAW, 0, 1);
    ck_assert_int_eq(disk.removable, 1);
}
END_TEST

START_TEST(disk_deprecated_and_legacy)
{
    expect_disk("phy:/dev/sda8,hda,w", "/dev/sda8", "hda", XKL_DISK_FORMAT_RAW, 1, 0);
    expect_disk("tap:aio:qcow2:/img/x.qcow2,xvda,w", "/img/x.qcow2", "xvda", XKL_DISK_FORMAT_QCOW2, 1, 0);
    expect_disk(",hdc:cdrom,r", NULL, "hdc", XKL_DISK_FORMAT_EMPTY, 0, 1);
    expect_disk("file:/root/boot.iso&test,hdc:cdrom,r", "/root/boot.iso&test", "hdc", XKL_DISK_FORMAT_RAW, 0, 1);
    expect_disk("nbd:host:1234,xvda,w", "host:1234", "xvda", XKL_DISK_FORMAT_RAW, 1, 0);
    ck_assert_str_eq(disk.script, "block-nbd");
    expect_disk("backend=DomD, phy:/var/run/doma, xvda", "/var/run/doma", "xvda", XKL_DISK_FORMAT_RAW, 1, 0);
    ck_assert_str_eq(disk.backend_domname, "DomD");
}
END_TEST

START_TEST(disk_keywords_and_flags)
{
    expect_disk("vdev=xvdb, backendtype=qdisk, format=qcow2, discard, direct-io-safe, "
                "specification=virtio, script=block-x, target=rbd:a,b=c, d ",
                "rbd:a,b=c, d ", "xvdb", XKL_DISK_FORMAT_QCOW2, 1, 0);
    ck_assert_int_eq(disk.backend, XKL_DISK_BACKEND_QDISK);
    ck_assert_int_eq(disk.discard_enable, 1);
    ck_assert(disk.direct_io_safe);
    ck_assert_int_eq(disk.specification, XKL_DISK_SPEC_VIRTIO);
    ck_assert_str_eq(disk.script, "block-x");
    expect_disk("/d,qed,xvdc,ro,no-discard,colo,colo-port=9000,colo-host=h", "/d", "xvdc", XKL_DISK_FORMAT_QED, 0, 0);
    ck_assert_int_eq(disk.discard_enable, 0);
    ck_assert_int_eq(disk.colo_enable, 1);
    ck_assert_int_eq(disk.colo_port, 9000);
}
END_TEST

START_TEST(disk_errors)
{
    ck_assert_int_eq(dparse("qcow2:/data/win7x64.qcow2,,hda"), -1);
    ck_assert_str_eq(err(), "t.cfg:7:38: disk spec 'qcow2:/data/win7x64.qcow2,,hda': unknown value for access: expected r, ro, w or rw, found 'hda'");
    ck_assert_int_eq(dparse("/d,raw,xvda,rw,extra"), -1);
    ck_assert_str_eq(err(), "t.cfg:7:26: disk spec '/d,raw,xvda,rw,extra': too many positional parameters at 'extra'");
    ck_assert_int_eq(dparse("/d,,xvda,devtype=floppy"), -1);
    ck_assert_ptr_nonnull(strstr(err(), "expected devtype=cdrom, found 'floppy'"));
    ck_assert_int_eq(dparse("/d,,xvda,backendtype=nfs"), -1);
    ck_assert_int_eq(dparse("/d,,xvda,specification=scsi"), -1);
    ck_assert_int_eq(dparse("/d,,xvda,colo-port=x"), -1);
    ck_assert_int_eq(dparse("/d,,xvda,wibble=1"), -1);
    ck_assert_ptr_nonnull(strstr(err(), "unknown parameter 'wibble'"));
    ck_assert_int_eq(dparse("/d,,xvda,vdev=xvdb"), -1);
    ck_assert_ptr_nonnull(strstr(err(), "vdev given twice"));
    ck_assert_int_eq(dparse("format=raw,/d,qcow,xvda,r"), -1);
    ck_assert_int_eq(dparse(",,xvda"), -1);
    ck_assert_ptr_nonnull(strstr(err(), "no target specified"));
    ck_assert_int_eq(dparse(""), -1);
    ck_assert_ptr_nonnull(strstr(err(), "no vdev specified"));
    ck_assert_int_eq(dparse("/d,,xvda,r,access=w"), -1);
    ck_assert_ptr_nonnull(strstr(err(), "access given twice"));
}
END_TEST

static struct xkl_nic nic;

static int vparse(const char *spec)
{
    xkl__nic_dispose(&nic);
    xkl_diags_dispose(&d);
    xkl_diags_init(&d);
    return xkl__nic_parse(&nic, spec, "t.cfg", 3, 8, &d);
}

START_TEST(vif_keys)
{
    xkl__nic_init(&nic);
    ck_assert_int_eq(vparse("mac=00:16:3E:66:92:9C, bridge=xenbr1,script=vif-bridge,model=e1000,"
                            "type=ioemu,vifname=v0,ip=10.0.0.2 10.0.0.3,backend=dd,rate=10Mb/s@20ms,"
                            "mtu=9000,devid=4,gatewaydev=eth0,forwarddev=eth1,trusted"), 0);
    ck_assert_uint_eq(d.n, 0);
    ck_assert_str_eq(nic.mac, "00:16:3e:66:92:9c");
    ck_assert_str_eq(nic.bridge, "xenbr1");
    ck_assert_str_eq(nic.script, "vif-bridge");
    ck_assert_str_eq(nic.model, "e1000");
    ck_assert_int_eq(nic.nictype, XKL_NIC_TYPE_VIF_IOEMU);
    ck_assert_str_eq(nic.ifname, "v0");
    ck_assert_str_eq(nic.ip, "10.0.0.2 10.0.0.3");
    ck_assert_str_eq(nic.backend_domname, "dd");
    ck_assert_str_eq(nic.rate, "10Mb/s@20ms");
    ck_assert_int_eq(nic.mtu, 9000);
    ck_assert_int_eq(nic.devid, 4);
    ck_assert_str_eq(nic.gatewaydev, "eth0");
    ck_assert_str_eq(nic.coloft_forwarddev, "eth1");
    ck_assert_int_eq(nic.trusted, 1);
    /* an empty spec is a default vif */
    ck_assert_int_eq(vparse(""), 0);
    ck_assert_ptr_null(nic.bridge);
    xkl__nic_dispose(&nic);
}
END_TEST

START_TEST(vif_warnings_and_errors)
{
    xkl__nic_init(&nic);
    ck_assert_int_eq(vparse("brdige=br4"), 0);
    ck_assert_uint_eq(d.nwarnings, 1);
    ck_assert_str_eq(err(), "t.cfg:3:9: warning: vif spec 'brdige=br4': unrecognized argument 'brdige=br4' ignored");
    ck_assert_int_eq(vparse("bridge=b, accel=x, bare"), 0);
    ck_assert_uint_eq(d.nwarnings, 2);
    ck_assert_int_eq(vparse("mac=00:16:3e:00:00"), -1);
    ck_assert_str_eq(err(), "t.cfg:3:9: vif spec 'mac=00:16:3e:00:00': expected a MAC address xx:xx:xx:xx:xx:xx, found '00:16:3e:00:00'");
    ck_assert_int_eq(vparse("type=tap"), -1);
    ck_assert_int_eq(vparse("mtu=big"), -1);
    ck_assert_int_eq(vparse("devid=-1"), -1);
    ck_assert_int_eq(vparse("rate=fast"), -1);
    ck_assert_int_eq(vparse("rate=10Mb/s@"), -1);
    ck_assert_int_eq(vparse("rate=1GB/s"), 0);
    xkl__nic_dispose(&nic);
}
END_TEST

static struct xkl_vkb vkb;
static struct xkl_vtpm vtpm;

static int kparse(const char *spec)
{
    xkl__vkb_dispose(&vkb);
    xkl_diags_dispose(&d);
    xkl_diags_init(&d);
    return xkl__vkb_parse(&vkb, spec, "t.cfg", 3, 8, &d);
}

static int tparse(const char *spec)
{
    xkl__vtpm_dispose(&vtpm);
    xkl_diags_dispose(&d);
    xkl_diags_init(&d);
    return xkl__vtpm_parse(&vtpm, spec, "t.cfg", 3, 8, &d);
}

START_TEST(vkb_and_vtpm_specs)
{
    xkl__vkb_init(&vkb);
    xkl__vtpm_init(&vtpm);
    ck_assert_int_eq(kparse("backend-type=linux, unique-id=KB1,feature-disable-keyboard=1,"
                            "feature-abs-pointer=1,feature-raw-pointer=0,width=800,height=600,"
                            "multi-touch-width=100,multi-touch-height=50,multi-touch-num-contacts=3,"
                            "backend=dd,devid=2"), 0);
    ck_assert_uint_eq(d.n, 0);
    ck_assert_int_eq(vkb.backend_type, XKL_VKB_BACKEND_LINUX);
    ck_assert_str_eq(vkb.unique_id, "KB1");
    ck_assert(vkb.feature_disable_keyboard && vkb.feature_abs_pointer);
    ck_assert(!vkb.feature_raw_pointer && !vkb.feature_disable_pointer);
    ck_assert_int_eq(vkb.width, 800);
    ck_assert_int_eq(vkb.height, 600);
    ck_assert_int_eq(vkb.multi_touch_num_contacts, 3);
    ck_assert_str_eq(vkb.backend_domname, "dd");
    ck_assert_int_eq(vkb.devid, 2);
    ck_assert_int_eq(kparse("backend-type=qemu"), 0);
    ck_assert_int_eq(vkb.backend_type, XKL_VKB_BACKEND_QEMU);
    ck_assert_int_eq(vkb.devid, -1);
    /* as Xen's xl: the backend type is never guessed */
    ck_assert_int_eq(kparse("width=800"), -1);
    ck_assert_ptr_nonnull(strstr(err(), "backend-type is required"));
    /* an unknown key or a bad value is an error naming the place */
    ck_assert_int_eq(kparse("backend-type=linux,foo=1"), -1);
    ck_assert_ptr_nonnull(strstr(err(), "t.cfg:3:28: vkb spec 'backend-type=linux,foo=1': unknown key 'foo'"));
    ck_assert_int_eq(kparse("backend-type=bad"), -1);
    ck_assert_ptr_nonnull(strstr(err(), "expected backend-type qemu or linux, found 'bad'"));
    ck_assert_int_eq(kparse("width=abc"), -1);
    ck_assert_int_eq(kparse("feature-abs-pointer=2"), -1);
    ck_assert_int_eq(kparse("width"), -1);
    ck_assert_ptr_nonnull(strstr(err(), "expected key=value, found 'width'"));

    ck_assert_int_eq(tparse("backend=vtpmd,uuid=12345678-1234-1234-1234-123456789ABC"), 0);
    ck_assert_str_eq(vtpm.backend_domname, "vtpmd");
    char u[37];
    xkl__uuid_format(vtpm.uuid, u);
    ck_assert_str_eq(u, "12345678-1234-1234-1234-123456789abc");
    ck_assert_int_eq(tparse("uuid=bad"), -1);
    ck_assert_ptr_nonnull(strstr(err(), "expected a UUID"));
    ck_assert_int_eq(tparse("foo=1"), -1);
    ck_assert_int_eq(tparse(""), 0);
    xkl__vkb_dispose(&vkb);
    xkl__vtpm_dispose(&vtpm);
    xkl_diags_dispose(&d);
    xkl_diags_init(&d);
}
END_TEST

static int sparse(struct xkl_vsnd *v, const char *const *items, size_t n)
{
    struct xkl__spec_item it[8];
    for (size_t i = 0; i < n; i++)
        it[i] = (struct xkl__spec_item){ items[i], 4, (int)(3 + 10 * i) };
    xkl__vsnd_dispose(v);
    xkl_diags_dispose(&d);
    xkl_diags_init(&d);
    return xkl__vsnd_parse(v, it, n, "t.cfg", &d);
}

START_TEST(vsnd_spec)
{
    struct xkl_vsnd v;
    xkl__vsnd_init(&v);
    const char *ok[] = { "card, short-name=SN,long-name=LN,sample-rates=8000;44100,sample-formats=s16_le,"
                         "buffer-size=65536,backend=sd",
                         "pcm, name=P0, channels-min=1,channels-max=2",
                         "stream, unique-id=S0, type=p", "stream,unique-id=S1,type=c,sample-rates=48000",
                         "pcm,name=P1", "stream,unique-id=S2,type=c" };
    ck_assert_int_eq(sparse(&v, ok, 6), 0);
    ck_assert_str_eq(v.short_name, "SN");
    ck_assert_str_eq(v.backend_domname, "sd");
    ck_assert_uint_eq(v.params.num_sample_rates, 2);
    ck_assert_str_eq(v.params.sample_rates[1], "44100");
    ck_assert_int_eq(v.params.buffer_size, 65536);
    ck_assert_uint_eq(v.num_pcms, 2);
    ck_assert_int_eq(v.pcms[0].params.channels_max, 2);
    ck_assert_uint_eq(v.pcms[0].num_streams, 2);
    ck_assert_int_eq(v.pcms[0].streams[1].type, XKL_VSND_STREAM_TYPE_C);
    ck_assert_str_eq(v.pcms[0].streams[1].params.sample_rates[0], "48000");
    ck_assert_str_eq(v.pcms[1].streams[0].unique_id, "S2");
    /* the card is optional: a pcm may come first */
    const char *nocard[] = { "pcm, name=P", "stream, unique-id=S, type=p" };
    ck_assert_int_eq(sparse(&v, nocard, 2), 0);
    static const struct { const char *items[3]; size_t n; const char *want; } bad[] = {
        { { "stream, unique-id=S, type=p" }, 1, "a stream belongs to a pcm" },
        { { "pcm, name=P" }, 1, "has no stream" },
        { { "card, short-name=S" }, 1, "needs a pcm" },
        { { "pcm, name=P", "stream, type=p" }, 2, "needs unique-id=" },
        { { "pcm, name=P", "stream, unique-id=S" }, 2, "needs type=p" },
        { { "pcm, name=P", "stream, unique-id=S, type=x" }, 2, "expected stream type" },
        { { "pcm, name=P, sample-formats=s17", "stream, unique-id=S, type=p" }, 2, "unknown sample format" },
        { { "pcm, name=P, sample-rates=8000;x", "stream, unique-id=S, type=p" }, 2, "expected numbers" },
        { { "pcm, name=P, channels-min=3, channels-max=2", "stream, unique-id=S, type=p" }, 2, "above channels-max" },
        { { "pcm, name=P, colour=red", "stream, unique-id=S, type=p" }, 2, "unknown pcm key" },
        { { "speaker, x=1" }, 1, "card, pcm or stream" },
        { { "pcm, name=P", "stream, unique-id=S, type=p", "card, short-name=late" }, 3, "the card comes once" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_msg(sparse(&v, bad[i].items, bad[i].n) == -1, "%s accepted", bad[i].items[0]);
        ck_assert_msg(strstr(err(), bad[i].want), "%s: %s", bad[i].items[0], err());
    }
    /* the place: the item's line and column */
    const char *loc[] = { "pcm, name=P, colour=red", "stream, unique-id=S, type=p" };
    sparse(&v, loc, 2);
    ck_assert_ptr_nonnull(strstr(err(), "t.cfg:4:17: vsnd spec"));
    xkl__vsnd_dispose(&v);
    xkl_diags_dispose(&d);
    xkl_diags_init(&d);
}
END_TEST

START_TEST(channel_spec)
{
    struct xkl_channel ch;
    xkl__channel_init(&ch);
    xkl_diags_dispose(&d);
    xkl_diags_init(&d);
    ck_assert_int_eq(xkl__channel_parse(&ch, "name=org.a, connection=socket,path=/run/a.sock", "t.cfg", 3, 8, &d), 0);
    ck_assert_str_eq(ch.name, "org.a");
    ck_assert_int_eq(ch.connection, XKL_CHANNEL_CONNECTION_SOCKET);
    ck_assert_str_eq(ch.path, "/run/a.sock");
    xkl__channel_dispose(&ch);
    ck_assert_int_eq(xkl__channel_parse(&ch, "name=b,connection=pty", "t.cfg", 3, 8, &d), 0);
    ck_assert_int_eq(ch.connection, XKL_CHANNEL_CONNECTION_PTY);
    char longp[160] = "name=c,connection=socket,path=/";
    memset(longp + strlen(longp), 'x', 110);
    static const char *bad[] = { "name=x", "connection=pty", "name=x,connection=socket",
                                 "name=x,connection=tcp", "name=x,connection=pty,path=/p",
                                 "name=x,connection=pty,k=v", "name=x,connection=pty,devid=0", NULL };
    bad[7] = longp;
    for (size_t i = 0; i < 8; i++) {
        xkl__channel_dispose(&ch);
        ck_assert_msg(xkl__channel_parse(&ch, bad[i], "t.cfg", 3, 8, &d) == -1, "%s accepted", bad[i]);
    }
    xkl__channel_dispose(&ch);
    xkl_diags_dispose(&d);
    xkl_diags_init(&d);
}
END_TEST

START_TEST(vdispl_spec)
{
    struct xkl_vdispl v;
    xkl__vdispl_init(&v);
    xkl_diags_dispose(&d);
    xkl_diags_init(&d);
    ck_assert_int_eq(xkl__vdispl_parse(&v, "backend=dd,be-alloc=1,connectors=id0:1920x1080;id1:800x600",
                                       "t.cfg", 3, 8, &d), 0);
    ck_assert_str_eq(v.backend_domname, "dd");
    ck_assert(v.be_alloc);
    ck_assert_uint_eq(v.num_connectors, 2);
    ck_assert_str_eq(v.connectors[0].unique_id, "id0");
    ck_assert_int_eq(v.connectors[0].width, 1920);
    ck_assert_int_eq(v.connectors[1].height, 600);
    static const char *const bad[] = { "be-alloc=1", "connectors=bad", "connectors=a:0x5",
                                       "connectors=a:10x", "connectors=:10x10", "connectors=a:1x1,x=1",
                                       "connectors=a:70000x1" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        xkl__vdispl_dispose(&v);
        ck_assert_msg(xkl__vdispl_parse(&v, bad[i], "t.cfg", 3, 8, &d) == -1, "%s accepted", bad[i]);
    }
    xkl__vdispl_dispose(&v);
    xkl_diags_dispose(&d);
    xkl_diags_init(&d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("light_cfg_spec");
    TCase *tc = tcase_create("spec");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, disk_equivalent_forms);
    tcase_add_test(tc, disk_deprecated_and_legacy);
    tcase_add_test(tc, disk_keywords_and_flags);
    tcase_add_test(tc, disk_errors);
    tcase_add_test(tc, vif_keys);
    tcase_add_test(tc, vif_warnings_and_errors);
    tcase_add_test(tc, vkb_and_vtpm_specs);
    tcase_add_test(tc, vdispl_spec);
    tcase_add_test(tc, channel_spec);
    tcase_add_test(tc, vsnd_spec);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
