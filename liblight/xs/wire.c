/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xenstore wire codec: builds request messages and checks/parses replies.
 * Pure (no I/O, no handle) so that every malformed input can be unit-tested
 * and fuzzed; the connection code trusts nothing it has not passed through
 * here.
 */
#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = {
    [XS_CONTROL] = "CONTROL",
    [XS_DIRECTORY] = "DIRECTORY",
    [XS_READ] = "READ",
    [XS_GET_PERMS] = "GET_PERMS",
    [XS_WATCH] = "WATCH",
    [XS_UNWATCH] = "UNWATCH",
    [XS_TRANSACTION_START] = "TRANSACTION_START",
    [XS_TRANSACTION_END] = "TRANSACTION_END",
    [XS_INTRODUCE] = "INTRODUCE",
    [XS_RELEASE] = "RELEASE",
    [XS_GET_DOMAIN_PATH] = "GET_DOMAIN_PATH",
    [XS_WRITE] = "WRITE",
    [XS_MKDIR] = "MKDIR",
    [XS_RM] = "RM",
    [XS_SET_PERMS] = "SET_PERMS",
    [XS_WATCH_EVENT] = "WATCH_EVENT",
    [XS_ERROR] = "ERROR",
    [XS_IS_DOMAIN_INTRODUCED] = "IS_DOMAIN_INTRODUCED",
    [XS_RESUME] = "RESUME",
    [XS_SET_TARGET] = "SET_TARGET",
    [XS_RESET_WATCHES] = "RESET_WATCHES",
    [XS_DIRECTORY_PART] = "DIRECTORY_PART",
    [XKL__TYPE_GET_FEATURE] = "GET_FEATURE",
    [XKL__TYPE_SET_FEATURE] = "SET_FEATURE",
    [XKL__TYPE_GET_QUOTA] = "GET_QUOTA",
    [XKL__TYPE_SET_QUOTA] = "SET_QUOTA",
};

const char *xkl__wire_type_name(uint32_t type)
{
    if (type >= sizeof(type_names) / sizeof(type_names[0]))
        return NULL;
    return type_names[type];
}

int xkl__wire_errno_of(const char *name)
{
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (strcmp(xsd_errors[i].errstring, name) == 0)
            return xsd_errors[i].errnum;
    return 0;
}

const char *xkl__wire_errno_name(int err)
{
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (xsd_errors[i].errnum == err)
            return xsd_errors[i].errstring;
    return NULL;
}

ssize_t xkl__wire_encode(void *buf, size_t cap, uint32_t type, uint32_t req_id,
                       uint32_t tx_id, const struct xkl__iov *iov, size_t niov)
{
    size_t len = 0;
    for (size_t i = 0; i < niov; i++) {
        if (iov[i].len > XENSTORE_PAYLOAD_MAX - len) {
            errno = E2BIG;
            return -1;
        }
        len += iov[i].len;
    }
    if (cap < XKL__HDR_LEN + len) {
        errno = ENOSPC;
        return -1;
    }
    struct xsd_sockmsg hdr = {
        .type = type, .req_id = req_id, .tx_id = tx_id, .len = (uint32_t)len,
    };
    unsigned char *p = buf;
    memcpy(p, &hdr, XKL__HDR_LEN);
    p += XKL__HDR_LEN;
    for (size_t i = 0; i < niov; i++) {
        if (iov[i].len)
            memcpy(p, iov[i].base, iov[i].len);
        p += iov[i].len;
    }
    return (ssize_t)(XKL__HDR_LEN + len);
}

int xkl__wire_decode_header(const void *buf, struct xsd_sockmsg *hdr)
{
    memcpy(hdr, buf, XKL__HDR_LEN);
    if (hdr->len > XENSTORE_PAYLOAD_MAX || hdr->type > XKL__TYPE_LAST ||
        hdr->type == XKL__TYPE_REMOVED) {
        errno = EBADMSG;
        return -1;
    }
    return 0;
}

static int bad(void)
{
    errno = EBADMSG;
    return -1;
}

/* A payload made of one or more NUL-terminated strings ends with a NUL. */
static bool nul_terminated(const char *body, size_t len)
{
    return len > 0 && body[len - 1] == '\0';
}

int xkl__wire_parse_error(const char *body, size_t len, int *err)
{
    /* Exactly one string: "E<name>\0". */
    if (!nul_terminated(body, len) || strlen(body) != len - 1 || body[0] != 'E')
        return bad();
    int e = xkl__wire_errno_of(body);
    *err = e ? e : EIO;
    return 0;
}

int xkl__wire_parse_ok(const char *body, size_t len)
{
    if (len != 3 || memcmp(body, "OK", 3) != 0)
        return bad();
    return 0;
}

