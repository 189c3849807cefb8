/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test fixture generator for libguest's unit tests (build-time only):
 *   guest_mkimage elf KIND OUT      small kernel ELF files with Xen notes
 *   guest_mkimage bzimage IN OUT    wrap a (compressed) payload the way an
 *                                   x86 bzImage does, with Linux's appended
 *                                   4-byte size after the payload
 * KINDs: pv64 (PT_NOTE), early64 (PT_NOTE before the segments), pvh64 (notes only in a SHT_NOTE section), pv32,
 * plain64 (no Xen notes), legacy64 (__xen_guest section).
 * Segment bytes follow a fixed pattern (seg_byte) the tests check.
 */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/elfnote.h>

#define TEXT_OFF 0x1000u
#define TEXT_SZ 0x2000u
#define DATA_OFF 0x3000u
#define DATA_FSZ 0x800u
#define DATA_MSZ 0x3000u
#define NOTE_OFF 0x3800u
#define PADDR 0x200000u

static unsigned char file[0x6000];
static size_t note_len;
static size_t note_off = NOTE_OFF;

static unsigned char seg_byte(size_t off)
{
    return (unsigned char)((off * 7 + 3) ^ (off >> 8));
}

static void note(uint32_t type, const void *desc, uint32_t len)
{
    unsigned char *p = file + note_off + note_len;
    uint32_t h[3] = { 4, len, type };
    memcpy(p, h, 12);
    memcpy(p + 12, "Xen", 4);
    memcpy(p + 16, desc, len);
    note_len += 16 + ((len + 3) & ~3u);
}

static void note_str(uint32_t type, const char *s)
{
    note(type, s, (uint32_t)strlen(s) + 1);
}

static void note_num(uint32_t type, uint64_t v, unsigned width)
{
    note(type, &v, width);
}

static int write_file(const char *out, const void *p, size_t n)
{
    FILE *f = fopen(out, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        perror(out);
        return 1;
    }
    return 0;
}

