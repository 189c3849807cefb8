/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Stream decompression of kernel payloads with a hard cap on the output.
 * The output goes into one anonymous MAP_NORESERVE mapping of the cap's
 * size: only the pages actually written become resident, there is no
 * realloc-and-copy as the output grows, and the builder later copies
 * segments from it straight into guest memory.
 */
#include "private.h"
#include <bzlib.h>
#include <dlfcn.h>
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

enum xkg_compression xkg__detect_compression(const uint8_t *p, size_t n)
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

void xkg__buf_free(uint8_t *buf, size_t cap)
{
    if (buf)
        munmap(buf, cap);
}

/*
 * The decompression libraries are loaded when a kernel needs one, not
 * linked: every xl command would otherwise map all five at start-up, and
 * only create reads compressed kernels. Their headers still give the types
 * and constants; the functions come from dlsym into the decoder's own
 * table, and the decoder owns the library handle (dlclose on close).
 */
struct codec_lib {
    const char *soname, *package;   /* the Debian package that ships it */
    const char *syms[6];            /* NULL-terminated */
};

static const struct codec_lib *codec_lib(enum xkg_compression c)
{
    static const struct codec_lib z = {
        "libz.so.1", "zlib1g", { "inflateInit2_", "inflate", "inflateEnd" } };
    static const struct codec_lib x = {
        "liblzma.so.5", "liblzma5",
        { "lzma_stream_decoder", "lzma_alone_decoder", "lzma_code", "lzma_end" } };
    static const struct codec_lib zs = {
        "libzstd.so.1", "libzstd1",
        { "ZSTD_createDStream", "ZSTD_DCtx_setParameter", "ZSTD_decompressStream",
          "ZSTD_isError", "ZSTD_getErrorName", "ZSTD_freeDStream" } };
    static const struct codec_lib bz = {
        "libbz2.so.1.0", "libbz2-1.0",
        { "BZ2_bzDecompressInit", "BZ2_bzDecompress", "BZ2_bzDecompressEnd" } };
    static const struct codec_lib lz4 = {
        "liblz4.so.1", "liblz4-1", { "LZ4_decompress_safe" } };
    switch (c) {
    case XKG_COMP_GZIP: return &z;
    case XKG_COMP_XZ:
    case XKG_COMP_LZMA: return &x;
    case XKG_COMP_ZSTD: return &zs;
    case XKG_COMP_BZIP2: return &bz;
    case XKG_COMP_LZ4: return &lz4;
    default: return NULL;
    }
}

/* One decoder, fed from an in-memory input, producing output on demand:
 * used whole (xkg__decompress) or a chunk at a time straight into guest
 * memory (xkg__dstream_read). */
struct xkg__dstream {
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
    void *lib;                      /* dlopen handle of the codec's library */
    bool started;                   /* u holds a decoder to end */
    union {                         /* the library's functions (codec_lib order) */
        struct {
            int (*init2)(z_streamp, int, const char *, int);
            int (*inflate)(z_streamp, int);
            int (*end)(z_streamp);
        } z;
        struct {
            lzma_ret (*stream_decoder)(lzma_stream *, uint64_t, uint32_t);
            lzma_ret (*alone_decoder)(lzma_stream *, uint64_t);
            lzma_ret (*code)(lzma_stream *, lzma_action);
            void (*end)(lzma_stream *);
        } x;
        struct {
            ZSTD_DStream *(*create)(void);
            size_t (*set_param)(ZSTD_DCtx *, ZSTD_dParameter, int);
            size_t (*decompress)(ZSTD_DStream *, ZSTD_outBuffer *, ZSTD_inBuffer *);
            unsigned (*is_error)(size_t);
            const char *(*error_name)(size_t);
            size_t (*free)(ZSTD_DStream *);
        } zs;
        struct {
            int (*init)(bz_stream *, int, int);
            int (*decompress)(bz_stream *);
            int (*end)(bz_stream *);
        } bz;
        struct {
            int (*decompress_safe)(const char *, char *, int, int);
        } lz4;
    } f;
    /* lz4 legacy: one decoded block and how much of it was handed out */
    uint8_t *blk;
    size_t blk_len, blk_pos;
    unsigned blocks;
};

static const char *cname(const struct xkg__dstream *s)
{
    return xkg_compression_name(s->c);
}

static int corrupt(const struct xkg__dstream *s, const char *why, char *err, size_t errlen)
{
    errno = EINVAL;
    xkg__err(err, errlen, "decompress %s (%s): corrupt or truncated stream: %s", s->name,
            cname(s), why);
    return -1;
}

