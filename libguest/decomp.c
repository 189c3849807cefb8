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
#include <stdlib.h>
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

/* One decoder, fed from an in-memory input, producing output on demand:
 * used whole (xkg_decompress) or a chunk at a time straight into guest
 * memory (xkg_dstream_read). */
struct xkg_dstream {
    enum xkg_compression c;
    const uint8_t *in;
    size_t inlen, inpos;
    bool done;
    uint64_t produced;
    const char *name;
    union {
        z_stream z;
        lzma_stream x;
        ZSTD_DStream *zs;
        bz_stream bz;
    } u;
    /* lz4 legacy: one decoded block and how much of it was handed out */
    uint8_t *blk;
    size_t blk_len, blk_pos;
    unsigned blocks;
};

static const char *cname(const struct xkg_dstream *s)
{
    return xkg_compression_name(s->c);
}

static int corrupt(const struct xkg_dstream *s, const char *why, char *err, size_t errlen)
{
    errno = EINVAL;
    xkg_err(err, errlen, "decompress %s (%s): corrupt or truncated stream: %s", s->name,
            cname(s), why);
    return -1;
}

struct xkg_dstream *xkg_dstream_open(enum xkg_compression c, const uint8_t *in, size_t inlen,
                                     const char *name, char *err, size_t errlen)
{
    struct xkg_dstream *s = calloc(1, sizeof(*s));
    if (!s) {
        xkg_err(err, errlen, "decompress %s: %s", name, strerror(errno));
        return NULL;
    }
    s->c = c;
    s->in = in;
    s->inlen = inlen;
    s->name = name;
    bool ok = false;
    switch (c) {
    case XKG_COMP_GZIP:
        ok = inflateInit2(&s->u.z, 15 + 32) == Z_OK;
        break;
    case XKG_COMP_XZ:
    case XKG_COMP_LZMA: {
        lzma_stream init = LZMA_STREAM_INIT;
        s->u.x = init;
        ok = (c == XKG_COMP_XZ ? lzma_stream_decoder(&s->u.x, 1ull << 30, 0)
                               : lzma_alone_decoder(&s->u.x, 1ull << 30)) == LZMA_OK;
        s->u.x.next_in = in;
        s->u.x.avail_in = inlen;
        break;
    }
    case XKG_COMP_ZSTD:
        s->u.zs = ZSTD_createDStream();
        /* Linux uses --ultra -22 (window up to 128 MiB) */
        ok = s->u.zs && !ZSTD_isError(ZSTD_DCtx_setParameter(s->u.zs, ZSTD_d_windowLogMax, 27));
        break;
    case XKG_COMP_BZIP2:
        ok = BZ2_bzDecompressInit(&s->u.bz, 0, 0) == BZ_OK;
        break;
    case XKG_COMP_LZ4:
        s->inpos = 4; /* magic */
        ok = inlen >= 4;
        break;
    default:
        break;
    }
    if (!ok) {
        int known = c != XKG_COMP_NONE && c <= XKG_COMP_LZ4;
        xkg_dstream_close(s);
        errno = known ? ENOMEM : EINVAL;
        xkg_err(err, errlen, "decompress %s: %s", name,
                known ? "decoder initialisation failed" : "not a compressed stream");
        return NULL;
    }
    return s;
}

