/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Common flow of the xk test kernels: marker line, then the chosen mode. */
#include "xk.h"

static void shutdown(unsigned int reason)
{
    struct sched_shutdown sd = { .reason = reason };

    xk_hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&sd, 0);
}

void xk_main(const char *type, long domid, const char *cmdline, size_t len)
{
    static char line[MAX_GUEST_CMDLINE + 128];
    struct xk_opts o;
    struct xk_buf b;

    xk_cmdline_parse(cmdline, len, &o);

    xk_buf_init(&b, line, sizeof(line));
    xk_buf_str(&b, "XK-GUEST-UP type=");
    xk_buf_str(&b, type);
    xk_buf_str(&b, " domid=");
    if (domid >= 0)
        xk_buf_ulong(&b, (unsigned long)domid);
    else
        xk_buf_str(&b, "?");
    xk_buf_str(&b, " mode=");
    xk_buf_str(&b, xk_mode_name(o.mode));
    xk_buf_str(&b, " cmdline=");
    xk_buf_strn(&b, cmdline, len);
    xk_buf_str(&b, "\n");
    xk_puts(line);

    if (o.bad_mode)
        xk_puts("XK-GUEST-WARN unknown xk.mode, using poweroff\n");
    if (o.msg[0]) {
        xk_buf_init(&b, line, sizeof(line));
        xk_buf_str(&b, "XK-GUEST-MSG ");
        xk_buf_str(&b, o.msg);
        xk_buf_str(&b, "\n");
        xk_puts(line);
    }

    switch (o.mode) {
    case XK_MODE_SLEEP:
        xk_puts("XK-GUEST-SLEEP\n");
        xk_console_flush();
        xk_sleep_forever();
    case XK_MODE_WATCHDOG: {
        /* Arm a 1 s hypervisor watchdog and never kick it: Xen shuts the
         * domain down with SHUTDOWN_watchdog, which on_watchdog handles. */
        struct sched_watchdog wd = { .id = 0, .timeout = 1 };
        long id = xk_hypercall(__HYPERVISOR_sched_op, SCHEDOP_watchdog, (unsigned long)&wd, 0);
        xk_puts(id > 0 ? "XK-GUEST-WATCHDOG armed\n" : "XK-GUEST-ERROR watchdog refused\n");
        xk_console_flush();
        xk_sleep_forever();
    }
    case XK_MODE_GNTTAB2: {
        /* Switch the grant table to version 2 (as Linux does with
         * gnttab_v2) and read the version back: works only when the
         * toolstack let the domain use v2. Then power off. */
        struct gnttab_set_version sv = { .version = 2 };
        struct gnttab_get_version gv = { .dom = DOMID_SELF };
        long rc = xk_hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_set_version,
                               (unsigned long)&sv, 1);
        long rg = xk_hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_get_version,
                               (unsigned long)&gv, 1);
        xk_buf_init(&b, line, sizeof(line));
        xk_buf_str(&b, rc == 0 && rg == 0 && gv.version == 2 ? "XK-GUEST-GNTTAB v2 ok version="
                                                           : "XK-GUEST-GNTTAB v2 refused version=");
        xk_buf_ulong(&b, rg == 0 ? gv.version : 0);
        xk_buf_str(&b, " rc=");
        if (rc < 0) {
            xk_buf_str(&b, "-");
            xk_buf_ulong(&b, (unsigned long)-rc);
        } else {
            xk_buf_ulong(&b, (unsigned long)rc);
        }
        xk_buf_str(&b, "\n");
        xk_puts(line);
        xk_console_flush();
        shutdown(SHUTDOWN_poweroff);
        break;
    }
    case XK_MODE_REBOOT:
        xk_console_flush();
        shutdown(SHUTDOWN_reboot);
        break;
    case XK_MODE_CRASH:
        xk_console_flush();
        shutdown(SHUTDOWN_crash);
        break;
    case XK_MODE_POWEROFF:
        xk_console_flush();
        shutdown(SHUTDOWN_poweroff);
        break;
    }
    /* SCHEDOP_shutdown does not return; if it did, say so and stay put. */
    xk_puts("XK-GUEST-ERROR shutdown returned\n");
    xk_console_flush();
    xk_sleep_forever();
}
