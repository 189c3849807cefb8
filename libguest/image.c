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

static int image_parse(xkg_image *img, size_t max_size, char *err, size_t errlen)
{
    const uint8_t *p = img->file;
    size_t n = img->file_len;
    bool bz = false;
    enum xkg_compression comp = XKG_COMP_NONE;

    if (!(n >= 4 && !memcmp(p, "\177ELF", 4))) {
        size_t off, len;
        int r = xkg_bzimage_payload(p, n, &off, &len, img->name, err, errlen);
        if (r < 0)
            return -1;
        if (r > 0) {
            bz = true;
            p += off;
            n = len;
        }
        comp = xkg_detect_compression(p, n);
        if (comp == XKG_COMP_NONE) {
            errno = ENOEXEC;
            if (bz)
                xkg_err(err, errlen, "%s: bzImage payload is neither ELF nor a compression "
                        "format xkit knows (gzip, xz, lzma, zstd, bzip2, lz4)", img->name);
            else if (n >= 4 && !memcmp(p, "\x89LZO", 4))
                xkg_err(err, errlen, "%s: LZO-compressed kernels are not supported: rebuild "
                        "with another compression or give the uncompressed vmlinux", img->name);
            else
                xkg_err(err, errlen, "%s: not an ELF kernel, a bzImage or a compressed ELF",
                        img->name);
            return -1;
        }
        size_t dlen;
        if (xkg_decompress(comp, p, n, max_size ? max_size : XKG_DEFAULT_MAX_KERNEL, &img->dbuf,
                           &dlen, &img->dbuf_cap, img->name, err, errlen) < 0)
            return -1;
        p = img->dbuf;
        n = dlen;
    }
    if (xkg_elf_parse(p, n, &img->info, &img->elf, img->name, err, errlen) < 0)
        return -1;
    img->info.bzimage = bz;
    img->info.compression = comp;
    img->info.file_size = img->file_len;
    return 0;
}

static void release_file(xkg_image *img)
{
    if (img->file_mapped && img->file)
        munmap((void *)img->file, img->file_len);
    img->file = NULL;
    img->file_mapped = false;
}

xkg_image *xkg_image_load_mem(const void *buf, size_t len, size_t max_size, const char *name,
                              char *err, size_t errlen)
{
    xkg_image *img = calloc(1, sizeof(*img));
    if (!img) {
        xkg_err(err, errlen, "load kernel %s: %s", name ? name : "(memory)", strerror(errno));
        return NULL;
    }
    snprintf(img->name, sizeof(img->name), "%s", name ? name : "(memory)");
    img->file = buf;
    img->file_len = len;
    if (image_parse(img, max_size, err, errlen) < 0) {
        int e = errno;
        xkg_image_free(img);
        errno = e;
        return NULL;
    }
    return img;
}

xkg_image *xkg_image_load(const char *path, size_t max_size, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        xkg_err(err, errlen, "open kernel %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        xkg_err(err, errlen, "stat kernel %s: %s", path, strerror(e));
        close(fd);
        errno = e;
        return NULL;
    }
    if (!S_ISREG(st.st_mode) || st.st_size == 0) {
        close(fd);
        errno = ENOEXEC;
        xkg_err(err, errlen, "kernel %s: %s", path,
                S_ISREG(st.st_mode) ? "empty file" : "not a regular file");
        return NULL;
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (m == MAP_FAILED) {
        xkg_err(err, errlen, "mmap kernel %s: %s", path, strerror(e));
        errno = e;
        return NULL;
    }
    xkg_image *img = calloc(1, sizeof(*img));
    if (!img) {
        e = errno;
        munmap(m, (size_t)st.st_size);
        xkg_err(err, errlen, "load kernel %s: %s", path, strerror(e));
        errno = e;
        return NULL;
    }
    snprintf(img->name, sizeof(img->name), "%s", path);
    img->file = m;
    img->file_len = (size_t)st.st_size;
    img->file_mapped = true;
    if (image_parse(img, max_size, err, errlen) < 0) {
        e = errno;
        xkg_image_free(img);
        errno = e;
        return NULL;
    }
    /* a decompressed image no longer needs its compressed file */
    if (img->dbuf)
        release_file(img);
    return img;
}

void xkg_image_free(xkg_image *img)
{
    if (!img)
        return;
    release_file(img);
    xkg_buf_free(img->dbuf, img->dbuf_cap);
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
