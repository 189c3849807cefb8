/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The domain configuration types, generated from types.def. Private to
 * liblight: the public API hands out xkl_domain_config as an opaque type. */
#ifndef XKLIGHT_TYPES_H
#define XKLIGHT_TYPES_H

#include <stdbool.h>

/* An xl.cfg setting kept verbatim (keys xl knows that xkit does not type). */
struct xkl_raw_entry {
    char *key;
    struct xkl_cfg_value *value;
};

#define ENUM_BEGIN(e) enum xkl_##e {
#define ENUM_VAL(e, c, j) XKL_##c,
#define ENUM_END(e) };
#include "types.def"

#define STRUCT_BEGIN(s) struct xkl_##s {
#define STRUCT_END(s) };
#define F_STR(s, n, j) char *n;
#define F_INT(s, n, j, def) long long n;
#define F_BOOL(s, n, j) bool n;
#define F_DEFBOOL(s, n, j) signed char n;
#define F_ENUM(s, n, j, e) enum xkl_##e n;
#define F_UUID(s, n, j) unsigned char n[16];
#define F_STRLIST(s, n, j) char **n; size_t num_##n;
#define F_CPUS(s, n, j) long long n;
#define F_STRUCT(s, n, j, t) struct xkl_##t n;
#define F_ARRAY(s, n, j, t) struct xkl_##t *n; size_t num_##n;
#define F_RAWMAP(s, n, j) struct xkl_raw_entry *n; size_t num_##n;
#include "types.def"

/* Per struct: init (defaults), dispose (release, leaves defaults),
 * is_default (every field unset: JSON omits it). Per enum: to/from the
 * JSON string. */
#define STRUCT_BEGIN(s) \
    void xkl__##s##_init(struct xkl_##s *p); \
    void xkl__##s##_dispose(struct xkl_##s *p); \
    bool xkl__##s##_is_default(const struct xkl_##s *p);
#define ENUM_BEGIN(e) \
    const char *xkl__##e##_to_string(enum xkl_##e v); \
    int xkl__##e##_from_string(const char *s, enum xkl_##e *out);
#include "types.def"

/* Growable arrays and lists used by the converters. */
int xkl__strlist_add(char ***list, size_t *n, const char *s);
void xkl__strlist_free(char ***list, size_t *n);
/* Append a fresh, initialised element; NULL on ENOMEM. */
struct xkl_disk *xkl__disk_add(struct xkl_domain_config *dc);
struct xkl_nic *xkl__nic_add(struct xkl_domain_config *dc);
int xkl__rawmap_add(struct xkl_raw_entry **map, size_t *n, const char *key,
                    const struct xkl_cfg_value *v);

/* Disk and vif spec mini-languages (spec_disk.c, spec_vif.c). The spec
 * starts at LINE:COL of SOURCE for messages; 0 or -1 (errors in D). */
int xkl__disk_parse(struct xkl_disk *disk, const char *spec, const char *source,
                    int line, int col, xkl_diags *d);
/* The vkb, vtpm and vdispl specs of xl.cfg(5) (spec_vdev.c), same
 * conventions. */
/* A vsnd: its components ("card, k=v...", "pcm, ...", "stream, ..."), one
 * item each, item i at line[i]:col[i] of source (0: no place). */
struct xkl__spec_item {
    const char *str;
    int line, col;
};
int xkl__vsnd_parse(struct xkl_vsnd *v, const struct xkl__spec_item *items, size_t n,
                    const char *source, xkl_diags *d);
/* The devices that are one spec each in xl.cfg (a vsnd: a list of items)
 * and the same spec for xl KIND-attach: one row per kind (spec_vdev.c)
 * with its array in the domain config, so that converting, attaching
 * and saving them is one piece of code for all. */
enum xkl__vdev_kind { XKL__VDEV_VKB, XKL__VDEV_VTPM, XKL__VDEV_VDISPL, XKL__VDEV_VSND,
                      XKL__VDEV_CHANNEL, XKL__VDEV_N };
struct xkl__vdev_type {
    const char *name;          /* the xl.cfg key: "vkb", "vtpm", "vdispl", "vsnd", "channel" */
    const char *frontend;      /* device/<frontend> */
    const char *example;       /* a spec, for messages */
    size_t size;               /* one element */
    size_t arr_off, num_off;   /* its array and count in struct xkl_domain_config */
    size_t devid_off;          /* its long long devid */
    long long first_devid;     /* the devid of the first in a config (channels: 1) */
    bool cfg_needs_backend;    /* xl.cfg requires backend= (a vtpm's), attach does not */
    void (*init)(void *obj);
    void (*dispose)(void *obj);
    /* the spec (items[0]; a vsnd: n items) into obj, errors located */
    int (*parse)(void *obj, const struct xkl__spec_item *items, size_t n, const char *source,
                 xkl_diags *d);
    const char *(*backend_of)(const void *obj);   /* its backend= */
    /* what an attach chose beyond the spec (a vtpm's UUID), copied from
     * the device added into the saved one; NULL: nothing */
    void (*settle)(void *saved, const void *added);
};
extern const struct xkl__vdev_type xkl__vdev_types[XKL__VDEV_N];
/* The row whose xl.cfg key is name, or NULL. */
const struct xkl__vdev_type *xkl__vdev_type_find(const char *name);
/* A fresh element appended to dc's array of type t; NULL on ENOMEM. */
void *xkl__vdev_append(struct xkl_domain_config *dc, const struct xkl__vdev_type *t);
/* Drop the element of devid from dc's array of type t (if there is one). */
void xkl__vdev_drop(struct xkl_domain_config *dc, const struct xkl__vdev_type *t, long long devid);
/* The devid field of obj. */
long long *xkl__vdev_devid(const struct xkl__vdev_type *t, void *obj);
int xkl__channel_parse(struct xkl_channel *ch, const char *spec, const char *source, int line,
                       int col, xkl_diags *d);
