/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Can this kernel boot as PV / PVH here? Each refusal says what is missing
 * and what to do about it.
 */
#include "private.h"
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <xen/features.h>

const char *xkg_type_name(enum xkg_type t)
{
    return t == XKG_TYPE_PV ? "PV" : t == XKG_TYPE_PVH ? "PVH" : t == XKG_TYPE_HVM ? "HVM"
                                                                           : "unknown";
}

static int refuse(int e, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int refuse(int e, char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    errno = e;
    return -1;
}

static bool has_cap(const char *caps, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = caps; (p = strstr(p, word)) != NULL; p += n)
        if ((p == caps || p[-1] == ' ') && (p[n] == 0 || p[n] == ' '))
            return true;
    return false;
}

int xkg__layout_pv(const xkg_image *img, struct xkg__layout *l, char *err, size_t errlen)
{
    const struct xkg_image_info *in = &img->info;
    const struct xkg_xen_notes *x = &in->xen;
    memset(l, 0, sizeof(*l));
    l->virt_base = x->has_virt_base ? x->virt_base : 0;
    uint64_t poff = x->has_paddr_offset ? x->paddr_offset
                    : x->legacy_guest_string ? l->virt_base : 0;
    l->virt_offset = l->virt_base - poff;
    l->kstart = in->pstart + l->virt_offset;
    l->kend = in->pend + l->virt_offset;
    l->entry = x->has_entry ? x->entry : in->elf_entry;
    if (x->has_hypercall_page)
        l->hypercall_page = x->legacy_guest_string
                            ? l->virt_base + (x->hypercall_page << XKG_PAGE_SHIFT)
                            : x->hypercall_page;
    if (l->virt_base & (XKG_PAGE_SIZE - 1))
        return refuse(ENOEXEC, err, errlen, "%s: XEN_ELFNOTE_VIRT_BASE %#llx is not page "
                      "aligned", img->name, (unsigned long long)l->virt_base);
    if (l->kstart < l->virt_base || l->kend < l->kstart)
        return refuse(ENOEXEC, err, errlen, "%s: kernel loads at %#llx, below its "
                      "XEN_ELFNOTE_VIRT_BASE %#llx (check VIRT_BASE/PADDR_OFFSET notes)",
                      img->name, (unsigned long long)l->kstart,
                      (unsigned long long)l->virt_base);
    if (l->entry < l->kstart || l->entry >= l->kend)
        return refuse(ENOEXEC, err, errlen, "%s: entry point %#llx lies outside the kernel "
                      "[%#llx, %#llx)", img->name, (unsigned long long)l->entry,
                      (unsigned long long)l->kstart, (unsigned long long)l->kend);
    if (l->hypercall_page && (l->hypercall_page < l->kstart || l->hypercall_page >= l->kend ||
                              (l->hypercall_page & (XKG_PAGE_SIZE - 1))))
        return refuse(ENOEXEC, err, errlen, "%s: XEN_ELFNOTE_HYPERCALL_PAGE %#llx is not a "
                      "page inside the kernel", img->name,
                      (unsigned long long)l->hypercall_page);
    return 0;
}

static int check_pv(const xkg_image *img, const char *caps, char *err, size_t errlen)
{
    const struct xkg_image_info *in = &img->info;
    const struct xkg_xen_notes *x = &in->xen;
    if (!x->found)
        return refuse(ENOEXEC, err, errlen, "%s: kernel has no Xen ELF notes "
                      "(XEN_ELFNOTE_GUEST_OS, XEN_VERSION, ENTRY, HYPERCALL_PAGE...) and no "
                      "__xen_guest section: it is not a Xen PV kernel (Linux needs "
                      "CONFIG_XEN_PV=y)", img->name);
    if (strncmp(x->loader, "generic", 7) && strncmp(x->guest_os, "linux", 5))
        return refuse(ENOEXEC, err, errlen, "%s: kernel has no XEN_ELFNOTE_LOADER \"generic\" "
                      "note and its XEN_ELFNOTE_GUEST_OS is \"%s\", not linux: it was not built "
                      "for a generic Xen loader", img->name, x->guest_os);
    if (strncmp(x->xen_version, "xen-3.0", 7))
        return refuse(ENOEXEC, err, errlen, x->xen_version[0]
                      ? "%s: kernel's XEN_ELFNOTE_XEN_VERSION is \"%s\"; only xen-3.0 kernels "
                        "can be loaded"
                      : "%s: kernel has no XEN_ELFNOTE_XEN_VERSION note%s (it must say "
                        "\"xen-3.0\")", img->name, x->xen_version);
    if (in->elf_class == 32) {
        if (caps && !has_cap(caps, "xen-3.0-x86_32p"))
            return refuse(EOPNOTSUPP, err, errlen, "%s: 32-bit PV kernel, but this hypervisor "
                          "cannot run 32-bit PV guests (capabilities \"%s\" lack "
                          "xen-3.0-x86_32p; Xen needs CONFIG_PV32=y and must not be booted "
                          "with pv=no-32): use a 64-bit kernel or boot it as PVH",
                          img->name, caps);
        return refuse(EOPNOTSUPP, err, errlen, "%s: 32-bit PV kernels are not supported by "
                      "xkit's builder: use a 64-bit kernel or boot it as PVH", img->name);
    }
    if (in->machine != EM_X86_64)
        return refuse(ENOEXEC, err, errlen, "%s: ELF64 kernel for machine %u, not x86-64",
                      img->name, in->machine);
    if (caps && !has_cap(caps, "xen-3.0-x86_64"))
        return refuse(EOPNOTSUPP, err, errlen, "%s: this hypervisor cannot run 64-bit PV guests "
                      "(capabilities \"%s\" lack xen-3.0-x86_64; Xen needs CONFIG_PV=y and "
                      "must not be booted with pv=0): boot the kernel as PVH", img->name, caps);
    const uint32_t unsupported = 1u << XENFEAT_auto_translated_physmap |
                                 1u << XENFEAT_supervisor_mode_kernel | 1u << XENFEAT_dom0;
    uint32_t bad = x->feat_required[0] & unsupported;
    if (bad) {
        unsigned b = (unsigned)__builtin_ctz(bad);
        return refuse(EOPNOTSUPP, err, errlen, "%s: kernel requires feature \"%s\" "
                      "(XEN_ELFNOTE_FEATURES \"!%s\"), which a PV domU cannot have",
                      img->name, xkg__feature_name(b), xkg__feature_name(b));
    }
    struct xkg__layout l;
    return xkg__layout_pv(img, &l, err, errlen);
}

