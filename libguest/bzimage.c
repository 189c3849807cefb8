/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * x86 bzImage (Linux boot protocol): the setup header at 0x1f1 tells where
 * the compressed payload (an ELF vmlinux for Xen's purposes) sits.
 * Boot protocol >= 2.08 is needed for payload_offset/payload_length.
 */
#include "private.h"
#include <errno.h>
#include <string.h>

#define BZ_SETUP_SECTS 0x1f1
#define BZ_HEADER 0x202
#define BZ_VERSION 0x206
#define BZ_PAYLOAD_OFFSET 0x248
#define BZ_PAYLOAD_LENGTH 0x24c
#define BZ_MIN_SIZE 0x250

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int xkg__bzimage_payload(const uint8_t *p, size_t n, size_t *off, size_t *len,
                        const char *name, char *err, size_t errlen)
{
    if (n < BZ_MIN_SIZE || memcmp(p + BZ_HEADER, "HdrS", 4) != 0)
        return 0;
    unsigned version = (unsigned)p[BZ_VERSION] | (unsigned)p[BZ_VERSION + 1] << 8;
    if (version < 0x208) {
        errno = ENOEXEC;
        xkg__err(err, errlen, "%s: bzImage boot protocol %u.%02u is older than 2.08: it has no "
                "payload offset, cannot extract the kernel", name, version >> 8, version & 0xff);
        return -1;
    }
    unsigned sects = p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4;
    uint64_t pm_start = ((uint64_t)sects + 1) * 512;
    uint64_t poff = pm_start + rd32(p + BZ_PAYLOAD_OFFSET);
    uint64_t plen = rd32(p + BZ_PAYLOAD_LENGTH);
    if (plen == 0 || poff > n || plen > n - poff) {
        errno = ENOEXEC;
        xkg__err(err, errlen, "%s: bzImage payload (offset %llu, length %llu) lies outside the "
                "%zu-byte file: truncated or corrupt image", name, (unsigned long long)poff,
                (unsigned long long)plen, n);
        return -1;
    }
    *off = (size_t)poff;
    *len = (size_t)plen;
    return 1;
}
