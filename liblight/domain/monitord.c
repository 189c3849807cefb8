/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host's monitor daemon: one process carries out on_poweroff,
 * on_reboot, on_crash and on_watchdog for every domain on its list, where
 * Xen's xl keeps a process per domain that every death wakes.
 *
 * Its list is the directory <state_dir>/monitor: one file per domain,
 * named by domid, holding the domain's UUID and name (create writes it
 * through xkl_domain_monitor_enlist). The daemon learns of new files
 * through inotify (one event per create, whatever the number of guests),
 * and of deaths and shutdowns through one @releaseDomain watch, after
 * which one batched domain list tells it which of its domains changed.
 * HVM guests' device models are watched through their pidfds. The list
 * is the only state: a daemon started again rebuilds its view from it and
 * from Xen. One daemon per state directory (monitord.lock, a POSIX lock,
 * so that xkl_monitord_running can test it without taking it).
 */
#include "private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <sys/stat.h>
#include <unistd.h>

#define LIST_DIR "monitor"
#define LOCK_FILE "monitord.lock"
#define WATCH_TOKEN "xkl-monitord"

/* epoll tags: the watch, the list, and a device model's pidfd as DM |
 * generation << 16 | domid (the generation: an event left over from a
 * pidfd closed in the same batch never names the domid's next domain) */
#define TAG_XS 1ull
#define TAG_LIST 2ull
#define TAG_TICK 3ull
/* A sweep every SWEEP_S seconds as well: xenstored fires @releaseDomain
 * once per domain, and may fire it while the domain still runs (another
 * toolstack's destroy releases the domain first, then kills it) and
 * never again; the sweep is one batched domain list. */
#define SWEEP_S 2
#define TAG_DM (1ull << 63)

struct mon_dom {
    uint32_t domid;
    char uuid[37];
    char name[128];
    struct xkl__crashes crashes;
    int dm_fd, dm_pid;         /* an HVM guest's QEMU; -1 / 0 */
    uint32_t dm_gen;           /* its epoll tag's generation */
    bool dm_gone;              /* its pidfd said it exited */
    bool shutdown_seen;        /* shut down and left as it is (suspended) */
};

struct xkl_monitord {
    xkl_ctx *ctx;
    int lock_fd, ep, ino, tick;
    xkl_xs *xs;                /* the @releaseDomain watch only */
    char *dir;                 /* <state_dir>/monitor */
    struct mon_dom *v;
    size_t n, cap;
    xkl_monitord_log *log;
    void *log_arg;
    const struct mon_dom *cur; /* the domain the lines are about now */
    uint32_t gen;              /* the last pidfd tag generation given */
};

/* ---- the list's files ---- */

static int entry_path(xkl_ctx *ctx, uint32_t domid, bool tmp, char *out, size_t len)
{
    int n = snprintf(out, len, tmp ? "%s/" LIST_DIR "/.%u.tmp" : "%s/" LIST_DIR "/%u",
                     ctx->state_dir, domid);
    if (n < 0 || (size_t)n >= len)
        return xkl__err(ctx, ENAMETOOLONG, "monitor list: %s: %s", ctx->state_dir,
                        strerror(ENAMETOOLONG));
    return 0;
}

/* the daemon never reads half an entry */
static int entry_write(xkl_ctx *ctx, uint32_t domid, const char *uuid, const char *name)
{
    char path[600], tmp[600], what[40];
    if (xkl__state_dir_ensure(ctx, LIST_DIR) < 0 || entry_path(ctx, domid, false, path, sizeof path) < 0 ||
        entry_path(ctx, domid, true, tmp, sizeof tmp) < 0)
        return xkl__err_wrap(ctx, "monitor domain %u", domid);
    size_t len = strlen(uuid) + strlen(name) + 3;
    char *text = malloc(len);
    if (!text)
        return xkl__err(ctx, ENOMEM, "monitor domain %u: %s", domid, strerror(ENOMEM));
    snprintf(text, len, "%s\n%s\n", uuid, name);
    snprintf(what, sizeof what, "monitor domain %u:", domid);
    int r = xkl__state_write_file(ctx, path, tmp, text, false, what);
    free(text);
    return r;
}

