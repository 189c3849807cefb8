/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Virtual device names and numbers of disks, as xen-vbd-interface(7)
 * encodes them in xenstore:
 *   202 << 8 | disk << 4 | part     xvd, disks and partitions up to 15
 *   1 << 28 | disk << 8 | part      xvd, disks from 16 on (up to 2^20 - 1)
 *   8 << 8 | disk << 4 | part       sd, disks and partitions up to 15
 *   M << 8 | unit << 6 | part       hd: two disks per IDE major M, the
 *                                   majors Linux gives its ten IDE
 *                                   interfaces (3, 22, 33, 34, ...)
 * plus "dN" (disk N, Xen's own disk) and a bare decimal number written
 * as it is. Only whole disks are attached here: a partition is refused.
 */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XVD_MAJOR 202u
#define SD_MAJOR 8u
#define EXT_BIT (1u << 28)
#define EXT_MAX_DISK ((1u << 20) - 1)

/* the IDE majors, two disks each: hda/hdb 3, hdc/hdd 22, ... hds/hdt 91 */
static const unsigned ide_major[] = { 3, 22, 33, 34, 56, 57, 88, 89, 90, 91 };
#define NIDE (sizeof ide_major / sizeof *ide_major)

/* "a".."z", "aa".. (bijective base 26) to disk 0, 1, ...; the letters
 * end at *end. -1 past max or with no letter. */
static int letters_to_disk(const char *s, const char **end, unsigned max, unsigned *disk)
{
    unsigned long v = 0;
    const char *p = s;
    for (; *p >= 'a' && *p <= 'z'; p++) {
        v = v * 26 + (unsigned long)(*p - 'a' + 1);
        if (v - 1 > max)
            return -1;
    }
    if (p == s)
        return -1;
    *end = p;
    *disk = (unsigned)(v - 1);
    return 0;
}

static void disk_to_letters(unsigned disk, char *out, size_t len)
{
    char rev[8];
    size_t n = 0;
    unsigned long v = (unsigned long)disk + 1;
    while (v && n < sizeof rev) {
        rev[n++] = (char)('a' + (v - 1) % 26);
        v = (v - 1) / 26;
    }
    size_t i = 0;
    for (; i < n && i + 1 < len; i++)
        out[i] = rev[n - 1 - i];
    if (len)
        out[i < len ? i : len - 1] = 0;
}

/* decimal digits only, no sign, no blanks */
static int decimal(const char *s, unsigned long max, unsigned long *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    unsigned long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > max)
            return -1;
    }
    *out = v;
    return 0;
}

int xkl__vdev_number(const char *vdev, unsigned *devid)
{
    unsigned long n;
    unsigned disk;
    const char *end;
    if (!vdev || !*vdev)
        goto bad;
    if (decimal(vdev, UINT32_MAX, &n) == 0) {
        *devid = (unsigned)n;
        return 0;
    }
    if (!strncmp(vdev, "xvd", 3)) {
        if (letters_to_disk(vdev + 3, &end, EXT_MAX_DISK, &disk) < 0 || *end)
            goto bad;
        *devid = disk < 16 ? XVD_MAJOR << 8 | disk << 4 : EXT_BIT | disk << 8;
        return 0;
    }
    if (!strncmp(vdev, "sd", 2)) {
        if (letters_to_disk(vdev + 2, &end, 15, &disk) < 0 || *end)
            goto bad;
        *devid = SD_MAJOR << 8 | disk << 4;
        return 0;
    }
    if (!strncmp(vdev, "hd", 2)) {
        if (letters_to_disk(vdev + 2, &end, 2 * NIDE - 1, &disk) < 0 || *end)
            goto bad;
        *devid = ide_major[disk / 2] << 8 | (disk % 2) << 6;
        return 0;
    }
    if (vdev[0] == 'd') {
        /* dN, or dNp0 (partition 0 is the whole disk) */
        char num[16];
        const char *p = strchr(vdev, 'p');
        size_t len = p ? (size_t)(p - vdev - 1) : strlen(vdev + 1);
        if (len == 0 || len >= sizeof num)
            goto bad;
        memcpy(num, vdev + 1, len);
        num[len] = 0;
        if (decimal(num, EXT_MAX_DISK, &n) < 0)
            goto bad;
        if (p) {
            unsigned long part;
            if (decimal(p + 1, 255, &part) < 0 || part != 0)
                goto bad;
        }
        disk = (unsigned)n;
        *devid = disk < 16 ? XVD_MAJOR << 8 | disk << 4 : EXT_BIT | disk << 8;
        return 0;
    }
bad:
    errno = EINVAL;
    return -1;
}

void xkl__vdev_name(unsigned devid, char *buf, size_t len)
{
    char l[8];
    unsigned major = devid >> 8, minor = devid & 0xff;
    if (devid >> 28 == 1) {
        unsigned disk = (devid >> 8) & EXT_MAX_DISK, part = devid & 0xff;
        disk_to_letters(disk, l, sizeof l);
        if (part)
            snprintf(buf, len, "xvd%s%u", l, part);
        else
            snprintf(buf, len, "xvd%s", l);
        return;
    }
    if (devid >> 16 == 0) {
        const char *pre = NULL;
        unsigned disk = 0, part = 0;
        if (major == XVD_MAJOR || major == SD_MAJOR) {
            pre = major == XVD_MAJOR ? "xvd" : "sd";
            disk = minor >> 4;
            part = minor & 15;
        }
        for (unsigned i = 0; i < NIDE && !pre; i++)
            if (ide_major[i] == major) {
                pre = "hd";
                disk = 2 * i + (minor >> 6);
                part = minor & 63;
            }
        if (pre && (!strcmp(pre, "hd") ? (minor >> 6) < 2 : true)) {
            disk_to_letters(disk, l, sizeof l);
            if (part)
                snprintf(buf, len, "%s%s%u", pre, l, part);
            else
                snprintf(buf, len, "%s%s", pre, l);
            return;
        }
    }
    snprintf(buf, len, "%u", devid);
}
