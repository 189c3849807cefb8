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

/* mkdir -p of the state directory */
static int ensure_dir(xkl_ctx *ctx)
{
    char *p = strdup(ctx->state_dir);
    if (!p)
        return xkl__err(ctx, ENOMEM, "state dir: %s", strerror(ENOMEM));
    for (char *s = p + 1;; s++) {
        if (*s == '/' || !*s) {
            char c = *s;
            *s = 0;
            if (mkdir(p, 0700) < 0 && errno != EEXIST) {
                int e = errno;
                xkl__err(ctx, e, "create state directory %s: %s", p, strerror(e));
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

int xkl__state_save(xkl_ctx *ctx, const char *uuid, const char *json)
{
    if (ensure_dir(ctx) < 0)
        return -1;
    char name[64], tmpname[80];
    snprintf(name, sizeof name, "%s.json", uuid);
    snprintf(tmpname, sizeof tmpname, ".%s.json.tmp", uuid);
    char *path = xkl__state_path(ctx, name), *tmp = xkl__state_path(ctx, tmpname);
    int rc = -1;
    if (!path || !tmp)
        goto out;
    /* write + rename: a reader never sees half a file */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        xkl__err(ctx, errno, "save config %s: %s", tmp, strerror(errno));
        goto out;
    }
    size_t len = strlen(json), off = 0;
    while (off < len) {
        ssize_t w = write(fd, json + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            unlink(tmp);
            xkl__err(ctx, e, "save config %s: %s", tmp, strerror(e));
            goto out;
        }
        off += (size_t)w;
    }
    if (write(fd, "\n", 1) != 1 || fsync(fd) < 0 || close(fd) < 0) {
        int e = errno;
        unlink(tmp);
        xkl__err(ctx, e, "save config %s: %s", tmp, strerror(e));
        goto out;
    }
    if (rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        xkl__err(ctx, e, "save config %s: %s", path, strerror(e));
        goto out;
    }
    rc = 0;
out:
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

char *xkl__state_load(xkl_ctx *ctx, const char *uuid, uint32_t domid)
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
    }
    if (!json)
        xkl__err(ctx, errno, "config of domain %u: %s: %s", domid, path, strerror(errno));
    free(path);
    return json;
}
