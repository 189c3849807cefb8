/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxkctrl: the xkit hypervisor interface (privcmd, evtchn, gntdev).
 * The only public header of libxkctrl.
 *
 * Conventions (every function):
 *  - int-returning calls return 0 (or a count where documented) on success,
 *    -1 on failure with errno set; the handle then describes the failure in
 *    xkc_error(), naming the operation, the domain and errno, e.g.
 *    "domctl createdomain (domain 5): Cannot allocate memory".
 *  - pointer-returning calls return NULL on failure, same rules.
 *  - Domain ids are uint32_t (Xen's domid_t is 16 bits; larger values fail
 *    with EINVAL).
 *  - A handle is not thread-safe: use one handle per thread.
 *
 * Xen ABI types (xen_pfn_t, vcpu_guest_context_t, HVM_PARAM_*, VIRQ_*,
 * SHUTDOWN_*, XENMAPSPACE_*, XENMEM_resource_*) come from the Xen 4.17
 * public headers; __XEN_TOOLS__ is not needed to use this header.
 */
#ifndef XKIT_CTRL_H
#define XKIT_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define XKC_API __attribute__((visibility("default")))
#else
#define XKC_API
#endif

/* Library version string, e.g. "0.1.0". */
XKC_API const char *xkc_version(void);

/* ------------------------------------------------------------------------ */
/* Handle, errors, statistics                                               */
/* ------------------------------------------------------------------------ */

typedef struct xkc_handle xkc_handle;

/*
 * Open /dev/xen/privcmd (and the hypercall buffer device where present) and
 * check that the hypervisor speaks our domctl/sysctl interface versions.
 * On failure returns NULL with errno set and a message in err (if err is not
 * NULL), e.g. "open /dev/xen/privcmd: No such file or directory (is this a
 * Xen dom0 with xen-privcmd loaded?)" or a message naming both interface
 * versions on a mismatch (errno EPROTO).
 * /dev/xen/evtchn and /dev/xen/gntdev are opened lazily on first use.
 */
XKC_API xkc_handle *xkc_open(char *err, size_t errlen);
/* Close everything the handle owns (devices, cached buffers, gntdev maps).
 * Foreign mappings made with xkc_foreign_map/xkc_resource_map stay valid
 * until unmapped. NULL is accepted. */
XKC_API void xkc_close(xkc_handle *h);

/* Last error message ("" when none) and its errno (0 when none). */
XKC_API const char *xkc_error(const xkc_handle *h);
XKC_API int xkc_errno(const xkc_handle *h);

/* Counters, cumulative since xkc_open(). */
struct xkc_stats {
    uint64_t hypercalls;        /* all hypercalls issued (sum of below) */
    uint64_t domctl;
    uint64_t sysctl;
    uint64_t memory_op;
    uint64_t xen_version;
    uint64_t hvm_op;
    uint64_t event_channel_op;
    uint64_t sched_op;
    uint64_t mmuext_op;
    uint64_t other_hypercalls;
    uint64_t hypercall_failures;
    uint64_t buffer_allocs;     /* hypercall buffers obtained from the OS */
    uint64_t buffer_cache_hits; /* hypercall buffers reused from the cache */
    uint64_t foreign_map_calls; /* MMAPBATCH_V2 ioctls */
    uint64_t foreign_pages;     /* pages asked for in foreign maps */
    uint64_t resource_map_calls;/* MMAP_RESOURCE ioctls */
    uint64_t evtchn_ops;        /* ioctls/reads/writes on /dev/xen/evtchn */
    uint64_t gntdev_ops;        /* ioctls on /dev/xen/gntdev */
};
XKC_API void xkc_stats(const xkc_handle *h, struct xkc_stats *st);

/* The interface versions this library was built for (domctl, sysctl), and
 * the Xen release they belong to, e.g. "4.17". */
XKC_API void xkc_abi_versions(uint32_t *domctl, uint32_t *sysctl, const char **xen_release);

