/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xs_bench_ref: the same loops as xs_bench through Debian's libxenstore, as
 * a reference for the benchmark only (never linked into xkit). libxenstore
 * has no pipelining: its "read-pipelined" is its plain read loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10000;
    const char *path = argc > 2 ? argv[2] : "/xk-bench/key";
    struct xs_handle *xs = xs_open(0);
    if (!xs) {
        perror("xs_bench_ref: xs_open");
        return 1;
    }
    const char *val = "a value of a typical size: 32 b";
    if (!xs_write(xs, XBT_NULL, path, val, (unsigned)strlen(val))) {
        perror("xs_write");
        return 1;
    }
    /* same order and best-of-two as xs_bench */
    double best[3] = {0, 0, 0};
    for (int round = 0; round < 2; round++) {
        double t = now(), r;
        for (int i = 0; i < n; i++) {
            unsigned len;
            char *v = xs_read(xs, XBT_NULL, path, &len);
            if (!v) {
                perror("xs_read");
                return 1;
            }
            free(v);
        }
        r = n / (now() - t);
        best[0] = r > best[0] ? r : best[0];

        t = now();
        for (int i = 0; i < n; i++)
            if (!xs_write(xs, XBT_NULL, path, val, (unsigned)strlen(val))) {
                perror("xs_write");
                return 1;
            }
        r = n / (now() - t);
        best[1] = r > best[1] ? r : best[1];

        t = now();
        for (int i = 0; i < n / 10; i++) {
            unsigned num;
            char **d = xs_directory(xs, XBT_NULL, "/local/domain/0", &num);
            if (!d) {
                perror("xs_directory");
                return 1;
            }
            free(d);
        }
        r = (n / 10) / (now() - t);
        best[2] = r > best[2] ? r : best[2];
    }
    printf("read %.0f\nread-pipelined %.0f\nwrite %.0f\ndirectory %.0f\n",
           best[0], best[0], best[1], best[2]);
    xs_close(xs);
    return 0;
}
