/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CPU lists as xl.cfg's cpus= and xl vcpu-pin write them. */
#include "private.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int bad(void)
{
    errno = EINVAL;
    return -1;
}

int xkl_cpumap_parse(const char *s, uint8_t *map)
{
    const unsigned max = XKL_CPUMAP_BYTES * 8;
    memset(map, 0, XKL_CPUMAP_BYTES);
    if (!s || !*s)
        return bad();
    if (!strcmp(s, "all")) {
        memset(map, 0xff, XKL_CPUMAP_BYTES);
        return 0;
    }
    const char *p = s;
    while (*p) {
        char *end;
        if (!isdigit((unsigned char)*p))
            return bad();
        unsigned long a = strtoul(p, &end, 10), b = a;
        if (*end == '-') {
            if (!isdigit((unsigned char)end[1]))
                return bad();
            b = strtoul(end + 1, &end, 10);
        }
        if (a > b || b >= max)
            return bad();
        for (unsigned long c = a; c <= b; c++)
            map[c / 8] |= (uint8_t)(1u << (c % 8));
        if (*end == ',' && end[1])
            end++;
        else if (*end)
            return bad();
        p = end;
    }
    return 0;
}

const char *xkl__vcpu_cpulist(const char *all, char *const *per_vcpu, size_t nper, unsigned v)
{
    if (nper)
        return v < nper ? per_vcpu[v] : NULL;
    return all;
}
