/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command line of the xk test kernels: xk.mode=MODE and xk.msg=WORD. */
#include "xk.h"

static const char *const mode_names[] = {
    [XK_MODE_POWEROFF] = "poweroff",
    [XK_MODE_REBOOT] = "reboot",
    [XK_MODE_CRASH] = "crash",
    [XK_MODE_SLEEP] = "sleep",
    [XK_MODE_WATCHDOG] = "watchdog",
    [XK_MODE_GNTTAB2] = "gnttab2",
};

const char *xk_mode_name(enum xk_mode m)
{
    return mode_names[m];
}

/* Does the word [w, w+n) start with key? Returns the value length or -1. */
static int match_key(const char *w, size_t n, const char *key, size_t keylen)
{
    if (n < keylen || xk_strncmp(w, key, keylen) != 0)
        return -1;
    return (int)(n - keylen);
}

static void parse_word(const char *w, size_t n, struct xk_opts *o)
{
    static const char mode_key[] = "xk.mode=", msg_key[] = "xk.msg=";
    int vlen;

    vlen = match_key(w, n, mode_key, sizeof(mode_key) - 1);
    if (vlen >= 0) {
        const char *v = w + sizeof(mode_key) - 1;
        unsigned int i;

        for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
            if (xk_strnlen(mode_names[i], 16) == (size_t)vlen &&
                xk_strncmp(v, mode_names[i], (size_t)vlen) == 0) {
                o->mode = (enum xk_mode)i;
                o->bad_mode = 0;
                return;
            }
        }
        /* Unknown mode: fall back to poweroff so the guest still ends. */
        o->mode = XK_MODE_POWEROFF;
        o->bad_mode = 1;
        return;
    }
    vlen = match_key(w, n, msg_key, sizeof(msg_key) - 1);
    if (vlen >= 0) {
        size_t l = (size_t)vlen < XK_MSG_MAX - 1 ? (size_t)vlen : XK_MSG_MAX - 1;

        memcpy(o->msg, w + sizeof(msg_key) - 1, l);
        o->msg[l] = '\0';
    }
}

/* Words are separated by blanks; the last occurrence of a key wins. */
void xk_cmdline_parse(const char *cmdline, size_t len, struct xk_opts *o)
{
    size_t i = 0;

    o->mode = XK_MODE_POWEROFF;
    o->bad_mode = 0;
    o->msg[0] = '\0';
    while (i < len) {
        size_t start;

        while (i < len && (cmdline[i] == ' ' || cmdline[i] == '\t'))
            i++;
        start = i;
        while (i < len && cmdline[i] != ' ' && cmdline[i] != '\t')
            i++;
        if (i > start)
            parse_word(cmdline + start, i - start, o);
    }
}