static int make_elf(const char *kind, const char *out)
{
    int is64 = strcmp(kind, "pv32") != 0;
    int with_notes = strcmp(kind, "plain64") && strcmp(kind, "legacy64");
    int in_section = !strcmp(kind, "pvh64") || !strcmp(kind, "legacy64");
    uint64_t vbase = is64 ? 0xffffffff80000000ull : 0xc0000000ull;
    if (!strcmp(kind, "early64"))
        note_off = 0x200; /* right after the program headers, before the segments */
    unsigned w = is64 ? 8 : 4;

    for (size_t i = TEXT_OFF; i < DATA_OFF + DATA_FSZ; i++)
        file[i] = seg_byte(i);
    if (with_notes) {
        note_str(XEN_ELFNOTE_GUEST_OS, "linux");
        note_str(XEN_ELFNOTE_GUEST_VERSION, "2.6");
        note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
        note_str(XEN_ELFNOTE_LOADER, "generic");
        note_num(XEN_ELFNOTE_VIRT_BASE, vbase, w);
        note_num(XEN_ELFNOTE_PADDR_OFFSET, 0, w);
        note_num(XEN_ELFNOTE_ENTRY, vbase + PADDR + 0x10, w);
        note_num(XEN_ELFNOTE_HYPERCALL_PAGE, vbase + PADDR + 0x1000, w);
        note_num(XEN_ELFNOTE_INIT_P2M, 0x8000000000ull, w);
        note_str(XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb|no_such_feature");
        note_num(XEN_ELFNOTE_SUPPORTED_FEATURES, 1u << 8, 4);
        note_str(XEN_ELFNOTE_PAE_MODE, "yes");
        note_num(XEN_ELFNOTE_SUSPEND_CANCEL, 1, 4);
        note_num(XEN_ELFNOTE_MOD_START_PFN, 1, 4);
        note_str(XEN_ELFNOTE_BSD_SYMTAB, "yes");
        uint64_t l1[2] = { 0xfff0000000000001ull, 1 };
        note(XEN_ELFNOTE_L1_MFN_VALID, l1, 16);
        if (strcmp(kind, "pv64"))
            note_num(XEN_ELFNOTE_PHYS32_ENTRY, PADDR + 0x20, 4);
        /* a foreign note the parser must skip */
        uint32_t h[3] = { 4, 4, 1 };
        memcpy(file + note_off + note_len, h, 12);
        memcpy(file + note_off + note_len + 12, "GNU\0abcd", 8);
        note_len += 20;
    }
    size_t shoff = 0x5000, size = 0x5400;
    const char strtab[] = "\0.note.Xen\0__xen_guest\0.shstrtab";
    const char legacy[] = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xffffffff80000000,"
                          "ELF_PADDR_OFFSET=0,HYPERCALL_PAGE=0x201,LOADER=generic";
    if (!strcmp(kind, "legacy64")) {
        memcpy(file + note_off, legacy, sizeof(legacy));
        note_len = sizeof(legacy);
    }
    memcpy(file + 0x4f00, strtab, sizeof(strtab));

    if (is64) {
        Elf64_Ehdr *e = (Elf64_Ehdr *)file;
        memcpy(e->e_ident, ELFMAG, SELFMAG);
        e->e_ident[EI_CLASS] = ELFCLASS64;
        e->e_ident[EI_DATA] = ELFDATA2LSB;
        e->e_ident[EI_VERSION] = EV_CURRENT;
        e->e_type = ET_EXEC;
        e->e_machine = EM_X86_64;
        e->e_version = EV_CURRENT;
        e->e_entry = vbase + PADDR + 0x10;
        e->e_phoff = sizeof(*e);
        e->e_ehsize = sizeof(*e);
        e->e_phentsize = sizeof(Elf64_Phdr);
        e->e_phnum = in_section ? 2 : 3;
        Elf64_Phdr *ph = (Elf64_Phdr *)(file + sizeof(*e));
        ph[0] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_X, TEXT_OFF, vbase + PADDR, PADDR, TEXT_SZ,
                              TEXT_SZ, 0x1000 };
        ph[1] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_W, DATA_OFF, vbase + PADDR + TEXT_SZ,
                              PADDR + TEXT_SZ, DATA_FSZ, DATA_MSZ, 0x1000 };
        if (!in_section)
            ph[2] = (Elf64_Phdr){ PT_NOTE, PF_R, note_off, 0, 0, note_len, note_len, 4 };
        e->e_shoff = shoff;
        e->e_shentsize = sizeof(Elf64_Shdr);
        e->e_shnum = 3;
        e->e_shstrndx = 2;
        Elf64_Shdr *sh = (Elf64_Shdr *)(file + shoff);
        if (in_section) {
            if (!strcmp(kind, "legacy64"))
                sh[1] = (Elf64_Shdr){ 11, SHT_PROGBITS, 0, 0, note_off, note_len, 0, 0, 1, 0 };
            else
                sh[1] = (Elf64_Shdr){ 1, SHT_NOTE, 0, 0, note_off, note_len, 0, 0, 4, 0 };
        }
        sh[2] = (Elf64_Shdr){ 23, SHT_STRTAB, 0, 0, 0x4f00, sizeof(strtab), 0, 0, 1, 0 };
    } else {
        Elf32_Ehdr *e = (Elf32_Ehdr *)file;
        memcpy(e->e_ident, ELFMAG, SELFMAG);
        e->e_ident[EI_CLASS] = ELFCLASS32;
        e->e_ident[EI_DATA] = ELFDATA2LSB;
        e->e_ident[EI_VERSION] = EV_CURRENT;
        e->e_type = ET_EXEC;
        e->e_machine = EM_386;
        e->e_version = EV_CURRENT;
        e->e_entry = (uint32_t)(vbase + PADDR + 0x10);
        e->e_phoff = sizeof(*e);
        e->e_ehsize = sizeof(*e);
        e->e_phentsize = sizeof(Elf32_Phdr);
        e->e_phnum = 3;
        Elf32_Phdr *ph = (Elf32_Phdr *)(file + sizeof(*e));
        ph[0] = (Elf32_Phdr){ PT_LOAD, TEXT_OFF, (uint32_t)(vbase + PADDR), PADDR, TEXT_SZ,
                              TEXT_SZ, PF_R | PF_X, 0x1000 };
        ph[1] = (Elf32_Phdr){ PT_LOAD, DATA_OFF, (uint32_t)(vbase + PADDR + TEXT_SZ),
                              PADDR + TEXT_SZ, DATA_FSZ, DATA_MSZ, PF_R | PF_W, 0x1000 };
        ph[2] = (Elf32_Phdr){ PT_NOTE, (uint32_t)note_off, 0, 0, (uint32_t)note_len, (uint32_t)note_len,
                              PF_R, 4 };
    }
    return write_file(out, file, size);
}

static int make_bzimage(const char *in, const char *out)
{
    FILE *f = fopen(in, "rb");
    if (!f) {
        perror(in);
        return 1;
    }
    static unsigned char buf[64 << 20];
    size_t setup = 2 * 512 + 0x200; /* setup_sects = 1, payload 0x200 into the pm code */
    size_t n = fread(buf + setup, 1, sizeof(buf) - setup - 4, f);
    fclose(f);
    buf[0x1f1] = 1;
    buf[0x1fe] = 0x55;
    buf[0x1ff] = 0xaa;
    memcpy(buf + 0x202, "HdrS", 4);
    buf[0x206] = 0x0f; /* protocol 2.15 */
    buf[0x207] = 0x02;
    uint32_t off = 0x200, len = (uint32_t)n, isize = 0x5400;
    memcpy(buf + 0x248, &off, 4);
    memcpy(buf + 0x24c, &len, 4);
    memcpy(buf + setup + n, &isize, 4); /* Linux's size_append */
    return write_file(out, buf, setup + n + 4);
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "elf"))
        return make_elf(argv[2], argv[3]);
    if (argc == 4 && !strcmp(argv[1], "bzimage"))
        return make_bzimage(argv[2], argv[3]);
    fprintf(stderr, "usage: %s elf pv64|pvh64|pv32|plain64|legacy64 OUT | bzimage IN OUT\n",
            argv[0]);
    return 2;
}