/* ------------------------------------------------------------------------ */
/* xen_version                                                              */
/* ------------------------------------------------------------------------ */

struct xkc_xen_version {
    unsigned major, minor;
    char extra[16];            /* XENVER_extraversion, e.g. ".1" */
    char capabilities[1024];   /* e.g. "xen-3.0-x86_64 hvm-3.0-x86_32 ..." */
    char changeset[64];
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
    char commandline[1024];
    char build_id[129];        /* lower-case hex; "" when Xen has none */
    unsigned long pagesize;
    uint64_t virt_start;       /* platform parameters */
};
XKC_API int xkc_xen_version(xkc_handle *h, struct xkc_xen_version *v);
/* Only XENVER_capabilities (one hypercall), NUL-terminated into buf; -1 with
 * EINVAL for no buffer, ENOSPC when len is too small (1024 always fits). */
XKC_API int xkc_xen_capabilities(xkc_handle *h, char *buf, size_t len);

/* ------------------------------------------------------------------------ */
/* sysctl: host                                                             */
/* ------------------------------------------------------------------------ */

struct xkc_physinfo {
    uint32_t threads_per_core, cores_per_socket;
    uint32_t nr_cpus, max_cpu_id, nr_nodes, max_node_id;
    uint32_t cpu_khz;
    uint32_t hw_cap[8];
    uint64_t total_pages, free_pages, scrub_pages, outstanding_pages, max_mfn;
    /* Virtualisation capabilities (XEN_SYSCTL_PHYSCAP_*). */
    bool cap_hvm, cap_pv, cap_directio, cap_hap, cap_shadow;
    bool cap_iommu_hap_pt_share, cap_vmtrace, cap_vpmu;
    bool cap_gnttab_v1, cap_gnttab_v2;
    uint32_t capabilities_raw, arch_capabilities_raw;
};
XKC_API int xkc_physinfo(xkc_handle *h, struct xkc_physinfo *pi);

/* Scheduler of the default cpupool: its XEN_SCHEDULER_* id, and the name
 * ("credit", "credit2", "arinc653", "rtds", "null"; NULL if unknown). */
XKC_API int xkc_sched_id(xkc_handle *h, unsigned *id);
XKC_API const char *xkc_sched_name(unsigned id);

/* Number of CPUs that belong to no cpupool (xl info's free_cpus). */
XKC_API int xkc_free_cpus(xkc_handle *h, unsigned *count);

/* cpupools. CPU maps are bitmaps (bit n = CPU n) of `bytes` bytes, up to
 * XKC_CPUMAP_MAX_BYTES. xkc_cpupool_info: the pool with the lowest id >=
 * poolid (Xen's iteration: ENOENT past the last), its CPUs in cpus (may
 * be NULL). xkc_cpupool_create: *poolid XKC_CPUPOOL_ANY or a wanted id,
 * out: the new pool's id; sched_id XEN_SCHEDULER_*. The others as their
 * names say; remove_cpu retries while Xen says the CPU is busy (EAGAIN). */
#define XKC_CPUMAP_MAX_BYTES 512
#define XKC_CPUPOOL_ANY 0xFFFFFFFFu
struct xkc_cpupool {
    uint32_t id, sched_id, n_dom;
};
XKC_API int xkc_cpupool_info(xkc_handle *h, uint32_t poolid, struct xkc_cpupool *out,
                             uint8_t *cpus, size_t bytes);
XKC_API int xkc_cpupool_create(xkc_handle *h, uint32_t *poolid, unsigned sched_id);
XKC_API int xkc_cpupool_destroy(xkc_handle *h, uint32_t poolid);
XKC_API int xkc_cpupool_add_cpu(xkc_handle *h, uint32_t poolid, uint32_t cpu);
XKC_API int xkc_cpupool_remove_cpu(xkc_handle *h, uint32_t poolid, uint32_t cpu);
XKC_API int xkc_cpupool_move_domain(xkc_handle *h, uint32_t poolid, uint32_t domid);
XKC_API int xkc_cpupool_free_map(xkc_handle *h, uint8_t *cpus, size_t bytes);
/* The scheduler-wide parameters of a pool running credit (time slice,
 * rate limit, migration delay) or credit2 (rate limit); EINVAL from Xen
 * when the pool runs another scheduler. */
