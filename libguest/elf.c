/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ELF32/ELF64 little-endian x86 kernels: PT_LOAD segments, then Xen notes
 * from PT_NOTE segments, else from SHT_NOTE sections, else the legacy
 * "__xen_guest" section. Every offset and size read from the file is
 * checked against the file size before use (hostile input must not crash).
 */
#include "private.h"
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* header fields normalised from either class */
struct ehdr {
    uint64_t entry, phoff, shoff;
    unsigned phentsize, phnum, shentsize, shnum, shstrndx;
};

static uint64_t rd(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static bool span_ok(uint64_t off, uint64_t len, size_t n)
{
    return off <= n && len <= n - off;
}

static int bad(const char *name, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad(const char *name, char *err, size_t errlen, const char *fmt, ...)
{
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    errno = ENOEXEC;
    xkg__err(err, errlen, "%s: invalid ELF kernel: %s", name, what);
    return -1;
}

/* Program header i as 64-bit values. */
static void phdr(const uint8_t *p, bool is64, uint64_t off, uint32_t *type, uint64_t *offset,
                 uint64_t *vaddr, uint64_t *paddr, uint64_t *filesz, uint64_t *memsz)
{
    const uint8_t *h = p + off;
    *type = (uint32_t)rd(h, 4);
    if (is64) {
        *offset = rd(h + 8, 8);
        *vaddr = rd(h + 16, 8);
        *paddr = rd(h + 24, 8);
        *filesz = rd(h + 32, 8);
        *memsz = rd(h + 40, 8);
    } else {
        *offset = rd(h + 4, 4);
        *vaddr = rd(h + 8, 4);
        *paddr = rd(h + 12, 4);
        *filesz = rd(h + 16, 4);
        *memsz = rd(h + 20, 4);
    }
}

static void shdr(const uint8_t *p, bool is64, uint64_t off, uint32_t *name, uint32_t *type,
                 uint64_t *offset, uint64_t *size)
{
    const uint8_t *h = p + off;
    *name = (uint32_t)rd(h, 4);
    *type = (uint32_t)rd(h + 4, 4);
    if (is64) {
        *offset = rd(h + 24, 8);
        *size = rd(h + 32, 8);
    } else {
        *offset = rd(h + 16, 4);
        *size = rd(h + 20, 4);
    }
}

/* Notes from sections, used when no PT_NOTE segment carried Xen notes. */
static void section_notes(const uint8_t *p, size_t n, bool is64, const struct ehdr *e,
                          struct xkg_xen_notes *x)
{
    unsigned need = is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
    if (!e->shoff || !e->shnum || e->shentsize < need ||
        !span_ok(e->shoff, (uint64_t)e->shnum * e->shentsize, n))
        return;
    /* section name string table, for __xen_guest */
    uint64_t stroff = 0, strsz = 0;
    if (e->shstrndx < e->shnum) {
        uint32_t nm, ty;
        shdr(p, is64, e->shoff + (uint64_t)e->shstrndx * e->shentsize, &nm, &ty, &stroff, &strsz);
        if (!span_ok(stroff, strsz, n))
            strsz = 0;
    }
    for (unsigned i = 0; i < e->shnum; i++) {
        uint32_t nm, ty;
        uint64_t off, sz;
        shdr(p, is64, e->shoff + (uint64_t)i * e->shentsize, &nm, &ty, &off, &sz);
        if (!span_ok(off, sz, n))
            continue;
        if (ty == SHT_NOTE)
            xkg__notes_parse(p + off, (size_t)sz, x);
        else if (strsz && nm < strsz && ty == SHT_PROGBITS &&
                 strsz - nm >= sizeof("__xen_guest") &&
                 !memcmp(p + stroff + nm, "__xen_guest", sizeof("__xen_guest")) && !x->found)
            xkg__guest_string_parse((const char *)p + off, (size_t)sz, x);
    }
}

int xkg__elf_need(const uint8_t *p, size_t avail, uint64_t *need)
{
    /* header first */
    if (avail < EI_NIDENT) {
        *need = EI_NIDENT;
        return 0;
    }
    bool is64 = p[EI_CLASS] == ELFCLASS64;
    unsigned ehsz = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    if (avail < ehsz) {
        *need = ehsz;
        return 0;
    }
    uint64_t phoff = is64 ? rd(p + 32, 8) : rd(p + 28, 4);
    unsigned phentsize = (unsigned)rd(p + (is64 ? 54 : 42), 2);
    unsigned phnum = (unsigned)rd(p + (is64 ? 56 : 44), 2);
    unsigned phsz = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    if (phentsize < phsz || phoff > UINT32_MAX)
        return -1;
    uint64_t end = phoff + (uint64_t)phnum * phentsize;
    if (avail < end) {
        *need = end;
        return 0;
    }
    /* then every PT_NOTE segment */
    for (unsigned i = 0; i < phnum; i++) {
        uint32_t type;
        uint64_t off, va, pa, fsz, msz;
        phdr(p, is64, phoff + (uint64_t)i * phentsize, &type, &off, &va, &pa, &fsz, &msz);
        if (type == PT_NOTE && off + fsz >= off && off + fsz > end)
            end = off + fsz;
    }
    *need = end;
    return 0;
}

int xkg__elf_parse(const uint8_t *p, size_t n, uint64_t total, struct xkg_image_info *info,
                  struct xkg__elf *elf, const char *name, char *err, size_t errlen)
{
    if (n < EI_NIDENT || memcmp(p, ELFMAG, SELFMAG) != 0)
        return bad(name, err, errlen, "no ELF magic (not a kernel image xkit knows)");
    bool is64 = p[EI_CLASS] == ELFCLASS64;
    if (p[EI_CLASS] != ELFCLASS32 && !is64)
        return bad(name, err, errlen, "unknown ELF class %u", p[EI_CLASS]);
    if (p[EI_DATA] != ELFDATA2LSB)
        return bad(name, err, errlen, "big-endian ELF (data encoding %u): not an x86 kernel",
                   p[EI_DATA]);
    unsigned ehsz = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    if (n < ehsz)
        return bad(name, err, errlen, "file too short for an ELF header (%zu bytes)", n);
    struct ehdr e;
    uint16_t machine = (uint16_t)rd(p + 18, 2);
    if (is64) {
        e.entry = rd(p + 24, 8);
        e.phoff = rd(p + 32, 8);
        e.shoff = rd(p + 40, 8);
        e.phentsize = (unsigned)rd(p + 54, 2);
        e.phnum = (unsigned)rd(p + 56, 2);
        e.shentsize = (unsigned)rd(p + 58, 2);
        e.shnum = (unsigned)rd(p + 60, 2);
        e.shstrndx = (unsigned)rd(p + 62, 2);
    } else {
        e.entry = rd(p + 24, 4);
        e.phoff = rd(p + 28, 4);
        e.shoff = rd(p + 32, 4);
        e.phentsize = (unsigned)rd(p + 42, 2);
        e.phnum = (unsigned)rd(p + 44, 2);
        e.shentsize = (unsigned)rd(p + 46, 2);
        e.shnum = (unsigned)rd(p + 48, 2);
        e.shstrndx = (unsigned)rd(p + 50, 2);
    }
    if (machine != EM_X86_64 && machine != EM_386)
        return bad(name, err, errlen, "machine %u is not x86 (EM_386 or EM_X86_64)", machine);
    unsigned phsz = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    if (e.phnum == 0)
        return bad(name, err, errlen, "no program headers");
    if (e.phentsize < phsz)
        return bad(name, err, errlen, "program header size %u too small", e.phentsize);
    if (!span_ok(e.phoff, (uint64_t)e.phnum * e.phentsize, n))
        return bad(name, err, errlen, "program headers at offset %llu lie outside the file",
                   (unsigned long long)e.phoff);

    memset(info, 0, sizeof(*info));
    memset(elf, 0, sizeof(*elf));
    info->elf_class = is64 ? 64 : 32;
    info->machine = machine;
    info->elf_entry = e.entry;
    info->elf_size = total == n ? n : 0;
    info->pstart = info->vstart = UINT64_MAX;

    for (unsigned i = 0; i < e.phnum; i++) {
        uint32_t type;
        uint64_t off, va, pa, fsz, msz;
        phdr(p, is64, e.phoff + (uint64_t)i * e.phentsize, &type, &off, &va, &pa, &fsz, &msz);
        if (type == PT_NOTE) {
            if (span_ok(off, fsz, n))
                xkg__notes_parse(p + off, (size_t)fsz, &info->xen);
            continue;
        }
        if (type != PT_LOAD || msz == 0)
            continue;
        if (off > total || fsz > total - off)
            return bad(name, err, errlen, "segment %u's data lies outside the %s "
                       "(truncated image?)", i, total == n ? "file" : "size cap");
        if (fsz > msz)
            return bad(name, err, errlen, "segment %u has file size > memory size", i);
        if (pa + msz < pa || va + msz < va)
            return bad(name, err, errlen, "segment %u wraps around the address space", i);
        if (elf->nr_segs == XKG_MAX_SEGMENTS)
            return bad(name, err, errlen, "more than %d loadable segments", XKG_MAX_SEGMENTS);
        struct xkg_segment *s = &elf->segs[elf->nr_segs++];
        s->paddr = pa;
        s->vaddr = va;
        s->filesz = fsz;
        s->memsz = msz;
        s->offset = off;
        s->data = span_ok(off, fsz, n) ? p + off : NULL; /* NULL: beyond a lazy prefix */
        if (pa < info->pstart)
            info->pstart = pa;
        if (pa + msz > info->pend)
            info->pend = pa + msz;
        if (va < info->vstart)
            info->vstart = va;
        if (va + msz > info->vend)
            info->vend = va + msz;
    }
    if (elf->nr_segs == 0)
        return bad(name, err, errlen, "no loadable (PT_LOAD) segment");
    /* overlapping segments would load over each other */
    for (unsigned i = 0; i < elf->nr_segs; i++)
        for (unsigned j = i + 1; j < elf->nr_segs; j++) {
            const struct xkg_segment *a = &elf->segs[i], *b = &elf->segs[j];
            if (a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz)
                return bad(name, err, errlen, "loadable segments overlap at physical "
                           "address %#llx", (unsigned long long)b->paddr);
        }
    info->nr_segments = elf->nr_segs;
    if (!info->xen.found)
        section_notes(p, n, is64, &e, &info->xen);
    return 0;
}
