/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xs_bench: xenstore request rate through libxklight on one connection.
 * Prints "operation ops_per_second" lines; tests/lab/scenarios/bench-xs.sh
 * puts them beside xs_bench_ref's (Debian's libxenstore, reference only).
 *
 *   xs_bench [COUNT] [PATH]     default 10000 /xk-bench/key
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xen/io/xs_wire.h>
#include <xkit/light.h>

#define WINDOW 64 /* reads in flight in the pipelined run */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int die(xkl_xs *xs)
{
    fprintf(stderr, "xs_bench: %s\n", xkl_xs_error(xs));
    return 1;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10000;
    const char *path = argc > 2 ? argv[2] : "/xk-bench/key";
    xkl_xs *xs = xkl_xs_open(0);
    if (!xs) {
        perror("xs_bench: open");
        return 1;
    }
    const char *val = "a value of a typical size: 32 b";
    if (xkl_xs_write(xs, 0, path, val, strlen(val)) < 0)
        return die(xs);
    /* Each loop runs twice and the better run counts: the first one pays
     * for warming caches in the client, the daemon and Xen. */
    double best[4] = {0, 0, 0, 0};
    for (int round = 0; round < 2; round++) {
        double t = now(), r;
        for (int i = 0; i < n; i++) {
            char *v = xkl_xs_read(xs, 0, path, NULL);
            if (!v)
                return die(xs);
            free(v);
        }
        r = n / (now() - t);
        best[0] = r > best[0] ? r : best[0];

        uint32_t ids[WINDOW];
        t = now();
        for (int done = 0; done < n;) {
            int k = n - done < WINDOW ? n - done : WINDOW;
            for (int i = 0; i < k; i++)
                if (xkl_xs_send(xs, 0, XS_READ, path, strlen(path) + 1, &ids[i]) < 0)
                    return die(xs);
            for (int i = 0; i < k; i++) {
                void *v = xkl_xs_recv(xs, ids[i], NULL);
                if (!v)
                    return die(xs);
                free(v);
            }
            done += k;
        }
        r = n / (now() - t);
        best[1] = r > best[1] ? r : best[1];

        t = now();
        for (int i = 0; i < n; i++)
            if (xkl_xs_write(xs, 0, path, val, strlen(val)) < 0)
                return die(xs);
        r = n / (now() - t);
        best[2] = r > best[2] ? r : best[2];

        t = now();
        for (int i = 0; i < n / 10; i++) {
            unsigned num;
            char **d = xkl_xs_directory(xs, 0, "/local/domain/0", &num);
            if (!d)
                return die(xs);
            free(d);
        }
        r = (n / 10) / (now() - t);
        best[3] = r > best[3] ? r : best[3];
    }
    printf("read %.0f\nread-pipelined %.0f\nwrite %.0f\ndirectory %.0f\n",
           best[0], best[1], best[2], best[3]);
    xkl_xs_close(xs);
    return 0;
}