static int check_pvh(const xkg_image *img, const char *caps, char *err, size_t errlen)
{
    const struct xkg_image_info *in = &img->info;
    const struct xkg_xen_notes *x = &in->xen;
    if (!x->has_phys32_entry)
        return refuse(ENOEXEC, err, errlen, "%s: kernel has no XEN_ELFNOTE_PHYS32_ENTRY note: "
                      "it cannot boot as PVH (Linux needs CONFIG_PVH=y)", img->name);
    if (caps && !has_cap(caps, "hvm-3.0-x86_32") && !has_cap(caps, "hvm-3.0-x86_64"))
        return refuse(EOPNOTSUPP, err, errlen, "%s: this hypervisor cannot run PVH guests "
                      "(capabilities \"%s\" have no hvm-3.0-*: the CPU lacks VT-x/AMD-V or it "
                      "is disabled): boot the kernel as PV", img->name, caps);
    if (in->pend > (1ull << 32))
        return refuse(ENOEXEC, err, errlen, "%s: kernel loads up to physical address %#llx, "
                      "above 4 GiB: a PVH kernel starts in 32-bit mode and must load below",
                      img->name, (unsigned long long)in->pend);
    if (x->phys32_entry < in->pstart || x->phys32_entry >= in->pend)
        return refuse(ENOEXEC, err, errlen, "%s: XEN_ELFNOTE_PHYS32_ENTRY %#llx lies outside "
                      "the kernel's physical range [%#llx, %#llx)", img->name,
                      (unsigned long long)x->phys32_entry, (unsigned long long)in->pstart,
                      (unsigned long long)in->pend);
    return 0;
}

/* HVM firmware (hvmloader or a firmware_override): an x86 ELF whose
 * segments load below 4 GiB and whose entry is inside them; Xen notes, if
 * any, are not read. */
static int check_hvm(const xkg_image *img, const char *caps, char *err, size_t errlen)
{
    const struct xkg_image_info *in = &img->info;
    if (caps && !has_cap(caps, "hvm-3.0-x86_32"))
        return refuse(EOPNOTSUPP, err, errlen, "%s: this hypervisor cannot run HVM guests "
                      "(capabilities \"%s\" have no hvm-3.0-x86_32: the CPU lacks VT-x/AMD-V "
                      "or it is disabled)", img->name, caps);
    if (in->pend > (1ull << 32))
        return refuse(ENOEXEC, err, errlen, "%s: firmware loads up to physical address %#llx, "
                      "above 4 GiB: HVM firmware starts in 32-bit mode and must load below",
                      img->name, (unsigned long long)in->pend);
    if (in->elf_entry < in->pstart || in->elf_entry >= in->pend)
        return refuse(ENOEXEC, err, errlen, "%s: ELF entry %#llx lies outside the firmware's "
                      "physical range [%#llx, %#llx)", img->name,
                      (unsigned long long)in->elf_entry, (unsigned long long)in->pstart,
                      (unsigned long long)in->pend);
    return 0;
}

int xkg_image_check(const xkg_image *img, enum xkg_type type, const char *caps,
                    char *err, size_t errlen)
{
    if (!img)
        return refuse(EINVAL, err, errlen, "check kernel: no image");
    switch (type) {
    case XKG_TYPE_PV: return check_pv(img, caps, err, errlen);
    case XKG_TYPE_PVH: return check_pvh(img, caps, err, errlen);
    case XKG_TYPE_HVM: return check_hvm(img, caps, err, errlen);
    }
    return refuse(EINVAL, err, errlen, "%s: unknown guest type %d", img->name, (int)type);
}
