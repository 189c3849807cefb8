/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Name -> domain, without asking xenstore for every domain's name.
 *
 * The index, in the state directory, kept under the name lock by create,
 * rename and every removal of a domain's state:
 *   names/NAME    "DOMID UUID": the domain called NAME;
 *   names/.UUID.DOMID   "NAME": that domain is in the index (one
 *                       readdir tells a lookup which domains are).
 * A lookup trusts an entry only when the hypervisor still has that domid
 * with that UUID and xenstore still calls it NAME (one hypercall, one
 * read): `xl destroy NAME` costs the same with 500 guests as with one.
 * A lookup the index misses reads every domain's name, all at once (a
 * domain of ours may have been renamed by Debian's xl). A create's "is
 * the name free", a miss by its nature, reads only the names of domains
 * the index lacks (Debian's xl's, or ours from before the index; which
 * ones, one readdir tells): its cost does not grow with our guests. It
 * misses a domain of ours that Debian's xl renamed to that very name.
 */
#include "private.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIR_NAME "names"

/* names a file may carry: not "", ".", "..", no '/', no leading dot */
static bool indexable(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n < 200 && name[0] != '.' && !strchr(name, '/');
}

static int path_of(xkl_ctx *ctx, char *out, size_t len, const char *prefix, const char *file)
{
    int n = snprintf(out, len, "%s/" DIR_NAME "/%s%s", ctx->state_dir, prefix, file);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* the first line of path into buf, without its newline; -1 when none */
static int read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    bool ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    if (!ok)
        return -1;
    buf[strcspn(buf, "\n")] = 0;
    return 0;
}

/* dir/file through dir/.tmp.file (a dot: never a name of the index) */
static int write_file(xkl_ctx *ctx, const char *path, const char *text)
{
    char tmp[700];
    const char *slash = strrchr(path, '/');
    snprintf(tmp, sizeof tmp, "%.*s/.tmp.%s", (int)(slash - path), path, slash + 1);
    return xkl__state_write_file(ctx, path, tmp, text, false, "name index");
}

static int marker_of(xkl_ctx *ctx, char *out, size_t len, const char *uuid, uint32_t domid)
{
    char file[64];
    snprintf(file, sizeof file, "%s.%u", uuid, domid);
    return path_of(ctx, out, len, ".", file);
}

void xkl__names_drop(xkl_ctx *ctx, const char *uuid, uint32_t domid)
{
    char marker[600], entry[600], name[256], line[300];
    if (marker_of(ctx, marker, sizeof marker, uuid, domid) < 0 || read_line(marker, name, sizeof name) < 0)
        return;
    /* its name's entry, unless a later domain has the name now */
    char want[80];
    snprintf(want, sizeof want, "%u %s", domid, uuid);
    if (indexable(name) && path_of(ctx, entry, sizeof entry, "", name) == 0 &&
        read_line(entry, line, sizeof line) == 0 && strcmp(line, want) == 0)
        unlink(entry);
    unlink(marker);
}

int xkl__names_set(xkl_ctx *ctx, const char *name, uint32_t domid, const char *uuid)
{
    xkl__names_drop(ctx, uuid, domid);   /* a rename: the old name goes */
    if (!indexable(name))
        return 0;   /* found by the scan instead */
    char marker[600], entry[600], text[300];
    if (xkl__state_dir_ensure(ctx, DIR_NAME) < 0)
        return -1;
    if (marker_of(ctx, marker, sizeof marker, uuid, domid) < 0 || path_of(ctx, entry, sizeof entry, "", name) < 0)
        return xkl__err(ctx, ENAMETOOLONG, "name index: %s", strerror(ENAMETOOLONG));
    snprintf(text, sizeof text, "%u %s\n", domid, uuid);
    if (write_file(ctx, entry, text) < 0)
        return -1;
    snprintf(text, sizeof text, "%s\n", name);
    if (write_file(ctx, marker, text) < 0) {
        unlink(entry);
        return -1;
    }
    return 0;
}

