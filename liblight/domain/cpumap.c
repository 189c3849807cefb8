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

/*
 * A comma list of items, each "all", "N", "N-M", "node:N" or "nodes:N-M"
 * (the CPUs cpu_node puts on those NUMA nodes), and each may start with
 * '^' to take those CPUs out again (xl's "0-7,^3"). Items apply in order
 * from an empty map. Without a topology (cpu_node NULL) a node item is
 * refused with ENOTSUP, not taken as something else.
 */
int xkl_cpumap_parse(const char *s, uint8_t *map)
{
    return xkl_cpumap_parse_nodes(s, map, NULL, 0);
}

int xkl_cpumap_parse_nodes(const char *s, uint8_t *map, const uint32_t *cpu_node, unsigned ncpus)
{
    const unsigned long max = XKL_CPUMAP_BYTES * 8;
    memset(map, 0, XKL_CPUMAP_BYTES);
    if (!s || !*s)
        return bad();
    const char *p = s;
    bool any = false;
    while (*p) {
        bool exclude = *p == '^';
        if (exclude)
            p++;
        char *end;
        unsigned long a, b;
        if (!strncmp(p, "all", 3) && (p[3] == ',' || !p[3])) {
            a = 0;
            b = max - 1;
            end = (char *)p + 3;
        } else if (!strncmp(p, "node:", 5) || !strncmp(p, "nodes:", 6)) {
            if (!cpu_node) {
                errno = ENOTSUP;
                return -1;
            }
            p += p[4] == ':' ? 5 : 6;
            if (!isdigit((unsigned char)*p))
                return bad();
            errno = 0;
            unsigned long na = strtoul(p, &end, 10), nb = na;
            if (*end == '-') {
                if (!isdigit((unsigned char)end[1]))
                    return bad();
                nb = strtoul(end + 1, &end, 10);
            }
            if (errno || na > nb)
                return bad();
            bool some = false;
            for (unsigned c = 0; c < ncpus && c < max; c++) {
                if (cpu_node[c] < na || cpu_node[c] > nb)
                    continue;
                if (exclude)
                    map[c / 8] &= (uint8_t)~(1u << (c % 8));
                else
                    map[c / 8] |= (uint8_t)(1u << (c % 8));
                some = true;
            }
            if (!some)
                return bad();   /* no such node */
            any |= !exclude;
            if (*end == ',' && end[1])
                end++;
            else if (*end)
                return bad();
            p = end;
            continue;
        } else {
            if (!isdigit((unsigned char)*p))
                return bad();
            errno = 0;
            a = strtoul(p, &end, 10);
            b = a;
            if (*end == '-') {
                if (!isdigit((unsigned char)end[1]))
                    return bad();
                b = strtoul(end + 1, &end, 10);
            }
            if (errno || a > b || b >= max)
                return bad();
        }
        for (unsigned long c = a; c <= b; c++) {
            if (exclude)
                map[c / 8] &= (uint8_t)~(1u << (c % 8));
            else
                map[c / 8] |= (uint8_t)(1u << (c % 8));
        }
        any |= !exclude;
        if (*end == ',' && end[1])
            end++;
        else if (*end)
            return bad();
        p = end;
    }
    /* only exclusions, or everything excluded again: no CPU to run on */
    bool empty = true;
    for (unsigned i = 0; i < XKL_CPUMAP_BYTES; i++)
        empty &= map[i] == 0;
    return any && !empty ? 0 : bad();
}

const char *xkl__vcpu_cpulist(const char *all, char *const *per_vcpu, size_t nper, unsigned v)
{
    if (nper)
        return v < nper ? per_vcpu[v] : NULL;
    return all;
}
