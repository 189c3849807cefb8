/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "private.h"

const char *xkg_version(void)
{
    return PACKAGE_VERSION;
}
