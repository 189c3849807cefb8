/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a Linux kernel needs to serve as dom0 or as a PV, PVH or HVM domU:
 * one table of options, each required or recommended for some of those
 * uses, with one line of why. The facts are Linux's Kconfig (6.1) and
 * what xkit and Xen's daemons open; pure. */
#include "private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The five uses, as bits. */
enum {
    U_PV = 1, U_PVH = 2, U_HVM = 4, D0_PV = 8, D0_PVH = 16,
    U_PARA = U_PV | U_PVH, U_ALL = U_PARA | U_HVM, D0 = D0_PV | D0_PVH,
    PARA = U_PARA | D0, ALL = U_ALL | D0,
};

static const struct rule {
    const char *option;
    unsigned required, recommended;
    const char *why;
} rules[] = {
    { "CONFIG_XEN", PARA, U_HVM,
      "Xen guest support, which every other Xen option depends on" },
    { "CONFIG_PARAVIRT", PARA, U_HVM,
      "paravirtual operations, the hooks the kernel's Xen code plugs into" },
    { "CONFIG_X86_64", U_PV | D0_PV, 0,
      "Linux runs as a PV domain only as a 64-bit kernel (since 5.9)" },
    { "CONFIG_XEN_PV", U_PV | D0_PV, 0,
      "the PV entry point and paravirtualised MMU a PV domain starts with" },
    { "CONFIG_XEN_PV_DOM0", D0_PV, 0,
      "lets a PV kernel be dom0, the domain that drives the hardware" },
    { "CONFIG_XEN_PVH", U_PVH | D0_PVH, 0,
      "the PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY) a PVH domain starts at" },
    { "CONFIG_XEN_DOM0", D0, 0,
      "dom0's share of Xen support: ACPI and PCI under Xen, the backends" },
    { "CONFIG_ACPI", U_PVH | D0_PVH, 0,
      "a PVH domain finds its vcpus in the ACPI tables it is given (MADT)" },
    { "CONFIG_XEN_PVHVM_GUEST", 0, U_HVM,
      "PV drivers in an HVM guest: Xen's platform PCI device, the emulated disks "
      "and NICs unplugged for PV ones" },
    { "CONFIG_XEN_XENBUS_FRONTEND", U_PARA, U_HVM,
      "xenbus, through which every frontend (console, disk, network) meets its backend" },
    { "CONFIG_HVC_XEN", U_PARA, U_HVM | D0,
      "the Xen console hvc0: xl console of a guest, dom0's console on Xen's serial line" },
    { "CONFIG_HVC_XEN_FRONTEND", 0, U_ALL,
      "consoles beyond the first (xl console -n N), and an HVM guest's PV console" },
    { "CONFIG_XEN_BLKDEV_FRONTEND", 0, U_ALL,
      "PV disks (xvda...): without it a PV or PVH guest sees none of its disk= list" },
    { "CONFIG_XEN_NETDEV_FRONTEND", 0, U_ALL,
      "PV network interfaces: without it a PV or PVH guest sees none of its vif= list" },
    { "CONFIG_XEN_BALLOON", 0, ALL,
      "the balloon driver: xl mem-set, and dom0 giving memory to new guests (autoballoon)" },
    { "CONFIG_XEN_SCRUB_PAGES_DEFAULT", 0, ALL,
      "memory given back to Xen is cleared first, so that no other domain reads it" },
    { "CONFIG_XEN_SAVE_RESTORE", 0, U_ALL,
      "xl save, restore and migrate (suspend on the control/shutdown node)" },
    { "CONFIG_PARAVIRT_SPINLOCKS", 0, PARA,
      "a vcpu waiting for a lock yields to Xen instead of spinning" },
    { "CONFIG_XEN_SYS_HYPERVISOR", 0, PARA,
      "/sys/hypervisor: Xen's version, the domain's UUID and properties" },
    { "CONFIG_SERIAL_8250_CONSOLE", 0, U_HVM,
      "a console on the emulated serial port (serial='pty', xl console -t serial)" },
    { "CONFIG_XEN_PRIVCMD", D0, 0,
      "/dev/xen/privcmd: the hypercalls and foreign mappings of the whole toolstack" },
    { "CONFIG_XEN_DEV_EVTCHN", D0, 0,
      "/dev/xen/evtchn: event channels for xenstored, xenconsoled and xl" },
    { "CONFIG_XEN_GNTDEV", D0, 0,
      "/dev/xen/gntdev: grant mappings for xenconsoled and QEMU's backends" },
    { "CONFIG_XENFS", D0, 0,
      "xenfs on /proc/xen: capabilities (control_d) and the nodes older tools open" },
    { "CONFIG_XEN_BACKEND", D0, 0,
      "the backend half of the split drivers, which every backend below needs" },
    { "CONFIG_XEN_COMPAT_XENFS", 0, D0,
      "/proc/xen/privcmd and /proc/xen/xenbus for tools older than /dev/xen" },
    { "CONFIG_XEN_GRANT_DEV_ALLOC", 0, D0,
      "/dev/xen/gntalloc: shared pages for vchan and backends in user space" },
    { "CONFIG_XEN_BLKDEV_BACKEND", 0, D0,
      "blkback: guests' phy: and raw-file disks (without it each disk needs QEMU's qdisk)" },
    { "CONFIG_XEN_NETDEV_BACKEND", 0, D0,
      "netback: the vifDOMID.N interfaces of guests' vif= list" },
    { "CONFIG_BRIDGE", 0, D0,
      "Linux bridges, which vifs join (vif's bridge=, xenbr0)" },
    { "CONFIG_BLK_DEV_LOOP", 0, D0,
      "loop devices, through which raw image files become guests' disks" },
    { "CONFIG_TUN", 0, D0,
      "tap devices, the emulated NICs of HVM guests" },
    { "CONFIG_XEN_PCIDEV_BACKEND", 0, D0,
      "pciback: PCI passthrough (pci= in xl.cfg)" },
    { "CONFIG_XEN_ACPI_PROCESSOR", 0, D0,
      "hands the host's CPU power states (P- and C-states) to Xen" },
};

