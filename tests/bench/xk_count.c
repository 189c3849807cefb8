/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xk_count.so: an LD_PRELOAD counter for the xl benchmark (tests/lab/
 * scenarios/bench-xl.sh). It counts, per process, what dominates a
 * toolstack command's cost, the same way for our xl and for Debian's xl
 * (whose libraries know nothing of our counters):
 *
 *   hypercalls   IOCTL_PRIVCMD_HYPERCALL on /dev/xen/privcmd (domctl and
 *                sysctl also apart), other privcmd ioctls (foreign maps)
 *   xs           xenstore requests written to xenstored's socket or to
 *                /dev/xen/xenbus, found by parsing the message headers in
 *                the written byte stream (transaction starts and watches
 *                also apart); every request costs one round trip
 *   evtchn/gntdev ioctls on those devices
 *
 * At exit each process appends one line to $XK_COUNT_OUT:
 *   pid=N hypercalls=N domctl=N sysctl=N privcmd_other=N xs=N xs_tx=N
 *   xs_watch=N evtchn=N gntdev=N, then the non-zero details:
 *   hc.<hypercall>=N domctl.<cmd>=N sysctl.<cmd>=N xs.<request>=N
 * A forked child starts from zero. Processes that exec or _exit write
 * nothing (the bench counts spawns from /proc/stat instead).
 *
 * Benchmark tool only: timings are taken without it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/sys/privcmd.h>
#include <xen/io/xs_wire.h>

#define MAX_FD 1024

enum { C_HC, C_DOMCTL, C_SYSCTL, C_PRIV_OTHER, C_XS, C_XS_TX, C_XS_WATCH,
       C_EVTCHN, C_GNTDEV, C_N };
static const char *const names[C_N] = {
    "hypercalls", "domctl", "sysctl", "privcmd_other", "xs", "xs_tx",
    "xs_watch", "evtchn", "gntdev",
};
static uint64_t counts[C_N];

/* details: per hypercall, domctl/sysctl command and xenstore request type */
#define NHC 64
#define NDOMCTL 128
#define NSYSCTL 64
#define NXS 32
static uint64_t hc_by_op[NHC], domctl_by_cmd[NDOMCTL], sysctl_by_cmd[NSYSCTL], xs_by_type[NXS];

static const char *const hc_names[NHC] = {
    [12] = "memory_op", [13] = "multicall", [17] = "xen_version", [20] = "grant_table_op",
    [24] = "vcpu_op", [26] = "mmuext_op", [27] = "xsm_op", [29] = "sched_op",
    [32] = "event_channel_op", [33] = "physdev_op", [34] = "hvm_op", [35] = "sysctl",
    [36] = "domctl", [41] = "dm_op", [42] = "hypfs_op",
};
static const char *const domctl_names[NDOMCTL] = {
    [1] = "createdomain", [2] = "destroydomain", [3] = "pausedomain", [4] = "unpausedomain",
    [5] = "getdomaininfo", [9] = "setvcpuaffinity", [11] = "max_mem", [12] = "setvcpucontext",
    [14] = "getvcpuinfo", [15] = "max_vcpus", [16] = "scheduler_op", [17] = "setdomainhandle",
    [22] = "hypercall_init", [24] = "settimeoffset", [25] = "getvcpuaffinity",
    [33] = "gethvmcontext", [34] = "sethvmcontext", [35] = "set_address_size",
    [49] = "set_cpuid", [51] = "set_machine_address_size", [58] = "disable_migrate",
    [60] = "settscinfo", [68] = "setnodeaffinity", [69] = "getnodeaffinity",
    [70] = "set_max_evtchn", [74] = "setvnumainfo", [80] = "set_gnttab_limits",
    [81] = "vuart_op", [82] = "get_cpu_policy", [83] = "set_cpu_policy",
    [85] = "get_paging_mempool_size", [86] = "set_paging_mempool_size",
};
static const char *const sysctl_names[NSYSCTL] = {
    [1] = "readconsole", [3] = "physinfo", [4] = "sched_id", [6] = "getdomaininfolist",
    [9] = "availheap", [16] = "cputopoinfo", [17] = "numainfo", [18] = "cpupool_op",
    [19] = "scheduler_op", [22] = "pcitopoinfo", [25] = "get_cpu_levelling_caps",
    [26] = "get_cpu_featureset", [29] = "get_cpu_policy",
};
static const char *const xs_names[NXS] = {
    [XS_CONTROL] = "control", [XS_DIRECTORY] = "directory", [XS_READ] = "read",
    [XS_GET_PERMS] = "get_perms", [XS_WATCH] = "watch", [XS_UNWATCH] = "unwatch",
    [XS_TRANSACTION_START] = "tx_start", [XS_TRANSACTION_END] = "tx_end",
    [XS_INTRODUCE] = "introduce", [XS_RELEASE] = "release",
    [XS_GET_DOMAIN_PATH] = "get_domain_path", [XS_WRITE] = "write", [XS_MKDIR] = "mkdir",
    [XS_RM] = "rm", [XS_SET_PERMS] = "set_perms", [XS_IS_DOMAIN_INTRODUCED] = "is_introduced",
    [XS_RESUME] = "resume", [XS_SET_TARGET] = "set_target",
    [XS_RESET_WATCHES] = "reset_watches", [XS_DIRECTORY_PART] = "directory_part",
};