/* Load the codec's library into s->lib and its functions into s->f. */
static int load_codec(struct xkg__dstream *s, char *err, size_t errlen)
{
    const struct codec_lib *cl = codec_lib(s->c);
    if (!cl)
        return 0;
    void *sym[6] = { 0 };
    s->lib = dlopen(cl->soname, RTLD_NOW | RTLD_LOCAL);
    if (!s->lib) {
        const char *why = dlerror();
        errno = ELIBACC;
        xkg__err(err, errlen, "decompress %s (%s): cannot load %s (Debian package %s): %s",
                s->name, cname(s), cl->soname, cl->package, why ? why : "not found");
        return -1;
    }
    for (size_t i = 0; i < 6 && cl->syms[i]; i++) {
        dlerror();
        sym[i] = dlsym(s->lib, cl->syms[i]);
        if (!sym[i]) {
            const char *why = dlerror();
            errno = ELIBBAD;
            xkg__err(err, errlen, "decompress %s (%s): %s has no %s: %s", s->name, cname(s),
                    cl->soname, cl->syms[i], why ? why : "missing");
            return -1;
        }
    }
#define SET(field, i) ((field) = (__typeof__(field))sym[i])
    switch (s->c) {
    case XKG_COMP_GZIP:
        SET(s->f.z.init2, 0); SET(s->f.z.inflate, 1); SET(s->f.z.end, 2);
        break;
    case XKG_COMP_XZ:
    case XKG_COMP_LZMA:
        SET(s->f.x.stream_decoder, 0); SET(s->f.x.alone_decoder, 1);
        SET(s->f.x.code, 2); SET(s->f.x.end, 3);
        break;
    case XKG_COMP_ZSTD:
        SET(s->f.zs.create, 0); SET(s->f.zs.set_param, 1); SET(s->f.zs.decompress, 2);
        SET(s->f.zs.is_error, 3); SET(s->f.zs.error_name, 4); SET(s->f.zs.free, 5);
        break;
    case XKG_COMP_BZIP2:
        SET(s->f.bz.init, 0); SET(s->f.bz.decompress, 1); SET(s->f.bz.end, 2);
        break;
    case XKG_COMP_LZ4:
        SET(s->f.lz4.decompress_safe, 0);
        break;
    default:
        break;
    }
#undef SET
    return 0;
}

struct xkg__dstream *xkg__dstream_open(enum xkg_compression c, const uint8_t *in, size_t inlen,
                                     const char *name, char *err, size_t errlen)
{
    struct xkg__dstream *s = calloc(1, sizeof(*s));
    if (!s) {
        xkg__err(err, errlen, "decompress %s: %s", name, strerror(errno));
        return NULL;
    }
    s->c = c;
    s->in = in;
    s->inlen = inlen;
    s->name = name;
    if (load_codec(s, err, errlen) < 0) {
        int e = errno;
        xkg__dstream_close(s);
        errno = e;
        return NULL;
    }
    bool ok = false;
    switch (c) {
    case XKG_COMP_GZIP:
        /* what zlib's inflateInit2() macro expands to */
        ok = s->f.z.init2(&s->u.z, 15 + 32, ZLIB_VERSION, (int)sizeof(z_stream)) == Z_OK;
        s->started = ok;
        break;
    case XKG_COMP_XZ:
    case XKG_COMP_LZMA: {
        lzma_stream init = LZMA_STREAM_INIT;
        s->u.x = init;
        ok = (c == XKG_COMP_XZ ? s->f.x.stream_decoder(&s->u.x, 1ull << 30, 0)
                               : s->f.x.alone_decoder(&s->u.x, 1ull << 30)) == LZMA_OK;
        s->started = true;   /* lzma_end() is safe on a failed init */
        s->u.x.next_in = in;
        s->u.x.avail_in = inlen;
        break;
    }
    case XKG_COMP_ZSTD:
        s->u.zs = s->f.zs.create();
        s->started = s->u.zs != NULL;
        /* Linux uses --ultra -22 (window up to 128 MiB) */
        ok = s->u.zs &&
             !s->f.zs.is_error(s->f.zs.set_param(s->u.zs, ZSTD_d_windowLogMax, 27));
        break;
    case XKG_COMP_BZIP2:
        ok = s->f.bz.init(&s->u.bz, 0, 0) == BZ_OK;
        s->started = ok;
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
        xkg__dstream_close(s);
        errno = known ? ENOMEM : EINVAL;
        xkg__err(err, errlen, "decompress %s: %s", name,
                known ? "decoder initialisation failed" : "not a compressed stream");
        return NULL;
    }
    return s;
}

