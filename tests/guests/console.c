/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Console output of the xk test kernels.
 *
 * Every byte goes to the flavour's emergency console (seen in Xen's own log
 * when Xen allows it) and, once known, to the PV console ring that
 * xenconsoled reads (guest log file, `xl console`).
 */
#include "xk.h"

static struct xencons_interface *ring;
static evtchn_port_t ring_port;

/* How long to wait for the console daemon before giving up (yields). */
#define XK_FLUSH_YIELDS 200000u
/* Re-send the notification this often while waiting (lost kicks, late daemon). */
#define XK_KICK_EVERY 1000u

static void notify(void)
{
    struct evtchn_send send = { .port = ring_port };

    xk_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send,
                 (unsigned long)&send, 0);
}

static void yield(void)
{
    xk_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
}

static XENCONS_RING_IDX read_cons(void)
{
    XENCONS_RING_IDX c = *(volatile XENCONS_RING_IDX *)&ring->out_cons;

    /* The daemon's reads of the data happen before it moved out_cons. */
    xk_barrier();
    return c;
}

void xk_console_ring(struct xencons_interface *r, evtchn_port_t port)
{
    ring = r;
    ring_port = port;
}

static void ring_write(const char *s, size_t n)
{
    XENCONS_RING_IDX prod = ring->out_prod;
    unsigned int waited = 0;

    while (n) {
        XENCONS_RING_IDX cons = read_cons();

        if (prod - cons >= sizeof(ring->out)) {
            /* Full: publish what we have, let the daemon drain it. */
            xk_barrier();
            ring->out_prod = prod;
            notify();
            yield();
            if (++waited > XK_FLUSH_YIELDS)
                return; /* nobody reads: drop rather than hang */
            continue;
        }
        ring->out[MASK_XENCONS_IDX(prod, ring->out)] = *s++;
        prod++;
        n--;
    }
    /* The data must be visible before the producer index that covers it. */
    xk_barrier();
    ring->out_prod = prod;
    xk_barrier();
    notify();
}

void xk_write(const char *s, size_t n)
{
    xk_emergency_write(s, n);
    if (ring)
        ring_write(s, n);
}

void xk_puts(const char *s)
{
    xk_write(s, xk_strnlen(s, (size_t)-1));
}

/*
 * Wait (bounded) until the console daemon consumed everything, so that a
 * shutdown right after the marker cannot lose it.
 */
void xk_console_flush(void)
{
    unsigned int i;

    if (!ring)
        return;
    for (i = 0; i < XK_FLUSH_YIELDS; i++) {
        if (read_cons() == ring->out_prod)
            return;
        if (i % XK_KICK_EVERY == 0)
            notify();
        yield();
    }
}
