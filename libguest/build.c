/*
 * Builder entry point and the pieces both builders share: copying kernel
 * segments and the ramdisk into guest frames through foreign mappings, in
 * bounded chunks so that the builder's memory use does not grow with the
 * guest's.
 */
#include "build.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void xkg_build_cfg_init(struct xkg_build_cfg *cfg, enum xkg_type type)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->type = type;
    cfg->nr_vcpus = 1;
}

uint64_t xkg_paging_pool_bytes(uint64_t mem_kb, unsigned nr_vcpus)
{
    uint64_t kb = 4 * (256 * (uint64_t)nr_vcpus + 2 * (mem_kb / 1024));
    return ((kb + 1023) / 1024) << 20;
}

int xkg_ctrl_fail(struct bctx *b, const char *op)
{
    int e = xkc_errno(b->h) ? xkc_errno(b->h) : errno;
    xkg_err(b->err, b->errlen, "build %s guest (domain %u): %s: %s", xkg_type_name(b->cfg->type),
            b->domid, op, xkc_error(b->h)[0] ? xkc_error(b->h) : strerror(e));
    errno = e ? e : EIO;
    return -1;
}

int xkg_sys_fail(struct bctx *b, const char *op)
{
    int e = errno;
    xkg_err(b->err, b->errlen, "build %s guest (domain %u): %s: %s", xkg_type_name(b->cfg->type),
            b->domid, op, strerror(e));
    errno = e;
    return -1;
}

int xkg_build_fail(struct bctx *b, int e, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    xkg_err(b->err, b->errlen, "build %s guest (domain %u): %s", xkg_type_name(b->cfg->type),
            b->domid, msg);
    errno = e;
    return -1;
}

void *xkg_map(struct bctx *b, const xen_pfn_t *frames, size_t n, const char *what)
{
    void *p = xkc_foreign_map(b->h, b->domid, PROT_READ | PROT_WRITE, frames, NULL, n);
    if (!p) {
        char op[96];
        snprintf(op, sizeof(op), "map %zu page(s) of the %s", n, what);
        xkg_ctrl_fail(b, op);
    }
    return p;
}

void xkg_unmap(struct bctx *b, void *p, size_t n)
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

void *xkg_map_pfns(struct bctx *b, uint64_t pfn, size_t n, const char *what)
{
    xen_pfn_t *fr = malloc(n * sizeof(*fr));
    if (!fr) {
        xkg_sys_fail(b, "allocate frame list");
        return NULL;
    }
    frames_of(b, pfn, n, fr);
    void *p = xkg_map(b, fr, n, what);
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

int xkg_load_kernel(struct bctx *b, uint64_t first_pfn, uint64_t end_pfn, uint64_t load_offset)
{
    /* one mapping of the kernel's span; segments are copied from the
     * mapped or decompressed image, or decoded straight into it for a
     * lazily opened one; the rest (bss, gaps) is zeroed */
    size_t n = (size_t)(end_pfn - first_pfn);
    uint8_t *m = xkg_map_pfns(b, first_pfn, n, "kernel");
    if (!m)
        return -1;
    struct kdest k = { m, first_pfn << XKG_PAGE_SHIFT, load_offset,
                       (uint64_t)n << XKG_PAGE_SHIFT };
    memset(m, 0, n << XKG_PAGE_SHIFT);
    char why[300];
    int rc = xkg_image_read_segments(b->cfg->kernel, kernel_dest, &k, why, sizeof(why));
    if (rc < 0)
        xkg_build_fail(b, errno, "load kernel segments: %s", why);
    xkg_unmap(b, m, n);
    return rc;
}

int xkg_ramdisk_open(struct bctx *b)
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
        return xkg_sys_fail(b, op);
    }
    b->rd_size = (uint64_t)st.st_size;
    return 0;
}

/* The ramdisk is read() straight into mapped guest pages, RD_CHUNK pages
 * at a time: no copy of it ever lives in our own memory. */
#define RD_CHUNK 2048u /* 8 MiB */

