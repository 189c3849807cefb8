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
int xkl__nic_parse(struct xkl_nic *nic, const char *spec, const char *source,
                   int line, int col, xkl_diags *d);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" <-> 16 bytes; OUT holds 37. */
int xkl__uuid_parse(const char *s, unsigned char out[16]);
void xkl__uuid_format(const unsigned char u[16], char out[37]);

/* What create cannot act on yet (support.c): the xl.cfg key of the first
 * setting in dc that would change what the guest gets and that xkit does
 * not implement (e.g. "disk", "vif", "pci", "vfb"), or NULL. Create fails
 * with it instead of dropping the setting; xl create -n still prints dc. */
const char *xkl__config_unsupported(const struct xkl_domain_config *dc);

/* JSON (json_gen.c / json_parse.c). */
char *xkl__domain_config_gen_json(const struct xkl_domain_config *dc);
int xkl__domain_config_parse_json(struct xkl_domain_config *dc, const char *json,
                                  size_t len, xkl_diags *d);
#endif
