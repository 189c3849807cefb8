/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl top: the host and its domains in real time, as xentop shows them
 * (Xen's xl top runs xentop; we draw the same table ourselves). Full
 * screen with ncurses, or with -b in batch for scripts: the table every
 * -d seconds (default 3), -i times, in xentop's columns. -n, -x and -v add
 * each domain's networks, disks and vcpus; -r repeats the heading before
 * each domain; -f does not cut names to 10 characters. Keys in full
 * screen: q quits, n x v r f toggle those, d D change the delay.
 */
#include "life.h"

#include <curses.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xen/sched.h>
#include <xkit/ctrl.h>

XL_CMD(top);

struct top_opts {
    bool batch, nets, vbds, vcpus, repeat, full_name;
    unsigned delay;
    long iterations; /* -1: until stopped */
};

/* one sample of everything the table shows */
struct sample {
    struct xkl_dominfo *doms;
    size_t ndoms;
    struct xkl_net_stats *nets;
    size_t nnets;
    struct xkl_vbd_stats *vbds;
    size_t nvbds;
    uint64_t when_ns;
    uint64_t total_kb, free_kb;
    unsigned nr_cpus, cpu_mhz;
};

static void sample_free(struct sample *s)
{
    free(s->doms);
    free(s->nets);
    free(s->vbds);
    memset(s, 0, sizeof *s);
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

static int sample_take(xkl_ctx *ctx, xkc_handle *xc, struct sample *s)
{
    memset(s, 0, sizeof *s);
    struct xkc_physinfo pi;
    if (xkc_physinfo(xc, &pi) < 0) {
        xl_err("top: %s", xkc_error(xc));
        return -1;
    }
    s->total_kb = pi.total_pages * 4;
    s->free_kb = pi.free_pages * 4;
    s->nr_cpus = pi.nr_cpus;
    s->cpu_mhz = pi.cpu_khz / 1000;
    s->when_ns = now_ns();
    if (xkl_domain_list(ctx, &s->doms, &s->ndoms) < 0 || xkl_net_stats_all(ctx, &s->nets, &s->nnets) < 0 ||
        xkl_vbd_stats_all(ctx, &s->vbds, &s->nvbds) < 0) {
        xl_ctx_fail(ctx);
        sample_free(s);
        return -1;
    }
    return 0;
}

/* Output goes to stdout (batch) or the curses screen, line by line. */
struct out {
    bool curses;
    int row;
    int name_width; /* 10, or with -f the longest name (xentop's) */
};

static void line(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(struct out *o, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!o->curses) {
        puts(buf);
        return;
    }
    if (o->row < LINES)
        mvaddnstr(o->row, 0, buf, COLS);
    o->row++;
}

static void heading(struct out *o)
{
    if (o->curses)
        attron(A_REVERSE);
    line(o, "%*s %6s %10s %6s %10s %6s %10s %9s %5s %4s %8s %8s %4s %8s %8s %8s %10s %10s %4s", o->name_width, "NAME", "STATE",
         "CPU(sec)", "CPU(%)", "MEM(k)", "MEM(%)", "MAXMEM(k)", "MAXMEM(%)", "VCPUS", "NETS", "NETTX(k)",
         "NETRX(k)", "VBDS", "VBD_OO", "VBD_RD", "VBD_WR", "VBD_RSECT", "VBD_WSECT", "SSID");
    if (o->curses)
        attroff(A_REVERSE);
}

static const struct xkl_dominfo *prev_of(const struct sample *p, uint32_t domid)
{
    for (size_t i = 0; p && i < p->ndoms; i++)
        if (p->doms[i].domid == domid)
            return &p->doms[i];
    return NULL;
}

static bool crashed(const struct xkl_dominfo *d)
{
    return d->shutdown && d->shutdown_reason == SHUTDOWN_crash;
}

static void domain_rows(struct out *o, xkl_ctx *ctx, const struct top_opts *t, const struct sample *s,
                        const struct sample *prev, const struct xkl_dominfo *d)
{
    char name[16];
    const char *n = d->name[0] ? d->name : "(null)";
    if (!t->full_name) {
        snprintf(name, sizeof name, "%.10s", n);
        n = name;
    }
    char st[7] = { d->dying ? 'd' : '-', d->shutdown ? 's' : '-', d->blocked ? 'b' : '-',
                   crashed(d) ? 'c' : '-',
                   d->paused ? 'p' : '-', d->running ? 'r' : '-', 0 };
    double cpu_pct = 0;
    const struct xkl_dominfo *pd = prev_of(prev, d->domid);
    if (pd && s->when_ns > prev->when_ns && d->cpu_time_ns >= pd->cpu_time_ns)
        cpu_pct = (double)(d->cpu_time_ns - pd->cpu_time_ns) * 100.0 / (double)(s->when_ns - prev->when_ns);
    uint64_t mem = d->mem_kb - d->outstanding_kb;
    unsigned nets = 0, vbds = 0;
    uint64_t tx = 0, rx = 0, oo = 0, rd = 0, wr = 0, rs = 0, ws = 0;
    for (size_t i = 0; i < s->nnets; i++)
        if (s->nets[i].domid == d->domid) {
            nets++;
            tx += s->nets[i].tx_bytes;
            rx += s->nets[i].rx_bytes;
        }
    for (size_t i = 0; i < s->nvbds; i++)
        if (s->vbds[i].domid == d->domid) {
            vbds++;
            oo += s->vbds[i].oo_req;
            rd += s->vbds[i].rd_req;
            wr += s->vbds[i].wr_req;
            rs += s->vbds[i].rd_sect;
            ws += s->vbds[i].wr_sect;
        }
    double tot = s->total_kb ? (double)s->total_kb : 1;
    if (t->repeat)
        heading(o);
    line(o, "%*s %6s %10llu %6.1f %10llu %6.1f %10llu %9.1f %5u %4u %8llu %8llu %4u %8llu %8llu %8llu %10llu %10llu %4u",
         o->name_width, n, st, (unsigned long long)(d->cpu_time_ns / 1000000000ULL), cpu_pct, (unsigned long long)mem,
         (double)mem * 100.0 / tot, (unsigned long long)d->max_kb, (double)d->max_kb * 100.0 / tot,
         d->vcpus_online, nets, (unsigned long long)(tx / 1024), (unsigned long long)(rx / 1024), vbds,
         (unsigned long long)oo, (unsigned long long)rd, (unsigned long long)wr, (unsigned long long)rs,
         (unsigned long long)ws, d->ssidref);
    if (t->vcpus) {
        struct xkl_vcpuinfo *v = NULL;
        unsigned nv = 0;
        char buf[480];
        size_t at = (size_t)snprintf(buf, sizeof buf, "VCPUs(sec): ");
        if (xkl_vcpu_list(ctx, d->domid, &v, &nv) == 0)
            for (unsigned i = 0; i < nv && at < sizeof buf; i++)
                at += (size_t)snprintf(buf + at, sizeof buf - at, "%3u: %10llus", v[i].vcpu,
                                       (unsigned long long)(v[i].cpu_time_ns / 1000000000ULL));
        free(v);
        line(o, "%s", buf);
    }
    if (t->nets)
        for (size_t i = 0; i < s->nnets; i++) {
            const struct xkl_net_stats *x = &s->nets[i];
            if (x->domid != d->domid)
                continue;
            line(o, "Net%u RX: %8llubytes %8llupkts %8lluerr %8lludrop  TX: %8llubytes %8llupkts %8lluerr %8lludrop",
                 x->devid, (unsigned long long)x->rx_bytes, (unsigned long long)x->rx_packets,
                 (unsigned long long)x->rx_errors, (unsigned long long)x->rx_drops,
                 (unsigned long long)x->tx_bytes, (unsigned long long)x->tx_packets,
                 (unsigned long long)x->tx_errors, (unsigned long long)x->tx_drops);
        }
    if (t->vbds)
        for (size_t i = 0; i < s->nvbds; i++) {
            const struct xkl_vbd_stats *x = &s->vbds[i];
            if (x->domid != d->domid)
                continue;
            line(o, "VBD BlkBack %4u [%2x:%2x]  OO: %8llu   RD: %8llu   WR: %8llu  RSECT: %10llu  WSECT: %10llu",
                 x->devid, (x->devid >> 8) & 0xff, x->devid & 0xff, (unsigned long long)x->oo_req,
                 (unsigned long long)x->rd_req, (unsigned long long)x->wr_req, (unsigned long long)x->rd_sect,
                 (unsigned long long)x->wr_sect);
        }
}

/* the full screen's summary above the table */
static void summary(struct out *o, xkc_handle *xc, const struct sample *s)
{
    struct xkc_xen_version v;
    char ver[64] = "";
    if (xkc_xen_version(xc, &v) == 0)
        snprintf(ver, sizeof ver, "Xen %u.%u%s", v.major, v.minor, v.extra);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    line(o, "xl top - %02d:%02d:%02d   %s", tm.tm_hour, tm.tm_min, tm.tm_sec, ver);
    unsigned run = 0, blk = 0, pau = 0, cra = 0, dyi = 0, shu = 0;
    for (size_t i = 0; i < s->ndoms; i++) {
        const struct xkl_dominfo *d = &s->doms[i];
        run += d->running;
        blk += d->blocked;
        pau += d->paused;
        cra += crashed(d);
        dyi += d->dying;
        shu += d->shutdown;
    }
    line(o, "%zu domains: %u running, %u blocked, %u paused, %u crashed, %u dying, %u shutdown ", s->ndoms, run,
         blk, pau, cra, dyi, shu);
    line(o, "Mem: %lluk total, %lluk used, %lluk free    CPUs: %u @ %uMHz", (unsigned long long)s->total_kb,
         (unsigned long long)(s->total_kb - s->free_kb), (unsigned long long)s->free_kb, s->nr_cpus, s->cpu_mhz);
    line(o, "%s", "");
}

static int run_top(const struct top_opts *t0)
{
    struct top_opts t = *t0;
    xkl_ctx *ctx = xl_ctx_open();
    char err[256];
    xkc_handle *xc = ctx ? xkc_open(err, sizeof err) : NULL;
    if (ctx && !xc)
        xl_err("top: %s", err);
    int rc = ctx && xc ? XL_OK : XL_FAIL;
    struct sample prev = { 0 }, cur;
    bool have_prev = false;
    struct out o = { .curses = !t.batch };
    if (rc == XL_OK && o.curses) {
        if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) || !initscr()) {
            xl_err("top: not a terminal: use -b (batch) to print the table");
            rc = XL_FAIL;
        } else {
            cbreak();
            noecho();
            curs_set(0);
        }
    }
    for (long it = 0; rc == XL_OK && (t.iterations < 0 || it < t.iterations); it++) {
        if (sample_take(ctx, xc, &cur) < 0) {
            rc = XL_FAIL;
            break;
        }
        o.row = 0;
        o.name_width = 10;
        for (size_t i = 0; t.full_name && i < cur.ndoms; i++) {
            int w = cur.doms[i].name[0] ? (int)strlen(cur.doms[i].name) : 6;
            o.name_width = w > o.name_width ? w : o.name_width;
        }
        if (o.curses) {
            erase();
            summary(&o, xc, &cur);
        }
        if (!t.repeat)
            heading(&o);
        for (size_t i = 0; i < cur.ndoms; i++)
            domain_rows(&o, ctx, &t, &cur, have_prev ? &prev : NULL, &cur.doms[i]);
        if (o.curses) {
            if (o.row < LINES)
                mvaddnstr(LINES - 1, 0, "q quit  n networks  x disks  v vcpus  r headings  f names  d/D delay", COLS);
            refresh();
        } else if (fflush(stdout) != 0) {
            rc = XL_FAIL;
            break;
        }
        if (have_prev)
            sample_free(&prev);
        prev = cur;
        have_prev = true;
        if (t.iterations >= 0 && it + 1 >= t.iterations)
            break;
        /* wait the delay; in full screen a key ends the wait */
        struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
        int w = poll(o.curses ? &p : NULL, o.curses ? 1 : 0, (int)t.delay * 1000);
        if (w > 0 && o.curses) {
            int c = getch();
            switch (c) {
            case 'q': case 'Q': t.iterations = it + 1; break;
            case 'n': case 'N': t.nets = !t.nets; break;
            case 'x': case 'X': t.vbds = !t.vbds; break;
            case 'v': case 'V': t.vcpus = !t.vcpus; break;
            case 'r': case 'R': t.repeat = !t.repeat; break;
            case 'f': case 'F': t.full_name = !t.full_name; break;
            case 'd': if (t.delay > 1) t.delay--; break;
            case 'D': if (t.delay < 3600) t.delay++; break;
            }
        }
    }
    if (o.curses && rc == XL_OK)
        endwin();
    if (have_prev)
        sample_free(&prev);
    xkc_close(xc);
    xkl_ctx_close(ctx);
    return rc;
}

