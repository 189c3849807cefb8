/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Persisted domain configurations: <state_dir>/<uuid>.json, written when a
 * domain is created, read by xl list -l and by the monitor (restart needs
 * the config), removed when the domain is destroyed. For domains Debian's
 * xl created we read (and on destroy remove) libxl's
 * /var/lib/xen/userdata-d.<domid>.<uuid>.libxl-json, so the two toolstacks
 * can manage each other's domains.
 */
#include "private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define LIBXL_USERDATA_DIR "/var/lib/xen"

char *xkl__state_path(xkl_ctx *ctx, const char *file)
{
    char *p;
    if (asprintf(&p, "%s/%s", ctx->state_dir, file) < 0) {
        xkl__err(ctx, ENOMEM, "state path: %s", strerror(ENOMEM));
        return NULL;
    }
    return p;
}

/* The state directory's (and its parents') mode when we make them. */
#define STATE_DIR_MODE 0700

int xkl__state_dir_ensure(xkl_ctx *ctx, const char *sub)
{
    char *p;
    if ((sub ? asprintf(&p, "%s/%s", ctx->state_dir, sub) : asprintf(&p, "%s", ctx->state_dir)) < 0)
        return xkl__err(ctx, ENOMEM, "state directory %s: %s", ctx->state_dir, strerror(ENOMEM));
    for (char *s = p + 1;; s++) {
        if (*s == '/' || !*s) {
            char c = *s;
            *s = 0;
            struct stat st;
            if (mkdir(p, STATE_DIR_MODE) < 0 &&
                (errno != EEXIST || stat(p, &st) < 0 || !S_ISDIR(st.st_mode))) {
                int e = errno == EEXIST ? ENOTDIR : errno;
                xkl__err(ctx, e, "state directory %s: %s", p, strerror(e));
                free(p);
                return -1;
            }
            *s = c;
            if (!c)
                break;
        }
    }
    free(p);
    return 0;
}

int xkl__name_lock(xkl_ctx *ctx, const char *what, struct xkl__fault *f)
{
    if (xkl__state_dir_ensure(ctx, NULL) < 0)
        return xkl__err_wrap(ctx, "%s: lock", what);
    char *path = xkl__state_path(ctx, "create.lock");
    if (!path)
        return xkl__err_wrap(ctx, "%s: lock", what);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || xkl__fault_here(f) || flock(fd, LOCK_EX) < 0) {
        int e = errno;
        xkl__err(ctx, e, "%s: lock %s: %s", what, path, strerror(e));
        if (fd >= 0)
            close(fd);
        free(path);
        errno = e;
        return -1;
    }
    free(path);
    return fd;
}

void xkl__name_unlock(int fd)
{
    if (fd >= 0)
        close(fd);   /* drops the flock */
}

int xkl__state_write_file(xkl_ctx *ctx, const char *path, const char *tmp, const char *text,
                          bool durable, const char *what)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return xkl__err(ctx, errno, "%s %s: %s", what, tmp, strerror(errno));
    size_t len = strlen(text), off = 0;
    int e = 0;
    while (off < len && !e) {
        ssize_t w = write(fd, text + off, len - off);
        if (w > 0)
            off += (size_t)w;
        else if (w == 0)
            e = EIO;   /* a regular file that takes nothing */
        else if (errno != EINTR)
            e = errno;
    }
    if (!e && durable && fsync(fd) < 0)
        e = errno;
    if (close(fd) < 0 && !e)
        e = errno;
    if (!e && rename(tmp, path) < 0)
        e = errno;
    if (e) {
        unlink(tmp);
        return xkl__err(ctx, e, "%s %s: %s", what, path, strerror(e));
    }
    return 0;
}

int xkl__state_save(xkl_ctx *ctx, const char *uuid, const char *json)
{
    if (xkl__state_dir_ensure(ctx, NULL) < 0)
        return -1;
    char name[64], tmpname[80];
    snprintf(name, sizeof name, "%s.json", uuid);
    snprintf(tmpname, sizeof tmpname, ".%s.json.tmp", uuid);
    char *path = xkl__state_path(ctx, name), *tmp = xkl__state_path(ctx, tmpname);
    size_t len = strlen(json);
    char *text = malloc(len + 2);
    int rc = -1;
    if (!path || !tmp)
        goto out;   /* the error is set */
    if (!text) {
        xkl__err(ctx, ENOMEM, "save config %s: %s", path, strerror(ENOMEM));
        goto out;
    }
    memcpy(text, json, len);
    memcpy(text + len, "\n", 2);
    rc = xkl__state_write_file(ctx, path, tmp, text, true, "save config");
out:
    free(text);
    free(path);
    free(tmp);
    return rc;
}

int xkl__state_remove(xkl_ctx *ctx, const char *uuid, uint32_t domid)
{
    char name[64];
    snprintf(name, sizeof name, "%s.json", uuid);
    char *path = xkl__state_path(ctx, name);
    if (!path)
        return -1;
    int rc = 0;
    if (unlink(path) < 0 && errno != ENOENT)
        rc = xkl__err(ctx, errno, "remove config %s: %s", path, strerror(errno));
    free(path);
    xkl__names_drop(ctx, uuid, domid);
    /* libxl's userdata of the same domain (any key) */
    char prefix[80];
    int plen = snprintf(prefix, sizeof prefix, "userdata-d.%u.%s.", domid, uuid);
    DIR *dir = opendir(LIBXL_USERDATA_DIR);
    if (dir) {
        struct dirent *de;
        while ((de = readdir(dir))) {
            if (strncmp(de->d_name, prefix, (size_t)plen) == 0) {
                char full[512];
                snprintf(full, sizeof full, "%s/%s", LIBXL_USERDATA_DIR, de->d_name);
                unlink(full);
            }
        }
        closedir(dir);
    }
    return rc;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 4096) {
            char *nb = realloc(buf, cap + 65536);
            if (!nb) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
            cap += 65536;
        }
        size_t r = fread(buf + len, 1, cap - len - 1, f);
        len += r;
        if (r == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[len] = 0;
    return buf;
}

