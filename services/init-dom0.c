/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * init-dom0: dom0's own entries in a new xenstore, run once after the
 * store daemon starts (what Xen's xen-init-dom0 does, with xkit's
 * libraries): /local/domain/0/domid and /local/domain/0/name, the name
 * of cpupool 0 (/local/pool/0/name, Pool-0), and the stub configuration
 * libxl keeps for dom0 (so that Xen's own xl, if the host also has it,
 * creates guests and lists dom0 with -l as ours does).
 *
 *   init-dom0 [--wait SECONDS] [NAME]      NAME: dom0's name (Domain-0)
 *
 * A store that already has both entries is left alone (exit 0), as a
 * second start of the service must not rename dom0.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xkit/ctrl.h>
#include <xkit/light/domain.h>
#include <xkit/light/xs.h>

#define DOMID_PATH "/local/domain/0/domid"
#define NAME_PATH "/local/domain/0/name"
#define POOL0_PATH "/local/pool/0/name"
/* libxl's per-domain user data: userdata-d.<domid>.<uuid>.<key> */
#define LIBXL_DIR "/var/lib/xen"

static void usage(FILE *f)
{
    fprintf(f, "Usage: init-dom0 [--wait SECONDS] [NAME]\n"
               "Write dom0's entries in xenstore (domid, name: NAME, Domain-0 by default)\n"
               "and libxl's stub configuration of dom0, once after xenstored starts.\n"
               "  -w, --wait=SECONDS  wait that long for xenstored to answer (0: do not)\n");
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The store, once it answers (a read of / succeeds), within wait s. */
static xkl_xs *connect_store(unsigned wait)
{
    double end = now() + wait;
    for (;;) {
        xkl_xs *xs = xkl_xs_open(0);
        if (xs) {
            xkl_xs_set_timeout(xs, 5000);
            unsigned n;
            char **d = xkl_xs_directory(xs, XKL_XS_TX_NONE, "/", &n);
            if (d) {
                free(d);
                return xs;
            }
            xkl_xs_close(xs);
        }
        if (now() >= end)
            return NULL;
        usleep(100 * 1000);
    }
}

struct names {
    const char *name;
};

static int write_entries(xkl_xs *xs, xkl_xs_tx tx, void *arg)
{
    const struct names *n = arg;
    if (xkl_xs_write(xs, tx, DOMID_PATH, "0", 1) < 0 ||
        xkl_xs_write(xs, tx, NAME_PATH, n->name, strlen(n->name)) < 0)
        return -1;
    /* the name libxl (Xen's xl) looks its default cpupool up by; one an
     * admin gave the pool stays */
    char *pool = xkl_xs_read(xs, tx, POOL0_PATH, NULL);
    if (pool) {
        free(pool);
        return 0;
    }
    return errno == ENOENT ? xkl_xs_write(xs, tx, POOL0_PATH, "Pool-0", 6) : -1;
}

/* libxl's stub for dom0: what its own dom0 helper writes (the type and
 * empty defaults, the name is xenstore's), so that libxl (Xen's xl) finds
 * a configuration for domain 0. libxl keeps its user data as a C string,
 * terminating NUL included, readable by root only. Written through a
 * temporary file and a rename, never half there. */
static int write_libxl_stub(const char *uuid)
{
    struct stat st;
    if (stat(LIBXL_DIR, &st) < 0 || !S_ISDIR(st.st_mode))
        return 0;   /* no libxl on this host: nothing of its to keep */
    char path[256], tmp[272];
    snprintf(path, sizeof path, LIBXL_DIR "/userdata-d.0.%s.libxl-json", uuid);
    if (!access(path, F_OK))
        return 0;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    static const char stub[] =
        "{\n"
        "    \"c_info\": {\n"
        "        \"type\": \"pv\"\n"
        "    },\n"
        "    \"b_info\": {\n"
        "        \"sched_params\": {\n\n"
        "        },\n"
        "        \"type.pv\": {\n\n"
        "        },\n"
        "        \"arch_arm\": {\n\n"
        "        },\n"
        "        \"arch_x86\": {\n\n"
        "        }\n"
        "    }\n"
        "}\n";
    /* sizeof: the NUL goes in too */
    bool ok = write(fd, stub, sizeof stub) == (ssize_t)sizeof stub;
    int e = errno;
    if (close(fd) < 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok || rename(tmp, path) < 0) {
        if (ok)
            e = errno;
        unlink(tmp);
        errno = e;
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "wait", required_argument, NULL, 'w' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    unsigned wait = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "w:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'w': {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (end == optarg || *end || v > 3600) {
                fprintf(stderr, "init-dom0: --wait '%s': seconds, 0 to 3600\n", optarg);
                return 2;
            }
            wait = (unsigned)v;
            break;
        }
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (argc - optind > 1) {
        usage(stderr);
        return 2;
    }
    struct names n = { optind < argc ? argv[optind] : "Domain-0" };
    if (!*n.name || strlen(n.name) > 128 || strchr(n.name, '/')) {
        fprintf(stderr, "init-dom0: name '%s': 1 to 128 characters, no '/'\n", n.name);
        return 2;
    }

    xkl_xs *xs = connect_store(wait);
    if (!xs) {
        fprintf(stderr, "init-dom0: xenstored does not answer%s: %s\n",
                wait ? " (waited)" : "", strerror(errno));
        return 1;
    }
    char *id = xkl_xs_read(xs, XKL_XS_TX_NONE, DOMID_PATH, NULL);
    char *nm = xkl_xs_read(xs, XKL_XS_TX_NONE, NAME_PATH, NULL);
    if (id && nm) {
        printf("init-dom0: dom0 already set up (name %s)\n", nm);
        free(id);
        free(nm);
        xkl_xs_close(xs);
        return 0;
    }
    free(id);
    free(nm);

    char err[256];
    xkc_handle *h = xkc_open(err, sizeof err);
    if (!h) {
        fprintf(stderr, "init-dom0: %s\n", err);
        xkl_xs_close(xs);
        return 1;
    }
    struct xkc_dominfo di;
    int rc = 0;
    if (xkc_domain_info(h, 0, &di) < 0) {
        fprintf(stderr, "init-dom0: %s\n", xkc_error(h));
        rc = 1;
    } else if (xkl_xs_tx_retry(xs, 8, write_entries, &n) < 0) {
        fprintf(stderr, "init-dom0: write %s and %s: %s\n", DOMID_PATH, NAME_PATH, xkl_xs_error(xs));
        rc = 1;
    } else {
        char uuid[37];
        xkl_uuid_format(di.handle, uuid);
        if (write_libxl_stub(uuid) < 0) {
            /* the store is set up; only Xen's own xl misses dom0's config */
            fprintf(stderr, "init-dom0: warning: libxl's dom0 configuration in " LIBXL_DIR
                            ": %s\n", strerror(errno));
        }
    }
    xkc_close(h);
    xkl_xs_close(xs);
    return rc;
}
