/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl: one table of subcommands; usage text is printed from the table so help
 * never drifts from the code.
 */
#include "xl.h"

#include <execinfo.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct xl_global xl_opts;

/* Subcommands, each defined in the cmd_*.c file of its group. */
/* XL-COMMAND-DECLS: add "XL_CMD(name);" lines below, one per subcommand. */
XL_CMD(list);
XL_CMD(domid);
XL_CMD(domname);
XL_CMD(uptime);
XL_CMD(vcpu_list);
XL_CMD(pause);
XL_CMD(unpause);
XL_CMD(destroy);
XL_CMD(rename);
XL_CMD(shutdown);
XL_CMD(reboot);
XL_CMD(mem_set);
XL_CMD(mem_max);
XL_CMD(vcpu_pin);
XL_CMD(vcpu_set);
XL_CMD(sched_credit2);
XL_CMD(console);
XL_CMD(create);
XL_CMD(info);
XL_CMD(dmesg);
XL_CMD(block_attach);
XL_CMD(block_list);
XL_CMD(block_detach);
XL_CMD(network_attach);
XL_CMD(network_list);
XL_CMD(network_detach);
XL_CMD(cd_insert);
XL_CMD(cd_eject);
XL_CMD(qemu_monitor_command);

static const struct xl_cmd commands[] = {
    /* XL-COMMAND-TABLE: add { "name", cmd_name, "usage", "help" } rows here. */
    { "list", cmd_list, "[-l] [-v] [Domain...]", "List information about all/some domains" },
    { "domid", cmd_domid, "<DomainName>", "Convert a domain name to domain id" },
    { "domname", cmd_domname, "<DomainId>", "Convert a domain id to domain name" },
    { "uptime", cmd_uptime, "[-s] [Domain...]", "Print uptime for all/some domains" },
    { "vcpu-list", cmd_vcpu_list, "[Domain...]", "List the VCPUs for all/some domains" },
    { "pause", cmd_pause, "<Domain>", "Pause execution of a domain" },
    { "unpause", cmd_unpause, "<Domain>", "Unpause a paused domain" },
    { "destroy", cmd_destroy, "[-f] <Domain>", "Terminate a domain immediately" },
    { "rename", cmd_rename, "<Domain> <NewDomainName>", "Rename a domain" },
    { "shutdown", cmd_shutdown, "[-a] [-w] [-F] <Domain>", "Issue a shutdown signal to a domain (-a: all, -w: wait, -F: force from outside)" },
    { "reboot", cmd_reboot, "[-a] [-w] [-F] <Domain>", "Issue a reboot signal to a domain (-a: all, -w: wait, -F: force from outside)" },
    { "mem-set", cmd_mem_set, "<Domain> <Mem[bkmgt]>", "Set the current memory usage for a domain (default unit MiB)" },
    { "mem-max", cmd_mem_max, "<Domain> <Mem[bkmgt]>", "Set the maximum amount reservation for a domain (default unit MiB)" },
    { "vcpu-pin", cmd_vcpu_pin, "[-f] <Domain> <VCPU|all> <Hard affinity|-|all> [Soft affinity|-|all]", "Set which CPUs a VCPU can use" },
    { "vcpu-set", cmd_vcpu_set, "<Domain> <vCPUs>", "Set the number of active VCPUs allowed for the domain" },
    { "sched-credit2", cmd_sched_credit2, "[-d <Domain> [-w[=WEIGHT]] [-c[=CAP]]]", "Get/set credit2 scheduler parameters" },
    { "console", cmd_console, "[-t pv|serial] [-n 0] <Domain>", "Attach to domain's console (Ctrl-] detaches)" },
    { "create", cmd_create, "[-n] [-p] [-c] [-F] [-e] [-q] [-f] <ConfigFile> [key=value...]",
      "Create a domain from a config file (-n: check it and print its JSON only)" },
    { "info", cmd_info, "", "Get information about the Xen host" },
    { "dmesg", cmd_dmesg, "[-c]", "Read and/or clear the Xen console ring (-c: clear)" },
    { "block-attach", cmd_block_attach, "<Domain> <disk-spec-component(s)>...",
      "Create a new virtual block device" },
    { "block-list", cmd_block_list, "<Domain(s)>", "List virtual block devices for a domain" },
    { "block-detach", cmd_block_detach, "[-f] <Domain> <DevId>",
      "Destroy a domain's virtual block device (-f, --force: do not wait for the domain to release it)" },
    { "network-attach", cmd_network_attach,
      "<Domain> [type=<type>] [mac=<mac>] [bridge=<bridge>] [ip=<ip>] [script=<script>] "
      "[backend=<BackDomain>] [vifname=<name>] [rate=<rate>] [model=<model>] [accel=<accel>]",
      "Create a new virtual network device" },
    { "network-list", cmd_network_list, "<Domain(s)>", "List virtual network interfaces for a domain" },
    { "network-detach", cmd_network_detach, "<Domain> <DevId|mac>",
      "Destroy a domain's virtual network device" },
    { "cd-insert", cmd_cd_insert, "<Domain> <VirtualDevice> <path>", "Insert a cdrom into a guest's cd drive" },
    { "cd-eject", cmd_cd_eject, "<Domain> <VirtualDevice>", "Eject a cdrom from a guest's cd drive" },
    { "qemu-monitor-command", cmd_qemu_monitor_command, "<Domain> <Command>", "Issue a qemu monitor command to the device model of a domain" },
    { NULL, NULL, NULL, NULL }
};

