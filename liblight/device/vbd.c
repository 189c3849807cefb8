/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Disks: blkback ("vbd") for raw images and block devices, QEMU's qdisk for
 * qcow/qcow2/vhd/qed. What Xen's block hotplug script does in dom0 is done
 * here, in-process: the checks (the target exists, is not mounted in dom0,
 * is not shared writable with another guest), a loop device for a raw file,
 * and the physical-device node blkback waits for. A user's script= is run
 * instead, as libxl runs it. A backend in a driver domain only gets its
 * nodes: that domain sets the device up.
 */
#include "private.h"
#include "dm/dm.h"
#include "device/vbd.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define LOOP_BLOCK_MAJOR 7u
#define VBD_TIMEOUT_MS 10000

/* ---- the pure half: kind and nodes ---- */

#define WHY(...) (snprintf(why, len, __VA_ARGS__), -1)

static const char *qdisk_format(enum xkl_disk_format f)
{
    switch (f) {
    case XKL_DISK_FORMAT_QCOW: return "qcow";
    case XKL_DISK_FORMAT_QCOW2: return "qcow2";
    case XKL_DISK_FORMAT_VHD: return "vhd";
    case XKL_DISK_FORMAT_QED: return "qed";
    default: return "aio";   /* raw (and empty): QEMU's plain file access */
    }
}

static int kv(struct xkl__kv *v, size_t *n, size_t cap, const char *key, const char *value)
{
    if (*n >= cap)
        return -1;
    v[*n].key = key;
    v[*n].value = value;
    (*n)++;
    return 0;
}

int xkl__vbd_nodes(const struct xkl_disk *disk, const struct xkl__vbd_local *loc,
                   struct xkl__vbd_nodes *n, char *why, size_t len)
{
    memset(n, 0, sizeof *n);
    const char *vdev = disk->vdev ? disk->vdev : "";
    if (!*vdev) {
        errno = EINVAL;
        return WHY("no vdev");
    }
    if (xkl__vdev_number(vdev, &n->devid) < 0) {
        errno = EINVAL;
        return WHY("vdev %s: not a whole disk's name (xvdN, hdN, sdN, dN or a number; "
                   "partitions are not supported)", vdev);
    }
    snprintf(n->vdev, sizeof n->vdev, "%s", vdev);
    snprintf(n->devid_s, sizeof n->devid_s, "%u", n->devid);

    /* settings that would change what the guest gets and that we do not do */
    errno = EOPNOTSUPP;
    if (disk->specification == XKL_DISK_SPEC_VIRTIO)
        return WHY("specification=virtio is not supported");
    if (disk->colo_enable == 1 || disk->colo_restore_enable == 1 || disk->colo_host ||
        disk->colo_port || disk->colo_export || disk->active_disk || disk->hidden_disk)
        return WHY("colo is not supported");
    if (disk->backend == XKL_DISK_BACKEND_TAP)
        return WHY("backendtype=tap is not supported");
    if (disk->backend == XKL_DISK_BACKEND_STANDALONE)
        return WHY("backendtype=standalone is not supported");
    bool raw = disk->format == XKL_DISK_FORMAT_RAW || disk->format == XKL_DISK_FORMAT_UNKNOWN ||
               disk->format == XKL_DISK_FORMAT_EMPTY;
    bool qdisk = disk->backend == XKL_DISK_BACKEND_QDISK || !raw;
    if (qdisk && disk->backend == XKL_DISK_BACKEND_PHY) {
        errno = EINVAL;
        return WHY("backendtype=phy serves raw images only, not format=%s",
                   xkl__disk_format_to_string(disk->format));
    }
    if (qdisk && disk->script)
        return WHY("script= is not supported with backendtype=qdisk");
    errno = 0;
    n->kind = qdisk ? "qdisk" : "vbd";

    const char *target = disk->pdev_path ? disk->pdev_path : "";
    int w;
    if (qdisk)
        w = snprintf(n->params, sizeof n->params, "%s:%s", qdisk_format(disk->format), target);
    else
        w = snprintf(n->params, sizeof n->params, "%s", target);
    if (w < 0 || (size_t)w >= sizeof n->params) {
        errno = ENAMETOOLONG;
        return WHY("target too long");
    }
    if (!qdisk) {
        const char *s = disk->script && *disk->script ? disk->script : "block";
        w = snprintf(n->script, sizeof n->script, "%s%s%s", *s == '/' ? "" : XKL__SCRIPT_DIR,
                     *s == '/' ? "" : "/", s);
        if (w < 0 || (size_t)w >= sizeof n->script) {
            errno = ENAMETOOLONG;
            return WHY("script too long");
        }
        n->user_script = strcmp(n->script, XKL__BLOCK_SCRIPT) != 0;
    }