void xkl__monitor_entry_remove(xkl_ctx *ctx, uint32_t domid, const char *uuid)
{
    char path[600], line[64] = "";
    if (entry_path(ctx, domid, false, path, sizeof path) < 0)
        return;
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    bool ours = fgets(line, sizeof line, f) && strncmp(line, uuid, 36) == 0 && line[36] == '\n';
    fclose(f);
    if (ours)   /* not a later domain's that has the same domid */
        unlink(path);
}

/* An entry's domid from its file name; 0 when the name is not one
 * (temporary files start with a dot). */
static uint32_t entry_domid(const char *name)
{
    char *end;
    unsigned long id = strtoul(name, &end, 10);
    if (name[0] < '1' || name[0] > '9' || *end || id >= DOMID_FIRST_RESERVED)
        return 0;
    return (uint32_t)id;
}

int xkl_domain_monitor_enlist(xkl_ctx *ctx, uint32_t domid, const char *name)
{
    XKL__LOCK(ctx);
    struct xkl_dominfo di;
    int r = xkl__info(ctx, domid, &di);
    if (r == 0) {
        char uuid[37];
        xkl__uuid_format(di.uuid, uuid);
        r = entry_write(ctx, domid, uuid, name && *name ? name : di.name[0] ? di.name : "unnamed");
    }
    XKL__UNLOCK(ctx);
    return r;
}

/* ---- the daemon's lock ---- */

static int lock_open(xkl_ctx *ctx)
{
    if (xkl__state_dir_ensure(ctx, NULL) < 0)
        return -1;
    char *path = xkl__state_path(ctx, LOCK_FILE);
    if (!path)
        return -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        xkl__err(ctx, errno, "monitor daemon: %s: %s", path, strerror(errno));
    free(path);
    return fd;
}

int xkl_monitord_running(xkl_ctx *ctx)
{
    XKL__LOCK(ctx);
    int fd = lock_open(ctx), r = -1;
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    if (fd >= 0 && fcntl(fd, F_GETLK, &fl) < 0)
        xkl__err(ctx, errno, "monitor daemon: test its lock: %s", strerror(errno));
    else if (fd >= 0)
        r = fl.l_type != F_UNLCK;
    if (fd >= 0)
        close(fd);
    XKL__UNLOCK(ctx);
    return r;
}

/* ---- the monitored domains ---- */

static struct mon_dom *find(xkl_monitord *m, uint32_t domid)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->v[i].domid == domid)
            return &m->v[i];
    return NULL;
}

/* the lines of the actions go to the daemon's callback, with the domain */
static void log_line(void *arg, const char *line)
{
    xkl_monitord *m = arg;
    if (m->log)
        m->log(m->log_arg, m->cur ? m->cur->domid : 0, m->cur ? m->cur->name : "", line);
}

static void say(xkl_monitord *m, const struct mon_dom *d, const char *line)
{
    m->cur = d;
    log_line(m, line);
    m->cur = NULL;
}

static void dm_forget(xkl_monitord *m, struct mon_dom *d)
{
    if (d->dm_fd >= 0) {
        epoll_ctl(m->ep, EPOLL_CTL_DEL, d->dm_fd, NULL);
        close(d->dm_fd);
    }
    d->dm_fd = -1;
    d->dm_pid = 0;
    d->dm_gone = false;
}

