/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lab test of libxkguest against a real Xen: create a PV, PVH or HVM domain with
 * libxkctrl, build it with libxkguest from a kernel (+ ramdisk, command
 * line), unpause it and read its console ring directly through a foreign
 * mapping of the console page (no xenconsoled, no xenstore needed: the
 * domain is never introduced), until a marker appears. Prints the build
 * time and the peak RSS (ru_maxrss) of the whole process. Destroys the
 * domain in every case.
 *
 *   guest_boot -t pv|pvh|hvm -k KERNEL [-r RAMDISK] [-c CMDLINE] [-m MiB]
 *              [-M MARKER] [-T SECONDS] [-b] [-x EXPECTED-ERROR]
 *   -b  build only (no unpause): for memory/time measurements
 *   -x  the build must fail with an error containing EXPECTED-ERROR, and
 *       the domain must be left with no memory
 *   (hvm: KERNEL is the firmware, e.g. hvmloader, and RAMDISK the blob it
 *   hands on, e.g. SeaBIOS; no device model runs)
 *   -S  populate with 4 KiB pages only (no 2 MiB superpages)
 *   -I  introduce the domain to xenstored (with /local/domain/N, name and
 *       memory/target) so that a Linux guest's xenbus works; the console
 *       keys are not written, so xenconsoled leaves the ring to us
 *   -B  (hvm, implies -I) hvmloader/bios = BIOS (seabios, ovmf) and
 *       hvmloader/allow-memory-relocate = 0, as libxl writes them
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <xen/io/console.h>
#include <xkit/ctrl.h>
#include <xkit/guest.h>
#include <xkit/light.h>

static xkc_handle *h;
static uint32_t domid;
static xkl_xs *xs;
static bool introduced;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void dump_xen_log(void)
{
    char *log = NULL;
    size_t len = 0;
    if (xkc_dmesg(h, false, &log, &len) == 0 && log) {
        /* the last 3000 bytes tell what Xen thought of our guest */
        const char *p = len > 3000 ? log + len - 3000 : log;
        printf("--- Xen console (tail):\n%s\n---\n", p);
    }
    free(log);
}

static void cleanup(void)
{
    if (xs) {
        char path[64];
        snprintf(path, sizeof(path), "/local/domain/%u", domid);
        if (introduced && xkl_xs_release(xs, domid) < 0)
            printf("guest_boot: release domain %u: %s\n", domid, xkl_xs_error(xs));
        xkl_xs_rm(xs, XKL_XS_TX_NONE, path);
        xkl_xs_close(xs);
        xs = NULL;
    }
    if (domid) {
        if (xkc_domain_destroy(h, domid) < 0)
            printf("guest_boot: destroy domain %u: %s\n", domid, xkc_error(h));
        domid = 0;
    }
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    cleanup();
    exit(1);
}

static void xs_write(const char *path, const char *val)
{
    if (xkl_xs_write(xs, XKL_XS_TX_NONE, path, val, strlen(val)) < 0)
        die("xenstore write %s: %s", path, xkl_xs_error(xs));
}

static const char *bios;   /* -B: hvmloader/bios */

static void introduce(const struct xkg_build_result *res, unsigned mem_mib)
{
    xs = xkl_xs_open(0);
    if (!xs)
        die("open xenstore: %s", strerror(errno));
    char path[96], val[64];
    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    if (xkl_xs_mkdir(xs, XKL_XS_TX_NONE, path) < 0)
        die("xenstore mkdir %s: %s", path, xkl_xs_error(xs));
    struct xkl_xs_perm perms[2] = { { 0, XKL_XS_PERM_NONE }, { domid, XKL_XS_PERM_READ } };
    if (xkl_xs_set_perms(xs, XKL_XS_TX_NONE, path, perms, 2) < 0)
        die("xenstore set perms %s: %s", path, xkl_xs_error(xs));
    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    snprintf(val, sizeof(val), "guest-boot-%u", domid);
    xs_write(path, val);
    snprintf(path, sizeof(path), "/local/domain/%u/domid", domid);
    snprintf(val, sizeof(val), "%u", domid);
    xs_write(path, val);
    snprintf(path, sizeof(path), "/local/domain/%u/memory/target", domid);
    snprintf(val, sizeof(val), "%u", mem_mib * 1024);
    xs_write(path, val);
    if (bios) {   /* what hvmloader reads (libxl writes both for qemu-xen) */
        snprintf(path, sizeof(path), "/local/domain/%u/hvmloader/bios", domid);
        xs_write(path, bios);
        snprintf(path, sizeof(path), "/local/domain/%u/hvmloader/allow-memory-relocate", domid);
        xs_write(path, "0");
    }
    if (xkl_xs_introduce(xs, domid, (unsigned long)res->xenstore_gfn, res->xenstore_port) < 0)
        die("xenstore introduce domain %u: %s", domid, xkl_xs_error(xs));
    introduced = true;
    printf("guest_boot: introduced domain %u to xenstored (gfn %#" PRIx64 ", port %u)\n",
           domid, res->xenstore_gfn, res->xenstore_port);
}