    const char *devtype = disk->is_cdrom ? "cdrom" : "disk";
    /* libxl's default: discard offered on a writable disk */
    bool discard = disk->discard_enable >= 0 ? disk->discard_enable == 1 : disk->readwrite != 0;
    int bad = 0;
    bad |= kv(n->back, &n->nback, 16, "params", n->params);
    if (!qdisk)
        bad |= kv(n->back, &n->nback, 16, "script", n->script);
    bad |= kv(n->back, &n->nback, 16, "removable", disk->removable ? "1" : "0");
    bad |= kv(n->back, &n->nback, 16, "bootable", "1");
    bad |= kv(n->back, &n->nback, 16, "dev", n->vdev);
    bad |= kv(n->back, &n->nback, 16, "type", qdisk ? "qdisk" : "phy");
    bad |= kv(n->back, &n->nback, 16, "mode", disk->readwrite ? "w" : "r");
    bad |= kv(n->back, &n->nback, 16, "device-type", devtype);
    bad |= kv(n->back, &n->nback, 16, "discard-enable", discard ? "1" : "0");
    if (disk->direct_io_safe)
        bad |= kv(n->back, &n->nback, 16, "direct-io-safe", "1");
    bad |= kv(n->front, &n->nfront, 4, "virtual-device", n->devid_s);
    bad |= kv(n->front, &n->nfront, 4, "device-type", devtype);
    bad |= kv(n->front, &n->nfront, 4, "trusted", disk->trusted == 0 ? "0" : "1");
    if (loc && loc->device && !qdisk) {
        snprintf(n->mm, sizeof n->mm, "%x:%x", loc->major, loc->minor);
        bad |= kv(n->local, &n->nlocal, 4, "physical-device", n->mm);
        bad |= kv(n->local, &n->nlocal, 4, "physical-device-path", loc->device);
        if (loc->loop)
            bad |= kv(n->local, &n->nlocal, 4, "node", loc->loop);
    }
    if (bad) {   /* the arrays are sized for every node above */
        errno = ENOMEM;
        return WHY("too many nodes");
    }
    return 0;
}

int xkl__vbd_layout(struct xkl__layout *l, uint32_t domid, uint32_t backend_domid,
                    const struct xkl__vbd_nodes *n)
{
    struct xkl__device d = {
        .kind = xkl__devkind_find(n->kind), .domid = domid, .backend_domid = backend_domid,
        .devid = n->devid, .front = n->front, .nfront = n->nfront,
        .back = n->back, .nback = n->nback,
    };
    if (!d.kind || xkl__device_layout(l, &d) < 0) {
        errno = ENOMEM;
        return -1;
    }
    char fe[128], be[128];
    xkl__device_paths(&d, fe, be);
    for (size_t i = 0; i < n->nlocal; i++)
        if (xkl__layout_add(l, NULL, 0, n->local[i].value, "%s/%s", be, n->local[i].key) < 0) {
            errno = ENOMEM;
            return -1;
        }
    return 0;
}

/* ---- dom0's side: what an image or device is, who else uses it ---- */

/* What a target is on this host: a file's inode, a block device's number
 * (and, for a loop device, the inode of its backing file). */
struct ident {
    bool file, blk;
    dev_t dev, rdev;
    ino_t ino;
};

static bool ident_match(const struct ident *a, const struct ident *b)
{
    return (a->file && b->file && a->dev == b->dev && a->ino == b->ino) ||
           (a->blk && b->blk && a->rdev == b->rdev);
}

/* The backing file of loop device `dev` into id; -1 with errno (ENXIO:
 * the loop device is not bound to a file). */
