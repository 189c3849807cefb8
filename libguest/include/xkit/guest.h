/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxkguest: the xkit guest image builder. The only public header of
 * libxkguest.
 *
 * Two halves:
 *  - kernel images (pure, no hypervisor): xkg_image_load() parses an ELF64 /
 *    ELF32 kernel, a bzImage or a compressed ELF (gzip, xz, lzma, zstd,
 *    bzip2, lz4-legacy), reads its Xen ELF notes and xkg_image_check() tells
 *    whether it can boot as PV or PVH on a given hypervisor, with an error a
 *    person can act on.
 *  - builders: xkg_build() turns an image, an optional ramdisk file and a
 *    command line into a ready-to-run guest (memory, start info, page
 *    tables or PVH start state, console/xenstore pages, first vcpu) through
 *    libxkctrl. The domain itself (create, max vcpus, max memory, unpause,
 *    destroy) belongs to the caller.
 *
 * Conventions: functions returning int give 0 on success and -1 with errno
 * set on failure; pointer-returning ones give NULL. Every failing call
 * describes the failure in err (errlen bytes, may be NULL/0), naming the
 * operation, the file or domain, and errno.
 */
#ifndef XKIT_GUEST_H
#define XKIT_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xkit/ctrl.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define XKG_API __attribute__((visibility("default")))
#else
#define XKG_API
#endif

/* Library version string, e.g. "0.1.0". */
XKG_API const char *xkg_version(void);

/* ------------------------------------------------------------------------ */
/* Kernel images                                                            */
/* ------------------------------------------------------------------------ */

typedef struct xkg_image xkg_image;

enum xkg_compression {
    XKG_COMP_NONE = 0,
    XKG_COMP_GZIP,
    XKG_COMP_XZ,
    XKG_COMP_LZMA,
    XKG_COMP_ZSTD,
    XKG_COMP_BZIP2,
    XKG_COMP_LZ4,   /* lz4 legacy frame format (magic 0x184C2102), as Linux uses */
};
/* "none", "gzip", "xz", ... */
XKG_API const char *xkg_compression_name(enum xkg_compression c);

/* Default cap on a decompressed kernel (xkg_image_load's max_size = 0). */
#define XKG_DEFAULT_MAX_KERNEL (512u << 20)

/* Number of 32-bit feature submaps (XENFEAT_NR_SUBMAPS). */
#define XKG_FEAT_WORDS 1

/* What the Xen ELF notes (or the legacy __xen_guest string) say. A has_*
 * flag tells whether the note was present. */
struct xkg_xen_notes {
    bool found;               /* any Xen note / __xen_guest section at all */
    bool legacy_guest_string; /* came from __xen_guest, not ELF notes */
    bool has_entry, has_hypercall_page, has_virt_base, has_paddr_offset;
    bool has_phys32_entry, has_init_p2m, has_hv_start_low;
    uint64_t entry, hypercall_page, virt_base, paddr_offset;
    uint64_t phys32_entry, init_p2m, hv_start_low;
    uint32_t feat_supported[XKG_FEAT_WORDS]; /* FEATURES names + SUPPORTED_FEATURES */
    uint32_t feat_required[XKG_FEAT_WORDS];  /* FEATURES names with '!' */
    bool suspend_cancel, mod_start_pfn, bsd_symtab;
    unsigned nr_l1_mfn_valid;       /* mask/value pairs in L1_MFN_VALID */
    uint64_t l1_mfn_valid[4][2];
    char guest_os[32], guest_version[32], xen_version[32], loader[32];
    char pae_mode[32];              /* "yes", "no", "bimodal", "yes[extended-cr3]" */
    char features[256];             /* FEATURES string as written */
};

struct xkg_image_info {
    bool bzimage;                   /* came wrapped in an x86 bzImage */
    enum xkg_compression compression;
    unsigned elf_class;             /* 32 or 64 */
    uint16_t machine;               /* EM_X86_64, EM_386 */
    uint64_t elf_entry;             /* e_entry */
    uint64_t pstart, pend;          /* physical (paddr) span of PT_LOAD segments */
    uint64_t vstart, vend;          /* virtual span of PT_LOAD segments */
    size_t elf_size;                /* bytes of the (decompressed) ELF; for a lazy
                                       image: up to the end of the last segment */
    size_t file_size;               /* bytes of the file as given */
    unsigned nr_segments;           /* PT_LOAD segments with memsz > 0 */
    struct xkg_xen_notes xen;
};

