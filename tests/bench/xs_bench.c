/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xs_bench: xenstore request rate through libxklight on one connection.
 * Prints "operation ops_per_second" lines; tests/lab/scenarios/bench-xs.sh
 * puts them beside xs_bench_ref's (Debian's libxenstore, reference only).
 *
 *   xs_bench [COUNT] [PATH]     default 10000 /xk-bench/key
 *   xs_bench tx COUNT           COUNT times 45 writes (as many as a
 *                               create's first xenstore step) in one
 *                               batch, inside a transaction and outside
 *                               one: how xenstored's cost of each grows
 *                               with the size of the store
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

/* 45 writes under /xk-bench/tx/, in transaction tx (or none) */
static int batch45(xkl_xs *xs, xkl_xs_tx tx)
{
    static char paths[45][48];
    struct xkl_xs_op ops[45];
    for (int i = 0; i < 45; i++) {
        snprintf(paths[i], sizeof paths[i], "/xk-bench/tx/n%d", i);
        ops[i] = (struct xkl_xs_op){ .kind = XKL_XS_OP_WRITE, .path = paths[i], .data = "v", .len = 1 };
    }
    return xkl_xs_batch(xs, tx, ops, 45);
}

static int tx_bench(xkl_xs *xs, int n)
{
    double t = now();
    for (int i = 0; i < n; i++) {
        xkl_xs_tx tx;
        if (xkl_xs_tx_start(xs, &tx) < 0 || batch45(xs, tx) < 0 || xkl_xs_tx_end(xs, tx, 0) < 0)
            return die(xs);
    }
    double in_tx = (now() - t) * 1000 / n;
    t = now();
    for (int i = 0; i < n; i++)
        if (batch45(xs, XKL_XS_TX_NONE) < 0)
            return die(xs);
    double plain = (now() - t) * 1000 / n;
    printf("45-writes-in-transaction-ms %.2f\n45-writes-plain-ms %.2f\n", in_tx, plain);
    xkl_xs_close(xs);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "tx")) {
        xkl_xs *xs = xkl_xs_open(0);
        if (!xs) {
            perror("xs_bench: open");
            return 1;
        }
        return tx_bench(xs, atoi(argv[2]));
    }
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