static int loop_backing(const char *dev, struct ident *id)
{
    int fd = open(dev, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -1;
    struct loop_info64 info;
    memset(&info, 0, sizeof info);
    int r = ioctl(fd, LOOP_GET_STATUS64, &info);
    int e = errno;
    close(fd);
    if (r < 0) {
        errno = e;
        return -1;
    }
    id->file = true;
    id->dev = (dev_t)info.lo_device;
    id->ino = (ino_t)info.lo_inode;
    return 0;
}

static void ident_of_rdev(dev_t rdev, struct ident *id)
{
    id->blk = true;
    id->rdev = rdev;
    if (major(rdev) == LOOP_BLOCK_MAJOR) {
        char path[48];
        snprintf(path, sizeof path, "/dev/block/%u:%u", major(rdev), minor(rdev));
        loop_backing(path, id);
    }
}

/* Best effort: what path names (nothing when it is not there). */
static void ident_of_path(const char *path, struct ident *id)
{
    struct stat st;
    if (!path || !*path || stat(path, &st) < 0)
        return;
    if (S_ISREG(st.st_mode)) {
        id->file = true;
        id->dev = st.st_dev;
        id->ino = st.st_ino;
    } else if (S_ISBLK(st.st_mode)) {
        ident_of_rdev(st.st_rdev, id);
    }
}

static char *read_node(xkl_xs *xs, const char *dir, const char *key)
{
    char path[256];
    if (snprintf(path, sizeof path, "%s/%s", dir, key) >= (int)sizeof path)
        return NULL;
    return xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
}

/* params of a qdisk: "FORMAT:PATH" */
static const char *strip_format(const char *params)
{
    static const char *const fmts[] = { "aio:", "raw:", "qcow:", "qcow2:", "vhd:", "qed:" };
    for (size_t i = 0; params && i < sizeof fmts / sizeof *fmts; i++)
        if (!strncmp(params, fmts[i], strlen(fmts[i])))
            return params + strlen(fmts[i]);
    return params;
}

/* Xen's block script's sharing rule: an image (or device) another guest
 * already has may be attached again only when both are read-only. */
static int check_sharing(xkl_ctx *ctx, xkl_xs *xs, const struct ident *mine,
                         bool writable, const char *target, const char *what, const char *vdev)
{
    static const char *const kinds[] = { "vbd", "qdisk" };
    for (size_t k = 0; k < 2; k++) {
        char dir[96];
        snprintf(dir, sizeof dir, "/local/domain/0/backend/%s", kinds[k]);
        unsigned ndoms = 0;
        char **doms = xkl_xs_directory(xs, XKL_XS_TX_NONE, dir, &ndoms);
        for (unsigned i = 0; doms && i < ndoms; i++) {
            char ddir[160];
            snprintf(ddir, sizeof ddir, "%s/%s", dir, doms[i]);
            unsigned ndevs = 0;
            char **devs = xkl_xs_directory(xs, XKL_XS_TX_NONE, ddir, &ndevs);
            for (unsigned j = 0; devs && j < ndevs; j++) {
                char be[224];
                snprintf(be, sizeof be, "%s/%s", ddir, devs[j]);
                char *params = read_node(xs, be, "params");
                char *pdev = read_node(xs, be, "physical-device");
                char *node = read_node(xs, be, "node");
                char *mode = read_node(xs, be, "mode");
                struct ident other = { 0 };
                ident_of_path(k == 1 ? strip_format(params) : params, &other);
                unsigned ma, mi;
                if (!other.blk && pdev && sscanf(pdev, "%x:%x", &ma, &mi) == 2)
                    ident_of_rdev(makedev(ma, mi), &other);
                if (node && !other.file)
                    ident_of_path(node, &other);
                bool other_w = mode && mode[0] == 'w';
                bool clash = ident_match(mine, &other) && (writable || other_w);
                free(params);
                free(pdev);
                free(node);
                free(mode);
                if (clash) {
                    char ov[24];
                    unsigned long odev = strtoul(devs[j], NULL, 10);
                    xkl__vdev_name((unsigned)odev, ov, sizeof ov);
                    xkl__err(ctx, EBUSY, "%s: %s: %s is already attached to domain %s (%s%s), "
                             "and one of them is writable", what, vdev, target, doms[i], ov,
                             other_w ? ", read-write" : ", read-only");
                    free(devs);
                    free(doms);
                    return -1;
                }
            }
            free(devs);
        }
        free(doms);
    }
    return 0;
}

/* -1 with the error when block device rdev is mounted in dom0. */
static int check_not_mounted(xkl_ctx *ctx, dev_t rdev, const char *target, const char *what,
                             const char *vdev)
{
    FILE *f = fopen("/proc/self/mounts", "re");
    if (!f)
        return 0;
    char line[4096];
    int r = 0;
    while (r == 0 && fgets(line, sizeof line, f)) {
        char src[1024], at[1024];
        if (sscanf(line, "%1023s %1023s", src, at) != 2 || src[0] != '/')
            continue;
        /* the kernel writes blanks and backslashes as \ooo */
        for (char *s = src, *o = src; ; s++, o++) {
            if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
                s[3] >= '0' && s[3] <= '7') {
                *o = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                s += 3;
            } else {
                *o = *s;
            }
            if (!*s)
                break;
        }
        struct stat st;
        if (stat(src, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == rdev)
            r = xkl__err(ctx, EBUSY, "%s: %s: %s is mounted in dom0 (on %s)", what, vdev,
                         target, at);
    }
    fclose(f);
    return r;
}

/* "pv", "pvh" or "hvm": libxl's record, else the hypervisor's flags. */
static int guest_type(xkl_ctx *ctx, uint32_t domid, char out[8], const char *what)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return xkl__err_wrap(ctx, "%s", what);
    char path[48];
    snprintf(path, sizeof path, "/libxl/%u/type", domid);
    char *t = xkl_xs_read(xs, XKL_XS_TX_NONE, path, NULL);
    if (t && (!strcmp(t, "pv") || !strcmp(t, "pvh") || !strcmp(t, "hvm"))) {
        snprintf(out, 8, "%s", t);
        free(t);
        return 0;
    }
    free(t);
    xkc_handle *xc = xkl__xc(ctx);
    struct xkc_dominfo ci;
    if (!xc)
        return xkl__err_wrap(ctx, "%s", what);
    if (xkc_domain_info(xc, domid, &ci) < 0)
        return xkl__err(ctx, errno == ESRCH ? ESRCH : errno ? errno : EIO, "%s: %s", what,
                        errno == ESRCH ? "no such domain" : xkc_error(xc));
    snprintf(out, 8, "%s", !ci.hvm ? "pv" : (ci.emulation_flags & XEN_X86_EMU_PIT) ? "hvm" : "pvh");
    return 0;
}

