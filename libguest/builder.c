/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pieces the PV and PVH builders share (declared in build.h): error
 * reporting, foreign mappings of guest frames, and copying the kernel's
 * segments and the ramdisk into guest frames in bounded chunks, so that the
 * builder's memory use does not grow with the guest's.
 */
#include "build.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int xkg__ctrl_fail(struct bctx *b, const char *op)
{
    int e = xkc_errno(b->h) ? xkc_errno(b->h) : errno;
    xkg__err(b->err, b->errlen, "build %s guest (domain %u): %s: %s", xkg_type_name(b->cfg->type),
            b->domid, op, xkc_error(b->h)[0] ? xkc_error(b->h) : strerror(e));
    errno = e ? e : EIO;
    return -1;
}

int xkg__sys_fail(struct bctx *b, const char *op)
{
    int e = errno;
    xkg__err(b->err, b->errlen, "build %s guest (domain %u): %s: %s", xkg_type_name(b->cfg->type),
            b->domid, op, strerror(e));
    errno = e;
    return -1;
}

int xkg__build_fail(struct bctx *b, int e, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    xkg__err(b->err, b->errlen, "build %s guest (domain %u): %s", xkg_type_name(b->cfg->type),
            b->domid, msg);
    errno = e;
    return -1;
}

void *xkg__map(struct bctx *b, const xen_pfn_t *frames, size_t n, const char *what)
{
    void *p = xkc_foreign_map(b->h, b->domid, PROT_READ | PROT_WRITE, frames, NULL, n);
    if (!p) {
        char op[96];
        snprintf(op, sizeof(op), "map %zu page(s) of the %s", n, what);
        xkg__ctrl_fail(b, op);
    }
    return p;
}

void xkg__unmap(struct bctx *b, void *p, size_t n)
{
    if (p)
        xkc_foreign_unmap(b->h, p, n);
}

/* frames for guest page numbers [pfn, pfn + n): through the p2m for PV,
 * identity for PVH */
static void frames_of(struct bctx *b, uint64_t pfn, size_t n, xen_pfn_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = b->p2m ? b->p2m[pfn + i] : (xen_pfn_t)(pfn + i);
}

void *xkg__map_pfns(struct bctx *b, uint64_t pfn, size_t n, const char *what)
{
    xen_pfn_t *fr = malloc(n * sizeof(*fr));
    if (!fr) {
        xkg__sys_fail(b, "allocate frame list");
        return NULL;
    }
    frames_of(b, pfn, n, fr);
    void *p = xkg__map(b, fr, n, what);
    free(fr);
    return p;
}

struct kdest {
    uint8_t *map;
    uint64_t base, load_offset, span;
};

static uint8_t *kernel_dest(void *arg, const struct xkg_segment *s)
{
    struct kdest *k = arg;
    uint64_t at = s->paddr + k->load_offset - k->base;
    if (at > k->span || s->filesz > k->span - at) {
        errno = EINVAL;
        return NULL;
    }
    return k->map + at;
}

int xkg__load_kernel(struct bctx *b, uint64_t first_pfn, uint64_t end_pfn, uint64_t load_offset)
{
    /* one mapping of the kernel's span; segments are copied from the
     * mapped or decompressed image, or decoded straight into it for a
     * lazily opened one; the rest (bss, gaps) is zeroed */
    size_t n = (size_t)(end_pfn - first_pfn);
    uint8_t *m = xkg__map_pfns(b, first_pfn, n, "kernel");
    if (!m)
        return -1;
    struct kdest k = { m, first_pfn << XKG_PAGE_SHIFT, load_offset,
                       (uint64_t)n << XKG_PAGE_SHIFT };
    memset(m, 0, n << XKG_PAGE_SHIFT);
    char why[300];
    int rc = xkg_image_read_segments(b->cfg->kernel, kernel_dest, &k, why, sizeof(why));
    if (rc < 0)
        xkg__build_fail(b, errno, "load kernel segments: %s", why);
    xkg__unmap(b, m, n);
    return rc;
}

int xkg__ramdisk_open(struct bctx *b)
{
    b->rd_fd = -1;
    b->rd_size = 0;
    if (!b->cfg->ramdisk_path || !b->cfg->ramdisk_path[0])
        return 0;
    b->rd_fd = open(b->cfg->ramdisk_path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (b->rd_fd < 0 || fstat(b->rd_fd, &st) < 0) {
        char op[300];
        snprintf(op, sizeof(op), "open ramdisk %s", b->cfg->ramdisk_path);
        return xkg__sys_fail(b, op);
    }
    b->rd_size = (uint64_t)st.st_size;
    return 0;
}

/* The ramdisk is read() straight into mapped guest pages, RD_CHUNK pages
 * at a time: no copy of it ever lives in our own memory. */
#define RD_CHUNK 2048u /* 8 MiB */

int xkg__load_ramdisk(struct bctx *b, uint64_t first_pfn)
{
    uint64_t left = b->rd_size, pfn = first_pfn;
    uint64_t off = 0;
    while (left) {
        uint64_t bytes = left < (uint64_t)RD_CHUNK << XKG_PAGE_SHIFT ? left
                         : (uint64_t)RD_CHUNK << XKG_PAGE_SHIFT;
        size_t n = (size_t)((bytes + XKG_PAGE_SIZE - 1) >> XKG_PAGE_SHIFT);
        uint8_t *m = xkg__map_pfns(b, pfn, n, "ramdisk");
        if (!m)
            return -1;
        size_t got = 0;
        while (got < bytes) {
            ssize_t r = pread(b->rd_fd, m + got, (size_t)(bytes - got), (off_t)(off + got));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                if (r == 0)
                    errno = EIO;
                char op[320];
                snprintf(op, sizeof(op), "read ramdisk %s at offset %llu%s",
                         b->cfg->ramdisk_path, (unsigned long long)(off + got),
                         r == 0 ? " (file shrank?)" : "");
                xkg__sys_fail(b, op);
                xkg__unmap(b, m, n);
                return -1;
            }
            got += (size_t)r;
        }
        /* zero the tail of the last page */
        memset(m + bytes, 0, (n << XKG_PAGE_SHIFT) - bytes);
        xkg__unmap(b, m, n);
        /* the page cache copy of the file is not ours to keep */
        posix_fadvise(b->rd_fd, (off_t)off, (off_t)bytes, POSIX_FADV_DONTNEED);
        left -= bytes;
        off += bytes;
        pfn += n;
    }
    return 0;
}

int xkg__zero_pfns(struct bctx *b, uint64_t pfn, size_t n, const char *what)
{
    void *m = xkg__map_pfns(b, pfn, n, what);
    if (!m)
        return -1;
    memset(m, 0, n << XKG_PAGE_SHIFT);
    xkg__unmap(b, m, n);
    return 0;
}

int xkg__alloc_ring_ports(struct bctx *b, struct xkg_build_result *out)
{
    uint32_t cport, sport;
    if (xkc_evtchn_alloc_unbound(b->h, b->domid, b->cfg->console_domid, &cport) < 0)
        return xkg__ctrl_fail(b, "allocate console event channel");
    if (xkc_evtchn_alloc_unbound(b->h, b->domid, b->cfg->xenstore_domid, &sport) < 0)
        return xkg__ctrl_fail(b, "allocate xenstore event channel");
    out->console_port = cport;
    out->xenstore_port = sport;
    return 0;
}
