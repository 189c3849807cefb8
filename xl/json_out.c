/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The --json writer of xl's listings (see json_out.h). */
#include "json_out.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>

const struct option xl_json_opts[] = {
    { "json", no_argument, NULL, 'J' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static void sep(struct xl_json *j, const char *key)
{
    if (!j->first[j->depth])
        fputs(j->depth == 1 ? ",\n" : ", ", stdout);
    else if (j->depth == 1)
        fputs("\n", stdout);
    j->first[j->depth] = false;
    if (key) {
        /* keys are ours: plain ASCII, no escaping needed */
        printf("\"%s\": ", key);
    }
}

static void push(struct xl_json *j, char open)
{
    putchar(open);
    if (j->depth + 1 < XLJ_DEPTH)
        j->depth++;
    j->first[j->depth] = true;
}

void xlj_begin(struct xl_json *j)
{
    j->depth = 0;
    j->first[0] = true;
    push(j, '[');
}

void xlj_end(struct xl_json *j)
{
    fputs(j->first[1] ? "]\n" : "\n]\n", stdout);
    j->depth = 0;
}

void xlj_obj(struct xl_json *j, const char *key)
{
    sep(j, key);
    push(j, '{');
}

void xlj_obj_end(struct xl_json *j)
{
    putchar('}');
    if (j->depth > 0)
        j->depth--;
}

void xlj_arr(struct xl_json *j, const char *key)
{
    sep(j, key);
    push(j, '[');
}

void xlj_arr_end(struct xl_json *j)
{
    putchar(']');
    if (j->depth > 0)
        j->depth--;
}

void xlj_str(struct xl_json *j, const char *key, const char *v)
{
    sep(j, key);
    if (!v) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", stdout);
        else if (*p == '\t')
            fputs("\\t", stdout);
        else if (*p < 0x20 || *p == 0x7f)
            printf("\\u%04x", *p);
        else
            putchar(*p);   /* UTF-8 passes as it is */
    }
    putchar('"');
}

void xlj_int(struct xl_json *j, const char *key, long long v)
{
    sep(j, key);
    printf("%lld", v);
}

void xlj_uint(struct xl_json *j, const char *key, unsigned long long v)
{
    sep(j, key);
    printf("%llu", v);
}

void xlj_bool(struct xl_json *j, const char *key, bool v)
{
    sep(j, key);
    fputs(v ? "true" : "false", stdout);
}

void xlj_num(struct xl_json *j, const char *key, double v)
{
    sep(j, key);
    if (isfinite(v))
        printf("%.3f", v);
    else
        fputs("null", stdout);
}

void xlj_null(struct xl_json *j, const char *key)
{
    sep(j, key);
    fputs("null", stdout);
}

void xlj_opt_int(struct xl_json *j, const char *key, long long v)
{
    if (v < 0)
        xlj_null(j, key);
    else
        xlj_int(j, key, v);
}

void xlj_cpus(struct xl_json *j, const char *key, const uint8_t *map, unsigned nr)
{
    xlj_arr(j, key);
    for (unsigned c = 0; c < nr; c++)
        if (map[c / 8] & (1u << (c % 8)))
            xlj_uint(j, NULL, c);
    xlj_arr_end(j);
}