/* ---- adding a disk ---- */

/* Keep the first error line and errno across a clean-up. */
struct keep {
    int e;
    char err[sizeof ((struct xkl_ctx *)0)->err];
};
static void keep_save(xkl_ctx *ctx, struct keep *k)
{
    k->e = errno;
    memcpy(k->err, ctx->err, sizeof k->err);
}
static int keep_restore(xkl_ctx *ctx, const struct keep *k)
{
    memcpy(ctx->err, k->err, sizeof k->err);
    errno = k->e;
    return -1;
}

/* The backend domain of a disk: backend= (a name or an id), else its
 * backend_domid (a JSON config's), else dom0. */
static int disk_backend(xkl_ctx *ctx, const struct xkl_disk *disk, uint32_t *bdom,
                        const char *what)
{
    char idbuf[24];
    const char *backend = disk->backend_domname;
    if ((!backend || !*backend) && disk->backend_domid > 0) {
        snprintf(idbuf, sizeof idbuf, "%lld", disk->backend_domid);
        backend = idbuf;
    }
    return xkl__backend_domid(ctx, backend, bdom, what);
}

static int injected(xkl_ctx *ctx, const char *what, const char *vdev, const char *where)
{
    return xkl__err(ctx, EIO, "%s: %s: injected fault before %s", what, vdev, where);
}

/* Does the domain have a QEMU recorded (ours or another toolstack's)? */
static bool dm_recorded(xkl_ctx *ctx, uint32_t domid)
{
    char *pid = xkl__xs_readf(ctx, "/local/domain/%u/image/device-model-pid", domid);
    bool had = pid != NULL;
    free(pid);
    return had;
}

/* A QEMU an attach started for its qdisk, stopped again when it failed:
 * unless another qdisk backend of the domain uses it meanwhile (or
 * xenstore cannot tell). Keeps the context's error. */
static void dm_undo(xkl_ctx *ctx, uint32_t domid)
{
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs || domid == 0)
        return;   /* dom0's QEMU is the host's service, not an attach's */
    char dir[64];
    snprintf(dir, sizeof dir, "/local/domain/0/backend/qdisk/%u", domid);
    unsigned n = 0;
    char **ents = xkl_xs_directory(xs, XKL_XS_TX_NONE, dir, &n);
    bool used = ents ? n > 0 : errno != ENOENT;
    free(ents);
    if (used)
        return;
    struct keep k;
    keep_save(ctx, &k);
    xkl__dm_stop(ctx, domid);
    keep_restore(ctx, &k);
}

