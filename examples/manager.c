/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * manager: a small long-running manager written against libxklight's public
 * API only. It creates the guests named by the config files given, waits
 * for their events on the library's pollable fd (no monitor process, no
 * signals), destroys each guest when it shuts down, and exits when all are
 * gone.
 *
 *   manager GUEST.cfg [GUEST.cfg...]
 *
 * Prints one line per event: "created NAME domain N", "shutdown domain N
 * reason R", "destroyed domain N", "death domain N"; other domains' events
 * as "other shutdown domain N reason R" and "other death domain N" (those
 * domains are left alone). Exit status 0 when
 * every guest was created and is gone, 1 otherwise.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xkit/light.h>

#define MAX_GUESTS 16

static xkl_domain_config *load(const char *file)
{
    xkl_diags d;
    xkl_diags_init(&d);
    xkl_domain_config *dc = NULL;
    xkl_cfg *cfg = xkl_cfg_parse_file(file, &d);
    if (cfg)
        dc = xkl_domain_config_from_cfg(cfg, &d);
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "%s\n", d.v[i].text);
    xkl_diags_dispose(&d);
    xkl_cfg_free(cfg);
    return dc;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc - 1 > MAX_GUESTS) {
        fprintf(stderr, "usage: manager GUEST.cfg [GUEST.cfg...] (at most %d)\n", MAX_GUESTS);
        return 2;
    }
    char err[512];
    xkl_ctx *ctx = xkl_ctx_open(NULL, err, sizeof err);
    if (!ctx) {
        fprintf(stderr, "manager: %s\n", err);
        return 1;
    }
    /* watch before creating, so no event can be missed */
    int fd = xkl_event_fd(ctx);
    if (fd < 0) {
        fprintf(stderr, "manager: %s\n", xkl_ctx_error(ctx));
        xkl_ctx_close(ctx);
        return 1;
    }
    uint32_t ids[MAX_GUESTS];
    int alive = 0, rc = 0;
    for (int i = 1; i < argc; i++) {
        xkl_domain_config *dc = load(argv[i]);
        uint32_t id;
        if (!dc || xkl_domain_create(ctx, dc, 0, &id) < 0) {
            fprintf(stderr, "manager: %s: %s\n", argv[i], dc ? xkl_ctx_error(ctx) : "bad config");
            rc = 1;
        } else {
            struct xkl_dominfo di;
            xkl_domain_info(ctx, id, &di);
            printf("created %s domain %u\n", di.name, id);
            ids[alive++] = id;
        }
        xkl_domain_config_free(dc);
    }
    fflush(stdout);
    while (alive > 0) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 60000) == 0) {
            fprintf(stderr, "manager: no event for 60 s, %d guests left\n", alive);
            rc = 1;
            break;
        }
        struct xkl_event ev;
        int r;
        while ((r = xkl_event_next(ctx, &ev, 0)) == 1) {
            int mine = -1;
            for (int i = 0; i < alive; i++)
                if (ids[i] == ev.domid)
                    mine = i;
            if (mine < 0) {   /* someone else's domain: reported, left alone */
                if (ev.kind == XKL_EVENT_SHUTDOWN)
                    printf("other shutdown domain %u reason %u\n", ev.domid, ev.reason);
                else
                    printf("other death domain %u\n", ev.domid);
                fflush(stdout);
                continue;
            }
            if (ev.kind == XKL_EVENT_SHUTDOWN) {
                printf("shutdown domain %u reason %u\n", ev.domid, ev.reason);
                if (xkl_domain_destroy(ctx, ev.domid) < 0) {
                    fprintf(stderr, "manager: %s\n", xkl_ctx_error(ctx));
                    rc = 1;
                } else {
                    printf("destroyed domain %u\n", ev.domid);
                }
            } else {
                printf("death domain %u\n", ev.domid);
                ids[mine] = ids[--alive];
            }
            fflush(stdout);
        }
        if (r < 0) {
            fprintf(stderr, "manager: %s\n", xkl_ctx_error(ctx));
            rc = 1;
            break;
        }
    }
    xkl_ctx_close(ctx);
    return rc;
}
