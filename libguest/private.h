/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libxkguest internals: never included from outside libguest/. */
#ifndef XKGUEST_PRIVATE_H
#define XKGUEST_PRIVATE_H
#include "config.h"
#include <stdarg.h>
#include <sys/types.h>
#include <xkit/guest.h>

#define XKG_PAGE_SHIFT 12
#define XKG_PAGE_SIZE (1ull << XKG_PAGE_SHIFT)
#define XKG_MAX_SEGMENTS 32

/* Format a message into err (if any); keeps errno as it was on entry. */
void xkg__err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- decompression (decomp.c) ---- */
enum xkg_compression xkg__detect_compression(const uint8_t *p, size_t n);
/* Decompress in[0..inlen) as one stream into a fresh anonymous mapping of
 * at most max_out bytes; out and outlen on success (release with
 * xkg__buf_free(out, outcap)). Trailing bytes after the stream end are
 * ignored (Linux appends the size). */
int xkg__decompress(enum xkg_compression c, const uint8_t *in, size_t inlen, size_t max_out,
                   uint8_t **out, size_t *outlen, size_t *outcap,
                   const char *name, char *err, size_t errlen);
void xkg__buf_free(uint8_t *buf, size_t cap);
/* The same decoders as a stream: read returns bytes produced (0 at the end
 * of the stream, -1 on error); name must outlive the stream. */
struct xkg__dstream;
struct xkg__dstream *xkg__dstream_open(enum xkg_compression c, const uint8_t *in, size_t inlen,
                                     const char *name, char *err, size_t errlen);
ssize_t xkg__dstream_read(struct xkg__dstream *s, uint8_t *buf, size_t len, char *err,
                         size_t errlen);
int xkg__dstream_skip(struct xkg__dstream *s, uint64_t n, char *err, size_t errlen);
uint64_t xkg__dstream_pos(const struct xkg__dstream *s);
void xkg__dstream_close(struct xkg__dstream *s);

/* ---- bzImage (bzimage.c) ---- */
/* If p looks like an x86 bzImage, set the payload span and return 1; 0 if
 * it is not one; -1 (with err) if it claims to be one but is broken. */
int xkg__bzimage_payload(const uint8_t *p, size_t n, size_t *off, size_t *len,
                        const char *name, char *err, size_t errlen);

/* ---- ELF (elf.c) ---- */
struct xkg__elf {
    unsigned nr_segs;
    struct xkg_segment segs[XKG_MAX_SEGMENTS];
};
/* p[0..n) is what is at hand of an ELF of total bytes (n == total for a
 * whole file; a lazy image has only a prefix): offsets are checked against
 * total, segment data pointers are set only for data inside the prefix. */
int xkg__elf_parse(const uint8_t *p, size_t n, uint64_t total, struct xkg_image_info *info,
                  struct xkg__elf *elf, const char *name, char *err, size_t errlen);
/* Bytes of prefix needed to see the header, program headers and PT_NOTE
 * data (may grow as more is known); -1 if the header is unusable. */
int xkg__elf_need(const uint8_t *p, size_t avail, uint64_t *need);

/* ---- Xen notes (xen_notes.c) ---- */
/* Parse the note records in p[0..n); records that are not Xen's are
 * skipped. Malformed records end the walk (returns -1, notes so far kept). */
int xkg__notes_parse(const uint8_t *p, size_t n, struct xkg_xen_notes *x);
/* Parse a legacy __xen_guest string "KEY=VALUE,KEY=VALUE". */
void xkg__guest_string_parse(const char *s, size_t n, struct xkg_xen_notes *x);
/* Feature name -> bit (XENFEAT_*), -1 if unknown. */
int xkg__feature_bit(const char *name, size_t len);
const char *xkg__feature_name(unsigned bit);

/* ---- image (image.c) ---- */
struct xkg_image {
    struct xkg_image_info info;
    struct xkg__elf elf;
    const uint8_t *file;      /* the file as given (mapped or borrowed) */
    size_t file_len;
    bool file_mapped;         /* munmap file on free */
    uint8_t *dbuf;            /* decompressed ELF (anonymous mapping) */
    size_t dbuf_cap;
    char name[256];
    /* lazy images (xkg_image_open of a compressed kernel): only the prefix
     * holding headers and notes is decompressed; the rest is decoded
     * straight into its destination by xkg_image_read_segments */
    bool lazy;
    const uint8_t *cin;       /* compressed stream inside file */
    size_t cin_len;
    uint8_t *prefix;
    size_t prefix_len;
    struct xkg__lazy *stream;  /* mutable decoder state (image is const to builders) */
};
struct xkg__lazy {
    struct xkg__dstream *ds;   /* NULL or positioned at xkg__dstream_pos() */
};