void xl_err(const char *fmt, ...)
{
    va_list ap;
    fputs("xl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static const struct xl_cmd *find_cmd(const char *name)
{
    for (const struct xl_cmd *c = commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int xl_usage(const char *name)
{
    const struct xl_cmd *c = name ? find_cmd(name) : NULL;
    if (c) {
        fprintf(stderr, "Usage: xl [-vfN] %s %s\n\n%s.\n", c->name, c->usage, c->help);
        return XL_USAGE;
    }
    fprintf(stderr, "Usage: xl [-vfN] <subcommand> [args]\n\nxl full list of subcommands:\n\n");
    for (c = commands; c->name; c++)
        fprintf(stderr, " %-20s%s\n", c->name, c->help);
    return XL_USAGE;
}

/* A fatal signal (a bug of ours) says where it happened before the process
 * dies of it: the signal, the faulting address and the call stack (library
 * offsets, for addr2line), on stderr. Kept small: one snprintf of numbers,
 * write(), and backtrace() loaded before any crash. */
static void crash_report(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    char line[128];
    int n = snprintf(line, sizeof line, "xl: fatal signal %d (%s) at address %p, pid %d; stack:\n",
                     sig, sig == SIGBUS ? "SIGBUS" : sig == SIGSEGV ? "SIGSEGV" : "SIGABRT",
                     si ? si->si_addr : NULL, (int)getpid());
    if (n > 0 && write(STDERR_FILENO, line, (size_t)n) < 0) {
        /* nothing more to do */
    }
    void *frames[48];
    int nf = backtrace(frames, 48);
    backtrace_symbols_fd(frames, nf, STDERR_FILENO);
    raise(sig);   /* SA_RESETHAND: the default action now, status as before */
}

static void crash_reports_on(void)
{
    void *warm[1];
    backtrace(warm, 1);   /* loads libgcc now, not inside the handler */
    struct sigaction sa = { .sa_sigaction = crash_report, .sa_flags = SA_SIGINFO | SA_RESETHAND };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
}

int main(int argc, char **argv)
{
    crash_reports_on();
    int opt;
    while ((opt = getopt(argc, argv, "+vfNh")) != -1) {
        switch (opt) {
        case 'v': xl_opts.verbose++; break;
        case 'f': xl_opts.force = 1; break;
        case 'N': xl_opts.dry_run = 1; break;
        case 'h': xl_usage(NULL); return XL_OK;
        default: return xl_usage(NULL);
        }
    }
    if (optind >= argc)
        return xl_usage(NULL);
    const char *name = argv[optind];
    if (strcmp(name, "help") == 0) {
        const char *about = optind + 1 < argc ? argv[optind + 1] : NULL;
        xl_usage(about);
        return about && !find_cmd(about) ? XL_USAGE : XL_OK;
    }
    const struct xl_cmd *c = find_cmd(name);
    if (!c) {
        xl_err("unknown subcommand '%s' (see 'xl help')", name);
        return XL_USAGE;
    }
    argc -= optind;
    argv += optind;
    optind = 0;   /* reset getopt for the subcommand (GNU: 0 reinitialises) */
    return c->fn(argc, argv);
}
