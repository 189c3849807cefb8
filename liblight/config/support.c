/*
 * What create can act on. A setting that would change what the guest gets
 * and that xkit does not implement yet makes create fail naming its xl.cfg
 * key, instead of being dropped: a guest never boots without the disk, the
 * network or the device its config asked for. (xl create -n prints the
 * parsed configuration all the same.)
 */
#include "private.h"

#include <string.h>

const char *xkl__config_unsupported(const struct xkl_domain_config *dc)
{
    if (dc->num_disks)
        return "disk";
    if (dc->num_nics)
        return "vif";
    if (dc->num_pcidevs)
        return "pci";
    if (dc->b_info.bootloader)
        return "bootloader";
    /* every key kept raw is one create does nothing with */
    if (dc->num_xl_raw)
        return dc->xl_raw[0].key;
    return NULL;
}