/* Guest kernel addresses the builders use, resolved from notes + ELF. */
struct xkg__layout {
    uint64_t virt_base, virt_offset; /* vaddr = paddr + virt_offset (PV) */
    uint64_t kstart, kend;           /* PV: virtual; PVH: physical */
    uint64_t entry;
    uint64_t hypercall_page;         /* PV vaddr, 0 = none */
};
int xkg__layout_pv(const xkg_image *img, struct xkg__layout *l, char *err, size_t errlen);

/* PV bootstrap region in guest page numbers (pv_layout.c, pure). */
#define XKG_PV_SLACK (512ull << 10)
#define XKG_PV_ALIGN (4ull << 20)
struct xkg__pv_layout {
    uint64_t virt_base;
    uint64_t kern_pfn, kern_end_pfn;
    uint64_t rd_pfn, rd_pages;
    uint64_t p2m_pfn, p2m_pages;
    uint64_t si_pfn, store_pfn, cons_pfn;
    uint64_t pt_pfn, nr_pt;          /* L4, then L3s, L2s, L1s */
    unsigned nr_l3, nr_l2, nr_l1;
    uint64_t stack_pfn;
    uint64_t end_pfn;                /* first pfn past the mapped region */
};
int xkg__pv_layout(uint64_t virt_base, uint64_t kstart, uint64_t kend, uint64_t rd_size,
                  uint64_t nr_pages, struct xkg__pv_layout *L, char *err, size_t errlen);

/* ---- ACPI tables for PVH (acpi.c, pure) ---- */
/* Bytes the tables take for nr_vcpus (less than two pages up to 128). */
size_t xkg__acpi_size(unsigned nr_vcpus);
/* Write them into buf[0..len), which the guest sees at physical base
 * (16-byte aligned, below 4 GiB), every vcpu enabled. The RSDP is at base
 * (*rsdp_paddr). */
int xkg__acpi_build(uint8_t *buf, size_t len, uint64_t base, unsigned nr_vcpus,
                   uint64_t *rsdp_paddr, char *err, size_t errlen);

/* ---- HVM layout (hvm_layout.c, pure) ---- */
#define XKG_HVM_MMIO_HOLE_DEFAULT (256ull << 20)  /* 0xf0000000 .. 4 GiB */
#define XKG_HVM_SPECIAL_END_PFN 0xff000ull        /* libxenguest's special pages */
#define XKG_HVM_NR_SPECIAL 8ull                   /* ... end here, 8 of them */
#define XKG_HVM_NR_IOREQ_PAGES 8ull               /* ioreq server pages below */
#define XKG_HVM_VGA_START_PFN 0xa0ull             /* not populated: QEMU's VGA */
#define XKG_HVM_VGA_END_PFN 0xc0ull
#define XKG_HVM_INFO_PADDR 0x9f800ull             /* HVM_INFO_PFN, HVM_INFO_OFFSET */
/* the special pages by index (libxenguest's order) */
enum { XKG_HVM_SP_PAGING, XKG_HVM_SP_ACCESS, XKG_HVM_SP_SHARING, XKG_HVM_SP_BUFIOREQ,
       XKG_HVM_SP_XENSTORE, XKG_HVM_SP_IOREQ, XKG_HVM_SP_IDENT_PT, XKG_HVM_SP_CONSOLE };
struct xkg__hvm_layout {
    uint64_t mmio_start;   /* bytes: start of the MMIO hole below 4 GiB */
    uint64_t low_end;      /* bytes: RAM [0, low_end) but the VGA window */
    uint64_t high_end;     /* bytes: RAM [4 GiB, high_end); 0 = none */
    uint64_t special_pfn;  /* first of the 8 special pages */
    uint64_t ioreq_pfn;    /* first of the 8 ioreq server pages */
};
/* mem_kb of RAM with an MMIO hole of mmio_hole_kb (0: 256 MiB). */
int xkg__hvm_layout(uint64_t mem_kb, uint64_t mmio_hole_kb, struct xkg__hvm_layout *L,
                   char *err, size_t errlen);
/* hvm_info_table (hvmloader's input) into table[0..len): nr_vcpus, the
 * first `online` of them online, the memory ends of L, checksummed. */
int xkg__hvm_info(uint8_t *table, size_t len, const struct xkg__hvm_layout *L, unsigned nr_vcpus,
                 unsigned online, char *err, size_t errlen);

/* ---- builders ---- */
struct xkg__ctx;
int xkg__build_pv(xkc_handle *h, uint32_t domid, const struct xkg_build_cfg *cfg,
                 struct xkg_build_result *out, char *err, size_t errlen);
int xkg__build_pvh(xkc_handle *h, uint32_t domid, const struct xkg_build_cfg *cfg,
                  struct xkg_build_result *out, char *err, size_t errlen);
int xkg__build_hvm(xkc_handle *h, uint32_t domid, const struct xkg_build_cfg *cfg,
                  struct xkg_build_result *out, char *err, size_t errlen);

#endif
