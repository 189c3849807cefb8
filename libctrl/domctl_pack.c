/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pure marshalling of domain structures (tested without a hypervisor). */
#include "private.h"

#include <string.h>

int xkc__pack_createdomain(struct xen_domctl *d, const struct xkc_domain_config *cfg,
                           uint32_t domid, const char **why)
{
    memset(d, 0, sizeof *d);
    *why = NULL;
    if (cfg->max_vcpus < 1)
        *why = "max_vcpus must be at least 1";
    else if (cfg->type != XKC_DOMAIN_PV && cfg->type != XKC_DOMAIN_PVH &&
             cfg->type != XKC_DOMAIN_HVM)
        *why = "unknown domain type";
    else if (cfg->type == XKC_DOMAIN_PV && (cfg->hap || cfg->nested_virt))
        *why = "hap and nested_virt need a PVH or HVM domain";
    else if (cfg->max_grant_version < 1 || cfg->max_grant_version > 2)
        *why = "max_grant_version must be 1 or 2 (0 is resolved by xkc_domain_create)";
    else if (domid >= DOMID_FIRST_RESERVED)
        *why = "invalid domain id";
    if (*why)
        return -1;

    d->cmd = XEN_DOMCTL_createdomain;
    d->domain = (domid_t)domid;   /* 0: Xen picks one */
    struct xen_domctl_createdomain *c = &d->u.createdomain;
    c->ssidref = cfg->ssidref;
    memcpy(c->handle, cfg->handle, sizeof c->handle);
    if (cfg->type != XKC_DOMAIN_PV)
        c->flags |= XEN_DOMCTL_CDF_hvm;
    if (cfg->hap)
        c->flags |= XEN_DOMCTL_CDF_hap;
    if (cfg->s3_integrity)
        c->flags |= XEN_DOMCTL_CDF_s3_integrity;
    if (cfg->oos_off)
        c->flags |= XEN_DOMCTL_CDF_oos_off;
    if (cfg->xs_domain)
        c->flags |= XEN_DOMCTL_CDF_xs_domain;
    if (cfg->iommu)
        c->flags |= XEN_DOMCTL_CDF_iommu;
    if (cfg->nested_virt)
        c->flags |= XEN_DOMCTL_CDF_nested_virt;
    if (cfg->vpmu)
        c->flags |= XEN_DOMCTL_CDF_vpmu;
    c->max_vcpus = cfg->max_vcpus;
    c->max_evtchn_port = cfg->max_evtchn_port;
    c->max_grant_frames = cfg->max_grant_frames;
    c->max_maptrack_frames = cfg->max_maptrack_frames;
    c->grant_opts = XEN_DOMCTL_GRANT_version(cfg->max_grant_version);
    c->vmtrace_size = cfg->vmtrace_size;
    c->cpupool_id = cfg->cpupool_id;
    /* x86 emulation: none for PV, the local APIC only for PVH, all for HVM
     * but vPCI (Xen offers that to dom0 only; libxl asks the same). */
    switch (cfg->type) {
    case XKC_DOMAIN_PV: c->arch.emulation_flags = 0; break;
    case XKC_DOMAIN_PVH: c->arch.emulation_flags = XEN_X86_EMU_LAPIC; break;
    case XKC_DOMAIN_HVM: c->arch.emulation_flags = XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI; break;
    }
    if (cfg->msr_relaxed)
        c->arch.misc_flags |= XEN_X86_MSR_RELAXED;
    return 0;
}

void xkc__decode_dominfo(const struct xen_domctl_getdomaininfo *in, struct xkc_dominfo *out)
{
    memset(out, 0, sizeof *out);
    uint32_t f = in->flags;
    out->domid = in->domain;
    out->dying = f & XEN_DOMINF_dying;
    out->hvm = f & XEN_DOMINF_hvm_guest;
    out->shutdown = f & XEN_DOMINF_shutdown;
    out->paused = f & XEN_DOMINF_paused;
    out->blocked = f & XEN_DOMINF_blocked;
    out->running = f & XEN_DOMINF_running;
    out->debugged = f & XEN_DOMINF_debugged;
    out->xs_domain = f & XEN_DOMINF_xs_domain;
    out->hap = f & XEN_DOMINF_hap;
    out->shutdown_reason = (f >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    out->tot_pages = in->tot_pages;
    out->max_pages = in->max_pages;
    out->outstanding_pages = in->outstanding_pages;
    out->shr_pages = in->shr_pages;
    out->paged_pages = in->paged_pages;
    out->shared_info_frame = in->shared_info_frame;
    out->cpu_time_ns = in->cpu_time;
    out->nr_online_vcpus = in->nr_online_vcpus;
    out->max_vcpu_id = in->max_vcpu_id;
    out->ssidref = in->ssidref;
    out->cpupool = in->cpupool;
    memcpy(out->handle, in->handle, sizeof out->handle);
    out->gpaddr_bits = in->gpaddr_bits;
    out->emulation_flags = in->arch_config.emulation_flags;
}

unsigned xkc__gnttab_version_max(const struct xkc_physinfo *pi)
{
    return pi->cap_gnttab_v2 ? 2 : pi->cap_gnttab_v1 ? 1 : 0;
}

/* libxl's defaults (Xen 4.17, xl.conf unset): the hypervisor's own grant
 * and maptrack frame limits (-1: gnttab_max_frames=, default 64, and
 * gnttab_max_maptrack_frames=, default 1024) and the highest grant table
 * version it reports in physinfo (0 here, resolved at create). */
void xkc_domain_config_init(struct xkc_domain_config *cfg, enum xkc_domain_type type)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->type = type;
    cfg->hap = type != XKC_DOMAIN_PV;
    cfg->max_vcpus = 1;
    cfg->max_evtchn_port = 1023;
    cfg->max_grant_frames = -1;
    cfg->max_maptrack_frames = -1;
    cfg->max_grant_version = 0;
}