char *xkl__state_load(xkl_ctx *ctx, const char *uuid, uint32_t domid, bool *libxl)
{
    char name[64];
    snprintf(name, sizeof name, "%s.json", uuid);
    char *path = xkl__state_path(ctx, name);
    if (!path)
        return NULL;
    char *json = slurp(path);
    if (!json && errno == ENOENT) {
        char ref[256];
        snprintf(ref, sizeof ref, LIBXL_USERDATA_DIR "/userdata-d.%u.%s.libxl-json", domid, uuid);
        json = slurp(ref);
        if (libxl)
            *libxl = json != NULL;
    } else if (libxl) {
        *libxl = false;
    }
    if (!json)
        xkl__err(ctx, errno, "config of domain %u: %s: %s", domid, path, strerror(errno));
    free(path);
    return json;
}

/* dom0 has no saved config: what Xen's xl lists for it (a PV domain with
 * its name and memory; libxl's live scheduler parameters are not read) */
struct xkl_domain_config *xkl__dom0_config(xkl_ctx *ctx)
{
    struct xkl_dominfo di;
    if (xkl__info(ctx, 0, &di) < 0)
        return NULL;
    struct xkl_domain_config *dc = calloc(1, sizeof *dc);
    if (!dc) {
        xkl__err(ctx, ENOMEM, "config of domain 0: %s", strerror(ENOMEM));
        return NULL;
    }
    xkl__domain_config_init(dc);
    dc->c_info.type = XKL_DOMAIN_TYPE_PV;
    dc->c_info.name = strdup(*di.name ? di.name : "Domain-0");
    char *t = xkl__xs_readf(ctx, "/local/domain/0/memory/target");
    long long target = t ? strtoll(t, NULL, 10) : 0;
    free(t);
    dc->b_info.max_memkb = (long long)di.max_kb;
    /* libxl 4.17 reports dom0's target plus its unset video RAM (-1):
     * one KiB less than the target, which Xen's xl then prints */
    dc->b_info.target_memkb = (target > 0 ? target : (long long)di.mem_kb) - 1;
    if (!dc->c_info.name) {
        xkl_domain_config_free(dc);
        xkl__err(ctx, ENOMEM, "config of domain 0: %s", strerror(ENOMEM));
        return NULL;
    }
    return dc;
}

char *xkl__config_json(xkl_ctx *ctx, uint32_t domid, const uint8_t *uuid, bool *libxl)
{

    struct xkl_dominfo di;
    if (!uuid) {
        if (xkl__info(ctx, domid, &di) < 0)
            return NULL;
        uuid = di.uuid;
    }
    char u[37];
    xkl__uuid_format(uuid, u);
    return xkl__state_load(ctx, u, domid, libxl);
}

struct xkl_domain_config *xkl__config_read(xkl_ctx *ctx, uint32_t domid, const uint8_t *uuid,
                                          bool libxl_ok)
{
    bool libxl = false;
    char *j = xkl__config_json(ctx, domid, uuid, &libxl);
    if (!j)
        return NULL;
    xkl_diags d;
    xkl_diags_init(&d);
    /* libxl's file holds much more than types.def declares */
    struct xkl_domain_config *dc = libxl && libxl_ok
                                   ? xkl__domain_config_from_libxl_json(j, strlen(j), &d)
                                   : xkl_domain_config_from_json(j, strlen(j), &d);
    if (!dc)
        xkl__err(ctx, errno == ENOMEM ? ENOMEM : EINVAL, "config of domain %u: %s", domid,
                 d.n ? d.v[0].text : "invalid JSON");
    xkl_diags_dispose(&d);
    free(j);
    return dc;
}

struct xkl_domain_config *xkl__config_load(xkl_ctx *ctx, uint32_t domid, const uint8_t *uuid)
{
    return xkl__config_read(ctx, domid, uuid, false);
}

/* config-update: the new configuration takes the saved one's place */
struct replace_arg {
    struct xkl_domain_config *with;
    const uint8_t *uuid;
};

static int replace(struct xkl_domain_config *dc, void *p)
{
    struct replace_arg *a = p;
    struct xkl_domain_config old = *dc;
    *dc = *a->with;
    *a->with = old;   /* the caller frees what was saved */
    memcpy(dc->c_info.uuid, a->uuid, 16);
    return 0;
}

int xkl_domain_config_update(xkl_ctx *ctx, uint32_t domid, xkl_domain_config *dc)
{
    XKL__LOCK(ctx);
    char what[48];
    snprintf(what, sizeof what, "config-update domain %u", domid);
    struct xkl_dominfo di;
    int r = xkl__info(ctx, domid, &di);
    if (r < 0)
        xkl__err_wrap(ctx, "%s", what);
    else {
        char uuid[37], name[64];
        xkl__uuid_format(di.uuid, uuid);
        snprintf(name, sizeof name, "%s.json", uuid);
        char *path = xkl__state_path(ctx, name);
        if (!path)
            r = xkl__err_wrap(ctx, "%s", what);
        else if (access(path, F_OK) < 0)
            r = xkl__err(ctx, ENOENT, "%s: no configuration of ours (%s): another toolstack "
                                      "created it and keeps its own", what, path);
        free(path);
    }
    if (r == 0) {
        struct replace_arg a = { dc, di.uuid };
        r = xkl__config_update(ctx, domid, replace, &a, what);
    }
    XKL__UNLOCK(ctx);
    return r;
}