/* One PT_LOAD segment: data[0..filesz) then zeros up to memsz. data points
 * into the image (valid until xkg_image_free); it is NULL for the parts of
 * a lazily opened image (xkg_image_open) that were not decompressed yet:
 * use xkg_image_read_segments() for those. */
struct xkg_segment {
    uint64_t paddr, vaddr, filesz, memsz;
    uint64_t offset;                /* in the (decompressed) ELF */
    const uint8_t *data;
};

/*
 * Load a kernel from a file. Uncompressed ELF files are mapped, not read;
 * compressed ones are decompressed once, as a stream, into one buffer of at
 * most max_size bytes (0 = XKG_DEFAULT_MAX_KERNEL) from which the builder
 * copies segments straight into guest memory. bzImages are unwrapped.
 */
XKG_API xkg_image *xkg_image_load(const char *path, size_t max_size, char *err, size_t errlen);
/* Same from memory. The image borrows buf (which must outlive it) when it
 * is an uncompressed ELF. name labels error messages. */
XKG_API xkg_image *xkg_image_load_mem(const void *buf, size_t len, size_t max_size,
                                      const char *name, char *err, size_t errlen);
/*
 * Open a kernel lazily: like xkg_image_load, but a compressed kernel is
 * decompressed only as far as its ELF headers and PT_NOTE notes; segment
 * bytes beyond that are decoded later, once, straight into their
 * destination (guest memory, for xkg_build) by xkg_image_read_segments.
 * Uncompressed ELFs are mapped as with xkg_image_load. Falls back to a whole
 * decompression when the notes are only in section headers.
 */
XKG_API xkg_image *xkg_image_open(const char *path, size_t max_size, char *err, size_t errlen);
XKG_API xkg_image *xkg_image_open_mem(const void *buf, size_t len, size_t max_size,
                                      const char *name, char *err, size_t errlen);
XKG_API void xkg_image_free(xkg_image *img);

/* Where segment s's filesz bytes go (NULL: stop, with errno set). */
typedef uint8_t *xkg_segment_dest_fn(void *arg, const struct xkg_segment *s);
/* Deliver every segment's file bytes, in file order, to dest(arg, s): from
 * the image when at hand, else decoded straight into the destination. Works
 * any number of times (a lazy image decodes again from the start). Not
 * thread-safe for one image. */
XKG_API int xkg_image_read_segments(const xkg_image *img, xkg_segment_dest_fn *dest, void *arg,
                                    char *err, size_t errlen);
XKG_API const struct xkg_image_info *xkg_image_info(const xkg_image *img);
/* Segment i (0 <= i < nr_segments), or NULL. */
XKG_API const struct xkg_segment *xkg_image_segment(const xkg_image *img, unsigned i);

enum xkg_type {
    XKG_TYPE_PV = 0,   /* x86_64 PV */
    XKG_TYPE_PVH,
    XKG_TYPE_HVM,      /* firmware (hvmloader) started as HVM, for QEMU to serve */
};
XKG_API const char *xkg_type_name(enum xkg_type t);

/*
 * Can img boot as type on a hypervisor whose XENVER_capabilities string is
 * caps (e.g. "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_64"; NULL = don't
 * check the hypervisor)? 0 if yes, else -1 (errno ENOEXEC or EOPNOTSUPP)
 * with the reason and what to do about it in err.
 */
XKG_API int xkg_image_check(const xkg_image *img, enum xkg_type type, const char *caps,
                            char *err, size_t errlen);

/* ------------------------------------------------------------------------ */
/* Builder                                                                  */
/* ------------------------------------------------------------------------ */

