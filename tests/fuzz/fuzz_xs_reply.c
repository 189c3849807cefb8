/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: a stream of bytes from "xenstored" through the reply codec
 * (liblight/xs/wire.c). Every header is decoded and every payload is given
 * to every parser; nothing may crash, read out of bounds or leak.
 */
#include "private.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char body[XENSTORE_PAYLOAD_MAX + 1];
    while (size >= XKL__HDR_LEN) {
        struct xsd_sockmsg h;
        if (xkl__wire_decode_header(data, &h) < 0)
            return 0; /* the connection would be dropped here */
        data += XKL__HDR_LEN;
        size -= XKL__HDR_LEN;
        size_t len = h.len < size ? h.len : size;
        memcpy(body, data, len);
        body[len] = '\0'; /* the connection code appends one too */
        data += len;
        size -= len;

        int e;
        bool b;
        unsigned long ul;
        unsigned long long gen;
        const char *p1, *p2;
        size_t nl;
        unsigned n;
        (void)xkl__wire_parse_error(body, len, &e);
        (void)xkl__wire_parse_ok(body, len);
        (void)xkl__wire_parse_uint(body, len, &ul);
        (void)xkl__wire_parse_bool(body, len, &b);
        free(xkl__wire_parse_string(body, len));
        free(xkl__wire_parse_strings(body, len, &n));
        free(xkl__wire_parse_perms(body, len, &n));
        if (xkl__wire_parse_dirpart(body, len, &gen, &p1, &nl, &b) == 0)
            free(xkl__wire_parse_strings(p1, nl, &n));
        (void)xkl__wire_parse_event(body, len, &p1, &p2);
        (void)xkl__wire_type_name(h.type);

        /* and back: a request with this payload encodes or is refused */
        unsigned char out[XKL__MSG_MAX];
        struct xkl__iov iov = {body, len};
        (void)xkl__wire_encode(out, sizeof out, h.type, h.req_id, h.tx_id, &iov, 1);
    }
    return 0;
}