void xkg__dstream_close(struct xkg__dstream *s)
{
    if (!s)
        return;
    if (s->started) {
        switch (s->c) {
        case XKG_COMP_GZIP: s->f.z.end(&s->u.z); break;
        case XKG_COMP_XZ:
        case XKG_COMP_LZMA: s->f.x.end(&s->u.x); break;
        case XKG_COMP_ZSTD: s->f.zs.free(s->u.zs); break;
        case XKG_COMP_BZIP2: s->f.bz.end(&s->u.bz); break;
        default: break;
        }
    }
    if (s->lib)
        dlclose(s->lib);
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
static int lz4_next_block(struct xkg__dstream *s, char *err, size_t errlen)
{
    for (;;) {
        if (s->inlen - s->inpos < 4)
            break;
        uint32_t csz = le32(s->in + s->inpos);
        if (csz == LZ4_LEGACY_MAGIC) {
            s->inpos += 4;
            continue;
        }
        if (csz == 0 || csz > (uint32_t)LZ4_COMPRESSBOUND(LZ4_LEGACY_BLOCK) ||
            csz > s->inlen - s->inpos - 4) {
            if (s->blocks)
                break; /* trailing data */
            return corrupt(s, "bad block size", err, errlen);
        }
        if (!s->blk && !(s->blk = malloc(LZ4_LEGACY_BLOCK))) {
            xkg__err(err, errlen, "decompress %s (lz4): %s", s->name, strerror(errno));
            return -1;
        }
        int r = s->f.lz4.decompress_safe((const char *)s->in + s->inpos + 4, (char *)s->blk,
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

ssize_t xkg__dstream_read(struct xkg__dstream *s, uint8_t *buf, size_t len, char *err,
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
            int r = s->f.z.inflate(z, Z_NO_FLUSH);
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
            lzma_ret r = s->f.x.code(x, LZMA_FINISH);
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
            size_t r = s->f.zs.decompress(s->u.zs, &ob, &ib);
            s->inpos = ib.pos;
            got += ob.pos;
            if (s->f.zs.is_error(r))
                return corrupt(s, s->f.zs.error_name(r), err, errlen);
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
            int r = s->f.bz.decompress(z);
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

int xkg__dstream_skip(struct xkg__dstream *s, uint64_t n, char *err, size_t errlen)
{
    uint8_t scratch[16384];
    while (n) {
        size_t want = n < sizeof(scratch) ? (size_t)n : sizeof(scratch);
        ssize_t r = xkg__dstream_read(s, scratch, want, err, errlen);
        if (r < 0)
            return -1;
        if (r == 0) {
            errno = EINVAL;
            xkg__err(err, errlen, "decompress %s (%s): stream ends early", s->name, cname(s));
            return -1;
        }
        n -= (uint64_t)r;
    }
    return 0;
}

uint64_t xkg__dstream_pos(const struct xkg__dstream *s)
{
    return s->produced;
}

int xkg__decompress(enum xkg_compression c, const uint8_t *in, size_t inlen, size_t max_out,
                   uint8_t **out, size_t *outlen, size_t *outcap,
                   const char *name, char *err, size_t errlen)
{
    size_t cap = (max_out + XKG_PAGE_SIZE - 1) & ~(size_t)(XKG_PAGE_SIZE - 1);
    if (cap == 0) {
        errno = EINVAL;
        xkg__err(err, errlen, "decompress %s: zero output cap", name);
        return -1;
    }
    struct xkg__dstream *s = xkg__dstream_open(c, in, inlen, name, err, errlen);
    if (!s)
        return -1;
    void *m = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (m == MAP_FAILED) {
        int e = errno;
        xkg__err(err, errlen, "decompress %s: mmap %zu MiB output buffer: %s", name, cap >> 20,
                strerror(e));
        xkg__dstream_close(s);
        errno = e;
        return -1;
    }
    ssize_t r = xkg__dstream_read(s, m, cap, err, errlen);
    if (r >= 0 && (size_t)r == cap && !s->done) {
        /* full: is there more? */
        uint8_t probe;
        ssize_t more = xkg__dstream_read(s, &probe, 1, err, errlen);
        if (more != 0) {
            errno = EFBIG;
            xkg__err(err, errlen, "decompress %s (%s): output exceeds the %zu MiB cap", name,
                    xkg_compression_name(c), cap >> 20);
            r = -1;
        }
    }
    int e = errno;
    xkg__dstream_close(s);
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