struct xkg_build_cfg {
    enum xkg_type type;
    const xkg_image *kernel;        /* required (HVM: the firmware, hvmloader) */
    const char *ramdisk_path;       /* NULL or "": none. HVM: the blob the
                                     * firmware hands on (SeaBIOS, OVMF), its
                                     * start info module "firmware" */
    const char *cmdline;            /* NULL: "" (at most 1023 bytes) */
    uint64_t mem_kb;                /* guest RAM; caller set max memory >= this */
    unsigned nr_vcpus;              /* vcpus the caller gave the domain (>= 1) */
    uint32_t console_domid;         /* backend domains (0 = dom0) */
    uint32_t xenstore_domid;
    bool no_superpages;             /* populate with 4 KiB pages only */
    uint64_t paging_pool_kb;        /* PVH: HAP pool (xl.cfg shadow_memory);
                                     * 0: xkg_paging_pool_bytes() */
    const char *xen_caps;           /* XENVER_capabilities if the caller has it
                                     * already; NULL: xkg_build() reads it */
    unsigned online_vcpus;          /* HVM: vcpus online at boot in hvm_info
                                     * (the first ones; 0: all) */
    uint64_t mmio_hole_kb;          /* HVM: MMIO hole below 4 GiB (0: 256 MiB) */
    bool no_acpi;                   /* PVH: no ACPI tables (xl.cfg acpi=0); the
                                     * guest then finds one vcpu only. With
                                     * them it finds all nr_vcpus and offlines
                                     * those xenstore marks offline. */
};
/* Defaults: PV, 1 vcpu, backends in dom0. */
XKG_API void xkg_build_cfg_init(struct xkg_build_cfg *cfg, enum xkg_type type);

struct xkg_build_result {
    /* Frames to announce in xenstore / XS_INTRODUCE: MFNs for PV, GFNs for
     * PVH. Ports are in the guest, unbound, for the backend domain. */
    uint64_t console_gfn, xenstore_gfn;
    uint32_t console_port, xenstore_port;
    uint64_t nr_pages;              /* RAM pages given to the guest */
    uint64_t entry;                 /* first instruction (virt for PV, phys for PVH) */
    uint64_t start_info;            /* start_info vaddr (PV) / paddr (PVH) */
    uint64_t superpages;            /* 2 MiB extents populated */
    uint64_t ramdisk_bytes;
    double seconds;                 /* wall time of the build */
};

/*
 * Build domid (created by the caller, with max vcpus and max memory set,
 * paused, no memory yet) from cfg. On failure the memory populated so far is
 * released again and every mapping/buffer/file is closed; event channel
 * ports already allocated stay with the domain (the caller destroys it).
 */
XKG_API int xkg_build(xkc_handle *h, uint32_t domid, const struct xkg_build_cfg *cfg,
                      struct xkg_build_result *out, char *err, size_t errlen);

/* Paging (HAP) pool size libxl uses for a PVH/HVM guest: 4 KiB * (256 per
 * vcpu + 2 per MiB of RAM), rounded up to a MiB. */
XKG_API uint64_t xkg_paging_pool_bytes(uint64_t mem_kb, unsigned nr_vcpus);

/* ------------------------------------------------------------------------ */
/* Core dumps                                                               */
/* ------------------------------------------------------------------------ */

struct xkg_core_stats {
    uint64_t pages;   /* guest pages found and written */
    uint64_t vcpus;   /* vcpu contexts written */
    uint64_t bytes;   /* size of the file */
};
/*
 * Write domain domid's memory and vcpu contexts to fd (a regular file,
 * written at offsets from 0) in Xen's dump-core format (ELF, sections
 * .note.Xen, .xen_prstatus, .xen_shared_info, .xen_pages, .xen_p2m or
 * .xen_pfn), the file Xen's xl dump-core writes. The domain is not paused:
 * pause it first for a consistent image. A PV guest's pages are found
 * through the p2m its kernel publishes in its shared info (ENODATA when it
 * published none); PVH and HVM guests' by gfn. st may be NULL.
 */
XKG_API int xkg_core_dump(xkc_handle *h, uint32_t domid, int fd, struct xkg_core_stats *st,
                          char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif /* XKIT_GUEST_H */