struct xkc_credit_params {
    uint32_t tslice_ms, ratelimit_us, migration_delay_us;
};
XKC_API int xkc_sched_credit_params_get(xkc_handle *h, uint32_t poolid, struct xkc_credit_params *p);
XKC_API int xkc_sched_credit_params_set(xkc_handle *h, uint32_t poolid,
                                        const struct xkc_credit_params *p);
XKC_API int xkc_sched_credit2_params_get(xkc_handle *h, uint32_t poolid, uint32_t *ratelimit_us);
XKC_API int xkc_sched_credit2_params_set(xkc_handle *h, uint32_t poolid, uint32_t ratelimit_us);

/* Press keys on Xen's debug console (sysctl debug_keys): 'h' lists them;
 * what they print goes to Xen's console ring (xkc_dmesg). */
XKC_API int xkc_debug_keys(xkc_handle *h, const char *keys);

/* The hypervisor file system (hypfs): an entry's type (XEN_HYPFS_TYPE_*)
 * and contents (*data malloc'd, NUL-terminated beyond content_len; free()
 * it); a write of raw contents; and a runtime parameter by name
 * (/params/NAME), its value converted to the entry's type as Xen's
 * command line would spell it ("loglvl=all", "ept=pml", "sched_ratelimit_us=500"). */
struct xkc_hypfs_entry {
    unsigned type, encoding;
    uint32_t content_len, max_write_len;
};
XKC_API int xkc_hypfs_read(xkc_handle *h, const char *path, struct xkc_hypfs_entry *e, void **data);
XKC_API int xkc_hypfs_write(xkc_handle *h, const char *path, const void *data, size_t len);
XKC_API int xkc_hypfs_set_param(xkc_handle *h, const char *name, const char *value);

/* FLASK (XSM): the enforcing mode (1 enforcing, 0 permissive, -1 error:
 * ENOSYS when Xen has no FLASK), set it, load a binary policy. */
XKC_API int xkc_flask_getenforce(xkc_handle *h);
XKC_API int xkc_flask_setenforce(xkc_handle *h, int enforcing);
XKC_API int xkc_flask_load(xkc_handle *h, const void *policy, size_t len);

/* Intel PSR. Cache monitoring (CMT/MBM): whether Xen enabled it and its
 * limits; a domain's RMID (0: not attached); one sample of a QM event
 * (1 L3 occupancy, 2 total and 3 local memory bandwidth) for an RMID on a
 * CPU of the socket to read, with Xen's time in ns. Allocation (CAT L3/L2,
 * MBA): a socket's limits, and a domain's value of one type on a socket.
 * Hardware without the feature fails with ENODEV. */
struct xkc_psr_cmt_info {
    bool enabled;
    uint32_t total_rmid, upscaling_factor, event_mask;
};
XKC_API int xkc_psr_cmt_info(xkc_handle *h, struct xkc_psr_cmt_info *info);
XKC_API int xkc_psr_cmt_l3_cache_kb(xkc_handle *h, uint32_t cpu, uint32_t *kb);
XKC_API int xkc_psr_cmt_attach(xkc_handle *h, uint32_t domid);
XKC_API int xkc_psr_cmt_detach(xkc_handle *h, uint32_t domid);
XKC_API int xkc_psr_cmt_rmid(xkc_handle *h, uint32_t domid, uint32_t *rmid);
XKC_API int xkc_psr_cmt_sample(xkc_handle *h, uint32_t rmid, uint32_t cpu, unsigned event,
                               uint64_t *counter, uint64_t *time_ns);
