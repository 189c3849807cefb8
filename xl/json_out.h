/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The --json form of xl's listings: a JSON array on stdout, one element
 * per line, with the same keys in every release (snake_case, numbers as
 * numbers, a missing value as null), for pipelines and jq:
 *   [
 *   {"name": "Domain-0", "domid": 0, ...},
 *   {"name": "guest", "domid": 3, ...}
 *   ]
 * Nested arrays and objects are written inline.
 */
#ifndef XL_JSON_OUT_H
#define XL_JSON_OUT_H
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

/* The long options of a listing with nothing else: --json ('J'), --help. */
extern const struct option xl_json_opts[];

#define XLJ_DEPTH 8

struct xl_json {
    int depth;
    bool first[XLJ_DEPTH];   /* nothing written yet at this level */
};

/* The outer array: "[" ... "\n]\n". */
void xlj_begin(struct xl_json *j);
void xlj_end(struct xl_json *j);
/* An object: an element of the current array (key NULL) or a member. */
void xlj_obj(struct xl_json *j, const char *key);
void xlj_obj_end(struct xl_json *j);
/* An inner array, a member (key) or an element (NULL). */
void xlj_arr(struct xl_json *j, const char *key);
void xlj_arr_end(struct xl_json *j);
/* Members (key) or array elements (key NULL). */
void xlj_str(struct xl_json *j, const char *key, const char *v);   /* NULL: null */
void xlj_int(struct xl_json *j, const char *key, long long v);
void xlj_uint(struct xl_json *j, const char *key, unsigned long long v);
void xlj_bool(struct xl_json *j, const char *key, bool v);
void xlj_num(struct xl_json *j, const char *key, double v);   /* %.6g-ish, finite */
void xlj_null(struct xl_json *j, const char *key);
/* An int that is -1 when unknown: null then. */
void xlj_opt_int(struct xl_json *j, const char *key, long long v);
/* The CPUs (or nodes) set in map, of nr bits, as an array of numbers. */
void xlj_cpus(struct xl_json *j, const char *key, const uint8_t *map, unsigned nr);
#endif
