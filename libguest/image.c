/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel image objects: the file (mapped, or borrowed from the caller),
 * unwrapped from a bzImage and decompressed when needed, and the parsed
 * ELF + Xen notes. One owner (the xkg_image), one release path.
 */
#include "private.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Lazy: decompress only as much as the headers and PT_NOTE data need. 1 if
 * the image is now lazy, 0 if the caller should decompress it whole (no Xen
 * notes in PT_NOTE segments, segments sharing file bytes, tiny stream),
 * -1 on error. */
static int lazy_prefix(xkg_image *img, enum xkg_compression comp, const uint8_t *p, size_t n,
                       size_t max_size, char *err, size_t errlen)
{
    struct xkg__lazy *lz = calloc(1, sizeof(*lz));
    if (!lz) {
        xkg__err(err, errlen, "load kernel %s: %s", img->name, strerror(errno));
        return -1;
    }
    lz->ds = xkg__dstream_open(comp, p, n, img->name, err, errlen);
    if (!lz->ds) {
        free(lz);
        return -1;
    }
    img->stream = lz;
    size_t have = 0, cap = 0;
    uint64_t need = 4096;
    bool ended = false;
    for (;;) {
        if (need > max_size) {
            errno = EFBIG;
            xkg__err(err, errlen, "%s: ELF headers/notes lie beyond the %zu MiB cap", img->name,
                    max_size >> 20);
            return -1;
        }
        if (need > cap) {
            size_t ncap = (size_t)((need + 4095) & ~4095ull);
            uint8_t *np = realloc(img->prefix, ncap);
            if (!np) {
                xkg__err(err, errlen, "load kernel %s: %s", img->name, strerror(errno));
                return -1;
            }
            img->prefix = np;
            cap = ncap;
        }
        if (have < need) {
            ssize_t r = xkg__dstream_read(lz->ds, img->prefix + have, cap - have, err, errlen);
            if (r < 0)
                return -1;
            have += (size_t)r;
            if ((size_t)r < cap - have + (size_t)r)
                ended = true;
        }
        if (ended || have < need)
            break;
        uint64_t more;
        if (xkg__elf_need(img->prefix, have, &more) < 0)
            break; /* let the full parser say what is wrong */
        if (more <= have)
            break;
        need = more;
    }
    img->prefix_len = have;
    if (ended)
        return 0; /* small enough to hold whole */
    if (xkg__elf_parse(img->prefix, have, max_size, &img->info, &img->elf, img->name, err,
                      errlen) < 0)
        return -1;
    if (!img->info.xen.found)
        return 0;
    /* streamed segments are read in file order, once */
    for (unsigned i = 0; i < img->elf.nr_segs; i++)
        for (unsigned j = 0; j < img->elf.nr_segs; j++) {
            const struct xkg_segment *a = &img->elf.segs[i], *b = &img->elf.segs[j];
            if (i != j && a->offset <= b->offset && b->offset < a->offset + a->filesz &&
                b->offset + b->filesz > have)
                return 0;
        }
    return 1;
}

static void drop_lazy(xkg_image *img)
{
    if (img->stream) {
        xkg__dstream_close(img->stream->ds);
        free(img->stream);
        img->stream = NULL;
    }
    free(img->prefix);
    img->prefix = NULL;
    img->prefix_len = 0;
    img->lazy = false;
}

