/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pty_run SECONDS KEYS CMD [ARG...]: run CMD on a fresh pseudo-terminal
 * (80x25, TERM as given: the caller sets one dom0 has terminfo for), type KEYS into it after SECONDS, copy
 * everything CMD writes to stdout, and exit with CMD's status (124 when it
 * is still running 10 s after the keys, then killed). For the lab's
 * checks of full-screen programs (xl top), which dom0 cannot give a
 * terminal otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: pty_run SECONDS KEYS CMD [ARG...]\n");
        return 2;
    }
    double wait_s = atof(argv[1]);
    const char *keys = argv[2];
    struct winsize ws = { .ws_row = 25, .ws_col = 80 };
    int master;
    pid_t pid = forkpty(&master, NULL, NULL, &ws);
    if (pid < 0) {
        perror("forkpty");
        return 2;
    }
    if (pid == 0) {
        setenv("TERM", "xterm", 0);
        execvp(argv[3], argv + 3);
        perror(argv[3]);
        _exit(127);
    }
    double start = now(), deadline = start + wait_s + 10;
    bool typed = false;
    int status = -1;
    for (;;) {
        double t = now();
        if (!typed && t - start >= wait_s) {
            if (write(master, keys, strlen(keys)) < 0)
                perror("write keys");
            typed = true;
        }
        if (t > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            fprintf(stderr, "pty_run: %s still running, killed\n", argv[3]);
            return 124;
        }
        struct pollfd p = { .fd = master, .events = POLLIN };
        int r = poll(&p, 1, 100);
        if (r > 0) {
            char buf[4096];
            ssize_t n = read(master, buf, sizeof buf);
            if (n > 0) {
                fwrite(buf, 1, (size_t)n, stdout);
                continue;
            }
            /* EIO: the child closed its side */
        }
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
    }
    fflush(stdout);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