int xkg_load_ramdisk(struct bctx *b, uint64_t first_pfn)
{
    uint64_t left = b->rd_size, pfn = first_pfn;
    uint64_t off = 0;
    while (left) {
        uint64_t bytes = left < (uint64_t)RD_CHUNK << XKG_PAGE_SHIFT ? left
                         : (uint64_t)RD_CHUNK << XKG_PAGE_SHIFT;
        size_t n = (size_t)((bytes + XKG_PAGE_SIZE - 1) >> XKG_PAGE_SHIFT);
        uint8_t *m = xkg_map_pfns(b, pfn, n, "ramdisk");
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
                xkg_sys_fail(b, op);
                xkg_unmap(b, m, n);
                return -1;
            }
            got += (size_t)r;
        }
        /* zero the tail of the last page */
        memset(m + bytes, 0, (n << XKG_PAGE_SHIFT) - bytes);
        xkg_unmap(b, m, n);
        /* the page cache copy of the file is not ours to keep */
        posix_fadvise(b->rd_fd, (off_t)off, (off_t)bytes, POSIX_FADV_DONTNEED);
        left -= bytes;
        off += bytes;
        pfn += n;
    }
    return 0;
}

int xkg_zero_pfns(struct bctx *b, uint64_t pfn, size_t n, const char *what)
{
    void *m = xkg_map_pfns(b, pfn, n, what);
    if (!m)
        return -1;
    memset(m, 0, n << XKG_PAGE_SHIFT);
    xkg_unmap(b, m, n);
    return 0;
}

int xkg_build(xkc_handle *h, uint32_t domid, const struct xkg_build_cfg *cfg,
              struct xkg_build_result *out, char *err, size_t errlen)
{
    if (!h || !cfg || !out || !cfg->kernel) {
        errno = EINVAL;
        xkg_err(err, errlen, "build guest (domain %u): missing handle, config, result or kernel",
                domid);
        return -1;
    }
    if (cfg->nr_vcpus == 0 || cfg->mem_kb < 4096) {
        errno = EINVAL;
        xkg_err(err, errlen, "build %s guest (domain %u): need at least 1 vcpu and 4 MiB of "
                "memory (got %u vcpus, %llu KiB)", xkg_type_name(cfg->type), domid,
                cfg->nr_vcpus, (unsigned long long)cfg->mem_kb);
        return -1;
    }
    if (cfg->cmdline && strlen(cfg->cmdline) >= 1024) {
        errno = E2BIG;
        xkg_err(err, errlen, "build %s guest (domain %u): command line is %zu bytes, the limit "
                "is 1023", xkg_type_name(cfg->type), domid, strlen(cfg->cmdline));
        return -1;
    }
    /* Only the capabilities matter here; the caller usually read them
     * already to check the kernel before creating the domain. */
    char caps[1024];
    const char *xen_caps = cfg->xen_caps;
    if (!xen_caps) {
        if (xkc_xen_capabilities(h, caps, sizeof caps) < 0) {
            xkg_err(err, errlen, "build %s guest (domain %u): xen_version: %s",
                    xkg_type_name(cfg->type), domid, xkc_error(h));
            return -1;
        }
        xen_caps = caps;
    }
    if (xkg_image_check(cfg->kernel, cfg->type, xen_caps, err, errlen) < 0)
        return -1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(out, 0, sizeof(*out));
    int rc;
    switch (cfg->type) {
    case XKG_TYPE_PV: rc = xkg_build_pv(h, domid, cfg, out, err, errlen); break;
    case XKG_TYPE_PVH: rc = xkg_build_pvh(h, domid, cfg, out, err, errlen); break;
    default:
        errno = EINVAL;
        xkg_err(err, errlen, "build guest (domain %u): unknown type %d", domid, (int)cfg->type);
        return -1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    out->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}

int xkg_alloc_ring_ports(struct bctx *b, struct xkg_build_result *out)
{
    uint32_t cport, sport;
    if (xkc_evtchn_alloc_unbound(b->h, b->domid, b->cfg->console_domid, &cport) < 0)
        return xkg_ctrl_fail(b, "allocate console event channel");
    if (xkc_evtchn_alloc_unbound(b->h, b->domid, b->cfg->xenstore_domid, &sport) < 0)
        return xkg_ctrl_fail(b, "allocate xenstore event channel");
    out->console_port = cport;
    out->xenstore_port = sport;
    return 0;
}