static int image_parse(xkg_image *img, size_t max_size, bool lazy, char *err, size_t errlen)
{
    const uint8_t *p = img->file;
    size_t n = img->file_len;
    bool bz = false;
    enum xkg_compression comp = XKG_COMP_NONE;
    if (!max_size)
        max_size = XKG_DEFAULT_MAX_KERNEL;

    if (!(n >= 4 && !memcmp(p, "\177ELF", 4))) {
        size_t off, len;
        int r = xkg__bzimage_payload(p, n, &off, &len, img->name, err, errlen);
        if (r < 0)
            return -1;
        if (r > 0) {
            bz = true;
            p += off;
            n = len;
        }
        comp = xkg__detect_compression(p, n);
        if (comp == XKG_COMP_NONE) {
            errno = ENOEXEC;
            if (bz)
                xkg__err(err, errlen, "%s: bzImage payload is neither ELF nor a compression "
                        "format xkit knows (gzip, xz, lzma, zstd, bzip2, lz4)", img->name);
            else if (n >= 4 && !memcmp(p, "\x89LZO", 4))
                xkg__err(err, errlen, "%s: LZO-compressed kernels are not supported: rebuild "
                        "with another compression or give the uncompressed vmlinux", img->name);
            else
                xkg__err(err, errlen, "%s: not an ELF kernel, a bzImage or a compressed ELF",
                        img->name);
            return -1;
        }
        if (lazy) {
            int r2 = lazy_prefix(img, comp, p, n, max_size, err, errlen);
            if (r2 < 0)
                return -1;
            if (r2 > 0) {
                img->lazy = true;
                img->cin = p;
                img->cin_len = n;
                img->info.bzimage = bz;
                img->info.compression = comp;
                img->info.file_size = img->file_len;
                uint64_t end = 0;
                for (unsigned i = 0; i < img->elf.nr_segs; i++)
                    if (img->elf.segs[i].offset + img->elf.segs[i].filesz > end)
                        end = img->elf.segs[i].offset + img->elf.segs[i].filesz;
                img->info.elf_size = (size_t)end;
                return 0;
            }
            drop_lazy(img);
        }
        size_t dlen;
        if (xkg__decompress(comp, p, n, max_size, &img->dbuf, &dlen, &img->dbuf_cap, img->name,
                           err, errlen) < 0)
            return -1;
        p = img->dbuf;
        n = dlen;
    }
    if (xkg__elf_parse(p, n, n, &img->info, &img->elf, img->name, err, errlen) < 0)
        return -1;
    img->info.bzimage = bz;
    img->info.compression = comp;
    img->info.file_size = img->file_len;
    return 0;
}

int xkg_image_read_segments(const xkg_image *img, xkg_segment_dest_fn *dest, void *arg,
                            char *err, size_t errlen)
{
    /* segments in file order */
    unsigned order[XKG_MAX_SEGMENTS], n = img->elf.nr_segs;
    for (unsigned i = 0; i < n; i++)
        order[i] = i;
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && img->elf.segs[order[j]].offset <
                                          img->elf.segs[order[j - 1]].offset; j--) {
            unsigned t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    struct xkg__dstream *ds = NULL;
    if (img->lazy) {
        ds = img->stream->ds;
        if (!ds || xkg__dstream_pos(ds) != img->prefix_len) {
            /* used before: decode again from the start */
            xkg__dstream_close(ds);
            img->stream->ds = NULL;
            ds = xkg__dstream_open(img->info.compression, img->cin, img->cin_len, img->name, err,
                                  errlen);
            if (!ds || xkg__dstream_skip(ds, img->prefix_len, err, errlen) < 0) {
                xkg__dstream_close(ds);
                return -1;
            }
            img->stream->ds = ds;
        }
    }
    for (unsigned k = 0; k < n; k++) {
        const struct xkg_segment *s = &img->elf.segs[order[k]];
        uint8_t *d = dest(arg, s);
        if (!d) {
            xkg__err(err, errlen, "%s: no destination for the segment at physical address "
                    "%#llx: %s", img->name, (unsigned long long)s->paddr, strerror(errno));
            return -1;
        }
        if (s->data || !s->filesz) {
            memcpy(d, s->data, (size_t)s->filesz);
            continue;
        }
        /* part inside the prefix, then straight from the decoder */
        uint64_t done = 0;
        if (s->offset < img->prefix_len) {
            done = img->prefix_len - s->offset;
            memcpy(d, img->prefix + s->offset, (size_t)done);
        }
        uint64_t pos = xkg__dstream_pos(ds), at = s->offset + done;
        if (at < pos) {
            errno = EINVAL;
            xkg__err(err, errlen, "%s: segments share file bytes: cannot stream", img->name);
            return -1;
        }
        if (xkg__dstream_skip(ds, at - pos, err, errlen) < 0)
            return -1;
        while (done < s->filesz) {
            ssize_t r = xkg__dstream_read(ds, d + done, (size_t)(s->filesz - done), err, errlen);
            if (r < 0)
                return -1;
            if (r == 0) {
                errno = EINVAL;
                xkg__err(err, errlen, "%s: decompressed kernel ends inside segment at offset "
                        "%#llx: truncated image", img->name, (unsigned long long)s->offset);
                return -1;
            }
            done += (uint64_t)r;
        }
    }
    return 0;
}