int main(int argc, char **argv)
{
    const char *type = "pv", *kernel = NULL, *ramdisk = NULL, *cmdline = "", *marker = NULL;
    const char *expect_err = NULL;
    unsigned mem_mib = 64, timeout = 60;
    bool build_only = false, do_introduce = false, small_pages = false;
    int o;
    while ((o = getopt(argc, argv, "t:k:r:c:m:M:T:bx:ISB:")) != -1) {
        switch (o) {
        case 't': type = optarg; break;
        case 'k': kernel = optarg; break;
        case 'r': ramdisk = optarg; break;
        case 'c': cmdline = optarg; break;
        case 'm': mem_mib = (unsigned)strtoul(optarg, NULL, 0); break;
        case 'M': marker = optarg; break;
        case 'T': timeout = (unsigned)strtoul(optarg, NULL, 0); break;
        case 'b': build_only = true; break;
        case 'x': expect_err = optarg; break;
        case 'I': do_introduce = true; break;
        case 'B': bios = optarg; do_introduce = true; break;
        case 'S': small_pages = true; break;
        default:
            fprintf(stderr, "usage: %s -t pv|pvh|hvm -k KERNEL [-r RAMDISK] [-c CMDLINE] [-m MiB] "
                    "[-M MARKER] [-T SECONDS] [-b] [-x ERROR] [-I] [-S] [-B BIOS]\n", argv[0]);
            return 2;
        }
    }
    if (!kernel)
        die("no kernel (-k)");
    enum xkg_type gt = !strcmp(type, "pvh") ? XKG_TYPE_PVH
                     : !strcmp(type, "hvm") ? XKG_TYPE_HVM : XKG_TYPE_PV;
    setvbuf(stdout, NULL, _IOLBF, 0);

    char err[512];
    h = xkc_open(err, sizeof(err));
    if (!h)
        die("xkc_open: %s", err);
    double t0 = now();
    /* lazy: a compressed kernel is decoded straight into guest memory */
    xkg_image *img = xkg_image_open(kernel, 0, err, sizeof(err));
    if (!img)
        die("%s", err);
    const struct xkg_image_info *in = xkg_image_info(img);
    printf("guest_boot: kernel %s: ELF%u%s%s, %zu bytes (file %zu), guest_os \"%s\", loaded in "
           "%.3f s, rss %ld KiB\n", kernel, in->elf_class, in->bzimage ? " in bzImage" : "",
           in->compression ? xkg_compression_name(in->compression) : "", in->elf_size,
           in->file_size, in->xen.guest_os, now() - t0, maxrss_kb());

    struct xkc_domain_config dc;
    xkc_domain_config_init(&dc, gt == XKG_TYPE_PVH ? XKC_DOMAIN_PVH
                                : gt == XKG_TYPE_HVM ? XKC_DOMAIN_HVM : XKC_DOMAIN_PV);
    dc.max_vcpus = 1;
    if (xkc_domain_create(h, &dc, &domid) < 0)
        die("create domain: %s", xkc_error(h));
    printf("guest_boot: created %s domain %u\n", xkg_type_name(gt), domid);
    if (xkc_domain_max_vcpus(h, domid, 1) < 0)
        die("max vcpus: %s", xkc_error(h));
    /* room for the RAM plus the special pages PVH and HVM add and some slack */
    if (xkc_domain_set_maxmem(h, domid, (uint64_t)mem_mib * 1024 + 1024) < 0)
        die("maxmem: %s", xkc_error(h));
    if (gt != XKG_TYPE_PV && xkc_domain_set_tsc(h, domid, 2 /* native: TCG */, 0, 0, 0) < 0)
        die("tsc mode: %s", xkc_error(h));

    struct xkg_build_cfg cfg;
    xkg_build_cfg_init(&cfg, gt);
    cfg.kernel = img;
    cfg.ramdisk_path = ramdisk;
    cfg.cmdline = cmdline;
    cfg.mem_kb = (uint64_t)mem_mib * 1024;
    cfg.no_superpages = small_pages;
    struct xkg_build_result res;
    long rss_before = maxrss_kb();
    int rc = xkg_build(h, domid, &cfg, &res, err, sizeof(err));
    if (expect_err) {
        if (rc == 0)
            die("build succeeded, expected an error containing \"%s\"", expect_err);
        printf("guest_boot: build failed as expected: %s\n", err);
        if (!strstr(err, expect_err))
            die("error does not contain \"%s\"", expect_err);
        struct xkc_dominfo di;
        if (xkc_domain_info(h, domid, &di) < 0)
            die("domain info: %s", xkc_error(h));
        printf("guest_boot: domain %u holds %" PRIu64 " pages after the failed build\n", domid,
               di.tot_pages);
        /* the builder gave back what it populated (Xen may keep a few pages
         * of its own, e.g. for PVH's paging structures) */
        if (di.tot_pages > 64)
            die("failed build left %" PRIu64 " pages in the domain", di.tot_pages);
        xkg_image_free(img);
        cleanup();
        xkc_close(h);
        printf("PASS\n");
        return 0;
    }
    if (rc < 0) {
        printf("FAIL: %s\n", err);
        dump_xen_log();
        die("build");
    }
    printf("guest_boot: built in %.3f s: %" PRIu64 " pages (%" PRIu64 " x 2 MiB), ramdisk %"
           PRIu64 " bytes, entry %#" PRIx64 ", start info %#" PRIx64 ", console gfn %#" PRIx64
           " port %u, xenstore gfn %#" PRIx64 " port %u\n", res.seconds, res.nr_pages,
           res.superpages, res.ramdisk_bytes, res.entry, res.start_info, res.console_gfn,
           res.console_port, res.xenstore_gfn, res.xenstore_port);
    printf("guest_boot: peak RSS %ld KiB (before build %ld KiB; kernel ELF %zu KiB, ramdisk %"
           PRIu64 " KiB)\n", maxrss_kb(), rss_before, in->elf_size >> 10,
           res.ramdisk_bytes >> 10);
    xkg_image_free(img);

    if (build_only) {
        cleanup();
        xkc_close(h);
        printf("PASS\n");
        return 0;
    }

    if (do_introduce)
        introduce(&res, mem_mib);
    xen_pfn_t cf = (xen_pfn_t)res.console_gfn;
    struct xencons_interface *con = xkc_foreign_map(h, domid, PROT_READ | PROT_WRITE, &cf, NULL, 1);
    if (!con)
        die("map console page: %s", xkc_error(h));
    uint32_t lport = 0;
    bool bound = xkc_evtchn_bind_interdomain(h, domid, res.console_port, &lport) == 0;
    if (!bound)
        printf("guest_boot: (no console event channel: %s)\n", xkc_error(h));
    double t1 = now();
    if (xkc_domain_unpause(h, domid) < 0)
        die("unpause: %s", xkc_error(h));

    /* consume the ring like a console daemon, line by line */
    char line[1024];
    size_t ll = 0;
    bool seen = false;
    double seen_at = 0;
    while (now() - t1 < timeout && !(seen && now() - seen_at > 0.5)) {
        XENCONS_RING_IDX cons = con->out_cons, prod = con->out_prod;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (prod - cons > sizeof(con->out))
            die("console ring indices corrupt (prod %u cons %u)", prod, cons);
        while (cons != prod) {
            char c = con->out[MASK_XENCONS_IDX(cons++, con->out)];
            if (c == '\r')
                continue;
            if (c == '\n' || ll == sizeof(line) - 1) {
                line[ll] = 0;
                printf("[d%u %.2fs] %s\n", domid, now() - t1, line);
                if (marker && !seen && strstr(line, marker)) {
                    seen = true;
                    seen_at = now();
                    printf("guest_boot: marker \"%s\" after %.2f s\n", marker, seen_at - t1);
                }
                ll = 0;
            } else {
                line[ll++] = c;
            }
        }
        __atomic_thread_fence(__ATOMIC_RELEASE);
        con->out_cons = cons;
        if (bound)
            xkc_evtchn_notify(h, lport);
        struct xkc_dominfo di;
        if (xkc_domain_info(h, domid, &di) == 0 && di.shutdown) {
            printf("guest_boot: domain shut down, reason %u\n", di.shutdown_reason);
            if (!seen) {
                /* drain what is left */
                cons = con->out_cons;
                prod = con->out_prod;
                while (cons != prod && prod - cons <= sizeof(con->out))
                    putchar(con->out[MASK_XENCONS_IDX(cons++, con->out)]);
            }
            break;
        }
        usleep(20000);
    }
    if (ll) {
        line[ll] = 0;
        printf("[d%u] %s\n", domid, line);
        if (marker && strstr(line, marker))
            seen = true;
    }
    if (bound)
        xkc_evtchn_unbind(h, lport);
    xkc_foreign_unmap(h, con, 1);
    if (marker && !seen) {
        dump_xen_log();
        die("no \"%s\" on the console within %u s", marker, timeout);
    }
    cleanup();
    xkc_close(h);
    printf("PASS\n");
    return 0;
}