/* an HVM guest's QEMU, looked up once per domain (and after a restart) */
static void dm_watch(xkl_monitord *m, struct mon_dom *d)
{
    dm_forget(m, d);
    int pid = 0, fd = xkl__dm_hvm_pidfd(m->ctx, d->domid, &pid);
    if (fd < 0)
        return;
    d->dm_gen = ++m->gen;
    struct epoll_event ev = { .events = EPOLLIN,
                              .data.u64 = TAG_DM | (uint64_t)d->dm_gen << 16 | d->domid };
    if (epoll_ctl(m->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
        close(fd);
        return;
    }
    d->dm_fd = fd;
    d->dm_pid = pid;
}

/* Off the list: the domain is gone, preserved or not restarted. */
static void drop(xkl_monitord *m, struct mon_dom *d)
{
    dm_forget(m, d);
    xkl__monitor_entry_remove(m->ctx, d->domid, d->uuid);
    *d = m->v[--m->n];
}

/* Gone (destroyed by anyone, Debian's xl included): its state goes too,
 * under the name lock, unless a live domain has its UUID now (created
 * again, with uuid= in its config, by another toolstack or while no
 * daemon ran). batch: the domain list when the caller has it. */
static void drop_gone(xkl_monitord *m, struct mon_dom *d, const struct xkc_dominfo *batch, size_t got)
{
    struct xkc_dominfo *own = NULL;
    if (!batch && xkl__domains(m->ctx, "monitor daemon: list domains", &own, &got) == 0)
        batch = own;
    bool alive = !batch;   /* no list: keep the state, the safe side */
    for (size_t i = 0; batch && i < got && !alive; i++) {
        char u[37];
        xkl__uuid_format(batch[i].handle, u);
        alive = !batch[i].dying && strcmp(u, d->uuid) == 0;
    }
    free(own);
    if (!alive) {
        int lock = xkl__name_lock(m->ctx, "monitor daemon", NULL);
        xkl__state_remove(m->ctx, d->uuid, d->domid);
        xkl__name_unlock(lock);
    }
    drop(m, d);
}

/* Look at one domain now and act as its configuration says. */
static void check(xkl_monitord *m, struct mon_dom *d)
{
    xkl_ctx *ctx = m->ctx;
    struct xkl_dominfo di;
    int r = xkl__info(ctx, d->domid, &di);
    char uuid[37] = "";
    if (r == 0)
        xkl__uuid_format(di.uuid, uuid);
    if ((r < 0 && errno == ESRCH) || (r == 0 && (di.dying || strcmp(uuid, d->uuid) != 0))) {
        drop_gone(m, d, NULL, 0);   /* a different UUID: the domid was reused */
        return;
    }
    if (r < 0) {
        say(m, d, ctx->err);
        return;   /* asked again at the next event */
    }
    if (di.shutdown && d->shutdown_seen)
        return;
    if (!di.shutdown)
        d->shutdown_seen = false;
    uint32_t domid = d->domid;
    m->cur = d;
    void (*old_log)(void *, const char *) = ctx->log;
    void *old_arg = ctx->log_arg;
    ctx->log = log_line;
    ctx->log_arg = m;
    if (di.shutdown)
        r = xkl__monitor_act(ctx, &domid, &di, &d->crashes);
    else if (d->dm_gone)
        r = xkl__monitor_dm_died(ctx, &domid, &di, d->dm_pid, &d->crashes);
    else
        r = 1;
    ctx->log = old_log;
    ctx->log_arg = old_arg;
    m->cur = NULL;
    if (r <= 0) {
        drop(m, d);
        return;
    }
    if (domid != d->domid) {   /* restarted: the entry follows it */
        xkl__monitor_entry_remove(ctx, d->domid, d->uuid);
        d->domid = domid;
        d->shutdown_seen = false;
        if (xkl__info(ctx, domid, &di) == 0)
            xkl__uuid_format(di.uuid, d->uuid);
        if (entry_write(ctx, domid, d->uuid, d->name) < 0)
            say(m, d, ctx->err);
        dm_watch(m, d);
        return;
    }
    if (d->dm_gone)
        dm_forget(m, d);   /* stopped on purpose: the domain goes next */
    if (di.shutdown)
        d->shutdown_seen = true;   /* suspended: someone else's business */
}

/* A file of the list, new or seen at start. */
static void add(xkl_monitord *m, const char *file)
{
    uint32_t domid = entry_domid(file);
    if (!domid)
        return;
    char path[600], uuid[64] = "", name[160] = "";
    if (entry_path(m->ctx, domid, false, path, sizeof path) < 0)
        return;
    FILE *f = fopen(path, "re");
    if (!f)
        return;   /* gone again */
    bool ok = fgets(uuid, sizeof uuid, f) && fgets(name, sizeof name, f);
    fclose(f);
    uuid[strcspn(uuid, "\n")] = 0;
    name[strcspn(name, "\n")] = 0;
    unsigned char ub[16];
    if (!ok || xkl__uuid_parse(uuid, ub) < 0 || !name[0]) {
        char line[700];
        snprintf(line, sizeof line, "monitor list: %s: not a domain's entry (UUID and name lines); "
                 "removed", path);
        say(m, NULL, line);
        unlink(path);
        return;
    }
    char canon[37];
    xkl__uuid_format(ub, canon);
    struct mon_dom *was = find(m, domid);
    if (was && strcmp(was->uuid, canon) == 0)
        return;   /* ours already (our own rewrite after a restart) */
    if (was)
        drop_gone(m, was, NULL, 0);   /* its domid is a new domain's now */
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        struct mon_dom *nv = realloc(m->v, cap * sizeof *nv);
        if (!nv) {
            say(m, NULL, "monitor list: out of memory");
            return;
        }
        m->v = nv;
        m->cap = cap;
    }
    struct mon_dom *d = &m->v[m->n++];
    memset(d, 0, sizeof *d);
    d->domid = domid;
    d->dm_fd = -1;
    memcpy(d->uuid, canon, sizeof d->uuid);
    snprintf(d->name, sizeof d->name, "%s", name);
    dm_watch(m, d);
    check(m, d);   /* it may have shut down before it was on the list */
}