/* The index's answer, checked against the hypervisor and xenstore. */
static int from_index(xkl_ctx *ctx, const char *name, uint32_t *domid)
{
    char entry[600], line[300], uuid[37];
    if (!indexable(name) || path_of(ctx, entry, sizeof entry, "", name) < 0 ||
        read_line(entry, line, sizeof line) < 0)
        return -1;
    char *end;
    unsigned long id = strtoul(line, &end, 10);
    if (*end != ' ' || id == 0 || id >= DOMID_FIRST_RESERVED)
        return -1;
    xkc_handle *xc = xkl__xc(ctx);
    struct xkc_dominfo ci;
    if (!xc || xkc_domain_info(xc, (uint32_t)id, &ci) < 0 || ci.dying)
        return -1;
    xkl__uuid_format(ci.handle, uuid);
    if (strcmp(end + 1, uuid) != 0)
        return -1;
    char *now = xkl__xs_readf(ctx, "/local/domain/%lu/name", id);
    bool same = now && strcmp(now, name) == 0;
    free(now);
    if (!same)
        return -1;
    *domid = (uint32_t)id;
    return 0;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The markers, sorted (".UUID.DOMID" file names): which domains the
 * index has. *n 0 without an index. -1 only when out of memory. */
static int markers(xkl_ctx *ctx, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    char dir[600];
    if (path_of(ctx, dir, sizeof dir, "", "") < 0)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **v = NULL;
    size_t nv = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] != '.' || strlen(de->d_name) < 38 || !strncmp(de->d_name, ".tmp.", 5))
            continue;
        if (nv == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **nvv = realloc(v, nc * sizeof *v);
            if (!nvv)
                goto oom;
            v = nvv;
            cap = nc;
        }
        if (!(v[nv] = strdup(de->d_name)))
            goto oom;
        nv++;
    }
    closedir(d);
    qsort(v, nv, sizeof *v, by_str);
    *out = v;
    *n = nv;
    return 0;
oom:
    closedir(d);
    for (size_t i = 0; i < nv; i++)
        free(v[i]);
    free(v);
    return xkl__err(ctx, ENOMEM, "name index: %s", strerror(ENOMEM));
}

/* trust: on a miss, skip the domains the index has (their name is the
 * indexed one, else the index would have hit) */
static int find(xkl_ctx *ctx, const char *name, uint32_t *domid, bool trust)
{
    if (from_index(ctx, name, domid) == 0)
        return 0;
    struct xkc_dominfo *ci;
    size_t n;
    if (xkl__domains(ctx, "find domain", &ci, &n) < 0)
        return xkl__err_wrap(ctx, "domain '%s'", name);
    /* the names of the domains the index does not have, all at once */
    bool *skip = calloc(n ? n : 1, sizeof *skip);
    int r = skip ? 0 : xkl__err(ctx, ENOMEM, "domain '%s': %s", name, strerror(ENOMEM));
    char **mk = NULL, **names = NULL;
    size_t nmk = 0;
    if (r == 0 && trust)
        r = markers(ctx, &mk, &nmk);
    for (size_t i = 0; i < n && r == 0; i++) {
        char uuid[37], file[64];
        const char *key = file;
        xkl__uuid_format(ci[i].handle, uuid);
        snprintf(file, sizeof file, ".%s.%u", uuid, ci[i].domid);
        /* ours, called something else (else the index had it); by domid
         * too: another toolstack may have restarted it since */
        skip[i] = ci[i].dying || (nmk && bsearch(&key, mk, nmk, sizeof *mk, by_str));
    }
    if (r == 0 && !xkl__xs(ctx))
        r = xkl__err_wrap(ctx, "domain '%s'", name);
    if (r == 0)
        r = xkl__read_names(ctx, ci, n, skip, &names, "find domain");
    int found = -1;
    for (size_t i = 0; r == 0 && i < n; i++) {
        if (found < 0 && names[i] && strcmp(names[i], name) == 0)
            found = (int)ci[i].domid;
        free(names[i]);
    }
    free(names);
    free(skip);
    free(ci);
    for (size_t i = 0; i < nmk; i++)
        free(mk[i]);
    free(mk);
    if (r < 0)
        return -1;
    if (found < 0 && strcmp(name, "Domain-0") == 0)
        found = 0;
    if (found < 0)
        return xkl__err(ctx, ESRCH, "domain '%s': no such domain", name);
    *domid = (uint32_t)found;
    return 0;
}

int xkl__find_name(xkl_ctx *ctx, const char *name, uint32_t *domid)
{
    return find(ctx, name, domid, false);
}

int xkl__name_taken(xkl_ctx *ctx, const char *name, uint32_t *domid)
{
    return find(ctx, name, domid, true);
}