void xkg_dstream_close(struct xkg_dstream *s)
{
    if (!s)
        return;
    switch (s->c) {
    case XKG_COMP_GZIP: inflateEnd(&s->u.z); break;
    case XKG_COMP_XZ:
    case XKG_COMP_LZMA: lzma_end(&s->u.x); break;
    case XKG_COMP_ZSTD: ZSTD_freeDStream(s->u.zs); break;
    case XKG_COMP_BZIP2: BZ2_bzDecompressEnd(&s->u.bz); break;
    default: break;
    }
    free(s->blk);
    free(s);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* lz4 legacy frames: magic, then blocks of (le32 size, data), each block
 * up to 8 MiB decompressed; a repeated magic starts a new frame; anything
 * that is not a plausible block (e.g. Linux's appended size) ends it. */
static int lz4_next_block(struct xkg_dstream *s, char *err, size_t errlen)
{
    for (;;) {
        if (s->inlen - s->inpos < 4)
            break;
        uint32_t csz = le32(s->in + s->inpos);
        if (csz == LZ4_LEGACY_MAGIC) {
            s->inpos += 4;
            continue;
        }
        if (csz == 0 || csz > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK) ||
            csz > s->inlen - s->inpos - 4) {
            if (s->blocks)
                break; /* trailing data */
            return corrupt(s, "bad block size", err, errlen);
        }
        if (!s->blk && !(s->blk = malloc(LZ4_LEGACY_BLOCK))) {
            xkg_err(err, errlen, "decompress %s (lz4): %s", s->name, strerror(errno));
            return -1;
        }
        int r = LZ4_decompress_safe((const char *)s->in + s->inpos + 4, (char *)s->blk,
                                    (int)csz, (int)LZ4_LEGACY_BLOCK);
        if (r < 0)
            return corrupt(s, "bad block", err, errlen);
        s->inpos += 4 + csz;
        s->blk_len = (size_t)r;
        s->blk_pos = 0;
        s->blocks++;
        return 0;
    }
    if (!s->blocks)
        return corrupt(s, "no data", err, errlen);
    s->done = true;
    return 0;
}

ssize_t xkg_dstream_read(struct xkg_dstream *s, uint8_t *buf, size_t len, char *err,
                         size_t errlen)
{
    size_t got = 0;
    while (got < len && !s->done) {
        size_t room = len - got;
        switch (s->c) {
        case XKG_COMP_GZIP: {
            z_stream *z = &s->u.z;
            size_t left = s->inlen - s->inpos;
            z->next_in = (Bytef *)s->in + s->inpos;
            z->avail_in = left > (1u << 30) ? 1u << 30 : (uInt)left;
            z->next_out = buf + got;
            z->avail_out = room > (1u << 30) ? 1u << 30 : (uInt)room;
            uInt in0 = z->avail_in, out0 = z->avail_out;
            int r = inflate(z, Z_NO_FLUSH);
            s->inpos += in0 - z->avail_in;
            got += out0 - z->avail_out;
            if (r == Z_STREAM_END)
                s->done = true;
            else if (r != Z_OK && !(r == Z_BUF_ERROR && z->avail_out == 0))
                return corrupt(s, z->msg ? z->msg : "unexpected end", err, errlen);
            else if (in0 == z->avail_in && out0 == z->avail_out)
                return corrupt(s, "unexpected end", err, errlen);
            break;
        }
        case XKG_COMP_XZ:
        case XKG_COMP_LZMA: {
            lzma_stream *x = &s->u.x;
            x->next_out = buf + got;
            x->avail_out = room;
            lzma_ret r = lzma_code(x, LZMA_FINISH);
            got += room - x->avail_out;
            if (r == LZMA_STREAM_END)
                s->done = true;
            else if (r == LZMA_OK && x->avail_in == 0 && x->avail_out > 0 &&
                     s->c == XKG_COMP_LZMA && got > 0)
                s->done = true; /* lzma-alone with a known size and no end marker */
            else if (r != LZMA_OK && !(r == LZMA_BUF_ERROR && x->avail_out == 0))
                return corrupt(s, r == LZMA_BUF_ERROR ? "unexpected end" : "bad data", err,
                               errlen);
            break;
        }
        case XKG_COMP_ZSTD: {
            ZSTD_inBuffer ib = { s->in, s->inlen, s->inpos };
            ZSTD_outBuffer ob = { buf + got, room, 0 };
            size_t r = ZSTD_decompressStream(s->u.zs, &ob, &ib);
            s->inpos = ib.pos;
            got += ob.pos;
            if (ZSTD_isError(r))
                return corrupt(s, ZSTD_getErrorName(r), err, errlen);
            if (r == 0)
                s->done = true; /* one frame; what follows is Linux's size */
            else if (ob.pos < room && ib.pos == ib.size)
                return corrupt(s, "unexpected end", err, errlen);
            break;
        }
        case XKG_COMP_BZIP2: {
            bz_stream *z = &s->u.bz;
            size_t left = s->inlen - s->inpos;
            z->next_in = (char *)s->in + s->inpos;
            z->avail_in = left > (1u << 30) ? 1u << 30 : (unsigned)left;
            z->next_out = (char *)buf + got;
            z->avail_out = room > (1u << 30) ? 1u << 30 : (unsigned)room;
            unsigned in0 = z->avail_in, out0 = z->avail_out;
            int r = BZ2_bzDecompress(z);
            s->inpos += in0 - z->avail_in;
            got += out0 - z->avail_out;
            if (r == BZ_STREAM_END)
                s->done = true;
            else if (r != BZ_OK)
                return corrupt(s, "bad data", err, errlen);
            else if (in0 == z->avail_in && out0 == z->avail_out)
                return corrupt(s, "unexpected end", err, errlen);
            break;
        }
        case XKG_COMP_LZ4: {
            if (s->blk_pos == s->blk_len) {
                if (lz4_next_block(s, err, errlen) < 0)
                    return -1;
                break;
            }
            size_t n = s->blk_len - s->blk_pos < room ? s->blk_len - s->blk_pos : room;
            memcpy(buf + got, s->blk + s->blk_pos, n);
            s->blk_pos += n;
            got += n;
            break;
        }
        default:
            errno = EINVAL;
            return -1;
        }
    }
    s->produced += got;
    return (ssize_t)got;
}

int xkg_dstream_skip(struct xkg_dstream *s, uint64_t n, char *err, size_t errlen)
{
    uint8_t scratch[16384];
    while (n) {
        size_t want = n < sizeof(scratch) ? (size_t)n : sizeof(scratch);
        ssize_t r = xkg_dstream_read(s, scratch, want, err, errlen);
        if (r < 0)
            return -1;
        if (r == 0) {
            errno = EINVAL;
            xkg_err(err, errlen, "decompress %s (%s): stream ends early", s->name, cname(s));
            return -1;
        }
        n -= (uint64_t)r;
    }
    return 0;
}

uint64_t xkg_dstream_pos(const struct xkg_dstream *s)
{
    return s->produced;
}

int xkg_decompress(enum xkg_compression c, const uint8_t *in, size_t inlen, size_t max_out,
                   uint8_t **out, size_t *outlen, size_t *outcap,
                   const char *name, char *err, size_t errlen)
{
    size_t cap = (max_out + XKG_PAGE_SIZE - 1) & ~(size_t)(XKG_PAGE_SIZE - 1);
    if (cap == 0) {
        errno = EINVAL;
        xkg_err(err, errlen, "decompress %s: zero output cap", name);
        return -1;
    }
    struct xkg_dstream *s = xkg_dstream_open(c, in, inlen, name, err, errlen);
    if (!s)
        return -1;
    void *m = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (m == MAP_FAILED) {
        int e = errno;
        xkg_err(err, errlen, "decompress %s: mmap %zu MiB output buffer: %s", name, cap >> 20,
                strerror(e));
        xkg_dstream_close(s);
        errno = e;
        return -1;
    }
    ssize_t r = xkg_dstream_read(s, m, cap, err, errlen);
    if (r >= 0 && (size_t)r == cap && !s->done) {
        /* full: is there more? */
        uint8_t probe;
        ssize_t more = xkg_dstream_read(s, &probe, 1, err, errlen);
        if (more != 0) {
            errno = EFBIG;
            xkg_err(err, errlen, "decompress %s (%s): output exceeds the %zu MiB cap", name,
                    xkg_compression_name(c), cap >> 20);
            r = -1;
        }
    }
    int e = errno;
    xkg_dstream_close(s);
    if (r < 0) {
        munmap(m, cap);
        errno = e;
        return -1;
    }
    *out = m;
    *outlen = (size_t)r;
    *outcap = cap;
    return 0;
}
