/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen_version: what the hypervisor says about itself. */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void xkc__hex(const unsigned char *in, size_t n, char *out, size_t outlen)
{
    static const char digits[] = "0123456789abcdef";
    size_t o = 0;
    if (!outlen)
        return;
    for (size_t i = 0; i < n && o + 2 < outlen; i++) {
        out[o++] = digits[in[i] >> 4];
        out[o++] = digits[in[i] & 15];
    }
    out[o] = '\0';
}

/* One XENVER_* sub-op whose answer is a fixed-size string. */
static int ver_string(xkc_handle *h, unsigned cmd, const char *what, char *out, size_t len)
{
    char tmp[1024];
    if (len > sizeof tmp)
        len = sizeof tmp;
    memset(tmp, 0, sizeof tmp);
    if (xkc__hypercall_bounce(h, __HYPERVISOR_xen_version, cmd, tmp, len) < 0)
        return xkc__fail(h, errno, "xen_version %s", what);
    memcpy(out, tmp, len);
    out[len - 1] = '\0';   /* Xen's strings need not be terminated */
    return 0;
}

/* Creating a domain needs only this string (can the kernel boot here?):
 * one hypercall instead of the nine of xkc_xen_version(). */
int xkc_xen_capabilities(xkc_handle *h, char *buf, size_t len)
{
    if (!buf || len == 0)
        return xkc__fail(h, EINVAL, "xen_version capabilities: no buffer");
    /* XENVER_capabilities always writes a xen_capabilities_info_t (1024
     * bytes): read it whole, then give the caller what fits. */
    char caps[sizeof(xen_capabilities_info_t) + 1];
    if (ver_string(h, XENVER_capabilities, "capabilities", caps,
                   sizeof(xen_capabilities_info_t)) < 0)
        return -1;
    if (strlen(caps) >= len)
        return xkc__fail(h, ENOSPC, "xen_version capabilities: \"%s\" needs %zu bytes, "
                         "the buffer has %zu", caps, strlen(caps) + 1, len);
    memcpy(buf, caps, strlen(caps) + 1);
    return 0;
}

int xkc_xen_version(xkc_handle *h, struct xkc_xen_version *v)
{
    memset(v, 0, sizeof *v);
    long ver = xkc__hypercall(h, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    if (ver < 0)
        return xkc__fail(h, errno, "xen_version version");
    v->major = (unsigned)(ver >> 16);
    v->minor = (unsigned)(ver & 0xffff);

    if (ver_string(h, XENVER_extraversion, "extraversion", v->extra, sizeof v->extra) < 0 ||
        ver_string(h, XENVER_capabilities, "capabilities", v->capabilities,
                   sizeof v->capabilities) < 0 ||
        ver_string(h, XENVER_changeset, "changeset", v->changeset, sizeof v->changeset) < 0 ||
        ver_string(h, XENVER_commandline, "commandline", v->commandline,
                   sizeof v->commandline) < 0)
        return -1;

    struct xen_compile_info ci;
    memset(&ci, 0, sizeof ci);
    if (xkc__hypercall_bounce(h, __HYPERVISOR_xen_version, XENVER_compile_info, &ci,
                              sizeof ci) < 0)
        return xkc__fail(h, errno, "xen_version compile_info");
#define COPYSTR(dst, src) snprintf(dst, sizeof dst, "%.*s", (int)sizeof src, src)
    COPYSTR(v->compiler, ci.compiler);
    COPYSTR(v->compile_by, ci.compile_by);
    COPYSTR(v->compile_domain, ci.compile_domain);
    COPYSTR(v->compile_date, ci.compile_date);
#undef COPYSTR

    xen_platform_parameters_t pp = { 0 };
    if (xkc__hypercall_bounce(h, __HYPERVISOR_xen_version, XENVER_platform_parameters, &pp,
                              sizeof pp) < 0)
        return xkc__fail(h, errno, "xen_version platform_parameters");
    v->virt_start = pp.virt_start;

    long ps = xkc__hypercall(h, __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0, 0, 0);
    if (ps < 0)
        return xkc__fail(h, errno, "xen_version pagesize");
    v->pagesize = (unsigned long)ps;

    /* build_id: length-prefixed bytes; Xen without one answers ENODATA. */
    struct {
        uint32_t len;
        unsigned char buf[64];
    } bid = { .len = sizeof bid.buf };
    long n = xkc__hypercall_bounce(h, __HYPERVISOR_xen_version, XENVER_build_id, &bid,
                                   sizeof bid);
    if (n > 0 && (size_t)n <= sizeof bid.buf)
        xkc__hex(bid.buf, (size_t)n, v->build_id, sizeof v->build_id);
    else if (n < 0 && errno != ENODATA && errno != EPERM)
        return xkc__fail(h, errno, "xen_version build_id");
    return 0;
}
