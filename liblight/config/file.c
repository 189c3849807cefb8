/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whole files for the parsers of outside input (xl.cfg, xl.conf, kernel
 * configurations): read to the end, as /proc files have no size, and
 * never more than the caller's bound. */
#include "private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int xkl__read_file(const char *path, size_t max, char **out, size_t *out_len, bool *opened)
{
    *out = NULL;
    *out_len = 0;
    if (opened)
        *opened = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (opened)
        *opened = true;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int e = 0;
    for (;;) {
        if (len == cap) {
            if (cap >= max) {
                e = EFBIG;
                break;
            }
            size_t c = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, (c > max ? max : c) + 1);
            if (!nb) {
                e = ENOMEM;
                break;
            }
            buf = nb;
            cap = c > max ? max : c;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            e = errno;
            break;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    if (e) {
        free(buf);
        errno = e;
        return -1;
    }
    if (!buf && !(buf = malloc(1))) {
        errno = ENOMEM;
        return -1;
    }
    buf[len] = 0;
    *out = buf;
    *out_len = len;
    return 0;
}