int cmd_top(int argc, char **argv)
{
    static const struct option lo[] = {
        { "delay", required_argument, NULL, 'd' }, { "networks", no_argument, NULL, 'n' },
        { "vbds", no_argument, NULL, 'x' },         { "repeat-header", no_argument, NULL, 'r' },
        { "vcpus", no_argument, NULL, 'v' },        { "batch", no_argument, NULL, 'b' },
        { "iterations", required_argument, NULL, 'i' }, { "full-name", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
    };
    struct top_opts t = { .delay = 3, .iterations = -1 };
    unsigned long v;
    int opt;
    XL_FOREACH_OPT(opt, "d:nxrvbi:f", lo, 0) {
        case 'd':
            if (xl_parse_uint(optarg, 1, 3600, &v) < 0) {
                xl_err("top: -d %s: seconds between updates, 1 to 3600", optarg);
                return XL_USAGE;
            }
            t.delay = (unsigned)v;
            break;
        case 'i':
            if (xl_parse_uint(optarg, 1, 1000000, &v) < 0) {
                xl_err("top: -i %s: a number of iterations", optarg);
                return XL_USAGE;
            }
            t.iterations = (long)v;
            break;
        case 'n': t.nets = true; break;
        case 'x': t.vbds = true; break;
        case 'r': t.repeat = true; break;
        case 'v': t.vcpus = true; break;
        case 'b': t.batch = true; break;
        case 'f': t.full_name = true; break;
    }
    xl_extra_args(argc, argv, 0);
    return run_top(&t);
}
