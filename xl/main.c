/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl: one table of subcommands; usage text is printed from the table so help
 * never drifts from the code.
 */
#include "xl.h"

#include <execinfo.h>
#include <getopt.h>
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
XL_CMD(top);
XL_CMD(check_kernel);
XL_CMD(doctor);
XL_CMD(devd);
XL_CMD(config_update);
XL_CMD(usb_list);
XL_CMD(pci_list);
XL_CMD(pci_assignable_list);
XL_CMD(vncviewer);
XL_CMD(channel_list);
XL_CMD(vtpm_list);
XL_CMD(vkb_list);
XL_CMD(psr_hwinfo);
XL_CMD(psr_cmt_attach);
XL_CMD(psr_cmt_detach);
XL_CMD(psr_cmt_show);
XL_CMD(psr_cat_set);
XL_CMD(psr_cat_show);
XL_CMD(psr_mba_set);
XL_CMD(psr_mba_show);
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
XL_CMD(sched_credit);
XL_CMD(sched_credit2);
XL_CMD(sched_rtds);
XL_CMD(claims);
XL_CMD(vm_list);
XL_CMD(sharing);
XL_CMD(trigger);
XL_CMD(button_press);
XL_CMD(sysrq);
XL_CMD(dump_core);
XL_CMD(vkb_attach);
XL_CMD(vkb_detach);
XL_CMD(vtpm_attach);
XL_CMD(vtpm_detach);
XL_CMD(vdispl_attach);
XL_CMD(vdispl_detach);
XL_CMD(vdispl_list);
XL_CMD(vsnd_attach);
XL_CMD(vsnd_detach);
XL_CMD(vsnd_list);
XL_CMD(debug_keys);
XL_CMD(set_parameters);
XL_CMD(getenforce);
XL_CMD(setenforce);
XL_CMD(loadpolicy);
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
XL_CMD(cpupool_create);
XL_CMD(cpupool_list);
XL_CMD(cpupool_destroy);
XL_CMD(cpupool_rename);
XL_CMD(cpupool_cpu_add);
XL_CMD(cpupool_cpu_remove);
XL_CMD(cpupool_migrate);
XL_CMD(cpupool_numa_split);

/* The subcommands in Xen's xl's order, which `xl help` keeps, with its
 * summaries, usage lines and option lists: the words Xen users and their
 * scripts know (what xkit does beyond them is in xl(1)). Flags as Xen's:
 * XL_DRYRUN (the command honours -N), XL_MODIFIES (it changes something;
 * its usage line shows -f). */
