/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Interface versions: the one table to touch when supporting another Xen
 * release. domctl/sysctl structures change layout between releases and Xen
 * refuses a request whose interface_version differs from its own (EACCES),
 * so we check at open and say which versions disagree.
 */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Releases whose versions we know; the first row is the one we are built
 * for (taken from the headers we compile against). */
static const struct xkc__abi abi_table[] = {
    { "4.17", XEN_DOMCTL_INTERFACE_VERSION, XEN_SYSCTL_INTERFACE_VERSION },
};

const struct xkc__abi *xkc__abi_built(void)
{
    return &abi_table[0];
}

const struct xkc__abi *xkc__abi_for_release(unsigned major, unsigned minor)
{
    char rel[24];
    snprintf(rel, sizeof rel, "%u.%u", major, minor);
    for (size_t i = 0; i < sizeof abi_table / sizeof abi_table[0]; i++)
        if (strcmp(abi_table[i].xen_release, rel) == 0)
            return &abi_table[i];
    return NULL;
}

void xkc_abi_versions(uint32_t *domctl, uint32_t *sysctl, const char **xen_release)
{
    const struct xkc__abi *a = xkc__abi_built();
    if (domctl)
        *domctl = a->domctl;
    if (sysctl)
        *sysctl = a->sysctl;
    if (xen_release)
        *xen_release = a->xen_release;
}

void xkc__abi_mismatch_message(char *buf, size_t len, const char *which,
                               unsigned hv_major, unsigned hv_minor)
{
    const struct xkc__abi *ours = xkc__abi_built();
    const struct xkc__abi *theirs = xkc__abi_for_release(hv_major, hv_minor);
    uint32_t our_v = strcmp(which, "domctl") == 0 ? ours->domctl : ours->sysctl;
    if (theirs && theirs != ours) {
        uint32_t their_v = strcmp(which, "domctl") == 0 ? theirs->domctl : theirs->sysctl;
        snprintf(buf, len, "Xen %u.%u uses %s interface version 0x%08x but libxkctrl "
                 "speaks 0x%08x (Xen %s)", hv_major, hv_minor, which, their_v, our_v,
                 ours->xen_release);
    } else {
        snprintf(buf, len, "Xen %u.%u rejected %s interface version 0x%08x "
                 "(libxkctrl is built for Xen %s); rebuild against this Xen's headers",
                 hv_major, hv_minor, which, our_v, ours->xen_release);
    }
}

int xkc__abi_check(xkc_handle *h)
{
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_sched_id };
    struct xen_domctl d = { .cmd = XEN_DOMCTL_getdomaininfo, .domain = 0 };
    const char *which = NULL;
    if (xkc__sysctl(h, &s, "sched_id") < 0)
        which = "sysctl";
    else if (xkc__domctl(h, &d, "getdomaininfo") < 0)
        which = "domctl";
    if (!which)
        return 0;
    if (errno != EACCES)
        return -1;   /* another failure: its message is already recorded */
    /* xen_version needs no interface version: name the release. */
    long v = xkc__hypercall(h, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    unsigned major = v > 0 ? (unsigned)(v >> 16) : 0, minor = v > 0 ? (unsigned)(v & 0xffff) : 0;
    char msg[256];
    xkc__abi_mismatch_message(msg, sizeof msg, which, major, minor);
    return xkc__fail(h, EPROTO, "%s", msg);
}
