/*
 * Stream decompression of kernel payloads with a hard cap on the output.
 * The output goes into one anonymous MAP_NORESERVE mapping of the cap's
 * size: only the pages actually written become resident, there is no
 * realloc-and-copy as the output grows, and the builder later copies
 * segments from it straight into guest memory.
 */
#include "private.h"
#include <bzlib.h>
#include <errno.h>
#include <lz4.h>
#include <lzma.h>
#include <string.h>
#include <sys/mman.h>
#include <zlib.h>
#include <zstd.h>

#define LZ4_LEGACY_MAGIC 0x184C2102u
#define LZ4_LEGACY_BLOCK (8u << 20)

const char *xkg_compression_name(enum xkg_compression c)
{
    switch (c) {
    case XKG_COMP_NONE: return "none";
    case XKG_COMP_GZIP: return "gzip";
    case XKG_COMP_XZ: return "xz";
    case XKG_COMP_LZMA: return "lzma";
    case XKG_COMP_ZSTD: return "zstd";
    case XKG_COMP_BZIP2: return "bzip2";
    case XKG_COMP_LZ4: return "lz4";
    }
    return "unknown";
}

enum xkg_compression xkg_detect_compression(const uint8_t *p, size_t n)
{
    if (n >= 2 && p[0] == 0x1f && (p[1] == 0x8b || p[1] == 0x9e))
        return XKG_COMP_GZIP;
    if (n >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6))
        return XKG_COMP_XZ;
    if (n >= 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4))
        return XKG_COMP_ZSTD;
    if (n >= 3 && !memcmp(p, "BZh", 3))
        return XKG_COMP_BZIP2;
    if (n >= 4 && !memcmp(p, "\x02\x21\x4c\x18", 4))
        return XKG_COMP_LZ4;
    /* legacy .lzma: properties byte 0x5d and a small dictionary size */
    if (n >= 13 && p[0] == 0x5d && p[1] == 0 && p[2] == 0)
        return XKG_COMP_LZMA;
    return XKG_COMP_NONE;
}

void xkg_buf_free(uint8_t *buf, size_t cap)
{
    if (buf)
        munmap(buf, cap);
}

struct sink {
    uint8_t *buf;
    size_t cap, len;
};

static int too_big(const struct sink *s, const char *name, const char *what, char *err,
                   size_t errlen)
{
    errno = EFBIG;
    xkg_err(err, errlen, "decompress %s (%s): output exceeds the %zu MiB cap", name, what,
            s->cap >> 20);
    return -1;
}

static int corrupt(const char *name, const char *what, const char *why, char *err,
                   size_t errlen)
{
    errno = EINVAL;
    xkg_err(err, errlen, "decompress %s (%s): corrupt or truncated stream: %s", name, what, why);
    return -1;
}

static int run_gzip(struct sink *s, const uint8_t *in, size_t inlen, const char *name,
                    char *err, size_t errlen)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 15 + 32) != Z_OK) {
        errno = ENOMEM;
        xkg_err(err, errlen, "decompress %s (gzip): inflateInit failed", name);
        return -1;
    }
    int rc = -1, zr;
    z.next_in = (Bytef *)in;
    do {
        size_t chunk = inlen - (size_t)(z.next_in - in);
        z.avail_in = chunk > (1u << 30) ? 1u << 30 : (uInt)chunk;
        size_t room = s->cap - s->len;
        z.next_out = s->buf + s->len;
        z.avail_out = room > (1u << 30) ? 1u << 30 : (uInt)room;
        uInt before = z.avail_out;
        zr = inflate(&z, Z_NO_FLUSH);
        s->len += before - z.avail_out;
        if (zr == Z_STREAM_END) {
            rc = 0;
            break;
        }
        if (zr == Z_BUF_ERROR && s->len == s->cap) {
            too_big(s, name, "gzip", err, errlen);
            break;
        }
        if (zr != Z_OK) {
            corrupt(name, "gzip", z.msg ? z.msg : "unexpected end", err, errlen);
            break;
        }
    } while (1);
    inflateEnd(&z);
    return rc;
}