enum xkc_psr_feat { XKC_PSR_CAT_L3, XKC_PSR_CAT_L2, XKC_PSR_MBA };
struct xkc_psr_alloc_info {
    uint32_t cos_max;
    uint32_t cbm_len; /* CAT */
    bool cdp;         /* L3 CAT: code/data prioritisation on */
    uint32_t thrtl_max; /* MBA */
    bool linear;        /* MBA */
};
XKC_API int xkc_psr_alloc_info(xkc_handle *h, enum xkc_psr_feat feat, uint32_t socket,
                               struct xkc_psr_alloc_info *info);
enum xkc_psr_type { XKC_PSR_L3_CBM, XKC_PSR_L3_CODE, XKC_PSR_L3_DATA, XKC_PSR_L2_CBM, XKC_PSR_MBA_THRTL };
XKC_API int xkc_psr_get(xkc_handle *h, uint32_t domid, enum xkc_psr_type t, uint32_t socket,
                        uint64_t *val);
XKC_API int xkc_psr_set(xkc_handle *h, uint32_t domid, enum xkc_psr_type t, uint32_t socket,
                        uint64_t val);

/* Pages freed by / used for memory sharing (XENMEM_get_sharing_*). */
XKC_API int xkc_sharing_pages(xkc_handle *h, uint64_t *freed, uint64_t *used);

/* CPU topology: fills up to *n entries (index = cpu) and sets *n to the
 * number of CPUs Xen reported. Fields are UINT32_MAX for offline CPUs. */
struct xkc_cputopo {
    uint32_t core, socket, node;
};
XKC_API int xkc_cputopo(xkc_handle *h, struct xkc_cputopo *cpus, unsigned *n);

/* NUMA: per node memory size/free (bytes) and an n*n distance matrix
 * (may be NULL). *n in: capacity, out: number of nodes. */
struct xkc_numa_node {
    uint64_t size, free;
};
XKC_API int xkc_numainfo(xkc_handle *h, struct xkc_numa_node *nodes,
                         uint32_t *distances, unsigned *n);

/* Hypervisor console ring (sysctl readconsole).
 * xkc_console_read: one incremental read into buf; *index is the ring
 * position (start with 0), advanced by Xen; returns bytes read (0 = end).
 * xkc_dmesg: the whole ring into a malloc'd NUL-terminated string (free()
 * it); clear=true clears the ring after reading. */
XKC_API int xkc_console_read(xkc_handle *h, uint32_t *index, bool clear,
                             char *buf, size_t size);
XKC_API int xkc_dmesg(xkc_handle *h, bool clear, char **out, size_t *len);

/* ------------------------------------------------------------------------ */
/* Domains                                                                  */
/* ------------------------------------------------------------------------ */

struct xkc_dominfo {
    uint32_t domid;
    bool dying, hvm, shutdown, paused, blocked, running, debugged;
    bool xs_domain, hap;
    unsigned shutdown_reason;   /* SHUTDOWN_*, valid when shutdown */
    uint64_t tot_pages, max_pages, outstanding_pages, shr_pages, paged_pages;
    uint64_t shared_info_frame; /* GMFN of the shared info page */
    uint64_t cpu_time_ns;
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;       /* UINT32_MAX: no vcpus yet */
    uint32_t ssidref, cpupool;
    uint8_t handle[16];         /* the domain's UUID */
    uint8_t gpaddr_bits;
    uint32_t emulation_flags;   /* XEN_X86_EMU_* */
};
/* One domain; fails with ESRCH if it does not exist. */
XKC_API int xkc_domain_info(xkc_handle *h, uint32_t domid, struct xkc_dominfo *info);
/* Domains with id >= first, in id order, at most max; returns the count. */
XKC_API int xkc_domain_list(xkc_handle *h, uint32_t first, struct xkc_dominfo *out, unsigned max);

enum xkc_domain_type {
    XKC_DOMAIN_PV = 0,
    XKC_DOMAIN_PVH,   /* HVM container, emulation = LAPIC only */
    XKC_DOMAIN_HVM,   /* HVM with all device emulation */
};

