/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The calling domain's watchdog timers (SCHEDOP_watchdog): Xen shuts the
 * domain down when one is not poked in time; for dom0 that is the host
 * (Xen reboots it). */
#include "private.h"

#include <errno.h>
#include <xen/sched.h>

static long watchdog_op(xkc_handle *h, uint32_t id, uint32_t timeout)
{
    struct sched_watchdog arg = { .id = id, .timeout = timeout };
    return xkc__hypercall_bounce(h, __HYPERVISOR_sched_op, SCHEDOP_watchdog, &arg, sizeof arg);
}

int xkc_watchdog_open(xkc_handle *h, unsigned timeout)
{
    if (!timeout)
        return xkc__fail(h, EINVAL, "sched_op watchdog: a timeout of 0 seconds sets no watchdog");
    long r = watchdog_op(h, 0, timeout);
    if (r < 0)
        return xkc__fail(h, errno, "sched_op watchdog: set up a %u s watchdog%s", timeout,
                         errno == ENOSPC || errno == EEXIST || errno == EBUSY
                             ? " (Xen gives a domain two: both are in use)" : "");
    if (r == 0)
        return xkc__fail(h, EPROTO, "sched_op watchdog: Xen gave watchdog id 0");
    return (int)r;
}

int xkc_watchdog_poke(xkc_handle *h, unsigned id, unsigned timeout)
{
    if (!id || !timeout)
        return xkc__fail(h, EINVAL, "sched_op watchdog %u: poke needs an id and a timeout", id);
    if (watchdog_op(h, id, timeout) < 0)
        return xkc__fail(h, errno, "sched_op watchdog %u: poke (%u s)", id, timeout);
    return 0;
}

int xkc_watchdog_close(xkc_handle *h, unsigned id)
{
    if (!id)
        return xkc__fail(h, EINVAL, "sched_op watchdog: no watchdog 0 to remove");
    if (watchdog_op(h, id, 0) < 0)
        return xkc__fail(h, errno, "sched_op watchdog %u: remove", id);
    return 0;
}
