/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A domain's memory and vcpus as an ELF core in Xen's dump-core format
 * (Xen's docs/misc/dump-core-format.txt), the file Xen's `xl dump-core`
 * writes and crash(8) reads. The file, in order:
 *
 *   ELF header (ELFCLASS64, ET_CORE, no program headers)
 *   section headers: null, .shstrtab, .note.Xen, .xen_prstatus,
 *                    [.xen_shared_info], .xen_pages, .xen_p2m | .xen_pfn
 *   .note.Xen        notes NONE, HEADER, XEN_VERSION, FORMAT_VERSION
 *   .xen_prstatus    one vcpu_guest_context per vcpu Xen gives one for
 *   .xen_shared_info the shared info page (PV; PVH/HVM when mappable)
 *   (zeros to the next page)
 *   .xen_pages       the pages, page-aligned, as many as tot_pages
 *   .xen_p2m         PV: {pfn, mfn} per page, from the p2m the guest
 *                    publishes in shared_info (the 3-level frame list)
 *   .xen_pfn         PVH/HVM: the gfn of each page: every gfn from 0 to
 *                    the highest that maps (Xen's own writer skips the
 *                    VGA and the below-4G MMIO holes without trying, so
 *                    it loses a PVH guest's RAM at 640K and its special
 *                    pages below 4G, and writes zero pages instead)
 *   .shstrtab
 *
 * Every size is known before the first page is read (the page count is
 * the domain's tot_pages at the start: fewer pages found are zero pages
 * with entries of all ones, more are left out), so each part is written
 * at its own offset.
 */
#include "private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/elfnote.h>

#define PAGE XKG_PAGE_SIZE
#define CTX_SIZE 5168u   /* vcpu_guest_context_x86_64: Xen's entry size */
#define NOTE_XEN_VERSION_SIZE 1280u
#define BATCH 1024u

_Static_assert(sizeof(vcpu_guest_context_t) == CTX_SIZE, "x86_64 vcpu context");

/* Xen's values (dump-core-format.txt) */
#define CORE_MAGIC_PV 0xF00FEBEDull
#define CORE_MAGIC_HVM 0xF00FEBEEull
#define CORE_FORMAT_VERSION 1ull   /* 0.1 */

enum { SH_NULL, SH_STRTAB, SH_NOTE, SH_PRSTATUS, SH_SHINFO, SH_PAGES, SH_INDEX, SH_MAX };

struct core {
    xkc_handle *h;
    uint32_t domid;
    int fd;
    char *err;
    size_t errlen;
    bool hvm;
    unsigned width;            /* the guest's word: 8, or 4 for 32-bit PV */
    uint64_t nr_pages;         /* pages in the file */
    uint64_t done;             /* pages written so far */
    off_t pages_off, index_off;
    uint64_t max_mfn;
    uint8_t *index;            /* nr_pages entries of 16 (PV) or 8 bytes */
};

struct elf64_ehdr {
    unsigned char ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf64_shdr {
    uint32_t name, type;
    uint64_t flags, addr, offset, size;
    uint32_t link, info;
    uint64_t addralign, entsize;
};
_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header");
_Static_assert(sizeof(struct elf64_shdr) == 64, "ELF64 section header");

static int put(struct core *c, const void *buf, size_t len, off_t off, const char *what)
{
    const char *p = buf;
    while (len) {
        ssize_t n = pwrite(c->fd, p, len, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            xkg__err(c->err, c->errlen, "dump-core of domain %u: writing %s: %s", c->domid, what,
                     strerror(errno));
            return -1;
        }
        p += n;
        len -= (size_t)n;
        off += n;
    }
    return 0;
}

/* One page of the core and its entry (pfn, and the mfn for PV). */
static int add_page(struct core *c, const void *data, uint64_t pfn, uint64_t mfn)
{
    if (put(c, data, PAGE, c->pages_off + (off_t)(c->done * PAGE), "the pages") < 0)
        return -1;
    if (c->hvm) {
        memcpy(c->index + c->done * 8, &pfn, 8);
    } else {
        memcpy(c->index + c->done * 16, &pfn, 8);
        memcpy(c->index + c->done * 16 + 8, &mfn, 8);
    }
    c->done++;
    return 0;
}

/* Map and write the frames frames[0..n) (mfns for PV, gfns otherwise)
 * whose pfns are pfns[0..n); frames that do not map are left out. */
static int add_batch(struct core *c, const xen_pfn_t *frames, const uint64_t *pfns, size_t n)
{
    if (!n)
        return 0;
    int *errs = calloc(n, sizeof *errs);
    if (!errs) {
        xkg__err(c->err, c->errlen, "dump-core of domain %u: out of memory", c->domid);
        return -1;
    }
    uint8_t *m = xkc_foreign_map(c->h, c->domid, PROT_READ, frames, errs, n);
    if (!m) {
        /* nothing in this batch maps at all: left out as Xen's does */
        free(errs);
        return 0;
    }
    int r = 0;
    for (size_t i = 0; i < n && r == 0 && c->done < c->nr_pages; i++)
        if (!errs[i])
            r = add_page(c, m + i * PAGE, pfns[i], c->hvm ? pfns[i] : frames[i]);
    xkc_foreign_unmap(c->h, m, n);
    free(errs);
    return r;
}

static int pages_hvm(struct core *c)
{
    xen_pfn_t max;
    if (xkc_maximum_gpfn(c->h, c->domid, &max) < 0) {
        xkg__err(c->err, c->errlen, "dump-core of domain %u: its highest gfn: %s", c->domid,
                 xkc_error(c->h));
        return -1;
    }
    xen_pfn_t frames[BATCH];
    uint64_t pfns[BATCH];
    size_t n = 0;
    for (uint64_t pfn = 0; pfn <= max && c->done < c->nr_pages; pfn++) {
        frames[n] = pfn;
        pfns[n++] = pfn;
        if (n == BATCH) {
            if (add_batch(c, frames, pfns, n) < 0)
                return -1;
            n = 0;
        }
    }
    return add_batch(c, frames, pfns, n);
}

/* Map count frames of the guest read-only; NULL with the error set. */
static void *map_frames(struct core *c, const xen_pfn_t *frames, size_t count, const char *what)
{
    void *m = xkc_foreign_map(c->h, c->domid, PROT_READ, frames, NULL, count);
    if (!m)
        xkg__err(c->err, c->errlen, "dump-core of domain %u: mapping %s: %s", c->domid, what,
                 xkc_error(c->h));
    return m;
}

/* Entry i of a table of guest words. */
static uint64_t word(const struct core *c, const void *table, size_t i)
{
    if (c->width == 8)
        return ((const uint64_t *)table)[i];
    return ((const uint32_t *)table)[i];
}

static bool mfn_valid(const struct core *c, uint64_t mfn)
{
    uint64_t invalid = c->width == 8 ? ~0ull : 0xffffffffull;
    return mfn != invalid && (!c->max_mfn || mfn <= c->max_mfn);
}

/*
 * A PV guest's pages through the p2m it keeps and publishes in its shared
 * info (arch.max_pfn entries; arch.pfn_to_mfn_frame_list_list names a
 * page of mfns of pages of mfns of the p2m's own pages). A guest that
 * publishes none (0, or ~0 for a p2m only in its linear form) cannot be
 * dumped: which of the machine's frames are its pages is known only to it.
 */
static int pages_pv(struct core *c, const shared_info_t *sh)
{
    uint64_t max_pfn = sh->arch.max_pfn, fll_mfn = sh->arch.pfn_to_mfn_frame_list_list;
    if (c->width == 4) {
        /* the compat layout: max_pfn and the list's mfn are 32-bit words */
        const struct compat_arch { uint32_t max_pfn, fll; } *a = (const void *)&sh->arch;
        max_pfn = a->max_pfn;
        fll_mfn = a->fll;
    }
    if (!max_pfn || !fll_mfn || !mfn_valid(c, fll_mfn)) {
        xkg__err(c->err, c->errlen,
                 "dump-core of domain %u: the guest has not published its p2m in its shared "
                 "info (max_pfn %llu, pfn_to_mfn_frame_list_list %#llx): a PV kernel sets them "
                 "up (Linux does) and without them its pages cannot be found",
                 c->domid, (unsigned long long)max_pfn, (unsigned long long)fll_mfn);
        errno = ENODATA;
        return -1;
    }
    size_t fpp = PAGE / c->width;                 /* entries per page */
    size_t p2m_pages = (size_t)((max_pfn + fpp - 1) / fpp);
    size_t fl_pages = (p2m_pages + fpp - 1) / fpp;
    if (fl_pages > fpp) {
        xkg__err(c->err, c->errlen, "dump-core of domain %u: its p2m claims %llu pages, more "
                 "than its 3-level frame list can hold", c->domid, (unsigned long long)max_pfn);
        errno = EINVAL;
        return -1;
    }
    xen_pfn_t f = fll_mfn;
    int r = -1;
    xen_pfn_t *frames = calloc(p2m_pages > BATCH ? p2m_pages : BATCH, sizeof *frames);
    uint64_t *pfns = calloc(BATCH, sizeof *pfns);
    void *fll = NULL, *fl = NULL, *p2m = NULL;
    if (!frames || !pfns) {
        xkg__err(c->err, c->errlen, "dump-core of domain %u: out of memory", c->domid);
        goto out;
    }
    if (!(fll = map_frames(c, &f, 1, "its p2m frame list list")))
        goto out;
    for (size_t i = 0; i < fl_pages; i++) {
        frames[i] = word(c, fll, i);
        if (!mfn_valid(c, frames[i])) {
            xkg__err(c->err, c->errlen, "dump-core of domain %u: its p2m frame list list has "
                     "no valid frame at entry %zu", c->domid, i);
            errno = EINVAL;
            goto out;
        }
    }
    if (!(fl = map_frames(c, frames, fl_pages, "its p2m frame lists")))
        goto out;
    for (size_t i = 0; i < p2m_pages; i++) {
        frames[i] = word(c, fl, i);
        if (!mfn_valid(c, frames[i])) {
            xkg__err(c->err, c->errlen, "dump-core of domain %u: its p2m frame list has no "
                     "valid frame at entry %zu", c->domid, i);
            errno = EINVAL;
            goto out;
        }
    }
    if (!(p2m = map_frames(c, frames, p2m_pages, "its p2m")))
        goto out;
    size_t n = 0;
    for (uint64_t pfn = 0; pfn < max_pfn && c->done < c->nr_pages; pfn++) {
        uint64_t mfn = word(c, p2m, (size_t)pfn);
        if (!mfn_valid(c, mfn))
            continue;
        frames[n] = mfn;
        pfns[n++] = pfn;
        if (n == BATCH) {
            if (add_batch(c, frames, pfns, n) < 0)
                goto out;
            n = 0;
        }
    }
    r = add_batch(c, frames, pfns, n);
out:
    if (p2m)
        xkc_foreign_unmap(c->h, p2m, p2m_pages);
    if (fl)
        xkc_foreign_unmap(c->h, fl, fl_pages);
    if (fll)
        xkc_foreign_unmap(c->h, fll, 1);
    free(frames);
    free(pfns);
    return r;
}

/* One note: "Xen" (namesz 4, no padding needed), then desc. */
static size_t note(uint8_t *at, uint32_t type, const void *desc, uint32_t descsz)
{
    uint32_t hdr[3] = { 4, descsz, type };
    memcpy(at, hdr, sizeof hdr);
    memcpy(at + 12, "Xen", 4);
    if (descsz)
        memcpy(at + 16, desc, descsz);
    return 16 + descsz;
}

/* The XEN_VERSION note's desc: version, extra, compile info, capabilities,
 * changeset, platform parameters, page size (zeros where Xen says nothing). */
static void xen_version_desc(struct core *c, uint8_t d[NOTE_XEN_VERSION_SIZE])
{
    struct xkc_xen_version *v = calloc(1, sizeof *v);
    memset(d, 0, NOTE_XEN_VERSION_SIZE);
    if (!v || xkc_xen_version(c->h, v) < 0) {
        free(v);
        return;
    }
    uint64_t major = v->major, minor = v->minor, page = v->pagesize;
    memcpy(d + 0, &major, 8);
    memcpy(d + 8, &minor, 8);
    memcpy(d + 16, v->extra, 16);
    memcpy(d + 32, v->compiler, 64);
    memcpy(d + 96, v->compile_by, 16);
    memcpy(d + 112, v->compile_domain, 32);
    memcpy(d + 144, v->compile_date, 32);
    memcpy(d + 176, v->capabilities, 1024);
    memcpy(d + 1200, v->changeset, 64);
    memcpy(d + 1264, &v->virt_start, 8);
    /* a 32-bit PV guest's layout has the page size one word earlier */
    memcpy(d + (c->width == 4 ? 1268 : 1272), &page, 8);
    free(v);
}

static const char *const sec_names[SH_MAX] = {
    [SH_STRTAB] = ".shstrtab", [SH_NOTE] = ".note.Xen", [SH_PRSTATUS] = ".xen_prstatus",
    [SH_SHINFO] = ".xen_shared_info", [SH_PAGES] = ".xen_pages",
};

int xkg_core_dump(xkc_handle *h, uint32_t domid, int fd, struct xkg_core_stats *st, char *err,
                  size_t errlen)
{
    struct core c = { .h = h, .domid = domid, .fd = fd, .err = err, .errlen = errlen };
    struct xkc_dominfo di;
    vcpu_guest_context_t *ctx = NULL;
    void *shinfo = NULL;
    int r = -1;
    if (xkc_domain_info(h, domid, &di) < 0) {
        xkg__err(err, errlen, "dump-core of domain %u: %s", domid, xkc_error(h));
        return -1;
    }
    c.hvm = di.hvm;
    c.width = 8;
    if (!c.hvm) {
        unsigned bits;
        if (xkc_domain_get_address_size(h, domid, &bits) < 0) {
            xkg__err(err, errlen, "dump-core of domain %u: its address size: %s", domid,
                     xkc_error(h));
            return -1;
        }
        c.width = bits == 32 ? 4 : 8;
    }
    struct xkc_physinfo pi;
    if (xkc_physinfo(h, &pi) == 0)
        c.max_mfn = pi.max_mfn;
    c.nr_pages = di.tot_pages;

    /* the vcpus Xen has a context for, packed in id order */
    unsigned nvcpus = 0, maxv = di.max_vcpu_id == UINT32_MAX ? 0 : di.max_vcpu_id + 1;
    ctx = calloc(maxv ? maxv : 1, sizeof *ctx);
    c.index = calloc(c.nr_pages ? c.nr_pages : 1, c.hvm ? 8 : 16);
    if (!ctx || !c.index) {
        xkg__err(err, errlen, "dump-core of domain %u: out of memory", domid);
        goto out;
    }
    for (unsigned v = 0; v < maxv; v++)
        if (xkc_vcpu_get_context(h, domid, v, &ctx[nvcpus]) == 0)
            nvcpus++;
    if (!nvcpus) {
        xkg__err(err, errlen, "dump-core of domain %u: Xen gave no vcpu context: %s", domid,
                 maxv ? xkc_error(h) : "it has no vcpus");
        goto out;
    }
    xen_pfn_t shf = di.shared_info_frame;
    shinfo = xkc_foreign_map(h, domid, PROT_READ, &shf, NULL, 1);
    if (!shinfo && !c.hvm) {
        xkg__err(err, errlen, "dump-core of domain %u: mapping its shared info: %s", domid,
                 xkc_error(h));
        goto out;
    }

    /* the layout */
    unsigned shnum = shinfo ? SH_MAX : SH_MAX - 1;
    int idx[SH_MAX];   /* section -> header slot */
    for (int s = 0, k = 0; s < SH_MAX; s++)
        idx[s] = s == SH_SHINFO && !shinfo ? -1 : k++;
    const char *index_name = c.hvm ? ".xen_pfn" : ".xen_p2m";
    char strtab[96];
    uint32_t name_at[SH_MAX] = { 0 };
    size_t strlen_total = 1;
    strtab[0] = 0;
    for (int s = 1; s < SH_MAX; s++) {
        const char *nm = s == SH_INDEX ? index_name : sec_names[s];
        if (idx[s] < 0)
            continue;
        name_at[s] = (uint32_t)strlen_total;
        memcpy(strtab + strlen_total, nm, strlen(nm) + 1);
        strlen_total += strlen(nm) + 1;
    }
    uint64_t note_size = 16 + 48 + (16 + NOTE_XEN_VERSION_SIZE) + 24;
    uint64_t off_note = 64 + (uint64_t)shnum * 64;
    uint64_t off_prstatus = off_note + note_size;
    uint64_t off_shinfo = off_prstatus + (uint64_t)nvcpus * CTX_SIZE;
    uint64_t end_small = off_shinfo + (shinfo ? PAGE : 0);
    c.pages_off = (off_t)((end_small + PAGE - 1) & ~(PAGE - 1));
    uint64_t entry = c.hvm ? 8 : 16;
    c.index_off = c.pages_off + (off_t)(c.nr_pages * PAGE);
    uint64_t off_strtab = (uint64_t)c.index_off + c.nr_pages * entry;

    struct elf64_ehdr eh = { .type = 4 /* ET_CORE */, .version = 1, .shoff = 64, .ehsize = 64,
                             .phentsize = 56, .shentsize = 64, .shnum = (uint16_t)shnum,
                             .shstrndx = (uint16_t)idx[SH_STRTAB] };
    memcpy(eh.ident, "\x7f" "ELF", 4);
    eh.ident[4] = 2;   /* ELFCLASS64, whatever the guest */
    eh.ident[5] = 1;   /* little endian */
    eh.ident[6] = 1;   /* EV_CURRENT */
    eh.ident[8] = 1;   /* EI_ABIVERSION, as Xen's writer sets it */
    eh.machine = c.width == 8 ? 62 /* EM_X86_64 */ : 3 /* EM_386 */;
    struct elf64_shdr sh[SH_MAX];
    memset(sh, 0, sizeof sh);
    struct { int s; uint32_t type; uint64_t off, size, align, entsize; } rows[] = {
        { SH_STRTAB, 3, off_strtab, strlen_total, 0, 0 },
        { SH_NOTE, 7, off_note, note_size, 0, 0 },
        { SH_PRSTATUS, 1, off_prstatus, (uint64_t)nvcpus * CTX_SIZE, 8, CTX_SIZE },
        { SH_SHINFO, 1, off_shinfo, PAGE, 8, PAGE },
        { SH_PAGES, 1, (uint64_t)c.pages_off, c.nr_pages * PAGE, PAGE, PAGE },
        { SH_INDEX, 1, (uint64_t)c.index_off, c.nr_pages * entry, 8, entry },
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int k = idx[rows[i].s];
        if (k < 0)
            continue;
        sh[k] = (struct elf64_shdr){ .name = name_at[rows[i].s], .type = rows[i].type,
                                     .offset = rows[i].off, .size = rows[i].size,
                                     .addralign = rows[i].align, .entsize = rows[i].entsize };
    }
    /* the section header table lists them in slot order: the pages before
     * the index, as Xen's does */
    uint8_t notes[16 + 48 + 16 + NOTE_XEN_VERSION_SIZE + 24];
    uint8_t vdesc[NOTE_XEN_VERSION_SIZE];
    uint64_t hdr_desc[4] = { c.hvm ? CORE_MAGIC_HVM : CORE_MAGIC_PV, nvcpus, c.nr_pages, PAGE };
    uint64_t fmt = CORE_FORMAT_VERSION;
    xen_version_desc(&c, vdesc);
    size_t np = 0;
    np += note(notes + np, XEN_ELFNOTE_DUMPCORE_NONE, NULL, 0);
    np += note(notes + np, XEN_ELFNOTE_DUMPCORE_HEADER, hdr_desc, sizeof hdr_desc);
    np += note(notes + np, XEN_ELFNOTE_DUMPCORE_XEN_VERSION, vdesc, sizeof vdesc);
    np += note(notes + np, XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION, &fmt, sizeof fmt);

    if (put(&c, &eh, sizeof eh, 0, "the ELF header") < 0 ||
        put(&c, sh, (size_t)shnum * sizeof *sh, 64, "the section headers") < 0 ||
        put(&c, notes, np, (off_t)off_note, "the notes") < 0 ||
        put(&c, ctx, (size_t)nvcpus * CTX_SIZE, (off_t)off_prstatus, "the vcpu contexts") < 0 ||
        (shinfo && put(&c, shinfo, PAGE, (off_t)off_shinfo, "the shared info") < 0))
        goto out;
    if ((c.hvm ? pages_hvm(&c) : pages_pv(&c, shinfo)) < 0)
        goto out;
    /* fewer pages than the domain holds: zero pages, entries all ones */
    static const uint8_t zero[PAGE];
    uint64_t found = c.done;
    while (c.done < c.nr_pages)
        if (add_page(&c, zero, ~0ull, ~0ull) < 0)
            goto out;
    if (put(&c, c.index, (size_t)(c.nr_pages * entry), c.index_off, "the page index") < 0 ||
        put(&c, strtab, strlen_total, (off_t)off_strtab, "the section names") < 0)
        goto out;
    if (st) {
        st->pages = found;
        st->vcpus = nvcpus;
        st->bytes = off_strtab + strlen_total;
    }
    r = 0;
out:
    if (shinfo)
        xkc_foreign_unmap(h, shinfo, 1);
    free(ctx);
    free(c.index);
    return r;
}