struct xkc_domain_config {
    enum xkc_domain_type type;
    bool hap;                 /* hardware assisted paging (PVH/HVM) */
    bool oos_off, iommu, nested_virt, vpmu, xs_domain, s3_integrity;
    bool msr_relaxed;         /* XEN_X86_MSR_RELAXED */
    uint32_t ssidref;
    uint8_t handle[16];       /* UUID */
    uint32_t max_vcpus;       /* required, >= 1 */
    uint32_t max_evtchn_port;
    int32_t max_grant_frames;     /* < 0: hypervisor default */
    int32_t max_maptrack_frames;  /* < 0: hypervisor default */
    unsigned max_grant_version;   /* 1 or 2; 0: the highest the hypervisor offers */
    uint32_t vmtrace_size;
    uint32_t cpupool_id;
};
/* Defaults like xl's: 1 vcpu, 1023 event channels, the hypervisor's grant
 * and maptrack frame limits (-1), the highest grant table version it
 * offers (0: v2 on x86 Xen 4.17), hap on for PVH/HVM. */
XKC_API void xkc_domain_config_init(struct xkc_domain_config *cfg, enum xkc_domain_type type);
/* Create a domain. *domid in: wanted id (0 = let Xen choose), out: the id. */
XKC_API int xkc_domain_create(xkc_handle *h, const struct xkc_domain_config *cfg, uint32_t *domid);
XKC_API int xkc_domain_destroy(xkc_handle *h, uint32_t domid);
XKC_API int xkc_domain_pause(xkc_handle *h, uint32_t domid);
XKC_API int xkc_domain_unpause(xkc_handle *h, uint32_t domid);
/* SCHEDOP_remote_shutdown with reason SHUTDOWN_poweroff/reboot/suspend/crash. */
XKC_API int xkc_domain_shutdown(xkc_handle *h, uint32_t domid, unsigned reason);
/* The calling domain's watchdogs (SCHEDOP_watchdog). open sets one up that
 * shuts the domain down (dom0: Xen reboots the host) unless poked within
 * timeout seconds, and returns its id (> 0; an error when both of the
 * domain's two watchdogs are in use); poke restarts it with a timeout; close
 * removes it. A process that dies leaves its watchdog running. */
XKC_API int xkc_watchdog_open(xkc_handle *h, unsigned timeout);
XKC_API int xkc_watchdog_poke(xkc_handle *h, unsigned id, unsigned timeout);
XKC_API int xkc_watchdog_close(xkc_handle *h, unsigned id);
/* Send a trigger (XEN_DOMCTL_SENDTRIGGER_NMI, _RESET, _INIT, _POWER,
 * _SLEEP) to an HVM domain's vcpu (NMI, INIT) or its ACPI (power, sleep). */
XKC_API int xkc_domain_trigger(xkc_handle *h, uint32_t domid, unsigned trigger, uint32_t vcpu);
/* Allocate the vcpus: max must not exceed the config's max_vcpus (EINVAL). */
XKC_API int xkc_domain_max_vcpus(xkc_handle *h, uint32_t domid, unsigned max);
XKC_API int xkc_domain_set_maxmem(xkc_handle *h, uint32_t domid, uint64_t max_kb);
XKC_API int xkc_domain_set_address_size(xkc_handle *h, uint32_t domid, unsigned bits);
XKC_API int xkc_domain_get_address_size(xkc_handle *h, uint32_t domid, unsigned *bits);
XKC_API int xkc_domain_set_handle(xkc_handle *h, uint32_t domid, const uint8_t uuid[16]);
XKC_API int xkc_domain_set_time_offset(xkc_handle *h, uint32_t domid, int32_t seconds);
/* XEN_DOMCTL_settscinfo; mode is TSC_MODE_* (0 default, 1 always emulate,
 * 2 native, 3 pvrdtscp-removed); gtsc_khz/incarnation 0 = keep. */
XKC_API int xkc_domain_set_tsc(xkc_handle *h, uint32_t domid, uint32_t mode,
                               uint32_t gtsc_khz, uint32_t incarnation, uint64_t elapsed_nsec);
