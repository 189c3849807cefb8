/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What create can act on. A setting that would change what the guest gets
 * and that xkit does not implement yet makes create fail naming its xl.cfg
 * key, instead of being dropped: a guest never boots without the disk, the
 * network or the device its config asked for. (xl create -n prints the
 * parsed configuration all the same.)
 */
#include "private.h"

#include <string.h>

/* Whether row K (create cannot act on it) is set in DC: its own test, or
 * the field differs from its default. */
static bool row_set(const struct xkl_domain_config *dc, const struct xkl_domain_config *def,
                    const struct xkl__cfg_key *k)
{
    if (k->set)
        return k->set(dc, k);
    const char *f = (const char *)dc + k->off, *g = (const char *)def + k->off;
    switch (k->kind) {
    case XKL__KEY_STR:
        return *(char *const *)f != NULL;
    case XKL__KEY_INT:
    case XKL__KEY_MB:
        return *(const long long *)f != *(const long long *)g;
    case XKL__KEY_BOOL:
        return *(const signed char *)f != *(const signed char *)g;
    case XKL__KEY_LIST:
    case XKL__KEY_LIST1:
        return *(const size_t *)((const char *)dc + k->noff) != 0;
    case XKL__KEY_RAW:
        for (size_t i = 0; i < dc->num_xl_raw; i++)
            if (!strcmp(dc->xl_raw[i].key, k->name))
                return true;
        return false;
    default:
        return false;   /* FN and BY rows without a test: nothing to look at */
    }
}

const char *xkl__config_unsupported(const struct xkl_domain_config *dc)
{
    struct xkl_domain_config def;
    xkl__domain_config_init(&def);
    unsigned type = xkl__key_type_bit(dc->c_info.type);
    const char *key = NULL;
    for (size_t i = 0; i < xkl__cfg_nkeys && !key; i++) {
        const struct xkl__cfg_key *k = &xkl__cfg_keys[i];
        /* a field for another guest type changes nothing (libxl ignores it) */
        if (k->create == XKL__CREATE_NOT && (k->types & type) && row_set(dc, &def, k))
            key = k->name;
    }
    /* a raw key the table does not know (JSON can hold any), or one it
     * types (an older xkit kept it raw, as vtpm was): create does nothing
     * with the raw form either */
    for (size_t i = 0; i < dc->num_xl_raw && !key; i++) {
        const struct xkl__cfg_key *k = xkl__cfg_key_find(dc->xl_raw[i].key);
        if (!k || k->kind != XKL__KEY_RAW)
            key = dc->xl_raw[i].key;
    }
    xkl__domain_config_dispose(&def);
    return key;
}
