/* Fuzz target: libguest's kernel image parser (ELF32/64, Xen notes,
 * bzImage, every decompressor) and the PV/PVH compatibility checks. */
#include <stddef.h>
#include <stdint.h>
#include <xkit/guest.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    /* small cap: decompression bombs must stop at it */
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
