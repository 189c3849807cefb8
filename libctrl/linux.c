/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The OS boundary for Linux: privcmd, the hypercall buffer device, evtchn and
 * gntdev. Nothing outside this file knows device names or ioctls.
 */
#include "private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/sys/privcmd.h>
#include <xen/sys/evtchn.h>
#include <xen/sys/gntdev.h>

#define PRIVCMD_DEV "/dev/xen/privcmd"
#define HYPERCALL_DEV "/dev/xen/hypercall"
#define EVTCHN_DEV "/dev/xen/evtchn"
#define GNTDEV_DEV "/dev/xen/gntdev"

int xkc__os_open_privcmd(xkc_handle *h, char *err, size_t errlen)
{
    h->privcmd_fd = open(PRIVCMD_DEV, O_RDWR | O_CLOEXEC);
    if (h->privcmd_fd < 0) {
        int e = errno;
        xkc__fail(h, e, "open %s%s", PRIVCMD_DEV,
                  e == ENOENT ? " (not a Xen dom0, or xen-privcmd not loaded?)" : "");
        if (err)
            snprintf(err, errlen, "%s", h->errmsg);
        errno = e;
        return -1;
    }
    /* Optional (Linux >= 4.18): buffers the kernel knows are hypercall-safe.
     * Without it we fall back to mlock'd anonymous pages. */
    h->hcall_fd = open(HYPERCALL_DEV, O_RDWR | O_CLOEXEC);
    return 0;
}

void xkc__os_close(xkc_handle *h)
{
    int *fds[] = { &h->privcmd_fd, &h->hcall_fd, &h->evtchn_fd, &h->gntdev_fd };
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (*fds[i] >= 0) {
            close(*fds[i]);
            *fds[i] = -1;
        }
}

long xkc__os_hypercall(xkc_handle *h, unsigned op, const uint64_t a[5])
{
    privcmd_hypercall_t call = { .op = op };
    memcpy(call.arg, a, sizeof call.arg);
    return ioctl(h->privcmd_fd, IOCTL_PRIVCMD_HYPERCALL, &call);
}

void *xkc__os_buf_alloc(xkc_handle *h, size_t pages)
{
    size_t len = pages * XKC__PAGE_SIZE;
    void *p;
    if (h->hcall_fd >= 0) {
        p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, h->hcall_fd, 0);
        return p == MAP_FAILED ? NULL : p;
    }
    p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    /* Xen must never fault on these pages: keep them resident and out of
     * any child after fork (copy-on-write would move them). */
    if (mlock(p, len) < 0 || madvise(p, len, MADV_DONTFORK) < 0) {
        int e = errno;
        munmap(p, len);
        errno = e;
        return NULL;
    }
    return p;
}

void xkc__os_buf_free(xkc_handle *h, void *p, size_t pages)
{
    size_t len = pages * XKC__PAGE_SIZE;
    if (h->hcall_fd < 0) {
        madvise(p, len, MADV_DOFORK);
        munlock(p, len);
    }
    munmap(p, len);
}

int xkc__os_unmap(void *addr, size_t bytes)
{
    return munmap(addr, bytes);
}

void *xkc__os_map_foreign(xkc_handle *h, uint32_t domid, int prot, const xen_pfn_t *gfns,
                          int *errs, size_t n)
{
    size_t len = n * XKC__PAGE_SIZE;
    void *addr = mmap(NULL, len, prot, MAP_SHARED, h->privcmd_fd, 0);
    if (addr == MAP_FAILED)
        return NULL;
    privcmd_mmapbatch_v2_t b = {
        .num = (unsigned)n, .dom = (domid_t)domid, .addr = (uintptr_t)addr,
        .arr = gfns, .err = errs,
    };
    h->st.foreign_map_calls++;
    h->st.foreign_pages += n;
    /* ENOENT means "some pages paged out": per-page errors tell which. */
    if (ioctl(h->privcmd_fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b) < 0 && errno != ENOENT) {
        int e = errno;
        munmap(addr, len);
        errno = e;
        return NULL;
    }
    return addr;
}

void *xkc__os_map_resource(xkc_handle *h, uint32_t domid, unsigned type, unsigned id,
                           unsigned idx, size_t nr, int prot)
{
    size_t len = nr * XKC__PAGE_SIZE;
    void *addr = mmap(NULL, len, prot, MAP_SHARED, h->privcmd_fd, 0);
    if (addr == MAP_FAILED)
        return NULL;
    privcmd_mmap_resource_t r = {
        .dom = (domid_t)domid, .type = type, .id = id, .idx = idx, .num = nr,
        .addr = (uintptr_t)addr,
    };
    h->st.resource_map_calls++;
    if (ioctl(h->privcmd_fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r) < 0) {
        int e = errno;
        munmap(addr, len);
        errno = e;
        return NULL;
    }
    return addr;
}