/* XEN_DOMCTL_hypercall_init: Xen writes the hypercall page into gmfn (PV). */
XKC_API int xkc_domain_hypercall_init(xkc_handle *h, uint32_t domid, uint64_t gmfn);
/* Paging (HAP/shadow) memory pool size in bytes. */
XKC_API int xkc_domain_paging_mempool_get(xkc_handle *h, uint32_t domid, uint64_t *bytes);
XKC_API int xkc_domain_paging_mempool_set(xkc_handle *h, uint32_t domid, uint64_t bytes);

/* HVM params (HVMOP_set_param / HVMOP_get_param; HVM_PARAM_* in
 * <xen/hvm/params.h>). Also valid for PVH. */
XKC_API int xkc_hvm_param_set(xkc_handle *h, uint32_t domid, unsigned param, uint64_t value);
XKC_API int xkc_hvm_param_get(xkc_handle *h, uint32_t domid, unsigned param, uint64_t *value);

/* Whole HVM save record (XEN_DOMCTL_gethvmcontext / sethvmcontext), for
 * PVH/HVM vcpu setup. get: *buf is malloc'd (free() it). */
XKC_API int xkc_hvm_context_get(xkc_handle *h, uint32_t domid, void **buf, size_t *len);
XKC_API int xkc_hvm_context_set(xkc_handle *h, uint32_t domid, const void *buf, size_t len);

/* ------------------------------------------------------------------------ */
/* vCPUs and scheduling                                                     */
/* ------------------------------------------------------------------------ */

/* PV x86_64 vcpu context (XEN_DOMCTL_setvcpucontext / getvcpucontext).
 * For PVH/HVM use xkc_hvm_context_*. */
XKC_API int xkc_vcpu_set_context(xkc_handle *h, uint32_t domid, unsigned vcpu,
                                 const vcpu_guest_context_t *ctx);
XKC_API int xkc_vcpu_get_context(xkc_handle *h, uint32_t domid, unsigned vcpu,
                                 vcpu_guest_context_t *ctx);

struct xkc_vcpuinfo {
    bool online, blocked, running;
    uint64_t cpu_time_ns;
    uint32_t cpu;     /* physical CPU it runs on */
};
XKC_API int xkc_vcpu_info(xkc_handle *h, uint32_t domid, unsigned vcpu, struct xkc_vcpuinfo *vi);

/* CPU affinity as bitmaps of `bytes` bytes (bit n = pcpu n). NULL leaves
 * that set alone (set) or skips it (get). set writes Xen's effective masks
 * back into hard/soft. */
XKC_API int xkc_vcpu_set_affinity(xkc_handle *h, uint32_t domid, unsigned vcpu,
                                  uint8_t *hard, uint8_t *soft, size_t bytes);
XKC_API int xkc_vcpu_get_affinity(xkc_handle *h, uint32_t domid, unsigned vcpu,
                                  uint8_t *hard, uint8_t *soft, size_t bytes);

/* Per-domain scheduler parameters (credit and credit2: weight, cap %). */
XKC_API int xkc_sched_credit2_get(xkc_handle *h, uint32_t domid, unsigned *weight, unsigned *cap);
XKC_API int xkc_sched_credit2_set(xkc_handle *h, uint32_t domid, unsigned weight, unsigned cap);
XKC_API int xkc_sched_credit_get(xkc_handle *h, uint32_t domid, unsigned *weight, unsigned *cap);
XKC_API int xkc_sched_credit_set(xkc_handle *h, uint32_t domid, unsigned weight, unsigned cap);
/* RTDS (real-time deferrable server): a domain's default period and
 * budget (microseconds; set: every vcpu), and per-vcpu values. */
