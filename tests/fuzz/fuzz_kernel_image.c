/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: libguest's kernel image parser (ELF32/64, Xen notes,
 * bzImage, every decompressor) and the PV/PVH compatibility checks. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <xkit/guest.h>

struct bufs {
    void *b[32];
    unsigned n;
};

static uint8_t *to_heap(void *arg, const struct xkg_segment *s)
{
    struct bufs *b = arg;
    if (b->n == 32)
        return NULL;
    return b->b[b->n++] = malloc(s->filesz ? s->filesz : 1);
}

/* the lazy path: headers/notes from a prefix, segments decoded on demand */
static void lazy(const uint8_t *data, size_t size)
{
    char err[256];
    xkg_image *img = xkg_image_open_mem(data, size, 8u << 20, "fuzz", err, sizeof(err));
    if (!img)
        return;
    const struct xkg_image_info *in = xkg_image_info(img);
    uint64_t total = 0;
    for (unsigned i = 0; i < in->nr_segments; i++)
        total += xkg_image_segment(img, i)->filesz;
    if (total <= (16u << 20)) {
        struct bufs b = { { 0 }, 0 };
        xkg_image_read_segments(img, to_heap, &b, err, sizeof(err));
        for (unsigned i = 0; i < b.n; i++)
            free(b.b[i]);
    }
    xkg_image_free(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    /* small cap: decompression bombs must stop at it */
    lazy(data, size);
    xkg_image *img = xkg_image_load_mem(data, size, 8u << 20, "fuzz", err, sizeof(err));
    if (!img)
        return 0;
    const struct xkg_image_info *in = xkg_image_info(img);
    unsigned sum = 0;
    for (unsigned i = 0; i < in->nr_segments; i++) {
        const struct xkg_segment *s = xkg_image_segment(img, i);
        if (s->filesz)
            sum += s->data[0] + s->data[s->filesz - 1];
    }
    (void)sum;
    xkg_image_check(img, XKG_TYPE_PV, "xen-3.0-x86_64 xen-3.0-x86_32p", err, sizeof(err));
    xkg_image_check(img, XKG_TYPE_PVH, "hvm-3.0-x86_64", err, sizeof(err));
    xkg_image_check(img, XKG_TYPE_PV, NULL, err, sizeof(err));
    xkg_image_free(img);
    return 0;
}