static const struct xl_cmd commands[] = {
    /* XL-COMMAND-TABLE: { "name", cmd_name, flags, "summary", "usage", "options" } rows,
     * in Xen's order, with Xen's words (tests/lab/scenarios/xl-surface.sh
     * compares every `xl help CMD` with Debian's xl). */
    { "create", cmd_create, XL_DRYRUN | XL_MODIFIES,
      "Create a domain from config file <filename>",
      "<ConfigFile> [options] [vars]",
      "-c                      Connect to the console after the domain is created.\n"
      "-d                      Enable debug messages.\n"
      "-e                      Do not wait in the background for the death of the domain.\n"
      "-F                      Run in foreground until death of the domain.\n"
      "-f FILE, --defconfig=FILE\n"
      "                     Use the given configuration file.\n"
      "-h                      Print this help.\n"
      "-n, --dryrun            Dry run - prints the resulting configuration\n"
      "                         (deprecated in favour of global -N option).\n"
      "-p                      Leave the domain paused after it is created.\n"
      "-q, --quiet             Quiet.\n"
      "-V, --vncviewer         Connect to the VNC display after the domain is created.\n"
      "-A, --vncviewer-autopass\n"
      "                        Pass VNC password to viewer via stdin.\n"
      "--ignore-global-affinity-masks Ignore global masks in xl.conf." },
    { "config-update", cmd_config_update, XL_MODIFIES | XL_DRYRUN,
      "Update a running domain's saved configuration, used when rebuilding the domain after reboot.\n"
      "WARNING: xl now has better capability to manage domain configuration, avoid using this command when possible",
      "<Domain> <ConfigFile> [options] [vars]",
      "-h                      Print this help.\n"
      "-f FILE, --defconfig=FILE\n"
      "                     Use the given configuration file.\n"
      "-d                      Enable debug messages.\n" },
    { "list", cmd_list, 0,
      "List information about all/some domains",
      "[options] [Domain]\n",
      "-l, --long              Output all VM details\n"
      "-v, --verbose           Prints out UUIDs and security context\n"
      "-Z, --context           Prints out security context\n"
      "-c, --cpupool           Prints the cpupool the domain is in\n"
      "-n, --numa              Prints out NUMA node affinity" },
    { "destroy", cmd_destroy, XL_MODIFIES,
      "Terminate a domain immediately",
      "[options] <Domain>\n",
      "-f                      Permit destroying domain 0, which will only succeed\n"
      "                        when run from disaggregated toolstack domain with a\n"
      "                        hardware domain distinct from domain 0." },
    { "shutdown", cmd_shutdown, XL_MODIFIES,
      "Issue a shutdown signal to a domain",
      "[options] <-a|Domain>",
      "-a, --all               Shutdown all guest domains.\n"
      "-h                      Print this help.\n"
      "-F                      Fallback to ACPI power event for HVM guests with\n"
      "                        no PV drivers.\n"
      "-w, --wait              Wait for guest(s) to shutdown.\n" },
    { "reboot", cmd_reboot, XL_MODIFIES,
      "Issue a reboot signal to a domain",
      "[options] <-a|Domain>",
      "-a, --all               Shutdown all guest domains.\n"
      "-h                      Print this help.\n"
      "-F                      Fallback to ACPI reset event for HVM guests with\n"
      "                        no PV drivers.\n"
      "-w, --wait              Wait for guest(s) to reboot.\n" },
    { "pci-list", cmd_pci_list, 0,
      "List pass-through pci devices for a domain",
      "<Domain>",
      NULL },
    { "pci-assignable-list", cmd_pci_assignable_list, 0,
      "List all the assignable pci devices",
      "[options]",
      "-h                      Print this help.\n"
      "-n, --show-names        Display assignable device names where\n"
      "                        supplied.\n" },
    { "pause", cmd_pause, XL_MODIFIES,
      "Pause execution of a domain",
      "<Domain>",
      NULL },
    { "unpause", cmd_unpause, XL_MODIFIES,
      "Unpause a paused domain",
      "<Domain>",
      NULL },
    { "console", cmd_console, 0,
      "Attach to domain's console",
      "[options] <Domain>\n"
      "-t <type>       console type, pv , serial or vuart\n"
      "-n <number>     console number",
      NULL },
    { "vncviewer", cmd_vncviewer, 0,
      "Attach to domain's VNC server.",
      "[options] <Domain>\n"
      "--autopass               Pass VNC password to viewer via stdin and\n"
      "                         -autopass\n"
      "--vncviewer-autopass     (consistency alias for --autopass)",
      NULL },
    { "dump-core", cmd_dump_core, XL_MODIFIES,
      "Core dump a domain",
      "<Domain> <filename>",
      NULL },
    { "cd-insert", cmd_cd_insert, XL_DRYRUN | XL_MODIFIES,
      "Insert a cdrom into a guest's cd drive",
      "<Domain> <VirtualDevice> <path>",
      NULL },
    { "cd-eject", cmd_cd_eject, XL_DRYRUN | XL_MODIFIES,
      "Eject a cdrom from a guest's cd drive",
      "<Domain> <VirtualDevice>",
      NULL },
    { "mem-max", cmd_mem_max, XL_MODIFIES,
      "Set the maximum amount reservation for a domain",
      "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>",
      NULL },
    { "mem-set", cmd_mem_set, XL_MODIFIES,
      "Set the current memory usage for a domain",
      "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>",
      NULL },
    { "button-press", cmd_button_press, XL_MODIFIES,
      "Indicate an ACPI button press to the domain",
      "<Domain> <Button>",
      "<Button> may be 'power' or 'sleep'." },
    { "vcpu-list", cmd_vcpu_list, 0,
      "List the VCPUs for all/some domains",
      "[Domain, ...]",
      NULL },
    { "vcpu-pin", cmd_vcpu_pin, XL_DRYRUN | XL_MODIFIES,
      "Set which CPUs a VCPU can use",
      "[option] <Domain> <VCPU|all> <Hard affinity|-|all> <Soft affinity|-|all>",
      "-f, --force        undo an override pinning done by the kernel\n"
      "--ignore-global-affinity-masks Ignore global masks in xl.conf" },
    { "vcpu-set", cmd_vcpu_set, XL_MODIFIES,
      "Set the number of active VCPUs allowed for the domain",
      "[option] <Domain> <vCPUs>",
      "-i, --ignore-host  Don't limit the vCPU based on the host CPU count" },
    { "vm-list", cmd_vm_list, 0,
      "List guest domains, excluding dom0, stubdoms, etc.",
      "",
      NULL },
    { "info", cmd_info, 0,
      "Get information about Xen host",
      "-n, --numa         List host NUMA topology information",
      NULL },
    { "sharing", cmd_sharing, 0,
      "Get information about page sharing",
      "[Domain]",
      NULL },
    { "sched-credit", cmd_sched_credit, XL_MODIFIES,
      "Get/set credit scheduler parameters",
      "[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s [-t TSLICE] [-r RATELIMIT]] [-p CPUPOOL]",
      "-d DOMAIN, --domain=DOMAIN        Domain to modify\n"
      "-w WEIGHT, --weight=WEIGHT        Weight (int)\n"
      "-c CAP, --cap=CAP                 Cap (int)\n"
      "-s         --schedparam           Query / modify scheduler parameters\n"
      "-t TSLICE, --tslice_ms=TSLICE     Set the timeslice, in milliseconds\n"
      "-r RLIMIT, --ratelimit_us=RLIMIT  Set the scheduling rate limit, in microseconds\n"
      "-m DLY, --migration_delay_us=DLY  Set the migration delay, in microseconds\n"
      "-p CPUPOOL, --cpupool=CPUPOOL     Restrict output to CPUPOOL" },
    { "sched-credit2", cmd_sched_credit2, XL_MODIFIES,
      "Get/set credit2 scheduler parameters",
      "[-d <Domain> [-w[=WEIGHT]]] [-p CPUPOOL]",
      "-d DOMAIN, --domain=DOMAIN     Domain to modify\n"
      "-w WEIGHT, --weight=WEIGHT     Weight (int)\n"
      "-c CAP,    --cap=CAP           Cap (int)\n"
      "-s         --schedparam        Query / modify scheduler parameters\n"
      "-r RLIMIT, --ratelimit_us=RLIMIT Set the scheduling rate limit, in microseconds\n"
      "-p CPUPOOL, --cpupool=CPUPOOL  Restrict output to CPUPOOL" },
    { "sched-rtds", cmd_sched_rtds, XL_MODIFIES,
      "Get/set rtds scheduler parameters",
      "[-d <Domain> [-v[=VCPUID/all]] [-p[=PERIOD]] [-b[=BUDGET]] [-e[=Extratime]]]",
      "-d DOMAIN, --domain=DOMAIN     Domain to modify\n"
      "-v VCPUID/all, --vcpuid=VCPUID/all    VCPU to modify or output;\n"
      "               Using '-v all' to modify/output all vcpus\n"
      "-p PERIOD, --period=PERIOD     Period (us)\n"
      "-b BUDGET, --budget=BUDGET     Budget (us)\n"
      "-e Extratime, --extratime=Extratime Extratime (1=yes, 0=no)\n" },
    { "domid", cmd_domid, 0,
      "Convert a domain name to domain id",
      "<DomainName>",
      NULL },
    { "domname", cmd_domname, 0,
      "Convert a domain id to domain name",
      "<DomainId>",
      NULL },
    { "rename", cmd_rename, XL_MODIFIES,
      "Rename a domain",
      "<Domain> <NewDomainName>",
      NULL },
    { "trigger", cmd_trigger, XL_MODIFIES,
      "Send a trigger to a domain",
      "<Domain> <nmi|reset|init|power|sleep|s3resume> [<VCPU>]",
      NULL },
    { "sysrq", cmd_sysrq, XL_MODIFIES,
      "Send a sysrq to a domain",
      "<Domain> <letter>",
      NULL },
    { "debug-keys", cmd_debug_keys, XL_MODIFIES,
      "Send debug keys to Xen",
      "<Keys>",
      NULL },
    { "set-parameters", cmd_set_parameters, XL_MODIFIES,
      "Set hypervisor parameters",
      "<Params>",
      NULL },
    { "dmesg", cmd_dmesg, 0,
      "Read and/or clear dmesg buffer",
      "[-c]",
      "  -c                        Clear dmesg buffer as well as printing it" },
    { "top", cmd_top, 0,
      "Monitor a host and the domains in real time",
      "",
      NULL },
    { "network-attach", cmd_network_attach, XL_DRYRUN | XL_MODIFIES,
      "Create a new virtual network device",
      "<Domain> [type=<type>] [mac=<mac>] [bridge=<bridge>] [ip=<ip>] [script=<script>] [backend=<BackDomain>] [vifname=<name>] [rate=<rate>] [model=<model>] [accel=<accel>] [mtu=<mtu>]",
      NULL },
    { "network-list", cmd_network_list, 0,
      "List virtual network interfaces for a domain",
      "<Domain(s)>",
      NULL },
    { "network-detach", cmd_network_detach, XL_MODIFIES,
      "Destroy a domain's virtual network device",
      "<Domain> <DevId|mac>",
      NULL },
    { "channel-list", cmd_channel_list, 0,
      "List virtual channel devices for a domain",
      "<Domain(s)>",
      NULL },
    { "block-attach", cmd_block_attach, XL_DRYRUN | XL_MODIFIES,
      "Create a new virtual block device",
      "<Domain> <disk-spec-component(s)>...",
      NULL },
    { "block-list", cmd_block_list, 0,
      "List virtual block devices for a domain",
      "<Domain(s)>",
      NULL },
    { "block-detach", cmd_block_detach, XL_MODIFIES,
      "Destroy a domain's virtual block device",
      "[option] <Domain> <DevId>",
      "-f, --force        do not wait for the domain to release the device" },
    { "vtpm-attach", cmd_vtpm_attach, XL_DRYRUN | XL_MODIFIES,
      "Create a new virtual TPM device",
      "<Domain> [uuid=<uuid>] [backend=<BackDomain>]",
      NULL },
    { "vtpm-list", cmd_vtpm_list, 0,
      "List virtual TPM devices for a domain",
      "<Domain(s)>",
      NULL },
    { "vtpm-detach", cmd_vtpm_detach, XL_MODIFIES,
      "Destroy a domain's virtual TPM device",
      "<Domain> <DevId|uuid>",
      NULL },
    { "vkb-attach", cmd_vkb_attach, XL_DRYRUN | XL_MODIFIES,
      "Create a new virtual keyboard device",
      "<Domain> <vkb-spec-component(s)>...",
      NULL },
    { "vkb-list", cmd_vkb_list, 0,
      "List virtual keyboard devices for a domain",
      "<Domain(s)>",
      NULL },
    { "vkb-detach", cmd_vkb_detach, XL_MODIFIES,
      "Destroy a domain's virtual keyboard device",
      "<Domain> <DevId>",
      NULL },
    { "vdispl-attach", cmd_vdispl_attach, XL_DRYRUN | XL_MODIFIES,
      "Create a new virtual display device",
      "<Domain> [backend=<BackDomain>] [be-alloc=<BackAlloc>] [connectors='<Connectors>']",
      "    BackAlloc  - set to 1 to if backend allocates display buffers\n"
      "    Connectors - list of connector's description in ID:WxH format,\n"
      "                 where: ID - unique connector ID, W - connector width,\n"
      "                 H - connector height: connectors='id0:800x600;id1:1024x768'\n" },
    { "vdispl-list", cmd_vdispl_list, 0,
      "List virtual display devices for a domain",
      "<Domain(s)>",
      NULL },
    { "vdispl-detach", cmd_vdispl_detach, XL_MODIFIES,
      "Destroy a domain's virtual display device",
      "<Domain> <DevId>",
      NULL },
    { "vsnd-attach", cmd_vsnd_attach, XL_DRYRUN | XL_MODIFIES,
      "Create a new virtual sound device",
      "<Domain> <vsnd-spec-component(s)>...",
      NULL },
    { "vsnd-list", cmd_vsnd_list, 0,
      "List virtual display devices for a domain",
      "<Domain(s)>",
      NULL },
    { "vsnd-detach", cmd_vsnd_detach, XL_MODIFIES,
      "Destroy a domain's virtual sound device",
      "<Domain> <DevId>",
      NULL },
    { "uptime", cmd_uptime, 0,
      "Print uptime for all/some domains",
      "[-s] [Domain]",
      NULL },
    { "claims", cmd_claims, 0,
      "List outstanding claim information about all domains",
      "",
      "" },
    { "cpupool-create", cmd_cpupool_create, XL_DRYRUN | XL_MODIFIES,
      "Create a new CPU pool",
      "[options] [<ConfigFile>] [Variable=value ...]",
      "-h, --help                   Print this help.\n"
      "-f FILE, --defconfig=FILE    Use the given configuration file.\n"
      "-n, --dryrun                 Dry run - prints the resulting configuration.\n"
      "                              (deprecated in favour of global -N option).\n"
      "\n"
      "See the xlcpupool.cfg(5) manpage for more information." },
    { "cpupool-list", cmd_cpupool_list, 0,
      "List CPU pools on host",
      "[-c|--cpus] [<CPU Pool>]",
      "-c, --cpus                     Output list of CPUs used by a pool" },
    { "cpupool-destroy", cmd_cpupool_destroy, XL_MODIFIES,
      "Deactivates a CPU pool",
      "<CPU Pool>",
      NULL },
    { "cpupool-rename", cmd_cpupool_rename, XL_MODIFIES,
      "Renames a CPU pool",
      "<CPU Pool> <new name>",
      NULL },
    { "cpupool-cpu-add", cmd_cpupool_cpu_add, XL_MODIFIES,
      "Adds a CPU to a CPU pool",
      "<CPU Pool> <CPU nr>|node:<node nr>",
      NULL },
    { "cpupool-cpu-remove", cmd_cpupool_cpu_remove, XL_MODIFIES,
      "Removes a CPU from a CPU pool",
      "<CPU Pool> <CPU nr>|node:<node nr>",
      NULL },
    { "cpupool-migrate", cmd_cpupool_migrate, XL_MODIFIES,
      "Moves a domain into a CPU pool",
      "<Domain> <CPU Pool>",
      NULL },
    { "cpupool-numa-split", cmd_cpupool_numa_split, XL_MODIFIES,
      "Splits up the machine into one CPU pool per NUMA node",
      "",
      NULL },
    { "getenforce", cmd_getenforce, 0,
      "Returns the current enforcing mode of the Flask Xen security module",
      "",
      NULL },
    { "setenforce", cmd_setenforce, XL_MODIFIES,
      "Sets the current enforcing mode of the Flask Xen security module",
      "<1|0|Enforcing|Permissive>",
      NULL },
    { "loadpolicy", cmd_loadpolicy, XL_MODIFIES,
      "Loads a new policy into the Flask Xen security module",
      "<policy file>",
      NULL },
    { "psr-hwinfo", cmd_psr_hwinfo, XL_MODIFIES,
      "Show hardware information for Platform Shared Resource",
      "[options]",
      "-m, --cmt       Show Cache Monitoring Technology (CMT) hardware info\n"
      "-a, --cat       Show Cache Allocation Technology (CAT) hardware info\n"
      "-b, --mba       Show Memory Bandwidth Allocation (MBA) hardware info\n" },
    { "psr-cmt-attach", cmd_psr_cmt_attach, XL_MODIFIES,
      "Attach Cache Monitoring Technology service to a domain",
      "<Domain>",
      NULL },
    { "psr-cmt-detach", cmd_psr_cmt_detach, XL_MODIFIES,
      "Detach Cache Monitoring Technology service from a domain",
      "<Domain>",
      NULL },
    { "psr-cmt-show", cmd_psr_cmt_show, XL_MODIFIES,
      "Show Cache Monitoring Technology information",
      "<PSR-CMT-Type> <Domain>",
      "Available monitor types:\n"
      "\"cache-occupancy\":         Show L3 cache occupancy(KB)\n"
      "\"total-mem-bandwidth\":     Show total memory bandwidth(KB/s)\n"
      "\"local-mem-bandwidth\":     Show local memory bandwidth(KB/s)\n" },
    { "psr-cat-set", cmd_psr_cat_set, XL_MODIFIES,
      "Set cache capacity bitmasks(CBM) for a domain",
      "[options] <Domain> <CBM>",
      "-s <socket>       Specify the socket to process, otherwise all sockets are processed\n"
      "-l <level>        Specify the cache level to process, otherwise L3 cache is processed\n"
      "-c                Set code CBM if CDP is supported\n"
      "-d                Set data CBM if CDP is supported\n" },
    { "psr-cat-show", cmd_psr_cat_show, XL_MODIFIES,
      "Show Cache Allocation Technology information",
      "[options] <Domain>",
      "-l <level>        Specify the cache level to process, otherwise L3 cache is processed\n" },
    { "psr-mba-set", cmd_psr_mba_set, XL_MODIFIES,
      "Set throttling value (THRTL) for a domain",
      "[options] <Domain> <THRTL>",
      "-s <socket>       Specify the socket to process, otherwise all sockets are processed\n" },
    { "psr-mba-show", cmd_psr_mba_show, XL_MODIFIES,
      "Show Memory Bandwidth Allocation information",
      "<Domain>",
      NULL },
    { "usb-list", cmd_usb_list, 0,
      "List information about all USB controllers and devices for a domain",
      "<Domain>",
      NULL },
    { "qemu-monitor-command", cmd_qemu_monitor_command, XL_MODIFIES,
      "Issue a qemu monitor command to the device model of a domain",
      "<Domain> <Command>",
      NULL },
    { "devd", cmd_devd, XL_MODIFIES,
      "Daemon that listens for devices and launches backends",
      "[options]",
      "-F                      Run in the foreground.\n"
      "-p, --pidfile [FILE]    Write PID to pidfile when daemonizing." },
    { "check-kernel", cmd_check_kernel, 0,
      "Tell whether a kernel can be dom0 or a PV, PVH or HVM guest (xkit's own)",
      "[options] [FILE]\n"
      "FILE: a .config, /proc/config.gz or a kernel built with CONFIG_IKCONFIG;\n"
      "none: the running kernel's",
      "-r, --role=dom0|domU    The use to check (default: domU, or dom0 for\n"
      "                        the running kernel of a dom0).\n"
      "-t, --type=pv|pvh|hvm   The guest type (default: every type of the role).\n"
      "-v, --verbose           List the options that are set too.\n"
      "--json                  One JSON object per use checked, in an array." },
    { "doctor", cmd_doctor, 0,
      "Check this host against what a Xen host run with xkit needs (xkit's own)",
      "[options]",
      "--json                  One JSON object per check, in an array." },
    { NULL, NULL, 0, NULL, NULL, NULL }
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

/* A subcommand by its name or an unambiguous prefix of it (Xen's xl takes
 * `xl cre` for create); an exact name wins over the longer names it
 * prefixes. NULL when none or several match. */
static const struct xl_cmd *find_cmd(const char *name)
{
    const struct xl_cmd *hit = NULL;
    size_t len = strlen(name), hits = 0;
    if (!len)
        return NULL;
    for (const struct xl_cmd *c = commands; c->name; c++) {
        if (strncmp(c->name, name, len) != 0)
            continue;
        if (c->name[len] == '\0')
            return c;
        hit = c;
        hits++;
    }
    return hits == 1 ? hit : NULL;
}

/* xl help [COMMAND], on stdout as Xen's xl prints it */
static void print_help(const char *name)
{
    const struct xl_cmd *c = name ? find_cmd(name) : NULL;
    if (!name || !strcmp(name, "help")) {
        printf("Usage xl [-vfNtT] <subcommand> [args]\n\nxl full list of subcommands:\n\n");
        for (c = commands; c->name; c++) {
            printf(" %-19s ", c->name);
            if (strlen(c->name) > 19)
                printf("\n %-19s ", "");
            printf("%s\n", c->help);
        }
        return;
    }
    if (!c) {
        printf("command \"%s\" not implemented\n", name);
        return;
    }
    printf("Usage: xl [-vtT%s%s] %s %s\n\n%s.\n\n", c->flags & XL_MODIFIES ? "f" : "",
           c->flags & XL_DRYRUN ? "N" : "", c->name, c->usage, c->help);
    if (c->options)
        printf("Options:\n\n%s\n", c->options);
}

int xl_usage(const char *name)
{
    print_help(name);
    return XL_USAGE;
}

void xl_extra_args(int argc, char **argv, int max)
{
    /* Xen's xl ignores them; scripts that pass one keep working, told */
    for (int i = optind + max; i < argc; i++)
        xl_err("%s: argument '%s' ignored", argv[0], argv[i]);
}

int xl_getopt(struct xl_optstate *st, int argc, char **argv, const char *opts,
              const struct option *longopts, int min_args)
{
    static const struct option help_only[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    char optstring[64];
    /* GNU order: options may follow the arguments (`xl create foo.cfg -c`) */
    if (snprintf(optstring, sizeof optstring, "h%s", opts) >= (int)sizeof optstring)
        abort();   /* a programming error of ours: option strings are literals */
    opterr = 0;
    for (;;) {
        int opt = getopt_long(argc, argv, optstring, longopts ? longopts : help_only, NULL);
        if (opt == 'h') {
            print_help(argv[0]);
            st->rc = XL_OK;
            return XL_OPT_EXIT;
        }
        if (opt == '?') {
            /* as Xen's xl, whose message names no long option */
            if (optopt)
                fprintf(stderr, "option `%c' not supported.\n", optopt);
            else
                fprintf(stderr, "option `' not supported.\n");
            st->rc = XL_USAGE;
            return XL_OPT_EXIT;
        }
        if (opt == ':') {
            fprintf(stderr, "option `%c' requires an argument.\n", optopt);
            print_help(argv[0]);
            st->rc = XL_USAGE;
            return XL_OPT_EXIT;
        }
        if (opt != -1)
            return opt;
        break;
    }
    if (argc - optind < min_args) {
        fprintf(stderr, "'xl %s' requires at least %d argument%s.\n\n", argv[0], min_args,
                min_args > 1 ? "s" : "");
        print_help(argv[0]);
        st->rc = XL_USAGE;
        return XL_OPT_EXIT;
    }
    return -1;
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
    /* Xen's global options: -v verbose, -N dry run, -f force, -t progress
     * with CR, -T timestamps */
    while ((opt = getopt(argc, argv, "+vfNtT")) != -1) {
        switch (opt) {
        case 'v': xl_opts.verbose++; break;
        case 'f': xl_opts.force = 1; break;
        case 'N': xl_opts.dry_run = 1; break;
        case 't': xl_opts.progress_cr = 1; break;
        case 'T': xl_opts.timestamps = 1; break;
        default:
            fprintf(stderr, "unknown global option\n");
            return XL_FAIL;
        }
    }
    /* xl.conf first, as Xen's xl: its problems are warnings, except a
     * file that does not parse, which stops every command */
    xkl_diags d;
    xkl_diags_init(&d);
    const char *conf = getenv("XKIT_XL_CONF");
    int lr = xkl_host_conf_load(conf && *conf ? conf : NULL, &xl_host, &d);
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "%s\n", d.v[i].text);
    xkl_diags_dispose(&d);
    if (lr < 0)
        return XL_FAIL;
    if (optind >= argc) {
        print_help(NULL);
        return XL_FAIL;
    }
    const char *name = argv[optind];
    /* the host's monitor daemon xl create starts: no command of the
     * table, never abbreviated, not in help */
    if (!strcmp(name, "__monitord"))
        return xl_monitord_main(argc - optind, argv + optind);
    const struct xl_cmd *c = find_cmd(name);
    if (!c && !strcmp(name, "help")) {
        print_help(optind + 1 < argc ? argv[optind + 1] : NULL);
        return XL_OK;
    }
    if (!c) {
        fprintf(stderr, "command not implemented\n");
        return XL_FAIL;
    }
    if (xl_opts.dry_run && !(c->flags & XL_DRYRUN)) {
        fprintf(stderr, "command does not implement -N (dryrun) option\n");
        return XL_FAIL;
    }
    argc -= optind;
    argv += optind;
    argv[0] = (char *)c->name;   /* `xl cre`: the command speaks as create */
    optind = 0;   /* reset getopt for the subcommand (GNU: 0 reinitialises) */
    return c->fn(argc, argv);
}