static unsigned use_bit(enum xkl_kcheck_role role, enum xkl_kcheck_type type)
{
    if (role == XKL_KROLE_DOMU)
        return type == XKL_KTYPE_PV ? U_PV : type == XKL_KTYPE_PVH ? U_PVH
                                    : type == XKL_KTYPE_HVM ? U_HVM : 0;
    if (role == XKL_KROLE_DOM0)
        return type == XKL_KTYPE_PV ? D0_PV : type == XKL_KTYPE_PVH ? D0_PVH : 0;
    return 0;
}

const char *xkl_kcheck_role_name(enum xkl_kcheck_role r)
{
    return r == XKL_KROLE_DOM0 ? "dom0" : r == XKL_KROLE_DOMU ? "domU" : "?";
}

const char *xkl_kcheck_type_name(enum xkl_kcheck_type t)
{
    return t == XKL_KTYPE_PV ? "pv" : t == XKL_KTYPE_PVH ? "pvh" : t == XKL_KTYPE_HVM ? "hvm" : "?";
}

int xkl_kcheck(const xkl_kconfig *kc, enum xkl_kcheck_role role, enum xkl_kcheck_type type,
               struct xkl_kcheck_item **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    unsigned bit = use_bit(role, type);
    if (!kc || !bit) {
        /* dom0 is PV or PVH: Xen builds no HVM dom0 */
        errno = EINVAL;
        return -1;
    }
    size_t cnt = 0;
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
        cnt += ((rules[i].required | rules[i].recommended) & bit) != 0;
    struct xkl_kcheck_item *v = calloc(cnt, sizeof *v);
    if (!v)
        return -1;
    int missing = 0;
    size_t k = 0;
    /* required options first, each group in table order */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
            const struct rule *r = &rules[i];
            bool req = r->required & bit;
            if (pass == 0 ? !req : (req || !(r->recommended & bit)))
                continue;
            struct xkl_kcheck_item *it = &v[k++];
            it->option = r->option;
            it->level = req ? XKL_KREQUIRED : XKL_KRECOMMENDED;
            it->value = xkl_kconfig_get(kc, r->option);
            it->ok = it->value != NULL;
            it->why = r->why;
            if (req && !it->ok)
                missing++;
        }
    *items = v;
    *n = k;
    return missing;
}