static int run_lzma(struct sink *s, const uint8_t *in, size_t inlen, bool xz, const char *name,
                    char *err, size_t errlen)
{
    const char *what = xz ? "xz" : "lzma";
    lzma_stream z = LZMA_STREAM_INIT;
    lzma_ret r = xz ? lzma_stream_decoder(&z, 1ull << 30, 0) : lzma_alone_decoder(&z, 1ull << 30);
    if (r != LZMA_OK) {
        errno = ENOMEM;
        xkg_err(err, errlen, "decompress %s (%s): decoder init failed (%d)", name, what, (int)r);
        return -1;
    }
    int rc = -1;
    z.next_in = in;
    z.avail_in = inlen;
    z.next_out = s->buf;
    z.avail_out = s->cap;
    for (;;) {
        r = lzma_code(&z, LZMA_FINISH);
        s->len = s->cap - z.avail_out;
        if (r == LZMA_STREAM_END) {
            rc = 0;
            break;
        }
        if (r == LZMA_OK && z.avail_out > 0 && z.avail_in > 0)
            continue;
        if (z.avail_out == 0 && (r == LZMA_OK || r == LZMA_BUF_ERROR)) {
            too_big(s, name, what, err, errlen);
            break;
        }
        /* lzma-alone streams with a known size may end without a marker */
        if (!xz && r == LZMA_OK && z.avail_in == 0 && s->len > 0) {
            rc = 0;
            break;
        }
        corrupt(name, what, r == LZMA_BUF_ERROR ? "unexpected end" : "bad data", err, errlen);
        break;
    }
    lzma_end(&z);
    return rc;
}

static int run_zstd(struct sink *s, const uint8_t *in, size_t inlen, const char *name,
                    char *err, size_t errlen)
{
    ZSTD_DStream *z = ZSTD_createDStream();
    if (!z) {
        errno = ENOMEM;
        xkg_err(err, errlen, "decompress %s (zstd): out of memory", name);
        return -1;
    }
    /* Linux uses --ultra -22 (window up to 128 MiB) */
    ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, 27);
    ZSTD_inBuffer ib = { in, inlen, 0 };
    ZSTD_outBuffer ob = { s->buf, s->cap, 0 };
    int rc = -1;
    for (;;) {
        size_t r = ZSTD_decompressStream(z, &ob, &ib);
        s->len = ob.pos;
        if (ZSTD_isError(r)) {
            corrupt(name, "zstd", ZSTD_getErrorName(r), err, errlen);
            break;
        }
        if (r == 0) {
            rc = 0;
            break;
        }
        if (ob.pos == ob.size) {
            too_big(s, name, "zstd", err, errlen);
            break;
        }
        if (ib.pos == ib.size) {
            corrupt(name, "zstd", "unexpected end", err, errlen);
            break;
        }
    }
    ZSTD_freeDStream(z);
    return rc;
}

