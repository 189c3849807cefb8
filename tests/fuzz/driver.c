/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replay driver for the fuzz targets: feeds every file named on the command
 * line, or every file of $XK_FUZZ_CORPUS/<target>/ when none is, to
 * LLVMFuzzerTestOneInput. make check runs it so the corpus is a regression
 * test; real fuzzing links the same target with libFuzzer instead.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Built for libFuzzer (tests/fuzz/run-fuzzers), libFuzzer provides main(). */
#ifndef XK_LIBFUZZER

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return 1;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 0, count = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++, count++)
            rc |= run_file(argv[i]);
    } else {
        const char *base = getenv("XK_FUZZ_CORPUS");
        const char *name = strrchr(argv[0], '/');
        name = name ? name + 1 : argv[0];
        if (strncmp(name, "fuzz_", 5) == 0)
            name += 5;
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", base ? base : "corpus", name);
        DIR *d = opendir(dir);
        if (!d) {
            perror(dir);
            return 1;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char path[8192];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            rc |= run_file(path);
            count++;
        }
        closedir(d);
    }
    printf("%s: replayed %d inputs\n", argv[0], count);
    return rc || count == 0;
}
#endif /* XK_LIBFUZZER */