int xkl__vbd_add(xkl_ctx *ctx, uint32_t domid, const struct xkl_disk *disk, struct xkl__fault *f,
                 const char *what)
{
    const char *vname = disk->vdev && *disk->vdev ? disk->vdev : "disk";
    struct xkl__vbd_nodes *n = malloc(sizeof *n);
    if (!n)
        return xkl__err(ctx, ENOMEM, "%s: %s: %s", what, vname, strerror(ENOMEM));
    char why[256];
    int r = -1;
    char loopdev[32] = "";
    bool loop_ours = false;   /* we own the loop until the nodes name it */
    bool dm_ours = false;     /* this add started the domain's QEMU */
    if (xkl__vbd_nodes(disk, NULL, n, why, sizeof why) < 0) {
        xkl__err(ctx, errno, "%s: %s: %s", what, vname, why);
        goto out;
    }
    char wv[192];   /* "<what>: <vdev>", the prefix of what the callees say */
    snprintf(wv, sizeof wv, "%s: %s", what, vname);
    const char *target = disk->pdev_path ? disk->pdev_path : "";
    bool empty = !*target || disk->format == XKL_DISK_FORMAT_EMPTY;

    /* the backend domain: backend= by name or id, or backend_domid */
    uint32_t bdom = 0;
    if (disk_backend(ctx, disk, &bdom, what) < 0)
        goto out;
    /* dom0 is the one domain that may serve itself (a disk attached to
     * dom0: blkback for a raw image, the dom0 disk backend's QEMU for qdisk) */
    if (bdom == domid && domid != 0) {
        xkl__err(ctx, EINVAL, "%s: %s: backend domain %u is the guest itself", what, vname, bdom);
        goto out;
    }

    xkl_xs *xs = xkl__xs(ctx);
    if (!xs) {
        xkl__err_wrap(ctx, "%s", what);
        goto out;
    }
    /* a vdev is one device of the guest: vbd and qdisk share the frontend.
     * libxl's record and a backend count too: the guest may have removed
     * its own frontend, and a live backend must never be overwritten
     * unreleased */
    char fe[128], vtwice[64];
    snprintf(vtwice, sizeof vtwice, "vdev %s", vname);
    if (xkl__device_check_free(ctx, domid, "vbd", n->devid, bdom, what, vtwice) < 0)
        goto out;
    if (empty) {
        char type[8];
        if (guest_type(ctx, domid, type, what) < 0)
            goto out;
        if (strcmp(type, "hvm") != 0)
            xkl__err(ctx, EOPNOTSUPP, "%s: %s: an empty cdrom needs an HVM guest (domain %u is %s)",
                     what, vname, domid, type);
        else
            r = 0;   /* an HVM guest's empty drive is QEMU's alone (ide-cd): no PV half */
        goto out;
    }

    /* dom0 does the block script's work, unless the user gave a script */
    bool local = bdom == 0 && !n->user_script;
    bool isvbd = !strcmp(n->kind, "vbd");
    struct ident mine = { 0 };
    struct stat st;
    bool regular = false;
    if (local) {
        if (stat(target, &st) < 0) {
            xkl__err(ctx, errno, "%s: %s: %s: %s", what, vname, target,
                     errno == ENOENT ? "no such file or device" : strerror(errno));
            goto out;
        }
        if (S_ISREG(st.st_mode)) {
            regular = true;
            mine.file = true;
            mine.dev = st.st_dev;
            mine.ino = st.st_ino;
        } else if (S_ISBLK(st.st_mode)) {
            mine.blk = true;
            mine.rdev = st.st_rdev;
            if (major(st.st_rdev) == LOOP_BLOCK_MAJOR && loop_backing(target, &mine) < 0) {
                if (errno == ENXIO)
                    xkl__err(ctx, ENXIO, "%s: %s: %s is an unbound loop device (no backing "
                             "file): busy or free, not a disk", what, vname, target);
                else
                    xkl__err(ctx, errno, "%s: %s: loop device %s: %s", what, vname, target,
                             strerror(errno));
                goto out;
            }
            if (check_not_mounted(ctx, st.st_rdev, target, what, vname) < 0)
                goto out;
        } else {
            xkl__err(ctx, EINVAL, "%s: %s: %s is neither a block device nor a regular file",
                     what, vname, target);
            goto out;
        }
        if (check_sharing(ctx, xs, &mine, disk->readwrite != 0, target, what, vname) < 0)
            goto out;
    }

    /* dom0's side: a loop device for a raw file blkback serves */
    struct xkl__vbd_local loc = { 0 };
    if (local && isvbd) {
        if (regular) {
            unsigned ma = 0, mi = 0;
            if (xkl__fault_here(f)) {
                injected(ctx, what, vname, "the loop device");
                goto out;
            }
            if (xkl__loop_attach(ctx, target, disk->readwrite == 0, loopdev, sizeof loopdev, &ma,
                                 &mi, wv) < 0)
                goto out;
            loop_ours = true;
            loc.device = loopdev;
            loc.loop = loopdev;
            loc.major = ma;
            loc.minor = mi;
        } else {
            loc.device = target;
            loc.major = major(st.st_rdev);
            loc.minor = minor(st.st_rdev);
        }
    }
    if (xkl__vbd_nodes(disk, &loc, n, why, sizeof why) < 0) {
        xkl__err(ctx, errno, "%s: %s: %s", what, vname, why);
        goto out;
    }
    if (!isvbd && bdom == 0 && domid == 0) {
        /* dom0's own qdisk backend is a QEMU of the host's (the
         * xkit-qemu-dom0-disk-backend service), never one of ours */
        char *dm = xkl__xs_readf(ctx, "/local/domain/0/device-model/0/state");
        bool up = dm && !strcmp(dm, "running");
        free(dm);
        if (!up) {
            xkl__err(ctx, ENXIO, "%s: %s: a %s image attached to dom0 needs the QEMU that serves "
                     "dom0's disks, and none runs (start the xkit-qemu-dom0-disk-backend service)",
                     what, vname, qdisk_format(disk->format));
            goto out;
        }
    } else if (!isvbd && bdom == 0) {
        bool had = dm_recorded(ctx, domid);
        if (xkl__dm_pv_ensure(ctx, domid, NULL, what) < 0)
            goto out;
        dm_ours = !had;
    }

    struct xkl__layout l;
    xkl__layout_init(&l);
    if (xkl__vbd_layout(&l, domid, bdom, n) < 0) {
        xkl__layout_dispose(&l);
        xkl__err(ctx, ENOMEM, "%s: %s: %s", what, vname, strerror(ENOMEM));
        goto out;
    }
    if (xkl__fault_here(f)) {
        xkl__layout_dispose(&l);
        injected(ctx, what, vname, "writing its nodes");
        goto out;
    }
    int w = xkl__layout_write(ctx, &l);
    xkl__layout_dispose(&l);
    if (w < 0) {
        xkl__err_wrap(ctx, "%s", wv);
        goto out;
    }
    /* from here the device owns the loop (its node) and the script's work:
     * its release hook frees them, through xkl__device_remove */
    loop_ours = false;
    struct xkl__device d = { .kind = xkl__devkind_find(n->kind), .domid = domid,
                             .backend_domid = bdom, .devid = n->devid };
    if (bdom == 0 && n->user_script) {
        char be[128];
        xkl__device_paths(&d, fe, be);
        if (xkl__hotplug_run(ctx, n->script, "add", be, "vbd", NULL, VBD_TIMEOUT_MS, wv) < 0)
            goto remove;
    }
    if (bdom == 0) {
        if (xkl__fault_here(f)) {
            injected(ctx, what, vname, "waiting for the backend");
            goto remove;
        }
        if (xkl__device_wait_state(ctx, &d, 2, VBD_TIMEOUT_MS, what) < 0)
            goto remove;
    }
    r = 0;
    goto out;
remove:;
    struct keep k;
    keep_save(ctx, &k);
    xkl__device_remove(ctx, &d, 0, true);
    keep_restore(ctx, &k);
out:
    if (loop_ours) {
        struct keep k2;
        keep_save(ctx, &k2);
        xkl__loop_detach(ctx, loopdev, wv);
        keep_restore(ctx, &k2);
    }
    if (r < 0 && dm_ours)
        dm_undo(ctx, domid);
    free(n);
    return r;
}