static void bump_in(uint64_t *v, size_t n, uint64_t i)
{
    if (i < n)
        __atomic_add_fetch(&v[i], 1, __ATOMIC_RELAXED);
}

/* device numbers of the Xen character devices (0 when absent) */
static dev_t rdev_privcmd, rdev_xenbus, rdev_evtchn, rdev_gntdev;

/* xenstore byte-stream parser state, per fd */
struct xs_stream {
    unsigned char hdr[sizeof(struct xsd_sockmsg)];
    unsigned have;      /* header bytes seen */
    uint32_t body_left; /* payload bytes still to come */
};
static struct xs_stream streams[MAX_FD];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int (*real_ioctl)(int, unsigned long, ...);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_send)(int, const void *, size_t, int);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);

static void bump(int c)
{
    __atomic_add_fetch(&counts[c], 1, __ATOMIC_RELAXED);
}

static dev_t rdev_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISCHR(st.st_mode) ? st.st_rdev : 0;
}

enum kind { K_OTHER, K_PRIVCMD, K_XS, K_EVTCHN, K_GNTDEV };

static enum kind kind_of(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return K_OTHER;
    if (S_ISCHR(st.st_mode)) {
        if (st.st_rdev == 0)
            return K_OTHER;
        if (st.st_rdev == rdev_privcmd) return K_PRIVCMD;
        if (st.st_rdev == rdev_xenbus) return K_XS;
        if (st.st_rdev == rdev_evtchn) return K_EVTCHN;
        if (st.st_rdev == rdev_gntdev) return K_GNTDEV;
        return K_OTHER;
    }
    if (S_ISSOCK(st.st_mode)) {
        struct sockaddr_un sa;
        socklen_t len = sizeof sa;
        memset(&sa, 0, sizeof sa);
        if (getpeername(fd, (struct sockaddr *)&sa, &len) == 0 && sa.sun_family == AF_UNIX &&
            strstr(sa.sun_path, "xenstored"))
            return K_XS;
    }
    return K_OTHER;
}

/* Feed n written bytes of a xenstore stream; count each header completed. */
static void xs_feed(int fd, const unsigned char *p, size_t n)
{
    if (fd < 0 || fd >= MAX_FD)
        return;
    pthread_mutex_lock(&lock);
    struct xs_stream *s = &streams[fd];
    while (n > 0) {
        if (s->body_left > 0) {
            size_t k = n < s->body_left ? n : s->body_left;
            s->body_left -= (uint32_t)k;
            p += k;
            n -= k;
            continue;
        }
        size_t k = sizeof s->hdr - s->have;
        if (k > n)
            k = n;
        memcpy(s->hdr + s->have, p, k);
        s->have += (unsigned)k;
        p += k;
        n -= k;
        if (s->have == sizeof s->hdr) {
            struct xsd_sockmsg m;
            memcpy(&m, s->hdr, sizeof m);
            s->have = 0;
            s->body_left = m.len;
            bump(C_XS);
            bump_in(xs_by_type, NXS, m.type);
            if (m.type == XS_TRANSACTION_START)
                bump(C_XS_TX);
            else if (m.type == XS_WATCH)
                bump(C_XS_WATCH);
        }
    }
    pthread_mutex_unlock(&lock);
}

static void resolve(void)
{
    if (real_write)
        return;
    real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
    real_writev = (ssize_t (*)(int, const struct iovec *, int))dlsym(RTLD_NEXT, "writev");
    real_send = (ssize_t (*)(int, const void *, size_t, int))dlsym(RTLD_NEXT, "send");
    real_sendmsg = (ssize_t (*)(int, const struct msghdr *, int))dlsym(RTLD_NEXT, "sendmsg");
    real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
}

int ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    resolve();
    switch (kind_of(fd)) {
    case K_PRIVCMD:
        if (req == IOCTL_PRIVCMD_HYPERCALL) {
            bump(C_HC);
            const privcmd_hypercall_t *h = arg;
            /* domctl and sysctl pass one buffer whose first word is the
             * command; both toolstacks hand us their own valid buffers */
            const uint32_t *cmd = h ? (const uint32_t *)(uintptr_t)h->arg[0] : NULL;
            if (h)
                bump_in(hc_by_op, NHC, h->op);
            if (h && h->op == __HYPERVISOR_domctl) {
                bump(C_DOMCTL);
                if (cmd)
                    bump_in(domctl_by_cmd, NDOMCTL, *cmd);
            } else if (h && h->op == __HYPERVISOR_sysctl) {
                bump(C_SYSCTL);
                if (cmd)
                    bump_in(sysctl_by_cmd, NSYSCTL, *cmd);
            }
        } else {
            bump(C_PRIV_OTHER);
        }
        break;
    case K_EVTCHN: bump(C_EVTCHN); break;
    case K_GNTDEV: bump(C_GNTDEV); break;
    default: break;
    }
    return real_ioctl(fd, req, arg);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    resolve();
    ssize_t r = real_write(fd, buf, n);
    if (r > 0 && kind_of(fd) == K_XS)
        xs_feed(fd, buf, (size_t)r);
    return r;
}

static void feed_iov(int fd, const struct iovec *iov, int cnt, size_t done)
{
    for (int i = 0; i < cnt && done > 0; i++) {
        size_t k = iov[i].iov_len < done ? iov[i].iov_len : done;
        xs_feed(fd, iov[i].iov_base, k);
        done -= k;
    }
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
    resolve();
    ssize_t r = real_writev(fd, iov, cnt);
    if (r > 0 && kind_of(fd) == K_XS)
        feed_iov(fd, iov, cnt, (size_t)r);
    return r;
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
    resolve();
    ssize_t r = real_send(fd, buf, n, flags);
    if (r > 0 && kind_of(fd) == K_XS)
        xs_feed(fd, buf, (size_t)r);
    return r;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
    resolve();
    ssize_t r = real_sendmsg(fd, msg, flags);
    if (r > 0 && kind_of(fd) == K_XS)
        feed_iov(fd, msg->msg_iov, (int)msg->msg_iovlen, (size_t)r);
    return r;
}

static void child_reset(void)
{
    memset(counts, 0, sizeof counts);
    memset(hc_by_op, 0, sizeof hc_by_op);
    memset(domctl_by_cmd, 0, sizeof domctl_by_cmd);
    memset(sysctl_by_cmd, 0, sizeof sysctl_by_cmd);
    memset(xs_by_type, 0, sizeof xs_by_type);
    memset(streams, 0, sizeof streams);
}

__attribute__((constructor)) static void count_init(void)
{
    resolve();
    rdev_privcmd = rdev_of("/dev/xen/privcmd");
    rdev_xenbus = rdev_of("/dev/xen/xenbus");
    rdev_evtchn = rdev_of("/dev/xen/evtchn");
    rdev_gntdev = rdev_of("/dev/xen/gntdev");
    pthread_atfork(NULL, NULL, child_reset);
}

/* Append " kind.name=N" for every non-zero counter (name or number). */
static int details(char *line, size_t size, int len, const char *kind, const uint64_t *v,
                   const char *const *nm, size_t n)
{
    for (size_t i = 0; i < n && len > 0 && (size_t)len < size; i++) {
        uint64_t c = __atomic_load_n(&v[i], __ATOMIC_RELAXED);
        if (!c)
            continue;
        if (nm[i])
            len += snprintf(line + len, size - (size_t)len, " %s.%s=%llu", kind, nm[i],
                            (unsigned long long)c);
        else
            len += snprintf(line + len, size - (size_t)len, " %s.%zu=%llu", kind, i,
                            (unsigned long long)c);
    }
    return len;
}

__attribute__((destructor)) static void count_report(void)
{
    const char *out = getenv("XK_COUNT_OUT");
    if (!out || !*out)
        return;
    char line[4096];
    int len = snprintf(line, sizeof line, "pid=%ld", (long)getpid());
    for (int i = 0; i < C_N && len > 0 && (size_t)len < sizeof line; i++)
        len += snprintf(line + len, sizeof line - (size_t)len, " %s=%llu", names[i],
                        (unsigned long long)__atomic_load_n(&counts[i], __ATOMIC_RELAXED));
    len = details(line, sizeof line, len, "hc", hc_by_op, hc_names, NHC);
    len = details(line, sizeof line, len, "domctl", domctl_by_cmd, domctl_names, NDOMCTL);
    len = details(line, sizeof line, len, "sysctl", sysctl_by_cmd, sysctl_names, NSYSCTL);
    len = details(line, sizeof line, len, "xs", xs_by_type, xs_names, NXS);
    if (len <= 0 || (size_t)len >= sizeof line - 1)
        return;
    line[len++] = '\n';
    int fd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    if (syscall(SYS_write, fd, line, (size_t)len) < 0) {
        /* nothing to do: a lost report shows as a missing line */
    }
    close(fd);
}
