#include "private.h"

const char *xkg_version(void)
{
    return PACKAGE_VERSION;
}