int xkl__vbd_release(xkl_ctx *ctx, uint32_t domid, unsigned devid, const char *be)
{
    /* only dom0's backends hold anything here */
    if (strncmp(be, "/local/domain/0/", 16) != 0)
        return 0;
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs)
        return -1;
    char what[96], vdev[24];
    xkl__vdev_name(devid, vdev, sizeof vdev);
    snprintf(what, sizeof what, "release %s of domain %u", vdev, domid);
    int r = 0;
    char *script = read_node(xs, be, "script");
    if (script && *script && strcmp(script, XKL__BLOCK_SCRIPT) != 0 &&
        xkl__hotplug_run(ctx, script, "remove", be, "vbd", NULL, VBD_TIMEOUT_MS, what) < 0)
        r = -1;
    free(script);
    /* the loop device we set up (Xen's block script records its own
     * there too): cleared now, or on blkback's last close */
    char *node = read_node(xs, be, "node");
    char *params = node ? read_node(xs, be, "params") : NULL;
    /* only while it is still bound to this backend's file: a loop freed
     * meanwhile may serve someone else now */
    if (node && !strncmp(node, "/dev/loop", 9) && params && *params &&
        xkl__loop_detach_bound(ctx, node, params, what) < 0)
        r = -1;
    free(params);
    free(node);
    return r;
}

/* ---- the public calls ---- */

struct attach_arg {
    xkl_ctx *ctx;
    const char *spec, *what;
    unsigned devid;
};

/* Drop every disk of dc at devid. */
static void drop_disks(struct xkl_domain_config *dc, unsigned devid)
{
    size_t o = 0;
    for (size_t i = 0; i < dc->num_disks; i++) {
        unsigned id;
        if (dc->disks[i].vdev && xkl__vdev_number(dc->disks[i].vdev, &id) == 0 && id == devid) {
            xkl__disk_dispose(&dc->disks[i]);
            continue;
        }
        dc->disks[o++] = dc->disks[i];
    }
    dc->num_disks = o;
}