static int run_bzip2(struct sink *s, const uint8_t *in, size_t inlen, const char *name,
                     char *err, size_t errlen)
{
    bz_stream z;
    memset(&z, 0, sizeof(z));
    if (BZ2_bzDecompressInit(&z, 0, 0) != BZ_OK) {
        errno = ENOMEM;
        xkg_err(err, errlen, "decompress %s (bzip2): init failed", name);
        return -1;
    }
    int rc = -1;
    const uint8_t *ip = in;
    for (;;) {
        size_t left = inlen - (size_t)(ip - in);
        z.next_in = (char *)ip;
        z.avail_in = left > (1u << 30) ? 1u << 30 : (unsigned)left;
        size_t room = s->cap - s->len;
        z.next_out = (char *)s->buf + s->len;
        z.avail_out = room > (1u << 30) ? 1u << 30 : (unsigned)room;
        unsigned in0 = z.avail_in, out0 = z.avail_out;
        int r = BZ2_bzDecompress(&z);
        ip += in0 - z.avail_in;
        s->len += out0 - z.avail_out;
        if (r == BZ_STREAM_END) {
            rc = 0;
            break;
        }
        if (r != BZ_OK) {
            corrupt(name, "bzip2", "bad data", err, errlen);
            break;
        }
        if (s->len == s->cap) {
            too_big(s, name, "bzip2", err, errlen);
            break;
        }
        if (in0 - z.avail_in == 0 && out0 - z.avail_out == 0) {
            corrupt(name, "bzip2", "unexpected end", err, errlen);
            break;
        }
    }
    BZ2_bzDecompressEnd(&z);
    return rc;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* lz4 legacy frames: magic, then blocks of (le32 size, data), each block
 * up to 8 MiB decompressed; a repeated magic starts a new frame; anything
 * that is not a plausible block (e.g. Linux's appended size) ends it. */
static int run_lz4(struct sink *s, const uint8_t *in, size_t inlen, const char *name,
                   char *err, size_t errlen)
{
    size_t pos = 4;
    unsigned blocks = 0;
    while (inlen - pos >= 4) {
        uint32_t csz = le32(in + pos);
        if (csz == LZ4_LEGACY_MAGIC) {
            pos += 4;
            continue;
        }
        if (csz == 0 || csz > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK) ||
            csz > inlen - pos - 4) {
            if (blocks)
                break; /* trailing data */
            return corrupt(name, "lz4", "bad block size", err, errlen);
        }
        size_t room = s->cap - s->len;
        if (room == 0)
            return too_big(s, name, "lz4", err, errlen);
        int cap = room > LZ4_LEGACY_BLOCK ? (int)LZ4_LEGACY_BLOCK : (int)room;
        int r = LZ4_decompress_safe((const char *)in + pos + 4, (char *)s->buf + s->len,
                                    (int)csz, cap);
        if (r < 0) {
            if (room < LZ4_LEGACY_BLOCK)
                return too_big(s, name, "lz4", err, errlen);
            return corrupt(name, "lz4", "bad block", err, errlen);
        }
        s->len += (size_t)r;
        pos += 4 + csz;
        blocks++;
    }
    if (!blocks)
        return corrupt(name, "lz4", "no data", err, errlen);
    return 0;
}

int xkg_decompress(enum xkg_compression c, const uint8_t *in, size_t inlen, size_t max_out,
                   uint8_t **out, size_t *outlen, size_t *outcap,
                   const char *name, char *err, size_t errlen)
{
    struct sink s = { NULL, (max_out + XKG_PAGE_SIZE - 1) & ~(size_t)(XKG_PAGE_SIZE - 1), 0 };
    if (s.cap == 0) {
        errno = EINVAL;
        xkg_err(err, errlen, "decompress %s: zero output cap", name);
        return -1;
    }
    void *m = mmap(NULL, s.cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (m == MAP_FAILED) {
        xkg_err(err, errlen, "decompress %s: mmap %zu MiB output buffer: %s", name, s.cap >> 20,
                strerror(errno));
        return -1;
    }
    s.buf = m;
    int rc;
    switch (c) {
    case XKG_COMP_GZIP: rc = run_gzip(&s, in, inlen, name, err, errlen); break;
    case XKG_COMP_XZ: rc = run_lzma(&s, in, inlen, true, name, err, errlen); break;
    case XKG_COMP_LZMA: rc = run_lzma(&s, in, inlen, false, name, err, errlen); break;
    case XKG_COMP_ZSTD: rc = run_zstd(&s, in, inlen, name, err, errlen); break;
    case XKG_COMP_BZIP2: rc = run_bzip2(&s, in, inlen, name, err, errlen); break;
    case XKG_COMP_LZ4: rc = run_lz4(&s, in, inlen, name, err, errlen); break;
    default:
        errno = EINVAL;
        xkg_err(err, errlen, "decompress %s: not a compressed stream", name);
        rc = -1;
    }
    if (rc < 0) {
        int e = errno;
        munmap(s.buf, s.cap);
        errno = e;
        return -1;
    }
    *out = s.buf;
    *outlen = s.len;
    *outcap = s.cap;
    return 0;
}