static int scan_list(xkl_monitord *m)
{
    DIR *dir = opendir(m->dir);
    if (!dir)
        return xkl__err(m->ctx, errno, "monitor daemon: %s: %s", m->dir, strerror(errno));
    struct dirent *de;
    while ((de = readdir(dir)))
        add(m, de->d_name);
    closedir(dir);
    return 0;
}

/* After @releaseDomain: which of ours died or shut down. One batched
 * list of the domains (hypercalls only); xenstore is asked only about
 * the ones that changed. */
static int sweep(xkl_monitord *m)
{
    struct xkc_dominfo *batch;
    size_t got;
    if (xkl__domains(m->ctx, "monitor daemon: list domains", &batch, &got) < 0)
        return -1;
    for (size_t k = m->n; k-- > 0;) {
        struct mon_dom *d = &m->v[k];
        size_t lo = 0, hi = got;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (batch[mid].domid < d->domid)
                lo = mid + 1;
            else
                hi = mid;
        }
        bool found = lo < got && batch[lo].domid == d->domid;
        if (!found || batch[lo].dying)
            drop_gone(m, d, batch, got);
        else if (batch[lo].shutdown && !d->shutdown_seen)
            check(m, d);
        else if (!batch[lo].shutdown)
            d->shutdown_seen = false;
    }
    free(batch);
    return 0;
}

/* ---- the daemon ---- */

void xkl_monitord_close(xkl_monitord *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        if (m->v[i].dm_fd >= 0)
            close(m->v[i].dm_fd);
    free(m->v);
    if (m->xs)
        xkl_xs_close(m->xs);
    if (m->ino >= 0)
        close(m->ino);
    if (m->tick >= 0)
        close(m->tick);
    if (m->ep >= 0)
        close(m->ep);
    if (m->lock_fd >= 0)
        close(m->lock_fd);   /* drops the lock */
    free(m->dir);
    free(m);
}