static int persist_attach(struct xkl_domain_config *dc, void *arg)
{
    struct attach_arg *a = arg;
    drop_disks(dc, a->devid);   /* a stale entry of the same vdev */
    struct xkl_disk *disk = xkl__disk_add(dc);
    if (!disk)
        return xkl__err(a->ctx, ENOMEM, "%s: saving the config: %s", a->what, strerror(ENOMEM));
    xkl_diags d;
    xkl_diags_init(&d);
    int r = xkl__disk_parse(disk, a->spec, "block-attach", 0, 0, &d);
    xkl_diags_dispose(&d);
    if (r < 0) {
        xkl__disk_dispose(disk);
        dc->num_disks--;
        return xkl__err(a->ctx, EINVAL, "%s: saving the config: the spec no longer parses",
                        a->what);
    }
    return 0;
}

int xkl_disk_attach(xkl_ctx *ctx, uint32_t domid, const char *spec)
{
    XKL__LOCK(ctx);
    char what[64];
    snprintf(what, sizeof what, "block-attach domain %u", domid);
    struct xkl_disk disk;
    xkl__disk_init(&disk);
    xkl_diags d;
    xkl_diags_init(&d);
    int r = -1;
    struct xkl_dominfo di;
    if (xkl__info(ctx, domid, &di) < 0) {
        xkl__err_wrap(ctx, "%s", what);
        goto out;
    }
    if (!spec || xkl__disk_parse(&disk, spec, "block-attach", 0, 0, &d) < 0) {
        const char *line = "no disk spec";
        for (size_t i = 0; i < d.n; i++)
            if (d.v[i].level == XKL_DIAG_ERROR && d.v[i].text) {
                line = d.v[i].text;
                break;
            }
        if (!strncmp(line, "block-attach: ", 14))
            line += 14;
        xkl__err(ctx, EINVAL, "%s: %s", what, line);
        goto out;
    }
    bool had_dm = dm_recorded(ctx, domid);
    if (xkl__vbd_add(ctx, domid, &disk, NULL, what) < 0)
        goto out;
    struct attach_arg a = { .ctx = ctx, .spec = spec, .what = what };
    xkl__vdev_number(disk.vdev, &a.devid);   /* it parsed in xkl__vbd_add */
    if (xkl__config_update(ctx, domid, persist_attach, &a, what) < 0) {
        /* the guest keeps no device its saved config does not have */
        char why[256];
        struct xkl__vbd_nodes *n = malloc(sizeof *n);
        if (n && xkl__vbd_nodes(&disk, NULL, n, why, sizeof why) == 0) {
            uint32_t bdom = 0;
            struct keep k;
            keep_save(ctx, &k);
            disk_backend(ctx, &disk, &bdom, what);
            struct xkl__device dev = { .kind = xkl__devkind_find(n->kind), .domid = domid,
                                       .backend_domid = bdom, .devid = n->devid };
            xkl__device_remove(ctx, &dev, VBD_TIMEOUT_MS, false);
            keep_restore(ctx, &k);
            if (!had_dm && bdom == 0 && strcmp(n->kind, "vbd") != 0)
                dm_undo(ctx, domid);   /* the QEMU this attach started */
        }
        free(n);
        goto out;
    }
    r = 0;
out:
    xkl_diags_dispose(&d);
    xkl__disk_dispose(&disk);
    XKL__UNLOCK(ctx);
    return r;
}

static int persist_detach(struct xkl_domain_config *dc, void *arg)
{
    drop_disks(dc, *(unsigned *)arg);
    return 0;
}

