/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The netlink calls (libnl-route-3) that do in-process what Xen's
 * vif-bridge script does with ip(8): find netback's interface, rename it,
 * set its MTU, put it on a bridge, bring it up. One rtnetlink socket per
 * sequence of calls (struct xkl__nl), no state beyond it; every error
 * names the interface and gives libnl's words.
 */
#include "private.h"
#include "device/vif.h"

#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/link.h>
#include <netlink/route/rtnl.h>

struct xkl__nl {
    xkl_ctx *ctx;
    struct nl_sock *sk;
    char what[256];
};

/* errno for a (negative) libnl error code */
static int nl_errno(int nlerr)
{
    switch (nlerr < 0 ? -nlerr : nlerr) {
    case NLE_NOMEM: return ENOMEM;
    case NLE_PERM: return EPERM;
    case NLE_EXIST: return EEXIST;
    case NLE_INVAL: return EINVAL;
    case NLE_RANGE: return ERANGE;
    case NLE_BUSY: return EBUSY;
    case NLE_OBJ_NOTFOUND:
    case NLE_NODEV: return ENODEV;
    case NLE_OPNOTSUPP: return EOPNOTSUPP;
    case NLE_AGAIN: return EAGAIN;
    default: return EIO;
    }
}

static int nl_fail(struct xkl__nl *nl, const char *name, const char *doing, int nlerr)
{
    return xkl__err(nl->ctx, nl_errno(nlerr), "%s: interface %s: %s: %s", nl->what, name, doing,
                    nl_geterror(nlerr));
}

struct xkl__nl *xkl__nl_open(xkl_ctx *ctx, const char *what)
{
    struct xkl__nl *nl = calloc(1, sizeof *nl);
    struct nl_sock *sk = nl ? nl_socket_alloc() : NULL;
    if (!sk) {
        free(nl);
        xkl__err(ctx, ENOMEM, "%s: netlink socket: %s", what, strerror(ENOMEM));
        return NULL;
    }
    int r = nl_connect(sk, NETLINK_ROUTE);
    if (r < 0) {
        xkl__err(ctx, nl_errno(r), "%s: netlink socket: %s", what, nl_geterror(r));
        nl_socket_free(sk);
        free(nl);
        return NULL;
    }
    nl->ctx = ctx;
    nl->sk = sk;
    snprintf(nl->what, sizeof nl->what, "%s", what);
    return nl;
}

void xkl__nl_close(struct xkl__nl *nl)
{
    if (!nl)
        return;
    nl_socket_free(nl->sk);   /* closes it */
    free(nl);
}

/* The kernel's idea of the interface called name: 1 found (*out, put it),
 * 0 none, or -1 with the error set. */
static int get_link(struct xkl__nl *nl, const char *name, struct rtnl_link **out)
{
    *out = NULL;
    int r = rtnl_link_get_kernel(nl->sk, 0, name, out);
    if (r == 0)
        return 1;
    if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV)
        return 0;
    return nl_fail(nl, name, "looking it up", r);
}