XKC_API int xkc_sched_rtds_get(xkc_handle *h, uint32_t domid, uint32_t *period_us, uint32_t *budget_us);
XKC_API int xkc_sched_rtds_set(xkc_handle *h, uint32_t domid, uint32_t period_us, uint32_t budget_us);
struct xkc_rtds_vcpu {
    uint32_t vcpu, period_us, budget_us;
    bool extratime;
};
XKC_API int xkc_sched_rtds_vcpu_get(xkc_handle *h, uint32_t domid, struct xkc_rtds_vcpu *v, unsigned n);
XKC_API int xkc_sched_rtds_vcpu_set(xkc_handle *h, uint32_t domid, const struct xkc_rtds_vcpu *v,
                                    unsigned n);
/* The NUMA nodes a domain's memory is placed on (bit n: node n). */
XKC_API int xkc_domain_node_affinity(xkc_handle *h, uint32_t domid, uint8_t *nodes, size_t bytes);

/* ------------------------------------------------------------------------ */
/* Memory (memory_op)                                                       */
/* ------------------------------------------------------------------------ */

/*
 * Populate nr extents of 2^order pages at gfns[i] (extent start frames).
 * Batched: many extents per hypercall. Returns the number of extents done
 * (== nr on success); on failure returns -1 with the handle describing the
 * error and *done (if not NULL) set to the number of extents that were
 * populated so the caller can roll back. For PV guests Xen writes the MFN
 * it allocated back into gfns[i].
 */
XKC_API int xkc_populate_physmap(xkc_handle *h, uint32_t domid, xen_pfn_t *gfns,
                                 size_t nr, unsigned order, size_t *done);
/* Populate the contiguous range [first_gfn, first_gfn + nr_pages): uses
 * order-9 (2 MiB) extents where aligned and 4 KiB pages elsewhere.
 * *done = pages populated (even on failure). Not for PV (MFNs are dropped). */
XKC_API int xkc_populate_range(xkc_handle *h, uint32_t domid, xen_pfn_t first_gfn,
                               uint64_t nr_pages, uint64_t *done);
/* Increase / decrease reservation (extents of 2^order pages). Same return
 * convention as xkc_populate_physmap. */
XKC_API int xkc_increase_reservation(xkc_handle *h, uint32_t domid, xen_pfn_t *frames,
                                     size_t nr, unsigned order, size_t *done);
XKC_API int xkc_decrease_reservation(xkc_handle *h, uint32_t domid, xen_pfn_t *gfns,
                                     size_t nr, unsigned order, size_t *done);
XKC_API int xkc_maximum_gpfn(xkc_handle *h, uint32_t domid, xen_pfn_t *gpfn);
/* XENMEM_claim_pages: reserve nr_pages for domid (0 cancels the claim). */
XKC_API int xkc_claim_pages(xkc_handle *h, uint32_t domid, uint64_t nr_pages);
/* XENMEM_add_to_physmap (space = XENMAPSPACE_*). */
XKC_API int xkc_add_to_physmap(xkc_handle *h, uint32_t domid, unsigned space,
                               uint64_t idx, xen_pfn_t gpfn);
/* XENMEM_set_memory_map: the guest's e820 (PVH/HVM). */
struct xkc_e820 {
    uint64_t addr, size;
    uint32_t type;   /* 1 RAM, 2 reserved, ... */
};
XKC_API int xkc_set_memory_map(xkc_handle *h, uint32_t domid, const struct xkc_e820 *map,
                               unsigned nr);
/* MMUEXT_PIN_L{1,2,3,4}_TABLE of a PV guest's page table at mfn (level 1-4). */
XKC_API int xkc_mmuext_pin_table(xkc_handle *h, uint32_t domid, unsigned level, xen_pfn_t mfn);

/* ------------------------------------------------------------------------ */
/* Foreign memory                                                           */
/* ------------------------------------------------------------------------ */

/*
 * Map n guest frames of domid contiguously (PROT_READ|PROT_WRITE etc.).
 * Frames are GFNs for PVH/HVM guests and MFNs for PV guests (as returned in
 * place by xkc_populate_physmap).
 * errs (n ints, may be NULL): per page 0 or a negative errno; with errs the
 * call succeeds if the mapping exists even when some pages failed; without
 * errs any page error fails the whole call (and unmaps).
 * Domain 0 is refused (EPERM): its frames are dom0's kernel's and
 * processes' memory (as are resource maps and reservation changes of it).
 * Unmap with xkc_foreign_unmap(h, addr, n).
 */