xkl_monitord *xkl_monitord_open(xkl_ctx *ctx, xkl_monitord_log *log, void *arg)
{
    xkl_monitord *m = calloc(1, sizeof *m);
    if (!m) {
        errno = ENOMEM;
        return NULL;
    }
    m->ctx = ctx;
    m->log = log;
    m->log_arg = arg;
    m->lock_fd = m->ep = m->ino = m->tick = -1;
    XKL__LOCK(ctx);
    int e = 0;
    if ((m->lock_fd = lock_open(ctx)) < 0)
        goto fail;
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    if (fcntl(m->lock_fd, F_SETLK, &fl) < 0) {
        e = errno == EAGAIN || errno == EACCES ? EALREADY : errno;
        xkl__err(ctx, e, "monitor daemon: %s", e == EALREADY ? "another one serves this host"
                                                            : strerror(e));
        goto fail;
    }
    char pid[24];
    int pl = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(m->lock_fd, 0) < 0 || pwrite(m->lock_fd, pid, (size_t)pl, 0) != pl) {
        xkl__err(ctx, errno, "monitor daemon: write its pid: %s", strerror(errno));
        goto fail;
    }
    if (xkl__state_dir_ensure(ctx, LIST_DIR) < 0 || !(m->dir = xkl__state_path(ctx, LIST_DIR)))
        goto fail;
    /* the watches first, then the list: nothing enlisted in between is missed */
    m->ep = epoll_create1(EPOLL_CLOEXEC);
    m->ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (m->ep < 0 || m->ino < 0 || inotify_add_watch(m->ino, m->dir, IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
        xkl__err(ctx, errno, "monitor daemon: watch %s: %s", m->dir, strerror(errno));
        goto fail;
    }
    if (!(m->xs = xkl_xs_open(0))) {
        xkl__err(ctx, errno, "monitor daemon: connect to xenstored: %s", strerror(errno));
        goto fail;
    }
    if (xkl_xs_watch(m->xs, "@releaseDomain", WATCH_TOKEN) < 0) {
        xkl__err(ctx, errno, "monitor daemon: watch @releaseDomain: %s", xkl_xs_error(m->xs));
        goto fail;
    }
    struct epoll_event ex = { .events = EPOLLIN, .data.u64 = TAG_XS },
                       el = { .events = EPOLLIN, .data.u64 = TAG_LIST },
                       et = { .events = EPOLLIN, .data.u64 = TAG_TICK };
    struct itimerspec every = { .it_interval = { SWEEP_S, 0 }, .it_value = { SWEEP_S, 0 } };
    m->tick = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (m->tick < 0 || timerfd_settime(m->tick, 0, &every, NULL) < 0 ||
        epoll_ctl(m->ep, EPOLL_CTL_ADD, xkl_xs_watch_fd(m->xs), &ex) < 0 ||
        epoll_ctl(m->ep, EPOLL_CTL_ADD, m->ino, &el) < 0 ||
        epoll_ctl(m->ep, EPOLL_CTL_ADD, m->tick, &et) < 0) {
        xkl__err(ctx, errno, "monitor daemon: epoll: %s", strerror(errno));
        goto fail;
    }
    if (scan_list(m) < 0)
        goto fail;
    XKL__UNLOCK(ctx);
    return m;
fail:
    e = errno;
    XKL__UNLOCK(ctx);
    xkl_monitord_close(m);
    errno = e;
    return NULL;
}

int xkl_monitord_fd(const xkl_monitord *m)
{
    return m->ep;
}

size_t xkl_monitord_count(const xkl_monitord *m)
{
    return m->n;
}

/* the list's new files; on an overflow, the whole directory again */
static void read_list_events(xkl_monitord *m)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t len = read(m->ino, buf, sizeof buf);
        if (len <= 0)
            return;
        for (char *p = buf; p < buf + len;) {
            const struct inotify_event *ie = (const struct inotify_event *)p;
            if (ie->mask & IN_Q_OVERFLOW)
                scan_list(m);
            else if (ie->len)
                add(m, ie->name);
            p += sizeof *ie + ie->len;
        }
    }
}

int xkl_monitord_process(xkl_monitord *m)
{
    xkl_ctx *ctx = m->ctx;
    struct epoll_event evs[32];
    int n = epoll_wait(m->ep, evs, 32, 0);
    if (n < 0 && errno != EINTR) {
        XKL__LOCK(ctx);
        int r = xkl__err(ctx, errno, "monitor daemon: epoll: %s", strerror(errno));
        XKL__UNLOCK(ctx);
        return r;
    }
    XKL__LOCK(ctx);
    bool released = false;
    int r = 0;
    for (int i = 0; i < n; i++) {
        uint64_t tag = evs[i].data.u64;
        if (tag == TAG_LIST) {
            read_list_events(m);
        } else if (tag == TAG_TICK) {
            uint64_t ticks;
            if (read(m->tick, &ticks, sizeof ticks) > 0 && m->n)
                released = true;
        } else if (tag == TAG_XS) {
            struct xkl_xs_event *we;
            while ((we = xkl_xs_read_watch(m->xs, 0)))
                free(we);
            if (errno != EAGAIN && errno != ETIMEDOUT) {
                r = xkl__err(ctx, errno, "monitor daemon: xenstored: %s", xkl_xs_error(m->xs));
                break;
            }
            released = true;
        } else if (tag & TAG_DM) {
            struct mon_dom *d = find(m, (uint32_t)(tag & 0xffff));
            if (d && d->dm_fd >= 0 && d->dm_gen == (uint32_t)((tag & ~TAG_DM) >> 16)) {
                d->dm_gone = true;
                epoll_ctl(m->ep, EPOLL_CTL_DEL, d->dm_fd, NULL);
                check(m, d);
            }
        }
    }
    if (r == 0 && released && sweep(m) < 0) {
        say(m, NULL, ctx->err);   /* asked again at the next event */
    }
    XKL__UNLOCK(ctx);
    return r;
}