int xkl_disk_detach(xkl_ctx *ctx, uint32_t domid, const char *vdev, unsigned flags)
{
    XKL__LOCK(ctx);
    char what[64];
    snprintf(what, sizeof what, "block-detach domain %u", domid);
    int r = -1;
    unsigned devid;
    struct xkl_dominfo di;
    if (xkl__info(ctx, domid, &di) < 0) {
        xkl__err_wrap(ctx, "%s", what);
        goto out;
    }
    if (!vdev || xkl__vdev_number(vdev, &devid) < 0) {
        xkl__err(ctx, EINVAL, "%s: %s: not a disk's vdev (xvdb, hdc, sda, d1 or a number)", what,
                 vdev ? vdev : "(none)");
        goto out;
    }
    xkl_xs *xs = xkl__xs(ctx);
    if (!xs) {
        xkl__err_wrap(ctx, "%s", what);
        goto out;
    }
    /* the backend from libxl's record, which dom0 owns; the frontend's own
     * node (the guest can write it) only for a device without a record,
     * both checked to name a backend of this very disk */
    const struct xkl__devkind *k = NULL;
    uint32_t bdom = 0;
    int found = xkl__device_backend_find(ctx, domid, "vbd", devid, &k, &bdom, what, vdev);
    if (found < 0)
        goto out;
    if (!found) {
        xkl__err(ctx, ENODEV, "%s: no disk %s", what, vdev);
        goto out;
    }
    struct xkl__device d = { .kind = k, .domid = domid, .backend_domid = bdom, .devid = devid };
    r = xkl__device_remove(ctx, &d, VBD_TIMEOUT_MS, (flags & XKL_DETACH_FORCE) != 0);
    if (r < 0)
        xkl__err_wrap(ctx, "%s: %s", what, vdev);
    /* the device is gone either way (a backend that did not close in time
     * is taken away too): the saved config follows */
    struct keep kp;
    keep_save(ctx, &kp);
    int u = xkl__config_update(ctx, domid, persist_detach, &devid, what);
    if (r < 0)
        keep_restore(ctx, &kp);   /* the removal's error comes first */
    else if (u < 0)
        r = -1;
out:
    XKL__UNLOCK(ctx);
    return r;
}

struct cd_change {
    const char *vdev, *target;
    bool found;
};

/* the saved config's cdrom at vdev gets the new medium (none: empty) */
static int persist_cdrom(struct xkl_domain_config *dc, void *arg)
{
    struct cd_change *c = arg;
    for (size_t i = 0; i < dc->num_disks; i++) {
        struct xkl_disk *dk = &dc->disks[i];
        if (!dk->is_cdrom || !dk->vdev || strcmp(dk->vdev, c->vdev))
            continue;
        char *p = c->target && *c->target ? strdup(c->target) : NULL;
        if (c->target && *c->target && !p)
            return -1;
        free(dk->pdev_path);
        dk->pdev_path = p;
        dk->format = p ? XKL_DISK_FORMAT_RAW : XKL_DISK_FORMAT_EMPTY;
        c->found = true;
    }
    return 0;
}

/* An HVM guest's cdrom is QEMU's (an ide-cd drive): the medium changes
 * through QMP, then the saved config follows. */
static int cdrom_change(xkl_ctx *ctx, uint32_t domid, const char *vdev, const char *target,
                        const char *what)
{
    int ide = xkl__dm_ide_index(vdev);
    if (ide < 0)
        return xkl__err(ctx, EINVAL, "%s: %s: not an emulated IDE drive (hda..hdd)", what, vdev);
    xkl_domain_config *dc = xkl__config_load(ctx, domid, NULL);
    bool cd = false;
    for (size_t i = 0; dc && i < dc->num_disks; i++)
        cd = cd || (dc->disks[i].is_cdrom && dc->disks[i].vdev && !strcmp(dc->disks[i].vdev, vdev));
    xkl_domain_config_free(dc);
    if (!cd)
        return xkl__err(ctx, ENODEV, "%s: %s: the guest has no cdrom drive there (devtype=cdrom in its disk spec)",
                        what, vdev);
    if (target && *target && access(target, R_OK) < 0)
        return xkl__err(ctx, errno, "%s: %s: %s", what, target, strerror(errno));
    if (xkl__dm_cdrom_change(ctx, domid, ide, target, what) < 0)
        return -1;
    struct cd_change c = { .vdev = vdev, .target = target };
    return xkl__config_update(ctx, domid, persist_cdrom, &c, what);
}

int xkl_cdrom_insert(xkl_ctx *ctx, uint32_t domid, const char *vdev, const char *target)
{
    XKL__LOCK(ctx);
    char what[64];
    snprintf(what, sizeof what, "%s domain %u", target && *target ? "cd-insert" : "cd-eject",
             domid);
    int r = -1;
    unsigned devid;
    char type[8];
    struct xkl_dominfo di;
    if (xkl__info(ctx, domid, &di) < 0)
        xkl__err_wrap(ctx, "%s", what);
    else if (!vdev || xkl__vdev_number(vdev, &devid) < 0)
        xkl__err(ctx, EINVAL, "%s: %s: not a disk's vdev", what, vdev ? vdev : "(none)");
    else if (guest_type(ctx, domid, type, what) < 0)
        ;
    else if (strcmp(type, "hvm") != 0)
        xkl__err(ctx, EOPNOTSUPP, "%s: %s: needs an HVM guest (domain %u is %s)", what, vdev,
                 domid, type);
    else
        r = cdrom_change(ctx, domid, vdev, target, what);
    XKL__UNLOCK(ctx);
    return r;
}
