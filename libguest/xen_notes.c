/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Xen ELF notes (name "Xen", types XEN_ELFNOTE_* from <xen/elfnote.h>) and
 * the legacy "__xen_guest" string. Every length is checked against the
 * buffer: the input is a file someone gave us.
 */
#include "private.h"
#include <stdlib.h>
#include <string.h>
#include <xen/elfnote.h>

static const char *const feat_names[] = {
    "writable_page_tables", "writable_descriptor_tables", "auto_translated_physmap",
    "supervisor_mode_kernel", "pae_pgdir_above_4gb", "mmu_pt_update_preserve_ad",
    "highmem_assist", "gnttab_map_avail_bits", "hvm_callback_vector", "hvm_safe_pvclock",
    "hvm_pirqs", "dom0", "grant_map_identity", "memory_op_vnode_supported",
    "ARM_SMCCC_supported", "linux_rsdp_unrestricted", "not_direct_mapped", "direct_mapped",
};
#define NR_FEAT (sizeof(feat_names) / sizeof(feat_names[0]))

int xkg__feature_bit(const char *name, size_t len)
{
    for (unsigned i = 0; i < NR_FEAT; i++)
        if (strlen(feat_names[i]) == len && !memcmp(feat_names[i], name, len))
            return (int)i;
    return -1;
}

const char *xkg__feature_name(unsigned bit)
{
    return bit < NR_FEAT ? feat_names[bit] : "unknown";
}

/* "a|!b|c": names with '!' are required; unknown names are ignored (newer
 * kernels know features this library does not). */
static void parse_features(const char *s, size_t n, struct xkg_xen_notes *x)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '|')
            j++;
        bool req = j > i && s[i] == '!';
        int bit = xkg__feature_bit(s + i + req, j - i - req);
        if (bit >= 0 && bit < 32 * XKG_FEAT_WORDS) {
            x->feat_supported[bit / 32] |= 1u << (bit % 32);
            if (req)
                x->feat_required[bit / 32] |= 1u << (bit % 32);
        }
        i = j + 1;
    }
}

static void copy_str(char *dst, size_t dstlen, const uint8_t *src, size_t n)
{
    size_t k = 0;
    while (k < n && src[k] && k + 1 < dstlen) {
        dst[k] = (char)src[k];
        k++;
    }
    dst[k] = 0;
}

static bool read_num(const uint8_t *d, size_t n, uint64_t *v)
{
    uint64_t r = 0;
    if (n != 1 && n != 2 && n != 4 && n != 8)
        return false;
    for (size_t i = 0; i < n; i++)
        r |= (uint64_t)d[i] << (8 * i);
    *v = r;
    return true;
}

