/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Loop devices for raw image files, set up in-process with the kernel's
 * ioctls (no losetup): a free device from /dev/loop-control, configured
 * over the image in one LOOP_CONFIGURE. Letting it go is LOOP_CLR_FD,
 * which the kernel turns into autoclear while blkback still holds it.
 */
#include "private.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* another process may take the free device between GET_FREE and CONFIGURE */
#define LOOP_TRIES 5

int xkl__loop_attach(xkl_ctx *ctx, const char *path, bool readonly, char *dev, size_t len,
                     unsigned *major, unsigned *minor, const char *what)
{
    int file = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (file < 0)
        return xkl__err(ctx, errno, "%s: %s: open for a loop device: %s", what, path,
                        strerror(errno));
    int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    if (ctl < 0) {
        int e = errno;
        close(file);
        return xkl__err(ctx, e, "%s: %s: /dev/loop-control: %s", what, path, strerror(e));
    }
    char name[32] = "";
    int r = -1;
    for (int tries = 0; tries < LOOP_TRIES; tries++) {
        int n = ioctl(ctl, LOOP_CTL_GET_FREE);
        if (n < 0) {
            xkl__err(ctx, errno, "%s: %s: no free loop device (LOOP_CTL_GET_FREE): %s", what,
                     path, strerror(errno));
            break;
        }
        snprintf(name, sizeof name, "/dev/loop%d", n);
        if (strlen(name) >= len) {
            xkl__err(ctx, ENAMETOOLONG, "%s: %s: %s: name too long", what, path, name);
            break;
        }
        int fd = open(name, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
        if (fd < 0) {
            int e = errno;
            if (e == ENOENT && tries + 1 < LOOP_TRIES)
                continue;   /* udev has not made the node yet */
            xkl__err(ctx, e, "%s: %s: %s: %s", what, path, name, strerror(e));
            break;
        }
        struct loop_config cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.fd = (unsigned)file;
        cfg.info.lo_flags = readonly ? LO_FLAGS_READ_ONLY : 0;
        snprintf((char *)cfg.info.lo_file_name, sizeof cfg.info.lo_file_name, "%s", path);
        if (ioctl(fd, LOOP_CONFIGURE, &cfg) < 0) {
            int e = errno;
            close(fd);
            if (e == EBUSY && tries + 1 < LOOP_TRIES)
                continue;   /* someone else configured it first */
            xkl__err(ctx, e, "%s: %s: %s: LOOP_CONFIGURE: %s", what, path, name, strerror(e));
            break;
        }
        struct stat st;
        int sr = fstat(fd, &st);
        if (sr < 0 || !S_ISBLK(st.st_mode)) {
            int e = sr < 0 ? errno : ENOTBLK;
            xkl__err(ctx, e, "%s: %s: %s: stat: %s", what, path, name, strerror(e));
            ioctl(fd, LOOP_CLR_FD, 0);
            close(fd);
            break;
        }
        close(fd);
        snprintf(dev, len, "%s", name);
        *major = major(st.st_rdev);
        *minor = minor(st.st_rdev);
        r = 0;
        break;
    }
    int e = errno;
    close(ctl);
    close(file);
    errno = e;
    return r;
}

int xkl__loop_detach(xkl_ctx *ctx, const char *dev, const char *what)
{
    return xkl__loop_detach_bound(ctx, dev, NULL, what);
}

int xkl__loop_detach_bound(xkl_ctx *ctx, const char *dev, const char *backing, const char *what)
{
    int fd = open(dev, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENXIO)
            return 0;   /* the device is gone: nothing to free */
        return xkl__err(ctx, errno, "%s: loop device %s: %s", what, dev, strerror(errno));
    }
    if (backing) {
        /* a node read back from xenstore may name a loop device that was
         * freed and since bound by someone else: only ours is cleared */
        struct loop_info64 info;
        memset(&info, 0, sizeof info);
        if (ioctl(fd, LOOP_GET_STATUS64, &info) < 0) {
            int e = errno;
            close(fd);
            if (e == ENXIO)
                return 0;   /* not bound: already free */
            return xkl__err(ctx, e, "%s: loop device %s: LOOP_GET_STATUS64: %s", what, dev,
                            strerror(e));
        }
        struct stat st;
        if (stat(backing, &st) < 0 || info.lo_device != (uint64_t)st.st_dev ||
            info.lo_inode != (uint64_t)st.st_ino) {
            close(fd);
            xkl__log(ctx, "%s: loop device %s is not bound to %s any more: left alone", what, dev,
                     backing);
            return 0;
        }
    }
    /* while another holder (blkback) has it open, the kernel only marks
     * it autoclear and frees it on the last close */
    int r = ioctl(fd, LOOP_CLR_FD, 0);
    int e = errno;
    close(fd);
    if (r < 0 && e != ENXIO)   /* ENXIO: not bound, already free */
        return xkl__err(ctx, e, "%s: loop device %s: LOOP_CLR_FD: %s", what, dev, strerror(e));
    return 0;
}
