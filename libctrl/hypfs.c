/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The hypervisor file system (hypfs_op): Xen's runtime parameters under
 * /params and its other entries, read and written by path. */
#include "private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xen/hypfs.h>

/* One hypfs_op on path with a data buffer of len bytes (in or out). */
static long hypfs(xkc_handle *h, unsigned cmd, const char *path, struct xkc__buf *data, size_t len)
{
    size_t plen = strlen(path) + 1;
    if (plen > XEN_HYPFS_MAX_PATHLEN) {
        errno = ENAMETOOLONG;
        return -1;
    }
    struct xkc__buf p;
    if (xkc__buf_get(h, plen, &p) < 0)
        return -1;
    memcpy(p.p, path, plen);
    long rc = xkc__hypercall(h, __HYPERVISOR_hypfs_op, cmd, (uintptr_t)p.p, plen,
                             data ? (uintptr_t)data->p : 0, len);
    int e = errno;
    xkc__buf_put(h, &p);
    errno = e;
    return rc;
}

int xkc_hypfs_read(xkc_handle *h, const char *path, struct xkc_hypfs_entry *ent, void **data)
{
    size_t len = 1024;
    *data = NULL;
    for (int tries = 0; tries < 4; tries++) {
        struct xkc__buf b;
        if (xkc__buf_get(h, len, &b) < 0)
            return -1;
        memset(b.p, 0, len);
        long rc = hypfs(h, XEN_HYPFS_OP_read, path, &b, len);
        const struct xen_hypfs_direntry *d = b.p;
        size_t need = sizeof *d + d->content_len;
        if (rc < 0 && errno == ENOBUFS && need > len) {
            xkc__buf_put(h, &b);
            len = need;
            continue;
        }
        if (rc < 0) {
            int e = errno;
            xkc__buf_put(h, &b);
            return xkc__fail(h, e, "hypfs read %s%s", path,
                             e == ENOSYS ? " (Xen was built without hypfs)" : "");
        }
        ent->type = d->type;
        ent->encoding = d->encoding;
        ent->content_len = d->content_len;
        ent->max_write_len = d->max_write_len;
        *data = malloc(d->content_len + 1);
        if (!*data) {
            xkc__buf_put(h, &b);
            return xkc__fail(h, ENOMEM, "hypfs read %s", path);
        }
        memcpy(*data, (const char *)b.p + sizeof *d, d->content_len);
        ((char *)*data)[d->content_len] = 0;
        xkc__buf_put(h, &b);
        return 0;
    }
    return xkc__fail(h, ENOBUFS, "hypfs read %s: the entry kept growing", path);
}

int xkc_hypfs_write(xkc_handle *h, const char *path, const void *data, size_t len)
{
    struct xkc__buf b;
    if (!len || xkc__buf_get(h, len, &b) < 0)
        return len ? -1 : xkc__fail(h, EINVAL, "hypfs write %s: no data", path);
    memcpy(b.p, data, len);
    long rc = hypfs(h, XEN_HYPFS_OP_write_contents, path, &b, len);
    int e = errno;
    xkc__buf_put(h, &b);
    return rc < 0 ? xkc__fail(h, e, "hypfs write %s", path) : 0;
}

int xkc_hypfs_set_param(xkc_handle *h, const char *name, const char *value)
{
    char path[XEN_HYPFS_MAX_PATHLEN];
    size_t nlen = strlen(name);
    if (!nlen || strchr(name, '/') || nlen + 9 > sizeof path)
        return xkc__fail(h, EINVAL, "set parameter '%s': not a parameter name", name);
    memcpy(path, "/params/", 8);
    memcpy(path + 8, name, nlen + 1);
    struct xkc_hypfs_entry e;
    void *cur;
    if (xkc_hypfs_read(h, path, &e, &cur) < 0) {
        if (xkc_errno(h) == ENOENT)
            return xkc__fail(h, ENOENT, "set parameter %s: Xen has no such runtime parameter", name);
        return -1;
    }
    free(cur);
    if (!e.max_write_len)
        return xkc__fail(h, EACCES, "set parameter %s: the parameter is read-only at run time", name);
    /* the value in the entry's type: a number of its size, a bool, a string */
    union {
        uint8_t u8;
        uint16_t u16;
        uint32_t u32;
        uint64_t u64;
    } n;
    char *end;
    errno = 0;
    switch (e.type) {
    case XEN_HYPFS_TYPE_STRING:
        if (strlen(value) + 1 > e.max_write_len)
            return xkc__fail(h, E2BIG, "set parameter %s: at most %u characters", name,
                             e.max_write_len - 1);
        return xkc_hypfs_write(h, path, value, strlen(value) + 1);
    case XEN_HYPFS_TYPE_BOOL:
        if (!strcmp(value, "1") || !strcmp(value, "yes") || !strcmp(value, "on") ||
            !strcmp(value, "true") || !strcmp(value, "enable"))
            n.u8 = 1;
        else if (!strcmp(value, "0") || !strcmp(value, "no") || !strcmp(value, "off") ||
                 !strcmp(value, "false") || !strcmp(value, "disable"))
            n.u8 = 0;
        else
            return xkc__fail(h, EINVAL, "set parameter %s: '%s' is not a boolean", name, value);
        return xkc_hypfs_write(h, path, &n.u8, 1);
    case XEN_HYPFS_TYPE_UINT:
    case XEN_HYPFS_TYPE_INT: {
        unsigned long long u = e.type == XEN_HYPFS_TYPE_UINT ? strtoull(value, &end, 0)
                                                             : (unsigned long long)strtoll(value, &end, 0);
        if (!*value || *end || errno)
            return xkc__fail(h, EINVAL, "set parameter %s: '%s' is not a number", name, value);
        switch (e.content_len) {
        case 1: n.u8 = (uint8_t)u; break;
        case 2: n.u16 = (uint16_t)u; break;
        case 4: n.u32 = (uint32_t)u; break;
        case 8: n.u64 = u; break;
        default:
            return xkc__fail(h, EINVAL, "set parameter %s: a %u-byte number", name, e.content_len);
        }
        return xkc_hypfs_write(h, path, &n, e.content_len);
    }
    }
    return xkc__fail(h, EINVAL, "set parameter %s: entries of type %u cannot be set", name, e.type);
}