XKC_API void *xkc_foreign_map(xkc_handle *h, uint32_t domid, int prot,
                              const xen_pfn_t *gfns, int *errs, size_t n);
XKC_API int xkc_foreign_unmap(xkc_handle *h, void *addr, size_t n);

/* IOCTL_PRIVCMD_MMAP_RESOURCE: map nr frames of a resource (type
 * XENMEM_resource_grant_table with id XENMEM_resource_grant_table_id_shared,
 * XENMEM_resource_ioreq_server, ...) starting at frame idx. */
XKC_API void *xkc_resource_map(xkc_handle *h, uint32_t domid, unsigned type, unsigned id,
                               unsigned idx, size_t nr, int prot);
XKC_API int xkc_resource_unmap(xkc_handle *h, void *addr, size_t nr);

/* ------------------------------------------------------------------------ */
/* Event channels                                                           */
/* ------------------------------------------------------------------------ */

/* EVTCHNOP_alloc_unbound: a port in domid that remote_domid may bind. */
XKC_API int xkc_evtchn_alloc_unbound(xkc_handle *h, uint32_t domid, uint32_t remote_domid,
                                     uint32_t *port);
/* The /dev/xen/evtchn fd (opened on first use): poll() it for POLLIN. */
XKC_API int xkc_evtchn_fd(xkc_handle *h);
/* Bind local (dom0) ports through /dev/xen/evtchn; *local_port out. */
XKC_API int xkc_evtchn_bind_interdomain(xkc_handle *h, uint32_t remote_domid,
                                        uint32_t remote_port, uint32_t *local_port);
XKC_API int xkc_evtchn_bind_unbound(xkc_handle *h, uint32_t remote_domid, uint32_t *local_port);
XKC_API int xkc_evtchn_bind_virq(xkc_handle *h, unsigned virq, uint32_t *local_port);
XKC_API int xkc_evtchn_notify(xkc_handle *h, uint32_t local_port);
XKC_API int xkc_evtchn_unbind(xkc_handle *h, uint32_t local_port);
/* Next pending port: returns 1 with *port set, 0 when none is pending (the
 * fd is non-blocking), -1 on error. Unmask the port after handling it. */
XKC_API int xkc_evtchn_pending(xkc_handle *h, uint32_t *port);
XKC_API int xkc_evtchn_unmask(xkc_handle *h, uint32_t local_port);

/* ------------------------------------------------------------------------ */
/* Grant tables                                                             */
/* ------------------------------------------------------------------------ */

/*
 * Write the reserved v1 grant entries of a new guest: GNTTAB_RESERVED_CONSOLE
 * -> console_gfn for console_domid and GNTTAB_RESERVED_XENSTORE ->
 * xenstore_gfn for xenstore_domid (GTF_permit_access). A gfn of
 * XKC_NO_GFN skips that entry. Maps the guest's grant frame 0 through
 * resource mapping. The frame is what the guest's grant entries hold: the
 * MFN for a PV guest, the GFN for PVH/HVM (v1 entries hold 32 bits: a
 * larger frame fails with EINVAL).
 */
#define XKC_NO_GFN (~(xen_pfn_t)0)
XKC_API int xkc_gnttab_seed(xkc_handle *h, uint32_t domid,
                            xen_pfn_t console_gfn, uint32_t console_domid,
                            xen_pfn_t xenstore_gfn, uint32_t xenstore_domid);

/* Map one page granted to us by domid as grant ref (gntdev). Unmap with
 * xkc_gntdev_unmap (the handle remembers the mapping). */
XKC_API void *xkc_gntdev_map(xkc_handle *h, uint32_t domid, uint32_t ref, int prot);
XKC_API int xkc_gntdev_unmap(xkc_handle *h, void *addr);

#ifdef __cplusplus
}
#endif
#endif /* XKIT_CTRL_H */