int xkl__vdispl_parse(struct xkl_vdispl *v, const char *spec, const char *source, int line,
                      int col, xkl_diags *d);
int xkl__vkb_parse(struct xkl_vkb *vkb, const char *spec, const char *source, int line, int col,
                   xkl_diags *d);
int xkl__vtpm_parse(struct xkl_vtpm *vtpm, const char *spec, const char *source, int line,
                    int col, xkl_diags *d);
/* xl.conf's vif.default.* for what the nic does not say (xlconf.c): every
 * vif of a create, and network-attach's */
int xkl__nic_apply_host(struct xkl_nic *nic, const struct xkl_host_conf *hc);
int xkl__nic_parse(struct xkl_nic *nic, const char *spec, const char *source,
                   int line, int col, xkl_diags *d);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" <-> 16 bytes; OUT holds 37. */
int xkl__uuid_parse(const char *s, unsigned char out[16]);
void xkl__uuid_format(const unsigned char u[16], char out[37]);

/* ---- the xl.cfg keys (convert.c): one row per key xl.cfg(5) documents,
 * plus the deprecated ones xl still reads ---- */
/* Guest types a key applies to; given for another type it is a located
 * warning and ignored, as xl ignores it. */
enum { XKL__KT_PV = 1, XKL__KT_PVH = 2, XKL__KT_HVM = 4, XKL__KT_ANY = 7 };

enum xkl__key_kind {
    XKL__KEY_STR,       /* string (or a number's spelling) -> char *      */
    XKL__KEY_INT,       /* NUMBER in [min, max] -> long long              */
    XKL__KEY_MB,        /* MBYTES in [min, max] -> long long KiB          */
    XKL__KEY_BOOL,      /* BOOLEAN -> signed char 0/1 (-1 unset)          */
    XKL__KEY_LIST,      /* list of strings -> strlist                     */
    XKL__KEY_LIST1,     /* list of strings, or one string -> strlist      */
    XKL__KEY_ACTION,    /* on_* ACTION -> enum xkl_action_on_shutdown     */
    XKL__KEY_FN,        /* its own converter (always called)              */
    XKL__KEY_BY,        /* read by the converter of an earlier row        */
    XKL__KEY_RAW,       /* kept as written in xl_raw                      */
};

/* What create does with a key's setting. */
enum xkl__key_create {
    XKL__CREATE_ACTS,   /* implemented                                     */
    XKL__CREATE_NOT,    /* not implemented: a setting makes create fail    */
    XKL__CREATE_INERT,  /* changes nothing create builds (e.g. vnclisten
                         * with no vnc, the device model version with no
                         * device model): a setting is kept, create goes on */
};

struct xkl__conv;
struct xkl__cfg_key {
    const char *name;
    unsigned char kind, types, create;
    size_t off, noff;               /* field in xkl_domain_config (+ count) */
    long long min, max;             /* INT, MB */
    int (*conv)(struct xkl__conv *c, const struct xkl__cfg_key *k);   /* FN */
    /* CREATE_NOT: whether dc has this setting. NULL: the field differs
     * from its default (a RAW row: the key is in xl_raw). */
    bool (*set)(const struct xkl_domain_config *dc, const struct xkl__cfg_key *k);
};
extern const struct xkl__cfg_key xkl__cfg_keys[];
extern const size_t xkl__cfg_nkeys;
const struct xkl__cfg_key *xkl__cfg_key_find(const char *name);
/* Whether S is a CPULIST as xl.cfg's cpus= takes it: "all", N, N-M,
 * node:N, nodes:N-M, each optionally after '^', separated by ','. */
bool xkl__cpulist_ok(const char *s);
/* XKL__KT_* bit of a domain type (0 for none). */
unsigned xkl__key_type_bit(enum xkl_domain_type t);

/* What create cannot act on yet (support.c), from the key table: the
 * xl.cfg key of the first setting in dc (from xl.cfg or JSON alike) that
 * would change what the guest gets and that xkit does not implement (e.g.
 * "disk", "vif", "pci", "vnc"), or NULL. Create fails with it instead of
 * dropping the setting; xl create -n still prints dc. */
const char *xkl__config_unsupported(const struct xkl_domain_config *dc);

/* JSON (json_gen.c / json_parse.c). */
char *xkl__domain_config_gen_json(const struct xkl_domain_config *dc);
/* lenient: skip the keys types.def does not declare (libxl's own files);
 * else each is an error */
int xkl__domain_config_parse_json(struct xkl_domain_config *dc, const char *json,
                                  size_t len, bool lenient, xkl_diags *d);
/* A domain config libxl wrote (Debian's xl's userdata file), read leniently. */
struct xkl_domain_config *xkl__domain_config_from_libxl_json(const char *json, size_t len,
                                                            xkl_diags *d);
#endif