int xkc__os_evtchn_open(xkc_handle *h)
{
    if (h->evtchn_fd >= 0)
        return 0;
    /* Non-blocking: pending() polls, callers poll() the fd to wait. */
    h->evtchn_fd = open(EVTCHN_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
    return h->evtchn_fd < 0 ? -1 : 0;
}

long xkc__os_evtchn_ctl(xkc_handle *h, enum xkc__evtchn_op op, uint32_t a, uint32_t b)
{
    h->st.evtchn_ops++;
    switch (op) {
    case XKC__EVTCHN_BIND_INTERDOMAIN: {
        struct ioctl_evtchn_bind_interdomain arg = { .remote_domain = a, .remote_port = b };
        return ioctl(h->evtchn_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &arg);
    }
    case XKC__EVTCHN_BIND_UNBOUND: {
        struct ioctl_evtchn_bind_unbound_port arg = { .remote_domain = a };
        return ioctl(h->evtchn_fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &arg);
    }
    case XKC__EVTCHN_BIND_VIRQ: {
        struct ioctl_evtchn_bind_virq arg = { .virq = a };
        return ioctl(h->evtchn_fd, IOCTL_EVTCHN_BIND_VIRQ, &arg);
    }
    case XKC__EVTCHN_NOTIFY: {
        struct ioctl_evtchn_notify arg = { .port = a };
        return ioctl(h->evtchn_fd, IOCTL_EVTCHN_NOTIFY, &arg);
    }
    case XKC__EVTCHN_UNBIND: {
        struct ioctl_evtchn_unbind arg = { .port = a };
        return ioctl(h->evtchn_fd, IOCTL_EVTCHN_UNBIND, &arg);
    }
    }
    errno = EINVAL;
    return -1;
}

int xkc__os_evtchn_read(xkc_handle *h, uint32_t *port)
{
    h->st.evtchn_ops++;
    ssize_t n = read(h->evtchn_fd, port, sizeof *port);
    if (n == (ssize_t)sizeof *port)
        return 1;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    if (n >= 0)
        errno = EIO;
    return -1;
}

int xkc__os_evtchn_unmask(xkc_handle *h, uint32_t port)
{
    h->st.evtchn_ops++;
    ssize_t n = write(h->evtchn_fd, &port, sizeof port);
    if (n == (ssize_t)sizeof port)
        return 0;
    if (n >= 0)
        errno = EIO;
    return -1;
}

int xkc__os_gntdev_open(xkc_handle *h)
{
    if (h->gntdev_fd >= 0)
        return 0;
    h->gntdev_fd = open(GNTDEV_DEV, O_RDWR | O_CLOEXEC);
    return h->gntdev_fd < 0 ? -1 : 0;
}

void *xkc__os_gntdev_map(xkc_handle *h, uint32_t domid, uint32_t ref, int prot,
                         uint64_t *index)
{
    struct ioctl_gntdev_map_grant_ref m = { .count = 1 };
    m.refs[0].domid = domid;
    m.refs[0].ref = ref;
    h->st.gntdev_ops++;
    if (ioctl(h->gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &m) < 0)
        return NULL;
    void *addr = mmap(NULL, XKC__PAGE_SIZE, prot, MAP_SHARED, h->gntdev_fd, (off_t)m.index);
    if (addr == MAP_FAILED) {
        int e = errno;
        struct ioctl_gntdev_unmap_grant_ref u = { .index = m.index, .count = 1 };
        ioctl(h->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
        errno = e;
        return NULL;
    }
    *index = m.index;
    return addr;
}

int xkc__os_gntdev_unmap(xkc_handle *h, void *addr, uint64_t index)
{
    int rc = munmap(addr, XKC__PAGE_SIZE);
    int e = errno;
    struct ioctl_gntdev_unmap_grant_ref u = { .index = index, .count = 1 };
    h->st.gntdev_ops++;
    if (ioctl(h->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u) < 0)
        return -1;
    errno = e;
    return rc;
}

void xkc__os_wmb(void)
{
    __atomic_thread_fence(__ATOMIC_RELEASE);
}