static void one_note(uint32_t type, const uint8_t *d, size_t n, struct xkg_xen_notes *x)
{
    uint64_t v = 0;
    bool num = read_num(d, n, &v);
    x->found = true;
    switch (type) {
    case XEN_ELFNOTE_ENTRY: x->has_entry = num; x->entry = v; break;
    case XEN_ELFNOTE_HYPERCALL_PAGE: x->has_hypercall_page = num; x->hypercall_page = v; break;
    case XEN_ELFNOTE_VIRT_BASE: x->has_virt_base = num; x->virt_base = v; break;
    case XEN_ELFNOTE_PADDR_OFFSET: x->has_paddr_offset = num; x->paddr_offset = v; break;
    case XEN_ELFNOTE_PHYS32_ENTRY: x->has_phys32_entry = num; x->phys32_entry = v; break;
    case XEN_ELFNOTE_INIT_P2M: x->has_init_p2m = num; x->init_p2m = v; break;
    case XEN_ELFNOTE_HV_START_LOW: x->has_hv_start_low = num; x->hv_start_low = v; break;
    case XEN_ELFNOTE_SUSPEND_CANCEL: x->suspend_cancel = num ? v != 0 : n > 0; break;
    case XEN_ELFNOTE_MOD_START_PFN: x->mod_start_pfn = num ? v != 0 : n > 0; break;
    case XEN_ELFNOTE_BSD_SYMTAB: {
        char b[8];
        copy_str(b, sizeof(b), d, n);
        x->bsd_symtab = !strcmp(b, "yes");
        break;
    }
    case XEN_ELFNOTE_GUEST_OS: copy_str(x->guest_os, sizeof(x->guest_os), d, n); break;
    case XEN_ELFNOTE_GUEST_VERSION:
        copy_str(x->guest_version, sizeof(x->guest_version), d, n);
        break;
    case XEN_ELFNOTE_XEN_VERSION: copy_str(x->xen_version, sizeof(x->xen_version), d, n); break;
    case XEN_ELFNOTE_LOADER: copy_str(x->loader, sizeof(x->loader), d, n); break;
    case XEN_ELFNOTE_PAE_MODE: copy_str(x->pae_mode, sizeof(x->pae_mode), d, n); break;
    case XEN_ELFNOTE_FEATURES:
        copy_str(x->features, sizeof(x->features), d, n);
        parse_features((const char *)d, strnlen((const char *)d, n), x);
        break;
    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        if (n >= 4)
            x->feat_supported[0] |= (uint32_t)d[0] | (uint32_t)d[1] << 8 |
                                    (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
        break;
    case XEN_ELFNOTE_L1_MFN_VALID:
        /* pairs of (mask, value), each as wide as the note allows */
        for (size_t w = n >= 16 ? 8 : 4, o = 0; o + 2 * w <= n && x->nr_l1_mfn_valid < 4;
             o += 2 * w) {
            read_num(d + o, w, &x->l1_mfn_valid[x->nr_l1_mfn_valid][0]);
            read_num(d + o + w, w, &x->l1_mfn_valid[x->nr_l1_mfn_valid][1]);
            x->nr_l1_mfn_valid++;
        }
        break;
    default: break;
    }
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int xkg__notes_parse(const uint8_t *p, size_t n, struct xkg_xen_notes *x)
{
    size_t pos = 0;
    while (n - pos >= 12) {
        uint64_t namesz = rd32(p + pos), descsz = rd32(p + pos + 4);
        uint32_t type = rd32(p + pos + 8);
        uint64_t name_al = (namesz + 3) & ~3ull, desc_al = (descsz + 3) & ~3ull;
        size_t left = n - pos - 12;
        if (name_al > left || descsz > left - name_al)
            return -1;
        const uint8_t *name = p + pos + 12, *desc = name + name_al;
        if (namesz == 4 && !memcmp(name, "Xen", 4))
            one_note(type, desc, (size_t)descsz, x);
        if (desc_al > left - name_al)
            break; /* last record without padding */
        pos += 12 + (size_t)name_al + (size_t)desc_al;
    }
    return 0;
}

/* Legacy "__xen_guest" string, e.g.
 * "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000,HYPERCALL_PAGE=0x2". */
void xkg__guest_string_parse(const char *s, size_t n, struct xkg_xen_notes *x)
{
    char buf[1024];
    size_t len = strnlen(s, n);
    if (len >= sizeof(buf))
        len = sizeof(buf) - 1;
    memcpy(buf, s, len);
    buf[len] = 0;
    x->found = true;
    x->legacy_guest_string = true;
    char *save = NULL;
    for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *val = strchr(kv, '=');
        if (!val)
            continue;
        *val++ = 0;
        uint64_t v = strtoull(val, NULL, 0);
        if (!strcmp(kv, "GUEST_OS"))
            copy_str(x->guest_os, sizeof(x->guest_os), (const uint8_t *)val, strlen(val));
        else if (!strcmp(kv, "XEN_VER"))
            copy_str(x->xen_version, sizeof(x->xen_version), (const uint8_t *)val, strlen(val));
        else if (!strcmp(kv, "LOADER"))
            copy_str(x->loader, sizeof(x->loader), (const uint8_t *)val, strlen(val));
        else if (!strcmp(kv, "PAE"))
            copy_str(x->pae_mode, sizeof(x->pae_mode), (const uint8_t *)val, strlen(val));
        else if (!strcmp(kv, "VIRT_BASE"))
            x->has_virt_base = true, x->virt_base = v;
        else if (!strcmp(kv, "ELF_PADDR_OFFSET"))
            x->has_paddr_offset = true, x->paddr_offset = v;
        else if (!strcmp(kv, "VIRT_ENTRY"))
            x->has_entry = true, x->entry = v;
        else if (!strcmp(kv, "HYPERCALL_PAGE"))
            x->has_hypercall_page = true, x->hypercall_page = v; /* a pfn: resolved in layout */
        else if (!strcmp(kv, "FEATURES")) {
            copy_str(x->features, sizeof(x->features), (const uint8_t *)val, strlen(val));
            parse_features(val, strlen(val), x);
        } else if (!strcmp(kv, "BSD_SYMTAB"))
            x->bsd_symtab = true;
    }
}
