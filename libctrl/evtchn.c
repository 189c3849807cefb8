/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Event channels: allocation for other domains (hypercall) and our own
 * ports through the evtchn device (opened on first use). */
#include "private.h"

#include <errno.h>
#include <xen/event_channel.h>

int xkc_evtchn_alloc_unbound(xkc_handle *h, uint32_t domid, uint32_t remote_domid,
                             uint32_t *port)
{
    if (domid >= DOMID_FIRST_RESERVED || remote_domid >= DOMID_FIRST_RESERVED)
        return xkc__fail(h, EINVAL, "event_channel_op alloc_unbound (domain %u, remote %u): "
                         "invalid domain id", domid, remote_domid);
    struct evtchn_alloc_unbound a = { .dom = (domid_t)domid, .remote_dom = (domid_t)remote_domid };
    if (xkc__hypercall_bounce(h, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, &a,
                              sizeof a) < 0)
        return xkc__fail(h, errno, "event_channel_op alloc_unbound (domain %u, remote %u)",
                         domid, remote_domid);
    *port = a.port;
    return 0;
}

static int dev(xkc_handle *h, const char *what)
{
    if (xkc__os_evtchn_open(h) < 0)
        return xkc__fail(h, errno, "evtchn %s: open event channel device", what);
    return 0;
}

int xkc_evtchn_fd(xkc_handle *h)
{
    if (dev(h, "fd") < 0)
        return -1;
    return h->evtchn_fd;
}

static int bind(xkc_handle *h, enum xkc__evtchn_op op, const char *what, uint32_t a,
                uint32_t b, uint32_t *local_port)
{
    if (dev(h, what) < 0)
        return -1;
    long port = xkc__os_evtchn_ctl(h, op, a, b);
    if (port < 0)
        return xkc__fail(h, errno, "evtchn %s (%u, %u)", what, a, b);
    *local_port = (uint32_t)port;
    return 0;
}

int xkc_evtchn_bind_interdomain(xkc_handle *h, uint32_t remote_domid, uint32_t remote_port,
                                uint32_t *local_port)
{
    if (remote_domid >= DOMID_FIRST_RESERVED)
        return xkc__fail(h, EINVAL, "evtchn bind_interdomain (domain %u): invalid domain id",
                         remote_domid);
    return bind(h, XKC__EVTCHN_BIND_INTERDOMAIN, "bind_interdomain", remote_domid,
                remote_port, local_port);
}

int xkc_evtchn_bind_unbound(xkc_handle *h, uint32_t remote_domid, uint32_t *local_port)
{
    if (remote_domid >= DOMID_FIRST_RESERVED)
        return xkc__fail(h, EINVAL, "evtchn bind_unbound (domain %u): invalid domain id",
                         remote_domid);
    return bind(h, XKC__EVTCHN_BIND_UNBOUND, "bind_unbound", remote_domid, 0, local_port);
}

int xkc_evtchn_bind_virq(xkc_handle *h, unsigned virq, uint32_t *local_port)
{
    if (virq >= NR_VIRQS)
        return xkc__fail(h, EINVAL, "evtchn bind_virq %u: no such virq", virq);
    return bind(h, XKC__EVTCHN_BIND_VIRQ, "bind_virq", virq, 0, local_port);
}

static int port_op(xkc_handle *h, enum xkc__evtchn_op op, const char *what, uint32_t port)
{
    if (dev(h, what) < 0)
        return -1;
    if (xkc__os_evtchn_ctl(h, op, port, 0) < 0)
        return xkc__fail(h, errno, "evtchn %s (port %u)", what, port);
    return 0;
}

int xkc_evtchn_notify(xkc_handle *h, uint32_t port)
{
    return port_op(h, XKC__EVTCHN_NOTIFY, "notify", port);
}

int xkc_evtchn_unbind(xkc_handle *h, uint32_t port)
{
    return port_op(h, XKC__EVTCHN_UNBIND, "unbind", port);
}

int xkc_evtchn_pending(xkc_handle *h, uint32_t *port)
{
    if (dev(h, "pending") < 0)
        return -1;
    int rc = xkc__os_evtchn_read(h, port);
    if (rc < 0)
        return xkc__fail(h, errno, "evtchn pending: read");
    return rc;
}

int xkc_evtchn_unmask(xkc_handle *h, uint32_t port)
{
    if (dev(h, "unmask") < 0)
        return -1;
    if (xkc__os_evtchn_unmask(h, port) < 0)
        return xkc__fail(h, errno, "evtchn unmask (port %u)", port);
    return 0;
}