char **xkl__wire_parse_strings(const char *body, size_t len, unsigned *num)
{
    if (len > 0 && !nul_terminated(body, len)) {
        bad();
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += body[i] == '\0';
    char **vec = malloc((n + 1) * sizeof(char *) + len);
    if (!vec)
        return NULL;
    char *strs = (char *)(vec + n + 1);
    if (len)
        memcpy(strs, body, len);
    size_t k = 0;
    for (size_t off = 0; off < len; off += strlen(strs + off) + 1)
        vec[k++] = strs + off;
    vec[k] = NULL;
    if (num)
        *num = (unsigned)n;
    return vec;
}

int xkl__wire_parse_uint(const char *body, size_t len, unsigned long *val)
{
    if (!nul_terminated(body, len) || len < 2 || len > 21 || strlen(body) != len - 1)
        return bad();
    unsigned long v = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        if (body[i] < '0' || body[i] > '9')
            return bad();
        unsigned d = (unsigned)(body[i] - '0');
        if (v > (~0UL - d) / 10)
            return bad();
        v = v * 10 + d;
    }
    *val = v;
    return 0;
}

int xkl__wire_parse_bool(const char *body, size_t len, bool *val)
{
    if (len != 2 || body[1] != '\0' || (body[0] != 'T' && body[0] != 'F'))
        return bad();
    *val = body[0] == 'T';
    return 0;
}

char *xkl__wire_parse_string(const char *body, size_t len)
{
    if (!nul_terminated(body, len) || strlen(body) != len - 1) {
        bad();
        return NULL;
    }
    return strdup(body);
}

int xkl__wire_parse_dirpart(const char *body, size_t len, unsigned long long *gen,
                          const char **names, size_t *names_len, bool *last)
{
    if (!nul_terminated(body, len))
        return bad();
    size_t glen = strlen(body);
    if (glen == 0 || glen > 20)
        return bad();
    unsigned long long g = 0;
    for (size_t i = 0; i < glen; i++) {
        if (body[i] < '0' || body[i] > '9')
            return bad();
        unsigned d = (unsigned)(body[i] - '0');
        if (g > (~0ULL - d) / 10)
            return bad();
        g = g * 10 + d;
    }
    const char *p = body + glen + 1, *end = body + len;
    /* Walk the children: an empty string is the end-of-list marker and must
     * be the last thing in the payload. */
    *last = false;
    const char *q = p;
    while (q < end) {
        size_t l = strlen(q);
        if (l == 0) {
            if (q + 1 != end)
                return bad();
            *last = true;
            break;
        }
        q += l + 1;
    }
    *gen = g;
    *names = p;
    *names_len = (size_t)(q - p);
    return 0;
}

int xkl__wire_parse_event(const char *body, size_t len, const char **path,
                        const char **token)
{
    if (!nul_terminated(body, len))
        return bad();
    size_t plen = strlen(body);
    if (plen == 0 || plen + 1 >= len)
        return bad();
    *path = body;
    *token = body + plen + 1;
    return 0;
}

int xkl_xs_perm_parse(const char *s, struct xkl_xs_perm *perm)
{
    unsigned p;
    switch (s ? s[0] : 0) {
    case 'n': p = XKL_XS_PERM_NONE; break;
    case 'r': p = XKL_XS_PERM_READ; break;
    case 'w': p = XKL_XS_PERM_WRITE; break;
    case 'b': p = XKL_XS_PERM_BOTH; break;
    default: errno = EINVAL; return -1;
    }
    unsigned long d = 0;
    if (s[1] == '\0') {
        errno = EINVAL;
        return -1;
    }
    for (const char *c = s + 1; *c; c++) {
        if (*c < '0' || *c > '9' || d > 65535) {
            errno = EINVAL;
            return -1;
        }
        d = d * 10 + (unsigned)(*c - '0');
    }
    if (d > 65535) {
        errno = EINVAL;
        return -1;
    }
    perm->perm = p;
    perm->domid = (unsigned)d;
    return 0;
}

int xkl_xs_perm_format(const struct xkl_xs_perm *perm, char *buf, size_t len)
{
    static const char letters[] = "nrwb";
    if (perm->perm > XKL_XS_PERM_BOTH) {
        errno = EINVAL;
        return -1;
    }
    int n = snprintf(buf, len, "%c%u", letters[perm->perm], perm->domid);
    if (n < 0 || (size_t)n >= len) {
        errno = ENOSPC;
        return -1;
    }
    return n;
}

struct xkl_xs_perm *xkl__wire_parse_perms(const char *body, size_t len, unsigned *num)
{
    if (!nul_terminated(body, len)) {
        bad();
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += body[i] == '\0';
    struct xkl_xs_perm *perms = calloc(n, sizeof(*perms));
    if (!perms)
        return NULL;
    size_t k = 0;
    for (size_t off = 0; off < len; off += strlen(body + off) + 1) {
        if (xkl_xs_perm_parse(body + off, &perms[k++]) < 0) {
            free(perms);
            bad();
            return NULL;
        }
    }
    *num = (unsigned)n;
    return perms;
}