static void release_file(xkg_image *img)
{
    if (img->file_mapped && img->file)
        munmap((void *)img->file, img->file_len);
    img->file = NULL;
    img->file_mapped = false;
}

static xkg_image *load_mem(const void *buf, size_t len, size_t max_size, const char *name,
                           bool lazy, char *err, size_t errlen)
{
    xkg_image *img = calloc(1, sizeof(*img));
    if (!img) {
        xkg__err(err, errlen, "load kernel %s: %s", name ? name : "(memory)", strerror(errno));
        return NULL;
    }
    snprintf(img->name, sizeof(img->name), "%s", name ? name : "(memory)");
    img->file = buf;
    img->file_len = len;
    if (image_parse(img, max_size, lazy, err, errlen) < 0) {
        int e = errno;
        xkg_image_free(img);
        errno = e;
        return NULL;
    }
    return img;
}

xkg_image *xkg_image_load_mem(const void *buf, size_t len, size_t max_size, const char *name,
                              char *err, size_t errlen)
{
    return load_mem(buf, len, max_size, name, false, err, errlen);
}

xkg_image *xkg_image_open_mem(const void *buf, size_t len, size_t max_size, const char *name,
                              char *err, size_t errlen)
{
    return load_mem(buf, len, max_size, name, true, err, errlen);
}

static xkg_image *load_file(const char *path, size_t max_size, bool lazy, char *err,
                            size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        xkg__err(err, errlen, "open kernel %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        xkg__err(err, errlen, "stat kernel %s: %s", path, strerror(e));
        close(fd);
        errno = e;
        return NULL;
    }
    if (!S_ISREG(st.st_mode) || st.st_size == 0) {
        close(fd);
        errno = ENOEXEC;
        xkg__err(err, errlen, "kernel %s: %s", path,
                S_ISREG(st.st_mode) ? "empty file" : "not a regular file");
        return NULL;
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (m == MAP_FAILED) {
        xkg__err(err, errlen, "mmap kernel %s: %s", path, strerror(e));
        errno = e;
        return NULL;
    }
    xkg_image *img = calloc(1, sizeof(*img));
    if (!img) {
        e = errno;
        munmap(m, (size_t)st.st_size);
        xkg__err(err, errlen, "load kernel %s: %s", path, strerror(e));
        errno = e;
        return NULL;
    }
    snprintf(img->name, sizeof(img->name), "%s", path);
    img->file = m;
    img->file_len = (size_t)st.st_size;
    img->file_mapped = true;
    if (image_parse(img, max_size, lazy, err, errlen) < 0) {
        e = errno;
        xkg_image_free(img);
        errno = e;
        return NULL;
    }
    /* a decompressed image no longer needs its compressed file (a lazy one
     * decodes from it later) */
    if (img->dbuf)
        release_file(img);
    return img;
}

xkg_image *xkg_image_load(const char *path, size_t max_size, char *err, size_t errlen)
{
    return load_file(path, max_size, false, err, errlen);
}

xkg_image *xkg_image_open(const char *path, size_t max_size, char *err, size_t errlen)
{
    return load_file(path, max_size, true, err, errlen);
}

void xkg_image_free(xkg_image *img)
{
    if (!img)
        return;
    drop_lazy(img);
    release_file(img);
    xkg__buf_free(img->dbuf, img->dbuf_cap);
    free(img);
}

const struct xkg_image_info *xkg_image_info(const xkg_image *img)
{
    return &img->info;
}

const struct xkg_segment *xkg_image_segment(const xkg_image *img, unsigned i)
{
    return i < img->elf.nr_segs ? &img->elf.segs[i] : NULL;
}