int xkl__nl_link_exists(struct xkl__nl *nl, const char *name)
{
    struct rtnl_link *l;
    int r = get_link(nl, name, &l);
    if (l)
        rtnl_link_put(l);
    return r;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int xkl__nl_link_wait(struct xkl__nl *nl, const char *name, int timeout_ms)
{
    /* netback writes InitWait just before it registers the interface: a
     * second socket hears the kernel's link notifications, each one a
     * reason to look again */
    struct nl_sock *mon = nl_socket_alloc();
    if (!mon)
        return xkl__err(nl->ctx, ENOMEM, "%s: interface %s: %s", nl->what, name, strerror(ENOMEM));
    nl_socket_disable_seq_check(mon);
    int r = nl_connect(mon, NETLINK_ROUTE);
    if (r == 0)
        r = nl_socket_add_membership(mon, RTNLGRP_LINK);
    if (r == 0)
        r = nl_socket_set_nonblocking(mon);
    if (r < 0) {
        nl_fail(nl, name, "link notifications", r);
        nl_socket_free(mon);
        return -1;
    }
    int fd = nl_socket_get_fd(mon);
    long long deadline = now_ms() + timeout_ms;
    int found;
    for (;;) {
        if ((found = xkl__nl_link_exists(nl, name)) != 0)
            break;   /* there, or an error */
        long long left = deadline - now_ms();
        if (left <= 0) {
            xkl__err(nl->ctx, ETIMEDOUT,
                     "%s: interface %s: netback did not create it in %d ms (is xen-netback loaded?)",
                     nl->what, name, timeout_ms);
            found = -1;
            break;
        }
        struct pollfd p = { .fd = fd, .events = POLLIN };
        poll(&p, 1, (int)left);
        /* the notifications only wake us: drop them */
        char buf[8192];
        while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
            ;
    }
    nl_socket_free(mon);
    return found < 0 ? -1 : 0;
}

/* Apply changes to the interface called name. */
static int change(struct xkl__nl *nl, const char *name, struct rtnl_link *changes,
                  const char *doing)
{
    struct rtnl_link *cur;
    int r = get_link(nl, name, &cur);
    if (r == 0)
        r = xkl__err(nl->ctx, ENODEV, "%s: interface %s: %s: no such interface", nl->what, name,
                     doing);
    if (r < 0)
        return -1;
    r = rtnl_link_change(nl->sk, cur, changes, 0);
    rtnl_link_put(cur);
    if (r < 0)
        return nl_fail(nl, name, doing, r);
    return 0;
}

int xkl__nl_link_rename(struct xkl__nl *nl, const char *name, const char *newname)
{
    struct rtnl_link *c = rtnl_link_alloc();
    if (!c)
        return xkl__err(nl->ctx, ENOMEM, "%s: interface %s: %s", nl->what, name, strerror(ENOMEM));
    rtnl_link_set_name(c, newname);
    char doing[64];
    snprintf(doing, sizeof doing, "renaming it %s", newname);
    int r = change(nl, name, c, doing);
    rtnl_link_put(c);
    return r;
}

int xkl__nl_link_set_mtu(struct xkl__nl *nl, const char *name, unsigned mtu)
{
    struct rtnl_link *c = rtnl_link_alloc();
    if (!c)
        return xkl__err(nl->ctx, ENOMEM, "%s: interface %s: %s", nl->what, name, strerror(ENOMEM));
    rtnl_link_set_mtu(c, mtu);
    char doing[64];
    snprintf(doing, sizeof doing, "setting MTU %u", mtu);
    int r = change(nl, name, c, doing);
    rtnl_link_put(c);
    return r;
}

int xkl__nl_link_set_up(struct xkl__nl *nl, const char *name)
{
    struct rtnl_link *c = rtnl_link_alloc();
    if (!c)
        return xkl__err(nl->ctx, ENOMEM, "%s: interface %s: %s", nl->what, name, strerror(ENOMEM));
    rtnl_link_set_flags(c, IFF_UP);
    int r = change(nl, name, c, "bringing it up");
    rtnl_link_put(c);
    return r;
}

int xkl__nl_link_set_master(struct xkl__nl *nl, const char *name, const char *bridge)
{
    struct rtnl_link *br, *port;
    int r = get_link(nl, bridge, &br);
    if (r < 0)
        return -1;
    if (r == 0)
        return xkl__err(nl->ctx, ENODEV, "%s: bridge %s does not exist", nl->what, bridge);
    const char *kind = rtnl_link_get_type(br);
    if (!kind || strcmp(kind, "bridge")) {
        xkl__err(nl->ctx, EINVAL, "%s: %s is not a bridge (it is %s)", nl->what, bridge,
                 kind ? kind : "a plain interface");
        rtnl_link_put(br);
        return -1;
    }
    int bridx = rtnl_link_get_ifindex(br);
    rtnl_link_put(br);
    if ((r = get_link(nl, name, &port)) <= 0) {
        if (r == 0)
            xkl__err(nl->ctx, ENODEV, "%s: interface %s: no such interface", nl->what, name);
        return -1;
    }
    int idx = rtnl_link_get_ifindex(port);
    rtnl_link_put(port);
    r = rtnl_link_enslave_ifindex(nl->sk, bridx, idx);
    if (r < 0) {
        char doing[64];
        snprintf(doing, sizeof doing, "putting it on bridge %s", bridge);
        return nl_fail(nl, name, doing, r);
    }
    return 0;
}
